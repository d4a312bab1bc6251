-- 010: what qualifies a result (issue 15). A result is one value of one model on one dataset and metric, for a
-- target (class, organ, sub-region; NULL = overall), on a split, in a setting; `source` says whether the paper
-- measured it or quotes it from other work; `proposed` marks the paper's own model; `headline` the values a
-- comparison table keeps (the own model's overall results, the strongest baseline per table); `std` and the
-- confidence interval as printed beside the value, on the value's scale.
ALTER TABLE results ADD COLUMN target VARCHAR;
ALTER TABLE results ADD COLUMN setting VARCHAR;
ALTER TABLE results ADD COLUMN source VARCHAR DEFAULT 'paper';
ALTER TABLE results ADD COLUMN proposed BOOLEAN;                  -- NULL in rows stored before: the model record says
ALTER TABLE results ADD COLUMN headline BOOLEAN DEFAULT true;
ALTER TABLE results ADD COLUMN std DOUBLE;
ALTER TABLE results ADD COLUMN ci_low DOUBLE;
ALTER TABLE results ADD COLUMN ci_high DOUBLE;

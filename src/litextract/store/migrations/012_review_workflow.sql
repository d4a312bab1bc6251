-- 012: the review workflow of a systematic review (issue 17; README "The review workflow").
-- `decisions` holds every reviewer's own current decision on each item: a paper's screening at each stage, a paper
-- header, a dataset, model or result value, a paper's custom extraction field. A decision marked `consensus`
-- resolves a conflict between reviewers. What a re-run extracts never touches this table; the history of every
-- change stays in `reviews`. The decisions made before this migration (one reviewer per value) are copied in by
-- `store.decisions.backfill` right after this statement.
CREATE TABLE decisions (
    subject     VARCHAR NOT NULL,                      -- screening:abstract | screening:full-text | paper | dataset
                                                       -- | model | result | field:<name>
    item_id     VARCHAR NOT NULL,                      -- the paper_id (screening, header, field) or the record_id
    paper_id    VARCHAR NOT NULL,
    reviewer    VARCHAR NOT NULL,
    consensus   BOOLEAN NOT NULL DEFAULT FALSE,        -- the decision that settles the reviewers' disagreement
    decision    VARCHAR NOT NULL,                      -- include | exclude | maybe; accept | edit | reject; set
    reason      VARCHAR,                               -- why a paper was excluded (protocol.exclusion_reasons)
    value       JSON,                                  -- the value as decided: a record's editable fields, a field's value
    changed     VARCHAR[],                             -- the fields an edit changed from the values the reviewer was shown
    decided_at  TIMESTAMP DEFAULT current_timestamp,
    PRIMARY KEY (subject, item_id, reviewer, consensus)
);

-- Where on its page a value's quote is (PDF points x0, y0, x1, y1): set by grounding, or by the extractor that read
-- the value from a known place (a table cell); the review queue zooms to it and highlights only what is inside.
ALTER TABLE datasets ADD COLUMN evidence_bbox DOUBLE[];
ALTER TABLE models ADD COLUMN evidence_bbox DOUBLE[];
ALTER TABLE results ADD COLUMN evidence_bbox DOUBLE[];
ALTER TABLE record_evidence ADD COLUMN bbox DOUBLE[];

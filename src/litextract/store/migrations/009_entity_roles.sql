-- 009: what a paper does with a dataset (role: 'used' in its experiments, or only 'mentioned'), whether a
-- dataset's name is an entry of the vocabulary, and a model's name as the paper wrote it (mention).
-- Rows written before this migration were all the paper's datasets: they are 'used'.
ALTER TABLE datasets ADD COLUMN role VARCHAR DEFAULT 'used';   -- used | mentioned
ALTER TABLE datasets ADD COLUMN in_vocabulary BOOLEAN;         -- NULL: not known (rows before 009, LLM records)
ALTER TABLE models ADD COLUMN mention VARCHAR;
UPDATE datasets SET role = 'used' WHERE role IS NULL;

-- 007: each record row's key (`records.record_key`): what makes two rows of one paper the same record. Computed in
-- Python by the one record-key function when a row is written, renamed, edited or restored; the rows of an older
-- database are filled in by `store.write.backfill_record_keys` right after this statement.
ALTER TABLE datasets ADD COLUMN record_key VARCHAR;
ALTER TABLE models ADD COLUMN record_key VARCHAR;
ALTER TABLE results ADD COLUMN record_key VARCHAR;

-- 005: deduplication (docs/dedup.md). Papers that are one work, logged merges that can be undone,
-- aliases a reviewer confirmed, and the further evidence of records that were collapsed into one.
CREATE TABLE works (                                    -- only papers that were merged with another have a row
    paper_id VARCHAR PRIMARY KEY,
    work_id  VARCHAR NOT NULL,                          -- paper_id of the preferred (published) version
    merge_id BIGINT NOT NULL                            -- the merge that linked it
);

CREATE SEQUENCE merge_seq;
CREATE TABLE merges (
    merge_id  BIGINT PRIMARY KEY DEFAULT nextval('merge_seq'),
    kind      VARCHAR NOT NULL,                         -- paper | dataset | backbone | result
    canonical VARCHAR NOT NULL,                         -- the work_id, or the canonical name
    members   VARCHAR[] NOT NULL,                       -- paper_ids, or the names that were merged
    rule      VARCHAR NOT NULL,                         -- doi | arxiv | title+author+year | vocabulary | ...
    score     DOUBLE,                                   -- 0-100 similarity the rule decided on
    detail    JSON,                                     -- every value it changed, for --undo
    merged_at TIMESTAMP DEFAULT current_timestamp,
    undone_at TIMESTAMP
);

CREATE TABLE aliases (                                  -- reviewer-confirmed: reused by canonical.Resolver on every run
    kind         VARCHAR NOT NULL,                      -- dataset | backbone | metric | modality | task
    alias        VARCHAR NOT NULL,
    canonical    VARCHAR NOT NULL,
    confirmed_by VARCHAR,
    confirmed_at TIMESTAMP DEFAULT current_timestamp,
    PRIMARY KEY (kind, alias)
);

CREATE TABLE record_evidence (                          -- the other evidence of a record duplicates collapsed into
    record_id VARCHAR NOT NULL,
    paper_id  VARCHAR NOT NULL,
    kind      VARCHAR NOT NULL,                         -- dataset | model | result
    page      INTEGER NOT NULL,
    quote     VARCHAR NOT NULL,
    mention   VARCHAR,                                  -- a dataset's name as written there
    verified  BOOLEAN,
    score     DOUBLE,
    source    VARCHAR,
    merge_id  BIGINT                                    -- set when `dedupe` collapsed stored rows; NULL at ingest
);

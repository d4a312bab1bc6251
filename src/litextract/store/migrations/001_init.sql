-- 001: papers, their files and parsed documents, extracted records, reviews, runs and errors.
CREATE TABLE papers (
    paper_id             VARCHAR PRIMARY KEY,          -- first 16 hex digits of the file's sha256
    sha256               VARCHAR NOT NULL UNIQUE,
    file                 VARCHAR NOT NULL,
    path                 VARCHAR NOT NULL,
    n_pages              INTEGER,
    title                VARCHAR,
    authors              VARCHAR[],
    year                 INTEGER,
    venue                VARCHAR,
    venue_type           VARCHAR,
    doi                  VARCHAR,
    arxiv_id             VARCHAR,
    uses_deep_learning   BOOLEAN,
    uses_medical_imaging BOOLEAN,
    evidence             JSON,                         -- {field: Evidence}
    field_sources        JSON,                         -- {field: parser or extractor}
    parser               VARCHAR,
    extractor            VARCHAR,
    ingested_at          TIMESTAMP DEFAULT current_timestamp
);

CREATE TABLE files (                                    -- every file name a paper was seen under
    sha256     VARCHAR NOT NULL,
    path       VARCHAR NOT NULL,
    file       VARCHAR NOT NULL,
    first_seen TIMESTAMP DEFAULT current_timestamp,
    PRIMARY KEY (sha256, path)
);

CREATE TABLE documents (                                -- the parsed Document, for re-extraction and review
    paper_id VARCHAR PRIMARY KEY,
    parser   VARCHAR,
    document JSON
);

CREATE TABLE datasets (
    record_id      VARCHAR PRIMARY KEY,
    paper_id       VARCHAR NOT NULL,
    name           VARCHAR NOT NULL,
    mention        VARCHAR,
    modality       VARCHAR,
    body_part      VARCHAR,
    size_patients  BIGINT,
    size_scans     BIGINT,
    size_images    BIGINT,
    size_slices    BIGINT,
    size_text      VARCHAR,
    tasks          VARCHAR[],
    public         BOOLEAN,
    url            VARCHAR,
    evidence_page  INTEGER,
    evidence_quote VARCHAR,
    verified       BOOLEAN,
    score          DOUBLE,
    extractor      VARCHAR,
    review_status  VARCHAR                              -- NULL | accepted | edited | rejected
);

CREATE TABLE models (
    record_id      VARCHAR PRIMARY KEY,
    paper_id       VARCHAR NOT NULL,
    name           VARCHAR NOT NULL,
    backbone       VARCHAR,
    task           VARCHAR,
    proposed       BOOLEAN,
    pretrained     VARCHAR,
    evidence_page  INTEGER,
    evidence_quote VARCHAR,
    verified       BOOLEAN,
    score          DOUBLE,
    extractor      VARCHAR,
    review_status  VARCHAR
);

CREATE TABLE results (
    record_id      VARCHAR PRIMARY KEY,
    paper_id       VARCHAR NOT NULL,
    model          VARCHAR NOT NULL,
    backbone       VARCHAR,
    dataset        VARCHAR,
    metric         VARCHAR NOT NULL,
    value          DOUBLE,
    as_printed     VARCHAR,
    split          VARCHAR,
    evidence_page  INTEGER,
    evidence_quote VARCHAR,
    verified       BOOLEAN,
    score          DOUBLE,
    extractor      VARCHAR,
    review_status  VARCHAR
);

CREATE SEQUENCE review_seq;
CREATE TABLE reviews (                                  -- audit trail of every review action
    review_id  BIGINT PRIMARY KEY DEFAULT nextval('review_seq'),
    kind       VARCHAR NOT NULL,                        -- paper | dataset | model | result
    record_id  VARCHAR NOT NULL,
    paper_id   VARCHAR NOT NULL,
    action     VARCHAR NOT NULL,                        -- accept | edit | reject
    old_value  JSON,
    new_value  JSON,
    reviewer   VARCHAR,
    reviewed_at TIMESTAMP DEFAULT current_timestamp
);

CREATE SEQUENCE run_seq;
CREATE TABLE runs (
    run_id      BIGINT PRIMARY KEY DEFAULT nextval('run_seq'),
    command     VARCHAR,
    started_at  TIMESTAMP DEFAULT current_timestamp,
    finished_at TIMESTAMP,
    n_files     INTEGER,
    n_ingested  INTEGER,
    n_unchanged INTEGER,
    n_failed    INTEGER,
    settings    JSON                                    -- secrets excluded
);

CREATE TABLE errors (
    run_id BIGINT,
    file   VARCHAR NOT NULL,
    sha256 VARCHAR,
    stage  VARCHAR NOT NULL,                            -- read | parse | extract | store | grobid | llm
    reason VARCHAR NOT NULL,
    failed_at TIMESTAMP DEFAULT current_timestamp
);

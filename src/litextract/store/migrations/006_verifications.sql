-- 006: `litextract verify` results: what a paper claims about a backbone beside what re-building it measured.
CREATE SEQUENCE verification_seq;
CREATE TABLE verifications (
    verification_id BIGINT PRIMARY KEY DEFAULT nextval('verification_seq'),
    paper_id        VARCHAR NOT NULL,
    record_id       VARCHAR,                            -- models.record_id; NULL when only the text names the backbone
    backbone        VARCHAR NOT NULL,                   -- canonical name (vocabulary)
    check_kind      VARCHAR NOT NULL,                   -- params | flops | input_size | latency | throughput | metric:<name> | gradcam
    claimed         DOUBLE,                             -- what the paper prints (NULL: it prints nothing to compare)
    claimed_text    VARCHAR,                            -- the claim as printed
    claimed_page    INTEGER,                            -- the page it is printed on
    measured        DOUBLE,
    unit            VARCHAR,
    tolerance       VARCHAR,
    verdict         VARCHAR NOT NULL,                   -- consistent | inconsistent | not checkable
    reason          VARCHAR NOT NULL,
    device          VARCHAR NOT NULL,                   -- cpu | cuda
    hardware        VARCHAR,
    software        JSON,                               -- {python, torch, torchvision, timm, monai, litextract, cuda}
    settings        JSON,                               -- how the network was built and run
    verified_at     TIMESTAMP DEFAULT current_timestamp
);

-- 004: one row per LLM request of a chunk (cache hits included, with cached = TRUE and no tokens spent).
CREATE SEQUENCE llm_call_seq;
CREATE TABLE llm_calls (
    call_id           BIGINT PRIMARY KEY DEFAULT nextval('llm_call_seq'),
    run_id            BIGINT,
    paper_id          VARCHAR NOT NULL,
    model             VARCHAR NOT NULL,
    prompt_version    VARCHAR NOT NULL,
    chunk             INTEGER NOT NULL,                 -- 0-based chunk index within the paper
    pages             VARCHAR,                          -- pages in the chunk, e.g. '3-5'
    prompt_tokens     INTEGER NOT NULL DEFAULT 0,       -- summed over every attempt, failed ones included
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    latency_s         DOUBLE,
    attempts          INTEGER NOT NULL DEFAULT 0,       -- HTTP requests sent (0 for a cache hit or a skip)
    retries           INTEGER NOT NULL DEFAULT 0,       -- attempts - 1: re-sends after 429/5xx/timeouts and re-asks
    outcome           VARCHAR NOT NULL,                 -- ok | timeout | connection | rate_limit | server_error
                                                        -- | invalid | truncated | budget | error
    error             VARCHAR,                          -- one line, API key redacted
    cached            BOOLEAN NOT NULL DEFAULT FALSE,
    called_at         TIMESTAMP DEFAULT current_timestamp
);

-- 002: reviewed paper header fields, applied over the parsed values by the `reviewed_papers` view.
-- A re-ingest replaces the `papers` row; the override row stays, so a reviewed header survives it.
CREATE TABLE paper_overrides (
    paper_id             VARCHAR PRIMARY KEY,
    fields               VARCHAR[] NOT NULL,           -- the header fields a reviewer set or confirmed
    title                VARCHAR,
    authors              VARCHAR[],
    year                 INTEGER,
    venue                VARCHAR,
    venue_type           VARCHAR,
    doi                  VARCHAR,
    arxiv_id             VARCHAR,
    uses_deep_learning   BOOLEAN,
    uses_medical_imaging BOOLEAN,
    review_status        VARCHAR NOT NULL,             -- accepted | edited
    reviewer             VARCHAR,
    reviewed_at          TIMESTAMP DEFAULT current_timestamp
);

CREATE VIEW reviewed_papers AS
SELECT
    p.* REPLACE (
        CASE WHEN list_contains(o.fields, 'title') THEN o.title ELSE p.title END AS title,
        CASE WHEN list_contains(o.fields, 'authors') THEN o.authors ELSE p.authors END AS authors,
        CASE WHEN list_contains(o.fields, 'year') THEN o.year ELSE p.year END AS year,
        CASE WHEN list_contains(o.fields, 'venue') THEN o.venue ELSE p.venue END AS venue,
        CASE WHEN list_contains(o.fields, 'venue_type') THEN o.venue_type ELSE p.venue_type END AS venue_type,
        CASE WHEN list_contains(o.fields, 'doi') THEN o.doi ELSE p.doi END AS doi,
        CASE WHEN list_contains(o.fields, 'arxiv_id') THEN o.arxiv_id ELSE p.arxiv_id END AS arxiv_id,
        CASE WHEN list_contains(o.fields, 'uses_deep_learning') THEN o.uses_deep_learning
             ELSE p.uses_deep_learning END AS uses_deep_learning,
        CASE WHEN list_contains(o.fields, 'uses_medical_imaging') THEN o.uses_medical_imaging
             ELSE p.uses_medical_imaging END AS uses_medical_imaging
    ),
    o.review_status,
    o.fields AS reviewed_fields
FROM papers p LEFT JOIN paper_overrides o USING (paper_id);

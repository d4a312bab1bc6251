"""The read layer: every query the CLI, export and dashboard show. Rows come back as dicts.

Rejected records are left out unless asked for; `review_status` tells what a reviewer did with the rest.
"""

from __future__ import annotations

from typing import Any

import duckdb

Row = dict[str, Any]


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[Row]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _live(alias: str, include_rejected: bool) -> str:
    return "TRUE" if include_rejected else f"coalesce({alias}.review_status, '') <> 'rejected'"


PAPER_COLUMNS = (
    "paper_id, file, sha256, title, authors, year, venue, venue_type, doi, arxiv_id, n_pages,"
    " uses_deep_learning, uses_medical_imaging"
)


def papers(con: duckdb.DuckDBPyConnection) -> list[Row]:
    """One row per work (its preferred paper, see dedup.py) with its record counts, newest first.

    `sources` lists every file of every version of the work (preprint and published, re-downloads).
    """
    return rows(
        con,
        f"SELECT {PAPER_COLUMNS}, parser, extractor,"
        " (SELECT count(*) FROM datasets d WHERE d.paper_id = p.paper_id AND "
        + _live("d", False)
        + ") AS n_datasets,"
        " (SELECT count(*) FROM models m WHERE m.paper_id = p.paper_id AND " + _live("m", False) + ") AS n_models,"
        " (SELECT count(*) FROM results r WHERE r.paper_id = p.paper_id AND " + _live("r", False) + ") AS n_results,"
        " (SELECT list_sort(list_distinct(list(f.path))) FROM files f JOIN papers v USING (sha256)"
        "   LEFT JOIN works vw ON vw.paper_id = v.paper_id WHERE coalesce(vw.work_id, v.paper_id) = p.paper_id)"
        "   AS sources"
        " FROM papers p LEFT JOIN works w USING (paper_id) WHERE coalesce(w.work_id, p.paper_id) = p.paper_id"
        " ORDER BY year DESC NULLS LAST, title",
    )


def find_paper(con: duckdb.DuckDBPyConnection, ref: str) -> Row | None:
    """A paper by id (or id prefix), sha256, file name or path."""
    found = rows(
        con,
        f"SELECT {PAPER_COLUMNS}, path, evidence, field_sources, parser, extractor FROM papers"
        " WHERE paper_id = ? OR sha256 = ? OR file = ? OR path = ?"
        " OR sha256 IN (SELECT sha256 FROM files WHERE file = ? OR path = ?)"
        " OR (length(?) >= 6 AND starts_with(paper_id, ?))",
        [ref, ref, ref, ref, ref, ref, ref, ref],
    )
    return found[0] if len(found) == 1 else None


def paper_files(con: duckdb.DuckDBPyConnection, sha256: str) -> list[str]:
    return [r["path"] for r in rows(con, "SELECT path FROM files WHERE sha256 = ? ORDER BY first_seen", [sha256])]


def datasets(
    con: duckdb.DuckDBPyConnection, paper_id: str | None = None, include_rejected: bool = False
) -> list[Row]:
    """Dataset mentions per paper (the paper_datasets table of the review)."""
    return rows(
        con,
        "SELECT d.*, p.title, p.year FROM datasets d JOIN papers p USING (paper_id)"
        f" WHERE (? IS NULL OR d.paper_id = ?) AND {_live('d', include_rejected)}"
        " ORDER BY p.year DESC NULLS LAST, d.paper_id, d.name",
        [paper_id, paper_id],
    )


def models(con: duckdb.DuckDBPyConnection, paper_id: str | None = None, include_rejected: bool = False) -> list[Row]:
    return rows(
        con,
        "SELECT m.*, p.title, p.year FROM models m JOIN papers p USING (paper_id)"
        f" WHERE (? IS NULL OR m.paper_id = ?) AND {_live('m', include_rejected)}"
        " ORDER BY p.year DESC NULLS LAST, m.paper_id, m.proposed DESC, m.name",
        [paper_id, paper_id],
    )


def results(con: duckdb.DuckDBPyConnection, paper_id: str | None = None, include_rejected: bool = False) -> list[Row]:
    return rows(
        con,
        "SELECT r.*, p.title, p.year, p.venue FROM results r JOIN papers p USING (paper_id)"
        f" WHERE (? IS NULL OR r.paper_id = ?) AND {_live('r', include_rejected)}"
        " ORDER BY p.year DESC NULLS LAST, r.paper_id, r.dataset, r.metric, r.value DESC",
        [paper_id, paper_id],
    )


def dataset_catalogue(con: duckdb.DuckDBPyConnection) -> list[Row]:
    """One row per canonical dataset: the spellings seen, modality, size, tasks and the works using it.

    Aliases include the spellings of duplicate mentions collapsed into one record; the versions of one work
    (see dedup.py) count once, under the work's id.
    """
    return rows(
        con,
        "WITH live AS (SELECT d.*, coalesce(w.work_id, d.paper_id) AS work_id FROM datasets d"
        f"   LEFT JOIN works w USING (paper_id) WHERE {_live('d', False)}),"
        " spelt AS (SELECT name, mention FROM live UNION SELECT l.name, e.mention FROM record_evidence e"
        "   JOIN live l USING (record_id) WHERE e.kind = 'dataset'),"
        " seen AS (SELECT name, list_sort(list(DISTINCT mention)) AS aliases FROM spelt"
        "   WHERE mention IS NOT NULL AND mention <> name GROUP BY name)"
        " SELECT d.name AS dataset, any_value(s.aliases) AS aliases,"
        " mode(d.modality) AS modality, mode(d.body_part) AS body_part,"
        " max(d.size_text) AS size_text,"
        " list_sort(list_distinct(flatten(list(d.tasks)))) AS tasks,"
        " bool_or(d.public) AS public, max(d.url) AS url,"
        " count(DISTINCT d.work_id) AS n_papers, list_sort(list_distinct(list(d.work_id))) AS paper_ids"
        " FROM live d LEFT JOIN seen s USING (name) GROUP BY d.name ORDER BY n_papers DESC, dataset",
    )


def errors(con: duckdb.DuckDBPyConnection, run_id: int | None = None) -> list[Row]:
    return rows(
        con,
        "SELECT run_id, file, sha256, stage, reason, failed_at FROM errors WHERE (? IS NULL OR run_id = ?)"
        " ORDER BY failed_at DESC",
        [run_id, run_id],
    )


def runs(con: duckdb.DuckDBPyConnection) -> list[Row]:
    return rows(con, "SELECT * EXCLUDE (settings) FROM runs ORDER BY run_id DESC")


def document_json(con: duckdb.DuckDBPyConnection, paper_id: str) -> str | None:
    found = con.execute("SELECT document FROM documents WHERE paper_id = ?", [paper_id]).fetchone()
    return str(found[0]) if found else None

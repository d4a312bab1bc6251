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


def _used(alias: str) -> str:
    """A dataset row the paper uses (not one it only mentions): the paper's datasets are these."""
    return f"coalesce({alias}.role, 'used') = 'used'"


PAPER_COLUMNS = (
    "paper_id, file, sha256, title, authors, year, venue, venue_type, doi, arxiv_id, n_pages,"
    " uses_deep_learning, uses_medical_imaging"
)


def papers(con: duckdb.DuckDBPyConnection) -> list[Row]:
    """One row per work (its preferred paper, see dedup/papers.py) with its record counts, newest first.

    `sources` lists every file of every version of the work (preprint and published, re-downloads).
    """
    return rows(
        con,
        f"SELECT {PAPER_COLUMNS}, parser, extractor,"
        " (SELECT count(*) FROM datasets d WHERE d.paper_id = p.paper_id AND "
        + _live("d", False)
        + " AND "
        + _used("d")
        + ") AS n_datasets,"
        " (SELECT count(*) FROM models m WHERE m.paper_id = p.paper_id AND " + _live("m", False) + ") AS n_models,"
        " (SELECT count(*) FROM results r WHERE r.paper_id = p.paper_id AND " + _live("r", False) + ") AS n_results,"
        " (SELECT list_sort(list_distinct(list(f.path))) FROM files f JOIN papers v USING (sha256)"
        "   LEFT JOIN works vw ON vw.paper_id = v.paper_id WHERE coalesce(vw.work_id, v.paper_id) = p.paper_id)"
        "   AS sources"
        " FROM reviewed_papers p LEFT JOIN works w USING (paper_id)"
        " WHERE coalesce(w.work_id, p.paper_id) = p.paper_id"
        " ORDER BY year DESC NULLS LAST, title",
    )


def find_paper(con: duckdb.DuckDBPyConnection, ref: str) -> Row | None:
    """The one paper `ref` names: its id (or an id prefix of 6+ digits), sha256, file name or path (any name the
    file was seen under); None when no paper or several match."""
    found = rows(
        con,
        f"SELECT {PAPER_COLUMNS}, path, evidence, field_sources, parser, extractor, review_status"
        " FROM reviewed_papers"
        " WHERE paper_id = ? OR sha256 = ? OR file = ? OR path = ?"
        " OR sha256 IN (SELECT sha256 FROM files WHERE file = ? OR path = ?)"
        " OR (length(?) >= 6 AND starts_with(paper_id, ?))",
        [ref, ref, ref, ref, ref, ref, ref, ref],
    )
    return found[0] if len(found) == 1 else None


def find_papers(con: duckdb.DuckDBPyConnection, refs: list[str]) -> tuple[list[str], list[str]]:
    """(paper ids, refs that name no single paper) for `refs`, as `find_paper` finds each, in order and without
    repeats; every stored paper (by file name) when `refs` is empty."""
    if not refs:
        return [r[0] for r in con.execute("SELECT paper_id FROM papers ORDER BY file, paper_id").fetchall()], []
    found: dict[str, None] = {}
    missing = []
    for ref in refs:
        paper = find_paper(con, ref)
        if paper is None:
            missing.append(ref)
        else:
            found[paper["paper_id"]] = None
    return list(found), missing


def paper_files(con: duckdb.DuckDBPyConnection, sha256: str) -> list[str]:
    return [r["path"] for r in rows(con, "SELECT path FROM files WHERE sha256 = ? ORDER BY first_seen", [sha256])]


def datasets(
    con: duckdb.DuckDBPyConnection,
    paper_id: str | None = None,
    include_rejected: bool = False,
    include_mentioned: bool = False,
) -> list[Row]:
    """The datasets each paper uses (the paper_datasets table of the review); with `include_mentioned`, also
    those it only mentions (related work, others' results), used ones first."""
    used = "TRUE" if include_mentioned else _used("d")
    return rows(
        con,
        "SELECT d.*, p.title, p.year FROM datasets d JOIN reviewed_papers p USING (paper_id)"
        f" WHERE (? IS NULL OR d.paper_id = ?) AND {_live('d', include_rejected)} AND {used}"
        " ORDER BY p.year DESC NULLS LAST, d.paper_id, coalesce(d.role, 'used') DESC, d.name",
        [paper_id, paper_id],
    )


def models(con: duckdb.DuckDBPyConnection, paper_id: str | None = None, include_rejected: bool = False) -> list[Row]:
    return rows(
        con,
        "SELECT m.*, p.title, p.year FROM models m JOIN reviewed_papers p USING (paper_id)"
        f" WHERE (? IS NULL OR m.paper_id = ?) AND {_live('m', include_rejected)}"
        " ORDER BY p.year DESC NULLS LAST, m.paper_id, m.proposed DESC, m.name",
        [paper_id, paper_id],
    )


def results(con: duckdb.DuckDBPyConnection, paper_id: str | None = None, include_rejected: bool = False) -> list[Row]:
    return rows(
        con,
        "SELECT r.*, p.title, p.year, p.venue FROM results r JOIN reviewed_papers p USING (paper_id)"
        f" WHERE (? IS NULL OR r.paper_id = ?) AND {_live('r', include_rejected)}"
        " ORDER BY p.year DESC NULLS LAST, r.paper_id, r.dataset, r.metric, r.value DESC",
        [paper_id, paper_id],
    )


def dataset_catalogue(con: duckdb.DuckDBPyConnection) -> list[Row]:
    """One row per canonical dataset: the spellings seen, modality, size, tasks and the works using it.

    Aliases include the spellings of duplicate mentions collapsed into one record; the versions of one work
    (see dedup/papers.py) count once, under the work's id.
    """
    return rows(
        con,
        "WITH live AS (SELECT d.*, coalesce(w.work_id, d.paper_id) AS work_id FROM datasets d"
        f"   LEFT JOIN works w USING (paper_id) WHERE {_live('d', False)} AND {_used('d')}),"
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


# --- Dashboard reads (overview, filters, leaderboards, review queue). Header fields come from the
# `reviewed_papers` view (migration 002), so a reviewer's edits show everywhere these are used.

_LIVE_VERIFIED = "(verified OR review_status IN ('accepted', 'edited'))"


def overview_counts(con: duckdb.DuckDBPyConnection) -> Row:
    """Numbers of papers, live records, values still unverified and unreviewed, and files that failed."""
    unverified = " UNION ALL ".join(
        f"SELECT verified, review_status FROM {t}" for t in ("datasets", "models", "results")
    )
    return rows(
        con,
        "SELECT (SELECT count(*) FROM papers) AS papers,"
        f" (SELECT count(*) FROM datasets d WHERE {_live('d', False)} AND {_used('d')}) AS datasets,"
        f" (SELECT count(*) FROM models m WHERE {_live('m', False)}) AS models,"
        f" (SELECT count(*) FROM results r WHERE {_live('r', False)}) AS results,"
        f" (SELECT count(*) FROM ({unverified}) WHERE NOT coalesce(verified, FALSE) AND review_status IS NULL)"
        "   AS unverified,"
        " (SELECT count(DISTINCT file) FROM errors WHERE file NOT IN (SELECT path FROM files)"
        "   AND (sha256 IS NULL OR sha256 NOT IN (SELECT sha256 FROM papers))) AS failed_files",
    )[0]


def papers_by_year(con: duckdb.DuckDBPyConnection) -> list[Row]:
    return rows(con, "SELECT year, count(*) AS papers FROM reviewed_papers GROUP BY year ORDER BY year NULLS LAST")


def papers_by_modality(con: duckdb.DuckDBPyConnection) -> list[Row]:
    """Papers using at least one dataset of each imaging modality."""
    return rows(
        con,
        "SELECT coalesce(modality, 'unknown') AS modality, count(DISTINCT paper_id) AS papers FROM datasets d"
        f" WHERE {_live('d', False)} AND {_used('d')} GROUP BY ALL ORDER BY papers DESC, modality",
    )


def facets(con: duckdb.DuckDBPyConnection) -> dict[str, list[Any]]:
    """The distinct values each paper filter can take."""

    def column(sql: str) -> list[Any]:
        return [r[0] for r in con.execute(sql).fetchall()]

    live_d, live_m, live_r = f"{_live('d', False)} AND {_used('d')}", _live("m", False), _live("r", False)
    return {
        "years": column("SELECT DISTINCT year FROM reviewed_papers WHERE year IS NOT NULL ORDER BY year"),
        "venues": column("SELECT DISTINCT venue FROM reviewed_papers WHERE venue IS NOT NULL ORDER BY venue"),
        "modalities": column(
            f"SELECT DISTINCT modality FROM datasets d WHERE modality IS NOT NULL AND {live_d} ORDER BY 1"
        ),
        "tasks": column(
            f"SELECT DISTINCT t FROM (SELECT unnest(tasks) AS t FROM datasets d WHERE {live_d}"
            f" UNION SELECT task FROM models m WHERE {live_m}) WHERE t IS NOT NULL ORDER BY t"
        ),
        "backbones": column(
            f"SELECT DISTINCT backbone FROM models m WHERE backbone IS NOT NULL AND {live_m} ORDER BY 1"
        ),
        "datasets": column(f"SELECT DISTINCT name FROM datasets d WHERE {live_d} ORDER BY 1"),
        "metrics": column(f"SELECT DISTINCT metric FROM results r WHERE {live_r} ORDER BY 1"),
    }


def filter_papers(
    con: duckdb.DuckDBPyConnection,
    *,
    search: str | None = None,
    year_min: int | None = None,
    year_max: int | None = None,
    venues: list[str] | None = None,
    modalities: list[str] | None = None,
    tasks: list[str] | None = None,
    backbones: list[str] | None = None,
    datasets: list[str] | None = None,
    verified_only: bool = False,
) -> list[Row]:
    """Papers matching every given filter (None or empty = no filter), with what they use and report.

    `search` matches title, authors, venue, DOI or file name. With `verified_only`, only values whose quote
    was found on its page (or that a reviewer accepted or edited) count, and papers without any are left out.
    """
    ok = _LIVE_VERIFIED if verified_only else "TRUE"
    live_d, live_m, live_r = f"{_live('d', False)} AND {_used('d')}", _live("m", False), _live("r", False)
    sql = (
        "WITH d AS (SELECT paper_id, count(*) AS n, list_distinct(list(name)) AS names,"
        "   list_distinct(list(modality)) AS modalities, list_distinct(flatten(list(tasks))) AS tasks"
        f"   FROM datasets d WHERE {live_d} AND {ok} GROUP BY paper_id),"
        " m AS (SELECT paper_id, count(*) AS n, list_distinct(list(backbone)) AS backbones,"
        f"   list_distinct(list(task)) AS tasks FROM models m WHERE {live_m} AND {ok} GROUP BY paper_id),"
        f" r AS (SELECT paper_id, count(*) AS n FROM results r WHERE {live_r} AND {ok} GROUP BY paper_id)"
        " SELECT p.paper_id, p.year, p.title, p.authors, p.venue, p.venue_type, p.doi, p.file, p.review_status,"
        "  list_sort(d.names) AS datasets, list_sort(d.modalities) AS modalities,"
        "  list_sort(m.backbones) AS backbones,"
        "  coalesce(d.n, 0) AS n_datasets, coalesce(m.n, 0) AS n_models, coalesce(r.n, 0) AS n_results"
        " FROM reviewed_papers p"
        "  LEFT JOIN d USING (paper_id) LEFT JOIN m USING (paper_id) LEFT JOIN r USING (paper_id)"
        " WHERE ($search IS NULL OR p.title ILIKE $like OR array_to_string(p.authors, ' ') ILIKE $like"
        "   OR p.venue ILIKE $like OR p.doi ILIKE $like OR p.file ILIKE $like)"
        " AND ($year_min IS NULL OR p.year >= $year_min) AND ($year_max IS NULL OR p.year <= $year_max)"
        " AND ($venues IS NULL OR list_contains($venues, p.venue))"
        " AND ($modalities IS NULL OR list_has_any(d.modalities, $modalities))"
        " AND ($tasks IS NULL OR list_has_any(d.tasks, $tasks) OR list_has_any(m.tasks, $tasks))"
        " AND ($backbones IS NULL OR list_has_any(m.backbones, $backbones))"
        " AND ($datasets IS NULL OR list_has_any(d.names, $datasets))"
        " AND (NOT $verified_only OR d.n > 0 OR m.n > 0 OR r.n > 0)"
        " ORDER BY p.year DESC NULLS LAST, p.title"
    )
    search = (search or "").strip() or None
    params = {
        "search": search,
        "like": f"%{search}%" if search else None,
        "year_min": year_min,
        "year_max": year_max,
        "venues": venues or None,
        "modalities": modalities or None,
        "tasks": tasks or None,
        "backbones": backbones or None,
        "datasets": datasets or None,
        "verified_only": verified_only,
    }
    cur = con.execute(sql, params)
    names = [c[0] for c in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def paper(con: duckdb.DuckDBPyConnection, paper_id: str) -> Row | None:
    """One paper with its reviewed header, evidence and the parser of each field."""
    found = rows(con, "SELECT * FROM reviewed_papers WHERE paper_id = ?", [paper_id])
    return found[0] if found else None


def leaderboard_choices(con: duckdb.DuckDBPyConnection) -> list[Row]:
    """The (dataset, metric) pairs with results, most reported first."""
    return rows(
        con,
        "SELECT dataset, metric, count(*) AS n_results, count(DISTINCT paper_id) AS n_papers FROM results r"
        f" WHERE dataset IS NOT NULL AND {_live('r', False)} GROUP BY ALL ORDER BY n_results DESC, dataset, metric",
    )


LEADERBOARD_SPLITS = ("test", "validation", "cross-validation", "external", "train")


def leaderboard_slices(con: duckdb.DuckDBPyConnection, dataset: str, metric: str) -> list[Row]:
    """The targets (NULL: overall) and splits the results for `dataset` and `metric` have, most reported first:
    a leaderboard ranks one target on one split."""
    return rows(
        con,
        "SELECT r.target, coalesce(r.split, 'test') AS split, count(*) AS n_results FROM results r"
        f" WHERE r.dataset = ? AND r.metric = ? AND {_live('r', False)}"
        " GROUP BY ALL ORDER BY r.target NULLS FIRST, n_results DESC",
        [dataset, metric],
    )


def leaderboard(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    metric: str,
    lower_is_better: bool = False,
    verified_only: bool = False,
    target: str | None = None,
    split: str = "test",
    include_cited: bool = False,
    include_ablation: bool = False,
) -> list[Row]:
    """The results for one dataset, metric, target (None: overall) and split, best first, with the model and
    paper they come from: like ranked with like. A result without a split counts as a test result (what papers
    report unless they say otherwise); values quoted from other papers (`source` cited) and ablation rows only
    when asked for."""
    order = "ASC" if lower_is_better else "DESC"
    return rows(
        con,
        f"SELECT rank() OVER (ORDER BY r.value {order}) AS rank, r.model,"
        " coalesce(r.backbone, m.backbone) AS backbone,"
        " r.value, r.as_printed, r.std, r.split, r.target, r.setting, r.source,"
        " (coalesce(r.proposed, false) OR coalesce(m.proposed, false)) AS proposed, p.title, p.year, p.venue,"
        " r.paper_id, r.record_id,"
        " r.evidence_page, r.evidence_quote, r.verified, r.review_status"
        " FROM results r JOIN reviewed_papers p USING (paper_id)"
        " LEFT JOIN models m ON m.paper_id = r.paper_id AND lower(m.name) = lower(r.model)"
        f"   AND {_live('m', False)}"
        f" WHERE r.dataset = ? AND r.metric = ? AND {_live('r', False)}"
        " AND r.target IS NOT DISTINCT FROM ? AND coalesce(r.split, 'test') = ?"
        " AND (? OR coalesce(r.source, 'paper') <> 'cited')"
        " AND (? OR r.setting IS NULL OR r.setting NOT LIKE 'ablation%')"
        " AND (NOT ? OR r.verified OR r.review_status IN ('accepted', 'edited'))"
        f" ORDER BY r.value {order}, p.year, r.model",
        [dataset, metric, target, split, include_cited, include_ablation, verified_only],
    )


def compare_results(con: duckdb.DuckDBPyConnection, paper_ids: list[str]) -> list[Row]:
    """The live results of the given papers, for a side-by-side comparison."""
    return rows(
        con,
        "SELECT r.paper_id, p.title, p.year, r.model, r.backbone, r.dataset, r.metric, r.value, r.as_printed,"
        " r.split, r.target, r.setting, r.source, r.verified, r.review_status"
        " FROM results r JOIN reviewed_papers p USING (paper_id)"
        f" WHERE list_contains(?, r.paper_id) AND {_live('r', False)} ORDER BY r.dataset, r.metric, p.year, r.model",
        [paper_ids],
    )


_QUEUE = {
    "dataset": ("datasets", "name", "concat_ws(' · ', modality, body_part, size_text)"),
    "model": ("models", "name", "concat_ws(' · ', backbone, task, CASE WHEN proposed THEN 'proposed' END)"),
    "result": ("results", "concat_ws(' · ', model, dataset, metric)", "concat_ws(' ', as_printed, split)"),
}

# Why a value may well be wrong, per kind ("*": every kind): (condition on its row `t`, weight, the reason shown).
# The queue puts the values with the heaviest reasons first; the grounding score (100 for nearly every verified
# value) only breaks ties.
_CITED = r"regexp_matches(t.evidence_quote, '\[\d+(\s*[,–-]\s*\d+)*\]|\bet al\b')"
_BARE_NUMBER = r"regexp_full_match(trim(t.evidence_quote), '[-+−]?\d+([.,]\d+)?\s*%?')"
UNCERTAINTY: dict[str, list[tuple[str, int, str]]] = {
    "*": [
        ("NOT coalesce(t.verified, FALSE)", 8, "quote not found on its page"),
        (_CITED, 3, "cited-looking: a reference or 'et al.' in the quote"),
    ],
    "result": [
        ("t.dataset IS NULL", 4, "no dataset"),
        (
            "NOT EXISTS (SELECT 1 FROM models m WHERE m.paper_id = t.paper_id AND lower(m.name) = lower(t.model)"
            " AND coalesce(m.review_status, '') <> 'rejected')",
            4,
            "its model is not among the paper's models",
        ),
        (_BARE_NUMBER, 2, "a bare number: its row and column headers are not in the quote"),
    ],
    "model": [
        ("t.backbone IS NULL", 2, "no backbone"),
        (
            "NOT EXISTS (SELECT 1 FROM results r WHERE r.paper_id = t.paper_id AND lower(r.model) = lower(t.name))",
            1,
            "no result of this model",
        ),
    ],
    "dataset": [
        ("t.modality IS NULL", 1, "no modality"),
        (
            "NOT EXISTS (SELECT 1 FROM results r WHERE r.paper_id = t.paper_id AND lower(r.dataset) = lower(t.name))",
            1,
            "no result on this dataset",
        ),
    ],
}


def _pending(kind: str, dual: bool) -> str:
    """The rows of `kind` the reviewer ($reviewer) still has to decide: with one reviewer, those nobody reviewed;
    with two, those this reviewer has not decided, that no consensus settled and fewer than two reviewers decided."""
    if not dual:
        return "t.review_status IS NULL"
    mine = f"d.subject = '{kind}' AND d.item_id = t.record_id"
    return (
        f"NOT EXISTS (SELECT 1 FROM decisions d WHERE {mine} AND (d.consensus OR d.reviewer = $reviewer))"
        f" AND (SELECT count(*) FROM decisions d WHERE {mine} AND NOT d.consensus) < 2"
    )


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


_FILTERS = (
    "($paper_id IS NULL OR t.paper_id = $paper_id) AND ($page IS NULL OR t.evidence_page = $page)"
    " AND ($kind IS NULL OR $kind = '{kind}')"
)


def _queue_sql(dual: bool) -> str:
    """The values to review with their `why` and `uncertainty` (each reason's condition evaluated once)."""
    parts = []
    for k, (table, label, detail) in _QUEUE.items():
        signals = UNCERTAINTY["*"] + UNCERTAINTY[k]
        flags = ", ".join(f"({cond}) AS f{i}" for i, (cond, _, _) in enumerate(signals))
        why = ", ".join(f"CASE WHEN f{i} THEN {_literal(reason)} END" for i, (_, _, reason) in enumerate(signals))
        weight = " + ".join(f"CASE WHEN f{i} THEN {w} ELSE 0 END" for i, (_, w, _) in enumerate(signals))
        parts.append(
            f"SELECT '{k}' AS kind, t.record_id, t.paper_id, {label} AS label, {detail} AS detail, t.evidence_page,"
            f" t.evidence_quote, t.evidence_bbox, {'t.as_printed' if k == 'result' else 'NULL'} AS as_printed,"
            f" t.verified, t.score, list_filter([{why}], lambda x: x IS NOT NULL) AS why, {weight} AS uncertainty"
            f" FROM (SELECT t.*, {flags} FROM {table} t"
            f" WHERE {_pending(k, dual)} AND {_FILTERS.format(kind=k)}) t"
        )
    return (
        f"SELECT q.*, p.title, p.path, p.file FROM ({' UNION ALL '.join(parts)}) q"
        " JOIN reviewed_papers p USING (paper_id)"
    )


def review_queue(
    con: duckdb.DuckDBPyConnection,
    kind: str | None = None,
    paper_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
    reviewer: str | None = None,
    dual: bool = False,
    page: int | None = None,
) -> list[Row]:
    """Values still to review (by `reviewer` when two reviewers are required), the likeliest errors first: the
    heaviest `UNCERTAINTY` reasons (listed in `why`), then the lowest grounding score."""
    cur = con.execute(
        _queue_sql(dual) + " ORDER BY q.uncertainty DESC, q.score NULLS FIRST, q.paper_id, q.kind, q.record_id"
        " LIMIT $limit OFFSET $offset",
        {"kind": kind, "paper_id": paper_id, "page": page, "limit": limit, "offset": offset}
        | ({"reviewer": reviewer or ""} if dual else {}),
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def review_queue_size(
    con: duckdb.DuckDBPyConnection,
    kind: str | None = None,
    paper_id: str | None = None,
    reviewer: str | None = None,
    dual: bool = False,
) -> int:
    """How many values `review_queue` has to show (no paging)."""
    counts = " + ".join(
        f"(SELECT count(*) FROM {table} t WHERE {_pending(k, dual)} AND {_FILTERS.format(kind=k)})"
        for k, (table, _, _) in _QUEUE.items()
    )
    found = con.execute(
        f"SELECT {counts}",
        {"kind": kind, "paper_id": paper_id, "page": None} | ({"reviewer": reviewer or ""} if dual else {}),
    ).fetchone()
    return int(found[0]) if found else 0


def review_progress(
    con: duckdb.DuckDBPyConnection, paper_id: str | None = None, reviewer: str | None = None, dual: bool = False
) -> Row:
    """Values of one paper (None: all) and how many of them are still to review (as `review_queue_size` counts)."""
    found = con.execute(
        "SELECT count(*) FROM ("
        + " UNION ALL ".join(f"SELECT paper_id FROM {t}" for t, _, _ in _QUEUE.values())
        + ") WHERE ? IS NULL OR paper_id = ?",
        [paper_id, paper_id],
    ).fetchone()
    total = int(found[0]) if found else 0
    left = review_queue_size(con, paper_id=paper_id, reviewer=reviewer, dual=dual)
    return {"total": total, "left": left, "done": total - left}


def record(con: duckdb.DuckDBPyConnection, kind: str, record_id: str) -> Row | None:
    """One dataset, model or result row, rejected or not."""
    table = {"dataset": "datasets", "model": "models", "result": "results"}[kind]
    found = rows(con, f"SELECT * FROM {table} WHERE record_id = ?", [record_id])
    return found[0] if found else None


def reviews(
    con: duckdb.DuckDBPyConnection, paper_id: str | None = None, limit: int = 500, reviewer: str | None = None
) -> list[Row]:
    """The review audit trail, newest first (only `reviewer`'s actions when given: blind review)."""
    return rows(
        con,
        "SELECT review_id, reviewed_at, reviewer, kind, action, record_id, paper_id, old_value, new_value"
        " FROM reviews WHERE (? IS NULL OR paper_id = ?) AND (? IS NULL OR reviewer = ?)"
        " ORDER BY review_id DESC LIMIT ?",
        [paper_id, paper_id, reviewer, reviewer, limit],
    )


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    found = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]).fetchone()
    return bool(found and found[0])


def verifications(con: duckdb.DuckDBPyConnection, paper_id: str | None = None) -> list[Row]:
    """`litextract verify`'s checks with the paper's file name, by file, backbone and check; none when this
    database has no `verifications` table (migration 006)."""
    if not has_table(con, "verifications"):
        return []
    return rows(
        con,
        "SELECT v.*, p.file FROM verifications v LEFT JOIN papers p USING (paper_id)"
        " WHERE ? IS NULL OR v.paper_id = ? ORDER BY p.file, v.backbone, v.check_kind, v.verification_id",
        [paper_id, paper_id],
    )


def llm_usage(con: duckdb.DuckDBPyConnection) -> list[Row]:
    """LLM requests and tokens per model and outcome (migration 004), or none when there is no such table."""
    if not has_table(con, "llm_calls"):
        return []
    return rows(
        con,
        "SELECT model, outcome, count(*) AS calls, count(*) FILTER (WHERE cached) AS cached,"
        " sum(prompt_tokens) AS prompt_tokens, sum(completion_tokens) AS completion_tokens,"
        " sum(retries) AS retries, round(avg(latency_s), 2) AS mean_latency_s"
        " FROM llm_calls GROUP BY ALL ORDER BY calls DESC",
    )

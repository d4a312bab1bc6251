"""Writes: papers with their records (one transaction per batch), runs and errors. Reviewed records always
survive a re-extraction."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterable, Sequence
from typing import Any

import duckdb

from litextract.document import Document
from litextract.records import (
    KEY_FIELDS,
    Dataset,
    Extraction,
    ExtraEvidence,
    Model,
    Result,
    record_id,
    record_key,
    stored_fields,
)
from litextract.store import queries, transaction

RECORD_TABLES = ("datasets", "models", "results")
KIND_OF_TABLE = {"datasets": "dataset", "models": "model", "results": "result"}


def paper_id_of(sha256: str) -> str:
    return sha256[:16]


def _record_row(pid: str, kind: str, record: Dataset | Model | Result, extractor: str) -> dict[str, Any]:
    return {
        "record_id": record_id(pid, kind, record.key),
        "record_key": record.key,
        "paper_id": pid,
        **{f.name: f.value(record) for f in stored_fields(kind)},
        **_evidence(record.evidence, extractor),
    }


def _evidence(e: Any, extractor: str) -> dict[str, Any]:
    return {
        "evidence_page": e.page,
        "evidence_quote": e.quote,
        "verified": e.verified,
        "score": e.score,
        "extractor": e.source or extractor,
        "review_status": None,
        "evidence_bbox": list(e.bbox) if e.bbox else None,
    }


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]], verb: str = "INSERT") -> None:
    if not rows:
        return
    # the rows as one list-of-structs parameter: ~10x faster than a multi-row VALUES list, ~100x than executemany
    con.execute(f"{verb} INTO {table} BY NAME SELECT unnest(?, recursive := true)", [rows])


def _paper_row(doc: Document, extraction: Extraction) -> dict[str, Any]:
    p = extraction.paper
    return {
        "paper_id": paper_id_of(doc.sha256),
        "sha256": doc.sha256,
        "file": doc.file,
        "path": doc.path,
        "n_pages": doc.n_pages,
        **{f.name: f.value(p) for f in stored_fields("paper")},
        "evidence": json.dumps({k: e.model_dump() for k, e in p.evidence.items()}),
        "field_sources": json.dumps(doc.field_sources),
        "parser": doc.parser,
        "extractor": extraction.extractor,
    }


def _extra_row(pid: str, x: ExtraEvidence) -> dict[str, Any]:
    e = x.evidence
    return {
        "record_id": record_id(pid, x.kind, x.key),
        "paper_id": pid,
        "kind": x.kind,
        "page": e.page,
        "quote": e.quote,
        "mention": x.mention,
        "verified": e.verified,
        "score": e.score,
        "source": e.source,
        "bbox": list(e.bbox) if e.bbox else None,
    }


def save_papers(
    con: duckdb.DuckDBPyConnection, papers: Sequence[tuple[Document, Extraction, Sequence[ExtraEvidence]]]
) -> list[str]:
    """Store (or replace) papers with their documents, records and the evidence of their collapsed duplicate
    records (see `litextract.collapse`), all in one transaction; returns their paper_ids.

    Records a reviewer has accepted, edited, rejected or decided on (store.decisions) are kept exactly as they are,
    with their evidence.
    """
    pids = [paper_id_of(doc.sha256) for doc, _, _ in papers]
    rows: dict[str, list[dict[str, Any]]] = {"datasets": [], "models": [], "results": [], "record_evidence": []}
    for pid, (_, extraction, extra) in zip(pids, papers, strict=True):
        source = extraction.extractor
        rows["datasets"] += [_record_row(pid, "dataset", d, source) for d in extraction.datasets]
        rows["models"] += [_record_row(pid, "model", m, source) for m in extraction.models]
        rows["results"] += [_record_row(pid, "result", r, source) for r in extraction.results]
        rows["record_evidence"] += [_extra_row(pid, x) for x in extra]
    with transaction(con):
        reviewed = _replace(con, pids)
        _insert(con, "papers", [_paper_row(doc, extraction) for doc, extraction, _ in papers])
        files = [{"sha256": d.sha256, "path": d.path, "file": d.file} for d, _, _ in papers]
        _insert(con, "files", files, "INSERT OR IGNORE")
        documents = [
            {"paper_id": pid, "parser": d.parser, "document": d.model_dump_json()}
            for pid, (d, _, _) in zip(pids, papers, strict=True)
        ]
        _insert(con, "documents", documents)
        for table, table_rows in rows.items():
            _insert(con, table, [row for row in table_rows if row["record_id"] not in reviewed])
    return pids


def _replace(con: duckdb.DuckDBPyConnection, pids: list[str]) -> set[str]:
    """Delete what is stored of these papers except reviewed records (and their evidence); returns the ids of
    those reviewed records. New papers cost one query: DuckDB pays ~1-3 ms per statement."""
    these = "paper_id IN (SELECT unnest(?::VARCHAR[]))"
    stored = [r[0] for r in con.execute(f"SELECT paper_id FROM papers WHERE {these}", [pids]).fetchall()]
    if not stored:
        return set()
    # reviewed: a review_status, or a reviewer's decision not settled yet (two reviewers required, migration 012)
    decided = "(review_status IS NOT NULL OR record_id IN (SELECT item_id FROM decisions WHERE subject = ?))"
    reviewed_sql = " UNION ALL ".join(
        f"SELECT record_id FROM {table} WHERE {these} AND {decided}" for table in RECORD_TABLES
    )
    params = [p for table in RECORD_TABLES for p in (stored, KIND_OF_TABLE[table])]
    reviewed = {r[0] for r in con.execute(reviewed_sql, params).fetchall()}
    for table in ("papers", "documents"):
        con.execute(f"DELETE FROM {table} WHERE {these}", [stored])
    for table in RECORD_TABLES:
        con.execute(f"DELETE FROM {table} WHERE {these} AND NOT {decided}", [stored, KIND_OF_TABLE[table]])
    con.execute(
        f"DELETE FROM record_evidence WHERE {these} AND merge_id IS NULL"
        " AND record_id NOT IN (SELECT unnest(?::VARCHAR[]))",
        [stored, sorted(reviewed)],
    )
    return reviewed


def save_paper(
    con: duckdb.DuckDBPyConnection, doc: Document, extraction: Extraction, extra: Sequence[ExtraEvidence] = ()
) -> str:
    """`save_papers` for one paper; returns its paper_id."""
    return save_papers(con, [(doc, extraction, extra)])[0]


def refresh_record_keys(con: duckdb.DuckDBPyConnection, table: str, record_ids: Iterable[str] | None = None) -> None:
    """Set `record_key` of these rows (None: every row of `table`) from their values, by `records.record_key`:
    after a rename, a review edit or an undo changed a value the key is made of."""
    kind = KIND_OF_TABLE[table]
    ids = None if record_ids is None else sorted(set(record_ids))
    present = {d[0] for d in con.execute(f"SELECT * FROM {table} LIMIT 0").description}
    fields = [name for name in KEY_FIELDS[kind] if name in present]  # at 007 an old table lacks the later ones
    found = queries.rows(
        con,
        f"SELECT record_id, {', '.join(fields)} FROM {table}"
        " WHERE ?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], record_id)",
        [ids, ids],
    )
    keys = [{"record_id": r["record_id"], "record_key": record_key(kind, r)} for r in found]
    if keys:
        con.execute(
            f"UPDATE {table} t SET record_key = k.record_key FROM (SELECT unnest(?, recursive := true)) k"
            " WHERE t.record_id = k.record_id",
            [keys],
        )


def backfill_record_keys(con: duckdb.DuckDBPyConnection) -> None:
    """Every row's `record_key` (migration 007, for the rows stored before it)."""
    for table in RECORD_TABLES:
        refresh_record_keys(con, table)


def add_file(con: duckdb.DuckDBPyConnection, sha256: str, path: str, file: str) -> None:
    """Remember another file name for an already stored paper."""
    con.execute("INSERT OR IGNORE INTO files (sha256, path, file) VALUES (?, ?, ?)", [sha256, path, file])


def start_run(con: duckdb.DuckDBPyConnection, command: str, settings: dict[str, Any]) -> int:
    """A new run of `command` by this process (runs left open by dead processes are closed first)."""
    close_stale_runs(con)
    row = con.execute(
        "INSERT INTO runs (command, settings, pid, host) VALUES (?, ?, ?, ?) RETURNING run_id",
        [command, json.dumps(settings), os.getpid(), socket.gethostname()],
    ).fetchone()
    assert row is not None
    return int(row[0])


def close_stale_runs(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Mark 'interrupted' the open runs whose process is gone (killed mid-run); returns their ids.

    A run gives the database back between its writes, so DuckDB's lock cannot tell whether it still runs: its
    process id can, on this machine. Runs of other machines are left alone; open runs from before migration 008
    (no process id) are closed.
    """
    here = socket.gethostname()
    rows = con.execute("SELECT run_id, pid, host FROM runs WHERE finished_at IS NULL AND status IS NULL").fetchall()
    stale = [run_id for run_id, pid, host in rows if pid is None or (host == here and not _alive(pid))]
    if stale:
        con.execute("UPDATE runs SET status = 'interrupted' WHERE run_id IN (SELECT unnest(?::BIGINT[]))", [stale])
    return stale


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists (another user's)
    return True


def finish_run(
    con: duckdb.DuckDBPyConnection, run_id: int, n_files: int, ingested: int, unchanged: int, failed: int
) -> None:
    con.execute(
        "UPDATE runs SET finished_at = current_timestamp, status = 'finished', n_files = ?, n_ingested = ?,"
        " n_unchanged = ?, n_failed = ? WHERE run_id = ?",
        [n_files, ingested, unchanged, failed, run_id],
    )


def record_error(
    con: duckdb.DuckDBPyConnection, run_id: int | None, file: str, sha256: str | None, stage: str, reason: str
) -> None:
    con.execute(
        "INSERT INTO errors (run_id, file, sha256, stage, reason) VALUES (?, ?, ?, ?, ?)",
        [run_id, file, sha256, stage, reason],
    )

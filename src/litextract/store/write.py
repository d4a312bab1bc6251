"""Writes: one paper per transaction, runs and errors. Reviewed records always survive a re-extraction."""

from __future__ import annotations

import json
from typing import Any

import duckdb

from litextract.document import Document
from litextract.records import Dataset, Extraction, Model, Result, record_id
from litextract.store import transaction

RECORD_TABLES = ("datasets", "models", "results")


def paper_id_of(sha256: str) -> str:
    return sha256[:16]


def _dataset_row(pid: str, d: Dataset, extractor: str) -> dict[str, Any]:
    return {
        "record_id": record_id(pid, "dataset", d.key),
        "paper_id": pid,
        "name": d.name,
        "mention": d.mention,
        "modality": d.modality,
        "body_part": d.body_part,
        "size_patients": d.size.patients,
        "size_scans": d.size.scans,
        "size_images": d.size.images,
        "size_slices": d.size.slices,
        "size_text": d.size.text,
        "tasks": d.tasks,
        "public": d.public,
        "url": d.url,
        **_evidence(d.evidence, extractor),
    }


def _model_row(pid: str, m: Model, extractor: str) -> dict[str, Any]:
    return {
        "record_id": record_id(pid, "model", m.key),
        "paper_id": pid,
        "name": m.name,
        "backbone": m.backbone,
        "task": m.task,
        "proposed": m.proposed,
        "pretrained": m.pretrained,
        **_evidence(m.evidence, extractor),
    }


def _result_row(pid: str, r: Result, extractor: str) -> dict[str, Any]:
    return {
        "record_id": record_id(pid, "result", r.key),
        "paper_id": pid,
        "model": r.model,
        "backbone": r.backbone,
        "dataset": r.dataset,
        "metric": r.metric,
        "value": r.value,
        "as_printed": r.as_printed,
        "split": r.split,
        **_evidence(r.evidence, extractor),
    }


def _evidence(e: Any, extractor: str) -> dict[str, Any]:
    return {
        "evidence_page": e.page,
        "evidence_quote": e.quote,
        "verified": e.verified,
        "score": e.score,
        "extractor": e.source or extractor,
        "review_status": None,
    }


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    row_marks = "(" + ", ".join("?" for _ in columns) + ")"
    # one multi-row statement: DuckDB's executemany runs a statement per row, ~20x slower here
    con.execute(
        f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) VALUES {', '.join(row_marks for _ in rows)}",
        [row[c] for row in rows for c in columns],
    )


def save_paper(con: duckdb.DuckDBPyConnection, doc: Document, extraction: Extraction) -> str:
    """Store (or replace) one paper with its document and records, in one transaction; returns paper_id.

    Records a reviewer has accepted, edited or rejected are kept exactly as reviewed.
    """
    pid = paper_id_of(doc.sha256)
    p = extraction.paper
    rows = {
        "datasets": [_dataset_row(pid, d, extraction.extractor) for d in extraction.datasets],
        "models": [_model_row(pid, m, extraction.extractor) for m in extraction.models],
        "results": [_result_row(pid, r, extraction.extractor) for r in extraction.results],
    }
    with transaction(con):
        con.execute("DELETE FROM papers WHERE paper_id = ?", [pid])
        con.execute(
            "INSERT INTO papers (paper_id, sha256, file, path, n_pages, title, authors, year, venue, venue_type, doi,"
            " arxiv_id, uses_deep_learning, uses_medical_imaging, evidence, field_sources, parser, extractor)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                pid,
                doc.sha256,
                doc.file,
                doc.path,
                doc.n_pages,
                p.title,
                p.authors,
                p.year,
                p.venue,
                p.venue_type,
                p.doi,
                p.arxiv_id,
                p.uses_deep_learning,
                p.uses_medical_imaging,
                json.dumps({k: e.model_dump() for k, e in p.evidence.items()}),
                json.dumps(doc.field_sources),
                doc.parser,
                extraction.extractor,
            ],
        )
        con.execute(
            "INSERT OR IGNORE INTO files (sha256, path, file) VALUES (?, ?, ?)", [doc.sha256, doc.path, doc.file]
        )
        con.execute("INSERT OR REPLACE INTO documents VALUES (?, ?, ?)", [pid, doc.parser, doc.model_dump_json()])
        for table in RECORD_TABLES:
            reviewed = con.execute(
                f"SELECT record_id FROM {table} WHERE paper_id = ? AND review_status IS NOT NULL", [pid]
            ).fetchall()
            keep = {r[0] for r in reviewed}
            con.execute(f"DELETE FROM {table} WHERE paper_id = ? AND review_status IS NULL", [pid])
            _insert(con, table, [row for row in rows[table] if row["record_id"] not in keep])
    return pid


def add_file(con: duckdb.DuckDBPyConnection, sha256: str, path: str, file: str) -> None:
    """Remember another file name for an already stored paper."""
    con.execute("INSERT OR IGNORE INTO files (sha256, path, file) VALUES (?, ?, ?)", [sha256, path, file])


def start_run(con: duckdb.DuckDBPyConnection, command: str, settings: dict[str, Any]) -> int:
    row = con.execute(
        "INSERT INTO runs (command, settings) VALUES (?, ?) RETURNING run_id", [command, json.dumps(settings)]
    ).fetchone()
    assert row is not None
    return int(row[0])


def finish_run(
    con: duckdb.DuckDBPyConnection, run_id: int, n_files: int, ingested: int, unchanged: int, failed: int
) -> None:
    con.execute(
        "UPDATE runs SET finished_at = current_timestamp, n_files = ?, n_ingested = ?, n_unchanged = ?, n_failed = ?"
        " WHERE run_id = ?",
        [n_files, ingested, unchanged, failed, run_id],
    )


def record_error(
    con: duckdb.DuckDBPyConnection, run_id: int | None, file: str, sha256: str | None, stage: str, reason: str
) -> None:
    con.execute(
        "INSERT INTO errors (run_id, file, sha256, stage, reason) VALUES (?, ?, ?, ?, ?)",
        [run_id, file, sha256, stage, reason],
    )

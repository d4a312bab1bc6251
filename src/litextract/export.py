"""Comparison CSVs for the literature review, one file per table, UTF-8, lists joined with "; ".

A text cell a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return) is written
with a leading ' (OWASP's advice against CSV injection); numbers, negative ones included, stay numbers.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TextIO

import duckdb

from litextract.protocol import SINGLE, Protocol
from litextract.records import stored_fields
from litextract.store import decisions, queries, screening
from litextract.store.queries import Row

Query = Callable[[duckdb.DuckDBPyConnection], list[Row]]
EVIDENCE = ["evidence_page", "evidence_quote", "verified", "review_status"]


def exported(kind: str) -> list[str]:
    """The CSV columns of a record kind's fields, in declaration order (`records.Column.export`)."""
    return [f.export_name for f in stored_fields(kind) if f.column.export]


def _renamed(kind: str, query: Query) -> Query:
    """`query`'s rows with each field also under its CSV column name (a dataset's `name` as `dataset`)."""
    names = {f.name: f.export_name for f in stored_fields(kind) if f.export_name != f.name}
    return lambda con: [{**r, **{new: r[old] for old, new in names.items()}} for r in query(con)]


# CSV name -> (columns, query). Columns beyond those the review asks for are welcome at the end.
TABLES: dict[str, tuple[list[str], Query]] = {
    "papers.csv": (
        [
            *["paper_id", "file", "sha256", "n_pages"],
            *exported("paper"),
            *["n_datasets", "n_models", "n_results"],
            "sources",  # every file of the work: preprint and published versions, re-downloads (dedup/papers.py)
        ],
        queries.papers,
    ),
    "paper_datasets.csv": (["paper_id", *exported("dataset"), *EVIDENCE], _renamed("dataset", queries.datasets)),
    "datasets.csv": (
        [
            "dataset",
            "aliases",
            "modality",
            "body_part",
            "size_text",
            "tasks",
            "public",
            "url",
            "n_papers",
            "paper_ids",
        ],
        queries.dataset_catalogue,
    ),
    "models.csv": (["paper_id", *exported("model"), *EVIDENCE], _renamed("model", queries.models)),
    "results.csv": (["paper_id", *exported("result"), *EVIDENCE], _renamed("result", queries.results)),
    "verifications.csv": (
        [
            "paper_id",
            "file",
            "backbone",
            "check_kind",
            "claimed",
            "claimed_text",
            "claimed_page",
            "measured",
            "unit",
            "tolerance",
            "verdict",
            "reason",
            "device",
            "hardware",
            "software",
            "settings",
            "record_id",
            "verified_at",
        ],
        queries.verifications,
    ),
}


def tables(protocol: Protocol = SINGLE) -> dict[str, tuple[list[str], Query]]:
    """`TABLES` with the review's decisions: papers.csv gets each screening stage's settled decision, its reason and
    who decided (`<stage>`, `<stage>_reason`, `<stage>_by`) and the custom fields (`<name>`, `<name>_by`); the
    dataset, model and result rows (which hold the settled, consensus, values) say who decided them (`decided_by`)."""
    out = dict(TABLES)
    columns, query = TABLES["papers.csv"]
    out["papers.csv"] = ([*columns, *screening.review_column_names(protocol)], _with_review(query, protocol))
    for name, kind in (("paper_datasets.csv", "dataset"), ("models.csv", "model"), ("results.csv", "result")):
        columns, query = TABLES[name]
        out[name] = ([*columns, "decided_by"], _with_deciders(kind, query, protocol))
    return out


def _with_review(query: Query, protocol: Protocol) -> Query:
    def rows(con: duckdb.DuckDBPyConnection) -> list[Row]:
        review = screening.review_columns(con, protocol)
        return [r | review.get(r["paper_id"], {}) for r in query(con)]

    return rows


def _with_deciders(kind: str, query: Query, protocol: Protocol) -> Query:
    def rows(con: duckdb.DuckDBPyConnection) -> list[Row]:
        who = decisions.deciders(con, kind, protocol)
        return [r | {"decided_by": who.get(r["record_id"])} for r in query(con)]

    return rows


def cell(value: Any) -> Any:
    """A CSV cell: lists joined with '; ', None as empty."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value if v is not None)
    return value


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def csv_cell(value: Any) -> Any:
    """`cell(value)`, with a leading ' when a spreadsheet would take the text for a formula."""
    value = cell(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def write_rows(fh: TextIO, columns: list[str], data: Iterable[Row]) -> int:
    """The header and one CSV line per row, cells made safe to open; returns the rows written."""
    writer = csv.writer(fh)
    writer.writerow(columns)
    n = 0
    for row in data:
        writer.writerow([csv_cell(row.get(c)) for c in columns])
        n += 1
    return n


def write_csv(path: Path, columns: list[str], data: Iterable[Row]) -> int:
    with path.open("w", newline="", encoding="utf-8") as fh:
        return write_rows(fh, columns, data)


def export(con: duckdb.DuckDBPyConnection, out: Path, protocol: Protocol = SINGLE) -> dict[str, int]:
    """Write every comparison CSV, with the review's decisions (`tables`), into `out`; returns rows per file."""
    out.mkdir(parents=True, exist_ok=True)
    return {name: write_csv(out / name, columns, query(con)) for name, (columns, query) in tables(protocol).items()}

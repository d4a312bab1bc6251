"""The merge log: every merge `dedupe` makes is one row of `merges` with what it changed, so `undo` can put it
back. A merge links papers into one work (`works`), renames stored names to their canonical, or collapses stored
rows of one paper that became one record into one (their evidence kept in `record_evidence`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import duckdb

from litextract.store import transaction
from litextract.store.queries import rows
from litextract.store.write import refresh_record_keys

SAME_RECORD = "same record"


class DedupError(ValueError):
    """A dedup action that cannot be done; the message says why."""


@dataclass
class Merge:
    """One merge, planned or applied: the kind, what it keeps, what it merges, by which rule and why."""

    kind: str
    canonical: str
    members: list[str]
    rule: str
    score: float | None
    why: str
    detail: dict[str, Any] = field(default_factory=dict)
    merge_id: int | None = None

    def row(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "detail"}


@dataclass
class Plan:
    merges: list[Merge] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)


def apply(con: duckdb.DuckDBPyConnection, m: Merge) -> None:
    """Make one merge and log it (inside the caller's transaction)."""
    row = con.execute(
        "INSERT INTO merges (kind, canonical, members, rule, score, detail) VALUES (?, ?, ?, ?, ?, ?)"
        " RETURNING merge_id",
        [m.kind, m.canonical, m.members, m.rule, m.score, json.dumps(m.detail, default=str)],
    ).fetchone()
    assert row is not None
    m.merge_id = merge_id = int(row[0])
    if "before" in m.detail:  # papers into one work
        for pid in m.members:
            con.execute("INSERT OR REPLACE INTO works VALUES (?, ?, ?)", [pid, m.canonical, merge_id])
    for c in m.detail.get("changes", []):  # names to their canonical
        mention = ", mention = coalesce(mention, ?)" if c["table"] in ("datasets", "models") else ""
        con.execute(
            f"UPDATE {c['table']} SET {c['column']} = ?{mention} WHERE record_id = ? AND review_status IS NULL",
            [c["new"], *([c["old"]] if mention else []), c["record_id"]],
        )
    _refresh_keys(con, [(c["table"], c["record_id"]) for c in m.detail.get("changes", [])])
    for r in m.detail.get("removed", []):  # rows collapsed into the kept one, their evidence kept
        con.execute(
            "INSERT INTO record_evidence (record_id, paper_id, kind, page, quote, mention, verified, score, source,"
            " merge_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                m.canonical,
                r["paper_id"],
                m.kind,
                r["evidence_page"],
                r["evidence_quote"],
                r.get("mention"),
                r["verified"],
                r["score"],
                r["extractor"],
                merge_id,
            ],
        )
        table = m.detail["table"]
        con.execute(f"DELETE FROM {table} WHERE record_id = ? AND review_status IS NULL", [r["record_id"]])


def history(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every merge made, newest first."""
    return rows(
        con,
        "SELECT merge_id, kind, canonical, members, rule, score, merged_at, undone_at FROM merges"
        " ORDER BY merge_id DESC",
    )


def undo(con: duckdb.DuckDBPyConnection, merge_id: int) -> dict[str, Any]:
    """Reverse one merge; values a reviewer has touched since stay as they are. Returns the merge's row.

    A merge that a later merge built on (a work extended, a renamed row collapsed) is undone after that one.
    """
    with transaction(con):
        found = rows(con, "SELECT * FROM merges WHERE merge_id = ?", [merge_id])
        if not found:
            raise DedupError(f"no merge {merge_id} (see `litextract dedupe --history`)")
        m = found[0]
        if m["undone_at"] is not None:
            raise DedupError(f"merge {merge_id} was already undone at {m['undone_at']}")
        detail = json.loads(m["detail"]) if m["detail"] else {}
        blocker = _later_merge(con, merge_id, m["members"], detail)
        if blocker:
            raise DedupError(f"merge {merge_id} was built on by merge {blocker}: undo that one first")
        for pid, before in detail.get("before", {}).items():
            if before is None:
                con.execute("DELETE FROM works WHERE paper_id = ? AND merge_id = ?", [pid, merge_id])
            else:
                con.execute("UPDATE works SET work_id = ?, merge_id = ? WHERE paper_id = ?", [*before, pid])
        for c in detail.get("changes", []):
            mention = ", mention = CASE WHEN mention = ? THEN NULL ELSE mention END" if c["mention"] else ""
            con.execute(
                f"UPDATE {c['table']} SET {c['column']} = ?{mention}"
                f" WHERE record_id = ? AND {c['column']} = ? AND review_status IS NULL",
                [c["old"], *([c["mention"]] if mention else []), c["record_id"], c["new"]],
            )
        for r in detail.get("removed", []):
            columns = list(r)
            con.execute(
                f"INSERT OR IGNORE INTO {detail['table']} ({', '.join(columns)})"
                f" VALUES ({', '.join('?' for _ in columns)})",
                [r[c] for c in columns],
            )
        _refresh_keys(con, [(c["table"], c["record_id"]) for c in detail.get("changes", [])])
        _refresh_keys(con, [(detail["table"], r["record_id"]) for r in detail.get("removed", [])])
        con.execute("DELETE FROM record_evidence WHERE merge_id = ?", [merge_id])
        con.execute("UPDATE merges SET undone_at = current_timestamp WHERE merge_id = ?", [merge_id])
    return m


def _later_merge(con: duckdb.DuckDBPyConnection, merge_id: int, members: list[str], detail: dict[str, Any]) -> int:
    """The id of a later, active merge that depends on this one, else 0."""
    if "before" in detail:
        found = con.execute(
            "SELECT max(merge_id) FROM works WHERE paper_id IN (SELECT unnest(?::VARCHAR[])) AND merge_id > ?",
            [members, merge_id],
        ).fetchone()
        return int(found[0]) if found and found[0] else 0
    touched = {c["record_id"] for c in detail.get("changes", [])}
    later = con.execute(
        "SELECT merge_id, members FROM merges WHERE merge_id > ? AND undone_at IS NULL AND rule = ?",
        [merge_id, SAME_RECORD],
    ).fetchall()
    return next((int(i) for i, ids in later if touched & set(ids)), 0)


def _refresh_keys(con: duckdb.DuckDBPyConnection, rows_changed: list[tuple[str, str]]) -> None:
    """The record keys of renamed or restored rows (given as (table, record_id)) made from their new values."""
    by_table: dict[str, list[str]] = {}
    for table, record_id in rows_changed:
        by_table.setdefault(table, []).append(record_id)
    for table, ids in by_table.items():
        refresh_record_keys(con, table, ids)

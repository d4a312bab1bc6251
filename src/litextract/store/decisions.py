"""Review decisions: accept, edit or reject an extracted value, each in one transaction with an audit row.

A reviewed record keeps its `review_status` ('accepted', 'edited' or 'rejected'), and `save_paper` never
replaces such a record, so a decision survives re-extraction. Paper header fields are reviewed into
`paper_overrides` (migration 002), which the `reviewed_papers` view lays over the parsed header.
Every action adds a row to `reviews`: kind, record, action, old and new values, reviewer and time. Accepting or
rejecting what already has that status writes nothing, so a second click from a stale page adds no audit row.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import duckdb
from pydantic import TypeAdapter, ValidationError

from litextract.records import StoredField, stored_fields
from litextract.store import transaction
from litextract.store.write import refresh_record_keys

Kind = Literal["paper", "dataset", "model", "result"]
TABLE = {"dataset": "datasets", "model": "models", "result": "results"}

# The fields a reviewer may edit, per kind, with the type a new value must have: the records' own (`records.Column`).
EDITABLE: dict[str, dict[str, StoredField]] = {
    kind: {f.name: f for f in stored_fields(kind) if f.column.edit} for kind in ("paper", *TABLE)
}
PAPER_FIELDS = tuple(EDITABLE["paper"])


class ReviewError(ValueError):
    """A review action that cannot be applied; the message says why."""


def accept(con: duckdb.DuckDBPyConnection, kind: Kind, record_id: str, reviewer: str) -> None:
    """Mark a value as checked and correct (for a paper: pin its current header)."""
    if kind == "paper":
        _review_paper(con, record_id, None, reviewer)
    else:
        _review_record(con, kind, record_id, "accept", {}, reviewer)


def edit(con: duckdb.DuckDBPyConnection, kind: Kind, record_id: str, changes: dict[str, Any], reviewer: str) -> None:
    """Correct some fields of a value; only fields that really change are stored and audited."""
    if kind == "paper":
        _review_paper(con, record_id, changes, reviewer)
    else:
        _review_record(con, kind, record_id, "edit", changes, reviewer)


def reject(con: duckdb.DuckDBPyConnection, kind: Kind, record_id: str, reviewer: str) -> None:
    """Mark a value as wrong: it stays in the database (and the audit) but leaves every table and export."""
    if kind == "paper":
        raise ReviewError("a paper header cannot be rejected; edit the wrong fields instead")
    _review_record(con, kind, record_id, "reject", {}, reviewer)


def coerce(kind: str, changes: dict[str, Any]) -> dict[str, Any]:
    """The changes checked against the editable fields of `kind` and converted to their types."""
    fields = EDITABLE.get(kind)
    if fields is None:
        raise ReviewError(f"unknown kind {kind!r}")
    out = {}
    for name, value in changes.items():
        if name not in fields:
            raise ReviewError(f"{kind} field {name!r} cannot be edited (editable: {', '.join(fields)})")
        if isinstance(value, str):
            value = value.strip()
            if fields[name].is_list:
                value = [part.strip() for part in value.split(";") if part.strip()]
            elif value == "":
                value = None
        try:
            out[name] = TypeAdapter(fields[name].type).validate_python(value)
        except ValidationError as exc:
            raise ReviewError(f"{kind} field {name!r}: {exc.errors()[0]['msg']} (got {value!r})") from exc
    return out


_STATUS = {"accept": "accepted", "edit": "edited", "reject": "rejected"}


def _review_record(
    con: duckdb.DuckDBPyConnection, kind: str, record_id: str, action: str, changes: dict[str, Any], reviewer: str
) -> None:
    table = TABLE.get(kind)
    if table is None:
        raise ReviewError(f"unknown kind {kind!r}")
    new = coerce(kind, changes)
    with transaction(con):
        old = _row(con, f"SELECT * FROM {table} WHERE record_id = ?", [record_id])
        if old is None:
            raise ReviewError(f"no {kind} with record id {record_id}")
        new = {k: v for k, v in new.items() if v != old[k]}
        if action == "edit" and not new:
            raise ReviewError("nothing to change: the new values equal the stored ones")
        status = _STATUS[action]
        if action != "edit" and old["review_status"] == status:
            return  # the same decision again (a second click on a page not yet refreshed): nothing to write
        assignments = ", ".join(f"{name} = ?" for name in [*new, "review_status"])
        con.execute(f"UPDATE {table} SET {assignments} WHERE record_id = ?", [*new.values(), status, record_id])
        refresh_record_keys(con, table, [record_id])
        before = {k: old[k] for k in new} | {"review_status": old["review_status"]}
        _audit(con, kind, record_id, old["paper_id"], action, before, {**new, "review_status": status}, reviewer)


def _review_paper(
    con: duckdb.DuckDBPyConnection, paper_id: str, changes: dict[str, Any] | None, reviewer: str
) -> None:
    new = coerce("paper", changes or {})
    cols = ", ".join(PAPER_FIELDS)
    with transaction(con):
        old = _row(con, f"SELECT {cols}, review_status FROM reviewed_papers WHERE paper_id = ?", [paper_id])
        if old is None:
            raise ReviewError(f"no paper with id {paper_id}")
        if changes is None:  # accept: pin every header field at its current value
            if old["review_status"] == "accepted":
                return  # accepted already (a second click on a page not yet refreshed): nothing to write
            action, status, new = "accept", "accepted", {k: old[k] for k in PAPER_FIELDS}
        else:
            new = {k: v for k, v in new.items() if v != old[k]}
            if not new:
                raise ReviewError("nothing to change: the new values equal the stored ones")
            action, status = "edit", "edited"
        merged = {k: old[k] for k in PAPER_FIELDS} | new
        pinned = _row(con, "SELECT fields FROM paper_overrides WHERE paper_id = ?", [paper_id])
        fields = sorted(set(pinned["fields"] if pinned else []) | set(new))
        con.execute(
            f"INSERT OR REPLACE INTO paper_overrides (paper_id, fields, {cols}, review_status, reviewer)"
            f" VALUES (?, ?, {', '.join('?' for _ in PAPER_FIELDS)}, ?, ?)",
            [paper_id, fields, *(merged[k] for k in PAPER_FIELDS), status, reviewer],
        )
        before = {k: old[k] for k in new} | {"review_status": old["review_status"]}
        _audit(con, "paper", paper_id, paper_id, action, before, {**new, "review_status": status}, reviewer)


def _row(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> dict[str, Any] | None:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    found = cur.fetchone()
    return dict(zip(names, found, strict=True)) if found else None


def _audit(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    record_id: str,
    paper_id: str,
    action: str,
    old: dict[str, Any],
    new: dict[str, Any],
    reviewer: str,
) -> None:
    con.execute(
        "INSERT INTO reviews (kind, record_id, paper_id, action, old_value, new_value, reviewer)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [kind, record_id, paper_id, action, json.dumps(old, default=str), json.dumps(new, default=str), reviewer],
    )

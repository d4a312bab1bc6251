"""Review decisions: every reviewer's own decision on each item, and what the decisions of an item settle.

The items (a `subject` and an `item_id`, table `decisions` of migration 012):
- a dataset, model or result value (subject = its kind, item = its record_id): accept, edit or reject;
- a paper header (subject 'paper', item = its paper_id): accept (pin every field) or edit;
- a paper's screening at a stage and its custom extraction fields (`store.screening`).

Each reviewer has one current decision per item (a changed mind replaces it; `reviews` keeps the history); a
decision marked `consensus` resolves a conflict. What an item's decisions settle (`settled`): the consensus decision
if there is one; else, with one reviewer required (the default), the latest decision; with two
(`Protocol.dual`), the decision two reviewers agree on, and nothing while one of them has not decided or they
disagree (a conflict: `litextract agreement`, the dashboard's Conflicts view).

A dataset, model or result row and a paper header (`paper_overrides`, migration 002, laid over the parsed header by
the `reviewed_papers` view) are set to what is settled, in the transaction of the decision: `review_status`
'accepted', 'edited' or 'rejected'. `save_paper` never replaces a record that has a `review_status` or a decision,
so no decision is lost to a re-extraction. Every action adds a row to `reviews` (kind, record, action, old and new
values of the fields that changed, reviewer, time). A decision equal to the reviewer's current one writes nothing,
so a second click from a page that was not refreshed adds no audit row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

import duckdb
from pydantic import TypeAdapter, ValidationError

from litextract.protocol import SINGLE, Protocol
from litextract.records import StoredField, stored_fields
from litextract.store import transaction
from litextract.store.write import refresh_record_keys

Kind = Literal["paper", "dataset", "model", "result"]
TABLE = {"dataset": "datasets", "model": "models", "result": "results"}
DEFAULT_REVIEWER = "reviewer"  # who made a decision stored before reviewers were recorded per decision

# The fields a reviewer may edit, per kind, with the type a new value must have: the records' own (`records.Column`).
EDITABLE: dict[str, dict[str, StoredField]] = {
    kind: {f.name: f for f in stored_fields(kind) if f.column.edit} for kind in ("paper", *TABLE)
}
PAPER_FIELDS = tuple(EDITABLE["paper"])
STATUS = {"accept": "accepted", "edit": "edited", "reject": "rejected"}


class ReviewError(ValueError):
    """A review action that cannot be applied; the message says why."""


@dataclass(frozen=True)
class Decision:
    """One reviewer's current decision on one item."""

    subject: str
    item_id: str
    paper_id: str
    reviewer: str
    decision: str
    consensus: bool = False
    reason: str | None = None
    value: Any = None  # a record's editable fields as decided; a custom field's value
    changed: tuple[str, ...] = ()  # the fields an edit changed from the values the reviewer was shown
    decided_at: datetime | None = None

    @property
    def outcome(self) -> tuple[Any, ...]:
        """What two decisions must share to agree. Accepting a value and editing it into the values another
        reviewer accepted come to the same; an exclusion's reason counts (PRISMA counts each reason)."""
        value = json.dumps(self.value, sort_keys=True, default=str)
        if self.decision in ("accept", "edit"):
            return ("keep", value)
        return (self.decision, self.reason, value)


def settled(decisions: Sequence[Decision], protocol: Protocol = SINGLE) -> Decision | None:
    """The decision an item's decisions settle on, or None while it is not settled (see the module's doc)."""
    consensus = [d for d in decisions if d.consensus]
    if consensus:
        return latest(consensus)
    own = [d for d in decisions if not d.consensus]
    if not own:
        return None
    if protocol.required == 1:
        return latest(own)
    if len({d.reviewer for d in own}) >= protocol.required and len({d.outcome for d in own}) == 1:
        return latest(own)
    return None


def in_conflict(decisions: Sequence[Decision]) -> bool:
    """Reviewers decided the item differently and no consensus decision resolves it."""
    if any(d.consensus for d in decisions):
        return False
    return len({d.outcome for d in decisions}) > 1


def visible(decisions: Sequence[Decision], protocol: Protocol = SINGLE) -> bool:
    """Whether a reviewer may see the others' decisions on an item: always, unless the review is blind and two
    reviewers have not both decided it (nor a consensus settled it)."""
    if not protocol.blind or any(d.consensus for d in decisions):
        return True
    return len({d.reviewer for d in decisions if not d.consensus}) >= 2


def others(
    con: duckdb.DuckDBPyConnection, subject: str, item_id: str, reviewer: str, protocol: Protocol = SINGLE
) -> list[str]:
    """The other reviewers' decisions on an item, in words ('bo: reject'), unless blind review hides them."""
    found = load(con, [subject], [item_id])
    if not visible(found, protocol):
        return []
    return [f"{d.reviewer}: {describe(d)}" for d in found if d.reviewer != reviewer or d.consensus]


def latest(decisions: Iterable[Decision]) -> Decision:
    return max(decisions, key=lambda d: (d.decided_at or datetime.min, d.reviewer))


def decided_by(decision: Decision, decisions: Sequence[Decision]) -> str:
    """Who settled an item: 'consensus: NAME', or the reviewers whose decisions agree with the settled one."""
    if decision.consensus:
        return f"consensus: {decision.reviewer}"
    return "; ".join(sorted({d.reviewer for d in decisions if not d.consensus and d.outcome == decision.outcome}))


def deciders(con: duckdb.DuckDBPyConnection, subject: str, protocol: Protocol = SINGLE) -> dict[str, str]:
    """Who settled each item of `subject` (`decided_by`), by item id; items not settled are left out."""
    out = {}
    for (_, item), found in by_item(load(con, [subject])).items():
        decision = settled(found, protocol)
        if decision is not None:
            out[item] = decided_by(decision, found)
    return out


# --- the decisions table


def load(
    con: duckdb.DuckDBPyConnection,
    subjects: Iterable[str] | None = None,
    item_ids: Iterable[str] | None = None,
    paper_id: str | None = None,
) -> list[Decision]:
    """The current decisions, of the given subjects, items and paper (None: all)."""
    subject_list = None if subjects is None else sorted(set(subjects))
    id_list = None if item_ids is None else sorted(set(item_ids))
    cur = con.execute(
        "SELECT subject, item_id, paper_id, reviewer, decision, consensus, reason, value, changed, decided_at"
        " FROM decisions WHERE (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], subject))"
        " AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], item_id)) AND (? IS NULL OR paper_id = ?)"
        " ORDER BY subject, item_id, decided_at, reviewer",
        [subject_list, subject_list, id_list, id_list, paper_id, paper_id],
    )
    return [
        Decision(s, i, p, r, d, c, reason, None if v is None else json.loads(v), tuple(ch or ()), at)
        for s, i, p, r, d, c, reason, v, ch, at in cur.fetchall()
    ]


def by_item(decisions: Iterable[Decision]) -> dict[tuple[str, str], list[Decision]]:
    out: dict[tuple[str, str], list[Decision]] = {}
    for d in decisions:
        out.setdefault((d.subject, d.item_id), []).append(d)
    return out


def store(con: duckdb.DuckDBPyConnection, decision: Decision) -> bool:
    """Make `decision` its reviewer's current decision on the item (one consensus decision per item); False, and
    nothing written, when it equals the one they have."""
    mine = [
        d
        for d in load(con, [decision.subject], [decision.item_id])
        if d.reviewer == decision.reviewer and d.consensus == decision.consensus
    ]
    if mine and (mine[0].decision, mine[0].outcome) == (decision.decision, decision.outcome):
        return False
    if decision.consensus:
        con.execute(
            "DELETE FROM decisions WHERE subject = ? AND item_id = ? AND consensus",
            [decision.subject, decision.item_id],
        )
    con.execute(
        "INSERT OR REPLACE INTO decisions (subject, item_id, paper_id, reviewer, consensus, decision, reason, value,"
        " changed, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, current_timestamp)",
        [
            decision.subject,
            decision.item_id,
            decision.paper_id,
            decision.reviewer,
            decision.consensus,
            decision.decision,
            decision.reason,
            None if decision.value is None else json.dumps(decision.value, default=str),
            list(decision.changed),
        ],
    )
    return True


def audit(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    record_id: str,
    paper_id: str,
    action: str,
    old: dict[str, Any],
    new: dict[str, Any],
    reviewer: str,
    consensus: bool = False,
) -> None:
    """A row of the `reviews` audit trail; a consensus decision says so in its new value."""
    new = {**new, "consensus": True} if consensus else new
    con.execute(
        "INSERT INTO reviews (kind, record_id, paper_id, action, old_value, new_value, reviewer)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [kind, record_id, paper_id, action, json.dumps(old, default=str), json.dumps(new, default=str), reviewer],
    )


# --- value decisions: accept, edit, reject


def accept(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    record_id: str,
    reviewer: str,
    *,
    consensus: bool = False,
    protocol: Protocol = SINGLE,
) -> None:
    """The value is right as shown (for a paper: pin its current header)."""
    if kind == "paper":
        _review_paper(con, record_id, None, reviewer, consensus, protocol)
    else:
        _review_record(con, kind, record_id, "accept", {}, reviewer, consensus, protocol)


def edit(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    record_id: str,
    changes: dict[str, Any],
    reviewer: str,
    *,
    consensus: bool = False,
    protocol: Protocol = SINGLE,
) -> None:
    """Correct some fields of a value; only fields that really change are stored and audited."""
    if kind == "paper":
        _review_paper(con, record_id, changes, reviewer, consensus, protocol)
    else:
        _review_record(con, kind, record_id, "edit", changes, reviewer, consensus, protocol)


def reject(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    record_id: str,
    reviewer: str,
    *,
    consensus: bool = False,
    protocol: Protocol = SINGLE,
) -> None:
    """The value is wrong: it stays in the database (and the audit) but leaves every table and export."""
    if kind == "paper":
        raise ReviewError("a paper header cannot be rejected; edit the wrong fields instead")
    _review_record(con, kind, record_id, "reject", {}, reviewer, consensus, protocol)


def adopt(con: duckdb.DuckDBPyConnection, decision: Decision, reviewer: str, protocol: Protocol = SINGLE) -> bool:
    """Record `decision` (another reviewer's) as `reviewer`'s consensus decision on its item, and settle the item;
    False when it was the consensus already."""
    with transaction(con):
        return _adopt(con, replace(decision, reviewer=reviewer, consensus=True, decided_at=None), protocol)


def _adopt(con: duckdb.DuckDBPyConnection, consensus: Decision, protocol: Protocol) -> bool:
    if consensus.subject in TABLE or consensus.subject == "paper":
        before = _shown(con, consensus.subject, consensus.item_id)
        changed = {k: v for k, v in (consensus.value or {}).items() if before.get(k) != v}
        old = {k: before.get(k) for k in changed} | {"review_status": before["review_status"]}
        new = {**changed, "review_status": STATUS[consensus.decision]}
    else:
        old, new = {}, summary(consensus)
    return decide(con, consensus, protocol, old, new)


def decide(
    con: duckdb.DuckDBPyConnection, decision: Decision, protocol: Protocol, old: dict[str, Any], new: dict[str, Any]
) -> bool:
    """Store a decision with its audit row (`old` and `new` values) and settle its item; False when it equals the
    reviewer's current decision (nothing written). Call it inside a transaction."""
    if not store(con, decision):
        return False
    kind = decision.subject.partition(":")[0]
    audit(
        con,
        kind,
        decision.item_id,
        decision.paper_id,
        decision.decision,
        old,
        new,
        decision.reviewer,
        decision.consensus,
    )
    if decision.subject in TABLE or decision.subject == "paper":
        settle(con, decision.subject, decision.item_id, protocol)
    return True


def summary(decision: Decision) -> dict[str, Any]:
    """A screening or custom-field decision as its audit row shows it."""
    out: dict[str, Any] = {"subject": decision.subject, "decision": decision.decision}
    if decision.reason:
        out["reason"] = decision.reason
    if decision.subject.startswith("field:"):
        out["value"] = decision.value
    return out


def describe(decision: Decision) -> str:
    """A decision in a few words: 'include', 'exclude (not medical imaging)', 'edit value=0.832', a field's value;
    ' (consensus)' when it is one."""
    if decision.subject.startswith("field:"):
        text = value_text(decision.value)
    elif decision.decision == "edit":
        text = "edit " + ", ".join(f"{k}={value_text((decision.value or {}).get(k))}" for k in decision.changed)
    else:
        text = decision.decision
    if decision.reason:
        text += f" ({decision.reason})"
    return text + (" (consensus)" if decision.consensus else "")


def value_text(value: Any) -> str:
    """A decided value as text: yes/no, whole numbers without '.0', lists joined with '; '."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


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


def _shown(con: duckdb.DuckDBPyConnection, kind: str, item_id: str) -> dict[str, Any]:
    """The stored row of a record (or the reviewed header of a paper), with `paper_id` and `review_status`."""
    if kind == "paper":
        cols = ", ".join(PAPER_FIELDS)
        row = _row(con, f"SELECT paper_id, {cols}, review_status FROM reviewed_papers WHERE paper_id = ?", [item_id])
    elif kind in TABLE:
        row = _row(con, f"SELECT * FROM {TABLE[kind]} WHERE record_id = ?", [item_id])
    else:
        raise ReviewError(f"unknown kind {kind!r}")
    if row is None:
        raise ReviewError(f"no paper with id {item_id}" if kind == "paper" else f"no {kind} with record id {item_id}")
    return row


def _review_record(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    record_id: str,
    action: str,
    changes: dict[str, Any],
    reviewer: str,
    consensus: bool,
    protocol: Protocol,
) -> None:
    if kind not in TABLE:
        raise ReviewError(f"unknown kind {kind!r}")
    new = coerce(kind, changes)
    with transaction(con):
        old = _shown(con, kind, record_id)
        changed = {k: v for k, v in new.items() if v != old[k]}
        if action == "edit" and not changed:
            raise ReviewError("nothing to change: the new values equal the stored ones")
        value = None if action == "reject" else {k: old[k] for k in EDITABLE[kind]} | changed
        pid = old["paper_id"]
        decision = Decision(kind, record_id, pid, reviewer, action, consensus, None, value, tuple(changed))
        before = {k: old[k] for k in changed} | {"review_status": old["review_status"]}
        # the same decision again (a second click on a page not yet refreshed) writes nothing
        decide(con, decision, protocol, before, {**changed, "review_status": STATUS[action]})


def _review_paper(
    con: duckdb.DuckDBPyConnection,
    paper_id: str,
    changes: dict[str, Any] | None,
    reviewer: str,
    consensus: bool,
    protocol: Protocol,
) -> None:
    new = coerce("paper", changes or {})
    with transaction(con):
        old = _shown(con, "paper", paper_id)
        shown = {k: old[k] for k in PAPER_FIELDS}
        if changes is None:  # accept: every header field pinned at its current value
            action, changed, audited = "accept", {}, shown
        else:
            changed = {k: v for k, v in new.items() if v != old[k]}
            if not changed:
                raise ReviewError("nothing to change: the new values equal the stored ones")
            action, audited = "edit", changed
        decision = Decision(
            "paper", paper_id, paper_id, reviewer, action, consensus, None, shown | changed, tuple(changed)
        )
        before = {k: old[k] for k in audited} | {"review_status": old["review_status"]}
        decide(con, decision, protocol, before, {**audited, "review_status": STATUS[action]})


def settle(con: duckdb.DuckDBPyConnection, kind: str, item_id: str, protocol: Protocol) -> None:
    """Set a record row (or a paper's header override) to what its decisions settle; leave it while they do not."""
    decision = settled(load(con, [kind], [item_id]), protocol)
    if decision is None:
        return
    old = _shown(con, kind, item_id)
    status = STATUS[decision.decision]
    value = decision.value or {}
    if kind == "paper":
        _set_header(con, item_id, old, decision, status)
        return
    updates = {k: v for k, v in value.items() if k in EDITABLE[kind] and v != old[k]}
    if not updates and old["review_status"] == status:
        return
    assignments = ", ".join(f"{name} = ?" for name in [*updates, "review_status"])
    con.execute(f"UPDATE {TABLE[kind]} SET {assignments} WHERE record_id = ?", [*updates.values(), status, item_id])
    if updates:
        refresh_record_keys(con, TABLE[kind], [item_id])


def _set_header(
    con: duckdb.DuckDBPyConnection, paper_id: str, old: dict[str, Any], decision: Decision, status: str
) -> None:
    pinned = _row(con, "SELECT fields, review_status, reviewer FROM paper_overrides WHERE paper_id = ?", [paper_id])
    value = {k: decision.value.get(k, old[k]) for k in PAPER_FIELDS}
    if decision.decision == "accept":
        fields = sorted(PAPER_FIELDS)
    else:
        differ = {k for k in PAPER_FIELDS if value[k] != old[k]}
        fields = sorted(set(pinned["fields"] if pinned else []) | set(decision.changed) | differ)
    if (
        pinned
        and pinned["review_status"] == status
        and sorted(pinned["fields"]) == fields
        and all(value[k] == old[k] for k in PAPER_FIELDS)
    ):
        return
    cols = ", ".join(PAPER_FIELDS)
    con.execute(
        f"INSERT OR REPLACE INTO paper_overrides (paper_id, fields, {cols}, review_status, reviewer)"
        f" VALUES (?, ?, {', '.join('?' for _ in PAPER_FIELDS)}, ?, ?)",
        [paper_id, fields, *(value[k] for k in PAPER_FIELDS), status, decision.reviewer],
    )


def _row(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> dict[str, Any] | None:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    found = cur.fetchone()
    return dict(zip(names, found, strict=True)) if found else None


# --- migration 012


def backfill(con: duckdb.DuckDBPyConnection) -> None:
    """The decisions made before migration 012 (one reviewer per value, `review_status` and `paper_overrides`) as
    decisions of the reviewer the audit trail names, so that nothing stored is lost and agreement can count them."""
    status_action = {status: action for action, status in STATUS.items()}
    for kind, table in TABLE.items():
        cols = ", ".join(EDITABLE[kind])
        found = con.execute(
            f"SELECT t.record_id, t.paper_id, t.review_status, to_json(struct_pack({cols})),"
            " (SELECT arg_max(r.reviewer, r.review_id) FROM reviews r"
            "   WHERE r.kind = ? AND r.record_id = t.record_id),"
            " (SELECT max(r.reviewed_at) FROM reviews r WHERE r.kind = ? AND r.record_id = t.record_id),"
            " (SELECT list(DISTINCT k) FROM (SELECT unnest(json_keys(r.new_value)) AS k FROM reviews r"
            "   WHERE r.kind = ? AND r.record_id = t.record_id AND r.action = 'edit') WHERE k <> 'review_status')"
            f" FROM {table} t WHERE t.review_status IS NOT NULL",
            [kind, kind, kind],
        ).fetchall()
        _insert_backfilled(
            con,
            [
                (kind, rid, pid, who, status_action[status], None if status == "rejected" else value, changed, at)
                for rid, pid, status, value, who, at, changed in found
            ],
        )
    cols = ", ".join(f"p.{k}" for k in PAPER_FIELDS)
    headers = con.execute(
        f"SELECT o.paper_id, o.review_status, to_json(struct_pack({cols})), o.reviewer, o.reviewed_at, o.fields"
        " FROM paper_overrides o JOIN reviewed_papers p USING (paper_id)"
    ).fetchall()
    _insert_backfilled(
        con,
        [
            ("paper", pid, pid, who, status_action[status], value, fields if status == "edited" else [], at)
            for pid, status, value, who, at, fields in headers
        ],
    )


def _insert_backfilled(con: duckdb.DuckDBPyConnection, found: list[tuple[Any, ...]]) -> None:
    for subject, item_id, paper_id, who, action, value, changed, at in found:
        con.execute(
            "INSERT OR IGNORE INTO decisions (subject, item_id, paper_id, reviewer, consensus, decision, value,"
            " changed, decided_at) VALUES (?, ?, ?, ?, FALSE, ?, ?, ?, coalesce(?, current_timestamp))",
            [subject, item_id, paper_id, who or DEFAULT_REVIEWER, action, value, list(changed or []), at],
        )

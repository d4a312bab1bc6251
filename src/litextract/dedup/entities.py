"""Stored names and records: dataset and backbone names brought to the current vocabulary (confirmed aliases
included), model names that spell an architecture otherwise given its canonical name, and stored rows of one paper
that are one record (the same `record_key`) collapsed into one.
"""

from __future__ import annotations

from typing import Any, cast

import duckdb

from litextract.canonical import Resolver, model_canonical
from litextract.dedup.aliases import confirmed_aliases
from litextract.dedup.merges import SAME_RECORD, Merge, Plan
from litextract.store.queries import rows
from litextract.text import key
from litextract.vocab import Kind

ENTITY_COLUMNS: dict[str, list[tuple[str, str]]] = {  # merge kind -> (table, column) holding such names
    "dataset": [("datasets", "name"), ("results", "dataset")],
    "backbone": [("models", "backbone"), ("results", "backbone")],
    # a model named by an architecture spelled otherwise ("U-net"): canonical.model_canonical
    "model": [("models", "name"), ("results", "model")],
}
MENTION_TABLES = ("datasets", "models")  # tables whose rows keep the name as written in `mention`


def plan_entities(con: duckdb.DuckDBPyConnection, resolver: Resolver) -> Plan:
    """Renames of stored dataset/backbone names that the resolver maps to another canonical name."""
    plan = Plan()
    confirmed = {(k, key(a)) for k, a, _ in confirmed_aliases(con)}
    for kind, places in ENTITY_COLUMNS.items():
        by_canonical: dict[str, Merge] = {}
        for table, column in places:
            extra = ", mention" if table == "datasets" else ", NULL AS mention"
            found = con.execute(
                f"SELECT record_id, {column}{extra} FROM {table} WHERE {column} IS NOT NULL AND review_status IS NULL"
                f" ORDER BY record_id"
            ).fetchall()
            for rid, name, mention in found:
                if kind == "model":
                    hit = model_canonical(resolver, name)
                else:
                    hit = resolver.resolve(cast(Kind, kind), name)
                    if hit is None and mention and mention != name:
                        hit = resolver.resolve(cast(Kind, kind), mention)
                if hit is None or hit.entry.name == name:
                    continue
                canonical = hit.entry.name
                rule = "confirmed alias" if (kind, key(name)) in confirmed else f"vocabulary ({hit.rule})"
                m = by_canonical.setdefault(
                    canonical, Merge(kind, canonical, [canonical], rule, hit.score, "", {"changes": []})
                )
                if name not in m.members:
                    m.members.append(name)
                    note = f"{name!r} -> {canonical!r}: {rule}, score {hit.score:g}"
                    m.why = f"{m.why}; {note}" if m.why else note
                m.score = min(m.score or 100.0, hit.score)
                if rule == "confirmed alias":
                    m.rule = rule
                m.detail["changes"].append(
                    {
                        "table": table,
                        "record_id": rid,
                        "column": column,
                        "old": name,
                        "new": canonical,
                        "mention": name if table in MENTION_TABLES and mention is None else None,
                    }
                )
        plan.merges.extend(by_canonical.values())
    return plan


_SAME_RECORD_TABLES = {"datasets": "dataset", "models": "model", "results": "result"}  # `plan_entities` renames


def plan_records(con: duckdb.DuckDBPyConnection) -> Plan:
    """Stored rows of one paper that are one record: the same `record_key` (`records.record_key`)."""
    plan = Plan()
    undone = [
        set(r[0])
        for r in con.execute(
            "SELECT members FROM merges WHERE rule = ? AND undone_at IS NOT NULL", [SAME_RECORD]
        ).fetchall()
    ]
    for table, kind in _SAME_RECORD_TABLES.items():
        found = rows(
            con,
            f"SELECT * FROM {table} WHERE review_status IS NULL"
            " ORDER BY paper_id, record_key, verified DESC NULLS LAST, evidence_page, record_id",
        )
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for r in found:
            groups.setdefault((r["paper_id"], r["record_key"]), []).append(r)
        for (pid, k), group in groups.items():
            ids = [r["record_id"] for r in group]
            if len(group) < 2:
                continue
            if any(set(ids) <= members for members in undone):
                plan.skipped.append({"kind": kind, "members": ids, "rule": SAME_RECORD, "reason": "merge undone"})
                continue
            pages = ", ".join(str(r["evidence_page"]) for r in group)
            plan.merges.append(
                Merge(
                    kind,
                    ids[0],
                    ids,
                    SAME_RECORD,
                    100.0,
                    f"paper {pid}: {len(group)} rows of {k!r} (pages {pages})",
                    {"table": table, "removed": group[1:]},
                )
            )
    return plan

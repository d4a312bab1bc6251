"""Agreement between reviewers and the conflicts to resolve (`litextract agreement`, the dashboard's Conflicts and
PRISMA & agreement views).

For each screening stage and each field (dataset, model, backbone, result values, and the review's custom fields),
every pair of reviewers is compared over the items both decided (consensus decisions left out): percent agreement
and Cohen's kappa, (p_o - p_e) / (1 - p_e), where p_o is the share of items with the same category and p_e the
share expected by chance from each reviewer's own frequencies of the categories. The categories:
screening, include / exclude / maybe; a value, accept / edit / reject (for the backbone: whether the model's
backbone was edited); a custom field, its value. Kappa is undefined (None) when chance alone gives full
agreement (both reviewers used one and the same category for every item).

A conflict is an item two reviewers decided differently (`store.decisions.in_conflict`: a different decision, a
different exclusion reason, different corrected values) that no consensus decision resolves yet.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import duckdb

from litextract.protocol import SINGLE, STAGES, Protocol, ProtocolError
from litextract.store import decisions as store_decisions
from litextract.store import queries, screening
from litextract.store.decisions import Decision, by_item, describe, in_conflict, load
from litextract.store.queries import Row

VALUE_KINDS = ("dataset", "model", "result")
ID_DIGITS = 8  # of a paper or record id in a conflict's id (`resolve` takes any unique prefix)


def cohen_kappa(first: Sequence[Any], second: Sequence[Any]) -> float | None:
    """Cohen's kappa of two reviewers' categories for the same items, in order; None when it is undefined."""
    if len(first) != len(second):
        raise ValueError("both reviewers must rate the same items")
    n = len(first)
    if n == 0:
        return None
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    expected = sum((list(first).count(c) / n) * (list(second).count(c) / n) for c in set(first) | set(second))
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


@dataclass(frozen=True)
class Measure:
    """One row of the agreement table: a stage or field, the subject its decisions are stored under, and the
    category of a decision."""

    name: str
    subject: str
    category: Callable[[Decision], Any]


def _decision(d: Decision) -> Any:
    return d.decision


def _backbone(d: Decision) -> Any:
    if d.decision == "reject":
        return "reject"
    return "edit" if "backbone" in d.changed else "accept"


def _value(d: Decision) -> Any:
    return json.dumps(d.value, sort_keys=True, default=str)


def measures(protocol: Protocol = SINGLE) -> list[Measure]:
    out = [Measure(f"{stage} screening", screening.stage_subject(stage), _decision) for stage in STAGES]
    out += [Measure(kind, kind, _decision) for kind in ("dataset", "model")]
    out.append(Measure("backbone", "model", _backbone))
    out.append(Measure("result", "result", _decision))
    out += [Measure(f"field {f.name}", screening.field_subject(f.name), _value) for f in protocol.fields]
    return out


def _all_decisions(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], list[Decision]]:
    """Every item's decisions: papers' screening and fields by work (`screening.paper_decisions`), values by
    record."""
    return screening.paper_decisions(con) | by_item(load(con, ["paper", *VALUE_KINDS]))


def agreement(con: duckdb.DuckDBPyConnection, protocol: Protocol = SINGLE) -> dict[str, Any]:
    """{"measures": one row per measure and pair of reviewers (n, agreement, kappa), "conflicts": open conflicts}."""
    decided = _all_decisions(con)
    table: list[Row] = []
    for m in measures(protocol):
        by_reviewer: dict[str, dict[str, Any]] = {}
        for (subject, item), found in decided.items():
            if subject == m.subject:
                for d in found:
                    if not d.consensus:
                        by_reviewer.setdefault(d.reviewer, {})[item] = m.category(d)
        pairs = [
            (a, b, sorted(set(by_reviewer[a]) & set(by_reviewer[b]))) for a, b in combinations(sorted(by_reviewer), 2)
        ]
        pairs = [p for p in pairs if p[2]]
        if not pairs:
            table.append({"measure": m.name, "reviewers": None, "n": 0, "agreement": None, "kappa": None})
        for a, b, items in pairs:
            first, second = [by_reviewer[a][i] for i in items], [by_reviewer[b][i] for i in items]
            agreed = sum(x == y for x, y in zip(first, second, strict=True)) / len(items)
            kappa = cohen_kappa(first, second)
            table.append(
                {
                    "measure": m.name,
                    "reviewers": f"{a} / {b}",
                    "n": len(items),
                    "agreement": round(100 * agreed, 1),
                    "kappa": None if kappa is None else round(kappa, 3),
                }
            )
    return {"measures": table, "conflicts": conflicts(con, decided)}


def conflicts(
    con: duckdb.DuckDBPyConnection, decided: dict[tuple[str, str], list[Decision]] | None = None
) -> list[Row]:
    """The open conflicts: id (for `litextract resolve`), paper, what was decided, and each reviewer's decision."""
    decided = _all_decisions(con) if decided is None else decided
    out = []
    for (subject, item), found in sorted(decided.items()):
        if not in_conflict(found):
            continue
        paper = queries.paper(con, found[0].paper_id) or {}
        out.append(
            {
                "id": conflict_id(subject, item),
                "subject": subject,
                "item_id": item,
                "paper_id": found[0].paper_id,
                "file": paper.get("file"),
                "title": paper.get("title"),
                "what": _what(con, subject, item),
                "decisions": "; ".join(f"{d.reviewer}: {describe(d)}" for d in found),
                "reviewers": sorted(d.reviewer for d in found),
            }
        )
    return out


def conflict_id(subject: str, item: str) -> str:
    """A conflict's id for `litextract resolve`: 'abstract/<paper>', 'full-text/<paper>', 'field:NAME/<paper>',
    'result/<record>', ..."""
    return f"{subject.removeprefix('screening:')}/{item[:ID_DIGITS]}"


def _what(con: duckdb.DuckDBPyConnection, subject: str, item: str) -> str:
    """The item in words: 'abstract screening', 'field code_available', 'result: PancNet · NIH Pancreas-CT · dice
    0.842', 'paper header'."""
    if subject.startswith("screening:"):
        return f"{subject.partition(':')[2]} screening"
    if subject.startswith("field:"):
        return f"field {subject.partition(':')[2]}"
    if subject == "paper":
        return "paper header"
    row = queries.record(con, subject, item) or {}
    if subject == "result":
        label = " · ".join(str(row[k]) for k in ("model", "dataset", "metric") if row.get(k))
        return f"result: {label} {row.get('as_printed') or ''}".strip()
    return f"{subject}: {row.get('name', item)}"


def resolve(
    con: duckdb.DuckDBPyConnection, conflict: str, adopt: str, resolver: str, protocol: Protocol = SINGLE
) -> bool:
    """Resolve a conflict by a consensus decision of `resolver` equal to reviewer `adopt`'s; False when that was the
    consensus already."""
    subject, _, prefix = conflict.rpartition("/")
    if subject in STAGES:
        subject = screening.stage_subject(subject)
    items = [v for (s, item), v in _all_decisions(con).items() if s == subject and prefix and item.startswith(prefix)]
    if len(items) != 1:
        problem = "no such item" if not items else "several items have this id"
        raise ProtocolError(f"{conflict}: {problem} (ids are listed by `litextract agreement`)")
    found = items[0]
    chosen = [d for d in found if d.reviewer == adopt and not d.consensus]
    if not chosen:
        names = ", ".join(sorted({d.reviewer for d in found if not d.consensus}))
        raise ProtocolError(f"{conflict}: {adopt!r} did not decide it (reviewers: {names})")
    return store_decisions.adopt(con, chosen[0], resolver, protocol)

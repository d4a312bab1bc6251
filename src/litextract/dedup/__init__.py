"""Deduplication of what is stored (`litextract dedupe`, docs/dedup.md), each merge logged and undoable.

- `papers`: papers that are one work (same DOI, same arXiv id, or same title, first author and year);
- `entities`: stored dataset and backbone names brought to the current vocabulary and confirmed aliases, and
  stored rows of one paper that are one record (the same `record_key`) collapsed into one;
- `aliases`: the aliases a reviewer confirmed, and the resolver every run names things with;
- `merges`: the merge log (`merges` table): apply, history, undo.

Records a reviewer accepted, edited or rejected are never renamed, collapsed or removed. One paper's duplicate
records *before* they are stored are the pipeline's (`litextract.collapse`).
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from litextract.dedup.aliases import confirm_alias, confirmed_aliases, load_resolver
from litextract.dedup.entities import plan_entities, plan_records
from litextract.dedup.merges import SAME_RECORD, DedupError, Merge, Plan, apply, history, undo
from litextract.dedup.papers import plan_papers
from litextract.store import transaction

__all__ = [
    "SAME_RECORD",
    "DedupError",
    "Merge",
    "Plan",
    "confirm_alias",
    "confirmed_aliases",
    "dedupe",
    "history",
    "load_resolver",
    "plan_entities",
    "plan_papers",
    "plan_records",
    "undo",
]


def dedupe(con: duckdb.DuckDBPyConnection, *, dry_run: bool = False, papers_only: bool = False) -> Plan:
    """Plan and (unless `dry_run`) make every merge: papers, then entity names, then records.

    Each stage is one transaction. A dry run plans the record stage before the renames it would follow.
    """
    stages: list[Callable[[duckdb.DuckDBPyConnection], Plan]] = [plan_papers]
    if not papers_only:
        stages += [lambda c: plan_entities(c, load_resolver(c)), plan_records]
    done = Plan()
    for make in stages:
        stage = make(con)
        if not dry_run:
            with transaction(con):
                for m in stage.merges:
                    apply(con, m)
        done.merges += stage.merges
        done.skipped += stage.skipped
    return done

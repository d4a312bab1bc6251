"""Aliases a reviewer confirmed ("dataset:NIH CXR14=ChestX-ray14"), and the resolver every run names things with."""

from __future__ import annotations

import duckdb

from litextract.canonical import Resolver, with_aliases
from litextract.dedup.merges import SAME_RECORD, DedupError
from litextract.vocab import KINDS, Kind, vocabulary


def confirm_alias(con: duckdb.DuckDBPyConnection, kind: str, alias: str, canonical: str, reviewer: str) -> None:
    """Store a reviewer's decision that `alias` is `canonical`; `dedupe` and later ingests apply it."""
    if kind not in KINDS:
        raise DedupError(f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
    alias, canonical = alias.strip(), canonical.strip()
    if not alias or not canonical:
        raise DedupError("an alias and its canonical name must both be non-empty")
    con.execute(
        "INSERT OR REPLACE INTO aliases (kind, alias, canonical, confirmed_by) VALUES (?, ?, ?, ?)",
        [kind, alias, canonical, reviewer],
    )


def confirmed_aliases(con: duckdb.DuckDBPyConnection) -> list[tuple[Kind, str, str]]:
    found = con.execute("SELECT kind, alias, canonical FROM aliases ORDER BY confirmed_at").fetchall()
    return [(r[0], r[1], r[2]) for r in found]


def load_resolver(con: duckdb.DuckDBPyConnection) -> Resolver:
    """The packaged vocabulary plus confirmed aliases, minus the name merges a reviewer undid (load once per run)."""
    rejected: list[tuple[Kind, str, str]] = [
        ("backbone" if kind == "model" else kind, member, canonical)  # a model's name is resolved as a backbone
        for kind, canonical, members in con.execute(
            "SELECT kind, canonical, members FROM merges"
            " WHERE undone_at IS NOT NULL AND kind IN ('dataset', 'backbone', 'model') AND rule <> ?",
            [SAME_RECORD],
        ).fetchall()
        for member in members
        if member != canonical
    ]
    return Resolver(with_aliases(vocabulary(), confirmed_aliases(con)), rejected)

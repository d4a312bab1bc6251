"""The dashboard's database access: short-lived connections, cached reads and review writes.

Every read opens the DuckDB file read-only for one query and closes it; every write opens it read-write for
one transaction. A CLI ingest writes in similar short spells per paper, so both take turns on the file
(`litextract.store.connect` waits while the other holds the lock). Reads are cached, shared and read-only,
per data version (the file's and its WAL's modification time and size, plus a counter bumped by each write
from this process), so any write, here or by another process, shows on the next rerun.
"""

from __future__ import annotations

import importlib
import itertools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import streamlit as st

from litextract.protocol import Protocol
from litextract.settings import Settings, load_settings
from litextract.store import connect, decisions, queries

# DuckDB refuses a read-only and a read-write connection to one file side by side in one process, and
# Streamlit runs each browser session in its own thread: so this process uses one connection at a time.
_LOCK = threading.RLock()
_writes = itertools.count()
_write_count = 0


def settings() -> Settings:
    """Settings from litextract.toml and LITEXTRACT_* (`litextract review --db` sets LITEXTRACT_DB)."""
    return load_settings()


def pdf_path(stored: str) -> Path:
    """Where a stored PDF path points: paths are stored absolute; an older version stored them as given, which
    for a relative path is taken to be relative to the database's folder (where such runs were started)."""
    path = Path(stored)
    return path if path.is_absolute() else settings().db.resolve().parent / path


def reviewer() -> str:
    """The name stored with review actions: the sidebar field, else LITEXTRACT_REVIEWER / settings."""
    name = str(st.session_state.get("reviewer") or "").strip()
    return name or settings().reviewer


def version(db: Path) -> tuple[Any, ...]:
    """Changes whenever the database file changes, whoever wrote it."""
    stats: list[tuple[int, int] | None] = []
    for path in (db, db.with_name(db.name + ".wal")):
        try:
            s = path.stat()
            stats.append((s.st_mtime_ns, s.st_size))
        except FileNotFoundError:
            stats.append(None)
    return (*stats, _write_count)


@contextmanager
def exclusive() -> Iterator[None]:
    """Hold this process's database turn (for work such as an ingest that opens its own connections)."""
    global _write_count
    with _LOCK:
        try:
            yield
        finally:
            _write_count = next(_writes)


@contextmanager
def reading(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with _LOCK, connect(db, read_only=True) as con:
        yield con


def protocol() -> Protocol:
    """The review protocol of the settings: exclusion reasons, reviewers, custom fields."""
    return settings().protocol()


# cache_resource, not cache_data: the rows are shared instead of pickled on every hit (0.2 s for the 10,000-paper
# table), so views must treat what `read` returns as read-only.
@st.cache_resource(max_entries=512, show_spinner=False)
def _cached(db: str, data_version: tuple[Any, ...], name: str, kwargs: dict[str, Any], rules: str | None) -> Any:
    module, _, function = name.rpartition(":")
    target = getattr(importlib.import_module(module) if module else queries, function)
    with reading(Path(db)) as con:
        return target(con, **kwargs) if rules is None else target(con, protocol=protocol(), **kwargs)


def read(name: str, **kwargs: Any) -> Any:
    """`litextract.store.queries.<name>(con, **kwargs)`, cached until the database changes (do not modify it)."""
    db = settings().db
    return _cached(str(db), version(db), name, kwargs, None)


def read_review(name: str, **kwargs: Any) -> Any:
    """`<module>:<function>(con, protocol=..., **kwargs)` of the review workflow (e.g.
    `litextract.prisma:flow`), cached until the database or the protocol changes (do not modify it)."""
    db = settings().db
    return _cached(str(db), version(db), name, kwargs, repr(protocol()))


def audit_trail(**kwargs: Any) -> Any:
    """`queries.reviews`: in blind review, only this reviewer's own actions."""
    return read("reviews", **kwargs, reviewer=reviewer() if protocol().blind else None)


def write(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`function(con, *args, **kwargs)` on a connection for writing, in this process's database turn."""
    with exclusive(), connect(settings().db) as con:
        return function(con, *args, **kwargs)


def write_review(
    action: str,
    kind: decisions.Kind,
    record_id: str,
    changes: dict[str, Any] | None = None,
    consensus: bool = False,
) -> None:
    """Apply one review action (accept | edit | reject) of this reviewer in its own transaction; ReviewError when
    refused."""
    options = {"consensus": consensus, "protocol": protocol()}
    if action == "accept":
        write(decisions.accept, kind, record_id, reviewer(), **options)
    elif action == "edit":
        write(decisions.edit, kind, record_id, changes or {}, reviewer(), **options)
    elif action == "reject":
        write(decisions.reject, kind, record_id, reviewer(), **options)
    else:
        raise decisions.ReviewError(f"unknown review action {action!r}")

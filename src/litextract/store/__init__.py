"""DuckDB storage: numbered migrations, short-lived connections, short transactions.

DuckDB lets one process write at a time, and a writer locks out every other process. litextract therefore
never holds a connection for long: `connect()` opens, the caller does one unit of work, and the connection
closes. Opening retries for a while when another process holds the lock, so a CLI ingest and the dashboard
can take turns on the same file. Opening costs 15-30 ms (DuckDB 2.0), so an ingest keeps one `Writer`
connection for the papers that are ready within one turn (WRITE_TURN_SECONDS), and gives it back between turns
and whenever it would wait for work.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from importlib import resources
from pathlib import Path

import duckdb

_MIGRATION = re.compile(r"^(\d{3})_(\w+)\.sql$")
LOCK_WAIT_SECONDS = 30.0
WRITE_TURN_SECONDS = 1.0


class StoreError(Exception):
    """The database cannot be opened or migrated; the message says why."""


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every packaged migration, in order."""
    folder = resources.files(__package__).joinpath("migrations")
    found = []
    for item in folder.iterdir():
        match = _MIGRATION.match(item.name)
        if match:
            found.append((int(match.group(1)), match.group(2), item.read_text(encoding="utf-8")))
    return sorted(found)


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations this database has not seen yet; returns their versions."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP DEFAULT current_timestamp)"
    )
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for version, name, sql in migrations():
        if version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            _data_step(con, version)
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied


def _data_step(con: duckdb.DuckDBPyConnection, version: int) -> None:
    """The part of a migration that SQL cannot compute (the rows' record keys of 007), in its transaction."""
    if version == 7:
        from litextract.store.write import backfill_record_keys

        backfill_record_keys(con)


def _pending(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether this database lacks a packaged migration."""
    try:
        done = {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}
    except duckdb.CatalogException:
        return True
    return any(version not in done for version, _, _ in migrations())


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text or "conflicting" in text or "being used" in text


@contextmanager
def connect(
    db: Path | str, read_only: bool = False, wait: float = LOCK_WAIT_SECONDS
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to `db`, migrated when opened for writing, closed on exit.

    Waits up to `wait` seconds while another process holds DuckDB's write lock.
    """
    path = Path(db)
    if read_only and not path.exists():
        raise StoreError(f"{path}: no database yet (run `litextract ingest` first)")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.Error as exc:
            if not _is_lock_error(exc) or time.monotonic() > deadline:
                raise StoreError(f"{path}: {exc}") from exc
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
    try:
        if not read_only:
            migrate(con)
        elif _pending(con):  # an older database: bring its schema up to date first
            con.close()
            with connect(path, wait=wait):
                pass
            con = duckdb.connect(str(path), read_only=True)
        with ctrl_c():
            yield con
    finally:
        con.close()


@contextmanager
def ctrl_c() -> Iterator[None]:
    """Ctrl-C during a DuckDB statement raises DuckDB's own error (RuntimeError('Query interrupted') in 2.0),
    which an `except Exception` on the way up would swallow; here it becomes the KeyboardInterrupt it was."""
    try:
        yield
    except duckdb.InterruptException as exc:
        raise KeyboardInterrupt from exc
    except RuntimeError as exc:
        if str(exc) == "Query interrupted":
            raise KeyboardInterrupt from exc
        raise


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN ... COMMIT, or ROLLBACK when the block raises (including KeyboardInterrupt)."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


class Writer:
    """One write connection shared by consecutive units of work, given back when it has been held for a turn
    (`turn` seconds) or when the caller is about to wait (`release`), so other processes get the database."""

    def __init__(self, db: Path | str, turn: float = WRITE_TURN_SECONDS) -> None:
        self.db, self.turn = db, turn
        self._held = ExitStack()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._since = 0.0

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The held connection (opened when needed); given back after this block when the turn is over."""
        if self._con is None:
            self._con = self._held.enter_context(connect(self.db))
            self._since = time.monotonic()
        try:
            with ctrl_c():
                yield self._con
        finally:
            if self.time_left() <= 0:
                self.release()

    def time_left(self) -> float:
        """Seconds left in this turn; 0 when no connection is held."""
        return max(0.0, self._since + self.turn - time.monotonic()) if self._con is not None else 0.0

    def release(self) -> None:
        self._con = None
        self._held.close()

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
    """The part of a migration that SQL cannot compute (the rows' record keys of 007, the decisions made before 012),
    in its transaction."""
    if version == 7:
        from litextract.store.write import backfill_record_keys

        backfill_record_keys(con)
    elif version == 12:
        from litextract.store.decisions import backfill

        backfill(con)


class _Foreign(Exception):
    """The database holds tables, but not litextract's."""


def _applied(con: duckdb.DuckDBPyConnection) -> set[int]:
    """The migrations recorded in this database: empty for an empty database; _Foreign when it is another
    program's (tables but no litextract `schema_migrations` with migration 1 'init')."""
    try:
        rows = con.execute("SELECT version, name FROM schema_migrations").fetchall()
    except duckdb.CatalogException:
        rows = []
    except duckdb.Error as exc:  # a schema_migrations of another shape: another tool's
        raise _Foreign from exc
    if (1, "init") in rows:
        return {version for version, _ in rows}
    objects = con.execute(
        "SELECT count(*) FROM (SELECT table_name FROM duckdb_tables() WHERE NOT temporary"
        " UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal AND NOT temporary)"
        " WHERE table_name <> 'schema_migrations'"
    ).fetchone()
    if rows or (objects and objects[0]):
        raise _Foreign
    return set()  # a new database, or one whose first migration never committed


def _litextract_migrations(con: duckdb.DuckDBPyConnection, path: Path) -> set[int]:
    """`_applied`, with a StoreError for a database that is not litextract's."""
    try:
        return _applied(con)
    except _Foreign:
        raise StoreError(f"{path}: not a litextract database; it is left untouched") from None


_SQLITE = b"SQLite format 3\x00"


def _check_file(path: Path) -> None:
    """A clear error when `path` exists but is not a DuckDB file (DuckDB would say little, or try to load its
    SQLite extension from the network)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except FileNotFoundError:
        return
    except IsADirectoryError:
        raise StoreError(f"{path}: is a folder, not a database file") from None
    except OSError as exc:
        raise StoreError(f"{path}: {exc.strerror or exc}") from exc
    if head.startswith(_SQLITE):
        raise StoreError(f"{path}: not a DuckDB file (an SQLite database)")
    if head[8:12] != b"DUCK":
        raise StoreError(f"{path}: not a DuckDB file")


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text or "conflicting" in text or "being used" in text


def _open(path: Path, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    """A connection to the DuckDB file at `path`, waiting up to `wait` seconds for another process's lock."""
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            if not _is_lock_error(exc) or time.monotonic() > deadline:
                raise StoreError(f"{path}: {exc}") from exc
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


@contextmanager
def connect(
    db: Path | str, read_only: bool = False, wait: float = LOCK_WAIT_SECONDS
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to `db`, closed on exit; opened for writing, it is created or migrated as needed.

    Waits up to `wait` seconds while another process holds DuckDB's write lock. A file that is not a DuckDB
    database, or a DuckDB database that is not litextract's, is refused untouched; a read-only connection never
    creates or migrates a database (`upgrade` does).
    """
    path = Path(db)
    if read_only and not path.exists():
        raise StoreError(f"no database at {path}; run `litextract ingest` first")
    _check_file(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = _open(path, read_only, wait)
    try:
        done = _litextract_migrations(con, path)
        if not read_only:
            migrate(con)
        elif not done:
            raise StoreError(f"no database at {path} (the file holds no tables); run `litextract ingest` first")
        elif missing := [version for version, _, _ in migrations() if version not in done]:
            raise StoreError(
                f"{path}: written by an older litextract (migrations {', '.join(f'{v:03d}' for v in missing)}"
                " not applied); run `litextract migrate` to upgrade it"
            )
        with ctrl_c():
            yield con
    finally:
        con.close()


def upgrade(db: Path | str) -> list[int]:
    """Apply the migrations an existing litextract database lacks; returns their versions."""
    path = Path(db)
    if not path.exists():
        raise StoreError(f"no database at {path}; run `litextract ingest` first")
    _check_file(path)
    con = _open(path, False, LOCK_WAIT_SECONDS)
    try:
        if not _litextract_migrations(con, path):
            raise StoreError(f"no database at {path} (the file holds no tables); run `litextract ingest` first")
        with ctrl_c():
            return migrate(con)
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

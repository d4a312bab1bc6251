"""Hostile input: one bad file never stops a run, folders are walked whole, exports are safe to open, a database
that is not litextract's is never written, and the smaller holes of issue 13."""

from __future__ import annotations

import csv
import io
import json
import os
import pickle
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import duckdb
import openpyxl
import pytest
from openai_server import FakeOpenAI
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from litextract import export
from litextract.cli import app
from litextract.dashboard import downloads
from litextract.extract.llm import error_line
from litextract.ingest import ingest
from litextract.parse.pymupdf_parser import PyMuPDFParser
from litextract.settings import Settings
from litextract.store import connect, decisions, migrations, queries

from conftest import PAPER_PAGES, paper_db, write_pdf

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "app.py"
LITEXTRACT = str(Path(sys.executable).parent / "litextract")
runner = CliRunner()

# A page tree that claims two billion pages (MuPDF: "Invalid number of pages"), and one whose Kids is itself.
HUGE_COUNT = (
    b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 2000000000>>"
    b"endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
SELF_KIDS = (
    b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[2 0 R]/Count 1>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf_bytes(objects: list[bytes]) -> bytes:
    """A PDF of these objects (1 0 obj is the catalog), with a correct cross-reference table."""
    out = b"%PDF-1.7\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def deeply_nested_pdf(depth: int = 200_000) -> bytes:
    """One page whose content stream is an array nested `depth` deep."""
    return pdf_bytes(
        [
            b"<</Type/Catalog/Pages 2 0 R>>",
            b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>",
            b"[" * depth + b"]" * depth,
        ]
    )


def papers_in(folder: Path, n: int, prefix: str = "p") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [
        write_pdf(folder / f"{prefix}{i}.pdf", [f"Paper {prefix} {i}\n" + PAPER_PAGES[0], PAPER_PAGES[1]])
        for i in range(n)
    ]


def errors_of(db: Path) -> dict[str, dict[str, Any]]:
    with connect(db, read_only=True) as con:
        return {Path(e["file"]).name: e for e in queries.errors(con)}


def last_run(db: Path) -> dict[str, Any]:
    with connect(db, read_only=True) as con:
        return queries.runs(con)[0]


# 1. Any exception from parsing or extracting one file fails that file only


@pytest.mark.parametrize("workers", [1, 2])
def test_a_malformed_page_tree_fails_that_file_only(tmp_path: Path, settings: Settings, workers: int) -> None:
    folder = tmp_path / "in"
    papers_in(folder, 3, prefix="z")  # sorted after the bad files
    (folder / "a_count.pdf").write_bytes(HUGE_COUNT)
    (folder / "b_self.pdf").write_bytes(SELF_KIDS)
    summary = ingest([folder], settings.model_copy(update={"workers": workers}))
    by_name = {o.path.name: o for o in summary.outcomes}
    assert [by_name[f"z{i}.pdf"].status for i in range(3)] == ["ingested"] * 3
    for name in ("a_count.pdf", "b_self.pdf"):
        outcome = by_name[name]
        assert (outcome.status, outcome.stage) == ("failed", "parse")
        assert "damaged PDF structure" in (outcome.reason or "") and "\n" not in outcome.line
    recorded = errors_of(settings.db)
    assert set(recorded) == {"a_count.pdf", "b_self.pdf"}
    assert "damaged PDF structure" in recorded["a_count.pdf"]["reason"]
    assert last_run(settings.db)["n_failed"] == 2


class FaultyParser:
    """PyMuPDF, except for files named fault-*.pdf, where it fails with an exception no parser should raise."""

    name = "pymupdf"

    def __init__(self) -> None:
        self.inner = PyMuPDFParser()

    def parse(self, path: Path, data: bytes, sha256: str) -> Any:
        if path.name.startswith("fault-key"):
            raise KeyError("/Kids")
        if path.name.startswith("fault-recursion"):
            raise RecursionError("maximum recursion depth exceeded")
        return self.inner.parse(path, data, sha256)


class FaultyExtractor:
    name = "offline"

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def extract(self, doc: Any) -> Any:
        if doc.file.startswith("zfault"):
            raise MemoryError("out of memory")
        return self.inner.extract(doc)


@pytest.mark.parametrize("workers", [1, 2])
def test_any_exception_while_parsing_or_extracting_fails_that_file_only(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    import litextract.ingest as ingest_module

    make_extractors = ingest_module.make_extractors
    monkeypatch.setattr(ingest_module, "make_parser", lambda s: FaultyParser())
    monkeypatch.setattr(ingest_module, "make_extractors", lambda s: [FaultyExtractor(x) for x in make_extractors(s)])
    folder = tmp_path / "in"
    papers_in(folder, 2)
    for name in ("fault-key.pdf", "fault-recursion.pdf", "zfault.pdf"):
        write_pdf(folder / name, [f"{name}\n" + PAPER_PAGES[0]])
    summary = ingest([folder], settings.model_copy(update={"workers": workers}))
    by_name = {o.path.name: (o.status, o.stage, o.reason) for o in summary.outcomes}
    assert by_name["p0.pdf"][0] == by_name["p1.pdf"][0] == "ingested"
    assert by_name["fault-key.pdf"] == ("failed", "parse", "KeyError: '/Kids'")
    assert by_name["fault-recursion.pdf"] == ("failed", "parse", "RecursionError: maximum recursion depth exceeded")
    assert by_name["zfault.pdf"] == ("failed", "extract", "MemoryError: out of memory")
    assert set(errors_of(settings.db)) == {"fault-key.pdf", "fault-recursion.pdf", "zfault.pdf"}


def test_uploading_a_malformed_pdf_shows_one_line_and_no_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = tmp_path / "srv"
    bad = server / "uploads" / "0123456789ab" / "bad.pdf"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(HUGE_COUNT)
    good = papers_in(server / "uploads" / "ba9876543210", 1)[0]
    monkeypatch.setenv("LITEXTRACT_DB", str(server / "t.duckdb"))
    monkeypatch.setenv("UPLOADED", os.pathsep.join(map(str, (bad, good))))

    def page() -> None:
        import os
        from pathlib import Path

        from litextract.dashboard import data, upload

        upload.run([Path(p) for p in os.environ["UPLOADED"].split(os.pathsep)], data.settings(), False)

    at = AppTest.from_function(page, default_timeout=60).run()
    assert not at.exception
    (message,) = [e.value for e in at.error]
    assert message.startswith("bad.pdf: failed at parse: damaged PDF structure") and "\n" not in message
    assert str(server) not in message  # the name the user uploaded, not where the server keeps it
    assert len(at.get("page_link")) == 1  # the good file was stored and linked


def test_an_ingest_that_cannot_run_is_one_line_on_the_upload_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sqlite_db = tmp_path / "t.duckdb"
    with sqlite3.connect(sqlite_db) as con:
        con.execute("CREATE TABLE t (x)")
    pdf = papers_in(tmp_path / "uploads" / "x", 1)[0]
    monkeypatch.setenv("LITEXTRACT_DB", str(sqlite_db))
    monkeypatch.setenv("UPLOADED", str(pdf))

    def page() -> None:
        import os
        from pathlib import Path

        from litextract.dashboard import data, upload

        upload.run([Path(os.environ["UPLOADED"])], data.settings(), False)

    at = AppTest.from_function(page, default_timeout=60).run()
    assert not at.exception
    (message,) = [e.value for e in at.error]
    assert "not a DuckDB file" in message and "\n" not in message


# 2. A file too large for MuPDF is refused before it is read; a worker that dies fails only its file


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_file_over_the_size_cap_is_refused_before_it_is_read(tmp_path: Path, workers: str) -> None:
    folder = tmp_path / "in"
    papers_in(folder, 2)
    big = folder / "big.pdf"
    big.write_bytes(b"%PDF-1.7\n")
    os.truncate(big, 2200 * 1024 * 1024)  # sparse: 2.2 GB that take no disk space
    db = tmp_path / "t.duckdb"
    command = [LITEXTRACT, "ingest", str(folder), "--db", str(db), "--workers", workers]
    done = subprocess.run(command, capture_output=True, text=True, timeout=240)
    assert done.returncode == 1, done.stderr[-2000:]  # not 139 (segfault)
    assert f"{big}: failed at read: 2,200 MiB is over the limit of 200 MiB (max_file_mb)" in done.stderr
    assert "2 ingested" in done.stdout and "1 failed" in done.stdout
    assert errors_of(db)["big.pdf"]["stage"] == "read"


def test_the_size_cap_is_a_setting(tmp_path: Path, settings: Settings) -> None:
    folder = tmp_path / "in"
    papers_in(folder, 1)
    (folder / "padded.pdf").write_bytes(write_pdf(tmp_path / "x.pdf", PAPER_PAGES).read_bytes() + b"\0" * 3_000_000)
    summary = ingest([folder], settings.model_copy(update={"max_file_mb": 2}))
    by_name = {o.path.name: o for o in summary.outcomes}
    assert by_name["p0.pdf"].status == "ingested"
    assert by_name["padded.pdf"].reason == "3 MiB is over the limit of 2 MiB (max_file_mb)"


class CrashingParser:
    """PyMuPDF, except that the process dies on files named crash*.pdf, as a segfault in native code would."""

    name = "pymupdf"

    def __init__(self, how: str) -> None:
        self.how = how
        self.inner = PyMuPDFParser()

    def parse(self, path: Path, data: bytes, sha256: str) -> Any:
        if path.name.startswith("crash"):
            if self.how == "segfault":
                os.kill(os.getpid(), signal.SIGSEGV)
            os._exit(3)
        return self.inner.parse(path, data, sha256)


@pytest.mark.timeout(120)
@pytest.mark.parametrize(("how", "reason"), [("segfault", "SIGSEGV"), ("exit", "exit code 3")])
def test_a_worker_that_dies_fails_only_the_file_it_was_working_on(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch, how: str, reason: str
) -> None:
    monkeypatch.setattr("litextract.ingest.make_parser", lambda s: CrashingParser(how))
    folder = tmp_path / "in"
    papers_in(folder, 5)
    papers_in(folder, 2, prefix="crash")
    summary = ingest([folder], settings.model_copy(update={"workers": 2}))
    outcomes = {o.path.name: o for o in summary.outcomes}
    assert [outcomes[f"p{i}.pdf"].status for i in range(5)] == ["ingested"] * 5
    for name in ("crash0.pdf", "crash1.pdf"):
        assert (outcomes[name].status, outcomes[name].stage) == ("failed", "parse")
        assert reason in (outcomes[name].reason or "")
    assert set(errors_of(settings.db)) == {"crash0.pdf", "crash1.pdf"}
    run = last_run(settings.db)
    assert (run["n_ingested"], run["n_failed"]) == (5, 2)


# 4. Folders: symlinks followed once, loops end, unreadable folders and dangling links are failures


def test_folder_symlinks_are_followed_once_and_loops_end(tmp_path: Path, settings: Settings) -> None:
    real = tmp_path / "real"
    papers_in(real, 2, prefix="r")
    top = tmp_path / "top"
    papers_in(top, 1, prefix="own")
    (top / "papers").symlink_to(real, target_is_directory=True)
    (top / "loop").symlink_to(top, target_is_directory=True)
    (real / "back").symlink_to(top, target_is_directory=True)
    summary = ingest([top], settings)  # through the link, and both trees loop back
    assert sorted(o.path.name for o in summary.outcomes) == ["own0.pdf", "r0.pdf", "r1.pdf"]
    assert {o.status for o in summary.outcomes} == {"ingested"}
    again = ingest([top, real, top / "papers"], settings)  # one real folder reached three ways: listed once
    assert sorted(o.path.name for o in again.outcomes) == ["own0.pdf", "r0.pdf", "r1.pdf"]


def as_unprivileged(fn: Callable[[], Any]) -> Any:
    """fn() in a process that file permissions apply to (root ignores them): a child with uid nobody."""
    if os.geteuid() != 0:
        return fn()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            os.close(read)
            os.setgid(65534)
            os.setuid(65534)
            with os.fdopen(write, "wb") as out:
                pickle.dump(fn(), out)
        except BaseException as exc:
            print(f"unprivileged child: {exc!r}", file=sys.stderr)
            code = 1
        os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as source:
        data = source.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0 and data
    return pickle.loads(data)


@pytest.fixture
def world_dir() -> Iterator[Path]:
    """A folder any user may write in (tmp_path is root's alone when the tests run as root)."""
    folder = Path(tempfile.mkdtemp(prefix="litextract-test-"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        for path in folder.rglob("*"):
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(folder)


def test_unreadable_folders_and_dangling_links_are_failures(world_dir: Path) -> None:
    folder = world_dir / "in"
    papers_in(folder, 1)
    locked = folder / "locked"
    papers_in(locked, 1, prefix="hidden")
    (folder / "gone.pdf").symlink_to(world_dir / "deleted.pdf")
    (folder / "gone-folder").symlink_to(world_dir / "deleted-folder", target_is_directory=True)
    ingest([folder], Settings(db=world_dir / "warm.duckdb"))  # everything imported before dropping privileges
    for path in (world_dir, folder):
        path.chmod(0o777)
    locked.chmod(0)
    settings = Settings(db=world_dir / "t.duckdb", cache_dir=world_dir / "cache", workers=1)

    def run() -> list[tuple[str, str, str | None, str | None]]:
        return [(o.path.name, o.status, o.stage, o.reason) for o in ingest([folder], settings).outcomes]

    outcomes = {name: (status, stage, reason) for name, status, stage, reason in as_unprivileged(run)}
    assert outcomes["p0.pdf"][0] == "ingested"
    assert outcomes["locked"] == ("failed", "read", "cannot read this folder: Permission denied")
    assert outcomes["gone.pdf"] == ("failed", "read", "dangling symbolic link: its target does not exist")
    assert outcomes["gone-folder"] == ("failed", "read", "dangling symbolic link: its target does not exist")
    locked.chmod(0o755)
    run_row = last_run(settings.db)
    assert (run_row["n_files"], run_row["n_ingested"], run_row["n_failed"]) == (4, 1, 3)
    assert set(errors_of(settings.db)) == {"locked", "gone.pdf", "gone-folder"}


def test_a_dangling_link_makes_the_cli_exit_1(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    papers_in(folder, 1)
    (folder / "moved.pdf").symlink_to(tmp_path / "nowhere.pdf")
    result = runner.invoke(app, ["ingest", str(folder), "--db", str(tmp_path / "t.duckdb")])
    assert result.exit_code == 1
    assert f"{folder / 'moved.pdf'}: failed at read: dangling symbolic link" in result.output


# 5. CSV cells a spreadsheet would run as a formula are escaped; numbers stay numbers

FORMULA_TITLE = "=1+1+cmd|' /C calc'!A0"


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_csv_cells_that_start_a_formula_are_escaped_and_numbers_kept() -> None:
    row = {
        "formula": "=HYPERLINK(\"http://x\")",
        "plus": "+cmd",
        "minus": "-2+3",
        "at": "@SUM(A1)",
        "tab": "\tx",
        "cr": "\rx",
        "negative": -0.5,
        "negative_text": "-0.5",
        "exponent": "-1.5e-3",
        "positive_text": "+12",
        "plain": "U-Net",
        "list": ["=a", "b"],
    }
    out = io.StringIO()
    export.write_rows(out, list(row), [row])
    header, cells = csv_rows(out.getvalue())
    got = dict(zip(header, cells, strict=True))
    assert got == {
        "formula": "'=HYPERLINK(\"http://x\")",
        "plus": "'+cmd",
        "minus": "'-2+3",
        "at": "'@SUM(A1)",
        "tab": "'\tx",
        "cr": "'\rx",
        "negative": "-0.5",
        "negative_text": "-0.5",
        "exponent": "-1.5e-3",
        "positive_text": "+12",
        "plain": "U-Net",
        "list": "'=a; b",
    }


def test_a_formula_title_is_escaped_in_the_csv_export_and_the_dashboard_zip(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_pdf(tmp_path / "paper.pdf", PAPER_PAGES, title=FORMULA_TITLE)
    ingest([tmp_path / "paper.pdf"], settings)
    result = runner.invoke(app, ["export", "--out", str(tmp_path / "out"), "--db", str(settings.db)])
    assert result.exit_code == 0, result.output
    rows = csv_rows((tmp_path / "out" / "papers.csv").read_text(encoding="utf-8"))
    title = rows[1][rows[0].index("title")]
    assert title == "'" + FORMULA_TITLE
    monkeypatch.setenv("LITEXTRACT_DB", str(settings.db))
    with zipfile.ZipFile(io.BytesIO(downloads.to_zip(downloads.filtered_tables(None)))) as archive:
        rows = csv_rows(archive.read("papers.csv").decode())
    assert rows[1][rows[0].index("title")] == "'" + FORMULA_TITLE
    book = openpyxl.load_workbook(io.BytesIO(downloads.to_xlsx(downloads.filtered_tables(None))))
    (cell,) = [c for c in book["papers"][2] if c.value == FORMULA_TITLE]
    assert cell.data_type == "s"  # Excel stores it as text: no formula runs, no quote needed


# 6. A database that is not litextract's is refused and never written; read-only commands never migrate


def foreign_tables(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE customers (id INTEGER, name VARCHAR)")
        con.execute("INSERT INTO customers VALUES (1, 'Ada')")


def foreign_papers_table(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE papers (doi VARCHAR, cited INTEGER)")


def foreign_schema_migrations(path: Path) -> None:
    with duckdb.connect(str(path)) as con:  # another tool's migrations table (Rails' shape)
        con.execute("CREATE TABLE schema_migrations (version VARCHAR PRIMARY KEY)")
        con.execute("INSERT INTO schema_migrations VALUES ('20240101000000')")


def commands(tmp_path: Path) -> list[list[str]]:
    pdf = write_pdf(tmp_path / "paper.pdf", PAPER_PAGES)
    (tmp_path / "gold").mkdir(exist_ok=True)
    return [
        ["papers"],
        ["papers", "--json"],
        ["show", "x"],
        ["errors"],
        ["costs"],
        ["export", "--out", str(tmp_path / "out")],
        ["eval", "--gold", str(tmp_path / "gold")],
        ["dedupe"],
        ["dedupe", "--dry-run"],
        ["ingest", str(pdf)],
    ]


def file_state(path: Path) -> tuple[bytes, int, list[str]]:
    return path.read_bytes(), path.stat().st_mtime_ns, sorted(p.name for p in path.parent.iterdir())


@pytest.mark.parametrize("make", [foreign_tables, foreign_papers_table, foreign_schema_migrations])
def test_a_foreign_duckdb_file_is_refused_in_one_line_and_never_written(
    tmp_path: Path, make: Callable[[Path], None]
) -> None:
    db = tmp_path / "theirs.duckdb"
    make(db)
    todo = commands(tmp_path)
    before = file_state(db)
    for command in todo:
        result = runner.invoke(app, [*command, "--db", str(db)])
        assert result.exit_code == 1, (command, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), command
        assert result.output.strip() == f"error: {db}: not a litextract database; it is left untouched", command
    assert file_state(db) == before


def test_a_sqlite_file_or_any_other_file_is_not_a_duckdb_file(tmp_path: Path) -> None:
    sqlite_db = tmp_path / "notes.duckdb"
    with sqlite3.connect(sqlite_db) as con:
        con.execute("CREATE TABLE t (x)")
    text = tmp_path / "text.duckdb"
    text.write_text("hello, this is not a database\n" * 10)
    todo = commands(tmp_path)
    for db, what in ((sqlite_db, "not a DuckDB file (an SQLite database)"), (text, "not a DuckDB file")):
        before = file_state(db)
        for command in todo:
            result = runner.invoke(app, [*command, "--db", str(db)])
            assert result.exit_code == 1 and result.output.strip() == f"error: {db}: {what}", (command, result.output)
        assert file_state(db) == before


def test_read_only_commands_never_create_a_database(tmp_path: Path) -> None:
    db = tmp_path / "none.duckdb"
    for command in commands(tmp_path)[:-3]:  # every command that only reads
        result = runner.invoke(app, [*command, "--db", str(db)])
        assert result.exit_code == 1, command
        assert result.output.strip() == f"error: no database at {db}; run `litextract ingest` first", command
    assert not db.exists()


def test_read_only_commands_never_migrate_an_older_database(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import litextract.store as store

    newest = migrations()[-1][0]
    with monkeypatch.context() as older:  # the database as the litextract before the newest migration left it
        older.setattr(store, "migrations", lambda: migrations()[:-1])
        with connect(settings.db):
            pass
    todo = commands(tmp_path)[:-3]
    before = file_state(settings.db)
    for command in todo:
        result = runner.invoke(app, [*command, "--db", str(settings.db)])
        assert result.exit_code == 1, command
        assert "run `litextract migrate`" in result.output and len(result.output.strip().splitlines()) == 1
    assert file_state(settings.db) == before
    done = runner.invoke(app, ["migrate", "--db", str(settings.db)])
    assert done.exit_code == 0 and f"migration {newest:03d}" in done.output
    assert runner.invoke(app, ["papers", "--db", str(settings.db)]).exit_code == 0


# 7. The smaller ones


def test_paths_are_stored_absolute_and_old_relative_ones_resolve_against_the_database_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, pid = paper_db(tmp_path / "db")
    with connect(db, read_only=True) as con:
        stored = [r[0] for r in con.execute("SELECT path FROM papers UNION ALL SELECT path FROM files").fetchall()]
    assert all(Path(p).is_absolute() for p in stored)
    folder = tmp_path / "work"
    papers_in(folder / "in", 1)
    monkeypatch.chdir(folder)
    assert runner.invoke(app, ["ingest", "in", "--db", "rel.duckdb"]).exit_code == 0
    with connect(folder / "rel.duckdb", read_only=True) as con:
        (path,) = [r[0] for r in con.execute("SELECT path FROM files").fetchall()]
    assert path == str(folder / "in" / "p0.pdf")
    monkeypatch.chdir(REPO)  # the dashboard runs from elsewhere, on a database an older version wrote
    with duckdb.connect(str(db)) as con:
        for table in ("papers", "files"):
            con.execute(f"UPDATE {table} SET path = file")  # relative to the database's folder
    monkeypatch.setenv("LITEXTRACT_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    at.switch_page("src/litextract/dashboard/pages/review_queue.py")
    at.query_params["paper"] = pid
    at.run()
    assert not at.exception
    assert not [w.value for w in at.warning if "not found" in str(w.value)]
    assert len(at.get("image")) == 1  # the page image is shown


KILLED_RUN = """
import os, signal, sys
from litextract.store import connect
from litextract.store.write import start_run
with connect(sys.argv[1]) as con:
    start_run(con, "ingest", {})
os.kill(os.getpid(), signal.SIGKILL)
"""
LIVE_RUN = """
import sys
from litextract.store import connect
from litextract.store.write import start_run
with connect(sys.argv[1]) as con:
    print(start_run(con, "ingest", {}), flush=True)
sys.stdin.read()  # runs until the test closes stdin
"""


def test_a_run_left_open_by_a_killed_process_is_marked_interrupted(tmp_path: Path, settings: Settings) -> None:
    pdf = write_pdf(tmp_path / "paper.pdf", PAPER_PAGES)
    ingest([pdf], settings)
    killed = subprocess.run([sys.executable, "-c", KILLED_RUN, str(settings.db)], timeout=60)
    assert killed.returncode == -signal.SIGKILL
    live = subprocess.Popen(
        [sys.executable, "-c", LIVE_RUN, str(settings.db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert live.stdout is not None
        live_id = int(live.stdout.readline())
        ingest([pdf], settings)
        with connect(settings.db, read_only=True) as con:
            status = dict(con.execute("SELECT run_id, status FROM runs").fetchall())
    finally:
        live.communicate(timeout=30)
    assert status == {1: "finished", 2: "interrupted", live_id: None, 4: "finished"}


def test_a_second_accept_or_reject_from_a_stale_page_writes_no_second_audit_row(
    paper_pdf: Path, settings: Settings
) -> None:
    summary = ingest([paper_pdf], settings)
    pid = summary.outcomes[0].paper_id
    assert pid
    with connect(settings.db) as con:
        dataset = queries.datasets(con, pid)[0]["record_id"]
        result = queries.results(con, pid)[0]["record_id"]
        for _ in range(2):  # the same click twice, from a page not refreshed in between
            decisions.accept(con, "dataset", dataset, "ada")
            decisions.reject(con, "result", result, "ada")
            decisions.accept(con, "paper", pid, "ada")
        audit = con.execute("SELECT kind, action FROM reviews ORDER BY review_id").fetchall()
    assert audit == [("dataset", "accept"), ("result", "reject"), ("paper", "accept")]


KEY = "sk-te\\st\"k'ey/+%41&x=1 end"


def key_forms(key: str) -> set[str]:
    return {key, json.dumps(key)[1:-1], repr(key)[1:-1], quote(key, safe=""), quote(key), quote_plus(key)}


def test_an_api_key_with_escape_characters_is_redacted_in_every_form(tmp_path: Path) -> None:
    settings = Settings(db=tmp_path / "t.duckdb", llm_api_key=KEY)
    message = " | ".join(sorted(key_forms(KEY)))
    line = error_line(settings, RuntimeError(f"{{'error': {{'message': 'bad key {message}'}}}}"))
    assert not [form for form in key_forms(KEY) if form in line]
    assert line.count("***") >= 4
    with FakeOpenAI() as server:
        server.faults.append("auth_echo")  # a 401 whose message repeats the key
        settings = Settings(
            db=tmp_path / "t.duckdb",
            cache_dir=tmp_path / "cache",
            llm_model="fake-model",
            llm_base_url=server.base_url,
            llm_api_key=KEY,
            llm_max_retries=0,
        )
        ingest([write_pdf(tmp_path / "paper.pdf", PAPER_PAGES)], settings)
        assert server.requests[0]["headers"]["authorization"] == f"Bearer {KEY}"
    with duckdb.connect(str(settings.db), read_only=True) as con:
        (error,) = con.execute("SELECT error FROM llm_calls WHERE error IS NOT NULL").fetchone() or [None]
        tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        dump = "".join(str(con.execute(f"SELECT * FROM {t}").fetchall()) for t in tables)
    assert "AuthenticationError" in error and "***" in error
    raw = settings.db.read_bytes().decode("latin-1")
    assert not [form for form in key_forms(KEY) for text in (dump, raw) if form in text]


def test_file_names_with_control_characters_or_markup_are_printed_escaped_on_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    evil = "evil\x1b[2J\x1b[31mred\nsecond line\u202etxt.pdf"
    (folder / evil).write_text("not a pdf")
    (folder / "[bold]markup[red].pdf").write_text("not a pdf either")
    db = tmp_path / "t.duckdb"
    done = subprocess.run([LITEXTRACT, "ingest", str(folder), "--db", str(db)], capture_output=True, text=True)
    assert done.returncode == 1
    assert "\x1b" not in done.stderr and "\u202e" not in done.stderr
    failed = [line for line in done.stderr.splitlines() if "failed at" in line]
    assert len(failed) == 2, done.stderr
    assert any("evil\\x1b[2J\\x1b[31mred\\nsecond line\\u202etxt.pdf: failed at parse" in line for line in failed)
    assert any("[bold]markup[red].pdf: failed at parse" in line for line in failed)
    listed = subprocess.run([LITEXTRACT, "errors", "--db", str(db)], capture_output=True, text=True)
    assert listed.returncode == 0 and "\x1b" not in listed.stdout and "\\x1b" in listed.stdout.replace("\n", "")
    listed = subprocess.run([LITEXTRACT, "errors", "--db", str(db), "--json"], capture_output=True)
    as_json = json.loads(listed.stdout)
    assert evil in {Path(e["file"]).name for e in as_json}  # scripts get the real name


def test_a_deeply_nested_pdf_is_reported_as_damaged_not_as_scanned(tmp_path: Path, settings: Settings) -> None:
    nested = tmp_path / "nested.pdf"
    nested.write_bytes(deeply_nested_pdf())
    (outcome,) = ingest([nested], settings).outcomes
    assert outcome.status == "failed"
    assert outcome.reason and outcome.reason.startswith("damaged PDF structure: nesting too deep")
    assert "no text layer" not in outcome.reason


def test_export_onto_an_existing_file_is_one_line(tmp_path: Path, settings: Settings, paper_pdf: Path) -> None:
    ingest([paper_pdf], settings)
    target = tmp_path / "review.csv"
    target.write_text("mine")
    result = runner.invoke(app, ["export", "--out", str(target), "--db", str(settings.db)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.strip() == f"error: {target}: is a file, not a folder; give --out a folder"
    assert target.read_text() == "mine"

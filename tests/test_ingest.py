"""The ingest pipeline on generated PDFs and on every kind of bad input."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from litextract.ingest import FileOutcome, ingest
from litextract.settings import Settings
from litextract.store import connect, queries
from litextract.store.write import save_papers

from conftest import PAPER_PAGES, write_pdf


def stored_titles(settings: Settings) -> list[str]:
    with connect(settings.db, read_only=True) as con:
        return [p["title"] for p in queries.papers(con)]


def test_ingest_stores_a_paper_and_skips_it_when_unchanged(paper_pdf: Path, settings: Settings) -> None:
    first = ingest([paper_pdf], settings)
    assert [o.status for o in first.outcomes] == ["ingested"]
    second = ingest([paper_pdf], settings)
    assert [o.status for o in second.outcomes] == ["unchanged"]
    with connect(settings.db, read_only=True) as con:
        assert len(queries.papers(con)) == 1
        runs = queries.runs(con)
    assert [(r["n_ingested"], r["n_unchanged"]) for r in runs] == [(0, 1), (1, 0)]


def test_the_same_pdf_under_another_name_is_one_paper_with_two_files(paper_pdf: Path, settings: Settings) -> None:
    copy = paper_pdf.with_name("copy.pdf")
    copy.write_bytes(paper_pdf.read_bytes())
    summary = ingest([paper_pdf.parent], settings)
    assert sorted(o.status for o in summary.outcomes) == ["ingested", "unchanged"]
    with connect(settings.db, read_only=True) as con:
        (paper,) = queries.papers(con)
        assert len(queries.paper_files(con, paper["sha256"])) == 2


def make_bad_inputs(folder: Path) -> dict[str, str]:
    """Each bad file and the words its one-line reason must contain."""
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "notes.pdf").write_text("just some notes, renamed to .pdf\n")
    good = write_pdf(folder / "tmp.pdf", PAPER_PAGES).read_bytes()
    (folder / "truncated.pdf").write_bytes(good[: len(good) // 3])
    (folder / "tmp.pdf").unlink()
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "secret text")
    doc.save(folder / "encrypted.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="u", owner_pw="o")
    scanned = pymupdf.open()
    page = scanned.new_page()
    page.draw_rect(pymupdf.Rect(50, 50, 300, 300), color=(0, 0, 0), fill=(0.5, 0.5, 0.5))
    scanned.save(folder / "scanned.pdf")
    huge = pymupdf.open()
    for i in range(1000):
        huge.new_page().insert_text((72, 72), f"page {i}")
    huge.save(folder / "thousand_pages.pdf")
    return {
        "empty.pdf": "empty",
        "notes.pdf": "not a PDF",
        "truncated.pdf": "",
        "encrypted.pdf": "encrypted",
        "scanned.pdf": "no text layer",
        "thousand_pages.pdf": "1000 pages",
    }


def test_bad_inputs_fail_one_by_one_with_reasons_and_the_run_goes_on(tmp_path: Path, settings: Settings) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    expected = make_bad_inputs(folder)
    write_pdf(folder / "zz_good.pdf", PAPER_PAGES)
    summary = ingest([folder], settings)
    by_name = {o.path.name: o for o in summary.outcomes}
    assert by_name["zz_good.pdf"].status == "ingested"
    for name, words in expected.items():
        outcome = by_name[name]
        assert outcome.status == "failed", name
        assert name in outcome.line and "\n" not in outcome.line
        assert words.lower() in (outcome.reason or "").lower(), (name, outcome.reason)
    with connect(settings.db, read_only=True) as con:
        recorded = {Path(e["file"]).name: e for e in queries.errors(con)}
    assert set(recorded) == set(expected)
    assert all(e["stage"] == "parse" and e["reason"] for e in recorded.values())


def test_a_file_that_turns_bad_loses_nothing_already_stored(paper_pdf: Path, settings: Settings) -> None:
    ingest([paper_pdf], settings)
    before = stored_titles(settings)
    paper_pdf.write_bytes(b"%PDF-1.7 garbage")
    summary = ingest([paper_pdf], settings)
    assert summary.outcomes[0].status == "failed"
    assert stored_titles(settings) == before


def test_unreadable_path_is_a_read_failure(tmp_path: Path, settings: Settings) -> None:
    summary = ingest([tmp_path / "missing.pdf"], settings)
    assert summary.outcomes[0].status == "failed" and summary.outcomes[0].stage == "read"


@pytest.mark.parametrize("workers", [1, 2])
def test_interrupted_run_keeps_the_database_consistent_and_the_next_run_finishes(
    tmp_path: Path, settings: Settings, workers: int
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(4):
        write_pdf(folder / f"p{i}.pdf", [f"Paper number {i}\n" + PAPER_PAGES[0], PAPER_PAGES[1]])
    settings = settings.model_copy(update={"workers": workers})
    reported: list[FileOutcome] = []

    def stop_after_two(outcome: FileOutcome) -> None:  # Ctrl-C while the second file is being reported
        reported.append(outcome)
        if len(reported) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest([folder], settings, on_file=stop_after_two)
    stored = len(stored_titles(settings))
    if workers == 1:
        assert stored == 2
    else:  # papers ready together are stored together: every reported one is stored, maybe more
        assert 2 <= stored <= 4
    summary = ingest([folder], settings)
    statuses = [o.status for o in summary.outcomes]
    assert statuses.count("unchanged") == stored and statuses.count("ingested") == 4 - stored
    assert len(stored_titles(settings)) == 4


class HeldIngest:
    """`litextract ingest` (2 workers, in its own process group) of 12 PDFs and a 13th whose file is a named pipe.

    The ingest reads every file once to hash it, and a worker reads it again to parse it. `start` feeds the pipe
    the first time and returns when a worker is reading it the second time (seen in /proc): from then until
    `release`, the ingest is mid-run for certain, since that worker waits for the pipe and the run for the worker.
    """

    def __init__(self, tmp_path: Path, settings: Settings) -> None:
        self.folder = tmp_path / "in"
        self.folder.mkdir()
        for i in range(12):
            write_pdf(self.folder / f"p{i:02}.pdf", [f"Paper {i}\n" + PAPER_PAGES[0], PAPER_PAGES[1]])
        self.data = write_pdf(tmp_path / "held-source.pdf", ["The held paper\n" + PAPER_PAGES[0]]).read_bytes()
        self.pipe = tmp_path / "held.pdf"
        os.mkfifo(self.pipe)
        self.writer = os.open(self.pipe, os.O_RDWR)  # opening it so never blocks; the bytes wait in the pipe
        os.write(self.writer, self.data)
        env = {**os.environ, "LITEXTRACT_DB": str(settings.db), "LITEXTRACT_WORKERS": "2"}
        command = [sys.executable, "-m", "litextract", "ingest", str(self.folder), str(self.pipe)]
        self.proc = subprocess.Popen(command, env=env, start_new_session=True, stderr=subprocess.PIPE, text=True)

    def holders(self) -> set[int]:
        """The processes of the ingest's group that have the pipe open."""
        found = set()
        for proc_dir in Path("/proc").glob("[0-9]*"):
            try:
                if os.getpgid(int(proc_dir.name)) == self.proc.pid and any(
                    os.readlink(fd) == str(self.pipe) for fd in (proc_dir / "fd").iterdir()
                ):
                    found.add(int(proc_dir.name))
            except OSError:  # gone meanwhile
                continue
        return found

    def wait_until(self, holds: Callable[[set[int]], bool], what: str) -> None:
        deadline = time.monotonic() + 120
        while not holds(self.holders()):
            assert self.proc.poll() is None, self.proc.communicate()[1]
            assert time.monotonic() < deadline, what
            time.sleep(0.01)

    def start(self) -> HeldIngest:
        main = self.proc.pid
        self.wait_until(lambda pids: main in pids, "the ingest never read the pipe to hash it")
        os.close(self.writer)  # the hashing read ends: it has the bytes
        self.wait_until(lambda pids: main not in pids, "the ingest did not finish reading the pipe")
        self.writer = os.open(self.pipe, os.O_RDWR)  # the worker's read waits for the bytes written by `release`
        self.wait_until(lambda pids: bool(pids - {main}), "no worker read the pipe")
        return self

    def release(self) -> None:
        """Let the waiting worker read the held paper (if it is still there) and finish."""
        os.write(self.writer, self.data)
        os.close(self.writer)

    def wait_for_stderr(self, text: str) -> list[str]:
        """The lines the ingest printed to stderr up to and including the first holding `text`."""
        assert self.proc.stderr is not None
        lines = []
        for line in self.proc.stderr:
            lines.append(line)
            if text in line:
                break
        return lines


def group_ends(pgid: int, seconds: float = 10) -> bool:
    """Whether every process of the group (the ingest and its workers) is gone within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="SIGKILL, named pipes, /proc")
def test_killed_run_leaves_a_usable_database_and_no_worker_processes(tmp_path: Path, settings: Settings) -> None:
    held = HeldIngest(tmp_path, settings).start()
    held.proc.send_signal(signal.SIGKILL)
    held.proc.wait()
    assert group_ends(held.proc.pid), "worker processes outlived the killed ingest"
    held.release()
    summary = ingest([held.folder], settings)
    assert not summary.failed
    assert len(stored_titles(settings)) == 12


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="process groups, named pipes, /proc")
def test_ctrl_c_stops_the_ingest_and_its_workers_and_keeps_what_is_stored(tmp_path: Path, settings: Settings) -> None:
    held = HeldIngest(tmp_path, settings).start()
    os.killpg(held.proc.pid, signal.SIGINT)  # what a terminal does: the whole foreground group gets it
    said = held.wait_for_stderr("interrupted")
    held.release()  # the worker that was reading the pipe finishes its file; nothing more is started
    _, rest = held.proc.communicate(timeout=60)
    stderr = "".join(said) + rest
    assert held.proc.returncode == 130
    assert "interrupted" in stderr and "Traceback" not in stderr  # no worker tracebacks
    assert group_ends(held.proc.pid)
    stored = len(stored_titles(settings))
    summary = ingest([held.folder], settings)
    assert [o.status for o in summary.outcomes].count("unchanged") == stored
    assert len(stored_titles(settings)) == 12


def test_a_paper_that_cannot_be_stored_fails_alone(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(4):
        write_pdf(folder / f"p{i}.pdf", [f"Paper number {i}\n" + PAPER_PAGES[0], PAPER_PAGES[1]])
    real = save_papers

    def refusing(con: Any, papers: Any) -> list[str]:  # the database refuses p2, whatever it is stored with
        if any(doc.file == "p2.pdf" for doc, _, _ in papers):
            raise RuntimeError("Constraint Error: disk says no")
        return real(con, papers)

    monkeypatch.setattr("litextract.ingest.save_papers", refusing)
    summary = ingest([folder], settings.model_copy(update={"workers": 2}))
    outcomes = {o.path.name: o for o in summary.outcomes}
    assert (outcomes["p2.pdf"].status, outcomes["p2.pdf"].stage) == ("failed", "store")
    assert "disk says no" in (outcomes["p2.pdf"].reason or "")
    assert [outcomes[f"p{i}.pdf"].status for i in (0, 1, 3)] == ["ingested"] * 3
    assert len(stored_titles(settings)) == 3

"""The ingest pipeline: find PDFs → parse → extract → canonical names → ground → store.

A file is keyed by its sha256: an unchanged file is neither parsed nor extracted again. The other files are
parsed and extracted by `prepare` (in worker processes by default); this process stores each paper as soon as
it is ready, several in one transaction when several are ready at once. A file that fails gets one recorded
reason and the run goes on; nothing already stored is touched by a failure.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple

from litextract import text
from litextract.dedup import dedupe, load_resolver
from litextract.extract import make_extractors
from litextract.parse import make_parser
from litextract.prepare import Job, Pending, Prepared, Preparer, one_line, preparing, worker_count
from litextract.settings import Settings
from litextract.store import Writer, connect
from litextract.store.llm_calls import write_calls
from litextract.store.write import add_file, finish_run, paper_id_of, record_error, save_papers, start_run

MIB = 1024 * 1024
MAX_BATCH = 16  # papers stored in one transaction at most
STORE_WITHIN = 0.5  # seconds a ready paper may wait for others to share its transaction (~2-3 ms per statement)

Status = Literal["ingested", "unchanged", "failed"]


@dataclass
class FileOutcome:
    path: Path
    status: Status
    paper_id: str | None = None
    title: str | None = None
    stage: str | None = None
    reason: str | None = None
    seconds: float = 0.0

    @property
    def line(self) -> str:
        """The one-line message a person reads for this file (control characters in its name escaped)."""
        return self.line_for(str(self.path))

    def line_for(self, name: str) -> str:
        """`line` with the file called `name` (e.g. the name it was uploaded under)."""
        if self.status == "failed":
            return f"{text.printable(name)}: failed at {self.stage}: {self.reason}"
        return f"{text.printable(name)}: {self.status}"


@dataclass
class RunSummary:
    run_id: int
    outcomes: list[FileOutcome] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]


class Found(NamedTuple):
    files: list[Path]  # absolute, sorted, each once
    problems: dict[Path, str]  # a folder that cannot be read or a dangling link → why


DANGLING = "dangling symbolic link: its target does not exist"


def find_pdfs(paths: Iterable[Path]) -> Found:
    """PDF files named directly, and every *.pdf below the folders named, as absolute paths.

    Folder links are followed, each real folder is read once (so a link loop ends); folders that cannot be
    read and links whose target is gone are returned as problems, not skipped.
    """
    files: dict[Path, None] = {}
    problems: dict[Path, str] = {}
    seen: set[str] = set()  # real paths of the folders read
    for path in (p.absolute() for p in paths):
        if path.is_dir():
            found: list[Path] = []
            _walk(path, seen, found, problems)
            files.update(dict.fromkeys(sorted(found)))
        elif path.is_symlink() and not path.exists():
            problems[path] = DANGLING
        else:
            files[path] = None
    return Found(list(files), problems)


def _walk(top: Path, seen: set[str], found: list[Path], problems: dict[Path, str]) -> None:
    def unreadable(exc: OSError) -> None:
        problems[Path(exc.filename)] = f"cannot read this folder: {exc.strerror or one_line(exc)}"

    for folder, subfolders, names in os.walk(top, onerror=unreadable, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:  # reached again through a link (or a loop): read once
            subfolders.clear()
            continue
        seen.add(real)
        for name in names:
            path = Path(folder, name)
            if path.is_symlink() and not path.exists():
                problems[path] = DANGLING  # os.walk lists a link to a missing folder with the files
            elif name.lower().endswith(".pdf") and path.is_file():
                found.append(path)


def ingest(
    paths: Iterable[Path],
    settings: Settings,
    *,
    force: bool = False,
    on_start: Callable[[int], None] | None = None,
    on_file: Callable[[FileOutcome], None] | None = None,
) -> RunSummary:
    """Ingest every PDF under `paths` into `settings.db`.

    `on_file` is told of each file as it is stored or fails; the database may be held open for writing
    meanwhile, so `on_file` must not open it.
    """
    files, problems = find_pdfs(paths)
    if on_start:
        on_start(len(files) + len(problems))
    parser = make_parser(settings)
    extractors = make_extractors(settings)
    with connect(settings.db) as con:
        run_id = start_run(con, "ingest", settings.recorded())
        known = dict(con.execute("SELECT sha256, paper_id FROM papers").fetchall())
        known_paths = {row[0] for row in con.execute("SELECT path FROM files").fetchall()}
        resolver = load_resolver(con)
    run = _Run(RunSummary(run_id), Writer(settings.db), known, on_file, int(settings.max_file_mb * MIB))
    try:
        for path, reason in problems.items():
            run.failed(path, None, "read", reason)
        jobs, copies = run.sort_out(files, known_paths, force)
        run.writer.release()  # before worker processes start, and while GROBID is busy
        prefetch = getattr(parser, "prefetch", None)  # a parser with a server (GROBID) fetches ahead, concurrently
        if prefetch is not None:
            prefetch({j.sha256: j.path for j in jobs})
        with preparing(jobs, Preparer(parser, extractors, resolver), worker_count(settings, len(jobs))) as pending:
            run.store_as_ready(pending)
        run.copies(copies)
        with run.writer.connection() as con:  # papers that are one work (preprint + published): dedup/papers.py
            dedupe(con, papers_only=True)
    finally:
        run.finish(len(files) + len(problems))
    order = {path: i for i, path in enumerate([*files, *problems])}
    run.summary.outcomes.sort(key=lambda o: order[o.path])
    return run.summary


@dataclass(frozen=True)
class _Copy:
    job: Job
    original: Path  # the earlier file of this run with the same bytes


@dataclass
class _Run:
    """The storing side of one ingest: outcomes, their database writes and their reports."""

    summary: RunSummary
    writer: Writer
    known: dict[str, str]  # sha256 → paper_id of every stored paper, this run's included
    on_file: Callable[[FileOutcome], None] | None
    max_bytes: int  # larger files are refused before they are read

    def sort_out(self, files: list[Path], known_paths: set[str], force: bool) -> tuple[list[Job], list[_Copy]]:
        """The files to prepare, and the later files with the same bytes as one of them; unreadable and
        unchanged files are reported here."""
        jobs: list[Job] = []
        first: dict[str, Path] = {}
        copies: list[_Copy] = []
        for path in files:
            job = self.read(path)
            if job is None:
                continue
            if job.sha256 in self.known and not force:
                self.unchanged(job, add=str(path) not in known_paths)
            elif job.sha256 in first:
                copies.append(_Copy(job, first[job.sha256]))
            else:
                first[job.sha256] = path
                jobs.append(job)
        return jobs, copies

    def store_as_ready(self, pending: Iterable[Pending]) -> None:
        """Store the files in order as they are ready, those ready together in one transaction (at most
        MAX_BATCH, none waiting more than STORE_WITHIN seconds); the connection is held while the next file is
        expected within the writer's turn, and given back before a longer wait."""
        batch: list[Prepared] = []
        deadline = 0.0  # when the papers of `batch` are stored at the latest
        previous = 0.0  # seconds the previous file took to prepare: about what the next one will take
        for item in pending:
            if batch and not item.ready(max(0.0, deadline - time.monotonic())):
                self.store(batch)
                batch = []
            if not batch and not item.ready(self.writer.time_left()) and previous >= self.writer.time_left():
                self.writer.release()  # a long wait must not keep the database from other processes
            prepared = item.result()
            previous = prepared.seconds
            if not batch:
                deadline = time.monotonic() + STORE_WITHIN
            batch.append(prepared)
            if len(batch) >= MAX_BATCH:
                self.store(batch)
                batch = []
        self.store(batch)

    def copies(self, copies: list[_Copy]) -> None:
        """A copy is another name for its original's paper, or fails as the original did."""
        for copy in copies:
            if copy.job.sha256 in self.known:
                self.unchanged(copy.job, add=True)
            else:
                original = next(o for o in self.summary.outcomes if o.path == copy.original)
                reason = f"same content as {copy.original}, which failed: {original.reason}"
                self.failed(copy.job.path, copy.job.sha256, original.stage or "parse", reason)

    def finish(self, n_files: int) -> None:
        s = self.summary
        with self.writer.connection() as con:
            finish_run(con, s.run_id, n_files, s.count("ingested"), s.count("unchanged"), s.count("failed"))
        self.writer.release()

    def report(self, outcome: FileOutcome) -> None:
        self.summary.outcomes.append(outcome)
        if self.on_file:
            self.on_file(outcome)

    def read(self, path: Path) -> Job | None:
        """The file's job (path and sha256 of its bytes), or None when it is too large or cannot be read
        (reported). The size is checked first: MuPDF crashes on files over 2 GiB, and they would fill memory."""
        try:
            size = path.stat().st_size
            if size > self.max_bytes:
                limit = f"{self.max_bytes / MIB:,.0f} MiB (max_file_mb)"
                self.failed(path, None, "read", f"{size / MIB:,.0f} MiB is over the limit of {limit}")
                return None
            return Job(path, text.sha256(path.read_bytes()))
        except OSError as exc:
            self.failed(path, None, "read", exc.strerror or one_line(exc))
            return None

    def unchanged(self, job: Job, add: bool) -> None:
        if add:  # a new name for a stored paper
            with self.writer.connection() as con:
                add_file(con, job.sha256, str(job.path), job.path.name)
        self.report(FileOutcome(job.path, "unchanged", self.known[job.sha256]))

    def failed(self, path: Path, sha256: str | None, stage: str, reason: str, seconds: float = 0.0) -> None:
        with self.writer.connection() as con:
            record_error(con, self.summary.run_id, str(path), sha256, stage, reason)
        pid = paper_id_of(sha256) if sha256 else None
        self.report(FileOutcome(path, "failed", pid, stage=stage, reason=reason, seconds=seconds))

    def store(self, batch: list[Prepared]) -> None:
        """Store the prepared papers of `batch` in one transaction, then report every file of it."""
        papers = [p for p in batch if p.stage is None]
        try:
            self._save(papers)
        except Exception:
            for p in papers:  # one bad paper must not cost the others: each alone, to find which
                try:
                    self._save([p])
                except Exception as exc:
                    p.stage, p.reason = "store", one_line(exc)
        for p in batch:
            if p.stage is not None:
                self.failed(p.path, p.sha256, p.stage, p.reason or "failed", p.seconds)
            else:
                title = p.stored[1].paper.title
                self.report(FileOutcome(p.path, "ingested", self.known[p.sha256], title, seconds=p.seconds))

    def _save(self, papers: list[Prepared]) -> None:
        if not papers:
            return
        with self.writer.connection() as con:
            pids = save_papers(con, [p.stored for p in papers])
            for p, pid in zip(papers, pids, strict=True):
                doc, extraction, _ = p.stored
                # faults that kept the file (GROBID failed, the LLM failed on some chunks), and the LLM's requests
                for stage, reason in {**doc.warnings, **extraction.warnings}.items():
                    record_error(con, self.summary.run_id, str(p.path), p.sha256, stage, reason)
                write_calls(con, self.summary.run_id, pid, extraction.llm_calls)
        self.known.update((p.sha256, pid) for p, pid in zip(papers, pids, strict=True))

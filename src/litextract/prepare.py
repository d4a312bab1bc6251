"""Preparing files for storage: read, parse, extract, canonicalise, ground and collapse, with no database.

This is the CPU-heavy part of an ingest. `preparing()` runs it over many files, in this process or in worker
processes (one per CPU by default, for the offline pipeline), and hands back one `Pending` per file in file
order, so the caller can store each file as soon as it is ready and knows when waiting for the next would
only keep the database locked. Any exception while preparing a file fails that file alone; a worker process
that dies (native code crashing on a hostile file) fails the file it was preparing, and a new worker goes on
with the rest.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from concurrent.futures import wait as wait_for
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_ready
from pathlib import Path
from typing import Protocol

from litextract import text
from litextract.canonical import Resolver, canonicalise
from litextract.collapse import collapse
from litextract.combine import combine
from litextract.document import Document
from litextract.extract import Extractor
from litextract.grounding import ground
from litextract.parse import ParseError, Parser
from litextract.records import Extraction, ExtraEvidence
from litextract.settings import Settings

MAX_WORKERS = 8


def process(doc: Document, extractors: Sequence[Extractor], resolver: Resolver | None = None) -> Extraction:
    """One document's records: each extractor's, with canonical names (the run's confirmed aliases included) and
    grounded evidence, once each; several extractors' combined into one record per key (`combine`)."""
    found = [ground(canonicalise(extractor.extract(doc), resolver), doc) for extractor in extractors]
    if len(found) == 1:
        return found[0]
    return combine(found, "+".join(f"{x.name}/{x.version}" for x in extractors))


@dataclass(frozen=True)
class Job:
    path: Path
    sha256: str  # of the bytes the caller read; a file that changes before it is parsed fails


@dataclass
class Prepared:
    """A file ready to store (`doc`, `extraction`, `extra`), or the stage and reason it failed at."""

    path: Path
    sha256: str
    doc: Document | None = None
    extraction: Extraction | None = None  # duplicate records collapsed (see litextract.collapse)
    extra: list[ExtraEvidence] = field(default_factory=list)
    stage: str | None = None
    reason: str | None = None
    seconds: float = 0.0

    @property
    def stored(self) -> tuple[Document, Extraction, list[ExtraEvidence]]:
        """What `store.write.save_papers` takes for this file."""
        assert self.doc is not None and self.extraction is not None, f"{self.path}: failed, nothing to store"
        return self.doc, self.extraction, self.extra


class _Failure(Exception):
    def __init__(self, stage: str, reason: str) -> None:
        super().__init__(reason)
        self.stage, self.reason = stage, reason


def one_line(exc: BaseException) -> str:
    """An exception as the one-line reason a person reads."""
    return text.printable(" ".join(str(exc).split()) or type(exc).__name__)[:300]


@dataclass
class Preparer:
    parser: Parser
    extractors: Sequence[Extractor]
    resolver: Resolver | None = None

    def __call__(self, job: Job) -> Prepared:
        """The file prepared, or the stage and one-line reason it failed at; never raises (but for Ctrl-C)."""
        started = time.perf_counter()
        try:
            doc, extraction = self._run(job)
            collapsed = collapse(extraction)  # duplicate records of this paper → one, all evidence kept
        except _Failure as failure:
            seconds = time.perf_counter() - started
            return Prepared(job.path, job.sha256, stage=failure.stage, reason=failure.reason, seconds=seconds)
        except Exception as exc:
            seconds = time.perf_counter() - started
            return Prepared(job.path, job.sha256, stage="extract", reason=_reason(exc), seconds=seconds)
        seconds = time.perf_counter() - started
        return Prepared(job.path, job.sha256, doc, collapsed.extraction, collapsed.extra, seconds=seconds)

    def _run(self, job: Job) -> tuple[Document, Extraction]:
        try:
            data = job.path.read_bytes()
        except OSError as exc:
            raise _Failure("read", exc.strerror or one_line(exc)) from exc
        if text.sha256(data) != job.sha256:
            raise _Failure("read", "the file changed while it was being ingested; run again")
        try:
            doc = self.parser.parse(job.path, data, job.sha256)
        except ParseError as exc:
            raise _Failure("parse", one_line(exc)) from exc
        except Exception as exc:  # a parser bug or a library error on a hostile file: this file fails alone
            raise _Failure("parse", _reason(exc)) from exc
        try:
            return doc, process(doc, self.extractors, self.resolver)
        except Exception as exc:
            raise _Failure("extract", _reason(exc)) from exc


def _reason(exc: Exception) -> str:
    """An unexpected exception as a one-line reason, with its type (a bare KeyError says little)."""
    return f"{type(exc).__name__}: {one_line(exc)}" if str(exc) else type(exc).__name__


class Pending(Protocol):
    def ready(self, timeout: float = 0.0) -> bool:
        """Whether the result is there, after waiting up to `timeout` seconds for it."""
        ...

    def result(self) -> Prepared:
        """The result, waiting for it (or working it out) as long as it takes."""
        ...


@dataclass
class _Here:
    """Prepared in this process when asked for: never ready before."""

    preparer: Preparer
    job: Job

    def ready(self, timeout: float = 0.0) -> bool:
        return False

    def result(self) -> Prepared:
        return self.preparer(self.job)


@dataclass
class _InWorker:
    future: Future[Prepared]

    def ready(self, timeout: float = 0.0) -> bool:
        return bool(wait_for([self.future], timeout=timeout).done)

    def result(self) -> Prepared:
        return self.future.result()


def worker_count(settings: Settings, n_jobs: int) -> int:
    """Processes to prepare `n_jobs` files with: `settings.workers`, else one per CPU (at most MAX_WORKERS).

    One, in this process, when a GROBID server or an LLM does the heavy work: they have their own concurrency.
    """
    if settings.grobid_url or settings.llm_model:
        return 1
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(settings.workers or min(cpus, MAX_WORKERS), n_jobs))


@contextmanager
def preparing(jobs: list[Job], preparer: Preparer, workers: int) -> Iterator[list[Pending]]:
    """One `Pending` per job, in order; with `workers` > 1 they are prepared ahead by that many processes."""
    if workers <= 1:
        yield [_Here(preparer, job) for job in jobs]
        return
    gc.freeze()  # what the forked workers inherit stays out of their collections: no copy-on-write of it (-3% CPU)
    try:
        pool = _Workers(preparer, workers, jobs)
        finished = False
        try:
            yield [_InWorker(future) for future in pool.futures]
            finished = True
        finally:  # on Ctrl-C or an error: files not started are dropped, workers end after their current one
            pool.close(wait=finished)
    finally:
        gc.unfreeze()


def _context() -> multiprocessing.context.BaseContext:
    # fork starts a worker in milliseconds with everything imported; elsewhere the platform's safe default
    return multiprocessing.get_context("fork" if sys.platform == "linux" else None)


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection  # this process's end of the worker's pipe: jobs out, results back

    def result(self) -> Prepared | None:
        """The result the worker sent, or None when it died instead (then it is reaped)."""
        try:
            if self.conn.poll():
                return self.conn.recv()
        except (EOFError, OSError):
            pass
        self.process.join()
        self.conn.close()
        return None

    def stop(self) -> None:
        """No more work: the worker ends after the file it is preparing, if any."""
        with suppress(OSError):  # unless it is gone already
            self.conn.send(None)
        self.conn.close()


class _Workers:
    """Worker processes preparing `jobs` one file at a time each, fed in order by a thread of this process.

    Each worker holds one file at a time, so when one dies (a crash in native code, the OOM killer) the file it
    died on is known: that file fails with the signal or exit code as its reason, and a new worker takes the
    dead one's place for the files still to do.
    """

    def __init__(self, preparer: Preparer, n: int, jobs: list[Job]) -> None:
        self.preparer, self.n = preparer, max(1, min(n, len(jobs)))
        self.futures: list[Future[Prepared]] = [Future() for _ in jobs]
        self._todo: deque[tuple[Job, Future[Prepared]]] = deque(zip(jobs, self.futures, strict=True))
        self._stopping = threading.Event()
        self._wake_up, self._wake = _context().Pipe(duplex=False)
        self._thread = threading.Thread(target=self._run, name="litextract-workers", daemon=True)
        self._thread.start()

    def close(self, wait: bool) -> None:
        """Stop handing out files (those not started are cancelled); with `wait`, until every worker ended."""
        self._stopping.set()
        for _, future in list(self._todo):
            future.cancel()
        with suppress(OSError):  # the thread may have ended and closed it
            self._wake.send(None)
        if wait:
            self._thread.join()

    def _start(self) -> _Worker:
        ours, theirs = _context().Pipe()
        process = _context().Process(  # type: ignore[attr-defined]
            target=_serve, args=(self.preparer, theirs, os.getpid()), name="litextract-worker", daemon=True
        )
        process.start()
        theirs.close()
        return _Worker(process, ours)

    def _run(self) -> None:
        idle: list[_Worker] = []
        busy: dict[_Worker, tuple[Job, Future[Prepared]]] = {}
        try:
            while True:
                while self._todo and not self._stopping.is_set() and (idle or len(busy) < self.n):
                    job, future = self._todo.popleft()
                    if future.set_running_or_notify_cancel():
                        worker = self._hand(idle.pop() if idle else self._start(), job)
                        busy[worker] = (job, future)
                if not busy:
                    break
                ready = set(wait_ready([self._wake_up, *(w.conn for w in busy), *(w.process.sentinel for w in busy)]))
                if self._wake_up in ready:
                    self._wake_up.recv()  # close() wants the loop to look at _stopping
                for worker in [w for w in busy if w.conn in ready or w.process.sentinel in ready]:
                    job, future = busy.pop(worker)
                    prepared = worker.result()
                    if prepared is None:  # it died on this file
                        future.set_result(_died(job, worker.process.exitcode))
                    else:
                        future.set_result(prepared)
                        idle.append(worker)
        except BaseException as exc:  # a fault here must not leave the caller waiting for ever
            for future in self.futures:
                if not future.done():
                    future.set_exception(exc)
            raise
        finally:
            for worker in [*idle, *busy]:
                worker.stop()
            for worker in [*idle, *busy]:
                worker.process.join()
            self._wake_up.close()
            self._wake.close()

    def _hand(self, worker: _Worker, job: Job) -> _Worker:
        """`worker`, or a new one if it died while idle, now preparing `job`."""
        try:
            worker.conn.send(job)
            return worker
        except OSError:
            worker.result()  # reap it
            worker = self._start()
            worker.conn.send(job)
            return worker


def _died(job: Job, exitcode: int | None) -> Prepared:
    """The failure of the file a worker process died on."""
    if exitcode is not None and exitcode < 0:
        try:
            how = f"was killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"was killed by signal {-exitcode}"
    else:
        how = f"ended with exit code {exitcode}"
    reason = f"the worker process {how} while preparing this file (a crash in the PDF library?); nothing is stored"
    return Prepared(job.path, job.sha256, stage="parse", reason=reason)


def _serve(preparer: Preparer, conn: Connection, parent: int) -> None:
    """A worker process: prepare each job sent until None (or the parent is gone), and send the result back."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        prepared = preparer(job)
        try:
            conn.send(prepared)
        except OSError:
            return  # the parent is gone
        except Exception as exc:  # the result cannot be pickled: the file fails, the worker goes on
            conn.send(Prepared(job.path, job.sha256, stage="extract", reason=f"cannot hand over: {_reason(exc)}"))


def _exit_with(parent: int) -> None:
    """End this worker when its parent is gone (killed), instead of waiting forever for more work."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)

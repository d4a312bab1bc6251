"""Preparing files for storage: read, parse, extract, canonicalise, ground and collapse, with no database.

This is the CPU-heavy part of an ingest. `preparing()` runs it over many files, in this process or in worker
processes (one per CPU by default, for the offline pipeline), and hands back one `Pending` per file in file
order, so the caller can store each file as soon as it is ready and knows when waiting for the next would
only keep the database locked.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_for
from contextlib import contextmanager
from dataclasses import dataclass, field
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
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:300]


@dataclass
class Preparer:
    parser: Parser
    extractors: Sequence[Extractor]
    resolver: Resolver | None = None

    def __call__(self, job: Job) -> Prepared:
        started = time.perf_counter()
        try:
            doc, extraction = self._run(job)
        except _Failure as failure:
            seconds = time.perf_counter() - started
            return Prepared(job.path, job.sha256, stage=failure.stage, reason=failure.reason, seconds=seconds)
        collapsed = collapse(extraction)  # duplicate records of this paper → one, all evidence kept
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
            raise _Failure("parse", str(exc)) from exc
        try:
            return doc, process(doc, self.extractors, self.resolver)
        except Exception as exc:
            raise _Failure("extract", one_line(exc)) from exc


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
    pool = ProcessPoolExecutor(
        workers, mp_context=_context(), initializer=_start_worker, initargs=(preparer, os.getpid())
    )
    finished = False
    try:
        yield [_InWorker(pool.submit(_prepare, job)) for job in jobs]
        finished = True
    finally:  # on Ctrl-C or an error: files not started are dropped, workers end after their current one
        pool.shutdown(wait=finished, cancel_futures=True)
        gc.unfreeze()


def _context() -> multiprocessing.context.BaseContext:
    # fork starts a worker in milliseconds with everything imported; elsewhere the platform's safe default
    return multiprocessing.get_context("fork" if sys.platform == "linux" else None)


_preparer: Preparer | None = None  # the worker process's own


def _start_worker(preparer: Preparer, parent: int) -> None:
    global _preparer
    _preparer = preparer
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: int) -> None:
    """End this worker when its parent is gone (killed), instead of waiting forever for more work."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _prepare(job: Job) -> Prepared:
    assert _preparer is not None, "worker not started"
    return _preparer(job)

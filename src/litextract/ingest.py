"""The ingest pipeline: find PDFs → parse → extract → normalise → ground → store, one file at a time.

A file is keyed by its sha256: an unchanged file is neither parsed nor extracted again. A file that fails
gets one recorded reason and the run goes on; nothing already stored is touched by a failure.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from litextract.dedup import collapse, dedupe, load_resolver, save_extra_evidence
from litextract.document import Document
from litextract.extract import Extractor, make_extractor
from litextract.grounding import ground
from litextract.normalise import Resolver, normalise
from litextract.parse import ParseError, Parser, make_parser, sha256_of
from litextract.records import Extraction
from litextract.settings import Settings
from litextract.store import connect
from litextract.store.write import add_file, finish_run, paper_id_of, record_error, save_paper, start_run

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
        """The one-line message a person reads for this file."""
        if self.status == "failed":
            return f"{self.path}: failed at {self.stage}: {self.reason}"
        return f"{self.path}: {self.status}"


@dataclass
class RunSummary:
    run_id: int
    outcomes: list[FileOutcome] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]


def find_pdfs(paths: Iterable[Path]) -> list[Path]:
    """PDF files named directly, and every *.pdf below the folders named (sorted, without duplicates)."""
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                if p.is_file() and p.suffix.lower() == ".pdf":
                    found[p] = None
        else:
            found[path] = None
    return list(found)


def process(doc: Document, extractor: Extractor, resolver: Resolver | None = None) -> Extraction:
    """Extraction, normalisation (with the run's confirmed aliases) and grounding of one document (no storage)."""
    return ground(normalise(extractor.extract(doc), resolver), doc)


class _Failure(Exception):
    def __init__(self, stage: str, reason: str) -> None:
        super().__init__(reason)
        self.stage, self.reason = stage, reason


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:300]


def ingest(
    paths: Iterable[Path],
    settings: Settings,
    *,
    force: bool = False,
    on_start: Callable[[int], None] | None = None,
    on_file: Callable[[FileOutcome], None] | None = None,
) -> RunSummary:
    """Ingest every PDF under `paths` into `settings.db`; `on_file` is told of each file as it finishes."""
    files = find_pdfs(paths)
    if on_start:
        on_start(len(files))
    parser = make_parser(settings)
    extractor = make_extractor(settings)
    with connect(settings.db) as con:
        run_id = start_run(con, "ingest", settings.model_dump(mode="json", exclude={"llm_api_key"}))
        known = dict(con.execute("SELECT sha256, paper_id FROM papers").fetchall())
        known_paths = {row[0] for row in con.execute("SELECT path FROM files").fetchall()}
        resolver = load_resolver(con)
    summary = RunSummary(run_id)
    try:
        prefetch = getattr(parser, "prefetch", None)  # a parser with a server (GROBID) fetches ahead, concurrently
        if prefetch is not None:
            prefetch(files, skip=() if force else set(known))
        for path in files:
            outcome = _ingest_file(path, settings, parser, extractor, resolver, known, known_paths, force, run_id)
            summary.outcomes.append(outcome)
            if on_file:
                on_file(outcome)
        with connect(settings.db) as con:  # link papers that are one work (preprint + published); see dedup.py
            dedupe(con, papers_only=True)
    finally:
        with connect(settings.db) as con:
            finish_run(
                con,
                run_id,
                len(files),
                summary.count("ingested"),
                summary.count("unchanged"),
                summary.count("failed"),
            )
    return summary


def _ingest_file(
    path: Path,
    settings: Settings,
    parser: Parser,
    extractor: Extractor,
    resolver: Resolver,
    known: dict[str, str],
    known_paths: set[str],
    force: bool,
    run_id: int,
) -> FileOutcome:
    started = time.perf_counter()
    sha256: str | None = None
    try:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise _Failure("read", exc.strerror or _one_line(exc)) from exc
        sha256 = sha256_of(data)
        if sha256 in known and not force:
            if str(path) not in known_paths:
                with connect(settings.db) as con:
                    add_file(con, sha256, str(path), path.name)
            return FileOutcome(path, "unchanged", known[sha256], seconds=time.perf_counter() - started)
        try:
            doc = parser.parse(path, data, sha256)
        except ParseError as exc:
            raise _Failure("parse", str(exc)) from exc
        if doc.warnings:  # a fallback that kept the file (e.g. GROBID failed, PyMuPDF parse used)
            with connect(settings.db) as con:
                for stage, reason in doc.warnings.items():
                    record_error(con, run_id, str(path), sha256, stage, reason)
        try:
            extraction = process(doc, extractor, resolver)
        except Exception as exc:
            raise _Failure("extract", _one_line(exc)) from exc
        try:
            with connect(settings.db) as con:
                collapsed = collapse(extraction)  # duplicate records of this paper → one, all evidence kept
                pid = save_paper(con, doc, collapsed.extraction)
                save_extra_evidence(con, pid, collapsed.extra)
        except Exception as exc:
            raise _Failure("store", _one_line(exc)) from exc
        known[sha256] = pid
        return FileOutcome(path, "ingested", pid, extraction.paper.title, seconds=time.perf_counter() - started)
    except _Failure as failure:
        with connect(settings.db) as con:
            record_error(con, run_id, str(path), sha256, failure.stage, failure.reason)
        return FileOutcome(
            path,
            "failed",
            paper_id_of(sha256) if sha256 else None,
            stage=failure.stage,
            reason=failure.reason,
            seconds=time.perf_counter() - started,
        )

"""Re-extraction of stored papers from their stored Document (no re-parsing), for `litextract extract --llm`.

The pipeline after parsing, as ingest runs it: the settings' extractors (offline + LLM when a model is set),
canonical names with the confirmed aliases, grounding and combining (`prepare.process`), then `collapse`. Each
paper is saved in its own short write, with its LLM calls and faults under this run; records a reviewer touched
are kept by `save_paper`. A paper that fails gets one `errors` row (stage "extract") and the run goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from litextract.canonical import Resolver
from litextract.collapse import collapse
from litextract.dedup import load_resolver
from litextract.document import Document
from litextract.extract import Extractor, make_extractors
from litextract.prepare import one_line, process
from litextract.settings import Settings
from litextract.store import connect, queries
from litextract.store.llm_calls import write_calls
from litextract.store.write import finish_run, record_error, save_paper, start_run


@dataclass
class Reextracted:
    paper_id: str
    file: str
    ok: bool
    records: int = 0
    reason: str | None = None


def reextract(
    settings: Settings, paper_ids: list[str], on_paper: Callable[[Reextracted], None] | None = None
) -> tuple[int, list[Reextracted]]:
    """Extract the stored papers again and save them; returns the run id and one outcome per paper."""
    extractors = make_extractors(settings)
    with connect(settings.db) as con:
        run_id = start_run(con, "extract", settings.recorded())
        resolver = load_resolver(con)
    outcomes: list[Reextracted] = []
    try:
        for pid in paper_ids:
            outcome = _reextract(settings, run_id, pid, extractors, resolver)
            if not outcome.ok:
                with connect(settings.db) as con:
                    record_error(con, run_id, outcome.file, None, "extract", outcome.reason or "failed")
            outcomes.append(outcome)
            if on_paper:
                on_paper(outcome)
    finally:
        with connect(settings.db) as con:
            ok = sum(o.ok for o in outcomes)
            finish_run(con, run_id, len(paper_ids), ok, 0, len(outcomes) - ok)
    return run_id, outcomes


def _reextract(
    settings: Settings, run_id: int, pid: str, extractors: list[Extractor], resolver: Resolver
) -> Reextracted:
    with connect(settings.db) as con:
        text = queries.document_json(con, pid)
    if text is None:
        return Reextracted(pid, pid, False, reason="no stored document (ingest the PDF again)")
    doc = Document.model_validate_json(text)
    try:
        collapsed = collapse(process(doc, extractors, resolver))
        extraction = collapsed.extraction
        with connect(settings.db) as con:
            save_paper(con, doc, extraction, collapsed.extra)
            for stage, reason in extraction.warnings.items():  # the LLM failed on some chunks: offline records kept
                record_error(con, run_id, doc.path, doc.sha256, stage, reason)
            write_calls(con, run_id, pid, extraction.llm_calls)
    except Exception as exc:  # one paper's failure is recorded; the others go on
        return Reextracted(pid, doc.file, False, reason=one_line(exc))
    n_records = len(extraction.datasets) + len(extraction.models) + len(extraction.results)
    return Reextracted(pid, doc.file, True, n_records)

"""Re-extraction of stored papers from their stored Document (no re-parsing), for `litextract extract --llm`.

Each paper is extracted again with `make_extractor(settings)` (offline + LLM when a model is set), normalised,
grounded and saved in its own short write; records a reviewer touched are kept by `save_paper`. A paper that
fails gets one `errors` row (stage "extract") and the run goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from litextract.collapse import collapse
from litextract.document import Document
from litextract.extract import make_extractor
from litextract.prepare import process
from litextract.settings import Settings
from litextract.store import connect, queries
from litextract.store.write import finish_run, record_error, save_paper, start_run


@dataclass
class Reextracted:
    paper_id: str
    file: str
    ok: bool
    records: int = 0
    reason: str | None = None


def resolve_papers(settings: Settings, refs: list[str]) -> list[str]:
    """Paper ids for `refs` (id or prefix, sha256, file name); every stored paper when `refs` is empty.

    Raises LookupError naming the first ref that matches no single stored paper.
    """
    with connect(settings.db) as con:
        if not refs:
            return [str(r[0]) for r in con.execute("SELECT paper_id FROM documents ORDER BY paper_id").fetchall()]
        ids = []
        for ref in refs:
            paper = queries.find_paper(con, ref)
            if paper is None:
                raise LookupError(f"{ref}: no single paper matches (try `litextract papers`)")
            ids.append(str(paper["paper_id"]))
    return list(dict.fromkeys(ids))


def reextract(
    settings: Settings, paper_ids: list[str], on_paper: Callable[[Reextracted], None] | None = None
) -> tuple[int, list[Reextracted]]:
    """Extract the stored papers again and save them; returns the run id and one outcome per paper."""
    extractor = make_extractor(settings)
    with connect(settings.db) as con:
        run_id = start_run(con, "extract", settings.model_dump(mode="json", exclude={"llm_api_key"}))
    outcomes: list[Reextracted] = []
    try:
        for pid in paper_ids:
            with connect(settings.db) as con:
                text = queries.document_json(con, pid)
            if text is None:
                outcome = Reextracted(pid, pid, False, reason="no stored document (ingest the PDF again)")
            else:
                doc = Document.model_validate_json(text)
                try:
                    extraction = process(doc, extractor)
                    collapsed = collapse(extraction)
                    with connect(settings.db) as con:
                        save_paper(con, doc, collapsed.extraction, collapsed.extra)
                    n = len(extraction.datasets) + len(extraction.models) + len(extraction.results)
                    outcome = Reextracted(pid, doc.file, True, n)
                except Exception as exc:  # one paper's failure is recorded; the others go on
                    outcome = Reextracted(pid, doc.file, False, reason=" ".join(str(exc).split())[:300])
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

"""Combining extractors: one extraction from several (the offline extractor's and an LLM's), one record per key.

The extractions come with canonical names and grounded evidence (the pipeline does both once per extractor,
`prepare.process`). For every record key (`records.record_key`: dataset name, model name, result
model|dataset|metric|value) the kept record is, in order:
1. a verified one over an unverified one — an LLM value whose quote is not on the page never replaces a
   verified offline value;
2. among equally verified ones, the one with more fields filled (the LLM usually fills modality, size, tasks);
3. then the earlier extraction (offline before LLM), and within one extraction the earlier record (the LLM's
   chunks are in page order).
Records with different keys are all kept: an unverified LLM result with a value the offline extractor did not
find stays in the table, flagged unverified, next to the verified offline one. Paper header fields follow the
same rule per field (verified evidence first, then the earlier extraction). The extractions' warnings and LLM
calls are all kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from litextract.records import HEADER_FIELDS, Dataset, Evidence, Extraction, Model, Paper, Result

R = TypeVar("R", Dataset, Model, Result)
_CHOSEN_FIELDS = [name for name in HEADER_FIELDS if name != "authors"]  # chosen per field; authors: the first list


def _filled(value: Any) -> int:
    """How many leaf values are set (not None, empty or False) in a record dump."""
    if isinstance(value, dict):
        return sum(_filled(v) for v in value.values())
    if isinstance(value, list):
        return 1 if value else 0
    return 0 if value in (None, "", False) else 1


def _best(groups: Iterable[list[R]]) -> list[R]:
    chosen: dict[str, tuple[tuple[bool, int, int], R]] = {}
    for order, records in enumerate(groups):
        for record in records:
            rank = (record.evidence.verified, _filled(record.model_dump(exclude={"evidence"})), -order)
            if record.key not in chosen or rank > chosen[record.key][0]:
                chosen[record.key] = (rank, record)
    return [record for _, record in chosen.values()]


def _paper(papers: Sequence[Paper]) -> Paper:
    values: dict[str, Any] = {}
    evidence: dict[str, Evidence] = {}
    for name in _CHOSEN_FIELDS:
        candidates = [
            ((p.evidence[name].verified if name in p.evidence else False), -order, p)
            for order, p in enumerate(papers)
            if getattr(p, name) is not None
        ]
        if not candidates:
            continue
        _, _, best = max(candidates, key=lambda c: (c[0], c[1]))
        values[name] = getattr(best, name)
        if name in best.evidence:
            evidence[name] = best.evidence[name]
    authors = next((p.authors for p in papers if p.authors), [])
    return Paper(**values, authors=authors, evidence=evidence)


def combine(extractions: Sequence[Extraction], extractor: str) -> Extraction:
    """One extraction from several canonical, grounded ones, by the rules in this module's docstring."""
    return Extraction(
        paper=_paper([x.paper for x in extractions]),
        datasets=_best(x.datasets for x in extractions),
        models=_best(x.models for x in extractions),
        results=_best(x.results for x in extractions),
        extractor=extractor,
        warnings={stage: reason for x in extractions for stage, reason in x.warnings.items()},
        llm_calls=[call for x in extractions for call in x.llm_calls],
    )

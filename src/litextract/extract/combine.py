"""Combining extractions: the offline extractor's records with the LLM's, one record per key.

Both are normalised and grounded first (`litextract.grounding.check` against the Document), then for every
record key (dataset name, model name, result model|dataset|metric|value) the kept record is, in order:
1. a verified one over an unverified one — an LLM value whose quote is not on the page never replaces a
   verified offline value;
2. among equally verified ones, the one with more fields filled (the LLM usually fills modality, size, tasks);
3. then the earlier extraction (offline before LLM).
Records with different keys are all kept: an unverified LLM result with a value the offline extractor did not
find stays in the table, flagged unverified, next to the verified offline one. Paper header fields follow the
same rule per field (verified evidence first, then the earlier extraction).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from litextract.canonical import canonicalise
from litextract.document import Document
from litextract.extract import Extractor
from litextract.grounding import ground
from litextract.records import Dataset, Evidence, Extraction, Model, Paper, Result

R = TypeVar("R", Dataset, Model, Result)
_HEADER_FIELDS = (
    "title",
    "year",
    "venue",
    "venue_type",
    "doi",
    "arxiv_id",
    "uses_deep_learning",
    "uses_medical_imaging",
)


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
    for name in _HEADER_FIELDS:
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


def merge(extractions: Sequence[Extraction], doc: Document, extractor: str) -> Extraction:
    """One extraction from several, by the rules in this module's docstring (earlier ones win ties)."""
    grounded = [ground(canonicalise(x), doc) for x in extractions]
    return Extraction(
        paper=_paper([x.paper for x in grounded]),
        datasets=_best(x.datasets for x in grounded),
        models=_best(x.models for x in grounded),
        results=_best(x.results for x in grounded),
        extractor=extractor,
    )


class CombinedExtractor:
    """The offline extractor and an LLM extractor, merged by `merge` (offline first)."""

    name = "combined"

    def __init__(self, offline: Extractor, llm: Extractor) -> None:
        self.offline, self.llm = offline, llm
        self.version = f"{offline.name}/{offline.version}+{llm.name}/{llm.version}"

    def extract(self, doc: Document) -> Extraction:
        return merge([self.offline.extract(doc), self.llm.extract(doc)], doc, self.version)

"""Collapse: the records of one paper's extraction that are one record (same `records.record_key`) become one.

This is a step of the pipeline (see `prepare`), before anything is stored. The primary of a group is the first
record with verified evidence, else the first; its fields win and its empty (None) fields are filled from the
others. The others' evidence is kept as `ExtraEvidence`, which `store.write.save_papers` stores in
`record_evidence`. Stored rows that became one record later (after a rename) are `dedup`'s to merge.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from litextract.records import Dataset, DatasetSize, Extraction, ExtraEvidence, Model, Result

R = TypeVar("R", Dataset, Model, Result)


@dataclass
class Collapsed:
    extraction: Extraction
    extra: list[ExtraEvidence] = field(default_factory=list)


def collapse(extraction: Extraction) -> Collapsed:
    """The extraction with one record per key, and the evidence of the records folded into another."""
    extra: list[ExtraEvidence] = []
    datasets = _collapse(extraction.datasets, "dataset", extra, _fill_dataset)
    models = _collapse(extraction.models, "model", extra, _fill_model)
    results = _collapse(extraction.results, "result", extra, _fill_result)
    out = extraction.model_copy(update={"datasets": datasets, "models": models, "results": results})
    return Collapsed(out, extra)


def _collapse(items: list[R], kind: str, extra: list[ExtraEvidence], fill: Callable[[R, R], R]) -> list[R]:
    groups: dict[str, list[R]] = {}
    for item in items:
        groups.setdefault(item.key, []).append(item)
    out = []
    for k, group in groups.items():
        primary = next((x for x in group if x.evidence.verified), group[0])
        kept = primary
        for other in group:
            if other is primary:
                continue
            kept = fill(kept, other)
            extra.append(
                ExtraEvidence(kind=kind, key=k, evidence=other.evidence, mention=getattr(other, "mention", None))
            )
        out.append(kept)
    return out


def _empty_filled(a: BaseModel, b: BaseModel) -> dict[str, Any]:
    """The fields that default to None, are None in `a` and set in `b`, with `b`'s values."""
    names = [n for n, f in type(a).model_fields.items() if not f.is_required() and f.default is None]
    return {n: getattr(b, n) for n in names if getattr(a, n) is None and getattr(b, n) is not None}


def _fill_dataset(a: Dataset, b: Dataset) -> Dataset:
    size: DatasetSize = a.size.model_copy(update=_empty_filled(a.size, b.size))
    role = "used" if "used" in (a.role, b.role) else a.role  # named in related work and used in a table: used
    tasks = sorted({*a.tasks, *b.tasks})
    return a.model_copy(update={**_empty_filled(a, b), "size": size, "tasks": tasks, "role": role})


def _fill_model(a: Model, b: Model) -> Model:
    return a.model_copy(update={**_empty_filled(a, b), "proposed": a.proposed or b.proposed})


def _fill_result(a: Result, b: Result) -> Result:
    """One value stated twice (a table and a sentence): what either says (a split, a std) and either's role."""
    return a.model_copy(
        update={**_empty_filled(a, b), "proposed": a.proposed or b.proposed, "headline": a.headline or b.headline}
    )

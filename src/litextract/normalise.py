"""Normalisation: dataset, backbone, metric, modality and task names mapped to their canonical forms."""

from __future__ import annotations

from litextract.records import Extraction
from litextract.vocab import Vocabulary, vocabulary


def normalise(extraction: Extraction, vocab: Vocabulary | None = None) -> Extraction:
    """The extraction with every name that the vocabulary knows replaced by its canonical form.

    Names the vocabulary does not know stay as written; a dataset keeps the spelling it was found under
    in `mention`.
    """
    v = vocab or vocabulary()
    datasets = []
    for d in extraction.datasets:
        entry = v.lookup("dataset", d.name)
        update: dict[str, object] = {
            "name": entry.name if entry else d.name,
            "mention": d.mention or d.name,
            "modality": v.canonical("modality", d.modality),
            "tasks": sorted({v.canonical("task", t) or t for t in d.tasks}),
        }
        if entry:
            update["modality"] = update["modality"] or entry.attrs.get("modality")
            update["body_part"] = d.body_part or entry.attrs.get("body_part")
            update["public"] = d.public if d.public is not None else entry.attrs.get("public")
            update["url"] = d.url or entry.attrs.get("url")
        datasets.append(d.model_copy(update=update))
    dataset_names = {d.mention.casefold(): d.name for d in datasets if d.mention}
    models = [
        m.model_copy(update={"backbone": v.canonical("backbone", m.backbone), "task": v.canonical("task", m.task)})
        for m in extraction.models
    ]
    results = [
        r.model_copy(
            update={
                "metric": (v.canonical("metric", r.metric) or r.metric).lower(),
                "backbone": v.canonical("backbone", r.backbone),
                "dataset": dataset_names.get((r.dataset or "").casefold()) or v.canonical("dataset", r.dataset),
            }
        )
        for r in extraction.results
    ]
    return extraction.model_copy(update={"datasets": datasets, "models": models, "results": results})

"""The embedded offline extractor: vocabulary and pattern matching over the Document, no server needed.

Rules live in small modules: offline_paper (header fields, deep-learning/medical flags), offline_datasets,
offline_models and offline_results; offline_text holds the shared sentence and quote helpers (text forms
themselves are `litextract.text`'s).
"""

from __future__ import annotations

from collections import Counter

from litextract.document import Document
from litextract.extract.offline_datasets import find_datasets
from litextract.extract.offline_models import find_models, own_names, paper_task, proposed_names
from litextract.extract.offline_paper import paper_record
from litextract.extract.offline_results import Context
from litextract.extract.offline_screening import screen
from litextract.extract.offline_text import abstract_end, dropping, reference_list, sentences
from litextract.extract.results_prose import sentence_results
from litextract.extract.results_tables import table_results
from litextract.records import Extraction, Result
from litextract.text import key
from litextract.vocab import vocabulary


class OfflineExtractor:
    name = "offline"
    version = "0.2"

    def extract(self, doc: Document) -> Extraction:
        """The records of one paper; a record whose fields are invalid is dropped with a warning, not the paper."""
        with dropping() as dropped:
            extraction = self._extract(doc)
        if dropped:
            extraction.warnings["extract"] = "; ".join(dict.fromkeys(dropped))
        return extraction

    def _extract(self, doc: Document) -> Extraction:
        vocab = vocabulary()
        sents = sentences(doc)
        body = "\n".join(s.text for s in sents)
        paper = paper_record(doc, self.name)
        datasets = find_datasets(sents, doc.tables, vocab, self.name, reference_list(doc))
        kind = screen(sents, datasets, vocab, self.name)
        paper = paper.model_copy(
            update={
                "uses_deep_learning": kind.uses_deep_learning,
                "uses_medical_imaging": kind.uses_medical_imaging,
                "evidence": {**paper.evidence, **kind.evidence},
            }
        )
        if not paper.uses_deep_learning and not paper.uses_medical_imaging:
            return Extraction(paper=paper, extractor=f"{self.name}/{self.version}")
        if paper.uses_medical_imaging:  # a dataset the paper names without its modality has the paper's main one
            modality = _main_modality(body)
            datasets = [
                d.model_copy(update={"modality": modality})
                if d.modality is None and not d.in_vocabulary and d.role == "used"
                else d
                for d in datasets
            ]
        title = paper.title or ""
        abstract = " ".join(s.text for s in sents[: abstract_end(sents)])
        task = paper_task(title, abstract)
        dataset_keys = {key(n) for d in datasets for n in (d.name, d.mention) if n}
        named = [n for n in own_names(title, sents, body) if key(n) not in dataset_keys]  # "CBIS-DDSM: ..." a dataset
        proposed = proposed_names(title, sents, body, doc.tables, named)
        ctx = Context(doc, vocab, proposed, [d.name for d in datasets if d.role == "used"], self.name, sents)
        from_tables, labels = table_results(doc.tables, ctx)
        results = _unique_results(from_tables, sentence_results(sents, ctx))
        # the compared models' rows, and the rows a comparison keeps (the own model's, the strongest baseline's;
        # not a row set apart by a setting, an ablation variant or a configuration)
        kept = [r for r in from_tables if r.headline and not r.setting]
        rows = labels + [(r.model, r.evidence.page, r.evidence.quote) for r in kept]
        models = find_models(
            title,
            sents,
            body,
            vocab,
            list(dict.fromkeys(rows)),
            task,
            self.name,
            doc.tables,
            named,
            [n for d in datasets for n in (d.name, d.mention) if n],
        )
        if task:
            for d in datasets:
                if task in d.tasks:
                    d.tasks = [task]
        return Extraction(
            paper=paper, datasets=datasets, models=models, results=results, extractor=f"{self.name}/{self.version}"
        )


def _main_modality(body: str) -> str | None:
    found = Counter(m.entry.name for m in vocabulary().finder("modality").find(body))
    return found.most_common(1)[0][0] if found else None


def _unique_results(from_tables: list[Result], from_sentences: list[Result]) -> list[Result]:
    """Table results once each, then the sentence results that no table already gave (same metric, value, dataset)."""
    out: list[Result] = []
    seen: set[tuple[str, str, str, float]] = set()
    for r in from_tables:
        key = (r.model.casefold(), r.metric, r.dataset or "", round(r.value, 4))
        if key not in seen:
            seen.add(key)
            out.append(r)
    for r in from_sentences:
        # a restatement of a table value ("77.5%" for 0.7756, or without its dataset) is the same result; so
        # is a sentence repeating another's
        if not any(
            o.metric == r.metric
            and abs(o.value - r.value) < 0.001
            and (not r.dataset or o.dataset in (r.dataset, None))
            for o in out
        ):
            out.append(r)
    return out

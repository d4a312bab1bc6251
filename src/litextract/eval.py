"""Scoring what the database holds against gold annotations (the rules are in docs/evaluation.md).

Names match through the vocabulary's canonical forms and normalised keys, never by fuzzy similarity; a result
matches on canonical metric, value (within `VALUE_TOLERANCE`) and dataset; each gold item is matched at most
once, by a maximum bipartite matching. Set fields get true/false positives and misses (precision, recall, F1),
single-valued fields get right or wrong (accuracy); totals are micro-averaged over papers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from litextract.gold import Gold, GoldError, GoldResult, gold_files, load_gold
from litextract.store import queries
from litextract.text import doi, key, sha256, title_key
from litextract.vocab import Kind, Vocabulary, vocabulary

VALUE_TOLERANCE = 0.0005
SET_FIELDS = ("datasets", "models", "backbones", "tasks", "results", "results_with_model")
ACCURACY_FIELDS = ("title", "year", "venue", "venue_type", "doi", "modality", "uses_deep_learning")
_PAREN = re.compile(r"\(([^()]*)\)")
E = TypeVar("E")
G = TypeVar("G")


@dataclass
class ExtractedDataset:
    name: str
    modality: str | None = None
    tasks: list[str] = field(default_factory=list)


@dataclass
class ExtractedModel:
    name: str
    backbone: str | None = None
    task: str | None = None


@dataclass
class ExtractedResult:
    model: str
    dataset: str | None
    metric: str
    value: float


@dataclass
class Extracted:
    """What the database holds for one paper, reduced to the fields that are scored."""

    title: str | None = None
    year: int | None = None
    venue: str | None = None
    venue_type: str | None = None
    doi: str | None = None
    uses_deep_learning: bool | None = None
    datasets: list[ExtractedDataset] = field(default_factory=list)
    models: list[ExtractedModel] = field(default_factory=list)
    results: list[ExtractedResult] = field(default_factory=list)

    @classmethod
    def from_rows(cls, paper: dict[str, Any], datasets: list[dict[str, Any]], models: list[dict[str, Any]],
                  results: list[dict[str, Any]]) -> Extracted:
        """From the read layer's rows (rejected records already left out)."""
        return cls(
            title=paper.get("title"), year=paper.get("year"), venue=paper.get("venue"),
            venue_type=paper.get("venue_type"), doi=paper.get("doi"),
            uses_deep_learning=paper.get("uses_deep_learning"),
            datasets=[ExtractedDataset(d["name"], d.get("modality"), list(d.get("tasks") or [])) for d in datasets],
            models=[ExtractedModel(m["name"], m.get("backbone"), m.get("task")) for m in models],
            results=[
                ExtractedResult(r["model"], r.get("dataset"), r["metric"], float(r["value"]))
                for r in results
                if r.get("value") is not None
            ],
        )


@dataclass
class Counts:
    """Matched (tp), extracted but unmatched (fp) and gold but unmatched (fn) items of a set field."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_json(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": _round(self.precision),
                "recall": _round(self.recall), "f1": _round(self.f1)}


@dataclass
class PaperScore:
    gold_file: str
    file: str
    paper_id: str | None = None
    matched_by: str | None = None  # "sha256" | "file" | None (not in the database)
    counts: dict[str, Counts] = field(default_factory=dict)
    correct: dict[str, bool] = field(default_factory=dict)
    missed: dict[str, list[str]] = field(default_factory=dict)
    spurious: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "gold": self.gold_file, "file": self.file, "paper_id": self.paper_id, "matched_by": self.matched_by,
            "fields": {
                **{f: self.counts[f].to_json() for f in SET_FIELDS},
                **{f: self.correct[f] for f in ACCURACY_FIELDS},
            },
            "missed": self.missed, "spurious": self.spurious,
        }


@dataclass
class Report:
    gold_dir: str
    papers: list[PaperScore] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        return [p.file for p in self.papers if p.paper_id is None]

    def totals(self) -> dict[str, Counts]:
        totals = {f: Counts() for f in SET_FIELDS}
        for paper in self.papers:
            for f in SET_FIELDS:
                totals[f].add(paper.counts[f])
        return totals

    def accuracy(self) -> dict[str, tuple[int, int]]:
        """(correct, total) per single-valued field."""
        return {f: (sum(p.correct[f] for p in self.papers), len(self.papers)) for f in ACCURACY_FIELDS}

    def field_rows(self) -> list[dict[str, Any]]:
        """One row per field for people: counts, precision, recall and F1, or accuracy."""
        rows: list[dict[str, Any]] = [
            {"field": f, "tp": c.tp, "fp": c.fp, "fn": c.fn, "precision": _pct(c.precision),
             "recall": _pct(c.recall), "f1": _pct(c.f1)}
            for f, c in self.totals().items()
        ]
        rows += [{"field": f, "accuracy": f"{_pct(c / n if n else None)} ({c}/{n})"}
                 for f, (c, n) in self.accuracy().items()]
        return rows

    def paper_rows(self) -> list[dict[str, Any]]:
        """One row per gold paper for people: matched/gold +extra per set field, and the wrong single fields."""
        return [
            {"file": p.file if p.paper_id else f"{p.file} (not in database)",
             **{f: f"{p.counts[f].tp}/{p.counts[f].tp + p.counts[f].fn} +{p.counts[f].fp}" for f in SET_FIELDS},
             "wrong": " ".join(f for f in ACCURACY_FIELDS if not p.correct[f])}
            for p in self.papers
        ]

    def to_json(self) -> dict[str, Any]:
        accuracy = {
            f: {"correct": c, "total": n, "accuracy": _round(c / n if n else None)}
            for f, (c, n) in self.accuracy().items()
        }
        return {
            "gold_dir": self.gold_dir, "n_gold": len(self.papers), "n_found": len(self.papers) - len(self.missing),
            "missing": self.missing, "errors": self.errors,
            "fields": {**{f: c.to_json() for f, c in self.totals().items()}, **accuracy},
            "papers": [p.to_json() for p in self.papers],
        }


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def match(extracted: Sequence[E], gold: Sequence[G], compatible: Callable[[E, G], bool]) -> list[tuple[int, int]]:
    """A maximum matching of extracted to gold items (each used at most once), as (extracted, gold) index pairs."""
    options = [[j for j, g in enumerate(gold) if compatible(e, g)] for e in extracted]
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in options[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    for i in range(len(extracted)):
        augment(i, set())
    return sorted((i, j) for j, i in owner.items())


def title_matches(extracted: str, gold: str) -> bool:
    return title_key(extracted) == title_key(gold)


def venue_matches(extracted: str, gold: str) -> bool:
    """The extracted venue names the gold one: it contains the gold venue (or the gold's abbreviation in
    parentheses, or the gold without it) as whole words, compared as `text.title_key`s."""
    found = f" {title_key(extracted)} "
    forms = {title_key(gold), title_key(_PAREN.sub(" ", gold)), *(title_key(a) for a in _PAREN.findall(gold))}
    return any(form and f" {form} " in found for form in forms)


def doi_key(written: str) -> str:
    return doi(written) or written.strip().lower()


def _same(extracted: Any, gold: Any, equal: Callable[[Any, Any], bool]) -> bool:
    if extracted is None or gold is None:
        return extracted is None and gold is None
    return equal(extracted, gold)


class Scorer:
    """Scores one paper's extraction against its gold annotation."""

    def __init__(self, vocab: Vocabulary | None = None) -> None:
        self.vocab = vocab or vocabulary()

    def canon(self, kind: Kind, text: str) -> str:
        """The normalised key of the canonical form of `text`."""
        return key(self.vocab.canonical(kind, text) or text)

    def gold_dataset_keys(self, gold: Gold, name: str | None) -> set[str]:
        entry = gold.dataset(name) if name else None
        forms = [name] if entry is None and name else ([entry.name, *entry.aliases] if entry else [])
        return {self.canon("dataset", f) for f in forms}

    def score(self, gold: Gold, ex: Extracted | None, gold_file: str = "", paper_id: str | None = None,
              matched_by: str | None = None) -> PaperScore:
        """The paper's score; `ex` None means the paper is not in the database (everything missed)."""
        score = PaperScore(gold_file, gold.file, paper_id, matched_by)
        found = ex or Extracted()
        self._datasets(score, gold, found)
        self._models(score, [m.name for m in gold.models], [m.name for m in found.models])
        self._names(score, "backbones", [m.backbone for m in gold.models if m.backbone],
                    [m.backbone for m in found.models if m.backbone], "backbone")
        gold_tasks = [t for d in gold.datasets for t in d.tasks] + [m.task for m in gold.models if m.task]
        found_tasks = [t for d in found.datasets for t in d.tasks] + [m.task for m in found.models if m.task]
        self._names(score, "tasks", gold_tasks, found_tasks, "task")
        self._results(score, gold, found.results, with_model=False)
        self._results(score, gold, found.results, with_model=True)
        gold_modality = {self.canon("modality", d.modality) for d in gold.datasets if d.modality}
        found_modality = {self.canon("modality", d.modality) for d in found.datasets if d.modality}
        score.correct = {
            "title": _same(found.title, gold.title, title_matches),
            "year": _same(found.year, gold.year, lambda a, b: int(a) == int(b)),
            "venue": _same(found.venue, gold.venue, venue_matches),
            "venue_type": _same(found.venue_type, gold.venue_type, lambda a, b: a.casefold() == b.casefold()),
            "doi": _same(found.doi, gold.doi, lambda a, b: doi_key(a) == doi_key(b)),
            "modality": found_modality == gold_modality,
            "uses_deep_learning": found.uses_deep_learning == gold.uses_deep_learning,
        }
        if ex is None:
            score.correct = dict.fromkeys(score.correct, False)
        return score

    def _record(self, score: PaperScore, name: str, gold: list[str], found: list[str],
                pairs: list[tuple[int, int]]) -> None:
        used_found, used_gold = {i for i, _ in pairs}, {j for _, j in pairs}
        score.counts[name] = Counts(len(pairs), len(found) - len(pairs), len(gold) - len(pairs))
        score.missed[name] = [g for j, g in enumerate(gold) if j not in used_gold]
        score.spurious[name] = [f for i, f in enumerate(found) if i not in used_found]

    def _distinct(self, kind: Kind, names: list[str]) -> list[str]:
        """One name per canonical key, in first-seen order."""
        seen: dict[str, str] = {}
        for n in names:
            seen.setdefault(self.canon(kind, n), n)
        return list(seen.values())

    def _names(self, score: PaperScore, name: str, gold: list[str], found: list[str], kind: Kind) -> None:
        gold, found = self._distinct(kind, gold), self._distinct(kind, found)
        pairs = match(found, gold, lambda f, g: self.canon(kind, f) == self.canon(kind, g))
        self._record(score, name, gold, found, pairs)

    def _models(self, score: PaperScore, gold: list[str], found: list[str]) -> None:
        """Model names by their normalised key only: the backbone vocabulary would merge variants that the
        paper compares (SETR PUP and SETR MLA, CoTr* and CoTr)."""
        gold, found = list(dict.fromkeys(gold)), list(dict.fromkeys(found))
        self._record(score, "models", gold, found, match(found, gold, lambda f, g: key(f) == key(g)))

    def _datasets(self, score: PaperScore, gold: Gold, found: Extracted) -> None:
        names = self._distinct("dataset", [d.name for d in found.datasets])
        keys = [self.gold_dataset_keys(gold, d.name) for d in gold.datasets]
        pairs = match(names, keys, lambda n, ks: self.canon("dataset", n) in ks)
        self._record(score, "datasets", [d.name for d in gold.datasets], names, pairs)

    def _results(self, score: PaperScore, gold: Gold, found: list[ExtractedResult], with_model: bool) -> None:
        single = len(gold.datasets) == 1
        dataset_keys = {r.dataset: self.gold_dataset_keys(gold, r.dataset) for r in gold.results}

        def compatible(e: ExtractedResult, g: GoldResult) -> bool:
            return (
                self.canon("metric", e.metric) == self.canon("metric", g.metric)
                and abs(e.value - g.value) <= VALUE_TOLERANCE + 1e-9
                and (single or g.dataset is None or self.canon("dataset", e.dataset or "") in dataset_keys[g.dataset])
                and (not with_model or key(e.model) == key(g.model))
            )

        pairs = match(found, gold.results, compatible)
        self._record(score, "results_with_model" if with_model else "results",
                     [_result_text(r.model, r.dataset, r.metric, r.value) for r in gold.results],
                     [_result_text(r.model, r.dataset, r.metric, r.value) for r in found], pairs)


def _result_text(model: str, dataset: str | None, metric: str, value: float) -> str:
    return f"{model} | {dataset or '-'} | {metric} = {value:g}"


def _sha256(path: Path) -> str | None:
    try:
        return sha256(path.read_bytes())
    except OSError:
        return None


def evaluate(con: duckdb.DuckDBPyConnection, gold_dir: Path, vocab: Vocabulary | None = None) -> Report:
    """Score every `X.gold.json` in `gold_dir` against the paper the database holds for it.

    The paper is found by the sha256 the gold file records, else by the sha256 of `X.pdf` beside it, else
    by its file name (in `papers.file` or any name in `files`). Review decisions count: the reviewed header,
    edited records, no rejected ones. A gold file that cannot be read is reported in `errors` and skipped; a
    paper the database lacks scores as all missed.
    """
    scorer = Scorer(vocab)
    report = Report(str(gold_dir))
    for path in gold_files(gold_dir):
        try:
            gold = load_gold(path)
        except GoldError as exc:
            report.errors.append(str(exc))
            continue
        paper, matched_by = None, None
        sha = gold.sha256 or _sha256(gold_dir / gold.file)
        if sha:
            paper, matched_by = queries.find_paper(con, sha), "sha256"
        if paper is None:
            paper, matched_by = queries.find_paper(con, gold.file), "file"
        if paper is None:
            report.papers.append(scorer.score(gold, None, path.name))
            continue
        pid = paper["paper_id"]
        header = queries.paper(con, pid) or paper  # the header with a reviewer's edits
        extracted = Extracted.from_rows(
            header, queries.datasets(con, pid), queries.models(con, pid), queries.results(con, pid)
        )
        report.papers.append(scorer.score(gold, extracted, path.name, pid, matched_by))
    return report

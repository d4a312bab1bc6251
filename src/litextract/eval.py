"""Scoring what the database holds against gold annotations (the rules are in docs/evaluation.md).

Names match through the vocabulary's canonical forms and normalised keys, never by fuzzy similarity; a result
matches on canonical metric, value (within `VALUE_TOLERANCE`) and dataset; each gold item is matched at most
once, by a maximum bipartite matching. Set fields get true/false positives and misses (precision, recall, F1),
single-valued fields get right or wrong per paper, and item fields (the own model's backbone, the attributes of
matched datasets, the qualifiers of matched results) right or wrong per gold item (accuracy); totals are
micro-averaged over papers, for all gold papers and for each named group of them.
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
from litextract.vocab import Kind, Vocabulary, bare, vocabulary

VALUE_TOLERANCE = 0.0005
SET_FIELDS = ("datasets", "models", "backbones", "tasks", "modalities", "results", "results_with_model")
PAPER_FIELDS = ("title", "year", "venue", "venue_type", "doi", "modality", "uses_deep_learning",
                "uses_medical_imaging", "screening")
RESULT_QUALIFIERS = ("split",)  # a matched result's fields that must also equal the gold's, when the gold has one
ITEM_FIELDS = ("own_backbone", "dataset_modality", "dataset_body_part", "dataset_size", "dataset_url",
               *(f"result_{q}" for q in RESULT_QUALIFIERS))
ACCURACY_FIELDS = PAPER_FIELDS + ITEM_FIELDS
SIZE_UNITS = ("patients", "images", "scans", "slices")
_PAREN = re.compile(r"\(([^()]*)\)")
E = TypeVar("E")
G = TypeVar("G")


@dataclass
class ExtractedDataset:
    name: str
    modality: str | None = None
    tasks: list[str] = field(default_factory=list)
    body_part: str | None = None
    url: str | None = None
    size: dict[str, int] = field(default_factory=dict)  # unit (SIZE_UNITS) -> count, the units stated


@dataclass
class ExtractedModel:
    name: str
    backbone: str | None = None
    task: str | None = None
    proposed: bool = False


@dataclass
class ExtractedResult:
    model: str
    dataset: str | None
    metric: str
    value: float
    split: str | None = None
    headline: bool = True  # counted against precision when unmatched (a per-class, ablation or baseline row is not)


@dataclass
class Extracted:
    """What the database holds for one paper, reduced to the fields that are scored."""

    title: str | None = None
    year: int | None = None
    venue: str | None = None
    venue_type: str | None = None
    doi: str | None = None
    uses_deep_learning: bool | None = None
    uses_medical_imaging: bool | None = None
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
            uses_medical_imaging=paper.get("uses_medical_imaging"),
            datasets=[
                ExtractedDataset(
                    d["name"], d.get("modality"), list(d.get("tasks") or []), d.get("body_part"), d.get("url"),
                    {u: d[f"size_{u}"] for u in SIZE_UNITS if d.get(f"size_{u}") is not None},
                )
                for d in datasets
            ],
            models=[ExtractedModel(m["name"], m.get("backbone"), m.get("task"), bool(m.get("proposed")))
                    for m in models],
            results=[
                ExtractedResult(r["model"], r.get("dataset"), r["metric"], float(r["value"]), r.get("split"),
                                r.get("headline") is not False)
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
class Tally:
    """Right answers out of the gold items an accuracy field is scored on."""

    right: int = 0
    total: int = 0

    def add(self, other: Tally) -> None:
        self.right, self.total = self.right + other.right, self.total + other.total

    @property
    def accuracy(self) -> float | None:
        return self.right / self.total if self.total else None

    def to_json(self) -> dict[str, Any]:
        return {"correct": self.right, "total": self.total, "accuracy": _round(self.accuracy)}


@dataclass
class PaperScore:
    gold_file: str
    file: str
    paper_id: str | None = None
    matched_by: str | None = None  # "sha256" | "file" | None (not in the database)
    counts: dict[str, Counts] = field(default_factory=dict)
    correct: dict[str, bool] = field(default_factory=dict)  # PAPER_FIELDS
    items: dict[str, Tally] = field(default_factory=dict)  # ITEM_FIELDS
    missed: dict[str, list[str]] = field(default_factory=dict)  # also the wrong items of ITEM_FIELDS
    spurious: dict[str, list[str]] = field(default_factory=dict)

    def tally(self, name: str) -> Tally:
        """An accuracy field of this paper as right / total (a paper field is one item)."""
        if name in self.correct:
            return Tally(int(self.correct[name]), 1)
        return self.items[name]

    def to_json(self) -> dict[str, Any]:
        return {
            "gold": self.gold_file, "file": self.file, "paper_id": self.paper_id, "matched_by": self.matched_by,
            "fields": {
                **{f: self.counts[f].to_json() for f in SET_FIELDS},
                **{f: self.correct[f] for f in PAPER_FIELDS},
                **{f: self.items[f].to_json() for f in ITEM_FIELDS},
            },
            "missed": self.missed, "spurious": self.spurious,
        }


# Short names of the fields for tables read at 80 columns (the JSON keeps the field names).
LABELS = {
    "results_with_model": "res+model", "venue_type": "venue type", "modality": "modality set",
    "uses_deep_learning": "DL flag", "uses_medical_imaging": "imaging flag", "screening": "both flags",
    "own_backbone": "own backbone", "dataset_modality": "ds modality", "dataset_body_part": "ds body part",
    "dataset_size": "ds size", "dataset_url": "ds URL", **{f"result_{q}": f"res {q}" for q in RESULT_QUALIFIERS},
}
_PER_PAPER = {"datasets": "ds", "models": "mod", "backbones": "bb", "results": "res"}


@dataclass
class Report:
    gold_dir: str
    papers: list[PaperScore] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    groups: dict[str, list[str]] = field(default_factory=dict)  # name -> gold file names (X.gold.json)

    @property
    def missing(self) -> list[str]:
        return [p.file for p in self.papers if p.paper_id is None]

    def add_group(self, name: str, files: Sequence[str], source: str = "") -> None:
        """Name a group of the gold papers by their gold file names (`X.gold.json`, or the PDF's `X.pdf`); a
        name that is no scored gold paper is reported in `errors`."""
        by_name = {n: p.gold_file for p in self.papers for n in (p.gold_file, p.file)}
        unknown = [f for f in files if f not in by_name]
        self.errors += [f"{source or name}: {f}: not a gold paper of {self.gold_dir}" for f in unknown]
        self.groups[name] = list(dict.fromkeys(by_name[f] for f in files if f in by_name))

    def group(self, name: str) -> Report:
        """The report of one group's papers."""
        members = set(self.groups[name])
        return Report(self.gold_dir, [p for p in self.papers if p.gold_file in members])

    def totals(self) -> dict[str, Counts]:
        totals = {f: Counts() for f in SET_FIELDS}
        for paper in self.papers:
            for f in SET_FIELDS:
                totals[f].add(paper.counts[f])
        return totals

    def accuracy(self) -> dict[str, Tally]:
        """Right / total per accuracy field: papers for PAPER_FIELDS, gold items for ITEM_FIELDS."""
        tallies = {f: Tally() for f in ACCURACY_FIELDS}
        for paper in self.papers:
            for f in ACCURACY_FIELDS:
                tallies[f].add(paper.tally(f))
        return tallies

    def set_rows(self) -> list[dict[str, Any]]:
        """One row per set field for people: precision, recall, F1 and the counts."""
        return [{"field": LABELS.get(f, f), "P": _pct(c.precision), "R": _pct(c.recall), "F1": _pct(c.f1),
                 "tp": c.tp, "fp": c.fp, "fn": c.fn}
                for f, c in self.totals().items()]

    def accuracy_rows(self) -> list[dict[str, Any]]:
        """One row per accuracy field for people: right, of how many, accuracy (fields with no item left out)."""
        return [{"field": LABELS.get(f, f), "right": t.right, "of": t.total, "acc": _pct(t.accuracy)}
                for f, t in self.accuracy().items() if t.total]

    def paper_rows(self) -> list[dict[str, Any]]:
        """One row per gold paper for people: matched/gold +extra of the main set fields, right/total of the own
        model's backbone and of the result split, and the paper fields that are wrong."""
        return [
            {"file": p.file if p.paper_id else f"{p.file} (not in database)",
             **{label: f"{p.counts[f].tp}/{p.counts[f].tp + p.counts[f].fn}+{p.counts[f].fp}"
                for f, label in _PER_PAPER.items()},
             **{label: f"{p.items[f].right}/{p.items[f].total}" if p.items[f].total else ""
                for f, label in (("own_backbone", "own bb"), ("result_split", "split"))},
             "wrong": ", ".join(LABELS.get(f, f) for f in PAPER_FIELDS if not p.correct[f])}
            for p in self.papers
        ]

    def fields_json(self) -> dict[str, Any]:
        return {**{f: c.to_json() for f, c in self.totals().items()},
                **{f: t.to_json() for f, t in self.accuracy().items()}}

    def to_json(self) -> dict[str, Any]:
        groups = {}
        for name, files in self.groups.items():
            part = self.group(name)
            groups[name] = {"n_gold": len(part.papers), "n_found": len(part.papers) - len(part.missing),
                            "files": files, "fields": part.fields_json()}
        return {
            "gold_dir": self.gold_dir, "n_gold": len(self.papers), "n_found": len(self.papers) - len(self.missing),
            "missing": self.missing, "errors": self.errors,
            "fields": self.fields_json(), "groups": groups,
            "papers": [p.to_json() for p in self.papers],
        }


def read_group(path: Path) -> list[str]:
    """The gold file names listed in `path`, one a line (blank lines and `#` comments ignored); GoldError with
    the file and the reason when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"{path}: cannot read the group file: {exc}") from exc
    return [n for line in text.splitlines() if (n := line.split("#", 1)[0].strip())]


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


def url_key(url: str) -> str:
    """A URL as compared: without scheme, `www.`, a trailing slash or case; doi.org and dx.doi.org are one."""
    bare = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip().casefold())
    return re.sub(r"^(?:www\.|dx\.(?=doi\.org))", "", bare).rstrip("/")


def body_part_key(text: str) -> str:
    """The body part named before any parenthesised detail, as compared: "lung (nodules)" -> "lung"."""
    return title_key(_PAREN.sub(" ", text))


def size_agrees(extracted: dict[str, int], gold: dict[str, int]) -> bool:
    """The extracted size states at least one count the gold states, and no count that differs from it."""
    shared = [u for u in gold if u in extracted]
    return bool(shared) and all(extracted[u] == gold[u] for u in shared)


def _same(extracted: Any, gold: Any, equal: Callable[[Any, Any], bool]) -> bool:
    if extracted is None or gold is None:
        return extracted is None and gold is None
    return equal(extracted, gold)


class Scorer:
    """Scores one paper's extraction against its gold annotation."""

    def __init__(self, vocab: Vocabulary | None = None) -> None:
        self.vocab = vocab or vocabulary()

    def canon(self, kind: Kind, text: str) -> str:
        """The normalised key of the canonical form of `text` (a dataset name without a trailing generic word:
        "VGFR Dataset" and "VGFR" are one name, as the vocabulary's lookup reads them; a composite backbone
        "A + B" by its parts in any order)."""
        if kind == "backbone" and " + " in text:  # a composite backbone is the set of its parts
            return "+".join(sorted(self.canon(kind, part.strip()) for part in text.split(" + ")))
        name = self.vocab.canonical(kind, text) or text
        return key(bare(name) if kind == "dataset" else name)

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
        self._own_backbone(score, gold, found)
        gold_tasks = [t for d in gold.datasets for t in d.tasks] + [m.task for m in gold.models if m.task]
        found_tasks = [t for d in found.datasets for t in d.tasks] + [m.task for m in found.models if m.task]
        self._names(score, "tasks", gold_tasks, found_tasks, "task")
        self._names(score, "modalities", [d.modality for d in gold.datasets if d.modality],
                    [d.modality for d in found.datasets if d.modality], "modality")
        pairs = self._results(score, gold, found.results, with_model=False)
        with_model = self._results(score, gold, found.results, with_model=True)
        # a gold result's qualifiers are checked on the extracted row of its model when there is one (the same
        # value of another row, an ablation variant's, is not the row it stands for)
        row_of = {j: i for i, j in pairs} | {j: i for i, j in with_model}
        self._qualifiers(score, gold, found.results, sorted((i, j) for j, i in row_of.items()))
        gold_modality = {self.canon("modality", d.modality) for d in gold.datasets if d.modality}
        found_modality = {self.canon("modality", d.modality) for d in found.datasets if d.modality}
        dl_right = found.uses_deep_learning == gold.uses_deep_learning
        imaging_right = found.uses_medical_imaging == gold.uses_medical_imaging
        score.correct = {
            "title": _same(found.title, gold.title, title_matches),
            "year": _same(found.year, gold.year, lambda a, b: int(a) == int(b)),
            "venue": _same(found.venue, gold.venue, venue_matches),
            "venue_type": _same(found.venue_type, gold.venue_type, lambda a, b: a.casefold() == b.casefold()),
            "doi": _same(found.doi, gold.doi, lambda a, b: doi_key(a) == doi_key(b)),
            "modality": found_modality == gold_modality,
            "uses_deep_learning": dl_right,
            "uses_medical_imaging": imaging_right,
            "screening": dl_right and imaging_right,
        }
        if ex is None:
            score.correct = dict.fromkeys(score.correct, False)
        return score

    def _tally(self, score: PaperScore, name: str, checks: list[tuple[str, bool]]) -> None:
        """An item field from (gold item text, right?) pairs; the wrong items are listed under `missed`."""
        score.items[name] = Tally(sum(ok for _, ok in checks), len(checks))
        score.missed[name] = [text for text, ok in checks if not ok]

    def _record(self, score: PaperScore, name: str, gold: list[str], found: list[str],
                pairs: list[tuple[int, int]], counted: list[bool] | None = None) -> None:
        """Matched, spurious and missed items; only the `counted` found items that match nothing are spurious."""
        used_found, used_gold = {i for i, _ in pairs}, {j for _, j in pairs}
        spurious = [f for i, f in enumerate(found) if i not in used_found and (counted is None or counted[i])]
        score.counts[name] = Counts(len(pairs), len(spurious), len(gold) - len(pairs))
        score.missed[name] = [g for j, g in enumerate(gold) if j not in used_gold]
        score.spurious[name] = spurious

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

    def _own_backbone(self, score: PaperScore, gold: Gold, found: Extracted) -> None:
        """Each gold proposed model with a backbone: is some extracted proposed model on that backbone?"""
        own = {self.canon("backbone", m.backbone) for m in found.models if m.proposed and m.backbone}
        self._tally(score, "own_backbone", [
            (f"{m.name}: {m.backbone}", self.canon("backbone", m.backbone) in own)
            for m in gold.models if m.proposed and m.backbone
        ])

    def _datasets(self, score: PaperScore, gold: Gold, found: Extracted) -> None:
        names = self._distinct("dataset", [d.name for d in found.datasets])
        keys = [self.gold_dataset_keys(gold, d.name) for d in gold.datasets]
        pairs = match(names, keys, lambda n, ks: self.canon("dataset", n) in ks)
        self._record(score, "datasets", [d.name for d in gold.datasets], names, pairs)
        # the attributes of each matched dataset that the gold states; an extracted dataset named several times
        # counts with the first value each attribute is given
        merged: dict[str, ExtractedDataset] = {}
        for d in found.datasets:
            into = merged.setdefault(self.canon("dataset", d.name), ExtractedDataset(d.name))
            into.modality, into.body_part, into.url = (into.modality or d.modality, into.body_part or d.body_part,
                                                       into.url or d.url)
            into.size = into.size or d.size
        checks: dict[str, list[tuple[str, bool]]] = {f: [] for f in ITEM_FIELDS if f.startswith("dataset_")}
        for i, j in pairs:
            e, g = merged[self.canon("dataset", names[i])], gold.datasets[j]
            size = {u: n for u in SIZE_UNITS if (n := getattr(g.size, u)) is not None}
            attributes: list[tuple[str, Any, Any, Callable[[Any, Any], bool]]] = [
                ("dataset_modality", g.modality, e.modality,
                 lambda got, want: self.canon("modality", got) == self.canon("modality", want)),
                ("dataset_body_part", g.body_part, e.body_part,
                 lambda got, want: body_part_key(got) == body_part_key(want)),
                ("dataset_size", size, e.size, size_agrees),
                ("dataset_url", g.url, e.url, lambda got, want: url_key(got) == url_key(want)),
            ]
            for name, want, got, same in attributes:
                if want:
                    right = bool(got) and same(got, want)
                    checks[name].append((f"{g.name}: {want} (extracted {got or None})", right))
        for name, items in checks.items():
            self._tally(score, name, items)

    def _qualifiers(self, score: PaperScore, gold: Gold, found: list[ExtractedResult],
                    pairs: list[tuple[int, int]]) -> None:
        """Each matched result whose gold states a qualifier (split, ...): is the extracted one the same?"""
        for q in RESULT_QUALIFIERS:
            checks = []
            for i, j in pairs:
                want, got = getattr(gold.results[j], q), getattr(found[i], q)
                if want:
                    r = gold.results[j]
                    checks.append((f"{_result_text(r.model, r.dataset, r.metric, r.value)}: {q} {want} "
                                   f"(extracted {got})", got is not None and key(got) == key(want)))
            self._tally(score, f"result_{q}", checks)

    def _results(self, score: PaperScore, gold: Gold, found: list[ExtractedResult],
                 with_model: bool) -> list[tuple[int, int]]:
        single = len(gold.datasets) == 1
        dataset_keys = {r.dataset: self.gold_dataset_keys(gold, r.dataset) for r in gold.results}

        def compatible(e: ExtractedResult, g: GoldResult) -> bool:
            return (
                self.canon("metric", e.metric) == self.canon("metric", g.metric)
                and abs(e.value - g.value) <= VALUE_TOLERANCE + 1e-9
                and (single or g.dataset is None or self.canon("dataset", e.dataset or "") in dataset_keys[g.dataset])
                and (not with_model or key(e.model) == key(g.model))
            )

        # headline rows first: a matching keeps the rows it has matched, so a headline row is never left
        # unmatched (and counted spurious) for a non-headline row of the same value
        order = sorted(range(len(found)), key=lambda i: not found[i].headline)
        pairs = [(order[i], j) for i, j in match([found[i] for i in order], gold.results, compatible)]
        self._record(score, "results_with_model" if with_model else "results",
                     [_result_text(r.model, r.dataset, r.metric, r.value) for r in gold.results],
                     [_result_text(r.model, r.dataset, r.metric, r.value) for r in found], sorted(pairs),
                     counted=[r.headline for r in found])
        return sorted(pairs)


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

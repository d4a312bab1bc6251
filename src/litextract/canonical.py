"""Canonical names: dataset, backbone, metric, modality and task names mapped to their vocabulary entries.

A name is resolved in three steps (see docs/dedup.md):

1. exact: the vocabulary's normalised key (case, spaces, hyphens and punctuation ignored), which includes the
   aliases a reviewer confirmed when they are passed in through `with_aliases`;
2. generic words dropped: "ChestX-ray14 dataset" is looked up as "ChestX-ray14";
3. near miss: rapidfuzz `fuzz.ratio` of the sorted word forms at least `FUZZY_THRESHOLD`, for names of at least
   `FUZZY_MIN_LENGTH` characters, only when the numbers in both names are the same (ResNet-50 never becomes
   ResNet-101, BraTS 2019 never BraTS 2020) and only when a single canonical entry is that close.

Anything else stays as written: a name is never forced onto a canonical it might not be.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

from litextract.records import Extraction
from litextract.text import key, numbers, words
from litextract.vocab import KINDS, Entry, Kind, Vocabulary, vocabulary

FUZZY_THRESHOLD = 95.0
FUZZY_MIN_LENGTH = 8
GENERIC_WORDS = frozenset(
    {"the", "dataset", "datasets", "data", "set", "database", "benchmark", "challenge", "cohort"}
)
_PLUS = re.compile(r"\+")


@dataclass(frozen=True)
class Match:
    """How a name was resolved: the canonical entry, the rule (exact | words | fuzzy) and the score."""

    entry: Entry
    rule: str
    score: float


def _fuzzy_form(text: str) -> str:
    return " ".join(sorted(w for w in words(text) if w not in GENERIC_WORDS))


def _signature(text: str) -> tuple[tuple[str, ...], int]:
    """What no match may change: the numbers (without leading zeros) and the count of '+' (UNet++ is not U-Net)."""
    return numbers(text), len(_PLUS.findall(text))


def with_aliases(vocab: Vocabulary, aliases: Iterable[tuple[Kind, str, str]]) -> Vocabulary:
    """A copy of `vocab` where each (kind, alias, canonical) is one more alias of its canonical entry.

    A canonical name the vocabulary does not know becomes a new entry.
    """
    extra: dict[tuple[Kind, str], list[str]] = {}
    for kind, alias, canonical in aliases:
        extra.setdefault((kind, canonical), []).append(alias)
    entries: list[Entry] = []
    for kind in KINDS:
        for e in vocab.entries(kind):
            more = extra.pop((kind, e.name), [])
            entries.append(replace(e, aliases=(*e.aliases, *more)) if more else e)
    entries.extend(Entry(kind, canonical, tuple(found)) for (kind, canonical), found in extra.items())
    return Vocabulary(entries)


class Resolver:
    """Canonical names from a vocabulary, exact first, then the guarded near-miss match."""

    def __init__(self, vocab: Vocabulary, rejected: Iterable[tuple[Kind, str, str]] = ()) -> None:
        self.vocab = vocab
        self.rejected = {(kind, key(alias), canonical) for kind, alias, canonical in rejected}
        self._choices: dict[Kind, list[tuple[str, str, Entry]]] = {}
        self._seen: dict[tuple[Kind, str | None], Match | None] = {}

    def _candidates(self, kind: Kind) -> list[tuple[str, str, Entry]]:
        if kind not in self._choices:
            self._choices[kind] = [(_fuzzy_form(f), f, e) for e in self.vocab.entries(kind) for f in e.forms]
        return self._choices[kind]

    def _ok(self, kind: Kind, text: str, form: str, entry: Entry) -> bool:
        return _signature(text) == _signature(form) and (kind, key(text), entry.name) not in self.rejected

    def resolve(self, kind: Kind, text: str | None) -> Match | None:
        """The canonical entry for `text` and how it was found, or None when there is no safe match."""
        if (kind, text) not in self._seen:
            self._seen[(kind, text)] = self._resolve(kind, text)
        return self._seen[(kind, text)]

    def _resolve(self, kind: Kind, text: str | None) -> Match | None:
        if not text or not text.strip():
            return None
        entry = self.vocab.lookup(kind, text)
        if entry and any(key(f) == key(text) and self._ok(kind, text, f, entry) for f in entry.forms):
            return Match(entry, "exact", 100.0)
        form = _fuzzy_form(text)
        cands = self._candidates(kind)
        generic = {e for f_form, f, e in cands if f_form == form and form and self._ok(kind, text, f, e)}
        if len(generic) == 1:
            return Match(generic.pop(), "words", 100.0)
        if len(form.replace(" ", "")) < FUZZY_MIN_LENGTH:
            return None
        hits = process.extract(
            form, [c[0] for c in cands], scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD, limit=None
        )
        found: dict[str, tuple[Entry, float]] = {}
        for _, score, i in hits:
            _, f, e = cands[i]
            if self._ok(kind, text, f, e) and score > found.get(e.name, (e, -1.0))[1]:
                found[e.name] = (e, float(score))
        if len(found) != 1:
            return None  # nothing close enough, or ambiguous between two canonical names
        entry, score = next(iter(found.values()))
        return Match(entry, "fuzzy", round(score, 1))

    def canonical(self, kind: Kind, text: str | None) -> str | None:
        """The canonical name for `text`, or `text` as written when there is no safe match."""
        found = self.resolve(kind, text)
        return found.entry.name if found else text


def model_canonical(resolver: Resolver, name: str | None) -> Match | None:
    """The architecture a model's name spells otherwise ("U-net", "UNet", "Unet++"), when the name is that
    architecture's canonical name written another way; not an alias that names a variant ("SETR-PUP" of SETR,
    "nnUNet-v2"), which papers compare as models of their own."""
    found = resolver.resolve("backbone", name)
    if found is None or found.rule != "exact" or not name or key(name) != key(found.entry.name):
        return None
    return found if name != found.entry.name else None


def _spelled(resolver: Resolver, name: str) -> str:
    found = model_canonical(resolver, name)
    return found.entry.name if found else name


def canonical_backbone(resolver: Resolver, name: str | None) -> str | None:
    """A backbone's canonical name; a composite ("A + B") part by part."""
    if name and " + " in name:
        return " + ".join(resolver.canonical("backbone", p.strip()) or p.strip() for p in name.split(" + "))
    return resolver.canonical("backbone", name)


def canonicalise(extraction: Extraction, vocab: Vocabulary | Resolver | None = None) -> Extraction:
    """The extraction with every name the vocabulary knows (or nearly knows) replaced by its canonical form.

    Names without a safe match stay as written; a dataset keeps the spelling it was found under in `mention`.
    """
    r = vocab if isinstance(vocab, Resolver) else Resolver(vocab or vocabulary())
    datasets = []
    for d in extraction.datasets:
        found = r.resolve("dataset", d.name)
        update: dict[str, object] = {
            "name": found.entry.name if found else d.name,
            "mention": d.mention or d.name,
            "modality": r.canonical("modality", d.modality),
            "tasks": sorted({r.canonical("task", t) or t for t in d.tasks}),
        }
        if d.in_vocabulary is not None or found:  # an open name the vocabulary knows after all is linked
            update["in_vocabulary"] = bool(found)
        if found:
            attrs = found.entry.attrs
            update["modality"] = update["modality"] or attrs.get("modality")
            update["body_part"] = d.body_part or attrs.get("body_part")
            update["public"] = d.public if d.public is not None else attrs.get("public")
            update["url"] = d.url or attrs.get("url")
        datasets.append(d.model_copy(update=update))
    dataset_names = {d.mention.casefold(): d.name for d in datasets if d.mention}
    models = []
    renamed: dict[str, str] = {}
    for m in extraction.models:
        spelled = model_canonical(r, m.name)  # "U-net" is U-Net; the paper's spelling stays in `mention`
        name = spelled.entry.name if spelled else m.name
        if spelled:
            renamed[m.name] = name
        update = {"name": name, "mention": m.mention or m.name, "task": r.canonical("task", m.task)}
        models.append(m.model_copy(update={**update, "backbone": canonical_backbone(r, m.backbone)}))
    results = [
        res.model_copy(
            update={
                "model": renamed.get(res.model) or _spelled(r, res.model),
                "metric": (r.canonical("metric", res.metric) or res.metric).lower(),
                "backbone": canonical_backbone(r, res.backbone),
                "dataset": dataset_names.get((res.dataset or "").casefold()) or r.canonical("dataset", res.dataset),
            }
        )
        for res in extraction.results
    ]
    return extraction.model_copy(update={"datasets": datasets, "models": models, "results": results})

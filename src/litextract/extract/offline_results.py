"""Result records, the parts shared by the table rules (`results_tables`) and the sentence rules
(`results_prose`): what the rules know about the paper (`Context`), metric and dataset names in a label, a
printed value with its spread ("95.4 ± 1.2", "0.85 (0.81-0.88)"), and the split a text names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from litextract.document import Document
from litextract.extract.offline_text import Sentence
from litextract.text import to_float
from litextract.vocab import Entry, Mention, Vocabulary

_SPLIT_WORDS = [
    ("external", re.compile(r"\bexternal(?:ly)?\b[- ](?:validation|validated|test|testing|cohort|dataset|data|set)|"
                            r"\bindependent (?:test|validation|external) (?:set|cohort|dataset)|"
                            r"\bcross[- ](?:dataset|training)", re.I)),
    ("cross-validation", re.compile(r"cross[- ]?validat|\b\d+[- ]fold\b|\b(?:five|ten|three|four)[- ]fold\b|"
                                    r"leave[- ]one[- ]\w+[- ]out", re.I)),
    ("validation", re.compile(r"\bvalidation (?:set|data|phase|split|subset|cohort|cases|images|scans)\b|"
                              r"\bval(?:idation)?\.? set\b|\b(?:on|for) (?:the )?validation\b", re.I)),
    ("test", re.compile(r"\btest(?:ing)?[- ](?:set|data|phase|split|dataset|subset|cohort|images|cases|scans|"
                        r"patients|subjects|volumes)\b|\bheld[- ]out\b|\bhold[- ]out\b|\bunseen test\b|"
                        r"\b(?:for|used in|during) test(?:ing)?\b", re.I)),
    ("train", re.compile(r"\btrain(?:ing)? (?:set|data|phase|accuracy|loss)\b", re.I)),
]
# every match of a _SPLIT_WORDS pattern holds one of these, in any case: an ASCII text without any names no split
_SPLIT_HINTS = (
    "cross", "fold", "leave", "external", "independent", "validation", "val set", "val. set", "test", "held", "hold",
    "train",
)
_FOLDS = re.compile(r"\bfolds?\b", re.I)
_TASK_BEFORE = re.compile(
    r"\b(?:segmentation|registration|detection|localization|localisation|reconstruction|tracking|diagnostic)\s+$",
    re.I,
)
_EVALUATES = re.compile(  # "we evaluate … via the AUROC", "measured by", "evaluation metrics", "in terms of"
    r"\b(?:evaluat\w*\b[^.;]{0,80}?\b(?:using|with|by|via|in terms of)|measured (?:by|with|using)|metrics?|"
    r"in terms of)\b",
    re.I,
)
_LABEL_SPLITS = [  # a table label that is only a split's name ("Val", "Test set", "5-fold CV")
    ("cross-validation", re.compile(r"^(?:\d+[- ]fold(?: cv| cross[- ]validation)?|cv|cross[- ]validation)$", re.I)),
    ("validation", re.compile(r"^(?:val|valid|validation|dev)(?:\.| set| data)?$", re.I)),
    ("test", re.compile(r"^(?:test|testing|test set|internal test|hold[- ]out|held[- ]out)$", re.I)),
    ("train", re.compile(r"^(?:train|training|train set|training set)$", re.I)),
    ("external", re.compile(r"^(?:external|external test|external validation)$", re.I)),
]
_VALUE = re.compile(
    r"^[(\[]?(?P<sign>[-−–+]?)(?P<num>\d+(?:[.,·]\d+)?)(?P<glued>\.\d+)?\s*(?P<pct>%?)"
    r"(?:\s*(?:±|\+/-|\+-)\s*(?P<std>\d+(?:\.\d+)?)\s*%?"
    r"|\s*[(\[]\s*(?P<lo>\d+(?:\.\d+)?)\s*%?\s*(?:[-–—,]|to)\s*(?P<hi>\d+(?:\.\d+)?)\s*%?\s*[)\]]"
    r"|\s*\(\s*(?P<paren>\d+(?:\.\d+)?)\s*\))?"
)
_TABLE_REF = re.compile(r"\b(?:Table|Tab\.|TABLE)\s*([0-9]+[a-z]?|[IVX]+|S\d+)\b")
_PERCENT_NOT_UNIT = re.compile(r"\d+\s*%\s*(?:CI|confidence|of\b|data|labeled|labelled|training)", re.I)


@dataclass
class Context:
    """What the result rules need to know about the paper."""

    doc: Document
    vocab: Vocabulary
    proposed: list[str]
    datasets: list[str]  # canonical names of the paper's datasets
    source: str
    sents: list[Sentence] = field(default_factory=list)
    named: dict[str, str | None] = field(default_factory=dict, repr=False)  # dataset_in's answers, by text

    @property
    def single_dataset(self) -> str | None:
        return self.datasets[0] if len(self.datasets) == 1 else None

    @cached_property
    def evaluation_metric(self) -> Entry | None:
        """The one metric the paper says it evaluates with ("we evaluate … via the AUROC"), if it names one only
        (cost measures such as parameters or FLOPs aside)."""
        names: dict[str, Entry] = {}
        for s in self.sents:
            cue = None if s.related else _EVALUATES.search(s.text)
            if cue is None:
                continue
            for m in outside_names(self.vocab.finder("metric").find(s.text), s.text, self.vocab):
                generic = _TASK_BEFORE.search(s.text, 0, m.start)  # "segmentation accuracy": no metric's name
                if m.start >= cue.start() and not generic and not efficiency(m.entry):
                    names[m.entry.name] = m.entry
        return next(iter(names.values())) if len(names) == 1 else None

    @cached_property
    def table_mentions(self) -> dict[str, list[str]]:
        """The sentences that refer to each table by its number ("Table 3 shows … on DRIVE")."""
        out: dict[str, list[str]] = {}
        for s in self.sents:
            if "able" not in s.text and "ab." not in s.text:
                continue
            for m in _TABLE_REF.finditer(s.text):
                out.setdefault(m.group(1), []).append(s.text)
        return out

    @cached_property
    def sentence_datasets(self) -> list[list[str]]:
        """The paper's datasets each sentence names, in order (found in one pass over all sentences)."""
        found = self.vocab.finder("dataset").find_each([s.text for s in self.sents])
        return [[m.entry.name for m in ms if m.entry.name in self.datasets] for ms in found]

    @cached_property
    def split_counts(self) -> dict[str | None, dict[str, int]]:
        """How often the sentences of the paper's setup name each split, per dataset (key None: the whole paper):
        "5-fold cross-validation", "12 cases for validation", "external test set". A sentence's splits go to the
        datasets it names, else to the last one named in the sentences before it. The test or validation set of
        a sentence about folds ("each fold in turn is the test set") is a cross-validation's."""
        counts: dict[str | None, dict[str, int]] = {}
        recent: list[str] = []
        for s, names in zip(self.sents, self.sentence_datasets, strict=True):
            if s.related:
                continue
            found = _splits_in(s.text)
            if names:
                recent = (recent + names)[-3:]
            if not found:
                continue
            if found & {"test", "validation"} and _FOLDS.search(s.text):
                found = (found - {"test", "validation"}) | {"cross-validation"}
            for name in [None, *(dict.fromkeys(names) if names else recent[-1:])]:
                for split in found:
                    counts.setdefault(name, {}).setdefault(split, 0)
                    counts[name][split] += 1
        return counts

    @cached_property
    def splits(self) -> dict[str | None, str]:
        """The split the paper reports each dataset's results on (key None: the paper's own default)."""
        out: dict[str | None, str] = {}
        for name, counts in self.split_counts.items():
            test, cv, val = (counts.get(k, 0) for k in ("test", "cross-validation", "validation"))
            # (a training set is not where results are reported; an external test set is named beside the
            # internal one: neither is the default) a paper that cross-validates and names a test set rarely
            # reports CV figures only; between cross-validation and a validation set, the one it names more
            if test and cv <= 2 * test:
                out[name] = "test"
            elif cv and val <= cv:
                out[name] = "cross-validation"
            elif val:
                out[name] = "validation"
            elif test:
                out[name] = "test"
        return out

    def split_for(self, dataset: str | None, stated: str | None = None) -> str | None:
        """The split of a result on `dataset`: the one its table or sentence states, else the paper's for the
        dataset. Results stated on a training set the paper cross-validates on are cross-validation figures."""
        if stated == "train" and (self.split_counts.get(dataset) or self.split_counts.get(None, {})).get(
            "cross-validation"
        ):
            return "cross-validation"
        return stated or self.splits.get(dataset) or self.splits.get(None)


def split_of(text: str) -> str | None:
    """The split a caption or sentence names, if any."""
    if not _may_name_split(text):
        return None
    for split, rx in _SPLIT_WORDS:
        if rx.search(text):
            return split
    return None


def _splits_in(text: str) -> set[str]:
    """Every split a sentence names."""
    if not _may_name_split(text):
        return set()
    return {split for split, rx in _SPLIT_WORDS if rx.search(text)}


def _may_name_split(text: str) -> bool:
    """False when no split pattern can match (most sentences): a few substring tests instead of five regex
    searches. Only for ASCII text, where lower-casing folds case exactly as the patterns' re.I does."""
    if not text.isascii():
        return True
    low = text.lower()
    return any(hint in low for hint in _SPLIT_HINTS)


def label_split(text: str) -> str | None:
    """The split a short table label is ("Val", "Test set", "5-fold CV"), or the split a longer label names."""
    clean = re.sub(r"[^\w\s.-]", " ", text).strip()
    for split, rx in _LABEL_SPLITS:
        if rx.match(clean):
            return split
    return split_of(text)


def metric_in(text: str, vocab: Vocabulary) -> Entry | None:
    """The metric a label names: the first one, not one inside a compound word ("Pre-training") or inside a
    dataset's name ("Kvasir SEG")."""
    for m in outside_names(vocab.finder("metric").find(text), text, vocab):
        before, after = text[: m.start], text[m.end :]
        if re.search(r"[A-Za-z]-$", before) or re.match(r"^-[a-z]{3,}", after):
            continue
        return m.entry
    return None


def outside_names(mentions: list[Mention], text: str, vocab: Vocabulary) -> list[Mention]:
    """The metric mentions of `text` that are not part of a dataset's name in it ("SEG" in "Kvasir SEG")."""
    if not mentions:
        return mentions
    names = vocab.finder("dataset").find(text)
    return [
        m for m in mentions
        if not any(d.start <= m.start and m.end <= d.end and d.end - d.start > m.end - m.start for d in names)
    ]


def dataset_in(text: str, ctx: Context) -> str | None:
    """The paper's dataset named in `text` (an MSD task also by its organ words next to "MSD"/"Decathlon")."""
    if text not in ctx.named:
        ctx.named[text] = _dataset_in(text, ctx)
    return ctx.named[text]


def _dataset_in(text: str, ctx: Context) -> str | None:
    found = ctx.vocab.finder("dataset").find(text)
    for m in found:
        if m.entry.name in ctx.datasets:
            return m.entry.name
    low = text.casefold()
    for name in ctx.datasets:
        if re.search(rf"(?<!\w){re.escape(name.casefold())}(?!\w)", low):
            return name
    for name in ctx.datasets:
        entry = ctx.vocab.lookup("dataset", name)
        if entry and any(re.search(rf"\b{re.escape(f)}\b", low) for f in entry.attrs.get("msd_forms", ())):
            return name
    return None


def any_dataset_in(text: str, ctx: Context) -> str | None:
    """A dataset named in a table label: the paper's, else any medical one the vocabulary knows (a table header
    that names a dataset is evidence the paper uses it; a general-domain one, "ImageNet pre-training", is not)."""
    own = dataset_in(text, ctx)
    if own:
        return own
    found = [m for m in ctx.vocab.finder("dataset").find(text) if m.entry.attrs.get("domain") != "natural"]
    return found[0].entry.name if found else None


@dataclass(frozen=True)
class Printed:
    """A value as printed in a cell or sentence, with its spread."""

    number: str
    percent: bool
    std: str | None = None
    ci: tuple[str, str] | None = None

    @property
    def as_printed(self) -> str:
        return self.number + ("%" if self.percent else "")


def printed_value(text: str) -> Printed | None:
    """The value at the start of a cell: "85.3", "85.3%", "85.3 ± 1.2", "85.3 (1.2)", "0.85 (0.81-0.88)",
    "85.31.2" (a value and its std whose ± is not in the text layer: split where both have as many decimals)."""
    m = _VALUE.match(text.strip())
    if not m:
        return None
    number = m.group("sign").replace("−", "-").replace("–", "-") + m.group("num").replace(",", ".").replace("·", ".")
    std = m.group("std") or m.group("paren")
    ci = (m.group("lo"), m.group("hi")) if m.group("lo") else None
    if m.group("glued"):
        split = _unglue(m.group("num") + m.group("glued"))
        if split is None:
            return None
        number, std = split
    return Printed(number, bool(m.group("pct")), std, ci)


def _unglue(text: str) -> tuple[str, str] | None:
    """ "90.180.71" → ("90.18", "0.71"): the one split into two numbers with equally many decimals."""
    first, _, last = text.partition(".")
    middle, _, tail = last.partition(".")
    options = []
    for k in range(1, len(middle)):
        a, b = f"{first}.{middle[:k]}", f"{middle[k:]}.{tail}"
        if len(middle[:k]) == len(tail) and not (len(middle[k:]) > 1 and middle[k] == "0"):
            options.append((a, b))
    return options[0] if len(options) == 1 else None


def percent_label(text: str) -> bool:
    """The text says values are percentages ("DSC (%)"), not a confidence level or a data fraction ("95% CI")."""
    return "%" in _PERCENT_NOT_UNIT.sub("", text)


def scaled(number: str, entry: Entry, percent: bool) -> float | None:
    """The value as stored: a fraction metric printed as a percentage divided by 100 (a value ≤ 1 never is:
    it is a fraction already); None when the result is out of the metric's range."""
    value = to_float(number)
    if entry.attrs.get("kind") == "fraction":
        if value > 1.0 or (percent and value > 1.0):
            value = value / 100.0
        if not 0.0 <= value <= 1.0:
            return None
    return round(value, 6)


def efficiency(entry: Entry) -> bool:
    """A metric of the model's cost (parameters, FLOPs, frames per second, inference time), not of its quality:
    kept as its own result, never a headline."""
    return entry.attrs.get("kind") == "count" or bool(re.search(r"\btime\b|latency|memory", entry.name))


def lower_is_better(entry: Entry, label: str = "") -> bool:
    if "↓" in label or re.search(r"lower is better", label, re.I):
        return True
    if "↑" in label:
        return False
    if "higher_is_better" in entry.attrs:
        return not entry.attrs["higher_is_better"]
    return entry.attrs.get("kind") in ("distance", "error")

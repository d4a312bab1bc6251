"""The curated medical-imaging vocabulary, kept as data in this folder's TOML files.

Each file lists entries (one `[[kind]]` table each) with a canonical `name`, its `aliases` and attributes.
Names match through a normalised key (case, spaces, hyphens and punctuation ignored), never through loose
fuzzy similarity: "ResNet50", "ResNet-50" and "resnet 50" are one key; "ResNet-50" and "ResNet-101" are not.
Every entry names the public catalogue it comes from in `source` (a URL, an arXiv id, or a PyPI
package@version); `scripts/vocab/` rebuilds the files made from packages.

Attributes by file (all optional unless said):

- every file: `source` (required); `case_sensitive = true`: every form matches only as written (a form in
  capitals always does), for names that are also words ("DRIVE", "ReMIND").
- datasets.toml: `modality` (a modalities.toml name; `modalities` lists more when there are several),
  `body_part`, `tasks` (tasks.toml names), `public`, `url`, `family` (the series a dataset belongs to:
  "BraTS 2019" -> BraTS, so a bare "BraTS" names the family entry), `needs_context` (true, or the list of
  forms it applies to: such a form is taken in running text only near a dataset word such as "dataset",
  "challenge" or "cohort", or when it stands alone as a short label, a table cell or caption; for names that
  are ordinary words even as written: "Synapse", "Pancreas-CT"), `msd_task`/`msd_forms` (a Medical
  Segmentation Decathlon task and the organ words that name it near an "MSD" mention), `domain = "natural"`
  (a general-domain image dataset such as ImageNet or COCO: no modality, and a paper's use of it is most often
  pre-training).
- backbones.toml: `family` (ResNet, ViT, U-Net, ...), `type` (cnn | transformer | hybrid | gan | detector |
  registration | other), `task` (its default task), `zoo` (the key `verify` builds it from), `base` (the
  architecture a named model is built on: CheXNet -> DenseNet-121), `generic` (a family name without depth).
- metrics.toml: `kind` (fraction: percentages are divided by 100 | distance: mm, kept as printed | error |
  count | other), `higher_is_better`, `needs_context` (as for datasets, near a metric word such as "metric",
  "measure" or "score": for short capitals that are also other things' names, "SEG" in "Kvasir SEG").
- venues.toml: `type` (journal | conference | preprint server), `publisher`; its `[[prefix]]` tables map a DOI
  prefix to its publisher (`doi_publisher`).
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

from litextract.text import doi as doi_of
from litextract.text import key

Kind = Literal["dataset", "backbone", "metric", "modality", "task", "venue"]
KINDS: tuple[Kind, ...] = ("dataset", "backbone", "metric", "modality", "task", "venue")
_FILES: dict[Kind, str] = {
    "dataset": "datasets.toml",
    "backbone": "backbones.toml",
    "metric": "metrics.toml",
    "modality": "modalities.toml",
    "task": "tasks.toml",
    "venue": "venues.toml",
}
_GENERIC_TAIL = re.compile(r"[\s_-]+(?:dataset|data set|database|challenge|benchmark)s?\s*$", re.I)


def bare(text: str) -> str:
    """A name without a trailing generic word: "VGFR Dataset" -> "VGFR", "REFUGE challenge" -> "REFUGE"."""
    return _GENERIC_TAIL.sub("", text) or text


@dataclass(frozen=True)
class Entry:
    kind: Kind
    name: str
    aliases: tuple[str, ...] = ()
    attrs: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


class Vocabulary:
    """Lookup of canonical names by any alias."""

    def __init__(self, entries: list[Entry]) -> None:
        self._entries: dict[Kind, list[Entry]] = {k: [] for k in KINDS}
        self._by_key: dict[tuple[Kind, str], Entry] = {}
        self._by_form: dict[tuple[Kind, str], Entry] = {}
        self._finders: dict[Kind, MentionFinder] = {}
        for entry in entries:
            self.add(entry)

    def add(self, entry: Entry) -> None:
        self._entries[entry.kind].append(entry)
        self._finders.pop(entry.kind, None)
        for form in entry.forms:
            self._by_key.setdefault((entry.kind, key(form)), entry)
            self._by_form.setdefault((entry.kind, _form(form)), entry)

    def entries(self, kind: Kind) -> list[Entry]:
        return list(self._entries[kind])

    def lookup(self, kind: Kind, text: str | None) -> Entry | None:
        """The entry whose name or alias has the same normalised key as `text` (or as `text` without a trailing
        generic word: "REFUGE challenge" is REFUGE), else None."""
        if not text:
            return None
        found = self._by_form.get((kind, _form(text))) or self._by_key.get((kind, key(text)))
        plain = bare(text)
        return found or (self.lookup(kind, plain) if plain != text else None)

    def canonical(self, kind: Kind, text: str | None) -> str | None:
        """The canonical name for `text`, or `text` as written when it is not in the vocabulary."""
        entry = self.lookup(kind, text)
        return entry.name if entry else text

    def finder(self, kind: Kind) -> MentionFinder:
        """A compiled finder of this kind's names and aliases in running text."""
        if kind not in self._finders:
            self._finders[kind] = MentionFinder(self._entries[kind], kind)
        return self._finders[kind]


@dataclass(frozen=True)
class Mention:
    entry: Entry
    start: int
    end: int
    text: str


class MentionFinder:
    """Finds vocabulary names in text: whole words only, the longest form first.

    Separators are flexible ("ResNet50", "ResNet-50", "ResNet 50"); all-capital forms (acronyms such as "DRIVE")
    and entries marked `case_sensitive` match only as written, so ordinary words are not taken for names; forms
    marked `needs_context` count in running text only near a word of their kind (a dataset word, a metric word),
    or in a short label (`_in_context`).
    Forms are grouped by their first letter or digit run, so a text is only tried where a word could start one.
    Matching runs on a copy of the text of the same length whose separators are spaces (and, for the forms that
    ignore case, whose ASCII letters are lower case): plain patterns compile ~8x faster than ones with Unicode
    classes and inline flags, and offsets still point into the original text.
    """

    def __init__(self, entries: list[Entry], kind: str = "dataset") -> None:
        self._context = _CONTEXT.get(kind, _CONTEXT["dataset"])
        plural = kind == "metric"  # a metric's acronym also counts with a plural s
        forms: dict[str, Entry] = {}
        contextual: set[str] = set()
        for entry in entries:
            needs = entry.attrs.get("needs_context")
            for written in entry.forms:
                form = re.sub(r"^(?:the|The)\s+", "", written)  # "The Cancer Genome Atlas" is found without it
                if form.casefold() not in _NOT_NAMES and form not in forms:
                    forms[form] = entry
                    if needs is True or (isinstance(needs, list) and written in needs):
                        contextual.add(form)
        self._entries: list[Entry] = []
        self._contextual: set[int] = set()  # ranks of the forms that need context
        # per first word: (as written, ignoring case) pattern sources, compiled on first use (most never occur)
        self._source: dict[str, tuple[str | None, str | None]] = {}
        self._regex: dict[str, tuple[re.Pattern[str] | None, re.Pattern[str] | None]] = {}
        groups: dict[str, list[str]] = {}
        for form in sorted(forms, key=len, reverse=True):
            first = _RUN.search(form)
            if first:
                groups.setdefault(first.group(0).casefold(), []).append(form)
        for head, members in groups.items():
            exact: list[str] = []
            folded: list[str] = []
            for form in members:  # the group number is the form's rank: the lowest matching one wins
                entry = forms[form]
                as_written = bool(entry.attrs.get("case_sensitive")) or not any(c.islower() for c in form)
                body = _pattern(form, lower=not as_written)
                if plural and as_written and _ACRONYM.fullmatch(form):
                    body += "s?"  # "AUCs of 0.91 and 0.88", "FIDs"
                (exact if as_written else folded).append(f"(?P<f{len(self._entries)}>{body})")
                if form in contextual:
                    self._contextual.add(len(self._entries))
                self._entries.append(entry)
            self._source[head] = (_alternation(exact), _alternation(folded))
        letters = sorted((h for h in groups if h.isalpha()), key=len, reverse=True)
        digits = sorted((h for h in groups if h.isdigit()), key=len, reverse=True)
        alternatives = [f"(?:{_trie(letters)}){'s?' if plural else ''}(?![a-z])"] if letters else []
        alternatives += [f"(?:{_trie(digits)})(?![0-9])"] if digits else []
        self._heads = re.compile(f"(?<![0-9a-z])(?:{'|'.join(alternatives) or '(?!x)x'})")

    def _compiled(self, head: str) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
        if head not in self._regex:
            exact, ignore_case = self._source[head]
            self._regex[head] = (_compile(exact), _compile(ignore_case))
        return self._regex[head]

    def find(self, text: str) -> list[Mention]:
        """Every mention in `text`, in order, without overlaps."""
        out: list[Mention] = []
        end = 0
        spaced, folded = _search_texts(text)
        for head in self._heads.finditer(folded):
            if head.start() < end:
                continue
            first = head.group(0)
            if first not in self._source:  # a head with a plural s ("aucs")
                first = first[:-1]
            exact, ignore_case = self._compiled(first)
            found = [
                (int((m.lastgroup or "f0")[1:]), m)
                for m in (
                    exact.match(spaced, head.start()) if exact else None,
                    ignore_case.match(folded, head.start()) if ignore_case else None,
                )
                if m
            ]
            if found:
                rank, m = min(found, key=lambda pair: pair[0])
                if rank in self._contextual and not _in_context(folded, m.start(), m.end(), self._context):
                    continue
                out.append(Mention(self._entries[rank], m.start(), m.end(), text[m.start() : m.end()]))
                end = m.end()
        return out

    def find_each(self, texts: Sequence[str]) -> list[list[Mention]]:
        """`find` of every text, in one pass over them all (a call per sentence costs ~10x more)."""
        starts = [0]
        for text in texts:
            starts.append(starts[-1] + len(text) + 1)
        out: list[list[Mention]] = [[] for _ in texts]
        for m in self.find("\0".join(texts)):  # NUL is never part of a name: no mention spans two texts
            i = bisect_right(starts, m.start) - 1
            out[i].append(Mention(m.entry, m.start - starts[i], m.end - starts[i], m.text))
        return out


def _trie(words: list[str]) -> str:
    """A regex for any of `words`, factored by common prefixes ("res(?:net|unet)"): Python's re tries the
    branches of an alternation one by one, so scanning with a flat list of ~200 words is ~3x slower."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def pattern(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if "" in node:
            return f"(?:{'|'.join(branches)})?" if branches else ""
        return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"

    return pattern(root)


def _compile(source: str | None) -> re.Pattern[str] | None:
    return re.compile(source) if source else None


def _alternation(parts: list[str]) -> str | None:
    return f"(?:{'|'.join(parts)})(?![0-9A-Za-z+])" if parts else None


_RUN = re.compile(r"[A-Za-z]+|[0-9]+")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2014_]")
_SEPARATOR_CHARS = [c for c in map(chr, range(0x3000 + 1)) if c != " " and _SEPARATORS.fullmatch(c)]


def _search_texts(text: str) -> tuple[str, str]:
    """`text` with every separator a space, and that in lower case; both as long as `text`, so offsets hold.

    (Chained `str.replace` and `str.lower` run in C, several times faster than `str.translate` with a table.)
    """
    spaced = text
    for c in _SEPARATOR_CHARS:
        spaced = spaced.replace(c, " ")
    folded = spaced.lower()
    if len(folded) != len(spaced):  # a few characters lower into two ("İ"): fold ASCII letters only
        folded = spaced.translate(_ASCII_LOWER)
    return spaced, folded


_NOT_NAMES = {"other", "others"}
_ACRONYM = re.compile(r"[A-Za-z0-9]*[A-Z][A-Za-z0-9]*[A-Z]")  # two capitals or more, the last one closing it
# the words near which a `needs_context` form stands as a name in running text, per kind (text in lower case)
_CONTEXT: dict[str, re.Pattern[str]] = {
    "dataset": re.compile(
        r"\b(?:datasets?|data ?sets?|databases?|challenges?|benchmarks?|cohorts?|collections?|archives?|"
        r"repository|corpus|competitions?)\b"
    ),
    "metric": re.compile(r"\b(?:metrics?|measures?|scores?|criteri(?:on|a)|evaluat\w*|quality)\b"),
}
_CONTEXT_REACH = 80  # characters either side of a mention where a context word counts
_LABEL_WORDS = 3  # a text of so few words (between NULs) is a label: a table cell, a column or row header


def _in_context(folded: str, start: int, end: int, context: re.Pattern[str]) -> bool:
    """A mention at folded[start:end] stands as a name: a context word of its kind is near, or its text is a
    short label."""
    lo = folded.rfind("\0", 0, start) + 1
    hi = folded.find("\0", end)
    hi = len(folded) if hi < 0 else hi
    if len(folded[lo:hi].split(None, _LABEL_WORDS)) <= _LABEL_WORDS:
        return True
    return bool(context.search(folded, max(lo, start - _CONTEXT_REACH), min(hi, end + _CONTEXT_REACH)))


def _pattern(form: str, lower: bool = False) -> str:
    """A regex for `form` with flexible separators between its parts, between letters and digits, and where a
    lower-case letter meets a capital ("ClinicVideoDB" is found as "Clinic VideoDB"), and an optional slash
    ("ViT-B/16" as "ViT-B16"); `lower`: for text in lower case."""
    chunks = [c for c in _SEPARATORS.split(form) if c]
    out = []
    for chunk in chunks:
        pieces = re.findall(r"[A-Z]*[a-z]+|[A-Z]+(?![a-z])|[0-9]+|[^A-Za-z0-9]+", chunk)
        out.append(
            "".join(
                ("/? *" if p == "/" else re.escape(p.lower() if lower else p))
                + (" *" if j + 1 < len(pieces) and p.isalnum() and pieces[j + 1].isalnum() else "")
                for j, p in enumerate(pieces)
            )
        )
    return " *".join(out)


def _form(text: str) -> str:
    return " ".join(text.casefold().split())


def _read(file: str) -> dict[str, Any]:
    return tomllib.loads(resources.files(__package__).joinpath(file).read_text(encoding="utf-8"))


def _load_file(kind: Kind) -> list[Entry]:
    raw = _read(_FILES[kind])
    entries = []
    for item in raw.get(kind, []):
        item = dict(item)
        name = item.pop("name")
        aliases = tuple(item.pop("aliases", ()))
        entries.append(Entry(kind, name, aliases, item))
    return entries


@cache
def vocabulary() -> Vocabulary:
    """The packaged vocabulary (loaded once)."""
    return Vocabulary([e for kind in KINDS for e in _load_file(kind)])


@cache
def _publishers() -> dict[str, str]:
    return {str(p["prefix"]): str(p["publisher"]) for p in _read(_FILES["venue"]).get("prefix", [])}


def doi_publisher(doi: str | None) -> str | None:
    """The publisher a DOI's prefix (10.1109/... -> IEEE) is registered to, from venues.toml, else None."""
    found = doi_of(doi)
    return _publishers().get(found.split("/", 1)[0]) if found else None

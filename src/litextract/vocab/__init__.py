"""The curated medical-imaging vocabulary, kept as data in this folder's TOML files.

Each file lists entries with a canonical `name`, its `aliases` and attributes (modality, body part, tasks, ...).
Names match through a normalised key (case, spaces, hyphens and punctuation ignored), never through loose
fuzzy similarity: "ResNet50", "ResNet-50" and "resnet 50" are one key; "ResNet-50" and "ResNet-101" are not.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

Kind = Literal["dataset", "backbone", "metric", "modality", "task"]
KINDS: tuple[Kind, ...] = ("dataset", "backbone", "metric", "modality", "task")
_FILES: dict[Kind, str] = {
    "dataset": "datasets.toml",
    "backbone": "backbones.toml",
    "metric": "metrics.toml",
    "modality": "modalities.toml",
    "task": "tasks.toml",
}
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def key(text: str) -> str:
    """The normalised form names are compared by: lower case letters and digits only."""
    return _NON_ALNUM.sub("", text.casefold())


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
        """The entry whose name or alias has the same normalised key as `text`, else None."""
        if not text:
            return None
        return self._by_form.get((kind, _form(text))) or self._by_key.get((kind, key(text)))

    def canonical(self, kind: Kind, text: str | None) -> str | None:
        """The canonical name for `text`, or `text` as written when it is not in the vocabulary."""
        entry = self.lookup(kind, text)
        return entry.name if entry else text

    def finder(self, kind: Kind) -> MentionFinder:
        """A compiled finder of this kind's names and aliases in running text."""
        if kind not in self._finders:
            self._finders[kind] = MentionFinder(self._entries[kind])
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
    and entries marked `case_sensitive` match only as written, so ordinary words are not taken for names.
    Forms are grouped by their first letter or digit run, so a text is only tried where a word could start one.
    """

    def __init__(self, entries: list[Entry]) -> None:
        forms: dict[str, Entry] = {}
        for entry in entries:
            for form in entry.forms:
                form = re.sub(r"^(?:the|The)\s+", "", form)  # "The Cancer Genome Atlas" is found without it
                if form.casefold() not in _NOT_NAMES:
                    forms.setdefault(form, entry)
        groups: dict[str, list[str]] = {}
        for form in sorted(forms, key=len, reverse=True):
            first = _RUN.search(form)
            if first:
                groups.setdefault(first.group(0).casefold(), []).append(form)
        self._entries: dict[str, Entry] = {}
        self._source: dict[str, str] = {}  # compiled on first use: most first words never occur in a paper
        self._regex: dict[str, re.Pattern[str]] = {}
        n = 0
        for head, members in groups.items():
            parts = []
            for form in members:
                entry = forms[form]
                exact = bool(entry.attrs.get("case_sensitive")) or not any(c.islower() for c in form)
                body = _pattern(form)
                parts.append(f"(?P<f{n}>{body})" if exact else f"(?P<f{n}>(?i:{body}))")
                self._entries[f"f{n}"] = entry
                n += 1
            self._source[head] = f"(?:{'|'.join(parts)})(?![0-9A-Za-z+])"
        letters = sorted((h for h in groups if h.isalpha()), key=len, reverse=True)
        digits = sorted((h for h in groups if h.isdigit()), key=len, reverse=True)
        alternatives = [f"(?:{'|'.join(map(re.escape, letters))})(?![A-Za-z])"] if letters else []
        alternatives += [f"(?:{'|'.join(digits)})(?![0-9])"] if digits else []
        self._heads = re.compile(f"(?<![0-9A-Za-z])(?:{'|'.join(alternatives) or '(?!x)x'})")

    def _compiled(self, head: str) -> re.Pattern[str]:
        if head not in self._regex:
            self._regex[head] = re.compile(self._source[head])
        return self._regex[head]

    def find(self, text: str) -> list[Mention]:
        """Every mention in `text`, in order, without overlaps."""
        out: list[Mention] = []
        end = 0
        for head in self._heads.finditer(text.translate(_ASCII_LOWER)):  # same length, so offsets hold
            if head.start() < end:
                continue
            m = self._compiled(head.group(0)).match(text, head.start())
            if m:
                out.append(Mention(self._entries[m.lastgroup or ""], m.start(), m.end(), m.group(0)))
                end = m.end()
        return out


_RUN = re.compile(r"[A-Za-z]+|[0-9]+")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_NOT_NAMES = {"other", "others"}
_SEP = r"[\s\-\u2010\u2011\u2012\u2013\u2014_]*"


def _pattern(form: str) -> str:
    """A regex for `form` with flexible separators between its parts and between letters and digits."""
    chunks = [c for c in re.split(r"[\s\-\u2010-\u2014_]+", form) if c]
    out = []
    for chunk in chunks:
        pieces = re.findall(r"[A-Za-z]+|[0-9]+|[^A-Za-z0-9]+", chunk)
        out.append(
            "".join(
                re.escape(p) + (_SEP if j + 1 < len(pieces) and p.isalnum() and pieces[j + 1].isalnum() else "")
                for j, p in enumerate(pieces)
            )
        )
    return _SEP.join(out)


def _form(text: str) -> str:
    return " ".join(text.casefold().split())


def _load_file(kind: Kind) -> list[Entry]:
    raw = tomllib.loads(resources.files(__package__).joinpath(_FILES[kind]).read_text(encoding="utf-8"))
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

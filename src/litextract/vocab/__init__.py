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
        for entry in entries:
            self.add(entry)

    def add(self, entry: Entry) -> None:
        self._entries[entry.kind].append(entry)
        for form in entry.forms:
            self._by_key.setdefault((entry.kind, key(form)), entry)

    def entries(self, kind: Kind) -> list[Entry]:
        return list(self._entries[kind])

    def lookup(self, kind: Kind, text: str | None) -> Entry | None:
        """The entry whose name or alias has the same normalised key as `text`, else None."""
        if not text:
            return None
        return self._by_key.get((kind, key(text)))

    def canonical(self, kind: Kind, text: str | None) -> str | None:
        """The canonical name for `text`, or `text` as written when it is not in the vocabulary."""
        entry = self.lookup(kind, text)
        return entry.name if entry else text


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

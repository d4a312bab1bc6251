"""The review protocol: how a systematic review decides (settings in `litextract.toml`, no database).

- the screening stages and the decisions a reviewer makes at each (include / exclude with a reason / maybe);
- the exclusion reasons (`exclusion_reasons`), a closed list so that PRISMA can count each reason;
- how many reviewers decide each item (`reviewers_required`) and whether they are blind to each other (`blind`);
- the review's own extraction fields (`fields`: QUADAS-2 or CLAIM items, external validation, code available, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from litextract.records import HEADER_FIELDS

STAGES = ("abstract", "full-text")  # title/abstract screening, then full-text eligibility
SCREEN_DECISIONS = ("include", "exclude", "maybe")
VALUE_DECISIONS = ("accept", "edit", "reject")

# Reasons a paper of this field is most often left out of a review of deep learning in medical imaging; a review
# sets its own with `exclusion_reasons` in litextract.toml.
DEFAULT_EXCLUSION_REASONS = [
    "not deep learning",
    "not medical imaging",
    "no quantitative results",
    "not primary research",
    "duplicate",
    "full text not available",
    "other",
]


class ProtocolError(ValueError):
    """A decision the protocol does not allow; the message says why."""


FieldType = Literal["bool", "choice", "text", "number"]
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# papers.csv's own columns (export.TABLES), which a custom field's column must not replace
_TAKEN = {*HEADER_FIELDS, "paper_id", "file", "sha256", "n_pages", "n_datasets", "n_models", "n_results", "sources"}
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


class CustomField(BaseModel):
    """One item of the review's extraction form, filled per paper by each reviewer."""

    name: str = Field(description="lower-case identifier, also its CSV column: letters, digits, _")
    type: FieldType = "text"
    values: list[str] = Field(default_factory=list, description="the allowed values of a `choice` field")
    help: str = ""

    @field_validator("name")
    @classmethod
    def _identifier(cls, name: str) -> str:
        if not _NAME.match(name):
            raise ValueError(f"field name {name!r}: use lower-case letters, digits and _ (a CSV column name)")
        if name in _TAKEN or name.startswith(("abstract_screening", "full_text_screening")):
            raise ValueError(f"field name {name!r} is a column of papers.csv already; choose another")
        return name

    @model_validator(mode="after")
    def _choices(self) -> CustomField:
        if self.type == "choice" and not self.values:
            raise ValueError(f"field {self.name!r} is a choice: give its `values`")
        return self

    def coerce(self, value: Any) -> Any:
        """The value as this field stores it (bool, float, one of `values`, text); None clears it."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        text = str(value).strip()
        if self.type == "bool":
            if isinstance(value, bool):
                return value
            if text.casefold() in _YES | _NO:
                return text.casefold() in _YES
            raise ProtocolError(f"field {self.name}: {text!r} is not yes or no")
        if self.type == "number":
            try:
                return float(text)
            except ValueError:
                raise ProtocolError(f"field {self.name}: {text!r} is not a number") from None
        if self.type == "choice":
            match = next((v for v in self.values if v.casefold() == text.casefold()), None)
            if match is None:
                raise ProtocolError(f"field {self.name}: {text!r} is not one of {', '.join(self.values)}")
            return match
        return text


@dataclass(frozen=True)
class Protocol:
    """What `Settings.protocol()` gives the library: reasons, reviewers and extraction fields of this review."""

    exclusion_reasons: tuple[str, ...] = tuple(DEFAULT_EXCLUSION_REASONS)
    reviewers_required: int = 1  # reviewers whose agreeing decisions settle an item (1 or 2)
    blind: bool = False  # a reviewer does not see another's decision on an item until both decided
    fields: tuple[CustomField, ...] = ()

    @property
    def dual(self) -> bool:
        """Two independent reviewers per item (blind review implies two)."""
        return self.reviewers_required >= 2 or self.blind

    @property
    def required(self) -> int:
        return 2 if self.dual else 1

    def field(self, name: str) -> CustomField:
        found = next((f for f in self.fields if f.name == name), None)
        if found is None:
            known = ", ".join(f.name for f in self.fields) or "none; define them as [[fields]] in litextract.toml"
            raise ProtocolError(f"no extraction field {name!r} (fields: {known})")
        return found

    def reason(self, reason: str | None) -> str:
        """The exclusion reason as the protocol spells it; ProtocolError for one it does not list."""
        text = (reason or "").strip()
        match = next((r for r in self.exclusion_reasons if r.casefold() == text.casefold()), None)
        if match is None:
            raise ProtocolError(
                f"exclusion reason {text!r} is not in exclusion_reasons: {', '.join(self.exclusion_reasons)}"
            )
        return match


SINGLE = Protocol()

"""The response model the LLM fills for one chunk: every value with the page and the verbatim quote it came from.

There is deliberately no `verified` field: the model cannot claim a value is verified; the grounding check
decides that by finding the quote on the page.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from litextract.records import VenueType

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
Split = Literal["test", "validation", "cross-validation", "external"]
_SPLITS = ("cross-validation", "external", "validation", "test")  # most specific first


def _empty_if_null(value: Any) -> Any:
    """Models often write `null` for an empty list; read it as empty rather than re-asking."""
    return [] if value is None else value


class Quoted(BaseModel):
    page: int = Field(ge=1, description="the N of the '=== page N ===' section the quote is from")
    quote: str = Field(min_length=3, description="verbatim span of that page showing the value")


class TextFact(Quoted):
    value: str = Field(min_length=1)


class YearFact(Quoted):
    value: int = Field(ge=1900, le=2100)


class VenueTypeFact(Quoted):
    value: VenueType


class FlagFact(Quoted):
    value: bool


class LLMPaper(BaseModel):
    title: TextFact | None = None
    year: YearFact | None = None
    venue: TextFact | None = None
    venue_type: VenueTypeFact | None = None
    uses_deep_learning: FlagFact | None = None
    uses_medical_imaging: FlagFact | None = None


class LLMDataset(Quoted):
    name: str = Field(min_length=1, description="the dataset name as written")
    modality: str | None = Field(default=None, description="e.g. CT, MRI, X-ray, histopathology, ultrasound")
    body_part: str | None = None
    size: str | None = Field(default=None, description="the size as stated, e.g. '1,012 CT scans of 875 patients'")
    patients: int | None = Field(default=None, ge=0)
    scans: int | None = Field(default=None, ge=0)
    images: int | None = Field(default=None, ge=0)
    slices: int | None = Field(default=None, ge=0)
    tasks: list[str] = Field(default_factory=list, description="e.g. classification, segmentation, detection")
    public: bool | None = None
    url: str | None = None

    _tasks = field_validator("tasks", mode="before")(_empty_if_null)


class LLMModel(Quoted):
    name: str = Field(min_length=1, description="the model as the paper calls it")
    backbone: str | None = Field(default=None, description="architecture, e.g. ResNet-50, U-Net, ViT-B/16")
    task: str | None = None
    proposed: bool = Field(default=False, description="true for the model this paper proposes")
    pretrained: str | None = Field(default=None, description="'ImageNet', 'none', or the pretraining as stated")


class LLMResult(Quoted):
    model: str = Field(min_length=1)
    dataset: str | None = None
    metric: str = Field(min_length=1, description="e.g. accuracy, AUC, Dice, HD95, sensitivity")
    value: float = Field(description="a fraction for percentages (91.2% -> 0.912), else the printed number")
    as_printed: str = Field(min_length=1, description="the number exactly as printed, e.g. '91.2%' or '0.912'")
    split: Split | None = None

    @field_validator("split", mode="before")
    @classmethod
    def _known_split(cls, value: Any) -> Any:
        """A split outside the four known ones (e.g. "Test set", "5-fold") is read leniently or dropped."""
        if not isinstance(value, str):
            return value
        text = value.strip().lower()
        return next(
            (s for s in _SPLITS if s in text or (s == "cross-validation" and ("fold" in text or "cross" in text))),
            None,
        )

    @model_validator(mode="after")
    def _value_matches_print(self) -> LLMResult:
        """`value` must be the printed number, or that number / 100 for a percentage."""
        printed = [float(n) for n in _NUMBER.findall(self.as_printed.replace(",", ""))]
        if printed and not any(abs(self.value - p) <= 1e-6 * max(1.0, abs(p)) for n in printed for p in (n, n / 100)):
            raise ValueError(f"value {self.value} does not match as_printed {self.as_printed!r}")
        return self


class LLMExtraction(BaseModel):
    """What one chunk of a paper states, each value with its page and verbatim quote."""

    paper: LLMPaper = Field(default_factory=LLMPaper)
    datasets: list[LLMDataset] = Field(default_factory=list)
    models: list[LLMModel] = Field(default_factory=list)
    results: list[LLMResult] = Field(default_factory=list)

    _lists = field_validator("datasets", "models", "results", mode="before")(_empty_if_null)

    @field_validator("paper", mode="before")
    @classmethod
    def _paper(cls, value: Any) -> Any:
        return {} if value is None else value

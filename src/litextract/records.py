"""Extracted records (pydantic v2). Every extracted value carries the evidence it came from."""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, Field

Task = str  # canonical task names live in the vocabulary (vocab/tasks.toml)
VenueType = Literal["journal", "conference", "preprint", "thesis", "report", "book-chapter"]


class Evidence(BaseModel):
    """Where a value was read: a page and a quote from that page's text.

    `verified` is never set by an extractor: the grounding check sets it by finding the quote on the page.
    """

    page: int = Field(ge=1, description="1-based page number the quote is on")
    quote: str = Field(min_length=1, description="verbatim text from that page supporting the value")
    verified: bool = False
    score: float | None = Field(default=None, description="grounding score 0-100 of the quote on the page")
    source: str = Field(default="offline", description="extractor that produced the value")


class DatasetSize(BaseModel):
    patients: int | None = None
    scans: int | None = None
    images: int | None = None
    slices: int | None = None
    text: str | None = Field(default=None, description="the size as stated in the paper")


class Dataset(BaseModel):
    name: str = Field(description="canonical dataset name when known, else as written")
    mention: str | None = Field(default=None, description="the name as written in the paper")
    modality: str | None = None
    body_part: str | None = None
    size: DatasetSize = Field(default_factory=DatasetSize)
    tasks: list[Task] = Field(default_factory=list)
    public: bool | None = None
    url: str | None = None
    evidence: Evidence

    @property
    def key(self) -> str:
        return self.name.casefold()


class Model(BaseModel):
    name: str = Field(description="the model as the paper calls it")
    backbone: str | None = Field(default=None, description="canonical architecture, e.g. ResNet-50, U-Net")
    task: Task | None = None
    proposed: bool = False
    pretrained: str | None = Field(default=None, description="ImageNet | none | other text")
    evidence: Evidence

    @property
    def key(self) -> str:
        return self.name.casefold()


KEY_QUALIFIERS = ("target", "split", "setting")  # the qualifiers that make two results different records


class Result(BaseModel):
    model: str
    backbone: str | None = None
    dataset: str | None = None
    metric: str = Field(description="canonical metric name, lower case: accuracy, auc, dice, hd95, ...")
    value: float = Field(description="a fraction for percentages; distances keep their printed value")
    as_printed: str
    split: str | None = Field(default=None, description="test | validation | cross-validation | external | train")
    target: str | None = Field(
        default=None, description="the class, organ, sub-region or lesion size the value is for; None = overall"
    )
    setting: str | None = Field(
        default=None, description="what else sets this value apart, as printed: 'ablation', 'trained on STARE', ..."
    )
    source: Literal["paper", "cited"] = Field(
        default="paper",
        description="'cited': a number the paper quotes from other work (a cited row, a literature table)",
    )
    proposed: bool = Field(default=False, description="a result of the paper's own model or one of its variants")
    headline: bool = Field(
        default=False,
        description="what a comparison table keeps: the own model's overall results, each table's strongest baseline",
    )
    std: float | None = Field(default=None, description="the standard deviation printed with the value (± or (sd))")
    ci_low: float | None = Field(default=None, description="the confidence interval printed with the value")
    ci_high: float | None = None
    evidence: Evidence

    @property
    def key(self) -> str:
        """Model, dataset, metric and value, then the qualifiers that are set (so a record without them keeps
        the key it had before they existed): BraTS WT and TC, or internal and external test, are two records."""
        base = "|".join([self.model.casefold(), (self.dataset or "").casefold(), self.metric, f"{self.value:.6g}"])
        extra = [f"{q}={v.casefold()}" for q in KEY_QUALIFIERS if (v := getattr(self, q))]
        return "|".join([base, *extra])


class Paper(BaseModel):
    title: str | None = None
    authors: list[str] = Field(default_factory=list)
    year: int | None = None
    venue: str | None = None
    venue_type: VenueType | None = None
    doi: str | None = None
    arxiv_id: str | None = None
    uses_deep_learning: bool | None = None
    uses_medical_imaging: bool | None = None
    evidence: dict[str, Evidence] = Field(default_factory=dict, description="evidence per header field")


HEADER_FIELDS: tuple[str, ...] = tuple(name for name in Paper.model_fields if name != "evidence")


class Extraction(BaseModel):
    """Everything extracted from one paper by one extractor (or a combination of them)."""

    paper: Paper = Field(default_factory=Paper)
    datasets: list[Dataset] = Field(default_factory=list)
    models: list[Model] = Field(default_factory=list)
    results: list[Result] = Field(default_factory=list)
    extractor: str = "offline"


class ExtraEvidence(BaseModel, frozen=True):
    """Evidence of a duplicate record that was collapsed into the record with this `kind` and `key`."""

    kind: str
    key: str
    evidence: Evidence
    mention: str | None = None


def record_id(paper_id: str, kind: str, key: str) -> str:
    """A stable id for a record, so review decisions survive re-extraction of the same paper."""
    return hashlib.sha1(f"{paper_id}|{kind}|{key}".encode()).hexdigest()[:16]

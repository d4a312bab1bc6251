"""Extracted records (pydantic v2). Every extracted value carries the evidence it came from."""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, Field

Task = str  # canonical task names live in the vocabulary (vocab/tasks.toml)
VenueType = Literal["journal", "conference", "preprint", "thesis", "report", "book-chapter"]
# what a paper does with a dataset: "used" in its own experiments (setup, results or dataset tables), or only
# "mentioned" (related work, others' results); only used ones are the paper's datasets
DatasetRole = Literal["used", "mentioned"]


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
    role: DatasetRole = Field(default="used", description="used in the paper's experiments, or only mentioned")
    in_vocabulary: bool | None = Field(
        default=None, description="linked to an entry of the dataset vocabulary (false: a name the catalogue lacks)"
    )
    evidence: Evidence

    @property
    def key(self) -> str:
        return self.name.casefold()


class Model(BaseModel):
    name: str = Field(description="the model as the paper calls it")
    mention: str | None = Field(default=None, description="the name as written where it was found")
    backbone: str | None = Field(default=None, description="canonical architecture, e.g. ResNet-50, U-Net")
    task: Task | None = None
    proposed: bool = False
    pretrained: str | None = Field(default=None, description="ImageNet | none | other text")
    evidence: Evidence

    @property
    def key(self) -> str:
        return self.name.casefold()


class Result(BaseModel):
    model: str
    backbone: str | None = None
    dataset: str | None = None
    metric: str = Field(description="canonical metric name, lower case: accuracy, auc, dice, hd95, ...")
    value: float = Field(description="a fraction for percentages; distances keep their printed value")
    as_printed: str
    split: str | None = Field(default=None, description="test | validation | cross-validation | external")
    evidence: Evidence

    @property
    def key(self) -> str:
        return "|".join([self.model.casefold(), (self.dataset or "").casefold(), self.metric, f"{self.value:.6g}"])


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
    # Like Document.warnings: what went wrong on the way without failing the paper (a record dropped because its
    # fields were invalid); not records: whoever stores the paper stores them as errors of the run.
    warnings: dict[str, str] = Field(default_factory=dict, description="stage -> reason of a non-fatal fault")

    @property
    def used_datasets(self) -> list[Dataset]:
        """The paper's datasets: those it uses, not those it only mentions."""
        return [d for d in self.datasets if d.role == "used"]


class ExtraEvidence(BaseModel, frozen=True):
    """Evidence of a duplicate record that was collapsed into the record with this `kind` and `key`."""

    kind: str
    key: str
    evidence: Evidence
    mention: str | None = None


def record_id(paper_id: str, kind: str, key: str) -> str:
    """A stable id for a record, so review decisions survive re-extraction of the same paper."""
    return hashlib.sha1(f"{paper_id}|{kind}|{key}".encode()).hexdigest()[:16]

"""Extracted records (pydantic v2). Every extracted value carries the evidence it came from.

The models are also where a record's fields are declared for everything else: the database columns a record is
stored in, the CSV export, the fields a reviewer may edit and the CLI's tables all come from `stored_fields`,
with a field's `Column` mark saying where it is left out. A new field is one edit here plus a migration.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal, get_origin

from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema

Task = str  # canonical task names live in the vocabulary (vocab/tasks.toml)
VenueType = Literal["journal", "conference", "preprint", "thesis", "report", "book-chapter"]
# what a paper does with a dataset: "used" in its own experiments (setup, results or dataset tables), or only
# "mentioned" (related work, others' results); only used ones are the paper's datasets
DatasetRole = Literal["used", "mentioned"]


@dataclass(frozen=True)
class Column:
    """Where a record field shows beside its database column (the mark on a field; unmarked: everywhere)."""

    export: bool = True  # a column of the CSV export (and the dashboard's Excel download)
    edit: bool = True  # a reviewer may correct it (store.decisions, the dashboard's review forms)
    listed: bool = True  # a column of the CLI's tables (`litextract papers`, `show`), which must fit 80 columns
    export_as: str | None = None  # its CSV column name, when not the field's


class Evidence(BaseModel):
    """Where a value was read: a page and a quote from that page's text.

    `verified` is never set by an extractor: the grounding check sets it by finding the quote on the page.
    """

    page: int = Field(ge=1, description="1-based page number the quote is on")
    quote: str = Field(min_length=1, description="verbatim text from that page supporting the value")
    verified: bool = False
    score: float | None = Field(default=None, description="grounding score 0-100 of the quote on the page")
    source: str = Field(default="offline", description="extractor that produced the value")
    bbox: tuple[float, float, float, float] | None = Field(
        default=None,
        description="where the quote is on the page (PDF points x0, y0, x1, y1): set by the extractor that read the"
        " value from a known place (a table cell), else by grounding when the quote is found once on the page",
    )


class DatasetSize(BaseModel):
    text: str | None = Field(default=None, description="the size as stated in the paper")
    patients: Annotated[int | None, Column(listed=False)] = None
    scans: Annotated[int | None, Column(listed=False)] = None
    images: Annotated[int | None, Column(listed=False)] = None
    slices: Annotated[int | None, Column(listed=False)] = None


class Dataset(BaseModel):
    name: Annotated[str, Column(export_as="dataset")] = Field(
        description="canonical dataset name when known, else as written"
    )
    mention: Annotated[str | None, Column(edit=False, listed=False)] = Field(
        default=None, description="the name as written in the paper"
    )
    modality: str | None = None
    body_part: str | None = None
    size: DatasetSize = Field(default_factory=DatasetSize)
    tasks: list[Task] = Field(default_factory=list)
    public: Annotated[bool | None, Column(listed=False)] = None
    url: Annotated[str | None, Column(listed=False)] = None
    role: DatasetRole = Field(default="used", description="used in the paper's experiments, or only mentioned")
    in_vocabulary: Annotated[bool | None, Column(edit=False, listed=False)] = Field(
        default=None, description="linked to an entry of the dataset vocabulary (false: a name the catalogue lacks)"
    )
    evidence: Evidence

    @property
    def key(self) -> str:
        return record_key("dataset", vars(self))


class Model(BaseModel):
    name: Annotated[str, Column(export_as="model")] = Field(description="the model as the paper calls it")
    backbone: str | None = Field(default=None, description="canonical architecture, e.g. ResNet-50, U-Net")
    task: Task | None = None
    proposed: bool = False
    pretrained: str | None = Field(default=None, description="ImageNet | none | other text")
    mention: Annotated[str | None, Column(edit=False, listed=False)] = Field(
        default=None, description="the name as written (the name may be the canonical one of an architecture)"
    )
    evidence: Evidence

    @property
    def key(self) -> str:
        return record_key("model", vars(self))


class Result(BaseModel):
    model: str
    backbone: Annotated[str | None, Column(listed=False)] = None
    dataset: str | None = None
    metric: str = Field(description="canonical metric name, lower case: accuracy, auc, dice, hd95, ...")
    value: float = Field(description="a fraction for percentages; distances keep their printed value")
    as_printed: str
    split: str | None = Field(default=None, description="test | validation | cross-validation | external | train")
    target: Annotated[str | None, Column(listed=False)] = Field(
        default=None, description="the class, organ, sub-region or lesion size the value is for; None = overall"
    )
    setting: Annotated[str | None, Column(listed=False)] = Field(
        default=None, description="what else sets this value apart, as printed: 'ablation', 'trained on STARE', ..."
    )
    source: Annotated[Literal["paper", "cited"], Column(listed=False)] = Field(
        default="paper",
        description="'cited': a number the paper quotes from other work (a cited row, a literature table)",
    )
    proposed: Annotated[bool, Column(listed=False)] = Field(
        default=False, description="a result of the paper's own model or one of its variants"
    )
    headline: Annotated[bool, Column(listed=False)] = Field(
        default=False,
        description="what a comparison table keeps: the own model's overall results, each table's strongest baseline",
    )
    std: Annotated[float | None, Column(listed=False)] = Field(
        default=None, description="the standard deviation printed with the value (± or (sd))"
    )
    ci_low: Annotated[float | None, Column(listed=False)] = Field(
        default=None, description="the confidence interval printed with the value"
    )
    ci_high: Annotated[float | None, Column(listed=False)] = None
    evidence: Evidence

    @property
    def key(self) -> str:
        return record_key("result", vars(self))


class Paper(BaseModel):
    title: str | None = None
    authors: Annotated[list[str], Column(listed=False)] = Field(default_factory=list)
    year: int | None = None
    venue: str | None = None
    venue_type: Annotated[VenueType | None, Column(listed=False)] = None
    doi: Annotated[str | None, Column(listed=False)] = None
    arxiv_id: Annotated[str | None, Column(listed=False)] = None
    uses_deep_learning: Annotated[bool | None, Column(listed=False)] = None
    uses_medical_imaging: Annotated[bool | None, Column(listed=False)] = None
    evidence: dict[str, Evidence] = Field(default_factory=dict, description="evidence per header field")


HEADER_FIELDS: tuple[str, ...] = tuple(name for name in Paper.model_fields if name != "evidence")
RECORD_MODELS: dict[str, type[BaseModel]] = {"paper": Paper, "dataset": Dataset, "model": Model, "result": Result}


@dataclass(frozen=True)
class StoredField:
    """A record field as a database column: a nested field is flattened (`size.text` is column `size_text`)."""

    name: str
    path: tuple[str, ...]
    type: Any  # what a value must be (a reviewer's edit is validated against it)
    column: Column

    @property
    def export_name(self) -> str:
        return self.column.export_as or self.name

    @property
    def is_list(self) -> bool:
        return get_origin(self.type) is list

    def value(self, record: BaseModel) -> Any:
        found: Any = record
        for part in self.path:
            found = getattr(found, part)
        return found


@cache
def stored_fields(kind: str) -> tuple[StoredField, ...]:
    """The fields of a paper header, dataset, model or result as stored, in declaration order (no evidence)."""

    def fields(model: type[BaseModel], prefix: tuple[str, ...]) -> list[StoredField]:
        out = []
        for name, info in model.model_fields.items():
            annotation = info.annotation
            if name == "evidence":
                continue
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                out += fields(annotation, (*prefix, name))
                continue
            column = next((m for m in info.metadata if isinstance(m, Column)), Column())
            out.append(StoredField("_".join((*prefix, name)), (*prefix, name), annotation, column))
        return out

    return tuple(fields(RECORD_MODELS[kind], ()))


class LLMCall(BaseModel):
    """One chunk's request to an LLM: all its attempts, or the cache hit or budget skip that replaced them."""

    model: str
    prompt_version: str
    chunk: int = Field(description="0-based chunk index within the paper")
    pages: str = Field(description="pages in the chunk, e.g. '3-5'")
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_s: float = 0.0
    attempts: int = 0
    outcome: str = "ok"
    error: str | None = None
    cached: bool = False

    @property
    def retries(self) -> int:
        return max(0, self.attempts - 1)


class Extraction(BaseModel):
    """Everything extracted from one paper by one extractor (or a combination of them)."""

    paper: Paper = Field(default_factory=Paper)
    datasets: list[Dataset] = Field(default_factory=list)
    models: list[Model] = Field(default_factory=list)
    results: list[Result] = Field(default_factory=list)
    extractor: str = "offline"
    # Like Document.warnings: what happened on the way (an LLM failed on some chunks, a record was dropped for an
    # invalid field; every request it made). Not records (left out of the JSON Schema): whoever stores the paper
    # stores them with the run they belong to.
    warnings: SkipJsonSchema[dict[str, str]] = Field(
        default_factory=dict, description="stage -> reason of a non-fatal fault (stored as an error of the run)"
    )
    llm_calls: SkipJsonSchema[list[LLMCall]] = Field(default_factory=list, description="the LLM requests made")

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


KEY_QUALIFIERS = ("target", "setting")  # what makes two results of one value different records, when set
KEY_FIELDS = {
    "dataset": ("name",),
    "model": ("name",),
    "result": ("model", "dataset", "metric", "value", *KEY_QUALIFIERS),
}


def record_key(kind: str, values: Mapping[str, Any]) -> str:
    """What makes two records of one paper the same record, from a record's fields or a stored row.

    A dataset or a model: its name, case-folded. A result: its model and dataset (case-folded), metric and value
    (6 significant digits), so 0.9 and 0.90000001 are one value; then its target and setting when set (BraTS WT
    and TC of one value are two records), so a result without them keeps the key it had before they existed. The
    split is not part of it: a value restated without its split is the same record, and a stored record that had
    a split keeps its id. Records of one paper with one key are one record (`collapse`, `combine`); the key is
    what the record's id is made from (`record_id`), and it is stored with each row (`record_key`, migration 007)
    for `dedupe` to find stored duplicates by.
    """
    if kind == "result":
        model, dataset, metric, value = (values[name] for name in KEY_FIELDS["result"][:4])
        number = "" if value is None else f"{value:.6g}"
        extra = [f"{q}={v.casefold()}" for q in KEY_QUALIFIERS if (v := values.get(q))]
        return "|".join([model.casefold(), (dataset or "").casefold(), metric, number, *extra])
    return str(values["name"]).casefold()


def record_id(paper_id: str, kind: str, key: str) -> str:
    """A stable id for a record, so review decisions survive re-extraction of the same paper."""
    return hashlib.sha1(f"{paper_id}|{kind}|{key}".encode()).hexdigest()[:16]

"""Gold annotations: one `X.gold.json` per paper `X.pdf`, as described in docs/gold-format.md.

`load_gold` reads and validates one file; nulls where a list is expected read as empty lists, and unknown keys
are refused so that a misspelt field is not silently ignored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from litextract.records import VenueType

SUFFIX = ".gold.json"


class GoldError(Exception):
    """A gold file that cannot be read or does not follow the format; the message names the file and why."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _list(value: Any) -> Any:
    return [] if value is None else value


class GoldSize(_Strict):
    patients: int | None = None
    images: int | None = None
    scans: int | None = None
    slices: int | None = None
    text: str | None = None


class GoldDataset(_Strict):
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    modality: str | None = None
    body_part: str | None = None
    size: GoldSize = Field(default_factory=GoldSize)
    tasks: list[str] = Field(default_factory=list)
    public: bool | None = None
    url: str | None = None

    _nulls = field_validator("aliases", "tasks", mode="before")(_list)

    @field_validator("size", mode="before")
    @classmethod
    def _size(cls, value: Any) -> Any:
        return {} if value is None else value


class GoldModel(_Strict):
    name: str = Field(min_length=1)
    backbone: str | None = None
    task: str | None = None
    proposed: bool | None = None
    pretrained: str | None = None


class GoldResult(_Strict):
    model: str = Field(min_length=1)
    dataset: str | None = None
    metric: str = Field(min_length=1)
    value: float
    as_printed: str | None = None
    split: str | None = None
    where: str | None = None


class Gold(_Strict):
    """What a literature reviewer puts in the comparison tables for one paper."""

    file: str = Field(min_length=1, description="the PDF's file name, X.pdf")
    sha256: str | None = Field(default=None, description="sha256 of the PDF, when the annotator recorded it")
    title: str | None = None
    year: int | None = None
    venue: str | None = None
    venue_type: VenueType | None = None
    doi: str | None = None
    arxiv_id: str | None = None
    uses_deep_learning: bool | None = None
    uses_medical_imaging: bool | None = None
    datasets: list[GoldDataset] = Field(default_factory=list)
    models: list[GoldModel] = Field(default_factory=list)
    results: list[GoldResult] = Field(default_factory=list)
    notes: str | None = Field(default=None, description="the annotator's remarks; scorers ignore them")

    _nulls = field_validator("datasets", "models", "results", mode="before")(_list)

    def dataset(self, name: str | None) -> GoldDataset | None:
        """The gold dataset with this exact name, or None."""
        return next((d for d in self.datasets if d.name == name), None)


def load_gold(path: Path) -> Gold:
    """The validated gold annotation in `path`; GoldError with a one-line reason when it is unusable."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise GoldError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GoldError(f"{path}: not valid JSON: {exc}") from exc
    try:
        return Gold.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "file"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise GoldError(f"{path}: {where}: {first['msg']}{more}") from exc


def gold_files(folder: Path) -> list[Path]:
    """The gold files directly in `folder`, sorted by name."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith(SUFFIX))

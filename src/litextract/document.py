"""The parsed paper: one representation every parser produces and every extractor reads."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, model_validator

BBox = tuple[float, float, float, float]


class Block(BaseModel):
    """A text block on a page, in reading order, with its layout hints."""

    text: str
    bbox: BBox
    font_size: float | None = None
    bold: bool = False


class Page(BaseModel):
    """One page: its plain text (what evidence quotes are checked against) and its blocks."""

    number: int = Field(description="1-based page number")
    text: str
    blocks: list[Block] = Field(default_factory=list)
    width: float = 0.0
    height: float = 0.0


class Section(BaseModel):
    heading: str
    page: int
    text: str = ""


class Cell(BaseModel):
    """One cell of a table grid: its text, the 0-based row and column of its top-left corner, and its span.

    A header label over several columns ("Dice" over WT, TC, ET) has `col_span` > 1; a row label printed once for a
    block of rows (a multirow dataset or setting name) has `row_span` > 1; a section row naming what the rows below
    it share ("Trained on STARE") spans the whole table.
    """

    text: str
    row: int
    col: int
    row_span: int = 1
    col_span: int = 1
    bbox: BBox | None = None


class Table(BaseModel):
    """A table as a grid of cells: header rows on top (each value column gets its header path), stub columns on
    the left (the row labels), spanning cells for group labels, and the caption, number and footnotes.

    `continued` marks the part of a table printed on a later page ("Table 3 (continued)" or the same number
    again); its `number` is the first part's.
    """

    page: int
    number: str | None = Field(default=None, description='"3", "IV", "S1" as printed after "Table"')
    caption: str | None = None
    cells: list[Cell] = Field(default_factory=list)
    n_rows: int = 0
    n_cols: int = 0
    header_rows: int = Field(default=0, description="the first rows that hold column labels")
    stub_cols: int = Field(default=1, description="the first columns that hold row labels")
    footnotes: list[str] = Field(default_factory=list)
    bbox: BBox | None = None
    continued: bool = False
    source: str = "pymupdf"

    @model_validator(mode="before")
    @classmethod
    def _from_rows(cls, data: Any) -> Any:
        """`rows=[[...], ...]` (a header row, then body rows), the form older stored documents and simple
        parsers give, as cells."""
        if isinstance(data, dict) and "rows" in data and not data.get("cells"):
            data = dict(data)
            rows = data.pop("rows") or []
            data["cells"] = [
                Cell(text=text, row=i, col=j) for i, row in enumerate(rows) for j, text in enumerate(row) if text
            ]
            data["n_rows"] = len(rows)
            data["n_cols"] = max((len(r) for r in rows), default=0)
            data.setdefault("header_rows", 1 if rows else 0)
        return data

    def grid(self, fill: bool = False) -> list[list[str]]:
        """The cells' texts as rows × columns; a spanning cell's text at its top-left only, or (`fill`) in
        every position it covers."""
        out = [[""] * self.n_cols for _ in range(self.n_rows)]
        for c in self.cells:
            for i in range(c.row, min(c.row + (c.row_span if fill else 1), self.n_rows)):
                for j in range(c.col, min(c.col + (c.col_span if fill else 1), self.n_cols)):
                    out[i][j] = c.text
        return out

    def header_path(self, col: int) -> tuple[str, ...]:
        """The labels over a column, top to bottom ("Dice", "WT"); a label repeated over two levels once."""
        path: list[str] = []
        for c in sorted(self.cells, key=lambda c: c.row):
            over = c.row < self.header_rows and c.col <= col < c.col + c.col_span
            if over and c.text and (not path or path[-1] != c.text):
                path.append(c.text)
        return tuple(path)

    def header_paths(self) -> list[tuple[str, ...]]:
        """`header_path` of every column, in one pass over the cells."""
        paths: list[list[str]] = [[] for _ in range(self.n_cols)]
        for c in sorted(self.cells, key=lambda c: c.row):
            if c.row < self.header_rows and c.text:
                for path in paths[c.col : c.col + c.col_span]:
                    if not path or path[-1] != c.text:
                        path.append(c.text)
        return [tuple(p) for p in paths]

    @property
    def rows(self) -> list[list[str]]:
        """A flat view: one header row (each column's header path joined), then the body rows with spanning
        labels filled in."""
        grid = self.grid(fill=True)
        header = [" ".join(path) for path in self.header_paths()]
        return ([header] if self.header_rows else []) + grid[self.header_rows :]


class Header(BaseModel):
    """Bibliographic header metadata, as far as the parser could tell."""

    title: str | None = None
    authors: list[str] = Field(default_factory=list)
    affiliations: list[str] = Field(default_factory=list)
    year: int | None = None
    venue: str | None = None
    venue_type: str | None = Field(default=None, description="journal | conference | preprint | thesis | report")
    doi: str | None = None
    arxiv_id: str | None = None
    abstract: str | None = None


class Document(BaseModel):
    """A parsed PDF. `field_sources` names the parser that produced each header field."""

    file: str = Field(description="file name as found on disk")
    path: str
    sha256: str
    n_pages: int
    pages: list[Page]
    sections: list[Section] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    figures: list[str] = Field(default_factory=list, description="figure captions")
    references: list[str] = Field(default_factory=list)
    header: Header = Field(default_factory=Header)
    parser: str = "pymupdf"
    field_sources: dict[str, str] = Field(default_factory=dict)
    warnings: dict[str, str] = Field(default_factory=dict, description="stage → reason of a non-fatal fallback")

    def page(self, number: int) -> Page | None:
        """The page with this 1-based number, or None."""
        if 1 <= number <= len(self.pages):
            return self.pages[number - 1]
        return None

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.pages)

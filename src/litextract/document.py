"""The parsed paper: one representation every parser produces and every extractor reads."""

from __future__ import annotations

from pydantic import BaseModel, Field

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


class Table(BaseModel):
    """A table as rows of cell strings; the first row is the header when the parser found one."""

    page: int
    caption: str | None = None
    rows: list[list[str]] = Field(default_factory=list)
    bbox: BBox | None = None
    source: str = "pymupdf"


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

"""The default parser: PyMuPDF text, blocks and tables, plus header metadata read from the layout."""

from __future__ import annotations

import re
from pathlib import Path

import pymupdf

from litextract.document import Block, Document, Page, Section, Table
from litextract.parse import ParseError
from litextract.parse.header import HEADER_PAGES, Line, cover_like, header_from_text
from litextract.parse.tables import tables_from_words
from litextract.parse.tables.geometry import rules_of, split_superscripts

pymupdf.no_recommend_layout()  # no "Consider using the pymupdf_layout package" message on stdout
pymupdf.TOOLS.mupdf_display_errors(False)  # MuPDF's messages are kept (mupdf_warnings) and reported per file

_TABLE_CAPTION = re.compile(r"^\s*(Table|TABLE)\s+([0-9]+|[IVX]+)\b", re.M)
_GLUED_MARK = re.compile(r"[A-Za-z)\]]\d{1,3}(?:,\d{1,3})*$|[a-z)][*†‡]$")
_HEADING = re.compile(
    r"^\s*((?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,4}\.)\s+[A-Z][^\n]{2,80}|Abstract|ABSTRACT|References|REFERENCES)\s*$",
    re.M,
)


class PyMuPDFParser:
    """Parses with PyMuPDF only; needs no server."""

    name = "pymupdf"

    def __init__(self, max_pages: int = 500, tables: bool = True) -> None:
        self.max_pages = max_pages
        self.tables = tables

    def parse(self, path: Path, data: bytes, sha256: str) -> Document:
        pymupdf.TOOLS.reset_mupdf_warnings()  # what MuPDF reports from here on is about this file
        doc = _open(data)
        try:
            if doc.page_count > self.max_pages:
                raise ParseError(
                    f"{doc.page_count} pages is over the limit of {self.max_pages} (LITEXTRACT_MAX_PAGES)"
                )
            pages: list[Page] = []
            tables: list[Table] = []
            lines: list[Line] = []
            for page in doc.pages():
                fonts = page.number == 0 or (page.number < HEADER_PAGES and cover_like(pages[0].text))
                page_obj, page_tables, page_lines = self._page(page, fonts)
                pages.append(page_obj)
                tables.extend(page_tables)
                lines.extend(page_lines)
            if not any(p.text.strip() for p in pages):
                # no text: a damaged file MuPDF could not read, or really only images
                damage = pymupdf.TOOLS.mupdf_warnings()
                raise ParseError(
                    _damaged(damage) if damage else "no text layer (scanned pages?); run OCR first, e.g. ocrmypdf"
                )
            header = header_from_text(pages, doc.metadata or {}, lines)
        except ParseError:
            raise
        except Exception as exc:  # PyMuPDF raises plain RuntimeErrors on damaged content
            raise ParseError(_damaged(str(exc))) from exc
        finally:
            doc.close()
        return Document(
            file=path.name,
            path=str(path),
            sha256=sha256,
            n_pages=len(pages),
            pages=pages,
            sections=_sections(pages),
            tables=tables,
            header=header,
            parser=self.name,
            field_sources={k: self.name for k, v in header.model_dump().items() if v},
        )

    def _page(self, page: pymupdf.Page, fonts: bool) -> tuple[Page, list[Table], list[Line]]:
        textpage = page.get_textpage()
        raw_blocks = [b for b in textpage.extractBLOCKS() if b[6] == 0]
        text = "".join(b[4] for b in raw_blocks)  # what extractText() gives, without a second pass over the page
        number = page.number + 1
        lines: list[Line] = []
        page_dict = None
        if fonts:  # font sizes for the title, read on the first page(s) only (speed)
            page_dict = textpage.extractDICT()
            blocks, lines = _dict_blocks(page_dict, number)
        else:
            blocks = [Block(text=b[4].strip(), bbox=(b[0], b[1], b[2], b[3])) for b in raw_blocks if b[4].strip()]
        tables: list[Table] = []
        if self.tables and _TABLE_CAPTION.search(text):
            words = [(w[0], w[1], w[2], w[3], w[4], w[5]) for w in textpage.extractWORDS()]
            if any(_GLUED_MARK.search(w[4]) for w in words):  # a mark set close after a word: maybe superscript
                words = split_superscripts(words, page_dict or textpage.extractDICT())
            tables = tables_from_words(words, number, page.rect.width, _rules(page))
        page_obj = Page(number=number, text=text, blocks=blocks, width=page.rect.width, height=page.rect.height)
        return page_obj, tables, lines


def _rules(page: pymupdf.Page) -> list:
    rules = rules_of(page.get_cdrawings())
    return rules.horizontal + rules.vertical


def _open(data: bytes) -> pymupdf.Document:
    if not data:
        raise ParseError("empty file (0 bytes)")
    if b"%PDF-" not in data[:1024]:
        raise ParseError("not a PDF (no %PDF- signature)")
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:
        raise ParseError(f"cannot open PDF: {exc}") from exc
    try:  # a damaged page tree (a Count of two billion, Kids that contain themselves) fails here
        encrypted, n_pages = doc.needs_pass, doc.page_count
    except Exception as exc:
        doc.close()
        raise ParseError(_damaged(str(exc))) from exc
    if encrypted:
        doc.close()
        raise ParseError("encrypted PDF (password required)")
    if n_pages == 0:
        doc.close()
        raise ParseError("PDF has no pages (truncated or damaged)")
    return doc


_MUPDF_CODE = re.compile(r"^code=\d+: ")
_TOO_DEEP = ("stack overflow", "nesting")  # MuPDF's words when objects nest deeper than it recurses


def _damaged(messages: str) -> str:
    """The one-line reason for a file MuPDF reported errors on (its first message, the most specific)."""
    lines = [_MUPDF_CODE.sub("", line).strip() for line in messages.splitlines() if line.strip()]
    first = lines[0] if lines else "unreadable"
    if any(word in line.lower() for line in lines for word in _TOO_DEEP):
        return f"damaged PDF structure: nesting too deep (MuPDF: {first})"
    return f"damaged PDF structure: {first}"


def _dict_blocks(data: dict, number: int) -> tuple[list[Block], list[Line]]:
    """Blocks with their largest font size and bold flag, and every text line with its font size."""
    blocks, lines = [], []
    for b in data.get("blocks", []):
        if b.get("type") != 0:
            continue
        texts, sizes, bold = [], [], False
        for line in b.get("lines", []):
            spans = [s for s in line.get("spans", []) if s.get("text", "").strip()]
            if not spans:
                continue
            line_text = "".join(s["text"] for s in line["spans"]).strip()
            size = max(s["size"] for s in spans)
            line_bold = any(s.get("flags", 0) & 16 for s in spans)
            texts.append(line_text)
            sizes.append(size)
            bold = bold or line_bold
            lines.append(Line(page=number, text=line_text, size=round(size, 1), bold=line_bold, y=line["bbox"][1]))
        if texts:
            blocks.append(Block(text="\n".join(texts), bbox=tuple(b["bbox"]), font_size=max(sizes), bold=bold))
    return blocks, lines


def _sections(pages: list[Page]) -> list[Section]:
    sections: list[Section] = []
    for page in pages:
        for match in _HEADING.finditer(page.text):
            sections.append(Section(heading=match.group(1).strip(), page=page.number))
    return sections

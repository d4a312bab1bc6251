"""The default parser: PyMuPDF text, blocks and tables, plus header metadata read from the layout."""

from __future__ import annotations

import re
from pathlib import Path

import pymupdf

from litextract.document import Block, Document, Header, Page, Section, Table
from litextract.parse import ParseError
from litextract.parse.header import header_from_text

_TABLE_CAPTION = re.compile(r"^\s*(Table|TABLE)\s+([0-9IVX]+)\b[.:]?\s*(.*)$", re.M)
_HEADING = re.compile(r"^\s*((?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,4}\.)\s+[A-Z][^\n]{2,80}|Abstract|ABSTRACT|References|REFERENCES)\s*$", re.M)


class PyMuPDFParser:
    """Parses with PyMuPDF only; needs no server."""

    name = "pymupdf"

    def __init__(self, max_pages: int = 500, tables: bool = True) -> None:
        self.max_pages = max_pages
        self.tables = tables

    def parse(self, path: Path, data: bytes, sha256: str) -> Document:
        doc = _open(data)
        try:
            if doc.page_count > self.max_pages:
                raise ParseError(f"{doc.page_count} pages is over the limit of {self.max_pages} (LITEXTRACT_MAX_PAGES)")
            pages, tables = [], []
            for page in doc:
                page_obj, page_tables = self._page(page)
                pages.append(page_obj)
                tables.extend(page_tables)
            if not any(p.text.strip() for p in pages):
                raise ParseError("no text layer (scanned pages?); run OCR first, e.g. ocrmypdf")
            header = header_from_text(pages, doc.metadata or {})
        except ParseError:
            raise
        except Exception as exc:  # PyMuPDF raises plain RuntimeErrors on damaged content
            raise ParseError(f"damaged PDF content: {exc}") from exc
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

    def _page(self, page: pymupdf.Page) -> tuple[Page, list[Table]]:
        textpage = page.get_textpage()
        text = textpage.extractText()
        blocks = [
            Block(text=b[4].strip(), bbox=(b[0], b[1], b[2], b[3]))
            for b in textpage.extractBLOCKS()
            if b[6] == 0 and b[4].strip()
        ]
        number = page.number + 1
        tables = _tables(page, number, text) if self.tables else []
        return Page(number=number, text=text, blocks=blocks, width=page.rect.width, height=page.rect.height), tables


def _open(data: bytes) -> pymupdf.Document:
    if not data:
        raise ParseError("empty file (0 bytes)")
    if b"%PDF-" not in data[:1024]:
        raise ParseError("not a PDF (no %PDF- signature)")
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:
        raise ParseError(f"cannot open PDF: {exc}") from exc
    if doc.needs_pass:
        doc.close()
        raise ParseError("encrypted PDF (password required)")
    if doc.page_count == 0:
        doc.close()
        raise ParseError("PDF has no pages (truncated or damaged)")
    return doc


def _tables(page: pymupdf.Page, number: int, text: str) -> list[Table]:
    """Tables on a page that has a table caption (find_tables is too slow to run on every page)."""
    captions = [m.group(0).strip() for m in _TABLE_CAPTION.finditer(text)]
    if not captions:
        return []
    found = page.find_tables()
    tables = []
    for i, tab in enumerate(found.tables):
        rows = [[(c or "").replace("\n", " ").strip() for c in row] for row in tab.extract()]
        rows = [r for r in rows if any(r)]
        if len(rows) < 2:
            continue
        caption = captions[i] if i < len(captions) else captions[-1]
        tables.append(Table(page=number, caption=caption, rows=rows, bbox=tuple(tab.bbox)))
    return tables


def _sections(pages: list[Page]) -> list[Section]:
    sections: list[Section] = []
    for page in pages:
        for match in _HEADING.finditer(page.text):
            sections.append(Section(heading=match.group(1).strip(), page=page.number))
    return sections

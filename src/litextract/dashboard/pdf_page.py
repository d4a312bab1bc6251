"""A PDF page rendered as a PNG with an evidence quote highlighted (PyMuPDF, on an in-memory copy)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pymupdf

_WINDOW = 6  # words per piece when the whole quote is not found in one go (e.g. it spans columns)


@dataclass(frozen=True)
class Rendered:
    png: bytes
    found: bool  # whether the quote (or pieces of it) was found and highlighted


class PageError(Exception):
    """The page cannot be shown; the message says why."""


def quote_rects(page: pymupdf.Page, quote: str) -> list[pymupdf.Quad]:
    """Where `quote` is on the page: the whole quote, else its pieces of a few words each."""
    words = quote.split()
    if not words:
        return []
    found = page.search_for(" ".join(words), quads=True)
    if found:
        return list(found)
    pieces = [" ".join(words[i : i + _WINDOW]) for i in range(0, len(words), _WINDOW)]
    return [quad for piece in pieces if len(piece) > 3 for quad in page.search_for(piece, quads=True)]


def render(path: Path, page_number: int, quote: str | None = None, zoom: float = 1.5) -> Rendered:
    """Page `page_number` (1-based) of the PDF at `path`, with `quote` highlighted in yellow.

    The file is only read: the highlight is drawn on the in-memory copy, which is never saved.
    """
    if not path.is_file():
        raise PageError(f"{path}: PDF not found (moved or deleted since it was ingested?)")
    try:
        doc = pymupdf.open(path)
    except Exception as exc:
        raise PageError(f"{path}: cannot open: {exc}") from exc
    with doc:
        if not 1 <= page_number <= doc.page_count:
            raise PageError(f"{path.name} has {doc.page_count} pages, not a page {page_number}")
        page = doc[page_number - 1]
        annot = page.first_annot  # the file's own highlights and notes would look like ours: drop them here
        while annot:
            annot = page.delete_annot(annot)
        quads = quote_rects(page, quote) if quote else []
        if quads:
            page.add_highlight_annot(quads)
        pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), annots=True)
        return Rendered(pix.tobytes("png"), bool(quads))

"""A PDF page rendered as a PNG with an evidence quote highlighted (PyMuPDF, on an in-memory copy)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pymupdf

_WINDOW = 6  # words per piece when the whole quote is not found in one go (e.g. it spans columns)


_CONTEXT = 110.0  # points of the page shown above and below the quote's region when zoomed to it


@dataclass(frozen=True)
class Rendered:
    png: bytes
    found: bool  # whether the quote (or pieces of it) was found and highlighted
    zoomed: bool = False  # whether the image shows the quote's region rather than the whole page


class PageError(Exception):
    """The page cannot be shown; the message says why."""


def quote_rects(page: pymupdf.Page, quote: str, clip: pymupdf.Rect | None = None) -> list[pymupdf.Quad]:
    """Where `quote` is on the page (inside `clip` when given): the whole quote, else its pieces of a few words."""
    words = quote.split()
    if not words:
        return []
    found = page.search_for(" ".join(words), quads=True, clip=clip)
    if found:
        return list(found)
    pieces = [" ".join(words[i : i + _WINDOW]) for i in range(0, len(words), _WINDOW)]
    return [quad for piece in pieces if len(piece) > 3 for quad in page.search_for(piece, quads=True, clip=clip)]


def _grown(rect: pymupdf.Rect, by: float) -> pymupdf.Rect:
    return pymupdf.Rect(rect.x0 - by, rect.y0 - by, rect.x1 + by, rect.y1 + by)


def render(
    path: Path,
    page_number: int,
    quote: str | None = None,
    zoom: float = 1.5,
    bbox: tuple[float, ...] | list[float] | None = None,
    whole_page: bool = False,
    value: str | None = None,
) -> Rendered:
    """Page `page_number` (1-based) of the PDF at `path`, with `quote` highlighted in yellow.

    With the quote's `bbox` (`Evidence.bbox`), only what is inside it is highlighted (a bare number, the one cell
    it was read from: not every equal string on the page; the region itself when the quote is not found in it),
    and the image shows that region, the page's width and some lines around it, twice as large, unless
    `whole_page`. A result's `value` as printed, found once in the highlighted quote (its cell in a table row),
    is framed in red. The file is only read: the marks are drawn on the in-memory copy, which is never saved.
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
        region = pymupdf.Rect(bbox) & page.rect if bbox else None
        if region is not None and region.is_empty:
            region = None
        marks: list[pymupdf.Quad] = []
        if region is not None:
            marks = quote_rects(page, quote, clip=_grown(region, 1)) if quote else []
            page.add_highlight_annot(marks or [region.quad])
        elif quote:
            marks = quote_rects(page, quote)
            if marks:
                page.add_highlight_annot(marks)
        if value and marks:
            within = pymupdf.Rect()
            for quad in marks:
                within |= quad.rect
            cells = page.search_for(value, clip=_grown(within, 1))
            if len(cells) == 1:
                frame = page.add_rect_annot(_grown(cells[0], 2))
                frame.set_colors(stroke=(0.85, 0.1, 0.1))
                frame.set_border(width=1.5)
                frame.update()
        clip = None
        if region is not None and not whole_page:
            rect = page.rect
            clip = pymupdf.Rect(
                rect.x0, max(rect.y0, region.y0 - _CONTEXT), rect.x1, min(rect.y1, region.y1 + _CONTEXT)
            )
            zoom *= 2
        pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), annots=True, clip=clip)
        return Rendered(pix.tobytes("png"), region is not None or bool(marks), clip is not None)

"""A GROBID parse laid over the PyMuPDF parse of the same PDF.

Page text (what evidence is checked against) always comes from PyMuPDF. Header fields come from GROBID where
it found them, else from PyMuPDF, and `field_sources` says which. Sections, figure captions and references
come from GROBID when it has them; tables only when PyMuPDF found none. Items the TEI gave no page for
(page 0) are placed on the PyMuPDF page whose text contains them.
"""

from __future__ import annotations

import re

from litextract.document import Document, Header, Section, Table
from litextract.text import fold

PARSER = "grobid+pymupdf"
_NUMBER = re.compile(r"^[\dIVX.]+\s+")


def overlay(base: Document, grobid: Document) -> Document:
    """`base` (PyMuPDF) completed and corrected by `grobid` (from TEI); neither input is changed."""
    header: dict[str, object] = {}
    sources = {k: v for k, v in base.field_sources.items() if k not in Header.model_fields}
    for name in Header.model_fields:
        ours, theirs = getattr(grobid.header, name), getattr(base.header, name)
        if ours:
            header[name], sources[name] = ours, "grobid"
        elif theirs:
            header[name], sources[name] = theirs, base.field_sources.get(name, base.parser)
    texts = [fold(p.text) for p in base.pages]
    return base.model_copy(
        update={
            "header": Header.model_validate(header),
            "field_sources": sources,
            "sections": _place_sections(grobid.sections, texts) if grobid.sections else base.sections,
            "tables": base.tables or _place_tables(grobid.tables, texts),
            "figures": grobid.figures or base.figures,
            "references": grobid.references or base.references,
            "parser": PARSER,
        },
        deep=True,
    )


def find_page(needles: list[str], texts: list[str], start: int = 1) -> int:
    """The first page (1-based; from `start` on, then from the beginning) whose folded text holds one of
    the `needles` (tried in order, each cut to 80 characters); 0 when none is found."""
    order = list(range(max(start, 1), len(texts) + 1)) + list(range(1, min(start, len(texts) + 1)))
    for needle in needles:
        key = fold(needle)[:80]
        if len(key) >= 4:
            page = next((n for n in order if key in texts[n - 1]), 0)
            if page:
                return page
    return 0


def _place_sections(sections: list[Section], texts: list[str]) -> list[Section]:
    placed, last = [], 1
    for s in sections:
        needles = [s.heading, _NUMBER.sub("", s.heading), s.text[:60]]
        page = s.page or find_page(needles, texts, last) or last
        placed.append(s.model_copy(update={"page": page}))
        last = page
    return placed


def _place_tables(tables: list[Table], texts: list[str]) -> list[Table]:
    placed = []
    for t in tables:
        page = t.page or find_page([t.caption, t.caption[:40]], texts) if t.caption else t.page
        placed.append(t.model_copy(update={"page": page}))
    return placed


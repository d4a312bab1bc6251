"""The paper record: header fields with evidence, and whether the paper is deep learning on medical images."""

from __future__ import annotations

from litextract.document import Document
from litextract.extract.offline_text import record
from litextract.parse.header import HEADER_PAGES, Venue, venue_from_pages
from litextract.records import Evidence, Paper, VenueType
from litextract.text import clean


def paper_record(doc: Document, source: str) -> Paper:
    """Header fields from the parser, each with a quote from the first pages (the two yes/no flags are
    `offline_screening`'s)."""
    h = doc.header
    first = doc.pages[:HEADER_PAGES]
    evidence: dict[str, Evidence] = {}

    def cite(field: str, needle: str | None) -> None:
        if not needle:
            return
        key = clean(needle).casefold()
        for page in first:
            for line in page.text.splitlines():
                if key in clean(line).casefold() or (
                    len(key) > 40 and clean(line).casefold() in key and len(line) > 20
                ):
                    quote = needle if field == "title" else clean(line)
                    found = record(Evidence, page=page.number, quote=quote, source=source)
                    if found:
                        evidence[field] = found
                    return

    cite("title", h.title)
    cite("doi", h.doi)
    cite("arxiv_id", h.arxiv_id)
    cite("year", str(h.year) if h.year else None)
    # the parser's reading of the first pages, else (a document stored by an older version) read again here
    found = Venue(h.venue, h.venue_type) if h.venue_type else venue_from_pages(doc.pages, h.doi)
    venue = h.venue or found.name
    cite("venue", found.line if found.line and venue == found.name else venue)
    if h.authors:
        cite("authors", h.authors[0])
    kind = _VENUE_TYPES.get(found.type or "")
    if kind is None and h.arxiv_id:
        kind = "preprint"
    return Paper(
        title=h.title,
        authors=h.authors,
        year=h.year,
        venue=venue,
        venue_type=kind,
        doi=h.doi,
        arxiv_id=h.arxiv_id,
        evidence=evidence,
    )


_VENUE_TYPES: dict[str, VenueType] = {
    "journal": "journal",
    "conference": "conference",
    "preprint": "preprint",
    "thesis": "thesis",
    "report": "report",
    "book-chapter": "book-chapter",
}

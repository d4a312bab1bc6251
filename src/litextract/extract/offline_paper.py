"""The paper record: header fields with evidence, and whether the paper is deep learning on medical images."""

from __future__ import annotations

import re
from itertools import islice

from litextract.document import Document
from litextract.parse.header import HEADER_PAGES, venue_of
from litextract.records import Evidence, Paper, VenueType
from litextract.text import clean

_DL_TERMS = re.compile(
    r"deep learning|deep neural|convolutional neural|neural networks?|\bCNNs?\b|transformers?\b|\bU-?Net|ResNet|"
    r"DenseNet|VGG|generative adversarial|\bGANs?\b|autoencoder|fine-?tun|back-?propagation|\bepochs?\b|"
    r"pre-?trained",
    re.I,
)
_MED_TERMS = re.compile(
    r"\bCT\b|\bMRI?\b|X-?rays?|radiograph|mammogra|ultraso|fundus|dermoscop|histopatholog|endoscop|microscop|"
    r"patients?\b|clinical|medical imag|lesions?\b|tumou?rs?\b|\bPET\b|retina|biomedical|cancer|melanoma|"
    r"radiolog|patholog|diagnos",
    re.I,
)
DL_MIN = 3  # mentions of deep-learning terms in the body for a deep-learning paper
MED_MIN = 3


def _count(pattern: re.Pattern[str], text: str, enough: int) -> int:
    """Matches of `pattern` in `text`, counting no further than `enough`."""
    return sum(1 for _ in islice(pattern.finditer(text), enough))


def paper_record(doc: Document, body: str, source: str) -> Paper:
    """Header fields from the parser, each with a quote from the first pages, plus the two yes/no flags."""
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
                    evidence[field] = Evidence(page=page.number, quote=quote, source=source)
                    return

    cite("title", h.title)
    cite("doi", h.doi)
    cite("arxiv_id", h.arxiv_id)
    cite("year", str(h.year) if h.year else None)
    venue, venue_type = venue_of("\n".join(p.text for p in first))
    cite("venue", venue)
    if h.authors:
        cite("authors", h.authors[0])
    dl = _count(_DL_TERMS, body, DL_MIN)
    med = _count(_MED_TERMS, body, MED_MIN)
    kind = _VENUE_TYPES.get(venue_type or "")
    if kind is None and h.arxiv_id:
        kind = "preprint"
    return Paper(
        title=h.title,
        authors=h.authors,
        year=h.year,
        venue=h.venue or venue,
        venue_type=kind,
        doi=h.doi,
        arxiv_id=h.arxiv_id,
        uses_deep_learning=dl >= DL_MIN,
        uses_medical_imaging=med >= MED_MIN,
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

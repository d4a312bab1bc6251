"""Grounding: a value is `verified` only when its quote is found on the cited page.

The quote and the page are folded (`litextract.text.fold`: Unicode NFKC, ligatures, hyphenation at line ends,
whitespace, dashes, case) and the quote is aligned to the page with rapidfuzz. It counts as found when the
alignment scores at least `THRESHOLD` and every number in the quote appears, digit for digit, in the aligned
span — so a quote with an invented figure is never verified however similar its words are. A result's printed
value must also be in its quote.

Grounding is also where a found quote gets its place on the page (`Evidence.bbox`), from the page's text blocks,
unless the extractor read the value from a place it knows (a table cell); the review queue zooms to that place and
highlights the quote only there.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from litextract.document import BBox, Document, Page
from litextract.records import Evidence, Extraction
from litextract.text import figures, fold

THRESHOLD = 92.0
_FUZZY_MIN = 20  # characters a quote needs before `quote_bbox` looks for it approximately


def quote_score(quote: str, page_text: str) -> float:
    """0-100: how well `quote` is found on the page (100 = verbatim once both are folded)."""
    q, p = fold(quote), fold(page_text)
    if not q or not p:
        return 0.0
    if q in p:
        return 100.0
    if len(q) > len(p):
        return 0.0
    alignment = fuzz.partial_ratio_alignment(q, p, score_cutoff=THRESHOLD)
    if alignment is None:
        return 0.0
    span = p[max(0, alignment.dest_start - 2) : alignment.dest_end + 2]
    if not set(figures(q)) <= set(figures(span)):
        return 0.0
    return float(alignment.score)


def quote_bbox(quote: str, page: Page) -> BBox | None:
    """Where `quote` is on the page: the union of the text blocks its occurrence spans (verbatim once both are
    folded, else, for a quote of some length, where the grounding alignment puts it). None when the page has no
    blocks, the quote is not in them, or it is printed more than once (a bare number in several cells: only the
    extractor knows which)."""
    q = fold(quote)
    joined, spans = _folded_blocks(page)
    if not q or not joined:
        return None
    digit_bounded = (r"(?<!\d)" if q[0].isdigit() else "") + re.escape(q) + (r"(?!\d)" if q[-1].isdigit() else "")
    found = [m.span() for m in re.finditer(digit_bounded, joined)]
    if len(found) > 1:
        return None
    if found:
        start, end = found[0]
    elif len(q) < _FUZZY_MIN:
        return None  # a short quote (a number) is found as printed or not at all
    else:
        alignment = fuzz.partial_ratio_alignment(q, joined, score_cutoff=THRESHOLD)
        if alignment is None:
            return None
        start, end = alignment.dest_start, alignment.dest_end
    boxes = [bbox for s, e, bbox in spans if s < end and e > start]
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


_BLOCKS: dict[tuple[int, str], tuple[str, list[tuple[int, int, BBox]]]] = {}


def _folded_blocks(page: Page) -> tuple[str, list[tuple[int, int, BBox]]]:
    """The page's text blocks folded and joined, with each block's span in the joined text and its bbox; worked
    out once per page (a paper's table rows are hundreds of results on a few pages)."""
    cache_key = (page.number, page.text)
    if cache_key not in _BLOCKS:
        if len(_BLOCKS) >= 64:
            _BLOCKS.clear()
        parts, spans, at = [], [], 0
        for block in page.blocks:
            text = fold(block.text)
            parts.append(text)
            spans.append((at, at + len(text), block.bbox))
            at += len(text) + 1
        _BLOCKS[cache_key] = (" ".join(parts), spans)
    return _BLOCKS[cache_key]


def check(evidence: Evidence, doc: Document, value_text: str | None = None) -> Evidence:
    """The evidence with `verified` and `score` set against the document's page text, and its `bbox` when the
    quote is found and the extractor gave none."""
    page = doc.page(evidence.page)
    score = quote_score(evidence.quote, page.text) if page else 0.0
    found = score >= THRESHOLD
    verified = found
    if verified and value_text:
        verified = all(n in fold(evidence.quote) for n in figures(fold(value_text)))
    bbox = evidence.bbox
    if bbox is None and found and page is not None:
        bbox = quote_bbox(evidence.quote, page)
    return evidence.model_copy(update={"verified": verified, "score": round(score, 1), "bbox": bbox})


def ground(extraction: Extraction, doc: Document) -> Extraction:
    """Every evidence in the extraction checked against the document."""
    paper = extraction.paper.model_copy(
        update={"evidence": {k: check(e, doc) for k, e in extraction.paper.evidence.items()}}
    )
    return extraction.model_copy(
        update={
            "paper": paper,
            "datasets": [d.model_copy(update={"evidence": check(d.evidence, doc)}) for d in extraction.datasets],
            "models": [m.model_copy(update={"evidence": check(m.evidence, doc)}) for m in extraction.models],
            "results": [
                r.model_copy(update={"evidence": check(r.evidence, doc, r.as_printed)}) for r in extraction.results
            ],
        }
    )

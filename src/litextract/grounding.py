"""Grounding: a value is `verified` only when its quote is found on the cited page.

The quote and the page are folded (`litextract.text.fold`: Unicode NFKC, ligatures, hyphenation at line ends,
whitespace, dashes, case) and the quote is aligned to the page with rapidfuzz. It counts as found when the
alignment scores at least `THRESHOLD` and every number in the quote appears, digit for digit, in the aligned
span — so a quote with an invented figure is never verified however similar its words are. A result's printed
value must also be in its quote.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from litextract.document import Document
from litextract.records import Evidence, Extraction
from litextract.text import figures, fold

THRESHOLD = 92.0


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


def check(evidence: Evidence, doc: Document, value_text: str | None = None) -> Evidence:
    """The evidence with `verified` and `score` set against the document's page text."""
    page = doc.page(evidence.page)
    score = quote_score(evidence.quote, page.text) if page else 0.0
    verified = score >= THRESHOLD
    if verified and value_text:
        verified = all(n in fold(evidence.quote) for n in figures(fold(value_text)))
    return evidence.model_copy(update={"verified": verified, "score": round(score, 1)})


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

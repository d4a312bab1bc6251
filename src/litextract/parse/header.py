"""Header metadata (title, authors, year, venue, DOI, arXiv id) read from page text and PDF metadata."""

from __future__ import annotations

import re

from litextract.document import Header, Page

DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+[^\s\"<>.,;)\]])", re.I)
ARXIV = re.compile(r"arXiv:\s?(\d{4}\.\d{4,5})(v\d+)?", re.I)
YEAR = re.compile(r"\b(19[89]\d|20[0-3]\d)\b")


def header_from_text(pages: list[Page], metadata: dict[str, str]) -> Header:
    """A best-effort header from the first pages' text and the PDF's own metadata."""
    first = "\n".join(p.text for p in pages[:2])
    doi = DOI.search(first)
    arxiv = ARXIV.search(first)
    title = (metadata.get("title") or "").strip() or _first_line(pages[0].text if pages else "")
    years = [int(y) for y in YEAR.findall(pages[0].text if pages else "")]
    return Header(
        title=title or None,
        year=max(years) if years else None,
        doi=doi.group(1).rstrip(".").lower() if doi else None,
        arxiv_id=arxiv.group(1) if arxiv else None,
    )


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if len(line.strip()) > 15:
            return line.strip()
    return ""

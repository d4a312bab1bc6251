"""Header metadata (title, authors, year, venue, DOI, arXiv id) read from the first pages' layout and text.

The title is the largest-font text on the first content page, after skipping repository cover sheets
(ResearchGate "See discussions, stats…") and publisher banners (journal names, ISSN, "TYPE Original Research",
copyright lines, running heads). PDF metadata fills in what the layout does not give.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from litextract.document import Header, Page
from litextract.text import doi as doi_of
from litextract.vocab import Entry, vocabulary

HEADER_PAGES = 2  # pages whose font sizes are read (more would cost parse time)

DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+[^\s\"<>.,;)\]])", re.I)
ARXIV = re.compile(r"arXiv:\s?(\d{4}\.\d{4,5})(v\d+)?", re.I)
YEAR = re.compile(r"\b(19[89]\d|20[0-3]\d)\b")
_DATED = re.compile(
    r"(?:published|available online|date of publication|accepted|received|©|\(c\)|copyright)[^\n]{0,40}?"
    r"\b(19[89]\d|20[0-3]\d)\b",
    re.I,
)
_VOLUME_YEAR = re.compile(
    r"(?:Vol\.?|Volume)\s*\d+[^\n]{0,30}?\b(19[89]\d|20[0-3]\d)\b|\b(19[89]\d|20[0-3]\d)\b,?\s*Vol", re.I
)
_COVER = re.compile(
    r"See discussions, stats, and author profiles|ResearchGate|Downloaded from|Terms of Use|"
    r"^\s*(?:Table of )?Contents\s*$|(?:\. ){6,}",
    re.I | re.M,
)
_BANNER = re.compile(
    r"©|\(c\)|copyright|doi|https?:|www\.|ISSN|e-?mail|@|\bvol\.|volume|issue|journal|proceedings|conference|"
    r"received|accepted|published|citation|open access|original research|review article|research article|"
    r"^type\b|^article\b|arxiv|licen[cs]e|impact factor|all rights reserved|university|department|^page\b|"
    r"^(abstract|keywords|contents|introduction)\b|\bpp\.|edited by|reviewed by|correspondence",
    re.I,
)
_PREFIX = re.compile(
    r"^(?:Data Descriptor|Original (?:Research|Article)|Research Article|Review|Article)\s*[:\-–]\s*", re.I
)
_BAD_META_TITLE = re.compile(r"paper title|microsoft word|untitled|\.docx?$|\.pdf$|^[\w\-]+$|^\s*$", re.I)
Pattern = tuple[re.Pattern[str], "str | dict[str, str] | None", str]
# pattern; the venue's name (None: the text matched; a dict: the name of each form matched); type.
# Structural venue patterns, whatever the name: venue names themselves come from vocab/venues.toml (_venues).
_THESIS: Pattern = (
    re.compile(r"(?:Master'?s?|MSc|PhD|Doctoral|Bachelor'?s?)\s+(?:of\s+\w+\s+)?[Tt]hesis|[Dd]issertation submitted"),
    None,
    "thesis",
)
_PROCEEDINGS: Pattern = (
    re.compile(r"Proceedings of (?:the )?[^\n]{5,120}|\bConference on [^\n]{5,100}"),
    None,
    "conference",
)
_JOURNAL_OF: Pattern = (
    re.compile(r"(?:International |Indian |American |European )?Journal (?:of|for|on) [^\n]{3,100}"),
    None,
    "journal",
)
_SERIES: Pattern = (re.compile(r"\b(?:Frontiers in [A-Z][\w ]{3,60}|Nature [A-Z]\w+)\b"), None, "journal")
_REPORT: Pattern = (re.compile(r"\b(?:[Tt]echnical [Rr]eport|[Pp]roject [Rr]eport|Final Report)\b"), None, "report")
# "Sensors 2021, 21", "Medical Image Analysis 67 (2021)", "Scientific Data | (2023) 10:41", "Radiology, Vol. 3":
# a journal's citation line
_CITED_AS = r"(?=\s*[,|]?\s+(?:\d{1,4}\s+)?(?:\(?(?:19|20)\d{2}\b|[Vv]ol))"
_ACRONYM = re.compile(r"^[A-Z][A-Za-z]*[A-Z][A-Za-z]*$")  # MICCAI, NeurIPS, BrainLes


def _names(entries: list[Entry], kind: str, spelled_out: bool) -> Pattern:
    """One pattern for the names (and abbreviations) of `entries`; with `spelled_out`, no bare acronyms.
    A name of several words matches in any case (banners print "EXPERT SYSTEMS WITH APPLICATIONS")."""
    forms: dict[str, str] = {}
    parts = []
    for e in entries:
        for form in e.forms:
            if (spelled_out and _ACRONYM.match(form)) or form in forms:
                continue
            forms[form.casefold()] = e.name
            body = re.escape(form) if " " not in form else f"(?i:{re.escape(form)})"  # banners may be in capitals
            parts.append((form, body + (_CITED_AS if e.attrs.get("needs_context") else "")))
    body = "|".join(p for _, p in sorted(parts, key=lambda fp: len(fp[0]), reverse=True)) or "(?!x)x"
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])"), forms, kind


@cache
def _venues() -> list[Pattern]:
    """The venue patterns in the order they are tried: names from vocab/venues.toml between structural ones."""
    by_type: dict[str, list[Entry]] = {}
    for entry in vocabulary().entries("venue"):
        by_type.setdefault(str(entry.attrs.get("type")), []).append(entry)
    arxiv: Pattern = (re.compile(r"arXiv:\s?\d{4}\.\d{4,5}"), "arXiv", "preprint")
    servers = [e for e in by_type.get("preprint server", []) if e.name != "arXiv"]
    acronyms = sorted({f for e in by_type.get("conference", []) for f in e.forms if _ACRONYM.match(f)}, key=len)
    conference_years: Pattern = (
        re.compile(rf"\b(?:{'|'.join(re.escape(a) for a in reversed(acronyms))})\b[ '’]*(?:20)?\d{{2}}"),
        None,
        "conference",
    )
    return [
        arxiv,
        _names(servers, "preprint", spelled_out=False),
        _THESIS,
        _PROCEEDINGS,
        _JOURNAL_OF,
        _SERIES,
        _names(by_type.get("journal", []), "journal", spelled_out=True),
        conference_years,
        _names(by_type.get("conference", []), "conference", spelled_out=True),
        _REPORT,
    ]


@dataclass(frozen=True)
class Line:
    """A text line of a header page with its largest font size."""

    page: int
    text: str
    size: float
    bold: bool = False
    y: float = 0.0


def header_from_text(pages: list[Page], metadata: dict[str, str], lines: list[Line] | None = None) -> Header:
    """A best-effort header from the first pages' text, their font sizes (`lines`) and the PDF's metadata."""
    first = "\n".join(p.text for p in pages[:HEADER_PAGES])
    arxiv = ARXIV.search(first)
    title = _title_from_lines(lines or []) or _meta_title(metadata) or _first_line(pages)
    venue, _ = venue_of(first)
    return Header(
        title=title or None,
        authors=_authors(lines or [], title),
        year=_year(pages, metadata, arxiv.group(1) if arxiv else None),
        venue=venue,
        doi=_doi(first),
        arxiv_id=arxiv.group(1) if arxiv else None,
    )


def cover_like(text: str) -> bool:
    """A first page that is a repository cover sheet or a short banner page, so the title is on page 2."""
    return bool(_COVER.search(text)) or len(text.strip()) < 1500


def venue_of(text: str) -> tuple[str | None, str | None]:
    """The venue named on a paper's first pages and its type (journal, conference, preprint, thesis, report)."""
    text = text[:8000]
    for pattern, name, kind in _venues():
        m = pattern.search(text)
        if m:
            found = name.get(m.group(0).casefold()) if isinstance(name, dict) else name
            venue = found or " ".join(m.group(0).split()).strip(" ,.;:")
            venue = re.split(r"\s{2,}|,?\s*(?:Vol\.|Volume|ISSN|\d{4}\b)", venue)[0].strip(" ,.;:") or venue
            return venue, kind
    return None, None


def _doi(text: str) -> str | None:
    for m in DOI.finditer(text):
        doi = doi_of(m.group(1).rstrip("."))
        if doi:
            return doi
    return None


def _year(pages: list[Page], metadata: dict[str, str], arxiv_id: str | None) -> int | None:
    """arXiv id > publication/copyright dates > volume line > the latest year on page 1 > PDF creation date."""
    if arxiv_id:
        return 2000 + int(arxiv_id[:2])
    text = "\n".join(p.text for p in pages[:HEADER_PAGES])
    dated = [int(y) for y in _DATED.findall(text)]
    if dated:
        return max(dated)
    vol = [int(a or b) for a, b in _VOLUME_YEAR.findall(text)]
    if vol:
        return max(vol)
    created = re.match(r"(?:D:)?(\d{4})", metadata.get("creationDate", "") or "")
    latest = int(created.group(1)) if created else 2100
    years = [int(y) for y in YEAR.findall(pages[0].text if pages else "") if int(y) <= latest]
    if years:
        return max(years)
    return int(created.group(1)) if created else None


def _content_pages(lines: list[Line]) -> list[int]:
    pages = sorted({ln.page for ln in lines})
    cover = {p for p in pages if _COVER.search("\n".join(ln.text for ln in lines if ln.page == p))}
    return [p for p in pages if p not in cover] or pages


def _title_from_lines(lines: list[Line]) -> str | None:
    """The largest-font run of lines on the first content page that reads like a title."""
    for page in _content_pages(lines)[:2]:
        on_page = [ln for ln in lines if ln.page == page]
        big = sorted({ln.size for ln in on_page}, reverse=True)[:6]  # a title is among the largest fonts
        candidates = [ln for ln in on_page if ln.size in big and _title_like(ln.text)]
        if not candidates:
            continue
        top = max(ln.size for ln in candidates)
        body = sorted(ln.size for ln in on_page)[len(on_page) // 2]
        emphasis = False
        if top < body * 1.15:  # no larger font: a bold or capitalised title near the top of the page
            candidates = [ln for ln in on_page[:15] if _title_like(ln.text) and (ln.bold or ln.text.isupper())]
            if not candidates or len(candidates[0].text) < 12:
                continue
            top, emphasis = candidates[0].size, True
        first = next(ln for ln in candidates if ln.size == top)
        start = next(i for i, ln in enumerate(lines) if ln is first)
        run: list[str] = []
        for ln in lines[start:]:
            same = abs(ln.size - top) <= 0.6 and (not emphasis or ln.bold == first.bold)
            if ln.page != page or not same:
                if run:
                    break
                continue
            run.append(ln.text)
        title = _PREFIX.sub("", " ".join(" ".join(run).split()))
        if len(title) >= 12:
            return title
    return None


def _title_like(text: str) -> bool:
    letters = sum(c.isalpha() for c in text)
    return letters >= 3 and not _BANNER.search(text) and not re.fullmatch(r"[\d\s.,:;()\-]+", text)


def _meta_title(metadata: dict[str, str]) -> str | None:
    title = " ".join((metadata.get("title") or "").split())
    if len(title.split()) < 3 or _BAD_META_TITLE.search(title):
        return None
    return title


def _first_line(pages: list[Page]) -> str:
    for page in pages[:HEADER_PAGES]:
        if _COVER.search(page.text):
            continue
        for line in page.text.splitlines():
            if len(line.strip()) > 15 and _title_like(line):
                return line.strip()
    return ""


_NAME = re.compile(r"^[A-ZÀ-Ý][\w'’\-.]*(?:\s+[A-ZÀ-Ý][\w'’\-.]*){1,3}$")


def _authors(lines: list[Line], title: str | None) -> list[str]:
    """Names on the lines after the title: comma/'and'-separated, footnote marks removed."""
    if not title:
        return []
    idx = next((i for i, ln in enumerate(lines) if ln.text and ln.text in title), None)
    if idx is None:
        return []
    title_size = lines[idx].size
    names: list[str] = []
    for ln in lines[idx + 1 : idx + 8]:
        if abs(ln.size - title_size) <= 0.6:
            continue
        if _BANNER.search(ln.text) or re.search(r"Institute|College|School|Hospital|Abstract|Lab", ln.text):
            break
        for part in re.split(r",|;|\band\b|&", ln.text):
            name = re.sub(r"[\d*∗†‡§¶#]+|\s+\d.*$", "", part).strip(" ,.")
            if _NAME.match(name) and not re.search(r"\b(The|Of|For|In|On)\b", name):
                names.append(" ".join(name.split()))
    return names[:30]

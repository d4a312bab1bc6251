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
from litextract.vocab import Entry, doi_publisher, vocabulary

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
    r"^type\b|^article\b|arxiv|licen[cs]e|impact factor|all rights reserved|universit\w*|department|^page\b|"
    r"^(abstract|keywords|contents|introduction)\b|\bpp\.|edited by|reviewed by|correspondence",
    re.I,
)
_CONTENTS = re.compile(r"^\s*(?:Table of )?Contents\s*$|(?:\. ){6,}", re.I | re.M)
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
    doi = _doi(first)
    venue = venue_from_pages(pages, doi)
    title = _title_from_lines(lines or [], venue.name) or _meta_title(metadata) or _first_line(pages)
    return Header(
        title=title or None,
        authors=_authors(lines or [], title),
        year=_year(pages, arxiv.group(1) if arxiv else None),
        venue=venue.name,
        venue_type=venue.type,
        doi=doi,
        arxiv_id=arxiv.group(1) if arxiv else None,
    )


@dataclass(frozen=True)
class Venue:
    """Where a paper appeared, as its first pages say: the venue's name (None when they name none), its type
    (journal | conference | preprint | thesis | report), and the line it was read from."""

    name: str | None = None
    type: str | None = None
    line: str | None = None


def venue_from_pages(pages: list[Page], doi: str | None = None) -> Venue:
    """The venue of a paper from its first pages, never from an affiliation line:

    1. an arXiv stamp (a preprint);
    2. the journal's citation line in the running headers and footers ("Life 2022, 12, 1126", "INFORMATICA,
       2024, Vol. 35", "SCIENTIFIC DATA | 4:170177", "A. Oliveira et al. / Expert Systems With Applications 112
       (2018)"), the name the vocabulary gives it when it knows it;
    3. "Published in / Proceedings of / Accepted at" lines, journal-series patterns and the vocabulary's venue
       names on the first pages;
    4. the DOI: the journal its suffix names at its publisher (10.1109/ACCESS... -> IEEE Access);
    5. with no name: thesis cues (degree, dissertation, a project of a degree) give the type and the line of the
       degree programme as the venue; an IEEE conference's ISBN footer, report cues (project, course, report,
       revision) give the type; a paper with no venue and no DOI is a report (grey literature).
    """
    head = pages[:HEADER_PAGES]
    text = "\n".join(line for p in head for line in p.text.splitlines() if not _affiliation(line))
    if ARXIV.search(text):
        return Venue("arXiv", "preprint", ARXIV.search(text).group(0))  # type: ignore[union-attr]
    cited = _citation_line(pages[:3])
    if cited:
        return cited
    name, kind = venue_of(text)
    if name:
        return Venue(name, kind, _line_of(text, name))
    by_doi = _doi_venue(doi)
    if by_doi:
        return Venue(by_doi.name, str(by_doi.attrs.get("type") or "journal"), doi)
    page_one = pages[0].text if pages else ""
    for kind, cue, where in (
        ("thesis", _THESIS_CUE, page_one[:4000]),
        ("conference", _CONFERENCE_FOOTER, page_one),
        ("report", _REPORT_CUE, "\n".join(p.text[:3000] for p in pages[:3])),
    ):
        m = cue.search(where)
        if m:
            line = _line_of(where, m.group(0))
            # a thesis appeared in its degree programme: the line that names it ("Master's thesis in ...")
            return Venue(line if kind == "thesis" else None, kind, line)
    # no venue, no DOI, no preprint server: an unpublished manuscript, a report of the grey literature
    return Venue() if doi else Venue(None, "report", None)


# lines of affiliations and addresses: a venue is never read from them ("Department of ... Electronics")
_AFFILIATION = re.compile(
    r"\b(?:University|Universit[äàé]|Department|Dept\.|Institute|School|College|Faculty|Laborator\w*|Hospital|"
    r"Centre|Center|Academy|Polytechnic|Corresponding)\b|@",
    re.I,
)
# a journal's citation line: its name, then year and volume, volume and pages, or article number
_VENUE_WORD = re.compile(r"\b(?:Journal|Proceedings|Transactions|Conference|Letters|Review|Symposium)\b", re.I)


def _affiliation(line: str) -> bool:
    """An affiliation or address line (a venue's own name may hold "Institute": "Journal of ... Institute")."""
    return bool(_AFFILIATION.search(line)) and not _VENUE_WORD.search(line)


_CITATION = re.compile(
    r"^\s*(?:[A-Z][\w.\- ]{0,60}?et al\.?\s*/\s*)?(?P<name>[A-Z][A-Za-z&'’.\- ]{2,80}?)\s*[,|]?\s*"
    r"(?:\(?(?:19|20)\d\d\)?\s*[,;]\s*(?:Vol\.?\s*)?\d+|Vol(?:ume)?\.?\s*\d+|\d{1,4}\s*\((?:19|20)\d\d\)|"
    r"\(?(?:19|20)\d\d\)?\s*\|?\s*\d+\s*:\s*\d+|\d+\s*:\s*\d+)"
)
_NOT_VENUE = re.compile(
    r"^(?:Received|Accepted|Published|Revised|Available|Copyright|Vol|Volume|Page|Pages|Article|Citation|DOI|"
    r"Date|Table|Figure|Fig|Proc|Open|Submitted|Online)\b|^(?:[A-Z]\.\s*)+[A-Z][a-z]+|\bet al\b",
    re.I,
)
_THESIS_CUE = re.compile(
    r"\b(?:thesis|dissertation|Bachelor of|Master of|Doctor of|B\.\s?Tech|M\.\s?Tech|(?:the|a) degree of|"
    r"partial fulfil+ment|Project-I+\b)",
    re.I,
)
_CONFERENCE_FOOTER = re.compile(r"\b978-[\d-]{10,}/\d{2}/\$\d+\.\d{2}\s*©\s*(?:19|20)\d\d\s+IEEE\b")
_REPORT_CUE = re.compile(
    r"\b(?:report|project|course|coursework|term paper|assignment|revision (?:from|of)|student|supervisor|"
    r"research log)\b",
    re.I,
)


def _citation_line(pages: list[Page]) -> Venue | None:
    """The journal named by the citation line of the running headers and footers of the first pages."""
    seen: dict[str, list[str]] = {}
    for p in pages:
        lines = [ln.strip() for ln in p.text.splitlines() if ln.strip()]
        for line in lines[:4] + lines[-4:]:
            m = _CITATION.match(line)
            if not m or _affiliation(line):
                continue
            name = " ".join(m.group("name").split()).strip(" ,.|:;-")
            if (
                len(name) < 3
                or _NOT_VENUE.search(name)
                or len(name.split()) > 8
                or not re.search(r"[a-z]", name, re.I)
            ):
                continue
            seen.setdefault(name.casefold(), []).append(line)
    if not seen:
        return None
    known = {k: vocabulary().lookup("venue", k) for k in seen}
    best = max(seen, key=lambda k: (known[k] is not None, len(seen[k])))
    entry = known[best]
    if entry is None and len(seen[best]) < 2 and not re.search(r"Vol|\(\d{4}\)|\d+\s*:\s*\d+", seen[best][0]):
        return None  # an unknown name on one line only: too weak
    line = seen[best][0]
    if entry is not None:
        return Venue(entry.name, str(entry.attrs.get("type") or "journal"), line)
    raw = _CITATION.match(line).group("name").strip(" ,.|:;-")  # type: ignore[union-attr]
    return Venue(raw.title() if raw.isupper() else " ".join(raw.split()), "journal", line)


def _doi_venue(doi: str | None) -> Entry | None:
    """The journal a DOI's suffix names at its publisher: "10.1109/ACCESS.2023..." -> IEEE Access."""
    publisher = doi_publisher(doi)
    if not doi or not publisher:
        return None
    code = re.match(r"[^/]+/(?:j\.)?([a-z]+)", doi, re.I)
    if not code:
        return None
    for form in (f"{publisher} {code.group(1)}", code.group(1)):
        entry = vocabulary().lookup("venue", form)
        if entry is not None and entry.attrs.get("publisher") == publisher and len(code.group(1)) >= 3:
            return entry
    return None


def _line_of(text: str, needle: str) -> str | None:
    for line in text.splitlines():
        if needle.casefold() in line.casefold():
            return line.strip()
    return None


def cover_like(text: str) -> bool:
    """A first page that is a repository cover sheet or a short banner page, so the title is on page 2."""
    return bool(_COVER.search(text)) or len(text.strip()) < 1500


def venue_of(text: str) -> tuple[str | None, str | None]:
    """The venue named on a paper's first pages and its type (journal, conference, preprint, thesis, report); a
    venue named in a sentence about another work ("The base paper by A and B (2026), published in X") is not
    the paper's."""
    text = text[:8000]
    for pattern, name, kind in _venues():
        for m in pattern.finditer(text):
            if _ANOTHER_WORK.search(text[max(0, m.start() - 80) : m.start()]):
                continue
            found = name.get(m.group(0).casefold()) if isinstance(name, dict) else name
            venue = found or " ".join(m.group(0).split()).strip(" ,.;:")
            venue = re.split(r"\s{2,}|,?\s*(?:Vol\.|Volume|ISSN)|,\s*(?:19|20)\d\d\b", venue)[0].strip(" ,.;:")
            return venue or found, kind
    return None, None


# what comes before a venue that is another work's: "the base paper by Smith and Lee (2026), published in"
_ANOTHER_WORK = re.compile(
    r"\b(?:paper|work|study|article|method)s?\s+(?:by|of)\s+[A-Z]|\bet al\.|\((?:19|20)\d\d[a-z]?\)|"
    r"\b(?:original|base|reproduced|replicated)\s+(?:paper|work|study|article)",
    re.I,
)


def _doi(text: str) -> str | None:
    for m in DOI.finditer(text):
        doi = doi_of(m.group(1).rstrip("."))
        if doi:
            return doi
    return None


def _year(pages: list[Page], arxiv_id: str | None) -> int | None:
    """arXiv id > publication/copyright dates > volume line > a year in the first page's header or footer lines.

    Never the PDF's creation date (a compile date, not a publication year) nor a year of the first page's prose
    ("In 2018, Shin et al. ..."): a paper that prints no year has none.
    """
    if arxiv_id:
        return 2000 + int(arxiv_id[:2])
    text = "\n".join(p.text for p in pages[:HEADER_PAGES])
    dated = [int(y) for y in _DATED.findall(text)]
    if dated:
        return max(dated)
    vol = [int(a or b) for a, b in _VOLUME_YEAR.findall(text)]
    if vol:
        return max(vol)
    lines = [ln for ln in (pages[0].text.splitlines() if pages else []) if ln.strip()]
    edge = [ln for ln in lines[:12] + lines[-4:] if len(ln.split()) <= 12]
    years = [int(y) for ln in edge for y in YEAR.findall(ln)]
    return max(years) if years else None


def _content_pages(lines: list[Line]) -> list[int]:
    """The pages a title can be on: not cover sheets (unless all are), never a table of contents."""
    pages = sorted({ln.page for ln in lines})
    texts = {p: "\n".join(ln.text for ln in lines if ln.page == p) for p in pages}
    cover = {p for p in pages if _COVER.search(texts[p])}
    return [p for p in pages if p not in cover] or [p for p in pages if not _CONTENTS.search(texts[p])]


def _title_from_lines(lines: list[Line], venue: str | None = None) -> str | None:
    """The title on the first content page: a line labelled "Title:" or "Topic:", else the largest-font run of
    lines that reads like a title (not the journal's banner, not a table of contents' entry; a title in capitals
    ends where the lines stop being capitals; a title in a script other than Latin gives way to the English one
    that follows it)."""
    for ln in lines[:40]:
        labelled = _LABELLED_TITLE.match(ln.text)
        if labelled and len(labelled.group(1)) >= 12:
            return labelled.group(1).strip()
    banner = venue.casefold() if venue else None
    for page in _content_pages(lines)[:2]:
        on_page = [ln for ln in lines if ln.page == page]
        big = sorted({ln.size for ln in on_page}, reverse=True)[:6]  # a title is among the largest fonts
        candidates = [
            ln
            for ln in on_page
            if ln.size in big
            and _title_like(ln.text)
            and not _TOC_ENTRY.search(ln.text)
            and (banner is None or " ".join(ln.text.split()).casefold() != banner)
        ]
        if not candidates:
            continue
        top = max(ln.size for ln in candidates)
        body = sorted(ln.size for ln in on_page)[len(on_page) // 2]
        emphasis = False
        if top < body * 1.15:  # no larger font: a bold or capitalised title near the top of the page
            candidates = [ln for ln in candidates if ln in on_page[:15] and (ln.bold or ln.text.isupper())]
            if not candidates or len(candidates[0].text) < 12:
                continue
            top, emphasis = candidates[0].size, True
        title = _run(lines, next(ln for ln in candidates if ln.size == top), page, top, emphasis)
        if _foreign(title):
            english = [ln for ln in candidates if ln.size < top and not _foreign(ln.text) and len(ln.text) >= 12]
            if english:
                title = _run(lines, english[0], page, english[0].size, False)
        if len(title) >= 12:
            return title
    return None


def _run(lines: list[Line], first: Line, page: int, size: float, emphasis: bool) -> str:
    """The title's lines from `first`: the lines of the same size (and weight) that follow it."""
    start = next(i for i, ln in enumerate(lines) if ln is first)
    run: list[str] = []
    for ln in lines[start:]:
        same = abs(ln.size - size) <= 0.6 and (not emphasis or ln.bold == first.bold)
        if ln.page != page or not same:
            if run:
                break
            continue
        if run and run[-1].isupper() and not ln.text.isupper():
            break  # "AN MR BRAIN IMAGES CLASSIFIER ..." then "Y. Zhang and L. Wu" in the same size
        run.append(ln.text)
    return _PREFIX.sub("", " ".join(" ".join(run).split()))


def _foreign(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(not c.isascii() for c in letters) > len(letters) / 2


_LABELLED_TITLE = re.compile(r"^\s*(?:Title|Topic|Project title)\s*:\s*(.+)$", re.I)
_TOC_ENTRY = re.compile(r"(?:\s\d{1,3}|\.{3,}\s*\d*)\s*$")


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

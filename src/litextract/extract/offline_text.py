"""Text helpers for the offline extractor: the body without references, sentences, and quotable evidence."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from litextract.document import Document
from litextract.text import clean

_REFERENCES = re.compile(
    r"^\s*(?:\d+\.?\s*|[IVX]+\.\s*)?(References|REFERENCES|Bibliography|BIBLIOGRAPHY|Literature Cited)\s*$", re.M
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[])|\n\s*\n|\n(?=\s*(?:\d+\.?|[IVX]+\.)\s+[A-Z][a-z])")
MAX_QUOTE = 400
R = TypeVar("R", bound=BaseModel)
_DROPPED: ContextVar[list[str] | None] = ContextVar("dropped", default=None)


@contextmanager
def dropping() -> Iterator[list[str]]:
    """Collect, while extracting, the records `record` drops (one line each)."""
    notes: list[str] = []
    token = _DROPPED.set(notes)
    try:
        yield notes
    finally:
        _DROPPED.reset(token)


def record(cls: type[R], **fields: Any) -> R | None:
    """A record (evidence given as a dict, so it is validated here too), or None when its fields are invalid: one
    bad record ("Evidence quote: String should have at least 1 character") is dropped with a note, never the
    paper (`dropping` collects the notes)."""
    try:
        return cls(**fields)
    except ValidationError as exc:
        notes = _DROPPED.get()
        if notes is not None:
            error = exc.errors()[0]
            where = ".".join(str(x) for x in error.get("loc", ()))
            notes.append(
                f"{cls.__name__.lower()} {fields.get('name') or fields.get('model') or ''} dropped: "
                f"{where}: {error.get('msg')}".replace("  ", " ")
            )
        return None


# Section headings: a numbered line ("2. Related Work", "III. METHODS", "4.1 Datasets"), the number alone on the line
# before a known title ("2\nRelated Work"), or a known title alone on its line ("Materials and Methods").
_NUMBER = r"(?:\d+(?:\.\d+)*\.?|[IVX]+\.?)"
# (a title starts with a capital or a letter of a script without case: "4. 실험 결과")
_TITLE_START = r"(?:[A-Z]|[^\x00-\x7f\W\d_])"
_HEADING = re.compile(
    rf"^[ \t]*({_NUMBER})[ \t]+({_TITLE_START}[^\n]{{1,70}})$|"
    rf"^[ \t]*({_NUMBER})[ \t]*\n[ \t]*({_TITLE_START}[^\n]{{2,60}})$",
    re.M,
)
# what a heading's words say its section holds, tried in this order ("Results and Discussion" is results)
SECTION_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("abstract", re.compile(r"^abstract\b", re.I)),
    (
        "back",
        re.compile(
            r"^(?:acknowledge?ments?|funding|conflicts? of interest|competing interests?|author contributions?|"
            r"data availability|ethics)\b",
            re.I,
        ),
    ),
    ("intro", re.compile(r"^introduction\b", re.I)),
    (
        "related",
        re.compile(
            r"\b(?:related (?:works?|studies|research)|literature (?:review|survey)|background|"
            r"previous (?:works?|studies)|prior (?:works?|art)|state[ -]of[ -]the[ -]art)\b",
            re.I,
        ),
    ),
    (
        "experiment",
        re.compile(
            r"\b(?:experiments?|experimental|implementation|evaluation|results?|setup|settings?|training|comparisons?|"
            r"ablations?|performance)\b",
            re.I,
        ),
    ),
    ("data", re.compile(r"\b(?:datasets?|data ?sets?|data|materials?|databases?|cohorts?)\b", re.I)),
    (
        "method",
        re.compile(
            r"\b(?:methods?|methodology|approach|architectures?|proposed|models?|networks?|framework|system|design)\b",
            re.I,
        ),
    ),
    ("discussion", re.compile(r"\b(?:discussion|conclusions?|limitations?|future work|summary)\b", re.I)),
)
_KNOWN_TITLE = re.compile(
    r"^[ \t]*(Abstract|Introduction|Related Works?|Background|Literature Review|Methods?|Methodology|"
    r"Materials and Methods|Methods and Materials|Data(?:sets?| and Methods)?|Experiments?|Experimental Setup|"
    r"Experiments and Results|Results(?: and Discussion)?|Evaluation|Discussion|Conclusions?|Acknowledge?ments?|"
    r"Funding|Author Contributions|Data Availability)[ \t]*\.?$",
    re.M | re.I,
)
# the kinds whose sentences describe the paper's own work (data, method, experiments, results)
OWN_SECTIONS = frozenset({"method", "data", "experiment"})


def section_kind(title: str) -> str | None:
    """What a heading's title says its section holds (`SECTION_KINDS`), or None."""
    for kind, words in SECTION_KINDS:
        if words.search(title):
            return kind
    return None


def _headings(text: str) -> list[tuple[int, str | None, bool]]:
    """(offset, kind or None, top level?) of the headings on a page, in order."""
    out = []
    for m in _HEADING.finditer(text):
        number, title = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        kind = section_kind(title)
        if m.group(1) is None and kind is None:
            continue  # a page number above a running header, not a heading
        if len(title.split()) > 10 or (title.rstrip().endswith((".", ",", ";")) and len(title.split()) > 3):
            continue  # a numbered sentence or list item, not a heading
        out.append((m.start(), kind, "." not in number.rstrip(".")))
    out += [(m.start(), section_kind(m.group(1)), True) for m in _KNOWN_TITLE.finditer(text)]
    return sorted(out)


@dataclass(frozen=True)
class Sentence:
    page: int
    start: int
    end: int
    text: str  # cleaned: no line-end hyphenation, single spaces
    related: bool = False  # in a related-work / background section
    section: str | None = None  # the kind of section it is in (SECTION_KINDS' names), None before any heading

    @property
    def own(self) -> bool:
        """In a section on the paper's own data, method or experiments."""
        return self.section in OWN_SECTIONS

    @property
    def foreign(self) -> bool:
        """Mostly in a script other than Latin (a body in Korean, Chinese, ...): its English words say little."""
        letters = [c for c in self.text if c.isalpha()]
        return bool(letters) and sum(not c.isascii() for c in letters) > len(letters) / 2

    @property
    def quote(self) -> str:
        return self.text if len(self.text) <= MAX_QUOTE else self.text[:MAX_QUOTE]


def body_pages(doc: Document) -> list[tuple[int, str]]:
    """(page number, text) of every page, cut where the reference list starts (searched after the first third)."""
    out = []
    cut_page = None
    for page in doc.pages:
        if cut_page is None and page.number > max(1, len(doc.pages) // 3):
            m = _REFERENCES.search(page.text)
            if m:
                cut_page = page.number
                out.append((page.number, page.text[: m.start()]))
                continue
        if cut_page is None:
            out.append((page.number, page.text))
    return out


def sentences(doc: Document) -> list[Sentence]:
    """The body's sentences in reading order, each with its page, offsets in that page's text and section kind.

    A heading whose title names no kind of section starts an unknown one ("3. DeepLung Framework") when it is
    top-level, and leaves the section as it was when it is a subsection ("2.1 U-net model" under related work).
    """
    out = []
    section: str | None = None
    for number, text in body_pages(doc):
        marks = _headings(text)
        start = 0
        # a heading ends the sentence before it (a heading with no full stop before it is no sentence end)
        ends = [(m.start(), m.end()) for m in _SENTENCE_END.finditer(text)] + [(h, h) for h, _, _ in marks]
        bounds = [*sorted(set(ends)), (len(text), len(text))]
        for a, b in bounds:
            while marks and marks[0][0] <= start:
                _, kind, top = marks.pop(0)
                if kind or top:
                    section = kind or "other"
            if a > start and text[start:a].strip():
                out.append(Sentence(number, start, a, clean(text[start:a]), section == "related", section))
            start = max(start, b)
    return out


_NUMBERED_REF = re.compile(r"^\s*(?:\[(\d{1,3})\]|(\d{1,3})\.)(?:\s|$)", re.M)
_AUTHOR_REF = re.compile(r"^\s*[A-Z][\w'\-]+(?: [A-Z][\w'\-]+)?,\s+(?:[A-Z]\.|[A-Z][a-z]+,)", re.M)


def reference_list(doc: Document) -> dict[str, str]:
    """The reference list as {number: entry} for numbered styles ("[12] ...", "12. ..."), or {"Surname year":
    entry} for author-year ones, read from the pages after the References heading (or the parser's list)."""
    text = "\n".join(doc.references)
    if not text:
        body_end = sum(1 for _ in body_pages(doc))
        last = doc.pages[body_end - 1].text if body_end else ""
        m = _REFERENCES.search(last) if last else None
        tail = last[m.end() :] if m else ""
        text = "\n".join([tail, *(p.text for p in doc.pages[body_end:])])
    numbered = list(_NUMBERED_REF.finditer(text))
    out: dict[str, str] = {}
    if len(numbered) >= 3:
        expected = 1
        starts = []
        for m in numbered:  # numbers in order only: "2009." in an entry is no new entry
            n = int(m.group(1) or m.group(2))
            if n == expected:
                starts.append((n, m))
                expected += 1
        ends = [m.start() for _, m in starts[1:]] + [len(text)] * bool(starts)
        for (n, m), end in zip(starts, ends, strict=True):
            out[str(n)] = clean(text[m.end() : end])
        if out:
            return out
    starts2 = list(_AUTHOR_REF.finditer(text))
    for m, end in zip(starts2, [x.start() for x in starts2[1:]] + [len(text)] * bool(starts2), strict=True):
        entry = clean(text[m.start() : end])
        year = re.search(r"\((?:19|20)\d\d[a-z]?\)|\b(?:19|20)\d\d[a-z]?\b", entry)
        surname = entry.split(",", 1)[0].split()[-1]
        if year:
            out.setdefault(f"{surname} {year.group(0).strip('()')}", entry)
    return out


def reference_title(entry: str) -> str | None:
    """The title of a reference entry: its quoted part, else the sentence after the authors and year."""
    quoted = re.search(r"[“\"]([^”\"]{8,200}?)[,.]?[”\"]", entry)
    if quoted:
        return quoted.group(1).strip()
    parts = re.split(r"(?<=[.:])\s+(?=[A-Z])", entry)
    for part in parts[1:]:
        if len(part.split()) >= 3 and not re.match(r"^(?:In|Proc|arXiv|doi|https?)\b", part):
            return part.rstrip(".").strip()
    return None


# a sentence about other papers: it starts with a citation, an author or "they", or cites "et al."
OTHERS_START = re.compile(
    r"^(?:\[[\d?,\s\-–]+\]|In \[[\d?,\s\-–]+\]|[A-Z][\w\-']+ et al\.?|"
    r"[A-Z][\w\-']+ and [A-Z][\w\-']+,? (?:\[|\(?(?:19|20)\d\d)|They\b|Their\b|"
    r"The authors\b|These authors\b|In their\b|He\b|She\b|(?:This|That|The same|Their) (?:method|approach|model|"
    r"technique|system|network|algorithm)\b|Their (?:work|study)\b|"
    r"(?:Earlier|Previous|Prior|Recent|Existing|Related|Other) (?:works?|stud(?:y|ies)|methods|approaches|papers)\b)"
)
_REPORTING = re.compile(
    r"\b(?:reported|achieved|obtained|attained|yielded|proposed|presented|showed|shown|demonstrated|developed|"
    r"introduced|outperform\w*|accuracy of|employed by|used by)\b",
    re.I,
)
FIRST_PERSON = re.compile(r"\b(?:we|our|us)\b", re.I)
CITATION = re.compile(r"\[[\d?,\s\-–]+\]|\bet al\.")


@lru_cache(maxsize=4096)
def about_others(text: str) -> bool:
    """A sentence about other papers' work: it starts with a citation, an author, "they" or "this method", or it
    cites a work, reports what was achieved or proposed, and does not speak of "we"."""
    if OTHERS_START.match(text):
        return True
    if FIRST_PERSON.search(text) or not CITATION.search(text):
        return False
    # a table row naming a work by its authors is a row of the literature (a dataset's own reference is a number)
    return bool(_REPORTING.search(text)) or (tabular(text) and " et al." in text)


@lru_cache(maxsize=4096)
def tabular(text: str) -> bool:
    """Text of a table read as a sentence: a third of its words or more are numbers ("0.912", "3,137", "95.4%")."""
    words = text.split()
    return len(words) >= 8 and sum(bool(_FIGURE.fullmatch(w)) for w in words) >= 0.3 * len(words)


_FIGURE = re.compile(r"[(\[]?[+\-−±]?\d[\d.,]*%?[)\],;]?")


def window(sentence: Sentence, start: int, end: int, width: int = 160) -> str:
    """A quote of a long sentence around a match (offsets in the sentence's cleaned text)."""
    if len(sentence.text) <= MAX_QUOTE:
        return sentence.text
    a = max(0, start - width)
    b = min(len(sentence.text), end + width)
    a = sentence.text.rfind(" ", 0, a) + 1 if a > 0 else 0
    b_space = sentence.text.find(" ", b)
    b = b_space if b_space != -1 else len(sentence.text)
    return sentence.text[a:b].strip()


def abstract_end(sents: list[Sentence]) -> int:
    """Index of the first sentence after the abstract (the introduction heading), or a fair guess."""
    for i, s in enumerate(sents[:80]):
        if re.search(r"\b(?:1\.?|I\.)\s*Introduction\b|\bINTRODUCTION\b|^Introduction\b", s.text):
            return i
    for i, s in enumerate(sents[:80]):  # else the first numbered section heading ends it
        if i and re.match(r"^(?:\d+\.?|[IVX]+\.)\s+[A-Z][a-z]", s.text):
            return i
    return min(len(sents), 10)


_CITE_MARKS = re.compile(
    r"\s*\[[\d?,\s\-–]+\]|[*†‡§⁰¹²³⁴⁵⁶⁷⁸⁹˒ᵃᵇᶜᵈᵉ]+|\s*\((?:ours|proposed|our method|this work)\)|"
    r"\s*\([A-Z][\w\-']+(?: et al\.| and [A-Z][\w\-']+)?,? (?:19|20)\d\d[a-z]?\)",
    re.I,
)


def model_name(label: str) -> str:
    """A table row label as a model name: citation marks, "(ours)" and footnote symbols removed."""
    name = " ".join(_CITE_MARKS.sub("", label).split()).strip(" -–:")
    if len(name) < 2 or not re.search(r"[A-Za-z]", name):
        name = " ".join(label.split())
    return name

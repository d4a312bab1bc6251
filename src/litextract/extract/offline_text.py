"""Text helpers for the offline extractor: the body without references, sentences, and quotable evidence."""

from __future__ import annotations

import re
from dataclasses import dataclass

from litextract.document import Document
from litextract.text import clean

_REFERENCES = re.compile(
    r"^\s*(?:\d+\.?\s*|[IVX]+\.\s*)?(References|REFERENCES|Bibliography|BIBLIOGRAPHY|Literature Cited)\s*$", re.M
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[])|\n\s*\n|\n(?=\s*(?:\d+\.?|[IVX]+\.)\s+[A-Z][a-z])")
MAX_QUOTE = 400


_RELATED = re.compile(
    r"^\s*(?:\d+\.?|[IVX]+\.)\s*(?:Related Works?|Related Studies|Literature (?:Review|Survey)|Background|"
    r"Previous Works?|Prior Work|State of the Art)\s*$",
    re.M | re.I,
)
_HEADING = re.compile(r"^\s*(?:\d+\.?|[IVX]+\.)\s+[A-Z][^\n]{2,70}$", re.M)


@dataclass(frozen=True)
class Sentence:
    page: int
    start: int
    end: int
    text: str  # cleaned: no line-end hyphenation, single spaces
    related: bool = False  # in a related-work / background section

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
    """The body's sentences in reading order, each with its page and offsets in that page's text."""
    out = []
    related = False
    for number, text in body_pages(doc):
        marks = sorted(
            [(m.start(), True) for m in _RELATED.finditer(text)]
            + [(m.start(), False) for m in _HEADING.finditer(text) if not _RELATED.match(m.group(0))]
        )
        start = 0
        bounds = [(m.start(), m.end()) for m in _SENTENCE_END.finditer(text)] + [(len(text), len(text))]
        for a, b in bounds:
            while marks and marks[0][0] <= start:
                related = marks.pop(0)[1]
            if a > start and text[start:a].strip():
                out.append(Sentence(number, start, a, clean(text[start:a]), related))
            start = b
    return out


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

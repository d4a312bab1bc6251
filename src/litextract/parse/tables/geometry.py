"""Page geometry the table reader works with: words, visual rows of words, and the rules (lines) drawn."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

Word = tuple[float, float, float, float, str, int]  # x0, y0, x1, y1, text, block number

# A cell value: a number (maybe signed, with %, a footnote mark or a rank in brackets), or a placeholder.
NUMBER = re.compile(
    r"^[(\[]?[±+\-−–]?\d+(?:[.,·]\d+)?(?:\.\d+)?"  # a second decimal part: "90.180.71", value and std whose ± is lost
    r"(?:%|[KMGBT]|ms|s|h|min|mm|cm|px|fps|x|×|GB|MB|s/\w+)?"
    r"(?:±\d+(?:[.,]\d+)?%?)?[)\]*†‡§,;]?$"  # "0.92±0.07": a value and its std in one word
)
PLACEHOLDER = re.compile(r"^(?:[-–—]|N/?A|n/?a|NA|/)$")
CITED_YEAR = re.compile(r"^\(?(?:19|20)\d\d[a-z]?\)[,;.]?$")  # "2021)" closing a citation, not a value


@lru_cache(maxsize=65536)  # asked of the same words again and again while a page's tables are read
def numeric(text: str) -> bool:
    """A word that is a cell value: a number or a placeholder ("-", "N/A"), not a year closing a citation."""
    return bool(NUMBER.match(text) or PLACEHOLDER.match(text)) and not CITED_YEAR.match(text)


@lru_cache(maxsize=65536)
def number(text: str) -> bool:
    """A word that is a number (not a placeholder, not a year closing a citation)."""
    return bool(NUMBER.match(text)) and not CITED_YEAR.match(text)


@dataclass
class Row:
    """Words on one visual line, left to right; its measures are read many times, so each is worked out once."""

    words: list[Word]

    @cached_property
    def top(self) -> float:
        return min(w[1] for w in self.words)

    @cached_property
    def bottom(self) -> float:
        return max(w[3] for w in self.words)

    @cached_property
    def centre(self) -> float:
        return (self.top + self.bottom) / 2

    @cached_property
    def height(self) -> float:
        return max(w[3] - w[1] for w in self.words)

    @cached_property
    def x0(self) -> float:
        return self.words[0][0]

    @cached_property
    def x1(self) -> float:
        return max(w[2] for w in self.words)

    @cached_property
    def text(self) -> str:
        return " ".join(w[4] for w in self.words)

    @cached_property
    def is_data(self) -> bool:
        """A row of values: two numbers, or a plain number after its first word."""
        flags = [number(w[4]) for w in self.words]
        plain = [f and not w[4].startswith(("(", "[")) for f, w in zip(flags, self.words, strict=True)]
        return sum(flags) >= 2 or any(plain[1:])


def rows_of(words: list[Word]) -> list[Row]:
    """Words grouped into visual rows (same vertical centre), each sorted left to right, top to bottom."""
    rows: list[Row] = []
    for w in sorted(words, key=lambda w: ((w[1] + w[3]) / 2, w[0])):
        centre = (w[1] + w[3]) / 2
        if rows:
            last = rows[-1].words[-1]
            if abs((last[1] + last[3]) / 2 - centre) <= 0.45 * max(w[3] - w[1], 1.0):
                rows[-1].words.append(w)
                continue
        rows.append(Row([w]))
    for row in rows:
        row.words.sort(key=lambda w: w[0])
    return rows


@dataclass(frozen=True)
class Rule:
    """A horizontal or vertical line drawn on the page (a table rule or cell border)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def horizontal(self) -> bool:
        return self.y1 - self.y0 <= 2.0 and self.x1 - self.x0 > 2.0

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def y(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def x(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Rules:
    horizontal: list[Rule] = field(default_factory=list)
    vertical: list[Rule] = field(default_factory=list)


def rules_of(drawings: list[dict[str, Any]]) -> Rules:
    """The horizontal and vertical rules among a page's drawings (`page.get_cdrawings()`): stroked lines, thin
    filled rectangles, and the sides of stroked rectangles (cell borders)."""
    out = Rules()
    for d in drawings:
        for item in d.get("items", ()):
            kind = item[0]
            if kind == "l":
                (ax, ay), (bx, by) = item[1], item[2]
                _add(out, min(ax, bx), min(ay, by), max(ax, bx), max(ay, by))
            elif kind == "re":
                x0, y0, x1, y1 = item[1]
                x0, x1, y0, y1 = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
                if y1 - y0 <= 2.0 or x1 - x0 <= 2.0:
                    _add(out, x0, y0, x1, y1)
                elif d.get("type") != "f":  # a stroked box: its four sides; a filled one is shading
                    _add(out, x0, y0, x1, y0)
                    _add(out, x0, y1, x1, y1)
                    _add(out, x0, y0, x0, y1)
                    _add(out, x1, y0, x1, y1)
    out.horizontal = _joined(out.horizontal, horizontal=True)
    out.vertical = _joined(out.vertical, horizontal=False)
    return out


def _joined(rules: list[Rule], horizontal: bool) -> list[Rule]:
    """Collinear pieces joined into one rule (a ruled table draws each cell's border on its own; a double rule or
    a rule drawn twice is one)."""
    def along(r: Rule) -> tuple[float, float, float]:
        return (r.y, r.x0, r.x1) if horizontal else (r.x, r.y0, r.y1)

    lines: list[list[tuple[float, float, float]]] = []
    for item in sorted(along(r) for r in rules):  # pieces on one line, their positions a fraction apart
        if lines and abs(item[0] - lines[-1][0][0]) <= 1.0:
            lines[-1].append(item)
        else:
            lines.append([item])
    out: list[list[float]] = []
    for line in lines:
        at = sum(x[0] for x in line) / len(line)
        start = len(out)
        for _, a, b in sorted(line, key=lambda x: x[1]):
            if len(out) > start and a <= out[-1][2] + 2.0:
                out[-1][2] = max(out[-1][2], b)
            else:
                out.append([at, a, b])
    if horizontal:
        return sorted((Rule(a, at, b, at) for at, a, b in out), key=lambda r: (r.y, r.x0))
    return sorted((Rule(at, a, at, b) for at, a, b in out), key=lambda r: (r.x, r.y0))


def _add(out: Rules, x0: float, y0: float, x1: float, y1: float) -> None:
    """A line long enough to be a rule, horizontal or vertical (a Rule is made only for those: a page's figure
    can draw tens of thousands of short strokes)."""
    if y1 - y0 <= 2.0 and x1 - x0 >= 8.0:
        out.horizontal.append(Rule(x0, y0, x1, y1))
    elif x1 - x0 <= 2.0 and y1 - y0 >= 5.0:
        out.vertical.append(Rule(x0, y0, x1, y1))


_SUPERSCRIPT = str.maketrans("0123456789,+-=()abcdeijklmnoprstuvwxyz*", "⁰¹²³⁴⁵⁶⁷⁸⁹˒⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ*")
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹˒⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ"


def split_superscripts(words: list[Word], page_dict: dict[str, Any]) -> list[Word]:
    """Words with their superscript ends split off and written as superscript characters ("ResNet-18¹⁰": a
    citation mark, not part of the name), from the spans PyMuPDF flags as superscript (`extractDICT()`)."""
    sups = [
        (s["bbox"], s["text"].strip())
        for b in page_dict.get("blocks", [])
        for line in b.get("lines", [])
        for s in line.get("spans", [])
        if s.get("flags", 0) & 1 and s.get("text", "").strip()
    ]
    if not sups:
        return words
    ends = {s[1][-1] for s in sups}  # a word can end in a superscript only if it ends in one's last character
    out: list[Word] = []
    for w in words:
        x0, y0, x1, y1, text, block = w
        if text[-1:] not in ends:
            out.append(w)
            continue
        sup = next(
            (s for s in sups if x0 - 0.5 <= s[0][0] <= x1 + 0.5 and s[0][1] >= y0 - 2 and s[0][3] <= y1 + 2
             and text.endswith(s[1]) and s[0][2] <= x1 + 1),
            None,
        )
        if sup is None:
            out.append(w)
        elif len(sup[1]) < len(text):
            cut = sup[0][0]
            out.append((x0, y0, cut, y1, text[: -len(sup[1])], block))
            out.append((cut, y0, x1, y1, sup[1].translate(_SUPERSCRIPT), block))
        else:
            out.append((x0, y0, x1, y1, text.translate(_SUPERSCRIPT), block))
    return out


def split_arrows(words: list[Word]) -> list[Word]:
    """ "↑HD" → "↑", "HD": an arrow glued to the next column's label is split off, x shared by characters."""
    out: list[Word] = []
    for w in words:
        parts = [p for p in re.split(r"(?<=[↑↓])(?=\w)", w[4]) if p] if ("↑" in w[4] or "↓" in w[4]) else [w[4]]
        if len(parts) == 1:
            out.append(w)
            continue
        x, per = w[0], (w[2] - w[0]) / len(w[4])
        for part in parts:
            out.append((x, w[1], x + per * len(part), w[3], part, w[5]))
            x += per * len(part)
    return out

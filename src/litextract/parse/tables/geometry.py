"""Page geometry the table reader works with: words, visual rows of words, and the rules (lines) drawn."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

Word = tuple[float, float, float, float, str, int]  # x0, y0, x1, y1, text, block number

# A cell value: a number (maybe signed, with %, a footnote mark or a rank in brackets), or a placeholder.
NUMBER = re.compile(
    r"^[(\[]?[±+\-−–]?\d+(?:[.,·]\d+)?(?:\.\d+)?"  # a second decimal part: "90.180.71", value and std whose ± is lost
    r"(?:%|[KMGBT]|ms|s|h|min|mm|cm|px|fps|x|×|GB|MB|s/\w+)?[)\]*†‡§,;]?$"
)
PLACEHOLDER = re.compile(r"^(?:[-–—]|N/?A|n/?a|NA|/)$")
CITED_YEAR = re.compile(r"^\(?(?:19|20)\d\d[a-z]?\)[,;.]?$")  # "2021)" closing a citation, not a value


def numeric(text: str) -> bool:
    """A word that is a cell value: a number or a placeholder ("-", "N/A")."""
    return bool(NUMBER.match(text) or PLACEHOLDER.match(text))


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
                _add(out, Rule(min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)))
            elif kind == "re":
                x0, y0, x1, y1 = item[1]
                x0, x1, y0, y1 = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
                if y1 - y0 <= 2.0 or x1 - x0 <= 2.0:
                    _add(out, Rule(x0, y0, x1, y1))
                elif d.get("type") != "f":  # a stroked box: its four sides; a filled one is shading
                    for r in (Rule(x0, y0, x1, y0), Rule(x0, y1, x1, y1), Rule(x0, y0, x0, y1), Rule(x1, y0, x1, y1)):
                        _add(out, r)
    out.horizontal.sort(key=lambda r: (r.y, r.x0))
    out.vertical.sort(key=lambda r: (r.x, r.y0))
    return out


def _add(out: Rules, r: Rule) -> None:
    if r.y1 - r.y0 <= 2.0 and r.x1 - r.x0 >= 8.0:
        out.horizontal.append(r)
    elif r.x1 - r.x0 <= 2.0 and r.y1 - r.y0 >= 5.0:
        out.vertical.append(r)

"""Tables read from word positions: rows by vertical centre, columns by the data rows' cell positions.

Much faster than PyMuPDF's `find_tables()` (which analyses vector graphics). A table is the run of rows holding
numbers next to a "Table N" caption, above or below it, within the caption's text column on two-column pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from litextract.document import Table

Word = tuple[float, float, float, float, str, int]  # x0, y0, x1, y1, text, block number

CAPTION = re.compile(r"^(Table|TABLE)\s+([0-9]+|[IVX]+)\b")
_NUMBER = re.compile(r"^[(\[]?[±+\-−–]?\d+(?:[.,·]\d+)?%?[)\]*†‡,;]?$")
_CITED_YEAR = re.compile(r"^\(?(?:19|20)\d\d[a-z]?\)[,;.]?$")  # "2021)" closing a citation, not a value
_PLACEHOLDER = re.compile(r"^(?:[-–—]|N/?A|n/?a)$")
_ATTACHED = re.compile(r"^[(\[±]|^[±]$")


def _numeric(text: str) -> bool:
    return bool(_NUMBER.match(text) or _PLACEHOLDER.match(text))


@dataclass
class _Row:
    """Words on one visual line; its measures are read many times, so each is worked out once (after `_rows`)."""

    words: list[Word]

    @cached_property
    def top(self) -> float:
        return min(w[1] for w in self.words)

    @cached_property
    def height(self) -> float:
        return max(w[3] - w[1] for w in self.words)

    @cached_property
    def text(self) -> str:
        return " ".join(w[4] for w in self.words)

    @cached_property
    def is_data(self) -> bool:
        flags = [bool(_NUMBER.match(w[4])) and not _CITED_YEAR.match(w[4]) for w in self.words]
        plain = [f and not w[4].startswith(("(", "[")) for f, w in zip(flags, self.words, strict=True)]
        return sum(flags) >= 2 or any(plain[1:])

    @cached_property
    def bottom(self) -> float:
        return max(w[3] for w in self.words)


def tables_from_words(words: list[Word], page_number: int, page_width: float) -> list[Table]:
    """The table next to each "Table N" caption on a page whose words (x0, y0, x1, y1, text, block) are given."""
    tables = []
    numbers: set[str] = set()
    two_columns = _two_columns(words, page_width)
    for i, w in enumerate(words):
        nxt = words[i + 1][4] if i + 1 < len(words) else ""
        if w[4] not in ("Table", "TABLE") or not CAPTION.match(f"{w[4]} {nxt}"):
            continue
        if i > 0 and words[i - 1][5] == w[5] and words[i - 1][3] > w[1] + 1:
            continue  # "Table 3 shows…" inside a sentence, not at the start of a caption block
        block = [x for x in words[i:] if x[5] == w[5] and x[1] >= w[1] - 1]  # the caption: its block from "Table" on
        caption = " ".join(x[4] for x in block)
        if not re.match(r"^(Table|TABLE)\s+(\d+|[IVX]+)\s*[.:|]?\s*", caption) or _is_reference(caption):
            continue
        number = nxt.strip(".:|")
        if number in numbers:  # a later "Table 6." in the running text, not a second caption
            continue
        numbers.add(number)
        left, right = _clip(block, page_width) if two_columns else (0.0, page_width)
        taken = {id(x) for x in block}
        rest = [
            p
            for x in words
            if id(x) not in taken and x[0] >= left - 2 and x[2] <= right + 2
            for p in _split_arrows(x)
        ]
        if not rest:
            continue
        rows = _rows(rest)
        width = max(x[2] for x in rest) - min(x[0] for x in rest)  # the text width, margins excluded
        top, bottom = min(x[1] for x in block), max(x[3] for x in block)
        below = _region([r for r in rows if r.top > bottom - 1], width)
        above = _region([r for r in rows if r.top < top - 1][::-1], width, header_last=True)[::-1]
        gap_below = below[0].top - bottom if below else float("inf")
        gap_above = top - above[-1].bottom if above else float("inf")
        body = below if gap_below <= gap_above else above
        grid = _grid(body) if body else []
        if grid:
            xs = [x for r in body for x in r.words]
            bbox = (min(x[0] for x in xs), min(x[1] for x in xs), max(x[2] for x in xs), max(x[3] for x in xs))
            tables.append(Table(page=page_number, caption=caption[:400], rows=grid, bbox=bbox))
    return tables


def _split_arrows(w: Word) -> list[Word]:
    """ "↑HD" → "↑", "HD": an arrow glued to the next column's label is split off, x shared by characters."""
    if "↑" not in w[4] and "↓" not in w[4]:
        return [w]
    parts = [p for p in re.split(r"(?<=[↑↓])(?=\w)", w[4]) if p]
    if len(parts) == 1:
        return [w]
    out, x, per = [], w[0], (w[2] - w[0]) / len(w[4])
    for part in parts:
        out.append((x, w[1], x + per * len(part), w[3], part, w[5]))
        x += per * len(part)
    return out


def _is_reference(caption: str) -> bool:
    """A sentence that mentions a table ("Table 3 shows…") rather than a caption."""
    return bool(
        re.match(r"^(Table|TABLE)\s+\S+\s+(shows|summari[sz]es|presents|lists|compares|reports|gives|and)\b", caption)
    )


def _two_columns(words: list[Word], page_width: float) -> bool:
    """Text set in two columns: many lines have words on both halves with a gutter, few words cross the middle."""
    middle = page_width / 2
    rows = _rows(words)
    crossing = sum(any(w[0] < middle < w[2] for w in r.words) for r in rows)
    gutter = sum(
        any(w[2] < middle - 2 for w in r.words)
        and any(w[0] > middle + 2 for w in r.words)
        and not any(w[0] < middle < w[2] for w in r.words)
        for r in rows
    )
    return gutter >= 5 and crossing < 0.2 * len(rows)


def _clip(block: list[Word], page_width: float) -> tuple[float, float]:
    """The caption's text column: one half of a two-column page, or the whole width."""
    x0, x1 = min(w[0] for w in block), max(w[2] for w in block)
    middle = page_width / 2
    if x1 < middle + 10:
        return 0.0, middle + 5
    if x0 > middle - 10:
        return middle - 5, page_width
    return 0.0, page_width


def _rows(words: list[Word]) -> list[_Row]:
    """Words grouped into visual rows (same vertical centre), each sorted left to right."""
    rows: list[_Row] = []
    for w in sorted(words, key=lambda w: ((w[1] + w[3]) / 2, w[0])):
        centre = (w[1] + w[3]) / 2
        if rows:
            last = rows[-1].words[-1]
            if abs((last[1] + last[3]) / 2 - centre) <= 0.45 * max(w[3] - w[1], 1.0):
                rows[-1].words.append(w)
                continue
        rows.append(_Row([w]))
    for row in rows:
        row.words.sort(key=lambda w: w[0])
    return rows


def _is_prose(row: _Row, width: float) -> bool:
    span = row.words[-1][2] - row.words[0][0]
    numbers = sum(bool(_NUMBER.match(w[4])) for w in row.words)
    cells = _cells(row)
    one_text = len(cells) == 1 or (len(cells) == 2 and len(cells[1]) >= 3)
    return len(row.words) >= 7 and span > 0.6 * width and one_text and numbers <= 2


def _region(rows: list[_Row], width: float, header_last: bool = False) -> list[_Row]:
    """The table's rows walking away from the caption (rows are given in walking order).

    Walking up from a caption under its table (`header_last`), the header rows come last and are kept.
    """
    body: list[_Row] = []
    for row in rows:
        if CAPTION.match(row.text):
            break
        if _is_prose(row, width):
            if any(r.is_data for r in body):
                break
            if len(body) >= 4:
                return []
            continue
        if body and abs(row.top - body[-1].top) > 4 * max(row.height, body[-1].height):
            break  # a large vertical gap ends the table
        body.append(row)
    last = max((i for i, r in enumerate(body) if r.is_data), default=-1)
    body = body[: last + 1 + (3 if header_last else 0)]
    return body if sum(r.is_data for r in body) >= 2 else []


def _inside(mid: float, spans: list[list[float]]) -> int | None:
    """The column whose span holds `mid`, or None when it falls in a gap between columns."""
    return next((k for k, (a, b) in enumerate(spans) if a - 1 <= mid <= b + 1), None)


def _join_same_column(
    cells: list[tuple[str, float, float]], column: Callable[[float], int]
) -> list[tuple[str, float, float]]:
    out: list[tuple[str, float, float]] = []
    for label, x0, x1 in cells:
        if out and column((out[-1][1] + out[-1][2]) / 2) == column((x0 + x1) / 2) and x0 - out[-1][2] < 15:
            out[-1] = (f"{out[-1][0]} {label}", out[-1][1], x1)
        else:
            out.append((label, x0, x1))
    return out


def _spread(
    header: list[str], cells: list[tuple[str, float, float]], spans: list[list[float]], column: Callable[[float], int]
) -> None:
    """Group labels spanning several columns ("DSC (%)" over ET, WT, TC): each covers the columns up to the
    middle of the gap before the next label; a label over the first (row-label) column stays there."""
    groups: list[tuple[str, float, float]] = []
    last_group = False
    for label, x0, x1 in cells:
        k = _inside((x0 + x1) / 2, spans)
        if last_group and x0 - groups[-1][2] < 8:  # one label in two pieces: "Hausdorff95" "(mm)↓"
            groups[-1] = (f"{groups[-1][0]} {label}", groups[-1][1], x1)
        elif column((x0 + x1) / 2) == 0:
            header[0] = f"{header[0]} {label}".strip()
            last_group = False
        elif k is not None and x1 - x0 <= spans[k][1] - spans[k][0] + 4:  # sits over one column only
            header[k] = f"{header[k]} {label}".strip()
            last_group = False
        else:
            groups.append((label, x0, x1))
            last_group = True
    if not groups:
        return
    centres = [(a + b) / 2 for a, b in spans]
    left_aligned = groups[0][1] <= centres[1]  # the first label starts over the first value column
    for i, (label, x0, x1) in enumerate(groups):
        if left_aligned:
            left = x0 - 3 if i else spans[0][1]
            right = groups[i + 1][1] - 3 if i + 1 < len(groups) else float("inf")
            inside = [k for k in range(1, len(spans)) if left <= spans[k][1] and spans[k][0] < right]
        else:
            left = (groups[i - 1][2] + x0) / 2 if i else spans[0][1]
            right = (x1 + groups[i + 1][1]) / 2 if i + 1 < len(groups) else float("inf")
            inside = [k for k in range(1, len(spans)) if left <= centres[k] < right]
        for k in inside:
            header[k] = f"{header[k]} {label}".strip()


def _cells(row: _Row) -> list[list[Word]]:
    """A row's words joined into cells: split at wide gaps and between two plain numbers."""
    cells: list[list[Word]] = []
    h = row.height
    for w in row.words:
        if cells:
            prev = cells[-1][-1]
            gap = w[0] - prev[2]
            both_numbers = _numeric(prev[4]) and _numeric(w[4]) and not _ATTACHED.match(w[4]) and prev[4] != "±"
            text = " ".join(x[4] for x in cells[-1])
            if gap < 0.6 * h and (not both_numbers or text.count("(") > text.count(")")):
                cells[-1].append(w)
                continue
        cells.append([w])
    return cells


def _grid(body: list[_Row]) -> list[list[str]]:
    """Rows of cell strings with columns found from the data rows; the first row is the merged header."""
    data = [r for r in body if r.is_data]
    spans: list[list[float]] = []
    for x0, x1 in sorted((c[0][0], c[-1][2]) for r in data for c in _cells(r)):
        if spans and x0 <= spans[-1][1] + 1:
            spans[-1][1] = max(spans[-1][1], x1)
        else:
            spans.append([x0, x1])
    if len(spans) < 2:
        return []
    centres = [(a + b) / 2 for a, b in spans]

    def column(mid: float) -> int:
        for k, (a, b) in enumerate(spans):
            if a - 1 <= mid <= b + 1:
                return k
        return min(range(len(spans)), key=lambda k: abs(centres[k] - mid))

    first = body.index(data[0])
    header = [""] * len(spans)
    heads = body[:first][-5:]
    while len(heads) > 1 and heads[1].top - heads[0].bottom > 2.5 * heads[0].height:
        heads = heads[1:]  # a header ends at a large vertical gap
    for row in heads:
        cells: list[tuple[str, float, float]] = []
        for c in _cells(row):
            inside = [_inside((w[0] + w[2]) / 2, spans) for w in c if re.search(r"\w", w[4])]
            if len(c) > 1 and None not in inside and len(set(inside)) == len(inside) > 1:
                cells.extend((w[4], w[0], w[2]) for w in c)  # column labels set close together
            else:
                cells.append((" ".join(w[4] for w in c), c[0][0], c[-1][2]))
        cells = _join_same_column(cells, column)
        if len(cells) < len(spans) - 1:
            _spread(header, cells, spans, column)
        else:
            for label, x0, x1 in cells:
                k = column((x0 + x1) / 2)
                header[k] = f"{header[k]} {label}".strip()
    grid = [header]
    for row in body[first:]:
        out = [""] * len(spans)
        for c in _cells(row):
            k = column((c[0][0] + c[-1][2]) / 2)
            out[k] = f"{out[k]} {' '.join(w[4] for w in c)}".strip()
        if not row.is_data and len(grid) > 1 and sum(bool(x) for x in out) == 1 and out[0]:
            grid[-1][0] = f"{grid[-1][0]} {out[0]}".strip()  # a wrapped row label
            continue
        grid.append(out)
    return grid if len(grid) > 2 else []

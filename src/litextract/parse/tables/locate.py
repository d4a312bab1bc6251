"""Where a page's tables are: each "Table N" caption paired with the region of rows it names.

A region is bounded by the table's rules when it has them (booktabs' top and bottom rule, a ruled table's
borders): the stack of horizontal rules right under a caption (or right above one printed below its table),
as wide as the table, never crossing a caption or a line of prose. A table without rules is the run of rows
next to its caption, within the caption's text column on a two-column page, up to a large gap or prose.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from litextract.parse.tables.geometry import Row, Rule, Word, rows_of

CAPTION = re.compile(r"^(Table|TABLE)\s+([0-9]+[a-z]?|[IVX]+|S\d+|[A-Z]\.?\d+)\b")
_REFERENCE = re.compile(
    r"^(Table|TABLE)\s+\S+\s+(shows|summari[sz]es|presents|lists|compares|reports|gives|illustrates|and|"
    r"in|of|with|for|we|to|is|are|also|demonstrates|provides|displays|contains|depicts)\b"
)
_FIGURE = re.compile(r"^(Fig\.?|Figure|FIGURE|FIG\.?)\s+\d+")
_CONTINUED = re.compile(r"\(?\bcont(?:inued|\.|'d)\)?", re.I)


@dataclass
class Caption:
    words: list[Word]
    number: str

    @property
    def text(self) -> str:
        return " ".join(w[4] for w in self.words)

    @property
    def x0(self) -> float:
        return min(w[0] for w in self.words)

    @property
    def x1(self) -> float:
        return max(w[2] for w in self.words)

    @property
    def top(self) -> float:
        return min(w[1] for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w[3] for w in self.words)

    @property
    def continued(self) -> bool:
        return bool(_CONTINUED.search(self.text[:60]))


class _ByTop:
    """A page's words indexed by their top edge, so that the words inside a horizontal band are found without
    reading every word of the page for each band a table's rules make."""

    def __init__(self, words: list[Word]) -> None:
        self.words = words
        self.order = sorted(range(len(words)), key=lambda i: words[i][1])
        self.tops = [words[i][1] for i in self.order]
        self.upright = all(w[1] <= w[3] for w in words)  # (a word's top is never below its bottom)

    def between(self, top: float, bottom: float) -> list[Word]:
        """The words with top >= `top` and bottom <= `bottom`, in page order."""
        if not self.upright:
            return [w for w in self.words if w[1] >= top and w[3] <= bottom]
        found = self.order[bisect_left(self.tops, top) : bisect_right(self.tops, bottom)]
        return [self.words[i] for i in sorted(found) if self.words[i][3] <= bottom]


@dataclass
class Region:
    caption: Caption
    rows: list[Row]
    rules: list[Rule]  # horizontal rules inside the region
    vertical: list[Rule]  # vertical rules inside the region (a ruled table's column borders)
    x0: float
    x1: float
    top: float
    bottom: float
    ruled: bool  # bounded by rules
    footnotes: list[str]


def captions(words: list[Word], rules: list[Rule] | None = None) -> list[Caption]:
    """The table captions on a page: "Table N" starting a text block, not a sentence that mentions a table; a
    caption ends at a rule drawn under one of its lines (the table's header set in the same text block)."""
    out: list[Caption] = []
    numbers: set[str] = set()
    for i, w in enumerate(words):
        nxt = words[i + 1][4] if i + 1 < len(words) else ""
        if w[4] not in ("Table", "TABLE") or not CAPTION.match(f"{w[4]} {nxt}"):
            continue
        if i > 0 and words[i - 1][5] == w[5] and words[i - 1][3] > w[1] + 1:
            continue  # "Table 3 shows…" inside a sentence, not at the start of a caption block
        block = _until_rule([x for x in words[i:] if x[5] == w[5] and x[1] >= w[1] - 1], rules or [])
        block = _continued_caption(block, words, rules or [])
        text = " ".join(x[4] for x in block)
        if _REFERENCE.match(text) and not re.match(r"^\S+\s+\S+[.:|]", text):
            continue
        number = nxt.strip(".:|")
        if number in numbers:  # a later "Table 6." in the running text, not a second caption
            continue
        numbers.add(number)
        out.append(Caption(block, number))
    return out


def _continued_caption(block: list[Word], words: list[Word], rules: list[Rule]) -> list[Word]:
    """A caption whose last line does not end a sentence, continued by lines of text in other text blocks right
    under it (no rule between, set from its left edge, words without the wide gaps of a table's header)."""
    out = list(block)
    for _ in range(3):
        last = rows_of(out)[-1]
        if re.search(r"[.:]\s*$", last.text):
            break
        x0 = min(w[0] for w in out)
        taken = {id(w) for w in out}
        below = [w for w in words if id(w) not in taken and last.bottom - 1 < w[1] < last.bottom + 0.8 * last.height]
        nxt = rows_of(below)[0] if below else None
        if (
            nxt is None
            or abs(nxt.x0 - x0) > 5
            or nxt.is_data
            or any(b[0] - a[2] > 1.5 * nxt.height for a, b in itertools.pairwise(nxt.words))
            or any(last.bottom - 1 <= r.y <= nxt.top + 1 for r in rules)
        ):
            break
        out += nxt.words
    return out


def _until_rule(block: list[Word], rules: list[Rule]) -> list[Word]:
    """A caption block's lines up to the first rule drawn between two of them."""
    lines = rows_of(block)
    for above, below in itertools.pairwise(lines):
        if any(above.bottom - 2 <= r.y <= below.top + 2 and r.x0 < below.x1 and r.x1 > below.x0 for r in rules):
            keep = {id(w) for line in lines[: lines.index(below)] for w in line.words}
            return [w for w in block if id(w) in keep]
    return block


def regions(words: list[Word], rules: list[Rule], page_width: float) -> list[Region]:
    """Each caption's table region on a page (captions whose table is not found are left out)."""
    caps = captions(words, [r for r in rules if r.horizontal])
    if not caps:
        return []
    blocked = {id(x) for c in caps for x in c.words} | _figure_caption_words(words)
    free = [w for w in words if id(w) not in blocked]
    horizontal = [r for r in rules if r.horizontal]
    vertical = [r for r in rules if not r.horizontal]
    out: list[Region] = []
    claimed: list[tuple[float, float, float, float]] = []
    by_top = _ByTop(free)
    for cap in caps:
        region = _ruled(cap, caps, by_top, horizontal, *_reach(cap, caps, words, page_width, columns=False), claimed)
        if region is None:
            left, right = _reach(cap, caps, words, page_width)
            region = _unruled(cap, caps, free, left, right, page_width)
        if region is not None:
            region.vertical = [
                r for r in vertical
                if region.x0 - 3 <= r.x <= region.x1 + 3 and r.y1 >= region.top - 2 and r.y0 <= region.bottom + 2
            ]
            claimed.append((region.x0, region.top, region.x1, region.bottom))
            out.append(region)
    return out


def _figure_caption_words(words: list[Word]) -> set[int]:
    out: set[int] = set()
    for i, w in enumerate(words):
        if w[4] in ("Fig.", "Figure", "FIGURE", "Fig", "FIG.") and (i == 0 or words[i - 1][5] != w[5]):
            nxt = words[i + 1][4] if i + 1 < len(words) else ""
            if _FIGURE.match(f"{w[4]} {nxt}"):
                out |= {id(x) for x in words[i:] if x[5] == w[5]}
    return out


def _reach(
    cap: Caption, caps: list[Caption], words: list[Word], page_width: float, columns: bool = True
) -> tuple[float, float]:
    """The horizontal range a caption's table may use: not past a caption set beside it (tables side by side),
    and (`columns`) within its text column on a two-column page unless the caption crosses the middle."""
    left, right = 0.0, page_width
    if columns and _two_columns(words, page_width):
        middle = page_width / 2
        if cap.x1 < middle + 10:
            right = middle + 5
        elif cap.x0 > middle - 10:
            left = middle - 5
    for other in caps:
        if other is cap or other.bottom < cap.top - 2 or other.top > cap.bottom + 2:
            continue
        if other.x0 >= cap.x1 - 2:
            right = min(right, other.x0 - 2)
        elif other.x1 <= cap.x0 + 2:
            left = max(left, other.x1 + 2)
    return left, right


def _two_columns(words: list[Word], page_width: float) -> bool:
    """Text set in two columns: lines of running text fill each half, and few cross the middle (a table's
    cells, short and far apart, are no lines of text)."""
    middle = page_width / 2
    halves = [0, 0]
    crossing = 0
    for row in rows_of(words):
        runs: list[list[Word]] = []
        for w in row.words:
            if runs and w[0] - runs[-1][-1][2] < 2 * row.height:
                runs[-1].append(w)
            else:
                runs.append([w])
        for run in runs:
            x0, x1 = run[0][0], run[-1][2]
            if x1 - x0 < 0.3 * page_width or len(run) < 4:
                continue
            if x0 < middle < x1:
                crossing += 1
            else:
                halves[x0 >= middle] += 1
    return min(halves) >= 4 and crossing < 0.25 * sum(halves)


_FUNCTION_WORDS = re.compile(r"^(?:the|of|and|to|in|we|is|are|for|with|on|that|by|as|a|an|this|from|which)$")


def _is_prose(row: Row, width: float) -> bool:
    """A line of running text: many words over most of the width, no wide gaps, few numbers, and read like a
    sentence (mostly lower-case words, function words) rather than a row of labels."""
    if len(row.words) < 7 or row.x1 - row.x0 < 0.6 * width:
        return False
    gaps = [b[0] - a[2] for a, b in zip(row.words, row.words[1:], strict=False)]
    wide = sum(g > 1.2 * row.height for g in gaps)
    numbers = sum(bool(re.match(r"^[(\[]?\d", w[4])) for w in row.words)
    lower = sum(w[4][:1].islower() for w in row.words)
    function = sum(bool(_FUNCTION_WORDS.match(w[4])) for w in row.words)
    return wide <= 1 and numbers <= 2 and lower >= 0.4 * len(row.words) and function >= 1


def _ruled(
    cap: Caption, caps: list[Caption], by_top: _ByTop, rules: list[Rule], left: float, right: float,
    claimed: list[tuple[float, float, float, float]],
) -> Region | None:
    """The region between the rules next to the caption: below it (caption above) or above it (caption below)."""
    near = [r for r in rules if r.x0 >= left - 3 and r.x1 <= right + 3 and r.width >= 30 and not _in(r, claimed)]
    below = [r for r in near if r.y > cap.bottom - 1 and _overlap(r, cap) and r.y - cap.bottom < 45]
    above = [r for r in near if r.y < cap.top + 1 and _overlap(r, cap) and cap.top - r.y < 45]
    options = []
    if below:
        start = min(below, key=lambda r: r.y)
        options.append((start.y - cap.bottom, _stack(start, near, by_top, caps, cap, down=True)))
    if above:
        start = max(above, key=lambda r: r.y)
        options.append((cap.top - start.y, _stack(start, near, by_top, caps, cap, down=False)))
    for _, stack in sorted(options, key=lambda o: o[0]):
        if len(stack) < 2:
            continue
        top, bottom = stack[0].y, stack[-1].y
        x0 = min(r.x0 for r in stack if r.width >= 0.8 * max(s.width for s in stack))
        x1 = max(r.x1 for r in stack)
        inside = [w for w in by_top.between(top - 1, bottom + 1) if w[0] >= x0 - 3 and w[2] <= x1 + 3]
        rows = rows_of(inside)
        if sum(r.is_data for r in rows) < 2:
            continue
        notes = _footnotes(by_top.words, x0, x1, bottom) if stack[0].y > cap.bottom else []
        inner = [r for r in rules if top - 1 <= r.y <= bottom + 1 and r.x0 >= x0 - 3 and r.x1 <= x1 + 3]
        return Region(cap, rows, inner, [], x0, x1, top, bottom, True, notes)
    return None


def _in(rule: Rule, claimed: list[tuple[float, float, float, float]]) -> bool:
    return any(x0 - 2 <= rule.x <= x1 + 2 and y0 - 1 <= rule.y <= y1 + 1 for x0, y0, x1, y1 in claimed)


def _overlap(rule: Rule, cap: Caption) -> bool:
    return min(rule.x1, cap.x1) - max(rule.x0, cap.x0) > 0.3 * min(rule.width, cap.x1 - cap.x0)


def _stack(
    start: Rule, rules: list[Rule], by_top: _ByTop, caps: list[Caption], cap: Caption, down: bool
) -> list[Rule]:
    """The rules of one table walking away from its caption: as wide as the first (or inside its width), until
    a caption, a line of prose or a wide empty gap comes between two rules."""
    ordered = sorted(rules, key=lambda r: r.y, reverse=not down)
    stack = [start]
    width = start.width
    for r in ordered:
        last = stack[-1]
        if (r.y <= last.y) if down else (r.y >= last.y):
            continue
        if r.x0 < start.x0 - 0.1 * width or r.x1 > start.x1 + 0.1 * width:
            if r.width >= 0.5 * width:
                break  # another table's rule
            continue
        a, b = sorted((last.y, r.y))
        between = [w for w in by_top.between(a - 1, b + 1) if w[0] >= start.x0 - 3 and w[2] <= start.x1 + 3]
        if any(c is not cap and a - 1 <= c.top <= b for c in caps):
            break
        rows = rows_of(between)
        if any(_is_prose(row, width) for row in rows):
            break
        if not rows and b - a > 60:
            break
        stack.append(r)
    stack.sort(key=lambda r: r.y)
    # a stack ends at its last full-width rule (partial ones below it belong to no table body)
    full = [r for r in stack if r.width >= 0.8 * width]
    return [r for r in stack if full[0].y <= r.y <= full[-1].y] if len(full) >= 2 else []


def _footnotes(words: list[Word], x0: float, x1: float, bottom: float) -> list[str]:
    """Lines right under a table's bottom rule that start with a note mark or "Note"."""
    rows = rows_of([w for w in words if w[1] >= bottom - 1 and w[0] >= x0 - 3 and w[2] <= x1 + 3])
    out: list[str] = []
    last = bottom
    for row in rows[:6]:
        if row.top - last > 1.2 * row.height:
            break
        if out or re.match(r"^(?:[*†‡§#¶]|[a-e]\s|Notes?\b|Abbreviations?\b|Bold\b|The best\b)", row.text):
            out.append(row.text)
            last = row.bottom
        else:
            break
    return out


def _unruled(
    cap: Caption, caps: list[Caption], words: list[Word], left: float, right: float, page_width: float
) -> Region | None:
    """The run of rows next to a caption in a table drawn without rules."""
    rest = [x for x in words if x[0] >= left - 2 and x[2] <= right + 2]
    if not rest:
        return None
    rows = rows_of(rest)
    width = max(x[2] for x in rest) - min(x[0] for x in rest)
    below = _walk([r for r in rows if r.top > cap.bottom - 1], width)
    above = _walk([r for r in rows if r.top < cap.top - 1][::-1], width, header_last=True)[::-1]
    gap_below = below[0].top - cap.bottom if below else float("inf")
    gap_above = cap.top - above[-1].bottom if above else float("inf")
    body = below if gap_below <= gap_above else above
    if not body:
        return None
    x0 = min(r.x0 for r in body)
    x1 = max(r.x1 for r in body)
    return Region(cap, body, [], [], x0, x1, body[0].top, body[-1].bottom, False, [])


def _walk(rows: list[Row], width: float, header_last: bool = False) -> list[Row]:
    """The table's rows walking away from the caption (rows are given in walking order).

    Walking up from a caption under its table (`header_last`), the header rows come last and are kept.
    """
    body: list[Row] = []
    for row in rows:
        if CAPTION.match(row.text) or _FIGURE.match(row.text):
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

"""A table's grid from word positions: value columns from the numbers' x-alignment over all body rows, stub
columns from the whitespace left of them, header labels placed over the columns they span, and row labels
(multirow blocks, section rows, wrapped labels) filled to the rows they name.

The input is the table's region (rows of words between its rules, or next to its caption when it has none);
the output is the cells of `document.Table`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from litextract.document import Cell
from litextract.parse.tables.geometry import NUMBER, Row, Rule, Word, number, numeric

# Words that belong to the value before them: "± 0.12", "±0.12", "(0.12)", "(1st)", "%", a significance mark.
_ATTACHED = re.compile(r"^(?:±.*|\(.*\d.*\)?|\d.*\)|%|[*†‡§]+|\(?[a-e]\)?)$")
_MARK = re.compile(r"^[*†‡§#]+$")
_CONTINUES = re.compile(r"(?:[-+,/&(]|\band|\bof|\bwith|\bon|\bw/o?|\bfor)$", re.I)


@dataclass
class Grid:
    """What `build` returns: the cells and the grid's shape."""

    cells: list[Cell]
    n_rows: int
    n_cols: int
    header_rows: int
    stub_cols: int


@dataclass
class _Column:
    x0: float
    x1: float
    value: bool  # a column of values (numbers), not of row labels
    rows: set[int] = field(default_factory=set)

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


def build(rows: list[Row], rules: list[Rule], width: float) -> Grid | None:
    """The grid of a table region's rows (top to bottom), with the horizontal rules drawn inside it."""
    first = _body_start(rows, rules, width)
    if first is None:
        return None
    head, body = rows[:first], rows[first:]
    units = [_units(r) for r in body]
    columns = _value_columns(body, units)
    if not columns:
        return None
    stub = _stub_columns(body, units, columns[0].x0)
    cols = stub + columns
    n_stub = len(stub)
    grid_rows: list[list[list[Word]]] = []
    for row, row_units in zip(body, units, strict=True):
        out: list[list[Word]] = [[] for _ in cols]
        for unit in row_units:
            out[_column_of(unit, cols, n_stub)].extend(unit)
        grid_rows.append(out)
    header_cells = _header(head, cols, rules)
    n_head = len({c.row for c in header_cells})
    cells = header_cells + _body_cells(body, grid_rows, cols, n_stub, n_head, rules)
    if sum(any(c.col >= n_stub for c in cells if c.row == i) for i in range(n_head, n_head + len(body))) < 2:
        return None
    return Grid(cells, n_head + len(body), len(cols), n_head, n_stub)


def _body_start(rows: list[Row], rules: list[Rule], width: float) -> int | None:
    """Index of the first body row: below the first full-width rule that has rows above it (booktabs' midrule,
    a ruled table's header line), else the first row of values."""
    data = [i for i, r in enumerate(rows) if r.is_data]
    if len(data) < 2:
        return None
    top = min(r.top for r in rows)
    for rule in rules:
        if rule.width < 0.8 * width or rule.y <= top:
            continue
        above = [i for i, r in enumerate(rows) if r.bottom <= rule.y + 1]
        below = [i for i in data if rows[i].top >= rule.y - 1]
        if above and len(below) >= 2:
            decimals = sum(bool(re.search(r"\d[.,]\d", rows[i].text)) for i in above)
            if decimals <= 2 and len(above) <= 8:
                return len(above)
            break
    return data[0]


def _units(row: Row) -> list[list[Word]]:
    """A row's words as units: a value with what belongs to it ("95.4 ± 1.2", "0.81 (1st)"), or a run of text
    words without a wide gap."""
    units: list[list[Word]] = []
    h = row.height
    for w in row.words:
        if units:
            last = units[-1]
            prev = last[-1]
            gap = w[0] - prev[2]
            if _is_value(last) and (prev[4] == "±" or (_ATTACHED.match(w[4]) and not numeric(w[4]) and gap < h)):
                last.append(w)
                continue
            if _is_value(last) and w[4].startswith("±") and gap < h:
                last.append(w)
                continue
            if not _is_value(last) and not numeric(w[4]) and gap < 0.8 * h:
                last.append(w)
                continue
            if not _is_value(last) and numeric(w[4]) and not NUMBER.match(w[4]) and gap < 0.3 * h:
                last.append(w)  # "U-Net -" is a name, not a placeholder cell
                continue
        units.append([w])
    return units


def _is_value(unit: list[Word]) -> bool:
    return numeric(unit[0][4])


def _value_columns(body: list[Row], units: list[list[list[Word]]]) -> list[_Column]:
    """Columns of values: x-intervals covered by value units, merged where they overlap, kept where values
    stand in enough rows (a number inside a few row labels, "ResNet 50", makes no column)."""
    spans: list[tuple[float, float, int]] = []
    for i, row_units in enumerate(units):
        for k, unit in enumerate(row_units):
            if _is_value(unit) and (k or not body[i].is_data or len(row_units) == 1 or number(unit[0][4])):
                spans.append((unit[0][0], max(w[2] for w in unit), i))
    spans.sort()
    merged: list[_Column] = []
    for x0, x1, i in spans:
        if merged and x0 <= merged[-1].x1 + 0.5:
            merged[-1].x1 = max(merged[-1].x1, x1)
            merged[-1].rows.add(i)
        else:
            merged.append(_Column(x0, x1, True, {i}))
    n_data = sum(r.is_data for r in body)
    need = max(2, round(0.2 * n_data)) if n_data > 2 else 1
    columns = [c for c in merged if len(c.rows) >= need]
    # a value run at the left edge inside every row label ("Fold 1", "Stage 2") is part of the label
    while columns and _inside_labels(columns[0], body, units):
        columns.pop(0)
    return columns


def _inside_labels(column: _Column, body: list[Row], units: list[list[list[Word]]]) -> bool:
    """The column's values follow a text word closely in most of its rows and are small integers."""
    glued = 0
    for i in column.rows:
        for k, unit in enumerate(units[i]):
            if _is_value(unit) and column.x0 - 0.5 <= unit[0][0] <= column.x1 + 0.5:
                prev = units[i][k - 1] if k else None
                small = re.fullmatch(r"\d{1,2}", unit[0][4]) is not None
                if prev and not _is_value(prev) and unit[0][0] - prev[-1][2] < 0.5 * body[i].height and small:
                    glued += 1
    return glued >= 0.8 * len(column.rows)


def _stub_columns(body: list[Row], units: list[list[list[Word]]], left_of: float) -> list[_Column]:
    """Row-label columns: the text left of the first value column, split where a vertical strip of whitespace
    runs through every body row."""
    spans = sorted(
        (unit[0][0], max(w[2] for w in unit))
        for row_units in units
        for unit in row_units
        if unit[0][0] < left_of - 1
    )
    if not spans:
        return []
    h = max(r.height for r in body)
    merged: list[list[float]] = []
    for x0, x1 in spans:
        if merged and x0 <= merged[-1][1] + 0.6 * h:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    return [_Column(a, b, False) for a, b in merged]


def _column_of(unit: list[Word], cols: list[_Column], n_stub: int) -> int:
    """The column a unit falls in: the one its extent overlaps most, else the nearest by centre."""
    x0, x1 = unit[0][0], max(w[2] for w in unit)
    if n_stub and x0 < cols[n_stub].x0 - 1:
        candidates = range(n_stub)
    else:
        candidates = range(n_stub, len(cols))
    best = max(candidates, key=lambda k: min(x1, cols[k].x1) - max(x0, cols[k].x0))
    if min(x1, cols[best].x1) - max(x0, cols[best].x0) > 0:
        return best
    mid = (x0 + x1) / 2
    return min(candidates, key=lambda k: abs(cols[k].centre - mid))


def _header(head: list[Row], cols: list[_Column], rules: list[Rule]) -> list[Cell]:
    """Header cells, one grid row per visual header row; each label spans the columns under it."""
    head = head[-6:]
    cells: list[Cell] = []
    bounds = _bounds(cols)
    for i, row in enumerate(head):
        below = head[i + 1 :]
        phrases = _phrases(row)
        for phrase in phrases:
            others = [p for p in phrases if p is not phrase]
            for words, span in _place(phrase, cols, bounds, row, below, _own_rules(rules, others)):
                text = " ".join(w[4] for w in words)
                if not re.search(r"\w", text):
                    continue
                bbox = (words[0][0], min(w[1] for w in words), max(w[2] for w in words), max(w[3] for w in words))
                cells.append(Cell(text=text, row=i, col=span[0], col_span=len(span), bbox=bbox))
    merged: list[Cell] = []
    for c in cells:  # pieces of one label placed apart ("Kidney" "(L)") joined again
        same = next((m for m in merged if m.row == c.row and m.col == c.col and m.col_span == c.col_span), None)
        if same is None:
            merged.append(c)
            continue
        same.text = f"{same.text} {c.text}"
        if same.bbox and c.bbox:
            same.bbox = (min(same.bbox[0], c.bbox[0]), min(same.bbox[1], c.bbox[1]),
                         max(same.bbox[2], c.bbox[2]), max(same.bbox[3], c.bbox[3]))
    used = sorted({c.row for c in merged})
    for c in merged:
        c.row = used.index(c.row)
    return _join_levels(merged)


def _bounds(cols: list[_Column]) -> list[tuple[float, float]]:
    """Each column's reach: from the middle of the gap to its left neighbour to the middle of the gap to its right."""
    out = []
    for k, c in enumerate(cols):
        left = (cols[k - 1].x1 + c.x0) / 2 if k else float("-inf")
        right = (c.x1 + cols[k + 1].x0) / 2 if k + 1 < len(cols) else float("inf")
        out.append((left, right))
    return out


def _phrases(row: Row) -> list[list[Word]]:
    """A header row's words in runs without a gap wider than the row's word space (labels set close together
    are told apart by their gaps being wider than the spaces inside a label)."""
    gaps = [b[0] - a[2] for a, b in zip(row.words, row.words[1:], strict=False)]
    space = min((g for g in gaps if g > 0.5), default=0.0)
    limit = min(0.5 * row.height, 1.4 * space) if space else 0.5 * row.height
    out: list[list[Word]] = []
    for w in row.words:
        if out and w[0] - out[-1][-1][2] < limit:
            out[-1].append(w)
        else:
            out.append([w])
    return out


def _place(
    phrase: list[Word],
    cols: list[_Column],
    bounds: list[tuple[float, float]],
    row: Row,
    below: list[Row],
    rules: list[Rule],
) -> list[tuple[list[Word], list[int]]]:
    """The label(s) of a header phrase with the columns each spans.

    Words that each sit within one column's reach are labels of their own columns ("Dice HD" set close); a
    label crossing into a neighbour's column spans the columns it overlaps, or those a rule drawn under it
    covers (booktabs' cmidrule); a label over columns whose own labels lie lower spans them too.
    """
    x0, x1 = phrase[0][0], max(w[2] for w in phrase)
    overlapped = [k for k, c in enumerate(cols) if min(x1, c.x1) - max(x0, c.x0) > 0.5]
    rule = _rule_under(phrase, row, below, rules)
    if rule is not None:
        span = [k for k, c in enumerate(cols) if rule.x0 - 2 <= c.centre <= rule.x1 + 2]
        if span:
            return [(phrase, span)]
    if len(overlapped) <= 1:
        if overlapped:
            k = overlapped[0]
        else:
            mid = (x0 + x1) / 2
            k = next((j for j, (a, b) in enumerate(bounds) if a <= mid <= b), 0)
        span = _group_span(k, x0, x1, cols, row, below)
        return [(phrase, span)]
    groups: dict[int, list[Word]] = {}
    for w in phrase:
        mid = (w[0] + w[2]) / 2
        k = next((j for j, (a, b) in enumerate(bounds) if a <= mid <= b), -1)
        groups.setdefault(k, []).append(w)
    if len(groups) >= 2 and all(k >= 0 and _own_label(ws, k, cols) for k, ws in groups.items()):
        return [(ws, [k]) for k, ws in sorted(groups.items())]
    return [(phrase, overlapped)]


def _own_label(words: list[Word], k: int, cols: list[_Column]) -> bool:
    """Words that label column k alone: they overlap no other column and are centred on it or aligned with its
    left or right edge."""
    x0, x1 = words[0][0], max(w[2] for w in words)
    if any(min(x1, c.x1) - max(x0, c.x0) > 0.5 for j, c in enumerate(cols) if j != k):
        return False
    c = cols[k]
    tolerance = max(3.0, 0.25 * (c.x1 - c.x0))
    return abs((x0 + x1) / 2 - c.centre) <= tolerance or abs(x0 - c.x0) <= 2.5 or abs(x1 - c.x1) <= 2.5


def _group_span(k: int, x0: float, x1: float, cols: list[_Column], row: Row, below: list[Row]) -> list[int]:
    """A short label over one column, or centred over several whose labels sit in a lower header row: the
    neighbouring columns it is centred over ("Kvasir" over mDice | mIoU)."""
    lower = [w for r in below if r.top >= row.bottom - 0.5 for w in r.words]
    if not lower:
        return [k]
    mid = (x0 + x1) / 2
    labelled = {
        j for j, c in enumerate(cols) if any(min(w[2], c.x1) - max(w[0], c.x0) > 0 for w in lower)
    }
    best = [k]
    for width in range(2, 5):
        for start in range(max(0, k - width + 1), min(k, len(cols) - width) + 1):
            span = list(range(start, start + width))
            if not all(j in labelled and cols[j].value == cols[k].value for j in span):
                continue
            centre = (cols[span[0]].x0 + cols[span[-1]].x1) / 2
            pitch = (cols[span[-1]].x1 - cols[span[0]].x0) / width
            if abs(centre - mid) < 0.25 * pitch and x1 - x0 < cols[span[-1]].x1 - cols[span[0]].x0 + pitch:
                best = span
    return best


def _own_rules(rules: list[Rule], others: list[list[Word]]) -> list[Rule]:
    """The rules that lie under no other label of the row (a cmidrule under one group label, not one rule
    drawn under all of them)."""
    return [r for r in rules if not any(min(r.x1, p[-1][2]) - max(r.x0, p[0][0]) > 1 for p in others)]


def _rule_under(phrase: list[Word], row: Row, below: list[Row], rules: list[Rule]) -> Rule | None:
    """A partial rule drawn right under a header label, between it and the next header row (cmidrule)."""
    if not below:
        return None
    x0, x1 = phrase[0][0], max(w[2] for w in phrase)
    limit = below[0].bottom
    for r in rules:
        if row.bottom - 1 <= r.y <= limit and r.x0 <= x1 and r.x1 >= x0 and r.width >= 0.6 * (x1 - x0):
            return r
    return None


def _join_levels(cells: list[Cell]) -> list[Cell]:
    """Header labels wrapped over two lines in one column ("Params" over "(M)") joined into one label."""
    out: list[Cell] = []
    for c in sorted(cells, key=lambda c: (c.col, c.row)):
        prev = out[-1] if out else None
        if (
            prev
            and prev.col == c.col
            and prev.col_span == c.col_span
            and prev.row + prev.row_span == c.row
            and (re.match(r"^[(\[]", c.text) or c.text[:1].islower() or prev.text.endswith("-"))
        ):
            prev.text = f"{prev.text} {c.text}"
            prev.row_span += 1
            continue
        out.append(c)
    return sorted(out, key=lambda c: (c.row, c.col))


def _body_cells(
    body: list[Row], grid_rows: list[list[list[Word]]], cols: list[_Column], n_stub: int, n_head: int,
    rules: list[Rule],
) -> list[Cell]:
    """Body cells with the row labels put right: a label wrapped onto the next line joined, a label printed on
    the line above its values moved down, a section row spanning the table, a multirow label spanning its block."""
    texts: list[list[str]] = [[" ".join(w[4] for w in ws) for ws in r] for r in grid_rows]
    boxes = [[_bbox(ws) for ws in r] for r in grid_rows]
    values = [any(t for t in r[n_stub:]) for r in texts]
    keep = [True] * len(body)
    section: dict[int, str] = {}
    for i, r in enumerate(texts):
        if values[i] or not any(r):
            continue
        filled = [k for k, t in enumerate(r) if t]
        prev = i - 1 if i and keep[i - 1] and values[i - 1] else None
        nxt = i + 1 if i + 1 < len(texts) and values[i + 1] else None
        if n_stub > 1 and filled == [0]:
            continue  # a multirow label between its rows; placed below
        k = filled[-1]
        if nxt is not None and all(not texts[nxt][j] for j in filled) and body[nxt].top - body[i].bottom < body[i].height:
            for j in filled:
                texts[nxt][j] = r[j]
                boxes[nxt][j] = boxes[i][j]
            keep[i] = False
        elif prev is not None and k < n_stub and (
            r[k][:1].islower() or r[k][:1] in "([" or _CONTINUES.search(texts[prev][k])
        ) and body[i].top - body[prev].bottom < 0.8 * body[i].height:
            texts[prev][k] = f"{texts[prev][k]} {r[k]}".strip()
            keep[i] = False
        else:
            section[i] = " ".join(t for t in r if t)
    order = [i for i in range(len(body)) if keep[i]]
    cells: list[Cell] = []
    for new, i in enumerate(order):
        if i in section:
            cells.append(Cell(text=section[i], row=n_head + new, col=0, col_span=len(cols), bbox=_row_box(body[i])))
            continue
        for k, t in enumerate(texts[i]):
            if t and not (n_stub > 1 and k == 0):
                cells.append(Cell(text=t, row=n_head + new, col=k, bbox=boxes[i][k]))
    if n_stub > 1:
        cells += _multirow(body, texts, boxes, order, section, n_head, rules)
    return cells


def _multirow(
    body: list[Row], texts: list[list[str]], boxes: list[list[tuple[float, float, float, float] | None]],
    order: list[int], section: dict[int, str], n_head: int, rules: list[Rule],
) -> list[Cell]:
    """The first stub column's labels, each spanning the rows of its block: between the rules drawn across the
    stub, or else the rows nearer to it than to the next label."""
    labels = [i for i, r in enumerate(texts) if r[0]]
    rows = [i for i in order if i not in section]
    if not labels or not rows:
        return []
    owner: dict[int, int] = {}
    if len(labels) == len([i for i in rows if texts[i][0]]) == len(rows):
        owner = {i: i for i in rows}
    else:
        cuts = sorted(r.y for r in rules if r.x0 <= boxes_x0(boxes, labels) + 2)
        for i in rows:
            block = _block(body[i], cuts)
            same = [j for j in labels if _block(body[j], cuts) == block] if cuts else labels
            pool = same or labels
            owner[i] = min(pool, key=lambda j: (abs(body[j].centre - body[i].centre), body[j].centre > body[i].centre))
        for j in labels:
            if j not in owner.values() and j in section:
                continue
    cells = []
    for j in labels:
        mine = [order.index(i) for i in rows if owner.get(i) == j]
        if not mine:
            continue
        first, last = min(mine), max(mine)
        cells.append(Cell(text=texts[j][0], row=n_head + first, col=0, row_span=last - first + 1, bbox=boxes[j][0]))
    return cells


def boxes_x0(boxes: list[list[tuple[float, float, float, float] | None]], labels: list[int]) -> float:
    return min(b[0] for j in labels if (b := boxes[j][0]) is not None)


def _block(row: Row, cuts: list[float]) -> int:
    return sum(y < row.centre for y in cuts)


def _bbox(words: list[Word]) -> tuple[float, float, float, float] | None:
    if not words:
        return None
    return (min(w[0] for w in words), min(w[1] for w in words), max(w[2] for w in words), max(w[3] for w in words))


def _row_box(row: Row) -> tuple[float, float, float, float]:
    return (row.x0, row.top, row.x1, row.bottom)

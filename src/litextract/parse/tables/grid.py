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


def build(
    rows: list[Row], rules: list[Rule], width: float, vertical: list[Rule] | None = None,
    rotated: list[Word] | None = None,
) -> Grid | None:
    """The grid of a table region's rows (top to bottom), with the horizontal rules drawn inside it, the
    vertical ones (a ruled table's column borders: words on either side of one are never one cell) and the
    words set on their side (a group label spanning the rows beside it: a first column of its own)."""
    first = _body_start(rows, rules, width)
    if first is None:
        return None
    vertical = vertical or []
    head, body = rows[:first], rows[first:]
    units = [_units(r, _seps(r, vertical)) for r in body]
    columns = _value_columns(body, units)
    if not columns:
        return None
    data = [i for i, r in enumerate(body) if r.is_data]
    borders = sorted({round(v.x, 1) for v in vertical if any(_crosses(v, body[i]) for i in data)})
    left_of = columns[0].x0
    labels = [u for u in units if not any(w[2] > left_of + 1 for unit in u for w in unit if unit[0][0] < left_of)]
    stub = _stub_columns(labels, max(r.height for r in body), columns[0].x0, borders)
    cols = stub + columns
    n_stub = len(stub)
    grid_rows: list[list[list[Word]]] = []
    for row_units in units:
        out: list[list[Word]] = [[] for _ in cols]
        for unit in row_units:
            out[_column_of(unit, cols, n_stub)].extend(unit)
        grid_rows.append(out)
    header_cells = _header(head, cols, rules, vertical)
    n_head = max((c.row + c.row_span for c in header_cells), default=0)
    body_cells, order = _body_cells(body, grid_rows, cols, n_stub, n_head, rules)
    n_body = len(order)
    cells = header_cells + body_cells
    if sum(any(c.col >= n_stub for c in cells if c.row == i) for i in range(n_head, n_head + n_body)) < 2:
        return None
    side = _side_labels(rotated or [], [body[i] for i in order], n_head, rules)
    if side:
        for c in cells:
            c.col += 1
        return Grid(side + cells, n_head + n_body, len(cols) + 1, n_head, n_stub + 1)
    return Grid(cells, n_head + n_body, len(cols), n_head, n_stub)


def _side_labels(words: list[Word], rows: list[Row], n_head: int, rules: list[Rule]) -> list[Cell]:
    """Labels printed on their side left of a block of rows ("Kvasir" beside its rows): each spans the rows
    between the rules around it, or else the rows level with it."""
    cells: list[Cell] = []
    cuts = sorted(r.y for r in rules)
    for w in sorted(words, key=lambda w: w[1]):
        level = [k for k, r in enumerate(rows) if w[1] - 2 <= r.centre <= w[3] + 2]
        if not level:
            continue
        blocks = {_block(rows[k], cuts) for k in level}
        mine = [k for k, r in enumerate(rows) if _block(r, cuts) in blocks] if len(blocks) == 1 else level
        if cells and cells[-1].row + cells[-1].row_span > n_head + mine[0]:
            continue  # words of one label already placed
        cells.append(Cell(text=w[4], row=n_head + mine[0], col=0, row_span=len(mine), bbox=w[:4]))
    return cells


def _seps(row: Row, vertical: list[Rule]) -> list[float]:
    """The x of the vertical rules crossing a row."""
    return sorted(v.x for v in vertical if _crosses(v, row))


def _crosses(v: Rule, row: Row) -> bool:
    return v.y0 - 1 <= row.centre <= v.y1 + 1


def _body_start(rows: list[Row], rules: list[Rule], width: float) -> int | None:
    """Index of the first body row: below the lowest full-width rule over the first row of values (booktabs'
    midrule, a ruled table's header line; rules between header levels lie above it), else the first row of
    values."""
    data = [i for i, r in enumerate(rows) if r.is_data]
    if len(data) < 2:
        return None
    top = min(r.top for r in rows)
    first = data[0]
    over = [r for r in rules if r.width >= 0.8 * width and top + 1 < r.y <= rows[first].top + 1]
    if not over:
        return first
    lowest = max(r.y for r in over)
    above = [i for i, r in enumerate(rows) if r.bottom <= lowest + 1]
    decimals = sum(bool(re.search(r"\d[.,]\d", rows[i].text)) for i in above)
    if not above or decimals > 2 or len(above) > 8:
        return first
    return len(above)


def _units(row: Row, seps: list[float] | None = None) -> list[list[Word]]:
    """A row's words as units: a value with what belongs to it ("95.4 ± 1.2", "0.81 (1st)"), or a run of text
    words without a wide gap; never across a vertical rule."""
    units: list[list[Word]] = []
    h = row.height
    for w in row.words:
        if units:
            last = units[-1]
            prev = last[-1]
            gap = w[0] - prev[2]
            if seps and any(prev[2] - 1 <= x <= w[0] + 1 for x in seps):
                units.append([w])
                continue
            if _is_value(last) and (prev[4] == "±" or (_ATTACHED.match(w[4]) and not numeric(w[4]) and gap < h)):
                last.append(w)
                continue
            if _is_value(last) and w[4].startswith("±") and gap < h:
                last.append(w)
                continue
            if _is_value(last) and (w[4] == "/" or last[-1][4] == "/") and gap < h and len(last) < 3:
                last.append(w)  # "35.04 / 0.9664": two metrics' values in one cell ("PSNR / SSIM")
                continue
            if not _is_value(last) and not numeric(w[4]) and gap < 0.8 * h:
                last.append(w)
                continue
            if not _is_value(last) and numeric(w[4]) and not NUMBER.match(w[4]) and gap < 0.3 * h:
                last.append(w)  # "U-Net -" is a name, not a placeholder cell
                continue
            if not _is_value(last) and w[4].startswith(("(", "[")) and gap < 0.5 * h:
                last.append(w)  # "ResNet-18 (224)": the input size in a name, not a value
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


def _stub_columns(units: list[list[list[Word]]], h: float, left_of: float, borders: list[float]) -> list[_Column]:
    """Row-label columns: the text of the rows of values left of the first value column, split where a strip of
    whitespace runs through every such row, or at a vertical rule."""
    spans = sorted(
        (unit[0][0], max(w[2] for w in unit))
        for row_units in units
        for unit in row_units
        if unit[0][0] < left_of - 1
    )
    if not spans:
        return []
    merged: list[list[float]] = []
    for x0, x1 in spans:
        ruled = any(merged[-1][1] - 1 <= x <= x0 + 1 for x in borders) if merged else False
        if merged and x0 <= merged[-1][1] + 0.6 * h and not ruled:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    return [_Column(a, b, False) for a, b in merged]


def _column_of(unit: list[Word], cols: list[_Column], n_stub: int) -> int:
    """The column a unit falls in: the one its extent overlaps most, else the nearest by centre."""
    x0, x1 = unit[0][0], max(w[2] for w in unit)
    candidates = range(n_stub) if n_stub and x0 < cols[n_stub].x0 - 1 else range(n_stub, len(cols))
    best = max(candidates, key=lambda k: min(x1, cols[k].x1) - max(x0, cols[k].x0))
    if min(x1, cols[best].x1) - max(x0, cols[best].x0) > 0:
        return best
    mid = (x0 + x1) / 2
    return min(candidates, key=lambda k: abs(cols[k].centre - mid))


def _header(head: list[Row], cols: list[_Column], rules: list[Rule], vertical: list[Rule]) -> list[Cell]:
    """Header cells, one grid row per visual header row; each label spans the columns under it (in a ruled
    table: the columns between the vertical rules on either side of it)."""
    head = head[-6:]
    cells: list[Cell] = []
    bounds = _bounds(cols)
    for i, row in enumerate(head):
        below = head[i + 1 :]
        seps = _seps(row, vertical)
        under = below[0].top + 1 if below else row.bottom - 2
        partial = any(r.width < 0.8 * (cols[-1].x1 - cols[0].x0) and row.bottom - 1 <= r.y <= under for r in rules)
        own, rest = ([], row.words) if partial else _own_labels(row, cols, bounds, seps, below)
        for k, words in own:
            bbox = (words[0][0], min(w[1] for w in words), max(w[2] for w in words), max(w[3] for w in words))
            cells.append(Cell(text=" ".join(w[4] for w in words), row=i, col=k, bbox=bbox))
        phrases = _phrases(Row(rest), seps) if rest else []
        for phrase in phrases:
            others = [p for p in phrases if p is not phrase]
            placed = _place(phrase, cols, bounds, row, below, _own_rules(rules, others))
            ruled = _between(phrase, cols, seps)
            if ruled:  # a label stays between the rules on either side of it, and fills them when alone there
                alone = not any(_between(p, cols, seps) == ruled for p in others)
                lower = {
                    k for k, c in enumerate(cols) for r in below for w in r.words if c.x0 <= (w[0] + w[2]) / 2 <= c.x1
                }
                if len(placed) == 1 and alone and set(ruled) <= lower:
                    placed = [(phrase, ruled)]
                else:
                    placed = [(ws, [k for k in span if k in ruled] or span) for ws, span in placed]
            for words, span in placed:
                text = " ".join(w[4] for w in words)
                if not re.search(r"\w", text):
                    continue
                bbox = (words[0][0], min(w[1] for w in words), max(w[2] for w in words), max(w[3] for w in words))
                cells.append(Cell(text=text, row=i, col=span[0], col_span=len(span), bbox=bbox))
        _extend_groups([c for c in cells if c.row == i], cols, below)
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


def _extend_groups(row: list[Cell], cols: list[_Column], below: list[Row]) -> None:
    """A group label set flush with its first column ("Hausdorff95 (mm)" over ET | WT | TC) covers the columns
    up to the next label of its row, as far as each has a label of its own lower down."""
    lower = {k for k, c in enumerate(cols) for r in below for w in r.words if min(w[2], c.x1) - max(w[0], c.x0) > 0}
    row = sorted(row, key=lambda c: c.col)
    for n, cell in enumerate(row):
        if cell.col_span < 2 or cell.bbox is None or abs(cell.bbox[0] - cols[cell.col].x0) > 2.5:
            continue
        stop = row[n + 1].col if n + 1 < len(row) else len(cols)
        end = cell.col + cell.col_span
        while end < stop and end in lower and cols[end].value:
            end += 1
        cell.col_span = end - cell.col


def _bounds(cols: list[_Column]) -> list[tuple[float, float]]:
    """Each column's reach: from the middle of the gap to its left neighbour to the middle of the gap to its right."""
    out = []
    for k, c in enumerate(cols):
        left = (cols[k - 1].x1 + c.x0) / 2 if k else float("-inf")
        right = (c.x1 + cols[k + 1].x0) / 2 if k + 1 < len(cols) else float("inf")
        out.append((left, right))
    return out


def _phrases(row: Row, seps: list[float] | None = None) -> list[list[Word]]:
    """A header row's words in runs without a gap wider than the row's word space (labels set close together
    are told apart by their gaps being wider than the spaces inside a label), never across a vertical rule."""
    gaps = [b[0] - a[2] for a, b in zip(row.words, row.words[1:], strict=False)]
    space = min((g for g in gaps if g > 0.5), default=0.0)
    limit = min(0.5 * row.height, 1.4 * space) if space else 0.5 * row.height
    out: list[list[Word]] = []
    for w in row.words:
        ruled = bool(out) and any(out[-1][-1][2] - 1 <= x <= w[0] + 1 for x in seps or ())
        if out and w[0] - out[-1][-1][2] < limit and not ruled:
            out[-1].append(w)
        else:
            out.append([w])
    return out


def _between(phrase: list[Word], cols: list[_Column], seps: list[float]) -> list[int]:
    """The columns between the vertical rules on either side of a header label ([] when none are drawn)."""
    if not seps:
        return []
    x0, x1 = phrase[0][0], max(w[2] for w in phrase)
    left = max((x for x in seps if x <= x0 + 1), default=float("-inf"))
    right = min((x for x in seps if x >= x1 - 1), default=float("inf"))
    return [k for k, c in enumerate(cols) if left <= c.centre <= right]


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


def _own_labels(
    row: Row, cols: list[_Column], bounds: list[tuple[float, float]], seps: list[float], below: list[Row]
) -> tuple[list[tuple[int, list[Word]]], list[Word]]:
    """A header row's words grouped by the column each stands over, when every group labels its column alone
    (`_own_label`: "Kidney (L)" over its column, however close to the next label it is set); else the row's
    words are left to be read as phrases (labels that span columns)."""
    groups: list[tuple[int, list[Word]]] = []
    for w in row.words:
        mid = (w[0] + w[2]) / 2
        k = next((j for j, (a, b) in enumerate(bounds) if a <= mid <= b), -1)
        ruled = bool(groups) and any(groups[-1][1][-1][2] - 1 <= x <= w[0] + 1 for x in seps)
        if groups and groups[-1][0] == k and not ruled:
            groups[-1][1].append(w)
        else:
            groups.append((k, [w]))
    if not all(k >= 0 and _own_label(ws, k, cols) for k, ws in groups) or len({k for k, _ in groups}) != len(groups):
        return [], row.words
    if any(_group_span(k, ws[0][0], max(w[2] for w in ws), cols, row, below) != [k] for k, ws in groups):
        return [], row.words  # a label centred over the columns around its own, whose labels lie lower: a group
    return groups, []


def _own_label(words: list[Word], k: int, cols: list[_Column]) -> bool:
    """Words that label column k alone: they overlap no other column and are centred on it or aligned with its
    left or right edge."""
    x0, x1 = words[0][0], max(w[2] for w in words)
    if any(min(x1, c.x1) - max(x0, c.x0) > 1.5 for j, c in enumerate(cols) if j != k):
        return False
    c = cols[k]
    tolerance = max(3.0, 0.25 * (c.x1 - c.x0))
    if abs((x0 + x1) / 2 - c.centre) <= tolerance:
        return True
    # aligned with the column's left or right edge, and no wider than it (a group label starts where its
    # first column does but runs on over the next)
    return (abs(x0 - c.x0) <= 2.5 or abs(x1 - c.x1) <= 2.5) and x1 - x0 <= c.x1 - c.x0 + 3


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
    others = [w for w in row.words if w[2] < x0 - 1 or w[0] > x1 + 1]  # the row's other labels
    labelled -= {j for j, c in enumerate(cols) if any(min(w[2], c.x1) - max(w[0], c.x0) > 0 for w in others)}
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
) -> tuple[list[Cell], list[int]]:
    """Body cells with the row labels put right, and the indices of the rows kept: a label wrapped onto the next
    line joined, a label printed on the line above its values moved down, a section row spanning the table, a
    multirow label spanning its block."""
    texts: list[list[str]] = [[" ".join(w[4] for w in ws) for ws in r] for r in grid_rows]
    boxes = [[_bbox(ws) for ws in r] for r in grid_rows]
    values = [any(t for t in r[n_stub:]) for r in texts]
    keep = [True] * len(body)
    section: dict[int, str] = {}
    owner = -1  # the last row kept with values: what a wrapped label continues
    for i, r in enumerate(texts):
        if values[i]:
            owner = i
            continue
        if not any(r):
            keep[i] = False
            continue
        filled = [k for k, t in enumerate(r) if t]
        nxt = i + 1 if i + 1 < len(texts) and values[i + 1] else None
        if n_stub > 1 and filled == [0]:
            keep[i] = False  # a multirow label between its rows; placed below
            continue
        if owner >= 0 and _continues(texts[owner], r, filled, body[i - 1], body[i], rules):
            for k in filled:
                texts[owner][k] = f"{texts[owner][k]} {r[k]}".strip()
                boxes[owner][k] = _union(boxes[owner][k], boxes[i][k])
            keep[i] = False
        elif (
            nxt is not None
            and all(not texts[nxt][j] for j in filled)
            and body[nxt].top - body[i].bottom < body[i].height
        ):
            for j in filled:
                texts[nxt][j] = r[j]
                boxes[nxt][j] = boxes[i][j]
            keep[i] = False
        else:
            section[i] = " ".join(t for t in r if t)
            owner = -1
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
    return cells, order


def _continues(prev: list[str], row: list[str], filled: list[int], above: Row, here: Row, rules: list[Rule]) -> bool:
    """A text-only line that finishes the labels of the row of values above it: no rule drawn between them, and
    each piece reads as the rest of a label (lower case, an open parenthesis closed, a broken word or list)."""
    if here.top - above.bottom > 1.2 * here.height:
        return False
    if any(above.bottom - 1 <= r.y <= here.top + 1 and r.x0 <= here.x0 + 2 for r in rules):
        return False
    for k in filled:
        before, text = prev[k], row[k]
        if not before:
            if k and prev[k - 1] and prev[k - 1].count("(") > prev[k - 1].count(")"):
                continue  # the rest of a label whose tail fell under the next column
            return False
        if not (
            text[:1].islower()
            or text[:1] in "([&+-/"
            or before.count("(") > before.count(")")
            or _CONTINUES.search(before)
            or re.match(r"^(?:19|20)\d\d[a-z]?\)", text)
        ):
            return False
    return True


def _union(
    a: tuple[float, float, float, float] | None, b: tuple[float, float, float, float] | None
) -> tuple[float, float, float, float] | None:
    if a is None or b is None:
        return a or b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _multirow(
    body: list[Row], texts: list[list[str]], boxes: list[list[tuple[float, float, float, float] | None]],
    order: list[int], section: dict[int, str], n_head: int, rules: list[Rule],
) -> list[Cell]:
    """The first stub column's labels, each spanning the rows of its block: between the rules drawn across the
    stub (the lines of one label in a block joined), or else the rows nearer to it than to the next label."""
    labels = [i for i, r in enumerate(texts) if r[0]]
    rows = [i for i in order if i not in section]
    if not labels or not rows:
        return []
    if len(labels) == len(rows) and all(texts[i][0] for i in rows):
        return [Cell(text=texts[i][0], row=n_head + order.index(i), col=0, bbox=boxes[i][0]) for i in rows]
    x0 = min(b[0] for j in labels if (b := boxes[j][0]) is not None)
    cuts = sorted(r.y for r in rules if r.x0 <= x0 + 2)
    joined: list[int] = []
    for j in labels:  # a label set on two lines ("2018 Data" over "Science Bowl") is one label
        prev = joined[-1] if joined else None
        if (
            prev is not None
            and body[j].top - body[prev].bottom < 0.6 * body[j].height
            and _block(body[j], cuts) == _block(body[prev], cuts)
            and (cuts or texts[j][0][:1].islower() or _CONTINUES.search(texts[prev][0]))
        ):
            texts[prev][0] = f"{texts[prev][0]} {texts[j][0]}"
            continue
        joined.append(j)
    labels = joined
    owner: dict[int, int] = {}
    for i in rows:
        block = _block(body[i], cuts)
        pool = [j for j in labels if _block(body[j], cuts) == block] or labels
        owner[i] = min(pool, key=lambda j: (abs(body[j].centre - body[i].centre), body[j].centre > body[i].centre))
    cells = []
    for j in labels:
        mine = [order.index(i) for i in rows if owner.get(i) == j]
        if not mine:
            continue
        first, last = min(mine), max(mine)
        cells.append(Cell(text=texts[j][0], row=n_head + first, col=0, row_span=last - first + 1, bbox=boxes[j][0]))
    return cells


def _block(row: Row, cuts: list[float]) -> int:
    return sum(y < row.centre for y in cuts)


def _bbox(words: list[Word]) -> tuple[float, float, float, float] | None:
    if not words:
        return None
    return (min(w[0] for w in words), min(w[1] for w in words), max(w[2] for w in words), max(w[3] for w in words))


def _row_box(row: Row) -> tuple[float, float, float, float]:
    return (row.x0, row.top, row.x1, row.bottom)

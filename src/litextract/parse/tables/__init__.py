"""Tables read from a PDF page: located next to their "Table N" captions (`locate`), read as grids from word
positions (`grid`), or through PyMuPDF's line-based table finder where the region is ruled in both directions
(`ruled`). Both give `document.Table` cells with header paths, stub columns and spanning labels."""

from __future__ import annotations

from litextract.document import Table
from litextract.parse.tables.geometry import Row, Rule, Word, numeric, split_arrows
from litextract.parse.tables.grid import build
from litextract.parse.tables.locate import Region, regions


def tables_from_words(
    words: list[Word], page_number: int, page_width: float, rules: list[Rule] | None = None
) -> list[Table]:
    """The tables on a page from its words (x0, y0, x1, y1, text, block) and the rules drawn on it."""
    words = split_arrows(words)
    side = [w for w in words if len(w[4]) >= 3 and w[3] - w[1] > 1.5 * (w[2] - w[0])]  # set on their side
    upright = [w for w in words if w not in side]
    out = []
    for region in regions(upright, rules or [], page_width):
        rotated = [w for w in side if region.x0 - 20 <= w[0] and w[2] <= region.x1 + 2 and region.top - 2 <= w[1]
                   and w[3] <= region.bottom + 2]
        for k, rows in enumerate(_blocks(region.rows)):
            table = _from_region(region, rows, page_number, continued=k > 0, rotated=rotated)
            if table is not None:
                out.append(table)
    return out


def _blocks(rows: list[Row]) -> list[list[Row]]:
    """A region's rows split where a second header starts below rows of values (two tables stacked under one
    caption, each with its own column labels)."""
    cuts = [0]
    for i in range(1, len(rows) - 1):
        row = rows[i]
        if row.is_data or not any(r.is_data for r in rows[cuts[-1] : i]):
            continue
        labels = [w for w in row.words if not numeric(w[4])]
        below = rows[i + 1 : i + 3]
        if len(labels) >= 3 and row.x1 - row.x0 > 0.5 * (rows[i - 1].x1 - rows[i - 1].x0) and any(
            r.is_data for r in below
        ) and not rows[i - 1].text.endswith((",", "-")) and _spread(row):
            # a line of text between the rows of values and the second header is that table's title ("Kernel
            # Inception Distance (KID)" over the second of two stacked tables)
            title = i - 1 > cuts[-1] and not any(numeric(w[4]) for w in rows[i - 1].words) and rows[i - 2].is_data
            cuts.append(i - 1 if title else i)
    return [rows[a:b] for a, b in zip(cuts, [*cuts[1:], len(rows)], strict=True)]


def _spread(row: Row) -> bool:
    """Words set apart like column labels (wide gaps), not a wrapped line of text."""
    gaps = [b[0] - a[2] for a, b in zip(row.words, row.words[1:], strict=False)]
    return sum(g > row.height for g in gaps) >= 2


def _from_region(
    region: Region, rows: list[Row], page_number: int, continued: bool, rotated: list[Word]
) -> Table | None:
    grid = build(rows, region.rules, region.x1 - region.x0, region.vertical, rotated)
    if grid is None:
        return None
    cap = region.caption
    xs = [w for r in rows for w in r.words]
    bbox = (min(x[0] for x in xs), min(x[1] for x in xs), max(x[2] for x in xs), max(x[3] for x in xs))
    return Table(
        page=page_number,
        number=cap.number,
        caption=cap.text[:600],
        cells=grid.cells,
        n_rows=grid.n_rows,
        n_cols=grid.n_cols,
        header_rows=grid.header_rows,
        stub_cols=grid.stub_cols,
        footnotes=region.footnotes,
        bbox=bbox,
        continued=cap.continued or continued,
        source="pymupdf",
    )

"""Tables read from a PDF page: located next to their "Table N" captions (`locate`), read as grids from word
positions (`grid`), or through PyMuPDF's line-based table finder where the region is ruled in both directions
(`ruled`). Both give `document.Table` cells with header paths, stub columns and spanning labels."""

from __future__ import annotations

from litextract.document import Table
from litextract.parse.tables.geometry import Rule, Word
from litextract.parse.tables.grid import build
from litextract.parse.tables.locate import Region, regions


def tables_from_words(
    words: list[Word], page_number: int, page_width: float, rules: list[Rule] | None = None
) -> list[Table]:
    """The tables on a page from its words (x0, y0, x1, y1, text, block) and the rules drawn on it."""
    out = []
    for region in regions(words, rules or [], page_width):
        table = _from_region(region, page_number)
        if table is not None:
            out.append(table)
    return out


def _from_region(region: Region, page_number: int) -> Table | None:
    grid = build(region.rows, region.rules, region.x1 - region.x0)
    if grid is None:
        return None
    cap = region.caption
    xs = [w for r in region.rows for w in r.words]
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
        continued=cap.continued,
        source="pymupdf",
    )

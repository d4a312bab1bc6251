"""Splitting a Document into chunks that fit the LLM's context window.

Only the body is sent: the reference list and what follows it are left out, as the offline extractor does
(`offline_text.body_pages`). Whole pages are packed into a chunk, in page order, while they fit `max_tokens`.
A page too long for one chunk is split between its text blocks, never inside a table: the blocks that overlap
a table found on the page stay together (a table longer than a whole chunk is the one thing that gets cut,
between blocks). Each page starts with a `=== page N ===` line so the model can cite it. Tokens are estimated
as characters / 3, which over-counts English prose slightly, so chunks err on the side of fitting.
"""

from __future__ import annotations

from dataclasses import dataclass

from litextract.document import BBox, Document, Page
from litextract.extract.offline_text import body_pages

CHARS_PER_TOKEN = 3


def estimate_tokens(text: str) -> int:
    return len(text) // CHARS_PER_TOKEN + 1


@dataclass(frozen=True)
class Chunk:
    index: int
    pages: tuple[int, ...]
    text: str

    @property
    def page_range(self) -> str:
        first, last = min(self.pages), max(self.pages)
        return str(first) if first == last else f"{first}-{last}"

    @property
    def tokens(self) -> int:
        return estimate_tokens(self.text)


def _overlaps(a: BBox, b: BBox) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _page_units(page: Page, tables: list[BBox], max_chars: int) -> list[str]:
    """The page as one unit when it fits, else its blocks, with the blocks of one table glued together."""
    if len(page.text) <= max_chars or not page.blocks:
        return [page.text] if len(page.text) <= max_chars else _cut(page.text, max_chars)
    units: list[str] = []
    in_table: list[str] = []
    for block in page.blocks:
        if any(_overlaps(block.bbox, t) for t in tables):
            in_table.append(block.text)
            continue
        if in_table:
            units.append("\n".join(in_table))
            in_table = []
        units.extend(_cut(block.text, max_chars))
    if in_table:
        units.append("\n".join(in_table))
    return units


def _cut(text: str, max_chars: int) -> list[str]:
    """Text longer than `max_chars` cut at line ends (or hard, for a line longer than that)."""
    pieces: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while len(line) > max_chars:
            pieces.append(line[:max_chars])
            line = line[max_chars:]
        if len(current) + len(line) > max_chars:
            pieces.append(current)
            current = ""
        current += line
    if current.strip():
        pieces.append(current)
    return [p for p in pieces if p.strip()]


def chunk_document(doc: Document, max_tokens: int) -> list[Chunk]:
    """The document's pages packed into chunks of at most about `max_tokens` tokens each."""
    max_chars = max_tokens * CHARS_PER_TOKEN
    chunks: list[Chunk] = []
    parts: list[str] = []
    pages: list[int] = []

    def flush() -> None:
        if parts:
            chunks.append(Chunk(len(chunks), tuple(dict.fromkeys(pages)), "\n".join(parts)))
            parts.clear()
            pages.clear()

    for number, text in body_pages(doc):
        page = doc.pages[number - 1]
        if not text.strip():
            continue
        if text != page.text:  # the page where the references start, cut there (its blocks no longer apply)
            page = Page(number=number, text=text)
        marker = f"=== page {page.number} ==="
        tables = [t.bbox for t in doc.tables if t.page == page.number and t.bbox]
        for unit in _page_units(page, tables, max_chars - len(marker) - 1):
            piece = f"{marker}\n{unit.strip()}"
            if parts and sum(len(p) + 1 for p in parts) + len(piece) > max_chars:
                flush()
            parts.append(piece)
            pages.append(page.number)
    flush()
    return chunks

"""The baseline bench/ingest.py compares an ingest with: PyMuPDF's `page.get_text()` of every page of every PDF.

    python bench/raw_text.py FOLDER [--workers N]

Every *.pdf below FOLDER (sorted), in N processes (forked, like ingest's workers), one file at a time each.
Prints the number of files and pages read. It imports nothing but PyMuPDF, so its start-up is PyMuPDF's.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from pathlib import Path

import pymupdf


def pages_of(path: Path) -> int:
    """Open the PDF and get every page's text; the number of pages (0 for a file PyMuPDF cannot open)."""
    try:
        doc = pymupdf.open(path)
    except Exception:  # a damaged file costs the baseline nothing more; ingest records it as failed
        return 0
    with doc:
        for page in doc:
            page.get_text()
        return doc.page_count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--workers", type=int, default=1, help="processes that read the PDFs (default 1)")
    args = parser.parse_args()
    pdfs = sorted(p for p in args.folder.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")
    if args.workers <= 1:
        pages = sum(map(pages_of, pdfs))
    else:
        context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
        with context.Pool(args.workers) as pool:
            pages = sum(pool.imap_unordered(pages_of, pdfs, chunksize=1))
    print(len(pdfs), pages)


if __name__ == "__main__":
    main()

"""Shared fixtures: isolated settings, small generated PDFs, and the optional ../shared data."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from litextract.document import Document, Header, Page, Table
from litextract.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("LITEXTRACT_SHARED", REPO.parent / "shared"))


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No LITEXTRACT_* variable or OpenAI key of the developer's leaks into a test."""
    for name in list(os.environ):
        if (name.startswith("LITEXTRACT_") and name != "LITEXTRACT_SHARED") or name == "OPENAI_API_KEY":
            monkeypatch.delenv(name)
    yield


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db=tmp_path / "test.duckdb", cache_dir=tmp_path / "cache")


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or a skip when that data is not on this machine."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not present (the shared real-paper data is optional)")
    return path


def write_pdf(path: Path, pages: list[str], title: str | None = None) -> Path:
    """A small text PDF with one string per page (lines split on newlines)."""
    doc = pymupdf.open()
    for text in pages:
        page = doc.new_page()
        page.insert_textbox(pymupdf.Rect(50, 50, 560, 800), text, fontsize=10)
    if title:
        doc.set_metadata({"title": title})
    doc.save(path)
    doc.close()
    return path


def document(
    *pages: str,
    tables: list[Table] | None = None,
    title: str | None = None,
    year: int | None = None,
    references: list[str] | None = None,
) -> Document:
    """A parsed paper made of page texts (no PDF): for the extractor's rules on hand-written text."""
    return Document(
        file="t.pdf",
        path="t.pdf",
        sha256="0" * 64,
        n_pages=len(pages),
        pages=[Page(number=i + 1, text=t) for i, t in enumerate(pages)],
        tables=tables or [],
        references=references or [],
        header=Header(title=title, year=year),
    )


PAPER_PAGES = [
    "Pancreatic Cancer Detection from CT with ResNet-50\n"
    "A. Author, B. Author\nJournal of Medical Imaging, 2023\n\n"
    "Abstract. We train a ResNet-50 on the NIH Pancreas-CT dataset of 82 contrast-enhanced CT scans "
    "and reach an accuracy of 91.4% on the test set.",
    "Results\nThe proposed model achieved an AUC of 0.95 on the held-out test set.",
]


@pytest.fixture
def paper_pdf(tmp_path: Path) -> Path:
    return write_pdf(tmp_path / "paper.pdf", PAPER_PAGES)


@pytest.fixture(scope="session")
def real_corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """../shared/corpus-real ingested once per test session (skips when absent)."""
    from litextract.ingest import ingest

    corpus = shared_path("corpus-real")
    settings = Settings(db=tmp_path_factory.mktemp("real") / "real.duckdb", cache_dir=Path("/nonexistent-cache"))
    summary = ingest([corpus], settings)
    assert len(summary.outcomes) >= 30
    return settings.db


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(command: list[str], port: int, log: Path, **popen: Any) -> Iterator[subprocess.Popen[bytes]]:
    """A Streamlit server started by `command`, once its health check on 127.0.0.1:`port` answers (60 s at
    most); stopped on exit."""
    server = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT, **popen)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the server did not start: {log.read_text(errors='replace')[-2000:]}")
                time.sleep(0.3)  # polling the health check, the event we wait for
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def paper_db(folder: Path) -> tuple[Path, str]:
    """A database in `folder` holding one ingested paper (PAPER_PAGES); returns it and the paper's id."""
    from litextract.ingest import ingest

    folder.mkdir(parents=True, exist_ok=True)
    settings = Settings(db=folder / "papers.duckdb", cache_dir=folder / "cache")
    (outcome,) = ingest([write_pdf(folder / "paper.pdf", PAPER_PAGES)], settings).outcomes
    assert outcome.paper_id, outcome.line
    return settings.db, outcome.paper_id


class TablePage:
    """Draws a table on a PDF page the way typesetting does: words at positions, rules as vector lines.

    `row(y, cells)` puts each (x, text) at its position (text baseline at y); `centred(y, cells)` centres each
    (x0, x1, text) between x0 and x1 (spanning labels); `hrule`/`vrule` draw booktabs rules and cell borders.
    `sup(x, y, text)` writes a raised, smaller mark (a citation superscript).
    """

    def __init__(self, doc: pymupdf.Document, number: int, size: float = 9) -> None:
        self.doc, self.number, self.size = doc, number, size

    @property
    def page(self) -> pymupdf.Page:  # loaded on each use: adding a page can leave older Page objects orphaned
        return self.doc[self.number]

    def text(self, x: float, y: float, text: str, size: float | None = None) -> None:
        self.page.insert_text((x, y), text, fontsize=size or self.size)

    def row(self, y: float, cells: list[tuple[float, str]]) -> None:
        for x, text in cells:
            self.text(x, y, text)

    def width(self, text: str, size: float | None = None) -> float:
        return pymupdf.get_text_length(text, fontsize=size or self.size)

    def centred(self, y: float, cells: list[tuple[float, float, str]]) -> None:
        for x0, x1, text in cells:
            self.text((x0 + x1 - self.width(text)) / 2, y, text)

    def sup(self, x: float, y: float, text: str) -> None:
        self.text(x, y - 0.4 * self.size, text, size=0.6 * self.size)

    def hrule(self, x0: float, x1: float, y: float, width: float = 0.6) -> None:
        self.page.draw_line((x0, y), (x1, y), width=width)

    def vrule(self, x: float, y0: float, y1: float, width: float = 0.6) -> None:
        self.page.draw_line((x, y0), (x, y1), width=width)


def pdf_pages(path: Path, n: int = 1) -> tuple[pymupdf.Document, list[TablePage]]:
    """A new PDF of `n` A4-size pages to draw on; save it with `doc.save(path)`."""
    doc = pymupdf.open()
    for _ in range(n):
        doc.new_page(width=595, height=842)
    return doc, [TablePage(doc, i) for i in range(n)]


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, str]]:
    """The two-paper sample database of `helpers.build_sample_db`, the dashboard pointed at it, reviewer dr-ada."""
    from helpers import build_sample_db  # helpers imports this module: imported when the fixture runs

    db, ids = build_sample_db(tmp_path)
    monkeypatch.setenv("LITEXTRACT_DB", str(db))
    monkeypatch.setenv("LITEXTRACT_REVIEWER", "dr-ada")
    return db, ids

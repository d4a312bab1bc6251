"""Preparing files for storage: in this process or in worker processes, with the same results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from litextract.extract.offline import OfflineExtractor
from litextract.ingest import ingest
from litextract.parse.pymupdf_parser import PyMuPDFParser
from litextract.prepare import Job, Preparer, preparing, worker_count
from litextract.settings import Settings
from litextract.store import connect
from litextract.text import sha256

from conftest import PAPER_PAGES, write_pdf

DEMO = Path(__file__).resolve().parents[1] / "corpus"


def preparer() -> Preparer:
    return Preparer(PyMuPDFParser(), [OfflineExtractor()])


def test_worker_count_follows_the_setting_the_cpus_and_the_work(settings: Settings) -> None:
    assert worker_count(settings.model_copy(update={"workers": 3}), 10) == 3
    assert worker_count(settings.model_copy(update={"workers": 3}), 2) == 2  # never more than files
    assert worker_count(settings, 1) == 1
    assert 1 <= worker_count(settings, 100) <= 8
    for server in ({"grobid_url": "http://localhost:8070"}, {"llm_model": "gpt-4o-mini"}):
        assert worker_count(settings.model_copy(update={**server, "workers": 4}), 10) == 1


def test_a_file_that_changed_after_it_was_hashed_is_not_parsed(paper_pdf: Path) -> None:
    job = Job(paper_pdf, sha256(b"the bytes it had before"))
    prepared = preparer()(job)
    assert (prepared.stage, prepared.doc) == ("read", None)
    assert "changed" in (prepared.reason or "")


@pytest.mark.parametrize("workers", [1, 2])
def test_prepared_in_order_with_failures_in_place(tmp_path: Path, workers: int) -> None:
    paths = [write_pdf(tmp_path / f"p{i}.pdf", [f"Paper {i}\n" + PAPER_PAGES[0], PAPER_PAGES[1]]) for i in range(3)]
    (tmp_path / "bad.pdf").write_text("not a pdf")
    paths.insert(1, tmp_path / "bad.pdf")
    jobs = [Job(p, sha256(p.read_bytes())) for p in paths]
    with preparing(jobs, preparer(), workers) as pending:
        out = [item.result() for item in pending]
    assert [p.path for p in out] == paths
    assert [p.stage for p in out] == [None, "parse", None, None]
    assert [p.stored[0].file for p in (out[0], out[2], out[3])] == ["p0.pdf", "p1.pdf", "p2.pdf"]
    assert all(p.stored[1].results for p in (out[0], out[2], out[3]))


def stored_records(db: Path) -> list[str]:
    """Every stored row of papers and records, without the times they were stored at."""
    out = []
    with connect(db, read_only=True) as con:
        for table in ("papers", "datasets", "models", "results", "record_evidence"):
            columns = [
                name
                for name, kind in con.execute(
                    "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?", [table]
                ).fetchall()
                if kind != "TIMESTAMP"
            ]
            rows = con.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY ALL").fetchall()
            out += [json.dumps([table, *row], default=str) for row in rows]
    return out


def test_worker_processes_store_exactly_what_one_process_stores(tmp_path: Path) -> None:
    one, two = (Settings(db=tmp_path / f"{n}.duckdb", workers=n) for n in (1, 2))
    assert not ingest([DEMO], one).failed and not ingest([DEMO], two).failed
    assert stored_records(one.db) == stored_records(two.db)
    assert len(stored_records(one.db)) > 50

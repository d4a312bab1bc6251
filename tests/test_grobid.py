"""GrobidParser against a real HTTP server on 127.0.0.1 speaking GROBID's API: merge, cache, faults, ingest."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from grobid_server import FakeGrobid, closed_port_url, make_tei, running
from typer.testing import CliRunner

from litextract.cli import app
from litextract.document import Document
from litextract.ingest import ingest
from litextract.parse import make_parser
from litextract.parse.grobid import GrobidParser, grobid_status
from litextract.settings import Settings
from litextract.text import sha256

from conftest import SHARED, write_pdf

TITLE = "Pancreatic Cancer Detection from CT with ResNet-50"  # as on the conftest paper_pdf's first page
TEI = make_tei(
    TITLE,
    [("Ada", "Author"), ("Bea", "Author")],
    journal="Journal of Medical Imaging",
    year=2023,
    doi="10.1117/1.JMI.10.1.014001",
    abstract="We train a ResNet-50 on the NIH Pancreas-CT dataset.",
    sections=[("1", "Results", "The proposed model achieved an AUC of 0.95.", None)],
    references=["K. He et al. Deep residual learning. CVPR 2016."],
)
PAIRS = [
    "demarchis2016_fes_hand_opening_jner",
    "selfaudit_peft_ly2026",
    "wagner_lukyanenko_pare2022_ai_literature_reviews",
]


@pytest.fixture
def server() -> Iterator[FakeGrobid]:
    with running(FakeGrobid(default_tei=TEI)) as state:
        yield state


def grobid_settings(settings: Settings, url: str, **changes: object) -> Settings:
    return settings.model_copy(update={"grobid_url": url, **changes})


def parse(parser: GrobidParser, pdf: Path) -> Document:
    data = pdf.read_bytes()
    return parser.parse(pdf, data, sha256(data))


def test_parse_overlays_tei_on_pymupdf_pages(settings: Settings, server: FakeGrobid, paper_pdf: Path) -> None:
    parser = make_parser(grobid_settings(settings, server.url))
    assert isinstance(parser, GrobidParser)
    doc = parse(parser, paper_pdf)
    assert doc.parser == "grobid+pymupdf" and not doc.warnings
    h = doc.header
    assert (h.title, h.venue, h.year) == (TITLE, "Journal of Medical Imaging", 2023)
    assert h.doi == "10.1117/1.jmi.10.1.014001"
    assert h.authors == ["Ada Author", "Bea Author"]
    assert doc.field_sources["authors"] == "grobid"
    assert "NIH Pancreas-CT" in doc.pages[0].text  # page text is PyMuPDF's, for grounding
    assert [(s.heading, s.page) for s in doc.sections] == [("1 Results", 2)]  # placed by its text
    [upload] = server.uploads
    assert upload.fields["includeRawCitations"] == ["1"] and "head" in upload.fields["teiCoordinates"]
    assert upload.fields["consolidateHeader"] == ["0"]  # no Crossref look-ups unless asked for


def test_tei_cache_means_one_upload_per_file_even_with_the_server_down(
    settings: Settings, server: FakeGrobid, paper_pdf: Path
) -> None:
    s = grobid_settings(settings, server.url)
    first = parse(GrobidParser(s), paper_pdf)
    again = parse(GrobidParser(s), paper_pdf)
    assert len(server.uploads) == 1 and again == first
    assert (settings.cache_dir / "tei" / f"{sha256(paper_pdf.read_bytes())}.tei.xml").is_file()
    offline = parse(GrobidParser(grobid_settings(settings, closed_port_url())), paper_pdf)
    assert offline.parser == "grobid+pymupdf" and offline.header.title == TITLE


def test_a_damaged_cache_entry_is_reported_and_fetched_again(
    settings: Settings, server: FakeGrobid, paper_pdf: Path
) -> None:
    s = grobid_settings(settings, server.url)
    parse(GrobidParser(s), paper_pdf)
    entry = settings.cache_dir / "tei" / f"{sha256(paper_pdf.read_bytes())}.tei.xml"
    entry.write_bytes(b"<TEI")
    doc = parse(GrobidParser(s), paper_pdf)
    assert doc.parser == "pymupdf" and "malformed TEI" in doc.warnings["grobid"] and not entry.exists()
    assert parse(GrobidParser(s), paper_pdf).header.title == TITLE and len(server.uploads) == 2


def test_server_down_at_start_warns_once_and_uses_pymupdf(
    settings: Settings, paper_pdf: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = closed_port_url()
    with caplog.at_level(logging.WARNING):
        parser = GrobidParser(grobid_settings(settings, url))
        docs = [parse(parser, paper_pdf), parse(parser, write_pdf(tmp_path / "b.pdf", ["Another paper\n2020"]))]
    assert [d.parser for d in docs] == ["pymupdf", "pymupdf"] and not any(d.warnings for d in docs)
    [record] = [r for r in caplog.records if "GROBID" in r.getMessage()]
    assert url in record.getMessage() and "PyMuPDF only" in record.getMessage()


def test_busy_server_503_is_retried(settings: Settings, server: FakeGrobid, paper_pdf: Path) -> None:
    server.faults = ["503", "503"]
    doc = parse(GrobidParser(grobid_settings(settings, server.url), busy_wait_s=0), paper_pdf)
    assert doc.parser == "grobid+pymupdf" and doc.header.title == TITLE
    assert len(server.uploads) == 3


@pytest.mark.parametrize("status", ["408", "504"])
def test_http_timeout_status_is_retried_then_the_file_falls_back(
    settings: Settings, server: FakeGrobid, paper_pdf: Path, status: str
) -> None:
    server.faults = [status, status]
    parser = GrobidParser(grobid_settings(settings, server.url, grobid_retries=1), retry_wait_s=0)
    doc = parse(parser, paper_pdf)
    assert doc.parser == "pymupdf" and doc.pages  # the file is kept, parsed by PyMuPDF
    assert f"HTTP {status}" in doc.warnings["grobid"] and "2 attempts" in doc.warnings["grobid"]
    assert len(server.uploads) == 2
    assert parse(parser, paper_pdf).header.title == TITLE  # the server is used again for the next call


def test_client_timeout_is_retried(settings: Settings, server: FakeGrobid, paper_pdf: Path) -> None:
    server.faults = ["slow:1.6"]
    parser = GrobidParser(grobid_settings(settings, server.url, grobid_timeout=1, grobid_retries=1), retry_wait_s=0)
    doc = parse(parser, paper_pdf)
    assert doc.parser == "grobid+pymupdf" and len(server.uploads) == 2


def test_timeouts_past_the_retries_fall_back(settings: Settings, server: FakeGrobid, paper_pdf: Path) -> None:
    server.faults = ["slow:1.6"]
    parser = GrobidParser(grobid_settings(settings, server.url, grobid_timeout=1, grobid_retries=0), retry_wait_s=0)
    doc = parse(parser, paper_pdf)
    assert doc.parser == "pymupdf" and "GROBID timed out" in doc.warnings["grobid"]


@pytest.mark.parametrize(("fault", "reason"), [("malformed", "malformed TEI"), ("500", "HTTP 500: [500] simulated")])
def test_bad_answer_falls_back_without_retry_or_cache(
    settings: Settings, server: FakeGrobid, paper_pdf: Path, fault: str, reason: str
) -> None:
    server.faults = [fault]
    parser = GrobidParser(grobid_settings(settings, server.url), retry_wait_s=0)
    doc = parse(parser, paper_pdf)
    assert doc.parser == "pymupdf" and reason in doc.warnings["grobid"]
    assert len(server.uploads) == 1 and not list((settings.cache_dir / "tei").glob("*.xml"))
    assert parse(GrobidParser(grobid_settings(settings, server.url)), paper_pdf).header.title == TITLE


def test_prefetch_fills_the_cache_concurrently(settings: Settings, server: FakeGrobid, tmp_path: Path) -> None:
    pdfs = [write_pdf(tmp_path / f"p{i}.pdf", [f"Paper number {i}\n{2020 + i}"]) for i in range(4)]
    server.overlap = 2  # the server answers once two uploads are open together
    parser = GrobidParser(grobid_settings(settings, server.url, grobid_concurrency=2))
    assert parser.prefetch({sha256(p.read_bytes()): p for p in pdfs[:3]}) == 3
    assert len(server.uploads) == 3 and server.overlapped.is_set() and server.max_in_flight == 2
    assert all(parse(parser, p).parser == "grobid+pymupdf" for p in pdfs[:3])
    assert len(server.uploads) == 3


def test_ingest_records_a_grobid_fallback_and_keeps_the_file(
    settings: Settings, server: FakeGrobid, paper_pdf: Path
) -> None:
    server.faults = ["malformed"]
    s = grobid_settings(settings, server.url)
    summary = ingest([paper_pdf], s)
    assert summary.count("ingested") == 1
    with duckdb.connect(str(s.db), read_only=True) as con:
        errors = con.execute("SELECT file, stage, reason FROM errors").fetchall()
        parser = con.execute("SELECT parser FROM papers").fetchone()
    assert errors == [(str(paper_pdf), "grobid", errors[0][2])] and "malformed TEI" in errors[0][2]
    assert parser == ("pymupdf",)


def test_cli_ingest_stores_grobid_header_of_real_papers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = SHARED / "grobid-tei"
    if not folder.exists():
        pytest.skip(f"{folder} not present (the shared real-paper data is optional)")
    tei = {sha256((folder / f"{s}.pdf").read_bytes()): (folder / f"{s}.tei.xml").read_bytes() for s in PAIRS}
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LITEXTRACT_CACHE_DIR", str(tmp_path / "cache"))
    db = tmp_path / "grobid.duckdb"
    with running(FakeGrobid(tei_by_sha=tei)) as server:
        args = ["ingest", "--grobid-url", server.url, "--db", str(db), str(folder)]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        assert len(server.uploads) == 3
        one = str(folder / "selfaudit_peft_ly2026.pdf")
        again = CliRunner().invoke(app, ["ingest", "--grobid-url", server.url, "--db", str(db), "--force", one])
        assert again.exit_code == 0, again.output
        assert len(server.uploads) == 3  # re-parsed from the TEI cache, not sent again
    with duckdb.connect(str(db), read_only=True) as con:
        sql = "SELECT file, title, authors, venue, year, doi, parser FROM papers ORDER BY file"
        rows = con.execute(sql).fetchall()
        errors = con.execute("SELECT count(*) FROM errors").fetchone()
    assert errors == (0,)
    assert [r[0] for r in rows] == [f"{s}.pdf" for s in PAIRS]
    demarchis, selfaudit, wagner = rows
    assert demarchis[1].startswith("Multi-contact functional electrical stimulation for hand opening")
    assert demarchis[2][:2] == ["Cristiano De Marchis", "Thiago Santos Monteiro"]
    assert demarchis[3:6] == ("Journal of NeuroEngineering and Rehabilitation", 2016, "10.1186/s12984-016-0129-6")
    assert selfaudit[1] == "Self-Auditing Parameter-Efficient Fine-Tuning for Few-Shot 3D Medical Image Segmentation"
    assert selfaudit[2] == ["Son Thai Ly", "Hien V. Nguyen"] and selfaudit[4] == 2026
    assert wagner[5] == "10.1177/02683962211048201"
    assert wagner[2] == ["Gerit Wagner", "Roman Lukyanenko", "Guy Paré"]  # GROBID's split 'Guy Par' stub dropped
    assert {r[6] for r in rows} == {"grobid+pymupdf"}


def test_grobid_status_for_doctor(settings: Settings, server: FakeGrobid) -> None:
    assert grobid_status(grobid_settings(settings, server.url)) == (
        "GROBID", True, f"{server.url} is alive, version 0.8.2 test"
    )
    name, ok, detail = grobid_status(grobid_settings(settings, closed_port_url()))
    assert (name, ok) == ("GROBID", False) and "not reachable" in detail
    assert grobid_status(settings)[1] is True  # not configured is not an error: GROBID is optional


def test_cli_doctor(server: FakeGrobid) -> None:
    ok = CliRunner().invoke(app, ["doctor", "--grobid-url", server.url])
    assert ok.exit_code == 0 and "GROBID" in ok.output and "0.8.2" in ok.output
    down = CliRunner().invoke(app, ["doctor", "--grobid-url", closed_port_url()])
    assert down.exit_code == 1 and "not reachable" in down.output

"""End to end: `streamlit run app.py` on 127.0.0.1, opened in Debian's headless chromium through playwright."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import CHEST_TITLE, PANCREAS_TITLE, build_sample_db

from litextract.store import connect, queries

from conftest import free_port, running_server, write_pdf

CHROMIUM = Path("/usr/bin/chromium")
APP = Path(__file__).resolve().parents[1] / "app.py"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium (apt-get install -y chromium)"),
]


@pytest.fixture
def dashboard(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A running dashboard on the sample database; yields its URL and the paper ids."""
    db, ids = build_sample_db(tmp_path)
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    env = {**os.environ, "LITEXTRACT_DB": str(db), "LITEXTRACT_REVIEWER": "e2e"}
    with running_server(command, port, tmp_path / "streamlit.log", env=env):
        yield f"http://127.0.0.1:{port}", ids


def test_dashboard_renders_papers_in_a_real_browser(dashboard: tuple[str, dict[str, str]]) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    url, ids = dashboard
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        page.get_by_test_id("stMetric").first.wait_for(timeout=60_000)
        assert "Papers" in page.get_by_test_id("stMetric").first.inner_text()

        page.goto(f"{url}/papers?paper={ids['chest']}")
        heading = page.get_by_role("heading", name=CHEST_TITLE)
        heading.wait_for(timeout=60_000)
        assert heading.is_visible()

        page.goto(f"{url}/review?paper={ids['pancreas']}")
        page.get_by_test_id("stImage").first.wait_for(timeout=60_000)
        assert PANCREAS_TITLE in page.get_by_test_id("stMain").inner_text()
        browser.close()


def test_upload_and_ingest_from_the_browser(dashboard: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    """A PDF dropped on the Ingest page is stored, ingested and linked; a fake PDF is refused with its reason."""
    playwright = pytest.importorskip("playwright.sync_api")
    url, _ = dashboard
    new_pdf = write_pdf(tmp_path / "new paper.pdf", ["Liver Lesion Detection in Ultrasound\nD. Author\n2024"])
    fake = tmp_path / "fake.pdf"
    fake.write_text("<html>not a pdf</html>")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/ingest")
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files([str(new_pdf), str(fake)])
        page.get_by_test_id("stFileChip").nth(1).wait_for(timeout=30_000)
        page.get_by_role("button", name="Ingest").click()
        page.get_by_text("fake.pdf: not a PDF (it does not start with %PDF-)").wait_for(timeout=60_000)
        page.get_by_test_id("stPageLink").first.wait_for(timeout=60_000)
        browser.close()
    stored = list((tmp_path / "uploads").glob("*/new_paper.pdf"))
    assert len(stored) == 1 and stored[0].read_bytes() == new_pdf.read_bytes()
    with connect(tmp_path / "sample.duckdb", read_only=True) as con:
        files = [p["file"] for p in queries.filter_papers(con)]
    assert "new_paper.pdf" in files and "fake.pdf" not in files

"""End to end: `streamlit run app.py` on 127.0.0.1, opened in Debian's headless chromium through playwright."""

from __future__ import annotations

import base64
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import CHEST_TITLE, PANCREAS_TITLE, build_sample_db

from litextract.store import connect, queries, screening

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


def test_review_workflow_in_a_real_browser(tmp_path: Path) -> None:
    """Screen a paper, resolve a conflict, see the PRISMA diagram drawn, and accept a value with the keyboard: the
    queue's selector then shows the value its panel shows."""
    playwright = pytest.importorskip("playwright.sync_api")
    db, ids = build_sample_db(tmp_path)
    with connect(db) as con:  # two reviewers disagree on the chest paper
        screening.screen(con, [ids["chest"]], "abstract", "include", "bo")
        screening.screen(con, [ids["chest"]], "abstract", "exclude", "cy", reason="duplicate")
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    env = {**os.environ, "LITEXTRACT_DB": str(db), "LITEXTRACT_REVIEWER": "e2e"}
    with running_server(command, port, tmp_path / "streamlit.log", env=env), playwright.sync_playwright() as p:
        url = f"http://127.0.0.1:{port}"
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})

        page.goto(f"{url}/screening")
        page.get_by_role("heading", name=PANCREAS_TITLE).wait_for(timeout=60_000)
        page.get_by_role("button", name="Include").click()
        page.get_by_text("abstract: include").wait_for(timeout=30_000)

        page.goto(f"{url}/conflicts")
        page.get_by_text("bo: include; cy: exclude (duplicate)").wait_for(timeout=60_000)
        page.get_by_role("button", name="Adopt bo's decision").click()
        page.get_by_text("No open conflicts.").wait_for(timeout=30_000)

        page.goto(f"{url}/prisma")
        diagram = page.locator('img[src^="data:image/svg+xml"]')
        diagram.wait_for(timeout=60_000)
        page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=diagram.element_handle())
        drawn = diagram.evaluate("el => [el.naturalWidth, el.naturalHeight, el.getBoundingClientRect().width]")
        assert drawn[0] == 760 and drawn[1] > 400 and drawn[2] > 300  # the browser decoded and laid out the SVG
        svg = base64.b64decode(diagram.get_attribute("src").partition(",")[2]).decode()
        assert "Records screened (n = 2)" in svg and "Reports sought for retrieval (n = 2)" in svg

        page.goto(f"{url}/review")
        selector = page.get_by_test_id("stSelectbox").nth(1).locator("input")
        heading = page.get_by_test_id("stMain").locator("h3").first
        heading.wait_for(timeout=60_000)
        first = selector.input_value()
        assert first.lower().startswith(heading.inner_text().lower())
        page.get_by_role("heading", name="Review queue").click()  # the page has the focus, not an input
        page.keyboard.press("a")  # Accept
        page.get_by_text("accepted").first.wait_for(timeout=30_000)
        page.wait_for_function(
            "([el, old]) => el.value !== old", arg=[selector.element_handle(), first], timeout=30_000
        )
        assert selector.input_value().lower().startswith(heading.inner_text().lower())
        browser.close()
    with connect(db, read_only=True) as con:
        table = {r["paper_id"]: r for r in screening.screening_table(con, reviewer="e2e")}
        accepted = con.execute("SELECT count(*) FROM results WHERE review_status = 'accepted'").fetchone()
    assert table[ids["pancreas"]]["abstract_screening"] == "include"
    assert table[ids["chest"]]["abstract_screening_by"] == "consensus: e2e"
    assert accepted == (1,)

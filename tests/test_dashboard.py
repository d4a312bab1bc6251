"""Each dashboard view run headless with Streamlit's AppTest against a small real database."""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import openpyxl
import pymupdf
import pytest
from helpers import CHEST_TITLE, PAGES, PANCREAS_TITLE, build_sample_db, open_view
from streamlit.testing.v1 import AppTest

from litextract.dashboard import downloads, pdf_page, upload
from litextract.dashboard.nav import VIEWS
from litextract.ingest import ingest
from litextract.settings import Settings
from litextract.store import connect, queries


def test_each_page_file_is_named_after_the_module_that_renders_it() -> None:
    for _, _, module in VIEWS.values():
        script = (Path(PAGES) / f"{module}.py").read_text()
        assert f"from litextract.dashboard.{module} import render" in script, module
    assert sorted(p.stem for p in Path(PAGES).glob("*.py") if p.stem != "__init__") == sorted(
        module for _, _, module in VIEWS.values()
    )


def texts(elements: object) -> list[str]:
    return [str(e.value) for e in elements]  # type: ignore[attr-defined]


def test_overview_counts_charts_and_ingest_errors(sample: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    db, _ = sample
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7 truncated garbage")
    ingest([bad], Settings(db=db, cache_dir=tmp_path / "cache"))
    at = open_view("overview")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "Papers": "2",
        "Dataset mentions": "3",
        "Models": "3",
        "Results": "5",
        "Unverified values": "1",
        "Failed files": "1",
    }
    errors = at.dataframe[0].value
    assert list(errors["file"]) == [str(bad)] and errors["stage"][0] == "parse"
    assert len(at.get("vega_lite_chart")) == 2


def test_papers_table_filters_and_paper_page(sample: tuple[Path, dict[str, str]]) -> None:
    _, ids = sample
    at = open_view("papers")
    assert list(at.dataframe[0].value["title"]) == [PANCREAS_TITLE, CHEST_TITLE]
    at.sidebar.text_input[1].set_value("chest radiographs").run()
    assert list(at.dataframe[0].value["title"]) == [CHEST_TITLE]

    at = open_view("papers", paper=ids["pancreas"])
    assert at.title[0].value == PANCREAS_TITLE
    header = at.dataframe[0].value.set_index("field")
    assert header.loc["title", "source"] == "pymupdf" and header.loc["year", "value"] == "2023"
    results = next(d.value for d in at.dataframe if "metric" in d.value.columns)
    assert sorted(results["as_printed"]) == ["0.801", "0.842", "4.1 mm"]
    assert results.set_index("as_printed").loc["4.1 mm", "verified"] == False  # noqa: E712


def test_paper_header_edit_is_stored_with_audit_and_shown(sample: tuple[Path, dict[str, str]]) -> None:
    db, ids = sample
    at = open_view("papers", paper=ids["chest"])
    at.text_input(key=f"edit_paper_{ids['chest']}_venue").set_value("MICCAI 2021 Workshop")
    at.text_input(key=f"edit_paper_{ids['chest']}_year").set_value("2020")
    next(b for b in at.button if b.label == "Save edit").click().run()
    assert not at.exception
    header = at.dataframe[0].value.set_index("field")
    assert header.loc["venue", "value"] == "MICCAI 2021 Workshop" and header.loc["venue", "source"] == "reviewer"
    with connect(db, read_only=True) as con:
        audit = queries.reviews(con, ids["chest"])
        assert queries.paper(con, ids["chest"])["year"] == 2020  # type: ignore[index]
    assert [(a["kind"], a["action"], a["reviewer"]) for a in audit] == [("paper", "edit", "dr-ada")]
    assert json.loads(audit[0]["old_value"]) == {"venue": "MICCAI", "year": 2021, "review_status": None}


def test_datasets_catalogue_lists_papers_using_a_dataset(sample: tuple[Path, dict[str, str]]) -> None:
    at = open_view("datasets")
    catalogue = at.dataframe[0].value.set_index("dataset")
    assert catalogue.loc["NIH Pancreas-CT", "n_papers"] == 2 and catalogue.loc["ChestX-ray14", "modality"] == "X-ray"
    at.selectbox(key="catalogue_dataset").set_value("ChestX-ray14").run()
    assert list(at.dataframe[1].value["title"]) == [CHEST_TITLE]


def test_leaderboard_ranks_models_and_compares_papers(sample: tuple[Path, dict[str, str]]) -> None:
    _, ids = sample
    at = open_view("leaderboards")
    board = at.dataframe[0].value
    assert list(board["model"]) == ["PancNet", "UNet++", "U-Net"] and list(board["rank"]) == [1, 2, 3]
    assert list(board["year"]) == [2023, 2021, 2023]
    at.multiselect(key="lb_compare").set_value([ids["pancreas"], ids["chest"]]).run()
    side_by_side = at.dataframe[1].value
    assert len(side_by_side.columns) == 2
    assert "PancNet: 0.842" in side_by_side.loc[("NIH Pancreas-CT", "dice")].iloc[0]


def test_review_queue_shows_the_unverified_value_first_with_its_page(sample: tuple[Path, dict[str, str]]) -> None:
    at = open_view("review")
    assert at.selectbox(key="queue_item").options[0].startswith("result: PancNet · NIH Pancreas-CT · hd95")
    assert at.metric[0].value == "11"
    assert len(at.get("image")) == 1
    assert "quote was not found on this page" in " ".join(texts(at.caption))  # the invented hd95 quote


def test_pdf_page_is_rendered_with_the_quote_highlighted(sample: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    def yellow_pixels(rendered: pdf_page.Rendered) -> int:
        pix = pymupdf.Pixmap(rendered.png)
        samples, n = pix.samples, pix.n
        return sum(
            1 for i in range(0, len(samples), n) if samples[i] > 200 and samples[i + 1] > 200 and samples[i + 2] < 120
        )

    pdf = tmp_path / "pancreas.pdf"
    marked = pdf_page.render(pdf, 2, "PancNet reached a Dice of 0.842 on the test set")
    assert marked.found and yellow_pixels(marked) > 500
    plain = pdf_page.render(pdf, 2, "a Hausdorff distance of 4.1 mm")
    assert not plain.found and yellow_pixels(plain) == 0
    with pytest.raises(pdf_page.PageError, match="has 2 pages, not a page 7"):
        pdf_page.render(pdf, 7)
    with pytest.raises(pdf_page.PageError, match="PDF not found"):
        pdf_page.render(tmp_path / "moved.pdf", 1)


def test_review_actions_from_the_queue_are_persisted_with_audit(sample: tuple[Path, dict[str, str]]) -> None:
    db, _ids = sample
    at = open_view("review")
    hd95 = queries_first(db)
    at.button(key=f"reject_{hd95}").click().run()
    assert at.success[0].value == "result rejected"
    chexnet = pick(at, db, "model: CheXNet")
    at.button(key=f"accept_{chexnet}").click().run()
    third = pick(at, db, "dataset: ChestX-ray14")
    at.button(key=f"edit_button_{third}").click().run()  # the edit form opens (shortcut E)
    at.text_input(key=f"edit_{third}_size_text").set_value("112,120 frontal-view images")
    next(b for b in at.button if b.label == "Save edit").click().run()
    assert not at.exception and at.metric[0].value == "8"
    with connect(db, read_only=True) as con:
        rejected = queries.record(con, "result", hd95)
        accepted = queries.record(con, "model", chexnet) or {}
        edited = queries.record(con, "dataset", third) or {}
        audit = queries.reviews(con)
        board = queries.leaderboard(con, "NIH Pancreas-CT", "hd95")
    assert rejected is not None and rejected["review_status"] == "rejected" and board == []
    assert accepted["review_status"] == "accepted"
    assert (edited["review_status"], edited["size_text"], edited["size_images"]) == (
        "edited",
        "112,120 frontal-view images",
        112120,
    )
    assert [(a["action"], a["reviewer"]) for a in reversed(audit)] == [
        ("reject", "dr-ada"),
        ("accept", "dr-ada"),
        ("edit", "dr-ada"),
    ]
    assert json.loads(audit[0]["new_value"]) == {
        "size_text": "112,120 frontal-view images",
        "review_status": "edited",
    }
    assert json.loads(audit[0]["old_value"]) == {"size_text": None, "review_status": None}


def pick(at: AppTest, db: Path, label: str) -> str:
    """Choose the queue item whose label starts with `label`; returns its record id."""
    choice = at.selectbox(key="queue_item")
    index = next(i for i, option in enumerate(choice.options) if option.startswith(label))
    choice.select_index(index).run()
    kind, name = label.split(": ")
    with connect(db, read_only=True) as con:
        return next(q["record_id"] for q in queries.review_queue(con) if (q["kind"], q["label"]) == (kind, name))


def queries_first(db: Path) -> str:
    with connect(db, read_only=True) as con:
        return str(queries.review_queue(con, limit=1)[0]["record_id"])


def test_ingest_view_checks_uploads_and_ingests(sample: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    db, _ = sample
    at = open_view("ingest")
    assert at.button[0].label == "Ingest" and at.button[0].disabled  # nothing uploaded yet
    settings = Settings(db=db)
    assert upload.check(upload.Upload("x.pdf", b"<html>")) == "x.pdf: not a PDF (it does not start with %PDF-)"
    assert upload.safe_name("../../etc/pass wd;rm.PDF") == "pass_wd_rm.PDF"
    assert upload.safe_name("..") == "upload.pdf"
    pdf = (tmp_path / "pancreas.pdf").read_bytes()
    saved = upload.save(upload.Upload("../evil name.pdf", pdf), upload.uploads_dir(settings))
    assert saved.parent.parent == tmp_path / "uploads" and saved.name == "evil_name.pdf"
    assert saved.read_bytes() == pdf


def test_export_limits_tables_to_the_filtered_papers(sample: tuple[Path, dict[str, str]]) -> None:
    db, ids = sample
    at = open_view("export")
    assert [b.label for b in at.get("download_button")] == ["CSV files (zip)", "Excel workbook"]
    assert "for every paper" in at.markdown[0].value
    at = open_view("papers")
    at.sidebar.multiselect(key="filter_modalities").set_value(["X-ray"]).run()
    at.switch_page(f"{PAGES}/{VIEWS['export'][2]}.py").run()  # the filters set on the Papers page carry over
    assert "for the papers the sidebar filters select (1)" in at.markdown[0].value
    assert at.sidebar.multiselect(key="filter_modalities").value == ["X-ray"]
    with connect(db) as con:
        from litextract.store import decisions

        chexnet = next(m["record_id"] for m in queries.models(con, ids["chest"]))
        decisions.edit(con, "model", chexnet, {"name": '=HYPERLINK("http://example.org","x")'}, "dr-ada")
    tables = downloads.filtered_tables({ids["chest"]}, verified_only=True)
    assert [r["paper_id"] for r in tables["results.csv"][1]] == [ids["chest"]] * 2
    assert {r["dataset"]: r["paper_ids"] for r in tables["datasets.csv"][1]} == {
        "NIH Pancreas-CT": [ids["chest"]],
        "ChestX-ray14": [ids["chest"]],
    }
    with zipfile.ZipFile(io.BytesIO(downloads.to_zip(tables))) as archive:
        assert sorted(archive.namelist()) == sorted(tables)
        assert archive.read("results.csv").decode().count("\n") == 3
    book = openpyxl.load_workbook(io.BytesIO(downloads.to_xlsx(downloads.filtered_tables(None))))
    assert book.sheetnames == [name.removesuffix(".csv") for name in tables]
    assert book["results"].max_row == 6
    formula_like = next(c for c in book["models"]["B"] if str(c.value).startswith("=HYPERLINK"))
    assert formula_like.data_type == "s"  # stored as text: a spreadsheet does not run it


def test_litextract_review_serves_the_dashboard_for_the_given_database(tmp_path: Path) -> None:
    db, _ = build_sample_db(tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [str(Path(sys.executable).parent / "litextract"), "review", "--db", str(db), "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                    assert response.read() == b"ok"
                    break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "litextract review did not start"
                time.sleep(0.3)
    finally:
        server.terminate()
        try:
            out, _ = server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            out, _ = server.communicate()
    assert f"dashboard for {db}" in out.replace("\n", "")


def test_leaderboards_rank_by_the_metric_vocabularys_direction() -> None:
    from litextract.dashboard.leaderboards import lower_is_better

    assert [lower_is_better(m) for m in ("dice", "hd95", "psnr", "params", "FID", "unknown")] == [
        False,
        True,
        False,
        True,
        True,
        False,
    ]

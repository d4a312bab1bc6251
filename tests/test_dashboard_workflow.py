"""The review workflow's dashboard views through Streamlit's AppTest: screening, conflicts, the PRISMA flow, the
extraction form and the review queue (the selector follows the value shown; uncertainty first; zoomed page)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pymupdf
import pytest
from helpers import open_view

from litextract.dashboard import pdf_page
from litextract.document import Block, Page
from litextract.grounding import quote_bbox
from litextract.store import connect, decisions, queries, screening

FIELDS = [
    {"name": "external_validation", "type": "bool"},
    {"name": "code", "type": "choice", "values": ["yes", "no"]},
]


def test_screening_view_records_a_decision_and_moves_on(sample: tuple[Path, dict[str, str]]) -> None:
    db, ids = sample
    with connect(db) as con:  # the extractor's flag is shown as a hint only
        con.execute("UPDATE papers SET uses_medical_imaging = FALSE WHERE paper_id = ?", [ids["chest"]])
    at = open_view("screening")
    assert at.selectbox(key="screen_paper").value == ids["pancreas"]  # newest first
    at.button(key=f"include_{ids['pancreas']}").click().run()
    assert not at.exception and at.success[0].value == "abstract: include"
    assert at.selectbox(key="screen_paper").value == ids["chest"]  # the next paper, selector and page alike
    assert "medical imaging no" in at.info[0].value and "not a decision" in at.info[0].value
    at.selectbox(key="screen_reason").set_value("not medical imaging")
    at.button(key=f"exclude_{ids['chest']}").click().run()
    assert at.success[0].value == "abstract: exclude (not medical imaging)"
    assert "Nothing left for you to screen" in at.success[1].value
    with connect(db, read_only=True) as con:
        table = {r["paper_id"]: r for r in screening.screening_table(con, reviewer="dr-ada")}
    assert (table[ids["pancreas"]]["abstract_screening"], table[ids["chest"]]["abstract_screening_reason"]) == (
        "include",
        "not medical imaging",
    )


def test_bulk_screening_needs_the_list_confirmed(sample: tuple[Path, dict[str, str]]) -> None:
    db, _ids = sample
    with connect(db) as con:
        con.execute("UPDATE papers SET uses_deep_learning = FALSE")
    at = open_view("screening")
    assert at.button(key="bulk_apply").disabled  # not before the list was confirmed
    at.selectbox(key="bulk_flag").set_value("not-medical-imaging").run()
    assert at.selectbox(key="bulk_reason_not-medical-imaging").value == "not medical imaging"
    assert "0 papers flagged" in " ".join(c.value for c in at.caption)
    at.selectbox(key="bulk_flag").set_value("not-deep-learning").run()
    assert at.selectbox(key="bulk_reason_not-deep-learning").value == "not deep learning"
    at.checkbox(key="bulk_confirm").check().run()
    at.button(key="bulk_apply").click().run()
    assert at.success[0].value == "2 papers, abstract: exclude (not deep learning)"
    assert not at.checkbox(key="bulk_confirm").value  # a second bulk decision is confirmed again
    with connect(db, read_only=True) as con:
        table = screening.screening_table(con, reviewer="dr-ada")
    assert {r["abstract_screening_reason"] for r in table} == {"not deep learning"}


def test_conflicts_view_resolves_by_adopting_a_decision(
    sample: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, ids = sample
    monkeypatch.setenv("LITEXTRACT_REVIEWERS_REQUIRED", "2")
    with connect(db) as con:
        screening.screen(con, [ids["chest"]], "abstract", "include", "bo")
        screening.screen(con, [ids["chest"]], "abstract", "exclude", "cy", reason="duplicate")
    at = open_view("conflicts")
    assert "bo: include; cy: exclude (duplicate)" in [m.value for m in at.markdown]
    at.button(key=f"adopt_abstract/{ids['chest'][:8]}_cy").click().run()
    assert at.success[0].value.endswith("cy's decision adopted") and at.success[1].value == "No open conflicts."
    with connect(db, read_only=True) as con:
        found = decisions.load(con, ["screening:abstract"])
    assert [(d.reviewer, d.consensus, d.decision) for d in found if d.consensus] == [("dr-ada", True, "exclude")]


def test_prisma_view_draws_the_flow_and_the_agreement(sample: tuple[Path, dict[str, str]]) -> None:
    db, ids = sample
    with connect(db) as con:
        screening.screen(con, [ids["chest"]], "abstract", "include", "bo")
        screening.screen(con, [ids["chest"]], "abstract", "include", "cy")
        screening.screen(con, [ids["pancreas"]], "abstract", "exclude", "bo", reason="duplicate")
    at = open_view("prisma")
    url = at.get("image")[0].proto.imgs[0].url
    assert url.startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(url.partition(",")[2]).decode()
    assert svg.startswith("<svg") and "Records excluded (n = 1)" in svg and "Records screened (n = 2)" in svg
    assert [b.label for b in at.get("download_button")] == ["Flow diagram (SVG)"]
    measures = at.dataframe[0].value.set_index("measure")
    assert measures.loc["abstract screening", "reviewers"] == "bo / cy"
    assert measures.loc["abstract screening", "agreement"] == 100.0


def test_extraction_form_on_the_paper_page(
    sample: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, ids = sample
    monkeypatch.setenv("LITEXTRACT_FIELDS", json.dumps(FIELDS))
    at = open_view("papers", paper=ids["chest"])
    at.selectbox(key=f"field_{ids['chest']}_external_validation").set_value("yes")
    at.selectbox(key=f"field_{ids['chest']}_code").set_value("no")
    next(b for b in at.button if b.label == "Save my answers").click().run()
    assert not at.exception and at.success[0].value == "2 fields saved"
    form = next(d.value for d in at.dataframe if "decided_by" in d.value.columns).set_index("field")
    assert form.loc["external_validation", "value"] == "yes" and form.loc["code", "decided_by"] == "dr-ada"
    with connect(db, read_only=True) as con:
        stored = {(d.subject, d.reviewer): d.value for d in decisions.load(con, paper_id=ids["chest"])}
    assert stored == {("field:external_validation", "dr-ada"): True, ("field:code", "dr-ada"): "no"}


def test_queue_selector_follows_the_next_value_after_each_action(sample: tuple[Path, dict[str, str]]) -> None:
    db, _ = sample
    at = open_view("review")
    for action in ("accept", "reject", "accept"):
        current = at.selectbox(key="queue_item").value
        assert at.subheader[0].value.lower().startswith(_label_of(db, current))
        following = at.selectbox(key="queue_item").options[1]
        at.button(key=f"{action}_{current}").click().run()
        assert not at.exception
        chosen = at.selectbox(key="queue_item")
        assert chosen.value != current and chosen.options[chosen.index] == following  # the selector moved on
        assert at.subheader[0].value.lower().startswith(_label_of(db, chosen.value))  # and the panel with it
    bars = [p.proto.text for p in at.get("progress")]
    assert bars[0] == "All values: 3 of 11 reviewed" and bars[1].startswith("This paper:")


def _label_of(db: Path, record_id: str) -> str:
    with connect(db, read_only=True) as con:
        item = next(q for q in queries.review_queue(con, limit=100) if q["record_id"] == record_id)
    return f"{item['kind']}: {item['label']}".lower()


def test_queue_puts_values_without_links_first_and_says_why(sample: tuple[Path, dict[str, str]]) -> None:
    db, _ids = sample
    with connect(db, read_only=True) as con:
        queue = queries.review_queue(con, limit=100)
    first = queue[0]
    assert (first["label"], first["why"][0]) == ("PancNet · NIH Pancreas-CT · hd95", "quote not found on its page")
    unet = next(q for q in queue if q["label"] == "UNet++ · NIH Pancreas-CT · dice")  # no model record of its own
    chexnet = next(q for q in queue if q["label"] == "CheXNet · ChestX-ray14 · auc")
    assert unet["why"] == ["its model is not among the paper's models"] and chexnet["why"] == []
    assert queue.index(unet) < queue.index(chexnet)  # both verified with score 100: the reason orders them


def test_quote_bbox_and_the_zoomed_page_highlight_only_that_place(tmp_path: Path) -> None:
    page = Page(
        number=1,
        text="x",
        blocks=[
            Block(text="Method A 0.91 0.88", bbox=(50, 100, 300, 112)),
            Block(text="Method B 0.88 0.93", bbox=(50, 120, 300, 132)),
        ],
    )
    assert quote_bbox("Method B 0.88 0.93", page) == (50, 120, 300, 132)
    assert quote_bbox("0.88", page) is None  # printed twice: only the extractor knows which cell
    assert quote_bbox("0.93", page) == (50, 120, 300, 132)
    assert quote_bbox("0.9", page) is None  # not a number of the page ("0.91" is another)

    pdf = tmp_path / "table.pdf"
    doc = pymupdf.open()
    p = doc.new_page()
    for y, row in ((100, "Method A   0.88   0.91"), (400, "Method B   0.88   0.93")):
        p.insert_text((60, y), row, fontsize=10)
    doc.save(pdf)
    rows = [b for b in doc[0].get_text("blocks")]
    second = next(b for b in rows if "Method B" in b[4])
    doc.close()
    zoomed = pdf_page.render(pdf, 1, "0.88", bbox=second[:4])
    whole = pdf_page.render(pdf, 1, "0.88")
    assert zoomed.zoomed and zoomed.found and not whole.zoomed
    assert _yellow_rows(zoomed) == 1 and _yellow_rows(whole) == 2  # one cell, not every "0.88" on the page
    row = pdf_page.render(pdf, 1, "Method B 0.88 0.93", bbox=second[:4], value="0.93")
    assert _red_pixels(row) > 20 and _red_pixels(zoomed) == 0  # a result's value framed in its row


def _red_pixels(rendered: pdf_page.Rendered) -> int:
    pix = pymupdf.Pixmap(rendered.png)
    samples, n = pix.samples, pix.n
    return sum(
        1 for i in range(0, len(samples), n) if samples[i] > 180 and samples[i + 1] < 80 and samples[i + 2] < 80
    )


def _yellow_rows(rendered: pdf_page.Rendered) -> int:
    """Bands of rows of the image with highlight-yellow pixels."""
    pix = pymupdf.Pixmap(rendered.png)
    samples, n, w = pix.samples, pix.n, pix.width
    rows = []
    for y in range(pix.height):
        line = samples[y * w * n : (y + 1) * w * n]
        rows.append(any(line[i] > 200 and line[i + 1] > 200 and line[i + 2] < 120 for i in range(0, len(line), n)))
    return sum(1 for y in range(len(rows)) if rows[y] and (y == 0 or not rows[y - 1]))

"""The PyMuPDF parser: header from the layout, tables from word positions, and the real papers."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from litextract.extract.offline import OfflineExtractor
from litextract.parse.pymupdf_parser import PyMuPDFParser
from litextract.prepare import process
from litextract.text import sha256

from conftest import shared_path


def parse(path: Path):  # type: ignore[no-untyped-def]
    data = path.read_bytes()
    return PyMuPDFParser().parse(path, data, sha256(data))


def put(page: pymupdf.Page, x: float, y: float, text: str, size: float = 10) -> None:
    page.insert_text((x, y), text, fontsize=size)


def table_pdf(path: Path, caption_below: bool) -> Path:
    doc = pymupdf.open()
    page = doc.new_page()
    put(
        page, 72, 60, "Kidneys are segmented with deep networks in many studies, and we compare two of them here.", 10
    )
    y0 = 120 if not caption_below else 100
    rows = [("Method", "Dice (%)", "HD95 (mm)"), ("U-Net", "80.10", "9.20"), ("KidneyNet (ours)", "85.30", "6.55")]
    for i, (a, b, c) in enumerate(rows):
        put(page, 72, y0 + 14 * i, a)
        put(page, 250, y0 + 14 * i, b)
        put(page, 350, y0 + 14 * i, c)
    caption_y = 100 if not caption_below else 160
    put(page, 72, caption_y, "Table 1. Results on the KiTS19 test set.")
    put(page, 72, 260, "The proposed network improves the Dice score over the baseline on every case we tested here.")
    doc.save(path)
    doc.close()
    return path


@pytest.mark.parametrize("caption_below", [False, True])
def test_table_rows_from_word_positions(tmp_path: Path, caption_below: bool) -> None:
    d = parse(table_pdf(tmp_path / "t.pdf", caption_below))
    (table,) = d.tables
    assert table.caption == "Table 1. Results on the KiTS19 test set."
    assert table.rows == [
        ["Method", "Dice (%)", "HD95 (mm)"],
        ["U-Net", "80.10", "9.20"],
        ["KidneyNet (ours)", "85.30", "6.55"],
    ]


def test_a_table_mentioned_in_the_text_is_not_a_caption(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    put(page, 72, 72, "Table 2 shows that the model reached 91.2 and 93.4 on the two test sets of 2019.")
    put(page, 72, 86, "Values 1.5 2.5 3.5 were measured in 2020 and 2021 by the group.")
    doc.save(tmp_path / "m.pdf")
    assert parse(tmp_path / "m.pdf").tables == []


def test_title_is_the_largest_font_not_the_cover_sheet(tmp_path: Path) -> None:
    doc = pymupdf.open()
    cover = doc.new_page()
    put(
        cover,
        72,
        72,
        "See discussions, stats, and author profiles for this publication at: https://www.researchgate.net/x",
    )
    put(cover, 72, 100, "Some Other Listing Title Here", 16)
    page = doc.new_page()
    put(page, 72, 60, "ISSN (Online): 2321-9653; Volume 12", 9)
    put(page, 72, 100, "Kidney Tumour Segmentation with", 18)
    put(page, 72, 124, "Residual Networks", 18)
    put(page, 72, 150, "Ada Lovelace, Alan Turing", 11)
    put(page, 72, 170, "Department of Computing, University of Somewhere", 9)
    for i in range(12):
        put(page, 72, 200 + 12 * i, "Body text of the paper, set in the ordinary font size of the journal.", 9)
    doc.save(tmp_path / "c.pdf")
    header = parse(tmp_path / "c.pdf").header
    assert header.title == "Kidney Tumour Segmentation with Residual Networks"
    assert header.authors == ["Ada Lovelace", "Alan Turing"]


def test_no_layout_recommendation_on_stdout(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    parse(table_pdf(tmp_path / "t.pdf", caption_below=False))
    assert "pymupdf_layout" not in capfd.readouterr().out


def real(name: str):  # type: ignore[no-untyped-def]
    path = shared_path("corpus-real", name)
    d = parse(path)
    return d, process(d, [OfflineExtractor()])


def test_chexnet_paper() -> None:
    d, ex = real("chexnet_rajpurkar2017.pdf")
    assert d.header.arxiv_id == "1711.05225" and ex.paper.year == 2017 and ex.paper.venue_type == "preprint"
    assert ex.paper.title and ex.paper.title.startswith("CheXNet: Radiologist-Level Pneumonia Detection")
    assert [(x.name, x.modality) for x in ex.used_datasets] == [("ChestX-ray14", "X-ray")]
    proposed = [m for m in ex.models if m.proposed]
    assert [(m.name, m.backbone, m.pretrained) for m in proposed] == [("CheXNet", "DenseNet-121", "ImageNet")]
    f1 = {(r.model, r.value) for r in ex.results if r.metric == "f1"}
    assert ("CheXNet", 0.435) in f1 and ("Radiologist 4", 0.442) in f1


def test_transunet_paper_tables() -> None:
    _, ex = real("transunet_chen2021.pdf")
    assert {x.name for x in ex.used_datasets} == {"BTCV", "ACDC"}
    got = {(r.model, r.dataset, r.metric, r.value) for r in ex.results}
    assert ("TransUNet", "BTCV", "dice", 0.7748) in got
    assert ("TransUNet", "BTCV", "hd", 31.69) in got
    assert ("TransUNet", "ACDC", "dice", 0.8971) in got
    assert all(r.evidence.verified for r in ex.results)


def test_brain_tumour_paper_year_pair_and_headline_tables() -> None:
    _, ex = real("brain_tumour_msa_unet_informatica2024.pdf")
    assert {x.name for x in ex.used_datasets} == {"BraTS 2019", "BraTS 2020", "BraTS 2021"}
    got = {(r.dataset, r.metric, r.value) for r in ex.results if r.model.startswith("MAU-Net")}
    assert {("BraTS 2021", "dice", 0.937), ("BraTS 2020", "hd95", 25.31), ("BraTS 2019", "dice", 0.779)} <= got
    ablation = [r for r in ex.results if "padding" in r.model.casefold()]
    assert ablation and all("ablation" in (r.setting or "") and not r.headline for r in ablation)  # kept, marked


def test_classical_mri_paper_is_not_deep_learning() -> None:
    _, ex = real("nondl_mr_brain_pca_ksvm_pier2012.pdf")
    assert ex.paper.uses_deep_learning is False and ex.paper.uses_medical_imaging is True
    assert ex.paper.year == 2012


def test_cover_sheet_paper_header() -> None:
    d, ex = real("dr_classification_ijgdc2018_rgcover.pdf")
    assert d.header.title == "Classification of Diabetic Retinopathy Images by Using Deep Learning Models"
    assert ex.paper.year == 2018 and ex.paper.doi == "10.14257/ijgdc.2018.11.1.09"


def test_page_text_is_pymupdfs_plain_text_of_the_page() -> None:
    """Evidence quotes are checked against this text, so it must be exactly what PyMuPDF reads on the page."""
    for path in sorted(shared_path("corpus-real").glob("*.pdf"))[:8]:
        parsed = parse(path)
        with pymupdf.open(path) as doc:
            assert [p.text for p in parsed.pages] == [page.get_textpage().extractText() for page in doc], path.name

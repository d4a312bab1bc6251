"""TEI → Document on TEI written in GROBID's format and on real GROBID output (0.6.1–0.8.2); the merge."""

from __future__ import annotations

from pathlib import Path

import pytest
from grobid_server import make_tei

from litextract.document import Document, Header, Page, Table
from litextract.parse.overlay import overlay
from litextract.parse.pymupdf_parser import PyMuPDFParser
from litextract.parse.tei import TEIError, tei_to_document
from litextract.text import fold, sha256

from conftest import shared_path, write_pdf

WRITTEN = make_tei(
    "Pancreas Segmentation from CT with a 3D U-Net",
    [("Ada", "Lovelace"), ("Alan", "Turing")],
    affiliation="University of Somewhere",
    journal="Medical Image Analysis",
    year=2023,
    doi="10.1016/J.MEDIA.2023.102345",
    arxiv="arXiv:2301.01234v2 [eess.IV]",
    abstract="We segment the pancreas in 82 CT scans.",
    sections=[
        ("1", "Introduction", "Segmentation of the pancreas is hard.", 1),
        ("2", "Methods", "We train a 3D U-Net on NIH Pancreas-CT.", None),
        ("3", "Results", "The Dice score is 0.85.", 3),
    ],
    table=("Table 1 .", [["Method", "Dice"], ["3D U-Net", "0.85"]], 3),
    figure="Fig. 1. The network architecture.",
    references=["O. Ronneberger et al. U-Net. MICCAI 2015."],
)


def doc_of(tei: bytes) -> Document:
    return tei_to_document(tei, file="x.pdf", path="/x.pdf", sha256="0" * 64)


def test_header_fields_from_grobid_tei() -> None:
    h = doc_of(WRITTEN).header
    assert h.title == "Pancreas Segmentation from CT with a 3D U-Net"
    assert h.authors == ["Ada Lovelace", "Alan Turing"]
    assert h.affiliations == ["University of Somewhere"]
    assert (h.venue, h.year) == ("Medical Image Analysis", 2023)
    assert h.doi == "10.1016/j.media.2023.102345"  # lower-cased like the PyMuPDF parser's DOIs
    assert h.arxiv_id == "2301.01234"  # no version, no category
    assert h.abstract == "We segment the pancreas in 82 CT scans."


def test_body_tables_figures_references_and_pages() -> None:
    doc = doc_of(WRITTEN)
    assert [(s.heading, s.page) for s in doc.sections] == [
        ("1 Introduction", 1),
        ("2 Methods", 0),  # no coords: page unknown (the merge places it by its text)
        ("3 Results", 3),
    ]
    assert doc.sections[1].text == "We train a 3D U-Net on NIH Pancreas-CT."
    [table] = doc.tables
    assert (table.page, table.caption, table.source) == (3, "Table 1.", "grobid")
    assert table.rows == [["Method", "Dice"], ["3D U-Net", "0.85"]]
    assert doc.figures == ["Fig. 1. The network architecture."]
    assert doc.references == ["O. Ronneberger et al. U-Net. MICCAI 2015."]
    assert doc.n_pages == 3 and doc.pages == []
    assert doc.parser == "grobid" and doc.field_sources["title"] == "grobid"


def test_spanning_cells_keep_columns_aligned() -> None:
    tei = WRITTEN.replace(b"<cell>Method</cell>", b'<cell cols="2">Method</cell>')
    table = doc_of(tei).tables[0]
    assert (table.header_rows, table.n_cols) == (1, 3)
    assert [(c.text, c.col, c.col_span) for c in table.cells if c.row == 0] == [("Method", 0, 2), ("Dice", 2, 1)]
    assert table.header_path(2) == ("Dice",) and table.rows[1] == ["3D U-Net", "0.85", ""]


@pytest.mark.parametrize(
    ("tei", "reason"),
    [
        (b"<TEI xmlns='http://www.tei-c.org/ns/1.0'><teiHeader>", "malformed TEI"),
        (b"", "malformed TEI"),
        (b"<html><body>502 Bad Gateway</body></html>", "not GROBID TEI"),
    ],
)
def test_bad_tei_is_a_one_line_error(tei: bytes, reason: str) -> None:
    with pytest.raises(TEIError, match=reason) as info:
        doc_of(tei)
    assert "\n" not in str(info.value)


# Real GROBID output (../shared/grobid-tei/SOURCES.md): title, DOI, arXiv id, year, venue as the papers print them.
REAL = {
    "selfaudit_peft_ly2026": (
        "Self-Auditing Parameter-Efficient Fine-Tuning for Few-Shot 3D Medical Image Segmentation",
        None, "2603.05822", 2026, None, ["Son Thai Ly", "Hien V. Nguyen"],
    ),
    "wagner_lukyanenko_pare2022_ai_literature_reviews": (
        "Artificial intelligence and the conduct of literature reviews",
        "10.1177/02683962211048201", None, None, None, ["Gerit Wagner", "Roman Lukyanenko", "Guy Paré"],
    ),
    "demarchis2016_fes_hand_opening_jner": (
        "Multi-contact functional electrical stimulation for hand opening: electrophysiologically driven "
        "identification of the optimal stimulation site",
        "10.1186/s12984-016-0129-6", None, 2016, "Journal of NeuroEngineering and Rehabilitation",
        ["Cristiano De Marchis", "Thiago Santos Monteiro"],
    ),
    "peripheral_neuropathy_skin_biopsy_tei_only": (
        "Clinical Characteristics, Electrophysiology, and Skin Biopsy of 38 Peripheral Neuropathy Cases with "
        "Small Fiber Involvement of Various Etiologies",
        "10.4103/0366-6999.209897", None, 2017, "Chinese Medical Journal", ["Bo Sun", "Li-Zhi Liu"],
    ),
}


@pytest.mark.parametrize("stem", sorted(REAL))
def test_real_grobid_tei(stem: str) -> None:
    title, doi, arxiv, year, venue, first_authors = REAL[stem]
    doc = doc_of(shared_path("grobid-tei", f"{stem}.tei.xml").read_bytes())
    h = doc.header
    assert (h.title, h.doi, h.arxiv_id, h.year, h.venue) == (title, doi, arxiv, year, venue)
    assert h.authors[: len(first_authors)] == first_authors
    assert h.abstract and len(h.abstract) > 200
    assert len(doc.sections) >= 8 and all(s.heading or s.text for s in doc.sections)
    assert len(doc.references) >= 20 and all(doc.references)


def test_real_tei_tables_and_coordinates() -> None:
    doc = doc_of(shared_path("grobid-tei", "peripheral_neuropathy_skin_biopsy_tei_only.tei.xml").read_bytes())
    assert [t.page for t in doc.tables] == [3, 4]
    assert doc.tables[1].rows[1][:3] == ["Age (years)", "56.8 ± 12.7", "60.2 ± 15.6"]
    assert doc.n_pages == 6


def test_real_pair_merge_places_sections_on_pymupdf_pages() -> None:
    """GROBID 0.7.2 gave no coordinates for this paper: the merge finds each heading in the page text."""
    pdf = shared_path("grobid-tei", "selfaudit_peft_ly2026.pdf")
    data = pdf.read_bytes()
    base = PyMuPDFParser().parse(pdf, data, sha256(data))
    grobid = tei_to_document(pdf.with_suffix(".tei.xml").read_bytes(), file=pdf.name, path=str(pdf), sha256="x")
    doc = overlay(base, grobid)
    pages = {s.heading: s.page for s in doc.sections}
    assert pages["1 Introduction"] == 1
    assert pages["5 Conclusion"] > pages["4 Experiments"] > pages["2 Related Works"] > 1
    for s in doc.sections:  # every section is placed on a page holding its heading or its first words
        page = fold(doc.pages[s.page - 1].text)
        assert fold(s.heading.split(" ", 1)[-1]) in page or fold(s.text[:60]) in page


def test_merge_prefers_grobid_header_and_keeps_pymupdf_pages(tmp_path: Path) -> None:
    pdf = write_pdf(
        tmp_path / "p.pdf",
        ["Some Running Header Line\nPancreas Segmentation from CT with a 3D U-Net\n2021", "3 Results\nDice 0.85"],
    )
    data = pdf.read_bytes()
    base = PyMuPDFParser().parse(pdf, data, sha256(data))
    doc = overlay(base, doc_of(WRITTEN.replace(b' coords="3,', b' coords="0,')))
    assert doc.parser == "grobid+pymupdf"
    assert doc.pages == base.pages and doc.n_pages == 2
    assert doc.header.title == "Pancreas Segmentation from CT with a 3D U-Net"
    assert doc.field_sources["title"] == "grobid" and doc.field_sources["year"] == "grobid"
    assert doc.header.year == 2023 and doc.header.authors == ["Ada Lovelace", "Alan Turing"]
    assert doc.sections[-1].page == 2  # coords said page 0: placed by the heading found on page 2


def test_merge_fills_what_grobid_misses_and_keeps_pymupdf_tables() -> None:
    pymupdf_table = Table(page=1, caption="Table 1", rows=[["a", "b"], ["1", "2"]])
    base = Document(
        file="x.pdf", path="/x.pdf", sha256="0" * 64, n_pages=1, pages=[Page(number=1, text="x")],
        tables=[pymupdf_table], header=Header(title="T", doi="10.1/x", year=2020),
        field_sources={"title": "pymupdf", "doi": "pymupdf", "year": "pymupdf"},
    )
    grobid = doc_of(make_tei("Better Title", [("A", "B")], table=("Table 1.", [["x"], ["y"]], 1)))
    doc = overlay(base, grobid)
    assert (doc.header.title, doc.header.doi, doc.header.year) == ("Better Title", "10.1/x", 2020)
    assert doc.field_sources == {"title": "grobid", "authors": "grobid", "doi": "pymupdf", "year": "pymupdf"}
    assert doc.tables == [pymupdf_table]
    no_tables = overlay(base.model_copy(update={"tables": []}), grobid)
    assert [t.source for t in no_tables.tables] == ["grobid"]

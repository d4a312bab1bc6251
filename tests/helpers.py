"""Builders several test modules share (tests import these, never each other)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
from streamlit.testing.v1 import AppTest

from litextract.dashboard.nav import VIEWS
from litextract.document import Document, Page
from litextract.grounding import ground
from litextract.parse.pymupdf_parser import PyMuPDFParser
from litextract.records import Dataset, DatasetSize, Evidence, Extraction, Model, Paper, Result
from litextract.store import connect
from litextract.store.write import save_paper
from litextract.text import sha256

from conftest import write_pdf

APP = Path(__file__).resolve().parents[1] / "app.py"
PAGES = "src/litextract/dashboard/pages"
PANCREAS_TITLE = "Attention U-Net for Pancreas Segmentation in Abdominal CT"
CHEST_TITLE = "DenseNet-121 Screening of Thoracic Disease on Chest Radiographs"

PANCREAS_PAGES = [
    f"{PANCREAS_TITLE}\nA. Radiologist, B. Engineer\nMedical Image Analysis, 2023\n\n"
    "We use the NIH Pancreas-CT dataset of 82 contrast-enhanced CT scans.\n"
    "Our PancNet uses a ResNet-50 encoder pretrained on ImageNet.",
    "Results\nPancNet reached a Dice of 0.842 on the test set,\ncompared to 0.801 for the U-Net baseline.",
]
CHEST_PAGES = [
    f"{CHEST_TITLE}\nC. Author\nMICCAI 2021\n\n"
    "Experiments use ChestX-ray14 with 112,120 frontal-view X-ray images.\n"
    "CheXNet is a DenseNet-121 trained from scratch.",
    "CheXNet obtains an AUC of 0.841 on the official test split.\n"
    "On NIH Pancreas-CT our UNet++ baseline scores a Dice of 0.823.",
]


def _ev(page: int, quote: str) -> Evidence:
    return Evidence(page=page, quote=quote)


def pancreas_extraction() -> Extraction:
    return Extraction(
        paper=Paper(
            title=PANCREAS_TITLE,
            authors=["A. Radiologist", "B. Engineer"],
            year=2023,
            venue="Medical Image Analysis",
            venue_type="journal",
            evidence={"title": _ev(1, PANCREAS_TITLE)},
        ),
        datasets=[
            Dataset(
                name="NIH Pancreas-CT",
                mention="NIH Pancreas-CT",
                modality="CT",
                body_part="pancreas",
                size=DatasetSize(scans=82, text="82 contrast-enhanced CT scans"),
                tasks=["segmentation"],
                public=True,
                evidence=_ev(1, "NIH Pancreas-CT dataset of 82 contrast-enhanced CT scans"),
            ),
        ],
        models=[
            Model(
                name="PancNet",
                backbone="ResNet-50",
                task="segmentation",
                proposed=True,
                pretrained="ImageNet",
                evidence=_ev(1, "Our PancNet uses a ResNet-50 encoder pretrained on ImageNet"),
            ),
            Model(
                name="U-Net", backbone="U-Net", task="segmentation", evidence=_ev(2, "0.801 for the U-Net baseline")
            ),
        ],
        results=[
            Result(
                model="PancNet",
                backbone="ResNet-50",
                dataset="NIH Pancreas-CT",
                metric="dice",
                value=0.842,
                as_printed="0.842",
                split="test",
                evidence=_ev(2, "PancNet reached a Dice of 0.842 on the test set"),
            ),
            Result(
                model="U-Net",
                backbone="U-Net",
                dataset="NIH Pancreas-CT",
                metric="dice",
                value=0.801,
                as_printed="0.801",
                split="test",
                evidence=_ev(2, "compared to 0.801 for the U-Net baseline"),
            ),
            # an invented value: its quote is not on the page, so grounding leaves it unverified
            Result(
                model="PancNet",
                dataset="NIH Pancreas-CT",
                metric="hd95",
                value=4.1,
                as_printed="4.1 mm",
                evidence=_ev(2, "a Hausdorff distance of 4.1 mm"),
            ),
        ],
    )


def chest_extraction() -> Extraction:
    return Extraction(
        paper=Paper(title=CHEST_TITLE, authors=["C. Author"], year=2021, venue="MICCAI", venue_type="conference"),
        datasets=[
            Dataset(
                name="ChestX-ray14",
                modality="X-ray",
                body_part="chest",
                size=DatasetSize(images=112120),
                tasks=["classification"],
                evidence=_ev(1, "ChestX-ray14 with 112,120 frontal-view X-ray images"),
            ),
            Dataset(
                name="NIH Pancreas-CT",
                modality="CT",
                body_part="pancreas",
                tasks=["segmentation"],
                evidence=_ev(2, "On NIH Pancreas-CT our UNet++ baseline"),
            ),
        ],
        models=[
            Model(
                name="CheXNet",
                backbone="DenseNet-121",
                task="classification",
                proposed=True,
                pretrained="none",
                evidence=_ev(1, "CheXNet is a DenseNet-121 trained from scratch"),
            ),
        ],
        results=[
            Result(
                model="CheXNet",
                backbone="DenseNet-121",
                dataset="ChestX-ray14",
                metric="auc",
                value=0.841,
                as_printed="0.841",
                split="test",
                evidence=_ev(2, "CheXNet obtains an AUC of 0.841"),
            ),
            Result(
                model="UNet++",
                dataset="NIH Pancreas-CT",
                metric="dice",
                value=0.823,
                as_printed="0.823",
                evidence=_ev(2, "our UNet++ baseline scores a Dice of 0.823"),
            ),
        ],
    )


def build_sample_db(folder: Path) -> tuple[Path, dict[str, str]]:
    """Two real PDFs, parsed by the PyMuPDF parser, with hand-made grounded extractions stored by `save_paper`.

    Returns the database path and {"pancreas": paper_id, "chest": paper_id}.
    """
    db = folder / "sample.duckdb"
    ids = {}
    parser = PyMuPDFParser(tables=False)
    for key, pages, title, extraction in (
        ("pancreas", PANCREAS_PAGES, PANCREAS_TITLE, pancreas_extraction()),
        ("chest", CHEST_PAGES, CHEST_TITLE, chest_extraction()),
    ):
        pdf = write_pdf(folder / f"{key}.pdf", pages, title=title)
        data = pdf.read_bytes()
        doc = parser.parse(pdf, data, sha256(data))
        with connect(db) as con:
            ids[key] = save_paper(con, doc, ground(extraction, doc))
    return db, ids


def separable_npz(path: Path, n_train: int = 160, n_test: int = 60, side: int = 28, seed: int = 1) -> Path:
    """Grey noise images; class 1 has a bright square in the top-left corner, class 0 in the bottom-right."""
    rng = np.random.default_rng(seed)
    arrays = {}
    for part, n in (("train", n_train), ("val", 10), ("test", n_test)):
        labels = rng.integers(0, 2, n)
        images = rng.integers(0, 90, (n, side, side)).astype(np.uint8)
        for image, label in zip(images, labels, strict=True):
            if label:
                image[2:12, 2:12] = 255
            else:
                image[-12:-2, -12:-2] = 255
        arrays[f"{part}_images"], arrays[f"{part}_labels"] = images, labels[:, None]
    np.savez(path, **arrays)
    return path


def store_header(con: duckdb.DuckDBPyConnection, file: str, **paper: Any) -> str:
    """Save a paper with this header (no records) as if `file` had been ingested; returns its paper_id."""
    sha = hashlib.sha256(file.encode()).hexdigest()
    doc = Document(file=file, path=f"/papers/{file}", sha256=sha, n_pages=1, pages=[Page(number=1, text="x")])
    return save_paper(con, doc, Extraction(paper=Paper(**paper)))


def open_view(view: str, **query: str) -> AppTest:
    """The dashboard (app.py) through Streamlit's AppTest, on `view` with these query parameters, run once."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    if view != "overview":
        at.switch_page(f"{PAGES}/{VIEWS[view][2]}.py")
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at

"""The dashboard's read layer on a small database of two generated papers (also used by the other dashboard,
review and browser tests: `build_sample_db`)."""

from __future__ import annotations

from pathlib import Path

from litextract.grounding import ground
from litextract.parse.pymupdf_parser import PyMuPDFParser
from litextract.records import Dataset, DatasetSize, Evidence, Extraction, Model, Paper, Result
from litextract.store import connect, queries
from litextract.store.write import save_paper
from litextract.text import sha256

from conftest import write_pdf

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


def test_sample_grounding_marks_only_the_invented_value_unverified(tmp_path: Path) -> None:
    db, _ids = build_sample_db(tmp_path)
    with connect(db, read_only=True) as con:
        counts = queries.overview_counts(con)
        queue = queries.review_queue(con)
    assert counts | {} == {"papers": 2, "datasets": 3, "models": 3, "results": 5, "unverified": 1, "failed_files": 0}
    assert (queue[0]["kind"], queue[0]["label"], queue[0]["verified"]) == (
        "result",
        "PancNet · NIH Pancreas-CT · hd95",
        False,
    )
    assert len(queue) == 11 and all(q["verified"] for q in queue[1:])
    assert queue[0]["path"].endswith("pancreas.pdf") and queue[0]["title"] == PANCREAS_TITLE


def test_filters_combine_and_search_is_case_insensitive(tmp_path: Path) -> None:
    db, _ids = build_sample_db(tmp_path)
    with connect(db, read_only=True) as con:

        def titles(**kw: object) -> list[str]:
            return [p["title"] for p in queries.filter_papers(con, **kw)]  # type: ignore[arg-type]

        assert titles() == [PANCREAS_TITLE, CHEST_TITLE]  # newest first
        assert titles(search="densenet") == [CHEST_TITLE]
        assert titles(modalities=["X-ray"]) == [CHEST_TITLE]
        assert titles(datasets=["NIH Pancreas-CT"]) == [PANCREAS_TITLE, CHEST_TITLE]
        assert titles(datasets=["NIH Pancreas-CT"], backbones=["ResNet-50"]) == [PANCREAS_TITLE]
        assert titles(year_min=2022) == [PANCREAS_TITLE]
        assert titles(venues=["MICCAI"], tasks=["segmentation"]) == [CHEST_TITLE]
        assert titles(search="no such paper") == []
        facets = queries.facets(con)
    assert facets["years"] == [2021, 2023] and facets["modalities"] == ["CT", "X-ray"]
    assert facets["metrics"] == ["auc", "dice", "hd95"]


def test_leaderboard_ranks_across_papers_in_the_metric_direction(tmp_path: Path) -> None:
    db, ids = build_sample_db(tmp_path)
    with connect(db, read_only=True) as con:
        board = queries.leaderboard(con, "NIH Pancreas-CT", "dice")
        ascending = queries.leaderboard(con, "NIH Pancreas-CT", "dice", lower_is_better=True)
        choices = queries.leaderboard_choices(con)
    assert [(r["rank"], r["model"], r["value"]) for r in board] == [
        (1, "PancNet", 0.842),
        (2, "UNet++", 0.823),
        (3, "U-Net", 0.801),
    ]
    assert board[0]["proposed"] is True and board[0]["year"] == 2023 and board[0]["verified"] is True
    assert board[1]["paper_id"] == ids["chest"]
    assert [r["model"] for r in ascending] == ["U-Net", "UNet++", "PancNet"]
    assert choices[0] | {} == {"dataset": "NIH Pancreas-CT", "metric": "dice", "n_results": 3, "n_papers": 2}


def test_optional_tables_are_tolerated_when_absent(tmp_path: Path) -> None:
    db, _ = build_sample_db(tmp_path)
    with connect(db, read_only=True) as con:
        assert queries.verifications(con) == []
        assert queries.has_table(con, "papers") and not queries.has_table(con, "no_such_table")

"""`litextract verify` end to end: a stored paper, the CLI, the verifications table and its CSV export."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("monai")

from helpers import separable_npz
from typer.testing import CliRunner

from litextract.cli import app
from litextract.document import Document, Page
from litextract.records import Evidence, Extraction, Model, Paper, Result
from litextract.store import connect, queries
from litextract.store.write import save_paper

pytestmark = pytest.mark.torch

TEXT = (
    "We classify chest radiographs with a ResNet-18 backbone with 11.7M parameters. "
    "Images are resized to 32×32 pixels. Our model reaches an accuracy of 95.0% on the test set."
)


def stored_paper(db: Path) -> str:
    page = Page(number=1, text=TEXT)
    doc = Document(file="r18.pdf", path="/papers/r18.pdf", sha256="e" * 64, n_pages=1, pages=[page])
    ev = Evidence(page=1, quote="ResNet-18 backbone")
    extraction = Extraction(
        paper=Paper(title="ResNet-18 for radiographs", year=2024),
        models=[Model(name="Ours", backbone="ResNet-18", proposed=True, evidence=ev)],
        results=[Result(model="Ours", backbone="ResNet-18", dataset="Squares", metric="accuracy", value=0.95,
                        as_printed="95.0%", evidence=ev)],
    )  # fmt: skip
    with connect(db) as con:
        return save_paper(con, doc, extraction)


def test_verify_cli_stores_and_exports_the_checks(tmp_path: Path) -> None:
    db = tmp_path / "v.duckdb"
    pid = stored_paper(db)
    data = separable_npz(tmp_path / "squares.npz", n_train=96, n_test=40)
    args = ["verify", "--db", str(db), "--device", "cpu", "--data", str(data), "--epochs", "2"]
    result = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "report"), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["device"] == "cpu" and report["software"]["monai"] != "absent"
    checks = {c["check_kind"]: c for c in report["checks"]}

    params = checks["params"]
    assert params["backbone"] == "ResNet-18" and params["record_id"] is not None
    assert params["claimed"] == pytest.approx(11.7e6) and params["claimed_page"] == 1
    assert params["verdict"] == "consistent"  # 11.69M with an ImageNet head
    assert checks["input_size"]["verdict"] == "consistent" and checks["input_size"]["claimed_text"] == "32×32"
    assert checks["latency"]["measured"] > 0 and checks["latency"]["verdict"] == "not checkable"
    accuracy = checks["metric:accuracy"]
    assert accuracy["claimed"] == 0.95 and accuracy["claimed_text"] == "95.0%"
    assert accuracy["verdict"] in ("consistent", "inconsistent") and 0.0 <= accuracy["measured"] <= 1.0
    assert accuracy["settings"]["gradcam"] and Path(accuracy["settings"]["gradcam"][0]).exists()

    with connect(db, read_only=True) as con:
        stored = queries.verifications(con, pid)
    assert {r["check_kind"] for r in stored} == set(checks)
    assert all(r["device"] == "cpu" and "threads" in r["hardware"] for r in stored)

    again = CliRunner().invoke(app, [*args[:5], "--paper", "r18.pdf"])  # re-run replaces, never duplicates
    assert again.exit_code == 0, again.output
    assert "5 checks on" in again.stdout  # no --data: the architecture checks only
    exported = CliRunner().invoke(app, ["export", "--db", str(db), "--out", str(tmp_path / "csv")])
    assert exported.exit_code == 0, exported.output
    with (tmp_path / "csv" / "verifications.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(stored)
    assert {r["check_kind"] for r in rows} >= {"params", "flops", "input_size", "latency", "throughput"}
    assert all(r["file"] == "r18.pdf" for r in rows)


def test_unknown_paper_is_reported_and_the_exit_code_is_1(tmp_path: Path) -> None:
    db = tmp_path / "v.duckdb"
    stored_paper(db)
    result = CliRunner().invoke(app, ["verify", "--db", str(db), "--paper", "nope.pdf", "--json"])
    assert result.exit_code == 1
    assert "nope.pdf: no single paper matches" in result.output


def test_metrics_are_compared_only_on_the_papers_dataset() -> None:
    from litextract.verify.run import same_dataset

    assert same_dataset("Squares", "squares")
    assert same_dataset("PneumoniaMNIST", "pneumoniamnist_64")
    assert not same_dataset("ChestX-ray14", "squares")
    assert not same_dataset(None, "squares")

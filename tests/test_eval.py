"""The scorer on small hand-made gold/extraction pairs, and `litextract eval` end to end on the demo corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from litextract.cli import app
from litextract.eval import (
    Extracted,
    ExtractedDataset,
    ExtractedModel,
    ExtractedResult,
    PaperScore,
    Scorer,
    evaluate,
    match,
    title_matches,
    venue_matches,
)
from litextract.gold import Gold, gold_files, load_gold
from litextract.settings import Settings
from litextract.store import connect, decisions, queries

from conftest import shared_path

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def gold(**overrides: Any) -> Gold:
    """A two-dataset pancreas paper in the gold format."""
    data: dict[str, Any] = {
        "file": "p.pdf",
        "title": "Pancreatic Cancer Detection on CT with ResNet-50",
        "year": 2023,
        "venue": "Journal of Abdominal Imaging (JAI)",
        "venue_type": "journal",
        "doi": "10.5555/JAI.2023.1",
        "uses_deep_learning": True,
        "datasets": [
            {"name": "NIH Pancreas-CT", "aliases": ["NIH pancreas collection"], "modality": "CT",
             "tasks": ["classification"]},
            {"name": "MSD Pancreas", "aliases": [], "modality": "CT", "tasks": ["classification"]},
        ],
        "models": [
            {"name": "PancNet", "backbone": "ResNet-50", "task": "classification", "proposed": True},
            {"name": "VGG16", "backbone": "VGG16", "task": "classification", "proposed": False},
        ],
        "results": [
            {"model": "PancNet", "dataset": "MSD Pancreas", "metric": "accuracy", "value": 0.942},
            {"model": "PancNet", "dataset": "MSD Pancreas", "metric": "auc", "value": 0.971},
            {"model": "VGG16", "dataset": "MSD Pancreas", "metric": "auc", "value": 0.934},
            {"model": "PancNet", "dataset": "NIH Pancreas-CT", "metric": "dice", "value": 0.837},
        ],
    }
    return Gold.model_validate({**data, **overrides})


def perfect() -> Extracted:
    return Extracted(
        title="Pancreatic cancer detection on CT with ResNet-50.",
        year=2023,
        venue="Journal of Abdominal Imaging",
        venue_type="journal",
        doi="https://doi.org/10.5555/jai.2023.1",
        uses_deep_learning=True,
        datasets=[ExtractedDataset("Pancreas-CT", "computed tomography", ["classification"]),
                  ExtractedDataset("MSD Task07", "CT", ["diagnosis"])],
        models=[ExtractedModel("PancNet", "ResNet50", "classification"), ExtractedModel("VGG-16", "VGG16", None)],
        results=[
            ExtractedResult("PancNet", "MSD Pancreas", "acc", 0.942),
            ExtractedResult("PancNet", "MSD Pancreas", "AUROC", 0.9712),
            ExtractedResult("VGG16", "Decathlon Pancreas", "auc", 0.934),
            ExtractedResult("PancNet", "NIH Pancreas-CT", "DSC", 0.837),
        ],
    )


def score(ex: Extracted | None, g: Gold | None = None) -> PaperScore:
    return Scorer().score(g or gold(), ex)


def test_a_perfect_extraction_in_other_spellings_scores_full_marks() -> None:
    s = score(perfect())
    for name, counts in s.counts.items():
        assert (counts.fp, counts.fn) == (0, 0), (name, s.missed[name], s.spurious[name])
        assert counts.f1 == 1.0
    assert all(s.correct.values()), s.correct


def test_a_similar_but_different_dataset_does_not_match() -> None:
    ex = perfect()
    ex.datasets = [ExtractedDataset("NIH ChestX-ray14", "X-ray"), ExtractedDataset("MSD Pancreas", "CT")]
    s = score(ex)
    assert (s.counts["datasets"].tp, s.counts["datasets"].fp, s.counts["datasets"].fn) == (1, 1, 1)
    assert s.missed["datasets"] == ["NIH Pancreas-CT"]
    assert not s.correct["modality"]


@pytest.mark.parametrize(("gold_name", "extracted"), [("BraTS 2021", "BraTS 2020"), ("BraTS 2021", "BraTS"),
                                                      ("ISIC 2019", "ISIC 2018"), ("Camelyon16", "Camelyon17")])
def test_another_edition_of_a_dataset_does_not_match(gold_name: str, extracted: str) -> None:
    g = gold(datasets=[{"name": gold_name}], results=[])
    s = score(Extracted(datasets=[ExtractedDataset(extracted)]), g)
    assert s.counts["datasets"].tp == 0
    assert score(Extracted(datasets=[ExtractedDataset(gold_name.lower())]), g).counts["datasets"].tp == 1


def test_a_gold_alias_matches_and_each_gold_dataset_counts_once() -> None:
    ex = perfect()
    ex.datasets = [ExtractedDataset("NIH pancreas collection"), ExtractedDataset("NIH Pancreas-CT")]
    s = score(ex)
    assert (s.counts["datasets"].tp, s.counts["datasets"].fp, s.counts["datasets"].fn) == (1, 1, 1)


def test_resnet50_is_not_resnet101() -> None:
    ex = perfect()
    ex.models = [ExtractedModel("PancNet", "ResNet-101"), ExtractedModel("VGG16", "VGG16")]
    s = score(ex)
    assert s.counts["backbones"].tp == 1
    assert s.spurious["backbones"] == ["ResNet-101"] and s.missed["backbones"] == ["ResNet-50"]
    assert s.counts["models"].f1 == 1.0


def test_model_variants_stay_distinct() -> None:
    g = gold(models=[{"name": "SETR PUP"}, {"name": "SETR MLA"}, {"name": "nnUNet-v2"}])
    s = score(Extracted(models=[ExtractedModel("SETR-PUP"), ExtractedModel("SETR"), ExtractedModel("nnU-Net")]), g)
    assert (s.counts["models"].tp, s.counts["models"].fp, s.counts["models"].fn) == (1, 2, 2)


@pytest.mark.parametrize(
    ("metric", "value", "matches"),
    [
        ("accuracy", 0.942, True),
        ("Accuracy", 0.9424, True),  # within 0.0005
        ("accuracy", 0.943, False),  # off by 0.001
        ("accuracy", 94.2, False),  # a percentage stored unconverted
        ("auc", 0.942, False),  # wrong metric
        ("specificity", 0.942, False),
    ],
)
def test_a_result_matches_on_canonical_metric_and_value(metric: str, value: float, matches: bool) -> None:
    g = gold(results=[{"model": "PancNet", "dataset": "MSD Pancreas", "metric": "accuracy", "value": 0.942}])
    s = score(Extracted(results=[ExtractedResult("PancNet", "MSD Pancreas", metric, value)]), g)
    assert s.counts["results"].tp == int(matches)


@pytest.mark.parametrize(
    ("gold_metric", "extracted_metric", "matches"),
    [("dice", "iou", False), ("dice", "Jaccard", False), ("hd95", "hd", False), ("hd", "Hausdorff distance", True),
     ("hd95", "95% Hausdorff distance", True), ("dice", "Dice similarity coefficient", True)],
)
def test_segmentation_metrics_are_not_interchangeable(gold_metric: str, extracted_metric: str, matches: bool) -> None:
    g = gold(results=[{"model": "PancNet", "dataset": "MSD Pancreas", "metric": gold_metric, "value": 0.8}])
    s = score(Extracted(results=[ExtractedResult("PancNet", "MSD Pancreas", extracted_metric, 0.8)]), g)
    assert s.counts["results"].tp == int(matches)


def test_a_result_on_the_wrong_dataset_does_not_match_when_the_paper_has_several() -> None:
    ex = Extracted(results=[ExtractedResult("PancNet", "NIH Pancreas-CT", "accuracy", 0.942),
                            ExtractedResult("PancNet", None, "auc", 0.971)])
    s = score(ex)
    assert s.counts["results"].tp == 0 and s.counts["results"].fp == 2


def test_a_single_dataset_paper_does_not_need_the_result_dataset() -> None:
    g = gold(datasets=[{"name": "MSD Pancreas"}],
             results=[{"model": "PancNet", "dataset": "MSD Pancreas", "metric": "auc", "value": 0.971}])
    s = score(Extracted(results=[ExtractedResult("Ours", None, "auc", 0.971)]), g)
    assert s.counts["results"].tp == 1
    assert s.counts["results_with_model"].tp == 0  # the stricter field also wants the model's name


def test_duplicate_extracted_results_count_once() -> None:
    ex = Extracted(results=[ExtractedResult("PancNet", "MSD Pancreas", "auc", 0.971)] * 2)
    s = score(ex)
    assert (s.counts["results"].tp, s.counts["results"].fp, s.counts["results"].fn) == (1, 1, 3)


def test_matching_is_maximal_not_greedy() -> None:
    # extracted 0 fits gold 0 and 1, extracted 1 only gold 0: a greedy pass would match just one pair
    pairs = match([{0, 1}, {0}], [0, 1], lambda e, g: g in e)
    assert pairs == [(0, 1), (1, 0)]


def test_title_and_venue_rules() -> None:
    title = "CheXNet: Radiologist-Level Pneumonia Detection"
    assert title_matches("CheXNet:  radiologist-level pneumonia detection", title)
    assert not title_matches("CheXNet", title)
    assert venue_matches("Proceedings of MICCAI 2021, Strasbourg", "MICCAI 2021")
    assert venue_matches("IJRASET", "International Journal for Research in Applied Science (IJRASET)")
    assert not venue_matches("IEEE", "IEEE Access")
    assert not venue_matches("MICCAI", "MICCAI 2021")


def test_nulls_count_as_values() -> None:
    g = gold(doi=None, venue=None)
    ex = perfect()
    ex.venue = None
    s = score(ex, g)
    assert s.correct["venue"] and not s.correct["doi"]  # null agrees with null; an invented DOI is wrong


def test_a_paper_missing_from_the_database_is_all_missed() -> None:
    s = score(None)
    assert not any(s.correct.values())
    assert s.counts["results"].fn == 4 and s.counts["datasets"].fn == 2 and s.counts["results"].tp == 0


def test_gold_tolerates_nulls_and_refuses_unknown_keys() -> None:
    g = Gold.model_validate({"file": "x.pdf", "datasets": None, "models": None, "results": None})
    assert g.datasets == [] and g.results == []
    Gold.model_validate({"file": "x.pdf", "datasets": [{"name": "A", "aliases": None, "tasks": None, "size": None}]})
    with pytest.raises(ValueError, match="datset"):
        Gold.model_validate({"file": "x.pdf", "datset": []})


def test_the_real_papers_gold_files_load() -> None:
    folder = shared_path("gold")
    golds = [load_gold(p) for p in gold_files(folder)]
    assert len(golds) >= 12 and sum(len(g.results) for g in golds) > 100


def _ingest(paths: list[Path], db: Path) -> None:
    result = CliRunner().invoke(app, ["ingest", *map(str, paths), "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output


def test_eval_reports_a_bad_gold_file_and_a_missing_paper(tmp_path: Path) -> None:
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "broken.gold.json").write_text("{not json", encoding="utf-8")
    (gold_dir / "absent.gold.json").write_text(json.dumps({"file": "absent.pdf", "year": "twenty"}), encoding="utf-8")
    shutil.copy(CORPUS / "cxr_densenet121.gold.json", gold_dir / "elsewhere.gold.json")
    db = tmp_path / "x.duckdb"
    with connect(db):
        pass
    result = CliRunner().invoke(app, ["eval", "--gold", str(gold_dir), "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["n_gold"] == 1 and report["missing"] == ["cxr_densenet121.pdf"]
    assert any("broken.gold.json: not valid JSON" in e for e in report["errors"])
    assert any("absent.gold.json: year" in e for e in report["errors"])
    assert report["fields"]["results"]["recall"] == 0.0


def test_eval_finds_a_renamed_pdf_by_its_sha256(tmp_path: Path, settings: Settings) -> None:
    renamed = tmp_path / "renamed.pdf"
    shutil.copy(CORPUS / "cxr_densenet121.pdf", renamed)
    _ingest([renamed], settings.db)
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    shutil.copy(CORPUS / "cxr_densenet121.gold.json", gold_dir)
    with connect(settings.db, read_only=True) as con:
        report = evaluate(con, gold_dir)
    assert report.missing == [] and report.papers[0].matched_by == "sha256"


def test_eval_scores_the_demo_corpus_after_ingest(settings: Settings) -> None:
    _ingest([CORPUS], settings.db)
    result = CliRunner().invoke(app, ["eval", "--gold", str(CORPUS), "--db", str(settings.db), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["n_gold"], report["n_found"], report["missing"], report["errors"]) == (7, 7, [], [])
    assert all(p["matched_by"] == "sha256" for p in report["papers"])
    fields = report["fields"]
    assert fields["year"]["accuracy"] == 1.0 and fields["doi"]["accuracy"] == 1.0
    assert fields["uses_deep_learning"]["accuracy"] == 1.0  # including the radiomics paper's false
    assert fields["title"]["correct"] >= 6
    # the demo papers are clean: most of their gold datasets, backbones and headline results must be found
    assert fields["datasets"]["recall"] >= 0.75 and fields["backbones"]["f1"] >= 0.8
    assert fields["results"]["recall"] >= 0.8 and fields["results"]["precision"] >= 0.7
    table = CliRunner().invoke(app, ["eval", "--gold", str(CORPUS), "--db", str(settings.db)])
    assert table.exit_code == 0 and "7 gold papers" in table.stdout and "not in the database" not in table.stdout


def test_review_decisions_count(tmp_path: Path, settings: Settings) -> None:
    pdf = tmp_path / "cxr_densenet121.pdf"
    shutil.copy(CORPUS / pdf.name, pdf)
    _ingest([pdf], settings.db)
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    shutil.copy(CORPUS / "cxr_densenet121.gold.json", gold_dir)
    with connect(settings.db) as con:
        before = evaluate(con, gold_dir).papers[0]
        pid = before.paper_id
        assert pid is not None and before.counts["results"].tp > 0
        decisions.edit(con, "paper", pid, {"year": 1999}, "tester")
        for row in queries.results(con, pid):
            decisions.reject(con, "result", row["record_id"], "tester")
        after = evaluate(con, gold_dir).papers[0]
    assert before.correct["year"] and not after.correct["year"]
    assert after.counts["results"].tp == 0 and after.counts["results"].fp == 0

"""The scorer on small hand-made gold/extraction pairs, and `litextract eval` end to end on the demo corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from litextract import cli
from litextract.cli import app
from litextract.eval import (
    Extracted,
    ExtractedDataset,
    ExtractedModel,
    ExtractedResult,
    PaperScore,
    Report,
    Scorer,
    evaluate,
    match,
    read_group,
    size_agrees,
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
        "uses_medical_imaging": True,
        "datasets": [
            {"name": "NIH Pancreas-CT", "aliases": ["NIH pancreas collection"], "modality": "CT",
             "tasks": ["classification"], "body_part": "pancreas", "size": {"patients": 82, "scans": 82},
             "url": "https://doi.org/10.7937/K9/TCIA.2016.tNB1kqBU"},
            {"name": "MSD Pancreas", "aliases": [], "modality": "CT", "tasks": ["classification"]},
        ],
        "models": [
            {"name": "PancNet", "backbone": "ResNet-50", "task": "classification", "proposed": True},
            {"name": "VGG16", "backbone": "VGG16", "task": "classification", "proposed": False},
        ],
        "results": [
            {"model": "PancNet", "dataset": "MSD Pancreas", "metric": "accuracy", "value": 0.942, "split": "test"},
            {"model": "PancNet", "dataset": "MSD Pancreas", "metric": "auc", "value": 0.971, "split": "test"},
            {"model": "VGG16", "dataset": "MSD Pancreas", "metric": "auc", "value": 0.934},
            {"model": "PancNet", "dataset": "NIH Pancreas-CT", "metric": "dice", "value": 0.837,
             "split": "cross-validation"},
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
        uses_medical_imaging=True,
        datasets=[ExtractedDataset("Pancreas-CT", "computed tomography", ["classification"], "Pancreas",
                                   "http://dx.doi.org/10.7937/k9/tcia.2016.tnb1kqbu/", {"patients": 82}),
                  ExtractedDataset("MSD Task07", "CT", ["diagnosis"])],
        models=[ExtractedModel("PancNet", "ResNet50", "classification", proposed=True),
                ExtractedModel("VGG-16", "VGG16", None)],
        results=[
            ExtractedResult("PancNet", "MSD Pancreas", "acc", 0.942, "test"),
            ExtractedResult("PancNet", "MSD Pancreas", "AUROC", 0.9712, "Test"),
            ExtractedResult("VGG16", "Decathlon Pancreas", "auc", 0.934),
            ExtractedResult("PancNet", "NIH Pancreas-CT", "DSC", 0.837, "cross validation"),
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
    # own backbone 1 (PancNet); NIH Pancreas-CT's modality, body part, size and URL; three results with a split
    assert {f: (t.right, t.total) for f, t in s.items.items()} == {
        "own_backbone": (1, 1), "dataset_modality": (2, 2), "dataset_body_part": (1, 1), "dataset_size": (1, 1),
        "dataset_url": (1, 1), "result_split": (3, 3)}


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
    assert Gold.model_validate({"file": "x.pdf", "notes": "two values printed"}).notes == "two values printed"


def test_the_real_papers_gold_files_load() -> None:
    folder = shared_path("gold")
    files = gold_files(folder)
    golds = [load_gold(p) for p in files]  # every file loads (one that does not raises GoldError)
    assert len(golds) == len(files) >= 24 and sum(len(g.results) for g in golds) > 100


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


# --- the measures added for issues 14/15: hand-made examples, figures computed by hand -----------------------


def test_own_model_backbone_needs_a_proposed_model_on_that_backbone() -> None:
    g = gold(models=[
        {"name": "PancNet", "backbone": "ResNet-50", "proposed": True},
        {"name": "PancNet-L", "backbone": "DenseNet-121", "proposed": True},
        {"name": "PancNet-S", "backbone": None, "proposed": True},  # no backbone: not scored
        {"name": "VGG16", "backbone": "VGG16", "proposed": False},  # a baseline: not scored
    ])
    ex = Extracted(models=[
        ExtractedModel("Ours", "resnet50", proposed=True),  # right: the name does not matter, the backbone does
        ExtractedModel("DenseNet-121", "DenseNet-121", proposed=False),  # right backbone, but not proposed
        ExtractedModel("VGG16", "VGG16", proposed=True),  # a proposed model on a baseline's backbone
    ])
    s = score(ex, g)
    assert (s.items["own_backbone"].right, s.items["own_backbone"].total) == (1, 2)
    assert s.missed["own_backbone"] == ["PancNet-L: DenseNet-121"]
    assert score(None, g).items["own_backbone"].total == 2 and score(None, g).items["own_backbone"].right == 0


def test_screening_flags_are_right_only_together() -> None:
    control = gold(uses_deep_learning=True, uses_medical_imaging=False)  # deep learning on signals
    both = perfect()
    report = Report("g", [score(both), score(both, control), score(Extracted(uses_deep_learning=True), control)])
    acc = report.accuracy()
    # paper 1 both right; paper 2 imaging wrong; paper 3 imaging None where the gold says False: wrong
    assert (acc["uses_deep_learning"].right, acc["uses_medical_imaging"].right, acc["screening"].right) == (3, 1, 1)
    assert acc["screening"].total == 3 and acc["screening"].accuracy == pytest.approx(1 / 3)


def test_modalities_are_scored_as_the_papers_set() -> None:
    g = gold(datasets=[{"name": "A", "modality": "CT"}, {"name": "B", "modality": "computed tomography"},
                       {"name": "C", "modality": "MRI"}], results=[])
    ex = Extracted(datasets=[ExtractedDataset("X", "CT"), ExtractedDataset("Y", "X-ray"), ExtractedDataset("Z")])
    c = score(ex, g).counts["modalities"]
    assert (c.tp, c.fp, c.fn) == (1, 1, 1)  # {CT, MRI} against {CT, X-ray}


def test_attributes_of_matched_datasets() -> None:
    g = gold(datasets=[
        {"name": "LIDC-IDRI", "modality": "CT", "body_part": "lung (nodules)", "size": {"patients": 1010,
                                                                                       "scans": 1018}},
        {"name": "DRIVE", "modality": "fundus", "body_part": "retina", "size": {"images": 40},
         "url": "https://drive.grand-challenge.org/"},
        {"name": "STARE", "modality": "fundus", "body_part": "retina", "size": {"images": 20}},
        {"name": "CHASE_DB1", "modality": "fundus"},  # not extracted: none of its attributes are scored
    ], results=[])
    ex = Extracted(datasets=[
        ExtractedDataset("LIDC-IDRI", "CT", body_part="Lung", size={"scans": 1018, "images": 244527}),
        ExtractedDataset("DRIVE", "fundus", body_part="eye", url="http://www.drive.grand-challenge.org",
                         size={"images": 40}),
        ExtractedDataset("STARE", "OCT", body_part="retina (vessels)", size={"images": 400}),
    ])
    s = score(ex, g)
    tallies = {f: (t.right, t.total) for f, t in s.items.items() if f.startswith("dataset_")}
    # modality 2/3 (STARE wrong); body part 2/3 (DRIVE's "eye" is not "retina"); size 2/3: LIDC's scans agree
    # (its images are not in the gold), DRIVE agrees, STARE's 400 images contradict 20; URL 1/1
    assert tallies == {"dataset_modality": (2, 3), "dataset_body_part": (2, 3), "dataset_size": (2, 3),
                       "dataset_url": (1, 1)}
    assert s.missed["dataset_body_part"] == ["DRIVE: retina (extracted eye)"]


def test_size_agrees_only_on_a_shared_unit_without_contradiction() -> None:
    assert size_agrees({"patients": 82}, {"patients": 82, "scans": 82})
    assert not size_agrees({"images": 82}, {"patients": 82})  # no shared unit
    assert not size_agrees({"patients": 82, "scans": 80}, {"patients": 82, "scans": 82})
    assert not size_agrees({}, {"patients": 82})


def test_split_is_scored_on_matched_results_whose_gold_has_one() -> None:
    ex = Extracted(results=[
        ExtractedResult("PancNet", "MSD Pancreas", "accuracy", 0.942, "test"),  # right
        ExtractedResult("PancNet", "MSD Pancreas", "auc", 0.971, "validation"),  # wrong split
        ExtractedResult("VGG16", "MSD Pancreas", "auc", 0.934, "test"),  # gold has no split: not scored
        ExtractedResult("PancNet", "NIH Pancreas-CT", "dice", 0.837),  # no split extracted: wrong
        ExtractedResult("PancNet", "NIH Pancreas-CT", "dice", 0.9, "test"),  # unmatched: not scored
    ])
    s = score(ex)
    assert (s.items["result_split"].right, s.items["result_split"].total) == (1, 3)
    assert s.missed["result_split"][0] == "PancNet | MSD Pancreas | auc = 0.971: split test (extracted validation)"


def test_split_is_scored_on_the_row_of_the_gold_model_when_another_row_has_the_same_value() -> None:
    ex = Extracted(results=[
        ExtractedResult("PancNet w/o attention", "MSD Pancreas", "accuracy", 0.942, "train", headline=True),
        ExtractedResult("PancNet", "MSD Pancreas", "accuracy", 0.942, "test", headline=False),
    ])
    s = score(ex)
    assert not any("accuracy = 0.942" in m for m in s.missed["result_split"])  # the train row is a variant's


def test_groups_score_their_papers_apart(tmp_path: Path) -> None:
    a, b = score(perfect(), gold(file="a.pdf")), score(None, gold(file="b.pdf"))
    a.gold_file, b.gold_file = "a.gold.json", "b.gold.json"
    report = Report("g", [a, b])
    listing = tmp_path / "new.txt"
    listing.write_text("# the newest\nb.pdf\n\nnot-there.gold.json\n", encoding="utf-8")
    report.add_group("new", read_group(listing), str(listing))
    report.add_group("old", ["a.gold.json"])
    assert report.errors == [f"{listing}: not-there.gold.json: not a gold paper of g"]
    data = report.to_json()
    assert data["groups"]["new"]["files"] == ["b.gold.json"] and data["groups"]["new"]["n_found"] == 0
    assert data["groups"]["old"]["fields"]["results"]["recall"] == 1.0
    assert data["groups"]["new"]["fields"]["results"]["recall"] == 0.0
    assert data["fields"]["results"]["recall"] == 0.5  # 4 of 8 gold results over both papers
    assert data["fields"]["own_backbone"] == {"correct": 1, "total": 2, "accuracy": 0.5}


def test_eval_groups_and_per_paper_at_80_columns(tmp_path: Path, settings: Settings,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli.console, "width", 80)
    _ingest([CORPUS], settings.db)
    names = sorted(p.name for p in gold_files(CORPUS))
    listing = tmp_path / "first.txt"
    listing.write_text("\n".join(names[:3]) + "\n", encoding="utf-8")
    args = ["eval", "--gold", str(CORPUS), "--db", str(settings.db), "--group", f"first={listing}"]
    data = json.loads(CliRunner().invoke(app, [*args, "--json"]).stdout)
    assert data["groups"]["first"]["n_gold"] == 3 and data["groups"]["first"]["files"] == names[:3]
    assert data["fields"]["screening"]["total"] == 7 and "result_split" in data["papers"][0]["fields"]
    result = CliRunner().invoke(app, [*args, "--per-paper"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= 80
    assert any(line.strip() == "first: 3 gold papers" for line in lines)
    assert any("own backbone" in line for line in lines)
    assert sum(line.endswith(".pdf") for line in lines) == 7  # one line per paper, then its figures
    bad = CliRunner().invoke(app, ["eval", "--gold", str(CORPUS), "--db", str(settings.db), "--group", "x"])
    assert bad.exit_code == 2 and "NAME=FILE" in bad.output


def test_only_headline_rows_count_against_precision() -> None:
    """Every table row is stored with its role; a per-class, ablation or weaker-baseline row that the gold leaves
    out is no error, a headline row that matches nothing is."""
    ex = Extracted(results=[
        ExtractedResult("PancNet", "MSD Pancreas", "auc", 0.971),
        ExtractedResult("PancNet", "MSD Pancreas", "auc", 0.5, headline=False),
        ExtractedResult("VGG16", "MSD Pancreas", "auc", 0.6, headline=True),
    ])
    s = score(ex)
    assert (s.counts["results"].tp, s.counts["results"].fp) == (1, 1)
    assert s.spurious["results"] == ["VGG16 | MSD Pancreas | auc = 0.6"]


def test_a_headline_row_is_matched_before_a_row_of_the_same_value() -> None:
    g = gold(results=[{"model": "PancNet", "dataset": "MSD Pancreas", "metric": "auc", "value": 0.971}])
    ex = Extracted(results=[
        ExtractedResult("PancNet", "MSD Pancreas", "auc", 0.971, headline=False),
        ExtractedResult("PancNet", "MSD Pancreas", "auc", 0.971, headline=True),
    ])
    s = score(ex, g)
    assert (s.counts["results"].tp, s.counts["results"].fp) == (1, 0)

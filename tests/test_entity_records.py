"""The entity fields end to end: a dataset's role and vocabulary link, a model's name as written (migration 009),
what export and eval count, a record dropped without failing its paper, and one name per architecture."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from litextract.cli import app
from litextract.dedup import dedupe
from litextract.eval import Extracted, ExtractedDataset, ExtractedModel, Scorer
from litextract.export import export
from litextract.extract import offline_datasets
from litextract.gold import Gold
from litextract.ingest import ingest
from litextract.settings import Settings
from litextract.store import connect, queries

from conftest import write_pdf

PAGES = [
    "Lesion Segmentation in CT with a Convolutional Network\nA. Author\n\n"
    "Abstract. We train a deep convolutional neural network (CNN) for 50 epochs on CT scans of patients. "
    "Earlier work [3] was evaluated on LiTS.\n\n"
    "2. Methods\nWe use the KiTS19 dataset, which holds 210 CT scans of 210 patients. "
    "All KiTS19 scans were resampled. We also train on the Riverbend dataset of 96 CT scans; Riverbend was "
    "collected at one hospital. The baseline is a U-net, which we train with the same settings.",
]


@pytest.fixture
def db(tmp_path: Path) -> tuple[Settings, str]:
    settings = Settings(db=tmp_path / "p.duckdb", cache_dir=tmp_path / "cache")
    (outcome,) = ingest([write_pdf(tmp_path / "p.pdf", PAGES)], settings).outcomes
    assert outcome.paper_id, outcome.line
    return settings, outcome.paper_id


def test_role_vocabulary_link_and_mention_are_stored_and_only_used_datasets_are_the_papers(
    db: tuple[Settings, str], tmp_path: Path
) -> None:
    settings, pid = db
    with connect(settings.db, read_only=True) as con:
        every = {r["name"]: r for r in queries.datasets(con, pid, include_mentioned=True)}
        used = {r["name"] for r in queries.datasets(con, pid)}
        models = {r["name"]: r for r in queries.models(con, pid)}
        export(con, tmp_path / "out")
    assert every["LiTS"]["role"] == "mentioned" and "LiTS" not in used
    assert every["KiTS19"]["in_vocabulary"] is True and every["Riverbend"]["in_vocabulary"] is False
    assert {"KiTS19", "Riverbend"} <= used
    assert models["U-Net"]["mention"] == "U-net"  # one name for the architecture, the paper's spelling kept
    with (tmp_path / "out" / "paper_datasets.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["dataset"] for r in rows} == used and {r["in_vocabulary"] for r in rows} == {"True", "False"}
    shown = CliRunner().invoke(app, ["show", pid, "--db", str(settings.db), "--json"])
    assert {d["name"]: d["role"] for d in json.loads(shown.stdout)["datasets"]}["LiTS"] == "mentioned"


def test_a_record_with_an_invalid_field_is_dropped_and_the_paper_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(offline_datasets, "window", lambda *args, **kwargs: "")  # every dataset quote empty
    settings = Settings(db=tmp_path / "p.duckdb", cache_dir=tmp_path / "cache", workers=1)
    (outcome,) = ingest([write_pdf(tmp_path / "p.pdf", PAGES)], settings).outcomes
    assert outcome.paper_id, outcome.line
    with connect(settings.db, read_only=True) as con:
        assert queries.datasets(con, outcome.paper_id, include_mentioned=True) == []
        assert queries.models(con, outcome.paper_id)  # the rest of the paper is there
        errors = con.execute("SELECT stage, reason FROM errors").fetchall()
    assert errors and errors[0][0] == "extract" and "dropped: evidence.quote" in errors[0][1]


def test_dedupe_gives_model_names_stored_in_other_spellings_their_canonical_name(
    db: tuple[Settings, str],
) -> None:
    settings, pid = db
    with duckdb.connect(str(settings.db)) as con:  # as an older version stored it
        con.execute("UPDATE models SET name = 'UNet', mention = NULL WHERE name = 'U-Net'")
    with connect(settings.db) as con:
        plan = dedupe(con)
        models = {r["name"]: r["mention"] for r in queries.models(con, pid)}
    assert [(m.kind, m.canonical, m.members) for m in plan.merges if m.kind == "model"] == [
        ("model", "U-Net", ["U-Net", "UNet"])
    ]
    assert models.get("U-Net") == "UNet"


def gold(datasets: list[dict[str, object]], models: list[dict[str, object]]) -> Gold:
    return Gold.model_validate(
        {
            "file": "p.pdf",
            "title": "t",
            "uses_deep_learning": True,
            "uses_medical_imaging": True,
            "datasets": datasets,
            "models": models,
            "results": [],
        }
    )


def test_eval_reads_a_trailing_dataset_word_and_a_composite_backbone_in_any_order() -> None:
    g = gold(
        [{"name": "Riverbend Dataset", "aliases": []}],
        [{"name": "Fused", "backbone": "AlexNet + DarkNet-53", "proposed": True}],
    )
    found = Extracted(
        datasets=[ExtractedDataset("Riverbend")],
        models=[ExtractedModel("AlexNet + DarkNet-53", "DarkNet-53 + AlexNet", proposed=True)],
    )
    s = Scorer().score(g, found)
    assert (s.counts["datasets"].tp, s.counts["backbones"].tp, s.items["own_backbone"].right) == (1, 1, 1)


def test_eval_never_counts_a_mentioned_dataset(db: tuple[Settings, str], tmp_path: Path) -> None:
    settings, _ = db
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "p.gold.json").write_text(
        '{"file": "p.pdf", "title": null, "uses_deep_learning": true, "uses_medical_imaging": true,'
        ' "datasets": [{"name": "KiTS19"}, {"name": "Riverbend"}], "models": [], "results": []}',
        encoding="utf-8",
    )
    out = CliRunner().invoke(app, ["eval", "--gold", str(gold_dir), "--db", str(settings.db), "--json"])
    fields = json.loads(out.stdout)["fields"]["datasets"]
    assert (fields["tp"], fields["fp"], fields["fn"]) == (2, 0, 0)  # LiTS, only mentioned, is no false positive

"""The command line, through typer's CliRunner, on real database files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from litextract.cli import app

from conftest import write_pdf

runner = CliRunner()
EXPECTED_HEADERS = {
    "papers.csv": "paper_id,file,sha256,n_pages,title,authors,year,venue,venue_type,doi,arxiv_id,"
    "uses_deep_learning,uses_medical_imaging",
    "paper_datasets.csv": "paper_id,dataset",
    "datasets.csv": "dataset,aliases,modality,body_part,size_text,tasks,public,url,n_papers,paper_ids",
    "models.csv": "paper_id,model,backbone,task,proposed,pretrained,evidence_page,evidence_quote,verified",
    "results.csv": "paper_id,model,backbone,dataset,metric,value,as_printed,split,evidence_page,evidence_quote,"
    "verified",
}


def test_ingest_papers_show_export(tmp_path: Path, paper_pdf: Path) -> None:
    db = str(tmp_path / "cli.duckdb")
    (tmp_path / "broken.pdf").write_bytes(b"")
    result = runner.invoke(app, ["ingest", str(tmp_path), "--db", db])
    assert result.exit_code == 1, result.output  # one file failed
    assert "broken.pdf" in result.output and "empty file" in result.output
    assert "1 ingested" in result.output and "1 failed" in result.output

    listed = json.loads(runner.invoke(app, ["papers", "--db", db, "--json"]).stdout)
    assert [p["file"] for p in listed] == ["paper.pdf"]

    shown = runner.invoke(app, ["show", "paper.pdf", "--db", db, "--json"])
    assert shown.exit_code == 0
    assert json.loads(shown.stdout)["paper"]["paper_id"] == listed[0]["paper_id"]

    out = tmp_path / "review"
    exported = runner.invoke(app, ["export", "--out", str(out), "--db", db])
    assert exported.exit_code == 0, exported.output
    for name, header in EXPECTED_HEADERS.items():
        with (out / name).open(encoding="utf-8") as fh:
            assert next(csv.reader(fh))[: header.count(",") + 1] == header.split(","), name
    with (out / "papers.csv").open(encoding="utf-8") as fh:
        assert [r["file"] for r in csv.DictReader(fh)] == ["paper.pdf"]

    errors = json.loads(runner.invoke(app, ["errors", "--db", db, "--json"]).stdout)
    assert [(Path(e["file"]).name, e["stage"]) for e in errors] == [("broken.pdf", "parse")]


def test_db_comes_from_the_environment(tmp_path: Path, paper_pdf: Path) -> None:
    db = tmp_path / "env.duckdb"
    result = runner.invoke(app, ["ingest", str(paper_pdf)], env={"LITEXTRACT_DB": str(db)})
    assert result.exit_code == 0, result.output
    assert db.exists()


def test_unchanged_reingest_says_so(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "a.pdf", ["A title line that is long enough\nbody"])
    db = str(tmp_path / "u.duckdb")
    runner.invoke(app, ["ingest", str(pdf), "--db", db])
    again = runner.invoke(app, ["ingest", str(pdf), "--db", db, "--json"])
    assert json.loads(again.stdout)["files"][0]["status"] == "unchanged"


def test_missing_path_and_missing_database_are_one_line_errors(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path / "nope"), "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 2 and "no such file" in result.output
    result = runner.invoke(app, ["papers", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1 and "no database yet" in result.output

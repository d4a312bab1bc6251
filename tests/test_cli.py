"""The command line, through typer's CliRunner, on real database files."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
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
    "models.csv": "paper_id,model,backbone,task,proposed,pretrained,mention,evidence_page,evidence_quote,verified",
    "results.csv": "paper_id,model,backbone,dataset,metric,value,as_printed,split,target,setting,source,proposed,"
    "headline,std,ci_low,ci_high,evidence_page,evidence_quote,verified",
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
    assert result.exit_code == 1 and "no database at" in result.output


IMPORTED_BY = """
import sys
from litextract.cli import app
try:
    app(sys.argv[1:], prog_name="litextract")
except SystemExit:
    pass
print(" ".join(sorted(sys.modules)))
"""


def modules_loaded_by(*args: str) -> set[str]:
    """The modules a fresh `litextract ARGS...` process has loaded when the command is done."""
    done = subprocess.run([sys.executable, "-c", IMPORTED_BY, *args], capture_output=True, text=True, check=True)
    return set(done.stdout.split("\n")[-2].split())


def test_commands_load_only_what_they_use(tmp_path: Path, paper_pdf: Path) -> None:
    """Start-up is imports: `--help` loads no part of the library, `papers` no parser, extractor or LLM client."""
    heavy = {"pydantic", "duckdb", "pymupdf", "rapidfuzz", "openai", "instructor", "streamlit", "lxml"}
    help_loaded = modules_loaded_by("--help")
    assert not heavy & help_loaded
    assert {m for m in help_loaded if m.startswith("litextract.")} == {"litextract.cli"}
    db = str(tmp_path / "s.duckdb")
    assert runner.invoke(app, ["ingest", str(paper_pdf), "--db", db]).exit_code == 0
    papers_loaded = modules_loaded_by("papers", "--db", db)
    assert {"duckdb", "pydantic"} <= papers_loaded
    assert not {"pymupdf", "rapidfuzz", "openai", "instructor", "streamlit", "lxml"} & papers_loaded
    assert not {"litextract.ingest", "litextract.extract", "litextract.parse"} & papers_loaded

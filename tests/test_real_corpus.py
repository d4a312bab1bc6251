"""The real papers of ../shared/corpus-real, end to end (skipped when that folder is absent)."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from litextract.cli import app
from litextract.document import Document
from litextract.grounding import THRESHOLD, quote_score
from litextract.store import connect, queries

from conftest import shared_path


def test_every_real_paper_is_stored_or_has_a_recorded_reason(real_corpus_db: Path) -> None:
    pdfs = {p.name for p in shared_path("corpus-real").glob("*.pdf")}
    with connect(real_corpus_db, read_only=True) as con:
        stored = {p["file"] for p in queries.papers(con)}
        failed = {Path(e["file"]).name for e in queries.errors(con)}
    assert pdfs == stored | failed
    assert len(stored) >= len(pdfs) - 2


def test_exported_evidence_is_on_the_cited_page(real_corpus_db: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["export", "--db", str(real_corpus_db), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    with (tmp_path / "paper_datasets.csv").open(encoding="utf-8") as fh:
        datasets = list(csv.DictReader(fh))
    with (tmp_path / "results.csv").open(encoding="utf-8") as fh:
        results = list(csv.DictReader(fh))
    assert {"ChestX-ray14", "LIDC-IDRI"} & {d["dataset"] for d in datasets}
    assert len({r["paper_id"] for r in results}) >= 10
    verified = [r for r in results if r["verified"] == "True"]
    assert len(verified) >= 0.8 * len(results)
    with connect(real_corpus_db, read_only=True) as con:
        for row in verified[:100]:  # a person finds the quote on the cited page
            stored = queries.document_json(con, row["paper_id"])
            assert stored is not None
            page = Document.model_validate_json(stored).page(int(row["evidence_page"]))
            assert page is not None and quote_score(row["evidence_quote"], page.text) >= THRESHOLD, row

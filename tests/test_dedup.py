"""Paper deduplication on real DuckDB files: works, the rules that must and must not merge, undo, the CLI."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from helpers import store_header as store
from typer.testing import CliRunner

from litextract import dedup
from litextract.cli import app
from litextract.dedup.papers import TITLE_THRESHOLD
from litextract.export import export
from litextract.ingest import ingest
from litextract.parse import make_parser
from litextract.records import Extraction, Paper
from litextract.settings import Settings
from litextract.store import connect, queries
from litextract.store.write import save_paper
from litextract.text import sha256

from conftest import PAPER_PAGES, shared_path, write_pdf

TITLE = "Deep Learning for Pancreas Segmentation in Abdominal CT"


def work_of(con: duckdb.DuckDBPyConnection, pid: str) -> str:
    found = con.execute("SELECT work_id FROM works WHERE paper_id = ?", [pid]).fetchone()
    return found[0] if found else pid


def test_preprint_and_published_version_become_one_work(tmp_path: Path) -> None:
    with connect(tmp_path / "d.duckdb") as con:
        pre = store(
            con,
            "preprint.pdf",
            title=TITLE,
            authors=["Jane Q. Smith", "Ali Khan"],
            year=2020,
            venue_type="preprint",
            arxiv_id="2003.01234v2",
        )
        pub = store(
            con,
            "published.pdf",
            title=TITLE.lower() + ".",
            authors=["Smith, Jane", "Khan, Ali"],
            year=2021,
            venue="Medical Image Analysis",
            venue_type="journal",
            doi="10.1016/j.media.2021.101999",
        )
        plan = dedup.dedupe(con)
        assert [(m.kind, m.canonical, sorted(m.members), m.rule) for m in plan.merges] == [
            ("paper", pub, sorted([pre, pub]), "title+author+year")
        ]
        assert plan.merges[0].score is not None and plan.merges[0].score >= TITLE_THRESHOLD
        assert work_of(con, pre) == work_of(con, pub) == pub
        listed = queries.papers(con)
        export(con, tmp_path / "review")
    with (tmp_path / "review" / "papers.csv").open(encoding="utf-8") as fh:
        csv_rows = list(csv.DictReader(fh))
    assert [(r["paper_id"], r["sources"]) for r in csv_rows] == [(pub, "/papers/preprint.pdf; /papers/published.pdf")]
    assert [p["paper_id"] for p in listed] == [pub]  # one row per work, the published metadata
    assert listed[0]["venue"] == "Medical Image Analysis"
    assert listed[0]["sources"] == ["/papers/preprint.pdf", "/papers/published.pdf"]


def test_a_second_run_changes_nothing(tmp_path: Path) -> None:
    with connect(tmp_path / "d.duckdb") as con:
        store(con, "a.pdf", title=TITLE, doi="10.1000/ABC")
        store(con, "b.pdf", title=TITLE, doi="https://doi.org/10.1000/abc")
        assert [m.rule for m in dedup.dedupe(con).merges] == ["doi"]
        assert dedup.dedupe(con).merges == []


def test_arxiv_versions_are_one_work(tmp_path: Path) -> None:
    with connect(tmp_path / "d.duckdb") as con:
        a = store(con, "v1.pdf", title="TransUNet", arxiv_id="2102.04306v1")
        b = store(con, "v3.pdf", title="TransUNet: Transformers Make Strong Encoders", arxiv_id="arXiv:2102.04306v3")
        merges = dedup.dedupe(con).merges
    assert [(m.rule, sorted(m.members)) for m in merges] == [("arxiv", sorted([a, b]))]


@pytest.mark.parametrize(
    ("first", "second", "reason"),
    [
        (  # same title, other first author
            {"title": TITLE, "authors": ["Jane Smith"], "year": 2021},
            {"title": TITLE, "authors": ["Wei Zhang"], "year": 2021},
            "different first authors",
        ),
        (  # a challenge report of another year
            {"title": "Results of the BraTS 2019 Brain Tumour Segmentation Challenge", "authors": ["B. Menze"]},
            {"title": "Results of the BraTS 2020 Brain Tumour Segmentation Challenge", "authors": ["B. Menze"]},
            "different numbers",
        ),
        (  # no authors to tell two identically titled papers apart
            {"title": "Paper Title (use style: paper title)", "year": 2020},
            {"title": "Paper Title (use style: paper title)", "year": 2020},
            "no first author",
        ),
        (  # same author and title, years apart: a sequel, not a version
            {"title": TITLE, "authors": ["Jane Smith"], "year": 2018},
            {"title": TITLE, "authors": ["Jane Smith"], "year": 2022},
            "too far apart",
        ),
        (  # a DOI picked up from a citation on page 1 of another paper
            {"title": "Reproducing a hybrid neuro-symbolic framework: an implementation study", "doi": "10.3389/x.1"},
            {"title": "Using domain adaptation and transfer learning in COVID-19 detection", "doi": "10.3389/X.1"},
            "titles differ",
        ),
    ],
)
def test_different_papers_that_look_alike_do_not_merge(
    tmp_path: Path, first: dict[str, object], second: dict[str, object], reason: str
) -> None:
    with connect(tmp_path / "d.duckdb") as con:
        store(con, "one.pdf", **first)
        store(con, "two.pdf", **second)
        plan = dedup.dedupe(con)
        assert plan.merges == []
        assert any(reason in s["reason"] for s in plan.skipped), plan.skipped
        assert len(queries.papers(con)) == 2


def test_similar_titles_from_the_same_author_stay_apart(tmp_path: Path) -> None:
    """TG-LMM (2024) and Med-VLM (2025), both by Zhao et al., share most of their title."""
    with connect(tmp_path / "d.duckdb") as con:
        store(
            con,
            "tglmm.pdf",
            authors=["Zhao"],
            year=2024,
            title="TG-LMM: Enhancing Medical Image Segmentation Accuracy through Text-Guided Large Multi-Modal Model",
        )
        store(
            con,
            "medvlm.pdf",
            authors=["Zhao"],
            year=2025,
            title="Med-VLM: Enhancing Medical Image Segmentation Accuracy through Vision-Language Model",
        )
        assert dedup.dedupe(con).merges == []


def test_undo_splits_the_work_and_is_not_redone(tmp_path: Path) -> None:
    with connect(tmp_path / "d.duckdb") as con:
        a = store(con, "a.pdf", title=TITLE, authors=["Jane Smith"], year=2020)
        b = store(con, "b.pdf", title=TITLE, authors=["Jane Smith"], year=2020, venue_type="journal")
        (merge,) = dedup.dedupe(con).merges
        assert merge.merge_id is not None
        undone = dedup.undo(con, merge.merge_id)
        assert undone["kind"] == "paper"
        assert work_of(con, a) == a and work_of(con, b) == b
        assert len(queries.papers(con)) == 2
        again = dedup.dedupe(con)
        assert again.merges == [] and again.skipped[0]["reason"] == "merge undone"
        with pytest.raises(dedup.DedupError, match="already undone"):
            dedup.undo(con, merge.merge_id)
        with pytest.raises(dedup.DedupError, match="no merge 99"):
            dedup.undo(con, 99)


def test_a_third_version_extends_the_work_and_undo_goes_in_order(tmp_path: Path) -> None:
    with connect(tmp_path / "d.duckdb") as con:
        a = store(con, "a.pdf", title=TITLE, doi="10.1/x")
        store(con, "b.pdf", title=TITLE, doi="10.1/x")
        (first,) = dedup.dedupe(con).merges
        c = store(con, "c.pdf", title=TITLE, doi="10.1/X", venue_type="journal")
        (second,) = dedup.dedupe(con).merges
        assert second.canonical == c and len(second.members) == 3
        assert work_of(con, a) == c
        with pytest.raises(dedup.DedupError, match=f"built on by merge {second.merge_id}"):
            dedup.undo(con, first.merge_id or 0)
        dedup.undo(con, second.merge_id or 0)
        assert work_of(con, a) == first.canonical and work_of(con, c) == c
        dedup.undo(con, first.merge_id or 0)
        assert con.execute("SELECT count(*) FROM works").fetchone() == (0,)


def test_a_reviewers_doi_edit_is_what_dedup_compares(tmp_path: Path) -> None:
    with connect(tmp_path / "d.duckdb") as con:
        a = store(con, "a.pdf", title=TITLE, doi="10.1/wrong")
        store(con, "b.pdf", title=TITLE, doi="10.1/right")
        assert dedup.dedupe(con).merges == []
        con.execute(
            "INSERT INTO paper_overrides (paper_id, fields, doi, review_status)"
            " VALUES (?, ['doi'], '10.1/right', 'edited')",
            [a],
        )
        assert [m.rule for m in dedup.dedupe(con).merges] == ["doi"]


def test_the_same_pdf_under_two_names_is_one_paper_with_both_files(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_pdf(folder / "paper.pdf", PAPER_PAGES)
    shutil.copy(folder / "paper.pdf", folder / "paper (1).pdf")
    summary = ingest([folder], settings)
    assert [o.status for o in summary.outcomes] == ["ingested", "unchanged"]
    with connect(settings.db, read_only=True) as con:
        listed = queries.papers(con)
    assert len(listed) == 1
    assert listed[0]["sources"] == [str(folder / "paper (1).pdf"), str(folder / "paper.pdf")]


def test_ingest_links_two_downloads_of_one_published_paper(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    body = (
        f"{TITLE}\nJane Smith, Ali Khan\nMedical Image Analysis 2021. https://doi.org/10.1016/j.media.2021.101999\n"
    )
    write_pdf(folder / "journal.pdf", [body + "Abstract. We segment the pancreas.", "Results"], title=TITLE)
    write_pdf(
        folder / "researchgate.pdf", ["Downloaded from ResearchGate on 2023-01-01\n" + body, "Results"], title=TITLE
    )
    summary = ingest([folder], settings)
    assert summary.count("ingested") == 2
    with connect(settings.db, read_only=True) as con:
        merges = dedup.history(con)
        listed = queries.papers(con)
    assert [(m["kind"], m["rule"], len(m["members"])) for m in merges] == [("paper", "doi", 2)]
    assert len(listed) == 1 and len(listed[0]["sources"]) == 2


def test_cli_dry_run_shows_then_dedupe_merges_and_undo_reverses(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    with connect(db) as con:
        store(con, "a.pdf", title=TITLE, doi="10.1/x")
        store(con, "b.pdf", title=TITLE, doi="10.1/x")
    runner = CliRunner()
    shown = runner.invoke(app, ["dedupe", "--dry-run", "--json", "--db", str(db)])
    assert shown.exit_code == 0, shown.output
    planned = json.loads(shown.stdout)
    assert planned["dry_run"] and [m["rule"] for m in planned["merges"]] == ["doi"]
    assert planned["merges"][0]["merge_id"] is None
    with connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM merges").fetchone() == (0,)
    done = json.loads(runner.invoke(app, ["dedupe", "--json", "--db", str(db)]).stdout)
    merge_id = done["merges"][0]["merge_id"]
    text = runner.invoke(app, ["dedupe", "--history", "--db", str(db)])
    assert "doi" in text.stdout and "1 merges" in text.stdout
    undone = runner.invoke(app, ["dedupe", "--undo", str(merge_id), "--db", str(db)])
    assert undone.exit_code == 0 and f"merge {merge_id}" in undone.stdout
    again = runner.invoke(app, ["dedupe", "--undo", str(merge_id), "--db", str(db)])
    assert again.exit_code == 1 and "already undone" in again.output


def test_real_paper_and_its_reproduction_report_stay_two_works(settings: Settings, tmp_path: Path) -> None:
    """Real headers (parsed, not extracted, to stay fast): a paper vs its reproduction, two papers of one group."""
    corpus = shared_path("corpus-real")
    parser = make_parser(settings)
    names = [
        "covid_ct_agca_frontiers2026.pdf",
        "covid_ct_agca_reproduction_report.pdf",
        "tglmm_zhao2024.pdf",
        "medvlm_zhao2025.pdf",
    ]
    with connect(settings.db) as con:
        for name in names:
            data = (corpus / name).read_bytes()
            doc = parser.parse(corpus / name, data, sha256(data))
            h = doc.header
            paper = Paper(
                title=h.title, authors=h.authors, year=h.year, venue=h.venue, doi=h.doi, arxiv_id=h.arxiv_id
            )
            save_paper(con, doc, Extraction(paper=paper))
        plan = dedup.dedupe(con)
        assert plan.merges == []
        assert len(queries.papers(con)) == 4

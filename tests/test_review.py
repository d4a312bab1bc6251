"""Review actions: stored with an audit trail, kept through a forced re-ingest and through a concurrent one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import CHEST_TITLE, build_sample_db

from litextract.ingest import ingest
from litextract.settings import Settings
from litextract.store import connect, decisions, queries


def record_ids(db: Path) -> dict[str, str]:
    """Record id by a readable name: 'dataset ChestX-ray14', 'model CheXNet', 'result PancNet hd95', ..."""
    with connect(db, read_only=True) as con:
        out = {f"dataset {r['name']}|{r['paper_id']}": r["record_id"] for r in queries.datasets(con)}
        out |= {f"model {r['name']}": r["record_id"] for r in queries.models(con)}
        out |= {f"result {r['model']} {r['metric']}": r["record_id"] for r in queries.results(con)}
    return out


def test_accept_edit_reject_update_the_record_and_write_an_audit_row(tmp_path: Path) -> None:
    db, ids = build_sample_db(tmp_path)
    rid = record_ids(db)
    with connect(db) as con:
        decisions.accept(con, "model", rid["model CheXNet"], "ada")
        decisions.edit(con, "result", rid["result UNet++ dice"], {"value": "0.832", "as_printed": "0.832"}, "bo")
        decisions.reject(con, "result", rid["result PancNet hd95"], "ada")
    with connect(db, read_only=True) as con:
        model = queries.record(con, "model", rid["model CheXNet"])
        edited = queries.record(con, "result", rid["result UNet++ dice"])
        live = [r["record_id"] for r in queries.results(con)]
        audit = list(reversed(queries.reviews(con)))
    assert model is not None and model["review_status"] == "accepted" and model["backbone"] == "DenseNet-121"
    assert edited is not None and (edited["value"], edited["as_printed"], edited["review_status"]) == (
        0.832,
        "0.832",
        "edited",
    )
    assert rid["result PancNet hd95"] not in live and rid["result UNet++ dice"] in live
    assert [(a["kind"], a["action"], a["reviewer"], a["paper_id"]) for a in audit] == [
        ("model", "accept", "ada", ids["chest"]),
        ("result", "edit", "bo", ids["chest"]),
        ("result", "reject", "ada", ids["pancreas"]),
    ]
    assert json.loads(audit[1]["old_value"]) == {"value": 0.823, "as_printed": "0.823", "review_status": None}
    assert json.loads(audit[1]["new_value"]) == {"value": 0.832, "as_printed": "0.832", "review_status": "edited"}
    assert audit[0]["reviewed_at"] is not None


def test_refused_actions_say_why_and_change_nothing(tmp_path: Path) -> None:
    db, ids = build_sample_db(tmp_path)
    rid = record_ids(db)
    with connect(db) as con:
        with pytest.raises(decisions.ReviewError, match="'value': Input should be a valid number"):
            decisions.edit(con, "result", rid["result CheXNet auc"], {"value": "high"}, "ada")
        with pytest.raises(decisions.ReviewError, match="'evidence_quote' cannot be edited"):
            decisions.edit(con, "result", rid["result CheXNet auc"], {"evidence_quote": "x"}, "ada")
        with pytest.raises(decisions.ReviewError, match="nothing to change"):
            decisions.edit(con, "model", rid["model CheXNet"], {"backbone": "DenseNet-121"}, "ada")
        with pytest.raises(decisions.ReviewError, match="no dataset with record id nope"):
            decisions.accept(con, "dataset", "nope", "ada")
        with pytest.raises(decisions.ReviewError, match="cannot be rejected"):
            decisions.reject(con, "paper", ids["chest"], "ada")
        assert queries.reviews(con) == []
        assert con.execute("SELECT count(*) FROM results WHERE review_status IS NOT NULL").fetchone() == (0,)


def test_paper_header_edits_apply_in_the_read_layer(tmp_path: Path) -> None:
    db, ids = build_sample_db(tmp_path)
    with connect(db) as con:
        decisions.edit(con, "paper", ids["chest"], {"year": "2022", "authors": "C. Author; D. Second"}, "ada")
        decisions.accept(con, "paper", ids["pancreas"], "ada")
    with connect(db, read_only=True) as con:
        chest = queries.paper(con, ids["chest"])
        pancreas = queries.paper(con, ids["pancreas"])
        by_year = queries.filter_papers(con, year_min=2022, year_max=2022)
    assert chest is not None and (chest["year"], chest["authors"], chest["title"]) == (
        2022,
        ["C. Author", "D. Second"],
        CHEST_TITLE,
    )
    assert chest["review_status"] == "edited" and chest["reviewed_fields"] == ["authors", "year"]
    assert pancreas is not None and pancreas["review_status"] == "accepted" and "venue" in pancreas["reviewed_fields"]
    assert [p["paper_id"] for p in by_year] == [ids["chest"]]


def test_reviews_survive_a_forced_reingest(tmp_path: Path) -> None:
    db, ids = build_sample_db(tmp_path)
    rid = record_ids(db)
    with connect(db) as con:
        chest_x = rid[f"dataset ChestX-ray14|{ids['chest']}"]
        decisions.edit(con, "dataset", chest_x, {"size_text": "112,120 images"}, "a")
        decisions.reject(con, "result", rid["result PancNet hd95"], "a")
        decisions.accept(con, "model", rid["model PancNet"], "a")
        decisions.edit(con, "paper", ids["chest"], {"venue": "MICCAI Workshops"}, "a")
    summary = ingest([tmp_path / "chest.pdf", tmp_path / "pancreas.pdf"], Settings(db=db), force=True)
    assert [o.status for o in summary.outcomes] == ["ingested", "ingested"]
    with connect(db, read_only=True) as con:
        dataset = queries.record(con, "dataset", rid[f"dataset ChestX-ray14|{ids['chest']}"])
        rejected = queries.record(con, "result", rid["result PancNet hd95"])
        model = queries.record(con, "model", rid["model PancNet"])
        chest = queries.paper(con, ids["chest"])
        live = {r["record_id"] for r in queries.results(con)}
        n_reviews = len(queries.reviews(con))
    assert dataset is not None and (dataset["size_text"], dataset["review_status"]) == ("112,120 images", "edited")
    assert rejected is not None and rejected["review_status"] == "rejected" and rejected["record_id"] not in live
    assert model is not None and (model["review_status"], model["backbone"]) == ("accepted", "ResNet-50")
    assert chest is not None and chest["venue"] == "MICCAI Workshops"
    assert n_reviews == 4


REEXTRACT_LOOP = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from helpers import chest_extraction, pancreas_extraction
from litextract.grounding import ground
from litextract.parse.pymupdf_parser import PyMuPDFParser
from litextract.store import connect
from litextract.store.write import save_paper
from litextract.text import sha256
db, folder, reviewed = Path(sys.argv[1]), Path(sys.argv[3]), Path(sys.argv[4])
n = 0
while True:  # until one whole round has stored both papers after the reviewer said they were done
    last = reviewed.exists()
    for name, extraction in (("pancreas.pdf", pancreas_extraction()), ("chest.pdf", chest_extraction())):
        data = (folder / name).read_bytes()
        doc = PyMuPDFParser(tables=False).parse(folder / name, data, sha256(data))
        with connect(db) as con:  # one short write spell per paper, as `litextract ingest` does
            save_paper(con, doc, ground(extraction, doc))
    print("round", n, flush=True)
    n += 1
    if last:
        break
"""


def test_review_actions_while_papers_are_reextracted_are_neither_lost_nor_blocked(tmp_path: Path) -> None:
    """Another process stores both papers again and again (as an ingest --force would) while every review is
    written from this one, and once more after the last: the two take turns on the database file and every
    review that was made stays."""
    db, _ = build_sample_db(tmp_path)
    reviewed = tmp_path / "reviewed"
    tests = str(Path(__file__).parent)
    proc = subprocess.Popen(
        [sys.executable, "-c", REEXTRACT_LOOP, str(db), tests, str(tmp_path), str(reviewed)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "round 0\n"  # the writer is under way
    done: dict[str, tuple[str, str]] = {}
    while True:
        with connect(db, read_only=True) as con:
            todo = [q for q in queries.review_queue(con, limit=100) if q["record_id"] not in done]
        if not todo:
            break
        item = todo[0]
        action = ("accept", "reject")[len(done) % 2]
        with connect(db) as con:
            getattr(decisions, action)(con, item["kind"], item["record_id"], "ada")
        done[item["record_id"]] = (item["kind"], f"{action}ed")
        assert proc.poll() is None  # the writer keeps storing until told the reviews are done
    reviewed.touch()
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, out
    assert done, "nothing to review"
    with connect(db, read_only=True) as con:
        stored = {rid: queries.record(con, kind, rid) or {} for rid, (kind, _) in done.items()}
        audit = queries.reviews(con, limit=10_000)
    assert {rid: row.get("review_status") for rid, row in stored.items()} == {r: s for r, (_, s) in done.items()}
    assert len(audit) == len(done)

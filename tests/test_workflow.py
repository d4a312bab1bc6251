"""The review workflow through the CLI on real database files: screening with reasons, PRISMA counts, two reviewers,
their conflicts and agreement (Cohen's kappa against a hand-computed example), custom fields, and that no decision
is lost to a migration or a re-run."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from helpers import build_sample_db, store_header
from typer.testing import CliRunner

from litextract import dedup, prisma
from litextract.agreement import cohen_kappa
from litextract.cli import app
from litextract.ingest import ingest
from litextract.protocol import Protocol
from litextract.settings import Settings
from litextract.store import connect, decisions, queries

runner = CliRunner()
DUAL = {"LITEXTRACT_REVIEWERS_REQUIRED": "2"}
FIELDS = json.dumps(
    [
        {"name": "external_validation", "type": "bool", "help": "validated on data from another site?"},
        {"name": "code", "type": "choice", "values": ["yes", "no", "on request"]},
    ]
)


def cli(db: Path, *args: str, env: dict[str, str] | None = None, input: str | None = None) -> Any:
    result = runner.invoke(app, [*args, "--db", str(db)], env=env, input=input)
    return result


def ok(db: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    result = cli(db, *args, env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if "--json" in args else result.stdout


def library(tmp_path: Path, n: int) -> tuple[Path, list[str]]:
    """A database of `n` papers (headers only) named p01.pdf, p02.pdf, ...; returns it and their ids."""
    db = tmp_path / "review.duckdb"
    with connect(db) as con:
        ids = [store_header(con, f"p{i:02}.pdf", title=f"Paper {i}", year=2020 + i % 4) for i in range(1, n + 1)]
    return db, ids


def test_screening_decisions_with_reasons_stages_and_refusals(tmp_path: Path) -> None:
    db, ids = build_sample_db(tmp_path)
    done = ok(db, "screen", "pancreas.pdf", "--exclude", "Not Medical Imaging", "--reviewer", "ada", "--json")
    assert done["decision"] == "exclude" and done["reason"] == "not medical imaging"  # the protocol's spelling
    assert [(p["file"], p["changed"]) for p in done["papers"]] == [("pancreas.pdf", True)]
    again = ok(db, "screen", ids["pancreas"], "--exclude", "not medical imaging", "--reviewer", "ada", "--json")
    assert again["papers"][0]["changed"] is False  # the same decision again writes nothing
    ok(db, "screen", "chest.pdf", "--include", "--reviewer", "ada")
    ok(db, "screen", "chest.pdf", "--exclude", "no quantitative results", "--stage", "full-text", "--reviewer", "ada")

    refused = cli(db, "screen", "chest.pdf", "--exclude", "too long")
    assert refused.exit_code == 2 and "'too long' is not in exclusion_reasons: not deep learning" in refused.output
    assert "give one decision" in cli(db, "screen", "chest.pdf", "--include", "--maybe").output
    assert "no single paper matches" in cli(db, "screen", "nope.pdf", "--include").output
    assert "stage 'title'" in cli(db, "screen", "chest.pdf", "--include", "--stage", "title").output
    custom = cli(
        db, "screen", "chest.pdf", "--exclude", "case report", env={"LITEXTRACT_EXCLUSION_REASONS": '["case report"]'}
    )
    assert custom.exit_code == 0, custom.output

    with connect(db, read_only=True) as con:
        audit = [(r["kind"], r["action"], r["reviewer"]) for r in reversed(queries.reviews(con))]
    assert audit == [
        ("screening", "exclude", "ada"),
        ("screening", "include", "ada"),
        ("screening", "exclude", "ada"),
        ("screening", "exclude", "reviewer"),
    ]


def test_bulk_screening_of_flagged_papers_asks_first(tmp_path: Path) -> None:
    db, ids = library(tmp_path, 3)
    with connect(db) as con:  # the extractor's flags: a hint, never a decision
        con.execute("UPDATE papers SET uses_medical_imaging = FALSE WHERE file IN ('p01.pdf', 'p03.pdf')")
    declined = cli(db, "screen", "--flagged", "not-medical-imaging", "--exclude", "not medical imaging", input="n\n")
    assert declined.exit_code == 1 and "p01.pdf" in declined.output and "nothing decided" in declined.output
    assert ok(db, "prisma", "--json")["excluded_abstract"] == 0
    done = cli(db, "screen", "--flagged", "not-medical-imaging", "--exclude", "not medical imaging", input="y\n")
    assert done.exit_code == 0, done.output
    counts = ok(db, "prisma", "--json")
    assert counts["excluded_abstract_reasons"] == {"not medical imaging": 2}
    assert sorted(counts["boxes"]["excluded_abstract"]) == sorted([ids[0], ids[2]])
    assert (
        "no paper is flagged not-deep-learning"
        in cli(db, "screen", "--flagged", "not-deep-learning", "--maybe").output
    )


def test_prisma_counts_put_every_record_in_exactly_one_box(tmp_path: Path) -> None:
    db, ids = library(tmp_path, 9)
    with connect(db) as con:  # two more versions of papers 1 and 2 (same DOI): duplicates once deduplicated
        con.execute("UPDATE papers SET doi = '10.1000/one' WHERE file = 'p01.pdf'")
        con.execute("UPDATE papers SET doi = '10.1000/two' WHERE file = 'p02.pdf'")
        store_header(con, "p01-again.pdf", title="Paper 1", year=2021, doi="10.1000/ONE")
        store_header(con, "p02-preprint.pdf", title="Paper 2", year=2022, doi="10.1000/two", venue_type="preprint")
        dedup.dedupe(con, papers_only=True)
    decide = [
        ("p01.pdf", "abstract", "--include"),
        ("p01.pdf", "full-text", "--include"),
        ("p02.pdf", "abstract", "--include"),
        ("p02.pdf", "full-text", "--exclude=no quantitative results"),
        ("p03.pdf", "abstract", "--exclude=not deep learning"),
        ("p04.pdf", "abstract", "--exclude=not deep learning"),
        ("p05.pdf", "abstract", "--exclude=not primary research"),
        ("p06.pdf", "abstract", "--maybe"),
        ("p07.pdf", "abstract", "--include"),  # not assessed at full text yet
        ("p08.pdf", "full-text", "--include"),  # assessed at full text: it passed title/abstract
    ]  # p09.pdf: nobody screened it
    for file, stage, flag in decide:
        ok(db, "screen", file, flag, "--stage", stage)
    svg = tmp_path / "flow.svg"
    counts = ok(db, "prisma", "--json", "--svg", str(svg))
    boxes = counts.pop("boxes")
    with connect(db, read_only=True) as con:
        stored = [r[0] for r in con.execute("SELECT paper_id FROM papers").fetchall()]
    placed = [pid for box in boxes.values() for pid in box]
    assert sorted(placed) == sorted(stored)  # every record in exactly one box
    assert counts == {
        "identified": 11,
        "identified_by_source": {"PDF files": 11},
        "duplicates_removed": 2,
        "screened": 9,
        "excluded_abstract": 3,
        "excluded_abstract_reasons": {"not deep learning": 2, "not primary research": 1},
        "awaiting_screening": 2,
        "sought_for_retrieval": 4,
        "not_retrieved": 0,
        "assessed_for_eligibility": 4,
        "excluded_full_text": 1,
        "excluded_full_text_reasons": {"no quantitative results": 1},
        "awaiting_assessment": 1,
        "included": 2,
    }
    assert sorted(boxes["included"]) == sorted([ids[0], ids[7]]) and boxes["awaiting_abstract"] == sorted(
        [ids[5], ids[8]]
    )
    root = ET.fromstring(svg.read_text(encoding="utf-8"))  # a well-formed SVG document
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    for line in ("Records screened (n = 9)", "Duplicate records removed (n = 2)", "not deep learning (n = 2)",
                 "Studies included in review (n = 2)", "Reports excluded (n = 1)"):  # fmt: skip
        assert line in texts, line
    table = ok(db, "prisma")
    assert "Records awaiting screening" in table and max(len(line) for line in table.splitlines()) <= 80


def test_prisma_counts_library_entries_and_reports_not_retrieved(tmp_path: Path) -> None:
    db, ids = library(tmp_path, 3)
    with connect(db) as con:  # a reference-manager library imported with `ingest --library` (migration 011)
        con.execute(
            "CREATE TABLE IF NOT EXISTS library_entries (library VARCHAR NOT NULL, entry INTEGER NOT NULL,"
            " status VARCHAR NOT NULL, paper_id VARCHAR, PRIMARY KEY (library, entry))"
        )
        con.execute(
            "INSERT INTO library_entries (library, entry, status, paper_id) VALUES"
            " ('/lib.bib', 1, 'ingested', ?), ('/lib.bib', 2, 'duplicate', ?),"
            " ('/lib.bib', 3, 'no attachment', NULL), ('/lib.bib', 4, 'attachment missing', NULL)",
            [ids[0], ids[0]],
        )
    ok(db, "screen", "p01.pdf", "--include")
    ok(db, "screen", "p01.pdf", "--include", "--stage", "full-text")
    ok(db, "screen", "p02.pdf", "--exclude", "other")
    counts = ok(db, "prisma", "--json")
    boxes = counts.pop("boxes")
    assert counts["identified_by_source"] == {"PDF files": 2, "library entries": 4}
    assert (counts["identified"], counts["duplicates_removed"], counts["screened"]) == (6, 1, 5)
    assert (counts["sought_for_retrieval"], counts["not_retrieved"], counts["included"]) == (3, 2, 1)
    assert boxes["included"] == ["/lib.bib#1"] and boxes["duplicates"] == ["/lib.bib#2"]  # the entry is the record
    assert sorted(boxes["not_retrieved"]) == ["/lib.bib#3", "/lib.bib#4"]
    assert sorted(r for box in boxes.values() for r in box) == sorted(
        ["/lib.bib#1", "/lib.bib#2", "/lib.bib#3", "/lib.bib#4", ids[1], ids[2]]
    )


def test_kappa_matches_a_hand_computed_example() -> None:
    # 10 papers, include / exclude / maybe. Agreement on papers 1, 3, 4, 5, 7, 8, 10: p_o = 7/10.
    # Reviewer A: I 4, E 3, M 3; reviewer B: I 4, E 5, M 1 (of 10).
    # p_e = 0.4*0.4 + 0.3*0.5 + 0.3*0.1 = 0.34; kappa = (0.7 - 0.34) / (1 - 0.34) = 0.36 / 0.66 = 6/11.
    a = ["I", "I", "E", "E", "M", "M", "I", "E", "M", "I"]
    b = ["I", "E", "E", "E", "M", "I", "I", "E", "E", "I"]
    assert cohen_kappa(a, b) == pytest.approx(6 / 11)
    # two categories: p_o = 0.7, p_e = 0.6*0.5 + 0.4*0.5 = 0.5, kappa = 0.4
    assert cohen_kappa(list("IIIIIIEEEE"), list("IIIIEEEEEI")) == pytest.approx(0.4)
    assert cohen_kappa(["I", "I"], ["I", "I"]) is None  # chance alone agrees fully: undefined
    assert cohen_kappa([], []) is None
    sklearn = pytest.importorskip("sklearn.metrics")  # a second reference when scikit-learn is installed
    assert cohen_kappa(a, b) == pytest.approx(sklearn.cohen_kappa_score(a, b))


def test_two_reviewers_agreement_conflicts_and_consensus_through_the_cli(tmp_path: Path) -> None:
    db, ids = library(tmp_path, 10)
    a = ["I", "I", "E", "E", "M", "M", "I", "E", "M", "I"]  # the hand-computed example above
    b = ["I", "E", "E", "E", "M", "I", "I", "E", "E", "I"]
    flag = {"I": "--include", "E": "--exclude=not deep learning", "M": "--maybe"}
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        ok(db, "screen", ids[i], flag[x], "--reviewer", "ada", env=DUAL)
        ok(db, "screen", ids[i], flag[y], "--reviewer", "bo", env=DUAL)
    found = ok(db, "agreement", "--json", env=DUAL)
    abstract = next(m for m in found["measures"] if m["measure"] == "abstract screening")
    assert abstract == {"measure": "abstract screening", "reviewers": "ada / bo", "n": 10, "agreement": 70.0,
                        "kappa": round(6 / 11, 3)}  # fmt: skip
    conflicts = {c["id"]: c for c in found["conflicts"]}
    assert len(conflicts) == 3 and all(c["what"] == "abstract screening" for c in conflicts.values())
    second = f"abstract/{ids[1][:8]}"
    assert conflicts[second]["decisions"] == "ada: include; bo: exclude (not deep learning)"
    counts = ok(db, "prisma", "--json", env=DUAL)
    assert (counts["excluded_abstract"], counts["awaiting_screening"], counts["sought_for_retrieval"]) == (3, 4, 3)

    refused = cli(db, "resolve", second, "--adopt", "cy", env=DUAL)
    assert refused.exit_code == 1 and "'cy' did not decide it (reviewers: ada, bo)" in refused.output
    ok(db, "resolve", second, "--adopt", "bo", "--reviewer", "cy", env=DUAL)
    ok(db, "screen", ids[5], "--include", "--consensus", "--reviewer", "cy", env=DUAL)
    after = ok(db, "agreement", "--json", env=DUAL)
    assert len(after["conflicts"]) == 1 and after["measures"][0]["kappa"] == round(6 / 11, 3)  # consensus apart
    counts = ok(db, "prisma", "--json", env=DUAL)
    assert (counts["excluded_abstract"], counts["awaiting_screening"], counts["sought_for_retrieval"]) == (4, 2, 4)
    out = tmp_path / "export"
    ok(db, "export", "--out", str(out), env=DUAL)
    with (out / "papers.csv").open(encoding="utf-8") as fh:
        by_file = {r["file"]: r for r in csv.DictReader(fh)}
    assert (by_file["p02.pdf"]["abstract_screening"], by_file["p02.pdf"]["abstract_screening_by"]) == (
        "exclude",
        "consensus: cy",
    )
    assert by_file["p02.pdf"]["abstract_screening_reason"] == "not deep learning"
    assert (by_file["p01.pdf"]["abstract_screening"], by_file["p01.pdf"]["abstract_screening_by"]) == (
        "include",
        "ada; bo",
    )
    assert by_file["p09.pdf"]["abstract_screening"] == "conflict"  # ada: maybe, bo: exclude


def test_custom_fields_are_filled_exported_and_counted_in_agreement(tmp_path: Path) -> None:
    db, ids = library(tmp_path, 3)
    env = {"LITEXTRACT_FIELDS": FIELDS, **DUAL}
    for i, (ada, bo) in enumerate([("yes", "yes"), ("no", "yes"), ("yes", "yes")]):
        ok(db, "field", ids[i], "external_validation", ada, "--reviewer", "ada", env=env)
        ok(db, "field", ids[i], "external_validation", bo, "--reviewer", "bo", env=env)
    ok(db, "field", "p01.pdf", "code", "On Request", "--reviewer", "ada", env=env)
    assert "not one of yes, no, on request" in cli(db, "field", "p01.pdf", "code", "maybe", env=env).output
    assert (
        "'true-ish' is not yes or no"
        in cli(db, "field", "p01.pdf", "external_validation", "true-ish", env=env).output
    )
    assert "no extraction field 'licence'" in cli(db, "field", "p01.pdf", "licence", "MIT", env=env).output
    bad = cli(db, "prisma", env={"LITEXTRACT_FIELDS": '[{"name": "Has Code", "type": "bool"}]'})
    assert bad.exit_code == 2 and "setting fields.0.name" in bad.output
    taken = cli(db, "prisma", env={"LITEXTRACT_FIELDS": '[{"name": "year", "type": "number"}]'})
    assert taken.exit_code == 2 and "'year' is a column of papers.csv already" in taken.output

    found = ok(db, "agreement", "--json", env=env)
    measure = next(m for m in found["measures"] if m["measure"] == "field external_validation")
    # 3 papers, agreement on 2; ada yes 2 no 1, bo yes 3: p_e = 2/3, kappa = (2/3 - 2/3) / (1/3) = 0
    assert (measure["n"], measure["agreement"], measure["kappa"]) == (3, 66.7, 0.0)
    assert [c["id"] for c in found["conflicts"]] == [f"field:external_validation/{ids[1][:8]}"]
    ok(db, "resolve", f"field:external_validation/{ids[1][:8]}", "--adopt", "ada", "--reviewer", "cy", env=env)
    out = tmp_path / "export"
    ok(db, "export", "--out", str(out), env=env)
    with (out / "papers.csv").open(encoding="utf-8") as fh:
        by_file = {r["file"]: r for r in csv.DictReader(fh)}
    assert [by_file[f]["external_validation"] for f in ("p01.pdf", "p02.pdf", "p03.pdf")] == ["True", "False", "True"]
    assert by_file["p02.pdf"]["external_validation_by"] == "consensus: cy"
    assert by_file["p01.pdf"]["code"] == "" and by_file["p01.pdf"]["code_by"] == ""  # one of two reviewers so far


def test_value_decisions_of_two_reviewers_settle_conflict_and_stay_blind(tmp_path: Path) -> None:
    db, _ = build_sample_db(tmp_path)
    dual, blind = Protocol(reviewers_required=2), Protocol(blind=True)
    with connect(db, read_only=True) as con:
        rid = {f"{r['model']} {r['metric']}": r["record_id"] for r in queries.results(con)}
    unet, chexnet = rid["UNet++ dice"], rid["CheXNet auc"]
    with connect(db) as con:
        decisions.edit(con, "result", unet, {"value": "0.832"}, "ada", protocol=dual)
        row = queries.record(con, "result", unet) or {}
        assert (row["value"], row["review_status"]) == (0.823, None)  # one of two reviewers: nothing settled
        assert decisions.others(con, "result", unet, "bo", blind) == []  # blind: bo does not see ada's edit
        assert decisions.others(con, "result", unet, "bo", dual) == ["ada: edit value=0.832"]
        queue = [q["record_id"] for q in queries.review_queue(con, reviewer="bo", dual=True, limit=100)]
        assert unet in queue and unet not in [
            q["record_id"] for q in queries.review_queue(con, reviewer="ada", dual=True, limit=100)
        ]
        decisions.edit(con, "result", unet, {"value": 0.832}, "bo", protocol=dual)  # the same correction
        row = queries.record(con, "result", unet) or {}
        assert (row["value"], row["review_status"]) == (0.832, "edited")
        assert decisions.others(con, "result", unet, "bo", blind) == ["ada: edit value=0.832"]  # both decided

        decisions.accept(con, "result", chexnet, "ada", protocol=dual)
        decisions.reject(con, "result", chexnet, "bo", protocol=dual)
        assert (queries.record(con, "result", chexnet) or {})["review_status"] is None  # a conflict
    found = ok(db, "agreement", "--json", env=DUAL)
    assert [(c["what"], c["decisions"]) for c in found["conflicts"]] == [
        ("result: CheXNet · ChestX-ray14 · auc 0.841", "ada: accept; bo: reject")
    ]
    result = next(m for m in found["measures"] if m["measure"] == "result")
    assert (result["n"], result["agreement"]) == (2, 50.0)
    ok(db, "resolve", found["conflicts"][0]["id"], "--adopt", "bo", "--reviewer", "cy", env=DUAL)
    with connect(db, read_only=True) as con:
        assert (queries.record(con, "result", chexnet) or {})["review_status"] == "rejected"
        assert chexnet not in [r["record_id"] for r in queries.results(con)]
        audit = queries.reviews(con)
    assert json.loads(audit[0]["new_value"]) == {"review_status": "rejected", "consensus": True}
    out = tmp_path / "export"
    ok(db, "export", "--out", str(out), env=DUAL)
    with (out / "results.csv").open(encoding="utf-8") as fh:
        by_model = {r["model"]: r for r in csv.DictReader(fh)}
    assert (by_model["UNet++"]["value"], by_model["UNet++"]["decided_by"]) == ("0.832", "ada; bo")
    assert "CheXNet" not in by_model


def test_decisions_survive_a_forced_reingest_even_before_they_settle(tmp_path: Path) -> None:
    db, ids = build_sample_db(tmp_path)
    dual = Protocol(reviewers_required=2)
    with connect(db) as con:
        hd95 = next(r["record_id"] for r in queries.results(con) if r["metric"] == "hd95")
        decisions.reject(con, "result", hd95, "ada", protocol=dual)  # not settled: review_status stays empty
        from litextract.store import screening

        screening.screen(con, [ids["chest"]], "abstract", "exclude", "ada", reason="duplicate", protocol=dual)
        before = decisions.load(con)
    # the extractor of a re-run no longer finds the hd95 value: the record a reviewer decided on stays
    summary = ingest([tmp_path / "pancreas.pdf", tmp_path / "chest.pdf"], Settings(db=db), force=True)
    assert [o.status for o in summary.outcomes] == ["ingested", "ingested"]
    with connect(db, read_only=True) as con:
        assert decisions.load(con) == before
        assert queries.record(con, "result", hd95) is not None


def test_migration_012_keeps_every_decision_made_before_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import litextract.store as store

    db = tmp_path / "old.duckdb"
    newest = [m for m in store.migrations() if m[0] < 12]
    with monkeypatch.context() as older:  # the database as litextract before migration 012 left it
        older.setattr(store, "migrations", lambda: newest)
        with connect(db) as con:
            pid = store_header(con, "old.pdf", title="Old paper", year=2019)
            con.execute(
                "INSERT INTO models (record_id, paper_id, name, backbone, review_status) VALUES"
                " ('m1', ?, 'Net', 'ResNet-18', 'edited'), ('m2', ?, 'Other', NULL, 'rejected'),"
                " ('m3', ?, 'Third', NULL, NULL)",
                [pid, pid, pid],
            )
            con.execute(
                "INSERT INTO reviews (kind, record_id, paper_id, action, old_value, new_value, reviewer) VALUES"
                " ('model', 'm1', ?, 'edit', '{}', '{\"backbone\": \"ResNet-18\", \"review_status\": \"edited\"}',"
                " 'ada'), ('model', 'm2', ?, 'reject', '{}', '{}', 'bo')",
                [pid, pid],
            )
            con.execute(
                "INSERT INTO paper_overrides (paper_id, fields, year, review_status, reviewer)"
                " VALUES (?, ['year'], 2018, 'edited', 'cy')",
                [pid],
            )
    assert cli(db, "migrate").exit_code == 0
    with connect(db, read_only=True) as con:
        found = {d.item_id: d for d in decisions.load(con)}
        model = queries.record(con, "model", "m1") or {}
    assert sorted(found) == sorted(["m1", "m2", pid])
    header = found[pid]
    assert (header.subject, header.reviewer, header.decision, header.changed) == ("paper", "cy", "edit", ("year",))
    assert header.value["year"] == 2018 and header.value["title"] == "Old paper"
    assert (found["m1"].reviewer, found["m1"].decision, found["m1"].changed) == ("ada", "edit", ("backbone",))
    assert found["m1"].value["backbone"] == "ResNet-18" and (model["backbone"], model["review_status"]) == (
        "ResNet-18",
        "edited",
    )
    assert (found["m2"].reviewer, found["m2"].decision, found["m2"].value) == ("bo", "reject", None)


def test_prisma_svg_escapes_reasons(tmp_path: Path) -> None:
    counts = prisma.Flow().counts() | {"excluded_abstract_reasons": {"<script>x</script> & more": 1}}
    root = ET.fromstring(prisma.svg(counts))
    assert any("<script>x</script> & more" in (t.text or "") for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert not list(root.iter("{http://www.w3.org/2000/svg}script"))

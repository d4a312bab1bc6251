"""Entity names and records on real DuckDB files: canonical names, collapsed duplicates, aliases, undo, reviews."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from litextract import dedup
from litextract.cli import app
from litextract.collapse import collapse
from litextract.document import Document, Page
from litextract.records import Dataset, Evidence, Extraction, ExtraEvidence, Model, Paper, Result, record_key
from litextract.store import connect, queries
from litextract.store.write import save_paper

SPELLINGS = ["MSD Task07", "Medical Segmentation Decathlon pancreas", "Decathlon Pancreas"]


def ev(page: int, quote: str = "quote", verified: bool = True) -> Evidence:
    return Evidence(page=page, quote=quote, verified=verified)


def store(
    con: duckdb.DuckDBPyConnection, file: str, extraction: Extraction, extra: Sequence[ExtraEvidence] = ()
) -> str:
    """Save `extraction` as written (no normalisation), as an older ingest or another extractor would have."""
    sha = hashlib.sha256(file.encode()).hexdigest()
    doc = Document(file=file, path=f"/p/{file}", sha256=sha, n_pages=3, pages=[Page(number=1, text="x")])
    return save_paper(con, doc, extraction, extra)


def names(con: duckdb.DuckDBPyConnection, pid: str) -> list[tuple[str, str | None]]:
    return [(r["name"], r["mention"]) for r in queries.datasets(con, pid)]


def test_collapse_keeps_one_record_and_every_evidence() -> None:
    r = dict(model="Ours", dataset="MSD Pancreas", metric="dice", value=0.81, as_printed="81.0")
    extraction = Extraction(
        datasets=[
            Dataset(name="MSD Pancreas", mention="MSD Task07", evidence=ev(2, verified=False)),
            Dataset(
                name="MSD Pancreas",
                mention="Decathlon Pancreas",
                modality="CT",
                tasks=["segmentation"],
                evidence=ev(3),
            ),
        ],
        models=[
            Model(name="Ours", evidence=ev(2)),
            Model(name="ours", backbone="U-Net", proposed=True, evidence=ev(4)),
        ],
        results=[Result(**r, evidence=ev(5)), Result(**r, evidence=ev(7, "Table 3"))],
    )
    out = collapse(extraction)
    (d,) = out.extraction.datasets
    assert (d.mention, d.evidence.page, d.modality, d.tasks) == ("Decathlon Pancreas", 3, "CT", ["segmentation"])
    (m,) = out.extraction.models
    assert (m.name, m.backbone, m.proposed) == ("Ours", "U-Net", True)
    (res,) = out.extraction.results
    assert res.evidence.page == 5
    assert sorted((x.kind, x.evidence.page, x.mention) for x in out.extra) == [
        ("dataset", 2, "MSD Task07"),
        ("model", 4, None),
        ("result", 7, None),
    ]


def test_ingest_time_extra_evidence_is_stored_and_replaced_on_reextraction(tmp_path: Path) -> None:
    r = dict(model="Ours", dataset="LIDC-IDRI", metric="auc", value=0.9, as_printed="0.90")
    extraction = Extraction(results=[Result(**r, evidence=ev(2)), Result(**r, evidence=ev(6, "Table 2: 0.90"))])
    with connect(tmp_path / "d.duckdb") as con:
        for _ in range(2):
            out = collapse(extraction)
            pid = store(con, "a.pdf", out.extraction, out.extra)
        assert len(queries.results(con, pid)) == 1
        kept = con.execute("SELECT page, quote FROM record_evidence WHERE paper_id = ?", [pid]).fetchall()
    assert kept == [(6, "Table 2: 0.90")]


def test_dedupe_brings_stored_names_to_canonical_and_collapses_rows_with_their_aliases(tmp_path: Path) -> None:
    with connect(tmp_path / "d.duckdb") as con:
        pid = store(
            con,
            "a.pdf",
            Extraction(
                datasets=[Dataset(name=s, evidence=ev(i + 1)) for i, s in enumerate(SPELLINGS)],
                models=[Model(name="Ours", backbone="resnet 50", evidence=ev(1))],
                results=[
                    Result(
                        model="Ours",
                        backbone="ResNet50",
                        dataset=s,
                        metric="dice",
                        value=0.8,
                        as_printed="0.80",
                        evidence=ev(4 + i),
                    )
                    for i, s in enumerate(SPELLINGS)
                ],
            ),
        )
        other = store(con, "b.pdf", Extraction(datasets=[Dataset(name="Our private cohort", evidence=ev(1))]))
        plan = dedup.dedupe(con)
        by_kind = {(m.kind, m.rule.split(" ")[0]) for m in plan.merges}
        assert by_kind == {
            ("dataset", "vocabulary"),
            ("backbone", "vocabulary"),
            ("dataset", "same"),
            ("result", "same"),
        }
        rename = next(m for m in plan.merges if m.kind == "dataset" and m.rule.startswith("vocabulary"))
        assert rename.canonical == "MSD Pancreas" and sorted(rename.members) == sorted(["MSD Pancreas", *SPELLINGS])
        assert names(con, pid) == [("MSD Pancreas", "MSD Task07")]  # one row: page 1's, the first
        assert names(con, other) == [("Our private cohort", None)]  # unknown: kept as written
        (result,) = queries.results(con, pid)
        assert (result["dataset"], result["backbone"]) == ("MSD Pancreas", "ResNet-50")
        assert [m["backbone"] for m in queries.models(con, pid)] == ["ResNet-50"]
        evidence = con.execute("SELECT kind, page FROM record_evidence ORDER BY kind, page").fetchall()
        assert evidence == [("dataset", 2), ("dataset", 3), ("result", 5), ("result", 6)]
        catalogue = {r["dataset"]: r for r in queries.dataset_catalogue(con)}
    assert catalogue["MSD Pancreas"]["aliases"] == sorted(SPELLINGS)
    assert catalogue["MSD Pancreas"]["n_papers"] == 1
    assert "Our private cohort" in catalogue


def test_stored_rows_are_one_record_by_the_same_key_as_the_pipeline_uses(tmp_path: Path) -> None:
    """After a rename, two result rows whose values print alike to 6 digits (0.8 and 0.80000001) are one record,
    as they would have been had the paper been extracted with the canonical name: one record-key function."""
    values = [0.8, 0.80000001]
    results = [
        Result(model="Ours", dataset=s, metric="dice", value=v, as_printed="0.80", evidence=ev(2 + i))
        for i, (s, v) in enumerate(zip(SPELLINGS[:2], values, strict=True))
    ]
    with connect(tmp_path / "d.duckdb") as con:
        pid = store(con, "a.pdf", Extraction(results=results))
        stored = queries.results(con, pid)
        assert sorted(r["record_key"] for r in stored) == sorted(r.key for r in results)
        dedup.dedupe(con)
        (kept,) = queries.results(con, pid)
        renamed = [r.model_copy(update={"dataset": "MSD Pancreas"}) for r in results]
        assert len(collapse(Extraction(results=renamed)).extraction.results) == 1  # the pipeline agrees
        assert kept["record_key"] == renamed[0].key == record_key("result", kept)
        assert con.execute("SELECT page FROM record_evidence WHERE kind = 'result'").fetchall() == [(3,)]


def test_undo_restores_rows_then_names_in_order(tmp_path: Path) -> None:
    with connect(tmp_path / "d.duckdb") as con:
        pid = store(con, "a.pdf", Extraction(datasets=[Dataset(name=s, evidence=ev(1)) for s in SPELLINGS[:2]]))
        rename, collapse = dedup.dedupe(con).merges
        assert names(con, pid) == [("MSD Pancreas", "MSD Task07")]
        try:
            dedup.undo(con, rename.merge_id or 0)
            raise AssertionError("undoing the rename under the collapse must be refused")
        except dedup.DedupError as exc:
            assert f"merge {collapse.merge_id}" in str(exc)
        dedup.undo(con, collapse.merge_id or 0)
        assert sorted(names(con, pid)) == [("MSD Pancreas", "MSD Task07"), ("MSD Pancreas", SPELLINGS[1])]
        assert con.execute("SELECT count(*) FROM record_evidence").fetchone() == (0,)
        dedup.undo(con, rename.merge_id or 0)
        assert sorted(names(con, pid)) == sorted((s, None) for s in SPELLINGS[:2])
        keys = con.execute("SELECT name, record_key FROM datasets").fetchall()
        assert all(k == record_key("dataset", {"name": n}) for n, k in keys)  # keys follow the restored names
        assert dedup.dedupe(con).merges == []  # a reviewer undid them: not made again


def test_a_reviewers_edit_survives_every_merge(tmp_path: Path) -> None:
    with connect(tmp_path / "d.duckdb") as con:
        pid = store(
            con,
            "a.pdf",
            Extraction(
                datasets=[Dataset(name=s, evidence=ev(1)) for s in SPELLINGS],
                results=[
                    Result(
                        model="Ours", dataset="MSD Task07", metric="dice", value=0.8, as_printed="0.8", evidence=ev(2)
                    )
                ],
            ),
        )
        con.execute(
            "UPDATE datasets SET name = 'Decathlon Pancreas (subset)', review_status = 'edited'"
            " WHERE paper_id = ? AND name = 'Decathlon Pancreas'",
            [pid],
        )
        con.execute("UPDATE results SET review_status = 'rejected' WHERE paper_id = ?", [pid])
        dedup.dedupe(con)
        rows = queries.datasets(con, pid, include_rejected=True)
        assert sorted((r["name"], r["review_status"]) for r in rows) == [
            ("Decathlon Pancreas (subset)", "edited"),
            ("MSD Pancreas", None),
        ]
        (result,) = queries.results(con, pid, include_rejected=True)
        assert (result["dataset"], result["review_status"]) == ("MSD Task07", "rejected")


def test_a_confirmed_alias_renames_stored_names_and_is_reused(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    with connect(db) as con:
        pid = store(
            con, "a.pdf", Extraction(paper=Paper(title="A"), datasets=[Dataset(name="PCT-82", evidence=ev(1))])
        )
    runner = CliRunner()
    out = runner.invoke(app, ["dedupe", "--alias", "dataset:PCT-82=NIH Pancreas-CT", "--db", str(db)])
    assert out.exit_code == 0, out.output
    bad = runner.invoke(app, ["dedupe", "--alias", "dataset-ish:x=y", "--db", str(db)])
    assert bad.exit_code == 1 and "unknown kind 'dataset-ish'" in bad.output
    with connect(db) as con:
        assert names(con, pid) == [("NIH Pancreas-CT", "PCT-82")]
        (merge,) = [m for m in dedup.history(con) if m["kind"] == "dataset"]
        assert merge["rule"] == "confirmed alias"
        resolver = dedup.load_resolver(con)
    assert resolver.canonical("dataset", "pct 82") == "NIH Pancreas-CT"

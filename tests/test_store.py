"""The DuckDB store on real database files."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from litextract.document import Document, Page
from litextract.records import Dataset, Evidence, Extraction, Model, Paper, Result
from litextract.store import StoreError, Writer, connect, migrations, queries, upgrade
from litextract.store.write import save_paper, save_papers

SHA = "ab" * 32


def document() -> Document:
    return Document(file="a.pdf", path="/x/a.pdf", sha256=SHA, n_pages=1, pages=[Page(number=1, text="t")])


def extraction(value: float = 0.9) -> Extraction:
    ev = Evidence(page=1, quote="t")
    return Extraction(
        paper=Paper(title="A paper", year=2024),
        datasets=[Dataset(name="LIDC-IDRI", modality="CT", tasks=["detection"], evidence=ev)],
        models=[Model(name="Ours", backbone="ResNet-50", proposed=True, evidence=ev)],
        results=[
            Result(model="Ours", dataset="LIDC-IDRI", metric="auc", value=value, as_printed=str(value), evidence=ev)
        ],
    )


def test_migrations_run_once_and_are_recorded(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    for _ in range(2):
        with connect(db) as con:
            versions = [r[0] for r in con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()]
    assert versions == [v for v, _, _ in migrations()]
    assert versions[0] == 1


def test_migration_007_gives_the_rows_of_an_older_database_their_record_keys(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    stored_extraction = extraction()
    with connect(db) as con:
        save_paper(con, document(), stored_extraction)
        for table in ("datasets", "models", "results"):  # the database as migration 006 left it
            con.execute(f"ALTER TABLE {table} DROP COLUMN record_key")
        con.execute("DELETE FROM schema_migrations WHERE version = 7")
    with pytest.raises(StoreError, match="migrations 007 not applied"), connect(db, read_only=True):
        pass  # reading never migrates
    assert upgrade(db) == [7]  # `litextract migrate`
    with connect(db, read_only=True) as con:
        stored = {
            kind: sorted(r[0] for r in con.execute(f"SELECT record_key FROM {kind}s").fetchall())
            for kind in ("dataset", "model", "result")
        }
    assert stored == {
        "dataset": sorted(d.key for d in stored_extraction.datasets),
        "model": sorted(m.key for m in stored_extraction.models),
        "result": sorted(r.key for r in stored_extraction.results),
    }


def test_save_replaces_a_paper_but_keeps_reviewed_records(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with connect(db) as con:
        pid = save_paper(con, document(), extraction(0.9))
        con.execute("UPDATE results SET value = 0.91, review_status = 'edited' WHERE paper_id = ?", [pid])
        save_paper(con, document(), extraction(0.7))
        values = sorted((r["value"], r["review_status"]) for r in queries.results(con, pid))
    assert values == [(0.7, None), (0.91, "edited")]


def test_rejected_records_are_hidden_from_views(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with connect(db) as con:
        pid = save_paper(con, document(), extraction())
        con.execute("UPDATE datasets SET review_status = 'rejected'")
        assert queries.datasets(con, pid) == []
        assert len(queries.datasets(con, pid, include_rejected=True)) == 1


def test_reading_a_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no database at"), connect(tmp_path / "none.duckdb", read_only=True):
        pass


def test_a_new_database_in_a_new_folder_is_created(tmp_path: Path) -> None:
    db = tmp_path / "new" / "folder" / "s.duckdb"
    with connect(db) as con:
        save_paper(con, document(), extraction())
    with connect(db, read_only=True) as con:
        assert [p["title"] for p in queries.papers(con)] == ["A paper"]


def test_save_papers_stores_several_papers_in_one_call_like_one_by_one(tmp_path: Path) -> None:
    docs = [document().model_copy(update={"sha256": c * 64, "file": f"{c}.pdf"}) for c in "abc"]
    with connect(tmp_path / "one.duckdb") as con:
        for doc in docs:
            save_paper(con, doc, extraction())
        one_by_one = [(p["paper_id"], p["title"]) for p in queries.papers(con)]
        results = sorted(r["paper_id"] for r in queries.results(con))
    with connect(tmp_path / "batch.duckdb") as con:
        pids = save_papers(con, [(doc, extraction(), ()) for doc in docs])
        assert [(p["paper_id"], p["title"]) for p in queries.papers(con)] == one_by_one
        assert sorted(r["paper_id"] for r in queries.results(con)) == results == sorted(pids)


def other_process_can_read(db: Path) -> bool:
    """Whether another process (the dashboard, say) can open the database right now."""
    code = "import duckdb, sys; duckdb.connect(sys.argv[1], read_only=True).close()"
    return subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True).returncode == 0


def test_writer_keeps_its_connection_for_one_turn_then_gives_the_database_back(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    writer = Writer(db, turn=3600.0)  # a turn that lasts the whole test
    with writer.connection() as first:
        first.execute("CREATE TABLE t (x INTEGER)")
    with writer.connection() as again:
        assert again is first  # within the turn: no new open (15-30 ms each)
    assert not other_process_can_read(db)
    writer.release()  # before a long wait, whatever is left of the turn
    assert writer.time_left() == 0.0 and other_process_can_read(db)
    spent = Writer(db, turn=0.0)  # a turn that is over as soon as it begins
    with spent.connection() as con:
        con.execute("INSERT INTO t VALUES (1)")
        assert not other_process_can_read(db)  # the block keeps it to the end
    assert spent.time_left() == 0.0 and other_process_can_read(db)  # the turn was over: given back after it
    with connect(db, read_only=True) as reader:
        assert reader.execute("SELECT count(*) FROM t").fetchone() == (1,)


def test_an_interrupted_statement_is_a_keyboard_interrupt(tmp_path: Path) -> None:
    """DuckDB reports Ctrl-C as an error of its own, which the ingest's per-paper error handling would swallow."""
    with pytest.raises(KeyboardInterrupt), connect(tmp_path / "i.duckdb") as con:
        threading.Timer(0.3, con.interrupt).start()
        con.execute("SELECT count(*) FROM range(100000000000) t(x) WHERE x % 7 = 3").fetchall()
    with pytest.raises(KeyboardInterrupt), connect(tmp_path / "i.duckdb"):
        raise RuntimeError("Query interrupted")  # what DuckDB 2.0 raises when SIGINT stops a statement
    with pytest.raises(RuntimeError), connect(tmp_path / "i.duckdb"):
        raise RuntimeError("some other failure")


def test_result_qualifiers_are_stored_exported_and_make_records_distinct(tmp_path: Path) -> None:
    from litextract.export import export

    ev = Evidence(page=1, quote="t")
    regions = [("WT", 0.9), ("TC", 0.9), ("ET", 0.85)]  # WT and TC share a value: still two records
    results = [
        Result(model="Ours", dataset="BraTS 2021", metric="dice", value=v, as_printed=str(v), target=t,
               split="validation", proposed=True, std=0.02, evidence=ev)
        for t, v in regions
    ] + [Result(model="U-Net", dataset="BraTS 2021", metric="dice", value=0.88, as_printed="0.88", source="cited",
                setting="ablation", headline=False, ci_low=0.86, ci_high=0.9, evidence=ev)]
    with connect(tmp_path / "s.duckdb") as con:
        pid = save_paper(con, document(), Extraction(paper=Paper(title="A paper"), results=results))
        stored = {(r["model"], r["target"]): r for r in queries.results(con, pid)}
        counts = export(con, tmp_path / "out")
    assert len(stored) == 4 and counts["results.csv"] == 4
    own = stored[("Ours", "WT")]
    assert (own["split"], own["proposed"], own["std"], own["source"], own["headline"]) == (
        "validation", True, 0.02, "paper", False
    )
    cited = stored[("U-Net", None)]
    assert (cited["source"], cited["setting"], cited["ci_low"], cited["ci_high"]) == ("cited", "ablation", 0.86, 0.9)
    assert "target,setting,source,proposed,headline,std" in (tmp_path / "out" / "results.csv").read_text()


def test_a_database_from_before_the_qualifiers_keeps_its_record_ids(tmp_path: Path) -> None:
    """Migration 010 on a database as 006 left it (007's keys computed before the qualifier columns exist), and
    a reviewed result that had a split is the same record when a re-extraction adds its qualifiers' defaults."""
    db = tmp_path / "old.duckdb"
    with connect(db) as con:
        pid = save_paper(con, document(), extraction())
        for column in ("target", "setting", "source", "proposed", "headline", "std", "ci_low", "ci_high"):
            con.execute(f"ALTER TABLE results DROP COLUMN {column}")
        for table in ("datasets", "models", "results"):
            con.execute(f"ALTER TABLE {table} DROP COLUMN record_key")
        con.execute("UPDATE results SET split = 'test', review_status = 'accepted'")
        con.execute("DELETE FROM schema_migrations WHERE version IN (7, 10)")
        (before,) = con.execute("SELECT record_id FROM results").fetchone() or ("",)
    assert upgrade(db) == [7, 10]
    again = extraction()
    again.results[0].split = "test"
    again.results[0].headline = True
    with connect(db) as con:
        save_paper(con, document(), again)
        stored = queries.results(con, pid)
    assert [(r["record_id"], r["record_key"], r["review_status"]) for r in stored] == [
        (before, again.results[0].key, "accepted")
    ]

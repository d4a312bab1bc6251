"""A synthetic litextract database for load tests: N papers with ~3 datasets, 5 models and 10 results each.

    python bench/synthetic_db.py /tmp/bench.duckdb --papers 10000

Rows are generated in bulk inside DuckDB (INSERT ... SELECT over range()), with names from the curated
vocabulary, so 10,000 papers take seconds. Every paper points at one small generated PDF so that the review
queue can render pages; about 10% of the values are unverified.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pymupdf

from litextract.store import connect
from litextract.store.write import backfill_record_keys
from litextract.vocab import vocabulary

WORDS = [
    *("deep", "attention", "residual", "transformer", "segmentation", "classification", "detection", "lesion"),
    *("tumour", "nodule", "multi-scale", "self-supervised", "federated", "robust", "explainable", "lightweight"),
    *("semi-supervised", "contrastive", "domain-adaptive", "uncertainty-aware", "weakly-supervised", "3D"),
    *("cascaded", "hybrid", "graph"),
]
METRICS = ["accuracy", "auc", "dice", "f1", "sensitivity", "hd95"]
SPLITS = ["test", "validation", "cross-validation", "external"]
TASKS = ["classification", "segmentation", "detection", "registration", "report generation"]
VENUES = [f"{v} {s}" for v in ("MICCAI", "Medical Image Analysis", "IEEE TMI", "ISBI", "MIDL", "arXiv") for s in "AB"]


def sample_pdf(path: Path) -> Path:
    """A 3-page PDF whose text holds the quotes the synthetic records cite."""
    doc = pymupdf.open()
    for n in range(1, 4):
        page = doc.new_page()
        text = f"Page {n}. The proposed model reached a Dice of 0.87 on the test set. " * 6
        page.insert_textbox(pymupdf.Rect(50, 50, 560, 800), text, fontsize=10)
    doc.save(path)
    doc.close()
    return path


def pick(options: str, seed: str) -> str:
    """SQL choosing one element of the list parameter `options` by a hash of `seed`."""
    return f"list_element(${options}, (hash({seed}) % len(${options}))::INTEGER + 1)"


def build(db: Path, n_papers: int) -> dict[str, float]:
    """Create `db` with `n_papers` synthetic papers; returns seconds per table."""
    db.parent.mkdir(parents=True, exist_ok=True)
    if db.exists():
        db.unlink()
    pdf = sample_pdf(db.with_suffix(".pdf"))
    v = vocabulary()
    params = {
        "n": n_papers,
        "pdf": str(pdf),
        "words": WORDS,
        "venues": VENUES,
        "datasets": [e.name for e in v.entries("dataset")],
        "modalities": [e.name for e in v.entries("modality")],
        "backbones": [e.name for e in v.entries("backbone")],
        "metrics": METRICS,
        "splits": SPLITS,
        "tasks": TASKS,
    }
    ev = "1 + (hash(i, j, 'p') % 3)::INTEGER, 'The proposed model reached a Dice of 0.87 on the test set'"
    ok = "(hash(i, j, 'v') % 10) <> 0"
    sql = {
        "papers": (
            "INSERT INTO papers (paper_id, sha256, file, path, n_pages, title, authors, year, venue, venue_type,"
            " doi, parser, extractor, evidence, field_sources)"
            " SELECT printf('%016x', i), printf('%064x', i), printf('paper_%05d.pdf', i), $pdf, 3,"
            f" concat_ws(' ', upper({pick('words', 'i, 1')}[1]) || {pick('words', 'i, 1')}[2:],"
            f"   {pick('words', 'i, 2')}, {pick('words', 'i, 3')},"
            f"   'for', {pick('words', 'i, 4')}, printf('(%d)', i)),"
            "  [printf('A. Author%d', i % 997), printf('B. Author%d', i % 991)], 2012 + (hash(i, 'y') % 14)::INTEGER,"
            f" {pick('venues', 'i')}, 'journal', printf('10.1234/synthetic.%d', i), 'pymupdf', 'offline',"
            " '{}', '{\"title\": \"pymupdf\"}' FROM range($n) t(i)"
        ),
        "datasets": (
            "INSERT INTO datasets (record_id, paper_id, name, mention, modality, body_part, size_images, size_text,"
            " tasks, public, evidence_page, evidence_quote, verified, score, extractor)"
            f" SELECT printf('d%015x', i * 3 + j), printf('%016x', i), {pick('datasets', 'i, j')}, NULL,"
            f" {pick('modalities', 'i, j')}, 'chest', 100 + hash(i, j) % 10000, NULL, [{pick('tasks', 'i, j')}],"
            f" TRUE, {ev}, {ok}, CASE WHEN {ok} THEN 100 ELSE 60 END, 'offline'"
            " FROM range($n) t(i), range(3) s(j)"
        ),
        "models": (
            "INSERT INTO models (record_id, paper_id, name, backbone, task, proposed, pretrained, evidence_page,"
            " evidence_quote, verified, score, extractor)"
            f" SELECT printf('m%015x', i * 5 + j), printf('%016x', i),"
            f" {pick('backbones', 'i, j')} || printf('-v%d', j),"
            f" {pick('backbones', 'i, j')}, {pick('tasks', 'i')}, j = 0, 'ImageNet', {ev}, {ok},"
            f" CASE WHEN {ok} THEN 100 ELSE 55 END, 'offline' FROM range($n) t(i), range(5) s(j)"
        ),
        "results": (
            "INSERT INTO results (record_id, paper_id, model, backbone, dataset, metric, value, as_printed, split,"
            " evidence_page, evidence_quote, verified, score, extractor)"
            f" SELECT printf('r%015x', i * 10 + j), printf('%016x', i), {pick('backbones', 'i, j % 5')}"
            f"   || printf('-v%d', j % 5), {pick('backbones', 'i, j % 5')}, {pick('datasets', 'i, j % 3')},"
            f" {pick('metrics', 'i, j')}, round(0.5 + (hash(i, j, 'x') % 4900) / 10000, 4), NULL,"
            f" {pick('splits', 'i, j')}, {ev}, {ok}, CASE WHEN {ok} THEN 100 ELSE 40 END, 'offline'"
            " FROM range($n) t(i), range(10) s(j)"
        ),
    }
    seconds = {}
    with connect(db) as con:
        for table, statement in sql.items():
            started = time.perf_counter()
            used = {k: v for k, v in params.items() if f"${k}" in statement}
            con.execute(statement, used)
            seconds[table] = time.perf_counter() - started
        con.execute("UPDATE results SET as_printed = printf('%.4f', value)")
        started = time.perf_counter()
        backfill_record_keys(con)  # every row's key, as storing a record sets it
        seconds["record_key"] = time.perf_counter() - started
        con.execute("CHECKPOINT")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--papers", type=int, default=10_000)
    args = parser.parse_args()
    seconds = build(args.db, args.papers)
    print(f"{args.db}: {args.papers:,} papers in {sum(seconds.values()):.1f} s ({seconds})")


if __name__ == "__main__":
    main()

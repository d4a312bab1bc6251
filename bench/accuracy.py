"""Accuracy benchmark: the one command to run after every change to parsing or extraction.

    python bench/accuracy.py [--shared DIR] [--workers N] [--json FILE] [--compare FILE]

It ingests ../shared/corpus-real and ../shared/sota-dev/pdf into fresh temporary databases with the offline
extractor (no GROBID, no LLM; `--workers` as for `litextract ingest`), then
1. scores the real-paper database with `litextract.eval` against ../shared/gold: all gold papers, and two
   groups — **new**: the gold papers whose PDFs are the most recently added rows of corpus-real/SOURCES.md's
   table (its last "Added <date>: N more papers with gold" sentence gives N; the table lists the files in the
   order they were added, the newest last), never used for tuning; **old**: the other gold papers;
2. exports the sota-dev database (`litextract export`) and runs ../shared/sota-dev/score.py on it with `--json`;
3. prints one summary (80 columns). `--json FILE` writes every figure (the eval report with its per-paper
   scores, score.py's output) and the summary; `--compare FILE` prints before -> after against such a file.

Skips with a message (exit 0) when the shared data is absent. The measures are described in docs/evaluation.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

from litextract.eval import Report, evaluate
from litextract.export import export
from litextract.gold import GoldError, gold_files, load_gold
from litextract.ingest import ingest
from litextract.settings import Settings
from litextract.store import connect

REPO = Path(__file__).resolve().parents[1]
ADDED = re.compile(r"Added\s+(\S+?):\s+(\d+)\s+more papers with gold", re.IGNORECASE)
TABLE_FILE = re.compile(r"^\|\s*([^|]+?\.pdf)\s*\|", re.IGNORECASE | re.MULTILINE)

# The summary's rows: (label, figure key). Gold figures come from eval's JSON fields; "f1"/"precision"/
# "recall"/"accuracy" name the value taken.
GOLD_ROWS = [
    ("datasets F1", "datasets.f1"),
    ("backbones F1", "backbones.f1"),
    ("own backbone", "own_backbone.accuracy"),
    ("models F1", "models.f1"),
    ("results P", "results.precision"),
    ("results R", "results.recall"),
    ("results F1", "results.f1"),
    ("res+model F1", "results_with_model.f1"),
    ("split acc", "result_split.accuracy"),
    ("modality F1", "modalities.f1"),
    ("both flags", "screening.accuracy"),
    ("DL flag", "uses_deep_learning.accuracy"),
    ("imaging flag", "uses_medical_imaging.accuracy"),
    ("title", "title.accuracy"),
    ("venue", "venue.accuracy"),
    ("year", "year.accuracy"),
]
SOTA_ROWS = [
    ("value R", "value_recall"),
    ("value+metric R", "value_metric_recall"),
    ("full R", "full_recall"),
    ("dataset-name R", "dataset_recall"),
    ("no result", "papers_without_result"),
    ("precision proxy", "precision_proxy"),
]
IN_TEX = "score in tex"


def split_groups(sources: Path, gold: dict[str, str]) -> tuple[dict[str, list[str]], str]:
    """The old and new groups of gold file names, and the rule that made them, from SOURCES.md.

    `gold` maps each gold file name to its PDF's file name. New: the gold files whose PDFs are among the last N
    rows of the table, N from the last "Added <date>: N more papers with gold" sentence; old: the others.
    """
    text = sources.read_text(encoding="utf-8")
    added = ADDED.findall(text)
    if not added:
        raise ValueError(f"{sources}: no 'Added <date>: N more papers with gold' sentence")
    date, n = added[-1][0], int(added[-1][1])
    rows = [f.strip() for f in TABLE_FILE.findall(text)]
    newest = set(rows[-n:]) if n else set()
    new = [g for g, pdf in gold.items() if pdf in newest]
    old = [g for g in gold if g not in new]
    rule = (f"new = the gold papers among the last {n} PDFs of {sources.parent.name}/{sources.name}'s table "
            f"(\"Added {date}: {n} more papers with gold\"): {len(new)}; old = the other gold papers: {len(old)}")
    return {"old": old, "new": new}, rule


def offline(db: Path, workers: int | None) -> Settings:
    return Settings(db=db, cache_dir=db.parent / "cache", grobid_url=None, llm_model=None, workers=workers)


def timed_ingest(folder: Path, db: Path, workers: int | None) -> dict[str, Any]:
    started = time.perf_counter()
    summary = ingest([folder], offline(db, workers))
    return {"folder": str(folder), "seconds": round(time.perf_counter() - started, 1),
            "ingested": summary.count("ingested"), "failed": summary.count("failed")}


def gold_summary(report: Report) -> dict[str, dict[str, float | None]]:
    """Per group (all, then the named groups): the summary figures."""
    parts = {"all": report, **{name: report.group(name) for name in report.groups}}
    out = {}
    for name, part in parts.items():
        fields = part.fields_json()
        out[name] = {label: fields[f][v] for label, (f, v) in
                     ((label, tuple(path.split("."))) for label, path in GOLD_ROWS)}
    return out


def sota_summary(score: dict[str, Any]) -> dict[str, float | None]:
    tex = score["subsets"][IN_TEX]
    ds = score["dataset_recall"]["all"]
    return {
        "value_recall": tex["value_recall"], "value_metric_recall": tex["value_metric_recall"],
        "full_recall": tex["full_recall"], "dataset_recall": ds["hit"] / ds["n"] if ds["n"] else None,
        "papers_without_result": sum(1 for p in score["per_paper"] if p["n_results"] == 0),
        "precision_proxy": score["precision_proxy"]["value"],
    }


def run_score(score_py: Path, db: Path, out: Path) -> dict[str, Any]:
    """score.py's figures for the export of `db` (its own printout is kept in the JSON, not shown)."""
    with connect(db, read_only=True) as con:
        export(con, out / "export")
    result = subprocess.run(
        [sys.executable, str(score_py), "--export", str(out / "export"), "--json", str(out / "score.json")],
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"{score_py}: failed ({result.returncode}): {result.stderr.strip()[-500:]}")
    data: dict[str, Any] = json.loads((out / "score.json").read_text(encoding="utf-8"))
    data["printout"] = result.stdout
    return data


def run(shared: Path, workers: int | None) -> dict[str, Any]:
    corpus, gold_dir, sota = shared / "corpus-real", shared / "gold", shared / "sota-dev"
    golds = {}
    for path in gold_files(gold_dir):
        try:
            golds[path.name] = load_gold(path).file
        except GoldError as exc:
            print(f"✗ {exc}", file=sys.stderr)
    groups, rule = split_groups(corpus / "SOURCES.md", golds)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="litextract-accuracy-") as tmp:
        real_db, sota_db = Path(tmp) / "real" / "real.duckdb", Path(tmp) / "sota" / "sota.duckdb"
        ingests = [timed_ingest(corpus, real_db, workers), timed_ingest(sota / "pdf", sota_db, workers)]
        with connect(real_db, read_only=True) as con:
            report = evaluate(con, gold_dir)
        for name, files in groups.items():
            report.add_group(name, files, "SOURCES.md")
        score = run_score(sota / "score.py", sota_db, Path(tmp) / "sota")
    summary = {"gold": gold_summary(report), "sota": sota_summary(score)}
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "commit": _commit(), "shared": str(shared),
        "rule": rule, "ingest": ingests, "seconds": round(time.perf_counter() - started, 1),
        "n_gold": {"all": len(report.papers), **{n: len(f) for n, f in report.groups.items()}},
        "sota_in_tex": score["subsets"][IN_TEX]["n"], "sota_papers": score["n_papers"],
        "summary": summary, "eval": report.to_json(), "sota_score": score,
    }


def _commit() -> str | None:
    result = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True,
                            text=True, check=False)
    return result.stdout.strip() or None


def cell(value: float | None, before: float | None = None, compare: bool = False) -> str:
    def fmt(x: float | None) -> str:
        if x is None:
            return "-"
        return str(x) if isinstance(x, int) else f"{x:.3f}"

    if not compare:
        return fmt(value)
    delta = "" if value is None or before is None or value == before else f" {value - before:+.3f}".replace(
        ".000", "")
    return f"{fmt(before)}→{fmt(value)}{delta}"


def show(r: dict[str, Any], before: dict[str, Any] | None = None) -> None:
    s, b = r["summary"], (before or {}).get("summary")
    compare = b is not None
    groups = list(s["gold"])
    width = 19 if compare else 8
    print(f"litextract accuracy {r['commit'] or ''} {r['date'][:10]}, offline, {r['seconds']} s")
    if before:
        print(f"before -> after: before is {before.get('commit') or ''} {before.get('date', '')[:10]}")
    print(textwrap.fill(f"groups: {r['rule']}", 80, subsequent_indent="  "))
    print("gold " + " " * 10 + "".join(f"{g}({r['n_gold'][g]})".rjust(width) for g in groups))
    for label, _ in GOLD_ROWS:
        row = "".join(cell(s["gold"][g][label], b["gold"].get(g, {}).get(label) if b else None, compare)
                      .rjust(width) for g in groups)
        print(f"  {label:13}{row}")
    print(f"sota-dev ({r['sota_papers']} papers; recall over the {r['sota_in_tex']} tuples whose score is in the "
          "tex)")
    for label, k in SOTA_ROWS:
        print(f"  {label:16}{cell(s['sota'][k], b['sota'].get(k) if b else None, compare).rjust(width)}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="the shared data (../shared)")
    ap.add_argument("--workers", type=int, default=None, help="ingest processes (default: one per CPU)")
    ap.add_argument("--json", type=Path, default=None, help="write every figure here")
    ap.add_argument("--compare", type=Path, default=None, help="an earlier --json file: print before -> after")
    a = ap.parse_args()
    needed = [a.shared / p for p in ("corpus-real/SOURCES.md", "gold", "sota-dev/pdf", "sota-dev/score.py")]
    absent = [str(p) for p in needed if not p.exists()]
    if absent:
        print(f"skipped: the shared data is not here ({', '.join(absent)} absent)")
        return 0
    before = None
    if a.compare:
        try:
            before = json.loads(a.compare.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            print(f"error: {a.compare}: cannot read an earlier --json file: {exc}", file=sys.stderr)
            return 2
    r = run(a.shared, a.workers)
    show(r, before)
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(r, indent=1, default=str), encoding="utf-8")
        print(f"JSON: {a.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

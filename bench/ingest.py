"""Ingest benchmark: `litextract ingest` against raw PyMuPDF text extraction, like for like.

    python bench/ingest.py [FOLDER] [--workers N] [--repeat N] [--json]

FOLDER defaults to ../shared/corpus-real, else the demo corpus. Both sides are whole processes, start-up
included, with the same number of processes:
  raw:    `python bench/raw_text.py FOLDER --workers N`: PyMuPDF `page.get_text()` of every page of every PDF;
  ingest: `python -m litextract ingest FOLDER --workers N` into a fresh database, offline (no GROBID, no LLM).
Each is run `--repeat` times (default 5), alternating raw and ingest so that other load on a shared machine hits
both alike, after one untimed run of each (it warms the OS file cache). Per run: wall seconds, and CPU seconds
(user + system) of the process and every process it started and waited for (`os.wait4`'s resource usage).
The figures are the medians; the headline is the CPU ratio ingest / raw (what the work costs, whatever else
the machine is doing), the wall ratio is shown beside it. Also measured: the start-up of `litextract --help`
(median of the same number of runs), an unchanged re-ingest of the folder (whole process) and the peak resident
memory of the largest ingest process.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pymupdf
from rich.console import Console
from rich.table import Table

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DEFAULT_FOLDERS = (REPO.parent / "shared" / "corpus-real", REPO / "corpus")
TARGET_CPU_RATIO = 2.0
TARGET_REINGEST_MS = 20.0
MAX_WORKERS = 8  # ingest's own cap on its default (litextract.prepare.MAX_WORKERS)


@dataclass
class Run:
    wall_s: float
    cpu_s: float
    max_rss_mib: float
    stdout: str


def timed(command: list[str], env: dict[str, str]) -> Run:
    """Run `command` to its end: wall seconds, CPU seconds and peak RSS of it and the processes it waited for."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    stdout = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):  # ingest exits 1 when a file failed; that file is counted, not fatal
        raise SystemExit(f"{' '.join(command)}: exit code {proc.returncode}")
    rss = usage.ru_maxrss / 2**20 if sys.platform == "darwin" else usage.ru_maxrss / 1024  # bytes on macOS
    return Run(wall, usage.ru_utime + usage.ru_stime, rss, stdout)


def clean_env(folder: Path) -> dict[str, str]:
    """The environment without LITEXTRACT_* settings (no GROBID, no LLM), caches in `folder`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LITEXTRACT_") and k != "OPENAI_API_KEY"}
    return env | {"LITEXTRACT_CACHE_DIR": str(folder / "cache")}


def run(folder: Path, workers: int, repeat: int) -> dict[str, Any]:
    raw_cmd = [sys.executable, str(BENCH / "raw_text.py"), str(folder), "--workers", str(workers)]

    def ingest_cmd(db: Path) -> list[str]:
        ingest = [sys.executable, "-m", "litextract", "ingest", str(folder), "--workers", str(workers)]
        return [*ingest, "--db", str(db), "--json"]

    raws: list[Run] = []
    ingests: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="litextract-bench-") as tmp:
        env = clean_env(Path(tmp))
        timed(raw_cmd, env)  # warm-up: the OS file cache, Python's bytecode caches
        timed(ingest_cmd(Path(tmp) / "warm.duckdb"), env)
        for i in range(repeat):
            raws.append(timed(raw_cmd, env))
            ingests.append(timed(ingest_cmd(Path(tmp) / f"run{i}.duckdb"), env))
        again = timed(ingest_cmd(Path(tmp) / f"run{repeat - 1}.duckdb"), env)
        helps = [timed([sys.executable, "-m", "litextract", "--help"], env).wall_s for _ in range(repeat)]
    files, pages = (int(x) for x in raws[0].stdout.split())
    first = json.loads(ingests[0].stdout)
    unchanged = json.loads(again.stdout)["unchanged"]
    raw_cpu, ingest_cpu = statistics.median(r.cpu_s for r in raws), statistics.median(r.cpu_s for r in ingests)
    raw_wall, ingest_wall = statistics.median(r.wall_s for r in raws), statistics.median(r.wall_s for r in ingests)
    return {
        "folder": str(folder),
        "files": files,
        "pages": pages,
        "ingested": first["ingested"],
        "failed": first["failed"],
        "workers": workers,
        "repeat": repeat,
        "raw_cpu_s": round(raw_cpu, 3),
        "ingest_cpu_s": round(ingest_cpu, 3),
        "cpu_ratio": round(ingest_cpu / raw_cpu, 2),
        "cpu_ratio_target": TARGET_CPU_RATIO,
        "cpu_ratio_runs": [round(b.cpu_s / a.cpu_s, 2) for a, b in zip(raws, ingests, strict=True)],
        "raw_wall_s": round(raw_wall, 3),
        "ingest_wall_s": round(ingest_wall, 3),
        "wall_ratio": round(ingest_wall / raw_wall, 2),
        "wall_ratio_runs": [round(b.wall_s / a.wall_s, 2) for a, b in zip(raws, ingests, strict=True)],
        "raw_cpu_ms_per_page": round(1000 * raw_cpu / pages, 2),
        "ingest_cpu_ms_per_page": round(1000 * ingest_cpu / pages, 2),
        "help_s": round(statistics.median(helps), 3),
        "reingest_s": round(again.wall_s, 3),
        "reingest_unchanged": unchanged,
        "reingest_ms_per_pdf": round(1000 * again.wall_s / files, 2),
        "reingest_target_ms": TARGET_REINGEST_MS,
        "ingest_max_rss_mib": round(max(r.max_rss_mib for r in ingests), 1),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "pymupdf": pymupdf.__version__,
        "cpus": _cpus(),
    }


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _verdict(good: bool) -> str:
    return "[green]met[/green]" if good else "[red]missed[/red]"


def show(r: dict[str, Any]) -> None:
    n = f"{r['workers']} process{'es' if r['workers'] > 1 else ''} each, median of {r['repeat']}"
    table = Table(title=f"ingest benchmark: {r['folder']} ({r['files']} PDFs, {r['pages']} pages; {n})")
    for column in ("measure", "raw PyMuPDF get_text", "litextract ingest", "ratio", "target"):
        table.add_column(column)
    table.add_row(
        "[bold]CPU seconds (headline)[/bold]",
        f"{r['raw_cpu_s']:.2f} s ({r['raw_cpu_ms_per_page']} ms/page)",
        f"{r['ingest_cpu_s']:.2f} s ({r['ingest_cpu_ms_per_page']} ms/page)",
        f"[bold]{r['cpu_ratio']}[/bold]",
        f"<= {r['cpu_ratio_target']} {_verdict(r['cpu_ratio'] <= r['cpu_ratio_target'])}",
    )
    table.add_row("  each run's CPU ratio", "", "", ", ".join(map(str, r["cpu_ratio_runs"])), "")
    table.add_row("wall seconds", f"{r['raw_wall_s']:.2f} s", f"{r['ingest_wall_s']:.2f} s", str(r["wall_ratio"]), "")
    table.add_row("  each run's wall ratio", "", "", ", ".join(map(str, r["wall_ratio_runs"])), "")
    table.add_row("start-up: `litextract --help`", "", f"{r['help_s']:.3f} s", "", "")
    table.add_row(
        f"unchanged re-ingest ({r['reingest_unchanged']}/{r['files']} skipped), whole process",
        "",
        f"{r['reingest_s']:.2f} s ({r['reingest_ms_per_pdf']} ms/PDF)",
        "",
        f"<= {r['reingest_target_ms']} ms/PDF {_verdict(r['reingest_ms_per_pdf'] <= r['reingest_target_ms'])}",
    )
    table.add_row("peak RSS of the largest ingest process", "", f"{r['ingest_max_rss_mib']} MiB", "", "")
    Console().print(table)
    busy = " (above the CPU count: other work slowed the wall times)" if r["load_average_1min"] > r["cpus"] else ""
    Console().print(
        f"{r['ingested']} ingested, {r['failed']} failed. Python {r['python']}, PyMuPDF {r['pymupdf']}, "
        f"{r['cpus']} CPUs, load average {r['load_average_1min']} at the end{busy}",
        highlight=False,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?", help="folder of PDFs (default: ../shared/corpus-real)")
    parser.add_argument(
        "--workers", type=int, help="processes on each side (default: one per CPU, at most 8, as ingest's default)"
    )
    parser.add_argument("--repeat", type=int, default=5, help="raw and ingest runs, alternated (default 5)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    folder = args.folder or next(f for f in DEFAULT_FOLDERS if f.is_dir())
    workers = max(1, args.workers or min(_cpus(), MAX_WORKERS))
    result = run(folder, workers, max(1, args.repeat))
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        show(result)


if __name__ == "__main__":
    main()

"""Ingest benchmark: the offline pipeline against raw PyMuPDF text extraction over the same PDFs.

    python bench/ingest.py [FOLDER] [--repeat N] [--json] [--tracemalloc]

FOLDER defaults to ../shared/corpus-real, else the demo corpus. Measured, in this order:
1. raw and ingest, alternated N times (default 3) so that other load on a shared machine hits both alike, and
   the median of each is the figure:
   raw: PyMuPDF `page.get_text()` over every page of every file, in this process (the first pass also warms
   the OS file cache for what follows);
   ingest: `litextract.ingest.ingest` of the folder into a fresh temporary database, offline (no GROBID, no
   LLM), with the default worker processes (one per CPU); the ratio ingest / raw is the target (<= 1.5).
   Both start after their modules are imported (`import pymupdf`; litextract's parser and extractor);
2. ingest in one process (`workers=1`), once, for the speed-up that worker processes bring on this machine;
3. CPU seconds of each (this process and its finished worker processes), and peak memory: the maximum
   resident set size of this process and of the largest worker (`resource.getrusage`); with `--tracemalloc`
   the peak of Python allocations during a separate one-process ingest (tracemalloc slows Python code down,
   so that run is not timed; MuPDF's own C allocations are not seen by it);
4. re-ingest: the same folder again into the same database, every file unchanged: time per PDF (<= 20 ms).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pymupdf
from rich.console import Console
from rich.table import Table

import litextract.extract.offline
import litextract.parse.pymupdf_parser  # noqa: F401  (imported before timing, as pymupdf is for the raw pass)
from litextract.ingest import RunSummary, find_pdfs, ingest
from litextract.prepare import worker_count
from litextract.settings import Settings

REPO = Path(__file__).resolve().parents[1]
DEFAULT_FOLDERS = (REPO.parent / "shared" / "corpus-real", REPO / "corpus")
TARGET_RATIO = 1.5
TARGET_REINGEST_MS = 20.0


def cpu_seconds() -> float:
    """CPU time of this process and of its worker processes that have ended."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def raw_text(pdfs: list[Path]) -> tuple[float, float, int]:
    """Wall and CPU seconds to open every PDF and get the text of every page with PyMuPDF; number of pages."""
    started, cpu = time.perf_counter(), cpu_seconds()
    pages = 0
    for path in pdfs:
        try:
            doc = pymupdf.open(path)
        except Exception:  # a damaged file costs the raw pass nothing more; ingest records it as failed
            continue
        with doc:
            for number in range(doc.page_count):
                doc[number].get_text()
                pages += 1
    return time.perf_counter() - started, cpu_seconds() - cpu, pages


def offline_settings(folder: Path, workers: int | None = None) -> Settings:
    folder.mkdir(parents=True, exist_ok=True)
    return Settings(
        db=folder / "bench.duckdb", cache_dir=folder / "cache", grobid_url=None, llm_model=None, workers=workers
    )


def timed_ingest(folder: Path, settings: Settings) -> tuple[float, float, RunSummary]:
    """Wall and CPU seconds of one ingest of `folder` (worker processes included), and its summary."""
    started, cpu = time.perf_counter(), cpu_seconds()
    summary = ingest([folder], settings)
    return time.perf_counter() - started, cpu_seconds() - cpu, summary


def max_rss_mib(who: int) -> float:
    rss = resource.getrusage(who).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 1024  # bytes on macOS, KiB on Linux


def run(folder: Path, repeat: int, with_tracemalloc: bool) -> dict[str, Any]:
    pdfs = find_pdfs([folder]).files
    if not pdfs:
        raise SystemExit(f"{folder}: no PDF files")
    raws, ingests, raw_cpus, ingest_cpus = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="litextract-bench-") as tmp:
        for i in range(repeat):
            raw, raw_cpu, pages = raw_text(pdfs)
            settings = offline_settings(Path(tmp) / f"run{i}")
            ingest_s, ingest_cpu, first = timed_ingest(folder, settings)
            raws.append(raw)
            raw_cpus.append(raw_cpu)
            ingests.append(ingest_s)
            ingest_cpus.append(ingest_cpu)
        workers = worker_count(settings, len(pdfs))
        serial_s, serial_cpu, _ = timed_ingest(folder, offline_settings(Path(tmp) / "serial", workers=1))
        again_s, _, again = timed_ingest(folder, settings)
        traced = None
        if with_tracemalloc:
            tracemalloc.start()
            ingest([folder], offline_settings(Path(tmp) / "traced", workers=1))
            traced = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
    n = len(pdfs)
    raw, ingest_s, serial = statistics.median(raws), statistics.median(ingests), serial_s
    return {
        "folder": str(folder),
        "files": n,
        "pages": pages,
        "ingested": first.count("ingested"),
        "failed": first.count("failed"),
        "workers": workers,
        "repeat": repeat,
        "raw_text_s": round(raw, 3),
        "ingest_s": round(ingest_s, 3),
        "ratio": round(ingest_s / raw, 2),
        "ratio_target": TARGET_RATIO,
        "raw_runs_s": [round(x, 3) for x in raws],
        "ingest_runs_s": [round(x, 3) for x in ingests],
        "ratio_runs": [round(b / a, 2) for a, b in zip(raws, ingests, strict=True)],
        "one_process_s": round(serial, 3),
        "one_process_ratio": round(serial / raw, 2),
        "raw_text_cpu_s": round(statistics.median(raw_cpus), 3),
        "ingest_cpu_s": round(statistics.median(ingest_cpus), 3),
        "one_process_cpu_s": round(serial_cpu, 3),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "ingest_ms_per_page": round(1000 * ingest_s / pages, 1) if pages else None,
        "max_rss_mib": round(max_rss_mib(resource.RUSAGE_SELF), 1),
        "max_rss_worker_mib": round(max_rss_mib(resource.RUSAGE_CHILDREN), 1),
        "tracemalloc_peak_mib": None if traced is None else round(traced, 1),
        "reingest_s": round(again_s, 3),
        "reingest_unchanged": again.count("unchanged"),
        "reingest_ms_per_pdf": round(1000 * again_s / n, 2),
        "reingest_target_ms": TARGET_REINGEST_MS,
        "python": platform.python_version(),
        "pymupdf": pymupdf.__version__,
        "cpus": _cpus(),
    }


def _verdict(good: bool) -> str:
    return "[green]met[/green]" if good else "[red]missed[/red]"


def _cpus() -> int | None:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def show(r: dict[str, Any]) -> None:
    median = f"median of {r['repeat']}"
    table = Table(title=f"ingest benchmark: {r['folder']} ({r['files']} PDFs, {r['pages']} pages)")
    for column in ("measure", "value", "target"):
        table.add_column(column)
    table.add_row(f"raw PyMuPDF get_text, all pages ({median})", f"{r['raw_text_s']:.3f} s", "")
    per_page = f"{r['ingest_s']:.3f} s ({r['ingest_ms_per_page']} ms/page)"
    table.add_row(f"litextract ingest, {r['workers']} workers (offline, fresh DB, {median})", per_page, "")
    table.add_row(
        f"[bold]ratio ingest / raw[/bold] ({r['ingested']} ingested, {r['failed']} failed)",
        f"[bold]{r['ratio']}[/bold]",
        f"<= {r['ratio_target']} {_verdict(r['ratio'] <= r['ratio_target'])}",
    )
    table.add_row("  each run's ratio", ", ".join(map(str, r["ratio_runs"])), "")
    table.add_row(
        "litextract ingest in one process (workers=1)",
        f"{r['one_process_s']:.3f} s",
        f"ratio {r['one_process_ratio']}",
    )
    table.add_row(
        "CPU seconds: raw / ingest (workers included) / one process",
        f"{r['raw_text_cpu_s']:.2f} / {r['ingest_cpu_s']:.2f} / {r['one_process_cpu_s']:.2f}",
        "",
    )
    rss = f"{r['max_rss_mib']} / {r['max_rss_worker_mib']} MiB"
    table.add_row("peak RSS: this process / largest worker", rss, "")
    if r["tracemalloc_peak_mib"] is not None:
        table.add_row("peak Python allocations (tracemalloc)", f"{r['tracemalloc_peak_mib']} MiB", "")
    table.add_row(
        f"re-ingest, unchanged ({r['reingest_unchanged']}/{r['files']} skipped)",
        f"{r['reingest_ms_per_pdf']} ms/PDF",
        f"<= {r['reingest_target_ms']} {_verdict(r['reingest_ms_per_pdf'] <= r['reingest_target_ms'])}",
    )
    Console().print(table)
    busy = " (above the CPU count: other work slowed the timings)" if r["load_average_1min"] > r["cpus"] else ""
    Console().print(
        f"Python {r['python']}, PyMuPDF {r['pymupdf']}, {r['cpus']} CPUs, load average "
        f"{r['load_average_1min']} at the end{busy}",
        highlight=False,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?", help="folder of PDFs (default: ../shared/corpus-real)")
    parser.add_argument("--repeat", type=int, default=3, help="raw and ingest runs, alternated (default 3)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--tracemalloc", action="store_true", help="also measure Python allocations (extra run)")
    args = parser.parse_args()
    folder = args.folder or next(f for f in DEFAULT_FOLDERS if f.is_dir())
    result = run(folder, max(1, args.repeat), args.tracemalloc)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        show(result)


if __name__ == "__main__":
    main()

"""Ingest benchmark: the offline pipeline against raw PyMuPDF text extraction over the same PDFs.

    python bench/ingest.py [FOLDER] [--json] [--tracemalloc]

FOLDER defaults to ../shared/corpus-real, else the demo corpus. Measured, in this order:
1. raw: PyMuPDF `page.get_text()` over every page of every file (best of 3 passes; the first pass also warms
   the OS file cache for what follows); wall and CPU time of this process are both reported, since on a
   shared machine the wall-clock ratio also measures other people's load;
2. ingest: `litextract.ingest.ingest` of the folder into a fresh temporary database, offline (no GROBID, no
   LLM); the figure is ingest time / raw time (target <= 1.5);
3. peak memory: the process's maximum resident set size after the ingest (`resource.getrusage`), and with
   `--tracemalloc` the peak of Python allocations during a second, separate ingest (tracemalloc slows Python
   code down, so that run is not timed; MuPDF's own C allocations are not seen by it);
4. re-ingest: the same folder again into the same database, every file unchanged: time per PDF (target <= 20 ms).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pymupdf
from rich.console import Console
from rich.table import Table

from litextract.ingest import RunSummary, find_pdfs, ingest
from litextract.settings import Settings

REPO = Path(__file__).resolve().parents[1]
DEFAULT_FOLDERS = (REPO.parent / "shared" / "corpus-real", REPO / "corpus")
TARGET_RATIO = 1.5
TARGET_REINGEST_MS = 20.0


def raw_text_seconds(pdfs: list[Path]) -> tuple[float, float, int]:
    """Wall and CPU seconds to open every PDF and get the text of every page with PyMuPDF; number of pages."""
    started, cpu = time.perf_counter(), time.process_time()
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
    return time.perf_counter() - started, time.process_time() - cpu, pages


def offline_settings(folder: Path) -> Settings:
    folder.mkdir(parents=True, exist_ok=True)
    return Settings(db=folder / "bench.duckdb", cache_dir=folder / "cache", grobid_url=None, llm_model=None)


def timed_ingest(folder: Path, settings: Settings) -> tuple[float, float, RunSummary]:
    """Wall and CPU seconds of one ingest of `folder`, and its summary."""
    started, cpu = time.perf_counter(), time.process_time()
    summary = ingest([folder], settings)
    return time.perf_counter() - started, time.process_time() - cpu, summary


def max_rss_mib() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 1024  # bytes on macOS, KiB on Linux


def run(folder: Path, with_tracemalloc: bool) -> dict[str, Any]:
    pdfs = find_pdfs([folder])
    if not pdfs:
        raise SystemExit(f"{folder}: no PDF files")
    raw, raw_cpu, pages = min(raw_text_seconds(pdfs) for _ in range(3))
    with tempfile.TemporaryDirectory(prefix="litextract-bench-") as tmp:
        settings = offline_settings(Path(tmp))
        ingest_s, ingest_cpu, first = timed_ingest(folder, settings)
        rss = max_rss_mib()
        again_s, _, again = timed_ingest(folder, settings)
        traced = None
        if with_tracemalloc:
            tracemalloc.start()
            ingest([folder], offline_settings(Path(tmp) / "traced"))
            traced = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
    n = len(pdfs)
    return {
        "folder": str(folder),
        "files": n,
        "pages": pages,
        "ingested": first.count("ingested"),
        "failed": first.count("failed"),
        "raw_text_s": round(raw, 3),
        "ingest_s": round(ingest_s, 3),
        "ratio": round(ingest_s / raw, 2) if raw else None,
        "ratio_target": TARGET_RATIO,
        "raw_text_cpu_s": round(raw_cpu, 3),
        "ingest_cpu_s": round(ingest_cpu, 3),
        "cpu_ratio": round(ingest_cpu / raw_cpu, 2) if raw_cpu else None,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "ingest_ms_per_page": round(1000 * ingest_s / pages, 1) if pages else None,
        "max_rss_mib": round(rss, 1),
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
    table = Table(title=f"ingest benchmark: {r['folder']} ({r['files']} PDFs, {r['pages']} pages)")
    for column in ("measure", "value", "target"):
        table.add_column(column)
    table.add_row("raw PyMuPDF get_text, all pages", f"{r['raw_text_s']:.3f} s", "")
    per_page = f"{r['ingest_s']:.3f} s ({r['ingest_ms_per_page']} ms/page)"
    table.add_row("litextract ingest (offline, fresh DB)", per_page, "")
    table.add_row(
        f"[bold]ratio ingest / raw[/bold] ({r['ingested']} ingested, {r['failed']} failed)",
        f"[bold]{r['ratio']}[/bold]",
        f"<= {r['ratio_target']} {_verdict(r['ratio'] <= r['ratio_target'])}",
    )
    table.add_row(
        "same, CPU time of this process (less sensitive to other load)",
        f"{r['ingest_cpu_s']:.3f} s / {r['raw_text_cpu_s']:.3f} s",
        f"ratio {r['cpu_ratio']}",
    )
    table.add_row("peak RSS of the process", f"{r['max_rss_mib']} MiB", "")
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
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--tracemalloc", action="store_true", help="also measure Python allocations (extra run)")
    args = parser.parse_args()
    folder = args.folder or next(f for f in DEFAULT_FOLDERS if f.is_dir())
    result = run(folder, args.tracemalloc)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        show(result)


if __name__ == "__main__":
    main()

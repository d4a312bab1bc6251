"""Dashboard speed on a large database: each view's queries, and a headless AppTest run of each view.

    python bench/synthetic_db.py /tmp/bench.duckdb --papers 10000
    python bench/dashboard.py /tmp/bench.duckdb

Query times are uncached (what a view costs right after a write: one read-only connection per query, as
the dashboard opens them). AppTest times are a whole script run of the view, cold (caches cleared) and warm
(the same run again, as on a rerun after a click). Medians of --repeat runs. The target is < 1 s per view.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.testing.v1 import AppTest

from litextract import agreement, prisma
from litextract.dashboard import downloads, pdf_page
from litextract.dashboard.nav import VIEWS
from litextract.store import connect, queries, screening

APP = Path(__file__).resolve().parents[1] / "app.py"
PAGES = "src/litextract/dashboard/pages"


def timed(fn: Callable[[], Any], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def query(db: Path, name: str, **kwargs: Any) -> Callable[[], Any]:
    def run() -> Any:
        with connect(db, read_only=True) as con:
            return getattr(queries, name)(con, **kwargs)

    return run


def review(db: Path, function: Callable[..., Any], **kwargs: Any) -> Callable[[], Any]:
    def run() -> Any:
        with connect(db, read_only=True) as con:
            return function(con, **kwargs)

    return run


def view_queries(db: Path) -> dict[str, list[tuple[str, Callable[[], Any]]]]:
    """The queries each view runs, with arguments like a user's first clicks."""
    with connect(db, read_only=True) as con:
        some = queries.filter_papers(con)[:3]
        top = queries.leaderboard_choices(con)[0]
        facets = queries.facets(con)
        item = queries.review_queue(con, limit=1)[0]
    pid = some[0]["paper_id"]
    narrow = {"search": "nodule", "modalities": facets["modalities"][:2], "backbones": facets["backbones"][:5]}
    return {
        "overview": [
            ("overview_counts", query(db, "overview_counts")),
            ("papers_by_year", query(db, "papers_by_year")),
            ("papers_by_modality", query(db, "papers_by_modality")),
            ("errors", query(db, "errors")),
            ("llm_usage", query(db, "llm_usage")),
        ],
        "papers": [
            ("facets", query(db, "facets")),
            ("filter_papers (all)", query(db, "filter_papers")),
            ("filter_papers (search+modality+backbone)", query(db, "filter_papers", **narrow)),
            ("filter_papers (verified only)", query(db, "filter_papers", verified_only=True)),
            ("paper", query(db, "paper", paper_id=pid)),
            ("datasets(paper)", query(db, "datasets", paper_id=pid, include_rejected=True)),
            ("models(paper)", query(db, "models", paper_id=pid, include_rejected=True)),
            ("results(paper)", query(db, "results", paper_id=pid, include_rejected=True)),
            ("reviews(paper)", query(db, "reviews", paper_id=pid)),
        ],
        "datasets": [
            ("dataset_catalogue", query(db, "dataset_catalogue")),
            ("filter_papers(dataset)", query(db, "filter_papers", datasets=[top["dataset"]])),
        ],
        "leaderboards": [
            ("leaderboard_choices", query(db, "leaderboard_choices")),
            ("leaderboard", query(db, "leaderboard", dataset=top["dataset"], metric=top["metric"])),
            ("compare_results(3 papers)", query(db, "compare_results", paper_ids=[p["paper_id"] for p in some])),
        ],
        "screening": [
            ("screening_table", review(db, screening.screening_table, reviewer="bench")),
        ],
        "prisma": [
            ("prisma flow", review(db, prisma.flow)),
            ("agreement", review(db, agreement.agreement)),
        ],
        "review": [
            ("review_progress", query(db, "review_progress")),
            ("review_queue_size", query(db, "review_queue_size")),
            ("review_queue", query(db, "review_queue", limit=50)),
            ("record", query(db, "record", kind=item["kind"], record_id=item["record_id"])),
            ("reviews", query(db, "reviews", limit=20)),
            (
                "render PDF page",
                lambda: pdf_page.render(Path(item["path"]), item["evidence_page"], item["evidence_quote"]),
            ),
        ],
        "export (on click)": [
            ("filtered tables, all papers", lambda: downloads.filtered_tables(None)),
        ],
    }


def app_run(view: str, query_params: dict[str, str], cold: bool) -> float:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    if view != "overview":
        at.switch_page(f"{PAGES}/{VIEWS[view][2]}.py")
    for key, value in query_params.items():
        at.query_params[key] = value
    if cold:
        st.cache_data.clear()
        st.cache_resource.clear()
    started = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(f"{view}: {at.exception[0].value}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # AppTest and cache clearing outside a server warn on every run
    os.environ["LITEXTRACT_DB"] = str(args.db)
    with connect(args.db, read_only=True) as con:
        counts = queries.overview_counts(con)
        pid = queries.filter_papers(con)[0]["paper_id"]
    print(f"{args.db}: {counts}")
    print(f"\nqueries (uncached, median of {args.repeat}):")
    for view, steps in view_queries(args.db).items():
        times = [(label, timed(fn, args.repeat)) for label, fn in steps]
        print(f"  {view:<18} {sum(t for _, t in times) * 1000:7.0f} ms total")
        for label, t in times:
            print(f"      {label:<44} {t * 1000:7.1f} ms")
    print(f"\nAppTest script run per view (median of {args.repeat}; cold = caches cleared):")
    app_run("overview", {}, cold=True)  # imports and first-run setup, not counted
    for view, params in (
        ("overview", {}),
        ("papers", {}),
        ("papers", {"paper": pid}),
        ("datasets", {}),
        ("leaderboards", {}),
        ("screening", {}),
        ("review", {}),
        ("conflicts", {}),
        ("prisma", {}),
        ("ingest", {}),
        ("export", {}),
    ):
        cold = statistics.median(app_run(view, params, cold=True) for _ in range(args.repeat))
        warm = statistics.median(app_run(view, params, cold=False) for _ in range(args.repeat))
        label = view + (" (paper page)" if params else "")
        print(f"  {label:<22} cold {cold * 1000:7.0f} ms   warm {warm * 1000:7.0f} ms")


if __name__ == "__main__":
    main()

"""Models & leaderboards: every model reported on a dataset and metric, ranked, over time, and side by side."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from litextract.dashboard import data, tables
from litextract.store import queries
from litextract.vocab import vocabulary

LOWER_IS_BETTER_KINDS = {"distance", "error"}


def lower_is_better(metric: str) -> bool:
    """Metrics the vocabulary says are better lower (`higher_is_better = false`: distances, errors, parameter
    counts, FID) rank ascending; for an entry without that attribute, its kind decides."""
    entry = vocabulary().lookup("metric", metric)
    if entry and "higher_is_better" in entry.attrs:
        return not entry.attrs["higher_is_better"]
    return bool(entry and entry.attrs.get("kind") in LOWER_IS_BETTER_KINDS)


def render() -> None:
    st.title("Models & leaderboards")
    choices = data.read("leaderboard_choices")
    if not choices:
        st.info("No results with a dataset yet.")
        return
    datasets = list(dict.fromkeys(row["dataset"] for row in choices))
    left, middle, right = st.columns([2, 1, 1])
    dataset = left.selectbox("Dataset", datasets, key="lb_dataset")
    metrics = [row["metric"] for row in choices if row["dataset"] == dataset]
    metric = middle.selectbox("Metric", metrics, key="lb_metric")
    verified_only = right.toggle("Verified values only", key="lb_verified")
    if metric is None:
        return
    slices = data.read("leaderboard_slices", dataset=dataset, metric=metric)
    targets = list(dict.fromkeys(row["target"] for row in slices))
    splits = [s for s in queries.LEADERBOARD_SPLITS if any(row["split"] == s for row in slices)] or ["test"]
    left, middle, right = st.columns([2, 1, 1])
    target = left.selectbox("Target", targets, format_func=lambda t: t or "overall", key="lb_target")
    split = middle.selectbox("Split", splits, key="lb_split")  # ranked only against values on the same split
    include_cited = right.toggle("Values quoted from other papers", key="lb_cited")
    include_ablation = right.toggle("Ablation rows", key="lb_ablation")
    ascending = lower_is_better(metric)
    board = data.read(
        "leaderboard", dataset=dataset, metric=metric, lower_is_better=ascending, verified_only=verified_only,
        target=target, split=split, include_cited=include_cited, include_ablation=include_ablation,
    )
    st.caption(
        f"{len(board)} results on the {split} split, {target or 'overall'}, {'lower' if ascending else 'higher'}"
        " is better (a result that states no split counts as test)."
    )
    frame = pd.DataFrame(
        board,
        columns=[
            "rank",
            "model",
            "backbone",
            "value",
            "as_printed",
            "std",
            "split",
            "target",
            "setting",
            "source",
            "proposed",
            "title",
            "year",
            "venue",
            "evidence_page",
            "evidence_quote",
            "verified",
            "review_status",
            "paper_id",
        ],
    )
    tables.show(frame)
    if board:
        st.subheader("Reported values over the years")
        st.altair_chart(over_years(frame, metric), width="stretch")
        compare(board)


def over_years(frame: pd.DataFrame, metric: str) -> alt.Chart:
    points = frame.dropna(subset=["year"]).assign(
        role=frame["proposed"].map({True: "proposed in the paper", False: "baseline"}).fillna("not linked to a model")
    )
    return (
        alt.Chart(points)
        .mark_circle(size=90)
        .encode(
            x=alt.X("year:O", title="year"),
            y=alt.Y("value:Q", title=metric, scale=alt.Scale(zero=False)),
            color=alt.Color(
                "role:N",
                title=None,
                scale=alt.Scale(
                    domain=["proposed in the paper", "baseline", "not linked to a model"],
                    range=["#d62728", "#1f77b4", "#9e9e9e"],
                ),
            ),
            tooltip=["model", "backbone", "as_printed", "title", "year", "venue"],
        )
    )


def compare(board: list[dict[str, Any]]) -> None:
    """Every result of a few chosen papers, one column per paper."""
    st.subheader("Compare papers side by side")
    titles = {row["paper_id"]: f"{row['title'] or row['paper_id']} ({row['year'] or 'n.d.'})" for row in board}
    chosen = st.multiselect(
        "Papers", list(titles), format_func=titles.__getitem__, max_selections=6, key="lb_compare"
    )
    if not chosen:
        st.caption("Pick papers from this leaderboard to see all their results next to each other.")
        return
    found = pd.DataFrame(data.read("compare_results", paper_ids=chosen))
    if found.empty:
        return
    found["paper"] = found["paper_id"].map(titles)
    found["dataset"] = found["dataset"].fillna("(no dataset)")
    found["cell"] = found["model"] + ": " + found["as_printed"].fillna(found["value"].astype(str))
    table = found.pivot_table(
        index=["dataset", "metric"], columns="paper", values="cell", aggfunc="; ".join, dropna=False
    ).fillna("")
    st.dataframe(table, width="stretch")

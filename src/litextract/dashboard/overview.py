"""Overview: how much is stored, what is left to check, and which files failed."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from litextract.dashboard import data, nav, tables


def render() -> None:
    st.title("Overview")
    counts = data.read("overview_counts")
    labels = {
        "papers": "Papers",
        "datasets": "Dataset mentions",
        "models": "Models",
        "results": "Results",
        "unverified": "Unverified values",
        "failed_files": "Failed files",
    }
    for column, (key, label) in zip(st.columns(len(labels)), labels.items(), strict=True):
        column.metric(label, f"{counts[key]:,}")
    if counts["unverified"]:
        nav.link("review", f"Review the {counts['unverified']:,} unverified values")

    left, right = st.columns(2)
    with left:
        st.subheader("Papers by year")
        by_year = pd.DataFrame(data.read("papers_by_year"), columns=["year", "papers"])
        by_year["year"] = by_year["year"].map(lambda y: "unknown" if pd.isna(y) else str(int(y)))
        st.bar_chart(by_year, x="year", y="papers", height=280)
    with right:
        st.subheader("Papers by imaging modality")
        by_modality = pd.DataFrame(data.read("papers_by_modality"), columns=["modality", "papers"])
        st.altair_chart(
            alt.Chart(by_modality)
            .mark_bar()
            .encode(
                x=alt.X("papers:Q", title="papers", axis=alt.Axis(tickMinStep=1)),
                y=alt.Y("modality:N", sort="-x", title=None, axis=alt.Axis(labelOverlap=False, labelLimit=180)),
                tooltip=["modality", "papers"],
            )
            .properties(height=max(120, 22 * len(by_modality))),
            width="stretch",
        )

    st.subheader("Ingest errors")
    errors = data.read("errors")
    if errors:
        tables.show(pd.DataFrame(errors))
    else:
        st.caption("No file has failed.")

    checks = data.read("verifications")
    if checks:
        st.subheader("Verification runs")
        verdicts = pd.DataFrame(checks).groupby(["check_kind", "verdict"]).size().rename("checks").reset_index()
        tables.show(verdicts)
    usage = data.read("llm_usage")
    if usage:
        st.subheader("LLM calls")
        tables.show(pd.DataFrame(usage))

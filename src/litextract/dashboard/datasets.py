"""Datasets catalogue: each canonical dataset with its aliases, modality, size, tasks and the papers using it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from litextract.dashboard import data, nav


def render() -> None:
    st.title("Datasets")
    catalogue = data.read("dataset_catalogue")
    st.caption(f"{len(catalogue):,} datasets; rejected mentions are left out.")
    frame = pd.DataFrame(
        catalogue,
        columns=["dataset", "aliases", "modality", "body_part", "size_text", "tasks", "public", "url", "n_papers"],
    )
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        height=420,
        column_config={
            "aliases": st.column_config.ListColumn("Aliases"),
            "tasks": st.column_config.ListColumn("Tasks"),
            "url": st.column_config.LinkColumn("URL"),
            "public": st.column_config.CheckboxColumn("Public"),
            "n_papers": st.column_config.NumberColumn("Papers"),
        },
    )
    if not catalogue:
        return
    name = st.selectbox("Papers using", [row["dataset"] for row in catalogue], key="catalogue_dataset")
    using = data.read("filter_papers", datasets=[name])
    st.dataframe(
        pd.DataFrame(using, columns=["year", "title", "venue", "n_results", "paper_id"]),
        hide_index=True,
        width="stretch",
        column_config={"year": st.column_config.NumberColumn(format="%d")},
    )
    for row in using[:10]:
        nav.link("papers", f"{row['title'] or row['paper_id']} ({row['year'] or 'n.d.'})", paper=row["paper_id"])

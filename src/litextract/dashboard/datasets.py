"""Datasets catalogue: each canonical dataset with its aliases, modality, size, tasks and the papers using it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from litextract.dashboard import data, nav, tables


def render() -> None:
    st.title("Datasets")
    catalogue = data.read("dataset_catalogue")
    st.caption(f"{len(catalogue):,} datasets; rejected mentions are left out.")
    frame = pd.DataFrame(
        catalogue,
        columns=["dataset", "aliases", "modality", "body_part", "size_text", "tasks", "public", "url", "n_papers"],
    )
    tables.show(frame, height=420)
    if not catalogue:
        return
    name = st.selectbox("Papers using", [row["dataset"] for row in catalogue], key="catalogue_dataset")
    using = data.read("filter_papers", datasets=[name])
    tables.show(pd.DataFrame(using, columns=["year", "title", "venue", "n_results", "paper_id"]))
    for row in using[:10]:
        nav.link("papers", f"{row['title'] or row['paper_id']} ({row['year'] or 'n.d.'})", paper=row["paper_id"])

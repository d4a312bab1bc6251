"""Papers: the filterable table, and one paper's header, records and evidence."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st

from litextract.dashboard import data, filters, nav, tables
from litextract.dashboard.extraction_form import paper_review
from litextract.dashboard.review_forms import paper_form
from litextract.records import HEADER_FIELDS

EVIDENCE_COLUMNS = ["evidence_page", "evidence_quote", "verified", "score", "review_status"]


def render() -> None:
    chosen = filters.sidebar_filters()
    found = data.read("filter_papers", **chosen)
    selected = st.query_params.get("paper")
    if selected:
        paper_page(selected)
        st.divider()
    st.title("Papers")
    st.caption(f"{len(found):,} papers match the filters; select a row to open the paper.")
    table = pd.DataFrame(
        found,
        columns=[
            "paper_id",
            "year",
            "title",
            "authors",
            "venue",
            "datasets",
            "modalities",
            "backbones",
            "n_datasets",
            "n_models",
            "n_results",
            "review_status",
            "file",
        ],
    )
    event: Any = tables.show(
        table,
        height=420,
        on_select="rerun",
        selection_mode="single-row",
        key="papers_table",
    )
    picked = event.selection.rows if event else []
    if picked and table.iloc[picked[0]]["paper_id"] != selected:
        st.query_params["paper"] = table.iloc[picked[0]]["paper_id"]
        st.rerun()


def paper_page(paper_id: str) -> None:
    """One paper: header with the parser of each field, its records with evidence, checks and reviews."""
    paper = data.read("paper", paper_id=paper_id)
    if paper is None:
        st.warning(f"No paper with id {paper_id}.")
        return
    st.title(paper["title"] or paper["file"])
    reviewed = f" · header {paper['review_status']}" if paper["review_status"] else ""
    st.caption(f"{paper['file']} · {paper['n_pages']} pages · id {paper_id} · parsed by {paper['parser']}{reviewed}")
    nav.link("review", "Review this paper's values", paper=paper_id)
    st.subheader("Header")
    tables.show(header_rows(paper))
    with st.expander("Review the header"):
        paper_form(paper)
    paper_review(paper_id)
    for kind, title in (("datasets", "Datasets"), ("models", "Models"), ("results", "Results")):
        records = data.read(kind, paper_id=paper_id, include_rejected=True)
        st.subheader(f"{title} ({len(records)})")
        if records:
            frame = pd.DataFrame(records).drop(columns=["paper_id", "title", "year", "venue"], errors="ignore")
            first = [c for c in frame.columns if c not in [*EVIDENCE_COLUMNS, "record_id", "extractor"]]
            tables.show(frame[first + EVIDENCE_COLUMNS])
    checks = data.read("verifications", paper_id=paper_id)
    if checks:
        st.subheader("Verification runs")
        tables.show(pd.DataFrame(checks))
    history = data.audit_trail(paper_id=paper_id)
    if history:
        st.subheader("Review history")
        tables.show(pd.DataFrame(history))


def header_rows(paper: dict[str, Any]) -> pd.DataFrame:
    """Field, value, which parser produced it, its evidence and whether a reviewer set it."""
    evidence = json.loads(paper["evidence"] or "{}")
    sources = json.loads(paper["field_sources"] or "{}")
    reviewed = set(paper["reviewed_fields"] or [])
    out = []
    for field in HEADER_FIELDS:
        ev = evidence.get(field) or {}
        value = paper[field]
        out.append(
            {
                "field": field,
                "value": "; ".join(value) if isinstance(value, list) else ("" if value is None else str(value)),
                "source": "reviewer" if field in reviewed else sources.get(field, ""),
                "evidence_page": ev.get("page"),
                "evidence_quote": ev.get("quote"),
                "verified": ev.get("verified"),
            }
        )
    return pd.DataFrame(out)

"""The paper filters in the sidebar, shared by the Papers and Export pages and kept across page changes."""

from __future__ import annotations

from typing import Any

import streamlit as st

from litextract.dashboard import data

_SAVED = "paper_filters"  # plain session state survives pages where the filter widgets are not drawn


def _widget_key(name: str) -> str:
    key = f"filter_{name}"
    saved = st.session_state.setdefault(_SAVED, {})
    if key not in st.session_state and name in saved:
        st.session_state[key] = saved[name]
    return key


def sidebar_filters() -> dict[str, Any]:
    """Draw the filters; returns keyword arguments for `queries.filter_papers`."""
    f = data.read("facets")
    side = st.sidebar
    side.header("Filters")
    chosen: dict[str, Any] = {
        "search": side.text_input("Search title, authors, venue, DOI, file", key=_widget_key("search"))
    }
    years = f["years"]
    if years and years[0] < years[-1]:
        key = _widget_key("years")
        if (
            key in st.session_state
            and not years[0] <= min(st.session_state[key]) <= max(st.session_state[key]) <= years[-1]
        ):
            del st.session_state[key]  # the database changed under a saved range
        lo, hi = side.slider("Year", years[0], years[-1], (years[0], years[-1]), key=key)
        if (lo, hi) != (years[0], years[-1]):
            chosen |= {"year_min": lo, "year_max": hi}
    for name, label, options in (
        ("venues", "Venue", f["venues"]),
        ("modalities", "Modality", f["modalities"]),
        ("tasks", "Task", f["tasks"]),
        ("backbones", "Backbone", f["backbones"]),
        ("datasets", "Dataset", f["datasets"]),
    ):
        key = _widget_key(name)
        if key in st.session_state:  # drop choices that no longer exist (e.g. after a review edit)
            st.session_state[key] = [v for v in st.session_state[key] if v in options]
        chosen[name] = side.multiselect(label, options, key=key)
    chosen["verified_only"] = side.toggle(
        "Verified values only", key=_widget_key("verified_only"), help="quote found on its page, or reviewed"
    )
    st.session_state[_SAVED] = {
        name: st.session_state[f"filter_{name}"]
        for name in ("search", "years", "venues", "modalities", "tasks", "backbones", "datasets", "verified_only")
        if f"filter_{name}" in st.session_state
    }
    return chosen

"""Column settings shared by the views' tables: readable labels, lists as chips, evidence columns."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
import streamlit as st

_SPECIAL: dict[str, Any] = {
    "paper_id": None,  # hidden
    "record_id": None,
    "title": st.column_config.TextColumn("Title", width="large"),
    "year": st.column_config.NumberColumn("Year", format="%d"),
    "evidence_page": st.column_config.NumberColumn("Page", format="%d"),
    "evidence_quote": st.column_config.TextColumn("Evidence quote", width="large"),
    "score": st.column_config.ProgressColumn("Grounding", min_value=0, max_value=100, format="%.0f"),
    "url": st.column_config.LinkColumn("URL"),
    "n_papers": st.column_config.NumberColumn("Papers"),
    "n_datasets": st.column_config.NumberColumn("Datasets"),
    "n_models": st.column_config.NumberColumn("Models"),
    "n_results": st.column_config.NumberColumn("Results"),
    "size_text": st.column_config.TextColumn("Size"),
    "as_printed": st.column_config.TextColumn("As printed"),
}
_LISTS = {"authors", "aliases", "tasks", "datasets", "modalities", "backbones", "reviewed_fields"}
_CHECKS = {"verified", "proposed", "public", "uses_deep_learning", "uses_medical_imaging"}


def columns(names: Iterable[str]) -> dict[str, Any]:
    """A `column_config` for these columns: sentence-case labels, lists as chips, booleans as checkboxes."""
    config: dict[str, Any] = {}
    for name in names:
        label = name.replace("_", " ").capitalize()
        if name in _SPECIAL:
            config[name] = _SPECIAL[name]
        elif name in _LISTS:
            config[name] = st.column_config.ListColumn(label)
        elif name in _CHECKS:
            config[name] = st.column_config.CheckboxColumn(label)
        else:
            config[name] = st.column_config.Column(label)
    return config


def show(frame: pd.DataFrame, **options: Any) -> Any:
    """`st.dataframe` of the whole width, without the index, with `columns()` labels."""
    return st.dataframe(frame, hide_index=True, width="stretch", column_config=columns(frame.columns), **options)

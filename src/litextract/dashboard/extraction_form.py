"""A paper's screening decisions and the review's own extraction form (`fields` in litextract.toml), filled by
each reviewer on the paper page."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from litextract.dashboard import data, nav, tables
from litextract.dashboard.review_forms import attempt
from litextract.protocol import STAGES, CustomField
from litextract.store import screening
from litextract.store.decisions import value_text


def paper_review(paper_id: str) -> None:
    me = data.reviewer()
    table = data.read_review("litextract.store.screening:screening_table", reviewer=me)
    row = next((r for r in table if r["paper_id"] == paper_id), None)
    st.subheader("Screening")
    if row is not None:
        summary = []
        for stage in STAGES:
            name = screening.column(stage)
            said = row[name] or "not screened"
            if row[f"{name}_reason"]:
                said += f" ({row[f'{name}_reason']})"
            if row[f"{name}_by"]:
                said += f", by {row[f'{name}_by']}"
            summary.append(f"{stage}: {said}")
        st.write(" · ".join(summary))
    nav.link("screening", "Screen papers")
    fields = data.protocol().fields
    if not fields:
        return
    st.subheader("Extraction form")
    found = data.read_review("litextract.store.screening:field_values", paper_id=paper_id, reviewer=me)
    tables.show(pd.DataFrame(found, columns=["field", "type", "value", "mine", "others", "decided_by"]))
    mine = {f["field"]: f["mine"] for f in found}
    with st.form(key=f"fields_{paper_id}", border=False):
        columns = st.columns(2)
        for i, field in enumerate(fields):
            with columns[i % 2]:
                _widget(field, mine.get(field.name), f"field_{paper_id}_{field.name}")
        st.form_submit_button("Save my answers", icon=":material/save:", on_click=_save, args=(paper_id, mine))


def _widget(field: CustomField, value: Any, key: str) -> None:
    shown = value_text(value)
    if field.type in ("bool", "choice"):
        options = ["", "yes", "no"] if field.type == "bool" else ["", *field.values]
        st.selectbox(field.name, options, index=options.index(shown) if shown in options else 0, key=key,
                     help=field.help or None)  # fmt: skip
    else:
        st.text_input(field.name, value=shown, key=key, help=field.help or None)


def _save(paper_id: str, mine: dict[str, Any]) -> None:
    protocol, me = data.protocol(), data.reviewer()
    changed = {
        f.name: st.session_state.get(f"field_{paper_id}_{f.name}", "")
        for f in protocol.fields
        if st.session_state.get(f"field_{paper_id}_{f.name}", "") != value_text(mine.get(f.name))
    }

    def save(con: Any) -> None:
        for name, value in changed.items():
            screening.set_field(con, paper_id, name, value, me, protocol=protocol)

    attempt(f"{len(changed)} fields saved" if changed else "nothing changed", save)

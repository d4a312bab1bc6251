"""Accept / edit / reject controls for one value or a paper header; each action is one write transaction."""

from __future__ import annotations

from typing import Any

import streamlit as st

from litextract.dashboard import data
from litextract.store.decisions import EDITABLE, PAPER_FIELDS, ReviewError

_DONE = "review_done"  # message shown after the rerun that follows an action


def act(action: str, kind: Any, record_id: str, changes: dict[str, Any] | None = None) -> None:
    """Apply a review action; the outcome is shown on the next run."""
    try:
        data.write_review(action, kind, record_id, changes)
        st.session_state[_DONE] = ("success", f"{kind} {'edit' if action == 'edit' else action}ed")
    except ReviewError as exc:
        st.session_state[_DONE] = ("error", str(exc))


def show_outcome() -> None:
    """The message of the last review action, once."""
    outcome = st.session_state.pop(_DONE, None)
    if outcome:
        level, text = outcome
        (st.success if level == "success" else st.error)(text)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def edit_form(kind: str, row: dict[str, Any], key: str) -> None:
    """A form with the editable fields of `row`; lists are written separated by ';', empty = no value."""
    fields = EDITABLE[kind]
    with st.form(key=f"edit_{key}", border=False):
        columns = st.columns(3)
        entered = {}
        for i, name in enumerate(fields):
            label = name + (" (separate with ;)" if fields[name].is_list else "")
            entered[name] = columns[i % 3].text_input(label, value=_text(row.get(name)), key=f"edit_{key}_{name}")
        submitted = st.form_submit_button("Save edit", icon=":material/edit:")
    if submitted:
        changed = {name: value for name, value in entered.items() if value != _text(row.get(name))}
        act("edit", kind, row["paper_id"] if kind == "paper" else row["record_id"], changed)
        st.rerun()


def paper_form(paper: dict[str, Any]) -> None:
    """Accept the parsed header as it is, or correct some of its fields."""
    show_outcome()
    st.button(
        "Accept header",
        key=f"accept_paper_{paper['paper_id']}",
        icon=":material/check:",
        on_click=act,
        args=("accept", "paper", paper["paper_id"]),
    )
    edit_form("paper", {k: paper[k] for k in (*PAPER_FIELDS, "paper_id")}, key=f"paper_{paper['paper_id']}")

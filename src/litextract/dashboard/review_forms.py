"""Accept / edit / reject controls for one value or a paper header; each action is one write transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from litextract.dashboard import data
from litextract.protocol import ProtocolError
from litextract.store import decisions
from litextract.store.decisions import EDITABLE, PAPER_FIELDS, ReviewError

_DONE = "review_done"  # message shown after the rerun that follows an action


def act(action: str, kind: Any, record_id: str, changes: dict[str, Any] | None = None) -> None:
    """Apply a review action (a button's callback); the outcome is shown on the next run."""
    applied(action, kind, record_id, changes)


def applied(action: str, kind: Any, record_id: str, changes: dict[str, Any] | None = None) -> bool:
    """Apply a review action; the outcome is shown on the next run. True when it was applied."""
    try:
        data.write_review(action, kind, record_id, changes)
        st.session_state[_DONE] = ("success", f"{kind} {'edit' if action == 'edit' else action}ed")
        return True
    except ReviewError as exc:
        st.session_state[_DONE] = ("error", str(exc))
        return False


def attempt(done: str, function: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
    """`data.write(function, ...)`; `done` (or the reason it was refused) is shown on the next run."""
    try:
        data.write(function, *args, **kwargs)
    except (ReviewError, ProtocolError) as exc:
        st.session_state[_DONE] = ("error", str(exc))
        return False
    st.session_state[_DONE] = ("success", done)
    return True


def accept_all(kind: Any, record_ids: list[str]) -> None:
    """Accept every one of these values (each its own decision and audit row), e.g. one table's results."""
    who, protocol = data.reviewer(), data.protocol()

    def accept(con: Any) -> None:
        for rid in record_ids:
            decisions.accept(con, kind, rid, who, protocol=protocol)

    attempt(f"{len(record_ids)} {kind}s accepted", accept)


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


def edit_form(kind: str, row: dict[str, Any], key: str, after: Callable[[], None] | None = None) -> None:
    """A form with the editable fields of `row`; lists are written separated by ';', empty = no value. `after` runs
    once an edit was saved (before the next run)."""
    fields = EDITABLE[kind]
    record_id = row["paper_id"] if kind == "paper" else row["record_id"]

    def save() -> None:
        entered = {name: str(st.session_state.get(f"edit_{key}_{name}", "")) for name in fields}
        changed = {name: value for name, value in entered.items() if value != _text(row.get(name))}
        if applied("edit", kind, record_id, changed) and after is not None:
            after()

    with st.form(key=f"edit_{key}", border=False):
        columns = st.columns(3)
        for i, name in enumerate(fields):
            label = name + (" (separate with ;)" if fields[name].is_list else "")
            columns[i % 3].text_input(label, value=_text(row.get(name)), key=f"edit_{key}_{name}")
        st.form_submit_button("Save edit", icon=":material/edit:", on_click=save)


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

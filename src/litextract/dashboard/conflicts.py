"""Conflicts: papers and values two reviewers decided differently, each resolved by a consensus decision."""

from __future__ import annotations

import streamlit as st

from litextract import agreement
from litextract.dashboard import data, nav
from litextract.dashboard.review_forms import attempt, show_outcome


def render() -> None:
    st.title("Conflicts")
    show_outcome()
    found = data.read("litextract.agreement:conflicts")
    st.caption(
        "A paper or value two reviewers decided differently. Adopting one reviewer's decision records it as your"
        f" consensus decision ({data.reviewer()}), which settles the item; `litextract resolve` does the same."
    )
    if not found:
        st.success("No open conflicts.")
        return
    for conflict in found:
        with st.container(border=True):
            st.markdown(f"**{conflict['what']}** · {conflict['title'] or conflict['file']}")
            st.caption(f"{conflict['id']} · {conflict['file']}")
            st.write(conflict["decisions"])
            buttons = st.columns(len(conflict["reviewers"]) + 1)
            for column, reviewer in zip(buttons, conflict["reviewers"], strict=False):
                column.button(
                    f"Adopt {reviewer}'s decision",
                    key=f"adopt_{conflict['id']}_{reviewer}",
                    on_click=_adopt,
                    args=(conflict["id"], reviewer),
                )
            with buttons[-1]:
                nav.link("papers", "Open the paper", paper=conflict["paper_id"])


def _adopt(conflict: str, reviewer: str) -> None:
    said = f"{conflict}: {reviewer}'s decision adopted"
    attempt(said, agreement.resolve, conflict, reviewer, data.reviewer(), data.protocol())

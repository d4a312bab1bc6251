"""Screening: one paper at a time at the title/abstract or full-text stage; include, exclude with a reason, maybe.

The extractor's flags (deep learning? medical imaging?) are shown as a hint beside the abstract, never taken as a
decision; a bulk decision for the papers a flag selects is made only after the list was shown and confirmed.
Keyboard: I include, M maybe, X exclude (with the reason chosen), N next.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st

from litextract.dashboard import data, nav, tables
from litextract.dashboard.review_forms import attempt, show_outcome
from litextract.protocol import STAGES
from litextract.store import screening

_SELECTED = "screen_paper"
_STAGE_NAMES = {"abstract": "Title and abstract", "full-text": "Full text"}
_HINT = {True: "yes", False: "no", None: "not known"}


def render() -> None:
    st.title("Screening")
    show_outcome()
    protocol, me = data.protocol(), data.reviewer()
    stage = st.segmented_control(
        "Stage", list(STAGES), format_func=_STAGE_NAMES.__getitem__, key="screen_stage", default="abstract"
    )
    stage = stage or "abstract"
    table = data.read_review("litextract.store.screening:screening_table", reviewer=me)
    todo = screening.to_screen(table, stage, me, protocol)
    column = screening.column(stage)
    candidates = [r for r in table if stage == "abstract" or r[screening.column("abstract")] == "include"]
    done = len(candidates) - len(todo)
    share = done / len(candidates) if candidates else 1.0
    st.progress(share, text=f"{_STAGE_NAMES[stage]}: {done} of {len(candidates)} papers screened by you ({me})")
    if protocol.dual:
        st.caption(
            "Two reviewers screen every paper"
            + (", each blind to the other's decision until both decided." if protocol.blind else ".")
        )
    if todo:
        screen_one(todo, stage)
    else:
        st.success("Nothing left for you to screen at this stage.")
    bulk(table, stage)
    st.subheader("Every paper")
    shown = [
        "title", "year", column, f"{column}_reason", f"{column}_by", f"{column}_mine", f"{column}_others", "file",
    ]  # fmt: skip
    tables.show(pd.DataFrame(table, columns=["paper_id", *shown]))


def screen_one(todo: list[dict[str, Any]], stage: str) -> None:
    rows = {r["paper_id"]: r for r in todo}
    ids = list(rows)
    if st.session_state.get(_SELECTED) not in rows:
        st.session_state[_SELECTED] = ids[0]
    chosen = st.selectbox(
        f"Paper ({len(ids)} to screen)",
        ids,
        format_func=lambda pid: rows[pid]["title"] or rows[pid]["file"],
        key=_SELECTED,
    )
    paper = rows[chosen or ids[0]]
    following = ids[(ids.index(paper["paper_id"]) + 1) % len(ids)] if len(ids) > 1 else None
    st.subheader(paper["title"] or paper["file"])
    authors = "; ".join(paper["authors"] or [])
    st.caption(" · ".join(str(x) for x in (authors, paper["venue"], paper["year"], paper["file"]) if x))
    text, source = screening.abstract(data.read("document_json", paper_id=paper["paper_id"]))
    st.markdown(f"**Abstract** ({source})" if text else "**Abstract**: none found")
    if text:
        st.write(text)
    evidence = json.loads((data.read("paper", paper_id=paper["paper_id"]) or {}).get("evidence") or "{}")
    why = [
        f"{name}: “{evidence[field]['quote']}” (p. {evidence[field]['page']})"
        for field, name in (("uses_deep_learning", "deep learning"), ("uses_medical_imaging", "medical imaging"))
        if evidence.get(field)
    ]
    st.info(
        f"Extractor's hint, not a decision: deep learning {_HINT[paper['uses_deep_learning']]}, medical imaging"
        f" {_HINT[paper['uses_medical_imaging']]}." + "".join(f"\n\n{line}" for line in why),
        icon=":material/lightbulb:",
    )
    others = paper[f"{screening.column(stage)}_others"]
    if others:
        st.caption(f"Other reviewers: {others}")
    nav.link("papers", "Open the paper", paper=paper["paper_id"])
    protocol = data.protocol()
    st.selectbox("Reason to exclude", list(protocol.exclusion_reasons), key="screen_reason")
    buttons = st.container(horizontal=True)  # the buttons side by side, each as wide as its label
    pid = paper["paper_id"]
    buttons.button(
        "Include", key=f"include_{pid}", type="primary", icon=":material/check:", shortcut="I",
        on_click=_decide, args=(pid, stage, "include", following),
    )  # fmt: skip
    buttons.button(
        "Maybe", key=f"maybe_{pid}", icon=":material/help:", shortcut="M",
        on_click=_decide, args=(pid, stage, "maybe", following),
    )  # fmt: skip
    buttons.button(
        "Exclude", key=f"exclude_{pid}", icon=":material/close:", shortcut="X",
        on_click=_decide, args=(pid, stage, "exclude", following),
    )  # fmt: skip
    buttons.button(
        "Next", key=f"skip_{pid}", icon=":material/skip_next:", shortcut="N",
        disabled=following is None, on_click=_select, args=(following,),
    )  # fmt: skip


def _select(paper_id: str | None) -> None:
    if paper_id is not None:
        st.session_state[_SELECTED] = paper_id


def _decide(paper_id: str, stage: str, decision: str, following: str | None) -> None:
    reason = st.session_state.get("screen_reason") if decision == "exclude" else None  # as chosen when clicked
    said = decision + (f" ({reason})" if reason else "")
    done = attempt(
        f"{stage}: {said}",
        screening.screen,
        [paper_id],
        stage,
        decision,
        data.reviewer(),
        reason=reason,
        protocol=data.protocol(),
    )
    if done:
        _select(following)


def bulk(table: list[dict[str, Any]], stage: str) -> None:
    """One decision for every paper a flag of the extractor selects and you have not screened at this stage, after
    the list was shown and confirmed."""
    protocol = data.protocol()
    with st.expander("Bulk decision for the papers the extractor flagged"):
        flag = st.selectbox("Papers flagged", list(screening.FLAGS), key="bulk_flag")
        field = screening.FLAGS[flag]
        mine = f"{screening.column(stage)}_mine"
        found = [r for r in table if r[field] is False and r[mine] is None]
        decision = st.selectbox("Decision", ["exclude", "maybe", "include"], key="bulk_decision")
        reasons = list(protocol.exclusion_reasons)
        guess = flag.replace("-", " ")
        reason = st.selectbox(
            "Reason", reasons, index=reasons.index(guess) if guess in reasons else 0, key=f"bulk_reason_{flag}",
            disabled=decision != "exclude",
        )  # fmt: skip
        st.caption(f"{len(found)} papers flagged {flag} that you have not screened at this stage:")
        tables.show(pd.DataFrame(found, columns=["paper_id", "title", "year", "file"]))
        sure = st.checkbox(f"I checked these {len(found)} papers", key="bulk_confirm", disabled=not found)
        st.button(
            f"{decision.title()} {len(found)} papers",
            key="bulk_apply",
            disabled=not (sure and found),
            on_click=_bulk,
            args=([r["paper_id"] for r in found], stage, decision, reason if decision == "exclude" else None),
        )


def _bulk(paper_ids: list[str], stage: str, decision: str, reason: str | None) -> None:
    st.session_state["bulk_confirm"] = False  # the next bulk decision is confirmed again
    said = decision + (f" ({reason})" if reason else "")
    attempt(
        f"{len(paper_ids)} papers, {stage}: {said}",
        screening.screen,
        paper_ids,
        stage,
        decision,
        data.reviewer(),
        reason=reason,
        protocol=data.protocol(),
    )

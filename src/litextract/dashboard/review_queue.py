"""Review queue: the values most likely wrong first, each beside its PDF page zoomed to the quote.

Keyboard: A accept, X reject, E edit, N next (Streamlit's own button shortcuts). The selected value is the
selector's record id, and an action moves the selector to the next value before the page is drawn again, so the
selector, the value shown and its buttons always name the same value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from litextract.dashboard import data, nav, pdf_page, tables
from litextract.dashboard.review_forms import accept_all, act, edit_form, show_outcome

PAGE_SIZE = 50
_SELECTED = "queue_item"
_EDITING = "queue_editing"


@st.cache_data(max_entries=64, show_spinner=False)
def _page_image(
    path: str,
    mtime: float,
    page: int,
    quote: str | None,
    bbox: tuple[float, ...] | None,
    whole: bool,
    value: str | None,
) -> pdf_page.Rendered:
    return pdf_page.render(Path(path), page, quote, bbox=bbox, whole_page=whole, value=value)


def _mine() -> dict[str, Any]:
    """The queue's reviewer: with two reviewers required, each has a queue of their own."""
    return {"reviewer": data.reviewer(), "dual": data.protocol().dual}


def render() -> None:
    st.title("Review queue")
    show_outcome()
    paper_id = st.query_params.get("paper")
    top = st.columns([1, 1, 2])
    kinds = {"all values": None, "datasets": "dataset", "models": "model", "results": "result"}
    kind = kinds[top[0].selectbox("Show", list(kinds), key="queue_kind")]
    size = data.read("review_queue_size", kind=kind, paper_id=paper_id, **_mine())
    queue = data.read("review_queue", kind=kind, paper_id=paper_id, limit=PAGE_SIZE, **_mine())
    top[1].metric("Not reviewed yet", f"{size:,}")
    if paper_id:
        with top[2]:
            st.caption(f"Only paper {paper_id}")
            if st.button("Show every paper", icon=":material/filter_alt_off:"):
                del st.query_params["paper"]
                st.rerun()
    _progress("All values", data.read("review_progress", paper_id=paper_id, **_mine()))
    if not queue:
        st.success("Nothing left to review here.")
        history()
        return
    items = {q["record_id"]: q for q in queue}
    ids = list(items)
    if st.session_state.get(_SELECTED) not in items:
        st.session_state[_SELECTED] = ids[0]  # the first value, when the one selected has left the queue
    selected = st.selectbox(
        f"Value (the {len(queue)} likeliest errors first)",
        ids,
        format_func=lambda rid: _label(items[rid]),
        key=_SELECTED,
    )
    item = items[selected or ids[0]]
    following = ids[(ids.index(item["record_id"]) + 1) % len(ids)] if len(ids) > 1 else None
    left, right = st.columns([2, 3], gap="large")
    with left:
        show_item(item, following)
    with right:
        show_page(item)
    if item["kind"] == "result":
        same_table(item)
    history()


def _label(q: dict[str, Any]) -> str:
    return f"{q['kind']}: {q['label']} — {q['detail'] or ''} (p. {q['evidence_page']})"


def _progress(title: str, progress: dict[str, int]) -> None:
    total, done = progress["total"], progress["done"]
    st.progress(done / total if total else 1.0, text=f"{title}: {done:,} of {total:,} reviewed")


def _select(record_id: str | None) -> None:
    """Callback: move the selector to this value (before the selector is drawn again)."""
    st.session_state[_EDITING] = False
    if record_id is not None:
        st.session_state[_SELECTED] = record_id


def _decide(action: str, kind: str, record_id: str, following: str | None) -> None:
    act(action, kind, record_id)
    _select(following)


def show_item(item: dict[str, Any], following: str | None) -> None:
    """The value, why it is early in the queue, its evidence, and the accept / reject / edit / next controls."""
    kind, rid = item["kind"], item["record_id"]
    st.subheader(f"{item['kind'].title()}: {item['label']}")
    if item["detail"]:
        st.write(item["detail"])
    if item["why"]:
        st.warning("Check: " + "; ".join(item["why"]), icon=":material/priority_high:")
    status = "verified" if item["verified"] else "not verified"
    score = "no score" if item["score"] is None else f"grounding score {item['score']:.0f}"
    st.caption(f"Evidence page {item['evidence_page']} · {status} · {score}")
    st.markdown(f"> {item['evidence_quote']}")
    others = data.read_review(
        "litextract.store.decisions:others", subject=kind, item_id=rid, reviewer=data.reviewer()
    )
    if others:
        st.caption("Other reviewers: " + "; ".join(others))
    st.caption(f"Paper: {item['title'] or item['file']}")
    _progress("This paper", data.read("review_progress", paper_id=item["paper_id"], **_mine()))
    nav.link("papers", "Open the paper", paper=item["paper_id"])
    buttons = st.container(horizontal=True)  # the buttons side by side, each as wide as its label
    buttons.button(
        "Accept",
        key=f"accept_{rid}",
        type="primary",
        icon=":material/check:",
        shortcut="A",
        on_click=_decide,
        args=("accept", kind, rid, following),
    )
    buttons.button(
        "Reject",
        key=f"reject_{rid}",
        icon=":material/close:",
        shortcut="X",
        on_click=_decide,
        args=("reject", kind, rid, following),
    )
    buttons.button(
        "Edit",
        key=f"edit_button_{rid}",
        icon=":material/edit:",
        shortcut="E",
        on_click=lambda: st.session_state.update({_EDITING: not st.session_state.get(_EDITING, False)}),
    )
    buttons.button(
        "Next",
        key=f"next_{rid}",
        icon=":material/skip_next:",
        shortcut="N",
        disabled=following is None,
        on_click=_select,
        args=(following,),
    )
    row = data.read("record", kind=kind, record_id=rid)
    if row is not None and st.session_state.get(_EDITING):
        with st.container(border=True):
            edit_form(kind, row, key=rid, after=lambda: _select(following))


def show_page(item: dict[str, Any]) -> None:
    """The cited PDF page with the quote highlighted, zoomed to the quote's region when its place is known."""
    path = data.pdf_path(item["path"])
    bbox = tuple(item["evidence_bbox"]) if item["evidence_bbox"] else None
    whole = st.toggle("Whole page", key="queue_whole_page", disabled=bbox is None)
    try:
        mtime = path.stat().st_mtime
        page = int(item["evidence_page"])
        image = _page_image(str(path), mtime, page, item["evidence_quote"], bbox, whole, item["as_printed"])
    except (OSError, pdf_page.PageError) as exc:
        st.warning(str(exc) if isinstance(exc, pdf_page.PageError) else f"{path}: PDF not found ({exc.strerror})")
        return
    if not image.found:
        st.caption("The quote was not found on this page as printed; read the page to judge the value.")
    where = "the quote's region" if image.zoomed else f"page {item['evidence_page']}"
    with st.container(border=True):
        st.image(image.png, caption=f"{item['file']}, {where} (page {item['evidence_page']})", width="stretch")


def same_table(item: dict[str, Any]) -> None:
    """Every result of this paper on this page still to review (one table's values), to accept together after a
    look."""
    page = int(item["evidence_page"])
    found = data.read("review_queue", kind="result", paper_id=item["paper_id"], page=page, limit=500, **_mine())
    if len(found) < 2:
        return
    with st.expander(f"All {len(found)} results of this paper on page {page} still to review"):
        frame = pd.DataFrame(found)[["label", "detail", "why", "evidence_quote"]]
        tables.show(frame)
        st.button(
            f"Accept all {len(found)}",
            key=f"accept_page_{item['paper_id']}_{page}",
            icon=":material/done_all:",
            on_click=accept_all,
            args=("result", [r["record_id"] for r in found]),
        )


def history() -> None:
    recent = data.audit_trail(limit=20)
    if recent:
        with st.expander(f"Latest review actions ({len(recent)})"):
            tables.show(pd.DataFrame(recent))

"""Review queue: unverified and poorly grounded values first, each beside its PDF page with the quote marked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from litextract.dashboard import data, nav, pdf_page, tables
from litextract.dashboard.review_forms import act, edit_form, show_outcome

PAGE_SIZE = 50


@st.cache_data(max_entries=64, show_spinner=False)
def _page_image(path: str, mtime: float, page: int, quote: str | None) -> pdf_page.Rendered:
    return pdf_page.render(Path(path), page, quote)


def render() -> None:
    st.title("Review queue")
    show_outcome()
    paper_id = st.query_params.get("paper")
    top = st.columns([1, 1, 2])
    kinds = {"all values": None, "datasets": "dataset", "models": "model", "results": "result"}
    kind = kinds[top[0].selectbox("Show", list(kinds), key="queue_kind")]
    size = data.read("review_queue_size", kind=kind, paper_id=paper_id)
    queue = data.read("review_queue", kind=kind, paper_id=paper_id, limit=PAGE_SIZE)
    top[1].metric("Not reviewed yet", f"{size:,}")
    if paper_id:
        with top[2]:
            st.caption(f"Only paper {paper_id}")
            if st.button("Show every paper", icon=":material/filter_alt_off:"):
                del st.query_params["paper"]
                st.rerun()
    if not queue:
        st.success("Nothing left to review here.")
        history()
        return
    labels = {
        i: f"{q['kind']}: {q['label']} — {q['detail'] or ''} (p. {q['evidence_page']})" for i, q in enumerate(queue)
    }
    index = st.selectbox(
        f"Value (the {len(queue)} likeliest errors; unverified first)",
        list(labels),
        format_func=labels.__getitem__,
        key="queue_item",
    )
    item = queue[index if index is not None and index < len(queue) else 0]
    left, right = st.columns([2, 3], gap="large")
    with left:
        show_item(item)
    with right:
        show_page(item)
    history()


def show_item(item: dict[str, Any]) -> None:
    """The value, its evidence, and the accept / reject / edit controls."""
    kind, rid = item["kind"], item["record_id"]
    st.subheader(f"{item['kind'].title()}: {item['label']}")
    if item["detail"]:
        st.write(item["detail"])
    status = "verified" if item["verified"] else "not verified"
    score = "no score" if item["score"] is None else f"grounding score {item['score']:.0f}"
    st.caption(f"Evidence page {item['evidence_page']} · {status} · {score}")
    st.markdown(f"> {item['evidence_quote']}")
    st.caption(f"Paper: {item['title'] or item['file']}")
    nav.link("papers", "Open the paper", paper=item["paper_id"])
    accept, reject = st.columns(2)
    accept.button(
        "Accept",
        key=f"accept_{rid}",
        type="primary",
        icon=":material/check:",
        width="stretch",
        on_click=act,
        args=("accept", kind, rid),
    )
    reject.button(
        "Reject",
        key=f"reject_{rid}",
        icon=":material/close:",
        width="stretch",
        on_click=act,
        args=("reject", kind, rid),
    )
    row = data.read("record", kind=kind, record_id=rid)
    if row is not None:
        with st.expander("Edit the value", expanded=False):
            edit_form(kind, row, key=rid)


def show_page(item: dict[str, Any]) -> None:
    """The cited PDF page rendered with the quote highlighted."""
    path = data.pdf_path(item["path"])
    try:
        mtime = path.stat().st_mtime
        image = _page_image(str(path), mtime, int(item["evidence_page"]), item["evidence_quote"])
    except (OSError, pdf_page.PageError) as exc:
        st.warning(str(exc) if isinstance(exc, pdf_page.PageError) else f"{path}: PDF not found ({exc.strerror})")
        return
    if not image.found:
        st.caption("The quote was not found on this page as printed; read the page to judge the value.")
    with st.container(border=True):
        st.image(image.png, caption=f"{item['file']}, page {item['evidence_page']}", width="stretch")


def history() -> None:
    recent = data.read("reviews", limit=20)
    if recent:
        with st.expander(f"Latest review actions ({len(recent)})"):
            tables.show(pd.DataFrame(recent))

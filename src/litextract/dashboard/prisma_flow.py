"""PRISMA 2020 flow diagram of the review, and the agreement between its reviewers."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from litextract import prisma
from litextract.dashboard import data, nav, tables


def render() -> None:
    st.title("PRISMA 2020 flow")
    flow = data.read_review("litextract.prisma:flow")
    counts = flow.counts()
    diagram = prisma.svg(counts)
    with st.container(border=True, key="prisma_diagram"):
        st.image(diagram, caption="PRISMA 2020 flow diagram")
    st.download_button(
        "Flow diagram (SVG)",
        diagram,
        file_name="prisma-flow.svg",
        mime="image/svg+xml",
        icon=":material/download:",
        on_click="ignore",
    )
    st.caption(
        "Counted from the database (`litextract prisma`): every record is in exactly one final box; papers nobody"
        " has decided yet, maybes and conflicts are counted as awaiting."
    )
    st.subheader("Agreement between reviewers")
    found = data.read_review("litextract.agreement:agreement")
    tables.show(pd.DataFrame(found["measures"]))
    st.caption(
        "Cohen's kappa and percent agreement of each pair of reviewers over the items both decided (consensus"
        " decisions left out): screening as include / exclude / maybe, values as accept / edit / reject, custom"
        " fields by value. Kappa is empty where it is undefined (both used one and the same category)."
    )
    if found["conflicts"]:
        st.warning(f"{len(found['conflicts'])} open conflicts")
        nav.link("conflicts", "Resolve them")

"""The dashboard's pages: one small script per view in `pages/`, named after the module that renders the view,
registered with `st.navigation` under the view's url path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

PAGES_DIR = Path(__file__).parent / "pages"

# url path -> (title, icon, module): pages/<module>.py runs litextract.dashboard.<module>.render()
VIEWS: dict[str, tuple[str, str, str]] = {
    "overview": ("Overview", ":material/dashboard:", "overview"),
    "papers": ("Papers", ":material/article:", "papers"),
    "datasets": ("Datasets", ":material/database:", "datasets"),
    "leaderboards": ("Models & leaderboards", ":material/leaderboard:", "leaderboards"),
    "screening": ("Screening", ":material/filter_list:", "screening"),
    "review": ("Review queue", ":material/fact_check:", "review_queue"),
    "conflicts": ("Conflicts", ":material/call_split:", "conflicts"),
    "prisma": ("PRISMA & agreement", ":material/account_tree:", "prisma_flow"),
    "ingest": ("Ingest", ":material/upload_file:", "upload"),
    "export": ("Export", ":material/download:", "downloads"),
}


def page(key: str) -> Any:
    """The st.Page of a view (equal pages may be built again: Streamlit matches them by url path)."""
    title, icon, module = VIEWS[key]
    return st.Page(PAGES_DIR / f"{module}.py", title=title, icon=icon, url_path=key, default=key == "overview")


def link(key: str, label: str, **query_params: str) -> None:
    """A link to another view, e.g. `link("papers", "Open", paper=pid)`."""
    st.page_link(page(key), label=label, query_params=query_params or None)

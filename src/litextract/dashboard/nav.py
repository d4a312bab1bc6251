"""The dashboard's pages: one small script per view in `pages/`, registered with `st.navigation`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

PAGES_DIR = Path(__file__).parent / "pages"

# url path -> (title, icon); each view's page script is pages/<url path>.py
VIEWS: dict[str, tuple[str, str]] = {
    "overview": ("Overview", ":material/dashboard:"),
    "papers": ("Papers", ":material/article:"),
    "datasets": ("Datasets", ":material/database:"),
    "leaderboards": ("Models & leaderboards", ":material/leaderboard:"),
    "review": ("Review queue", ":material/fact_check:"),
    "ingest": ("Ingest", ":material/upload_file:"),
    "export": ("Export", ":material/download:"),
}


def page(key: str) -> Any:
    """The st.Page of a view (equal pages may be built again: Streamlit matches them by url path)."""
    title, icon = VIEWS[key]
    return st.Page(PAGES_DIR / f"{key}.py", title=title, icon=icon, url_path=key, default=key == "overview")


def link(key: str, label: str, **query_params: str) -> None:
    """A link to another view, e.g. `link("papers", "Open", paper=pid)`."""
    st.page_link(page(key), label=label, query_params=query_params or None)

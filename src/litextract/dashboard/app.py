"""The dashboard entry point: page setup, navigation and the sidebar every view shares."""

from __future__ import annotations

import streamlit as st
from streamlit import config

from litextract.dashboard import access, data, nav
from litextract.store import StoreError


def main() -> None:
    st.set_page_config(page_title="litextract", page_icon=":material/biotech:", layout="wide")
    settings = data.settings()
    password = settings.dashboard_password.get_secret_value() if settings.dashboard_password else None
    allowed = access.gate(password, config.get_option("server.address"))
    # navigation is always declared, so a page's URL cannot run that page past the gate
    current = st.navigation([nav.page(key) for key in nav.VIEWS], position="sidebar" if allowed else "hidden")
    if not allowed:
        return
    st.sidebar.caption(f"Database: `{settings.db}`")
    st.sidebar.text_input("Reviewer", value=settings.reviewer, key="reviewer", help="stored with each review action")
    try:
        current.run()
    except StoreError as exc:
        st.error(str(exc))


if __name__ == "__main__":  # `streamlit run` of this file, as `litextract review` does
    main()

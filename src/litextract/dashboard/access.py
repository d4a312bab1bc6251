"""Who may reach the dashboard: loopback only, unless a password is set; the Streamlit server options that say so.

The dashboard can upload, ingest and change review decisions, so it listens on 127.0.0.1 by default, with
Streamlit's XSRF and CORS protection on, usage statistics off, and WebSocket connections refused unless their
Host header is a loopback name (`server.allowedHosts`, against DNS rebinding). `.streamlit/config.toml` at the
repository root holds the same options for `streamlit run app.py`; `litextract review` passes them as flags.
Served on any other address, it asks for the password (setting `dashboard_password`, environment
LITEXTRACT_DASHBOARD_PASSWORD) before it shows anything, and it refuses to run there without one.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Any

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
PASSWORD_SOURCES = "LITEXTRACT_DASHBOARD_PASSWORD or dashboard_password in litextract.toml"

# The options of .streamlit/config.toml (tests/test_dashboard_security.py checks that they agree).
SAFE_OPTIONS: dict[str, Any] = {
    "server.address": "127.0.0.1",
    "server.enableXsrfProtection": True,
    "server.enableCORS": True,  # false would make Streamlit accept a WebSocket from any origin
    "server.allowedHosts": list(LOOPBACK_HOSTS),
    "browser.gatherUsageStats": False,
    "client.toolbarMode": "viewer",
}


def is_loopback(host: str | None) -> bool:
    """Whether `host` is reachable from this machine only ('localhost' or a loopback address)."""
    if not host:
        return False  # Streamlit's default: every interface
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def exposure_problem(host: str | None, has_password: bool) -> str | None:
    """Why the dashboard must not be served on `host`, or None when it may."""
    if is_loopback(host) or has_password:
        return None
    where = f"on {host}" if host else "on every network interface"
    return (
        f"the dashboard {where} would be open to the network: set a password first ({PASSWORD_SOURCES}),"
        " or serve it on 127.0.0.1"
    )


def server_flags(host: str, port: int, allowed_hosts: list[str] | None = None) -> list[str]:
    """`streamlit run` flags serving on `host`:`port` with SAFE_OPTIONS; WebSocket connections are accepted
    for the loopback names, `host` itself (unless it is a wildcard address) and `allowed_hosts`."""
    names = list(LOOPBACK_HOSTS)
    wildcard = host in ("0.0.0.0", "::", "")
    for name in [*([] if wildcard else [host]), *(allowed_hosts or [])]:
        if name not in names:
            names.append(name)
    options = {**SAFE_OPTIONS, "server.address": host, "server.port": port, "server.allowedHosts": names}
    flags: list[str] = []
    for key, value in options.items():
        for item in value if isinstance(value, list) else [value]:
            flags += [f"--{key}", str(item).lower() if isinstance(item, bool) else str(item)]
    return flags


def password_matches(entered: str, expected: str) -> bool:
    """Compared in constant time."""
    return hmac.compare_digest(entered.encode("utf-8"), expected.encode("utf-8"))


_AUTHENTICATED = "dashboard_authenticated"
_FIELD = "dashboard_password_field"


def gate(password: str | None, address: str | None) -> bool:
    """Whether this browser session may see the dashboard; otherwise shows why not (or asks for the password)."""
    import streamlit as st

    problem = exposure_problem(address, password is not None)
    if problem:
        st.error(f"Not served: {problem}.")
        return False
    if password is None or st.session_state.get(_AUTHENTICATED):
        return True

    def check() -> None:
        entered = str(st.session_state.get(_FIELD) or "")
        st.session_state[_FIELD] = ""  # the password is not kept in the session
        if password_matches(entered, password):
            st.session_state[_AUTHENTICATED] = True
        else:
            st.session_state["dashboard_wrong_password"] = True

    st.title("litextract")
    st.text_input("Password", type="password", key=_FIELD, on_change=check)
    if st.session_state.pop("dashboard_wrong_password", False):
        st.error("wrong password")
    return bool(st.session_state.get(_AUTHENTICATED))

"""The dashboard is not open to the network: loopback only, a foreign Host refused, a password when exposed."""

from __future__ import annotations

import os
import socket
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from litextract.cli import app
from litextract.dashboard import access
from litextract.ingest import ingest
from litextract.settings import load_settings
from litextract.store import connect

from conftest import PAPER_PAGES, free_port, paper_db, running_server, write_pdf

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "app.py"
PASSWORD = "pä55 wörd\\with\"quotes"


def listening_addresses(port: int) -> set[str]:
    """The local addresses with a listening TCP socket on `port` (Linux /proc/net)."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state != "0A" or int(hex_port, 16) != port:  # 0A: LISTEN
                continue
            raw = bytes.fromhex(address)
            if sys.byteorder == "little":  # /proc prints each 32-bit word in host byte order
                raw = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
            family = socket.AF_INET if width == 8 else socket.AF_INET6
            found.add(socket.inet_ntop(family, raw))
    return found


def handshake_status(port: int, host: str) -> int:
    """The HTTP status of a WebSocket upgrade to the dashboard's stream with `host` as Host (and Origin)."""
    request = (
        "GET /_stcore/stream HTTP/1.1\r\n"
        f"Host: {host}\r\n"
        f"Origin: http://{host}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request.encode())
        status_line = s.makefile("rb").readline().decode()
    return int(status_line.split()[1])


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads the listening sockets from /proc/net")
def test_streamlit_run_app_uses_the_shipped_config_loopback_only_and_no_foreign_host(tmp_path: Path) -> None:
    """`streamlit run app.py` from the repository, with no flags: .streamlit/config.toml binds 127.0.0.1 and
    turns away a WebSocket whose Host is not a loopback name (DNS rebinding)."""
    db, _ = paper_db(tmp_path)
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    env = {**os.environ, "LITEXTRACT_DB": str(db)}
    with running_server(command, port, tmp_path / "streamlit.log", cwd=REPO, env=env):
        assert listening_addresses(port) == {"127.0.0.1"}
        assert handshake_status(port, f"127.0.0.1:{port}") == 101  # the dashboard's own page connects
        assert handshake_status(port, f"localhost:{port}") == 101
        assert handshake_status(port, f"evil.example:{port}") == 403
        assert handshake_status(port, "evil.example") == 403


def test_the_shipped_streamlit_config_is_safe() -> None:
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["enableCORS"] is True  # false would accept a WebSocket from any origin
    assert set(config["server"]["allowedHosts"]) == {"localhost", "127.0.0.1", "::1"}
    assert config["browser"]["gatherUsageStats"] is False
    flat = {f"{section}.{key}": value for section, options in config.items() for key, value in options.items()}
    assert flat == access.SAFE_OPTIONS  # `litextract review` passes the same options


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads the listening sockets from /proc/net")
def test_litextract_review_serves_loopback_only_and_refuses_a_foreign_host(tmp_path: Path) -> None:
    db, _ = paper_db(tmp_path)
    port = free_port()
    command = [str(Path(sys.executable).parent / "litextract"), "review", "--db", str(db), "--port", str(port)]
    with running_server(command, port, tmp_path / "review.log", cwd=tmp_path):  # no config file here
        assert listening_addresses(port) == {"127.0.0.1"}
        assert handshake_status(port, f"127.0.0.1:{port}") == 101
        assert handshake_status(port, f"evil.example:{port}") == 403


def review_command(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *args: str, **env: str) -> Any:
    """What `litextract review ARGS` runs: (exit code, output, argv, environment) without starting a server."""
    started: dict[str, Any] = {}

    def fake_execve(path: str, argv: list[str], environment: dict[str, str]) -> None:
        started.update(argv=argv, env=environment)
        raise SystemExit(0)

    monkeypatch.setattr(os, "execve", fake_execve)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(app, ["review", "--db", str(tmp_path / "x.duckdb"), *args])
    return result.exit_code, result.output, started.get("argv"), started.get("env")


def flag(argv: list[str], name: str) -> list[str]:
    return [argv[i + 1] for i, a in enumerate(argv) if a == name]


def test_review_passes_the_safe_server_flags(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    code, _, argv, _ = review_command(monkeypatch, tmp_path, "--port", "8600")
    assert code == 0
    assert flag(argv, "--server.address") == ["127.0.0.1"]
    assert flag(argv, "--browser.gatherUsageStats") == ["false"]
    assert flag(argv, "--server.enableXsrfProtection") == ["true"]
    assert flag(argv, "--server.enableCORS") == ["true"]
    assert set(flag(argv, "--server.allowedHosts")) == {"localhost", "127.0.0.1", "::1"}


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "example.org"])
def test_review_refuses_a_network_address_without_a_password(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, host: str
) -> None:
    code, output, argv, _ = review_command(monkeypatch, tmp_path, "--host", host)
    assert code == 2 and argv is None  # nothing started
    assert "password" in output and "LITEXTRACT_DASHBOARD_PASSWORD" in output
    assert len(output.strip().splitlines()) == 1


def test_review_on_a_network_address_with_a_password(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    code, output, argv, env = review_command(
        monkeypatch,
        tmp_path,
        "--host",
        "192.168.1.20",
        "--allowed-host",
        "papers.lab.example",
        LITEXTRACT_DASHBOARD_PASSWORD=PASSWORD,
    )
    assert code == 0, output
    assert flag(argv, "--server.address") == ["192.168.1.20"]
    assert set(flag(argv, "--server.allowedHosts")) == {
        "localhost",
        "127.0.0.1",
        "::1",
        "192.168.1.20",
        "papers.lab.example",
    }
    assert PASSWORD not in " ".join(argv) and PASSWORD not in output  # only the environment carries it
    assert env["LITEXTRACT_DASHBOARD_PASSWORD"] == PASSWORD


def test_review_on_loopback_names_needs_no_password(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for host in ("localhost", "127.0.0.1", "::1", "127.0.0.2"):
        code, output, argv, _ = review_command(monkeypatch, tmp_path, "--host", host)
        assert code == 0, output
        assert flag(argv, "--server.address") == [host]


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db, _ = paper_db(tmp_path)
    monkeypatch.setenv("LITEXTRACT_DB", str(db))
    return db


def test_the_dashboard_asks_for_the_password_when_one_is_set(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LITEXTRACT_DASHBOARD_PASSWORD", PASSWORD)
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert not at.exception
    (field,) = at.text_input
    assert field.proto.type == field.proto.PASSWORD
    assert not at.metric  # nothing of the database is shown
    field.input("wrong").run()
    assert not at.metric and any("wrong password" in e.value for e in at.error)
    at.text_input[0].input(PASSWORD).run()
    assert not at.exception
    assert {m.label for m in at.metric} >= {"Papers"}
    assert at.session_state["dashboard_password_field"] == ""  # the password is not kept once checked


def test_the_dashboard_without_a_password_is_not_served_on_a_network_address(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit import config

    monkeypatch.setattr(config, "get_option", _option_with_address(config.get_option, "0.0.0.0"))
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert not at.metric
    assert any("password" in e.value and "LITEXTRACT_DASHBOARD_PASSWORD" in e.value for e in at.error)


def _option_with_address(get_option: Any, address: str) -> Any:
    return lambda key: address if key == "server.address" else get_option(key)


def test_the_password_is_never_stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LITEXTRACT_DASHBOARD_PASSWORD", PASSWORD)
    settings = load_settings(db=tmp_path / "t.duckdb", cache_dir=tmp_path / "cache")
    assert settings.dashboard_password is not None and PASSWORD not in repr(settings)
    ingest([write_pdf(tmp_path / "paper.pdf", PAPER_PAGES)], settings)
    stored = settings.db.read_bytes()
    assert PASSWORD.encode() not in stored and PASSWORD.encode("unicode_escape") not in stored
    with connect(settings.db, read_only=True) as con:
        (recorded,) = con.execute("SELECT settings FROM runs").fetchone() or [""]
    assert "dashboard_password" not in recorded
    assert not {"dashboard_password", "llm_api_key"} & set(settings.recorded())  # what `extract` runs record too

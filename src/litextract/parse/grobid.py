"""GROBID as a second parser: TEI from a GROBID server, merged into the PyMuPDF parse.

HTTP goes straight to GROBID's documented REST API (`/api/isalive`, `/api/version`,
`/api/processFulltextDocument` with the multipart part `input`) with httpx. `grobid-client-python` 0.2.1 was
tried first and tested against a live HTTP server: it reports a read timeout and a refused connection as
HTTP 400 "Failed to open file: ..." (requests' exceptions are IOErrors, caught by its file-error branch), so
a timeout, a dead server and a bad request could only be told apart by parsing its messages; it retries 503
without a bound; and it cannot send `consolidateHeader=0`.

Faults never lose a file: a server that is down when the parser is built gives one warning and PyMuPDF only
for the run; 503 ("all threads busy") is retried after `busy_wait_s`, up to `BUSY_TRIES` times; a timeout,
HTTP 408/502/504 (a proxy in front of GROBID) or a transport failure is retried `grobid_retries` times; after
that, or on any other error or malformed TEI, the file gets the PyMuPDF parse and the reason in
`Document.warnings["grobid"]`. TEI is cached by the PDF's sha256 under `cache_dir/tei`, so an unchanged file
goes to GROBID once, and its cached TEI is used even when the server is down.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from litextract.document import Document
from litextract.parse.overlay import overlay
from litextract.parse.pymupdf_parser import PyMuPDFParser
from litextract.parse.tei import TEIError, parse_tei, tei_to_document
from litextract.settings import Settings

log = logging.getLogger(__name__)
SERVICE = "/api/processFulltextDocument"
# Elements GROBID gives coordinates for: pages for sections (head, p), tables and figures, references.
COORDINATES = ["head", "p", "figure", "ref", "biblStruct", "persName", "formula"]
CONNECT_TIMEOUT = 10.0
BUSY_TRIES = 20
RETRY_STATUS = (408, 502, 504)


class GrobidError(Exception):
    """GROBID gave no usable TEI for a file; the message is the one-line reason."""


class TEICache:
    """TEI files named by the PDF's sha256; written atomically so a crash never leaves half a file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, sha256: str) -> Path:
        return self.folder / f"{sha256}.tei.xml"

    def get(self, sha256: str) -> bytes | None:
        try:
            return self.path(sha256).read_bytes()
        except OSError:
            return None

    def put(self, sha256: str, tei: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".part")
        with os.fdopen(fd, "wb") as out:
            out.write(tei)
        os.replace(tmp, self.path(sha256))


def make_client(settings: Settings) -> httpx.Client:
    """An HTTP client for `settings.grobid_url` with the processing timeout (`grobid_timeout`)."""
    assert settings.grobid_url, "grobid_url is not set"
    return httpx.Client(
        base_url=settings.grobid_url.rstrip("/"),
        timeout=httpx.Timeout(settings.grobid_timeout, connect=CONNECT_TIMEOUT),
    )


def ping(client: httpx.Client) -> str | None:
    """None when the server answers /api/isalive, else the one-line reason it does not."""
    try:
        response = client.get("/api/isalive", timeout=CONNECT_TIMEOUT)
    except httpx.HTTPError as exc:
        return _one_line(str(exc)) or type(exc).__name__
    return None if response.status_code == 200 else f"/api/isalive answered HTTP {response.status_code}"


def grobid_status(settings: Settings) -> tuple[str, bool, str]:
    """('GROBID', ok, detail) for `litextract doctor`: is the configured server alive, and which version."""
    if not settings.grobid_url:
        return "GROBID", True, "not configured (optional): PyMuPDF only; set --grobid-url or LITEXTRACT_GROBID_URL"
    with make_client(settings) as client:
        problem = ping(client)
        if problem:
            return "GROBID", False, f"{settings.grobid_url} is not reachable: {problem}"
        try:
            response = client.get("/api/version", timeout=CONNECT_TIMEOUT)
            version = _version(response.text) if response.status_code == 200 else "unknown"
        except httpx.HTTPError as exc:  # the server answered isalive; an unreadable version is only a detail
            version = f"unknown ({_one_line(str(exc))})"
    return "GROBID", True, f"{settings.grobid_url} is alive, version {version}"


class GrobidParser:
    """PyMuPDF parse completed with GROBID's TEI (header, sections, tables, figures, references)."""

    name = "grobid+pymupdf"

    def __init__(self, settings: Settings, *, busy_wait_s: float = 5.0, retry_wait_s: float = 2.0) -> None:
        self.settings = settings
        self.busy_wait_s, self.retry_wait_s = busy_wait_s, retry_wait_s
        self.base = PyMuPDFParser(max_pages=settings.max_pages)
        self.cache = TEICache(settings.cache_dir / "tei")
        self.client = make_client(settings)
        self.failed: dict[str, str] = {}  # sha256 → reason, from prefetch
        self.down = ping(self.client)
        if self.down:
            log.warning(
                "GROBID at %s is not reachable (%s): PyMuPDF only for this run", settings.grobid_url, self.down
            )

    def parse(self, path: Path, data: bytes, sha256: str) -> Document:
        doc = self.base.parse(path, data, sha256)
        try:
            tei = self.tei(data, sha256, path.name)
            if tei is None:
                return doc
            return overlay(doc, tei_to_document(tei, file=path.name, path=str(path), sha256=sha256))
        except GrobidError as exc:
            reason = str(exc)
        except Exception as exc:  # unusable TEI (a damaged cache entry is dropped, to be fetched again)
            self.cache.path(sha256).unlink(missing_ok=True)
            reason = str(exc) if isinstance(exc, TEIError) else f"TEI not usable: {type(exc).__name__}: {exc}"
        warning = f"PyMuPDF only: {_one_line(reason, 300)}"
        return doc.model_copy(update={"warnings": {**doc.warnings, "grobid": warning}})

    def tei(self, data: bytes, sha256: str, name: str = "document.pdf") -> bytes | None:
        """The file's TEI: cached, else fetched; None when the server is down and nothing is cached."""
        cached = self.cache.get(sha256)
        if cached is not None:
            return cached
        if sha256 in self.failed:
            raise GrobidError(self.failed[sha256])
        if self.down:
            return None
        return self.fetch(data, sha256, name)

    def prefetch(self, files: Mapping[str, Path]) -> int:
        """Fetch the TEI of these files (sha256 → path, as the caller hashed them) not cached yet,
        `grobid_concurrency` at a time, into the cache; returns how many were fetched. Failures are kept for
        `parse` to report."""
        todo = {sha256: path for sha256, path in files.items() if not self.cache.path(sha256).exists()}
        if self.down or not todo:
            return 0

        def one(item: tuple[str, Path]) -> bool:
            sha256, path = item
            if self.down:
                return False
            try:
                self.fetch(path.read_bytes(), sha256, path.name)
                return True
            except (OSError, GrobidError, TEIError) as exc:
                self.failed[sha256] = str(exc)
                return False

        pool = ThreadPoolExecutor(max_workers=max(1, self.settings.grobid_concurrency))
        try:
            return sum(pool.map(one, todo.items()))
        finally:  # on Ctrl-C, drop the queued files instead of waiting for all of them
            pool.shutdown(wait=True, cancel_futures=True)

    def fetch(self, data: bytes, sha256: str, name: str = "document.pdf") -> bytes:
        """TEI from the server (retried as the module says), checked and cached; raises GrobidError."""
        form = {
            "consolidateHeader": "1" if self.settings.grobid_consolidate else "0",
            "includeRawCitations": "1",
            "teiCoordinates": COORDINATES,
        }
        attempts = 1 + max(0, self.settings.grobid_retries)
        failures, busy = 0, 0
        while True:
            unreachable = False
            try:
                response = self.client.post(SERVICE, files={"input": (name, data, "application/pdf")}, data=form)
            except httpx.TimeoutException:
                reason = f"GROBID timed out (no answer within {self.settings.grobid_timeout:g} s)"
            except httpx.TransportError as exc:
                reason, unreachable = f"GROBID unreachable: {_one_line(str(exc)) or type(exc).__name__}", True
            else:
                if response.status_code == 200:
                    tei = response.content
                    parse_tei(tei)  # malformed TEI is reported, never cached
                    self.cache.put(sha256, tei)
                    return tei
                if response.status_code == 503 and busy < BUSY_TRIES:
                    busy += 1
                    time.sleep(self.busy_wait_s)
                    continue
                reason = _reason(response)
                if response.status_code not in RETRY_STATUS:
                    raise GrobidError(reason)
            failures += 1
            if failures >= attempts:
                break
            time.sleep(self.retry_wait_s * failures)
        if unreachable and not self.down:
            self.down = reason
            log.warning(
                "GROBID at %s stopped answering: PyMuPDF only for the rest of this run", self.settings.grobid_url
            )
        raise GrobidError(f"{reason} (after {attempts} attempts)")


def _reason(response: httpx.Response) -> str:
    status, body = response.status_code, _one_line(response.text)
    if status == 204:
        return "GROBID extracted no content (HTTP 204)"
    if status == 503:
        return f"GROBID busy (HTTP 503) after {BUSY_TRIES} waits"
    return f"GROBID HTTP {status}: {body}" if body else f"GROBID HTTP {status}"


def _version(text: str) -> str:
    try:
        data = json.loads(text)
    except ValueError:
        return _one_line(text) or "unknown"
    if isinstance(data, dict) and data.get("version"):
        return " ".join(str(data[k]) for k in ("version", "revision") if data.get(k))
    return _one_line(text)


def _one_line(text: str, limit: int = 200) -> str:
    return " ".join(text.split())[:limit]

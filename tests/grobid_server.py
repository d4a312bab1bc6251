"""A GROBID stand-in for tests: a real HTTP server on 127.0.0.1 with GROBID's three endpoints.

`/api/isalive`, `/api/version` and `/api/processFulltextDocument` (multipart, file part `input`). The TEI
answered for an uploaded PDF is looked up by the upload's sha256 (`tei_by_sha`, e.g. the real GROBID output in
../shared/grobid-tei matched to its PDF), else `default_tei`. `faults` is consumed one per processing request
to simulate a busy, slow or broken server: an HTTP status ("503", "408", ...), "malformed" or "slow:<seconds>".
With `overlap` set to N, every processing request is held until N are in flight together (`overlapped` is then
set; after `hold_s` a request goes on anyway, with `overlapped` unset).
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape


@dataclass
class Upload:
    sha256: str
    fields: dict[str, list[str]]


@dataclass
class FakeGrobid:
    tei_by_sha: dict[str, bytes] = field(default_factory=dict)
    default_tei: bytes | None = None
    faults: list[str] = field(default_factory=list)
    version: str = '{"version": "0.8.2", "revision": "test"}'
    uploads: list[Upload] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    overlap: int = 0
    overlapped: threading.Event = field(default_factory=threading.Event)
    hold_s: float = 10.0
    url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def next_fault(self) -> str | None:
        with self._lock:
            return self.faults.pop(0) if self.faults else None

    def enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            if self.overlap and self.in_flight >= self.overlap:
                self.overlapped.set()
        if self.overlap:
            self.overlapped.wait(self.hold_s)

    def leave(self) -> None:
        with self._lock:
            self.in_flight -= 1


def _handler(state: FakeGrobid) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
            pass

        def _send(self, status: int, body: bytes, ctype: str = "text/plain") -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting (timeout tests)
                self.close_connection = True

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            if path == "/api/isalive":
                self._send(200, b"true")
            elif path == "/api/version":
                self._send(200, state.version.encode(), "application/json")
            else:
                self._send(404, b"not found")

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path.split("?")[0] != "/api/processFulltextDocument":
                self._send(404, b"not found")
                return
            fields, pdf = _multipart(self.headers.get("Content-Type", ""), body)
            if pdf is None:
                self._send(400, b"missing input")
                return
            sha256 = hashlib.sha256(pdf).hexdigest()
            state.uploads.append(Upload(sha256, fields))
            state.enter()
            try:
                self._process(sha256)
            finally:
                state.leave()

        def _process(self, sha256: str) -> None:
            fault = state.next_fault()
            if fault and fault.startswith("slow:"):
                time.sleep(float(fault.split(":", 1)[1]))
                fault = None
            if fault and fault.isdigit():
                self._send(int(fault), f"[{fault}] simulated".encode())
                return
            if fault == "malformed":
                self._send(200, b"<TEI xmlns='http://www.tei-c.org/ns/1.0'><teiHeader>", "application/xml")
                return
            tei = state.tei_by_sha.get(sha256, state.default_tei)
            if tei is None:
                self._send(500, b"[NO_BLOCKS] PDF without text blocks")
            else:
                self._send(200, tei, "application/xml")

    return Handler


def _multipart(ctype: str, body: bytes) -> tuple[dict[str, list[str]], bytes | None]:
    """The text fields and the `input` file of a multipart/form-data body."""
    message = email.message_from_bytes(
        f"Content-Type: {ctype}\r\n\r\n".encode() + body, policy=email.policy.HTTP
    )
    fields: dict[str, list[str]] = {}
    pdf = None
    for part in message.iter_parts():  # type: ignore[attr-defined]
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if name == "input":
            pdf = payload
        else:
            fields.setdefault(name, []).append(payload.decode())
    return fields, pdf


@contextmanager
def running(state: FakeGrobid) -> Iterator[FakeGrobid]:
    """Serve `state` on an ephemeral 127.0.0.1 port for the duration of the block (state.url is set)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (a server that is down)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def make_tei(
    title: str,
    authors: Sequence[tuple[str, str]] = (),
    *,
    affiliation: str | None = None,
    journal: str | None = None,
    year: int | None = None,
    doi: str | None = None,
    arxiv: str | None = None,
    abstract: str | None = None,
    sections: Sequence[tuple[str, str, str, int | None]] = (),
    table: tuple[str, list[list[str]], int | None] | None = None,
    figure: str | None = None,
    references: Sequence[str] = (),
) -> bytes:
    """TEI following GROBID 0.8's processFulltextDocument output. `sections` are (n, head, paragraph, page);
    `table` is (head, rows, page); a page of None leaves the element without coords (as GROBID does when
    teiCoordinates was not requested)."""

    def coords(page: int | None) -> str:
        return f' coords="{page},72.00,100.00,450.00,10.00"' if page else ""

    e = escape
    author_xml = "".join(
        f"<author><persName><forename type=\"first\">{e(first)}</forename><surname>{e(last)}</surname></persName>"
        + (f'<affiliation key="aff0"><orgName type="institution">{e(affiliation)}</orgName></affiliation>'
           if affiliation else "")
        + "</author>"
        for first, last in authors
    )
    date = f'<date type="published" when="{year}-03-01">{year}</date>' if year else "<date/>"
    monogr = (f'<title level="j" type="main">{e(journal)}</title>' if journal else "") + f"<imprint>{date}</imprint>"
    ids = f'<idno type="DOI">{e(doi)}</idno>' if doi else ""
    ids += f'<idno type="arXiv">{e(arxiv)}</idno>' if arxiv else ""
    abstract_xml = (
        f'<abstract><div xmlns="http://www.tei-c.org/ns/1.0"><p>{e(abstract)}</p></div></abstract>'
        if abstract
        else "<abstract/>"
    )
    body = "".join(
        f'<div xmlns="http://www.tei-c.org/ns/1.0"><head n="{n}">{e(head)}</head><p{coords(page)}>{e(text)}</p></div>'
        for n, head, text, page in sections
    )
    if table:
        head, rows, page = table
        cells = "".join("<row>" + "".join(f"<cell>{e(c)}</cell>" for c in row) + "</row>" for row in rows)
        body += (
            f'<figure xmlns="http://www.tei-c.org/ns/1.0" type="table" xml:id="tab_0"{coords(page)}>'
            f"<head>{e(head)}</head><label>1</label><figDesc/><table>{cells}</table></figure>"
        )
    if figure:
        body += (
            f'<figure xmlns="http://www.tei-c.org/ns/1.0" xml:id="fig_0"><head>Fig. 1.</head><label>1</label>'
            f"<figDesc>{e(figure)}</figDesc></figure>"
        )
    refs = "".join(
        f'<biblStruct xml:id="b{i}"><analytic><title level="a" type="main">{e(r)}</title></analytic>'
        f'<monogr><imprint><date type="published" when="2020">2020</date></imprint></monogr>'
        f'<note type="raw_reference">{e(r)}</note></biblStruct>'
        for i, r in enumerate(references)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<TEI xml:space="preserve" xmlns="http://www.tei-c.org/ns/1.0" xmlns:xlink="http://www.w3.org/1999/xlink">
<teiHeader xml:lang="en"><fileDesc><titleStmt><title level="a" type="main">{e(title)}</title></titleStmt>
<publicationStmt><publisher/><availability status="unknown"><licence/></availability></publicationStmt>
<sourceDesc><biblStruct><analytic>{author_xml}<title level="a" type="main">{e(title)}</title></analytic>
<monogr>{monogr}</monogr>{ids}</biblStruct></sourceDesc></fileDesc>
<encodingDesc><appInfo><application version="0.8.2" ident="GROBID" when="2026-11-23T10:00+0000">
<desc>GROBID - A machine learning software for extracting information from scholarly documents</desc>
</application></appInfo></encodingDesc>
<profileDesc>{abstract_xml}</profileDesc>
</teiHeader>
<text xml:lang="en"><body>{body}</body><back><div type="references"><listBibl>{refs}</listBibl></div></back></text>
</TEI>
""".encode()

"""A real HTTP server on 127.0.0.1 that speaks enough of the OpenAI chat-completions protocol for the tests.

`POST /v1/chat/completions` answers from the JSON fixtures in tests/fixtures/llm/: the first fixture whose
"match" string occurs in the last user message gives the reply (an empty extraction otherwise), returned as a
tool call when the request has `tools` (instructor's TOOLS mode) and as JSON message content otherwise (JSON,
JSON_SCHEMA, MD_JSON modes), with `usage` counted as characters / 4. `GET /v1/models` lists one model.

Faults are queued with `server.faults.extend([...])`; each request takes the next one:
  "500"            HTTP 500
  "429"            HTTP 429 with `Retry-After: <server.retry_after>`
  "timeout"        sleeps `server.slow` seconds before answering (longer than the client's timeout)
  "invalid_json"   200 with content that is not JSON
  "truncated"      200 with half the JSON and finish_reason "length"
  "schema_invalid" 200 with JSON that misses every required quote
  "fenced"         200 with the JSON wrapped in a ```json fence
  "auth_echo"      HTTP 401 whose message repeats the bearer token (as a careless server might)
Every request is kept in `server.requests` (path, lower-cased headers, parsed body), the usage of every reply in
`server.usage`; `server.max_in_flight` counts the most completions in flight at once, and with `server.overlap`
set to N every completion is held until N are in flight together (`server.overlapped` is then set; a client that
never sends N at once gets its answers after `server.hold_s`, with `overlapped` unset).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures" / "llm"
EMPTY = {"paper": {}, "datasets": [], "models": [], "results": []}


class FakeOpenAI:
    def __init__(self, fixtures: Path = FIXTURES, model: str = "fake-model") -> None:
        self.fixtures = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(fixtures.glob("*.json"))]
        self.model = model
        self.faults: list[str] = []
        self.requests: list[dict[str, Any]] = []
        self.usage: list[dict[str, int]] = []  # the `usage` of every 200 reply sent
        self.overlap = 0  # hold every chat completion until this many are in flight together (0: never hold)
        self.overlapped = threading.Event()
        self.hold_s = 10.0
        self.in_flight = self.max_in_flight = 0
        self.retry_after = "1"
        self.slow = 2.0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:
                server._record(self, None)
                if self.path.rstrip("/") == "/v1/models":
                    self._send(
                        200,
                        {
                            "object": "list",
                            "data": [{"id": server.model, "object": "model", "created": 0, "owned_by": "tests"}],
                        },
                    )
                else:
                    self._send(404, {"error": {"message": "not found", "type": "invalid_request_error"}})

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                fault = server._record(self, body)
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
                    return
                if fault == "500":
                    self._send(500, {"error": {"message": "internal error", "type": "server_error"}})
                elif fault == "429":
                    self._send(
                        429,
                        {"error": {"message": "rate limited", "type": "rate_limit_error"}},
                        {"Retry-After": server.retry_after},
                    )
                elif fault == "auth_echo":
                    token = self.headers.get("Authorization", "")
                    self._send(
                        401,
                        {
                            "error": {
                                "message": f"Incorrect API key provided: {token}",
                                "type": "invalid_request_error",
                            }
                        },
                    )
                else:
                    with server._lock:
                        server.in_flight += 1
                        server.max_in_flight = max(server.max_in_flight, server.in_flight)
                        if server.overlap and server.in_flight >= server.overlap:
                            server.overlapped.set()
                    if server.overlap:
                        server.overlapped.wait(server.hold_s)
                    if fault == "timeout":
                        time.sleep(server.slow)
                    with server._lock:
                        server.in_flight -= 1
                    self._send(200, server.completion(body, fault))

            def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for k, v in (headers or {}).items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout fault)
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _record(self, handler: BaseHTTPRequestHandler, body: dict[str, Any] | None) -> str | None:
        with self._lock:
            headers = {k.lower(): v for k, v in handler.headers.items()}
            self.requests.append({"path": handler.path, "headers": headers, "body": body})
            return self.faults.pop(0) if body is not None and self.faults else None

    @property
    def completions(self) -> list[dict[str, Any]]:
        """The bodies of the chat-completion requests received, in order."""
        return [r["body"] for r in self.requests if r["path"].rstrip("/") == "/v1/chat/completions"]

    def reply_for(self, body: dict[str, Any]) -> dict[str, Any]:
        users = [m for m in body.get("messages", []) if m.get("role") == "user"]
        text = str(users[0]["content"]) if users else ""
        for fixture in self.fixtures:
            if fixture["match"] in text:
                return dict(fixture["reply"])
        return EMPTY

    def completion(self, body: dict[str, Any], fault: str | None) -> dict[str, Any]:
        reply = self.reply_for(body)
        if fault == "schema_invalid":
            reply = {"datasets": [{"name": "LIDC-IDRI"}], "results": [{"model": "X", "metric": "auc"}]}
        content = json.dumps(reply)
        finish = "stop"
        if fault == "invalid_json":
            content = '{"datasets": [ {"name": LIDC-IDRI, '
        elif fault == "truncated":
            content, finish = content[: len(content) // 2], "length"
        elif fault == "fenced":
            content = f"```json\n{content}\n```"
        message: dict[str, Any] = {"role": "assistant", "content": content}
        if body.get("tools"):
            name = body["tools"][0]["function"]["name"]
            message = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": name, "arguments": content}}
                ],
            }
        prompt_tokens = len(json.dumps(body.get("messages", []))) // 4
        usage = {"prompt_tokens": prompt_tokens, "completion_tokens": len(content) // 4}
        with self._lock:
            self.usage.append(usage)
        return {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", self.model),
            "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": len(content) // 4,
                "total_tokens": prompt_tokens + len(content) // 4,
            },
        }

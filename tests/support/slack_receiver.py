"""A threaded HTTP server on 127.0.0.1 standing in for Slack or any JSON webhook.

    with SlackReceiver() as receiver:
        receiver.respond_429(retry_after=7)      # next request only
        receiver.hang(times=2)                   # the two after that never answer
        ... post to receiver.url("/services/T000/B000/SECRET") ...
        assert receiver.payloads[-1]["text"]

Scripted replies are consumed in order, one per request; once they run out every request
gets `200 ok`, as Slack answers. Every request is recorded, hung ones included.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    receiver: SlackReceiver

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that timed out leaves a broken pipe behind; that is the point."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        reply = self.server.receiver._record(
            Received("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        )
        if reply.hang:
            self.server.receiver._release.wait(self.server.receiver.hang_seconds)
            self.close_connection = True
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: pytest output is for test results."""


class SlackReceiver:
    """Records requests; answers from a script of `Reply`s, then `200 ok`."""

    def __init__(self, *, hang_seconds: float = 10.0) -> None:
        self.hang_seconds = hang_seconds
        self._lock = threading.Lock()
        self._script: deque[Reply] = deque()
        self._requests: list[Received] = []
        self._release = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---

    def __enter__(self) -> Self:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.receiver = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # --- addresses ---

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("SlackReceiver is not running; use it as a context manager")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str = "/services/T000/B000/XXXXXXXX") -> str:
        return self.base_url + path

    # --- scripting ---

    def respond(self, status: int, *, times: int = 1, body: bytes = b"", **headers: str) -> None:
        """Answer the next `times` requests with `status` (headers as keyword arguments)."""
        self._push(Reply(status=status, body=body, headers=dict(headers)), times)

    def respond_429(self, retry_after: float | str = 1, *, times: int = 1) -> None:
        self._push(
            Reply(status=429, body=b"rate_limited", headers={"Retry-After": str(retry_after)}),
            times,
        )

    def hang(self, *, times: int = 1) -> None:
        """Never answer the next `times` requests (until `hang_seconds` or shutdown)."""
        self._push(Reply(hang=True), times)

    def _push(self, reply: Reply, times: int) -> None:
        with self._lock:
            self._script.extend([reply] * times)

    def _record(self, received: Received) -> Reply:
        with self._lock:
            self._requests.append(received)
            return self._script.popleft() if self._script else Reply()

    # --- inspection ---

    @property
    def requests(self) -> list[Received]:
        with self._lock:
            return list(self._requests)

    @property
    def payloads(self) -> list[Any]:
        return [r.json() for r in self.requests]

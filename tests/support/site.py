"""A loopback website for tests: fixed responses per path, ETag + 304 for free,
and hooks for slow, redirecting or misbehaving paths."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    etag: bool = True


Handler = Callable[[BaseHTTPRequestHandler], None]


class LocalSite:
    """Routes are set per path; every request is recorded as (method, path)."""

    def __init__(self) -> None:
        self.pages: dict[str, Page | Handler] = {}
        self.requests: list[tuple[str, str]] = []
        site = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                site.requests.append(("GET", self.path))
                route = site.pages.get(self.path.split("?", 1)[0])
                if route is None:
                    self._send(Page(b"not found", "text/plain", 404))
                elif callable(route):
                    route(self)
                else:
                    self._send(route)

            def _send(self, page: Page) -> None:
                if page.delay:
                    time.sleep(page.delay)
                tag = '"' + hashlib.sha1(page.body).hexdigest() + '"'
                if page.etag and page.status == 200 and self.headers.get("If-None-Match") == tag:
                    self.send_response(304)
                    self.send_header("ETag", tag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                self.send_header("Content-Length", str(len(page.body)))
                if page.etag and page.status == 200:
                    self.send_header("ETag", tag)
                for k, v in page.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                with suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(page.body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        # A short poll: shutdown() waits for one, and every test using a site shuts one down.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> int:
        return sum(1 for _, p in self.requests if p.split("?", 1)[0] == path)


@contextmanager
def local_site() -> Iterator[LocalSite]:
    site = LocalSite()
    site.thread.start()
    try:
        yield site
    finally:
        site.server.shutdown()
        site.server.server_close()

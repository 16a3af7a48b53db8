"""The fetcher's pool checks idle connections with one poll of a socket registered at
connect: a connection the server closed while idle must still be retired, not reused,
over plain HTTP and over TLS."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import trustme

from collector.fetch import Fetcher, FetchSettings
from collector.fetch.pool import PolledBackend, polled_transport
from tests.support.waiting import until

pytestmark = pytest.mark.anyio


class _Server(ThreadingHTTPServer):
    """Keeps connections open unless a request asks for /drop, after which it closes the
    socket without saying so (no `Connection: close`), as a server whose keep-alive timed
    out does. Records the client port of every request and each close it made."""

    daemon_threads = True

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.ports: list[int] = []
        self.drops = threading.Semaphore(0)
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.ports.append(self.client_address[1])
                body = "お知らせ".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                self.close_connection = self.path == "/drop"

        super().__init__(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.socket = tls.wrap_socket(self.socket, server_side=True)

    def shutdown_request(self, request: object) -> None:
        super().shutdown_request(request)  # type: ignore[arg-type]
        self.drops.release()

    def url(self, path: str, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.server_address[1]}{path}"


@contextmanager
def _serving(tls: ssl.SSLContext | None = None) -> Iterator[_Server]:
    server = _Server(tls)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


async def _closed(server: _Server) -> None:
    await until(lambda: server.drops.acquire(blocking=False), "the server closed the socket")


async def test_a_connection_the_server_closed_while_idle_is_not_reused() -> None:
    settings = FetchSettings(politeness_delay=0, retries=0, per_host_concurrency=1)
    with _serving() as server:
        async with Fetcher(settings) as fetcher:
            for _ in range(3):
                await fetcher.fetch(server.url("/news"))
            await fetcher.fetch(server.url("/drop"))
            await _closed(server)
            again = await fetcher.fetch(server.url("/news"))
    assert again.status == 200
    robots, *kept, last = server.ports
    assert len(set([robots, *kept])) == 1  # reused while open
    assert last != kept[0]  # a new connection once the server had closed the old one


async def test_over_tls_the_check_follows_the_socket_under_the_handshake() -> None:
    ca = trustme.CA()
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_tls)
    client_tls = ssl.create_default_context()
    ca.configure_trust(client_tls)
    with _serving(server_tls) as server:
        async with httpx.AsyncClient(transport=polled_transport(client_tls)) as client:
            for _ in range(3):
                assert (await client.get(server.url("/news", "https"))).text == "お知らせ"
            await client.get(server.url("/drop", "https"))
            await _closed(server)
            again = await client.get(server.url("/news", "https"))
    assert again.status_code == 200
    *kept, last = server.ports
    assert len(set(kept)) == 1 and last != kept[0]


def test_the_fetcher_pool_is_built_on_the_polling_backend() -> None:
    transport = polled_transport(ssl.create_default_context())
    assert isinstance(transport._pool._network_backend, PolledBackend)

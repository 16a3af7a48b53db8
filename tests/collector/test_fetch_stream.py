"""Fetcher against a real HTTP server on 127.0.0.1: the limits that only show up when
bytes actually stream (size caps without Content-Length, gzip bombs, trickling servers)."""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import brotli
import pytest

from collector.errors import FetchError
from collector.fetch import Fetcher, FetchSettings

pytestmark = pytest.mark.anyio

Handler = Callable[[bytes, asyncio.StreamWriter], Awaitable[None]]


class LoopbackServer:
    """A raw HTTP/1.1 server so tests control every byte, including never-ending bodies."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[bytes] = []
        self.tasks: set[asyncio.Task[None]] = set()

    async def on_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        task = asyncio.current_task()
        assert task is not None
        self.tasks.add(task)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            self.requests.append(head)
            await self.handler(head, writer)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client hung up, which is what the limit tests expect
        except asyncio.CancelledError:
            # Teardown stops endless handlers; ending quietly keeps asyncio from logging
            # the cancelled connection callback as an error.
            pass
        finally:
            writer.close()
            self.tasks.discard(task)


@asynccontextmanager
async def serve(handler: Handler) -> AsyncIterator[tuple[str, LoopbackServer]]:
    state = LoopbackServer(handler)
    server = await asyncio.start_server(state.on_connection, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", state
    finally:
        server.close()
        for task in list(state.tasks):  # endless handlers would otherwise outlive the test
            task.cancel()
        await asyncio.gather(*state.tasks, return_exceptions=True)
        await server.wait_closed()


def head(*lines: str) -> bytes:
    return ("\r\n".join(["HTTP/1.1 200 OK", *lines, "Connection: close"]) + "\r\n\r\n").encode()


async def send_chunk(writer: asyncio.StreamWriter, data: bytes) -> None:
    writer.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
    await writer.drain()


def fetcher(**overrides: object) -> Fetcher:
    options: dict[str, object] = {"respect_robots": False, "politeness_delay": 0.0, "retries": 0}
    options.update(overrides)
    return Fetcher(FetchSettings.model_validate(options))


async def fetch_error(url: str, **overrides: object) -> FetchError:
    async with fetcher(**overrides) as f:
        with pytest.raises(FetchError) as info:
            await f.fetch(url)
    return info.value


async def test_real_200_with_robots():
    async def handler(request: bytes, writer: asyncio.StreamWriter) -> None:
        if request.startswith(b"GET /robots.txt "):
            body = b"User-agent: owabi\nDisallow: /private/\n"
        else:
            body = "お詫びとお知らせ".encode()
        writer.write(
            head("Content-Type: text/plain; charset=utf-8", f"Content-Length: {len(body)}")
        )
        writer.write(body)

    async with serve(handler) as (base, server), fetcher(respect_robots=True) as f:
        result = await f.fetch(f"{base}/notice")
        with pytest.raises(FetchError) as info:
            await f.fetch(f"{base}/private/thing")
    assert result.content.decode(result.charset or "") == "お詫びとお知らせ"
    assert info.value.code == "robots_disallowed"
    assert [r.split(b" ")[1] for r in server.requests] == [b"/robots.txt", b"/notice"]


async def test_declared_length_over_cap_stops_before_reading():
    async def handler(request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(head("Content-Length: 100000000"))
        await writer.drain()
        await asyncio.Event().wait()  # never sends a byte of body

    async with serve(handler) as (base, _):
        error = await fetch_error(f"{base}/big", max_bytes=1000, timeout=5)
    assert error.code == "too_large"


async def test_chunked_body_without_length_stops_at_cap():
    async def handler(request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(head("Transfer-Encoding: chunked"))
        while True:  # endless: only the client's cap can end this
            await send_chunk(writer, b"x" * 4096)

    async with serve(handler) as (base, _):
        error = await fetch_error(f"{base}/endless", max_bytes=100_000, timeout=5)
    assert error.code == "too_large"
    assert str(error) == f"body over 100000 bytes for {base}/endless"


async def test_close_delimited_body_stops_at_cap():
    async def handler(request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(head())  # no length, no chunking: body ends when the connection does
        while True:
            writer.write(b"y" * 4096)
            await writer.drain()

    async with serve(handler) as (base, _):
        error = await fetch_error(f"{base}/endless", max_bytes=50_000, timeout=5)
    assert error.code == "too_large"


async def test_gzip_bomb_stops_at_cap():
    async def handler(request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(head("Content-Encoding: gzip", "Transfer-Encoding: chunked"))
        compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip container
        zeros = bytes(1 << 20)
        first = compressor.compress(zeros) + compressor.flush(zlib.Z_SYNC_FLUSH)
        # Once the window is all zeros every further MiB compresses to the same ~1 KiB
        # block, so an endless stream (~1000:1) costs the server nothing to produce.
        steady = compressor.compress(zeros) + compressor.flush(zlib.Z_SYNC_FLUSH)
        await send_chunk(writer, first)
        while True:
            await send_chunk(writer, steady)
            await asyncio.sleep(0)

    async with serve(handler) as (base, _):
        error = await fetch_error(f"{base}/bomb", max_bytes=5_000_000, timeout=10)
    assert error.code == "too_large"


async def test_brotli_and_gzip_bodies_are_decoded():
    text = "カード情報漏えいに関するお詫び".encode() * 50

    async def handler(request: bytes, writer: asyncio.StreamWriter) -> None:
        assert b"accept-encoding: gzip, deflate, br" in request.lower()
        if b" /br " in request:
            body, encoding = brotli.compress(text), "br"
        else:
            compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
            body, encoding = compressor.compress(text) + compressor.flush(), "gzip"
        writer.write(head(f"Content-Encoding: {encoding}", f"Content-Length: {len(body)}"))
        writer.write(body)

    async with serve(handler) as (base, _), fetcher() as f:
        assert (await f.fetch(f"{base}/br")).content == text
        assert (await f.fetch(f"{base}/gz")).content == text


async def test_trickling_server_hits_the_overall_deadline():
    """A byte every 20 ms of a 1 MB body would take hours: only the deadline on the whole
    exchange (no single read ever waits long) ends this fetch."""

    async def handler(request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(head("Content-Length: 1000000"))
        while True:
            writer.write(b"z")
            await writer.drain()
            await asyncio.sleep(0.02)

    async with serve(handler) as (base, _):
        error = await fetch_error(f"{base}/slow", timeout=0.4)
    assert error.code == "timeout"


async def test_tls_handshake_failure_is_tls_error():
    async def plaintext(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n" * 20)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(plaintext, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        error = await fetch_error(f"https://127.0.0.1:{port}/", timeout=5)
    finally:
        server.close()
        await server.wait_closed()
    assert error.code == "tls_error"


async def test_untrusted_loopback_never_connects():
    async def handler(request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(head("Content-Length: 2"))
        writer.write(b"ok")

    async with serve(handler) as (base, server), fetcher() as f:
        with pytest.raises(FetchError) as info:
            await f.fetch(f"{base}/", trusted=False)
        assert info.value.code == "blocked_address"
        assert server.requests == []
        assert (await f.fetch(f"{base}/", trusted=True)).content == b"ok"

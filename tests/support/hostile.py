"""A hostile website on 127.0.0.1 for the reliability tests: responses no real site should
send, written byte by byte on a raw asyncio server (http.server cannot stream forever,
trickle, or lie about its encoding).

    with HostileSite() as site:
        site.url("/endless")        # chunked zeros, never ending
        site.requests               # every request line path seen

Paths: /big (50 MB page), /endless, /gzip-bomb and /br-bomb (1 GiB of zeros compressed),
/trickle (one byte every 0.2 s), /loop (redirects to itself), /xml-bomb (billion laughs
feed), /pdf-bomb (a page stream inflating to 1 GiB), /pdf-pages (a page tree claiming
10⁹ pages, nested 5,000 deep), /pdf-corrupt, /invalid-bytes, /links (100,000 links).
"""

from __future__ import annotations

import asyncio
import functools
import threading
import zlib
from collections.abc import Awaitable, Callable
from typing import Self

import brotli

GIB = 1 << 30
_MIB_ZEROS = bytes(1 << 20)

Handler = Callable[[asyncio.StreamWriter], Awaitable[None]]


def head(status: str = "200 OK", *headers: str) -> bytes:
    lines = [f"HTTP/1.1 {status}", "Connection: close", *headers, "", ""]
    return "\r\n".join(lines).encode()


def deflated_gib(mib: bytes, wbits: int) -> bytes:
    """1 GiB of `mib` repeated, deflated, for the cost of compressing 2 MiB.

    After a full flush deflate forgets what came before, so each further MiB compresses
    to the same bytes and is copied rather than compressed again. The stream then has no
    valid end (no final block, a wrong checksum): nothing reads that far, since every
    limit under test stops a reader long before."""
    c = zlib.compressobj(9, zlib.DEFLATED, wbits)
    first = c.compress(mib) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(mib) + c.flush(zlib.Z_FULL_FLUSH)
    return first + again * ((GIB >> 20) - 1)


@functools.cache
def gzip_bomb() -> bytes:
    """1 GiB of zeros as one ~1 MB gzip body."""
    return deflated_gib(_MIB_ZEROS, 31)


@functools.cache
def brotli_bomb() -> bytes:
    """1 GiB of zeros as a ~1.6 KB brotli body."""
    c = brotli.Compressor(quality=5)
    return b"".join([c.process(_MIB_ZEROS) for _ in range(GIB >> 20)] + [c.finish()])


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF with a correct xref table for `objects` (numbered from 1; 1 is the catalog)."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@functools.cache
def pdf_stream_bomb() -> bytes:
    """One page whose content stream (FlateDecode) inflates to 1 GiB of spaces."""
    stream = deflated_gib(b" " * (1 << 20), 15)
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
            + stream
            + b"\nendstream",
        ]
    )


@functools.cache
def pdf_page_bomb(depth: int = 5000) -> bytes:
    """A page tree that claims 10⁹ pages and nests `depth` levels of /Pages before a leaf."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        number = level + 2
        objects.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1000000000 >>" % (number + 1))
    objects.append(b"<< /Type /Page /MediaBox [0 0 595 842] >>")
    return _pdf(objects)


def links_page(count: int = 100_000) -> bytes:
    items = "".join(
        f'<li><span class="date">2024年5月{i % 28 + 1}日</span> '
        f'<a href="/item/{i}.html">製品情報 {i}</a></li>'
        for i in range(count)
    )
    return f"<html><body><ul class='news'>{items}</ul></body></html>".encode()


def billion_laughs() -> bytes:
    ents = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    ]
    return (
        '<?xml version="1.0"?><!DOCTYPE rss [' + "".join(ents) + "]>"
        '<rss version="2.0"><channel><title>&lol9;</title>'
        "<item><title>&lol9;</title><link>http://127.0.0.1/x</link></item></channel></rss>"
    ).encode()


class HostileSite:
    """Serves the hostile paths above on a free loopback port from a background thread."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self.port = 0
        self.routes: dict[str, Handler] = {
            "/big": self._big,
            "/endless": self._endless,
            "/gzip-bomb": functools.partial(self._body, gzip_bomb, "text/html", "gzip"),
            "/br-bomb": functools.partial(self._body, brotli_bomb, "text/html", "br"),
            "/trickle": self._trickle,
            "/loop": self._loop_redirect,
            "/xml-bomb": functools.partial(self._body, billion_laughs, "application/rss+xml", None),
            "/pdf-bomb": functools.partial(self._body, pdf_stream_bomb, "application/pdf", None),
            "/pdf-pages": functools.partial(self._body, pdf_page_bomb, "application/pdf", None),
            "/pdf-corrupt": functools.partial(
                self._body,
                lambda: b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R\n" * 500,
                "application/pdf",
                None,
            ),
            "/invalid-bytes": functools.partial(
                self._body,
                lambda: b"<html><body>\xff\xfe\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc" * 4000,
                "text/html; charset=utf-8",
                None,
            ),
            "/links": functools.partial(self._body, links_page, "text/html; charset=utf-8", None),
            "/robots.txt": functools.partial(self._body, lambda: b"", "text/plain", None),
        }

    def __enter__(self) -> Self:
        # Built before serving (cached per process): building one inside the server's
        # loop would stall every other response for seconds.
        for build in (gzip_bomb, brotli_bomb, pdf_stream_bomb, pdf_page_bomb):
            build()
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._serve, "127.0.0.1", 0), self._loop
        ).result(10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            assert self._server is not None
            self._server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await reader.readuntil(b"\r\n\r\n")
            path = request.split(b" ", 2)[1].decode()
            self.requests.append(path)
            route = self.routes.get(path.split("?", 1)[0])
            if route is None:
                writer.write(head("404 Not Found", "Content-Length: 0"))
            else:
                await route(writer)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _body(
        self,
        body: Callable[[], bytes],
        content_type: str,
        encoding: str | None,
        writer: asyncio.StreamWriter,
    ) -> None:
        data = body()
        extra = [f"Content-Encoding: {encoding}"] if encoding else []
        writer.write(
            head("200 OK", f"Content-Type: {content_type}", f"Content-Length: {len(data)}", *extra)
        )
        writer.write(data)

    async def _big(self, writer: asyncio.StreamWriter) -> None:
        """50 MB, honestly declared: the cap refuses it on the header."""
        size = 50_000_000
        writer.write(head("200 OK", "Content-Type: text/html", f"Content-Length: {size}"))
        for _ in range(size >> 20):
            writer.write(_MIB_ZEROS)
            await writer.drain()

    async def _endless(self, writer: asyncio.StreamWriter) -> None:
        writer.write(head("200 OK", "Content-Type: text/html", "Transfer-Encoding: chunked"))
        chunk = b"%x\r\n" % len(_MIB_ZEROS) + _MIB_ZEROS + b"\r\n"
        while True:
            writer.write(chunk)
            await writer.drain()

    async def _trickle(self, writer: asyncio.StreamWriter) -> None:
        writer.write(head("200 OK", "Content-Type: text/html", "Content-Length: 100000"))
        while True:
            writer.write(b"<")
            await writer.drain()
            await asyncio.sleep(0.2)

    async def _loop_redirect(self, writer: asyncio.StreamWriter) -> None:
        writer.write(head("302 Found", "Location: /loop", "Content-Length: 0"))

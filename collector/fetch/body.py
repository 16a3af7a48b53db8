"""A response body, decoded under a size cap that holds against compression bombs.

The body is decoded here, at most PIECE bytes of output per step, and counted after each
step: a compression bomb (one 1.6 KB brotli read inflates to 1 GiB in a single call of
httpx's own decoder) is stopped at the cap having cost max_bytes + PIECE of memory.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import brotli
import httpx

PIECE = 1 << 20
ENCODINGS = frozenset({"gzip", "x-gzip", "deflate", "br"})


class BodyTooLarge(Exception):
    """More than the cap, counted after decoding."""


class UnsupportedEncoding(Exception):
    """Stacked content-encodings (their ratios multiply) or one that cannot be decoded."""

    def __init__(self, encodings: str) -> None:
        super().__init__(encodings)
        self.encodings = encodings


class CorruptBody(Exception):
    """The encoded body does not decode; the decoder's error is the cause."""


async def read_body(response: httpx.Response, max_bytes: int) -> bytes:
    """The decoded body of a streamed response, at most `max_bytes` of it."""
    header = response.headers.get("content-encoding", "")
    encodings = [e.strip().lower() for e in header.split(",")]
    encodings = [e for e in encodings if e and e != "identity"]
    if len(encodings) > 1 or not set(encodings) <= ENCODINGS:
        raise UnsupportedEncoding(", ".join(encodings))
    if response.is_stream_consumed:
        # Only an in-memory response (a mock transport) arrives read, and httpx decoded it.
        raw_chunks: AsyncIterator[bytes] = response.aiter_bytes()
        decode = decoder(None)
    else:
        raw_chunks = response.aiter_raw()
        decode = decoder(encodings[0] if encodings else None)
    chunks: list[bytes] = []
    total = 0
    try:
        async for raw in raw_chunks:
            for piece in decode(raw):
                total += len(piece)
                if total > max_bytes:
                    raise BodyTooLarge
                chunks.append(piece)
    except (zlib.error, brotli.error) as exc:
        raise CorruptBody(f"{type(exc).__name__}: {exc}") from exc
    return b"".join(chunks)


def decoder(encoding: str | None) -> Callable[[bytes], Iterator[bytes]]:
    """A decoder for one content-encoding that yields its output in pieces of at most
    PIECE bytes, however much a piece of input expands to."""
    if encoding is None:
        return lambda raw: iter((raw,))
    if encoding == "br":
        unbrotli = brotli.Decompressor()

        def brotli_pieces(raw: bytes) -> Iterator[bytes]:
            yield unbrotli.process(raw, output_buffer_limit=PIECE)
            while not unbrotli.can_accept_more_data():
                yield unbrotli.process(b"", output_buffer_limit=PIECE)

        return brotli_pieces
    return _Inflate(gzip=encoding in ("gzip", "x-gzip"))


class _Inflate:
    """gzip or deflate, inflated at most PIECE bytes per step. Deflate is zlib-wrapped as
    the RFC says, or raw as some servers send it: the first byte tells them apart."""

    def __init__(self, *, gzip: bool) -> None:
        self._gzip = gzip
        self._inflater: Any = None

    def __call__(self, raw: bytes) -> Iterator[bytes]:
        if self._inflater is None:
            if not raw:
                return
            wbits = zlib.MAX_WBITS | 16 if self._gzip else zlib.MAX_WBITS
            if not self._gzip and raw[:1] != b"\x78":
                wbits = -zlib.MAX_WBITS
            self._inflater = zlib.decompressobj(wbits)
        data = raw
        while True:
            piece = self._inflater.decompress(data, PIECE)
            yield piece
            data = self._inflater.unconsumed_tail
            if not data and len(piece) < PIECE:
                return

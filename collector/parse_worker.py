"""The worker side of the parse pool (collector.sources.parse_pool): one document in,
its ReadDocument or its error out.

It sits outside `collector.sources` on purpose. A worker imports the module of its
target and of every request it unpickles; in that package the import ran the package's
`__init__` (every source kind, httpx, pydantic, structlog): about 0.2 s of CPU in each
worker of every command that parsed anything. This module needs only the standard library
until the first document, and the fork server preloads it with the parsers, so a new
worker imports nothing.
"""

from __future__ import annotations

import resource
import signal
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from parsers.errors import ParseError

# What the fork server imports once, for every worker it forks.
PRELOAD = ["parsers.document", __name__]


@dataclass(frozen=True)
class Request:
    data: bytes
    options: dict[str, Any]


def serve(conn: Connection, memory_bytes: int) -> None:
    """A worker's loop. The parsers are imported here (the fork server has them loaded
    already), not in the collector, which never parses in its own process."""
    from parsers.document import read_document

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    while True:
        try:
            request: Request = conn.recv()
        except (EOFError, OSError):
            return
        except MemoryError:  # the document alone is over the bound
            conn.send(("memory", None, None))
            return
        reply: tuple[str, Any, str | None]
        try:
            reply = ("ok", read_document(request.data, **request.options), None)
        except ParseError as exc:
            reply = ("error", str(exc), exc.code)
        except MemoryError:
            reply = ("memory", None, None)
        except Exception as exc:  # a parser bug: this document fails, the worker lives on
            reply = ("error", f"parser failed: {type(exc).__name__}: {exc}", "parse_error")
        conn.send(reply)
        if reply[0] == "memory":
            return  # a fresh worker is cheaper than trusting one that ran out

"""Notices parsed in worker processes, each under a deadline and a memory bound.

Parsing is pure CPU work on hostile bytes: run on the event loop, one slow page would hold
up every other source, delivery, reloads and `/healthz`; run in a thread, a runaway parse
could not be stopped. A worker process can: a document over its deadline has its worker
killed (and replaced) and fails with `parse deadline exceeded`; a worker's address space
is capped (RLIMIT_AS), so a document that needs more fails with `parse memory bound
exceeded` instead of swapping the host. Either failure is a ParseError, retried by the
collector's usual policy for an unreadable document.

Workers come from a fork server that has already imported the parsers, so a new worker
costs milliseconds, and they are started only when a document is parsed.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, Any

import structlog

from collector.parse_worker import PRELOAD, Request, serve
from parsers.errors import ParseError

if TYPE_CHECKING:
    from parsers.document import ReadDocument

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class ParseLimits:
    """What one document may cost: seconds of wall time and MiB of worker address space."""

    deadline: float = 20.0
    memory_mb: int = 1536
    workers: int = 2


def _stopped() -> ParseError:
    return ParseError("parsing stopped: shutting down", code="parse_stopped")


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()

    def stop(self) -> None:
        self.kill()
        self.conn.close()
        self.process.join(timeout=5)


@dataclass
class ParsePool:
    """Thread-safe: `read` blocks the calling thread, `read_async` awaits it off the loop."""

    limits: ParseLimits = field(default_factory=ParseLimits)
    _idle: queue.SimpleQueue[_Worker] = field(default_factory=queue.SimpleQueue, init=False)
    _busy: set[_Worker] = field(default_factory=set, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _closed: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self._slots = threading.BoundedSemaphore(max(1, self.limits.workers))
        # `read_async` waits in threads of its own, one per worker: more would only block
        # on the slots, and asyncio's default executor (six threads on two cores) gave
        # each its malloc arena, peak memory the service never used.
        self._waiters = ThreadPoolExecutor(
            max_workers=max(1, self.limits.workers), thread_name_prefix="owabi-parse"
        )
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(PRELOAD)

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def read_async(self, data: bytes, **options: Any) -> ReadDocument:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._waiters, partial(self.read, data, **options))

    def read(self, data: bytes, **options: Any) -> ReadDocument:
        """`parsers.document.read_document(data, **options)` in a worker; ParseError when
        the document cannot be read, takes longer than the deadline or more memory."""
        with self._slots:
            worker = self._take()
            try:
                worker.conn.send(Request(data, options))
                if not worker.conn.poll(self.limits.deadline):
                    self._discard(worker)
                    raise ParseError(
                        f"parse deadline exceeded ({self.limits.deadline:g} s)",
                        code="parse_deadline",
                    )
                status, payload, code = worker.conn.recv()
            except (EOFError, OSError) as exc:
                self._discard(worker)
                if self._closed:
                    raise _stopped() from exc
                raise self._over_memory(" or the parser process died") from exc
            if status == "memory":
                self._discard(worker)
                raise self._over_memory()
            self._release(worker)
        if status == "error":
            raise ParseError(payload, code=code)
        result: ReadDocument = payload
        return result

    def close(self) -> None:
        """Stop every worker, a busy one too: its caller gets `parsing stopped` (and closes
        that worker's end of the pipe itself, which may be in use in its thread)."""
        with self._lock:
            self._closed = True
            busy = list(self._busy)
        for worker in busy:
            worker.kill()
        while True:
            try:
                self._idle.get_nowait().stop()
            except queue.Empty:
                break

    def _over_memory(self, also: str = "") -> ParseError:
        message = f"parse memory bound exceeded ({self.limits.memory_mb} MiB){also}"
        return ParseError(message, code="parse_memory")

    def _take(self) -> _Worker:
        if self._closed:
            raise _stopped()
        try:
            worker = self._idle.get_nowait()
        except queue.Empty:
            worker = self._spawn()
        with self._lock:
            self._busy.add(worker)
        return worker

    def _release(self, worker: _Worker) -> None:
        with self._lock:
            self._busy.discard(worker)
            closed = self._closed
        if closed:
            worker.stop()
        else:
            self._idle.put(worker)

    def _discard(self, worker: _Worker) -> None:
        with self._lock:
            self._busy.discard(worker)
        worker.stop()

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        memory = self.limits.memory_mb * 1024 * 1024
        process = self._context.Process(
            target=serve, args=(child, memory), name="owabi-parse", daemon=True
        )
        process.start()
        child.close()
        log.debug("parse worker started", pid=process.pid)
        return _Worker(process, parent)

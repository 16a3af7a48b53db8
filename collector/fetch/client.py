"""owabi's one HTTP boundary: polite, bounded, SSRF-checked GETs that fail only as FetchError.

Everything that talks HTTP goes through `Fetcher.fetch`, so the limits that keep a
monitoring bot well-behaved and safe live in one place: size cap (also against gzip
bombs), a wall-clock deadline per request, manual redirects with an SSRF check per hop,
retries with backoff, per-host concurrency and politeness, robots.txt.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import socket
import ssl
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from types import TracebackType
from typing import NoReturn, Self

import httpx
from pydantic import BaseModel, ConfigDict, Field

from collector.clock import SYSTEM, Clock
from collector.errors import FetchCode, FetchError, redact_url
from collector.fetch.addresses import Resolver, blocked_reason, system_resolver
from collector.fetch.body import BodyTooLarge, CorruptBody, UnsupportedEncoding, read_body
from collector.fetch.pool import polled_transport
from collector.fetch.robots import RobotsCache
from parsers.httpheaders import retry_after_seconds


def owabi_version() -> str:
    try:
        return version("owabi")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0"


DEFAULT_USER_AGENT = f"owabi/{owabi_version()} (+https://github.com/owabi-dev/owabi)"

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# RFC 9309 §2.5: crawlers must parse at least 500 KiB; anything larger is not a real robots.txt.
_ROBOTS_MAX_BYTES = 512 * 1024


class FetchSettings(BaseModel):
    """Limits for every request; times in seconds. `retries` counts attempts after the first."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    timeout: float = Field(default=20.0, gt=0)
    max_bytes: int = Field(default=20_000_000, gt=0)
    max_redirects: int = Field(default=5, ge=0)
    user_agent: str = Field(default=DEFAULT_USER_AGENT, min_length=1)
    per_host_concurrency: int = Field(default=2, ge=1)
    politeness_delay: float = Field(default=1.0, ge=0)
    retries: int = Field(default=3, ge=0)
    backoff_base: float = Field(default=0.5, ge=0)
    backoff_max: float = Field(default=30.0, ge=0)
    respect_robots: bool = True
    allow_private_addresses: bool = False


@dataclass(frozen=True)
class FetchResult:
    """A successful fetch: a 2xx body, or 304 with empty content.

    On 304 `etag`/`last_modified` fall back to the validators that were sent, so the
    caller can store them back unconditionally.
    """

    url: str
    final_url: str
    status: int
    content: bytes
    content_type: str | None
    charset: str | None
    etag: str | None
    last_modified: str | None
    elapsed: float

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True)
class _Final:
    """The last response of a redirect chain, body already read."""

    url: httpx.URL
    status: int
    headers: httpx.Headers
    content: bytes


class _Retry(Exception):
    """Internal: an attempt failed in a way worth repeating (timeout, network, 5xx, 429)."""

    def __init__(self, error: FetchError, retry_after: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


@dataclass
class _HostGate:
    """Per-host concurrency and the earliest time the next request may start."""

    semaphore: asyncio.Semaphore
    concurrency: int
    next_start: float = float("-inf")


class Fetcher:
    """Shared HTTP client with owabi's fetch policy; use as `async with Fetcher(s) as f`.

    `transport`, `resolver` and `clock` are injectable so tests need neither network,
    DNS nor real waiting.
    """

    def __init__(
        self,
        settings: FetchSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
        clock: Clock = SYSTEM,
    ) -> None:
        self.settings = settings
        # One TLS context (certificate store loaded once, about 20 ms) for this client and
        # any other the command opens (the channels'): see `tls`.
        self.tls: ssl.SSLContext | bool = True
        if transport is None:
            self.tls = httpx.create_ssl_context()
            transport = polled_transport(self.tls)
        self._client = httpx.AsyncClient(
            verify=self.tls,
            transport=transport,
            http2=False,
            follow_redirects=False,  # manual, so every hop is counted and SSRF-checked
            timeout=httpx.Timeout(settings.timeout),
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate, br"},
        )
        self._resolver = resolver or system_resolver
        self._clock = clock
        self._gates: dict[str, _HostGate] = {}
        self._robots = RobotsCache(self._load_robots)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        source_id: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        trusted: bool = True,
    ) -> FetchResult:
        """GET `url`, retrying transient failures; raise FetchError for anything else.

        `trusted=False` marks URLs taken from fetched content: their hosts must be public.
        A trusted fetch redirected to another host is checked as untrusted from then on.
        `etag`/`last_modified` make the request conditional (304 -> `not_modified`).
        """
        started = self._clock.monotonic()
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempt = 0
        while True:
            try:
                final = await self._chain(
                    url,
                    headers,
                    trusted=trusted,
                    source_id=source_id,
                    max_bytes=self.settings.max_bytes,
                    check_robots=self.settings.respect_robots,
                )
                break
            except _Retry as retry:
                if attempt >= self.settings.retries:
                    raise retry.error from retry.__cause__
                await self._clock.sleep(self._backoff(attempt, retry.retry_after))
                attempt += 1
        content_type, charset = _parse_content_type(final.headers.get("content-type"))
        return FetchResult(
            url=url,
            final_url=str(final.url),
            status=final.status,
            content=final.content,
            content_type=content_type,
            charset=charset,
            etag=final.headers.get("etag") or (etag if final.status == 304 else None),
            last_modified=final.headers.get("last-modified")
            or (last_modified if final.status == 304 else None),
            elapsed=self._clock.monotonic() - started,
        )

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        """Exponential backoff with equal jitter; a server's Retry-After wins, capped."""
        if retry_after is not None:
            return min(retry_after, self.settings.backoff_max)
        ceiling = min(self.settings.backoff_max, self.settings.backoff_base * 2.0**attempt)
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    async def _chain(
        self,
        url: str,
        headers: dict[str, str],
        *,
        trusted: bool,
        source_id: str | None,
        max_bytes: int,
        check_robots: bool,
    ) -> _Final:
        """One attempt: follow redirects by hand, vetting each hop before contacting it."""
        current = _parse_url(url, source_id)
        origin_host = current.host
        seen = {current.copy_with(fragment=None)}
        redirects = 0
        while True:
            # Leaving the configured host means the target was chosen by someone else.
            trusted = trusted and current.host == origin_host
            await self._admit(current, trusted=trusted, source_id=source_id, robots=check_robots)
            hop = await self._exchange(current, headers, source_id=source_id, max_bytes=max_bytes)
            if isinstance(hop, _Final):
                return hop
            if redirects >= self.settings.max_redirects:
                _fail(
                    "too_many_redirects",
                    f"more than {self.settings.max_redirects} redirects for {_show(current)}",
                    current,
                    source_id,
                )
            redirects += 1
            try:
                current = current.join(hop)
            except httpx.InvalidURL as exc:
                _fail(
                    "bad_url",
                    f"invalid redirect target from {_show(current)}",
                    current,
                    source_id,
                    cause=exc,
                )
            key = current.copy_with(fragment=None)
            if key in seen:
                _fail(
                    "too_many_redirects", f"redirect loop at {_show(current)}", current, source_id
                )
            seen.add(key)

    async def _admit(
        self, url: httpx.URL, *, trusted: bool, source_id: str | None, robots: bool
    ) -> None:
        """Refuse a hop before any request: bad scheme, non-public address, robots.txt."""
        if url.scheme not in ("http", "https") or not url.host:
            _fail("bad_url", f"not an http(s) URL: {_show(url)}", url, source_id)
        if not trusted and not self.settings.allow_private_addresses:
            port = url.port or (443 if url.scheme == "https" else 80)
            try:
                async with asyncio.timeout(self.settings.timeout):
                    reason = await blocked_reason(url.host, port, self._resolver)
            except TimeoutError as exc:
                raise _Retry(
                    _error("timeout", f"resolving timed out for {_show(url)}", url, source_id)
                ) from exc
            except OSError as exc:
                raise _Retry(
                    _error(
                        "network", f"cannot resolve host ({exc}) for {_show(url)}", url, source_id
                    )
                ) from exc
            if reason is not None:
                _fail("blocked_address", f"refusing {_show(url)}: {reason}", url, source_id)
        if robots and not await self._robots.allows(url, trusted=trusted):
            _fail("robots_disallowed", f"robots.txt disallows {_show(url)}", url, source_id)

    def one_at_a_time(self, url: str) -> None:
        """Send at most one request at a time to `url`'s host, whatever the per-host
        setting: for a host that asks it (TDnet), and whose every source obeys it."""
        host = httpx.URL(url).host
        gate = self._gates.get(host)
        if gate is None or gate.concurrency != 1:
            self._gates[host] = _HostGate(asyncio.Semaphore(1), 1)

    async def _exchange(
        self, url: httpx.URL, headers: dict[str, str], *, source_id: str | None, max_bytes: int
    ) -> _Final | str:
        """One request under the host's gate and a hard deadline; a str is a redirect target."""
        gate = self._gates.get(url.host)
        if gate is None:
            concurrency = self.settings.per_host_concurrency
            gate = self._gates[url.host] = _HostGate(asyncio.Semaphore(concurrency), concurrency)
        async with gate.semaphore:
            await self._wait_turn(gate)
            request = self._client.build_request("GET", url, headers=headers)
            try:
                # Bounds the whole exchange: httpx's timeouts are per read, so a server
                # trickling one byte at a time would otherwise never time out.
                async with asyncio.timeout(self.settings.timeout):
                    response = await self._client.send(request, stream=True)
                    try:
                        return await _read(response, url, source_id, max_bytes, self._clock.now())
                    finally:
                        await response.aclose()
            except (TimeoutError, httpx.TimeoutException) as exc:
                message = f"timed out after {self.settings.timeout:g}s for {_show(url)}"
                raise _Retry(_error("timeout", message, url, source_id)) from exc
            except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
                _translate(exc, url, source_id)

    async def _wait_turn(self, gate: _HostGate) -> None:
        """Space request starts to one host by politeness_delay; the slot is claimed first,
        without awaiting, so concurrent waiters queue up instead of all firing together."""
        now = self._clock.monotonic()
        start = max(now, gate.next_start)
        gate.next_start = start + self.settings.politeness_delay
        if start > now:
            await self._clock.sleep(start - now)

    async def _load_robots(self, robots_url: str, trusted: bool) -> tuple[int | None, bytes]:
        """Fetch robots.txt once, no retries; (None, b"") when it could not be fetched."""
        try:
            final = await self._chain(
                robots_url,
                {},
                trusted=trusted,
                source_id=None,
                max_bytes=_ROBOTS_MAX_BYTES,
                check_robots=False,
            )
        except _Retry as retry:
            return retry.error.status, b""
        except FetchError as exc:
            return exc.status, b""
        return final.status, final.content


_DRAIN_BYTES = 64 * 1024


async def _drain(response: httpx.Response) -> None:
    """Read a body we do not use (a 304, a redirect, an error page) when it is short, so
    the connection goes back to the pool: closed unread, every unchanged source would pay
    a new connection, over HTTPS a handshake. A longer body closes the connection."""
    if response.is_stream_consumed:
        return
    read = 0
    async for chunk in response.aiter_raw():
        read += len(chunk)
        if read > _DRAIN_BYTES:
            return


async def _read(
    response: httpx.Response,
    url: httpx.URL,
    source_id: str | None,
    max_bytes: int,
    now: dt.datetime,
) -> _Final | str:
    status = response.status_code
    location = response.headers.get("location")
    if status in _REDIRECT_STATUSES and location:
        await _drain(response)
        return str(location)
    if status == 304:
        await _drain(response)
        return _Final(url, status, response.headers, b"")
    if not 200 <= status < 300:
        await _drain(response)
        error = _error(
            "http_status",
            f"http {status} {response.reason_phrase} for {_show(url)}",
            url,
            source_id,
            status=status,
        )
        if status >= 500 or status == 429:
            raise _Retry(
                error,
                retry_after_seconds(response.headers.get("retry-after"), now),
            )
        raise error
    too_large = _error("too_large", f"body over {max_bytes} bytes for {_show(url)}", url, source_id)
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    try:
        content = await read_body(response, max_bytes)
    except BodyTooLarge:
        raise too_large from None
    except UnsupportedEncoding as exc:
        # Stacked encodings multiply their ratios; unknown ones cannot be decoded.
        message = f"unsupported content-encoding {exc.encodings!r} for {_show(url)}"
        raise _error("network", message, url, source_id) from None
    except CorruptBody as exc:
        # A corrupt body is not going to fix itself on retry.
        message = f"bad response body ({exc}) for {_show(url)}"
        raise _error("network", message, url, source_id) from exc.__cause__
    return _Final(url, status, response.headers, content)


def _parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """("text/html", "shift_jis") from "text/HTML; charset=Shift_JIS"; Nones when absent."""
    if not value:
        return None, None
    media, *params = value.split(";")
    charset = None
    for param in params:
        name, sep, raw = param.partition("=")
        if sep and name.strip().lower() == "charset":
            charset = raw.strip().strip("\"'").lower() or None
    return media.strip().lower() or None, charset


def _parse_url(url: str, source_id: str | None) -> httpx.URL:
    try:
        return httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise FetchError(
            f"invalid URL {redact_url(str(url))}",
            url=str(url),
            code="bad_url",
            source_id=source_id,
        ) from exc


def _show(url: httpx.URL) -> str:
    """The URL as it may appear in messages: userinfo stripped."""
    return redact_url(str(url))


def _error(
    code: FetchCode,
    message: str,
    url: httpx.URL,
    source_id: str | None,
    *,
    status: int | None = None,
) -> FetchError:
    return FetchError(message, url=str(url), code=code, source_id=source_id, status=status)


def _fail(
    code: FetchCode,
    message: str,
    url: httpx.URL,
    source_id: str | None,
    *,
    cause: BaseException | None = None,
) -> NoReturn:
    raise _error(code, message, url, source_id) from cause


def _translate(exc: Exception, url: httpx.URL, source_id: str | None) -> NoReturn:
    """Map an httpx failure to FetchError; transient ones are raised as _Retry."""
    shown = _show(url)
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if _find_cause(exc, ssl.SSLError):
        _fail("tls_error", f"TLS error ({detail}) for {shown}", url, source_id, cause=exc)
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        _fail("bad_url", f"invalid URL ({detail}): {shown}", url, source_id, cause=exc)
    if isinstance(exc, httpx.DecodingError | httpx.StreamError):
        # A corrupt body is not going to fix itself on retry.
        _fail("network", f"bad response body ({detail}) for {shown}", url, source_id, cause=exc)
    if _find_cause(exc, socket.gaierror):
        message = f"cannot resolve host {url.host} for {shown}"
    elif _find_cause(exc, ConnectionRefusedError):
        message = f"connection refused by {url.host}:{url.port or url.scheme} for {shown}"
    else:
        message = f"network error ({detail}) for {shown}"
    raise _Retry(_error("network", message, url, source_id)) from exc


def _find_cause(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    """The first exception of `kind` in exc's cause/context chain."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None

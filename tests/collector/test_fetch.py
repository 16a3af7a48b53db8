"""Fetcher behaviour against a mocked transport (respx): headers, validators, retries,
redirects, robots.txt, SSRF refusals, concurrency. Streaming limits are in
test_fetch_stream.py against a real loopback server."""

from __future__ import annotations

import asyncio
import email.utils
import ssl
import time
from collections.abc import Iterable

import httpx
import pytest
import respx

from collector.errors import FetchError
from collector.fetch import Fetcher, FetchResult, FetchSettings
from tests.support.clock import FakeClock

pytestmark = pytest.mark.anyio

URL = "https://example.org/news"


class RecordingSleep(FakeClock):
    """The fetcher's clock: its sleeps are recorded (`delays`) and take no time."""

    @property
    def delays(self) -> list[float]:
        return self.slept


class FakeResolver:
    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    async def __call__(self, host: str, port: int) -> Iterable[str]:
        self.asked.append(host)
        return self.answers[host]


@pytest.fixture
def router() -> respx.MockRouter:
    return respx.MockRouter(assert_all_called=False)


@pytest.fixture
def sleep() -> RecordingSleep:
    return RecordingSleep()


def make(
    router: respx.MockRouter,
    sleep: RecordingSleep,
    *,
    resolver: FakeResolver | None = None,
    **overrides: object,
) -> Fetcher:
    """A Fetcher over the mock router; robots and politeness off unless a test turns them on."""
    options: dict[str, object] = {"respect_robots": False, "politeness_delay": 0.0}
    options.update(overrides)
    return Fetcher(
        FetchSettings.model_validate(options),
        transport=httpx.MockTransport(router.async_handler),
        resolver=resolver or FakeResolver({}),
        clock=sleep,
    )


async def fetch_error(fetcher: Fetcher, url: str, **kwargs: object) -> FetchError:
    with pytest.raises(FetchError) as info:
        await fetcher.fetch(url, **kwargs)  # type: ignore[arg-type]
    return info.value


# --- plain responses and conditional GET ---------------------------------------------------


async def test_200_returns_body_metadata_and_sends_our_headers(router, sleep):
    route = router.get(URL).respond(
        200,
        content="お詫び".encode("shift_jis"),
        headers={
            "Content-Type": 'Text/HTML; Charset="Shift_JIS"',
            "ETag": '"v1"',
            "Last-Modified": "Wed, 01 Oct 2025 00:00:00 GMT",
        },
    )
    async with make(router, sleep) as fetcher:
        result = await fetcher.fetch(URL, source_id="src")

    assert isinstance(result, FetchResult)
    assert (result.url, result.final_url, result.status) == (URL, URL, 200)
    assert result.content.decode(result.charset or "") == "お詫び"
    assert (result.content_type, result.charset) == ("text/html", "shift_jis")
    assert (result.etag, result.last_modified) == ('"v1"', "Wed, 01 Oct 2025 00:00:00 GMT")
    assert not result.not_modified
    assert result.elapsed >= 0
    request = route.calls.last.request
    assert request.headers["User-Agent"].startswith("owabi/")
    assert "(+https://github.com/owabi-dev/owabi)" in request.headers["User-Agent"]
    assert request.headers["Accept-Encoding"] == "gzip, deflate, br"
    assert "If-None-Match" not in request.headers
    assert "If-Modified-Since" not in request.headers


async def test_missing_content_type_gives_none(router, sleep):
    router.get(URL).respond(200, content=b"x")
    async with make(router, sleep) as fetcher:
        result = await fetcher.fetch(URL)
    assert (result.content_type, result.charset, result.etag) == (None, None, None)


async def test_304_sends_validators_and_reports_not_modified(router, sleep):
    route = router.get(URL).respond(304)
    async with make(router, sleep) as fetcher:
        result = await fetcher.fetch(
            URL, etag='"v1"', last_modified="Wed, 01 Oct 2025 00:00:00 GMT"
        )

    request = route.calls.last.request
    assert request.headers["If-None-Match"] == '"v1"'
    assert request.headers["If-Modified-Since"] == "Wed, 01 Oct 2025 00:00:00 GMT"
    assert result.not_modified and result.status == 304 and result.content == b""
    # Validators fall back to the ones sent, so callers can store them back as-is.
    assert (result.etag, result.last_modified) == ('"v1"', "Wed, 01 Oct 2025 00:00:00 GMT")


# --- status errors and retries -----------------------------------------------------------


async def test_404_is_not_retried(router, sleep):
    route = router.get("https://x/y").respond(404)
    async with make(router, sleep) as fetcher:
        error = await fetch_error(fetcher, "https://x/y", source_id="src")

    assert route.call_count == 1 and sleep.delays == []
    assert (error.code, error.status, error.url, error.source_id) == (
        "http_status",
        404,
        "https://x/y",
        "src",
    )
    assert str(error) == "http 404 Not Found for https://x/y"


async def test_500_then_200_is_retried(router, sleep):
    route = router.get(URL).mock(side_effect=[httpx.Response(500), httpx.Response(200, text="ok")])
    async with make(router, sleep) as fetcher:
        result = await fetcher.fetch(URL)
    assert result.content == b"ok"
    assert route.call_count == 2
    assert len(sleep.delays) == 1


async def test_500_forever_gives_up_after_retries_with_growing_backoff(router, sleep):
    route = router.get(URL).respond(503)
    async with make(router, sleep, retries=3, backoff_base=0.5, backoff_max=1.5) as fetcher:
        error = await fetch_error(fetcher, URL)

    assert route.call_count == 4  # first attempt + 3 retries
    assert (error.code, error.status) == ("http_status", 503)
    # Equal jitter: each delay lies in [ceiling/2, ceiling], ceiling = min(max, base * 2**n).
    ceilings = [0.5, 1.0, 1.5]
    assert len(sleep.delays) == 3
    for delay, ceiling in zip(sleep.delays, ceilings, strict=True):
        assert ceiling / 2 <= delay <= ceiling


async def test_timeout_is_retried_then_reported(router, sleep):
    route = router.get(URL).mock(side_effect=httpx.ReadTimeout("slow"))
    async with make(router, sleep, retries=2) as fetcher:
        error = await fetch_error(fetcher, URL)
    assert route.call_count == 3
    assert error.code == "timeout" and error.status is None
    assert isinstance(error.__cause__, httpx.TimeoutException)


async def test_network_error_is_retried_and_translated(router, sleep):
    route = router.get(URL).mock(
        side_effect=[httpx.ConnectError("refused"), httpx.Response(200, text="ok")]
    )
    async with make(router, sleep) as fetcher:
        assert (await fetcher.fetch(URL)).content == b"ok"
    assert route.call_count == 2

    router.get("https://down.example/").mock(side_effect=httpx.ConnectError("refused"))
    async with make(router, sleep, retries=0) as fetcher:
        error = await fetch_error(fetcher, "https://down.example/")
    assert error.code == "network"
    assert isinstance(error.__cause__, httpx.ConnectError)
    assert "\n" not in str(error)


class FailingTlsTransport(httpx.AsyncBaseTransport):
    """Fails like httpx does on a bad certificate: ConnectError chained to ssl.SSLError."""

    def __init__(self) -> None:
        self.calls = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        try:
            raise ssl.SSLCertVerificationError("certificate verify failed")
        except ssl.SSLError as exc:
            raise httpx.ConnectError("handshake failed", request=request) from exc


async def test_tls_failure_is_not_retried(sleep):
    transport = FailingTlsTransport()
    settings = FetchSettings(respect_robots=False, politeness_delay=0)
    async with Fetcher(settings, transport=transport, clock=sleep) as fetcher:
        error = await fetch_error(fetcher, URL)
    assert error.code == "tls_error"
    assert transport.calls == 1 and sleep.delays == []


async def test_429_honours_retry_after(router, sleep):
    route = router.get(URL).mock(
        side_effect=[httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200)]
    )
    async with make(router, sleep) as fetcher:
        assert (await fetcher.fetch(URL)).status == 200
    assert route.call_count == 2
    assert sleep.delays == [7.0]


async def test_retry_after_is_capped_at_backoff_max(router, sleep):
    in_an_hour = email.utils.formatdate(time.time() + 3600, usegmt=True)
    router.get(URL).mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "86400"}),
            httpx.Response(429, headers={"Retry-After": in_an_hour}),
            httpx.Response(429),
        ]
    )
    async with make(router, sleep, retries=2, backoff_max=30.0) as fetcher:
        error = await fetch_error(fetcher, URL)
    assert (error.code, error.status) == ("http_status", 429)
    assert sleep.delays == [30.0, 30.0]


async def test_content_length_over_cap_is_refused(router, sleep):
    route = router.get(URL).respond(200, content=b"x" * 101)
    async with make(router, sleep, max_bytes=100) as fetcher:
        error = await fetch_error(fetcher, URL)
    assert error.code == "too_large" and route.call_count == 1
    assert str(error) == f"body over 100 bytes for {URL}"


async def test_credentials_never_appear_in_errors(router, sleep):
    router.get("https://example.org/private").respond(401)
    async with make(router, sleep) as fetcher:
        error = await fetch_error(fetcher, "https://alice:s3cret@example.org/private")
    assert "s3cret" not in str(error) and "alice" not in str(error)
    assert "s3cret" not in error.url
    assert str(error) == "http 401 Unauthorized for https://example.org/private"


# --- redirects ---------------------------------------------------------------------------


async def test_redirect_is_followed_relative_location(router, sleep):
    router.get("https://example.org/old").respond(301, headers={"Location": "/new"})
    router.get("https://example.org/new").respond(200, text="moved")
    async with make(router, sleep) as fetcher:
        result = await fetcher.fetch("https://example.org/old")
    assert result.url == "https://example.org/old"
    assert result.final_url == "https://example.org/new"
    assert result.content == b"moved"


async def test_redirect_loop_is_detected(router, sleep):
    router.get("https://example.org/a").respond(302, headers={"Location": "/b"})
    router.get("https://example.org/b").respond(302, headers={"Location": "/a"})
    async with make(router, sleep, max_redirects=10) as fetcher:
        error = await fetch_error(fetcher, "https://example.org/a")
    assert error.code == "too_many_redirects"
    assert "loop" in str(error)
    assert sleep.delays == []  # not retried


async def test_too_many_redirects(router, sleep):
    for n in range(5):
        router.get(f"https://example.org/r{n}").respond(
            307, headers={"Location": f"https://example.org/r{n + 1}"}
        )
    async with make(router, sleep, max_redirects=2) as fetcher:
        error = await fetch_error(fetcher, "https://example.org/r0")
    assert error.code == "too_many_redirects"
    assert str(error) == "more than 2 redirects for https://example.org/r2"
    assert [route.call_count for route in router.routes][:4] == [1, 1, 1, 0]


async def test_redirect_to_non_http_scheme_is_bad_url(router, sleep):
    router.get(URL).respond(302, headers={"Location": "file:///etc/passwd"})
    async with make(router, sleep) as fetcher:
        error = await fetch_error(fetcher, URL)
    assert error.code == "bad_url"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "/relative", "x"])
async def test_non_http_urls_are_bad_url(router, sleep, url):
    async with make(router, sleep) as fetcher:
        error = await fetch_error(fetcher, url)
    assert error.code == "bad_url"


async def test_unparsable_url_is_bad_url(router, sleep):
    async with make(router, sleep) as fetcher:
        error = await fetch_error(fetcher, "http://[::1")
    assert error.code == "bad_url"


# --- robots.txt --------------------------------------------------------------------------

ROBOTS = "https://example.org/robots.txt"


async def test_robots_disallow_is_enforced_and_cached(router, sleep):
    robots = router.get(ROBOTS).respond(
        200, text="User-agent: *\nDisallow:\n\nUser-agent: owabi\nDisallow: /private/\n"
    )
    page = router.get("https://example.org/public").respond(200, text="ok")
    router.get("https://example.org/private/x").respond(200, text="secret")
    async with make(router, sleep, respect_robots=True) as fetcher:
        error = await fetch_error(fetcher, "https://example.org/private/x")
        await fetcher.fetch("https://example.org/public")
        await fetcher.fetch("https://example.org/public")

    assert error.code == "robots_disallowed"
    assert robots.call_count == 1
    assert page.call_count == 2
    assert robots.calls.last.request.headers["User-Agent"].startswith("owabi/")


async def test_robots_rules_for_other_agents_do_not_apply(router, sleep):
    router.get(ROBOTS).respond(200, text="User-agent: googlebot\nDisallow: /\n")
    router.get(URL).respond(200)
    async with make(router, sleep, respect_robots=True) as fetcher:
        assert (await fetcher.fetch(URL)).status == 200


@pytest.mark.parametrize("robots_status", [404, 401, 403, 500])
async def test_robots_errors_allow_everything(router, sleep, robots_status):
    robots = router.get(ROBOTS).respond(robots_status, text="User-agent: *\nDisallow: /\n")
    router.get(URL).respond(200)
    async with make(router, sleep, respect_robots=True) as fetcher:
        assert (await fetcher.fetch(URL)).status == 200
    assert robots.call_count == 1  # robots.txt itself is never retried
    assert sleep.delays == []


async def test_unreachable_robots_allows(router, sleep):
    router.get(ROBOTS).mock(side_effect=httpx.ConnectError("refused"))
    router.get(URL).respond(200)
    async with make(router, sleep, respect_robots=True) as fetcher:
        assert (await fetcher.fetch(URL)).status == 200


async def test_robots_can_be_ignored(router, sleep):
    robots = router.get(ROBOTS).respond(200, text="User-agent: *\nDisallow: /\n")
    router.get(URL).respond(200)
    async with make(router, sleep, respect_robots=False) as fetcher:
        assert (await fetcher.fetch(URL)).status == 200
    assert robots.call_count == 0


async def test_robots_is_checked_on_each_redirect_hop(router, sleep):
    router.get(ROBOTS).respond(200, text="User-agent: *\nDisallow:\n")
    router.get(URL).respond(302, headers={"Location": "https://other.example/p"})
    router.get("https://other.example/robots.txt").respond(200, text="User-agent: *\nDisallow: /")
    target = router.get("https://other.example/p").respond(200)
    resolver = FakeResolver({"other.example": ["93.184.216.34"]})
    async with make(router, sleep, resolver=resolver, respect_robots=True) as fetcher:
        error = await fetch_error(fetcher, URL)
    assert error.code == "robots_disallowed"
    assert target.call_count == 0


# --- SSRF guard --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/admin",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/",
        "http://[fe80::1]/",
        "http://[::ffff:192.168.0.1]/",
        "http://[2002:7f00:1::]/",  # 6to4 of 127.0.0.1
        "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",  # Teredo of 127.0.0.1
        "http://[64:ff9b::a9fe:a9fe]/latest/meta-data/",  # NAT64 of 169.254.169.254
        "http://[fec0::1]/",  # site-local
        "http://0.0.0.0/",
    ],
)
async def test_untrusted_private_addresses_are_blocked(router, sleep, url):
    route = router.route().respond(200)
    async with make(router, sleep) as fetcher:
        error = await fetch_error(fetcher, url, trusted=False, source_id="feed")
    assert error.code == "blocked_address" and error.source_id == "feed"
    assert route.call_count == 0
    assert sleep.delays == []  # a refusal is final


async def test_untrusted_name_resolving_to_loopback_is_blocked(router, sleep):
    route = router.route().respond(200)
    resolver = FakeResolver({"intranet.example": ["93.184.216.34", "127.0.0.1"]})
    async with make(router, sleep, resolver=resolver) as fetcher:
        error = await fetch_error(fetcher, "https://intranet.example/", trusted=False)
    assert error.code == "blocked_address"
    assert str(error) == (
        "refusing https://intranet.example/: intranet.example resolves to 127.0.0.1 is loopback"
    )
    assert route.call_count == 0


async def test_untrusted_public_name_is_allowed(router, sleep):
    router.get("https://news.example/a").respond(200)
    resolver = FakeResolver({"news.example": ["93.184.216.34", "2606:2800:220:1::1"]})
    async with make(router, sleep, resolver=resolver) as fetcher:
        result = await fetcher.fetch("https://news.example/a", trusted=False)
    assert result.status == 200
    assert resolver.asked == ["news.example"]


async def test_trusted_loopback_is_allowed(router, sleep):
    router.get("http://127.0.0.1:8080/feed").respond(200)
    resolver = FakeResolver({})
    async with make(router, sleep, resolver=resolver) as fetcher:
        assert (await fetcher.fetch("http://127.0.0.1:8080/feed")).status == 200
    assert resolver.asked == []


async def test_allow_private_addresses_lets_untrusted_through(router, sleep):
    router.route().respond(200)
    resolver = FakeResolver({"intranet.example": ["10.1.2.3"]})
    async with make(router, sleep, resolver=resolver, allow_private_addresses=True) as fetcher:
        for url in ["http://127.0.0.1/", "http://169.254.169.254/", "https://intranet.example/"]:
            assert (await fetcher.fetch(url, trusted=False)).status == 200
    assert resolver.asked == []


async def test_untrusted_redirect_to_metadata_is_blocked(router, sleep):
    router.get("https://news.example/a").respond(
        302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    metadata = router.get(host="169.254.169.254").respond(200)
    resolver = FakeResolver({"news.example": ["93.184.216.34"]})
    async with make(router, sleep, resolver=resolver) as fetcher:
        error = await fetch_error(fetcher, "https://news.example/a", trusted=False)
    assert error.code == "blocked_address"
    assert error.url == "http://169.254.169.254/latest/meta-data/"
    assert metadata.call_count == 0


async def test_trusted_redirect_to_other_host_is_checked(router, sleep):
    router.get(URL).respond(302, headers={"Location": "https://evil.example/x"})
    evil = router.get("https://evil.example/x").respond(200)
    resolver = FakeResolver({"evil.example": ["192.168.1.1"]})
    async with make(router, sleep, resolver=resolver) as fetcher:
        error = await fetch_error(fetcher, URL)
    assert error.code == "blocked_address"
    assert evil.call_count == 0


async def test_trusted_redirect_on_same_host_stays_trusted(router, sleep):
    router.get("http://127.0.0.1/old").respond(301, headers={"Location": "/new"})
    router.get("http://127.0.0.1/new").respond(200)
    async with make(router, sleep) as fetcher:
        result = await fetcher.fetch("http://127.0.0.1/old")
    assert result.final_url == "http://127.0.0.1/new"


async def test_resolution_failure_is_a_network_error(router, sleep):
    async def no_dns(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    fetcher = Fetcher(
        FetchSettings(respect_robots=False, retries=1, politeness_delay=0),
        transport=httpx.MockTransport(router.async_handler),
        resolver=no_dns,
        clock=sleep,
    )
    async with fetcher:
        error = await fetch_error(fetcher, "https://nowhere.example/", trusted=False)
    assert error.code == "network"
    assert len(sleep.delays) == 1


# --- per-host concurrency and politeness -------------------------------------------------


class CountingTransport(httpx.AsyncBaseTransport):
    """Holds every request open briefly and records the peak number in flight per host."""

    def __init__(self) -> None:
        self.in_flight: dict[str, int] = {}
        self.peak: dict[str, int] = {}
        self.peak_total = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        self.in_flight[host] = self.in_flight.get(host, 0) + 1
        self.peak[host] = max(self.peak.get(host, 0), self.in_flight[host])
        self.peak_total = max(self.peak_total, sum(self.in_flight.values()))
        try:
            for _ in range(5):  # turns of the loop in which other requests may start
                await asyncio.sleep(0)
        finally:
            self.in_flight[host] -= 1
        return httpx.Response(200, text="ok")


async def test_per_host_concurrency_never_exceeds_the_limit(sleep):
    transport = CountingTransport()
    settings = FetchSettings(per_host_concurrency=2, politeness_delay=0, respect_robots=False)
    async with Fetcher(settings, transport=transport, clock=sleep) as fetcher:
        urls = [f"https://{host}/{n}" for n in range(8) for host in ("a.example", "b.example")]
        results = await asyncio.gather(*(fetcher.fetch(url) for url in urls))
    assert all(result.status == 200 for result in results)
    assert transport.peak == {"a.example": 2, "b.example": 2}
    assert transport.peak_total == 4  # hosts do not wait for each other


async def test_politeness_delay_spaces_requests_to_one_host(router):
    router.route().respond(200)
    clock = FakeClock()
    settings = FetchSettings(politeness_delay=1.5, respect_robots=False)
    fetcher = Fetcher(
        settings,
        transport=httpx.MockTransport(router.async_handler),
        clock=clock,
    )
    async with fetcher:
        await fetcher.fetch("https://a.example/1")
        await fetcher.fetch("https://a.example/2")
        clock.advance(10)  # a long pause needs no extra wait
        await fetcher.fetch("https://a.example/3")
        await fetcher.fetch("https://b.example/1")  # another host is not delayed
        await asyncio.gather(
            fetcher.fetch("https://c.example/1"), fetcher.fetch("https://c.example/2")
        )
    assert clock.slept == [1.5, 1.5]

"""robots.txt decisions and the per-origin cache, without HTTP."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from collector.fetch.robots import RobotsCache, RobotsPolicy

pytestmark = pytest.mark.anyio

RULES = b"User-agent: *\nDisallow: /tmp/\n\nUser-agent: owabi\nDisallow: /news/draft\nAllow: /\n"


def test_rules_for_owabi_apply():
    policy = RobotsPolicy.from_response(200, RULES)
    assert not policy.allows("https://example.org/news/draft-1")
    assert policy.allows("https://example.org/news/2025")
    # The owabi group replaces the * group, it does not add to it.
    assert policy.allows("https://example.org/tmp/x")


def test_wildcard_group_applies_when_owabi_is_not_named():
    policy = RobotsPolicy.from_response(200, b"User-agent: *\nDisallow: /\n")
    assert not policy.allows("https://example.org/anything")


@pytest.mark.parametrize("status", [None, 401, 403, 404, 410, 500, 503])
def test_missing_forbidden_or_failing_robots_allows_all(status):
    policy = RobotsPolicy.from_response(status, b"User-agent: *\nDisallow: /\n")
    assert policy.allows("https://example.org/")


def test_bom_and_undecodable_bytes_do_not_break_parsing():
    body = b"\xef\xbb\xbfUser-agent: *\n# caf\xe9\nDisallow: /x\n"
    policy = RobotsPolicy.from_response(200, body)
    assert not policy.allows("https://example.org/x")


async def test_cache_loads_each_origin_once_even_when_concurrent():
    loaded: list[str] = []

    async def loader(url: str, trusted: bool) -> tuple[int | None, bytes]:
        loaded.append(url)
        await asyncio.sleep(0)
        return 200, b"User-agent: *\nDisallow: /private\n"

    cache = RobotsCache(loader)
    urls = [httpx.URL(f"https://a.example/page{n}") for n in range(5)]
    urls += [httpx.URL("http://a.example/private"), httpx.URL("https://a.example:8443/")]
    answers = await asyncio.gather(*(cache.allows(url, trusted=True) for url in urls))

    assert answers == [True] * 5 + [False, True]
    assert sorted(loaded) == [
        "http://a.example/robots.txt",
        "https://a.example/robots.txt",
        "https://a.example:8443/robots.txt",
    ]

"""Alert latency of `owabi run`: from a new incident entry appearing on a loopback listing
to the loopback Slack receiver holding the message.

The daemon polls every source each INTERVAL (its default jitter shortens that by up to
10 %). Samples are taken one at a time, each after a random pause so they fall at
random points of the poll cycle: the expected latency is about half an interval plus
fetching, parsing, storing and sending. Background sources (never changing) keep the
scheduler busy as a small deployment would.
"""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from bench import content
from bench.nginx import NginxSite
from bench.poll import owabi_env
from collector.config.settings import Settings
from tests.support.daemon import OwabiRun
from tests.support.slack_receiver import SlackReceiver

DEFAULT_CONCURRENCY: int = Settings.model_fields["concurrency"].default
INTERVAL = 5.0
SOURCES = 100
TIMEOUT = 60.0
RULES = """
[[rule]]
name = "everything"
channels = ["slack"]

[channels.slack]
kind = "slack"
"""


@dataclass(frozen=True)
class Latency:
    samples: list[float]
    sources: int
    interval: float

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 0.95)


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def pick_sources(samples: int, total: int) -> tuple[list[int], list[int]]:
    """Sources whose next version lists an incident (one per sample), and quiet ones
    (no incident on version 0) to fill up to `total`."""
    sampled = [i for i in range(samples * content.MATCH_EVERY) if content.incident_next(i, 0)]
    quiet = [
        i
        for i in range(total * 2)
        if i not in sampled and not any(content.matches(i, k) for k in content.listed(0))
    ]
    return sampled[:samples], quiet[: max(0, total - samples)]


def wait_for_message(receiver: SlackReceiver, seen: int) -> float:
    """monotonic() when the receiver holds more than `seen` requests."""
    deadline = time.monotonic() + TIMEOUT
    while len(receiver.requests) <= seen:
        if time.monotonic() > deadline:
            raise TimeoutError(f"no Slack message within {TIMEOUT:g}s")
        time.sleep(0.002)
    return time.monotonic()


def measure(tmp: Path, samples: int = 20, seed: int = 6) -> Latency:
    rng = random.Random(seed)
    sampled, quiet = pick_sources(samples, SOURCES)
    ids = sampled + quiet
    tmp.mkdir(parents=True, exist_ok=True)
    with NginxSite(tmp / "nginx") as site, SlackReceiver() as receiver:
        for i in ids:
            site.publish(content.listing_path(i), content.listing_html(i, 0), 0)
        (tmp / "sources.toml").write_text(content.sources_toml(site.base_url, ids), "utf-8")
        (tmp / "rules.toml").write_text(RULES, encoding="utf-8")
        env = owabi_env(
            tmp,
            concurrency=DEFAULT_CONCURRENCY,
            extra={
                "OWABI_MIN_INTERVAL": "0",
                "OWABI_DEFAULT_INTERVAL": f"{INTERVAL:g}s",
                "OWABI_SLACK_WEBHOOK_URL": receiver.url(),
            },
        )
        with OwabiRun(env, cwd=tmp) as daemon:
            # Warm: every listing read once (its entries recorded as seen).
            daemon.wait_for_event("source fetched", count=len(ids), deadline=120)
            time.sleep(INTERVAL)
            latencies = []
            for i in sampled:
                time.sleep(rng.uniform(0, INTERVAL))
                seen = len(receiver.requests)
                site.publish(
                    content.entry_path(i, content.LISTED), content.notice_html(i, content.LISTED), 1
                )
                site.publish(content.listing_path(i), content.listing_html(i, 1), 1)
                published = time.monotonic()
                latencies.append(wait_for_message(receiver, seen) - published)
    return Latency(latencies, len(ids), INTERVAL)

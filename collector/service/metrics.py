"""Prometheus metrics of the daemon, on a registry of its own.

A private CollectorRegistry (not prometheus_client's global one) keeps two daemons in
one process (tests) from sharing counters, and keeps library-registered collectors out.
The counters are fed from what the pipeline and delivery already return (reports and
stats), plus a Fetcher subclass that counts every HTTP fetch, documents included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import structlog
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from collector.delivery.digests import DigestResult
from collector.delivery.outbox import DeliveryStats
from collector.errors import FetchError
from collector.fetch import Fetcher, FetchResult, FetchSettings
from collector.pipeline import SourceReport

log = structlog.get_logger("owabi.fetch")

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    """Every series owabi exports; `render()` is the /metrics body."""

    content_type = CONTENT_TYPE

    def __init__(self) -> None:
        r = self.registry = CollectorRegistry(auto_describe=True)
        self.fetches = Counter("owabi_fetches", "HTTP fetches (sources and documents).", registry=r)
        self.fetch_errors = Counter(
            "owabi_fetch_errors", "HTTP fetches that failed, by code.", ["code"], registry=r
        )
        self.fetched_bytes = Counter("owabi_fetched_bytes", "Body bytes fetched.", registry=r)
        self.source_runs = Counter(
            "owabi_source_runs",
            "Source polls by outcome (ok, unchanged, failed).",
            ["outcome"],
            registry=r,
        )
        self.source_seconds = Histogram(
            "owabi_source_run_seconds",
            "Duration of one source poll, documents included.",
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
            registry=r,
        )
        self.notices = Counter("owabi_notices", "New documents parsed and stored.", registry=r)
        self.incidents = Counter(
            "owabi_incident_events", "Incident events (new, update).", ["event"], registry=r
        )
        self.alerts_sent = Counter("owabi_alerts_sent", "Alerts a channel accepted.", registry=r)
        self.alerts_failed = Counter(
            "owabi_alerts_failed", "Alert attempts that failed (retried or parked).", registry=r
        )
        self.digests = Counter(
            "owabi_digests", "Digest attempts by outcome.", ["outcome"], registry=r
        )
        self.outbox_depth = Gauge(
            "owabi_outbox_depth", "Alerts waiting in the outbox (pending).", registry=r
        )
        self.last_success = Gauge(
            "owabi_source_last_success_timestamp_seconds",
            "When each source was last polled successfully (Unix time).",
            ["source"],
            registry=r,
        )
        self.failures = Gauge(
            "owabi_source_consecutive_failures",
            "Consecutive failed polls of each source.",
            ["source"],
            registry=r,
        )
        self.last_job = Gauge(
            "owabi_scheduler_last_job_timestamp_seconds",
            "When a scheduled job last started or ended (Unix time).",
            registry=r,
        )
        self.leader = Gauge("owabi_leader", "1 while this process runs the schedule.", registry=r)
        self.reloads = Counter(
            "owabi_config_reloads", "Configuration reloads (ok, rejected).", ["result"], registry=r
        )
        for outcome in ("ok", "unchanged", "failed"):
            self.source_runs.labels(outcome)
        for event in ("new", "update"):
            self.incidents.labels(event)
        for result in ("ok", "rejected"):
            self.reloads.labels(result)

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def source_ran(self, report: SourceReport) -> None:
        outcome = "failed" if not report.ok else "unchanged" if report.unchanged else "ok"
        self.source_runs.labels(outcome).inc()
        self.source_seconds.observe(report.duration)
        self.failures.labels(report.source_id).set(report.failures)
        if report.ok and report.finished_at is not None:
            self.last_success.labels(report.source_id).set(report.finished_at.timestamp())
        self.notices.inc(len(report.notices))
        for notice in report.notices:
            if notice.recorded.event is not None:
                self.incidents.labels(notice.recorded.event).inc()

    def known_sources(self, last_success: Iterable[tuple[str, dt.datetime | None, int]]) -> None:
        """Seed the per-source gauges from the store, so a fresh process exports them too."""
        for source_id, when, failures in last_success:
            self.failures.labels(source_id).set(failures)
            if when is not None:
                self.last_success.labels(source_id).set(when.timestamp())

    def forget_source(self, source_id: str) -> None:
        for gauge in (self.last_success, self.failures):
            try:
                gauge.remove(source_id)
            except KeyError:
                continue

    def delivered(self, stats: DeliveryStats) -> None:
        self.alerts_sent.inc(stats.sent)
        self.alerts_failed.inc(stats.retrying + stats.parked)

    def digested(self, results: Iterable[DigestResult]) -> None:
        for result in results:
            self.digests.labels(result.outcome).inc()


class MeteredFetcher(Fetcher):
    """A Fetcher that counts and logs every fetch; the fetch policy itself is unchanged."""

    def __init__(self, settings: FetchSettings, *, metrics: Metrics, **kwargs: Any) -> None:
        super().__init__(settings, **kwargs)
        self.metrics = metrics

    async def fetch(
        self,
        url: str,
        *,
        source_id: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        trusted: bool = True,
    ) -> FetchResult:
        self.metrics.fetches.inc()
        started = self._clock.monotonic()
        try:
            result = await super().fetch(
                url, source_id=source_id, etag=etag, last_modified=last_modified, trusted=trusted
            )
        except FetchError as exc:
            self.metrics.fetch_errors.labels(exc.code).inc()
            raise
        self.metrics.fetched_bytes.inc(len(result.content))
        log.debug(
            "http fetch",
            source=source_id,
            url=url,
            status=result.status,
            bytes=len(result.content),
            duration_ms=round((self._clock.monotonic() - started) * 1000),
        )
        return result

"""The daemon's schedule: one APScheduler job per source, plus outbox and digest jobs.

Each source job runs at most once at a time (`max_instances=1`) and missed runs
coalesce. The source's own run decides when it runs next (`Policy.plan`, stored in
`source_state.next_run_at` in the run's own transaction): its interval after a success,
a doubling backoff capped at OWABI_MAX_BACKOFF after failures, each shortened by a
random jitter so that sources drift apart rather than firing together. A restarted or
newly elected scheduler resumes from the stored plan.

The jobs call the same building blocks as `owabi fetch` (Collector.run_source,
deliver_due, send_due_digests); `Runtime` holds what a configuration reload rebuilds.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

import structlog
from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_SUBMITTED, JobSubmissionEvent
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.orm import Session, sessionmaker

from collector.clock import SYSTEM, Clock
from collector.config.settings import Settings
from collector.pipeline import SourceReport
from collector.runtime import Runtime
from collector.service.health import Probe
from collector.service.metrics import Metrics
from collector.sources import SourceConfig
from collector.store import queries

log = structlog.get_logger("owabi.scheduler")

DIGEST_EVERY = 60.0  # a digest is due once its period ends; checking each minute is enough
HEARTBEAT_MAX = 5.0
STALE_FACTOR = 3  # /readyz: stale after this many heartbeat intervals without any job
MAX_DOUBLINGS = 32


def run_delay(interval: float, failures: int, *, cap: float, jitter: float, rand: float) -> float:
    """Seconds until the next poll: the interval after a success; after `failures`
    consecutive failures, interval × 2^failures, at most `cap` (but never more often than
    the interval). The jitter shortens it by up to `jitter` × itself (rand in [0, 1)), so
    a capped wait never exceeds the cap."""
    base = interval
    if failures > 0:
        base = max(interval, min(cap, interval * 2.0 ** min(failures, MAX_DOUBLINGS)))
    return base * (1.0 - jitter * rand)


@dataclass(frozen=True)
class Policy:
    """When each source runs; `rand` is injectable so tests see exact delays."""

    default_interval: float
    max_backoff: float
    jitter: float
    rand: Callable[[], float] = random.random

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        return cls(settings.default_interval, settings.max_backoff, settings.schedule_jitter)

    def interval(self, source: SourceConfig) -> float:
        return source.interval or self.default_interval

    def delay(self, source: SourceConfig, failures: int) -> float:
        return run_delay(
            self.interval(source),
            failures,
            cap=self.max_backoff,
            jitter=self.jitter,
            rand=self.rand(),
        )

    def plan(self, source: SourceConfig, failures: int, now: dt.datetime) -> dt.datetime:
        """The next poll after a run that ended `now` (Collector.plan)."""
        return now + dt.timedelta(seconds=self.delay(source, failures))

    def first_run(
        self, source: SourceConfig, stored: dt.datetime | None, now: dt.datetime
    ) -> dt.datetime:
        """A stored plan still ahead is kept (restart, handover); otherwise the source is
        due now, spread over the first jitter window so that sources do not start together."""
        if stored is not None and _utc(stored) > now:
            return _utc(stored)
        spread = self.interval(source) * self.jitter * self.rand()
        return now + dt.timedelta(seconds=spread)


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _job_id(source_id: str) -> str:
    return f"source:{source_id}"


@dataclass
class Schedule:
    """The APScheduler of one leadership term: started when this process leads, stopped
    (gracefully) when it shuts down or loses leadership."""

    runtime: Runtime
    sessions: sessionmaker[Session]
    settings: Settings
    policy: Policy
    metrics: Metrics
    probe: Probe
    clock: Clock = SYSTEM
    _scheduler: AsyncIOScheduler | None = field(default=None, init=False)
    # Runs in flight, by job id (`source:<id>`, `deliver`, `digests`, `heartbeat`).
    _inflight: dict[asyncio.Task[object], str] = field(default_factory=dict, init=False)
    _gate: asyncio.Semaphore | None = field(default=None, init=False)
    _deliver_again: bool = field(default=False, init=False)
    # Runs that came due while the job's previous run was still going, by job id.
    skipped: Counter[str] = field(default_factory=Counter, init=False)
    # Runs submitted and not yet finished, by job id: counted when APScheduler submits a
    # run, in the same step that moves the job's next run time, so a run never goes unseen.
    running: Counter[str] = field(default_factory=Counter, init=False)
    abandoned: int = field(default=0, init=False)  # runs cut short by a stop

    @property
    def heartbeat(self) -> float:
        return min(HEARTBEAT_MAX, self.settings.delivery_interval)

    def start(self) -> None:
        # APScheduler reports through stdlib logging; what matters of it is re-logged here.
        logging.getLogger("apscheduler").setLevel(logging.ERROR)
        self._gate = asyncio.Semaphore(self.settings.concurrency)
        self._scheduler = AsyncIOScheduler(
            timezone=dt.UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        self._scheduler.add_listener(self._skipped, EVENT_JOB_MAX_INSTANCES)
        self._scheduler.add_listener(self._submitted, EVENT_JOB_SUBMITTED)
        now = self.clock.now()
        self._scheduler.add_job(
            self._guard("heartbeat", self._beat),
            IntervalTrigger(seconds=self.heartbeat),
            id="heartbeat",
            next_run_time=now,
        )
        self._scheduler.add_job(
            self._guard("deliver", self._deliver),
            IntervalTrigger(seconds=self.settings.delivery_interval),
            id="deliver",
            next_run_time=now,
        )
        self._scheduler.add_job(
            self._guard("digests", self._digests),
            IntervalTrigger(seconds=DIGEST_EVERY),
            id="digests",
            next_run_time=now,
        )
        self._add_sources(self.runtime.sources.values(), now)
        self.probe.stale_after = STALE_FACTOR * self.heartbeat
        self.probe.tick()
        self._scheduler.start()
        log.info("scheduler started", sources=len(self.runtime.sources))

    def apply(self, runtime: Runtime) -> None:
        """Swap in a reloaded configuration: add, drop and re-plan jobs of changed sources.

        A run in flight finishes with the configuration it started with.
        """
        old, self.runtime = self.runtime.sources, runtime
        if self._scheduler is None:
            return
        new = runtime.sources
        now = self.clock.now()
        for source_id in old.keys() - new.keys():
            self._remove(source_id)
        added = [new[i] for i in new.keys() - old.keys()]
        changed = [new[i] for i in new.keys() & old.keys() if new[i] != old[i]]
        self._add_sources(added, now)
        for source in changed:
            job = self._scheduler.get_job(_job_id(source.id))
            soonest = now + dt.timedelta(seconds=self.policy.delay(source, 0))
            keep = job.next_run_time if job is not None else None
            self._scheduler.add_job(
                self._guard(_job_id(source.id), self._run_source, source.id),
                IntervalTrigger(seconds=self.policy.interval(source)),
                id=_job_id(source.id),
                replace_existing=True,
                next_run_time=min(keep, soonest) if keep is not None else now,
            )
        self._save_plans(self._planned(changed))
        log.info(
            "schedule updated",
            added=sorted(s.id for s in added),
            removed=sorted(old.keys() - new.keys()),
            changed=sorted(s.id for s in changed),
        )

    async def stop(self, timeout: float) -> None:
        """Take no new work. Source runs in flight are cancelled at once: no document is
        started after the stop and their fetches end; deliveries get `timeout` to finish
        what a channel may already have taken, then are abandoned too.

        Abandoning is safe: every write is its own transaction, which a cancellation
        cannot split (no await inside one), and a run cut short is simply due again on
        the next start (its plan was not advanced; its unread entries are not marked).
        """
        if self._scheduler is None:
            return
        self._scheduler.pause()
        pending = {t for t in self._inflight if not t.done()}
        runs = {t for t in pending if self._inflight[t].startswith(_job_id(""))}
        if runs:
            await self._abandon(runs)
            log.info("source runs cancelled at shutdown", runs=len(runs))
        pending -= runs
        if pending:
            log.info("waiting for runs in flight", runs=len(pending), timeout_s=timeout)
            pending = await self._finish_within(pending, timeout)
        if pending:
            await self._abandon(pending)
            log.warning("runs abandoned at shutdown", runs=len(pending))
        self._scheduler.shutdown(wait=False)
        self._scheduler = None
        log.info("scheduler stopped")

    async def _abandon(self, tasks: set[asyncio.Task[object]]) -> None:
        for task in tasks:
            task.cancel()
        await asyncio.wait(tasks)
        self.abandoned += len(tasks)

    async def _finish_within(
        self, pending: set[asyncio.Task[object]], timeout: float
    ) -> set[asyncio.Task[object]]:
        """The tasks still running once all finished or `timeout` passed on the clock."""
        deadline = asyncio.ensure_future(self.clock.sleep(timeout))
        try:
            while pending and not deadline.done():
                done, _ = await asyncio.wait(
                    {*pending, deadline}, return_when=asyncio.FIRST_COMPLETED
                )
                pending -= done
        finally:
            deadline.cancel()
        return pending

    def kick_delivery(self) -> None:
        """Send new alerts now rather than at the next sweep."""
        self._deliver_again = True
        if self._scheduler is not None:
            try:
                self._scheduler.modify_job("deliver", next_run_time=self.clock.now())
            except JobLookupError:
                return

    def next_runs(self) -> dict[str, dt.datetime]:
        """Each scheduled source's next run (for tests and the soak bench)."""
        if self._scheduler is None:
            return {}
        return {
            job.id.removeprefix("source:"): job.next_run_time
            for job in self._scheduler.get_jobs()
            if job.id.startswith("source:")
        }

    # --- jobs ---

    def _guard(
        self, name: str, work: Callable[..., Awaitable[None]], *args: str
    ) -> Callable[[], Awaitable[None]]:
        """A job that is tracked (for the graceful stop), ticks the readiness probe, and
        never lets an error reach APScheduler: it is logged, and the job runs again."""

        async def job() -> None:
            task = asyncio.current_task()
            assert task is not None
            self._inflight[task] = name
            self.probe.tick()
            self.metrics.last_job.set(self.clock.now().timestamp())
            try:
                await work(*args)
            except asyncio.CancelledError:
                # Only `stop` cancels a job, and it waits for it: the run is abandoned and
                # redone on the next start.
                log.info("run abandoned", job=name)
            except Exception:
                log.exception("job failed", job=name)
            finally:
                self._inflight.pop(task, None)
                self.running[name] -= 1
                self.probe.tick()

        return job

    async def _beat(self) -> None:
        """Proves that the scheduler dispatches jobs (the probe ticks in `_guard`)."""

    async def _run_source(self, source_id: str) -> None:
        runtime = self.runtime
        source = runtime.sources.get(source_id)
        if source is None:
            return
        assert self._gate is not None
        async with self._gate:
            report = await runtime.collector.run_source(source)
        current = self.runtime.sources.get(source_id)
        if current is None:
            # Dropped by a reload while it ran: the run stored a plan no job will follow.
            with self.sessions.begin() as s:
                queries.forget_next_run(s, source_id)
            return
        self.metrics.source_ran(report)
        if current == source:
            self._replan(source_id, report)
        else:
            # Changed by a reload while it ran: the run stored the old interval's plan.
            self._save_plans(self._planned([current]))
        if any(n.recorded.alerts_enqueued for n in report.notices):
            self.kick_delivery()

    def _replan(self, source_id: str, report: SourceReport) -> None:
        if self._scheduler is None or report.next_run_at is None:
            return
        try:
            self._scheduler.modify_job(_job_id(source_id), next_run_time=report.next_run_at)
        except JobLookupError:
            return  # removed by a reload while it ran

    async def _deliver(self) -> None:
        while True:
            self._deliver_again = False
            runtime = self.runtime
            stats = await runtime.deliver()
            self.metrics.delivered(stats)
            with self.sessions() as s:
                self.metrics.outbox_depth.set(queries.pending_count(s))
            if not self._deliver_again:
                return

    async def _digests(self) -> None:
        results = await self.runtime.send_digests()
        self.metrics.digested(results)

    # --- bookkeeping ---

    def _add_sources(self, sources: Iterable[SourceConfig], now: dt.datetime) -> None:
        sources = list(sources)
        if not sources:
            return
        assert self._scheduler is not None
        with self.sessions() as s:
            states = queries.all_source_states(s)
        plans: dict[str, dt.datetime] = {}
        for source in sources:
            state = states.get(source.id)
            stored = state.next_run_at if state is not None and state.url == source.url else None
            plans[source.id] = self.policy.first_run(source, stored, now)
            self._scheduler.add_job(
                self._guard(_job_id(source.id), self._run_source, source.id),
                IntervalTrigger(seconds=self.policy.interval(source)),
                id=_job_id(source.id),
                replace_existing=True,
                next_run_time=plans[source.id],
            )
        self.metrics.known_sources(
            (i, st.last_success_at, st.consecutive_failures or 0)
            for i, st in states.items()
            if i in plans
        )
        self._save_plans([(s, plans[s.id]) for s in sources])

    def _remove(self, source_id: str) -> None:
        assert self._scheduler is not None
        with contextlib.suppress(JobLookupError):
            self._scheduler.remove_job(_job_id(source_id))
        self.metrics.forget_source(source_id)
        with self.sessions.begin() as s:
            queries.forget_next_run(s, source_id)

    def _planned(self, sources: Iterable[SourceConfig]) -> list[tuple[SourceConfig, dt.datetime]]:
        assert self._scheduler is not None
        found = []
        for source in sources:
            job = self._scheduler.get_job(_job_id(source.id))
            if job is not None and job.next_run_time is not None:
                found.append((source, job.next_run_time))
        return found

    def _save_plans(self, plans: Iterable[tuple[SourceConfig, dt.datetime]]) -> None:
        """Store the plans (one transaction), so `owabi sources status` shows them."""
        with self.sessions.begin() as s:
            for source, when in plans:
                queries.source_state(s, source.id, source.url).next_run_at = when

    def _submitted(self, event: JobSubmissionEvent) -> None:
        self.running[event.job_id] += 1

    def _skipped(self, event: JobSubmissionEvent) -> None:
        self.skipped[event.job_id] += 1
        log.info("run skipped: the previous one is still running", job=event.job_id)

"""One pass over the sources: fetch → leads → read new documents → parse → record.

Each source is independent: its failure is recorded on its state row and in its
report, and never stops the others. A document that cannot be read is retried on
later passes (up to MAX_LEAD_ATTEMPTS) rather than marked seen, so nothing is lost
to a passing error and nothing is dropped without a log line.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import structlog
from sqlalchemy.orm import Session, sessionmaker

from alerts.rules import Event, RulesConfig
from collector import failpoints
from collector.clock import SYSTEM, Clock
from collector.fetch import Fetcher
from collector.incidents import (
    Provenance,
    Recorded,
    enqueue_alerts,
    record_notice,
    says_nothing_new,
)
from collector.sources import (
    Layout,
    Lead,
    Poll,
    SourceConfig,
    SourceKind,
    canonical_url,
    fingerprint,
    kind_of,
)
from collector.sources.parse_pool import ParsePool
from collector.sources.reading import Document, read_lead, read_primary
from collector.store import queries
from collector.store.models import SourceState
from parsers.errors import OwabiError
from parsers.keywords import match_keyword
from parsers.schema import Incident

log = structlog.get_logger("owabi.pipeline")

MAX_LEAD_ATTEMPTS = 3
LEAD_CONCURRENCY = 4


Plan = Callable[[SourceConfig, int, dt.datetime], dt.datetime]
"""The daemon's schedule: (source, consecutive failures, now) -> next poll."""


@dataclass(frozen=True)
class NewNotice:
    source_id: str
    url: str
    facts: Incident
    recorded: Recorded


@dataclass
class SourceReport:
    """The outcome of one source in one pass."""

    source_id: str
    ok: bool = True
    unchanged: bool = False
    error: str | None = None
    error_code: str | None = None
    leads: int = 0  # entries read in this pass
    skipped: int = 0  # old entries without a keyword on the first pass: recorded as seen
    deferred: int = 0  # over the per-pass cap: read on the next passes
    # Read because their bytes changed, but saying what their last version said.
    same: int = 0
    # The organizations' own notices read because an article linked them.
    primaries: int = 0
    notices: list[NewNotice] = field(default_factory=list)
    lead_errors: list[str] = field(default_factory=list)
    duration: float = 0.0
    finished_at: dt.datetime | None = None  # when its outcome was stored
    failures: int = 0  # consecutive failed runs of the source, this one included
    # When the daemon polls the source next (set only when the Collector has a `plan`).
    next_run_at: dt.datetime | None = None

    @property
    def clean(self) -> bool:
        """Worked completely: fetched, and every new document read."""
        return self.ok and not self.lead_errors


@dataclass(frozen=True)
class Known:
    """What the store knows of a source before its poll: the validators of its URL,
    whether it ever succeeded (its first pass reads only keyword and recent entries) and
    its consecutive failures. With the poll's outcome this is the whole next state, so
    storing it needs no second read."""

    etag: str | None
    last_modified: str | None
    first_pass: bool
    failures: int = 0
    layout: Layout | None = None

    @classmethod
    def of(cls, state: SourceState | None, url: str) -> Known:
        if state is None:
            return cls(None, None, True)
        same = state.url == url  # a changed URL invalidates the old one's validators
        return cls(
            state.etag if same else None,
            state.last_modified if same else None,
            state.last_success_at is None,
            state.consecutive_failures or 0,
            state.layout if same else None,
        )


@dataclass
class StateWrites:
    """The outcomes of a pass's sources, stored a batch at a time: a row per source was a
    transaction of its own, a tenth of an unchanged pass. What a crash loses is only
    validators and times of the batch (its entries and notices are stored as they are
    read), so the next pass fetches those listings once more and finds nothing new."""

    sessions: sessionmaker[Session]
    size: int = 200
    rows: list[dict[str, object]] = field(default_factory=list)

    def add(self, row: dict[str, object]) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.size:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            rows, self.rows = self.rows, []
            with self.sessions.begin() as s:
                queries.save_source_states(s, rows)


@dataclass
class Collector:
    """Runs sources against one fetcher and one store."""

    sessions: sessionmaker[Session]
    fetcher: Fetcher
    parser: ParsePool
    rules: RulesConfig
    keywords: tuple[str, ...]
    max_leads: int = 30
    # On a source's first pass, entries this recent are read even without a keyword.
    recent_days: int = 7
    # Links from a news article to the organization's own notice read with it.
    primary_links: int = 2
    concurrency: int = 8
    clock: Clock = SYSTEM
    # Every configured source's tags, for rules restricted to tags (not only this pass's).
    source_tags: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The daemon's schedule: (source, consecutive failures, now) -> next poll. Stored with
    # the run's outcome in one transaction, so the backoff survives a restart or handover.
    plan: Plan | None = None
    # Set by the daemon's SIGTERM handler, before its runs are cancelled: no document is
    # started once it is set, whatever else the loop runs first.
    halt: asyncio.Event | None = None

    def _mark(
        self,
        session: Session,
        source: SourceConfig,
        lead: Lead,
        outcome: str,
        detail: str | None = None,
    ) -> int:
        """Record what became of a lead, so that it is processed once (or retried);
        returns its attempts so far."""
        return queries.record_entry(
            session,
            source_id=source.id,
            canonical_url=lead.canonical_url,
            content_hash=lead.fingerprint,
            title=lead.title,
            outcome=outcome,
            detail=detail,
            now=self.clock.now(),
        )

    async def run(
        self,
        sources: Sequence[SourceConfig],
        on_done: Callable[[SourceReport], None] | None = None,
    ) -> list[SourceReport]:
        gate = asyncio.Semaphore(self.concurrency)
        # One read for the whole pass: an unchanged source then costs one transaction.
        with self.sessions.begin() as s:
            states = queries.all_source_states(s)
            known = {src.id: Known.of(states.get(src.id), src.url) for src in sources}

        writes = StateWrites(self.sessions)

        async def one(source: SourceConfig) -> SourceReport:
            async with gate:
                report = await self.run_source(source, known[source.id], writes)
            if on_done is not None:
                on_done(report)
            return report

        try:
            return list(await asyncio.gather(*(one(s) for s in sources)))
        finally:
            writes.flush()

    async def run_source(
        self, source: SourceConfig, known: Known | None = None, writes: StateWrites | None = None
    ) -> SourceReport:
        """One poll of `source`; `known` is its stored state when the caller read it
        already (a pass over many sources), else it is read here. Its outcome goes to
        `writes` when the caller batches them, else it is stored before this returns."""
        started = self.clock.monotonic()
        report = SourceReport(source.id)
        if known is None:
            with self.sessions.begin() as s:
                known = Known.of(s.get(SourceState, source.id), source.url)
        etag, modified, first_pass = known.etag, known.last_modified, known.first_pass
        kind = kind_of(source)
        poll: Poll | None = None
        try:
            poll = await kind.poll(
                self.fetcher,
                source,
                etag=etag,
                last_modified=modified,
                layout=known.layout,
                now=self.clock.now(),
            )
            failpoints.hit("after_fetch")
            report.skipped += poll.skipped
            if poll.unchanged:
                report.unchanged = True
            else:
                await self._read_leads(source, kind, poll.leads, report, first_pass=first_pass)
        except OwabiError as exc:
            report.ok, report.error, report.error_code = False, str(exc), exc.code
        report.duration = self.clock.monotonic() - started
        self._record_state(source, known, poll, report, writes)
        failpoints.hit("after_store")
        self._log(source, report)
        return report

    async def _read_leads(
        self,
        source: SourceConfig,
        kind: SourceKind,
        leads: list[Lead],
        report: SourceReport,
        *,
        first_pass: bool,
    ) -> None:
        """Read the new entries, those with an incident keyword first. Every new entry is
        read, since a link text can hide a notice; only on a source's first pass are the
        old entries of its archive without a keyword recorded as seen instead."""
        keywords = source.effective_keywords(kind.default_keywords or self.keywords)
        hinted = kind.keyword_filtered and bool(keywords)
        archive_before = self.clock.now().date() - dt.timedelta(days=self.recent_days)
        first: list[Lead] = []
        then: list[Lead] = []
        archive: list[tuple[str, str, str | None]] = []
        unwanted: list[tuple[str, str, str | None]] = []
        # One transaction and one lookup for the whole listing: a changed listing of
        # hundreds of entries used to cost a query and a commit per entry.
        with self.sessions.begin() as s:
            seen = queries.done_entries(
                s, [(lead.canonical_url, lead.fingerprint) for lead in leads]
            )
            done = seen.done
            for lead in leads:
                key = (lead.canonical_url, lead.fingerprint)
                if key in done:
                    continue
                done.add(key)
                text = f"{lead.title or ''}\n{lead.summary}"
                if not hinted or match_keyword(text, keywords):
                    first.append(lead)
                elif kind.keyword_required:
                    unwanted.append((lead.canonical_url, lead.fingerprint, lead.title))
                    report.skipped += 1
                elif first_pass and not (lead.published and lead.published >= archive_before):
                    archive.append((lead.canonical_url, lead.fingerprint, lead.title))
                    report.skipped += 1
                    log.debug("entry skipped: archive, no keyword", source=source.id, url=lead.url)
                else:
                    then.append(lead)
            for outcome, entries in (("archive", archive), ("no_keyword", unwanted)):
                queries.record_new_entries(
                    s, source_id=source.id, entries=entries, outcome=outcome, now=self.clock.now()
                )
        todo = first + then
        if len(todo) > self.max_leads:
            # The rest stay unseen and are read on the next passes.
            report.deferred = len(todo) - self.max_leads
            todo = todo[: self.max_leads]
        report.leads = len(todo)
        gate = asyncio.Semaphore(LEAD_CONCURRENCY)

        async def read(lead: Lead) -> None:
            async with gate:
                if self.halt is not None and self.halt.is_set():
                    return  # left unmarked: read on the next start
                revisit = lead.canonical_url in seen.urls
                await self._read_lead(source, kind, lead, report, revisit=revisit)

        await asyncio.gather(*(read(lead) for lead in todo))

    async def _read_lead(
        self,
        source: SourceConfig,
        kind: SourceKind,
        lead: Lead,
        report: SourceReport,
        *,
        revisit: bool,
    ) -> None:
        """Read, parse and record one lead; a `revisit` (its URL was seen before, in
        another version) is first compared with the notice stored from it."""
        # A corporate source's pages are the organization's own already.
        primaries = 0 if source.organization else self.primary_links
        try:
            doc = await read_lead(self.fetcher, self.parser, source, lead, primaries=primaries)
        except OwabiError as exc:
            self._lead_failed(source, kind, lead, exc, report)
            return
        failpoints.hit("after_parse")
        facts = doc.facts
        linked = await self._read_primaries(source, doc) if doc.primaries else []
        with self.sessions.begin() as s:
            if revisit and says_nothing_new(
                s, source_id=source.id, url=lead.url, facts=facts, text=doc.text
            ):
                self._mark(s, source, lead, "unchanged")
                report.same += 1
                log.debug("notice unchanged: same facts and text", source=source.id, url=lead.url)
                return
            recorded = record_notice(
                s,
                rules=self.rules,
                source_id=source.id,
                url=lead.url,
                content_hash=lead.fingerprint,
                media_type=doc.media_type,
                entry_title=lead.title,
                facts=facts,
                now=self.clock.now(),
                source_tags=self.source_tags,
                text=doc.text,
                prov=Provenance(securities_code=lead.securities_code, amends=lead.amends),
                alerts=not linked,
            )
            self._mark(s, source, lead, "incident" if facts.is_incident else "not_incident")
            if linked:
                recorded = self._record_primaries(s, source, recorded, linked, report)
        failpoints.hit("after_outbox")
        report.notices.append(NewNotice(source.id, lead.url, facts, recorded))
        log.info(
            "notice",
            source=source.id,
            url=lead.url,
            incident=facts.is_incident,
            organization=facts.organization,
            incident_id=recorded.incident_id,
            incident_event=recorded.event,
        )
        if recorded.event is not None:
            log.info(
                f"incident {recorded.event}",
                source=source.id,
                url=lead.url,
                incident_id=recorded.incident_id,
                organization=facts.organization,
                changes=list(recorded.changes),
                alerts_enqueued=recorded.alerts_enqueued,
            )

    async def _read_primaries(
        self, source: SourceConfig, article: Document
    ) -> list[tuple[str, Document | OwabiError]]:
        """The organization's own notices an article links, each read once ever: a URL
        already seen (by any source) is not fetched again; a failure is kept to be
        recorded, so that it is not retried by the next article that links it."""
        with self.sessions() as s:
            keys = [(canonical_url(url), "") for url in article.primaries]
            known = queries.done_entries(s, keys).urls
        found: list[tuple[str, Document | OwabiError]] = []
        for url in article.primaries:
            if canonical_url(url) in known:
                continue
            try:
                doc = await read_primary(self.fetcher, self.parser, source, url, article.facts)
            except OwabiError as exc:
                log.warning("primary notice failed", source=source.id, url=url, error=str(exc))
                found.append((url, exc))
            else:
                found.append((url, doc))
        return found

    def _record_primaries(
        self,
        s: Session,
        source: SourceConfig,
        article: Recorded,
        linked: list[tuple[str, Document | OwabiError]],
        report: SourceReport,
    ) -> Recorded:
        """Record the primary notices with the article that linked them (in its
        transaction), then enqueue each incident's alerts once, with every link: the
        first alert of an incident already carries its 公式発表."""
        events: dict[int, tuple[Event, list[str], int]] = {}

        def note(recorded: Recorded) -> None:
            if recorded.incident_id is None or recorded.event is None:
                return
            event, changes, cause = events.get(
                recorded.incident_id, (recorded.event, [], recorded.notice_id)
            )
            if recorded.event == "new":
                event = "new"
            else:
                cause = recorded.notice_id
            events[recorded.incident_id] = (event, [*changes, *recorded.changes], cause)

        note(article)
        now = self.clock.now()
        for url, doc in linked:
            canon = canonical_url(url)
            # Recorded as seen either way: a page that failed is not fetched again.
            queries.record_entry(
                s,
                source_id=source.id,
                canonical_url=canon,
                content_hash=fingerprint(canon),
                title=None if isinstance(doc, OwabiError) else doc.facts.title,
                outcome="primary_failed" if isinstance(doc, OwabiError) else "primary",
                detail=str(doc) if isinstance(doc, OwabiError) else None,
                now=now,
            )
            if isinstance(doc, OwabiError):
                continue
            recorded = record_notice(
                s,
                rules=self.rules,
                source_id=source.id,
                url=url,
                content_hash=fingerprint(doc.text),
                media_type=doc.media_type,
                entry_title=None,
                facts=doc.facts,
                now=now,
                source_tags=self.source_tags,
                text=doc.text,
                prov=Provenance(primary=True, joins=article.incident_id),
                alerts=False,
            )
            report.primaries += 1
            note(recorded)
            log.info(
                "primary notice",
                source=source.id,
                url=url,
                incident_id=recorded.incident_id,
                joined=recorded.incident_id == article.incident_id,
            )
        enqueued = 0
        for incident_id, (event, changes, cause) in events.items():
            enqueued += enqueue_alerts(
                s,
                rules=self.rules,
                incident_id=incident_id,
                event=event,
                changes=list(dict.fromkeys(changes)),
                notice_id=cause,
                now=now,
                source_tags=self.source_tags,
            )
        return replace(article, alerts_enqueued=enqueued)

    def _lead_failed(
        self,
        source: SourceConfig,
        kind: SourceKind,
        lead: Lead,
        exc: OwabiError,
        report: SourceReport,
    ) -> None:
        with self.sessions.begin() as s:
            attempts = self._mark(s, source, lead, queries.RETRY, f"{exc.code}: {exc}")
            final = attempts >= MAX_LEAD_ATTEMPTS
            if final:
                queries.give_up(s, lead.canonical_url, lead.fingerprint)
        if kind.is_document:
            # The document is the source itself: its failure is the source's failure.
            report.ok, report.error, report.error_code = False, str(exc), exc.code
        else:
            report.lead_errors.append(f"{lead.url}: {exc}")
        log.warning(
            "document failed",
            source=source.id,
            url=lead.url,
            code=exc.code,
            error=str(exc),
            attempt=attempts,
            gave_up=final,
        )

    def _record_state(
        self,
        source: SourceConfig,
        known: Known,
        poll: Poll | None,
        report: SourceReport,
        writes: StateWrites | None,
    ) -> None:
        """Store the poll's outcome as one upsert row: the state follows from what was
        known before the poll and what the poll did, so no row is loaded."""
        now = self.clock.now()
        state: dict[str, object] = {"source_id": source.id, "url": source.url, "last_run_at": now}
        etag, modified = known.etag, known.last_modified  # a 304 or a failure keeps them
        if report.ok:
            failures = 0
            state |= {"last_success_at": now}
            if poll is not None and not poll.unchanged:
                etag, modified = poll.etag, poll.last_modified
                state["layout"] = poll.layout
            # Validators are kept only when every lead was read: otherwise a 304 on the
            # next pass would hide the leads still waiting for a retry or a turn.
            if report.lead_errors or report.deferred:
                etag, modified = None, None
                if poll is not None and "layout" in state:
                    state["layout"] = kind_of(source).without_validators(poll.layout)
        else:
            failures = known.failures + 1
            state |= {
                "last_error_at": now,
                "last_error_code": report.error_code,
                "last_error": report.error,
            }
        state |= {"etag": etag, "last_modified": modified, "consecutive_failures": failures}
        report.failures = failures
        report.finished_at = now
        if self.plan is not None:
            report.next_run_at = self.plan(source, failures, now)
            state["next_run_at"] = report.next_run_at
        if writes is not None:
            writes.add(state)
        else:
            with self.sessions.begin() as s:
                queries.save_source_states(s, [state])

    @staticmethod
    def _log(source: SourceConfig, report: SourceReport) -> None:
        fields = {
            "source": source.id,
            "url": source.url,
            "duration_ms": round(report.duration * 1000),
        }
        if not report.ok:
            log.error("source failed", code=report.error_code, error=report.error, **fields)
        elif report.unchanged:
            log.info("source unchanged", **fields)
        else:
            log.info(
                "source fetched",
                leads=report.leads,
                skipped=report.skipped,
                deferred=report.deferred,
                unchanged_notices=report.same,
                primary_notices=report.primaries,
                notices=len(report.notices),
                lead_errors=len(report.lead_errors),
                **fields,
            )

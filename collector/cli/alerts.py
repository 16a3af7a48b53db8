"""`owabi alerts test|failed|retry|digest`: try rules on stored incidents, see and resend
parked alerts, send the due digests."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text
from sqlalchemy.orm import Session, sessionmaker

from alerts.digest import DigestItem, due_period
from alerts.errors import DeliveryError, RuleError
from alerts.message import Alert, alert_key
from alerts.rules import (
    Rule,
    RulesConfig,
    matches,
    read_watchlist,
    rule_matches_explained,
)
from collector.cli import aio
from collector.cli.context import (
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_OK,
    cli_errors,
    ctx_of,
    err,
    escape,
    fail,
    out,
)
from collector.clock import SYSTEM, utc
from collector.config.files import Config
from collector.delivery.digests import DigestResult
from collector.delivery.outbox import DeliveryStats
from collector.errors import ConfigError
from collector.incidents import incident_text, tags_of
from collector.runtime import open_runtime, open_store, preview
from collector.store import queries
from collector.store.models import Delivery, DigestRun, IncidentRecord
from parsers.orgname import name_key, near_miss
from parsers.schema import Incident

app = typer.Typer(help="Alert rules, failed alerts and digests.", no_args_is_help=True)

# --- test -------------------------------------------------------------------------------


def _select_rules(rules: RulesConfig, name: str | None, path: str) -> list[Rule]:
    if name is None:
        return list(rules.rules)
    found = [r for r in rules.rules if r.name == name]
    if not found:
        known = ", ".join(repr(r.name) for r in rules.rules) or "none"
        raise ConfigError(f"{path}: no rule named {name!r} (known: {known})", path=path)
    return found


def _event(rule: Rule) -> str:
    """The event a test message shows: `new` unless the rule fires on updates only."""
    return "new" if "new" in rule.events else "update"


def _alert(rule: Rule, record: IncidentRecord, facts: Incident, channel: str) -> Alert:
    event = _event(rule)
    return Alert(
        rule=rule.name,
        event=event,  # type: ignore[arg-type]
        incident_id=record.id,
        incident=facts,
        links=tuple(dict.fromkeys(n.url for n in record.notices if n.url)),
        sources=tuple(sorted({n.source_id for n in record.notices})),
        key=alert_key(record.id, rule.name, channel, event, revision="test"),  # type: ignore[arg-type]
    )


def _incidents(s: Session, incident_id: int | None, limit: int) -> list[IncidentRecord]:
    if incident_id is None:
        return list(queries.list_incidents(s, limit))
    record = queries.incident(s, incident_id)
    if record is None:
        fail(f"no incident with id {incident_id}")
    return [record]


@app.command("test")
def test_(
    ctx: typer.Context,
    rule: Annotated[str | None, typer.Option("--rule", "-r", help="Only this rule.")] = None,
    incident: Annotated[
        int | None, typer.Option("--incident", "-i", help="Only this stored incident.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Newest N incidents.")] = 20,
    send: Annotated[
        bool, typer.Option("--send", help="Send one test message to the rule's channels.")
    ] = False,
    watchlist: Annotated[
        Path | None,
        typer.Option(help="Check a watchlist file against every stored incident instead."),
    ] = None,
) -> None:
    """Which stored incidents each rule matches, and the exact message it would send.

    With --incident, the reasons a rule does not match are listed too. With --send, one
    message (the given incident, else the newest match, else the newest incident) goes to
    each channel of the rule, straight away, outside the outbox. With --watchlist FILE
    (one organization a line, as a rule's organizations_file), each name's matching
    stored incidents are listed, and its near misses: names like it that it does not
    match (日本生命 and 日本生命科学), for tuning the list.
    """
    c = ctx_of(ctx)
    if watchlist is not None:
        _check_watchlist(ctx, watchlist)
        raise typer.Exit(EXIT_OK)
    with cli_errors():
        config = c.config
        path = str(c.settings.rules_file)
        selected = _select_rules(config.rules, rule, path)
        if send and len(selected) != 1:
            raise ConfigError("--send needs --rule NAME (one rule at a time)", key="rule")
        tags_by_source = config.source_tags()
        with open_store(c.settings) as sessions, sessions() as s:
            records = _incidents(s, incident, limit)
            facts = {r.id: Incident.model_validate(r.data) for r in records}
            tags = {
                r.id: tags_of((n.source_id for n in r.notices), tags_by_source) for r in records
            }
            reads = any(r.reads_text for r in selected)
            texts = {r.id: incident_text(r) if reads else None for r in records}
            first: IncidentRecord | None = None
            for one in selected:
                matched = [
                    r
                    for r in records
                    if matches(
                        one, facts[r.id], tags=tags[r.id], code=r.securities_code, text=texts[r.id]
                    )
                ]
                _print_rule(
                    config, one, records, matched, facts, tags, texts, explain=incident is not None
                )
                first = next(iter(matched or records), None)
            if send:
                if first is None:
                    fail("the store holds no incident to send; run `owabi fetch` first")
                failed = aio.run(_send_test(config, selected[0], first, facts[first.id]))
                raise typer.Exit(EXIT_FAILED if failed else EXIT_OK)


def _check_watchlist(ctx: typer.Context, path: Path) -> None:
    c = ctx_of(ctx)
    try:
        names = read_watchlist(path, f"--watchlist {path}")
    except RuleError as exc:
        fail(escape(str(exc)), EXIT_CONFIG)
    with cli_errors(), open_store(c.settings) as sessions, sessions() as s:
        reads = any(entry.subsidiaries for entry in names)
        stored = [
            _Stored(r.id, r.organization, r.securities_code, incident_text(r) if reads else None)
            for r in queries.list_incidents(s, limit=None)
        ]
    table = Table(title=f"Watchlist {path}: {len(names)} names, {len(stored)} incidents")
    for col in ("name", "matches", "near misses (not matched)"):
        table.add_column(col)
    for entry in names:
        hit = [i for i in stored if entry.matches(i.organization, code=i.code, text=i.text)]
        near = [
            i
            for i in stored
            if i not in hit
            and any(near_miss(w, name_key(i.organization or "")) for w in entry.keys)
        ]
        label = " / ".join(entry.names) + "".join(f" [{code}]" for code in entry.codes)
        if entry.subsidiaries:
            label += " (+ subsidiaries)"
        table.add_row(Text(label), Text(_listed(hit)), Text(_listed(near)))
    out.print(table)


@dataclass(frozen=True)
class _Stored:
    id: int
    organization: str | None
    code: str | None
    text: str | None


def _listed(incidents: Sequence[_Stored]) -> str:
    return "\n".join(f"#{i.id} {i.organization or '?'}" for i in incidents) or "–"


def _print_rule(
    config: Config,
    rule: Rule,
    records: Sequence[IncidentRecord],
    matched: Sequence[IncidentRecord],
    facts: dict[int, Incident],
    tags: dict[int, frozenset[str]],
    texts: dict[int, str | None],
    *,
    explain: bool,
) -> None:
    state = "" if rule.enabled else " (disabled)"
    table = Table(title=f"Rule {rule.name}{state}: {len(matched)} of {len(records)} incidents")
    for col in ("id", "organization", "tags", "match", "why not"):
        table.add_column(col, justify="right" if col == "id" else "left")
    hits = {r.id for r in matched}
    for record in records:
        if record.id not in hits and not explain:
            continue
        reasons = rule_matches_explained(
            rule,
            facts[record.id],
            tags=tags[record.id],
            code=record.securities_code,
            text=texts[record.id],
        )
        table.add_row(
            str(record.id),
            Text(record.organization or "?"),
            ", ".join(sorted(tags[record.id])) or "–",
            "yes" if record.id in hits else "no",
            Text("; ".join(reasons)),
        )
    out.print(table)
    for record in matched:
        for channel in rule.channels:
            spec = config.rules.channels[channel]
            out.print(
                f"── {rule.name} → {channel} ({spec.kind}), incident {record.id}", markup=False
            )
            if not spec.each:
                out.print("   digest only: listed in the channel's digest", markup=False)
                continue
            print(preview(config, channel, _alert(rule, record, facts[record.id], channel)))


async def _send_test(config: Config, rule: Rule, record: IncidentRecord, facts: Incident) -> bool:
    """Send one message per channel of `rule`; True when any channel failed."""
    failed = False
    async with open_runtime(config) as runtime:
        now = runtime.clock.now()
        for name in rule.channels:
            spec, channel = config.rules.channels[name], runtime.channels[name]
            try:
                async with asyncio.timeout(runtime.send_timeout):
                    if spec.each or spec.digest is None:
                        await channel.send(_alert(rule, record, facts, name))
                    else:
                        item = DigestItem(
                            record.id,
                            facts,
                            tuple(n.url for n in record.notices),
                            utc(record.created_at),
                        )
                        await channel.send_digest([item], due_period(spec.digest, now))
            except (DeliveryError, TimeoutError) as exc:
                failed = True
                err.print(f"[red]✗[/] {name}: {escape(str(exc) or 'timed out')}")
            else:
                out.print(f"✓ {name}: test message sent (incident {record.id})", markup=False)
    return failed


# --- failed / retry ---------------------------------------------------------------------


@app.command()
def failed(ctx: typer.Context) -> None:
    """Alerts and digests that were given up on (parked), with their last error."""
    with cli_errors(), open_store(ctx_of(ctx).settings) as sessions, sessions() as s:
        rows = queries.parked(s, Delivery)
        digests = queries.parked(s, DigestRun)
        lines = [
            (str(r.id), r.rule, r.channel, f"{r.event} #{r.incident_id}", r.attempts, r)
            for r in rows
        ] + [(f"d{d.id}", "(digest)", d.channel, d.label, d.attempts, d) for d in digests]
        if not lines:
            out.print("no failed alerts")
            raise typer.Exit(EXIT_OK)
        table = Table(title=f"Failed alerts ({len(lines)}): `owabi alerts retry ID…` resends")
        for col in ("id", "rule", "channel", "what", "attempts", "since", "last error"):
            table.add_column(col)
        for ident, rule, channel, what, attempts, row in lines:
            table.add_row(
                ident,
                Text(rule),
                Text(channel),
                Text(what),
                str(attempts),
                utc(row.created_at).strftime("%Y-%m-%d %H:%M"),
                Text(row.last_error or ""),
            )
    out.print(table)


def _parse_ids(ids: Sequence[str]) -> tuple[set[int], set[int]]:
    """`12` is an alert, `d3` a digest (as `owabi alerts failed` shows them)."""
    alerts: set[int] = set()
    digests: set[int] = set()
    for ident in ids:
        text = ident.strip().lower()
        target, number = (digests, text[1:]) if text.startswith("d") else (alerts, text)
        if not number.isdigit():
            fail(
                f"not an alert id: {ident!r} (use the ids `owabi alerts failed` shows)", EXIT_CONFIG
            )
        target.add(int(number))
    return alerts, digests


def _requeue(
    sessions: sessionmaker[Session],
    alerts: set[int] | None,
    digests: set[int] | None,
    now: dt.datetime,
) -> tuple[int, int]:
    """Make parked rows due now, with a fresh attempt count; None means every parked row.
    Ids that are unknown or not parked stop everything (nothing is requeued)."""
    counts = []
    with sessions.begin() as s:
        for model, wanted, label in ((Delivery, alerts, ""), (DigestRun, digests, "d")):
            rows = queries.parked(s, model, wanted)
            missing = sorted((wanted or set()) - {r.id for r in rows})
            if missing:
                names = ", ".join(f"{label}{i}" for i in missing)
                raise ConfigError(f"not a failed alert: {names} (see `owabi alerts failed`)")
            for row in rows:
                row.status, row.attempts, row.next_attempt_at = "pending", 0, now
                row.claimed_by, row.claimed_until = None, None
            counts.append(len(rows))
    return counts[0], counts[1]


@app.command()
def retry(
    ctx: typer.Context,
    ids: Annotated[
        list[str] | None, typer.Argument(help="Ids from `owabi alerts failed` (d… = digest).")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every failed alert and digest.")] = False,
) -> None:
    """Send failed (parked) alerts again now; those that fail again are retried later
    with backoff, as new ones are. Exit code 1 when any could not be sent yet."""
    if not ids and not all_:
        fail("name the ids to retry (see `owabi alerts failed`) or pass --all", EXIT_CONFIG)
    alerts, digests = (None, None) if all_ else _parse_ids(ids or [])
    c = ctx_of(ctx)
    with cli_errors():
        config = c.config
        (n_alerts, n_digests), stats, results = aio.run(_retry(config, alerts, digests))
    out.print(
        f"requeued {n_alerts} alerts, {n_digests} digests · alerts: {stats.sent} sent,"
        f" {stats.retrying} retrying, {stats.parked} failed"
        + (f" · digests: {sum(r.outcome == 'sent' for r in results)} sent" if results else "")
    )
    pending = stats.retrying + stats.parked + sum(r.outcome != "sent" for r in results)
    raise typer.Exit(EXIT_FAILED if pending else EXIT_OK)


async def _retry(
    config: Config, alerts: set[int] | None, digests: set[int] | None
) -> tuple[tuple[int, int], DeliveryStats, list[DigestResult]]:
    """Requeue the parked rows, then one delivery pass (and the digests, if any)."""
    async with open_runtime(config) as runtime:
        counts = _requeue(runtime.sessions, alerts, digests, runtime.clock.now())
        stats = await runtime.deliver()
        results = await runtime.send_digests(create=False) if counts[1] else []
    return counts, stats, results


# --- digest -----------------------------------------------------------------------------


def _parse_at(value: str | None) -> dt.datetime:
    if value is None:
        return SYSTEM.now()
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        fail(f"--at: not an ISO date-time: {value!r} (e.g. 2024-05-13T09:00+09:00)", EXIT_CONFIG)
    return when if when.tzinfo is not None else when.astimezone()


@app.command()
def digest(
    ctx: typer.Context,
    channel: Annotated[
        str | None, typer.Option("--channel", "-c", help="Only this digest channel.")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", help="Act as if it were this ISO date-time (default: now)."),
    ] = None,
) -> None:
    """Send each digest channel's most recent completed period, unless already sent.

    Safe to run as often as you like (cron, or several replicas): each period's digest
    is one row in the store and goes out once. Exit code 1 when a digest failed.
    """
    now = _parse_at(at)
    c = ctx_of(ctx)
    with cli_errors():
        config = c.config
        named = {n for n, spec in config.rules.channels.items() if spec.digest is not None}
        if channel is not None and channel not in named:
            path = str(c.settings.rules_file)
            known = ", ".join(sorted(named)) or "none"
            raise ConfigError(
                f"{path}: channel {channel!r} has no digest (digest channels: {known})",
                path=path,
                key="channels",
            )
        if not named:
            out.print("no channel has a digest (add `digest = {...}` to a channel)")
            raise typer.Exit(EXIT_OK)
        results = aio.run(_run_digests(config, now, channel))
    table = Table(title="Digests")
    for col in ("channel", "period", "incidents", "result", "error"):
        table.add_column(col, justify="right" if col == "incidents" else "left")
    for r in results:
        table.add_row(
            Text(r.channel), Text(r.label), str(r.incidents), r.outcome, Text(r.error or "")
        )
    out.print(table)
    bad = [r for r in results if r.outcome in ("retrying", "parked", "lost")]
    raise typer.Exit(EXIT_FAILED if bad else EXIT_OK)


async def _run_digests(config: Config, now: dt.datetime, only: str | None) -> list[DigestResult]:
    async with open_runtime(config) as runtime:
        return await runtime.send_digests(now=now, only=only)

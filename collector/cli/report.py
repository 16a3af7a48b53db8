"""Human output of a fetch pass: the new-notices table and one summary line."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

from collector.delivery.digests import DigestResult
from collector.delivery.outbox import DeliveryStats
from collector.pipeline import SourceReport
from parsers.schema import Incident


def _count(value: int | None) -> str:
    return f"{value:,}" if value is not None else "–"


def incident_row(facts: Incident) -> list[str]:
    return [
        facts.organization or "?",
        facts.published.isoformat() if facts.published else "–",
        ", ".join(c.value for c in facts.categories) or "–",
        _count(facts.people_affected),
        _count(facts.cards_affected),
    ]


def notices_table(reports: Sequence[SourceReport]) -> Table | None:
    notices = [n for r in reports for n in r.notices if n.facts.is_incident]
    if not notices:
        return None
    table = Table(title="New incident notices", show_lines=False)
    for col, justify in (
        ("organization", "left"),
        ("date", "left"),
        ("categories", "left"),
        ("people", "right"),
        ("cards", "right"),
        ("event", "left"),
        ("source", "left"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for n in notices:
        table.add_row(
            *(Text(cell) for cell in incident_row(n.facts)),
            Text(n.recorded.event or "–"),
            Text(n.source_id),
        )
    return table


def failures(reports: Sequence[SourceReport]) -> list[str]:
    """One line per failed source and per document that could not be read."""
    lines = [f"{r.source_id}: {r.error}" for r in reports if not r.ok]
    lines += [f"{r.source_id}: {e}" for r in reports for e in r.lead_errors]
    return lines


def summary(
    reports: Sequence[SourceReport],
    delivery: DeliveryStats,
    digests: Sequence[DigestResult] = (),
) -> str:
    ok = sum(r.ok for r in reports)
    failed = len(reports) - ok
    unchanged = sum(r.unchanged for r in reports)
    notices = [n for r in reports for n in r.notices]
    incidents = sum(n.facts.is_incident for n in notices)
    new = sum(n.recorded.event == "new" for n in notices)
    updated = sum(n.recorded.event == "update" for n in notices)
    doc_errors = sum(len(r.lead_errors) for r in reports)
    read, skipped = sum(r.leads for r in reports), sum(r.skipped for r in reports)
    deferred, same = sum(r.deferred for r in reports), sum(r.same for r in reports)
    parts = [
        f"sources: {ok} ok ({unchanged} unchanged), {failed} failed",
        f"entries: {read} read ({same} unchanged), {skipped} skipped, {deferred} deferred",
        f"new notices: {len(notices)} ({incidents} incident)"
        + (f", {doc_errors} unreadable" if doc_errors else ""),
        f"incidents: {new} new, {updated} updated",
        f"alerts: {delivery.sent} sent, {delivery.retrying} retrying, {delivery.parked} failed",
    ]
    sent = sum(d.outcome == "sent" for d in digests)
    failing = sum(d.outcome in ("retrying", "parked") for d in digests)
    if sent or failing:
        parts.append(f"digests: {sent} sent, {failing} failed")
    return " · ".join(parts)

"""The unit of delivery: one incident, for one rule, on one channel, for one event."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Literal

from parsers.schema import Incident


def alert_key(
    incident_id: int,
    rule: str,
    channel: str,
    event: Literal["new", "update"],
    *,
    revision: str | int | None = None,
) -> str:
    """The idempotency key of one delivery (the outbox's unique column).

    A hash of the canonical JSON of the parts, so that names containing separators cannot
    collide and the key has a fixed length for an index. `revision` (e.g. the notice id
    of a 続報) lets a later update of the same incident alert again; leave it None for
    once-per-incident semantics.
    """
    parts = [incident_id, rule, channel, event, revision]
    canonical = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Alert:
    """What a channel renders and sends; a snapshot, so retries send the same content."""

    rule: str
    event: Literal["new", "update"]
    incident_id: int
    incident: Incident
    links: tuple[str, ...]
    sources: tuple[str, ...]
    key: str
    # Those of `links` that are the organization's own notices (公式発表), not reports.
    primary: tuple[str, ...] = ()

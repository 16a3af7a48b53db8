"""From notice to incident: recording a parsed notice, merging it into the incident it
belongs to, and enqueueing the alerts its event triggers."""

from collector.incidents.record import (
    Provenance,
    Recorded,
    enqueue_alerts,
    incident_text,
    record_notice,
    says_nothing_new,
    tags_of,
)

__all__ = [
    "Provenance",
    "Recorded",
    "enqueue_alerts",
    "incident_text",
    "record_notice",
    "says_nothing_new",
    "tags_of",
]

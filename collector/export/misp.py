"""Incidents as a MISP feed: a folder of `manifest.json` and one `{uuid}.json` event per
incident, which a MISP instance reads as a feed (Sync Actions → Feeds, "MISP Feed"
format). Events are built and serialized by PyMISP, so the files are what MISP expects.

Each event: the incident's uuid (uuid5, as in every export), a title and the facts as
its info and a text attribute, a `victim` object (name, sectors unknown), a `link`
attribute per notice, tags for the TLP marking and for each category
(`owabi:category="ransomware"`), and timestamps from the incident's last change, so a
re-export updates the event MISP holds.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pymisp import MISPEvent, MISPObject, MISPOrganisation

from alerts.render import PRIMARY_JA
from collector.clock import utc
from collector.export.describe import OWABI_NAMESPACE, incident_uuid, summary, title
from collector.store.models import IncidentRecord

ORG_UUID = str(uuid.uuid5(OWABI_NAMESPACE, "misp/org"))
THREAT_LEVEL_LOW = 3
ANALYSIS_COMPLETE = 2
DISTRIBUTION_ALL = 3


def _uuid(record: IncidentRecord, part: str) -> str:
    return str(uuid.uuid5(incident_uuid(record.id), part))


def event(record: IncidentRecord, tlp: str = "clear") -> MISPEvent:
    changed = utc(record.updated_at)
    ev = MISPEvent()
    ev.uuid = str(incident_uuid(record.id))
    ev.info = title(record)
    ev.date = record.published or record.created_at.date()
    org = MISPOrganisation()
    org.name, org.uuid = "owabi", ORG_UUID
    ev.Orgc = org
    ev.threat_level_id = THREAT_LEVEL_LOW
    ev.analysis = ANALYSIS_COMPLETE
    ev.distribution = DISTRIBUTION_ALL
    ev.published = True
    ev.timestamp = changed
    ev.publish_timestamp = changed
    ev.add_tag(f"tlp:{tlp}")
    for category in record.data.get("categories", []):
        ev.add_tag(f'owabi:category="{category}"')
    ev.add_attribute(
        "text",
        summary(record),
        uuid=_uuid(record, "summary"),
        timestamp=changed,
        comment="facts parsed from the notices",
    )
    if record.organization:
        victim = MISPObject("victim", standalone=False)
        victim.uuid = _uuid(record, "victim")
        victim.add_attribute("name", record.organization, uuid=_uuid(record, "victim/name"))
        victim.add_attribute(
            "description", record.title or title(record), uuid=_uuid(record, "victim/text")
        )
        victim.timestamp = changed
        for attribute in victim.attributes:
            attribute.timestamp = changed
        ev.add_object(victim)
    if record.securities_code:
        ev.add_tag(f'owabi:securities-code="{record.securities_code}"')
    for notice in sorted(record.notices, key=lambda n: not n.is_primary):
        own = f"{PRIMARY_JA} (the organization's own notice) " if notice.is_primary else ""
        ev.add_attribute(
            "link",
            notice.url,
            uuid=_uuid(record, f"link/{notice.url}"),
            timestamp=changed,
            comment=f"{own or 'notice '}via source {notice.source_id}",
            to_ids=False,
        )
    return ev


def feed(records: Sequence[IncidentRecord], tlp: str = "clear") -> dict[str, dict[str, Any]]:
    """File name → content of the feed folder: every event and the manifest."""
    files: dict[str, dict[str, Any]] = {}
    manifest: dict[str, Any] = {}
    for record in records:
        doc, meta = event_file(record, tlp)
        manifest.update(meta)
        files[f"{doc['Event']['uuid']}.json"] = doc
    files["manifest.json"] = manifest
    return files


def event_file(record: IncidentRecord, tlp: str = "clear") -> tuple[dict[str, Any], dict[str, Any]]:
    """One event file of the feed, and its entry in the manifest."""
    doc: dict[str, Any] = event(record, tlp).to_feed(with_meta=True)
    meta: dict[str, Any] = doc["Event"].pop("_manifest")
    doc["Event"].pop("_hashes", None)
    return doc, meta


def write_feed(records: Sequence[IncidentRecord], folder: Path, tlp: str = "clear") -> int:
    """Write the feed into `folder` (created if missing); events of incidents no longer
    exported are left alone. Returns the number of events."""
    folder.mkdir(parents=True, exist_ok=True)
    files = feed(records, tlp)
    for name, content in files.items():
        (folder / name).write_text(json.dumps(content, ensure_ascii=False, indent=1) + "\n")
    return len(files) - 1

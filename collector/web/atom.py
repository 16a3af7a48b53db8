"""The incidents as an Atom feed (RFC 4287): one entry per incident, whose id never
changes and whose `updated` moves when a later notice changes the incident, so a feed
reader shows the update instead of a second incident. The facts are in the summary."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from xml.etree import ElementTree as ET

from collector.clock import utc
from collector.export.describe import OWABI_NAMESPACE, incident_uuid, summary, title
from collector.store.models import IncidentRecord

ATOM = "http://www.w3.org/2005/Atom"


def _stamp(when: dt.datetime) -> str:
    return utc(when).isoformat(timespec="seconds").replace("+00:00", "Z")


def feed(
    records: Sequence[IncidentRecord], *, self_url: str, site_url: str, generated: dt.datetime
) -> bytes:
    """The feed document; `site_url` ends with "/" (incident pages hang below it)."""
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(root, f"{{{ATOM}}}id").text = f"urn:uuid:{uuid.uuid5(OWABI_NAMESPACE, 'feed')}"
    ET.SubElement(root, f"{{{ATOM}}}title").text = "owabi: セキュリティインシデント"
    newest = max((r.updated_at for r in records), default=generated)
    ET.SubElement(root, f"{{{ATOM}}}updated").text = _stamp(newest)
    ET.SubElement(ET.SubElement(root, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = "owabi"
    ET.SubElement(root, f"{{{ATOM}}}link", rel="self", href=self_url)
    ET.SubElement(root, f"{{{ATOM}}}link", rel="alternate", href=site_url)
    for record in records:
        entry = ET.SubElement(root, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"urn:uuid:{incident_uuid(record.id)}"
        ET.SubElement(entry, f"{{{ATOM}}}title").text = title(record)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(record.updated_at)
        ET.SubElement(entry, f"{{{ATOM}}}published").text = _stamp(record.created_at)
        ET.SubElement(
            entry, f"{{{ATOM}}}link", rel="alternate", href=f"{site_url}incidents/{record.id}"
        )
        for category in record.data.get("categories", []):
            ET.SubElement(entry, f"{{{ATOM}}}category", term=category)
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = summary(record)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document

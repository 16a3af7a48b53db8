"""Incidents as a STIX 2.1 bundle (built with the `stix2` library), for threat-intelligence
platforms such as OpenCTI.

Per incident: the victim organization as an `identity`, the incident as an `incident`
with the Incident Core extension's fields where the schema has them (investigation
status, determination, confidentiality impact and impacted individuals), a `targets`
relationship from the incident to the victim, and an external reference to every notice.
Every id is a uuid5 of the incident (or of the organization's normalized name), and
`modified` is the incident's last change: exporting again updates the objects a
platform holds instead of adding copies. Everything carries the chosen TLP marking and
is created by owabi's own identity.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

import stix2

from alerts.render import PRIMARY_JA
from collector.clock import utc
from collector.export.describe import OWABI_NAMESPACE, incident_uuid, summary, title
from collector.store.models import IncidentRecord
from parsers.orgname import org_key

INCIDENT_CORE = "extension-definition--ef765651-680c-498d-9894-99799f2fa126"
TLP = {
    "clear": stix2.TLP_WHITE,
    "green": stix2.TLP_GREEN,
    "amber": stix2.TLP_AMBER,
    "red": stix2.TLP_RED,
}
# owabi's categories as incident types (an open vocabulary).
INCIDENT_TYPES = {
    "unauthorized_access": "unauthorized-access",
    "web_skimming": "payment-card-skimming",
    "ransomware": "ransomware",
    "malware": "malware",
    "ddos": "denial-of-service",
    "phishing": "phishing",
    "insider": "insider-misuse",
    "misdelivery": "data-disclosure",
    "loss_theft": "equipment-loss",
    "other": "other",
}
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
OWABI = stix2.Identity(
    id=f"identity--{uuid.uuid5(OWABI_NAMESPACE, 'owabi')}",
    name="owabi",
    identity_class="system",
    description="Collects Japanese security-incident notices and parses them.",
    created=EPOCH,
    modified=EPOCH,
)


def _victim(record: IncidentRecord, marking: Any) -> stix2.Identity | None:
    if not record.organization:
        return None
    key = org_key(record.organization) or record.organization
    return stix2.Identity(
        id=f"identity--{uuid.uuid5(OWABI_NAMESPACE, f'organization/{key}')}",
        name=record.organization,
        identity_class="organization",
        external_references=(
            [{"source_name": "jpx-securities-code", "external_id": record.securities_code}]
            if record.securities_code
            else None
        ),
        created=utc(record.created_at),
        modified=utc(record.updated_at),
        created_by_ref=OWABI.id,
        object_marking_refs=[marking],
    )


def _extension(record: IncidentRecord) -> dict[str, Any]:
    data = record.data
    ext: dict[str, Any] = {
        "extension_type": "property-extension",
        "investigation_status": "closed" if data.get("stage") == "final" else "open",
        "determination": "confirmed",
        "incident_types": [INCIDENT_TYPES.get(c, c) for c in data.get("categories", [])],
    }
    if record.people_affected:
        loss = "confirmed-loss" if data.get("data_items") else "suspected-loss"
        ext["confidentiality_impacts"] = [
            {"information_type": "pii", "loss_type": loss, "record_count": record.people_affected}
        ]
        ext["impacted_entity_counts"] = {"individual": record.people_affected}
    return ext


def objects(record: IncidentRecord, marking: Any) -> list[Any]:
    """The STIX objects of one incident."""
    references = [
        {
            "source_name": f"owabi:{n.source_id}",
            "url": n.url,
            "description": (f"{PRIMARY_JA}: " if n.is_primary else "") + (n.entry_title or ""),
        }
        # The organization's own notices first.
        for n in sorted(record.notices, key=lambda n: not n.is_primary)
    ]
    incident = stix2.Incident(
        id=f"incident--{incident_uuid(record.id)}",
        name=title(record),
        description=summary(record),
        created=utc(record.created_at),
        modified=utc(record.updated_at),
        created_by_ref=OWABI.id,
        object_marking_refs=[marking],
        labels=list(record.data.get("categories", [])),
        external_references=references or None,
        extensions={INCIDENT_CORE: _extension(record)},
        allow_custom=True,
    )
    found: list[Any] = [incident]
    victim = _victim(record, marking)
    if victim is not None:
        found.append(victim)
        found.append(
            stix2.Relationship(
                id=f"relationship--{uuid.uuid5(OWABI_NAMESPACE, f'targets/{record.id}')}",
                relationship_type="targets",
                source_ref=incident.id,
                target_ref=victim.id,
                created=utc(record.created_at),
                modified=utc(record.updated_at),
                created_by_ref=OWABI.id,
                object_marking_refs=[marking],
            )
        )
    return found


def bundle(records: Sequence[IncidentRecord], tlp: str = "clear") -> stix2.Bundle:
    """One bundle of every incident's objects; an organization with several incidents is
    one identity (its newest version)."""
    marking = TLP[tlp]
    by_id: dict[str, Any] = {OWABI.id: OWABI, marking.id: marking}
    for record in sorted(records, key=lambda r: r.id):
        for obj in objects(record, marking):
            by_id[obj.id] = obj
    bundle_id = uuid.uuid5(OWABI_NAMESPACE, "bundle/" + ",".join(str(r.id) for r in records))
    return stix2.Bundle(objects=list(by_id.values()), id=f"bundle--{bundle_id}", allow_custom=True)

"""An incident as one JSON object: the schema's fields as merged, its notices, and the
store's id and times. The JSON export, the API's items and the feed carry this shape."""

from __future__ import annotations

from typing import Any

from collector.store.models import IncidentRecord


def incident_dict(record: IncidentRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        **record.data,
        "securities_code": record.securities_code,
        "notices": [
            {
                "url": n.url,
                "source": n.source_id,
                "fetched_at": n.fetched_at.isoformat(),
                "primary": n.is_primary,
            }
            for n in record.notices
        ],
        "created_at": record.created_at.isoformat(),
        "updated_at": record.updated_at.isoformat(),
    }

"""How an incident is named and summed up outside owabi (the Atom feed, STIX, MISP, the
pages): Japanese labels for the schema's values, a title, a one-line summary of the facts,
and the stable uuid every export gives the incident."""

from __future__ import annotations

import uuid
from typing import Any

from collector.store.models import IncidentRecord

CATEGORY_LABELS: dict[str, str] = {
    "unauthorized_access": "不正アクセス",
    "web_skimming": "決済画面改ざん",
    "ransomware": "ランサムウェア",
    "malware": "マルウェア",
    "ddos": "DDoS",
    "phishing": "フィッシング",
    "insider": "内部不正",
    "misdelivery": "誤送信・誤公開",
    "loss_theft": "紛失・盗難",
    "other": "その他",
}
STAGE_LABELS = {"report": "第一報", "update": "続報", "final": "最終報"}
AUTHORITY_LABELS = {
    "ppc": "個人情報保護委員会",
    "police": "警察",
    "other_authority": "その他官公庁",
}
# Fixed: an incident's uuid (Atom entry id, STIX and MISP ids) is uuid5 of this namespace
# and its id, the same in every export of one store.
OWABI_NAMESPACE = uuid.UUID("3f1c7a52-5a8e-4f0e-9d0b-6a3c2f1e8b47")


def incident_uuid(incident_id: int) -> uuid.UUID:
    return uuid.uuid5(OWABI_NAMESPACE, f"incident/{incident_id}")


def show(name: str, value: Any) -> str:
    """A schema value as a reader wants it: labels for enums, 1,234 for counts."""
    if value is None or value == []:
        return "–"
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list):
        labels = CATEGORY_LABELS | AUTHORITY_LABELS if name != "data_items" else {}
        return "、".join(labels.get(str(v), str(v)) for v in value)
    if name == "stage":
        return STAGE_LABELS.get(str(value), str(value))
    return str(value)


def title(record: IncidentRecord) -> str:
    categories = "・".join(CATEGORY_LABELS.get(c, c) for c in record.data.get("categories", []))
    return f"{record.organization or '組織名不明'}: {categories or 'インシデント'}"


def summary(record: IncidentRecord) -> str:
    d = record.data
    parts = [
        f"公表日 {show('published', d.get('published'))}",
        f"対象人数 {show('people_affected', d.get('people_affected'))}",
        f"カード件数 {show('cards_affected', d.get('cards_affected'))}",
        f"段階 {show('stage', d.get('stage'))}",
    ]
    if d.get("data_items"):
        parts.append(f"漏えい項目 {show('data_items', d['data_items'])}")
    if d.get("reported_to"):
        parts.append(f"報告先 {show('reported_to', d['reported_to'])}")
    if d.get("title"):
        parts.append(f"表題 {d['title']}")
    return " / ".join(parts)

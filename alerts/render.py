"""What every channel's alert says, and the hygiene scraped text gets first. Pure.

The channel modules (alerts/channels/) turn these into their payloads. Every string that
came from a scraped page (organization, title, services, cause, links) is hostile: it is
flattened to one line (no CR/LF, vertical tab, form feed, \\x1c-\\x1e, NEL, U+2028/2029,
terminal escapes, bidi overrides), then made inert for its target by its channel (Slack
plain and rich text, HTML escaping) and truncated to the target's limits with `…`. Links
are only rendered when they are well-formed http(s) URLs without credentials.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlsplit

from alerts.message import Alert
from parsers.schema import Authority, Category, DataItem, Incident, Stage

CATEGORY_JA: dict[Category, str] = {
    Category.UNAUTHORIZED_ACCESS: "不正アクセス",
    Category.WEB_SKIMMING: "Webスキミング",
    Category.RANSOMWARE: "ランサムウェア",
    Category.MALWARE: "マルウェア",
    Category.DDOS: "DDoS",
    Category.PHISHING: "フィッシング",
    Category.INSIDER: "内部不正",
    Category.MISDELIVERY: "誤送信・誤公開",
    Category.LOSS_THEFT: "紛失・盗難",
    Category.OTHER: "その他",
}
DATA_ITEM_JA: dict[DataItem, str] = {
    DataItem.NAME: "氏名",
    DataItem.ADDRESS: "住所",
    DataItem.PHONE: "電話番号",
    DataItem.EMAIL: "メールアドレス",
    DataItem.BIRTHDATE: "生年月日",
    DataItem.GENDER: "性別",
    DataItem.PASSWORD: "パスワード",
    DataItem.LOGIN_ID: "ログインID",
    DataItem.CARD_HOLDER: "カード名義人名",
    DataItem.CARD_NUMBER: "カード番号",
    DataItem.CARD_EXPIRY: "カード有効期限",
    DataItem.CARD_CVV: "セキュリティコード",
    DataItem.BANK_ACCOUNT: "口座情報",
    DataItem.NATIONAL_ID: "マイナンバー",
    DataItem.HEALTH: "健康情報",
    DataItem.OTHER: "その他",
}
AUTHORITY_JA: dict[Authority, str] = {
    Authority.PPC: "個人情報保護委員会",
    Authority.POLICE: "警察",
    Authority.OTHER_AUTHORITY: "その他の行政機関",
}
STAGE_JA: dict[Stage, str] = {Stage.REPORT: "第一報", Stage.UPDATE: "続報", Stage.FINAL: "最終報告"}
EVENT_JA = {"new": "新規", "update": "更新"}

URL_MAX = 3000  # Slack's limit for a button's URL, the strictest of the channels
MAX_LINKS = 5

_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


# --- Text hygiene -----------------------------------------------------------------------


def clean_line(text: str) -> str:
    """One line of plain text: line/paragraph separators and control characters become
    spaces, bidi overrides vanish, runs of whitespace collapse. Safe for a mail header."""
    out = []
    for ch in text:
        if ch in _BIDI_CONTROLS:
            continue
        out.append(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch)
    return " ".join("".join(out).split())


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def safe_url(url: str) -> str | None:
    """The URL percent-encoded for embedding, or None unless it is plain http(s).

    Rejects other schemes (javascript:, data:), credentials (`https://bank@evil`),
    whitespace and control characters; non-ASCII paths are percent-encoded.
    """
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        return None
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if "@" in parts.netloc:
        return None
    quoted = quote(url, safe=":/?#[]@!$&'()*+,;=%~")
    return quoted if len(quoted) <= URL_MAX else None


PRIMARY_JA = "公式発表"


def primary_mark(alert: Alert, url: str) -> str:
    """What follows a link that is the organization's own notice."""
    return f"（{PRIMARY_JA}）" if url in alert.primary else ""


def safe_links(links: Iterable[str]) -> list[str]:
    """The renderable links: safe, unique, at most MAX_LINKS."""
    seen: list[str] = []
    for link in links:
        url = safe_url(link)
        if url is not None and url not in seen:
            seen.append(url)
    return seen[:MAX_LINKS]


def unique(items: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(items))


# --- Shared wording ---------------------------------------------------------------------


def headline(incident: Incident) -> str:
    """`株式会社X: 不正アクセス・Webスキミング` (title if no category)."""
    org = clean_line(incident.organization or "") or "組織名不明"
    what = "・".join(CATEGORY_JA[c] for c in unique(incident.categories))
    return f"{org}: {what or clean_line(incident.title or '') or 'インシデント'}"


def counts(incident: Incident) -> str:
    """`(被害 147,545件 / カード 1,938件)`, or empty when no count is stated."""
    parts = []
    if incident.people_affected is not None:
        parts.append(f"被害 {incident.people_affected:,}件")
    if incident.cards_affected is not None:
        parts.append(f"カード {incident.cards_affected:,}件")
    return f"({' / '.join(parts)})" if parts else ""


def summary(alert: Alert) -> str:
    """Headline plus counts: the subject line and the console's first line."""
    return " ".join(p for p in (headline(alert.incident), counts(alert.incident)) if p)


def facts(incident: Incident) -> list[tuple[str, str]]:
    """(label, cleaned value) for the stated impact fields, in display order."""
    rows: list[tuple[str, str]] = []
    if incident.people_affected is not None:
        rows.append(("被害件数", f"{incident.people_affected:,}件"))
    if incident.cards_affected is not None:
        rows.append(("カード", f"{incident.cards_affected:,}件"))
    if incident.data_items:
        items = "、".join(DATA_ITEM_JA[d] for d in unique(incident.data_items))
        rows.append(("漏えい項目", items))
    if incident.exposure_start or incident.exposure_end:
        start, end = incident.exposure_start or "?", incident.exposure_end or "?"
        rows.append(("期間", f"{start} 〜 {end}"))
    if incident.discovered:
        rows.append(("発覚", incident.discovered.isoformat()))
    if incident.reported_to:
        rows.append(("報告先", "、".join(AUTHORITY_JA[a] for a in unique(incident.reported_to))))
    if incident.ppc_reportable:
        rows.append(("個情委報告対象", "該当の可能性"))
    return rows


def narrative(incident: Incident) -> list[tuple[str, str]]:
    """Free-text rows (services, cause): long, so Slack gives each its own section."""
    rows: list[tuple[str, str]] = []
    if incident.services:
        rows.append(("サービス", "、".join(clean_line(s) for s in unique(incident.services))))
    if incident.cause:
        rows.append(("原因", clean_line(incident.cause)))
    return rows


def incident_title(incident: Incident) -> str:
    return clean_line(incident.title or "") or "(タイトルなし)"

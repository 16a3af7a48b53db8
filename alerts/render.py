"""Alert → Slack Block Kit, MIME e-mail, console text or webhook JSON. Pure functions.

Every string that came from a scraped page (organization, title, services, cause,
links) is hostile: it is flattened to one line (no CR/LF, vertical tab, form feed,
\\x1c-\\x1e, NEL, U+2028/2029, terminal escapes, bidi overrides), then escaped for its
target — `&`, `<`, `>` for Slack mrkdwn, so a title can never produce `<!channel>`, a
user mention or a forged `<url|label>` link; `html.escape` for the HTML part — and
truncated to the target's limits with `…`. Links are only rendered when they are
well-formed http(s) URLs without credentials.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterable
from email.message import EmailMessage
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

# Slack limits (https://api.slack.com/reference/block-kit/blocks).
SLACK_MAX_BLOCKS = 50
SLACK_HEADER_MAX = 150
SLACK_TEXT_MAX = 3000
SLACK_FIELD_MAX = 2000
SLACK_MAX_FIELDS = 10
SLACK_BUTTON_TEXT_MAX = 75
SLACK_URL_MAX = 3000
MAX_LINKS = 5
SUBJECT_MAX = 150

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


def mrkdwn_escape(text: str) -> str:
    """Slack's three control characters; enough to neutralize mentions and links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: str, limit: int) -> str:
    """Scraped text as Slack mrkdwn: clean, escape, then truncate to `limit` without
    cutting an `&amp;` entity in half."""
    escaped = mrkdwn_escape(clean_line(text))
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


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
    return quoted if len(quoted) <= SLACK_URL_MAX else None


def safe_links(links: Iterable[str]) -> list[str]:
    """The renderable links: safe, unique, at most MAX_LINKS."""
    seen: list[str] = []
    for link in links:
        url = safe_url(link)
        if url is not None and url not in seen:
            seen.append(url)
    return seen[:MAX_LINKS]


def _unique(items: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(items))


# --- Shared wording ---------------------------------------------------------------------


def headline(incident: Incident) -> str:
    """`株式会社X: 不正アクセス・Webスキミング` (title if no category)."""
    org = clean_line(incident.organization or "") or "組織名不明"
    what = "・".join(CATEGORY_JA[c] for c in _unique(incident.categories))
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
        items = "、".join(DATA_ITEM_JA[d] for d in _unique(incident.data_items))
        rows.append(("漏えい項目", items))
    if incident.exposure_start or incident.exposure_end:
        start, end = incident.exposure_start or "?", incident.exposure_end or "?"
        rows.append(("期間", f"{start} 〜 {end}"))
    if incident.discovered:
        rows.append(("発覚", incident.discovered.isoformat()))
    if incident.reported_to:
        rows.append(("報告先", "、".join(AUTHORITY_JA[a] for a in _unique(incident.reported_to))))
    if incident.ppc_reportable:
        rows.append(("個情委報告対象", "該当の可能性"))
    return rows


def _narrative(incident: Incident) -> list[tuple[str, str]]:
    """Free-text rows (services, cause): long, so Slack gives each its own section."""
    rows: list[tuple[str, str]] = []
    if incident.services:
        rows.append(("サービス", "、".join(clean_line(s) for s in _unique(incident.services))))
    if incident.cause:
        rows.append(("原因", clean_line(incident.cause)))
    return rows


def _title(incident: Incident) -> str:
    return clean_line(incident.title or "") or "(タイトルなし)"


# --- Slack ------------------------------------------------------------------------------


def slack_payload(alert: Alert) -> dict[str, Any]:
    """An incoming-webhook body: Block Kit blocks plus a plain `text` fallback."""
    inc = alert.incident
    meta = f"{STAGE_JA[inc.stage]} · 公表日 {inc.published or '不明'} · {EVENT_JA[alert.event]}"
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": truncate(headline(inc), SLACK_HEADER_MAX)},
        },
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f"*{mrkdwn(_title(inc), 2000)}*\n{mrkdwn(meta, 500)}",
            },
        },
    ]
    fields = [
        {"type": "mrkdwn", "text": f"*{label}*\n{mrkdwn(value, SLACK_FIELD_MAX - 20)}"}
        for label, value in facts(inc)[:SLACK_MAX_FIELDS]
    ]
    if fields:
        blocks.append({"type": "section", "fields": fields})
    for label, value in _narrative(inc):
        text = f"*{label}*\n{mrkdwn(value, SLACK_TEXT_MAX - 20)}"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
    buttons = [
        {
            "type": "button",
            "action_id": f"notice-{index}",
            "text": {"type": "plain_text", "text": _button_label(index, url)},
            "url": url,
        }
        for index, url in enumerate(safe_links(alert.links), start=1)
    ]
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    context = f"ルール {alert.rule} · ソース {', '.join(alert.sources) or '-'}"
    blocks.append(
        {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn(context, 2000)}]}
    )
    return {
        "text": mrkdwn(f"{summary(alert)} — {_title(inc)}", SLACK_TEXT_MAX),
        "blocks": blocks[:SLACK_MAX_BLOCKS],
    }


def _button_label(index: int, url: str) -> str:
    host = urlsplit(url).hostname or ""
    return truncate(f"お知らせ {index} ({host})", SLACK_BUTTON_TEXT_MAX)


# --- E-mail -----------------------------------------------------------------------------


def email_subject(alert: Alert) -> str:
    """`[owabi] 株式会社X: 不正アクセス (カード 1,938件)`; one line whatever was scraped."""
    prefix = "[owabi]" if alert.event == "new" else "[owabi 更新]"
    return truncate(clean_line(f"{prefix} {summary(alert)}"), SUBJECT_MAX)


def _address(value: str) -> str:
    """Addresses come from config, not pages, but a header is no place for a newline."""
    if not value or clean_line(value) != value:
        raise ValueError("e-mail address contains control characters or is empty")
    return value


def email_message(alert: Alert, *, sender: str, to: list[str]) -> EmailMessage:
    """multipart/alternative (text + HTML), UTF-8 in base64, RFC 2047 subject.

    The Message-ID derives from the alert key, so a retried send is recognisably the
    same message. Date is left to the sender (this function does not read the clock).
    """
    return mime_message(
        subject=email_subject(alert),
        sender=sender,
        to=to,
        message_id=f"<{alert.key}@owabi.invalid>",
        text=_email_text(alert),
        html_body=_email_html(alert),
    )


def mime_message(
    *, subject: str, sender: str, to: list[str], message_id: str, text: str, html_body: str
) -> EmailMessage:
    """The one place an e-mail is assembled, so every kind gets the same header hygiene:
    a one-line subject (RFC 2047-encoded by the policy), checked addresses, UTF-8 base64
    bodies."""
    if not to:
        raise ValueError("an e-mail needs at least one recipient")
    msg = EmailMessage()
    msg["Subject"] = clean_line(subject)
    msg["From"] = _address(sender)
    msg["To"] = ", ".join(_address(a) for a in to)
    msg["Message-ID"] = message_id
    msg.set_content(text, charset="utf-8", cte="base64")
    msg.add_alternative(html_body, subtype="html", charset="utf-8", cte="base64")
    return msg


def _rows(alert: Alert) -> list[tuple[str, str]]:
    inc = alert.incident
    rows = [("タイトル", _title(inc)), ("段階", STAGE_JA[inc.stage])]
    if inc.published:
        rows.append(("公表日", inc.published.isoformat()))
    return [*rows, *facts(inc), *_narrative(inc)]


def _email_text(alert: Alert) -> str:
    lines = [summary(alert), ""]
    lines += [f"{label}: {value}" for label, value in _rows(alert)]
    links = safe_links(alert.links)
    if links:
        lines += ["", "お知らせ:", *(f"  {url}" for url in links)]
    lines += ["", f"ルール: {clean_line(alert.rule)} ({EVENT_JA[alert.event]})"]
    lines.append(f"ソース: {clean_line(', '.join(alert.sources)) or '-'}")
    return "\n".join(lines) + "\n"


def _email_html(alert: Alert) -> str:
    esc = html.escape
    rows = "".join(
        f'<tr><th align="left">{esc(label)}</th><td>{esc(value)}</td></tr>'
        for label, value in _rows(alert)
    )
    links = "".join(
        f'<li><a href="{esc(url)}">{esc(url)}</a></li>' for url in safe_links(alert.links)
    )
    rule = f"ルール: {clean_line(alert.rule)} ({EVENT_JA[alert.event]})"
    sources = f"ソース: {clean_line(', '.join(alert.sources)) or '-'}"
    return (
        '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"></head><body>'
        f"<h2>{esc(summary(alert))}</h2><table>{rows}</table>"
        + (f"<p>お知らせ:</p><ul>{links}</ul>" if links else "")
        + f"<p><small>{esc(rule)}<br>{esc(sources)}</small></p></body></html>\n"
    )


# --- Console and webhook ----------------------------------------------------------------


def console_text(alert: Alert) -> str:
    """A few readable lines for a terminal; control characters (ESC included) removed."""
    inc = alert.incident
    lines = [f"[owabi] {EVENT_JA[alert.event]} {summary(alert)}", f"  {truncate(_title(inc), 200)}"]
    impact = " · ".join(f"{label} {truncate(value, 120)}" for label, value in facts(inc))
    if impact:
        lines.append(f"  {impact}")
    lines += [f"  {url}" for url in safe_links(alert.links)]
    lines.append(f"  rule={clean_line(alert.rule)} sources={clean_line(','.join(alert.sources))}")
    return "\n".join(lines)


def webhook_payload(alert: Alert) -> dict[str, Any]:
    """The generic JSON body: the incident in its spec shape plus delivery context."""
    return {
        "kind": "alert",
        "rule": alert.rule,
        "event": alert.event,
        "incident_id": alert.incident_id,
        "key": alert.key,
        "incident": alert.incident.to_json_dict(),
        "links": safe_links(alert.links),
        "sources": list(alert.sources),
    }

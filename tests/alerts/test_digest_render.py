"""Digest rendering: grouping, totals, escaping, Slack limits, the empty period."""

from __future__ import annotations

import datetime as dt
import email
import json
import re
from email import policy
from email.message import EmailMessage
from typing import Any, cast

import pytest

from alerts.channels.console import digest_console_text
from alerts.channels.email import digest_email_message
from alerts.channels.slack import (
    SLACK_HEADER_MAX,
    SLACK_MAX_BLOCKS,
    SLACK_TEXT_MAX,
    digest_slack_payload,
)
from alerts.channels.webhook import digest_webhook_payload
from alerts.digest import DigestItem, Period, digest_totals, group_by_category
from parsers.schema import Category, Incident
from tests.alerts.conftest import sample_incident
from tests.alerts.test_alert_render import fallback_is_inert, shown_texts

PERIOD = Period(
    start=dt.datetime(2024, 3, 1, 0, 0, tzinfo=dt.UTC),
    end=dt.datetime(2024, 3, 2, 0, 0, tzinfo=dt.UTC),
    label="日次ダイジェスト 2024-03-01 09:00 〜 2024-03-02 09:00 (Asia/Tokyo)",
)
SEEN = dt.datetime(2024, 3, 1, 3, 0, tzinfo=dt.UTC)
HOSTILE = "<!channel> <@U1> <https://evil.example|click> & *太字* _斜体_ `code`"


def category_lines(block: dict[str, Any]) -> tuple[str, list[tuple[str, str | None]]]:
    """A digest's category block: its bold heading and (text, link or None) per line."""
    assert block["type"] == "rich_text"
    heading, bullets = block["elements"]
    (run,) = heading["elements"]
    assert run["style"] == {"bold": True} and bullets["style"] == "bullet"
    lines = []
    for line in bullets["elements"]:
        (element,) = line["elements"]
        lines.append((element["text"], element.get("url")))
    return run["text"], lines


def item(
    incident_id: int,
    incident: Incident | None = None,
    *,
    links: tuple[str, ...] = ("https://example.co.jp/news/0301.html",),
    minutes: int = 0,
) -> DigestItem:
    return DigestItem(
        incident_id=incident_id,
        incident=incident if incident is not None else sample_incident(),
        links=links,
        first_seen=SEEN + dt.timedelta(minutes=minutes),
    )


def mixed() -> list[DigestItem]:
    return [
        item(1, minutes=30),  # unauthorized_access first: 12,345 people, 1,938 cards
        item(
            2,
            sample_incident(
                organization="株式会社ランサム被害",
                categories=[Category.RANSOMWARE, Category.UNAUTHORIZED_ACCESS],
                people_affected=100,
                cards_affected=None,
            ),
        ),
        item(
            3,
            sample_incident(
                organization="例示大学",
                categories=[Category.MISDELIVERY],
                people_affected=None,
                cards_affected=None,
            ),
        ),
        item(4, sample_incident(organization="早い会社"), minutes=-30),
        item(5, sample_incident(organization="分類なし", categories=[]), links=()),
    ]


def test_each_incident_is_listed_once_under_its_first_category() -> None:
    groups = group_by_category(mixed())
    assert [c for c, _ in groups] == [
        Category.UNAUTHORIZED_ACCESS,
        Category.RANSOMWARE,
        Category.MISDELIVERY,
        Category.OTHER,
    ]
    assert [i.incident_id for i in groups[0][1]] == [4, 1]  # by first sighting
    assert sum(len(members) for _, members in groups) == 5


def test_totals_sum_only_stated_counts() -> None:
    totals = digest_totals(mixed())
    assert (totals.incidents, totals.people, totals.cards) == (5, 12345 * 3 + 100, 1938 * 3)
    assert (totals.people_stated, totals.cards_stated) == (4, 3)


def test_slack_digest_groups_with_totals() -> None:
    payload = digest_slack_payload(mixed(), PERIOD)
    blocks = payload["blocks"]
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": f"owabi {PERIOD.label}", "emoji": False},
    }
    assert blocks[1]["text"]["text"] == "合計 5件 · 被害 計 37,135件 · カード 計 5,814件"
    groups = [category_lines(b) for b in blocks[2:]]
    assert [heading for heading, _ in groups] == [
        "不正アクセス (2件)",
        "ランサムウェア (1件)",
        "誤送信・誤公開 (1件)",
        "その他 (1件)",
    ]
    text, url = groups[0][1][0]
    assert text.startswith("早い会社:") and url == "https://example.co.jp/news/0301.html"
    assert "ランサムウェア・不正アクセス (被害 100件) · 公表 2024-03-01" in groups[1][1][0][0]
    assert groups[2][1][0][1] is not None
    # No category: listed under その他, headed by its title; no link, so a plain run.
    title = sample_incident().title
    assert groups[3][1] == [
        (f"分類なし: {title} (被害 12,345件 / カード 1,938件) · 公表 2024-03-01", None)
    ]
    assert "合計 5件" in payload["text"]
    fallback_is_inert(payload)


def test_slack_digest_shows_scraped_text_as_written() -> None:
    hostile = sample_incident(organization=HOSTILE, title=HOSTILE, categories=[])
    links = ("javascript:alert(1)", "https://a.example/x?a=1&b=<2>|3")
    payload = digest_slack_payload([item(1, hostile, links=links)], PERIOD)
    shown_texts(payload)  # no mrkdwn, no mention or broadcast element
    _, [(text, url)] = category_lines(payload["blocks"][2])
    # One link, ours, to the first safe URL; the page's `<`, `|`, `>` cannot reach it.
    assert url == "https://a.example/x?a=1&b=%3C2%3E%7C3"
    assert HOSTILE in text  # shown as written: no escaping needed, no styling applied
    fallback_is_inert(payload)


def test_line_breaks_in_scraped_text_cannot_forge_lines() -> None:
    incident = sample_incident(organization="会社\n• <!here>\u2028偽の行", categories=[])
    text = digest_console_text([item(1, incident)], PERIOD)
    assert len(text.split("\n")) == 4
    _, lines = category_lines(digest_slack_payload([item(1, incident)], PERIOD)["blocks"][2])
    assert len(lines) == 1 and "\n" not in lines[0][0] and "\u2028" not in lines[0][0]


def test_slack_digest_stays_within_limits_and_counts_what_it_left_out() -> None:
    long_name = "長い名前" * 500  # truncated per line, but still many lines per section
    items = [
        item(n, sample_incident(organization=f"会社{n}{long_name}", categories=[cat]))
        for n in range(600)
        for cat in [list(Category)[n % len(Category)]]
    ]
    payload = digest_slack_payload(items, PERIOD)
    blocks = payload["blocks"]
    assert len(blocks) == SLACK_MAX_BLOCKS
    assert len(blocks[0]["text"]["text"]) <= SLACK_HEADER_MAX
    groups = [category_lines(b) for b in blocks if b["type"] == "rich_text"]
    for heading, lines in groups:
        assert len(heading) + sum(len(t) + len(u or "") + 4 for t, u in lines) <= SLACK_TEXT_MAX
    listed = sum(len(lines) for _, lines in groups)
    note = blocks[-1]["elements"][0]["text"]
    assert blocks[-1]["type"] == "context"
    assert note.startswith(f"ほか {600 - listed}件は Slack の上限のため省略しました")
    assert 0 < listed < 600
    assert any("(続き)" in heading for heading, _ in groups)
    fallback_is_inert(payload)


def test_slack_digest_that_fits_has_no_note() -> None:
    payload = digest_slack_payload(mixed(), PERIOD)
    assert all(b["type"] != "context" for b in payload["blocks"])


def test_empty_period_is_one_line_everywhere() -> None:
    line = f"owabi {PERIOD.label}: 該当するインシデントはありませんでした"
    slack = digest_slack_payload([], PERIOD)
    assert slack == {
        "text": line,
        "mrkdwn": False,
        "blocks": [
            {"type": "section", "text": {"type": "plain_text", "text": line, "emoji": False}}
        ],
    }
    assert (
        digest_console_text([], PERIOD)
        == f"[owabi] {PERIOD.label}: 該当するインシデントはありませんでした"
    )
    msg = parse(
        digest_email_message([], PERIOD, sender="owabi@example.com", to=["ops@example.com"])
    )
    assert msg["Subject"] == f"[owabi] {PERIOD.label}: 該当なし"
    text = msg.get_body(("plain",))
    assert text is not None and text.get_content() == line + "\n"
    hook = digest_webhook_payload([], PERIOD)
    assert hook["groups"] == [] and hook["totals"]["incidents"] == 0


def parse(msg: EmailMessage) -> EmailMessage:
    return cast(EmailMessage, email.message_from_bytes(msg.as_bytes(), policy=policy.default))


def test_email_digest_is_multipart_with_an_encoded_subject() -> None:
    built = digest_email_message(
        mixed(), PERIOD, sender="owabi@example.com", to=["ops@example.com"]
    )
    wire = built.as_bytes()
    assert b"=?utf-8?" in wire.lower()
    assert all(len(line) <= 998 for line in wire.splitlines())
    msg = parse(built)
    assert msg["Subject"] == f"[owabi] {PERIOD.label}: 5件"
    assert msg.get_content_type() == "multipart/alternative"
    assert re.fullmatch(r"<digest-[0-9a-f]{40}@owabi\.invalid>", msg["Message-ID"])
    text = msg.get_body(("plain",))
    html_part = msg.get_body(("html",))
    assert text is not None and html_part is not None
    body = text.get_content()
    assert "合計 5件 · 被害 計 37,135件 · カード 計 5,814件" in body
    assert "\n■ 不正アクセス (2件)\n- 早い会社:" in body
    assert "  https://example.co.jp/news/0301.html" in body
    assert "<h3>ランサムウェア (1件)</h3>" in html_part.get_content()


def test_email_digest_message_id_is_stable_per_period_and_incidents() -> None:
    def mid(items: list[DigestItem], period: Period = PERIOD) -> str:
        return digest_email_message(items, period, sender="a@example.com", to=["b@example.com"])[
            "Message-ID"
        ]

    assert mid(mixed()) == mid(list(reversed(mixed())))
    assert mid(mixed()) != mid(mixed()[:2])
    later = Period(PERIOD.end, PERIOD.end + dt.timedelta(days=1), PERIOD.label)
    assert mid(mixed()) != mid(mixed(), later)


def test_email_digest_escapes_html_and_refuses_header_injection() -> None:
    hostile = sample_incident(organization='<script>alert("x")</script>', categories=[])
    msg = parse(
        digest_email_message(
            [item(1, hostile)], PERIOD, sender="a@example.com", to=["b@example.com"]
        )
    )
    html_part = msg.get_body(("html",))
    assert html_part is not None
    assert "<script>" not in html_part.get_content()
    assert "&lt;script&gt;" in html_part.get_content()
    with pytest.raises(ValueError, match="control characters"):
        digest_email_message(
            [], PERIOD, sender="a@example.com", to=["b@example.com\r\nBcc: x@evil"]
        )
    bad_label = Period(PERIOD.start, PERIOD.end, "日次\r\nBcc: x@evil")
    built = digest_email_message([], bad_label, sender="a@example.com", to=["b@example.com"])
    assert "\n" not in str(built["Subject"]) and built["Bcc"] is None


def test_console_digest_has_no_control_characters() -> None:
    incident = sample_incident(organization="\x1b]0;pwned\x07会社", categories=[])
    text = digest_console_text([*mixed(), item(9, incident)], PERIOD)
    lines = text.split("\n")
    assert lines[0] == f"[owabi] {PERIOD.label} — 合計 6件 · 被害 計 49,480件 · カード 計 7,752件"
    assert lines[1] == "  不正アクセス (2件)"
    assert lines[2].startswith("    早い会社: 不正アクセス・Webスキミング")
    assert lines[3] == "      https://example.co.jp/news/0301.html"
    assert not any(ord(ch) < 32 and ch != "\n" for ch in text)


def test_webhook_digest_shape() -> None:
    payload = digest_webhook_payload(mixed(), PERIOD)
    json.dumps(payload)
    assert payload["kind"] == "digest"
    assert payload["period"] == {
        "start": "2024-03-01T00:00:00+00:00",
        "end": "2024-03-02T00:00:00+00:00",
        "label": PERIOD.label,
    }
    assert payload["totals"] == {"incidents": 5, "people_affected": 37135, "cards_affected": 5814}
    first = payload["groups"][0]
    assert (first["category"], first["name"], first["count"]) == (
        "unauthorized_access",
        "不正アクセス",
        2,
    )
    entry = first["incidents"][0]
    assert entry["incident_id"] == 4
    assert entry["incident"]["organization"] == "早い会社"
    assert entry["first_seen"] == "2024-03-01T02:30:00+00:00"
    assert entry["links"] == ["https://example.co.jp/news/0301.html"]


def test_digest_with_a_minimal_incident(make_incident: Any) -> None:
    minimal = item(1, Incident(), links=())
    assert "組織名不明: インシデント" in digest_console_text([minimal], PERIOD)
    assert digest_slack_payload([minimal], PERIOD)["blocks"][1]["text"]["text"] == "合計 1件"

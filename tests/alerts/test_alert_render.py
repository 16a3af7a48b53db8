"""Rendering: escaping of scraped text, platform limits, RFC 2047, header injection."""

from __future__ import annotations

import email
import json
import re
from email import policy
from email.message import EmailMessage
from typing import Any, cast

import pytest

from alerts.channels.console import console_text
from alerts.channels.email import email_message, email_subject
from alerts.channels.slack import slack_payload
from alerts.channels.webhook import webhook_payload
from alerts.render import CATEGORY_JA, clean_line, safe_url
from parsers.schema import Category, DataItem, Incident

HOSTILE = "重要 <!channel> <!here> <@U123> <https://evil.example|click> & <#C1> お詫び"

SUMMARY = "株式会社サンプル商事: 不正アクセス・Webスキミング (被害 12,345件 / カード 1,938件)"

# Characters that str.splitlines() or a mail parser could treat as a line break.
BREAKERS = ["\r\n", "\r", "\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


# What Slack may interpret in a Block Kit payload: mrkdwn text objects and rich-text
# elements other than plain runs and our links (mentions, broadcasts, channels, emoji).
_LITERAL_RICH = {"rich_text_section", "rich_text_list", "text", "link"}


def slack_nodes(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Every object with a `type` inside the payload's blocks."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "type" in node:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(payload["blocks"])
    return found


def shown_texts(payload: dict[str, Any]) -> list[str]:
    """Every string Slack shows from the blocks, all of them as written."""
    nodes = slack_nodes(payload)
    assert not [n for n in nodes if n["type"] == "mrkdwn"], "no block text is parsed as mrkdwn"
    inside_rich = [
        e for n in nodes if n["type"] == "rich_text" for e in slack_nodes({"blocks": n["elements"]})
    ]
    assert {e["type"] for e in inside_rich} <= _LITERAL_RICH, inside_rich
    return [n["text"] for n in nodes if n["type"] in ("plain_text", "text", "link")]


def fallback_is_inert(payload: dict[str, Any]) -> None:
    """The notification text: no formatting, no control sequence, no broken entity."""
    text = payload["text"]
    assert payload["mrkdwn"] is False
    assert "<" not in text and ">" not in text, text
    assert not re.search(r"&(?!amp;|lt;|gt;)", text), text


def test_slack_shows_mentions_forged_links_and_styling_as_written(
    make_alert: Any, make_incident: Any
) -> None:
    styled = "*太字* _斜体_ ~取消~ `コード` ```ブロック``` > 引用 :smile:"
    incident = make_incident(
        organization="<!channel>株式会社&Co",
        title=f"{HOSTILE} {styled}",
        services=["<@U999>"],
        cause="<https://evil.example|原因>",
    )
    payload = slack_payload(make_alert(incident, rule="<!here>", sources=("<@U1>",)))
    texts = shown_texts(payload)
    fallback_is_inert(payload)
    assert any(f"{HOSTILE} {styled}" == t for t in texts)  # the title, verbatim
    assert any("<https://evil.example|原因>" in t for t in texts)
    assert any("<@U999>" in t for t in texts)
    assert any("<!here>" in t and "<@U1>" in t for t in texts)  # context, plain text
    plain = [n for n in slack_nodes(payload) if n["type"] == "plain_text"]
    assert all(n["emoji"] is False for n in plain)  # `:smile:` is not turned into an emoji
    header = payload["blocks"][0]
    assert header["text"]["type"] == "plain_text"
    assert header["text"]["text"].startswith("<!channel>株式会社&Co: ")  # plain_text: literal
    assert "&lt;!channel&gt;" in payload["text"]


def test_slack_payload_shape(make_alert: Any) -> None:
    payload = slack_payload(make_alert())
    types = [b["type"] for b in payload["blocks"]]
    assert types[:3] == ["header", "rich_text", "section"]
    assert "actions" in types
    assert (
        payload["blocks"][0]["text"]["text"] == "株式会社サンプル商事: 不正アクセス・Webスキミング"
    )
    title = payload["blocks"][1]["elements"][0]["elements"]
    assert title[0]["style"] == {"bold": True} and "style" not in title[1]
    fields = dict(f["text"].split("\n", 1) for f in payload["blocks"][2]["fields"])
    assert fields["被害件数"] == "12,345件"
    assert fields["カード"] == "1,938件"
    assert fields["漏えい項目"] == "氏名、住所、カード番号"
    assert fields["期間"] == "2023-01-10 〜 2023-06-30"
    assert fields["発覚"] == "2023-07-05"
    assert fields["報告先"] == "個人情報保護委員会、警察"
    assert "株式会社サンプル商事" in payload["text"]
    json.dumps(payload)  # serializable as-is


def test_category_names_are_japanese() -> None:
    assert set(CATEGORY_JA) == set(Category)
    assert CATEGORY_JA[Category.MISDELIVERY] == "誤送信・誤公開"
    assert CATEGORY_JA[Category.LOSS_THEFT] == "紛失・盗難"


def test_slack_limits_hold_for_huge_input(make_alert: Any, make_incident: Any) -> None:
    huge = "あ&<" * 5000
    incident = make_incident(
        organization="株式会社" + "長" * 500,
        title=huge,
        cause=huge,
        services=[f"サービス{i}&" * 20 for i in range(200)],
        data_items=[list(DataItem)[i % len(DataItem)] for i in range(200)],
        categories=list(Category) * 20,
    )
    links = tuple(f"https://example.com/{i}" for i in range(40))
    payload = slack_payload(make_alert(incident, links=links, rule="規" * 5000))
    blocks = payload["blocks"]
    assert len(blocks) <= 50
    assert len(blocks[0]["text"]["text"]) <= 150
    assert blocks[0]["text"]["text"].endswith("…")
    assert len(payload["text"]) <= 3000
    fallback_is_inert(payload)  # truncation never cuts an entity in half
    for block in blocks:
        if block["type"] == "section":
            for field in block.get("fields", []):
                assert len(field["text"]) <= 2000
            assert len(block.get("fields", [])) <= 10
        if block["type"] == "rich_text":
            assert sum(len(t) for t in shown_texts({"blocks": [block]})) <= 3000 + 10
        if block["type"] == "actions":
            assert len(block["elements"]) == 5
            for button in block["elements"]:
                assert len(button["text"]["text"]) <= 75
        if block["type"] == "context":
            assert len(block["elements"][0]["text"]) <= 3000
    items = next(f["text"] for f in blocks[2]["fields"] if f["text"].startswith("漏えい項目"))
    assert items.count("氏名") == 1  # 200 items, deduplicated


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.co.jp/news/1.html", "https://example.co.jp/news/1.html"),
        ("http://example.com/a?b=1&c=2", "http://example.com/a?b=1&c=2"),
        ("https://example.jp/お知らせ.pdf", "https://example.jp/%E3%81%8A%E7%9F%A5%E3%82%89%E3%81%9B.pdf"),
        ("https://example.com/a|b>c", "https://example.com/a%7Cb%3Ec"),
        ("javascript:alert(1)", None),
        ("data:text/html,hi", None),
        ("ftp://example.com/x", None),
        ("https://bank.example@evil.example/", None),
        ("https://example.com/a b", None),
        ("https://example.com/\nx", None),
        ("https:///nohost", None),
        ("https://example.com:99999/", None),
        ("/relative/path", None),
    ],
)  # fmt: skip
def test_safe_url(url: str, expected: str | None) -> None:
    assert safe_url(url) == expected


def test_only_valid_links_become_buttons(make_alert: Any) -> None:
    links = ("javascript:alert(1)", "https://ok.example/1", "https://ok.example/1", "mailto:x@y")
    payload = slack_payload(make_alert(links=links))
    actions = [b for b in payload["blocks"] if b["type"] == "actions"]
    assert [e["url"] for e in actions[0]["elements"]] == ["https://ok.example/1"]
    no_links = slack_payload(make_alert(links=("javascript:alert(1)",)))
    assert all(b["type"] != "actions" for b in no_links["blocks"])


def test_the_organizations_own_notice_is_marked_in_every_channel(make_alert: Any) -> None:
    own, report = "https://www.sample.co.jp/info/1.html", "https://news.example.jp/a/2.html"
    alert = make_alert(links=(own, report), primary=(own,))
    [actions] = [b for b in slack_payload(alert)["blocks"] if b["type"] == "actions"]
    labels = [e["text"]["text"] for e in actions["elements"]]
    assert labels == ["公式発表 (www.sample.co.jp)", "お知らせ 2 (news.example.jp)"]
    assert f"{own}（公式発表）" in console_text(alert)
    assert f"{report}（公式発表）" not in console_text(alert)
    text = parse(email_message(alert, sender="o@example.com", to=["a@example.com"]))
    assert f"{own}（公式発表）" in text.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert webhook_payload(alert)["primary_links"] == [own]


def parse(msg: EmailMessage) -> EmailMessage:
    raw = msg.as_bytes()
    raw.decode("ascii")  # 7-bit clean: RFC 2047 headers, base64 bodies
    return cast(EmailMessage, email.message_from_bytes(raw, policy=policy.default))


def test_email_subject_round_trips_through_rfc2047(make_alert: Any) -> None:
    msg = email_message(make_alert(), sender="owabi@example.com", to=["ops@example.com"])
    raw = msg.as_bytes()
    subject_line = next(line for line in raw.split(b"\n") if line.startswith(b"Subject:"))
    assert b"=?utf-8?" in subject_line.lower()
    parsed = parse(msg)
    assert parsed["Subject"] == f"[owabi] {SUMMARY}"
    assert parsed["To"] == "ops@example.com"
    assert parsed["Message-ID"].startswith("<") and parsed["Message-ID"].endswith("@owabi.invalid>")


def test_email_subject_matches_the_documented_shape(make_alert: Any, make_incident: Any) -> None:
    incident = make_incident(
        organization="株式会社X", categories=[Category.UNAUTHORIZED_ACCESS], people_affected=None
    )
    assert email_subject(make_alert(incident)) == "[owabi] 株式会社X: 不正アクセス (カード 1,938件)"
    assert email_subject(make_alert(incident, event="update")).startswith("[owabi 更新] ")


def test_email_has_text_and_escaped_html_parts(make_alert: Any, make_incident: Any) -> None:
    incident = make_incident(title='<script>alert("x")</script> & お詫び')
    links = ('https://example.com/a"onmouseover="x', "https://example.com/ok")
    parsed = parse(email_message(make_alert(incident, links=links), sender="a@b.c", to=["d@e.f"]))
    assert parsed.get_content_type() == "multipart/alternative"
    text = parsed.get_body(("plain",))
    html_part = parsed.get_body(("html",))
    assert text is not None and html_part is not None
    assert text.get_content_charset() == "utf-8"
    plain = text.get_content()
    assert '<script>alert("x")</script> & お詫び' in plain
    assert "被害件数: 12,345件" in plain
    assert "https://example.com/ok" in plain
    body = html_part.get_content()
    assert "<script>" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; お詫び" in body
    assert 'href="https://example.com/a%22onmouseover=%22x"' in body
    assert "Webスキミング" in body


@pytest.mark.parametrize("breaker", BREAKERS)
def test_no_scraped_line_break_reaches_a_header(
    breaker: str, make_alert: Any, make_incident: Any
) -> None:
    incident = make_incident(
        organization=f"株式会社X{breaker}Bcc: victim@example.com",
        title=f"t{breaker}X-Injected: 1",
        categories=[],
    )
    msg = email_message(make_alert(incident), sender="a@example.com", to=["b@example.com"])
    subject = msg["Subject"]
    assert not any(b in subject for b in BREAKERS)
    parsed = parse(msg)
    assert parsed["Bcc"] is None
    assert parsed["X-Injected"] is None
    assert "Bcc: victim@example.com" in parsed["Subject"]
    assert set(parsed.keys()) == {
        "Subject", "From", "To", "Message-ID", "Content-Type", "MIME-Version",
    }  # fmt: skip


def test_clean_line_flattens_every_line_breaker() -> None:
    text = "a" + "b".join(BREAKERS) + "\x1b[31m\u202eZ\t\x00end"
    cleaned = clean_line(text)
    assert cleaned.splitlines() == [cleaned]
    assert "\x1b" not in cleaned and "\u202e" not in cleaned and "\x00" not in cleaned
    assert cleaned == "a b b b b b b b b b b [31mZ end"


def test_email_refuses_injected_addresses(make_alert: Any) -> None:
    with pytest.raises(ValueError, match="control characters"):
        email_message(make_alert(), sender="a@b.c", to=["x@y.z\r\nBcc: v@w.x"])
    with pytest.raises(ValueError, match="recipient"):
        email_message(make_alert(), sender="a@b.c", to=[])


def test_console_text_is_short_and_has_no_control_characters(
    make_alert: Any, make_incident: Any
) -> None:
    incident = make_incident(title="\x1b]0;pwned\x07タイトル\r\n二行目")
    text = console_text(make_alert(incident))
    lines = text.split("\n")
    assert lines[0] == f"[owabi] 新規 {SUMMARY}"
    assert lines[1] == "  ]0;pwned タイトル 二行目"
    assert "https://example.co.jp/news/2024/0301.html" in text
    assert 3 <= len(lines) <= 10
    assert not any(ch for ch in text if ord(ch) < 32 and ch != "\n")


def test_webhook_payload_is_the_spec_shape(make_alert: Any) -> None:
    payload = webhook_payload(make_alert(links=("https://ok.example/", "javascript:x")))
    assert payload["incident"]["categories"] == ["unauthorized_access", "web_skimming"]
    assert payload["incident"]["published"] == "2024-03-01"
    assert payload["kind"] == "alert"
    assert payload["rule"] == "cards" and payload["event"] == "new"
    assert payload["links"] == ["https://ok.example/"]
    json.dumps(payload)


def test_minimal_incident_renders_everywhere(make_alert: Any) -> None:
    alert = make_alert(Incident(), links=(), sources=())
    assert slack_payload(alert)["blocks"][0]["text"]["text"] == "組織名不明: インシデント"
    assert email_subject(alert) == "[owabi] 組織名不明: インシデント"
    assert console_text(alert).startswith("[owabi] 新規 組織名不明")

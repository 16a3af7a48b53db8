"""One notice, many routes, one incident: copies of a notice (its HTML page, its PDF, a
blog's repost) are found by their words, even when a parse misses or misspells the
organization, and two incidents that turn out to be one are merged with their alerts.
Different notices of one organization, and template notices of different shops, stay
apart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.rules import RulesConfig
from collector.incidents import Recorded, record_notice
from collector.incidents.likeness import likeness, signature
from collector.store.engine import make_engine, session_factory
from collector.store.migrate import upgrade
from collector.store.models import Delivery, IncidentRecord, NoticeBand, NoticeRecord
from parsers.schema import Category, Incident

NOW = dt.datetime(2024, 5, 10, 12, 0, tzinfo=dt.UTC)
RULES = RulesConfig.model_validate(
    {"rules": [{"name": "cards", "channels": ["console"], "events": ["new", "update"]}]}
)

# Written for this test in the style of the card-leak notices many shops publish from one
# template: the shop's name, counts and dates differ, the sentences around them do not.
TEMPLATE = """{shop}オンラインストアへの不正アクセスによる個人情報漏えいに関するお詫びとお知らせ
このたび、弊社が運営する「{shop}オンラインストア」におきまして、第三者による不正アクセスを受け、
お客様のクレジットカード情報（{cards}件）及び個人情報（{people}件）が漏えいした可能性があることが判明いたしました。
お客様をはじめ、関係者の皆様に多大なるご迷惑およびご心配をおかけする事態となりましたこと、深くお詫び申し上げます。
1.経緯
{month}月{day}日、一部のクレジットカード会社から、弊社サイトを利用したお客様のクレジットカード情報の漏えい懸念について連絡を受け、
同日、弊社が運営する「{shop}オンラインストア」でのカード決済を停止いたしました。
同時に、第三者調査機関による調査も開始いたしました。調査の結果、{cause}
2.個人情報漏えい状況
(1)原因
弊社が運営する「{shop}オンラインストア」のシステムの一部の脆弱性をついたことによる第三者の不正アクセスにより、ペイメントアプリケーションの改ざんが行われたため。
"""


def notice_text(shop: str, cards: int, people: int, month: int, day: int, cause: str) -> str:
    return TEMPLATE.format(shop=shop, cards=cards, people=people, month=month, day=day, cause=cause)


ROSE = notice_text(
    "ローズ",
    1938,
    14754,
    3,
    2,
    "特定の期間に入力されたカード情報が抜き取られていたことを確認いたしました。",
)
LILY = notice_text(
    "リリー", 412, 3021, 1, 17, "攻撃者が決済画面を偽の画面に差し替えていたことを確認しました。"
)


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


def facts(organization: str | None, **kw: object) -> Incident:
    base: dict[str, object] = {
        "is_incident": True,
        "organization": organization,
        "published": dt.date(2024, 5, 10),
        "categories": [Category.UNAUTHORIZED_ACCESS],
        "cards_affected": 1938,
        "card_data_leaked": True,
    }
    return Incident.model_validate(base | kw)


def record(
    sessions: sessionmaker[Session],
    url: str,
    f: Incident,
    text: str | None,
    source: str = "s",
    entry_title: str | None = None,
) -> Recorded:
    with sessions.begin() as s:
        return record_notice(
            s,
            rules=RULES,
            source_id=source,
            url=url,
            content_hash=url,
            media_type="text/html",
            entry_title=entry_title,
            facts=f,
            now=NOW,
            text=text,
        )


def incidents(sessions: sessionmaker[Session]) -> list[tuple[int, list[str]]]:
    with sessions() as s:
        return [
            (r.id, sorted(n.url for n in r.notices))
            for r in s.scalars(select(IncidentRecord).order_by(IncidentRecord.id))
        ]


def test_template_notices_of_two_shops_are_alike_but_not_copies() -> None:
    rose, lily = signature(ROSE), signature(LILY)
    assert rose is not None and lily is not None
    wrapped = signature("ホーム > お知らせ\n" + ROSE.replace("。", "。\n") + "\nページの先頭へ")
    assert wrapped is not None and likeness(rose, wrapped) == 1.0
    assert 0.3 < likeness(rose, lily) < 0.8  # one template: alike, yet not a copy


def test_a_copy_whose_parse_missed_the_organization_joins_its_incident(
    sessions: sessionmaker[Session],
) -> None:
    html = record(sessions, "https://rose.example/news/1.html", facts("株式会社ローズ"), ROSE)
    pdf = record(sessions, "https://rose.example/news/1.pdf", facts(None), ROSE.replace("、", "，"))
    assert html.event == "new" and pdf.event is None  # nothing new: no second alert
    assert pdf.incident_id == html.incident_id
    assert incidents(sessions) == [
        (html.incident_id, ["https://rose.example/news/1.html", "https://rose.example/news/1.pdf"])
    ]


def test_a_verbatim_repost_with_a_misread_organization_joins_its_incident(
    sessions: sessionmaker[Session],
) -> None:
    own = record(sessions, "https://rose.example/n.html", facts("株式会社ローズ"), ROSE)
    blog = record(
        sessions,
        "https://blog.example/2024/05/rose.html",
        facts("ローズオンラインストア運営事務局"),
        "【セキュリティ事件簿】\n" + ROSE,
    )
    assert blog.incident_id == own.incident_id
    with sessions() as s:
        record_ = s.get(IncidentRecord, own.incident_id)
        assert record_ is not None and record_.organization == "株式会社ローズ"  # kept


def test_template_notices_of_different_shops_stay_two_incidents(
    sessions: sessionmaker[Session],
) -> None:
    rose = record(sessions, "https://rose.example/n.html", facts("株式会社ローズ"), ROSE)
    lily = record(sessions, "https://lily.example/n.html", facts("株式会社リリー"), LILY)
    assert rose.incident_id != lily.incident_id and lily.event == "new"


def test_a_notice_reached_by_its_words_and_by_its_facts_merges_two_incidents(
    sessions: sessionmaker[Session],
) -> None:
    """A news article names the shop (incident 1); the shop's PDF, its organization
    unread, is incident 2; the shop's HTML page is a copy of the PDF and names the shop:
    the two incidents were one, and its alert rows follow it."""
    news = record(
        sessions,
        "https://news.example/a.html",
        facts("株式会社ローズ"),
        "ローズ、不正アクセスでカード情報1938件漏えいの可能性 EC事業者のローズは10日…" * 3,
    )
    pdf = record(sessions, "https://rose.example/n.pdf", facts(None), ROSE)
    assert news.incident_id != pdf.incident_id  # nothing links them yet
    html = record(sessions, "https://rose.example/n.html", facts("株式会社ローズ"), ROSE)
    [(kept, urls)] = incidents(sessions)
    assert kept == min(news.incident_id, pdf.incident_id) == html.incident_id  # type: ignore[type-var]
    assert len(urls) == 3
    with sessions() as s:
        rows = s.scalars(select(Delivery)).all()
        assert {r.incident_id for r in rows} == {kept}


def test_a_copy_parsed_as_no_incident_is_attached_and_changes_nothing(
    sessions: sessionmaker[Session],
) -> None:
    own = record(sessions, "https://rose.example/n.html", facts("株式会社ローズ"), ROSE)
    odd = record(
        sessions, "https://rose.example/n.pdf", Incident(is_incident=False, organization=None), ROSE
    )
    assert odd.incident_id == own.incident_id and odd.event is None
    with sessions() as s:
        notice = s.scalars(select(NoticeRecord).where(NoticeRecord.url.endswith(".pdf"))).one()
        assert notice.incident_id == own.incident_id
        kept = s.get(IncidentRecord, own.incident_id)
        assert kept is not None and kept.data["is_incident"] is True


def test_a_copy_is_found_behind_many_ordinary_notices_sharing_its_title(
    sessions: sessionmaker[Session],
) -> None:
    """A site's recurring title is shared by many ordinary pages; only notices of
    incidents are candidates for a copy, however many ordinary ones came first. The copy
    here is found by its title alone (a scan: no text to compare)."""
    title = "お客様各位　重要なお知らせとお願い（ローズオンラインストア）"
    for i in range(80):
        url = f"https://rose.example/info/{i}.html"
        record(sessions, url, Incident(is_incident=False), f"休業日 第{i}号", entry_title=title)
    own = record(sessions, "https://rose.example/n.html", facts("株式会社ローズ"), ROSE, "s", title)
    scan = record(
        sessions, "https://rose.example/n.pdf", facts(None), "（画像のみのPDF）", "s", title
    )
    assert scan.incident_id == own.incident_id and scan.event is None


def test_only_notices_of_incidents_keep_band_keys(sessions: sessionmaker[Session]) -> None:
    """Copies are looked for among notices of incidents; an ordinary page's band keys
    would never be read, so none are stored for it."""
    own = record(sessions, "https://rose.example/n.html", facts("株式会社ローズ"), ROSE)
    news = "新商品「ローズ・ブーケ」を5月20日より全店で発売いたします。価格は税込3,300円です。" * 3
    plain = record(sessions, "https://rose.example/info.html", Incident(is_incident=False), news)
    odd = record(
        sessions, "https://rose.example/n.pdf", Incident(is_incident=False, organization=None), ROSE
    )
    assert plain.incident_id is None and odd.incident_id == own.incident_id
    with sessions() as s:
        keyed = set(s.scalars(select(NoticeBand.notice_id).distinct()))
    assert keyed == {own.notice_id, odd.notice_id}


def test_notices_of_incidents_keep_their_text_and_ordinary_pages_do_not(
    sessions: sessionmaker[Session],
) -> None:
    # The incident page marks each fact's evidence in the notice text; an ordinary page's
    # text would only fill the store.
    record(sessions, "https://rose.example/news/1.html", facts("株式会社ローズ"), ROSE)
    copy = ROSE.replace("、", "，")
    record(sessions, "https://rose.example/news/1.pdf", facts(None, is_incident=False), copy)
    bland = "新商品のお知らせ。" * 20
    record(sessions, "https://rose.example/news/2.html", facts(None, is_incident=False), bland)
    with sessions() as s:
        texts = {n.url: n.text for n in s.scalars(select(NoticeRecord))}
    assert texts == {
        "https://rose.example/news/1.html": ROSE,
        "https://rose.example/news/1.pdf": copy,  # a copy, attached to the incident
        "https://rose.example/news/2.html": None,
    }

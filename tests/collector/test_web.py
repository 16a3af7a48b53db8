"""The analysts' window: every page, filter, feed and API route over a real store, the
errors they give, hostile stored text, and who may read them."""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import pytest

from collector.config.files import Config, load_config
from collector.config.settings import load_settings
from collector.errors import ConfigError
from collector.store.engine import make_engine, session_factory
from collector.store.migrate import upgrade
from collector.store.models import Delivery, IncidentRecord, NoticeRecord
from collector.web.access import Access
from collector.web.app import Site, build_app
from collector.web.users import hash_password, read_users
from parsers.schema import Incident
from tests.support.asgi import AsgiClient

NOW = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)
SOURCES = """
[[source]]
id = "corp"
kind = "page"
url = "https://corp.example.jp/news/"
tags = ["vendor"]

[[source]]
id = "press"
kind = "feed"
url = "https://press.example.jp/rss"
"""
RULES = """
[[rule]]
name = "vendors"
organizations = ["ワコム", "東海大学"]
channels = ["console"]

[[rule]]
name = "all"
channels = ["console"]

[channels.console]
kind = "console"
"""
HOSTILE = '<script>alert(1)</script>"onmouseover="x'


def _incident(**facts: Any) -> Incident:
    return Incident(is_incident=True, **facts)


def _store(db: Path) -> Any:
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    sessions = session_factory(engine)
    rows = [
        (
            "corp",
            "https://corp.example.jp/news/1.html",
            _incident(
                organization="株式会社ワコム",
                title="不正アクセスによる個人情報漏えいのお詫び",
                published=dt.date(2026, 3, 2),
                categories=["unauthorized_access", "web_skimming"],
                people_affected=147545,
                cards_affected=1938,
                card_data_leaked=True,
                stage="report",
                evidence={"cards_affected": "対象件数は最大で1,938件"},
            ),
            "弊社ストアへの不正アクセスにより、対象件数は最大で1,938件となりました。",
        ),
        (
            "press",
            "https://press.example.jp/a/2",
            _incident(
                organization="東海大学",
                title="ランサムウェア被害について",
                published=dt.date(2026, 4, 10),
                categories=["ransomware"],
                people_affected=300,
                stage="update",
            ),
            None,
        ),
        (
            "press",
            "javascript:alert(1)",
            _incident(
                organization=HOSTILE,
                title=HOSTILE,
                published=dt.date(2026, 4, 20),
                categories=["misdelivery"],
                people_affected=12,
                evidence={"people_affected": "12名"},
            ),
            f"{HOSTILE} 12名 のメールアドレス",
        ),
    ]
    with sessions.begin() as s:
        for source, url, facts, text in rows:
            record = IncidentRecord(
                organization=facts.organization,
                title=facts.title,
                published=facts.published,
                people_affected=facts.people_affected,
                cards_affected=facts.cards_affected,
                card_data_leaked=facts.card_data_leaked,
                data=facts.to_json_dict(),
                history=[],
                created_at=NOW,
                updated_at=NOW,
            )
            s.add(record)
            s.flush()
            s.add(
                NoticeRecord(
                    source_id=source,
                    url=url,
                    content_hash="h",
                    is_incident=True,
                    organization=facts.organization,
                    published=facts.published,
                    data=facts.to_json_dict(),
                    fetched_at=NOW,
                    incident_id=record.id,
                    text=text,
                )
            )
        first = s.get(IncidentRecord, 1)
        assert first is not None
        older = {**first.data, "people_affected": 1000, "stage": "report"}
        first.history = [older]
        s.add(
            Delivery(
                key="1/all/console/new",
                incident_id=1,
                rule="all",
                channel="console",
                event="new",
                payload={},
                status="sent",
                created_at=NOW,
                sent_at=NOW,
            )
        )
    return engine, sessions


@pytest.fixture
def config(tmp_path: Path) -> Config:
    (tmp_path / "sources.toml").write_text(SOURCES, encoding="utf-8")
    (tmp_path / "rules.toml").write_text(RULES, encoding="utf-8")
    settings = load_settings(
        None,
        sources_file=str(tmp_path / "sources.toml"),
        rules_file=str(tmp_path / "rules.toml"),
        database_url=f"sqlite:///{tmp_path / 'owabi.db'}",
    )
    return load_config(settings)


def _client(tmp_path: Path, config: Config, access: Access) -> Iterator[AsgiClient]:
    engine, sessions = _store(tmp_path / "owabi.db")

    async def ready() -> tuple[bool, str]:
        return True, "ready"

    site = Site(sessions=sessions, config=lambda: config, ready=ready, metrics=None, access=access)
    client = AsgiClient(build_app(site))
    try:
        yield client
    finally:
        client.close()
        engine.dispose()


@pytest.fixture
def client(tmp_path: Path, config: Config) -> Iterator[AsgiClient]:
    yield from _client(tmp_path, config, Access(token=None, loopback=True))


def _ids(client: AsgiClient, query: str) -> list[int]:
    response = client.get(f"/api/v1/incidents?{query}")
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


# --- filters: one set of names on every route -----------------------------------------


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("", [3, 2, 1]),
        ("category=ransomware", [2]),
        ("category=ransomware&category=web_skimming", [2, 1]),
        ("org=ワコム", [1]),
        ("org=ﾜｺﾑ", [1]),  # half-width, as merging normalizes
        ("since=2026-04-01", [3, 2]),
        ("until=2026-04-01", [1]),
        ("since=2026-04-01&until=2026-04-15", [2]),
        ("min_people=300", [2, 1]),
        ("min_cards=1", [1]),
        ("card_data=true", [1]),
        ("card_data=false", [3, 2]),
        ("tag=vendor", [1]),
        ("watchlist=vendors", [2, 1]),
        ("stage=update", [2]),
    ],
)
def test_each_filter_narrows_the_api_list(client: AsgiClient, query: str, ids: list[int]) -> None:
    assert _ids(client, query) == ids


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("category=hacking", "category: 'hacking' is not one of"),
        ("since=2026-13-01", "since: '2026-13-01' is not a date"),
        ("since=2026-05-01&until=2026-01-01", "since 2026-05-01 is after until 2026-01-01"),
        ("watchlist=all", "watchlist: rule 'all' has no organization list"),
        ("watchlist=nope", "watchlist: no rule named 'nope'"),
        ("stage=draft", "stage: 'draft' is not one of report, update, final"),
        ("card_data=maybe", "card_data: 'maybe' is not true or false"),
        ("org=株式会社", "org: nothing left once normalized"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it_on_every_route(
    client: AsgiClient, query: str, message: str
) -> None:
    api = client.get(f"/api/v1/incidents?{query}")
    assert api.status_code == 400 and message in api.json()["error"]
    page = client.get(f"/?{query}")
    assert (
        page.status_code == 400
        and html.escape(message, quote=False).replace("'", "&#39;") in page.text
    )
    feed = client.get(f"/feed.atom?{query}")
    assert feed.status_code == 400 and message in feed.text


def test_api_pages_with_a_cursor_and_validates_limit(client: AsgiClient) -> None:
    first = client.get("/api/v1/incidents?limit=2").json()
    assert [i["id"] for i in first["items"]] == [3, 2] and first["next_cursor"] == 2
    second = client.get(f"/api/v1/incidents?limit=2&cursor={first['next_cursor']}").json()
    assert [i["id"] for i in second["items"]] == [1] and second["next_cursor"] is None
    bad = client.get("/api/v1/incidents?limit=0")
    assert bad.status_code == 400 and "limit" in bad.json()["error"]


def test_api_items_have_the_json_export_shape(client: AsgiClient) -> None:
    item = client.get("/api/v1/incidents/1").json()
    assert item["organization"] == "株式会社ワコム" and item["cards_affected"] == 1938
    assert item["notices"][0] == {
        "url": "https://corp.example.jp/news/1.html",
        "source": "corp",
        "fetched_at": item["notices"][0]["fetched_at"],
        "primary": False,
    }
    assert {"id", "created_at", "updated_at", "evidence", "securities_code"} <= item.keys()
    missing = client.get("/api/v1/incidents/99")
    assert missing.status_code == 404
    assert "/api/v1/incidents" in client.get("/api/v1/openapi.json").json()["paths"]


# --- pages ------------------------------------------------------------------------------


def test_list_page_shows_filters_chart_and_rows(client: AsgiClient) -> None:
    page = client.get("/?category=unauthorized_access")
    assert page.status_code == 200
    assert "株式会社ワコム" in page.text and "東海大学" not in page.text
    assert 'value="unauthorized_access" checked' in page.text
    assert "<svg" in page.text and "2026-03 不正アクセス: 1件" in page.text
    assert 'href="/feed.atom?category=unauthorized_access"' in page.text


def test_incident_page_marks_evidence_and_lists_notices_history_alerts(
    client: AsgiClient,
) -> None:
    page = client.get("/incidents/1")
    assert page.status_code == 200
    assert '<mark class="ev" title="カード件数">対象件数は最大で1,938件</mark>' in page.text
    assert 'href="https://corp.example.jp/news/1.html"' in page.text
    assert "第2版" in page.text and "1,000" in page.text and "147,545" in page.text
    assert "<td>all</td><td>console</td><td>new</td><td>sent</td>" in page.text
    assert client.get("/incidents/99").status_code == 404


def test_sources_page_shows_each_source(client: AsgiClient) -> None:
    page = client.get("/sources")
    assert page.status_code == 200
    assert "corp" in page.text and "press" in page.text and "new" in page.text


def test_hostile_text_is_escaped_and_never_a_link(client: AsgiClient) -> None:
    for path in ("/", "/incidents/3"):
        page = client.get(path)
        assert "<script>alert(1)</script>" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;onmouseover=&#34;x" in page.text
        assert 'href="javascript:' not in page.text
        csp = page.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src" not in csp


def test_feed_is_atom_with_a_stable_id_per_incident(client: AsgiClient) -> None:
    response = client.get("/feed.atom?min_people=300")
    assert response.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert [e.title for e in parsed.entries] == [
        "東海大学: ランサムウェア",
        "株式会社ワコム: 不正アクセス・決済画面改ざん",
    ]
    entry = parsed.entries[1]
    assert entry.link == "http://127.0.0.1:8080/incidents/1"
    assert "カード件数 1,938" in entry.summary
    again = feedparser.parse(client.get("/feed.atom").content)
    assert {e.id for e in parsed.entries} <= {e.id for e in again.entries}


# --- access -----------------------------------------------------------------------------


def test_beyond_loopback_without_a_token_only_the_probes_answer(
    tmp_path: Path, config: Config
) -> None:
    for client in _client(tmp_path, config, Access(token=None, loopback=False)):
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200
        refused = client.get("/api/v1/incidents")
        assert refused.status_code == 403 and "OWABI_WEB_TOKEN" in refused.text


def test_a_token_opens_the_pages_by_bearer_basic_or_query(tmp_path: Path, config: Config) -> None:
    access = Access(token="s3cret", loopback=False, metrics_open=False)
    for client in _client(tmp_path, config, access):
        refused = client.get("/")
        assert refused.status_code == 401 and "Basic" in refused.headers["www-authenticate"]
        assert client.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert client.get("/", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        basic = base64.b64encode(b"analyst:s3cret").decode()
        assert client.get("/", headers={"Authorization": f"Basic {basic}"}).status_code == 200
        assert client.get("/feed.atom?token=s3cret").status_code == 200
        assert client.get("/metrics").status_code == 401  # not open: behind the token
        assert client.get("/healthz").status_code == 200


def test_misp_feed_is_served_only_when_enabled(tmp_path: Path, config: Config) -> None:
    for client in _client(tmp_path, config, Access(token=None, loopback=True)):
        assert client.get("/misp/manifest.json").status_code == 404
    engine, sessions = _store(tmp_path / "misp.db")

    async def ready() -> tuple[bool, str]:
        return True, "ready"

    site = Site(
        sessions=sessions,
        config=lambda: config,
        ready=ready,
        metrics=None,
        access=Access(token=None, loopback=True),
        misp_feed=True,
    )
    client = AsgiClient(build_app(site))
    try:
        manifest = client.get("/misp/manifest.json").json()
        assert len(manifest) == 3
        first = next(iter(manifest))
        assert client.get(f"/misp/{first}.json").json()["Event"]["uuid"] == first
        assert client.get("/misp/nothing.json").status_code == 404
    finally:
        client.close()
        engine.dispose()


def test_a_user_of_the_users_file_signs_in_with_basic_auth(tmp_path: Path, config: Config) -> None:
    users_file = tmp_path / "users"
    users_file.write_text(f"# analysts\nhana:{hash_password('桜 pass')}\n", encoding="utf-8")
    access = Access(token=None, loopback=False, users=read_users(users_file))

    def basic(user: str, password: str) -> dict[str, str]:
        pair = base64.b64encode(f"{user}:{password}".encode()).decode()
        return {"Authorization": f"Basic {pair}"}

    for client in _client(tmp_path, config, access):
        assert client.get("/", headers=basic("hana", "桜 pass")).status_code == 200
        assert client.get("/", headers=basic("hana", "wrong")).status_code == 401
        assert client.get("/", headers=basic("nobody", "桜 pass")).status_code == 401
        assert client.get("/").status_code == 401


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("hana:plaintext\n", "line 1: not `name:scrypt$…`"),
        ("# nobody yet\n", "no users in the file"),
    ],
)
def test_a_bad_users_file_is_one_line_naming_it(tmp_path: Path, content: str, message: str) -> None:
    users_file = tmp_path / "users"
    users_file.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)) as info:
        read_users(users_file)
    assert str(users_file) in str(info.value)


def test_the_list_pages_forward_and_back(
    client: AsgiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("collector.web.app.PAGE_SIZE", 2)
    first = client.get("/?min_people=1").text
    assert "1–2 / 3" in first and 'rel="prev"' not in first
    assert 'href="/?min_people=1&amp;cursor=2"' in first
    second = client.get("/?min_people=1&cursor=2").text
    assert "3–3 / 3" in second and 'rel="next"' not in second
    assert 'rel="prev" href="/?min_people=1"' in second  # back to the first page
    monkeypatch.setattr("collector.web.app.PAGE_SIZE", 1)
    third = client.get("/?cursor=2").text  # the third of three one-row pages
    assert "3–3 / 3" in third and 'rel="prev" href="/?cursor=3"' in third

"""A page whose bytes change on every poll (a timestamp, a rotating banner) is stored again
only when what the notice says changes; the rest is counted as unchanged."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.notices import CARD_LEAK_ARTICLE
from tests.support.site import LocalSite, Page, local_site


@pytest.fixture
def site() -> Iterator[LocalSite]:
    with local_site() as s:
        s.pages["/robots.txt"] = Page(b"", "text/plain")
        yield s


def serve(site: LocalSite, poll: int, article: str = CARD_LEAK_ARTICLE) -> None:
    """The notice with this poll's stamp in the page chrome and in its body."""
    stamped = article.replace(
        "<footer>", f"<footer>最終更新 2024年5月10日 10時{poll:02d}分 閲覧数 {poll * 37} "
    ).replace("</article>", f"<p>このページの表示日時: 10:{poll:02d}:{poll:02d}</p></article>")
    site.pages["/notice.html"] = Page(stamped.encode(), "text/html")


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site: LocalSite, sqlite_url: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sources.toml").write_text(
        f'[[source]]\nid = "shop"\nurl = "{site.url("/notice.html")}"\nkind = "notice"\n',
        encoding="utf-8",
    )
    (tmp_path / "rules.toml").write_text('[channels.console]\nkind = "console"\n', "utf-8")
    for key, value in {
        "OWABI_DATABASE_URL": sqlite_url,
        "OWABI_SOURCES_FILE": str(tmp_path / "sources.toml"),
        "OWABI_RULES_FILE": str(tmp_path / "rules.toml"),
        "OWABI_POLITENESS_DELAY": "0",
    }.items():
        monkeypatch.setenv(key, value)


def notices() -> list[str]:
    code, out, err = run_cli("incidents", "export", "--format", "json")
    assert code == 0, err
    return [n["url"] for incident in json.loads(out) for n in incident["notices"]]


def test_a_stamped_page_is_one_notice_until_its_facts_change(env: None, site: LocalSite) -> None:
    serve(site, 1)
    code, out, _ = run_cli("fetch")
    assert code == 0 and "new notices: 1 (1 incident)" in out
    for poll in (2, 3, 4):
        serve(site, poll)
        code, out, _ = run_cli("fetch")
        assert code == 0 and "entries: 1 read (1 unchanged)" in out and "new notices: 0" in out
    assert site.hits("/notice.html") == 4
    assert len(notices()) == 1

    # The notice is updated: more cards. That is a new version, stored and an update.
    serve(site, 5, CARD_LEAK_ARTICLE.replace("2,345", "3,456"))
    code, out, _ = run_cli("fetch")
    assert "new notices: 1 (1 incident)" in out and "incidents: 0 new, 1 updated" in out
    # So is a new paragraph with no new fact: the text says more.
    serve(
        site,
        6,
        CARD_LEAK_ARTICLE.replace("2,345", "3,456").replace(
            "</article>", "<p>お問い合わせ窓口を設置いたしました。</p></article>"
        ),
    )
    code, out, _ = run_cli("fetch")
    assert "new notices: 1 (1 incident)" in out
    assert len(notices()) == 3

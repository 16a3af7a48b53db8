"""The same facts by every route: a notice read as a news article page (navigation, a
ranking of other incidents, related links), as a Shift_JIS corporate page and as a PDF
gives the same fields as its plain text (tests.support.routes renders each)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from parsers.document import parse_document
from parsers.notice import parse_text
from parsers.scoring import score_fields
from tests.support.routes import corporate_page, news_page, pdf

NOTICES = Path(__file__).resolve().parents[1] / "notices"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "notices"
# Every labelled notice but the held-out ones, which nothing is developed on.
TEXTS = sorted(CORPUS.glob("*.txt")) + sorted(
    p for p in NOTICES.rglob("*.txt") if "heldout" not in p.parts
)
AGREEMENT = 0.98  # mean field agreement with the plain text's parse, per route

ROUTES: dict[str, tuple[Callable[[str], bytes], str]] = {
    "news article page": (news_page, "text/html"),
    "Shift_JIS corporate page": (corporate_page, "text/html"),
    "PDF": (pdf, "application/pdf"),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_every_route_gives_the_facts_of_the_plain_text(route: str) -> None:
    render, media = ROUTES[route]
    agreement, disagreeing = [], []
    for path in TEXTS:
        text = path.read_text(encoding="utf-8")
        plain = parse_text(text).to_json_dict()
        routed = parse_document(render(text), media_type=media).to_json_dict()
        scores = score_fields(plain, routed)
        agreement.append(sum(scores.values()) / len(scores))
        disagreeing += [f"{path.stem}.{field}" for field, s in scores.items() if s < 1.0]
    mean = sum(agreement) / len(agreement)
    assert mean >= AGREEMENT, (mean, disagreeing)


def test_a_headline_without_a_full_stop_stays_apart_from_the_first_sentence() -> None:
    text = (
        "イタズラのために不正アクセスを行った海辺市の職員が懲戒処分を受ける\n"
        "海辺市は11月17日付で職員を戒告の懲戒処分としたと発表した。\n"
        "海辺市によると、職員は勤務時間中に他の職員のIDとパスワードを使い不正にログインした。\n"
    )
    page = parse_document(news_page(text), media_type="text/html")
    assert page.organization == parse_text(text).organization == "海辺市"


def test_a_news_site_name_is_not_taken_for_the_organization() -> None:
    own = (
        "このたび、本学の教員が使用するパソコンが不正アクセスを受けました。\n"
        "深くお詫び申し上げます。\n"
    )
    page = parse_document(news_page("不正アクセスについて\n" + own), media_type="text/html")
    assert page.organization is None  # the site is セキュリティニュース, not the university

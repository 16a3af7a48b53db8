"""`kind = "tdnet"`: the Tokyo Stock Exchange's timely-disclosure lists.

Listed companies disclose an incident on TDnet, often before their own site says it.
The source's `url` is the lists' directory (`https://www.release.tdnet.info/inbs/`); each
poll reads today's pages (`I_list_001_YYYYMMDD.html`, `…002…` as the pager names them)
and, in the first hours after midnight in Japan, yesterday's, so that a disclosure of the
late evening is not missed. Only disclosures whose title carries the incident vocabulary
become leads (their PDF is read); the hundreds of others a day are counted as skipped.

Each page is fetched conditionally with its own validators, kept in the source's layout,
one request at a time to the host. A lead carries the company's listed name (filling the
organization of a notice that only says 当社) and its securities code.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar, Literal
from urllib.parse import urljoin

from collector.errors import FetchError
from collector.fetch import Fetcher, FetchResult
from collector.sources.base import Layout, Lead, Poll, SourceConfig, SourceKind, fingerprint
from parsers.charset import decode
from parsers.tdnet import DailyPage, Disclosure, page_name, parse_daily_page

JST = dt.timezone(dt.timedelta(hours=9), "JST")
# Until this hour (JST) yesterday's pages are read too: disclosures keep arriving until
# late in the evening, and a poll just before midnight may have missed the last ones.
YESTERDAY_UNTIL_HOUR = 6

# Titles of incident disclosures. Narrower than the news keywords: TDnet lists hundreds
# of results, dividends and governance notices a day, and each lead costs a PDF.
TDNET_KEYWORDS: tuple[str, ...] = (
    "不正アクセス",
    "ランサムウェア",
    "ランサムウエア",
    "サイバー攻撃",
    "サイバーセキュリティ",
    "情報セキュリティ",
    "セキュリティインシデント",
    "個人情報",
    "情報漏えい",
    "情報漏洩",
    "漏えい",
    "漏洩",
    "流出",
    "不正利用",
    "不正ログイン",
    "マルウェア",
    "ウイルス感染",
    "システム障害",
    "システムの障害",
    "サーバー障害",
)

_VALIDATORS = re.compile(r"^(etag|modified):")


class TdnetSource(SourceConfig):
    kind: Literal["tdnet"] = "tdnet"


def _days(now: dt.datetime) -> list[dt.date]:
    local = now.astimezone(JST)
    today = local.date()
    if local.hour < YESTERDAY_UNTIL_HOUR:
        return [today, today - dt.timedelta(days=1)]
    return [today]


def _lead(d: Disclosure, day: dt.date) -> Lead:
    return Lead(
        url=d.url,
        title=d.title,
        published=day,
        fingerprint=fingerprint(d.url, d.title),
        organization=d.company or None,
        securities_code=d.securities_code,
        amends=d.is_correction,
    )


class TdnetKind(SourceKind):
    name = "tdnet"
    summary = "TDnet timely disclosures of listed companies; incident titles are read (PDF)"
    config = TdnetSource
    keyword_required = True
    default_keywords: ClassVar[tuple[str, ...] | None] = TDNET_KEYWORDS

    async def poll(
        self,
        fetcher: Fetcher,
        source: SourceConfig,
        *,
        etag: str | None,
        last_modified: str | None,
        layout: Layout | None = None,
        now: dt.datetime | None = None,
    ) -> Poll:
        fetcher.one_at_a_time(source.url)
        known = layout or {}
        learned: Layout = {}
        leads: list[Lead] = []
        withdrawn = 0
        changed = False
        for day in _days(now or dt.datetime.now(JST)):
            pages = int(known.get(f"pages:{day:%Y%m%d}") or 1)
            page = 1
            while page <= pages:
                name = page_name(day, page)
                result = await self._fetch(fetcher, source, name, known)
                if result is None:  # not published yet: a day before its first disclosure
                    break
                for key, value in (("etag", result.etag), ("modified", result.last_modified)):
                    if value:
                        learned[f"{key}:{name}"] = value
                if not result.not_modified:
                    changed = True
                    found = self._page(result, day)
                    pages = found.pages
                    leads += [_lead(d, day) for d in found.disclosures if not d.withdrawn]
                    withdrawn += sum(d.withdrawn for d in found.disclosures)
                page += 1
            learned[f"pages:{day:%Y%m%d}"] = str(pages)
        return Poll(leads, unchanged=not changed, layout=learned, skipped=withdrawn)

    @staticmethod
    async def _fetch(
        fetcher: Fetcher, source: SourceConfig, name: str, known: Layout
    ) -> FetchResult | None:
        try:
            return await fetcher.fetch(
                urljoin(source.url, name),
                source_id=source.id,
                etag=known.get(f"etag:{name}"),
                last_modified=known.get(f"modified:{name}"),
            )
        except FetchError as exc:
            if exc.status == 404:
                return None
            raise

    @staticmethod
    def _page(result: FetchResult, day: dt.date) -> DailyPage:
        text = decode(result.content, http_charset=result.charset).text
        return parse_daily_page(text, base_url=result.final_url, day=day)

    def without_validators(self, layout: Layout | None) -> Layout | None:
        return {k: v for k, v in (layout or {}).items() if not _VALIDATORS.match(k)}

    def leads(self, result: FetchResult, source: SourceConfig) -> list[Lead]:
        """One list page's leads (`owabi sources test`), dated by the page's name."""
        named = re.search(r"I_list_\d{3}_(\d{8})\.html", result.final_url)
        day = (
            dt.datetime.strptime(named.group(1), "%Y%m%d").date()
            if named
            else dt.datetime.now(JST).date()
        )
        return [_lead(d, day) for d in self._page(result, day).disclosures if not d.withdrawn]

    def recognise(self, result: FetchResult, **keys: Any) -> SourceConfig | None:
        """TDnet's own pages: the lists' directory or a list page of it."""
        if b"main-list-table" in result.content or b"I_list_001_" in result.content:
            return TdnetSource(**keys)
        return None

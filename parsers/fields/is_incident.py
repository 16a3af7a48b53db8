"""Whether the text reports a specific security or personal-data incident at all."""

from __future__ import annotations

import re

from parsers.fields.doc import CONDITION_AFTER, LEAK, Doc, Found, negated_after, shorten
from parsers.schema import Category

_DATA_WORDS = ("個人情報", "情報", "データ", "お客様", "メールアドレス", "氏名")
# A title announcing a product, service, event or report: security vendors' press releases
# are full of ランサムウェア and 不正アクセス without anything having happened to anyone.
_ANNOUNCEMENT = re.compile(
    r"発売|販売(?:を)?開始|提供(?:を)?開始|リリース|ローンチ|新製品|新サービス|新機能|ソリューション|"
    r"機能(?:を)?(?:追加|強化)|提携|協業|受賞|導入事例|セミナー|ウェビナー|開催案内|"
    r"(?:レポート|白書|動向|調査結果)(?:を)?(?:公開|発表|発行)|注意喚起|ご注意|対策(?:の)?強化|"
    r"(?:方針|規約|ポリシー)(?:の)?(?:改定|改訂|変更)|に注意[!！]?$|にご用心"
)
# Sentences on what would happen (`漏えい等が発生した場合の対応として…`), not what did.
_HYPOTHETICAL = re.compile(
    r"場合|際には|ないよう|ください|下さい|おそれがある(?:メール|サイト)|"
    # Ways of it in general (`…の情報流出について、代表的な手口をご紹介します`).
    r"手口|ご紹介|事例|"
    # What would follow (`脆弱性が悪用されると、…改ざんされる可能性`).
    r"(?<=[れすい]る)と、"
)
# An organization that suffered an incident apologizes in its own words; a press release
# does not (`顧客へのお詫びの作成のポイントを解説` names an apology, it makes none).
_APOLOGY = re.compile(
    r"(?:お詫び|おわび|お詫|謝罪)(?:を)?(?:申し上げ|申しあげ|いたし|致し|します)|"
    r"ご迷惑(?:を|と)|ご心配を|申し訳"
)
# A correction of an earlier release (`(訂正)「…」の一部訂正について`, `お詫びと訂正`)
# apologizes for a wrong figure, not for an incident, even when the release was about one.
_CORRECTION = re.compile(
    r"^[(（【]訂正[)）】]|一部訂正|訂正(?:について|のお知らせ|に関するお知らせ|のお詫び)|"
    r"お詫びと訂正|訂正とお詫び"
)

# A news article on statistics (`漏えい公表、上場企業で過去最多`, `…の集計結果を発表した`)
# reports incidents in general, in the words of specific ones, about no one in particular.
# (An investigation's 調査結果 is not one: a follow-up on a specific incident publishes it.)
# A lead reporting an event or a launch (`…でセミナーが開かれ、経営者ら20人が参加した`,
# `…を監視するサービスを開始`), or stating that the problem is not the organization's own.
_EVENT_LEAD = re.compile(
    r"(?:セミナー|講演会?|勉強会|研修会?|訓練|演習|フォーラム|シンポジウム)[^。]{0,30}?(?:開かれ|開催|実施)|"
    r"サービス(?:を|の)?(?:提供)?開始"
)
_NOT_ITS_OWN = re.compile(r"(?:同社|当社|弊社)の(?:セキュリティ)?インシデントではな")

_STATISTICS = re.compile(
    # A survey's 集計結果 sent by mistake is no statistic of incidents.
    r"(?:件数|事故|事案|漏えい|漏洩|流出|被害|開示|公表)[^。]{0,20}?集計|"
    r"集計[^。]{0,20}?(?:件数|事故|事案|漏えい|漏洩|流出|被害|開示|公表)|"
    r"統計|過去最多|過去最悪|前年比|前年同期比|累計"
)


def _statistics_article(doc: Doc, title: str | None) -> bool:
    """A third party's article whose headline or lead sentence is about figures in general,
    with no one apologizing (quoted words included)."""
    lead = " ".join(s.text for s in doc.sentences[:2])
    return bool(_STATISTICS.search(f"{title or ''} {lead}")) and not _APOLOGY.search(doc.text)


def _leak_statement(doc: Doc) -> str | None:
    """A sentence stating that data were (possibly) leaked or exposed."""
    for sentence in doc.sentences:
        plain = doc.unquoted[sentence.start : sentence.end]
        if not any(word in plain for word in _DATA_WORDS) or _HYPOTHETICAL.search(plain):
            continue
        for m in LEAK.finditer(plain):
            if not negated_after(plain, m.end()) and not CONDITION_AFTER.match(plain, m.end()):
                return shorten(sentence.text)
    return None


def extract_is_incident(
    doc: Doc, categories: Found[list[Category]], title: str | None = None, *, news: bool = False
) -> Found[bool]:
    """True when a category is stated or a leak is stated. A phishing mention alone is a
    warning, not an incident, unless something was leaked or harmed; a titled announcement
    of a product or event that apologizes for nothing is no incident either, nor is a news
    article (`news`) on statistics."""
    if title and _CORRECTION.search(title):
        return Found(False)
    if news and _statistics_article(doc, title):
        return Found(False)
    apology = _APOLOGY.search(doc.unquoted)
    if title and _ANNOUNCEMENT.search(title) and not apology:
        return Found(False)
    lead = doc.sentences[0].text if doc.sentences else ""
    if (_EVENT_LEAD.search(lead) and not apology) or _NOT_ITS_OWN.search(doc.text):
        return Found(False)
    leak = _leak_statement(doc)
    cats = set(categories.value)
    if cats and cats != {Category.PHISHING}:
        return Found(True, categories.evidence)
    if leak is not None:
        return Found(True, leak)
    return Found(False)

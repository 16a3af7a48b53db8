"""Organization names compared the way the spec scores them: NFKC, no spaces, no
legal-form words, casefolded. One home, so merging, watchlists and scoring agree."""

from __future__ import annotations

import re

from parsers.textnorm import nfkc

LEGAL_FORMS_JA = sorted(
    [
        "株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "相互会社",
        "一般社団法人", "公益社団法人", "社団法人", "一般財団法人", "公益財団法人", "財団法人",
        "特定非営利活動法人", "NPO法人", "国立大学法人", "公立大学法人", "学校法人",
        "医療法人社団", "医療法人財団", "医療法人", "社会福祉法人", "宗教法人",
        "独立行政法人", "地方独立行政法人", "国立研究開発法人", "大学共同利用機関法人",
        "(株)", "(有)", "(同)", "(資)", "(名)", "(社)", "(財)", "(学)", "(医)", "(福)",
        "(公社)", "(公財)", "(一社)", "(一財)", "(独)", "(特非)",
    ],
    key=len,
    reverse=True,
)  # fmt: skip
_LEGAL_JA = re.compile("|".join(re.escape(f) for f in LEGAL_FORMS_JA))
_LEGAL_LATIN = re.compile(
    r"[,.]?(co\.?,?ltd\.?|co\.?|inc\.?|corp\.?|corporation|ltd\.?|limited|llc|k\.?k\.?)$",
    re.IGNORECASE,
)


def org_key(name: str) -> str:
    """`株 式 会 社ワコム`, `㈱ワコム` and `ワコム` give the same key; `Example Co., Ltd.`
    equals `EXAMPLE`. Latin suffixes go only at the end, so `Incredible` keeps its `Inc`."""
    text = "".join(nfkc(name).split())
    text = _LEGAL_JA.sub("", text)
    previous = None
    while previous != text:
        previous, text = text, _LEGAL_LATIN.sub("", text)
    return text.casefold()


# Variant kanji that NFKC leaves as they are, folded to the common form: company and
# family names are written both ways (髙島屋 / 高島屋, 﨑 / 崎) by the same organization.
_ITAIJI = str.maketrans(
    {
        "髙": "高", "﨑": "崎", "嵜": "崎", "濵": "浜", "濱": "浜", "邊": "辺", "邉": "辺",
        "齋": "斎", "齊": "斉", "廣": "広", "國": "国", "澤": "沢", "櫻": "桜", "德": "徳",
        "眞": "真", "榮": "栄", "冨": "富", "嶋": "島", "嶌": "島", "桒": "桑", "曻": "昇",
        "瀨": "瀬", "惠": "恵", "淺": "浅", "條": "条", "實": "実", "與": "与", "驛": "駅",
        "會": "会", "藝": "芸", "圓": "円", "縣": "県", "學": "学", "舘": "館", "萬": "万",
    }
)  # fmt: skip
# What may follow a watched name inside the same organization's name: the kind of
# business or body written out (日本生命 → 日本生命保険相互会社, 横浜市 → 横浜市教育委員会).
# Anything else makes another organization (日本生命 is not 日本生命科学).
NAME_TAILS = frozenset(
    {
        "保険", "生命保険", "損害保険", "海上火災保険", "火災保険", "銀行", "信託銀行",
        "信用金庫", "信用組合", "証券", "信託", "ホールディングス", "ホールディング", "hd",
        "holdings", "グループ", "グループ本社", "group", "本社", "本店",
        "教育委員会", "役所", "市役所", "町役場", "村役場", "役場", "水道局", "交通局",
        "病院局", "消防局", "議会", "選挙管理委員会", "社",
    }
)  # fmt: skip


# A branch of the watched organization: 東京支店, 大阪営業所.
BRANCHES = ("支店", "支社", "営業所")


def name_key(name: str) -> str:
    """`org_key`, with variant kanji folded: what a watchlist compares."""
    return org_key(name).translate(_ITAIJI)


def names_match(watched: str, organization: str) -> bool:
    """Whether the organization a notice names is the watched one (both `name_key`s):
    the same name, or the watched name followed by the kind of business or body
    (NAME_TAILS). A longer name that merely begins with it is another organization."""
    if not watched or not organization:
        return False
    if organization == watched:
        return True
    if not organization.startswith(watched):
        return False
    rest = organization[len(watched) :]
    if watched.endswith("大") and rest == "学":
        return True  # 〇〇大 is how 〇〇大学 is written short
    return rest in NAME_TAILS or rest.endswith(BRANCHES)


def near_miss(watched: str, organization: str) -> bool:
    """A name like the watched one that `names_match` does not take (both `name_key`s):
    one inside the other, or most of their letters in common. Shown when tuning a
    watchlist, never matched."""
    if not watched or not organization or names_match(watched, organization):
        return False
    if watched in organization or organization in watched:
        return True
    from difflib import SequenceMatcher  # only `alerts test --watchlist` asks

    return SequenceMatcher(None, watched, organization).ratio() >= 0.75


# How a notice names the group its organization belongs to: 〇〇グループ, 〇〇の(完全|連結)
# 子会社, 〇〇傘下, 親会社である〇〇 (the parent's kind of business may come between:
# 〇〇ホールディングスの子会社).
_TAIL = "|".join(re.escape(t) for t in sorted(NAME_TAILS - {"グループ", "group"}, key=len))
_AFTER = r"(?:グループ(?!外)|の(?:完全|連結|100%)?子会社|傘下)"
_BEFORE = r"親会社(?:である|の)?"


def folded_text(text: str) -> str:
    """A text in `name_key`'s form (NFKC, no spaces or legal forms, casefolded, variant
    kanji folded), so that a watched name can be looked for in it."""
    return _LEGAL_JA.sub("", "".join(nfkc(text).split())).casefold().translate(_ITAIJI)


def names_parent(watched: str, text: str) -> bool:
    """Whether `text` (a `folded_text`) names the watched organization (a `name_key`) as the
    parent or group of the one it is about."""
    if not watched:
        return False
    name = re.escape(watched)
    return bool(
        re.search(f"{name}(?:{_TAIL})?{_AFTER}", text) or re.search(f"{_BEFORE}{name}", text)
    )

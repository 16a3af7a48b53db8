"""An organization's name as a text surrounds it, reduced to the name.

News articles and reposts put things before a name that are not part of it: a dateline
(`【汐見】`), a blog's label (`【事件簿#2024-101】`), a date (`2024/05/10`), the place
(`愛浜県・汐見市の`, `愛浜県の`), what the organization does (`水産加工の`, `部品製造の`,
`大手旅行会社の`, `通販大手の`), and after it the unit of the story (`…の海外グループ会社`).
A municipality's office stands for the municipality (`汐見町役場`).
"""

from __future__ import annotations

import re

from parsers.orgname import LEGAL_FORMS_JA

# A news page's section label before its lead (`【汐見】`, `話題`, `速報`).
_BRACKET_LABEL = re.compile(r"^(?:【[^】]{1,40}】\s*)+|^(?:話題|速報|独自|特集|注目|詳報)(?=\S{2})")
# A dateline, labelled or not (`2024-05-10`, `公開日 2024年5月10日`, `date 2024-05-10`).
LEADING_DATE = re.compile(
    r"^\s*(?:(?:date|公開日|更新日|掲載日|発表日|配信日)\s*[:：]?\s*)?"
    r"(?:\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}|(?:\d{4}年)?\d{1,2}月\d{1,2}日(?=\s*、))\s*、?\s*"
)
_PLACE = r"[^\s、。「」()（）の・]{1,6}?[都道府県]"
_CITY = r"[^\s、。「」()（）の・]{1,8}?[市区町村郡]"
_LEADING_PLACE = re.compile(rf"^(?:{_PLACE}(?:[・、]?{_CITY})?|{_CITY})の(?=\S{{2}})")
# A prefecture by its short name before a municipality, as news datelines write it
# (`千葉・横芝光町`), or in full before a municipality's unit (`千葉県我孫子市水道局`).
_SHORT_PREFECTURE = re.compile(r"^[^\s、。「」()（）の・]{2,3}・(?=[^\s・]{1,8}?[市区町村])")
_PREFECTURE_BEFORE_CITY = re.compile(
    r"^(?:東京都|北海道|大阪府|京都府|[^\s、。「」()（）の・]{2,3}県)(?=[^\s県]{1,8}?[市区町村]\S{0,10}$)"
)
# Where a news article puts the address after a name (`西宮市役所=西宮市六湛寺町`), or
# what the organization does in brackets (`株式会社X(情報処理サービス、…)`); a legal form
# in brackets (`X(株)`) is part of the name.
_TRAILING_ASIDE = re.compile(r"\s*(?:=\S*|[(（][^()（）]{2,60}[)）])$")
# The parent named before its subsidiary (`NTT西日本の子会社NTTビジネスソリューションズ`).
_LEADING_PARENT = re.compile(
    r"^[^\s、。「」]{1,30}?の(?:[^\s、。「」]{0,8}?)(?:子会社|グループ会社|関連会社)(?:である)?、?(?=\S{2})"
)
# The end of a verb that a clause before the name left behind when it was cut at a kana
# (`手がけるX株式会社` cut at `が`): no name starts with it.
_VERB_TAIL = re.compile(
    r"^(?:ける|げる|せる|める|れる|てる|する|した|った|いる|える)(?=[^\sぁ-ゖ])"
)
# What an organization does, said before its name: a trade or a rank in it.
_TRADE = (
    r"(?:販売|製造|商社|メーカー|卸|小売|通販|運営|運営元|運営会社|開発|事業者|業者|会社|企業|"
    r"大手|最大手|中堅|老舗|チェーン|専門店|量販|量販店|サービス|派遣|人材|旅行|物流|運送|ゼネコン|IT)"
)
_LEADING_TRADE = re.compile(rf"^[^\s、。「」()（）]{{0,14}}?{_TRADE}(?:の|、)(?=\S{{2}})")
_TRAILING_UNIT = re.compile(
    r"の(?:海外|国内|米国|中国|欧州|アジア)?(?:グループ会社|子会社|関連会社|関係会社|拠点|工場|支店|店舗)$|"
    # What of the organization the story is about (`X病院のサーバー`, `X社のシステム`).
    r"の(?:サーバー?|システム|ネットワーク|端末|パソコン|PC|ホームページ|ウェブサイト|サイト|"
    r"メールサーバー?|電子カルテ(?:システム)?|(?:メール|公式)?アカウント)$"
)
# What the organization does, as a clause before its name (`空調設備設計・施工を手がける
# 菱機工業株式会社`, `検査システムの研究開発等を行うX株式会社`).
_LEADING_CLAUSE = re.compile(
    r"^[^\s、。「」]{1,40}?を[^\s、。「」]{0,12}?(?:する|う|む|く|る|ぐ|つ)(?=[^\sぁ-ゖ])"
)
_OFFICE = re.compile(r"^(\S{1,12}?[市区町村])(?:役場|役所|庁舎)$")
# A kind of organization with nothing that names one (`人材派遣会社`, `大手銀行`).
GENERIC = re.compile(
    rf"^(?:{_TRADE}|[^\s]{{0,6}}(?:系|向け))*(?:会社|企業|業者|メーカー|店|銀行|病院|学校|団体|法人|事業者|"
    r"(?:社会福祉)?協議会|協会|組合|センター|機構|財団|(?:教育)?委員会)$"
)


def tidy_name(name: str) -> str:
    """`name` without what surrounds a name in news and reposts (see the module)."""
    name = _BRACKET_LABEL.sub("", name.strip())
    name = LEADING_DATE.sub("", name).strip()
    name = _TRAILING_ASIDE.sub("", _VERB_TAIL.sub("", _LEADING_PARENT.sub("", name)))
    for _ in range(2):  # `福島県・いわき市の` then `信用金庫大手の`, in either order
        trimmed = _LEADING_TRADE.sub("", _LEADING_PLACE.sub("", _SHORT_PREFECTURE.sub("", name)))
        if trimmed == name:
            break
        name = trimmed
    name = _LEADING_CLAUSE.sub("", name)
    name = _PREFECTURE_BEFORE_CITY.sub("", _TRAILING_UNIT.sub("", name))
    office = _OFFICE.match(name)
    return office.group(1) if office else name


# The kinds of school and preschool a name ends in.
SCHOOLS = r"(?:小学校|中学校|高等学校|高校|中等教育学校|義務教育学校|特別支援学校)"
PRESCHOOLS = r"(?:幼稚園|保育園|保育所|こども園)"
# A public body's facility of some kind, unnamed (`県立高等学校`, `市立の病院`).
_PUBLIC_KIND = re.compile(
    r"^(?:[^\s、。]{0,8}?(?=[都道府県市区町村]立))?"
    rf"(?:[都道府県市区町村]立|公立|私立|国立)(?:の)?(?:小中学校|{SCHOOLS}|{PRESCHOOLS}|"
    r"学校|大学|病院|図書館)$"
)


def is_generic(name: str) -> bool:
    """A kind of organization with nothing naming one; a legal form before it makes it a name
    (`公立大学法人X県立大学`)."""
    form = next((f for f in LEGAL_FORMS_JA if name.startswith(f)), None)
    if form is not None and len(name) > len(form) + 1:
        return False
    return bool(GENERIC.match(name) or _PUBLIC_KIND.match(name) or _DESCRIBED_KIND.match(name))


# A kind described, not named (`オンライン寄付の決済サービス会社`).
_DESCRIBED_KIND = re.compile(
    r"^[^\s]{1,20}の[^\sの]{0,10}(?:サービス|代行|委託|運営|管理|販売|システム|決済)"
    r"(?:会社|企業|業者|事業者)$"
)


# What a sentence's subject is when it is not an organization: the thing that leaked
# (`個人情報は`), a person (`山田社長は`, `男性職員が`), or a clause (`…を受けた`).
_THING = re.compile(
    r"^(?:個人|顧客|会員|利用者|患者|生徒|児童|職員|社員)?"
    r"(?:情報|データ|被害|事件|事案|問題|書類|資料|ファイル|メール|システム|サーバー?|端末)$|"
    r"^(?:こと|もの|ところ|ため|場合|結果|現在|今回|今後|きっかけ|原因|理由|目的|背景|発端)$|"
    # What happened or what leaked, however long (`イベント申込者8名の個人情報`, `不正アクセス`).
    r"^.*(?:個人情報|の情報|のデータ)$|^.*\d+\s*(?:名|人|件)|"
    r"^(?:不正アクセス|サイバー攻撃|ランサムウ[ェエ]ア|漏えい|漏洩|流出|誤送信|紛失|盗難)"
)
_PERSON = re.compile(
    r"(?:氏|さん|容疑者|被告|社長|会長|理事長|院長|校長|市長|知事|男性|女性|教諭|職員|社員|"
    r"従業員|者|警察官|巡査|講師)$"
)
_CLAUSE = re.compile(
    r"した|する|され|して|った|ている|という|による|から|まで|として|ため|皆様|皆さま|[にをでともへ]$|"
    r"について|に関する|お詫び|おわび|お知らせ"
)
# A pointer back, a generality or a bare kind of government (`同社`, `各校`, `一部`, `市教委`,
# `県警`): never a name, though names may start with the same characters (`本田`, `全日`).
_POINTER = re.compile(
    r"^(?:自社|自治体)$|"
    r"^(?:同|当|弊|本|各|全|某|他)(?:社|市|町|村|区|県|府|都|道|学|院|校|園|行|会|店|館|庁|省|署|件|"
    r"機構|法人|センター|グループ|協会|病院|大学|団体|組合)?$|"
    r"^(?:一部|複数|多く|ある|その|この|他の)|"
    r"^(?:市|県|町|村|府|道|都|区|国)(?:教委|教育委員会|警|議会|当局)?$"
)


def could_be_name(name: str) -> bool:
    """Whether a sentence's subject, tidied, can be an organization's name."""
    return (
        2 <= len(name) <= 30
        and not name[0].isdigit()
        and not _POINTER.match(name)
        and not _THING.match(name)
        and not _PERSON.search(name)
        and not _CLAUSE.search(name)
        and not is_generic(name)
    )

"""Which kinds of personal data the text states were (possibly) leaked or exposed.

Items are read from sentences that state a leak and from list lines introduced by a
heading or sentence that does; a sentence that denies (`…は含まれておりません`) gives none.
"""

from __future__ import annotations

import re

from parsers.fields.doc import (
    LEAK,
    Doc,
    Found,
    introduced_by_leak,
    is_item_line,
    negated_after,
    shorten,
)
from parsers.schema import DataItem

# Order matters: card holder before name, user name before name, card words before ID.
_ITEMS: tuple[tuple[DataItem, str], ...] = (
    (DataItem.CARD_HOLDER, r"(?:カード)?名義人?(?:名|氏名)?"),
    (DataItem.CARD_NUMBER, r"(?:クレジット)?カード番号|(?:クレジット)?カード情報|カード会員データ"),
    (DataItem.CARD_EXPIRY, r"有効期限|有効期間"),
    (DataItem.CARD_CVV, r"セキュリティ\s*・?\s*コード|CVV|CVC"),
    (DataItem.BANK_ACCOUNT, r"口座番号|銀行口座|決済口座|口座情報|振込先口座"),
    (
        DataItem.LOGIN_ID,
        r"ログインID|ユーザー?\s*ID|会員ID|会員番号|アカウント名|アカウントID|ユーザー?名|ログイン名|"
        r"(?<!メール)(?<!管理)アカウント(?![をの]|管理)|(?<![A-Za-z])ID(?![A-Za-z])",
    ),
    (DataItem.PASSWORD, r"パスワード|暗証番号"),
    (DataItem.NAME, r"氏名|お名前|名前|姓名|フリガナ|ふりがな"),
    (DataItem.ADDRESS, r"住所|郵便番号"),
    (DataItem.PHONE, r"電話番号|携帯番号|TEL"),
    (DataItem.EMAIL, r"メールアドレス|E-?mail\s*アドレス|Eメールアドレス|e-?mail"),
    (DataItem.BIRTHDATE, r"生年月日|誕生日"),
    (DataItem.GENDER, r"性別"),
    (DataItem.NATIONAL_ID, r"マイナンバー|個人番号"),
    (
        DataItem.HEALTH,
        r"病歴|病名|診療|健康診断|健診|既往歴|服薬|カルテ|健康情報|検査結果|障害の有無",
    ),
    (
        DataItem.OTHER,
        r"職業|勤務先|会社名|学校名|学籍番号|所属|学年|成績|得点|点数|順位|年齢|購入履歴|注文履歴|"
        r"購入商品|注文内容|購入金額|注文番号|発注番号|ポイント|メールマガジン|ペンネーム|ニックネーム|"
        r"登録日|利用枠|支払い?状況|契約内容|家族構成|顔写真|利用履歴|取引履歴|国籍|役職|部署|FAX|"
        r"ファックス|法人属性|音声|録音|学力|保険証|免許証",
    ),
)
_ITEM_RE = re.compile("|".join(f"(?P<i{n}>{p})" for n, (_, p) in enumerate(_ITEMS)))
# `パスワード変更を依頼` is advice, not a leaked password.
_ADVICE_AFTER = re.compile(r"^[をの]?(?:全て|すべて)?(?:変更|リセット|再設定|再発行|総当たり)")


def _items_in(text: str) -> dict[DataItem, str]:
    out: dict[DataItem, str] = {}
    for m in _ITEM_RE.finditer(text):
        if _ADVICE_AFTER.match(text[m.end() : m.end() + 8]):
            continue
        index = int(next(k for k, v in m.groupdict().items() if v is not None)[1:])
        out.setdefault(_ITEMS[index][0], m.group(0))
    return out


def _leak_sentences(doc: Doc) -> list[str]:
    out = []
    for sentence in doc.sentences:
        plain = doc.unquoted[sentence.start : sentence.end]
        if any(not negated_after(plain, m.end()) for m in LEAK.finditer(plain)):
            out.append(sentence.text)
    return out


def _leak_lists(doc: Doc) -> list[str]:
    out = []
    for i, line in enumerate(doc.lines):
        if not is_item_line(line.text) or negated_after(line.text, 0):
            continue
        if introduced_by_leak(doc, i):
            out.append(line.text)
    return out


def extract_data_items(doc: Doc) -> Found[list[DataItem]]:
    found: dict[DataItem, str] = {}
    for passage in _leak_sentences(doc) + _leak_lists(doc):
        for item, word in _items_in(passage).items():
            found.setdefault(item, shorten(passage, 60) if word else passage)
    items = sorted(found, key=list(DataItem).index)
    evidence = " / ".join(dict.fromkeys(found.values())) or None
    return Found(items, evidence)

"""Which kinds of personal data the text states were (possibly) leaked or exposed.

Items are read from sentences that state a leak and from list lines introduced by a
heading or sentence that does; a sentence that denies (`…は含まれておりません`) gives none.
"""

from __future__ import annotations

import re

from parsers.fields.doc import (
    AFFIRMING,
    HELD,
    LEAK,
    Doc,
    Found,
    introduced_by_leak,
    is_item_line,
    labelled_leak,
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
        r"病歴|病名|病状|症状|傷病|診療|診察|診断|治療|健康(?!保険)|健診|既往歴|服薬|投薬|処方|カルテ|"
        r"検査結果|障害の有無|障がいの有無|アレルギー|介護度|要介護",
    ),
    (
        DataItem.OTHER,
        r"職業|勤務先|会社名|学校名|学籍番号|所属|学年|成績|得点|点数|順位|年齢|購入履歴|注文履歴|"
        r"購入商品|注文内容|購入金額|注文番号|発注番号|ポイント|メールマガジン|ペンネーム|ニックネーム|"
        r"登録日|利用枠|支払い?状況|契約内容|家族構成|顔写真|利用履歴|取引履歴|国籍|役職|部署|FAX|"
        r"ファックス|法人属性|音声|録音|学力|保険証|免許証|写真|画像|動画|社員番号|職員番号|生徒番号|"
        r"受験番号|出席番号|学生番号|通知表|所見|評価|家族|続柄|勤務先|収入|年収|給与|被保険者番号|"
        r"患者ID|患者番号|診察券番号|保険料|引落|残高|保有銘柄|取引内容|回答内容|お届け先(?!住所)|術式|手術日|クラス|組番号",
    ),
)
_ITEM_RE = re.compile("|".join(f"(?P<i{n}>{p})" for n, (_, p) in enumerate(_ITEMS)))
# What denies an item in its own clause: not held, not included, not leaked. Narrower
# than doc.NEGATION, so that `パスワード(暗号化されておらず)` still counts as leaked.
_ITEM_DENIED = re.compile(
    r"(?:含ま|含み|漏え|漏洩|漏れ|流出|該当|保持|保存|保有|記録|記載|取得|入力|対象|閲覧|通過|取り扱)"
    r"[^、。]{0,12}?(?:ません|ない(?!か)|ず[、。]|なし|無し)"
)
_CLAUSE_END = re.compile(r"(?:ますが|ですが|たが|ものの|けれど|ところ)、|。")
_IF = re.compile(r"場合|際は|際には|ください")
# `パスワード変更を依頼` is advice, not a leaked password.
_ADVICE_AFTER = re.compile(r"^[をの]?(?:全て|すべて)?(?:変更|リセット|再設定|再発行|総当たり)")


def _denied(text: str, pos: int) -> bool:
    cut = _CLAUSE_END.search(text, pos)
    clause = AFFIRMING.sub(lambda m: "＿" * len(m.group(0)), text[: cut.start() if cut else None])
    return bool(_ITEM_DENIED.search(clause, pos))


def _items_in(text: str) -> dict[DataItem, str]:
    """Items named in `text`, except those its own clause denies (`…が流出しましたが、
    クレジットカード情報は含まれておりません`)."""
    out: dict[DataItem, str] = {}
    for m in _ITEM_RE.finditer(text):
        if _ADVICE_AFTER.match(text[m.end() : m.end() + 8]) or _denied(text, m.end()):
            continue
        index = int(next(k for k, v in m.groupdict().items() if v is not None)[1:])
        out.setdefault(_ITEMS[index][0], m.group(0))
    return out


def _leak_sentences(doc: Doc, held: bool) -> list[str]:
    """Sentences stating a leak; the sentence right after one that lists items (`漏えいした
    可能性があるのは…。氏名、所属、電話番号が含まれる。`); with `held`, sentences saying what
    the lost or misdirected medium held."""
    out = []
    previous_leak = False
    for sentence in doc.sentences:
        plain = doc.unquoted[sentence.start : sentence.end]
        leak = any(not negated_after(plain, m.end()) for m in LEAK.finditer(plain))
        if leak:
            out.append(sentence.text)
        else:
            named = _items_in(plain)
            stored = held and named and HELD.search(plain) and not _IF.search(plain)
            if (previous_leak and len(named) >= 2) or stored:
                out.append(sentence.text)
        previous_leak = leak
    return out


def _leak_lists(doc: Doc, held: bool) -> list[str]:
    out = []
    for i, line in enumerate(doc.lines):
        if not is_item_line(line.text) or negated_after(line.text, 0):
            continue
        if labelled_leak(line.text) or introduced_by_leak(doc, i, held=held):
            out.append(line.text)
    return out


def extract_data_items(doc: Doc, *, held: bool = False) -> Found[list[DataItem]]:
    """Items stated as leaked. `held`: the notice is about a lost or misdirected medium, so
    what it held (`…が記録されていた`) was exposed."""
    found: dict[DataItem, str] = {}
    for passage in _leak_sentences(doc, held) + _leak_lists(doc, held):
        for item, word in _items_in(passage).items():
            found.setdefault(item, shorten(passage, 60) if word else passage)
    items = sorted(found, key=list(DataItem).index)
    evidence = " / ".join(dict.fromkeys(found.values())) or None
    return Found(items, evidence)

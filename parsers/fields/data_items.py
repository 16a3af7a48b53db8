"""Which kinds of personal data the text states were (possibly) leaked or exposed.

Items are read from sentences that state a leak and from list lines introduced by a
heading or sentence that does; a sentence that denies (`…は含まれておりません`) gives none.
"""

from __future__ import annotations

import re

from parsers.fields.doc import (
    HELD,
    LEAK,
    SECTION,
    Doc,
    Found,
    clause_from,
    introduced_by_leak,
    is_item_line,
    labelled_leak,
    negated_after,
    shorten,
)
from parsers.schema import DataItem

# Order matters: card holder before name, user name before name, card words before ID.
_ITEMS: tuple[tuple[DataItem, str], ...] = (
    # An account's or a register's holder (`口座名義`) is a person's name, not a card's.
    (DataItem.NAME, r"(?:口座|預金|登記)名義人?"),
    (DataItem.CARD_HOLDER, r"(?:カード)?名義人?(?:名|氏名)?"),
    # The last digits alone (`カード番号(下4桁のみ)`) are no card number.
    (
        DataItem.CARD_NUMBER,
        r"(?:(?:クレジット)?カード番号|(?:クレジット)?カード情報|カード会員データ)"
        r"(?!\s*[(（]?\s*(?:下|末尾)\s*\d\s*桁)",
    ),
    (DataItem.CARD_EXPIRY, r"有効期限|有効期間"),
    (DataItem.CARD_CVV, r"セキュリティ\s*・?\s*コード|CVV|CVC"),
    (DataItem.BANK_ACCOUNT, r"口座番号|銀行口座|決済口座|口座情報|振込先?口座|預金口座"),
    (
        DataItem.LOGIN_ID,
        r"ログインID|ユーザー?\s*ID|会員ID|アカウント名|アカウントID|ユーザー?名|ログイン名|"
        r"(?<!メール)(?<!管理)アカウント(?![をのでにへがは数]|から|管理|経由|ハッキング|乗っ取り)|"
        r"(?<![A-Za-z])ID(?![A-Za-z])",
    ),
    (DataItem.PASSWORD, r"パスワード(?!リスト|スプレー)|暗証番号"),
    # A surname alone (`姓のみ(漢字、カタカナ)`, `流出した姓(2名分)`) is still a name.
    (
        DataItem.NAME,
        r"氏名|お名前|名前|姓名|フリガナ|ふりがな|個人名|担当者名|姓のみ|"
        r"(?<=[\s、・:：@)）])姓(?=[\s、・(（]|$)|(?<=した)姓",
    ),
    (DataItem.ADDRESS, r"住所|郵便番号|居住地|居住市町村?|居住地域"),
    # A fax number listed among the data is a phone number; the number a fax went to
    # (`FAX番号を誤って`) is not data.
    (
        DataItem.PHONE,
        r"電話番号|携帯番号|TEL|(?<=[、・,，/])\s*(?:FAX|ファックス|ファクス)\s*番号(?![をにへの])",
    ),
    (DataItem.EMAIL, r"メールアドレス|E-?mail\s*アドレス|Eメールアドレス|e-?mail"),
    (DataItem.BIRTHDATE, r"生年月日|誕生日"),
    (DataItem.GENDER, r"性別"),
    (DataItem.NATIONAL_ID, r"マイナンバー|個人番号"),
    (
        DataItem.HEALTH,
        r"病歴|病名|病状|症状|傷病|診療|診察|診断|治療|健康(?!保険|食品|器具|増進|福祉)|健診|検診|既往歴|服薬|投薬|処方|カルテ|"
        r"検査結果|障害の有無|障がいの有無|アレルギー|介護度|要介護|心身",
    ),
    (
        DataItem.OTHER,
        r"職業|勤務先|会社名|学校名|組織名|団体名|企業名|事業所名|施設名|部署名|役職名|業務内容|学籍番号|会員番号|旅券番号|パスポート番号|契約金額|取引金額|所属|(?<![\d一二三四五六第])学年|成績|評定|件名|本文|"
        r"メール(?:の)?内容|得点|点数|順位|年齢|購入履歴|注文履歴|"
        r"購入商品|注文内容|購入金額|注文番号|発注番号|ポイント|メールマガジン|ペンネーム|ニックネーム|"
        r"登録日|利用枠|支払い?状況|契約内容|家族構成|顔写真|利用履歴|取引履歴|国籍|役職|部署|"
        r"法人属性|音声|録音|学力|保険証|免許証|写真|画像|動画|社員番号|職員番号|生徒番号|"
        r"受験番号|出席番号|学生番号|通知表|通知票|指導要録|調査書|答案|解答用紙|回答用紙|所見|評価|家族|続柄|勤務先|収入|年収|給与|被保険者番号|"
        r"患者ID|患者番号|診察券番号|保険料|引落|残高|保有銘柄|取引内容|回答内容|お届け先(?!住所)|術式|手術日|クラス|組番号|"
        r"(?:問い?合わせ|相談|申込み?|申し込み|依頼)(?:の)?(?:内容|履歴)|税情報|課税|税額|所得",
    ),
)
_ITEM_RE = re.compile("|".join(f"(?P<i{n}>{p})" for n, (_, p) in enumerate(_ITEMS)))
# Words of `other` that prose uses for other things (`組合に所属する職員`, `他部署から`,
# `メールの内容には`): data only beside another item of an enumeration (`氏名、所属、…`).
_PROSE_WORDS = re.compile(
    r"所属|部署|役職|評価|家族|写真|画像|動画|音声|録音|クラス|本文|件名|メール(?:の)?内容|ポイント|"
    r"所見|収入|課税|引落|残高|登録日|年齢|成績"
)
# What denies an item in its own clause: not held, not included, not leaked. Narrower
# than doc.NEGATION, so that `パスワード(暗号化されておらず)` still counts as leaked.
_ITEM_DENIED = re.compile(
    r"(?:含ま|含み|漏え|漏洩|漏れ|流出|該当|保持|保存|保有|記録|記載|取得|入力|対象|閲覧|通過|取り扱)"
    r"[^、。]{0,12}?(?:ません|ない(?!か)|なかっ|ず[、。]|なし|無し)|"
    # `ID・パスワードの漏洩や不正アクセス等により発生したものではなく`
    r"(?:漏え|漏洩|流出)[^、。]{0,24}?(?:ものではな|ものではありませ)"
)
# A clause ends at `。`, at a contrast (`…ますが、`) or at a verb joining the next clause
# (`…が含まれ、クレジットカード情報は含まれない`).
_CLAUSE_END = re.compile(
    r"(?:ますが|ですが|たが|ものの|けれど|ところ|含まれ|記載され|記録され)、|。"
)
_IF = re.compile(r"場合|際は|際には|ください")
# A definition (`「ランサムウェア」とは、…`) states no leaked item.
_DEFINITION = re.compile(r"」とは、")
# `氏名が推測できる文字列` (in a mail address) is not the name itself.
_GUESSABLE_AFTER = re.compile(r"(?:が|を|も)?(?:推測|類推|推定|特定)(?:でき|可能|され得)")
# `パスワード変更を依頼` is advice, not a leaked password.
_ADVICE_AFTER = re.compile(
    r"^[をの]?(?:全て|すべて)?(?:変更|リセット|再設定|再発行|総当たり|無効化)|"
    # A password protecting a file (`パスワード設定がなされていた`) is no leaked password.
    r"^(?:が|を|の)?(?:設定|付与|保護|ロック|がかか|をかけ|かけず|かけて|がかけ|かけら)"
)


# IDs and passwords an attacker used (`…とパスワードの組み合わせを用いた`, `IDとパスワードを
# 入力し`) are the means of the attack, not data taken from the notice's organization.
_CREDENTIALS = frozenset({DataItem.LOGIN_ID, DataItem.PASSWORD, DataItem.EMAIL})
_MEANS_AFTER = re.compile(
    r"[^、。]{0,14}?(?:を|で)(?:用い|使用し|使っ|入力し|悪用し|利用し)|[^、。]{0,6}?の組み合わせ|"
    # Credentials from elsewhere matched to log in (`IDとパスワードが一致した件数は1094件`).
    r"(?:[・/と](?:パスワード|ID))?が一致|"
    r"[^、。]{0,14}?によ(?:って|り)(?:不正|ログイン)|"
    r"(?:[・/と](?:パスワード|ID))?によ(?:って|り)|"
    r"[^、。]{0,6}?が(?:悪用|不正(?:に)?(?:使用|利用))され|"
    # Stolen to log in (`パスワードが盗まれ、不正ログインされた`): the means of the attack.
    r"[^、。]{0,6}?が(?:盗まれ|窃取され)[^。]{0,12}?(?:不正ログイン|不正アクセス|ログインされ)"
)
# The credentials of the organization's own staff account, taken to break in (`職員の業務用
# メールアカウントのID及びパスワードが窃取され`): the means of the attack, not the personal
# data of the people the notice is about.
_STAFF_ACCOUNT_BEFORE = re.compile(
    r"(?:業務用|職員|従業員|社員|教職員|教員|スタッフ|担当者)[^、。]{0,10}?(?:アカウント|メール)(?:の|に係る)?"
    r"(?:[^、。]{0,12}?(?:及び|および|と|や|・))?$"
)
# Enumerations of data: items separated by `、` `,` `及び` …, or by spaced bullets.
_SEPARATOR = re.compile(
    r"[、，;；/]|,(?!\d)|及び|および|並びに|ならびに|(?:^|\s)[・●○■]|"
    # `住所や税情報`: `や` between two nouns, not inside a word (`はやし`).
    r"(?<=[^\sぁ-ゖ])や(?=[^\sぁ-ゖ])"
)
# Where the last item of an enumeration runs on into prose (`職歴などのデータを…`).
_TOKEN_TAIL = re.compile(r"(?:など|等|の一部|が|を|は|[(（]|の(?:データ|情報|個人情報)|その他).*$")
_ITEM_MAX = 16
# A noun phrase: no kana but `の` joining two nouns (`月々の使用量`, `メールの件名`).
_NOUN_PHRASE = re.compile(r"[^\sぁ-ゖ。、]{2,14}(?:の[^\sぁ-ゖ。、]{1,10})?")
# What makes a segment prose, a count, a heading or a medium rather than a kind of data.
_NOT_ITEM_TOKEN = re.compile(
    r"\d|漏|流出|閲覧|対応|対策|経緯|原因|概要|問い?合わせ|窓口|^(?:個人)?情報$|^データ$|^個人$|"
    r"カード|メール$|ファイル|書類|資料|文書|サーバ|パソコン|端末|アカウント$|^当該|"
    # Whose data it is (`お客様の個人情報の内容は、…`), not a kind of data.
    r"(?:様|客|利用者|会員|患者|皆さま|皆様)$"
)


# An aside or a note denies only what it holds (`メールアドレス(パスワードは含まない)`,
# `番号、名義、有効期限 ※セキュリティコードは含まれていない`).
_ASIDE = re.compile(r"[(（][^()（）]*[)）]|(?<=\S)\s*※[^\n]*")


def _denied(text: str, pos: int) -> bool:
    clause, at = clause_from(text, pos, _CLAUSE_END)
    masked = _ASIDE.sub(lambda m: "＿" * len(m.group(0)) if m.start() >= at else m.group(0), clause)
    return bool(_ITEM_DENIED.search(masked, at))


# A member of staff typing their credentials into a phishing page (`当該教員が…フィッシング
# メールに記載されたURLにアクセスし、IDとパスワードを入力`): the account taken over is the
# means of the attack; its ID and password are not data of the people affected.
_STAFF = re.compile(r"教職員|教員|職員|従業員|社員|スタッフ|担当者")
_PHISHED_PAGE = re.compile(r"フィッシング|を装った|偽(?:の)?(?:サイト|ログイン|画面|ページ)")
_ACCOUNT_ITEMS = frozenset({DataItem.LOGIN_ID, DataItem.PASSWORD})


# A quoted name of an event, a service or a document, longer than any item word quoted alone.
_LONG_QUOTE = re.compile(r"「[^「」]{9,80}」")


def _items_in(text: str) -> dict[DataItem, str]:
    """Items named in `text`, except those its own clause denies (`…が流出しましたが、
    クレジットカード情報は含まれておりません`)."""
    out: dict[DataItem, str] = {}
    staff_phished = bool(_STAFF.search(text) and _PHISHED_PAGE.search(text))
    named = [(q.start(), q.end()) for q in _LONG_QUOTE.finditer(text)]
    for m in _ITEM_RE.finditer(text):
        if _ADVICE_AFTER.match(text[m.end() : m.end() + 8]) or _denied(text, m.end()):
            continue
        if any(a < m.start() < b for a, b in named):
            continue  # a word inside a quoted name (`「まるごと健康ウィーク」`)
        if _GUESSABLE_AFTER.match(text, m.end()):
            continue
        index = int(next(k for k, v in m.groupdict().items() if v is not None)[1:])
        item = _ITEMS[index][0]
        prose = item is DataItem.OTHER and _PROSE_WORDS.fullmatch(m.group(0))
        if prose and not _used_as_data(text, m):
            continue
        if staff_phished and item in _ACCOUNT_ITEMS:
            continue
        if item in _CREDENTIALS and (
            _MEANS_AFTER.match(text, m.end())
            or _STAFF_ACCOUNT_BEFORE.search(text[max(0, m.start() - 30) : m.start()])
        ):
            continue
        out.setdefault(item, m.group(0))
    return out


def _used_as_data(text: str, m: re.Match[str]) -> bool:
    """Whether `m` is used as a kind of data: followed by a separator, `など`, a particle
    taking it as an object or subject, or another item (`所属、`, `年齢などの`, `評価を記載`,
    `ポイント残高`), not by a verb or a place (`所属する`, `部署から`, `部署の職員`)."""
    return bool(_AS_DATA_AFTER.match(text, m.end())) or bool(_ITEM_RE.match(text, m.end()))


_AS_DATA_AFTER = re.compile(
    r"\s*(?:$|[、，,・/()（）」\n]|や|など|等|及び|および|並びに|ならびに|と|が|も|を|の一部|入り)"
)


def _unnamed_items(text: str) -> bool:
    """Whether an enumeration of data items (`お名前、ご住所、口座番号、満期日、積立金額`)
    also names kinds of data no item word covers: those are `other`. The enumeration must
    name at least two known items, so that a sentence's ordinary commas do not count."""
    run: list[bool] = []  # per segment of the current run: a known item?
    for segment in [*_SEPARATOR.split(text), "。"]:
        if not segment.strip():
            continue  # `…、ならびに…`
        known = _ITEM_RE.search(segment) is not None
        if known or _token(segment) is not None:
            run.append(known)
            if len(segment.strip()) <= _ITEM_MAX:
                continue
        # A long segment (prose around the enumeration) ends a run, and may begin one.
        if sum(run) >= 2 and not all(run):
            return True
        run = [True] if known else []
    return False


def _token(segment: str) -> str | None:
    """The kind of data a segment of an enumeration names, or None if it names none. The
    last segment may run on into prose (`職歴などのデータを…`), cut at `など` `の一部` `が`
    …; what remains must be a noun phrase."""
    raw = segment.strip()
    token = _TOKEN_TAIL.sub("", raw).strip()
    if len(raw) > _ITEM_MAX and token == raw:
        return None
    if re.search(r"\d", raw[len(token) :]):
        return None  # `例示町は2023年6月12日`: a subject and its date, prose before a list
    token = re.sub(r"^[ごお]|(?<=の)[ごお]", "", token)
    if not _NOUN_PHRASE.fullmatch(token) or _NOT_ITEM_TOKEN.search(token) or _denied(raw, 0):
        return None
    return token


_HELD_ITEMS = re.compile(
    r"には[^。]{0,80}?(?:含まれ|記載され|記録され|保存され|書かれ|入って|格納され)|"
    r"などが(?:記され|記載され|記録され|書かれ|含まれ)|"
    # What the data were, itemized (`個人情報は商品配送先の住所や氏名、電話番号などとみられる`).
    r"(?:個人情報|顧客情報|情報|データ)(?:の内容)?(?:は|には)、?[^。]{0,60}?(?:など|等)"
)


# Data deleted or encrypted (`削除されたデータは名前や住所…`) were lost, not exposed.
_GONE = re.compile(r"(?:削除|消失|滅失|消去|暗号化)(?:され|し)た(?:個人情報|顧客情報|情報|データ)")


# A lost or misdirected document itemized by what it holds (`依頼書には氏名や電話番号、…`).
_DOCUMENT_HOLDS = re.compile(
    r"(?:書|票|簿|リスト|一覧|ファイル|データ|メモ|記録|USBメモリ|パソコン|封筒|はがき)には"
)


def _leak_sentences(doc: Doc, held: bool) -> list[str]:
    """Sentences stating a leak; the sentence right after one that lists items (`漏えいした
    可能性があるのは…。氏名、所属、電話番号が含まれる。`); with `held`, sentences saying what
    the lost or misdirected medium held."""
    out = []
    previous_leak = False
    for sentence in doc.sentences:
        plain = doc.unquoted[sentence.start : sentence.end]
        if _DEFINITION.search(plain):
            previous_leak = False
            continue
        leak = any(not negated_after(plain, m.end()) for m in LEAK.finditer(plain))
        if leak:
            out.append(sentence.text)
        else:
            named = _items_in(plain)
            stored = (
                held
                and named
                and (HELD.search(plain) or (len(named) >= 2 and _DOCUMENT_HOLDS.search(plain)))
                and not _IF.search(plain)
            )
            # What the data, a file or a device held, itemized (`個人情報には氏名・住所…が
            # 含まれ`, `名簿には名前や住所、電話番号が書かれていました`): only incidents are
            # read for items, so what they held was exposed.
            itemized = (
                len(named) >= 2
                and _HELD_ITEMS.search(plain)
                and not _IF.search(plain)
                and not _GONE.search(plain)
            )
            if (previous_leak and len(named) >= 2) or stored or itemized:
                out.append(sentence.text)
        previous_leak = leak
    return out


def _leak_list_lines(doc: Doc, held: bool) -> list[int]:
    out = []
    for i, line in enumerate(doc.lines):
        if not is_item_line(line.text) or negated_after(_ASIDE.sub("", line.text), 0):
            continue
        if labelled_leak(line.text) or introduced_by_leak(doc, i, held=held):
            out.append(i)
    return out


def _list_runs(doc: Doc, lines: list[int]) -> list[str]:
    """Leak list lines, each run of adjacent items as one enumeration (`・氏名⏎・住所⏎…`)."""
    runs: list[list[int]] = []
    for i in lines:
        if SECTION.match(doc.lines[i].text):
            continue
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return ["、".join(doc.lines[i].text for i in run) for run in runs]


def extract_data_items(doc: Doc, *, held: bool = False) -> Found[list[DataItem]]:
    """Items stated as leaked. `held`: the notice is about a lost or misdirected medium, so
    what it held (`…が記録されていた`) was exposed."""
    found: dict[DataItem, str] = {}
    sentences = _leak_sentences(doc, held)
    lines = _leak_list_lines(doc, held)
    for passage in sentences + [doc.lines[i].text for i in lines]:
        for item, word in _items_in(passage).items():
            found.setdefault(item, shorten(passage, 60) if word else passage)
    if DataItem.OTHER not in found:
        named = next((p for p in sentences + _list_runs(doc, lines) if _unnamed_items(p)), None)
        if named is not None:
            found[DataItem.OTHER] = shorten(named, 60)
    items = sorted(found, key=list(DataItem).index)
    evidence = " / ".join(dict.fromkeys(found.values())) or None
    return Found(items, evidence)

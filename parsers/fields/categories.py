"""Incident categories, by keyword family, counted only where the text states them as fact.

A keyword in a warning (`…の危険がありますのでご注意ください`), a denial (`改ざんの事実は確認
されておりません`) or a quoted title does not make a category.
"""

from __future__ import annotations

import re

from parsers.fields.doc import (
    CONDITION_AFTER,
    LEAK,
    Doc,
    Found,
    Span,
    affirmed,
    negated_after,
    shorten,
)
from parsers.schema import Category

_FAMILIES: tuple[tuple[Category, re.Pattern[str]], ...] = (
    (
        Category.UNAUTHORIZED_ACCESS,
        re.compile(
            r"不正アクセス|不正なアクセス|不正にアクセス|不正ログイン|不正にログイン|不正に侵入|不正侵入|"
            r"サイバー攻撃|"
            # A ransomware attack is an intrusion to run it; an infection alone is not said to be.
            r"ランサムウ[ェエ]ア(?:に(?:よる)?|による)?(?:サイバー)?攻撃|"
            # A fake support line taking over a PC (サポート詐欺) lets an outsider in.
            r"サポート詐欺|遠隔(?:で|から)?操作(?:され|を受け|が可能な状態)|"
            r"ハッキング|SQLインジェクション|コマンドインジェクション|クロスサイトスクリプティング|"
            r"脆弱性を(?:つ|突|悪用|利用)|リスト型攻撃|総当たり攻撃|ブルートフォース|乗っ取られ|乗っ取り|"
            r"踏み台|なりすましログイン|(?:メール)?アカウント(?:の|が)(?:なりすまし|乗っ取)|"
            r"(?:ネットワーク|サーバー?|システム|環境)(?:内部)?に(?:外部から)?侵入|"
            r"(?:アカウント|メールボックス)[^。]{0,15}?不正(?:に)?(?:利用|使用)され|"
            r"(?:アカウント(?:情報)?|ID|パスワード)(?:\([^()]{0,20}\))?が(?:第三者に)?悪用され|"
            r"(?:アカウント|パスワード)[^。]{0,20}?不正(?:に)?(?:入手|取得)され|"
            r"(?:メール)?アカウントの不正(?:利用|使用)"
        ),
    ),
    (
        Category.WEB_SKIMMING,
        re.compile(
            r"(?:ペイメントアプリケーション|決済(?:画面|ページ|フォーム|モジュール|システム|アプリ)|"
            r"ペイモジュール|入力(?:画面|フォーム|ページ)|JavaScript|スクリプト)[^。]{0,60}?改(?:ざん|竄)"
            r"|改(?:ざん|竄)[^。]{0,60}?(?:カード情報|決済時に入力|入力された(?:クレジット)?カード)"
        ),
    ),
    (Category.RANSOMWARE, re.compile(r"ランサムウ[ェエ]ア|身代金")),
    (
        Category.MALWARE,
        re.compile(
            r"マルウ[ェエ]ア|コンピュータ[ー]?ウ[イィ]ルス|"
            r"不正な?プログラム(?:が|を)[^。]{0,10}?(?:書き込|仕込|設置|埋め込|置かれ)|(?<!コロナ)ウ[イィ]ルス(?:に)?感染(?!症)|"
            r"Emotet|エモテット|"
            r"トロイの木馬|バックドア|スパイウ[ェエ]ア|キーロガー"
        ),
    ),
    (Category.DDOS, re.compile(r"DDoS|DoS攻撃|サービス妨害攻撃|分散型サービス")),
    (
        Category.PHISHING,
        re.compile(r"フィッシング|標的型(?:攻撃)?メール|偽(?:の)?(?:サイト|メール|ログイン画面)"),
    ),
    (
        Category.INSIDER,
        re.compile(
            r"元(?:出向)?(?:社員|従業員|職員|派遣社員|委託先社員)"
            # … as the one who acted, not among the data subjects (`元従業員の情報`).
            r"(?!の(?:情報|皆様|皆さま|方|個人|氏名|データ|連絡先)|及び|および|[・、,]|等|など|を含)|"
            r"内部不正|"
            # Looking up or taking data for private ends is misuse only staff can commit.
            r"私的(?:に|な目的で)[^。]{0,6}?(?:閲覧|利用|使用|照会|持ち出|取得|複製)|"
            r"(?:業務|職務)(?:と|に)(?:は)?(?:関係|無関係)(?:なく|のない)[^。]{0,30}?(?:閲覧|照会|持ち出|取得)|"
            r"業務外(?:の|で)?(?:目的で)?(?:閲覧|照会|利用|使用)|"
            r"(?:職務|業務)(?:以外|外)の目的で[^。]{0,6}?(?:閲覧|照会|利用|使用)|"
            # … staff named after what they took (`データを不正に持ち出したとして、…同社社員`).
            r"(?:不正に|無断で?)持ち出[^。]{0,40}?(?:社員|従業員|職員)|"
            # Data taken from one's employer to the next (`前職の顧客データを持ち出し`).
            r"(?:勤務先|前職|在職中)[^。]{0,30}?持ち出|"
            r"(?:社員|従業員|職員|教員|教諭|委託先|看護師|医師|技師|薬剤師)[^。]{0,80}?"
            r"(?:不正(?:に)?(?:使用|利用)して|(?:不正に|無断で?|許可なく)(?:持ち出|取得|閲覧|ログイン|送金|使用|利用|アクセス|複製|"
            r"ダウンロード|アップロード)|不正閲覧|不正収集|"
            r"横領|私的に)"
        ),
    ),
    (
        Category.MISDELIVERY,
        re.compile(
            r"(?:誤った|別の|異なる)(?:メール|FAX)?(?:アドレス|宛先|住所|送付先|番号)"
            r"(?:\([^()]{0,20}\))?(?:に|へ|宛て?に)[^。]{0,10}?(?:送|郵送|送信|送付)|"
            # Records of one person sent to another (`寄附者を取り違えて郵送`).
            r"取り違え[^。]{0,20}?(?:郵送|送付|送信|発送|交付|配付|配布|手渡)|"
            # A wrong destination written down (`誤って一般市民のファクス番号を記載し`).
            r"誤って[^。]{0,20}?(?:番号|アドレス|宛先|住所|宛名)を[^。]{0,6}?(?:記載|入力|設定|印字)|"
            r"誤送信|(?:誤って|間違って)[^。]{0,40}?(?:送信|送付|送って|転送|公開|掲載|添付|入力|配布|配信|返却|共有|手渡|"
            r"同封|封入|投函)|(?:不要な|無関係の|別の)(?:ファイル|資料|データ|書類)を[^。]{0,10}?添付|"
            r"添付(?:して)?しま(?:い|った|って)|誤送付|誤配送|誤配達|誤配布|誤配付|誤交付|誤発送|誤郵送|誤配信|誤公開|誤掲載|"
            r"誤表示|誤添付|誤封入|"
            r"(?:別の|他の|ほかの)(?:お客様|利用者|会員|ユーザー?|受信者|宛先|方|人)[^。]{0,20}?(?:が|を|に)?表示|"
            r"(?:Cc|CC|cc)\s*(?:欄)?[^。]{0,20}?(?:送信|入力)|転送(?:先|設定)[^。]{0,20}?(?:ミス|誤)|"
            r"閲覧可能な(?:状態|状況)|(?:閲覧|検索|確認)できる(?:状態|状況)|見ることができる状態|"
            r"(?:外部|第三者|誰)(?:から|でも)アクセス(?:可能な|できる)(?:状態|状況)|"
            r"閲覧可能とな(?:る|って|った)|秘匿処理|マスキング(?:処理)?(?:の)?(?:不備|漏れ)|"
            # A setting wrong (`参照範囲設定誤り`, `システムの設定不備に伴い…氏名が表示`), when
            # it exposed data rather than slowed a service.
            r"(?:参照範囲|権限|公開範囲|アクセス権|共有)設定(?:の)?(?:不備|誤り|ミス)|"
            r"設定(?:の)?(?:不備|誤り|ミス)[^。]{0,60}?(?:閲覧|表示|公開|参照|漏え|漏洩|流出)"
        ),
    ),
    (
        Category.LOSS_THEFT,
        re.compile(
            r"紛失|盗難|置き忘れ|誤廃棄|盗まれ|所在不明|車上荒らし|ひったくり|散乱|飛散|"
            r"(?:書類|文書|資料|名簿|USBメモリ|パソコン|かばん|鞄)[^。]{0,15}?落とし(?:た|て|、)|"
            r"誤って[^。]{0,20}?(?:廃棄|破棄|処分|滅失|焼却|溶解)"
        ),
    ),
    # A contractor's breach of its terms (subcontracting or using data without permission)
    # is neither an attack, a mistake nor staff misuse: `other`, when nothing else fits.
    (
        Category.OTHER,
        re.compile(
            r"(?:無断で?|許可なく|承諾(?:を得ず|なく|を得ないまま)[^。]{0,30}?)再委託|"
            r"(?:無断|許可なく|承諾(?:を得ず|なく))[^。]{0,30}?(?:第三者|別の事業者|他社)に[^。]{0,20}?提供|"
            r"目的外(?:で(?:の)?)?(?:利用|使用)|"
            # Personal data destroyed or lost without anyone seeing it (`画像データの一部が
            # 消失`): a personal-data incident that is neither a leak nor a lost device.
            r"(?:データ|情報|ファイル|記録)[^。]{0,20}?(?:消失|滅失|毀損|き損)(?:し|する|した|され)"
        ),
    ),
)
# Sentences that warn, advise, describe defences or speak of threats in general (a
# product release: `近年、ランサムウェア被害が増加しており…`) rather than report what happened.
_HYPOTHETICAL = re.compile(
    r"場合(?:は|には|も|、)|可能性が考えられ|ご注意|注意喚起|ないよう|ください|下さい|"
    r"危険があ|防(?:ぐ|止(?!法))|対策を(?!講じ(?:ない|ず|ていな))|防御|予防|守る|"
    r"近年|昨今|増加し|急増|多発し|相次いで(?:い|お|報じ)|相次ぐ|後を絶た|巧妙化|高度化|脅威(?:から|に備え|への)|"
    r"引き続き確認|事例|といった(?:被害|トラブル|事態)|につなが(?:ります|る(?:恐れ|おそれ))|"
    # A definition (`「ランサムウェア」とは、…データを暗号化する…`), not what happened.
    r"」とは、"
)
# `おそれ` makes the keyword it follows hypothetical (`不正アクセスのおそれがある通信`), not a
# leak it follows (`不正アクセスにより…流出したおそれがあります`).
_FEARED_AFTER = re.compile(r"[^、。]{0,10}?(?:おそれ|恐れ)")
# A keyword naming a defence (`不正アクセス対策強化`, `ランサムウェア対策製品`) or what an
# investigation looks for (`不正アクセス状況等の調査`), not an attack.
_DEFENCE_AFTER = re.compile(
    r"(?:への)?(?:対策|対応策|防止|防御|検知|予防|への備え|訓練|演習)|"
    r"(?:の)?(?:状況|有無|痕跡)(?:等)?の(?:調査|確認)"
)
# A fake warning shown by a scam (`ウイルス感染したという内容の表示`) is no infection.
_FAKE_WARNING_AFTER = re.compile(r"[^。]{0,6}?という(?:内容の)?(?:表示|警告|画面|メッセージ)")
# Data left viewable is a misdelivery when set up by mistake, not when an intruder viewed it.
_VIEWABLE_ONLY = re.compile(
    r"閲覧可能な(?:状態|状況)|閲覧できる(?:状態|状況)|見ることができる状態|閲覧可能とな(?:る|って|った)"
)
_TAMPERED = re.compile(r"改(?:ざん|竄)")
_CARD_DATA = re.compile(r"カード(?:情報|番号|会員データ)")
_OUTSIDER = re.compile(r"第三者|外部から|何者か|攻撃者|犯人")
_RANSOM_NEAR = re.compile(r"ランサム|身代金")
# Staff as the victim (`教員のアカウントが不正にログインされ`), not the one misusing access.
_PASSIVE_AFTER = re.compile(r"され|を受け")
# Credentials typed into a fake site by mistake are the phishing, not a misdelivery.
_PHISHED = re.compile(r"偽(?:の)?(?:サイト|ログイン|画面|ページ)|フィッシング")


def _feared(sentence: str, pos: int) -> bool:
    """Whether the keyword ending at `pos` is itself only feared, not the leak after it."""
    m = _FEARED_AFTER.match(sentence, pos)
    return m is not None and not LEAK.search(m.group(0))


# A short quote naming a threat is its name, not someone's words
# (`コンピューターウイルス「ランサムウエア」`, `「サポート詐欺」にかかった`).
_THREAT_NAME = re.compile(
    r"「(?=[^」]{0,6}(?:ランサム|マルウ|ウ[イィ]ルス|Emotet|エモテット|詐欺|フィッシング))[^「」]{1,16}」"
)


def _plain(doc: Doc, sentence: Span) -> str:
    """The sentence with quotes blanked, but for quoted names of threats."""
    plain = doc.unquoted[sentence.start : sentence.end]
    for m in _THREAT_NAME.finditer(sentence.text):
        plain = plain[: m.start()] + m.group(0) + plain[m.end() :]
    return plain


def _stated(doc: Doc, category: Category, pattern: re.Pattern[str]) -> str | None:
    """The first sentence that states the category as fact, or None."""
    for sentence in doc.sentences:
        plain = _plain(doc, sentence)
        if _HYPOTHETICAL.search(plain):
            continue
        for m in pattern.finditer(plain):
            if (
                negated_after(plain, m.end())
                or _feared(plain, m.end())
                or _DEFENCE_AFTER.match(plain, m.end())
                or CONDITION_AFTER.match(plain, m.end())
            ):
                continue
            # Ransomware, or the ransom demand, in the same sentence names the malware.
            if category is Category.MALWARE and (
                _RANSOM_NEAR.search(sentence.text) or _FAKE_WARNING_AFTER.match(plain, m.end())
            ):
                continue
            if category is Category.INSIDER and (
                _OUTSIDER.search(plain) or _PASSIVE_AFTER.match(plain, m.end())
            ):
                continue
            if category is Category.MISDELIVERY and _PHISHED.search(plain):
                continue
            return shorten(sentence.text)
    return None


def _misdirected_by_mistake(doc: Doc) -> bool:
    """A misdelivery stated otherwise than as data left viewable."""
    pattern = dict(_FAMILIES)[Category.MISDELIVERY]
    for sentence in doc.sentences:
        plain = doc.unquoted[sentence.start : sentence.end]
        for m in pattern.finditer(plain):
            if not _VIEWABLE_ONLY.fullmatch(m.group(0)) and not negated_after(plain, m.end()):
                return True
    return False


def _card_leak(doc: Doc) -> str | None:
    """A sentence stating that card data were (possibly) leaked."""
    for sentence in doc.sentences:
        plain = doc.unquoted[sentence.start : sentence.end]
        if _CARD_DATA.search(plain) and affirmed(plain, LEAK):
            return shorten(sentence.text)
    return None


def _skimming(doc: Doc) -> str | None:
    """Tampering stated in one sentence and card data leaked in another: a tampered
    script or third-party service captured the cards (`…のシステムが改ざんを受けた` … `お客様の
    クレジットカード情報が漏洩した可能性`), even when no sentence says both."""
    tampered = _stated(doc, Category.WEB_SKIMMING, _TAMPERED)
    if tampered is None:
        return None
    leak = _card_leak(doc)
    return None if leak is None else f"{tampered} / {leak}"


def extract_categories(doc: Doc) -> Found[list[Category]]:
    """Every category the text states; evidence is the first stating sentence of each."""
    found: dict[Category, str] = {}
    for category, pattern in _FAMILIES:
        evidence = _stated(doc, category, pattern)
        if evidence is not None:
            found[category] = evidence
    if Category.WEB_SKIMMING not in found:
        skimming = _skimming(doc)
        if skimming is not None:
            found[Category.WEB_SKIMMING] = skimming
    # Data left viewable by an intruder or a member of staff who took it out is that
    # intrusion or misuse, not a mistake.
    if (
        Category.MISDELIVERY in found
        and (Category.UNAUTHORIZED_ACCESS in found or Category.INSIDER in found)
        and _VIEWABLE_ONLY.search(found[Category.MISDELIVERY])
        and not _misdirected_by_mistake(doc)
    ):
        found.pop(Category.MISDELIVERY)
    # A member of staff misusing access is insider misuse, not an outside intrusion.
    if Category.INSIDER in found and not _OUTSIDER.search(doc.unquoted):
        found.pop(Category.UNAUTHORIZED_ACCESS, None)
    if len(found) > 1:
        found.pop(Category.OTHER, None)
    evidence = " / ".join(dict.fromkeys(found.values())) or None
    return Found(sorted(found, key=list(Category).index), evidence)

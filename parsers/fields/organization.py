"""Which organization the incident happened to, as the text names it."""

from __future__ import annotations

import re

from parsers.fields.doc import Doc, Found
from parsers.fields.heading import (
    PLACE_GA,
    Heading,
    clean_org,
    issuer_of,
    looks_like_org,
    municipality,
)
from parsers.fields.names import (
    LEADING_DATE,
    PRESCHOOLS,
    SCHOOLS,
    could_be_name,
    is_generic,
    tidy_name,
)
from parsers.orgname import LEGAL_FORMS_JA

# How an organization refers to itself; a text without any of these is a third party's
# (news) account.
# `本`/`当` after a kanji is part of a word (`花房本町`, `日本学生…`, `担当社員`), save after
# a word of time (`今回当社`, `今般本学`).
_NOT_IN_WORD = r"(?<!(?![回般度年月日後際時])[一-龥々])"
FIRST_PERSON = re.compile(
    r"弊社|弊行|弊機構|弊団体|弊院|弊センター|弊組合|弊協会|私ども|わたくしども|弊店|弊グループ|"
    rf"弊財団|弊会|{_NOT_IN_WORD}(?:当社|当行|本学|当学|本法人|当法人|当機構|本機構|当団体|当院|"
    r"本院|本校|当校|当センター|本市|当市|本町|当町|当組合|当協会|当店|当グループ|当財団|本財団|"
    r"当館|本館|本会|当会)"
)
_SELF_ALIAS = re.compile(
    r"([^\s「」、。()（）]{2,40}?)\s*(?:[(（][^()（）]{1,60}[)）]\s*)?"
    r"[(（]\s*以下[、,]?\s*「?(?:当社|弊社|当行|本学|当機構|本法人|当法人)」?"
)
# An own notice naming itself beside its first person (`弊社、X(株)は`).
_SELF_APPOSED = re.compile(
    r"(?:弊社|当社|本学|当院|本市|当法人|当組合|当会)[、,]\s*([^\s「」、。()（）]{2,30}?(?:\((?:株|有)\))?)"
    r"\s*(?:は|では|が)"
)
# The subject of a news lead, with an optional aside (`みなと中央病院(愛浜県汐見市)は2024年…`).
_SUBJECT_TAIL = (
    r"\s*(?:\((?:[^()]|\([^()]{0,20}\)){1,40}\))?\s*(?:では|は|が)"
    r"(?=\s?(?:\d|、|同|今|本|昨|平成|令和))"
)
_NEWS_SUBJECT = re.compile(rf"^\s*([^\s、。「」()（）]{{2,30}}?){_SUBJECT_TAIL}")
_LEGAL = "|".join(re.escape(form) for form in LEGAL_FORMS_JA)
# A subject with its legal form after a description (`…を提供する株式会社Xは、`).
_DESCRIBED_SUBJECT = re.compile(
    rf"((?:{_LEGAL})[^\s、。「」()]{{1,30}}?|[^\s、。「」()をにがでは]{{1,30}}?(?:{_LEGAL})){_SUBJECT_TAIL}"
)
# A first sentence opening with the issuer (`一般社団法人Xのサーバー機器が…`, `X株式会社は、`);
# not a supplier named before what it supplies (`X株式会社が提供する…`).
_OPENING = r"^\s*(?:(?:この|今)(?:たび|度|般)[、,]\s*)?"
_LEGAL_SUBJECT = re.compile(
    rf"{_OPENING}((?:{_LEGAL})\s?[^\s、。「」()（）のはがで]{{1,30}}|[^\s、。「」()（）]{{1,30}}?(?:{_LEGAL}))"
    r"\s*(?:は|では|において|におきまして|にて|の(?!提供|委託|開発|販売)|が(?!提供|開発|販売))"
)
# An opening sentence placing the incident at a named organization, legal form or not
# (`この度、市立X市民病院におきまして…`, `X協議会が…を受託しております`).
_PLACE_SUBJECT = re.compile(
    rf"{_OPENING}((?:[^\s、。「」()（）のはがでに]|{PLACE_GA}){{2,30}}?)\s*(?:において|におきまして|にて|では|が(?!提供|開発|販売))"
)
# A news sentence opening with where it happened (`山口県岩国市の公立中学校で`, `X生命保険の
# 子会社の口座から`).
_LEAD_ORG = re.compile(
    r"^\s*([^\s、。「」()（）をにへ]{2,30}?)(?:\s*[(（][^()（）]{1,20}[)）])?"
    r"(?:の|で|は|が|において|にて)"
)
# What follows a place when the organization there goes unnamed (`X町の病院で`).
_UNNAMED_THERE = re.compile(
    r"(?:民間の|私立の|市内の|町内の|県内の)?(?:病院|会社|企業|医院|クリニック|工場|施設|事業所|"
    r"店舗|介護施設|ホテル|薬局|学習塾|金融機関)"
)
# A municipality running what the text is about (`汐見町立の学校で`), or its office
# (`汐見町役場に提出された`): the municipality.
_MUNICIPAL_RUN = re.compile(
    rf"^\s*([^\s、。「」()（）]{{1,10}}?[市区町村])立(?:の|(?=(?:小中学校|{SCHOOLS}|{PRESCHOOLS}|学校)))"
)
_MUNICIPAL_OFFICE = re.compile(r"([^\s、。「」()（）のでにはが]{1,10}?[市区町村])(?:役場|役所)")
# A public school named in full (`富山市立八尾中学校`): the issuer in an article about it.
_PUBLIC_SCHOOL = re.compile(
    rf"(?:[^\s、。「」()（）のはがでに]|{PLACE_GA}){{0,12}}?[都道府県市区町村]立"
    # A name, not kinds run together (`市立小中学校`, `県立高校・特別支援学校`).
    r"(?!小中|小・中|中高|小学|中学|高等|高校|特別支援|中等|義務|幼稚|保育|大学)"
    rf"(?:[^\s、。「」()（）のはがでに]|{PLACE_GA}){{1,20}}?"
    rf"(?:{SCHOOLS}|{PRESCHOOLS}|大学)"
)
# A sign-off or contact line of a municipality or school (`例示市 総務部 情報政策課`,
# `担当:例示市総務部建築管財課`): the municipality is the issuer.
_CONTACT_LABEL = re.compile(
    r"^(?:【?(?:担当|問い?合わせ先?|お問い?合わせ先?|発信|作成)】?\s*[:：]?\s*)"
)
_MUNICIPAL = re.compile(r"[市区町村]$")
# A news outlet's site name is not the organization a news article is about.
_MEDIA = re.compile(r"新聞|ニュース|NEWS|News|通信社|放送|テレビ|メディア|タイムズ|ジャーナル|出版")
_BOARD = re.compile(r"教育委員会|市教委|県教委|町教委|村教委|区教委")


_QUOTE = re.compile(r"「[^「」]{0,200}」")


def _unquoted(text: str) -> str:
    """`text` without what it quotes, nested quotes too: a news article citing a notice's
    title (`「弊社サイトへの不正アクセスに関するお詫び」において`) does not speak as the
    issuer. An unclosed `「` quotes nothing."""
    previous = None
    while previous != text:
        previous, text = text, _QUOTE.sub("", text)
    return text


def is_first_person(doc: Doc) -> bool:
    return bool(FIRST_PERSON.search(_unquoted(doc.text)))


# An apology in the issuer's humble voice (`深くお詫び申し上げます`), outside quotes: news
# reports an apology in plain form (`謝罪した`) or quotes it.
_HUMBLE_APOLOGY = re.compile(r"(?:お詫び|おわび)(?:申し上げ|いたし|致し)")
_HUMBLE = re.compile(r"(?:いた|致)しま|申し上げ|ございま|させていただ|しており|であります")


def speaks_as_issuer(doc: Doc) -> bool:
    """Whether the text is the organization's own notice rather than news about it."""
    unquoted = _unquoted(doc.text)
    return bool(FIRST_PERSON.search(unquoted) or _HUMBLE_APOLOGY.search(unquoted))


# Words that point back or generalize (`同社`, `当市`, `各校`, `大手銀行`): never a name.
_NOT_A_NAME = re.compile(r"^(?:同|当|弊|本|各|全|某|一部|大手|複数|多く|ある|その|この|他)")


def _named(token: str) -> bool:
    return looks_like_org(token) and not _NOT_A_NAME.match(token)


# An own notice naming itself through its people (`X新聞社元社員の在職中の不正行為で`,
# `X連盟会員の皆様には多大なご迷惑を`).
_STAFF = re.compile(
    r"^\s*(?:(?:この|今)(?:たび|度|般)[、,]\s*)?([^\s、。「」()（）]{2,30}?)の?元?"
    r"(?:社員|職員|従業員|教職員|教員|派遣社員)"
)
_MEMBERS = re.compile(
    r"([^\s、。「」()（）]{2,30}?)の?(?:会員|組合員|利用者|ご利用者|ユーザー|お客様|患者)の?"
    r"(?:皆様|皆さま|みなさま)"
)
_APOLOGY = re.compile(r"お詫び|おわび|ご迷惑|ご心配")


def _named_by_its_people(doc: Doc, heading: Heading) -> Found[str | None] | None:
    first = _first_sentence(doc, heading)
    staff = _STAFF.match(first or "")
    if staff and _named(staff.group(1)):
        return Found(clean_org(staff.group(1)), staff.group(0))
    for sentence in doc.sentences:
        if sentence.start < heading.body_start or not _APOLOGY.search(sentence.text):
            continue
        members = _MEMBERS.search(sentence.text)
        if members and _named(members.group(1)):
            return Found(clean_org(members.group(1)), members.group(0))
    return None


# A facility printed under its parent in a sign-off (`独立行政法人X機構⏎Y医療センター`).
_FACILITY = re.compile(r"(?:病院|医療センター|大学|学校|研究所)$")


def _signature(doc: Doc) -> Found[str | None] | None:
    """A closing signature or contact block naming the issuer (`有限会社…` near the end, or
    a municipality's department: `例示市 総務部 情報政策課` → `例示市`); a facility
    printed under its parent is the parent's facility (`独立行政法人X⏎Y病院` → `…XY病院`)."""
    lines = doc.lines[-8:]
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        text = _CONTACT_LABEL.sub("", line.text.strip())
        name = issuer_of(text)
        if name is None:
            continue
        if re.search(r"株式会社|有限会社|法人", name) or _MUNICIPAL.search(name) or name != text:
            below = lines[i + 1].text.strip() if i + 1 < len(lines) else ""
            if _FACILITY.search(below) and looks_like_org(below) and not _NOT_A_NAME.match(below):
                return Found(name + clean_org(below), f"{line.text}\n{below}")
            return Found(name, line.text)
    return None


def _first_sentence(doc: Doc, heading: Heading) -> str | None:
    """The body's first sentence. A headline with no full stop runs into it when no blank
    line follows it (`…懲戒処分を受ける⏎郡山市は…と発表した。` is one sentence to `Doc`):
    the part before the heading's end is not the body's."""
    for sentence in doc.sentences:
        if sentence.end > heading.body_start:
            text = doc.text[max(sentence.start, heading.body_start) : sentence.end].strip()
            if text:
                return text
    return None


def _legal_subject(doc: Doc, heading: Heading) -> Found[str | None] | None:
    """`一般社団法人Xのサーバー機器が外部からの不正アクセスを受け…`: an issuer named with its
    legal form at the start of the first sentence."""
    first = _first_sentence(doc, heading) or ""
    for m in (_LEGAL_SUBJECT.match(first), _PLACE_SUBJECT.match(first)):
        if m and _named(m.group(1)) and could_be_name(tidy_name(m.group(1))):
            return Found(clean_org(tidy_name(m.group(1))), m.group(0))
    return None


# A news article about an arrest or a court case opens with the police; the organization
# the incident happened to is named as the victim (`被害に遭ったのは、株式会社X`).
_VICTIM = re.compile(
    r"(?:被害に(?:遭|あ)った|被害を受けた|標的(?:と|に)なった)(?:の|企業|会社|法人)は、?\s*"
    r"([^\s、。「」()（）]{2,30}?)\s*(?=[(（、。]|で(?:ある|す)|だ)"
)
_PROSECUTION = re.compile(r"県警|府警|道警|警視庁|警察|地検|検察")
# The police as the organization: one of its own officers lost or leaked it
# (`X県警の27歳の男性警察官が…紛失`, `X県警は8日、…署の男性警察官が…と発表した`).
_POLICE_OWN = re.compile(
    r"(?:^|、)\s*([^\s、。「」()（）]{1,6}?(?:県警|府警|道警|警視庁|警察署|警察本部))(?:は|の)"
    r"[^。]{0,50}?(?:警察官|巡査(?:長|部長)?|警部(?:補)?|署員|職員)(?:\(\d+\))?が"
)


# How a news sentence names who announced, admitted or apologized: its subject, at the
# start or after a clause (`…問題で、運営元のX(汐見市)は9月7日、`, `…を販売するXは`),
# with a trade or place before it, an aside after it, one inner space (`宗家 X`), and
# perhaps the unit the story is about (`Xの海外グループ会社が`).
_NAME = r"[^\s、。「」()（）]{1,30}?(?:\s[^\s、。「」()（）]{1,15}?)?"
_ASIDE = r"(?:\s*[(（][^()（）]{1,30}[)）])?"
_UNIT = r"の(?:海外|国内|米国|中国|欧州|アジア)?(?:グループ会社|子会社|関連会社)"
_ANNOUNCER = re.compile(
    rf"(?:^|(?<=、)|(?<=する)|(?<=した)|(?<=している)|(?<=された))\s*({_NAME}){_ASIDE}\s*"
    rf"({_UNIT})?(は|が)"
)
_WHEN = re.compile(r"\s*(?:[\d０-９]|同日|今月|先月|昨年|去年|本日|、)")
_SAID = re.compile(r"発表|公表|明らかに|公開|謝罪|陳謝|おわび|お詫び|分かった|わかった|判明|認めた")
_CLAUSE_BEFORE = re.compile(r"^.*(?:する|した|している|された|として|による)")
_ARREST = re.compile(r"逮捕|容疑|送検|起訴|摘発")
# A news article's lead sentences: the announcer is looked for in the first few.
_LEAD_SENTENCES = 3


_BULLET = re.compile(r"^\s*[-–・•*■◆●○◇□]+\s*")


# A wire service credited before the lead (`(ブルームバーグ): `, `[ロイター] `).
_CREDIT = re.compile(r"^\s*[(（\[][^()（）\[\]]{2,15}[)）\]]\s*[:：]?\s*")


def _body_sentences(doc: Doc, heading: Heading) -> list[str]:
    """The body's sentences, a dateline or credit before the first and bullets taken off."""
    first = _first_sentence(doc, heading)
    if first is None:
        return []
    rest = [s.text for s in doc.sentences if s.start > heading.body_start and s.text != first]
    lead = _CREDIT.sub("", LEADING_DATE.sub("", first))
    return [_BULLET.sub("", text) for text in [lead, *rest]]


# Names listed before the subject they share (`A と B、C は…と発表した`).
_LISTED_SUBJECTS = re.compile(
    r"^\s*([^\s、。「」()（）と]{2,30})(?:と[^\s、。「」()（）]{2,30}?)?、$"
)


def _announcer(sentence: str, said: str, police: bool) -> Found[str | None] | None:
    """`大手旅行会社のXは14日、…と発表した` → X: whoever a news sentence says announced or
    admitted it; the police only when no one is arrested (then they are the victim's
    source, not the victim)."""
    if not _SAID.search(said):
        return None
    for m in _ANNOUNCER.finditer(sentence):
        raw, unit, particle = m.group(1), m.group(2), m.group(3)
        name = clean_org(tidy_name(_CLAUSE_BEFORE.sub("", raw)))
        stated = (
            _WHEN.match(sentence, m.end())
            or unit
            or (m.start() == 0 and particle == "は")
            or looks_like_org(name)
        )
        # A news company announcing its own incident opens the lead (`X新聞社は8日、`);
        # elsewhere a medium named is the one reporting.
        own_lead = m.start() == 0 and particle == "は" and _WHEN.match(sentence, m.end())
        listed = _LISTED_SUBJECTS.match(sentence[: m.start(1)])
        if listed and _named(listed.group(1)) and could_be_name(listed.group(1)):
            name = clean_org(tidy_name(listed.group(1)))  # `A と B、C は`: the first named
        if (
            stated
            and could_be_name(name)
            and (own_lead or not _MEDIA.search(name))
            and (police or not _PROSECUTION.search(name))
        ):
            return Found(municipality(name), m.group(0))
    return None


# A name in quotes after its legal form, its operator's verb or `子会社`:
# `独立行政法人「X機構(略称)」は` (the form belongs to the name), `医療法人X会「Y病院」が`
# (the quoted facility), `事業を展開する「X」において`, `化粧品子会社「X」の`.
_QUOTED = re.compile(
    rf"(?:({_LEGAL})([^\s、。「」]{{0,12}}?)|(?:運営|経営|展開|提供)する|を(?:行う|手がける|手掛ける)|子会社|"
    r"グループ会社)"
    r"(?:の|である)?「([^「」()（）]{2,30})(?:[(（][^)）]{1,12}[)）])?」\s*社?"
    r"(?:は|が|において|で|の)"
)
# A news lead's subject in quotes after its trade (`酒造大手「X」(汐見市)は20日、`).
_QUOTED_SUBJECT = re.compile(rf"^[^「」、。]{{0,15}}「([^「」]{{2,30}})」{_SUBJECT_TAIL}")
# … or after its trade, whatever follows (`京都市の酒造メーカー「X」がサイバー攻撃を受け`).
_QUOTED_TRADER = re.compile(
    r"^[^「」、。]{0,20}(?:メーカー|会社|企業|大手|業者|チェーン|ブランド|店|社)「([^「」]{2,30})」"
    r"\s*社?\s*(?:\([^()]{1,30}\))?\s*(?:は|が|では)"
)
_SERVICE = re.compile(r"(?:サイト|ショップ|アプリ|サービス|ストア|システム)$")


# A quoted name that is an organization by its own form (`「医療法人社団 X会 Y医院」において`,
# `「X支援機構(JEED)」は`).
_QUOTED_ORG = re.compile(
    r"「([^「」]{2,40}?)(?:[(（][^)）]{1,12}[)）])?」\s*(?:において|では|は|が)"
)


def _quoted(sentence: str) -> Found[str | None] | None:
    m = _QUOTED.search(sentence)
    if m is None or _SERVICE.search(m.group(3)) or not could_be_name(m.group(3)):
        own = _QUOTED_ORG.search(sentence)
        name = clean_org(own.group(1)) if own else ""
        if own and looks_like_org(name) and could_be_name(name):
            return Found(name, own.group(0))
        return None
    legal, between, name = m.group(1), m.group(2), m.group(3)
    return Found(f"{legal}{name}" if legal and not between else name, m.group(0))


# Who runs the place the story is about (`…を経営するX(汐見区)によると`).
_OPERATOR = re.compile(
    rf"(?:経営|運営)(?:する|元の|元である|の)\s*「?({_NAME})」?{_ASIDE}\s*(?:によると|によれば|は|が)"
)


def _operator(sentences: list[str]) -> Found[str | None] | None:
    for sentence in sentences:
        for m in _OPERATOR.finditer(sentence):
            name = clean_org(tidy_name(m.group(1)))
            if could_be_name(name) and not _MEDIA.search(name):
                return Found(name, m.group(0))
    return None


_WITHIN = re.compile(r"(?<=[都道府県市区町村])内$")


# A news lead placing the organization (`津山市にあるX農業協同組合の支店から`).
_LOCATED = re.compile(
    r"^\s*[^\s、。「」()（）]{1,10}?[都道府県市区町村]にある([^\s、。「」()（）をにへ]{2,30}?)(?:の|で|は|が)"
)
# A municipality's department (`X市都市計画部の男性課長が`): the municipality.
_MUNICIPAL_DEPARTMENT = re.compile(r"^(\S{1,8}?[市区町])\S{1,10}?(?:部|課|局|室)$")


def _lead_org(first: str) -> Found[str | None] | None:
    """The organization or municipality a first sentence opens with (`汐見市の公立中学校で`
    → 汐見市); none when it opens with a place and an unnamed kind (`汐見町の病院で`)."""
    run = _MUNICIPAL_RUN.match(first)
    if run:
        return Found(municipality(run.group(1)), run.group(0))
    located = _LOCATED.match(first)
    if located and _named(located.group(1)):
        return Found(clean_org(located.group(1)), located.group(0))
    m = _LEAD_ORG.match(first)
    if m is None:
        return None
    department = _MUNICIPAL_DEPARTMENT.match(m.group(1))
    if department:
        return Found(municipality(department.group(1)), m.group(0))
    # `鹿児島県内の県立高校で`: somewhere in the prefecture, an unnamed school of it.
    raw = _WITHIN.sub("", m.group(1))
    if not _named(raw):
        return None
    name = municipality(clean_org(tidy_name(raw)))
    if _MUNICIPAL.search(name) and _UNNAMED_THERE.match(first, m.end()):
        return None
    return Found(name, m.group(0))


# An own notice that opens by naming itself and defining a short form for the rest
# (`このたび、学校法人X学園(以下「学園」といいます。)のネットワークが…`).
_OPENING_ALIAS = re.compile(
    r"^\s*(?:(?:この|今)(?:たび|度|般)[、,]\s*)?([^\s、。「」()（）]{2,30}?)\s*[(（]\s*(?:以下|以降)"
)


def _news_subject(doc: Doc, heading: Heading) -> Found[str | None] | None:
    """`岡山県は2022年11月27日、…と発表した`: the subject of a news article's first sentence;
    else a public school the article names in full; else whoever the lead sentences say
    announced it; else the organization or municipality the first sentence opens with
    (`山口県岩国市の公立中学校で…` → 岩国市)."""
    sentences = _body_sentences(doc, heading)
    if not sentences:
        return None
    first = sentences[0]
    alias = _OPENING_ALIAS.match(first)
    if alias and _named(alias.group(1)):
        return Found(clean_org(alias.group(1)), alias.group(0))
    police = _POLICE_OWN.search(first)
    if police:
        return Found(police.group(1), police.group(0))
    school = _PUBLIC_SCHOOL.search(doc.text[heading.body_start :])
    lead = _NEWS_SUBJECT.match(first)
    if lead and _PROSECUTION.search(lead.group(1)):
        victim = _VICTIM.search(doc.text, heading.body_start)
        if victim and _named(victim.group(1)):
            return Found(clean_org(victim.group(1)), victim.group(0))
    board = None
    for m in (lead, _DESCRIBED_SUBJECT.search(first)):
        if m and school and _BOARD.search(m.group(1)):
            board = m.group(1)
            break  # a school board announcing for one of its schools
        own_police = bool(m and _PROSECUTION.search(m.group(1)) and not _ARREST.search(doc.text))
        if m and (own_police or _named(m.group(1))) and could_be_name(tidy_name(m.group(1))):
            name = municipality(clean_org(tidy_name(m.group(1))))
            return _run_facility(first, name) or Found(name, m.group(0))
    if school:
        return Found(_of_board(school.group(0), board), school.group(0))
    quoted = _quoted(first)
    if quoted is not None:
        return quoted
    named = _QUOTED_SUBJECT.match(first) or _QUOTED_TRADER.match(first)
    if named and could_be_name(named.group(1)) and not _SERVICE.search(named.group(1)):
        return Found(named.group(1), named.group(0))
    unarrested = not _ARREST.search(doc.text)
    for i, sentence in enumerate(sentences[:_LEAD_SENTENCES]):
        # `Xは24日、…に感染。…が流出した可能性があると発表した。`: said one sentence on.
        announced = _announcer(sentence, " ".join(sentences[i : i + 2]), unarrested)
        if announced is not None:
            return announced
    return (
        _legal_subject(doc, heading) or _operator(sentences) or _lead_org(first) or _office(first)
    )


# A hospital a public body runs, named in the lead as where it happened or whose staff did
# it (`新潟県は…、加茂病院にて…誤送信が発生`, `四日市市は…市立四日市病院医療技術部職員で…`).
_RUN_HOSPITAL = re.compile(
    r"(?<![^\s、。「」()（）はがでにをたる])((?:[^\s、。「」()（）のはがでにを]){1,15}?病院)"
    r"(?=にて|で|において|[^\s、。]{0,10}?(?:職員|医師|看護師|技師|事務員))"
)
_PUBLIC_BODY = re.compile(r"[都道府県市区町村]$")


def _run_facility(first: str, body: str) -> Found[str | None] | None:
    """The hospital a prefecture or municipality announced an incident at: the
    organization the incident happened to, as a school is for its board."""
    if not _PUBLIC_BODY.search(body):
        return None
    m = _RUN_HOSPITAL.search(first)
    if m is None:
        return None
    name = _CLAUSE_BEFORE.sub("", m.group(1))  # `…閲覧するなどした市立X病院` → 市立X病院
    if not _named(name) or not could_be_name(name):
        return None
    return Found(name, m.group(0))


def _office(first: str) -> Found[str | None] | None:
    m = _MUNICIPAL_OFFICE.search(first)
    return Found(municipality(m.group(1)), m.group(0)) if m else None


# A holding company disclosing an incident at one of its subsidiaries (`当社の連結子会社で
# ある株式会社X(以下「X」)において、…不正アクセスを受け`, `当社グループの信販会社 株式会社X`):
# the incident happened to the subsidiary. A contractor (委託先) is not meant: its client's
# data is the client's incident.
_SUBSIDIARY = re.compile(
    r"(?:(?:当社|弊社|当グループ|弊グループ)(?:の)?(?:[^\s、。「」()]{1,20}?(?:する|とする|を主とする))?"
    r"(?:連結|海外|国内|完全|100%)*"
    r"(?:子会社|グループ会社|関係会社)(?:である|の|、)|"
    r"(?:当社|弊社)グループの[^\s、。「」()]{1,10}?会社\s)\s*"
    rf"((?:{_LEGAL})\s?[^\s、。「」()]{{1,30}}?|[^\s、。「」()をにがでは]{{1,30}}?(?:{_LEGAL}))"
    r"\s*(?:\([^()]{0,60}\))?\s*(?:において|にて|で|は|が|の(?:サーバ|システム|ネットワーク|端末))"
)


_SUBSIDIARY_SENTENCES = 6


def _subsidiary(doc: Doc, heading: Heading) -> Found[str | None] | None:
    """The subsidiary an issuer's opening sentences say the incident happened at; a report
    on an incident already announced names it in its account of what happened."""
    body = [s for s in doc.sentences if s.start >= heading.body_start][:_SUBSIDIARY_SENTENCES]
    for sentence in body:
        m = _SUBSIDIARY.search(sentence.text)
        if m and _named(m.group(1)):
            return Found(clean_org(m.group(1)), m.group(0))
    return None


# A press release's labelled field naming where it happened (`学校名⏎宮城県X高等学校`,
# `病院名:X病院`): that school or hospital, whoever issued the release.
_UNIT_LABEL = re.compile(
    r"^\s*[【■・\[]?\s*(?:学校名|校名|病院名|施設名|事業所名|園名)\s*[】\]]?\s*[:：]?\s*(\S.*)?$"
)
_UNIT_LABEL_LINES = 40


def _labelled_unit(doc: Doc) -> Found[str | None] | None:
    for i, line in enumerate(doc.lines[:_UNIT_LABEL_LINES]):
        m = _UNIT_LABEL.match(line.text)
        if m is None:
            continue
        below = doc.lines[i + 1].text if i + 1 < len(doc.lines) else ""
        value = clean_org(m.group(1) or below)
        if looks_like_org(value) and could_be_name(value):
            return Found(value, f"{line.text} {'' if m.group(1) else below}".strip())
    return None


def extract_organization(doc: Doc, heading: Heading, hint: str | None) -> Found[str | None]:
    """The issuer; a school board writing about one of its schools named in full gives the
    school, and a parent company reporting on a subsidiary gives the subsidiary: the
    organization the incident happened to. Whatever way found, it must read as a name."""
    found = _organization(doc, heading, hint)
    if found.value is None or (found.evidence or "").startswith(_FROM_SOURCE):
        return found
    name = plain_name(found.value)
    return Found(name, found.evidence) if name else Found(None)


def _organization(doc: Doc, heading: Heading, hint: str | None) -> Found[str | None]:
    labelled = _labelled_unit(doc)
    if labelled is not None:
        return labelled
    found = _issuer(doc, heading, hint)
    if is_first_person(doc):
        subsidiary = _subsidiary(doc, heading)
        if subsidiary is not None:
            return subsidiary
    unquoted = _unquoted(doc.text) if found.value is None else ""
    if found.value is None and not _COMPANY_SELF.search(unquoted):
        contractor = _CONTRACTOR.search(unquoted)
        if contractor and _named(contractor.group(1)):
            return Found(clean_org(contractor.group(1)), contractor.group(0))
    if found.value:
        office = _BRANCH_OFFICE.match(found.value)
        if office:
            return Found(office.group(1) or office.group(2), found.evidence)
        if _UNPLACED_OFFICE.match(found.value):
            parent = _PREFECTURE_NAMED.search(doc.text)
            if parent:
                return Found(parent.group(1), parent.group(0))
    if found.value and _BOARD.search(found.value):
        body = doc.text[heading.body_start :]
        schools = set(_PUBLIC_SCHOOL.findall(body))
        if not schools:
            schools = {m for m in _NAMED_SCHOOL.findall(body) if _named(m) and could_be_name(m)}
        if len(schools) == 1:
            school = schools.pop()
            return Found(_of_board(school, found.value), school)
    return found


# A named contractor that suffered the incident, in a public body's notice that does not
# name the body (`本市が印刷業務を委託している株式会社Xの内部サーバーが…`, `送付業務の委託先
# である株式会社Xの担当者が誤って…`): the contractor. A company speaking of its contractor
# (弊社) is the organization, named or not.
_COMPANY_SELF = re.compile(r"弊社|当社|弊行|当行|弊店|当店|弊グループ|当グループ")
_CONTRACTOR = re.compile(
    r"委託(?:している|した|先(?:である|の)?|業者である)\s*"
    rf"((?:{_LEGAL})\s?[^\s、。「」()（）のはがで]{{1,30}}|[^\s、。「」()（）をにがでは]{{1,30}}?(?:{_LEGAL}))"
    r"\s*(?:\([^()]{0,30}\))?\s*(?:の|が|は|で|において)"
)
# A branch office of a named prefecture or city (`X県自動車税事務所`, `X市西市税事務所`): the
# prefecture or city, as its own notice or the news names it.
_BRANCH_OFFICE = re.compile(
    r"^(\S{1,4}?[都道府県])\S{0,8}?(?:税事務所|土木事務所|事務所)$|^(\S{1,8}?市)\S{0,3}?市税事務所$"
)


# A prefecture's office named without its prefecture (`自動車税事務所が…誤送信`), in a text that
# names the prefecture (`三重県が保管している文書`): the prefecture.
_UNPLACED_OFFICE = re.compile(r"^(?:自動車税|県税|土木|建設|農林|保健福祉)事務所$")
_PREFECTURE_NAMED = re.compile(
    r"(?<![^\s、。「」()（）はがでにをの])([^\s、。「」()（）のはがでにを]{2,3}県)(?![警立庁内])"
)


# A board's municipality (`香川県高松市教委` → 高松市).
_BOARD_OF = re.compile(r"([^\s、。「」()（）]{1,10}?[市区町村])(?:教育委員会|教委)")


def _of_board(school: str, board: str | None) -> str:
    """A school the article names by its kind of owner only (`市立山田中学校`) in full, with
    the municipality of the board that announced it: `高松市立山田中学校`."""
    owner = _BOARD_OF.search(board or "")
    if owner is None or not re.match(r"[市区町村]立", school):
        return school
    name = municipality(owner.group(1))
    return name + school[1:] if name.endswith(school[0]) else school


# A school named without its municipality (`社小学校に勤務する教諭`): not a kind of school
# (`市立小学校`, `各小学校`, `同中学校`).
_NAMED_SCHOOL = re.compile(
    r"(?<![^\s、。「」()（）のはがでにをと])((?![都道府県市区町村]立|各|同|当|本|全|小中|現在|現|元|前|他)"
    rf"[^\s、。「」()（）のはがでにを]{{1,10}}?{SCHOOLS})"
)


# A breadcrumb's first step names the site (`1. Xトップ`, `Xホーム > お知らせ`).
_BREADCRUMB = re.compile(
    r"^\s*(?:\d{1,2}\s*[.．]\s*)?(\S{2,30}?)\s*(?:トップ|TOP|ホーム)\s*(?:$|[>＞»])"
)
_HEAD_LINES = 5


def _site(doc: Doc, heading: Heading) -> Found[str | None] | None:
    """The site an own notice is published on, by its name after the page title or in
    its breadcrumb; a description before it (`通販のXストア`) is not part of the name."""
    named = [(heading.site, heading.site)] if heading.site else []
    for line in doc.lines[:_HEAD_LINES]:
        m = _BREADCRUMB.match(line.text)
        if m:
            named.append((m.group(1), line.text))
    for site, evidence in named:
        name = clean_org(site) if looks_like_org(site) else site.rsplit("の", 1)[-1].strip()
        name = tidy_name(name)
        if could_be_name(name) and not _MEDIA.search(name) and not _NOT_SITE_NAME.search(name):
            return Found(name, evidence)
    return None


_NOT_SITE_NAME = re.compile(r"(?:サイト|ページ|ホーム|総合|ポータル|トップ)$")


_FROM_SOURCE = "(from the source, not the text) "


def _from_source(hint: str) -> str:
    """Evidence for a name the text does not state: where it came from instead."""
    return f"{_FROM_SOURCE}{hint}"


# What a page or repost prints around the name in its head: a table's bars and label
# (`| 会社名 | 医療法人X |`), a title before a bar (`…流出か|X株式会社`), a credit
# (`…より引用`), a link label (`- HP:東浦町`).
_HEAD_LABEL = re.compile(
    r"^[-・\s]*(?:HP|ホームページ|出典|引用元|会社名|社名|法人名|団体名)\s*[:：]?\s*"
)
# A signer glued to the name (`(公社)X学会会長山田太郎`).
_GLUED_SIGNER_AFTER = re.compile(
    r"(?<=[会団人社院校所構庁省局市町村区県])(?:代表取締役(?:社長)?|取締役社長|代表理事|理事長|会長|"
    r"学長|総長|病院長|院長|市長|町長|村長|区長|知事|校長|社長|所長)[^\s]{2,8}$"
)
_CREDIT_AFTER = re.compile(
    r"(?:より|から)(?:引用|転載|抜粋)$|(?:発表資料|プレスリリース|公式発表)$"
)
# What no name holds: a clause, a title's words, a list number, a pointer (`同事務所`).
_NOT_NAME_TEXT = re.compile(
    r"について|に関する|お詫び|おわび|お知らせ|した|する|され|して|ている|[、。]|^\d|"
    r"^(?:同|当|弊|本|各)(?:社|市|町|村|区|県|府|都|道|学|院|校|園|行|会|店|館|庁|省|署|事務所|"
    r"法人|機構|センター|グループ|協会|病院|大学|団体|組合)$"
)


def plain_name(raw: str) -> str | None:
    """The organization a head line names, or None when what it holds is no name (a title,
    a pointer such as `同事務所`, a numbered label)."""
    for part in reversed([p for p in re.split(r"\s*[|｜]\s*", raw) if p.strip()]):
        name = tidy_name(_CREDIT_AFTER.sub("", _HEAD_LABEL.sub("", part.strip())).strip())
        name = _GLUED_SIGNER_AFTER.sub("", clean_org(name))
        if 2 <= len(name) <= 40 and not _NOT_NAME_TEXT.search(name) and not is_generic(name):
            return name
    return None


def _issuer(doc: Doc, heading: Heading, hint: str | None) -> Found[str | None]:
    """The issuer from the head; else a self-alias, signature, the caller's hint (a notice
    that only says 弊社), or for a news article the subject of its first sentence; a page
    with neither falls back on the hint (its site name) when that names an organization."""
    head_name = plain_name(heading.organization) if heading.organization else None
    if head_name:
        named: Found[str | None] = Found(head_name, heading.organization_span)
        # A title naming a short form (`大江分院における…`) signed in full below.
        signed = _signature(doc)
        full = signed.value if signed else None
        if full and named.value and named.value in full[1:] and could_be_name(full):
            return Found(full, signed.evidence if signed else None)
        return named
    if is_first_person(doc):
        m = _SELF_ALIAS.search(doc.text) or _SELF_APPOSED.search(doc.text)
        if m and looks_like_org(m.group(1)):
            return Found(clean_org(m.group(1)), m.group(0))
        subject = _legal_subject(doc, heading) or _named_by_its_people(doc, heading)
        if subject is not None:
            return subject
        signed = _signature(doc)
        if signed is not None:
            return signed
        site = _site(doc, heading)
        if site is not None:
            return site
        # A news article quoting the organization's own words (`今後とも弊社として…`):
        # news is written plainly, an own notice humbly.
        if not _HUMBLE.search(_unquoted(doc.text)):
            reported = _news_subject(doc, heading)
            if reported is not None:
                return reported
        if hint:
            return Found(clean_org(hint), _from_source(hint))
        return Found(None)
    subject = _news_subject(doc, heading)
    if subject is not None:
        return subject
    # A page that speaks of `本件` but never `弊社` (a game or service page) still signs off.
    signed = _signature(doc)
    if signed is not None and not _MEDIA.search(signed.value or ""):
        return signed
    members = _named_by_its_people(doc, heading)
    if members is not None:
        return members
    if hint and looks_like_org(hint) and not _MEDIA.search(hint):
        return Found(clean_org(hint), _from_source(hint))
    return Found(None)

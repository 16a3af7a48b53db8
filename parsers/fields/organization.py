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
from parsers.orgname import LEGAL_FORMS_JA

# How an organization refers to itself; a text without any of these is a third party's
# (news) account.
FIRST_PERSON = re.compile(
    r"弊社|当社|弊行|当行|本学|当学|本法人|当法人|弊機構|当機構|本機構|弊団体|当団体|当院|本院|弊院|"
    r"本校|当校|当センター|弊センター|本市|当市|本町|当町|当組合|弊組合|当協会|弊協会|私ども|"
    r"わたくしども|弊店|当店|弊グループ|当グループ|当財団|弊財団|本財団|当館|本館|本会|当会|弊会"
)
_SELF_ALIAS = re.compile(
    r"([^\s「」、。()（）]{2,40}?)\s*[(（]\s*以下[、,]?\s*「(?:当社|弊社|当行|本学|当機構|本法人|当法人)」"
)
# The subject of a news lead, with an optional aside (`みなと中央病院(愛浜県汐見市)は2024年…`).
_SUBJECT_TAIL = r"\s*(?:\([^()]{1,30}\))?\s*(?:は|が)(?=\d|、|同|今|本|昨)"
_NEWS_SUBJECT = re.compile(rf"^\s*([^\s、。「」()（）]{{2,30}}?){_SUBJECT_TAIL}")
_LEGAL = "|".join(re.escape(form) for form in LEGAL_FORMS_JA)
# A subject with its legal form after a description (`…を提供する株式会社Xは、`).
_DESCRIBED_SUBJECT = re.compile(
    rf"((?:{_LEGAL})[^\s、。「」()]{{1,30}}?|[^\s、。「」()をにがでは]{{1,30}}?(?:{_LEGAL})){_SUBJECT_TAIL}"
)
# A first sentence opening with the issuer (`一般社団法人Xのサーバー機器が…`, `X株式会社は、`);
# not a supplier named before what it supplies (`X株式会社が提供する…`).
_LEGAL_SUBJECT = re.compile(
    rf"^\s*((?:{_LEGAL})[^\s、。「」()（）のはが]{{1,30}}|[^\s、。「」()（）]{{1,30}}?(?:{_LEGAL}))"
    r"\s*(?:は|では|において|にて|の(?!提供|委託|開発|販売)|が(?!提供|開発|販売))"
)
# A news lead's subject placed by an aside (`コープ例示(例示市)は2024年3月5日、`,
# `X(本社・東京都港区)は`): how a newspaper introduces an organization by any name.
_PLACED_SUBJECT = re.compile(
    r"^\s*([^\s、。「」()（）]{2,30}?)\s*\((?:本社|本部|所在地)?[:・]?[^()]{0,16}?"
    r"[都道府県市区町村](?:[^()]{0,12})\)\s*(?:は|が)(?=\d|、|同|今|本|昨)"
)
# A news sentence opening with where it happened (`山口県岩国市の公立中学校で`, `X生命保険の
# 子会社の口座から`).
_LEAD_ORG = re.compile(r"^\s*([^\s、。「」()（）をにへ]{2,30}?)(?:の|で|は|が|において|にて)")
# A public school named in full (`富山市立八尾中学校`): the issuer in an article about it.
_PUBLIC_SCHOOL = re.compile(
    rf"(?:[^\s、。「」()（）のはがでに]|{PLACE_GA}){{1,12}}?[都道府県市区町村]立"
    rf"(?:[^\s、。「」()（）のはがでに]|{PLACE_GA}){{1,20}}?"
    r"(?:小学校|中学校|高等学校|高校|中等教育学校|義務教育学校|特別支援学校|幼稚園|保育園|保育所|こども園|大学)"
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


def is_first_person(doc: Doc) -> bool:
    return bool(FIRST_PERSON.search(doc.text))


# Words that point back or generalize (`同社`, `当市`, `各校`, `大手銀行`): never a name.
_NOT_A_NAME = re.compile(r"^(?:同|当|弊|本|各|全|某|一部|大手|複数|多く|ある|その|この|他)")


def _named(token: str) -> bool:
    return looks_like_org(token) and not _NOT_A_NAME.match(token)


def _signature(doc: Doc) -> Found[str | None] | None:
    """A closing signature or contact block naming the issuer (`有限会社…` near the end, or
    a municipality's department: `例示市 総務部 情報政策課` → `例示市`)."""
    for line in reversed(doc.lines[-8:]):
        text = _CONTACT_LABEL.sub("", line.text.strip())
        name = issuer_of(text)
        if name is None:
            continue
        if re.search(r"株式会社|有限会社|法人", name) or _MUNICIPAL.search(name) or name != text:
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
    first = _first_sentence(doc, heading)
    m = _LEGAL_SUBJECT.match(first or "")
    if m and _named(m.group(1)):
        return Found(clean_org(m.group(1)), m.group(0))
    return None


# A news article about an arrest or a court case opens with the police; the organization
# the incident happened to is named as the victim (`被害に遭ったのは、株式会社X`).
_VICTIM = re.compile(
    r"(?:被害に(?:遭|あ)った|被害を受けた|標的(?:と|に)なった)(?:の|企業|会社|法人)は、?\s*"
    r"([^\s、。「」()（）]{2,30}?)\s*(?=[(（、。]|で(?:ある|す)|だ)"
)
_PROSECUTION = re.compile(r"県警|府警|道警|警視庁|警察|地検|検察")
_ANNOUNCED = re.compile(r"発表|公表|明らかに|公開|お知らせ")
_HEADLINE_BREAK = "、,:： 　のでがはに"


def _headline_named(doc: Doc, heading: Heading, subject: str) -> Found[str | None] | None:
    """A lead's subject with no legal form or organization suffix (`東西急行電鉄は…と発表
    した`, `計測機器メーカーの大和田計器(…)は`) when the headline opens with the same name:
    news headlines lead with who it happened to."""
    if heading.body_start == 0 or not doc.lines or doc.lines[0].start >= heading.body_start:
        return None
    headline = doc.lines[0].text
    names = [subject] + [subject[i + 1 :] for i, ch in enumerate(subject) if ch == "の"]
    for name in names:
        after = headline[len(name) : len(name) + 1]
        if (
            len(name) >= 2
            and headline.startswith(name)
            and after
            and after in _HEADLINE_BREAK
            and not _NOT_A_NAME.match(name)
            and not _MEDIA.search(name)
            and not _PROSECUTION.search(name)
        ):
            return Found(municipality(clean_org(name)), name)
    return None


def _plausible_subject(name: str) -> bool:
    """A lead's subject that may be named as it stands: not a pointer (`同社`), a news
    outlet or the police."""
    return not (_NOT_A_NAME.match(name) or _MEDIA.search(name) or _PROSECUTION.search(name))


def _news_subject(doc: Doc, heading: Heading) -> Found[str | None] | None:
    """`岡山県は2022年11月27日、…と発表した`: the subject of a news article's first sentence;
    else a public school the article names in full; else the organization or municipality
    the first sentence opens with (`山口県岩国市の公立中学校で…` → 岩国市)."""
    first = _first_sentence(doc, heading)
    if first is None:
        return None
    school = _PUBLIC_SCHOOL.search(doc.text[heading.body_start :])
    lead = _NEWS_SUBJECT.match(first)
    if lead and _PROSECUTION.search(lead.group(1)):
        victim = _VICTIM.search(doc.text, heading.body_start)
        if victim and _named(victim.group(1)):
            return Found(clean_org(victim.group(1)), victim.group(0))
    for m in (lead, _DESCRIBED_SUBJECT.search(first)):
        if m and _named(m.group(1)):
            if school and _BOARD.search(m.group(1)):
                break  # a school board announcing for one of its schools
            return Found(municipality(clean_org(m.group(1))), m.group(0))
    if school:
        return Found(school.group(0), school.group(0))
    if lead and _ANNOUNCED.search(first):
        named = _headline_named(doc, heading, lead.group(1))
        if named is not None:
            return named
        placed = _PLACED_SUBJECT.match(first)
        if placed and _plausible_subject(placed.group(1)):
            return Found(clean_org(placed.group(1)), placed.group(0))
    m = _LEAD_ORG.match(first)
    if m and _named(m.group(1)):
        return Found(municipality(clean_org(m.group(1))), m.group(0))
    return None


# A holding company disclosing an incident at one of its subsidiaries (`当社の連結子会社で
# ある株式会社X(以下「X」)において、…不正アクセスを受け`): the incident happened to the
# subsidiary. A contractor (委託先) is not meant: its client's data is the client's incident.
_SUBSIDIARY = re.compile(
    r"(?:当社|弊社|当グループ|弊グループ)(?:の)?(?:連結|海外|国内|完全|100%)*(?:子会社|グループ会社|関係会社)"
    r"(?:である|の|、)\s*"
    rf"((?:{_LEGAL})[^\s、。「」()]{{1,30}}?|[^\s、。「」()をにがでは]{{1,30}}?(?:{_LEGAL}))"
    r"\s*(?:\([^()]{0,60}\))?\s*(?:において|にて|で|は|が|の(?:サーバ|システム|ネットワーク|端末))"
)


def _subsidiary(doc: Doc, heading: Heading) -> Found[str | None] | None:
    """The subsidiary an issuer's opening sentences say the incident happened at."""
    body = [s for s in doc.sentences if s.start >= heading.body_start][:2]
    for sentence in body:
        m = _SUBSIDIARY.search(sentence.text)
        if m and _named(m.group(1)):
            return Found(clean_org(m.group(1)), m.group(0))
    return None


def extract_organization(doc: Doc, heading: Heading, hint: str | None) -> Found[str | None]:
    """The issuer; a school board writing about one of its schools named in full gives the
    school, and a parent company reporting on a subsidiary gives the subsidiary: the
    organization the incident happened to."""
    found = _issuer(doc, heading, hint)
    if is_first_person(doc):
        subsidiary = _subsidiary(doc, heading)
        if subsidiary is not None:
            return subsidiary
    if found.value and _BOARD.search(found.value):
        schools = set(_PUBLIC_SCHOOL.findall(doc.text[heading.body_start :]))
        if len(schools) == 1:
            school = schools.pop()
            return Found(school, school)
    return found


def _from_source(hint: str) -> str:
    """Evidence for a name the text does not state: where it came from instead."""
    return f"(from the source, not the text) {hint}"


def _issuer(doc: Doc, heading: Heading, hint: str | None) -> Found[str | None]:
    """The issuer from the head; else a self-alias, signature, the caller's hint (a notice
    that only says 弊社), or for a news article the subject of its first sentence; a page
    with neither falls back on the hint (its site name) when that names an organization."""
    if heading.organization:
        return Found(heading.organization, heading.organization_span)
    if is_first_person(doc):
        m = _SELF_ALIAS.search(doc.text)
        if m and looks_like_org(m.group(1)):
            return Found(clean_org(m.group(1)), m.group(0))
        subject = _legal_subject(doc, heading)
        if subject is not None:
            return subject
        signed = _signature(doc)
        if signed is not None:
            return signed
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
    if hint and looks_like_org(hint) and not _MEDIA.search(hint):
        return Found(clean_org(hint), _from_source(hint))
    return Found(None)

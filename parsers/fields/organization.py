"""Which organization the incident happened to, as the text names it."""

from __future__ import annotations

import re

from parsers.fields.doc import Doc, Found
from parsers.fields.heading import Heading, clean_org, looks_like_org

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
_NEWS_SUBJECT = re.compile(r"^\s*([^\s、。「」()（）]{2,30}?)(?:は|が)(?=\d|、|同|今|本|昨)")


def is_first_person(doc: Doc) -> bool:
    return bool(FIRST_PERSON.search(doc.text))


def _signature(doc: Doc) -> Found[str | None] | None:
    """A closing signature or contact block naming the issuer (`有限会社…` near the end)."""
    for line in reversed(doc.lines[-8:]):
        text = line.text.strip()
        if len(text) <= 40 and looks_like_org(text) and re.search(r"株式会社|有限会社|法人", text):
            return Found(clean_org(text), text)
    return None


def _news_subject(doc: Doc, heading: Heading) -> Found[str | None] | None:
    """`岡山県は2022年11月27日、…と発表した`: the subject of a news article's first sentence."""
    body = [s for s in doc.sentences if s.start >= heading.body_start]
    if not body:
        return None
    m = _NEWS_SUBJECT.match(body[0].text)
    if m and looks_like_org(m.group(1)):
        return Found(clean_org(m.group(1)), m.group(0))
    return None


def extract_organization(doc: Doc, heading: Heading, hint: str | None) -> Found[str | None]:
    """The issuer from the head; else a self-alias, signature, the caller's hint (a notice
    that only says 弊社), or for a news article the subject of its first sentence."""
    if heading.organization:
        return Found(heading.organization, heading.organization_span)
    if is_first_person(doc):
        m = _SELF_ALIAS.search(doc.text)
        if m and looks_like_org(m.group(1)):
            return Found(clean_org(m.group(1)), m.group(0))
        signed = _signature(doc)
        if signed is not None:
            return signed
        if hint:
            return Found(clean_org(hint), None)
        return Found(None)
    subject = _news_subject(doc, heading)
    return subject if subject is not None else Found(None)

"""Whether the incident meets an APPI reporting trigger (個人情報保護委員会への報告対象).

The 個人情報保護法 施行規則 第7条 makes a leak reportable to the PPC when it involves
要配慮個人情報, data whose misuse can cause financial loss, a leak caused with 不正の目的,
or more than 1,000 people. The parsed fields carry most of this (data items, categories,
counts); the text is read only for 要配慮 wording the data-item vocabulary lacks. The
result is a triage hint for readers of alerts, not a legal judgement.
"""

from __future__ import annotations

import re

from parsers.fields.doc import Found, negated_after, shorten
from parsers.schema import Category, DataItem, Incident
from parsers.textnorm import nfkc

PEOPLE_THRESHOLD = 1000

# Categories that mean someone acted with 不正の目的 (an attacker or a malicious insider).
_MALICIOUS = frozenset(
    {
        Category.UNAUTHORIZED_ACCESS,
        Category.WEB_SKIMMING,
        Category.RANSOMWARE,
        Category.MALWARE,
        Category.INSIDER,
    }
)
_SENSITIVE = re.compile(r"要配慮個人情報|病歴|診療|健康診断")
# Sites where a login and password give access to money: shops, payment, points.
# `(?<!リ)ストア`: a ransomware notice's リストア (restore from backup) is no store.
_PAYMENT_SITE = re.compile(
    r"EC\s*サイト|通販|通信販売|ショッピング|ショップ|(?<!リ)ストア|決済|購入|ポイント"
)
_SENTENCE = re.compile(r"[^。\n]+")


def _label(incident: Incident, field: str) -> str:
    return incident.evidence.get(field) or field


def _financial(text: str, incident: Incident) -> str | None:
    items = set(incident.data_items)
    card = sorted(i.value for i in items if i.value.startswith("card_"))
    if incident.card_data_leaked or card:
        return f"カード情報: {_label(incident, 'data_items')}"
    if DataItem.BANK_ACCOUNT in items:
        return f"口座情報: {_label(incident, 'data_items')}"
    if {DataItem.PASSWORD, DataItem.LOGIN_ID} <= items:
        site = _affirmed_sentence(text, _PAYMENT_SITE)
        if site:
            return f"決済・EC サイトの ID とパスワード: {site}"
    return None


def _affirmed_sentence(text: str, pattern: re.Pattern[str]) -> str | None:
    """The first sentence mentioning `pattern` without denying it (`…は含まれておりません`)."""
    for sentence in _SENTENCE.finditer(text):
        m = pattern.search(sentence.group(0))
        if m and not negated_after(sentence.group(0), m.end()):
            return sentence.group(0)
    return None


def _sensitive(text: str, incident: Incident) -> str | None:
    if DataItem.HEALTH in incident.data_items:
        return f"要配慮個人情報: {_label(incident, 'data_items')}"
    mention = _affirmed_sentence(text, _SENSITIVE)
    return f"要配慮個人情報: {mention}" if mention else None


def _malicious(incident: Incident) -> str | None:
    hit = [c.value for c in incident.categories if c in _MALICIOUS]
    if hit:
        return f"不正の目的 ({', '.join(hit)}): {_label(incident, 'categories')}"
    return None


def _many(incident: Incident) -> str | None:
    people = incident.people_affected
    if people is not None and people > PEOPLE_THRESHOLD:
        return f"{people}人 (>{PEOPLE_THRESHOLD}): {_label(incident, 'people_affected')}"
    return None


def extract_ppc_reportable(doc_text: str, incident: Incident) -> Found[bool]:
    """True, with the first trigger met as evidence, when the incident is reportable.

    `incident` is the otherwise complete parse of `doc_text`; a non-incident is never
    reportable.
    """
    if not incident.is_incident:
        return Found(False)
    text = nfkc(doc_text)
    for reason in (
        _financial(text, incident),
        _sensitive(text, incident),
        _malicious(incident),
        _many(incident),
    ):
        if reason:
            return Found(True, shorten(reason))
    return Found(False)

"""Notice text → `Incident`: the only place an Incident is assembled.

The text is NFKC-normalized and letter-spacing repaired once; every field extractor
then reads the same `Doc`. Extractors prefer null to a guess; this module only applies
the schema's cross-field rules (no categories or data for a non-incident, card data
flag from the items, and so on).
"""

from __future__ import annotations

import re

from parsers.bounds import head_of
from parsers.fields.categories import extract_categories
from parsers.fields.cause import extract_cause
from parsers.fields.counts import extract_counts
from parsers.fields.data_items import extract_data_items
from parsers.fields.dates import extract_discovered, extract_exposure, extract_published
from parsers.fields.doc import Doc, Found
from parsers.fields.heading import parse_heading
from parsers.fields.is_incident import extract_is_incident
from parsers.fields.organization import extract_organization, speaks_as_issuer
from parsers.fields.ppc import extract_ppc_reportable
from parsers.fields.reported_to import extract_reported_to
from parsers.fields.services import extract_services
from parsers.fields.stage import extract_stage
from parsers.fields.title import extract_title
from parsers.hints import NoticeHints
from parsers.pdf import repair_spacing, unwrap_lines
from parsers.schema import CARD_ITEMS, Category, Incident
from parsers.textnorm import nfkc

# Circled numbers (①…⑳) enumerate list items; NFKC would turn `① 氏名` into `1 氏名`,
# which reads as a numbered section heading (`1 経緯`). They become plain bullets first.
_CIRCLED = re.compile("[\u2460-\u2473]")


# A content system's skip-link line before the body (`ここから本文です。`): a sentence to
# every extractor that looks for the body's first one, though it says nothing.
_SKIP_LINK = re.compile(
    r"^[ \t]*(?:ここから本文です。?|ここから本文|本文ここから|本文へ(?:スキップ|移動))[ \t]*$", re.M
)


def normalize(text: str) -> str:
    """The one normalization every extractor relies on: list bullets, hard-wrapped lines of
    PDF-derived text rejoined, NFKC, PDF letter-spacing, skip-link lines dropped."""
    return repair_spacing(nfkc(unwrap_lines(_SKIP_LINK.sub("", _CIRCLED.sub("・", text)))))


def _card_total(
    cards: Found[int | None], people: Found[int | None], card_leaked: bool
) -> Found[int | None]:
    """Records that include card data count as cards when no separate card count is given."""
    if cards.value is None and card_leaked and people.value is not None:
        return people
    return cards


def parse_text(text: str, *, hints: NoticeHints | None = None) -> Incident:
    """Parse one notice's text into the incident schema (its first MAX_NOTICE_CHARS)."""
    hints = hints or NoticeHints()
    doc = Doc(normalize(head_of(text)))
    heading = parse_heading(doc)
    news = not speaks_as_issuer(doc)

    organization = extract_organization(doc, heading, nfkc(hints.organization or "") or None)
    title = extract_title(heading, nfkc(hints.title or "") or None)
    published = extract_published(doc, heading, news=news)
    if published.value is None and hints.published is not None:
        published = Found(hints.published, None)
    stage = extract_stage(doc, published.value)
    categories = extract_categories(doc)
    is_incident = extract_is_incident(doc, categories, title.value, news=news)
    evidence: dict[str, str | None] = {
        "is_incident": is_incident.evidence,
        "organization": organization.evidence,
        "published": published.evidence,
        "stage": stage.evidence,
    }
    incident = Incident(
        is_incident=is_incident.value,
        organization=organization.value,
        title=title.value,
        published=published.value,
        stage=stage.value,
    )
    if not is_incident.value:
        incident.evidence = {k: v for k, v in evidence.items() if v}
        return incident

    cats = categories.value or [Category.OTHER]
    held = bool({Category.LOSS_THEFT, Category.MISDELIVERY} & set(cats))
    items = extract_data_items(doc, held=held)
    counts = extract_counts(doc, held=held, body_start=heading.body_start)
    card_leaked = any(item in CARD_ITEMS for item in items.value)
    if counts.card_records.value is not None:
        cards = _card_total(counts.cards, counts.card_records, card_leaked)
    else:
        cards = _card_total(counts.cards, counts.people, card_leaked and counts.people_with_cards)
    exposed = bool(items.value) or counts.people.value is not None or cards.value is not None
    exposure = extract_exposure(
        doc,
        misdirected=Category.MISDELIVERY in cats,
        skimming=card_leaked or Category.WEB_SKIMMING in cats,
    )
    if not exposed:
        exposure = type(exposure)(Found(None), Found(None))
    discovered = extract_discovered(doc)
    reported = extract_reported_to(doc, organization.value)
    services = extract_services(doc)
    cause = extract_cause(doc)

    incident.categories = cats
    incident.services = services.value
    incident.people_affected = counts.people.value
    incident.cards_affected = cards.value
    incident.data_items = items.value
    incident.card_data_leaked = card_leaked
    incident.exposure_start = exposure.start.value
    incident.exposure_end = exposure.end.value
    incident.discovered = discovered.value
    incident.reported_to = reported.value
    incident.cause = cause.value
    evidence |= {
        "categories": categories.evidence,
        "services": services.evidence,
        "people_affected": counts.people.evidence,
        "cards_affected": cards.evidence,
        "data_items": items.evidence,
        "card_data_leaked": items.evidence if card_leaked else None,
        "exposure_start": exposure.start.evidence,
        "exposure_end": exposure.end.evidence,
        "discovered": discovered.evidence,
        "reported_to": reported.evidence,
        "cause": cause.evidence,
    }
    incident.evidence = {k: v for k, v in evidence.items() if v}
    ppc = extract_ppc_reportable(doc.text, incident)
    incident.ppc_reportable = ppc.value
    if ppc.evidence:
        incident.evidence["ppc_reportable"] = ppc.evidence
    return incident


__all__ = ["NoticeHints", "parse_text"]

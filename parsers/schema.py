"""The incident schema (v1): the contract of ../shared/spec/incident-schema.md.

Field names and enum values are fixed by the spec; fields may be added, never renamed.
"""

from __future__ import annotations

import datetime as dt
import typing
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1


class Category(StrEnum):
    UNAUTHORIZED_ACCESS = "unauthorized_access"
    WEB_SKIMMING = "web_skimming"
    RANSOMWARE = "ransomware"
    MALWARE = "malware"
    DDOS = "ddos"
    PHISHING = "phishing"
    INSIDER = "insider"
    MISDELIVERY = "misdelivery"
    LOSS_THEFT = "loss_theft"
    OTHER = "other"


class Stage(StrEnum):
    REPORT = "report"
    UPDATE = "update"
    FINAL = "final"


class DataItem(StrEnum):
    NAME = "name"
    ADDRESS = "address"
    PHONE = "phone"
    EMAIL = "email"
    BIRTHDATE = "birthdate"
    GENDER = "gender"
    PASSWORD = "password"
    LOGIN_ID = "login_id"
    CARD_HOLDER = "card_holder"
    CARD_NUMBER = "card_number"
    CARD_EXPIRY = "card_expiry"
    CARD_CVV = "card_cvv"
    BANK_ACCOUNT = "bank_account"
    NATIONAL_ID = "national_id"
    HEALTH = "health"
    OTHER = "other"


class Authority(StrEnum):
    PPC = "ppc"
    POLICE = "police"
    OTHER_AUTHORITY = "other_authority"


CARD_ITEMS = frozenset({DataItem.CARD_NUMBER, DataItem.CARD_EXPIRY, DataItem.CARD_CVV})


class Incident(BaseModel):
    """One parsed notice. `null` (None) means the text does not state it."""

    model_config = ConfigDict(extra="forbid", use_enum_values=False)

    schema_version: int = SCHEMA_VERSION
    is_incident: bool = False
    organization: str | None = None
    title: str | None = None
    published: dt.date | None = None
    stage: Stage = Stage.REPORT
    categories: list[Category] = Field(default_factory=list)
    services: list[str] = Field(default_factory=list)
    people_affected: int | None = None
    cards_affected: int | None = None
    data_items: list[DataItem] = Field(default_factory=list)
    card_data_leaked: bool = False
    exposure_start: dt.date | None = None
    exposure_end: dt.date | None = None
    discovered: dt.date | None = None
    reported_to: list[Authority] = Field(default_factory=list)
    # APPI reporting triggers met (個情委報告対象): card or other data open to financial
    # misuse, 不正の目的, 要配慮個人情報, or more than 1,000 people. Added after v1; a triage
    # hint derived from the other fields and the text, not the issuer's own statement.
    ppc_reportable: bool = False
    cause: str | None = None
    evidence: dict[str, str] = Field(default_factory=dict)

    def to_json_dict(self) -> dict[str, object]:
        """The spec's JSON shape: ISO dates, enum values as strings."""
        return self.model_dump(mode="json")


def _fields_of(container: type) -> frozenset[str]:
    return frozenset(
        name
        for name, info in Incident.model_fields.items()
        if typing.get_origin(info.annotation) is container
    )


# Derived from the model, so a field added to it is merged, scored and exported as its kind.
LIST_FIELDS: frozenset[str] = _fields_of(list)
MAPPING_FIELDS: frozenset[str] = _fields_of(dict)

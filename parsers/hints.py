"""What a caller knows of a notice from outside its text; a module of its own so that the
collector can describe a document to the parse workers without importing the parsers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class NoticeHints:
    """What the caller knows from outside the text (HTML `<h1>`, feed entry, source config).

    `organization` is used only when the notice names no issuer (it says 弊社/当社);
    `published` only when the text prints no date of its own.
    """

    title: str | None = None
    organization: str | None = None
    published: dt.date | None = None

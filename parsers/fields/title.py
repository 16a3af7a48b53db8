"""The notice's own title, without the date and organization that blogs prefix to it."""

from __future__ import annotations

from parsers.fields.doc import Found
from parsers.fields.heading import Heading


def extract_title(heading: Heading, hint: str | None) -> Found[str | None]:
    """The head's title line; else the caller's hint (an HTML `<h1>` or feed entry title)."""
    if heading.title:
        return Found(heading.title.strip(), heading.title)
    if hint:
        return Found(hint.strip(), None)
    return Found(None)

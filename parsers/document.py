"""A fetched or uploaded document (bytes) → its text → `Incident`.

Dispatch is by media type, then file extension, then sniffing the bytes, because
servers mislabel PDFs as `application/octet-stream` and HTML as `text/plain`.
All byte decoding goes through `parsers.charset.decode`.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Literal

from parsers.bounds import head_of
from parsers.charset import decode
from parsers.errors import UnsupportedFormat
from parsers.hints import NoticeHints
from parsers.html_text import read_html
from parsers.notice import parse_text
from parsers.pdf import pdf_to_text
from parsers.schema import Incident

Kind = Literal["pdf", "html", "text"]

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TEXT_TYPES = ("text/plain", "text/markdown")
_UNSUPPORTED_PREFIXES = ("image/", "audio/", "video/", "font/")
_UNSUPPORTED_TYPES = (
    "application/zip",
    "application/msword",
    "application/vnd.openxmlformats-officedocument",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
)
_EXTENSIONS: dict[str, Kind] = {
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".txt": "text",
    ".text": "text",
    ".md": "text",
}
_HTML_SNIFF = re.compile(
    rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<(?:div|p|meta|title|article)[\s>]",
    re.IGNORECASE,
)
# Only the start is sniffed: a text notice quoting `<p>` deep inside is still text.
_SNIFF_BYTES = 1024
# A site that publishes others' news or reposts their notices names itself, not the
# organization a notice on it is about.
_MEDIA_SITE = re.compile(
    r"ニュース|新聞|通信社|タイムズ|ブログ|事件簿|まとめ|ウォッチ|news|blog|times|watch|press",
    re.IGNORECASE,
)


def _kind(data: bytes, media_type: str | None, name: str | None) -> Kind:
    mt = (media_type or "").split(";", 1)[0].strip().lower()
    if data.lstrip()[:5] == b"%PDF-" or mt == "application/pdf":
        return "pdf"
    if mt.startswith(_UNSUPPORTED_PREFIXES) or mt.startswith(_UNSUPPORTED_TYPES):
        raise UnsupportedFormat(f"document: unsupported media type {mt!r}")
    if mt in _HTML_TYPES:
        return "html"
    if name:
        suffix = name.lower().rsplit("/", 1)[-1]
        for ext, kind in _EXTENSIONS.items():
            if suffix.endswith(ext):
                return kind
    if mt in _TEXT_TYPES or not mt or mt == "application/octet-stream":
        return "html" if _HTML_SNIFF.search(data[:_SNIFF_BYTES]) else "text"
    if mt.startswith("text/"):
        return "text"
    raise UnsupportedFormat(f"document: unsupported media type {mt!r}")


def _extract(
    data: bytes,
    *,
    media_type: str | None,
    charset: str | None,
    encoding_override: str | None,
    name: str | None,
) -> tuple[str, str | None, str | None]:
    """(text, html title or None, html site name or None)."""
    kind = _kind(data, media_type, name)
    if kind == "pdf":
        return head_of(pdf_to_text(data)), None, None
    decoded = decode(data, http_charset=charset, override=encoding_override)
    if kind == "html":
        page = read_html(decoded.text)
        return head_of(_heading_apart(page.text, page.title)), page.title, page.site_name
    return head_of(decoded.text), None, None


def _heading_apart(text: str, title: str | None) -> str:
    """The page's heading set apart from the body by a blank line, as in a text notice: a
    long headline without a full stop would otherwise read as the start of the first
    sentence (`…懲戒処分を受ける⏎郡山市は…と発表した。` as one sentence)."""
    if not title:
        return text
    first, sep, rest = text.partition("\n")
    if sep and first.strip() == title.strip():
        return f"{first}\n\n{rest}"
    return text


def document_text(
    data: bytes,
    *,
    media_type: str | None = None,
    charset: str | None = None,
    encoding_override: str | None = None,
    name: str | None = None,
) -> str:
    """The document's notice text (HTML main content, PDF text, or decoded plain text).

    Raises UnsupportedFormat, UndecodableText or PdfError (all ParseError).
    """
    text, _, _ = _extract(
        data,
        media_type=media_type,
        charset=charset,
        encoding_override=encoding_override,
        name=name,
    )
    return text


@dataclasses.dataclass(frozen=True)
class ReadDocument:
    """A parsed document and the notice text it was parsed from."""

    facts: Incident
    text: str


def parse_document(
    data: bytes,
    *,
    media_type: str | None = None,
    charset: str | None = None,
    encoding_override: str | None = None,
    name: str | None = None,
    hints: NoticeHints | None = None,
) -> Incident:
    """Parse a document into an Incident; an HTML title fills `hints.title` and its site
    name `hints.organization` when unset."""
    return read_document(
        data,
        media_type=media_type,
        charset=charset,
        encoding_override=encoding_override,
        name=name,
        hints=hints,
    ).facts


def read_document(
    data: bytes,
    *,
    media_type: str | None = None,
    charset: str | None = None,
    encoding_override: str | None = None,
    name: str | None = None,
    hints: NoticeHints | None = None,
) -> ReadDocument:
    """`parse_document`, keeping the notice text (the collector compares copies by it)."""
    text, title, site = _extract(
        data,
        media_type=media_type,
        charset=charset,
        encoding_override=encoding_override,
        name=name,
    )
    hints = hints or NoticeHints()
    if title and not hints.title:
        hints = dataclasses.replace(hints, title=title)
    if site and not hints.organization and not _MEDIA_SITE.search(site):
        hints = dataclasses.replace(hints, organization=site)
    return ReadDocument(parse_text(text, hints=hints), text)

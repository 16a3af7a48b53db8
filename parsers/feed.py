"""RSS 1.0 (RDF), RSS 2.0 and Atom feeds → entries the collector can act on.

feedparser does the format work; this module decides what to trust. Bytes are decoded
by `parsers.charset` (so Shift_JIS feeds get the cp932 superset, like pages do) and
handed to feedparser as UTF-8 through a file object, never as a string, because
feedparser treats a string as a URL or a file name to open. Documents that declare
XML entities are refused before parsing: no feed needs them and they are how entity
expansion bombs work, whatever the local expat's own limits are.

Errors (all `ParseError`, by code): `not_a_feed` (an HTML page or another XML
document), `malformed_feed` (nothing usable survived), `unsafe_feed` (entity
declarations), plus `undecodable` from the charset step.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import io
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from parsers import charset
from parsers.errors import ParseError
from parsers.jpdate import parse_date

# Entries with at least this much plain text in their content carry the whole notice,
# so the collector need not fetch the linked page.
FULL_CONTENT_MIN_CHARS = 400

# Feed dates are read as Japan dates: the sources are Japanese and a notice dated
# 2022-07-04 JST is often stamped "Sun, 03 Jul 2022 23:00 GMT" in its feed.
JST = dt.timezone(dt.timedelta(hours=9), "JST")

_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:rdf)[\s>/]", re.IGNORECASE)
_FIRST_ELEMENT = re.compile(r"<([A-Za-z_][\w.:-]*)")
_PROLOG_JUNK = re.compile(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>", re.DOTALL)
_ENTITY_DECL = re.compile(r"<!ENTITY", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_FEED_ELEMENTS = frozenset({"rss", "feed", "rdf", "channel"})
_HTML_ELEMENTS = frozenset({"html", "head", "body"})
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class FeedEntry:
    """One feed item. `summary` is plain text; `content_html` is feedparser-sanitized HTML."""

    id: str
    title: str
    link: str | None
    published: dt.date | None
    summary: str
    content_html: str | None
    is_full_content: bool


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    entries: list[FeedEntry]


def looks_like_feed(data: bytes) -> bool:
    """Whether the first KB names a feed root element (cheap sniff for `owabi sources add`)."""
    return _FEED_ROOT.search(data[:1024]) is not None


def parse_feed(data: bytes, *, base_url: str, http_charset: str | None = None) -> ParsedFeed:
    """Parse a feed; relative links resolve against `base_url` and only http(s) links are kept."""
    text = charset.decode(data, http_charset=http_charset).text
    root_at = _root_position(text)
    root = _local_name(text, root_at)
    if root in _HTML_ELEMENTS:
        raise ParseError(f"feed: document is HTML (<{root}>), not a feed", code="not_a_feed")
    if _ENTITY_DECL.search(text, 0, root_at):
        raise ParseError("feed: document declares XML entities; refused", code="unsafe_feed")

    body = '<?xml version="1.0" encoding="utf-8"?>' + _XML_DECL.sub("", text, count=1)
    # Imported on the first feed: a command or a configuration without feeds does not
    # pay for it at start-up.
    import feedparser

    parsed = feedparser.parse(
        io.BytesIO(body.encode("utf-8")),
        # No content-location: feedparser would resolve ids ("MYJVN-ALT-2025-0011")
        # into URLs too, and ids must stay as the feed wrote them to stay stable keys.
        response_headers={"content-type": "application/xml; charset=utf-8"},
    )
    title = _plain(parsed.feed.get("title", "")) or None
    entries = _entries(parsed.entries, base_url)
    if not entries and title is None:
        if not parsed.get("version") and root not in _FEED_ELEMENTS:
            what = f"root element <{root}>" if root else "no XML element"
            raise ParseError(f"feed: {what}, not a feed", code="not_a_feed")
        if parsed.get("bozo"):
            reason = _one_line(str(parsed.get("bozo_exception", "unknown error")))
            raise ParseError(
                f"feed: malformed XML and no entries ({reason})", code="malformed_feed"
            )
    return ParsedFeed(title=title, entries=entries)


def _root_position(text: str) -> int:
    """Offset of the root element's `<` (len(text) if none): what precedes it is the prolog."""
    found = _FIRST_ELEMENT.search(text, _prolog_end(text))
    return found.start() if found else len(text)


def _local_name(text: str, pos: int) -> str | None:
    found = _FIRST_ELEMENT.match(text, pos)
    return found.group(1).rsplit(":", 1)[-1].lower() if found else None


def _prolog_end(text: str) -> int:
    """End of the leading XML declaration, comments, processing instructions and DOCTYPE."""
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        junk = _PROLOG_JUNK.match(text, pos)
        if junk is None:
            return pos
        pos = junk.end()


def _entries(raw_entries: list[Any], base_url: str) -> list[FeedEntry]:
    out: list[FeedEntry] = []
    seen: set[str] = set()
    for raw in raw_entries:
        entry = _entry(raw, base_url)
        # A truncated document can leave an item with nothing in it: not an entry.
        empty = not (entry.title or entry.link or entry.summary or entry.content_html)
        if not empty and entry.id not in seen:
            seen.add(entry.id)
            out.append(entry)
    return out


def _entry(raw: Any, base_url: str) -> FeedEntry:
    title = _plain(raw.get("title", ""))
    link = _entry_link(raw, base_url)
    content_html = _content_html(raw)
    summary = _plain(raw.get("summary", ""))
    content_text = _plain(content_html) if content_html else ""
    return FeedEntry(
        id=_entry_id(raw, link, title, summary),
        title=title,
        link=link,
        published=_published(raw),
        summary=summary,
        content_html=content_html,
        is_full_content=len(content_text) > FULL_CONTENT_MIN_CHARS,
    )


def _entry_id(raw: Any, link: str | None, title: str, summary: str) -> str:
    """The feed's own id, else the link, else a digest: something stable across fetches."""
    own = str(raw.get("id") or "").strip()
    if own:
        return own
    if link:
        return link
    digest = hashlib.sha256(f"{title}\n{summary}".encode()).hexdigest()[:32]
    return f"sha256:{digest}"


def _entry_link(raw: Any, base_url: str) -> str | None:
    """The entry's own link element, else its id when that is an absolute http(s) URL.

    feedparser copies an id into `link` when there is no link element (`guidislink`);
    such an id is often not a URL at all ("MYJVN-ALT-2025-0011") and is never relative.
    """
    for link in raw.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return _http_link(link["href"], base_url)
    if raw.get("guidislink"):
        return _http_link(raw.get("id"), "")
    return _http_link(raw.get("link"), base_url)


def _http_link(href: Any, base_url: str) -> str | None:
    if not isinstance(href, str) or not href.strip():
        return None
    try:
        url = urljoin(base_url, href.strip())
        scheme = urlsplit(url).scheme
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def _content_html(raw: Any) -> str | None:
    """The longest content body (content:encoded, atom:content), if any."""
    bodies = [c.get("value", "") for c in raw.get("content", []) if c.get("value", "").strip()]
    return max(bodies, key=len) if bodies else None


def _published(raw: Any) -> dt.date | None:
    for key in ("published", "updated", "created"):
        value = raw.get(key)
        if isinstance(value, str) and value.strip():
            found = _date_of(value.strip(), raw.get(f"{key}_parsed"))
            if found is not None:
                return found
    return None


def _date_of(value: str, parsed: Any) -> dt.date | None:
    """The JST date of a feed timestamp; naive timestamps keep their own date."""
    stamp: dt.datetime | None = None
    try:
        stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            stamp = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            stamp = None
    if stamp is not None:
        return stamp.astimezone(JST).date() if stamp.tzinfo else stamp.date()
    if parsed is not None:
        try:
            year, month, day, hour, minute, second = parsed[:6]
            return (
                dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
                .astimezone(JST)
                .date()
            )
        except (TypeError, ValueError, OverflowError):
            pass
    return parse_date(value)


def _plain(html: str) -> str:
    """Text of an HTML fragment, whitespace collapsed (feed titles and summaries may be HTML)."""
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return _one_line(html)
    node = LexborHTMLParser(html).body
    text = node.text(separator=" ") if node is not None else html
    return _one_line(text)


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()

"""What every source kind produces: leads, i.e. documents that may be notices."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "yclid")


@dataclass(frozen=True)
class Lead:
    """A document a source points at. `content` is set when the source already
    carried the whole document (a full-content feed entry, a notice URL)."""

    url: str
    title: str | None
    published: dt.date | None
    fingerprint: str
    summary: str = ""
    content: bytes | None = None
    media_type: str | None = None
    charset: str | None = None

    @property
    def canonical_url(self) -> str:
        return canonical_url(self.url)


def canonical_url(url: str) -> str:
    """One spelling per document: lowercase host, no fragment, no default port,
    no tracking parameters, so that an entry is new once."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not (
        (parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)
    ):
        host = f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING)
    ]
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", urlencode(query), ""))


def fingerprint(*parts: str | bytes | None) -> str:
    """A stable hash of what identifies a version of an entry."""
    h = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else (part or "").encode("utf-8")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()

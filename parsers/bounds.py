"""How much of one document the parsers read: hostile pages cannot make parsing slow or
large by being deep or long.

A notice states its facts in its first few thousand characters (the longest real notice
in tests/notices/real is about 1,000 characters of body; a long PDF notice about 20,000),
so reading past MAX_NOTICE_CHARS only costs time. No real page nests MAX_HTML_DEPTH
elements deep (HTML parsers take quadratic time in the depth) or holds MAX_HTML_TAGS tags
(a tree of that size costs hundreds of MB).
"""

from __future__ import annotations

MAX_NOTICE_CHARS = 60_000
MAX_HTML_DEPTH = 200
MAX_HTML_TAGS = 50_000


def head_of(text: str, limit: int = MAX_NOTICE_CHARS) -> str:
    """The first `limit` characters of `text`, ended at a line break where one is near."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = head.rfind("\n", limit - 2_000)
    return head[:cut] if cut > 0 else head

"""The collector's branch of the OwabiError tree (see parsers.errors for the whole tree).

These errors cross the collector's boundaries (config loading, HTTP, storage), so each
carries the context a log line or CLI message needs without the caller re-deriving it.
"""

from __future__ import annotations

import re
from typing import Literal

from parsers.errors import OwabiError

FetchCode = Literal[
    "timeout",
    "network",
    "tls_error",
    "http_status",
    "too_large",
    "too_many_redirects",
    "robots_disallowed",
    "blocked_address",
    "bad_url",
]


_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@")


def redact_url(url: str) -> str:
    """Drop `user:password@` from a URL so credentials never reach logs or messages.

    A regex rather than a URL parser because it must also work on URLs too broken to parse.
    """
    return _USERINFO.sub(r"\1", url, count=1)


def _one_line(message: str) -> str:
    """Collapse whitespace runs so an error always renders as one log/CLI line."""
    return " ".join(message.split())


class ConfigError(OwabiError):
    """Configuration that cannot be loaded or is invalid; `path`/`key` point at the culprit."""

    code = "config"

    def __init__(self, message: str, *, path: str | None = None, key: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.key = key


class FetchError(OwabiError):
    """An HTTP fetch that did not produce a usable response.

    str() is a single line without the source id (the caller prefixes it). Messages are
    built from redacted URLs and `url` is redacted here too, so no credentials leak.
    """

    code: FetchCode = "network"

    def __init__(
        self,
        message: str,
        *,
        url: str,
        code: FetchCode,
        source_id: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(_one_line(message), code=code)
        self.url = redact_url(url)
        self.source_id = source_id
        self.status = status


class StoreError(OwabiError):
    """The incident store could not read or write.

    str() is a single line: drivers add hints on lines of their own ("Is the server
    running…?"), and an unreachable store must read as one line in the CLI and the logs.
    """

    code = "store"

    def __init__(self, message: str) -> None:
        super().__init__(_one_line(message))

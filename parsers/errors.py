"""The root of owabi's exception tree and the parsers' branch of it.

OwabiError lives here, in the lowest layer, so that alerts/ and collector/ can
derive from it without importing upward::

    OwabiError
    ├── ParseError            (parsers: input that cannot be read)
    │   ├── UnsupportedFormat
    │   ├── UndecodableText
    │   └── PdfError
    ├── alerts.errors.DeliveryError / RuleError
    └── collector.errors.ConfigError / FetchError / StoreError
"""

from __future__ import annotations


class OwabiError(Exception):
    """Base of every error owabi raises on purpose; `code` is stable for logs and metrics."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return str(self)


class ParseError(OwabiError):
    """The input could not be turned into text or schema objects."""

    code = "parse_error"


class UnsupportedFormat(ParseError):
    code = "unsupported_format"


class UndecodableText(ParseError):
    code = "undecodable"


class PdfError(ParseError):
    code = "pdf_error"

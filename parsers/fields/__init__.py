"""Field extractors: each takes the normalized notice (`Doc`) and returns value + evidence.

`parsers.notice` is the only caller and the only place an `Incident` is assembled.
"""

from parsers.fields.doc import Doc, Found

__all__ = ["Doc", "Found"]

"""Text normalization shared by every parser: NFKC folds full-width digits and symbols."""

from __future__ import annotations

import unicodedata


def nfkc(text: str) -> str:
    """NFKC, so that `２０２２年` and `2022年` look the same to every regex downstream."""
    return unicodedata.normalize("NFKC", text)

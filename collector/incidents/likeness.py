"""Whether two documents are copies of one notice: MinHash over character shingles.

One notice reaches owabi by several routes — the organization's HTML page, its PDF, a blog
that reposts it, a feed carrying it in full — and each copy is wrapped differently
(navigation, line breaks, a spaced-out PDF heading), while the organization's name may
come out missing or spelled differently. The words of the notice are what the copies
share: the text is reduced to letters and digits, cut into overlapping 5-character
shingles, and summarised by 64 minimum hashes. The share of equal minima estimates the
Jaccard similarity of the shingle sets; the 64 minima in 16 bands of 4 give index keys
under which copies (similarity over about one half) meet with high probability, so the
store finds candidates with one indexed lookup instead of comparing texts.
"""

from __future__ import annotations

import hashlib
import random
import re

from parsers.textnorm import nfkc

SHINGLE = 5
PERMUTATIONS = 64
BANDS = 16
ROWS = PERMUTATIONS // BANDS
# Copies of one notice share most shingles (0.8 and more between an HTML notice and its
# PDF); two different notices of one organization, with their template sentences, about
# a fifth. Half sits well between.
COPY_LIKENESS = 0.5
# Where the two parses name different organizations, only a near-verbatim copy counts:
# notices written from one template (card-leak notices of different shops) share much.
SURE_COPY = 0.8
# A text shorter than this (letters and digits) is a headline, not a notice to compare.
MIN_LETTERS = 80

_PRIME = (1 << 61) - 1
_seeded = random.Random(20260701)  # fixed: signatures stored in the store must stay comparable
_A = tuple(_seeded.randrange(1, _PRIME) for _ in range(PERMUTATIONS))
_B = tuple(_seeded.randrange(0, _PRIME) for _ in range(PERMUTATIONS))
_NOT_LETTERS = re.compile(r"[\W_]+")

Signature = tuple[int, ...]


def letters(text: str) -> str:
    """The text's letters and digits (NFKC): what copies of one notice have in common."""
    return _NOT_LETTERS.sub("", nfkc(text))


def signature(text: str) -> Signature | None:
    """The text's MinHash signature, or None for a text too short to compare."""
    core = letters(text)
    if len(core) < MIN_LETTERS:
        return None
    hashes = {
        int.from_bytes(hashlib.blake2b(core[i : i + SHINGLE].encode(), digest_size=8).digest())
        for i in range(len(core) - SHINGLE + 1)
    }
    return tuple(min((a * h + b) % _PRIME for h in hashes) for a, b in zip(_A, _B, strict=True))


def band_keys(sig: Signature) -> list[str]:
    """One index key per band: copies share at least one key with high probability."""
    return [
        f"{band}:"
        + hashlib.blake2b(
            repr(sig[band * ROWS : (band + 1) * ROWS]).encode(), digest_size=8
        ).hexdigest()
        for band in range(BANDS)
    ]


def likeness(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the two texts' shingle sets."""
    return sum(x == y for x, y in zip(a, b, strict=True)) / PERMUTATIONS


_DIGITS = re.compile(r"\d+")


def text_key(text: str) -> str:
    """A hash of what the text says, its numbers left out: a page that stamps the time on
    every request keeps its key, while any changed word changes it (changed counts and
    dates are the parsed facts' to notice)."""
    return hashlib.sha256(_DIGITS.sub("#", letters(text)).encode()).hexdigest()


def title_key(title: str | None) -> str | None:
    """A title as a link between copies: its letters, when long enough to be specific."""
    if not title:
        return None
    core = letters(title)
    return core if len(core) >= 12 else None

"""Bytes → text for Japanese pages and feeds: every charset decision owabi makes lives here.

Japanese sites still serve Shift_JIS and EUC-JP, often with no charset anywhere, and
their declared labels name the narrow JIS codecs while the bytes use the vendor
supersets (NEC/IBM extensions: ①, ㈱, ～). So labels are mapped to the supersets, and
detection is restricted to the handful of encodings a Japanese page can really be in,
which makes a plausibility check on the decoded text far more reliable than a
general-purpose guesser.

Order of evidence: per-source override → HTTP charset → BOM → XML declaration /
`<meta>` → detection. A declared encoding is taken when it decodes strictly; failing
that, when it decodes with very few replaced characters; otherwise detection decides.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Literal

import charset_normalizer

from parsers.errors import UndecodableText

How = Literal["override", "http", "bom", "meta", "xml", "detected", "fallback"]

# Share of replaced characters below which a lossy decode is still the right text
# (a stray byte in a long page), above which the encoding is simply wrong.
MAX_REPLACED_SHARE = 0.005
# How far into the document `<meta charset>` and the XML declaration are looked for.
PRESCAN_BYTES = 4096
# Minimum plausibility (see `_plausibility`) for a detected Japanese decoding.
MIN_PLAUSIBILITY = 0.3

# Labels whose bytes in the wild are the Microsoft / JIS X 0213 supersets.
_ALIASES: dict[str, str] = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "s-jis": "cp932",
    "shiftjis": "cp932",
    "csshiftjis": "cp932",
    "windows-31j": "cp932",
    "ms_kanji": "cp932",
    "ms932": "cp932",
    "x-ms-cp932": "cp932",
    "cp932": "cp932",
    "euc-jp": "euc_jp",
    "euc_jp": "euc_jp",
    "eucjp": "euc_jp",
    "x-euc-jp": "euc_jp",
    "cseucpkdfmtjapanese": "euc_jp",
    "iso-2022-jp": "iso2022_jp",
    "csiso2022jp": "iso2022_jp",
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
}
# Python codecs that are not character encodings of web documents; a page declaring one
# is lying, and decoding with it (escape codecs, punycode) would invent text.
_REFUSED = frozenset(
    {"idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined", "utf-7", "mbcs"}
)
# When a codec fails strictly, the superset tried next (NEC row 13 in EUC-JP pages).
_SUPERSETS: dict[str, tuple[str, ...]] = {"euc_jp": ("euc_jp", "euc_jis_2004")}
_DETECTABLE = ("utf_8", "cp932", "euc_jp", "iso2022_jp")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:\-]+)[\"']")
_META_TAG = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
_META_CHARSET = re.compile(rb"charset\s*=\s*[\"']?\s*([A-Za-z0-9._:\-]+)", re.IGNORECASE)
_ISO2022_ESCAPES = (b"\x1b$B", b"\x1b$@", b"\x1b(J", b"\x1b(B")


@dataclass(frozen=True)
class Decoded:
    """Decoded text plus the codec used and which evidence chose it (for logs and debugging)."""

    text: str
    encoding: str
    how: How


def canonical_encoding(label: str) -> str | None:
    """The Python codec for a charset label, preferring supersets; None if unknown or unfit."""
    key = label.strip().strip("\"'").strip().lower()
    if not key:
        return None
    if key in _ALIASES:
        return _ALIASES[key]
    try:
        info = codecs.lookup(key)
    except LookupError:
        return None
    if info.name in _REFUSED or not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def decode(data: bytes, *, http_charset: str | None = None, override: str | None = None) -> Decoded:
    """Decode `data`, trusting declarations in the documented order, then detection.

    Raises UndecodableText when an override names no known encoding, when an override
    does not fit the bytes, or when neither declarations nor detection give clean text.
    """
    if override is not None:
        encoding = canonical_encoding(override)
        if encoding is None:
            raise UndecodableText(f"charset: unknown override encoding {override!r}")
        text = _decode_strict(data, encoding)
        if text is not None:
            return Decoded(text, _superset_used(data, encoding), "override")
        text = _decode_lossy(data, encoding)
        if text is None:
            raise UndecodableText(f"charset: bytes do not decode as override {encoding}")
        return Decoded(text, encoding, "override")

    declared = _declarations(data, http_charset)
    for encoding, how, body in declared:
        text = _decode_strict(body, encoding)
        if text is not None:
            return Decoded(text, _superset_used(body, encoding), how)
    for encoding, how, body in declared:
        text = _decode_lossy(body, encoding)
        if text is not None:
            return Decoded(text, encoding, how)

    found = _detect(data)
    if found is not None:
        return found
    tried = list(dict.fromkeys([enc for enc, _, _ in declared] + ["utf-8", "cp932", "euc_jp"]))
    raise UndecodableText(f"charset: no acceptable decoding (tried {', '.join(tried)})")


def _declarations(data: bytes, http_charset: str | None) -> list[tuple[str, How, bytes]]:
    """Declared encodings in order of authority, with the bytes each applies to."""
    out: list[tuple[str, How, bytes]] = []
    if http_charset is not None:
        encoding = canonical_encoding(http_charset)
        if encoding is not None:
            out.append((encoding, "http", data))
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            out.append((encoding, "bom", data[len(bom) :]))
            break
    head = data[:PRESCAN_BYTES]
    for label, how in _prescan(head):
        encoding = canonical_encoding(label)
        if encoding is None:
            continue
        # A label read from ASCII markup cannot be UTF-16/32: the markup itself proves
        # an ASCII-compatible encoding (the HTML standard maps these to UTF-8 too).
        if encoding.startswith(("utf-16", "utf-32")):
            encoding = "utf-8"
        out.append((encoding, how, data))
    return out


def _prescan(head: bytes) -> list[tuple[str, How]]:
    labels: list[tuple[str, How]] = []
    xml = _XML_DECL.match(head)
    if xml:
        labels.append((xml.group(1).decode("ascii"), "xml"))
    for tag in _META_TAG.finditer(head):
        found = _META_CHARSET.search(tag.group(0))
        if found:
            labels.append((found.group(1).decode("ascii"), "meta"))
            break
    return labels


def _decode_strict(data: bytes, encoding: str) -> str | None:
    for codec in _SUPERSETS.get(encoding, (encoding,)):
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def _superset_used(data: bytes, encoding: str) -> str:
    """The codec of `encoding`'s superset chain that decoded `data` strictly."""
    for codec in _SUPERSETS.get(encoding, (encoding,)):
        try:
            data.decode(codec)
        except UnicodeDecodeError:
            continue
        return codec
    return encoding


def _decode_lossy(data: bytes, encoding: str) -> str | None:
    """`data` decoded with replacement, when the replaced share is small enough to be noise."""
    try:
        replaced = data.decode(encoding, errors="replace")
        dropped = data.decode(encoding, errors="ignore")
    except LookupError:
        return None
    # Each error yields one U+FFFD under "replace" and nothing under "ignore".
    errors = len(replaced) - len(dropped)
    if errors == 0 or errors < len(replaced) * MAX_REPLACED_SHARE:
        return replaced
    return None


def _detect(data: bytes) -> Decoded | None:
    if any(esc in data for esc in _ISO2022_ESCAPES):
        text = _decode_strict(data, "iso2022_jp")
        if text is not None:
            return Decoded(text, "iso2022_jp", "detected")
    text = _decode_strict(data, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", "detected")

    best = _most_plausible(data, strict=True)
    if best is not None:
        return Decoded(best[1], best[0], "detected")

    match = charset_normalizer.from_bytes(data, cp_isolation=list(_DETECTABLE)).best()
    if match is not None:
        encoding = canonical_encoding(match.encoding) or match.encoding
        return Decoded(str(match), encoding, "detected")

    best = _most_plausible(data, strict=False)
    if best is not None:
        return Decoded(best[1], best[0], "fallback")
    return None


def _most_plausible(data: bytes, *, strict: bool) -> tuple[str, str] | None:
    """Of cp932 / euc_jp (and lossy utf-8), the decoding that reads most like Japanese."""
    candidates: list[tuple[float, str, str]] = []
    encodings = ("cp932", "euc_jp") if strict else ("utf-8", "cp932", "euc_jp")
    for encoding in encodings:
        if strict:
            text = _decode_strict(data, encoding)
            codec = _superset_used(data, encoding) if text is not None else encoding
        else:
            text, codec = _decode_lossy(data, encoding), encoding
        if text is not None:
            candidates.append((_plausibility(text), codec, text))
    if not candidates:
        return None
    score, codec, text = max(candidates, key=lambda c: c[0])
    return (codec, text) if score >= MIN_PLAUSIBILITY else None


def _plausibility(text: str) -> float:
    """How much the non-ASCII part of `text` looks like Japanese, in about [-2, 2].

    Kana dominate real Japanese prose; the wrong multibyte codec instead produces
    half-width katakana, private-use and rare symbols. ASCII is neutral.
    """
    good = bad = total = 0
    for ch in text:
        o = ord(ch)
        if o < 0x80:
            continue
        total += 1
        if 0x3040 <= o <= 0x30FF:  # hiragana, katakana
            good += 2
        elif 0x4E00 <= o <= 0x9FFF or 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF5E:
            good += 1  # kanji, Japanese punctuation, full-width ASCII
        elif 0xFF61 <= o <= 0xFF9F or o == 0xFFFD:  # half-width katakana, replaced bytes
            bad += 1
        elif 0xE000 <= o <= 0xF8FF or 0x80 <= o <= 0x9F:  # private use, C1 controls
            bad += 2
        else:
            bad += 1
    return 1.0 if total == 0 else (good - bad) / total

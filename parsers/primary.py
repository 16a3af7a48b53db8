"""Links from a news article to the affected organization's own notice.

Security-news articles report an incident in fewer words and later than the organization
does, and most of them link its notice: under a 公式発表 / 発表資料 / プレスリリース /
関連リンク heading or label, or as a link whose text names a notice (…に関するお知らせ,
お詫び, 報告, 公表) or whose target is a PDF or a news path on another site. Everything
else an article page links is the site's own (navigation, other articles, rankings) or
not a notice (share buttons, ads, social media). Each candidate is scored by those cues;
only links to another site that carry a notice cue are kept, best first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from parsers.html_text import bounded_markup, inside_article
from parsers.textnorm import nfkc

MAX_LINKS = 2000  # links of a page looked at
_CONTEXT_CHARS = 120  # text around a link searched for a section cue

# A heading or label that introduces the organization's own material.
_SECTION = re.compile(
    r"公式発表|発表資料|公表資料|プレスリリース|ニュースリリース|報道発表|出典|情報源|"
    r"関連リンク|参考リンク|一次情報|発表元|リリース元"
)
# A link text that names a notice.
_NOTICE_TEXT = re.compile(
    r"お知らせ|お詫び|おわび|ご報告|報告|発表|公表|について|に関する|ニュースリリース|プレスリリース"
)
_NOTICE_PATH = re.compile(
    r"/(?:news|release|releases|press|info|information|topics|notice|notices|oshirase|"
    r"important|ir|company/news|newsrelease)(?:/|\.|$)",
    re.IGNORECASE,
)
# Hosts whose links are never an organization's notice: sharing, social media, search,
# ads, shorteners.
_NOT_PRIMARY = re.compile(
    r"(?:^|\.)(?:twitter\.com|x\.com|t\.co|facebook\.com|instagram\.com|linkedin\.com|"
    r"line\.me|youtube\.com|youtu\.be|tiktok\.com|b\.hatena\.ne\.jp|getpocket\.com|"
    r"google\.[a-z.]+|googleadservices\.com|doubleclick\.net|amazon\.[a-z.]+|"
    r"bit\.ly|feedly\.com|note\.com|yahoo\.co\.jp)$",
    re.IGNORECASE,
)
# Blocks that hold no article material: navigation, sharing, ads.
_CHROME = re.compile(
    r"(?:^|[\s_-])(?:nav|navi|gnav|menu|breadcrumbs?|share|sns|social|ad|ads|advert|"
    r"banner|sponsor|sponsored|pr|promo|footer|header|sidebar)(?:$|[\s_-])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PrimaryLink:
    url: str
    text: str
    score: int


def _site(host: str) -> str:
    """The site a host belongs to, near enough to tell a news site's own hosts
    (www., image and sub-sites) from another organization's."""
    if host.replace(".", "").isdigit() or ":" in host:
        return host  # an address: only itself
    labels = host.lower().removeprefix("www.").split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in ("co", "or", "ne", "ac", "go", "lg", "ed") else 2
    return ".".join(labels[-keep:])


def _in_chrome(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None and parent.tag not in ("body", "html"):
        if parent.tag in ("nav", "aside"):
            return True
        if parent.tag in ("header", "footer") and not inside_article(parent):
            return True
        if parent.tag != "article":
            marker = f"{parent.attributes.get('class') or ''} {parent.attributes.get('id') or ''}"
            if _CHROME.search(marker):
                return True
        parent = parent.parent
    return False


_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "dt", "th", "strong", "b", "caption"})


def _context(link: LexborNode) -> str:
    """The words just before a link: what precedes it in its block, then before its
    block, up to the nearest heading or label (`<h3>公式発表</h3><ul><li><a>`,
    `発表資料：<a>`), a few siblings at each of three levels."""
    words: list[str] = []
    node = link
    for _ in range(3):
        sibling = node.prev
        for _ in range(4):
            if sibling is None:
                break
            text = (sibling.text(deep=True) or "")[-_CONTEXT_CHARS:]
            words.append(text)
            if sibling.is_element_node and sibling.tag in _HEADINGS:
                return nfkc(" ".join(words))
            sibling = sibling.prev
        if node.parent is None or node.parent.tag in ("body", "article", "main"):
            break
        node = node.parent
    return nfkc(" ".join(words))


def _score(link: LexborNode, url: str, text: str) -> int:
    path = urlsplit(url).path
    score = 0
    if _SECTION.search(_context(link)):
        score += 2
    if _NOTICE_TEXT.search(text):
        score += 2
    if path.lower().endswith(".pdf"):
        score += 1
    if _NOTICE_PATH.search(path):
        score += 1
    return score


def primary_links(html: str, *, base_url: str, limit: int = 2) -> list[PrimaryLink]:
    """Up to `limit` links of the article at `base_url` that lead to another site's
    notice, best first (document order among equals)."""
    if limit <= 0:
        return []
    tree = LexborHTMLParser(bounded_markup(html))
    root = tree.body
    if root is None:
        return []
    own = _site(urlsplit(base_url).hostname or "")
    found: dict[str, PrimaryLink] = {}
    for index, link in enumerate(root.css("a[href]")):
        if index >= MAX_LINKS:
            break
        rel = (link.attributes.get("rel") or "").lower()
        url = urljoin(base_url, (link.attributes.get("href") or "").strip())
        parts = urlsplit(url)
        host = parts.hostname or ""
        if (
            parts.scheme not in ("http", "https")
            or not host
            or _site(host) == own
            or _NOT_PRIMARY.search(host)
            or "sponsored" in rel
            or _in_chrome(link)
        ):
            continue
        text = " ".join(nfkc(link.text(separator=" ") or "").split())
        score = _score(link, url, text)
        key = url.split("#", 1)[0]
        if score >= 2 and (key not in found or found[key].score < score):
            found[key] = PrimaryLink(key, text, score)
    ranked = sorted(found.values(), key=lambda p: -p.score)  # stable: document order kept
    return ranked[:limit]

"""HTML notice page → the notice's own text, one block per line.

Corporate news pages wrap a few paragraphs of お詫び in menus, breadcrumbs, footers
and scripts. Field extraction relies on lines (headings, list items, table rows), so
block structure is kept as line breaks and everything around the notice is dropped.
NFKC is left to the callers, which normalize all text the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from parsers.bounds import MAX_HTML_DEPTH, MAX_HTML_TAGS, MAX_NOTICE_CHARS

_DROP_TAGS = (
    "script",
    "style",
    "nav",
    "aside",
    "form",
    "noscript",
    "template",
    "iframe",
    "svg",
    "button",
    "select",
)
# Page chrome, unless it sits inside the article (where <header> holds the title and date).
_CHROME_TAGS = ("header", "footer")
# Class/id words of blocks that are navigation rather than content.
_MENU_WORDS = re.compile(
    r"(?:^|[\s_-])(?:breadcrumbs?|topicpath|pankuzu|gnav|globalnav|global-nav|menu|navi|"
    r"navbar|sidebar|side-nav|sitemap|footer|header|share|sns|pagetop|page-top|skip)(?:$|[\s_-])",
    re.IGNORECASE,
)
_BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "blockquote",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "ul",
        "caption",
        "body",
        "html",
    }
)
# Blocks of other articles' headlines around a news article (関連記事, ランキング, おすすめ):
# by their class or id, or by the heading that opens them. Their headlines are other
# incidents, and read as part of the article they would lend it their facts.
_OTHER_ARTICLES = re.compile(
    r"(?:^|[\s_-])(?:related|ranking|recommend|popular|pickup|osusume|ninki|kanren)",
    re.IGNORECASE,
)
_OTHER_ARTICLES_HEADING = re.compile(
    r"^(?:関連(?:記事|ニュース|情報|リンク)|あわせて読みたい|合わせて読みたい|おすすめ(?:記事)?|"
    r"(?:アクセス)?ランキング|人気(?:記事|の記事)|最新(?:記事|ニュース)|新着(?:記事|ニュース)|"
    r"この記事を読んだ人は.*|Related.*|Recommended.*|Popular.*)$",
    re.IGNORECASE,
)
# How many blocks after such a heading belong to it.
_HEADED_BLOCKS = 2
_CELL_TAGS = frozenset({"td", "th"})
_MAIN_SELECTORS = ("main", "article", "[role=main]", "#main", "#content", ".main", ".content")
_TITLE_SUFFIX = re.compile(r"\s*[|｜\-–—:：]\s*[^|｜\-–—:：]{1,40}$")


def _drop_noise(tree: LexborHTMLParser) -> None:
    for tag in _DROP_TAGS:
        for node in tree.css(tag):
            node.decompose()
    for tag in _CHROME_TAGS:
        for node in tree.css(tag):
            if not inside_article(node):
                node.decompose()
    for node in tree.css("[class], [id]"):
        marker = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if node.tag in ("body", "html", "main", "article", "h1"):
            continue
        if _OTHER_ARTICLES.search(marker) or (
            _MENU_WORDS.search(marker) and not inside_article(node)
        ):
            node.decompose()
    _drop_headed_lists(tree)


def _drop_headed_lists(tree: LexborHTMLParser) -> None:
    """A `関連記事` or `ランキング` heading and the blocks it opens."""
    for heading in tree.css("h2, h3, h4, h5, h6"):
        text = re.sub(r"\s+", "", heading.text(separator="") or "")
        if not _OTHER_ARTICLES_HEADING.match(text):
            continue
        following = heading.next
        dropped = 0
        while following is not None and dropped < _HEADED_BLOCKS:
            after = following.next
            if following.is_element_node:
                if following.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                    break
                following.decompose()
                dropped += 1
            following = after
        heading.decompose()


def inside_article(node: LexborNode) -> bool:
    """Whether `node` sits in the page's <article> or <main>, where a <header> holds the
    article's own title and date rather than the site's chrome."""
    parent = node.parent
    while parent is not None:
        if parent.tag in ("article", "main"):
            return True
        parent = parent.parent
    return False


def _lines(root: LexborNode, limit: int) -> list[str]:
    """Text of `root` with a line break around every block and `<br>`; cells tab-joined;
    the walk stops once about `limit` characters are read (a notice's facts come first).

    Iterative, because real pages nest deeply enough to exhaust Python's recursion limit.
    """
    parts: list[str] = []
    read = 0
    stack: list[tuple[LexborNode, bool]] = [(root, False)]
    while stack and read <= limit:
        node, leaving = stack.pop()
        tag = node.tag or ""
        if leaving:
            parts.append("\n" if tag in _BLOCK_TAGS else "\t")
            continue
        if node.is_text_node:
            parts.append(re.sub(r"\s+", " ", node.text_content or ""))
            read += len(parts[-1])
            continue
        if tag == "br":
            parts.append("\n")
            continue
        if not node.is_element_node:
            continue
        if tag in _BLOCK_TAGS:
            parts.append("\n")
        if tag in _BLOCK_TAGS or tag in _CELL_TAGS:
            stack.append((node, True))
        children = list(node.iter(include_text=True))
        stack.extend((child, False) for child in reversed(children))
    out = []
    for raw in "".join(parts).split("\n"):
        cells = [re.sub(r"\s+", " ", c).strip() for c in raw.split("\t")]
        line = "\t".join(c for c in cells if c)
        if line:
            out.append(line)
    return out


def _text_len(node: LexborNode) -> int:
    return len(re.sub(r"\s+", "", node.text(separator="") or ""))


def _densest_block(tree: LexborHTMLParser) -> LexborNode | None:
    """The block whose own paragraphs hold the most text: the usual shape of a notice body.

    One pass over the paragraphs, tallied on their parent, so that deeply nested pages
    cost linear time.
    """
    tally: dict[int, tuple[LexborNode, int]] = {}
    for para in tree.css("p, li, h1, h2, h3, tr"):
        parent = para.parent
        if parent is None or parent.tag not in ("div", "section", "td", "article", "main"):
            continue
        node, total = tally.get(parent.mem_id, (parent, 0))
        tally[parent.mem_id] = (node, total + _text_len(para))
    if not tally:
        return None
    return max(tally.values(), key=lambda item: item[1])[0]


# How far above the densest block its title and date may sit, and how much other text the
# block that holds them may add (a tag, a back link), before it is page rather than notice.
_HEAD_LEVELS = 3
_HEAD_EXTRA = 200
_HEAD_SELECTOR = "h1, time, [class*=date]"


def _with_head(dense: LexborNode) -> LexborNode:
    """The densest block widened to the nearest ancestor that also holds the notice's `<h1>`
    or date (`<section><div class=meta><time>…</time></div><h1>…</h1><div class=body>`):
    the title and date printed above a body are part of the notice."""
    if dense.css_first("h1") is not None:
        return dense
    own = _text_len(dense)
    node = dense
    for _ in range(_HEAD_LEVELS):
        parent = node.parent
        if parent is None or parent.tag in ("body", "html"):
            break
        if _text_len(parent) - own > max(_HEAD_EXTRA, own // 3):
            break
        if parent.css_first(_HEAD_SELECTOR) is not None:
            return parent
        node = parent
    return dense


def _main_node(tree: LexborHTMLParser) -> LexborNode | None:
    body_len = _text_len(tree.body) if tree.body is not None else 0
    for selector in _MAIN_SELECTORS:
        node = tree.css_first(selector)
        # A <main> that holds almost nothing is a layout shell, not the content.
        if node is not None and _text_len(node) >= max(40, body_len // 5):
            return node
    dense = _densest_block(tree)
    if dense is not None and _text_len(dense) >= body_len // 3:
        return _with_head(dense)
    return tree.body


# What a site name wraps around the organization's own name.
_SITE_WORDS = re.compile(
    r"(?:の)?(?:公式)?(?:ホームページ|ウェブサイト|Webサイト|WEBサイト|サイト|オフィシャルサイト)$"
)
_LEGAL_FORM = re.compile(r"株式会社|有限会社|合同会社|法人|\(株\)|（株）")
_TITLE_SEPARATOR = re.compile(r"\s[|｜\-–—]\s|[|｜]")


def _site_name(tree: LexborHTMLParser) -> str | None:
    """Who publishes the page, from its site name (`og:site_name`, the `<title>` part after
    ` | `, the header logo's text or alt): a notice page often names its issuer only there.
    The caller decides whether the name is an organization's."""
    candidates: list[str] = []
    meta = tree.css_first('meta[property="og:site_name"]')
    if meta is not None:
        candidates.append(meta.attributes.get("content") or "")
    title = tree.css_first("title")
    if title is not None:
        parts = _TITLE_SEPARATOR.split(title.text() or "")
        if len(parts) > 1:
            candidates.append(parts[-1])
    for node in tree.css("[class*=logo], [id*=logo]"):
        img = node.css_first("img")
        candidates.append(node.text(separator=" ") or "")
        if img is not None:
            candidates.append(img.attributes.get("alt") or "")
    for raw in candidates:
        name = _SITE_WORDS.sub("", re.sub(r"\s+", " ", raw).strip()).strip()
        # `SORA COSMETICS 株式会社アトリエ・ソラ`: the brand, then the company.
        legal = [t for t in name.split() if _LEGAL_FORM.search(t)]
        if legal or name:
            return legal[-1] if legal else name
    return None


def _title(tree: LexborHTMLParser) -> str | None:
    """The notice's title: its `<h1>`, else `<title>` without an obvious ` | Site` suffix."""
    for selector in ("main h1", "article h1", "h1"):
        node = tree.css_first(selector)
        if node is not None:
            text = re.sub(r"\s+", " ", node.text(separator=" ")).strip()
            if text:
                return text
    node = tree.css_first("title")
    if node is None:
        return None
    text = re.sub(r"\s+", " ", node.text()).strip()
    trimmed = _TITLE_SUFFIX.sub("", text)
    return (trimmed or text) or None


# A tag in the raw markup: its slash, its name.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*?(/?)>")
# Elements that never nest (void) or close themselves implicitly when a sibling opens:
# they do not deepen the tree, whatever the markup looks like.
_FLAT_TAGS = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "p",
        "li",
        "dt",
        "dd",
        "tr",
        "td",
        "th",
        "option",
        "optgroup",
        "rb",
        "rt",
        "rp",
        "thead",
        "tbody",
        "tfoot",
        "colgroup",
        "caption",
        "html",
        "head",
        "body",
    ]
)


def bounded_markup(html: str, depth: int = MAX_HTML_DEPTH, tags: int | None = MAX_HTML_TAGS) -> str:
    """`html` nested at most `depth` deep, and cut before its `tags`-th tag (unless None).

    An HTML parser checks the open elements at every start tag, so 100,000 nested `<div>`
    cost quadratic time before any of our code runs, and a page of 200,000 list items
    costs hundreds of MB as a tree; no real notice nests 200 deep or holds 50,000 tags.
    Past the depth, the tags of the middle levels are left out (their text kept): the
    outermost and innermost levels stay, so content at the bottom of a deep page keeps
    its headings, lists and links. One linear scan; markup within both limits is
    returned unchanged.
    """
    tagged = _levels(html)
    deepest = max((at for _, at in tagged if at is not None), default=0)
    if deepest <= depth and (tags is None or len(tagged) < tags):
        return html
    outer, inner = depth // 2, deepest - (depth - depth // 2)
    out: list[str] = []
    start = kept = 0
    for match, at in tagged:
        if at is not None and deepest > depth and outer < at <= inner:
            out.append(html[start : match.start()])
            start = match.end()
            continue
        kept += 1
        if tags is not None and kept >= tags:
            out.append(html[start : match.start()])
            return "".join(out)
    out.append(html[start:])
    return "".join(out)


def _levels(html: str) -> list[tuple[re.Match[str], int | None]]:
    """Every tag of the markup with the nesting level of its element (start and end tag
    alike), or None for a tag that does not nest (void, self-closing, implicitly closed)."""
    tagged: list[tuple[re.Match[str], int | None]] = []
    level = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.groups()
        if name.lower() in _FLAT_TAGS or self_closing:
            tagged.append((match, None))
        elif closing:
            tagged.append((match, level))
            level = max(0, level - 1)
        else:
            level += 1
            tagged.append((match, level))
    return tagged


@dataclass(frozen=True)
class HtmlNotice:
    """What a notice page gives the parser: its main text, its title and its site name."""

    text: str
    title: str | None
    site_name: str | None


def read_html(html: str, *, limit: int = MAX_NOTICE_CHARS) -> HtmlNotice:
    """The page parsed once, its depth and size bounded first: title and site name (read before
    the page chrome that holds them is dropped), then the main content as text, one line
    per heading, paragraph, list item or row, about `limit` characters at most."""
    tree = LexborHTMLParser(bounded_markup(html))
    title, site_name = _title(tree), _site_name(tree)
    _drop_noise(tree)
    root = _main_node(tree)
    text = "" if root is None else "\n".join(_lines(root, limit))
    return HtmlNotice(text=text, title=title, site_name=site_name)

"""News-listing pages ("お知らせ一覧", "新着情報") → (title, url, date) entries.

Corporate sites rarely offer feeds, but their news lists share one shape: a run of
sibling elements (`<li>`, `<tr>`, `<dt>/<dd>`, `<div class=…>`), each holding one link
and a nearby date. With operator-given CSS selectors that shape is read directly;
without them it is detected: links are walked up to the sibling groups they sit in,
each group is named by a CSS selector, and the selector whose items most often carry
a link and a date wins. Detection only ever proposes selectors, and extraction only
ever applies selectors, so `detect_selectors` shows exactly what `parse_listing` uses.

Work is capped (links examined, candidates scored, items scanned) so that hostile
pages with 100,000 links stay cheap.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice
from urllib.parse import urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from parsers.errors import ParseError
from parsers.html_text import bounded_markup
from parsers.jpdate import find_dates, parse_date
from parsers.memo import remember_short

MAX_LINKS = 5000  # links walked up during detection
MAX_LEVELS = 6  # how far above a link its list item may sit
MAX_CANDIDATES = 40  # item selectors scored
MAX_SCORED_ITEMS = 300  # items per candidate looked at when scoring
MAX_ITEMS_SCANNED = 20_000  # items read by extraction, whatever max_entries says
MAX_LISTING_ENTRIES = 500  # entries a listing yields
MAX_DATE_TEXT = 2000  # characters of an item searched for its date
MAX_ANCESTORS = 64  # depth searched for an enclosing nav/header/footer
MIN_SHARE = 0.6  # share of items a title/date sub-selector must work for
MAX_DESCENDANTS = 200  # elements of an item examined for title and date sub-selectors
MAX_VOTERS = 50  # items examined for title and date sub-selectors

_IDENT = re.compile(r"-?[A-Za-z_][A-Za-z0-9_-]*\Z")
_SPACES = re.compile(r"\s+")
_CHROME = frozenset({"nav", "header", "footer"})
_TOP = frozenset({"html", "body", "-document"})
# Detection scores items before any real base is known; relative links must still count.
_PROBE_BASE = "http://listing.invalid/"


@dataclass(frozen=True)
class ListingSelectors:
    """CSS selectors for a listing; link, title and date are relative to each item."""

    item: str | None = None
    link: str | None = None
    title: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class ListingEntry:
    title: str
    url: str
    date: dt.date | None


def parse_listing(
    html: str,
    *,
    base_url: str,
    selectors: ListingSelectors | None = None,
    max_entries: int = MAX_LISTING_ENTRIES,
) -> list[ListingEntry]:
    """Entries of a listing page, deduplicated by URL (fragment dropped), http(s) only.

    Without `selectors`, the list is detected (see `detect_selectors`); a page with no
    recognizable dated list yields []. Raises ParseError(code="bad_selector") when given
    selectors lack `item` or are not valid CSS.
    """
    tree = LexborHTMLParser(bounded_markup(html, tags=None))
    if selectors is None:
        selectors = _detect(tree)
        if selectors is None:
            return []
    if not selectors.item:
        raise ParseError("listing: selectors need an item selector", code="bad_selector")
    return _entries(tree, selectors, _effective_base(tree, base_url), max_entries)


def _entries(
    tree: LexborHTMLParser, selectors: ListingSelectors, base: str, max_entries: int
) -> list[ListingEntry]:
    out: list[ListingEntry] = []
    seen: set[str] = set()
    for item in _select(tree, selectors.item or "")[:MAX_ITEMS_SCANNED]:
        entry = _extract(item, selectors, base)
        if entry is not None and entry.url not in seen:
            seen.add(entry.url)
            out.append(entry)
            if len(out) >= max_entries:
                break
    return out


# A remembered list still fits a page when it gives at least this many entries, one of
# them dated (detection only ever chooses a dated list).
MIN_FITTING_ENTRIES = 3


@dataclass(frozen=True)
class Listing:
    entries: list[ListingEntry]
    selectors: ListingSelectors | None  # the detected or remembered list's, if any


def read_listing(
    html: str, *, base_url: str, remembered: ListingSelectors | None = None
) -> Listing:
    """The entries of a listing without configured selectors, and the selectors they came
    from, to be remembered for the page's next version.

    Detection scores every sibling group of the page (most of a listing's parse); a
    site's news list keeps its markup from one day to the next, so the list detected
    last time is tried first, and the page is detected afresh only when that list no
    longer fits: fewer than MIN_FITTING_ENTRIES entries, or none dated (a redesign, or a
    page that never was a listing). One parse of the page either way.
    """
    tree = LexborHTMLParser(bounded_markup(html, tags=None))
    base = _effective_base(tree, base_url)
    if remembered is not None and remembered.item:
        try:
            entries = _entries(tree, remembered, base, MAX_LISTING_ENTRIES)
        except ParseError:
            entries = []  # a remembered selector this lexbor no longer takes
        if len(entries) >= MIN_FITTING_ENTRIES and any(e.date for e in entries):
            return Listing(entries, remembered)
    detected = _detect(tree)
    if detected is None:
        return Listing([], None)
    return Listing(_entries(tree, detected, base, MAX_LISTING_ENTRIES), detected)


def detect_selectors(html: str) -> ListingSelectors | None:
    """The selectors auto-detection finds for a page's news list, or None."""
    return _detect(LexborHTMLParser(bounded_markup(html, tags=None)))


# --- extraction -------------------------------------------------------------------------


def _extract(item: LexborNode, sel: ListingSelectors, base: str) -> ListingEntry | None:
    link = _first(item, sel.link or "a[href]")
    if link is None:
        return None
    url = _http_url(link.attributes.get("href"), base)
    if url is None:
        return None
    title_node = _first(item, sel.title) if sel.title else None
    title = _text(title_node) if title_node is not None else _text(link)
    date = _item_date(item, sel, link, title_node)
    if title_node is None and date is not None:
        title = _without_date(title, date)
    if not title:
        title = (_first(link, "img[alt]") or link).attributes.get("alt") or ""
        title = _one_line(title)
    return ListingEntry(title=title, url=url, date=date) if title else None


def _item_date(
    item: LexborNode, sel: ListingSelectors, link: LexborNode, title_node: LexborNode | None
) -> dt.date | None:
    """The item's date: from the date selector, else a <time>, else its text.

    Text outside the title is searched first, so that a date quoted in a title
    ("2022年1月31日の営業終了について") loses to the entry's own date. A `<dd>` (or `<dt>`)
    item also looks at its partner, the `<dt>` before it (the `<dd>` after it), since
    definition-list listings put the date and the link in separate cells.
    """
    if sel.date:
        node = _first(item, sel.date)
        return _node_date(node) if node is not None else None
    stamp = _first(item, "time")
    if stamp is not None:
        found = _node_date(stamp)
        if found is not None:
            return found
    text = _text(item)[:MAX_DATE_TEXT]
    inner = _text(title_node if title_node is not None else link)
    found = _date_in(text.replace(inner, " ", 1)) if inner else None
    if found is None and title_node is None:
        found = _date_in(inner[:MAX_DATE_TEXT])
    if found is None:
        partner = _partner(item)
        if partner is not None:
            found = _date_in(_text(partner)[:MAX_DATE_TEXT])
    return found


def _node_date(node: LexborNode) -> dt.date | None:
    stamp = node.attributes.get("datetime")
    found = _date_in(stamp) if stamp else None
    return found or _date_in(_text(node)[:MAX_DATE_TEXT])


def _partner(item: LexborNode) -> LexborNode | None:
    if item.tag not in ("dd", "dt"):
        return None
    want = "dt" if item.tag == "dd" else "dd"
    node = item.prev if item.tag == "dd" else item.next
    while node is not None and not node.is_element_node:
        node = node.prev if item.tag == "dd" else node.next
    return node if node is not None and node.tag == want else None


def _without_date(title: str, date: dt.date | None) -> str:
    """A link text minus the entry's own date (listings often put it inside the link)."""
    for found in find_dates(title):
        if found.date == date:
            return _one_line(title[: found.start] + " " + title[found.end :])
    return title


# --- detection --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    selector: str
    level: int


def _detect(tree: LexborHTMLParser) -> ListingSelectors | None:
    best: tuple[tuple[int, int, int], str, list[LexborNode]] | None = None
    for cand in _candidates(tree):
        scored = _score(tree, cand, beat=best[0] if best is not None else None)
        if scored is not None and (best is None or scored[0] > best[0]):
            best = (scored[0], cand.selector, scored[1])
    if best is None:
        return None
    _, item, dated = best
    sample = dated[:MAX_VOTERS]
    return ListingSelectors(item=item, title=_title_selector(sample), date=_date_selector(sample))


def _candidates(tree: LexborHTMLParser) -> list[_Candidate]:
    """Item selectors for the sibling groups above the page's links, most populous first."""
    groups: dict[tuple[str, str], dict[int, LexborNode]] = {}
    levels: dict[tuple[str, str], int] = {}
    parent_selectors: dict[int, str] = {}
    for link in _sample(tree.css("a[href]"), MAX_LINKS):
        if not _navigable(link.attributes.get("href")):
            continue
        node = link
        for level in range(MAX_LEVELS):
            parent = node.parent
            if parent is None or parent.tag in _TOP:
                break
            if parent.mem_id not in parent_selectors:
                parent_selectors[parent.mem_id] = _parent_selector(parent)
            key = (parent_selectors[parent.mem_id], node.tag or "")
            groups.setdefault(key, {})[node.mem_id] = node
            levels[key] = max(levels.get(key, 0), level)
            node = parent
    ranked = sorted(groups.items(), key=lambda kv: len(kv[1]), reverse=True)
    out: list[_Candidate] = []
    for (parent_sel, tag), members in ranked[:MAX_CANDIDATES]:
        if len(members) < 2:
            break
        common = set.intersection(*(set(_classes(m)) for m in members.values()))
        suffix = "".join(f".{c}" for c in sorted(common))
        out.append(_Candidate(f"{parent_sel} > {tag}{suffix}", levels[(parent_sel, tag)]))
    return out


def _sample(nodes: list[LexborNode], limit: int) -> list[LexborNode]:
    """The first half of `limit` nodes, then an even spread over the rest of the page."""
    if len(nodes) <= limit:
        return nodes
    head = limit // 2
    step = max(1, (len(nodes) - head) // (limit - head))
    return nodes[:head] + nodes[head::step][: limit - head]


def _score(
    tree: LexborHTMLParser, cand: _Candidate, beat: tuple[int, int, int] | None = None
) -> tuple[tuple[int, int, int], list[LexborNode]] | None:
    """(score, dated items) for a candidate, or None when its items are not a dated list
    or cannot score above `beat` (the best so far).

    Score: dated linked items (minus items inside nav/header/footer), then fewest undated
    linked items, then the outermost item (it holds the most context around the link).
    Extracting the items is most of detection, so a group too small to win, whatever
    its items hold, is not extracted: its best score is every item dated and none undated.
    """
    items = _select(tree, cand.selector)[:MAX_SCORED_ITEMS]
    if beat is not None and (len(items), 0, cand.level) <= beat:
        return None
    ids = {item.mem_id for item in items}
    plain = ListingSelectors(item=cand.selector)
    dated: list[LexborNode] = []
    linked = chrome = 0
    for item in items:
        nested, in_chrome = _situation(item, ids)
        if nested:
            return None  # wrappers inside wrappers, not a list of entries
        if in_chrome:
            chrome += 1
            continue
        entry = _extract(item, plain, _PROBE_BASE)
        if entry is None:
            continue
        linked += 1
        if entry.date is not None:
            dated.append(item)
    if len(dated) < 2 or len(dated) < 0.5 * linked:
        return None
    return (len(dated) - chrome, len(dated) - linked, cand.level), dated


def _title_selector(items: list[LexborNode]) -> str | None:
    """A sub-selector for the title when the link wraps it together with date or labels."""
    votes: Counter[str] = Counter()
    for item in items:
        link = _first(item, "a[href]")
        if link is None:
            continue
        texts = [(len(_text(n)), n) for n in _descendants(link)]
        texts = [(size, n) for size, n in texts if size and _date_in(_text(n)) is None]
        if texts:
            size, node = max(texts, key=lambda t: t[0])
            if size >= 0.5 * len(_without_date(_text(link), _date_of_item(item))):
                votes[_signature(node)] += 1
    return _winner(votes, items, lambda item, node: _date_in(_text(node)) is None)


def _date_selector(items: list[LexborNode]) -> str | None:
    """A sub-selector for the element holding just the date (<time>, span.date…)."""
    votes: Counter[str] = Counter()
    for item in items:
        want = _date_of_item(item)
        holders = [n for n in _descendants(item) if len(_text(n)) <= 40 and _node_date(n) == want]
        if holders:
            votes[_signature(min(holders, key=lambda n: len(_text(n))))] += 1
    return _winner(votes, items, lambda item, node: _node_date(node) == _date_of_item(item))


def _winner(
    votes: Counter[str],
    items: list[LexborNode],
    works: Callable[[LexborNode, LexborNode], bool],
) -> str | None:
    """The most voted signature, if `css_first` with it works on enough items."""
    for signature, _ in votes.most_common(3):
        hits = 0
        for item in items:
            node = _first(item, signature)
            if node is not None and node != item and works(item, node):
                hits += 1
        if hits >= MIN_SHARE * len(items):
            return signature
    return None


def _descendants(node: LexborNode) -> list[LexborNode]:
    """Element descendants of `node`, top-down (capped: items of hostile pages can be huge)."""
    out: list[LexborNode] = []
    queue = [node]
    while queue and len(out) < MAX_DESCENDANTS:
        children = list(islice(queue.pop(0).iter(), MAX_DESCENDANTS))
        out.extend(children)
        queue.extend(children)
    return out[:MAX_DESCENDANTS]


def _date_of_item(item: LexborNode) -> dt.date | None:
    link = _first(item, "a[href]")
    return _item_date(item, ListingSelectors(), link, None) if link is not None else None


def _parent_selector(node: LexborNode) -> str:
    """`tag#id` or `tag.class…`; an unmarked node is prefixed by its nearest marked ancestor."""
    own = _marker(node)
    if own != node.tag:
        return own
    ancestor = node.parent
    for _ in range(3):
        if ancestor is None or ancestor.tag in _TOP:
            break
        marked = _marker(ancestor)
        if marked != ancestor.tag:
            return f"{marked} {own}"
        ancestor = ancestor.parent
    return own


def _marker(node: LexborNode) -> str:
    tag = node.tag or "*"
    node_id = node.attributes.get("id")
    if node_id and _IDENT.match(node_id):
        return f"{tag}#{node_id}"
    return tag + "".join(f".{c}" for c in _classes(node))


def _signature(node: LexborNode) -> str:
    return (node.tag or "*") + "".join(f".{c}" for c in _classes(node))


def _classes(node: LexborNode) -> list[str]:
    return [c for c in (node.attributes.get("class") or "").split() if _IDENT.match(c)]


def _situation(node: LexborNode, item_ids: set[int]) -> tuple[bool, bool]:
    """(inside another item of the same selector, inside nav/header/footer)."""
    nested = chrome = False
    ancestor = node.parent
    for _ in range(MAX_ANCESTORS):
        if ancestor is None:
            break
        nested = nested or ancestor.mem_id in item_ids
        chrome = chrome or ancestor.tag in _CHROME
        ancestor = ancestor.parent
    return nested, chrome


# --- helpers ----------------------------------------------------------------------------


def check_selector(selector: str) -> None:
    """ParseError (`bad_selector`) unless lexbor can parse `selector`; lets configuration
    refuse a typo at load rather than on every poll."""
    _select(LexborHTMLParser("<p></p>"), selector)


def _select(tree: LexborHTMLParser, selector: str) -> list[LexborNode]:
    try:
        return tree.css(selector)
    except SelectolaxError as exc:
        raise ParseError(
            f"listing: invalid CSS selector {selector!r}", code="bad_selector"
        ) from exc


def _first(node: LexborNode, selector: str) -> LexborNode | None:
    try:
        return node.css_first(selector)
    except SelectolaxError as exc:
        raise ParseError(
            f"listing: invalid CSS selector {selector!r}", code="bad_selector"
        ) from exc


def _bad_selector(selector: str) -> ParseError:
    return ParseError(f"listing: invalid CSS selector {selector!r}", code="bad_selector")


def _effective_base(tree: LexborHTMLParser, base_url: str) -> str:
    """`base_url`, or the page's `<base href>` resolved against it when that is http(s)."""
    base = tree.css_first("base[href]")
    if base is not None:
        resolved = _http_url(base.attributes.get("href"), base_url, keep_fragment=True)
        if resolved is not None:
            return resolved
    return base_url


def _navigable(href: str | None) -> bool:
    """Whether a raw href could lead to another page (not `#top`, `javascript:`, `mailto:`)."""
    if not href or not href.strip() or href.strip().startswith("#"):
        return False
    try:
        scheme = urlsplit(href.strip()).scheme.lower()
    except ValueError:
        return False
    return scheme in ("", "http", "https")


@remember_short()
def _http_url(href: str | None, base: str, *, keep_fragment: bool = False) -> str | None:
    """The absolute http(s) URL of a link, or None. Remembered: detection resolves each
    link of a page once per candidate list that holds it, and urljoin was a third of a
    first parse."""
    if href is None or not _navigable(href):
        return None
    try:
        url = urljoin(base, href.strip())
        if not keep_fragment:
            url = urldefrag(url).url
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.netloc else None


# `parse_date`, remembered: detection reads an item's text once for each candidate list
# that contains it, then again to vote on sub-selectors.
_date_in = remember_short()(parse_date)


def _text(node: LexborNode) -> str:
    return _one_line(node.text(deep=True, separator=" ") or "")


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()

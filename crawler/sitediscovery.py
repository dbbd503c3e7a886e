"""Finding a news site's articles with no configuration: feeds, sitemaps, date archives.

What a site announces is used first: ``<link rel="alternate">`` feeds on its home page (common
feed paths only when it announces none), the home pages of its other language editions
(``hreflang`` alternates), ``Sitemap:`` lines of robots.txt (common sitemap paths
when it lists none), sitemap indexes followed to a bounded depth, Google News sitemaps
(``news:publication_date``, ``news:title``), and date archives when the home page links
articles under ``/YYYY/MM/DD/``. Feeds and sitemaps are read with the streaming parsers of
:mod:`crawler.feeds`. Everything is bounded: sitemaps fetched, depth, URLs kept per site.

The site's time zone, when nobody gives it, is the offset most of the dates it prints carry
(pages first: JSON-LD, ``article:published_time``, ``<time datetime>``; feeds and sitemaps
only when pages carry none, and their UTC dates only through the wall times pages print for
them, since CMSs write those in UTC whatever the site's zone).

Pure functions and a per-site state; the ``site`` spider does the fetching.
"""

from __future__ import annotations

import codecs
import heapq
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import partial
from html import unescape
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from lxml import etree
from protego import Protego
from w3lib.url import safe_url_string

from archive.urls import is_amp_url, is_tracking, same_site, site_host
from crawler.challenge import LOCATION_SET, literal_target
from crawler.extraction import dates, limits
from crawler.extraction.dateline import ArticleDates, dateline_date, same_headline, title_key
from crawler.extraction.encoding import decode_html
from crawler.extraction.html import (
    all_values,
    document_base,
    first_value,
    parse_html,
    resolved_base,
    select_nodes,
    text_content,
)
from crawler.extraction.metadata import json_ld_objects
from crawler.extraction.pages import NEXT_PAGE_WORDS, PAGE_PARAM, link_words
from crawler.feeds import _child_text, _local, iter_records
from crawler.outlets.base import Outlet
from crawler.siteoutlets import (
    GENERIC_KEEP_QUERY,
    GENERIC_SKIP_PATHS,
    generic_rules,
    outlet_from_site_row,
    vote_zone,
)
from crawler.spiders.listings import iter_links, tree_links
from crawler.urls import canonical_url, is_article_url, joined, path_and_query

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml",
              "application/xml", "text/xml", "application/feed+json")
COMMON_FEED_PATHS = ("/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml",
                     "/feed/", "/rss/", "/?feed=rss2")
COMMON_SITEMAP_PATHS = ("/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml",
                        "/sitemap-news.xml", "/sitemap.txt")
_DATE_PATH = re.compile(r"^(?P<prefix>/(?:[\w-]+/){0,2}?)(?P<y>(?:19|20)\d\d)/(?P<m>[01]\d)/"
                        r"(?P<d>[0-3]\d)/")
_SLUG = re.compile(r"[\w]+(?:-[\w]+){2,}|\d{4,}")  # a headline slug or a numeric id
_LINK_TAG = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_BASE_TAG = re.compile(r"<base\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
HEAD_BYTES = 262144  # how far into a page its <link rel="canonical"> is looked for
# Query parameters that number an article: p (WordPress), id (Joomla), newsid (DLE), ELEMENT_ID
# (Bitrix), … — not any "…id": sid, uid, catid, SECTION_ID, Itemid name sessions, users, lists.
_ID_PARAM = re.compile(r"(?i)^(?:p|id|nid|aid|(?:news|article|post|story|element|doc|document"
                       r"|entry|material|publication|record)_?id)$")
PUBLICATION_DATED = frozenset({"feed", "news_sitemap"})  # channels whose dates are publication
UNDATED = (1, 0)  # the closeness of a candidate nothing dates: after every dated one
# A source's dates are not its articles' publication dates when all its entries (this many at
# least) carry one instant (the feed's build time), or when most pages read, two at least,
# print a date further than SOURCE_DATE_SLACK from the one it gave them.
MIN_ONE_INSTANT = 3
MIN_DISAGREEING = 2
SOURCE_DATE_SLACK = timedelta(hours=6)
MAX_PRIORITY_GAP = 30  # article request priorities: 0 (in the window) down to -31 (undated)


@dataclass(frozen=True)
class Candidate:
    """An article URL found by discovery, with what the channel said about it."""

    url: str
    published: datetime | None  # aware when the channel printed an offset
    day: date | None  # the day a date archive or dated URL gives
    channel: str  # feed, news_sitemap, sitemap, archive, home
    title: str | None = None  # the title the feed or news sitemap gave
    source: str | None = None  # the feed or sitemap that listed it
    at_root: str | None = None  # a feed's relative link resolved against the site's root
    # when the page naming it was fetched (a replay's capture time): its days are judged as
    # then, not by the clock (None: the clock)
    seen: datetime | None = None

    def moment(self) -> datetime | date | None:
        return self.published or self.day


@dataclass(frozen=True)
class SitemapRecord:
    kind: str  # "url" or "sitemap"
    loc: str
    published: datetime | None  # news:publication_date, else lastmod
    news: bool  # a Google News entry
    title: str | None = None  # news:title


def window_gap(found: Candidate, since: date, until: date) -> tuple[int, bool] | None:
    """Days between what dates a candidate and the window ``since..until`` beyond a day's
    zone slack (0: it may be in the window), and whether that rules the window out; None
    when nothing dates it.

    A publication date or a URL day places the article; a sitemap's ``lastmod`` is a change,
    at or after publication, so only one before the window rules it out (one after it only
    makes it less likely, the more so the later it is).
    """
    lastmod = None if found.channel in PUBLICATION_DATED else found.published
    moment = found.day if lastmod is not None else found.moment()
    if moment is not None:
        day = moment.date() if isinstance(moment, datetime) else moment
        gap = max((since - day).days, (day - until).days) - 1
        return max(gap, 0), gap > 0
    if lastmod is None:
        return None
    day = lastmod.date()
    if (since - day).days > 1:
        return (since - day).days - 1, True
    return max((day - until).days - 1, 0), False


def closeness(gap: tuple[int, bool] | None) -> tuple[int, int]:
    """Sort key of a candidate's distance to the window (smaller is closer); undated ones
    after every dated one."""
    return UNDATED if gap is None else (0, gap[0])


# --- pages ---------------------------------------------------------------------------------
def is_feed_link(rel: str | None, type_: str | None) -> bool:
    """Whether a link's ``rel`` and ``type`` (a ``<link>`` element's or a ``Link`` header's)
    announce a feed: rel "alternate" among others, a feed's media type (:data:`FEED_TYPES`)
    whatever its parameters, either in any case."""
    kind = (type_ or "").lower().split(";")[0].strip()
    return "alternate" in (rel or "").lower().split() and kind in FEED_TYPES


def announced_feeds(tree: etree._Element, base: str) -> list[str]:
    """Feeds the page announces with ``<link rel="alternate" type="…">``: RSS, Atom, RDF,
    JSON Feed (:data:`FEED_TYPES`)."""
    found: list[str] = []
    base = document_base(tree, base)
    for node in tree.iter("link"):
        href = (node.get("href") or "").strip()
        if is_feed_link(node.get("rel"), node.get("type")) and href:
            url = joined(base, href)
            if url is not None and url not in found:
                found.append(url)
    return found


MAX_LINK_HEADER_BYTES = 64 * 1024  # of a response's ``Link`` values read (sites send < 1 KiB)
MAX_LINK_VALUES = 100  # link-values read of them (a feed or two, preloads, an API root)


@dataclass(frozen=True)
class HeaderFeeds:
    """The feeds a response's ``Link`` headers announce, and whether the headers were cut at
    :data:`MAX_LINK_HEADER_BYTES` or :data:`MAX_LINK_VALUES` (counted by the caller)."""
    feeds: list[str]
    cut: bool


def header_feeds(values: Iterable[bytes | str], base: str) -> HeaderFeeds:
    """Feeds a response announces in HTTP ``Link`` headers (RFC 8288: ``<url>; rel="alternate";
    type="application/rss+xml"``), as a page does with ``<link>``: a site may name its feed
    there alone. Relative URLs are read against the response's URL, not a base href. Read on
    the reactor: a bounded share of the headers, in one pass."""
    text, cut = link_header_text(values)
    links = link_values(text)
    cut = cut or len(links) > MAX_LINK_VALUES
    found: list[str] = []
    for target, params in links[:MAX_LINK_VALUES]:
        if (is_feed_link(params.get("rel"), params.get("type"))
                and (url := joined(base, target.strip())) is not None and url not in found):
            found.append(url)
    return HeaderFeeds(found, cut)


def link_header_text(values: Iterable[bytes | str]) -> tuple[str, bool]:
    """The ``Link`` header values as one comma-separated list (RFC 9110 §5.3), at most
    :data:`MAX_LINK_HEADER_BYTES` of it, and whether more was left unread."""
    pieces: list[str] = []
    room = MAX_LINK_HEADER_BYTES
    for value in values:
        if room <= 0:
            return ", ".join(pieces), True
        piece = value[:room]
        pieces.append(piece.decode("latin-1") if isinstance(piece, bytes) else piece)
        room -= len(piece) + 2
        if len(piece) < len(value):
            return ", ".join(pieces), True
    return ", ".join(pieces), False


def link_values(text: str) -> list[tuple[str, dict[str, str]]]:
    """Each link-value of a ``Link`` header, its target and its parameters (names lowercased,
    quoted strings unquoted), in one pass that reads ``<…>`` and quoted strings whole: a comma
    or a semicolon in a ``title="News, daily"`` separates nothing. A ``<`` inside ``<…>``
    starts the target again (a URI holds none); a value without a target is dropped."""
    links: list[tuple[str, dict[str, str]]] = []
    target: str | None = None
    params: list[str] = []
    opened = param_start = -1  # just after an open target's ``<`` / a parameter's ``;``
    quoted = escaped = False
    for index, char in enumerate(text):
        if quoted:
            escaped, quoted = (False, True) if escaped else (char == "\\", char != '"')
        elif opened >= 0:
            if char == ">":
                target, opened = text[opened:index], -1
            elif char == "<":
                opened = index + 1
        elif char == '"':
            quoted = True
        elif char == "<" and target is None and param_start < 0:
            opened = index + 1
        elif char in ";,":
            if param_start >= 0:
                params.append(text[param_start:index])
            param_start = index + 1
            if char == ",":
                if target is not None:
                    links.append((target, link_params(params)))
                    if len(links) > MAX_LINK_VALUES:
                        return links  # the caller reads the first ones and says it was cut
                target, params, param_start = None, [], -1
    if param_start >= 0:
        params.append(text[param_start:])
    if target is not None:
        links.append((target, link_params(params)))
    return links


def link_params(pieces: list[str]) -> dict[str, str]:
    """``name=value`` pieces of one link-value, the first of each name kept (RFC 8288 §3.3);
    a quoted value unquoted, its backslash escapes read."""
    named: dict[str, str] = {}
    for piece in pieces:
        name, _, value = piece.partition("=")
        value = value.strip()
        if value.startswith('"'):
            value = re.sub(r"\\(.)", r"\1", value[1:-1] if value.endswith('"') and len(value) > 1
                           else value[1:])
        named.setdefault(name.strip().lower(), value)
    return named


MAX_EDITIONS = 12  # language editions of one home page read as home pages


def language_editions(tree: etree._Element, base: str) -> list[str]:
    """The other-language versions of a page it announces with ``<link rel="alternate"
    hreflang="be" href="/be/">`` (``/ru/``, ``/be/``, ``/en/`` editions, each with its own
    feed and links), at most :data:`MAX_EDITIONS`."""
    found: list[str] = []
    resolve = document_base(tree, base)
    for node in tree.iter("link"):
        rel = (node.get("rel") or "").lower().split()
        href = (node.get("href") or "").strip()
        if "alternate" in rel and node.get("hreflang") and href and not node.get("type"):
            url = (joined(resolve, href) or base).split("#", 1)[0]
            if url not in found and url != base:
                found.append(url)
    return found[:MAX_EDITIONS]


MAX_SHELL_DEPTH = 2  # a shell home page's pages that are shells again are read; no deeper
MAX_SRCDOCS = 4  # ``<iframe srcdoc>`` documents of one page whose links are read
# a link to a language edition: ``/ru/``, ``/be-by/``, ``/rus/index.php``
_LANGUAGE_PATH = re.compile(r"(?i)^/(?:[a-z]{2}(?:[-_][a-z]{2})?|rus|bel|eng|ukr|pol|lit)/?"
                            r"(?:index\.[a-z]{3,5})?$")
_LANGUAGE_PARAM = re.compile(r"(?i)^(?:lang|language|lng|locale)$")


# a string literal in a script attribute (``onclick="location.href='/news/5.html'"``)
_QUOTED = re.compile(r"""(["'])([^"'\s<>]{1,500})\1""")
# what an ``onclick`` navigates to: ``location.href = '…'``, ``location.assign('…')``,
# ``window.open('…')`` (any other call with an address, a vote or a share, goes nowhere)
_NAVIGATION = literal_target(LOCATION_SET + r"|\bopen\s*\(")
# one that reads as an address: absolute, host- or root-relative, ./ ../, or a page file
_ADDRESS = re.compile(r"(?i)^(?:(?:https?:)?//|/|\.\.?/)\S*$"
                      r"|^[\w.-]+(?:/[\w.%-]+)*\.(?:s?html?|php\d?|aspx?|jsp|cgi)(?:\?\S*)?$")
MAX_SCRIPT_LINKS = 1000  # addresses read from one page's script attributes
# Words of a script function that acts instead of showing a page (``vote``, ``addComment``,
# ``doLike``, ``share_vk``): old CMSs name their page openers anything (``openNews``,
# ``showArticle``, ``popup``, ``goTo``), but an action's name says what it does.
_ACTION_WORDS = frozenset({
    "vote", "rate", "rating", "like", "dislike", "comment", "comments", "reply", "share",
    "subscribe", "unsubscribe", "login", "logout", "signin", "signout", "delete", "remove",
    "add", "send", "submit", "print", "favourite", "favorite", "favourites", "favorites", "fav",
    "bookmark", "track", "tracking", "stat", "stats", "statistics", "counter", "poll", "basket",
    "cart", "buy", "complain", "abuse"})
# verbs that are content nouns too (``showPost``, ``openReport``): actions as the first word
_ACTION_VERBS = frozenset({"post", "report", "count"})
# a path segment naming an endpoint, not a page: ``/ajax/``, ``/api/``, ``vote.php``,
# ``/comments/``, ``add_comment.php``, ``share.php``, ``login.php``
_ENDPOINT_WORDS = _ACTION_WORDS | {"ajax", "api", "votes", "voting", "likes", "signup"}
_CAMEL_WORD = r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])"  # the words of "addComment", "RSSFeed"
_WORD = re.compile(_CAMEL_WORD)
_CALLEE = re.compile(r"([\w$.]+)\s*$")


def page_links(tree: etree._Element, url: str, encoding: str = "utf-8") -> list[str]:
    """Every page a reader can reach from this one: its links (``<a>``, ``<area>``), then the
    addresses its script links open (``href="javascript:…"``, ``onclick``), then the links
    of the documents it embeds in ``<iframe srcdoc>``; in page order, each once. A query
    written raw in another charset than ASCII is escaped in the page's ``encoding``, as a
    browser sends it (a windows-1251 page's ``?rub=Новости`` is ``?rub=%CD%EE…``; paths are
    UTF-8 whatever the page's charset; see :func:`charset_escaped`)."""
    links = tree_links(tree, url) + script_links(tree, url) + srcdoc_links(tree, url)
    if codecs.lookup(encoding).name != "utf-8":
        links = [as_sent(link, encoding) for link in links]
    return list(dict.fromkeys(links))


def as_sent(link: str, encoding: str) -> str:
    """``link`` as a browser sends it from a page in ``encoding`` (:func:`charset_escaped`
    unless it is ASCII or the page UTF-8)."""
    if link.isascii() or codecs.lookup(encoding).name == "utf-8":
        return link
    return charset_escaped(link, encoding)


def charset_escaped(link: str, encoding: str) -> str:
    """``link`` with its query escaped in ``encoding`` as a browser sends it (the WHATWG URL
    standard): a character that charset cannot write (``₽``, an emoji in a share link) goes
    as its HTML reference ``&#8381;``, escaped (``%26%238381%3B``); never an error, which
    would lose every other link of the page."""
    start = min((i for i in (link.find("?"), link.find("#")) if i >= 0), default=len(link))
    tail = "".join(c if _writable(c, encoding) else f"%26%23{ord(c)}%3B"
                   for c in link[start:])
    try:
        return safe_url_string(link[:start] + tail, encoding)
    except ValueError:  # (a codec refusing even that) UTF-8, as a page in UTF-8 sends it
        return safe_url_string(link)


def _writable(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def script_links(tree: etree._Element, url: str) -> list[str]:
    """The addresses a page's script links open, as written in quotes: old CMSs link
    headlines as ``href="javascript:openNews('/news/5.html')"`` or ``href="#"
    onclick="location.href='…'"`` (a browser follows them; a crawler reading ``href`` only
    saw no link), and cards whose script opens the address in their ``data-href`` or
    ``data-link`` (``<div class="news-card" data-href="/news/5.html">``: a home page of such
    cards linked nothing; only the page's own site's: a social post's embed names its post
    so). Only literals that read as addresses: those in a ``javascript:`` link's
    calls but an action's (:func:`_acts`: ``vote('…')``, ``addComment('…')``), those an
    ``onclick`` navigates to; resolved against the page's base; never an endpoint
    (:func:`_endpoint`: ``/ajax/vote.php``), which a GET would act on, not read."""
    base, home = document_base(tree, url), urlsplit(url).hostname or ""
    found: list[str] = []
    for code in tree.xpath("//@onclick | //a/@href[starts-with(normalize-space("
                           "translate(., 'JAVSCRIPT', 'javscript')), 'javascript:')]"
                           " | //*[not(self::a)]/@data-href | //*[not(self::a)]/@data-link"):
        if code.attrname.startswith("data-"):  # a card: the address itself, as written
            literals = [str(code).strip()]
        else:
            quoted = _NAVIGATION if code.attrname == "onclick" else _QUOTED
            literals = [m.group(2).replace("\\/", "/") for m in quoted.finditer(str(code))
                        if quoted is _NAVIGATION or not any(map(_acts, _callers(str(code),
                                                                                m.start())))]
        for literal in literals:
            if (_ADDRESS.match(literal) and len(found) < MAX_SCRIPT_LINKS
                    and (target := joined(base, literal))
                    and (not code.attrname.startswith("data-")
                         or same_site(urlsplit(target).hostname or "", home))):
                found.append(target.split("#", 1)[0])
    return [u for u in dict.fromkeys(found)
            if urlsplit(u).scheme in ("http", "https") and not _endpoint(u)]


def _callers(code: str, at: int) -> Iterator[str]:
    """The names of the calls whose arguments hold position ``at`` of ``code``, innermost
    first (``void(vote('…'))``: ``vote``, ``void``; ``window.open``: ``open``)."""
    depth = 0
    for i in range(at - 1, -1, -1):
        if code[i] == ")":
            depth += 1
        elif code[i] == "(" and depth:
            depth -= 1
        elif code[i] == "(" and (callee := _CALLEE.search(code, 0, i)):
            yield callee.group(1).rsplit(".", 1)[-1]


def _acts(name: str) -> bool:
    """Whether a script function's name says it acts (:data:`_ACTION_WORDS`)."""
    words = [w.lower() for w in _WORD.findall(name)]
    return bool(words) and (words[0] in _ACTION_VERBS or not _ACTION_WORDS.isdisjoint(words))


def _endpoint(url: str) -> bool:
    """Whether an address a script opens is an endpoint rather than a page: a path segment
    of one or two words (``ajax``, ``vote.php``, ``add_comment.php``) naming one
    (:data:`_ENDPOINT_WORDS`); a headline slug of more words is a page."""
    for segment in path_text(urlsplit(url).path).lower().split("/"):
        words = re.split(r"[\W_]+", segment.split(".", 1)[0])
        if len(words) <= 2 and not _ENDPOINT_WORDS.isdisjoint(words):
            return True
    return False


def srcdoc_links(tree: etree._Element, url: str) -> list[str]:
    """The links of the documents a page embeds whole in ``<iframe srcdoc>`` (a browser shows
    them as part of the page and resolves them against the page's base)."""
    base = document_base(tree, url)
    found: list[str] = []
    for node in list(tree.iter("iframe"))[:MAX_SRCDOCS * 4]:
        if len(found) >= MAX_SRCDOCS or not (node.get("srcdoc") or "").strip():
            continue
        srcdoc = node.get("srcdoc") or ""
        if limits.html_over_cap(srcdoc) or limits.crowded_element(srcdoc):
            continue  # parsed on the event loop, as its page (see sitecrawl.parse_page)
        try:
            embedded = parse_html(srcdoc)
        except ValueError:
            continue
        found += iter_links(embedded, "a[href], area[href]", base)
    return list(dict.fromkeys(found))


def shell_targets(tree: etree._Element, url: str) -> list[str]:
    """What a home page that links no article shows through itself: the pages of its
    ``<frame>``s, of its ``<iframe>``s when it links nothing at all (a page of one big
    iframe; next to links, an iframe is a video or a widget), and the language editions it
    names with plain links (a chooser's ``/ru/``, ``/by/``, ``?lang=be``, ``<a hreflang>``),
    in page order."""
    base = document_base(tree, url)
    linkless = not any((a.get("href") or "").strip() for a in tree.iter("a"))
    found: list[str] = []
    for node in tree.iter("frame", "iframe", "a") if linkless else tree.iter("frame", "a"):
        href = (node.get("src" if node.tag != "a" else "href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "about:", "data:")):
            continue
        target = (joined(base, href) or url).split("#", 1)[0]
        if urlsplit(target).scheme not in ("http", "https") or target == url:
            continue
        if node.tag != "a" or node.get("hreflang") or _names_language(target):
            found.append(target)
    return list(dict.fromkeys(found))[:MAX_EDITIONS]


def _names_language(url: str) -> bool:
    parts = urlsplit(url)
    return bool(_LANGUAGE_PATH.match(parts.path)) or any(
        _LANGUAGE_PARAM.match(k) for k, _ in parse_qsl(parts.query))


def site_name(tree: etree._Element) -> str | None:
    name = first_value(tree, ('meta[property="og:site_name"] @content',
                              'meta[name="application-name"] @content', "title"))
    return " ".join(name.split()) if name and name.strip() else None


def printed_offsets(tree: etree._Element) -> list[timedelta]:
    """UTC offsets of the publication dates a page prints in machine-readable form. A date
    written in UTC (``Z``, ``+00:00``) is the site's own offset only when the page prints no
    other wall clock for it: Drupal writes ``<time datetime="2026-12-02T21:30:00Z">03.12.2026
    - 00:30</time>`` for a site in Minsk; the printed time less the machine one is the site's
    offset (:func:`shown_offset`), of the element's own text or of the article's dateline.
    One that reads, to the minute, as the clock the page prints is no evidence of UTC: a
    site in UTC writes it so, and so does a CMS labelling its wall clock UTC (a Minsk site's
    "…T14:05:00Z" printed "14:05"): the page's UTC dates then vote for nothing, and its
    other offsets, its feed's clock or its country domain tell the zone
    (:func:`_wall_clock_as_utc`)."""
    published: list[str] = []
    others: list[str] = []
    for obj in json_ld_objects(tree):
        published += [v for k in ("datePublished", "dateCreated", "uploadDate")
                      if isinstance(v := obj.get(k), str)]
        others += [v] if isinstance(v := obj.get("dateModified"), str) else []
    published += all_values(tree, ('meta[property="article:published_time"] @content',
                                   'meta[itemprop="datePublished"] @content'))
    others += all_values(tree, ('meta[property="article:modified_time"] @content',))
    found = offsets_of(_machine_date(v) for v in published + others)
    clock: timedelta | None = None  # the site's offset as the page prints its UTC dates
    as_printed = False  # a UTC date reads as the very clock the page prints
    for node in select_nodes(tree, "time[datetime]"):
        moment = _machine_date(node.get("datetime") or "")
        offset = moment.utcoffset() if moment is not None and moment.tzinfo else None
        if offset == timedelta(0) and (printed := dateline_date(text_content(node)[:200])):
            clock = clock or shown_offset(moment, printed)
            as_printed = as_printed or _wall_clock_as_utc(moment, printed)
        if offset is not None:
            found.append(offset)
    if clock is None and timedelta(0) in found and (printed := ArticleDates(tree).visible()):
        utc = [m for v in published
               if (m := _machine_date(v)) is not None and m.utcoffset() == timedelta(0)]
        clock = next((o for m in utc if (o := shown_offset(m, printed))), None)
        as_printed = as_printed or any(_wall_clock_as_utc(m, printed) for m in utc)
    if clock:
        return [offset or clock for offset in found]
    return [offset for offset in found if offset] if as_printed else found


def _wall_clock_as_utc(machine: datetime, printed: datetime) -> bool:
    """Whether a UTC ``machine`` date reads, to the minute, as the time a page prints beside
    it (naive, with a time of day): the page's clock is UTC, or its CMS labels the wall
    clock UTC; the page alone cannot tell which."""
    if not (printed.hour or printed.minute):
        return False  # a day alone tells no clock
    return machine.replace(tzinfo=None, second=0, microsecond=0) \
        == printed.replace(tzinfo=None, second=0, microsecond=0)


def page_published(tree: etree._Element) -> datetime | None:
    """The publication date a page gives: its machine-readable one (JSON-LD, meta tags), else
    the date it prints by its headline (naive); not any ``<time>`` of the page (a sidebar's,
    today's in the header), which would refute a source's right dates."""
    machine = page_machine_date(tree)
    return machine if machine is not None else ArticleDates(tree).visible()


def page_machine_date(tree: etree._Element) -> datetime | None:
    """A page's machine-readable publication date (JSON-LD, meta tags), if any."""
    machine: list[str] = [v for obj in json_ld_objects(tree)
                          for k in ("datePublished", "dateCreated")
                          if isinstance(v := obj.get(k), str)]
    machine += all_values(tree, ('meta[property="article:published_time"] @content',
                                 'meta[itemprop="datePublished"] @content'))
    return next((m for value in machine if (m := _machine_date(value)) is not None), None)


def _machine_date(value: str) -> datetime | None:
    """A page's machine-readable date (ISO 8601), None for a CMS's null date or one ahead of
    the clock (``dates.publication_date``: the epoch's "+00:00" voted a Minsk site UTC)."""
    return dates.publication_date(dates.parse_iso(value))


def one_instant(given: Counter[datetime]) -> bool:
    """Whether a source gave every entry one same date (at least MIN_ONE_INSTANT of them): its
    build time, not when each was published."""
    return len(given) == 1 and sum(given.values()) >= MIN_ONE_INSTANT


def dates_disagree(printed: datetime, given: datetime, tz: Any) -> bool:
    """Whether the date a page prints (naive: in the site's zone ``tz``) is not the one its
    source gave it, beyond SOURCE_DATE_SLACK (an edit minutes later, a zone misread)."""
    printed = printed if printed.tzinfo else printed.replace(tzinfo=tz)
    given = given if given.tzinfo else given.replace(tzinfo=tz)
    return abs(printed - given) > SOURCE_DATE_SLACK


def clock_offset(given: datetime, printed: datetime) -> timedelta | None:
    """The site's UTC offset as a page prints (a naive wall time) the UTC date its feed gave
    for it: :func:`shown_offset`, or 0 when the page prints the feed's own time (a site in
    UTC); None when it printed no time, the two are no whole offset apart (an edit), or the
    feed's date is no UTC one (its own offset votes: :func:`channel_votes`)."""
    if printed.tzinfo is not None or given.utcoffset() != timedelta(0):
        return None
    if (offset := shown_offset(given, printed)) is not None:
        return offset
    if (printed.hour or printed.minute) and printed.replace(second=0, microsecond=0) \
            == given.astimezone(UTC).replace(tzinfo=None, second=0, microsecond=0):
        return timedelta(0)
    return None


def channel_votes(channel_offsets: Counter[timedelta], clocks: Counter[timedelta]
                  ) -> Counter[timedelta]:
    """The zone votes of a site's feeds and sitemaps: their dates' offsets that are a local
    clock, and the clocks its pages print for their UTC dates (:func:`clock_offset`). A UTC
    date says when, not where: uCoz writes GMT whatever the zone."""
    return Counter({offset: n for offset, n in channel_offsets.items() if offset}) + clocks


def shown_offset(machine: datetime, printed: datetime) -> timedelta | None:
    """The site's UTC offset when the time a page prints (naive, to the minute) is the UTC
    ``machine`` date on another clock: a whole quarter of an hour apart, within the offsets
    zones have; None when they are one time, or no offset apart (another date)."""
    if not (printed.hour or printed.minute):
        return None  # a day alone tells no clock
    wall = machine.astimezone(UTC).replace(tzinfo=None, second=0, microsecond=0)
    gap = printed.replace(tzinfo=None, second=0, microsecond=0) - wall
    if gap and gap % timedelta(minutes=15) == timedelta(0) and \
            timedelta(hours=-12) <= gap <= timedelta(hours=14):
        return gap
    return None


def offsets_of(moments: Iterable[datetime | None]) -> list[timedelta]:
    found = []
    for moment in moments:
        offset = moment.utcoffset() if moment is not None and moment.tzinfo else None
        if offset is not None:
            found.append(offset)
    return found


# --- robots.txt and sitemaps -----------------------------------------------------------------
def well_known_paths(paths: tuple[str, ...], home_path: str) -> list[str]:
    """``paths`` under the folder of the home page (``/news/`` → ``/news/feed``), then at the
    host root."""
    path = home_path.split("?", 1)[0]
    folder = path.rsplit("/", 1)[0] if "." in path.rsplit("/", 1)[-1] else path.rstrip("/")
    return list(dict.fromkeys(f"{prefix}{p}" for prefix in dict.fromkeys((folder, ""))
                              for p in paths))


Resolve = Callable[[str], str | None]  # a line's URL, absolute; None for no URL


def robots_sitemaps(body: bytes, base: str, resolve: Resolve | None = None) -> list[str]:
    """``Sitemap:`` URLs of a robots.txt (protego parses it as Scrapy's robots middleware);
    each line made absolute by ``resolve`` (default: :func:`joined` against ``base``, a line
    of no URL dropped), which may count and say what it drops."""
    try:
        parser = Protego.parse(body.decode("utf-8", "replace"))
    except Exception:  # noqa: BLE001 - a robots.txt protego cannot read lists nothing
        return []
    return _absolute(parser.sitemaps, base, resolve)


def parser_sitemaps(robotparser: Any, base: str,
                    resolve: Resolve | None = None) -> list[str] | None:
    """``Sitemap:`` URLs from the parser Scrapy's robots middleware built (``robots_parsed``),
    made absolute as :func:`robots_sitemaps` makes them.

    Scrapy's Protego and Python parsers keep the parsed file as ``rp``; None for a parser
    that does not show its sitemaps (the caller then reads robots.txt itself).
    """
    listed = getattr(getattr(robotparser, "rp", None), "sitemaps", None)
    return None if listed is None else _absolute(listed, base, resolve)


def _absolute(urls: Iterable[str], base: str, resolve: Resolve | None = None) -> list[str]:
    resolve = resolve or partial(joined, base)
    return list(dict.fromkeys(found for url in urls if url
                              and (found := resolve(url.strip())) is not None))


_PERIOD = re.compile(r"(?<!\d)((?:19|20)\d\d)(?:[-_/.]?(0[1-9]|1[0-2])(?:[-_/.]?([0-2]\d|3[01]))?)?"
                     r"(?!\d)")  # 2024, 2024-03, 2024/03/, 202403, 2024-03-12
_NUMBER = re.compile(r"\d+")


def url_period(url: str, now: datetime | None = None) -> tuple[date, date] | None:
    """The days a sitemap's URL names by a date in it (``sitemap-2024-03.xml``,
    ``/2024/03/``, ``posts-2024.xml``, ``2024-03-12``): its first and last day. A year after
    the next one as of ``now`` (when the index naming it was fetched; the clock without one)
    is a number, no period: a replay long after the crawl reads the name as the crawl did."""
    parts = urlsplit(url)
    found = None
    last_year = (now or datetime.now(UTC)).year + 1
    for match in _PERIOD.finditer(f"{parts.path}?{parts.query}"):
        year = int(match.group(1))
        if 1995 <= year <= last_year:
            found = match  # the last one: /archive/2019/sitemap-2024-03.xml is 2024-03
    if found is None:
        return None
    year, month, day = (int(g) if g else None for g in found.groups())
    assert year is not None
    try:
        if day is not None and month is not None:
            return date(year, month, day), date(year, month, day)
        if month is not None:
            after = date(year + month // 12, month % 12 + 1, 1)
            return date(year, month, 1), after - timedelta(days=1)
    except ValueError:  # 2024-02-31: a number, not a day
        pass
    return date(year, 1, 1), date(year, 12, 31)


def child_sitemap_order(url: str, lastmod: datetime | None, since: date,
                        until: date, now: datetime | None = None) -> tuple[int, int] | None:
    """Sort key of a child sitemap of an index for the window ``since..until`` (a day's zone
    slack either side), or None when it cannot hold the window's articles.

    Evidence, strongest first: the period its URL names (publication months, years, days),
    then its ``lastmod`` (a change: one before the window rules it out, one after it makes it
    the less likely the later it is), then nothing (sitemaps by type, ``news``, ``pages``),
    then only a number (``post-sitemap12.xml``: CMSs number them oldest first, so the highest
    first). ``now``: when the index was fetched (:func:`url_period`).
    """
    if lastmod is not None and (since - lastmod.date()).days > 1:
        return None
    period = url_period(url, now)
    if period is not None:
        gap = max((since - period[1]).days, (period[0] - until).days) - 1
        return None if gap > 0 else (0, 0)
    if lastmod is not None:
        return 1, max((lastmod.date() - until).days, 0)
    numbers = _NUMBER.findall(urlsplit(url).path.rsplit("/", 1)[-1])
    return (3, -int(numbers[-1])) if numbers else (2, 0)


def sitemap_records(document: bytes, now: datetime | None = None,
                    on_stop: Callable[[str], None] | None = None,
                    on_damage: Callable[[str], None] | None = None
                    ) -> Iterator[SitemapRecord]:
    """Each ``<url>`` and ``<sitemap>`` entry of a sitemap document (unpacked by
    ``feeds.gunzipped_document``), with ``news:publication_date`` when given, else ``lastmod``;
    a date that is no publication date (``dates.publication_date``: a CMS's null, one ahead of
    ``now``, when the sitemap was fetched, its capture time in a replay) is None.
    ``on_stop``, ``on_damage``: as ``feeds.iter_records``'."""
    for node in iter_records(document, ("url", "sitemap"), on_stop, on_damage=on_damage):
        loc = _child_text(node, "loc")
        if not loc:
            continue
        news = next((c for c in node if _local(c.tag) == "news"), None)
        published = _record_date(news, "publication_date", now) if news is not None else None
        published = published or _record_date(node, "lastmod", now)
        title = _child_text(news, "title") if news is not None else None
        yield SitemapRecord(_local(node.tag), loc.strip(), published, news is not None, title)


def _record_date(node: etree._Element, name: str, now: datetime | None) -> datetime | None:
    """The date a sitemap entry's field ``name`` gives, None when it is no publication date."""
    return dates.publication_date(dates.parse_any(_child_text(node, name) or ""), now)


# --- date archives and home-page links -----------------------------------------------------
def archive_prefix(urls: Iterable[str], host: str) -> str | None:
    """The path prefix of a date archive (``/``, ``/news/``) when at least two links of the
    site's own pages sit under ``<prefix>YYYY/MM/DD/``; None when the site shows none."""
    prefixes: Counter[str] = Counter()
    for url in urls:
        parts = urlsplit(url)
        if site_host(parts.hostname or "") != site_host(host):
            continue
        match = _DATE_PATH.match(parts.path)
        if match and len(parts.path) > match.end():  # an article under the day, not the day
            prefixes[match.group("prefix")] += 1
    best = prefixes.most_common(1)
    return best[0][0] if best and best[0][1] >= 2 else None


NEXT_PAGE = 'a[rel~="next"], link[rel~="next"] @href'  # rel is a token list ("nofollow next")


def next_page_link(tree: Any, links: list[str], url: str, page: int) -> str | None:
    """The next page of a paged listing: its ``rel="next"`` link, else a link to
    ``…/page/<page + 1>/`` (WordPress marks its pager with a class only) or to the same path
    with a pager parameter (:data:`~crawler.extraction.pages.PAGE_PARAM`: ``?page=``,
    ``?paged=``, Bitrix's ``?PAGEN_1=``…, uCoz's bare ``?page2``) of ``<page + 1>``."""
    marked = first_value(tree, (NEXT_PAGE,))
    if marked:
        return joined(document_base(tree, url), marked)
    here = urlsplit(url)
    paged = any(PAGE_PARAM.match(k) for k, _ in parse_qsl(here.query)) or bool(
        _BARE_PAGE.match(here.query))
    for link in links:
        parts = urlsplit(link)
        if f"/page/{page + 1}/" in parts.path or (not paged or parts.path == here.path) and (any(
                PAGE_PARAM.match(k) and v == str(page + 1) for k, v in parse_qsl(parts.query))
                or parts.query.lower() == f"page{page + 1}"):
            return link  # (a home page's pager may lead to /news/?page=2; later pages stay)
    return worded_next(tree, url)


# What a link to a list's next (older) page says, whole, when its address follows no page
# scheme (Joomla's ?start=10, ?offset=10, /news/2/): an article's next-page words
# ("Далее", "Следующая »") and a list's own ("Показать ещё")
NEXT_WORDS = NEXT_PAGE_WORDS | frozenset({
    "следующие", "показать ещё", "показать еще", "загрузить ещё", "загрузить еще",
    "ещё новости", "еще новости", "больше новостей", "предыдущие новости",
    "предыдущие записи", "более ранние новости", "старые записи",
    "яшчэ", "паказаць яшчэ", "older", "older posts", "older entries",
    "more news", "load more", "show more"})  # not a bare "Ещё", "More": a menu's
# what carries a next page's address: a link, or a "load more" button's data attribute
_NEXT_CARRIERS = "a[href], [data-href], [data-url]"
_LAST_NUMBER = re.compile(r"(\d{1,6})(?!.*\d)")


def worded_next(tree: Any, url: str) -> str | None:
    """The next page of a list whose pager only its words tell ("Следующая" to ``?start=10``,
    or a "Показать ещё" button's ``data-href``):
    the one address on the site that every link saying so (text or title, whole: not "Читать
    далее") leads to, no article's, numbered past this page (a page's "Следующие новости"
    back to newer ones is no next page). Teasers' "Далее" links to their articles are
    several addresses: none is taken."""
    base, here = document_base(tree, url), urlsplit(url)
    found: set[str] = set()
    for node in select_nodes(tree, _NEXT_CARRIERS):
        # (a button's own text: text_content leaves controls out)
        said = text_content(node) if node.tag == "a" else "".join(node.itertext())
        words = {link_words(text) for text in (said[:60], node.get("title") or "")}
        if not words & NEXT_WORDS:
            continue
        target = node.get("href") if node.tag == "a" else None
        link = joined(base, target or node.get("data-href") or node.get("data-url") or "")
        if link is None:
            continue
        if _site_list_link(link, here) and _number(link) > _number(url):
            found.add(link.split("#", 1)[0])
    return found.pop() if len(found) == 1 else None


# What a link to a site's whole list of news says, whole, where the home page shows the newest
# few and no pager ("Все новости →" to /news/, whose pages are numbered): "all" words first,
# then a menu's bare "Новости" (a rubric's name, "Общество", is no list of all news)
ALL_NEWS_WORDS = frozenset({
    "все новости", "все материалы", "все публикации", "все статьи", "все записи",
    "лента новостей", "вся лента", "архив новостей", "смотреть все новости",
    "показать все новости", "читать все новости", "все новости сайта", "все новости дня",
    "усе навіны", "уся стужка", "стужка навін", "архіў навін", "усе матэрыялы",
    "всі новини", "усі новини", "стрічка новин", "архів новин",
    "all news", "all stories", "all articles", "news archive", "latest news", "view all news"})
NEWS_WORDS = frozenset({"новости", "лента", "навіны", "стужка", "новини", "стрічка", "news"})


def news_section(tree: Any, url: str) -> str | None:
    """The first page of the site's list of all news that a home page with no pager links
    ("Все новости", else a menu's "Новости"): one list on the site (its spellings, with a
    slash or not, tracking parameters, are one), no article, feed, rubric, tag or search
    page (``GENERIC_SKIP_PATHS``), not the home page. Several lists named by the one kind
    of words (a rubric block's "Все новости" each) are none: the other kind decides."""
    base, here = document_base(tree, url), urlsplit(url)
    home = _list_key(urlsplit(url))
    found: dict[bool, dict[tuple[str, str, str], str]] = {True: {}, False: {}}
    for node in select_nodes(tree, "a[href]"):
        words = link_words(text_content(node)[:60])
        if words not in ALL_NEWS_WORDS and words not in NEWS_WORDS:
            continue
        link = joined(base, node.get("href") or "")
        if link is None or not _site_list_link(link, here):
            continue
        parts = urlsplit(link)
        key = _list_key(parts)
        if key[:2] != home[:2] and not _INDEX_PAGE.search(parts.path) \
                and not _SKIPPED.search(path_and_query(link)):
            found[words in ALL_NEWS_WORDS].setdefault(key, link.split("#", 1)[0])
    for named in (found[True], found[False]):  # (rubric blocks' "Все новости", a menu's one)
        if len(named) == 1:
            return next(iter(named.values()))
    return None


_SKIPPED = re.compile("|".join(GENERIC_SKIP_PATHS), re.IGNORECASE)
_INDEX_PAGE = re.compile(r"(?:^|/)index\.\w+$", re.IGNORECASE)  # the home page, spelt out


def _list_key(parts: Any) -> tuple[str, str, str]:
    """A list page's address as one key for its spellings: host without www., path without
    its closing slash, query without tracking parameters."""
    query = "&".join(sorted(f"{k}={v}" for k, v in parse_qsl(parts.query, keep_blank_values=True)
                            if not is_tracking(k.lower())))
    return site_host(parts.hostname or ""), parts.path.rstrip("/"), query


def _site_list_link(link: str, here: Any) -> bool:
    """Whether a link may lead to another page of the site's lists: on a host of the site
    (its own, the www./bare variant, a subdomain: ``news.example.by`` keeps the list of
    ``example.by``, ``archive.urls.same_site``), over the web, no article's and no day's
    archive."""
    parts = urlsplit(link)
    return same_site(parts.hostname or "", here.hostname or "") \
        and parts.scheme in ("http", "https") \
        and not looks_like_article(link) and not date_archive_url(link)


def _number(url: str) -> int:
    """The last number in an address's path and query (0 without one): a page's place."""
    match = _LAST_NUMBER.search(path_and_query(url))
    return int(match.group(1)) if match else 0


_BARE_PAGE = re.compile(r"(?i)page\d+")  # uCoz numbers a list's pages so: /news/?page2


def day_span(urls: Iterable[str], now: datetime | None = None) -> str | None:
    """The first and last day the URLs carry (``url_day``, as of ``now``), as
    ``YYYY-MM-DD/YYYY-MM-DD`` (a listing request's argument: it must survive a JOBDIR), None
    when none is dated."""
    days = [day for url in urls if (day := url_day(url, now)) is not None]
    return f"{min(days).isoformat()}/{max(days).isoformat()}" if days else None


def after_span(span: str | None, prior: str | None) -> bool:
    """Whether ``span`` comes after ``prior`` (no day before its last, one after it): the
    list goes from the oldest to the newest (a CMS's ``ORDER BY id``), not the other way
    round. (ISO days compare as strings.)"""
    if span is None or prior is None:
        return False
    first, last = span.split("/")
    return first >= prior.split("/")[1] and last > prior.split("/")[1]


def archive_day_path(prefix: str, day: date) -> str:
    return f"{prefix}{day:%Y/%m/%d}/"


def url_day(url: str, now: datetime | None = None) -> date | None:
    """The day an article URL carries: ``/YYYY/MM/DD/`` (what day archives are told by),
    else the other forms CMSs write (``/20250904/``, ``?date=04.09.2025``,
    :func:`dates.day_in_url`); a day of history (1945) dates nothing, nor one after the day
    of ``now`` (:func:`dates.published_by_now`)."""
    return dates.publication_url_day(_day_of_url_shape(url), now)


def url_dated_since(url: str, since: date) -> bool:
    """Whether ``url`` carries a day (:func:`url_day`'s forms) on or after ``since``, a day
    after today too: that is an event or an id in a date's shape, no publication day, so
    only the page's own date can rule it out (it was dropped from every recent run unread)."""
    day = _day_of_url_shape(url)
    return day is not None and day >= since


def _day_of_url_shape(url: str) -> date | None:
    """The day in ``url``'s date forms (:func:`url_day`), whether or not it can be a
    publication day: a date in the path marks an article link either way."""
    match = _DATE_PATH.match(urlsplit(url).path)
    if not match:
        return dates.day_in_url(url)
    try:
        day = date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
    except ValueError:
        return None
    return dates.plausible_url_day(day)


def path_text(path: str) -> str:
    """A URL path's text, its escapes read as UTF-8, else as windows-1251 (an old Russian
    CMS's slug, ``%D0%EE%F1…``): read as UTF-8 those were U+FFFD, no letter of a slug."""
    try:
        return unquote(path, errors="strict")
    except UnicodeDecodeError:
        return unquote(path, encoding="cp1251")


def looks_like_article(url: str, id_params: Iterable[str] = GENERIC_KEEP_QUERY) -> bool:
    """A home-page link that reads as an article: its last path segment is a headline slug
    or an id, it lies under a date (sections and static pages are single words), or its query
    names it by a numeric id (``index.php?newsid=123``, ``detail.php?ELEMENT_ID=5``, Joomla's
    ``&id=7`` or ``&id=7:alias``, WordPress's ``?p=9``: a parameter ``id_params`` names or
    called ``…id``)."""
    parts = urlsplit(url)
    last = path_text(parts.path).rstrip("/").rsplit("/", 1)[-1]  # a Cyrillic slug, encoded or not
    if _DAY_SEGMENT.fullmatch(last) and not parts.query:
        return False  # a day's page of a calendar (uCoz's /news/2026-12-01): its teasers
    if date_archive_url(url):
        return False
    if _day_of_url_shape(url) is not None or _SLUG.search(last):
        return True
    named = set(id_params)
    return any(_QUERY_ID.fullmatch(value) and (key in named or _ID_PARAM.match(key))
               for key, value in parse_qsl(parts.query, keep_blank_values=True))


# an id in a query: a number, or Joomla's number and alias with SEF URLs off ("id=12:slug")
_QUERY_ID = re.compile(r"\d+(?::[\w-]+)?")


def date_archive_url(url: str) -> bool:
    """A day's or month's archive (WordPress's ``/2026/01/04/``), or a page of one: its path
    ends in its date (and a pager), its query pages it if anything; or a calendar's day
    page addressed by its query (``/news/?date=2026-12-03``, ``/archive/?day=03.12.2026``:
    a day and a pager, nothing naming one article, under a path no slug or id ends). Its
    teasers, never an article; a day archive's pager links share its day."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query)
    if _DATE_PAGE.search(parts.path):
        return all(key.lower() in _PAGER_PARAMS for key, _ in pairs)
    last = path_text(parts.path).rstrip("/").rsplit("/", 1)[-1]
    days = [key for key, value in pairs if _DAY_SEGMENT.fullmatch(value.strip())]
    return bool(days) and not _SLUG.search(last) and all(
        key in days or key.lower() in _PAGER_PARAMS for key, _ in pairs)


# the last segment of a link its headline text makes an article's: a short id, bare or as a
# CMS writes it (NetCat's news_123.html, /news/123.html), a slug of two words (MODX's
# traktor-yubilej.html), or of three words or more joined by underscores
# (v_rajone_otkryli_most.html, which _SLUG, reading "_" as a letter, takes for one word; two
# name a section: all_news, kontakty_redakcii), which the address alone does not tell from a
# section
_HEADLINED_SEGMENT = re.compile(r"(?:(?:[^\W\d_]+[_-])?\d{1,3}|[^\W_]+-[^\W_]+"
                                r"|[^\W\d_]+(?:_[^\W\d_]+){2,})(?:\.s?html?)?")
# a path's last segment that is a day and nothing more: 2026-12-01, 2026_12_01, 01.12.2026
_DAY_SEGMENT = re.compile(r"(?:19|20)\d\d([-_.])\d{1,2}\1\d{1,2}|\d{1,2}([-.])\d{1,2}\2(?:19|20)\d\d"
                          r"(?:\.html?)?")
# a path that ends in its date (and a pager): an archive of that day or month, no article
_DATE_PAGE = re.compile(r"/(?:19|20)\d\d/\d{1,2}(?:/\d{1,2})?(?:/(?:page|paged|p)/\d+)?/?$")
_PAGER_PARAMS = frozenset(("page", "paged", "pagen_1", "start", "pg"))
# Path words a short number under them pages or lists, never names one article.
_LISTING_WORDS = frozenset((
    "page", "pages", "p", "pg", "paged", "str", "stranica", "stranitsa", "страница", "стр",
    "category", "categories", "cat", "tag", "tags", "author", "authors", "user", "users",
    "rubric", "rubrika", "rubrics", "section", "sections", "topic", "topics", "archive",
    "year", "month", "day", "comments", "comment", "photo", "photos", "gallery", "video",
    "latest", "last", "newest", "popular", "top", "best", "list", "index", "feed", "rss",
    "region", "regions", "city", "search"))
_YEAR = re.compile(r"(?:19|20)\d\d")
HEADLINE_MIN_WORDS = 3  # a link's text with this many words reads as a headline
HEADLINE_MIN_CHARS = 20


def headlined_ids(tree: etree._Element, url: str, encoding: str = "utf-8") -> set[str]:
    """The links of a page whose address ends in a short number (``/news/101/``: a new or
    small site's ids, which :func:`looks_like_article` leaves to a slug or four digits, so a
    pager's ``/page/2/`` is never one) or a two-word slug (``_HEADLINED_SEGMENT``) and whose
    text reads as a headline, not "2" or "Next":
    article links on that evidence. Not under a paging or listing word anywhere in the path
    (``/category/5/``, ``/author/ivan/2/``) nor a year (``/2026/11/``); written as
    :func:`page_links` writes them."""
    base = document_base(tree, url)
    found: set[str] = set()
    for node in tree.iter("a"):
        href = (node.get("href") or "").strip()
        link = joined(base, href) if href else None
        if link is None:
            continue
        segments = path_text(urlsplit(link).path).rstrip("/").split("/")
        if (len(segments) < 3 or not _HEADLINED_SEGMENT.fullmatch(segments[-1])
                or _YEAR.fullmatch(segments[-2])  # /2026/11/: a month's archive
                or any(seg.lower() in _LISTING_WORDS for seg in segments[:-1])):
            continue
        text = " ".join(node.text_content().split())
        if len(text) >= HEADLINE_MIN_CHARS and len(text.split()) >= HEADLINE_MIN_WORDS:
            found.add(as_sent(link, encoding))
    return found


def article_links(tree: etree._Element, links: list[str], url: str, encoding: str,
                  id_params: Iterable[str] = GENERIC_KEEP_QUERY) -> list[str]:
    """The links of a home page or listing (``links``: its :func:`page_links`) that read as
    articles: by their address (:func:`looks_like_article`), or a short id by its headline
    (:func:`headlined_ids`)."""
    headlined = headlined_ids(tree, url, encoding)
    return [link for link in links if link in headlined or looks_like_article(link, id_params)]


def declared_canonical(html: str, base: str) -> str | None:
    """The absolute URL of the page's ``<link rel="canonical">``, relative to its ``<base
    href>`` if it has one (read from its head only, without parsing the page: extraction
    does that off the reactor)."""
    end = html.lower().find("</head>")
    head = html if end < 0 else html[:end]
    base = resolved_base(base, next((href for href in map(_href, _BASE_TAG.findall(head))
                                     if href), None))
    for tag in _LINK_TAG.findall(head):
        attrs = _attrs(tag)
        if "canonical" in attrs.get("rel", "").lower().split() and attrs.get("href", "").strip():
            return joined(base, attrs["href"].strip())
    return None


def _attrs(tag: str) -> dict[str, str]:
    return {m[0].lower(): unescape(m[1] or m[2] or m[3]) for m in _ATTR.findall(tag)}


def _href(tag: str) -> str:
    return _attrs(tag).get("href", "").strip()


def alias_of(body: bytes, content_type: str | None, url: str, outlet: Outlet,
             resolve: Callable[[str], Outlet | None]) -> str | None:
    """The other article page of the same site a generically read page names as its
    ``rel="canonical"`` (not a section or the home page a careless template names), or None.
    Such a page is an alias: that page is the article (the crawl and re-extraction alike);
    an AMP copy never is (a template naming it canonical has the standard backwards)."""
    if not generic_rules(outlet):
        return None
    head, _ = decode_html(body[:HEAD_BYTES], content_type)
    declared = declared_canonical(head, url)
    if declared is None or getattr(resolve(declared), "key", None) != outlet.key:
        return None
    if (not is_article_url(outlet, declared) or is_amp_url(declared)
            or not looks_like_article(declared, outlet.keep_query)):
        return None
    return None if canonical_url(declared, outlet) == canonical_url(url, outlet) else declared


STORY_PARAGRAPHS = 12  # long paragraphs of a page kept to tell its story from another's
STORY_PARAGRAPH_WORDS = 8  # fewer words: a caption, a credit line, furniture
STORY_BYTES = 1 << 20  # how far into a page its story is read (on the reactor)


@dataclass(frozen=True)
class PageStory:
    """What tells one article from another: its headline and its first long paragraphs
    (their words, hashed: kept for the pages the run extracted last), read from an alias's
    page (:func:`page_story`) or from its canonical's extracted item."""

    headline: str
    paragraphs: frozenset[int]

    @classmethod
    def of(cls, headline: str, paragraphs: Iterable[str]) -> PageStory:
        keys = (title_key(p) for p in paragraphs)
        return cls(headline, frozenset(itertools.islice(
            (hash(k) for k in keys if k.count(" ") + 1 >= STORY_PARAGRAPH_WORDS),
            STORY_PARAGRAPHS)))

    def another_than(self, other: PageStory) -> bool:
        """Whether two pages tell different stories: both headlined and with long paragraphs,
        the headlines not one (:func:`same_headline`), no paragraph shared. A page edited
        since (a new headline, the same text) is the same story; a page without a headline
        or a paragraph to compare (its text in <div>s) tells nothing."""
        return bool(self.headline and other.headline and self.paragraphs
                    and other.paragraphs) \
            and not same_headline(self.headline, other.headline) \
            and not self.paragraphs & other.paragraphs


def page_story(body: bytes, content_type: str | None) -> PageStory:
    """The :class:`PageStory` of a page: its ``og:title`` (else its ``<h1>``, its
    ``<title>``) and its ``<p>`` elements' text. A page that does not parse, or whose markup
    would hold the event loop (:func:`limits.crowded_element`: an element of 100,000
    attributes took lxml 24 s), tells none."""
    html, _ = decode_html(body[:STORY_BYTES], content_type)
    try:
        if limits.crowded_element(html):
            raise ValueError("crowded markup")
        tree = parse_html(html)
    except ValueError:
        return PageStory("", frozenset())
    headline = first_value(tree, ('meta[property="og:title"] @content', "h1", "title")) or ""
    return PageStory.of(" ".join(headline.split()),
                        (text_content(p) for p in itertools.islice(tree.iter("p"), 200)))


_FRAMESET_TAG = re.compile(r"<frameset\b", re.IGNORECASE)
_FRAMES_MARKUP = re.compile(r"<(/?)frame(set)?\b[^>]*>", re.IGNORECASE)
MAX_FRAMES = 8  # frames of one frameset requested (a banner, a menu, the article…)
# what frames of a site's furniture are named or their pages called (``banner.htm``,
# ``name="leftMenu"``, ``/nav/``, ``topmenu.html``): never the article
_FURNITURE = ("banner", "menu", "nav", "navigation", "top", "header", "head", "footer",
              "foot", "bottom", "left", "right", "logo", "counter", "ads", "ad", "adv",
              "reklama", "bar", "side", "sidebar", "links")
# what the frame of a page's text is named or its page called
_CONTENT = frozenset({"main", "content", "contents", "body", "text", "article", "maintext"})


def article_frames(body: bytes, content_type: str | None, url: str) -> list[str]:
    """The pages a frameset page shows in its frames, absolute: those that read as articles
    (an old site's article URL is a frameset of a banner frame and the article's frame),
    else the one frame most likely its text (:func:`_text_frame`); [] for a page that is
    no frameset. Read from the page's first bytes without parsing it, as the canonical is
    (on the reactor, before extraction)."""
    text, _ = decode_html(body[:HEAD_BYTES], content_type)
    if not _FRAMESET_TAG.search(text):
        return []
    base = resolved_base(url, next((href for href in map(_href, _BASE_TAG.findall(text))
                                    if href), None))
    frames: dict[str, tuple[str, bool]] = {}  # URL -> (frame name, given the '*' share)
    for attrs, rest in _frames(text):
        src = attrs.get("src", "").strip()
        target = (joined(base, src) or url).split("#", 1)[0] if src else ""
        if urlsplit(target).scheme in ("http", "https") and target != url:
            frames.setdefault(target, (attrs.get("name") or attrs.get("id") or "", rest))
    articles = [f for f in frames if looks_like_article(f)]
    return articles[:MAX_FRAMES] if articles else _text_frame(frames)


def _frames(text: str) -> Iterator[tuple[dict[str, str], bool]]:
    """Each ``<frame>``'s attributes and whether its frameset gives it the rest of the page
    (``rows="80,*"``: the second frame), in page order, nested framesets included."""
    shares: list[tuple[list[str], int]] = []  # per open frameset: its shares, slots used
    for tag in _FRAMES_MARKUP.finditer(text):
        closing, frameset = tag.group(1), tag.group(2)
        if closing:
            if frameset and shares:
                shares.pop()
            continue
        slot = shares[-1][1] if shares else 0
        share = shares[-1][0][slot] if shares and slot < len(shares[-1][0]) else ""
        if shares:
            shares[-1] = (shares[-1][0], slot + 1)
        attrs = _attrs(tag.group(0))
        if frameset:
            parts = attrs.get("cols") or attrs.get("rows") or ""
            shares.append(([p.strip() for p in parts.split(",")], 0))
        else:
            yield attrs, share.endswith("*")


def _text_frame(frames: dict[str, tuple[str, bool]]) -> list[str]:
    """Of frames none of which reads as an article, the one of the page's text (at most
    one: a banner, a menu, a counter is no article): not one named or called as furniture,
    then the one named or called main, content, text…, else the one given the rest of the
    page (``*``), else the last (the text comes after the navigation)."""
    kept = [u for u, (name, _) in frames.items() if not any(map(_furniture, _names(u, name)))]
    named = [u for u in kept if any(not _CONTENT.isdisjoint(w) for w in _names(u, frames[u][0]))]
    rest = [u for u in kept if frames[u][1]]
    return (named or rest or kept)[-1:] if len(kept) > 1 else kept


def _names(url: str, name: str) -> list[list[str]]:
    """The words of a frame's name and of its page's file name (without its extension; a
    folder's name when the path ends in one)."""
    page = path_text(urlsplit(url).path).rstrip("/").rsplit("/", 1)[-1].split(".", 1)[0]
    return [[w.lower() for w in re.findall(_CAMEL_WORD + r"|\d+", part)]
            for part in (name, page) if part]


def _furniture(words: list[str]) -> bool:
    """Every word of a name is furniture or a number (``leftMenu``, ``top_1``, ``topmenu``:
    a word of furniture words run together)."""
    return bool(words) and all(w.isdigit() or _furniture_word(w) for w in words)


def _furniture_word(word: str) -> bool:
    return word in _FURNITURE or any(word.startswith(f) and _furniture_word(word[len(f):])
                                     for f in _FURNITURE if len(f) < len(word))


def framed_by(body: bytes, content_type: str | None, url: str, outlet: Outlet,
              resolve: Callable[[str], Outlet | None]) -> list[str]:
    """The frames of a generically read frameset page that lie on its own site
    (:func:`article_frames`): their pages are the article (the crawl and re-extraction
    alike), the frameset is none."""
    if not generic_rules(outlet):
        return []
    return [frame for frame in article_frames(body, content_type, url)
            if getattr(resolve(frame), "key", None) == outlet.key]


# --- per-site state ------------------------------------------------------------------------
ARCHIVE_TRIAL_DAYS = 3  # the first days of a day-archive walk, asked before the others


@dataclass(frozen=True)
class PageSignature:
    """What tells two answers apart as the same page: their bytes, and the links they show (a
    home page served for every URL may carry a fresh timestamp or token each time)."""

    digest: str
    links: frozenset[str]

    def same_as(self, other: PageSignature | None, by_links: bool = True) -> bool:
        return other is not None and (self.digest == other.digest or (
            by_links and bool(self.links) and self.links == other.links))


@dataclass
class ArchiveWalk:
    """One day-archive walk of a site (``prefix``): its first ``ARCHIVE_TRIAL_DAYS`` days and
    a probe of a day that cannot be are asked first. When every trial day is answered by the
    home page, or by what the impossible day is answered with, the site has no day archive
    (a soft 404 everywhere) and the other days are not asked: each would be that page again.

    The impossible day's page alone is weak evidence: a CMS that shows any date it is given
    answers it with the page of an empty day, and the window's newest days may all be empty.
    So that verdict also needs a day the site is known to hold an article of (``check``, the
    newest its home page links) answered with that page too, asked after the trial when the
    trial days did not include it."""

    prefix: str
    home: PageSignature
    days: list[date]  # the days held back until the trial is judged, newest first
    awaited: int = 0  # trial answers (days and probe) not in yet
    probe: PageSignature | None = None
    trial: list[PageSignature | None] = field(default_factory=list)  # None: not read (404…)
    check: date | None = None  # a day with an article, still to ask if the probe's page rules

    def same_page(self) -> str | None:
        """Why every trial day was the same page (the home page's, the probe's), or None when
        one may be a day's page (or was not read: a real archive may 404 an empty day)."""
        whys = []
        for page in self.trial:
            if page is None:
                return None
            if page.same_as(self.home):
                whys.append("the home page")
            elif page.same_as(self.probe, by_links=False):  # a day with no article shows
                whys.append("the page of an impossible day")  # the links of every page
            else:
                return None
        return " and ".join(sorted(set(whys))) if whys else None

    def needs_check(self) -> tuple[date, bool] | None:
        """The day with an article to ask before stopping, and whether it is a day of the
        walk (then no longer held back), when the verdict rests on the impossible day's page
        (once: its answer is then a trial day like the others)."""
        check, self.check = self.check, None
        if check is None or all(page is not None and page.same_as(self.home)
                                for page in self.trial):
            return None
        held = check in self.days
        if held:
            self.days.remove(check)
        return check, held


def check_day(known: Iterable[date | None], trial: list[date]) -> date | None:
    """The newest day the site is known to hold an article of (its home page's links), None
    when it is a trial day already (the trial holds the evidence) or none is known."""
    newest = max((day for day in known if day is not None), default=None)
    return None if newest in trial else newest


def archive_probe_path(prefix: str, day: date) -> str:
    """A day archive's path for a day that cannot be (month 13 of ``day``'s year)."""
    return f"{prefix}{day:%Y}/13/32/"


# A zone sample whose answer is no article page (a dead link, a soft 404) is replaced by the next
# candidate, so dead links first in a feed do not leave the site without a vote; a site asks
# at most this many times SITE_ZONE_SAMPLES in all (one whose every page fails, no more)
SAMPLE_TRIES = 3
MAX_DATED_PAGES = 10_000  # article pages of a site whose dates are kept to tell its template's


@dataclass
class MachineDates:
    """The machine dates a site's article pages give, each with the day every page giving it
    prints: one several pages share while printing different days is the template's
    (``dates.template_date``), no evidence of when any of them was published."""

    pages: dict[datetime, dict[str, date]] = field(default_factory=dict)  # date -> URL -> day
    template: set[datetime] = field(default_factory=set)
    kept: int = 0  # pages kept (at most MAX_DATED_PAGES)

    def note(self, url: str, machine: datetime | None, printed: datetime | None
             ) -> datetime | None:
        """Note the dates a page gives; the machine date when it is found the template's now
        (once), else None."""
        if machine is None or printed is None or machine in self.template:
            return None
        shown = self.pages.setdefault(machine, {})
        if url not in shown:
            if self.kept >= MAX_DATED_PAGES:
                return None
            self.kept += 1
        shown[url] = printed.date()
        if not dates.template_date(list(shown.values())):
            return None
        self.template.add(machine)
        return machine

    def misdated(self, machine: datetime) -> list[str]:
        """The pages noted giving ``machine`` that print another day (read before it was
        found the template's, they were dated by it)."""
        return [url for url, day in self.pages.get(machine, {}).items()
                if day != machine.date()]

    def isoformats(self) -> list[str]:
        """The template's dates as an article request carries them to the extraction."""
        return sorted(d.isoformat() for d in self.template)


@dataclass
class SiteState:
    """What discovery learned about one site during a run."""

    row: dict[str, Any]
    outlet: Outlet
    candidates: dict[str, Candidate] = field(default_factory=dict)
    page_offsets: Counter[timedelta] = field(default_factory=Counter)
    channel_offsets: Counter[timedelta] = field(default_factory=Counter)
    requested: set[str] = field(default_factory=set)
    sitemaps_requested: int = 0
    feeds_announced: int = 0  # announced feeds requested (SITE_MAX_FEEDS)
    homes_requested: int = 0  # home pages (the row's, editions, script targets) requested
    home_over_limit: int = 0  # home pages not requested at the bound
    base_offsite: int = 0  # pages read whose <base href> names another host
    name: str | None = None
    archive: str | None = None  # date-archive path prefix
    archive_walks: dict[str, ArchiveWalk] = field(default_factory=dict)  # by prefix
    listings: list[str] = field(default_factory=list)  # second pages of home pages' lists
    sections: list[str] = field(default_factory=list)  # first pages of "Все новости" lists
    # the first and last day (``day_span``) the links of the page naming each listing carry
    listing_days: dict[str, str] = field(default_factory=dict)
    listing_stop: str | None = None  # why the walk of the home page's list ended (if walked)
    home_only: bool = False  # a window run read its articles from home-page lists alone
    samples: list[Any] = field(default_factory=list)  # article responses fetched for the zone
    # article answers that came before the release (a stopped session's frontier, re-checks
    # of old articles): read at it, in the zone this run learns
    held: list[Any] = field(default_factory=list)
    sampled: dict[str, str] = field(default_factory=dict)  # article key -> the URL sampled
    failed_samples: set[str] = field(default_factory=set)  # those whose answer was no article
    sample_dates: dict[str, datetime] = field(default_factory=dict)  # key -> date it printed
    sample_pages: dict[str, tuple[datetime | None, datetime | None]] = field(
        default_factory=dict)  # key -> its (machine, printed) dates
    machine_dates: MachineDates = field(default_factory=MachineDates)
    # the publication dates each feed or news sitemap gave (by its URL); the entries a date
    # of theirs put out of the window (kept, should those dates prove no publication dates);
    # the sources whose dates proved none
    source_dates: dict[str, Counter[datetime]] = field(default_factory=dict)
    ruled_out: list[Candidate] = field(default_factory=list)
    untrusted: set[str] = field(default_factory=set)
    robots_awaited: bool = False  # robots.txt is read from Scrapy's robots middleware
    landed: str | None = None  # scheme://host the home page moved to (www./bare, https)
    home_read: bool = False  # a home page of the site's own hosts was read
    over_limit: int = 0  # candidates dropped at the bound (newcomers or held ones evicted)
    bound_said: bool = False  # the bound's warning was logged (once a site)
    # closeness to the window and insertion number of each held candidate, and a heap of
    # (negated) those entries whose top is the farthest: the one a closer newcomer evicts
    _closeness: dict[str, tuple[tuple[int, int], int]] = field(default_factory=dict)
    _farthest: list[tuple[int, int, int, str]] = field(default_factory=list)
    _held: int = 0  # candidates held so far (their insertion numbers)

    @property
    def key(self) -> str:
        return self.outlet.key

    @property
    def home_path(self) -> str:
        """The home page the row gives (``/news/`` when the site lives in a folder)."""
        return path_and_query(self.row["url"])

    @property
    def zone_given(self) -> bool:
        return bool(self.row.get("timezone"))

    @property
    def samples_counted(self) -> int:
        """The zone samples asked whose answer was not found to be no article page."""
        return len(self.sampled) - len(self.failed_samples)

    def note_sample(self, key: str, url: str, tree: etree._Element) -> datetime | None:
        """Note the dates a zone sample gives: its date (``sample_dates``, its machine one
        unless that proves the template's) and, the machine date it gives when that is now
        found the site's template's (:class:`MachineDates`)."""
        machine, printed = page_machine_date(tree), ArticleDates(tree).visible()
        self.sample_pages[key] = (machine, printed)
        found = self.machine_dates.note(url, machine, printed)
        template = self.machine_dates.template
        self.sample_dates = {k: d for k, (m, p) in self.sample_pages.items()
                             if (d := p if m is None or m in template else m) is not None}
        return found

    def sample_room(self, most: int) -> bool:
        """Whether one more zone sample may be asked: fewer than ``most`` count, and fewer
        than SAMPLE_TRIES times ``most`` were asked in all (a site whose every page fails,
        dead links, a challenge, is asked that many, not one per candidate)."""
        return self.samples_counted < most and len(self.sampled) < SAMPLE_TRIES * most

    def add(self, candidate: Candidate, key: str, limit: int,
            near: tuple[int, int] = UNDATED) -> bool:
        """Keep a candidate (of two sightings of a URL, an announced one over a home-page link,
        then the better dated); False when it is not kept.

        At the site's bound a newcomer closer to the window (``near``: :func:`closeness`)
        evicts the farthest held candidate, so which URLs survive does not depend on the
        order sitemaps are answered in; every drop counts in ``over_limit``.
        """
        old = self.candidates.get(key)
        if old is not None:
            if _rank(candidate) > _rank(old):
                self.candidates[key] = candidate
                self._hold(key, near)
            return True
        if len(self.candidates) >= limit:
            self.over_limit += 1
            if not self._evict_farther_than(near):
                return False
        self.candidates[key] = candidate
        self._hold(key, near)
        return True

    def _hold(self, key: str, near: tuple[int, int]) -> None:
        number = self._held = self._held + 1
        self._closeness[key] = (near, number)
        heapq.heappush(self._farthest, (-near[0], -near[1], -number, key))

    def _evict_farther_than(self, near: tuple[int, int]) -> bool:
        while self._farthest:
            group, gap, number, key = self._farthest[0]
            if self._closeness.get(key) != ((-group, -gap), -number):
                heapq.heappop(self._farthest)  # replaced or evicted since it was pushed
                continue
            if (-group, -gap) <= near:
                return False
            heapq.heappop(self._farthest)
            del self.candidates[key], self._closeness[key]
            return True
        return False

    def undate(self, source: str, near: Callable[[Candidate], tuple[int, int]],
               key_of: Callable[[str], str], limit: int) -> int:
        """Forget the dates ``source`` gave (they proved no publication dates): its candidates
        are placed again by what else dates them (``near``), and those its dates had put out
        of the window come back, within ``limit``; returns how many it holds."""
        self.untrusted.add(source)
        for key, found in list(self.candidates.items()):
            if found.source == source and found.published is not None:
                self.candidates[key] = undated = replace(found, published=None)
                self._hold(key, near(undated))
        for found in [f for f in self.ruled_out if f.source == source]:
            self.ruled_out.remove(found)
            undated = replace(found, published=None)
            self.add(undated, key_of(found.url), limit, near(undated))
        return sum(found.source == source for found in self.candidates.values())

    def zone(self) -> str:
        """The row's zone, else the one most dates on pages carry, else the local offsets of
        feeds' and sitemaps' dates with the clocks zone samples print their feed dates on
        (:meth:`clock_offsets`), else its country domain's (one zone only), else UTC.

        A feed or sitemap date in UTC (``+0000``, ``GMT``, ``Z``) says when, not the site's
        clock: uCoz writes GMT whatever the zone, so alone it votes for nothing (it made a
        ``.by`` site printing 14:20 for its feed's 11:20 GMT read every time 3 hours late).
        What the site's pages print for those instants tells its clock, UTC included."""
        if self.zone_given:
            return str(self.row["timezone"])
        if self.page_offsets:
            return vote_zone(self.page_offsets, self.outlet.host)
        return vote_zone(channel_votes(self.channel_offsets, self.clock_offsets()),
                         self.outlet.host)

    def zone_guessed(self) -> bool:
        """Whether the zone is UTC for want of any evidence: no row's zone, no date of a page,
        feed or sitemap with a local offset, no country domain of one zone (a .ru site whose
        pages print naive dates: read as UTC, three hours off in Moscow)."""
        return not (self.zone_given or self.page_offsets
                    or channel_votes(self.channel_offsets, self.clock_offsets())
                    or vote_zone(Counter(), self.outlet.host) != "UTC")

    def clock_offsets(self) -> Counter[timedelta]:
        """The site's UTC offset as each zone sample's page prints (a naive wall time) the
        time its feed or news sitemap gave in UTC: the printed time less the given one
        (:func:`shown_offset`), 0 when they are one time (a site in UTC); none when they are
        no whole offset apart (another date, an edit) or the page printed no time. The
        samples' printed dates are those already kept to judge their sources' dates."""
        found: Counter[timedelta] = Counter()
        for key, printed in self.sample_dates.items():
            given = self.candidates.get(key)
            if given is None or given.published is None \
                    or given.channel not in PUBLICATION_DATED or given.source in self.untrusted:
                continue
            if (offset := clock_offset(given.published, printed)) is not None:
                found[offset] += 1
        return found

    def final_row(self) -> dict[str, Any]:
        url = f"{self.landed}{self.home_path}" if self.landed else self.row["url"]
        return {**self.row, "url": url, "key": self.key, "timezone": self.zone(),
                "name": self.row.get("name") or self.name or self.key}

    def settle(self) -> Outlet:
        """The outlet with its zone and name decided (called once discovery is done)."""
        self.outlet = outlet_from_site_row(self.final_row())
        return self.outlet

    def reach_back(self, since: date | None) -> bool:
        """Whether the channels but the home page may hold all of a window from ``since``: a
        sitemap or a date archive (they list the site's past, dated or not), or feeds and news
        sitemaps one of whose entries is dated on or before ``since`` (they list the newest
        only: a DataLife Engine feed of 3 left a week's window with nothing). True without a
        window or without such candidates. A source whose dates proved no publication dates
        tells nothing either way: alone, it is not taken to reach back."""
        if since is None:
            return True
        days, unsure = [], False
        for found in self.candidates.values():
            if found.channel == "home":
                continue
            if found.source in self.untrusted:
                unsure = True
                continue
            moment = found.moment()
            if found.channel not in PUBLICATION_DATED or moment is None:
                return True
            days.append(moment.date() if isinstance(moment, datetime) else moment)
        return min(days) <= since if days else not unsure

    def chosen(self, since: date | None = None) -> list[tuple[str, Candidate, int]]:
        """Candidates to fetch, each with its article key and request priority, closest to the
        window first: home-page links only when no feed, sitemap or date archive gave any,
        or when those do not reach back to the start of the window (``since``, reach_back)."""
        found = list(self.candidates.items())
        others = [(k, c) for k, c in found if c.channel != "home"]
        chosen = others if others and self.reach_back(since) else found
        chosen.sort(key=lambda kc: self._closeness[kc[0]])
        return [(k, c, fetch_priority(self._closeness[k][0])) for k, c in chosen]


def fetch_priority(near: tuple[int, int]) -> int:
    """A request priority from a candidate's closeness (Scrapy fetches higher first): what is
    in the window before what is only likely, in a bounded number of priority queues."""
    group, gap = near
    return -(MAX_PRIORITY_GAP + 1) if group else -min(gap, MAX_PRIORITY_GAP)


def _rank(candidate: Candidate) -> tuple[bool, bool, bool]:
    return (candidate.channel != "home", candidate.published is not None,
            candidate.day is not None)

"""One extraction function for live crawls, replay and re-extraction.

``extract_article`` turns an :class:`~crawler.items.ArticlePage` (bytes + URL + outlet) into an
:class:`~crawler.items.Article` or raises :class:`ExtractionError` with a reason. It is a pure
function of its input, so it can run in worker processes off the Scrapy reactor.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib.metadata import version
from typing import Any

from lxml import etree

from crawler.challenge import challenge_kind
from crawler.extraction import limits
from crawler.extraction.body import (
    TEASER,
    extract_body,
    without_bylines,
    without_excerpt_repeat,
    without_printed_date,
)
from crawler.extraction.bylines import is_no_person
from crawler.extraction.dates import parse_iso
from crawler.extraction.encoding import decode_html, wide_codec
from crawler.extraction.generic import MAX_GENERIC_DEPTH, nests_too_deep
from crawler.extraction.html import parse_html, text_content
from crawler.extraction.language import detect_language
from crawler.extraction.metadata import extract_metadata
from crawler.extraction.normalize import clean_line, join_paragraphs
from crawler.extraction.pagekind import page_kind
from crawler.extraction.pager import drop_elements, numbered_pager, worded_next_page
from crawler.extraction.pages import (
    earlier_page,
    named_pages,
    next_page,
    page_of,
    page_offset,
)
from crawler.extraction.provenance import FEED, HTML, HTMLDATE, Provenance, rule_source
from crawler.items import Article, ArticlePage
from crawler.outlets import get_outlet, outlet_for_url
from crawler.outlets.base import ArticleRules, Outlet
from crawler.siteoutlets import generic_rules
from crawler.urls import article_id, canonical_url

EXTRACTOR_NAME = "news-archive"
EXTRACTOR_VERSION = "0.1.0"
RULE_MISSES_ATTR = "_rule_misses"  # not a dataclass field: travels with the article, not exported
NEXT_PAGE_ATTR = "_next_page"  # its next page (rel="next", its pager), travelling as misses do
# (machine date, printed date) of its page (Metadata's), for the crawl to tell a template's date
PAGE_DATES_ATTR = "_page_dates"
MIN_TEXT_CHARS = 40  # shorter bodies are stubs, blocked pages or failed extraction
MAX_UNDECODED_SHARE = 0.25  # of the text's visible characters: U+FFFD, signs, unassigned
UNDECODED_SAMPLE = 20_000  # characters judged (a Python loop; mojibake is page-wide)

_BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"\x1f\x8b",
                 b"RIFF", b"\x00\x00\x01\x00", b"OggS", b"ID3", b"fLaC", b"\x7fELF",
                 b"\x78\x01", b"\x78\x5e", b"\x78\x9c", b"\x78\xda",  # zlib
                 b"\x28\xb5\x2f\xfd", b"BZh", b"\xfd7zXZ\x00", b"7z\xbc\xaf", b"wOFF", b"wOF2")
# Control bytes (not tab, newline, CR, FF) in the first KB: compressed or encrypted bytes have
# about 9 %, text next to none (a few stray NULs).
MAX_CONTROL_SHARE = 0.03
_LEADING_SPACE = re.compile(rb"\s*")
_LEADING_TEXT_SPACE = re.compile(r"\s*")
# An XML document whose root is a feed's or a sitemap's (an Atom feed at an article-shaped
# address, /feeds/posts/default): its entries are no article's text
_XML_ROOT = re.compile(r"(?:<\?[^>]*\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*"
                       r"<(rss|feed|rdf:RDF|urlset|sitemapindex)\b", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[A-Za-z!/?]")  # a tag, comment, doctype or processing instruction opens

_DOC_OPEN = re.compile(rb"<(?:html|body)[\s>]", re.IGNORECASE)
_DOC_CLOSE = re.compile(rb"</(?:html|body)\s*>", re.IGNORECASE)


class ExtractionError(Exception):
    """The page yields no article; ``reason`` is a short stable code for stats."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail

    def __reduce__(self) -> tuple[Any, ...]:  # rebuilt as itself in the crawl process
        return (type(self), (self.reason, self.detail), self.__dict__)

    @property
    def stat(self) -> str:
        """The stats key this outcome is counted under."""
        return f"extraction/failed/{self.reason}"


class _PageOfAKind(ExtractionError):
    """A page that is something other than an article; ``kind`` says what."""

    reason_prefix = stat_prefix = ""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{self.reason_prefix}/{kind}", detail)
        self.kind = kind

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.kind, self.detail), self.__dict__)

    @property
    def stat(self) -> str:
        return f"{self.stat_prefix}/{self.kind}"


class NotAnArticle(_PageOfAKind):
    """A readable page that is no article (gallery, video, live blog, tag, author, search,
    listing, static page): skipped and counted by kind, not a failure."""

    reason_prefix, stat_prefix = "not_article", "pages/skipped"


class BlockedPage(_PageOfAKind):
    """An anti-bot or challenge page served in place of the article (see crawler.challenge)."""

    reason_prefix, stat_prefix = "blocked", "pages/blocked"


def looks_binary(body: bytes) -> bool:
    """Images, archives and other non-text bodies, whatever Content-Type claims (UTF-16 and
    UTF-32 text, half zero bytes, is text)."""
    start = _LEADING_SPACE.match(body).end()  # a file after a blank line is still that file
    head = body[start:start + 1024]
    if head.startswith(_BINARY_MAGIC):
        return True
    if not head or wide_codec(body):
        return False
    controls = sum(b < 9 or 13 < b < 32 or b == 127 for b in head)
    return controls / len(head) > MAX_CONTROL_SHARE


def not_markup(text: str) -> str | None:
    """What a decoded body is instead of HTML (a JSON document, text without a single tag), or
    None: such a body has no title or structure to read, and ``no_title`` would mislead."""
    start = _LEADING_TEXT_SPACE.match(text).end()
    if text[start:start + 1] in ("{", "["):
        return "a JSON document"
    if root := _XML_ROOT.match(text[start:start + 4096]):  # a root opens the document
        return f"a feed or sitemap (<{root[1]}>)"
    if _TAG.search(text) is None:
        return "text without markup"
    return None


def looks_truncated(body: bytes) -> bool:
    """A whole document (it opens <html> or <body>) that never closes them was cut in transit.

    HTTP cannot always tell: a server that sends a short Content-Length delivers a "complete"
    response holding half a page, which would otherwise become a partial article.
    """
    return bool(_DOC_OPEN.search(body[:65536])) and not _DOC_CLOSE.search(body[-65536:])


def check_decoded(text: str, url: str) -> None:
    """Raise ``undecodable_text`` when much of ``text`` is no letter, digit or punctuation
    (U+FFFD, box-drawing and other signs, unassigned code points): its bytes were no text in
    the charset they were read in (encrypted or compressed blocks, an unknown charset), and
    an item of them would be garbage. A few lost bytes or emoji are no reason."""
    sample = text[:UNDECODED_SAMPLE].replace(" ", "").replace("\n", "")
    odd = sum(unicodedata.category(c)[0] in "SC" for c in sample)
    if odd > MAX_UNDECODED_SHARE * len(sample):
        raise ExtractionError("undecodable_text", f"{url}: {odd} of {len(sample)} characters "
                              "could not be decoded (signs, U+FFFD, unassigned)")


@cache
def trafilatura_version() -> str:
    """Looked up once: importlib.metadata scans site-packages on every call (~1 ms a page)."""
    return version("trafilatura")


def extractor_info(method: str, outlet: Outlet | None, rules: ArticleRules | None = None,
                   fields: dict[str, str] | None = None) -> dict[str, Any]:
    """``rules`` names the layout version applied, as ``<outlet>@<version>``; ``fields`` the
    source of each field (crawler.extraction.provenance)."""
    info: dict[str, Any] = {"name": EXTRACTOR_NAME, "version": EXTRACTOR_VERSION,
                            "method": method, "trafilatura": trafilatura_version()}
    if outlet is not None:
        info["rules"] = f"{outlet.key}@{(rules or outlet.rules).version}"
    if fields is not None:
        info["fields"] = dict(fields)
    return info


def rule_misses(article: Article) -> dict[str, tuple[str, ...]]:
    """The rule selectors that found nothing on the article's page, by item field (sent back
    from the extraction worker with the article; never exported)."""
    return getattr(article, RULE_MISSES_ATTR, None) or {}


def fetched_moment(page: ArticlePage) -> datetime | None:
    """When ``page`` was fetched (its capture time in a replay): aware, or None."""
    return parse_iso(page.fetched_at) if page.fetched_at else None


def rules_for(outlet: Outlet | None, fetched_at: str | None) -> ArticleRules | None:
    """The outlet's rules valid at the capture time: an old capture is read as it was served."""
    if outlet is None:
        return None
    return outlet.rules_at(parse_iso(fetched_at) if fetched_at else None)


def extract_article(page: ArticlePage) -> Article:
    """Extract one article from a downloaded page, or raise ExtractionError."""
    outlet = get_outlet(page.outlet) if page.outlet else outlet_for_url(page.url)
    tree, page_long_words = read_tree(page)
    if first := earlier_page(tree, page.url):  # its text is joined to the first page's item
        raise NotAnArticle("later_page", f"{page.url} is a later page of {first}")
    return _article_of(page, outlet, tree, page_long_words, rules_for(outlet, page.fetched_at))


def read_tree(page: ArticlePage) -> tuple[etree._Element, int]:
    """The parsed, tamed tree of a page and the count of long words dropped from it, or
    ExtractionError when the body is no whole HTML document (the checks of every page of an
    article)."""
    if page.truncated:  # as replay and re-extraction, which never read such a capture
        raise ExtractionError("truncated_body", f"{page.url}: the body was cut short in transit "
                              f"(WARC-Truncated: {page.truncated})")
    if page.partial:  # the crawl asks with no Range: this is not the page it would get
        raise ExtractionError("partial_content", f"{page.url}: a 206 holding only part of "
                              f"the page ({page.partial}){_where(page)}")
    if not page.body.strip():
        raise ExtractionError("empty_body", page.url)
    if looks_binary(page.body):
        raise ExtractionError("not_html", f"{page.url} has a binary body")
    if looks_truncated(page.body):
        raise ExtractionError("truncated_html", f"{page.url}: the document never closes")
    if len(page.body) > 4 * limits.MAX_HTML_CHARS:  # UTF-32 takes four bytes a character
        raise ExtractionError("too_large", f"{page.url}: {len(page.body):,} bytes")
    text, _codec = decode_html(page.body, page.headers.get("Content-Type"))
    if too_large := limits.html_over_cap(text) or limits.crowded_element(text):
        raise ExtractionError("too_large", f"{page.url}: {too_large}")
    if other := not_markup(text):
        raise ExtractionError("not_html", f"{page.url} is {other}")
    if blocked := challenge_kind(text):
        raise BlockedPage(blocked, page.url)
    try:
        tree = parse_html(text)
    except (ValueError, RecursionError) as exc:
        raise ExtractionError("unparsable_html", f"{page.url}: {exc}") from None
    del text  # the tree holds the page now; a large page must not be held twice
    too_large, page_long_words = limits.tame_tree(tree)
    if too_large:
        raise ExtractionError("too_large", f"{page.url}: {too_large}")
    return tree, page_long_words


def _where(page: ArticlePage) -> str:
    """Where the page's record is: ``; WARC <file> offset <n>``, or "" when not archived."""
    return f"; WARC {record}" if page.warc and (record := page.record_said()) else ""


def _article_of(page: ArticlePage, outlet: Outlet | None, tree: etree._Element,
                page_long_words: int, rules: ArticleRules | None) -> Article:
    prov = Provenance()
    meta = extract_metadata(tree, outlet, page.url, rules, prov, fetched_moment(page),
                            template=[d for v in page.template_dates if (d := parse_iso(v))])
    if not meta.title:
        raise ExtractionError("no_title", page.url)
    paragraphs, body_authors, method = extract_body(tree, page.url, rules, meta.title,
                                                    meta.subtitle, prov)
    if method == TEASER:
        raise ExtractionError("teaser", f"{page.url}: the article body ends in a 'read more' link")
    if kind := page_kind(tree, page.url, paragraphs, dated=bool(meta.published),
                         vetted_url=outlet is not None and not generic_rules(outlet)):
        raise NotAnArticle(kind, page.url)
    named = named_pages(tree, page.url)  # before its pager leaves the tree

    def again() -> Reading:  # an article's: its kind is judged as read
        fresh = Provenance(dict(prov.fields), {k: v for k, v in prov.misses.items()
                                               if k != "text"})
        return Reading(*extract_body(tree, page.url, rules, meta.title, meta.subtitle, fresh),
                       fresh)
    read, following = _paged(tree, page.url, page.url,
                             Reading(paragraphs, body_authors, method, prov), again)
    paragraphs, body_authors, method, prov = read.paragraphs, read.authors, read.method, read.prov
    paragraphs, long_words = limits.drop_long_words(paragraphs)
    paragraphs = without_printed_date(paragraphs, meta.published)
    paragraphs = without_bylines(paragraphs, [*meta.authors, *meta.bylines])
    paragraphs = without_excerpt_repeat(paragraphs)
    body = join_paragraphs(paragraphs)
    if len(body) < MIN_TEXT_CHARS:
        n = page_long_words
        dropped = (f"; {n} word{'s' * (n > 1)} over {limits.MAX_WORD_CHARS:,} characters "
                   "dropped from the page" if n else "")
        if nests_too_deep(tree):
            dropped += (f"; what the page nests deeper than {MAX_GENERIC_DEPTH} levels was "
                        "left out")
        raise ExtractionError("no_body", f"{page.url}: {len(body)} characters of text{dropped}")
    check_decoded(body, page.url)
    # the marks of runs the tree lost (limits.tame_tree) are in every field read from it;
    # the title only now: the body's headline match needed it as the paragraphs had it
    title = limits.without_cut_marks(meta.title)
    if not title:
        raise ExtractionError("no_title", f"{page.url}: its headline is a dropped run")
    long_title, title = len(title), limits.cap_title(title)
    url = canonical_url(page.url, outlet)
    authors = meta.authors
    body_authors = [a for a in body_authors if not is_no_person(a, meta.site_names)]
    if body_authors and (not authors or prov.fields.get("authors") == HTML
                         or rules and authors == list(rules.default_authors)):
        # the text's own author line over a guess from byline markup
        authors = body_authors
        prov.fields["authors"] = rule_source("author_line")
        prov.misses.pop("authors", None)
    if page.hint_published and (not meta.published or prov.fields.get("published") == HTMLDATE):
        # the feed's (or listing's) date over htmldate's guess: a day from the URL or a
        # date found anywhere in the page, where the feed dates this article to the minute
        meta.published = None
        prov.fields["published"] = FEED
    article = Article(
        id=article_id(url),
        url=url,
        source=outlet.key if outlet else "unknown",
        source_name=outlet.name if outlet else "unknown",
        title=title,
        subtitle=limits.without_cut_marks(meta.subtitle if meta.subtitle != meta.title else None),
        text=body,
        published=meta.published or page.hint_published,
        modified=meta.modified,
        authors=limits.without_cut_marks_in(authors),
        section=limits.without_cut_marks(meta.section),
        tags=limits.without_cut_marks_in(meta.tags),
        language=detect_language(body),
        fetched_at=page.fetched_at,
        warc=page.warc,
        extractor=extractor_info(method, outlet, rules, prov.fields),
    )
    if long_words:  # the text lost whitespace-free runs of over MAX_WORD_CHARS characters
        article.extractor["cut"] = {"long_words": long_words}
    if long_title > len(title):  # the title was over MAX_TITLE_CHARS: its length as read
        article.extractor.setdefault("cut", {})["title"] = long_title
    if prov.embeds:  # social posts embedded in the text, left out of it (extraction.embeds)
        article.extractor["embeds"] = prov.embeds
    if named > 1:  # the pages the article names
        article.extractor["pages"] = named
    setattr(article, RULE_MISSES_ATTR, prov.misses)
    setattr(article, NEXT_PAGE_ATTR, following)
    setattr(article, PAGE_DATES_ATTR, (meta.machine_date, meta.printed_date))
    return article


@dataclass
class Reading:
    """A page's body as :func:`extract_body` read it, and the provenance it recorded."""

    paragraphs: list[str]
    authors: list[str]
    method: str
    prov: Provenance = field(default_factory=Provenance)


def _paged(tree: etree._Element, url: str, first: str, body: Reading,
           read: Callable[[], Reading]) -> tuple[Reading, str | None]:
    """The body of the page at ``url`` of the article at ``first`` and its next page (its
    ``rel="next"``, else its numbered pager's link, else its link saying "Продолжение →":
    crawler.extraction.pager.worded_next_page). ``body`` is the body as read; with a
    numbered pager (beside a ``rel="next"`` too: WordPress prints both), the pager leaves
    ``tree`` and the body is ``read()`` again
    (crawler.extraction.pager), unless that reading is worse: a teaser, or shorter than the
    first by more than the pager's own text ("Читать далее" to page 2 before the pager, a
    block judged on the pager's text): then the first reading stays, the pager not followed."""
    following = next_page(tree, url, first)  # (its numbered pager is dropped all the same)
    if (pager := numbered_pager(tree, url, first, body.paragraphs)) is None:
        return body, following or worded_next_page(tree, url, first, body.paragraphs)
    shown = sum(_letters(text_content(node)) for node in pager.elements)
    drop_elements(pager.elements)
    again = read()
    shorter = _letters("".join(again.paragraphs)) < _letters("".join(body.paragraphs)) - shown
    if again.method == TEASER or shorter:
        return body, following
    return again, following or pager.next_url


def _letters(text: str) -> int:
    """The letters and digits of ``text``: texts compared across spacing and separators."""
    return sum(c.isalnum() for c in text)


def next_page_of(article: Article) -> str | None:
    """The URL of the article's next page, as its last page read names it (``rel="next"``,
    else its numbered pager: crawler.extraction.pager, else its worded link to it)."""
    return getattr(article, NEXT_PAGE_ATTR, None)


@dataclass
class LaterPage:
    """The text of a later page of an article (by the ``rel="next"`` or the numbered pager
    of the page before)."""

    url: str
    paragraphs: list[str]
    next_url: str | None  # the page after it, by the same evidence
    named: int  # the pages its pager names
    embeds: int = 0  # the social posts its body held, left out of its text


def extract_later_page(page: ArticlePage, first: str, title: str) -> LaterPage:
    """The body of ``page``, a later page of the article at ``first`` headlined ``title``,
    or ExtractionError: ``other_headline`` when its headline is another (no page of this
    article), ``no_body`` when it holds no text. No page-kind judgement: page 1 made that."""
    outlet = get_outlet(page.outlet) if page.outlet else outlet_for_url(page.url)
    tree, _ = read_tree(page)
    rules = rules_for(outlet, page.fetched_at)
    meta = extract_metadata(tree, outlet, page.url, rules, Provenance(), fetched_moment(page))
    headline = limits.without_cut_marks(meta.title) or ""
    if not same_headline(headline, title,
                         page_of(page.url, first, page_offset(tree, page.url, first)) or 0):
        raise ExtractionError("other_headline", f"{page.url}: headline {headline[:120]!r}, "
                              f"not {title[:120]!r}")
    def body() -> Reading:  # its posts counted in its own provenance
        prov = Provenance()
        return Reading(*extract_body(tree, page.url, rules, meta.title, meta.subtitle, prov),
                       prov)

    first_read = body()
    named = named_pages(tree, page.url)  # before its pager leaves the tree
    read, following = _paged(tree, page.url, first, first_read, body)
    paragraphs = read.paragraphs
    paragraphs, _ = limits.drop_long_words(paragraphs)
    if len(join_paragraphs(paragraphs)) < MIN_TEXT_CHARS:
        raise ExtractionError("no_body", f"{page.url}: no text")
    return LaterPage(page.url, paragraphs, following, named, read.prov.embeds)


# tried only where a run of separators starts: tried inside one, each failed try re-read the
# rest of it (40,000 dashes in a later page's headline: 37 s)
_PAGE_MARK = re.compile(r"(?i)(?<![\s\-–—|:,.(\[])[\s\-–—|:,.(\[]*"
                        r"(?:стр(?:аница)?\.?|старонка|часть|page|part)\s*(\d+)[)\]]?\s*$")


def same_headline(headline: str, title: str, number: int) -> bool:
    """Whether a later page's headline is the article's: equal but for case and spaces, or
    with its page number appended ("… — страница 2", "… (page 2)")."""
    def norm(text: str) -> str:  # capped as the article's title was
        return " ".join(limits.cap_title(text).casefold().split())

    if norm(headline) == norm(title):
        return True
    mark = _PAGE_MARK.search(headline)
    return bool(mark and int(mark.group(1)) == number
                and norm(headline[:mark.start()]) == norm(title))


def extract_text(html: str, url: str) -> str:
    """The ``text`` an item for this page would get (used by benchmark tools to score us)."""
    outlet = outlet_for_url(url)
    if limits.html_over_cap(html) or limits.crowded_element(html):
        return ""
    try:
        tree = parse_html(html)
    except ValueError:
        return ""
    if limits.tame_tree(tree)[0]:
        return ""
    meta = extract_metadata(tree, outlet, url)
    paragraphs, _, _ = extract_body(tree, url, outlet.rules if outlet else None, meta.title,
                                    meta.subtitle)
    return join_paragraphs(without_printed_date(limits.drop_long_words(paragraphs)[0],
                                                meta.published))


__all__ = ["BlockedPage", "ExtractionError", "LaterPage", "NotAnArticle", "clean_line",
           "extract_article", "extract_later_page", "extract_text", "next_page_of"]

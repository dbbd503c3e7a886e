"""Is this page an article? Galleries, videos, live blogs, tag, author and search pages are not.

Article URL patterns cannot tell: BELTA serves photo galleries under the same
``/<rubric>/view/<slug>-<id>-<year>/`` shape as its news, and a site crawled by its address has
no patterns at all. The page says it, in three ways, weighed in this order:

1. what the page declares: JSON-LD ``@type`` (``LiveBlogPosting``, ``ImageGallery``,
   ``VideoObject``, ``ProfilePage``, ``CollectionPage``, ``SearchResultsPage``) and
   ``og:type`` (``video.*``, ``profile``), unless it also declares an article type;
2. the shape of its body: prose is paragraphs of sentences; a gallery is captions under
   images and a date line; a listing is many headline links and little prose;
3. its URL (``/photo/``, ``/video/``, ``/tag/``, ``/author/``, ``/search``…), which only
   confirms a body that holds no prose, so an article under ``/video/`` stays an article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from lxml import etree

from crawler.extraction import dates
from crawler.extraction.generic import teaser_cards, text_stats
from crawler.extraction.metadata import json_ld_objects, ld_types
from crawler.urls import joined, path_and_query

ARTICLE_TYPES = frozenset({
    "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle",
    "BackgroundNewsArticle", "OpinionNewsArticle", "ReviewNewsArticle", "AskPublicNewsArticle",
    "BlogPosting", "Report", "TechArticle", "SatiricalArticle", "ScholarlyArticle",
})
# Declared types that make a page something else, unless an article type is declared too.
DECLARED_KINDS = {
    "ImageGallery": "gallery", "MediaGallery": "gallery", "VideoGallery": "video",
    "VideoObject": "video", "ProfilePage": "author", "SearchResultsPage": "search",
    "CollectionPage": "listing",
}
# What a static page ("about us", contacts, a topic's intro) declares, where an article
# declares an article type: undated and so declared, a page of any length is no article.
# (og:type "website" is OpenGraph's type for a page that is no article.)
STATIC_PAGE_TYPES = frozenset({"WebPage", "AboutPage", "ContactPage"})
# Declared kinds that a page of real prose overrides: news pages with a video or a photo set
# often say so (NTV's og:type is video.other on its written reports).
WEAK_KINDS = frozenset({"gallery", "video"})
OG_KINDS = (("video", "video"), ("profile", "author"))

# Path shapes that suggest a kind; they only confirm a page without prose.
URL_HINTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in (
        ("gallery", r"/(photo|photos|foto|fotos|photonews|photoreport|fotoreportazh|"
                    r"fotoreportazhi|gallery|galleries|galereya|fotogalereya|slideshow)(/|-|\.|$)"),
        ("video", r"/(video|videos|videonews|videonovosti)(/|-|\.|$)"),
        ("liveblog", r"/(live|online|onlajn|translyaciya|livestream)(/|-|\.|$)"),
        ("tag", r"/(tag|tags|teg|tegi|tema|temy|topic|topics|subject)/"),
        ("author", r"/(author|authors|avtor|avtory|person|persons|people|journalist)s?/"),
        ("search", r"/(search|poisk)(/|\.|$)|[?&](q|s|query|search|text)="),
    ))

PROSE_CHARS = 200  # a paragraph this long is prose whatever its punctuation
MIN_PROSE_WORDS = 6
LISTING_MIN_LINKS = 8  # headline links on a page of little prose: a listing
LISTING_MAX_PROSE = 600
HEADLINE_CHARS = 25  # link text at least this long reads as a headline
# links on an undated page where the extractor found no line of text at all: an index of short
# entries ("№ 1 (10345)" to a PDF), not an article whose body was lost
BARE_LIST_MIN_LINKS = 3
_SENTENCE_CLOSE = re.compile(r"[.!?…。！？][»\"”’)」]*\s*$")
_CHROME = frozenset({"header", "nav", "footer", "aside", "menu"})
_CHROME_CLASS = re.compile(r"\b(menu|nav|navbar|header|footer|sidebar|breadcrumbs?)\b",
                           re.IGNORECASE)
_VIDEO_HOSTS = re.compile(r"youtube\.com|youtu\.be|vk\.com/video|vkvideo|rutube|vimeo|dzen\.ru|"
                          r"ok\.ru/video", re.IGNORECASE)


def declared_types(tree: etree._Element) -> set[str]:
    """Every JSON-LD ``@type`` on the page (@graph members included)."""
    return {kind for obj in json_ld_objects(tree) for kind in ld_types(obj)}


def _og_type(tree: etree._Element) -> str:
    for node in tree.iter("meta"):
        if (node.get("property") or node.get("name") or "").lower() == "og:type":
            return (node.get("content") or "").strip().lower()
    return ""


def declared_kind(tree: etree._Element) -> str | None:
    """The kind the page declares, or None when it declares an article or nothing."""
    types = declared_types(tree)
    if "LiveBlogPosting" in types:
        return "liveblog"
    og = _og_type(tree)
    if types & ARTICLE_TYPES or og == "article":
        return None
    for name in sorted(types):
        if name in DECLARED_KINDS:
            return DECLARED_KINDS[name]
    return next((kind for prefix, kind in OG_KINDS if og.startswith(prefix)), None)


def is_prose(paragraph: str) -> bool:
    """A sentence or more of running text, not a caption, a credit or a date line.

    Captions are short and rarely end with a full stop; measured on 446 real article pages
    (shared/benchmarks), requiring two sentences misread one-sentence news paragraphs.
    """
    if len(paragraph) >= PROSE_CHARS:
        return True
    if len(paragraph) < 40 and dates.parse_any(paragraph):
        return False
    words = len(paragraph.split())
    long_enough = words >= MIN_PROSE_WORDS or len(paragraph) >= 60  # scripts without spaces
    return long_enough and bool(_SENTENCE_CLOSE.search(paragraph))


# A "read more" link's words, alone on a line or a link ("Подробнее", "Читать далее →")
READ_MORE = re.compile(
    r"^(?:(?:читать|чытаць|read|continue reading)(?:\s+(?:далее|дальше|полностью|цалкам|далей|"
    r"больш|more))?|подробнее|падрабязней|далее|далей)(?:\s*[«\"“].{0,200}[»\"”])?[\s.…»→>]*$",
    re.IGNORECASE)
TEASERS_MIN = 3  # teasers (a headline and "read more" to one article) that make a listing
CARDS_MIN = 2  # teaser cards (no "read more") that do
TEASER_SHARE = 0.5  # of the body's prose inside them
TEASER_MAX_CHARS = 1500  # a block holding a headline and its "read more" link far apart is none


def teaser_list(tree: etree._Element, url: str, prose: list[str]) -> bool:
    """Whether the body's prose is mostly the intros of teasers: blocks each linking one other
    page of the site by a headline and by "Подробнее" (an issue's contents, a rubric of a few
    teasers), at least TEASERS_MIN of them, or CARDS_MIN teaser cards, holding TEASER_SHARE
    of the prose. A related-news widget of such cards under an article holds none of its
    prose."""
    host = urlsplit(url).hostname or ""
    here = url.split("#", 1)[0]
    heads: dict[str, etree._Element] = {}
    mores: dict[str, etree._Element] = {}
    for node in _content_nodes(tree, "a"):
        href = (node.get("href") or "").strip()
        target = joined(url, href) if href and not href.startswith("#") else None
        if target is None or urlsplit(target).hostname != host or target == here:
            continue
        text = " ".join("".join(node.itertext()).split())
        if READ_MORE.match(text):
            mores.setdefault(target, node)
        elif len(text) >= HEADLINE_CHARS:
            heads.setdefault(target, node)
    blocks = {_common_block(heads[t], mores[t]) for t in mores if t in heads} - {None}
    texts = [text for block in blocks
             if len(text := " ".join("".join(block.itertext()).split())) <= TEASER_MAX_CHARS]
    if len(texts) < TEASERS_MIN:
        # ...or teaser cards (a linked headline over its lead: generic.teaser_cards), of
        # which two holding the prose make a rubric's page, not an article
        texts = [" ".join("".join(card.itertext()).split())
                 for card in teaser_cards(tree, text_stats(tree), TEASER_MAX_CHARS)]
        if len(texts) < CARDS_MIN:
            return False
    inside = sum(len(p) for p in prose if any(p[:80] in text for text in texts))
    return inside >= TEASER_SHARE * sum(map(len, prose))


def _common_block(a: etree._Element, b: etree._Element) -> etree._Element | None:
    """The nearest element holding both ``a`` and ``b``."""
    mine = set(a.iterancestors())
    return next((node for node in b.iterancestors() if node in mine), None)


def _in_chrome(node: etree._Element) -> bool:
    for ancestor in node.iterancestors():
        tag = ancestor.tag if isinstance(ancestor.tag, str) else ""
        if tag in _CHROME or _CHROME_CLASS.search(ancestor.get("class") or ""):
            return True
    return False


def _content_nodes(tree: etree._Element, tag: str) -> Iterable[etree._Element]:
    return (n for n in tree.iter(tag) if not _in_chrome(n))


def own_links(tree: etree._Element, url: str) -> list[str]:
    """Texts (distinct, not empty) of links to this site's pages, outside menus and footers:
    not share buttons, not another site's."""
    host = urlsplit(url).hostname or ""
    found: list[str] = []
    for node in _content_nodes(tree, "a"):
        href = (node.get("href") or "").strip()
        target = _host(href) if "://" in href else host
        text = " ".join("".join(node.itertext()).split())
        if target == host and text and text not in found:
            found.append(text)
    return found


def _host(href: str) -> str | None:
    """The host an absolute link names; None when it is no URL (``http://[::1``: urlsplit's
    ValueError ended the classifying, and the extraction, of the page)."""
    link = joined(href, "")
    return urlsplit(link).hostname if link is not None else None


def _has_video(tree: etree._Element) -> bool:
    if any(True for _ in _content_nodes(tree, "video")):
        return True
    return any(_VIDEO_HOSTS.search(n.get("src") or "") for n in _content_nodes(tree, "iframe"))


# A live blog no markup declares: entries stamped with a bare time of day ("14:05"), and
# its address or headline saying so ("/online/…", "текстовая трансляция")
LIVE_MIN_STAMPS = 6
_TIME_OF_DAY = re.compile(r"^\s*\d{1,2}:\d{2}\s*$")
_LIVE_TITLE = re.compile(r"трансляц|онлайн|в прямом эфире|хроника событий|live|наживо|"
                         r"анлайн|жывы эфір", re.IGNORECASE)


def _live_entries(tree: etree._Element, url: str) -> bool:
    """Whether the page is a live blog by its shape: LIVE_MIN_STAMPS entries or more each
    stamped with a time of day alone, under an address or headline naming a live text."""
    title = " ".join(n.text_content() for n in tree.iter("title", "h1"))
    if url_hint(url) != "liveblog" and not _LIVE_TITLE.search(title):
        return False
    stamps = 0
    for node in tree.iter("time", "span", "strong", "b", "div", "p"):
        if len(node) == 0 and _TIME_OF_DAY.match(node.text or "") and not _in_chrome(node):
            stamps += 1
            if stamps >= LIVE_MIN_STAMPS:
                return True
    return False


def url_hint(url: str) -> str | None:
    target = path_and_query(url)
    return next((kind for kind, pattern in URL_HINTS if pattern.search(target)), None)


def page_kind(tree: etree._Element, url: str, paragraphs: list[str], dated: bool = True,
              vetted_url: bool = False) -> str | None:
    """What the page is when it is not an article (``gallery``, ``video``, ``liveblog``,
    ``author``, ``tag``, ``search``, ``listing``, ``page``); None for an article.

    ``paragraphs`` is the body the extractor found, judged for prose; ``dated`` says whether
    the page gave a publication date (an undated, undeclared page of a few lines is a static
    page: "about us", contacts; so is an undated one of any length that declares itself a
    web page and no article, ``og:type`` "website" or :data:`STATIC_PAGE_TYPES`).
    ``vetted_url``: the outlet's own article URL pattern matched, so a page shaped like a
    listing or a stub is more likely a layout change the outlet's rules no longer read, which
    must count as a failure, not be skipped.
    """
    hint = url_hint(url)
    listing_kind = hint if hint in ("tag", "author", "search") else "listing"
    prose = [p for p in paragraphs if is_prose(p)]
    prose_chars = sum(map(len, prose))
    declared = declared_kind(tree)
    if declared is not None and (declared not in WEAK_KINDS or prose_chars < LISTING_MAX_PROSE):
        return listing_kind if declared == "listing" else declared
    if declared is None and _live_entries(tree, url):
        return "liveblog"
    captions = [p for p in paragraphs if not is_prose(p) and not dates.parse_any(p)]
    images = sum(1 for _ in _content_nodes(tree, "img"))
    if len(prose) <= 1 and prose_chars < PROSE_CHARS and len(captions) >= 2 \
            and images >= max(3, len(captions)):
        return "gallery"
    if not prose and hint is not None:
        return hint
    if not prose and _has_video(tree):
        return "video"
    # A short article with large "related news" blocks has the same links as a tag page:
    # without a URL saying so, only a page with no prose at all is taken for a listing.
    if vetted_url:
        return None
    if prose and teaser_list(tree, url, prose):
        return listing_kind
    if not prose or listing_kind != "listing" and prose_chars < LISTING_MAX_PROSE:
        linked = own_links(tree, url)
        links = [t for t in linked if len(t) >= HEADLINE_CHARS and t not in paragraphs]
        enough = LISTING_MIN_LINKS if prose else 3
        if len(links) >= enough and sum(map(len, links)) > 3 * prose_chars:
            return listing_kind
        if not paragraphs and not dated and declared is None \
                and len(linked) >= BARE_LIST_MIN_LINKS:
            return listing_kind  # nothing but links, and no date: an index (issues, files)
    if paragraphs and not dated and not (types := declared_types(tree)) & ARTICLE_TYPES and (
            og := _og_type(tree)) != "article" and (
            prose_chars < PROSE_CHARS or og == "website" or types & STATIC_PAGE_TYPES):
        return "page"
    return None

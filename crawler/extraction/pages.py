"""An article split over several pages (its own pager): how many it names, which is the next
one (``rel="next"``), and whether a page is a later page of another URL's article."""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice
from urllib.parse import parse_qsl, unquote, urldefrag, urlsplit

from lxml import etree

from archive.urls import (
    SESSION_PARAMS,
    TRACKING_PARAMS,
    ArticleKey,
    as_text,
    is_noise,
    split_key,
)
from crawler.extraction.html import document_base
from crawler.urls import joined

# The query parameter a CMS numbers pages by, of an article or a listing alike (site discovery
# walks listings by it): ?page=2, WordPress's ?paged=2, Bitrix's ?PAGEN_1=2, ?pg=, ?part=,
# ?pagenum=, ?page_num=. Not WordPress's ?p=: a post id.
_PAGE_NAMES = r"page|paged|pagen_\d+|pg|part|pagenum|page_num"
PAGE_PARAM = re.compile(rf"(?i)^(?:{_PAGE_NAMES})$")
# An article's pages also by Joomla's ?start=1 / ?limitstart=1 (counting from zero), which
# on a listing counts items, not pages: the listing walk keeps to PAGE_PARAM.
_ARTICLE_PAGE_NAMES = _PAGE_NAMES + "|start|limitstart"
_ARTICLE_PAGE = re.compile(rf"(?i)^(?:{_ARTICLE_PAGE_NAMES})$")
_PAGE_ARGUMENT = re.compile(rf"(?i)[?&;](?:{_ARTICLE_PAGE_NAMES})=\d")  # in a link as written
# DataLife Engine's later page: /news/page,1,2,123-slug.html of /news/123-slug.html
_DLE_PAGE = re.compile(r"(?P<head>.*)/page,\d{1,3},(?P<number>\d{1,3}),(?P<rest>[^/]+)")
_PAGE_SUFFIX = re.compile(r"^(?:page/)?(\d{1,3})/?$")  # /slug/2/, /slug/page/2/
# A pager's "show all" link (the whole article on one page), none of its pages: Bitrix's
# ?SHOWALL_1=1 (any value: never followed), ?showall=1, ?show_all=1, a page
# parameter valued "all" (?page=all), and an ``all/`` segment under the article's path.
# Kept small: a wider set (?view=all, ?full=1) would let more foreign links pass in a pager.
_SHOW_ALL_PARAM = re.compile(r"(?i)^(?:showall_\d+|showall|show_all)$")
_SHOW_ALL_SEGMENT = "all"
_COMMENTS = re.compile(r"(?i)comment|koment|otzyv|otziv|discuss|replies")
MAX_PAGES = 500  # a larger number is no page of an article
# Query names a link to a page may carry or not, the page being the same: campaign tags, click
# ids and session ids. Not ``ref``, ``from``, ``c`` or ``amp``, which an article key drops as
# noise but some sites number pages or rubrics by (``news.php?c=12&page=2``): a link may only
# leave those of page 1's out (:func:`_same_arguments`), never add or change one.
_NOT_A_PAGE = (TRACKING_PARAMS - {"ref", "from", "rss", "amp", "c"}) | SESSION_PARAMS
# Noise a link to a page may not even leave out: a rubric (``c``), an AMP copy's flag.
_KEPT_APART = frozenset({"c", "amp"})


@lru_cache(maxsize=4096)  # page 1's key is asked for each link of its pages (immutable: shared)
def _key(url: str) -> ArticleKey | None:
    """What tells one page of an article from another: the host (case, a ``www.`` label and
    a default port aside; not a mobile host, another site as far as a pager knows), the path
    (escapes' spelling, a session segment and a trailing slash aside) and the query but for
    campaign, click and session ids; None for a URL with no host. The link is read as it is
    (no scheme guessed, no AMP cache unwrapped), by :func:`archive.urls.split_key`."""
    try:
        parts = urlsplit(url.split("#", 1)[0])
    except ValueError:  # http://[::1 (a bad port is split_key's None)
        return None
    return split_key(parts, noise=_not_a_page, companions=False)


def _not_a_page(name: str, _value: str) -> bool:
    """A query argument no page of an article is told by (``_NOT_A_PAGE``, ``utm_*``)."""
    name = name.lower()
    return name.startswith("utm_") or name in _NOT_A_PAGE


def named_pages(tree: etree._Element, url: str) -> int:
    """The number of pages the article at ``url`` is split over as its pager names them
    (links to its own path with ``?page=N``, ``?PAGEN_1=N``, or ``N/`` appended), 1 when it
    names none: its item holds this page's text only, which the item then says. A comments
    pager (inside an element called ``comments``) numbers no page of the article."""
    here = _key(url)
    offset = page_offset(tree, url, _without_page(url) or url)
    base = document_base(tree, url)
    top = 1
    for node in tree.iter("a", "link"):
        href = (node.get("href") or "").strip()
        if not href or (node.tag == "link" and not {"next", "prev"} & set(
                (node.get("rel") or "").lower().split())):
            continue
        if (link := joined(base, href)) is None:  # a link a script broke (http://[object
            continue  # Object]/) names no page
        number = _page_number(_key(link), here, offset)
        if number is not None and top < number <= MAX_PAGES and not _in_comments(node):
            top = number
    return top


def page_of(link: str, first: str, offset: int = 0) -> int | None:
    """The number of the page of the article at ``first`` that ``link`` is (1 for ``first``
    itself), or None when ``link`` differs from it by more than a page parameter or segment,
    or by leaving out arguments of ``first`` that are noise (:func:`_same_arguments`). The URLs
    are compared by :func:`_key`: host case, ``www.``, a trailing slash, escapes' spelling,
    campaign and session arguments and the fragment name no other page. ``offset`` is 1
    for a pager that counts from zero (:func:`page_offset`): its ``?page=1`` is page 2."""
    if link == first:
        return 1
    here, target = _key(first), _key(link)
    if here is None or target is None:
        return None
    return 1 if target == here else _page_number(target, here, offset)


def show_all_link(link: str, first: str) -> bool:
    """Whether ``link`` is the "show all" link of the article at ``first``'s pager (an
    argument of ``_SHOW_ALL_PARAM`` or a page parameter valued ``all`` added to the article's
    URL as :func:`page_of` compares it, a page number or none besides; or the
    ``_SHOW_ALL_SEGMENT`` under its path, not under a site's root, where ``/all`` is a
    listing): no page to follow, nor a link that makes a block no pager of the article."""
    here, target = _key(first), _key(link)
    if here is None or target is None or target.host != here.host:
        return False
    if target.path == here.path:
        flags = frozenset((k, v) for k, v in target.query if _SHOW_ALL_PARAM.match(k)
                          or _ARTICLE_PAGE.match(k) and v.lower() == "all")
        rest = ArticleKey(target.host, target.path, target.query - flags)
        return bool(flags) and _same_arguments(rest, here)
    return (here.path != "/" and target.path == here.path.rstrip("/") + "/" + _SHOW_ALL_SEGMENT
            and _same_arguments(target, here))


def page_offset(tree: etree._Element, url: str, first: str) -> int:
    """1 when the pager of the article at ``first``, as the page at ``url`` shows it, counts
    its pages from zero (Drupal's: page 2 is ``?page=1``, page 1 may be ``?page=0``), else 0.
    Only on evidence in a page parameter of a link to the article (outside a comments pager,
    which counts its own pages): a value of 0; a link labelled with a number one above its
    value ("2" to ``?page=1``); or, on the first page, ``rel="next"`` to ``?page=1``."""
    here = _key(first)
    if here is None:
        return 0
    base = document_base(tree, url)
    on_first = _key(url) == here
    for node in tree.iter("a", "link"):
        href = (node.get("href") or "").strip()
        if not _PAGE_ARGUMENT.search(href) or _in_comments(node):
            continue
        target = _key(link) if (link := joined(base, href)) is not None else None
        if target is None or target.path != here.path or not _same_arguments(target, here):
            continue
        values = {int(v) for k, v in target.query
                  if _ARTICLE_PAGE.match(k) and v.isascii() and v.isdigit()}
        label = "".join(node.itertext()).strip()
        rel = (node.get("rel") or "").lower().split()
        if 0 in values or (label.isascii() and label.isdigit() and int(label) - 1 in values
                           and int(label) >= 2) or (on_first and "next" in rel and 1 in values):
            return 1
    return 0


def next_page(tree: etree._Element, url: str, first: str) -> str | None:
    """The next page of the article at ``first`` that the page at ``url`` (one of its pages)
    names with ``rel="next"`` (``<link>`` or ``<a>``, not a comments pager): a URL that
    differs from ``first`` only by a page parameter or segment and numbers a later page than
    ``url``'s. A "next article" link, a listing's pager or a page pointing back is None."""
    offset = page_offset(tree, url, first)
    current = page_of(url, first, offset) or 1
    base = document_base(tree, url)
    for node in tree.iter("a", "link"):
        if "next" not in (node.get("rel") or "").lower().split() or _in_comments(node):
            continue
        href = (node.get("href") or "").strip()
        if not href or (link := joined(base, href)) is None:
            continue
        number = page_of(link, first, offset)
        if number is not None and current < number <= MAX_PAGES:
            return urldefrag(link).url
    return None


# What a link to the next page says, whole, arrows and punctuation aside (:func:`link_words`):
# an article's "Продолжение →", "Следующая страница »", "Далее →" that no number or rel names.
# A listing's words add to these (crawler.sitediscovery.NEXT_WORDS); not "Читать далее": a
# teaser's link to its article.
NEXT_PAGE_WORDS = frozenset({
    "продолжение", "следующая", "следующая страница", "далее", "дальше", "вперёд", "вперед",
    "наступная", "наступная старонка", "далей", "next", "next page"})
_NOT_WORDS = re.compile(r"[\s«»‹›<>→←⟶….,:;!|/\\()\[\]-]+")


def link_words(text: str) -> str:
    """A link's label as words alone, lowercased: "Далее →", "« Далее »" and "далее…" say
    the same."""
    return _NOT_WORDS.sub(" ", text).strip().lower()


_FIRST_LABEL = re.compile(r"\s*[\[(«]?\s*1\s*[\])»]?\s*")  # a pager's link to page 1


def earlier_page(tree: etree._Element, url: str) -> str | None:
    """The first page of the article whose later page (``?page=2``, ``/2/``) ``url`` is, as
    the page says it by ``rel="prev"``, ``"first"`` or ``"canonical"``; else None. Such a
    page is joined to its first page's item, never an item of its own. A bare number segment
    (``/slug/3/``) is a site's post id just as well (WordPress's ``/archives/123/``, linking
    its previous post ``/archives/122/``): it is a later page only by a link to the page-less
    URL itself (by rel, or labelled "1" in a pager that shows this page's number), an
    earlier number is no evidence; a page parameter or ``/page/N/`` is."""
    first = _without_page(url)
    if first is None:
        return None
    offset = page_offset(tree, url, first)
    if (current := page_of(url, first, offset)) is None or current < 2:
        return None
    pager = _pager_form(url)
    base = document_base(tree, url)
    ones = 0  # pagers' "1" links looked at
    for node in tree.iter("a", "link"):
        rel = set((node.get("rel") or "").lower().split())
        href = (node.get("href") or "").strip()
        if not href:
            continue
        if not rel & {"prev", "first", "canonical"}:
            # a numbered pager's "1" to the page-less URL, beside this page's own number
            if node.tag == "a" and ones < MAX_FIRST_LINKS \
                    and _FIRST_LABEL.fullmatch("".join(node.itertext())):
                ones += 1
                if (link := joined(base, href)) is not None and _same(link, first) \
                        and _shows_number(node, current) and not _in_comments(node):
                    return first
            continue
        if _in_comments(node):
            continue
        link = joined(base, href)
        number = None if link is None else page_of(link, first, offset)
        # a pager's page 1 spelt out (?page=1, Drupal's ?page=0) is page 1 as well as the
        # page-less URL; a bare /news/1/ is no first page of /news/
        if number is not None and ((pager and 1 <= number < current) or _same(link, first)):
            return first
    return None


MAX_FIRST_LINKS = 20  # links labelled "1" a page is searched for (a hostile page has thousands)
PAGER_TEXT_MAX = 100  # characters of a pager's text outside its links


def _shows_number(link: etree._Element, number: int) -> bool:
    """Whether the block around ``link`` (up to two levels up) is a pager showing ``number``
    as text, the current page's: little text of its own, that number in it. A section's pager
    in a side column ("1 | 2" of the news list) and a footnote's "1" in a paragraph show no
    page number of an article's own."""
    pattern = re.compile(rf"(?<!\d){number}(?!\d)")
    for block in islice(link.iterancestors(), 2):
        own = _text_outside_links(block)
        if own is not None and pattern.search(own):
            return True
    return False


def _text_outside_links(block: etree._Element) -> str | None:
    """``block``'s text outside its links; None past PAGER_TEXT_MAX characters (no pager)."""
    out, size, depth = [], 0, 0
    for event, el in etree.iterwalk(block, events=("start", "end")):
        if event == "start":
            depth += el.tag == "a"
            text = el.text if not depth else None
        else:
            depth -= el.tag == "a"
            text = el.tail if el is not block and not depth else None
        if text:
            size += len(text.strip())
            if size > PAGER_TEXT_MAX:
                return None
            out.append(text)
    return "".join(out)


def page_less(url: str) -> str | None:
    """``url`` less its page parameter or trailing page segment (the URL of the article whose
    later page it may be), None when it has neither."""
    return _without_page(url)


def _same(link: str, first: str) -> bool:
    a, b = urlsplit(link), urlsplit(first)
    return (a.netloc, a.path.rstrip("/"), a.query) == (b.netloc, b.path.rstrip("/"), b.query)


def _pager_form(url: str) -> bool:
    """Whether ``url`` numbers its page as pagers do: a page parameter or ``/page/N/``."""
    parts = urlsplit(url)
    if any(_ARTICLE_PAGE.match(k) for k, _ in parse_qsl(parts.query, keep_blank_values=True)):
        return True
    if _DLE_PAGE.fullmatch(parts.path):
        return True
    return parts.path.rstrip("/").rpartition("/")[0].endswith("/page")


def _without_page(url: str) -> str | None:
    """``url`` less its page parameter or trailing page segment, None when it has neither."""
    parts = urlsplit(url)
    pairs = [p for p in parts.query.split("&") if p]  # as spelt: a decoding may lose bytes
    kept = [p for p in pairs if not _ARTICLE_PAGE.match(unquote(p.partition("=")[0]))]
    if len(kept) < len(pairs):
        return parts._replace(query="&".join(kept)).geturl()
    if dle := _DLE_PAGE.fullmatch(parts.path):
        return parts._replace(path=f"{dle['head']}/{dle['rest']}").geturl()
    head, _, tail = parts.path.rstrip("/").rpartition("/")
    if tail.isascii() and tail.isdigit() and head:
        head = head.removesuffix("/page")
        return parts._replace(path=head + "/").geturl()
    return None


def _page_number(target: ArticleKey | None, here: ArticleKey | None,
                 offset: int = 0) -> int | None:
    """The page number ``target`` gives the article at ``here``: a page parameter (none: 1;
    plus ``offset`` for a pager counting from zero) and its other arguments ``here``'s
    (:func:`_same_arguments`), or a page segment under its path; None for any other URL."""
    if target is None or here is None or target.host != here.host:
        return None
    if target.path == here.path:
        if not _same_arguments(target, here):
            return None
        marks = [v for k, v in target.query if _ARTICLE_PAGE.match(k)]
        if not marks:  # page 1 as a pager links it: its URL less the feed's argument
            return 1
        numbers = [int(v) + offset for v in marks if v.isascii() and v.isdigit()]
        return max(numbers) if numbers else None
    folder = here.path.rstrip("/") + "/"
    if target.path.startswith(folder) and not target.query:
        match = _PAGE_SUFFIX.match(target.path[len(folder):])
        return int(match.group(1)) if match else None
    if (dle := _DLE_PAGE.fullmatch(target.path)) and not target.query and \
            f"{dle['head']}/{dle['rest']}" == here.path:
        return int(dle["number"])
    return None


def _same_arguments(target: ArticleKey, here: ArticleKey) -> bool:
    """Whether ``target``'s arguments but its page's are ``here``'s, or ``here``'s less some
    that an article key drops as noise (:func:`archive.urls.is_noise`: ``from``, ``ref``,
    ``rss``, a session id) but ``c`` and ``amp``: a pager links page 1 reached from a feed
    (``?from=rss``) by its bare URL and its later pages without the feed's argument. Adding
    an argument, changing one (``?c=12&page=2`` of ``?c=13``, another rubric's list) or
    leaving out a rubric's ``c`` (``news.php?page=2`` of ``news.php?c=13``: the site-wide
    list) is another page."""
    mine, theirs = _others(target), _others(here)
    return mine <= theirs and all(
        is_noise(name := as_text(k), as_text(v)) and name.lower() not in _KEPT_APART
        for k, v in theirs - mine)


def _others(key: ArticleKey) -> frozenset[tuple[str, str]]:
    """The query arguments of ``key`` but its page parameters."""
    return frozenset((k, v) for k, v in key.query if not _ARTICLE_PAGE.match(k))


def _in_comments(node: etree._Element) -> bool:
    while node is not None:
        if _COMMENTS.search(f"{node.get('class') or ''} {node.get('id') or ''}"):
            return True
        node = node.getparent()
    return False

"""The one discovery engine's parts: the link collector and the stop rules of the pager.

Every paged list an outlet has (a day archive, a rubric front, a "latest" page) is read by the
same code, driven by the outlet's :class:`~crawler.outlets.base.Discovery`: links are collected
once per page in page order (canonical, without repeats, other hosts and non-articles dropped),
each with the date the listing or the URL gives, and a walk stops for one of four reasons.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from parsel import Selector

from crawler.extraction.dates import day_in_window
from crawler.extraction.html import document_base, parse_html, remove_nodes, select_nodes
from crawler.outlets.base import Outlet
from crawler.urls import canonical_url, is_article_url, joined

_NOT_LINKS = ("#", "javascript:", "mailto:", "tel:")


@dataclass(frozen=True)
class ListingLink:
    url: str  # canonical
    day: date | None  # publication day from the listing entry or the URL, when either says


@dataclass
class ListingPage:
    """What one listing page offers: its article links and the href of its "next" link."""

    links: list[ListingLink]
    other_links: int = 0  # links to other hosts or to pages that are not articles
    next_href: str | None = None


def read_listing(text: str, url: str, outlet: Outlet, resolve: Callable[[str], Outlet | None],
                 now: datetime | None = None) -> ListingPage:
    """The article links of a listing page, in page order, each once (a dict keeps the order).
    URL days are judged as of ``now``, when the page was fetched (the clock without one).

    ``entries`` (when the outlet sets it) makes each entry one link with its own date (the
    listing date hook); otherwise every link is an entry dated by its URL, if at all.
    """
    d = outlet.discovery
    try:
        tree = parse_html(text)
    except ValueError:
        return ListingPage([])
    next_href = _first_attr(tree, d.next_page)  # before exclusion: pagers often sit in <nav>
    base = document_base(tree, url)
    if d.exclude:
        remove_nodes(tree, (d.exclude,))
    found: dict[str, date | None] = {}
    other = 0
    for entry in select_nodes(tree, d.entries) if d.entries else [tree]:
        entry_day = d.listing_date(Selector(root=entry)) if d.listing_date and d.entries else None
        for link in iter_links(entry, d.links, base):
            if resolve(link) is not outlet or not is_article_url(outlet, link):
                other += 1
                continue
            canonical = canonical_url(link, outlet)
            if canonical not in found:
                found[canonical] = entry_day or d.date_in_url(canonical, now)
            if d.entries:
                break  # one article per entry: its first article link
    return ListingPage([ListingLink(u, day) for u, day in found.items()], other,
                       joined(base, next_href) if next_href else None)


def iter_links(root: object, spec: str, base_url: str) -> Iterator[str]:
    """Absolute targets of the nodes ``spec`` (``css`` or ``css @attr``) selects, in page order."""
    css, _, attr = spec.partition(" @")
    for node in select_nodes(root, css):  # type: ignore[arg-type]
        href = (node.get(attr.strip() or "href") or "").strip()
        if href and not href.startswith(_NOT_LINKS) and (url := joined(base_url, href)):
            yield url


def page_links(text: str, url: str) -> list[str]:
    """Every link target of a page, in page order, each once (pages no outlet describes)."""
    try:
        return tree_links(parse_html(text), url)
    except ValueError:
        return []


def tree_links(tree: object, url: str) -> list[str]:
    """Every link target of a parsed page (``<a>``, and ``<area>`` of image maps: old sites
    link headlines from a picture), resolved against its ``<base href>`` if any, in page
    order, each once."""
    return list(dict.fromkeys(iter_links(tree, "a[href], area[href]", document_base(tree, url))))


def _first_attr(tree: object, spec: str) -> str | None:
    """The attribute (``css @attr``, default href) of the first node ``spec`` selects."""
    css, _, attr = spec.partition(" @")
    nodes = select_nodes(tree, css) if css.strip() else []  # type: ignore[arg-type]
    value = (nodes[0].get(attr.strip() or "href") or "").strip() if nodes else ""
    return value or None


def older_than(day: date | None, since: date | None) -> bool:
    return day is not None and since is not None and day < since


def in_bounds(day: date | None, since: date | None, until: date | None) -> bool:
    return day is None or day_in_window(day, since, until)


def stop_reason(page: ListingPage, new: list[ListingLink], number: int, max_pages: int,
                since: date | None) -> str | None:
    """Why a walk ends after this page, or None to read the next one.

    The one set of stop rules: the page lists no article (``empty``); it lists only links seen
    on earlier pages of the walk (``repeated_page``: a CMS past its last page repeats it); all
    its links are dated before the window (``older_than_window``: listings are newest first,
    so later pages are older still);
    the walk has read ``max_pages`` pages (``max_pages``). (A day archive's walk also stops when
    another day's walk listed the same page: ``OutletSpider.same_as_other_day``.)
    """
    if not page.links:
        return "empty"
    if not new:
        return "repeated_page"
    if all(older_than(link.day, since) for link in page.links):
        return "older_than_window"
    if number >= max_pages:
        return "max_pages"
    return None

"""How many pages an article split over several names of itself (its own pager)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from lxml import etree

from crawler.extraction.html import document_base
from crawler.urls import joined

# The query parameter a CMS numbers pages by, of an article or a listing alike (site discovery
# walks listings by it): ?page=2, WordPress's ?paged=2, Bitrix's ?PAGEN_1=2, ?pg=, ?part=,
# ?pagenum=, ?page_num=. Not WordPress's ?p=: a post id.
PAGE_PARAM = re.compile(r"(?i)^(?:page|paged|pagen_\d+|pg|part|pagenum|page_num)$")
_PAGE_SUFFIX = re.compile(r"^(?:page/)?(\d{1,3})/?$")  # /slug/2/, /slug/page/2/
_COMMENTS = re.compile(r"(?i)comment|koment|otzyv|discuss|replies")
MAX_PAGES = 500  # a larger number is no page of an article


def named_pages(tree: etree._Element, url: str) -> int:
    """The number of pages the article at ``url`` is split over as its pager names them
    (links to its own path with ``?page=N``, ``?PAGEN_1=N``, or ``N/`` appended), 1 when it
    names none: its item holds this page's text only, which the item then says. A comments
    pager (inside an element called ``comments``) numbers no page of the article."""
    here = urlsplit(url)
    base = document_base(tree, url)
    rest = _others(here.query)
    top = 1
    for node in tree.iter("a", "link"):
        href = (node.get("href") or "").strip()
        if not href or (node.tag == "link" and not {"next", "prev"} & set(
                (node.get("rel") or "").lower().split())):
            continue
        if (link := joined(base, href)) is None:  # a link a script broke (http://[object
            continue  # Object]/) names no page
        target = urlsplit(link)
        number = _page_number(target, here, rest)
        if number is not None and top < number <= MAX_PAGES and not _in_comments(node):
            top = number
    return top


def _page_number(target, here, rest: list[tuple[str, str]]) -> int | None:
    if target.netloc != here.netloc:
        return None
    if target.path == here.path:
        numbers = [int(v) for k, v in parse_qsl(target.query)
                   if PAGE_PARAM.match(k) and v.isascii() and v.isdigit()]
        return max(numbers) if numbers and _others(target.query) == rest else None
    folder = here.path.rstrip("/") + "/"
    if target.path.startswith(folder) and not target.query:
        match = _PAGE_SUFFIX.match(target.path[len(folder):])
        return int(match.group(1)) if match else None
    return None


def _others(query: str) -> list[tuple[str, str]]:
    return sorted((k, v) for k, v in parse_qsl(query, keep_blank_values=True)
                  if not PAGE_PARAM.match(k))


def _in_comments(node: etree._Element) -> bool:
    while node is not None:
        if _COMMENTS.search(f"{node.get('class') or ''} {node.get('id') or ''}"):
            return True
        node = node.getparent()
    return False

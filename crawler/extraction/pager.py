"""An article's own numbered pager when no page says ``rel="next"`` ("Страницы: 1 2 3
Следующая »": Bitrix ``?PAGEN_1=2``, WordPress ``/2/``, ``?page=2``, ``/page/2/``): its link
to the next page is followed, and the pager is dropped from the text as an element, never by
a pattern of its text.

Only on positive evidence that the pager is the article's, all of it:

* a short block (:func:`_pager_box`) that shows the page's own number as text, not a link
  (page 1 on the first page), has few words besides numbers, and links a page's number;
* every link in it goes to a page of the article: the first page's host and path with a page
  marker (:func:`crawler.extraction.pages.page_of`), or is its "show all" link (Bitrix's
  ``?SHOWALL_1=1``, ``?page=all``: :func:`crawler.extraction.pages.show_all_link`), never
  followed; a link anywhere else (another path, a listing, another rubric's "show all")
  makes it no pager of the article;
* the block, with the wrappers around it that hold no other text, sits right beside the page's
  extracted text: among its siblings, the text just before it ends in the body's last
  paragraph (it closes the text's container, or is the container's next sibling), or the text
  just after it opens the body's first, with at most ``MAX_GAP`` letters between; a pager
  between two paragraphs of the text (a table's, a gallery's) is no pager of the article.

A comments, related-news or sidebar pager follows its own block's text (comments, headlines),
not the article's, so it is never followed, whatever its classes or links; nor is a paragraph
of numbers (no links to the article's pages) ever taken for one.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urldefrag

from lxml import etree

from crawler.extraction.boilerplate import SENTENCE_ENDS
from crawler.extraction.html import document_base, remove_keeping_tail, text_content
from crawler.extraction.pages import (
    MAX_PAGES,
    NEXT_PAGE_WORDS,
    link_words,
    page_of,
    page_offset,
    show_all_link,
)
from crawler.urls import joined

PAGER_CHARS = 300  # a block of more text is no pager
PAGER_NODES = 500  # a block of more elements is no pager (a pager of 50 pages holds ~150)
PAGER_WORDS = 40  # characters of words (not numbers) a pager may show: "Страница 1 из 3",
# Drupal's "« первая ‹ предыдущая … следующая › последняя »" (34)
PAGER_DEPTH = 3  # levels above a numbered link where the block showing the current page may be
PAGER_TRIES = 10  # pager blocks judged: a hostile page of numbered links costs no more
MAX_SIBLINGS = 50  # siblings of a pager walked for the text beside it
MAX_PAGERS = 3  # pagers of one page dropped (above and below the text)
WRAPPER_DEPTH = 6  # wrappers holding no other text climbed from a pager block
MAX_GAP = 80  # letters and digits between the body's text and its pager ("Теги", "Поделиться")
KEY_CHARS = 40  # letters and digits of a paragraph's start or end looked for beside a pager
MIN_KEY = 12  # a shorter paragraph ("Фото") is no evidence
_PROSE = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"})  # no pager holds one
_SEPARATORS = str.maketrans(dict.fromkeys("|[]().,:;/\\–—-·•…«»<>←→", " "))


@dataclass
class Pager:
    """The article's pager blocks on one page and the next page one of them links (None on
    the last page)."""

    elements: list[etree._Element]
    next_url: str | None


def numbered_pager(tree: etree._Element, url: str, first: str,
                   paragraphs: list[str]) -> Pager | None:
    """The article's numbered pager on its page at ``url`` (the article's first page is at
    ``first``) whose extracted text is ``paragraphs``, or None when the page has none by the
    module's evidence."""
    offset = page_offset(tree, url, first)
    current = page_of(url, first, offset) or 1
    base = document_base(tree, url)
    found: list[etree._Element] = []
    next_url: str | None = None
    keys: list[str] | None = None
    judged: set[etree._Element] = set()
    verdicts: dict[etree._Element, bool | None] = {}
    for link in tree.iter("a"):
        if not _numbered(link, base, first, current, offset):
            continue
        if len(judged) >= PAGER_TRIES or len(found) >= MAX_PAGERS:
            break
        box = _pager_box(link, current, verdicts)
        if box is None or box in judged or any(f in box.iterancestors() for f in found):
            continue
        judged.add(box)
        if (pages := _pages_linked(box, base, first, offset)) is None:
            continue
        wrapper = _wrapper(box)
        keys = keys or _keys(paragraphs)
        if _beside_text(wrapper, keys):
            found.append(wrapper)
            next_url = next_url or pages.get(current + 1)
    return Pager(found, next_url) if found else None


NEXT_LABEL_CHARS = 60  # a longer link text is no next-page link's label


def worded_next_page(tree: etree._Element, url: str, first: str,
                     paragraphs: list[str]) -> str | None:
    """The next page of the article at ``first`` that its page at ``url`` (whose extracted
    text is ``paragraphs``) links only by words ("Продолжение →" to ``?part=2``: no rel, no
    numbered pager), or None. On evidence, as a pager's: the link's whole text is a word of
    NEXT_PAGE_WORDS, it goes to the article's own path with a page parameter or segment
    numbered one past this page's (:func:`crawler.extraction.pages.page_of`: never another
    article, a "Далее →" to the next news item), it sits right beside the text
    (:func:`_beside_text`: a comments' or sidebar's pager's "Следующая" to ``?PAGEN_1=2`` of
    the article's URL is none), and all such links lead to one address."""
    offset = page_offset(tree, url, first)
    current = page_of(url, first, offset) or 1
    base = document_base(tree, url)
    found: set[str] = set()
    keys: list[str] | None = None
    for node in tree.iter("a"):
        href = (node.get("href") or "").strip()
        if not href or len(label := text_content(node)) > NEXT_LABEL_CHARS \
                or link_words(label) not in NEXT_PAGE_WORDS:
            continue
        if (link := joined(base, href)) is None or page_of(link, first, offset) != current + 1:
            continue
        keys = keys or _keys(paragraphs)
        if _beside_text(_wrapper(node), keys):
            found.add(urldefrag(link).url)
    return found.pop() if len(found) == 1 else None


def drop_elements(elements: list[etree._Element]) -> None:
    """Remove ``elements`` from their tree, keeping the text that follows each."""
    for node in elements:
        remove_keeping_tail(node)


def _numbered(link: etree._Element, base: str, first: str, current: int, offset: int) -> bool:
    """Whether ``link`` is labelled with a page's number and goes to that page of the article
    (a cheap test first: it runs on every link of every page)."""
    if not (href := (link.get("href") or "").strip()):
        return False
    label = "".join(link.itertext()).strip()
    if not (label.isascii() and label.isdigit() and len(label) <= 3):
        return False
    number = int(label)
    if number == current or not 1 <= number <= MAX_PAGES:
        return False
    return (target := joined(base, href)) is not None and page_of(
        target, first, offset) == number


def _pager_box(link: etree._Element, current: int,
               verdicts: dict[etree._Element, bool | None]) -> etree._Element | None:
    """The block around the numbered ``link`` that shows page ``current`` as text, not a link,
    within PAGER_DEPTH levels; None when none does, or a block on the way is no pager nor
    inside one (:func:`_verdict`). Each block is judged once a page (``verdicts``): the links
    of one block, or of blocks under one, climb to the same ancestors."""
    box = link.getparent()
    for _ in range(PAGER_DEPTH):
        if box is None or not isinstance(box.tag, str) or box.tag in ("body", "html"):
            return None
        if box not in verdicts:
            verdicts[box] = _verdict(box, current)
        if (verdict := verdicts[box]) is not None:
            return box if verdict else None
        box = box.getparent()
    return None


def _verdict(box: etree._Element, current: int) -> bool | None:
    """Whether ``box`` is a pager showing page ``current`` outside its links (``<a href>``),
    as a bare number or in a text of at most two words ("Страница 1 из 4"), with at most
    PAGER_WORDS of words besides numbers; False also when no block around it can be one (over
    PAGER_NODES elements or PAGER_CHARS of text, a paragraph, a heading or a sentence: a 1 of
    the text beside a pager's links is no current page); None when it shows no current page
    (a block around it may). One pass, top down, at most PAGER_NODES elements read."""
    linked: dict[etree._Element, bool] = {}  # whether each element is (inside) a link
    texts: list[str] = []
    size = 0
    for n, node in enumerate(box.iter()):
        if n >= PAGER_NODES or node.tag in _PROSE and node is not box:
            return False
        outer = node is not box and linked[node.getparent()]
        inside = linked[node] = outer or (node.tag == "a" and node.get("href") is not None)
        own = node.text or "" if isinstance(node.tag, str) else ""
        tail = node.tail or "" if node is not box else ""
        if (size := size + len(own) + len(tail)) > PAGER_CHARS:
            return False
        texts.extend([own] if not inside else [])
        texts.extend([tail] if not outer else [])
    chunks = [t.translate(_SEPARATORS).split() for t in texts]
    if any(_sentence(text, tokens) for text, tokens in zip(texts, chunks, strict=True)):
        return False
    if not any(str(current) in tokens for tokens in chunks if _words(tokens) <= 2):
        return None
    return sum(len(t) for tokens in chunks for t in tokens if not t.isdigit()) <= PAGER_WORDS


def _words(tokens: list[str]) -> int:
    """The words of letters among ``tokens``."""
    return sum(1 for t in tokens if len(t) > 1 and t.isalpha())


def _sentence(text: str, tokens: list[str]) -> bool:
    """Whether a text of a block is prose: three words and a full stop ("Проезд стоит 1
    рубль."), or five words, not a pager's "Страница 1 из 4"."""
    words = _words(tokens)
    return words >= 5 or words >= 3 and text.rstrip()[-1:] in (*SENTENCE_ENDS, "…")


def _pages_linked(box: etree._Element, base: str, first: str,
                  offset: int) -> dict[int, str] | None:
    """The pages of the article at ``first`` the block links, by number; None when one of its
    links goes anywhere else. Its "show all" link (``?SHOWALL_1=1``, ``?page=all``: see
    :func:`crawler.extraction.pages.show_all_link`) is neither a page nor anywhere else."""
    pages: dict[int, str] = {}
    for node in box.iter("a"):
        if (href := node.get("href")) is None:
            continue
        link = joined(base, href.strip()) if href.strip() else None
        number = page_of(link, first, offset) if link is not None else None
        if number is None and link is not None and show_all_link(link, first):
            continue
        if number is None:
            return None
        pages.setdefault(number, urldefrag(link).url)
    return pages


def _wrapper(box: etree._Element) -> etree._Element:
    """``box`` with the ancestors around it that hold no text of their own (a pager's
    ``<nav>``, ``<div class="bx-pagination">``): the element the pager is on the page."""
    node = box
    for _ in range(WRAPPER_DEPTH):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html") or _speaks(parent.text) or any(
                _speaks(sib.tail) or (isinstance(sib.tag, str) and _has_text(sib))
                for sib in parent if sib is not node) or _speaks(node.tail):
            break
        node = parent
    return node


def _speaks(text: str | None) -> bool:
    """Whether ``text`` has a letter or digit."""
    return bool(text) and any(c.isalnum() for c in text)


def _has_text(node: etree._Element) -> bool:
    """Whether ``node`` shows a letter or digit (scripts and styles aside)."""
    return _speaks(text_content(node))


def _fold(text: str) -> str:
    """``text``'s letters and digits, case-folded: text compared across markup and spacing."""
    return "".join(c for c in text.casefold() if c.isalnum())


def _keys(paragraphs: list[str]) -> list[str]:
    """The folded paragraphs long enough to be evidence, in order."""
    return [f for f in map(_fold, paragraphs) if len(f) >= MIN_KEY]


def _beside_text(wrapper: etree._Element, keys: list[str]) -> bool:
    """Whether the text just before ``wrapper`` among its siblings ends in the body's last
    paragraph, or the text just after it opens the body's first, at most MAX_GAP letters
    away (the pager's own text, when the body took it in, aside): a pager between two
    paragraphs of the text (a table's, a gallery's) is no pager of the article."""
    own = _fold(text_content(wrapper))
    body = [k for k in keys if k not in own]
    if not body:
        return False
    end, start = body[-1][-KEY_CHARS:], body[0][:KEY_CHARS]
    before = _near(wrapper, preceding=True)
    after = _near(wrapper, preceding=False)
    return (end in before and 0 <= len(before) - before.rfind(end) - len(end) <= MAX_GAP
            or 0 <= after.find(start) <= MAX_GAP)


def _near(wrapper: etree._Element, preceding: bool) -> str:
    """The folded text beside ``wrapper`` within its parent, up to MAX_GAP + KEY_CHARS letters
    (before it, or after it); at most MAX_SIBLINGS siblings are read."""
    need = MAX_GAP + KEY_CHARS
    raw: list[str] = [] if preceding else [wrapper.tail or ""]
    for n, sib in enumerate(wrapper.itersiblings(preceding=preceding)):
        own = text_content(sib) if isinstance(sib.tag, str) else ""
        raw.extend([sib.tail or "", own] if preceding else [own, sib.tail or ""])
        if n >= MAX_SIBLINGS or sum(map(len, raw)) >= 4 * need:
            break
    else:
        parent = wrapper.getparent()
        if preceding and parent is not None:
            raw.append(parent.text or "")
    if preceding:
        return _fold("".join(reversed(raw))[-4 * need:])[-need:]
    return _fold("".join(raw)[:4 * need])[:need]

"""The author a page names in its markup alone: no JSON-LD, no microdata, no ``<meta>``.

Small CMS sites (WordPress themes, Bitrix and Joomla templates) print their byline as a
block of its own: WordPress' ``<span class="author vcard"><a class="url fn n">Name</a>``, a
``rel="author"`` link, a bare ``<div class="author">Иван Петров</div>`` or a credits line
``<div class="article__author">Фото: Анна Смирнова, текст: Иван Петров</div>``. A site no rule
knows has only these to tell who wrote the article. Read from the article's own blocks:
a comment's author (``comment-author vcard``), a sidebar's list of authors are not it.
"""

from __future__ import annotations

import re

from lxml import etree

from crawler.extraction.normalize import clean_line

# a byline block's class token: "author", "byline", a name ending in them ("post-author",
# "node__author", "article__byline") or in their name ("wp-block-post-author-name",
# "author__name"); "author-avatar", "author-bio", "byline-meta" are other parts of one
_BYLINE_CLASS = re.compile(r"^(?:[\w-]*[-_])?(?:author|byline)(?:[-_]{1,2}name)?$")


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


_VCARD_NAMES = etree.XPath(f"//*[{_has_class('vcard')}]//*[{_has_class('fn')}]"
                           f"|//*[{_has_class('vcard')} and {_has_class('fn')}]")
_AUTHOR_LINKS = etree.XPath("//a[contains(concat(' ', normalize-space(@rel), ' '), ' author ')]")
_CLASSED = etree.XPath("//*[contains(@class, 'author') or contains(@class, 'byline')]")
# blocks whose names are not the article's author: comments, sidebars, related cards, menus
_ELSEWHERE = re.compile(r"comment|widget|sidebar|related|footer-widget|reply|respond|review|"
                        r"discussion|more-(?:posts|news)|read-?also", re.IGNORECASE)
_ELSEWHERE_TAGS = frozenset(("aside", "nav"))
# a WordPress post's own classes name its category and tags ("category-reviews"): no block
_TAXONOMY_CLASS = re.compile(r"^(?:category|tag|format|post_tag)-\S*$")
# the page's own header and footer: the site's name, a login, the publisher's hCard
_PAGE_EDGES = frozenset(("header", "footer"))
_EDGE_CLASSES = frozenset(("header", "footer", "site-header", "site-footer"))
_ARTICLE = frozenset(("article", "main"))

_WORD = r"[A-ZÀ-ÖØ-ÞА-ЯЁІЇЄЎҐ](?:[a-zß-öø-ÿа-яёіїєўґʼ'’-]+|\.)"
_NAME = re.compile(rf"{_WORD}(?:\s+{_WORD}){{1,3}}")
# words of a byline's label or heading, never of a name ("Written By", "The Author")
_LABEL_WORDS = frozenset(("by", "the", "written", "author", "authors", "more", "from", "posted",
                          "about", "our", "автор", "авторы", "аўтар", "подготовил", "подготовила",
                          "все", "материалы", "новости", "редакция"))
# a part's label: who wrote it ("Текст:", "Автор:", "By", "Подготовил") or who did else
_WRITER = re.compile(r"^(?i:(?:материал\s+|текст\s+)?подготови(?:л|ла|ли)|написа(?:л|ла|ли)|"
                     r"текст|тэкст|автор|аўтар|автори?|author|written by|posted by|"
                     r"prepared by|by|text)\s*:?\s+")
_OTHER_ROLE = re.compile(r"^(?i:фото|фота|photo|photos|видео|відэа|video|иллюстраци\w*|"
                         r"инфографика|перевод|редактор|editor)\b")
MAX_BYLINE_CHARS = 120  # of a byline block's text: a longer block is an author's bio box


def markup_authors(tree: etree._Element) -> list[str]:
    """The article's authors as its byline markup names them, in this order of trust: a
    WordPress vcard's name, a ``rel="author"`` link, a byline block; [] when none names one.
    One block only, the nearest the headline inside the article: a list of other articles'
    cards, each with its author, names none of this one's."""
    order = {node: n for n, node in enumerate(tree.iter())}
    headline = next(tree.iter("h1"), None)
    near = order.get(headline, 0)
    for finder in (_VCARD_NAMES, _AUTHOR_LINKS, _byline_blocks):
        found = [node for node in finder(tree) if not _elsewhere(node) and not _org(node)]
        found.sort(key=lambda node: (not _in_article(node), abs(order.get(node, 0) - near)))
        for node in found:
            if _in_cards(node, found):
                continue
            names = [name for block in _with_twins(node)
                     for name in byline_names(clean_line("".join(block.itertext())))]
            if names:
                return list(dict.fromkeys(names))
    return []


def _byline_blocks(tree: etree._Element) -> list[etree._Element]:
    """The blocks a class token names a byline (``_BYLINE_CLASS``)."""
    return [node for node in _CLASSED(tree)
            if any(_BYLINE_CLASS.match(token) for token in (node.get("class") or "").split())]


def _classes(node: etree._Element) -> str:
    """The class and id ``node`` is known by, its WordPress taxonomy classes left out."""
    tokens = [t for t in (node.get("class") or "").split() if not _TAXONOMY_CLASS.match(t)]
    return f"{' '.join(tokens)} {node.get('id') or ''}"


def _elsewhere(node: etree._Element) -> bool:
    """Whether ``node`` is, or sits in, a block of the page that is not the article's own:
    a comment's, a sidebar's, the site's header or footer (outside the article)."""
    if _ELSEWHERE.search(_classes(node)):
        return True
    in_article = _in_article(node)
    for anc in node.iterancestors():
        if anc.tag in _ELSEWHERE_TAGS or _ELSEWHERE.search(_classes(anc)):
            return True
        if not in_article and (anc.tag in _PAGE_EDGES
                               or _EDGE_CLASSES & set((anc.get("class") or "").split())):
            return True
    return False


def _in_article(node: etree._Element) -> bool:
    return any(anc.tag in _ARTICLE for anc in node.iterancestors())


def _org(node: etree._Element) -> bool:
    """Whether an hCard's name is an organisation's (``fn org``): the publisher, no author."""
    return " org " in f" {node.get('class') or ''} "


def _twins(node: etree._Element) -> list[etree._Element]:
    """The siblings of ``node`` of its tag and class."""
    parent = node.getparent()
    if parent is None:
        return []
    return [other for other in parent if other is not node and other.tag == node.tag
            and other.get("class") == node.get("class")]


def _in_cards(node: etree._Element, found: list[etree._Element]) -> bool:
    """Whether ``node`` lies in a block repeated as its siblings with a byline of their own:
    a list of other articles' cards."""
    others = set(found) - {node}
    for anc in node.iterancestors():
        if anc.tag in _ARTICLE or anc.tag == "body":
            return False
        for twin in _twins(anc):
            if any(desc in others for desc in twin.iter()):
                return True
    return False


def _with_twins(node: etree._Element) -> list[etree._Element]:
    """``node`` and its like siblings: one byline printing each co-author apart."""
    return [node, *_twins(node)]


def byline_names(text: str) -> list[str]:
    """The writers a byline's text names: "Иван Петров", "Автор: Иван Петров", "Фото: Анна
    Смирнова, текст: Иван Петров" (the photographer is not the author), "Иван Петров и Анна
    Смирнова"; [] for any other text (a bio, a date line, a login)."""
    if not text or len(text) > MAX_BYLINE_CHARS:
        return []
    names = []
    for part in re.split(r"\s*[,;|/]\s*|\s+(?:и|і|and)\s+", text):
        part = part.strip(" .:-–—·•")
        if not part or _OTHER_ROLE.match(part):
            continue
        name = _WRITER.sub("", part, count=1)
        if not _NAME.fullmatch(name) or _LABEL_WORDS & set(name.lower().split()):
            return []  # a part that is no name (a label, a heading): the block is no byline
        names.append(name)
    return names

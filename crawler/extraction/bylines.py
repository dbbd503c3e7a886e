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
_ELSEWHERE = re.compile(r"comment|widget|sidebar|related|footer-widget|reply|respond|review",
                        re.IGNORECASE)
_ELSEWHERE_TAGS = frozenset(("aside", "nav"))

_WORD = r"[A-ZÀ-ÖØ-ÞА-ЯЁІЇЄЎҐ](?:[a-zß-öø-ÿа-яёіїєўґʼ'’-]+|\.)"
_NAME = re.compile(rf"{_WORD}(?:\s+{_WORD}){{1,3}}")
# a part's label: who wrote it ("Текст:", "Автор:", "By") or who did anything else
_WRITER = re.compile(r"^(?i:текст|тэкст|автор|аўтар|автори?|author|by|written by|text)\s*:?\s+")
_OTHER_ROLE = re.compile(r"^(?i:фото|фота|photo|photos|видео|відэа|video|иллюстраци\w*|"
                         r"инфографика|перевод|редактор|editor)\b")
MAX_BYLINE_CHARS = 120  # of a byline block's text: a longer block is an author's bio box


def markup_authors(tree: etree._Element) -> list[str]:
    """The article's authors as its byline markup names them, in this order of trust: a
    WordPress vcard's name, a ``rel="author"`` link, a byline block; [] when none names one."""
    for finder in (_VCARD_NAMES, _AUTHOR_LINKS, _byline_blocks):
        names = [name for node in finder(tree) if not _elsewhere(node)
                 for name in byline_names(clean_line("".join(node.itertext())))]
        if names:
            return list(dict.fromkeys(names))
    return []


def _byline_blocks(tree: etree._Element) -> list[etree._Element]:
    """The blocks a class token names a byline (``_BYLINE_CLASS``)."""
    return [node for node in _CLASSED(tree)
            if any(_BYLINE_CLASS.match(token) for token in (node.get("class") or "").split())]


def _elsewhere(node: etree._Element) -> bool:
    """Whether ``node`` sits in a block of the page that is not the article's own."""
    for anc in node.iterancestors():
        if anc.tag in _ELSEWHERE_TAGS or _ELSEWHERE.search(
                f"{anc.get('class') or ''} {anc.get('id') or ''}"):
            return True
    return False


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
        if not _NAME.fullmatch(name):
            return []  # a part that is no name: the block is no byline
        names.append(name)
    return names

"""Readers' comments told by their reply links, whatever the thread's markup is called.

trafilatura drops a comment thread by its class or id ("comment", "comments-list",
"disqus_thread"), and so does the region step (``_NEGATIVE``). Small CMSs name it otherwise
(``div.comm``, ``td.coment``, ``table.coomt``) or not at all, and each comment then reads as a
paragraph of the article: a thread of forty comments under a 1,400-character news item kept
nine times the article's text. What every thread has is a reply link under each comment
("Ответить", "Reply", "Antworten"): the comments are the blocks around those links.
"""

from __future__ import annotations

from collections import Counter

from lxml import etree

# A reply link's text, case-folded, in the languages of the outlets and of the pages the
# extractor was developed on.
REPLY_WORDS = frozenset((
    "ответить", "відповісти", "адказаць", "reply", "antworten", "répondre", "responder",
    "rispondi", "odpowiedz", "odpovědět", "odpovedať", "atsakyti", "atbildēt", "vasta",
    "svara", "svar", "beantwoorden", "reageer", "reageren", "yanıtla", "cevapla",
    "απάντηση", "odgovori", "răspunde", "válasz", "回复", "回覆", "返信", "답글", "답변",
    "הגב", "השב", "رد", "الرد", "پاسخ",
))
MAX_REPLY_CHARS = max(map(len, REPLY_WORDS)) + 4  # visible characters, with an arrow or two
_DECOR = " \t\r\n↓↑→←»«›‹[]()"
MIN_REPLIES = 2  # one reply link may be the article's own ("Reply to this story")
# A comment holding more than this share of the page's text is no comment: the article
# stands in it (a page whose one block holds everything, reply link included).
MAX_UNIT_SHARE = 0.5
_ARTICLE_TAGS = ("h1", "article", "main")


def reply_links(root: etree._Element, stats: dict) -> list[etree._Element]:
    """The links and buttons of ``root`` that say "reply" and nothing else, in page order
    (``stats``: ``text_stats``, which rules out the longer ones without reading their text)."""
    found = []
    for el in root.iter("a", "button"):
        if stats.get(el, (0, 0))[0] > MAX_REPLY_CHARS:
            continue
        text = "".join(el.itertext()).strip(_DECOR).casefold()
        if text in REPLY_WORDS:
            found.append(el)
    return found


def _common_ancestor(elements: list[etree._Element]) -> etree._Element | None:
    """The deepest element that holds every one of ``elements``."""
    paths = [[el, *el.iterancestors()][::-1] for el in elements]
    common = None
    for level in zip(*paths, strict=False):
        if any(el is not level[0] for el in level[1:]):
            break
        common = level[0]
    return common


def comment_units(root: etree._Element, stats: dict) -> list[etree._Element]:
    """The comments of a thread told by MIN_REPLIES or more reply links, in page order: for
    each link, the block under the links' common ancestor that holds it (its author line,
    date, text and the link). ``stats`` is ``text_stats`` of the page.

    A comment is a block of a kind (tag and class) two links or more share, that holds
    neither the headline, an ``article`` or ``main`` element, nor more than MAX_UNIT_SHARE
    of the page's text: a block of its own kind around a stray reply link (an embedded
    post's) may be the article."""
    links = reply_links(root, stats)
    if len(links) < MIN_REPLIES:
        return []
    common = _common_ancestor(links)
    if common is None:
        return []
    limit = MAX_UNIT_SHARE * (stats.get(root, (0, 0))[0] or 1)
    units: list[etree._Element] = []
    for link in links:
        unit = link
        for parent in link.iterancestors():
            if parent is common:
                break
            unit = parent
        if unit is link or (units and units[-1] is unit):
            continue
        if stats.get(unit, (0, 0))[0] > limit or unit.tag in _ARTICLE_TAGS \
                or next(unit.iterdescendants(*_ARTICLE_TAGS), None) is not None:
            continue
        units.append(unit)
    kinds = Counter((unit.tag, unit.get("class")) for unit in units)
    return [unit for unit in units if kinds[unit.tag, unit.get("class")] >= MIN_REPLIES]

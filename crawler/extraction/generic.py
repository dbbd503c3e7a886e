"""Generic article-body extractor (used when no outlet-specific rule applies).

Pipeline: copy the caller's tree once, prune obvious boilerplate (navigation,
link lists, share/comment blocks), let trafilatura pick the main content from the
pruned tree and turn its output tree into paragraphs, keep those inside the densest
prose region (or beside it, where nothing marks a block as boilerplate), add back the
region's lines trafilatura left out between two kept paragraphs when their own block shows
they are body (and the sentences removed there as link blocks that read as sentences), then
drop the repeated headline and boilerplate lines. docs/extraction.md
gives each step's evidence and its ablation row.
"""

from __future__ import annotations

import itertools
import logging
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from copy import deepcopy
from datetime import datetime
from difflib import SequenceMatcher
from functools import cache, lru_cache
from heapq import nlargest
from urllib.parse import urlsplit

import lxml.html
from lxml import etree
from trafilatura import bare_extraction

from archive.urls import site_host
from crawler.extraction.boilerplate import (
    MAX_LINE_CHARS,
    SENTENCE_ENDS,
    closes_sentence,
    is_block_label,
    is_boilerplate_line,
    without_labelled_blocks,
)
from crawler.extraction.comment_threads import comment_units
from crawler.extraction.dates import human_dates, is_weekday, month_number
from crawler.extraction.embeds import drop_embeds
from crawler.extraction.html import (
    CONTROLS,
    parse_html,
    remove_keeping_tail,
    remove_nodes,
    without_controls,
)
from crawler.extraction.normalize import join_paragraphs
from crawler.extraction.site_boilerplate import site_key


class _NoDiscardNotice(logging.Filter):
    """trafilatura warns "discarding data: <url>" for every page whose text it finds too
    short (a listing, a script stub, a one-line notice): this extractor then reads the page
    its own way and says what it found, so the warning only alarmed a crawl's log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno == logging.WARNING
                    and str(record.msg).startswith("discarding data"))


logging.getLogger("trafilatura.core").addFilter(_NoDiscardNotice())

# Named steps, each with an ablation row in docs/extraction.md; the dev scorer
# (bench/devset/score_devset.py --without STEP) turns them off through ENABLED_STEPS.
# Most throw text away; "template_siblings", "quiet_siblings", "headline_block" and
# "longest_prose" give back what the region step took from blocks that show no sign of
# boilerplate, and "interior_gaps" adds region lines trafilatura left out between two
# paragraphs we keep; "linked_sentences" adds back, in the same places, sentences that were
# removed as link blocks; "missed_region" takes the region's own text where trafilatura
# returned a list of items instead of the article under the headline; "region_climb" and
# "region_cousins" widen the region itself (to the parent that holds more prose, or to the
# ancestor of sections of one template), "sidebar_region" keeps it out of a side column, and
# "prose_siblings" gives back a lead paragraph set above the body's container; "glued_region"
# keeps a region whose lines trafilatura ran into paragraphs wider than it; "section_siblings"
# gives back the other blocks, with little link text, of a parent many of the article's blocks
# are in; "template_tail" adds the prose of the blocks of the region's template after it,
# which trafilatura left out; "described_lead" puts first a standfirst block above the body
# whose text the page's meta description repeats.
PRUNING_STEPS = ("missed_region", "glued_region", "furniture_blocks", "comment_units",
                 "link_blocks", "region", "template_siblings",
                 "quiet_siblings", "headline_block", "longest_prose", "headline_anchor",
                 "interior_gaps", "meta_lines", "title_line", "boilerplate_lines",
                 "linked_sentences", "region_climb", "region_cousins", "sidebar_region",
                 "prose_siblings", "section_siblings", "template_tail", "head_details",
                 "site_name_edges", "described_lead")
ENABLED_STEPS = frozenset(PRUNING_STEPS)

# Elements that never hold article text.
_DROP_TAGS = ("script", "style", "noscript",
              "template")
# ...but a ``noscript`` holding over half of the page's text (and more than this) swallowed the
# page: a ``<div>`` opened inside it and never closed there makes the parser lose its end tag
# (cleaneval 714: the whole article inside one), or it is a script-only page's one copy of its
# text. Such a one is unwrapped, not dropped.
SWALLOWED_MIN = 200
# Nested ones are each read whole: past this many characters read, the rest are dropped unread
# (a hostile page nests hundreds, each around the rest of a page of 2 M characters).
SWALLOWED_READ_MAX = 4_000_000


def _norm(text: str) -> str:
    """Collapse whitespace runs so paragraphs compare and join cleanly.

    ``str.split`` splits on what ``\\s`` matches (both use Unicode whitespace) and is 3-7x
    faster than a regex substitution plus ``strip``.
    """
    return " ".join(text.split())


def _drop(el: etree._Element) -> None:
    """Remove `el` but keep its tail text attached to the previous node."""
    el.drop_tree()


_BLOCKS = frozenset(("ul", "ol", "dl", "table", "div", "section", "td", "tr", "tbody", "p",
                     "header", "footer", "aside", "nav", "span", "menu"))
# A link block inside one of these is a linked phrase in a sentence (dropping it breaks the sentence).
_PROSE_TAGS = frozenset(("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figcaption", "pre"))
LINK_RATIO = 0.6  # share of a block's text inside links that makes it a link list
LINK_MAX_OWN = 200  # ...unless it also holds this much text outside links


def _visible_len(text: str | None) -> int:
    """Non-whitespace characters of `text` (layout whitespace must not count)."""
    return len("".join(text.split())) if text else 0


def _is_link(a: etree._Element) -> bool:
    """Whether an ``a`` element is a link: it has an address, or anything a script hooks a link
    on (a class, ``data-`` attributes, ``onclick``). A bare anchor (``<a name="part2">``,
    ``<a id>``, ``<a>``) is a place to jump to: an old page's, left open, wraps whole sections
    of its article (cleaneval 325: 14 kB of body were a link block). The callers test the tag
    first, in the hot loops."""
    return a.get("href") is not None or any(name not in _ANCHOR_ATTRIBUTES for name in a.attrib)


_ANCHOR_ATTRIBUTES = frozenset(("name", "id"))


def text_stats(root: etree._Element) -> dict[etree._Element, tuple[int, int]]:
    """(text length, link text length) of every element, in one bottom-up pass.

    Reversed document order visits children before parents, so no recursion
    (deeply nested pages stay safe) and no repeated text_content() calls.
    """
    stats: dict[etree._Element, tuple[int, int]] = {}
    for el in reversed(list(root.iter())):
        total = _visible_len(el.text) if isinstance(el.tag, str) else 0
        links = 0
        for child in el:
            ct, cl = stats.get(child, (0, 0))
            total += ct + _visible_len(child.tail)
            links += cl
        if el.tag == "a" and _is_link(el):
            links = total
        stats[el] = (total, links)
    return stats


# Set on the parent of a removed link block: the area once held a menu or teaser list.
PRUNED_MARK = "data-link-block-removed"


def _is_link_block(el: etree._Element, stats: dict) -> bool:
    """A block that is mostly links with little text of its own: menu, teasers.

    Harder to meet, on purpose, than the body rules' :func:`~crawler.extraction.body.is_link_list`
    (over half in links, whatever the own text): a block removed here is lost to the
    article, so one holding prose of its own (>= LINK_MAX_OWN) stays whatever its links."""
    total, links = stats.get(el, (0, 0))
    return total > 0 and links >= LINK_RATIO * total and total - links < LINK_MAX_OWN


def drop_link_blocks(root: etree._Element, stats: dict, keep_places: bool = False,
                     cards: bool = False, url: str = ""
                     ) -> list[tuple[etree._Element, etree._Element]]:
    """Remove menus and teaser lists before trafilatura sees them.

    ``stats`` is kept true for what is left: each removed block's counts are taken off its
    ancestors, so the region step needs no second pass over the tree. With ``keep_places``,
    a removed paragraph (``p``: a sentence that is mostly one link) or list (``ul``, ``ol``)
    leaves an empty ``p`` in its place, so ``linked_sentences`` can put it back; those are
    returned as (block, place). With ``cards``, :func:`teaser_cards` go too: inside an
    article's body, where a rule found it (on a whole page a listicle's items, a linked
    heading over a short text each, are shaped alike and are the article: there only the
    "pictured" cards go, ``PICTURED_CARDS_MIN`` of them side by side linking the site of
    ``url``, the page's).
    """
    doomed: list[etree._Element] = []
    dead: set[etree._Element] = set()
    inline: set[etree._Element] = set()  # inside a paragraph: a link there is part of a sentence
    # (grows under "related" headings)
    teasers = teaser_cards(root, stats) if cards else pictured_cards(root, stats, url)
    for el in root.iter():
        parent = el.getparent()
        if parent in dead:
            dead.add(el)
            continue
        if parent in inline or parent is not None and parent.tag in _PROSE_TAGS:
            inline.add(el)
            continue
        if (el in teasers or el.tag in _BLOCKS and _is_link_block(el, stats)
                or el.tag == "a" and _anchor_block(el, stats)):
            dead.add(el)
            doomed.append(el)
        elif el.tag in _LABEL_TAGS and stats.get(el, (0, 0))[0] <= LABEL_MAX_CHARS \
                and (listed := _listed_cards(el, stats)):
            teasers.update(listed)
            dead.add(el)  # the label of the cards goes with them: a "read also" left alone
            doomed.append(el)  # between paragraphs reads as the end of the article
    removed: list[tuple[etree._Element, etree._Element]] = []
    for el in doomed:
        parent = el.getparent()
        if parent is None:
            continue
        parent.set(PRUNED_MARK, "1")
        total, links = stats[el]
        for anc in el.iterancestors():
            anc_total, anc_links = stats[anc]
            stats[anc] = (anc_total - total, anc_links - links)
        if keep_places and el.tag in _KEPT_ASIDE:
            place = el.makeelement("p", {LINKED_PLACE: "1"})  # empty: trafilatura skips it
            place.tail, el.tail = el.tail, None
            parent.replace(el, place)
            removed.append((el, place))
        else:
            el.drop_tree()
    return removed


# A heading of a list of other articles ("Noticias relacionadas", "Read also"): the cards
# under it (see ``_listed_cards``) are teasers, on any page.
_LABEL_TAGS = frozenset(("h2", "h3", "h4", "h5", "h6", "header"))
LABEL_MAX_CHARS = 60  # a longer heading is the article's own
LISTED_CARDS_MIN = 3  # cards under such a heading (fewer: one "see also" link may be body)
_LABEL_CLIMB = 3  # wrappers (a header, a title bar) climbed to reach the cards' level
# blocks after such a heading looked at: a widget's cards are far fewer, and a page of many
# such headings (hostile, or a long digest) is no walk of every sibling for each
LISTED_CARDS_SCAN = 100
# own text of a card under such a heading: the heading is the evidence, so a lead may run to
# a paragraph and its "Читать новость..." (an unheaded card keeps ``CARD_MAX_OWN``)
LISTED_CARD_MAX_OWN = 800


def _listed_cards(heading: etree._Element, stats: dict) -> list[etree._Element]:
    """The teaser cards under a "read also"/"related" heading: a run of LISTED_CARDS_MIN
    siblings or more of one tag and class after it, or inside the one block after it, each
    opening with a headline link (``_card_opening``: the heading is the evidence, so the link
    needs no heading or bold of its own). A listicle's items have the card's shape but no
    such heading over them; a related-news widget after a short article holds more text than
    the article, so neither trafilatura nor the link ratio (its leads are prose) takes it."""
    if not is_block_label(_norm(heading.text_content())):
        return []
    at = heading
    for _ in range(_LABEL_CLIMB):
        if at.getnext() is not None or at.getparent() is None:
            break
        at = at.getparent()
    after = [sib for sib in itertools.islice(at.itersiblings(), LISTED_CARDS_SCAN)
             if isinstance(sib.tag, str)]
    if len(after) == 1:
        after = [child for child in itertools.islice(after[0], LISTED_CARDS_SCAN)
                 if isinstance(child.tag, str)]
    return _side_by_side(after, lambda card: _card_opening(card, stats, LISTED_CARD_MAX_OWN)
                         is not None, LISTED_CARDS_MIN)


# An anchor set as a block of its own among an article's paragraphs, a label over another
# article's headline inside (``<a><span>Related</span><span>Headline</span></a>``).
ANCHOR_BLOCK_MAX = 200  # characters: a longer anchor holds more than a label and a headline
_BESIDE_BLOCKS = frozenset(("p", "h2", "h3", "h4", "h5", "h6", "div", "figure", "ul", "ol",
                            "blockquote", "section", "table"))


def _anchor_block(a: etree._Element, stats: dict) -> bool:
    """Whether a link ``a`` (its parent no paragraph: ``drop_link_blocks`` asks) is a teaser
    set as a block: two parts with text or more (a label, a headline; trafilatura glues them,
    "RelatedDiscounters grab…"), no running text beside it, a block on either side (between
    paragraphs; a card's anchor opening a sidebar's teaser is left to the other rules)."""
    total = stats.get(a, (0, 0))[0]
    if not total or total > ANCHOR_BLOCK_MAX or _visible_len(a.text) or not _is_link(a):
        return False
    if sum(1 for child in a if isinstance(child.tag, str) and stats.get(child, (0, 0))[0]) < 2:
        return False
    before = a.getprevious()
    if _visible_len(a.tail) or _visible_len(a.getparent().text if before is None else before.tail):
        return False
    after = a.getnext()
    return all(sib is not None and sib.tag in _BESIDE_BLOCKS for sib in (before, after))


# ``teaser_cards``: blocks of one kind side by side, each opening with a link to another
# page and holding at most a teaser's text beside it ("По теме" cards: a linked headline, a
# one-sentence lead, a date) ...
CARD_MIN = 2  # ...this many of them at least
CARD_MAX_OWN = 300  # characters of a card's text outside links: a longer one holds prose
CARD_MIN_LINK = 15  # characters of the opening link's text: a headline, not an icon or a tag
# Cards whose picture and headline link to the same page, side by side this many times at
# least, are teasers anywhere on a page ("Спецрепортажи", "Популярное" grids): a listicle's
# items link their pictures elsewhere, or head their text instead.
PICTURED_CARDS_MIN = 3
_CARD_TAGS = frozenset(("div", "li", "article", "section", "a"))
_CARD_WALK = 40  # elements of a card looked at for its opening text


def teaser_cards(root: etree._Element, stats: dict, max_own: int = CARD_MAX_OWN
                 ) -> set[etree._Element]:
    """The teaser cards under ``root``: other articles' headlines listed with their leads.

    Their leads are prose, so a list of them is no link block (under ``LINK_RATIO``); in a
    body they read as paragraphs of the article. What tells them apart is the shape: several
    sibling blocks of one tag and class, each opening with a link (its headline, set as a
    heading; a date stamp or its picture may come first: :func:`_card_shapes`) and holding
    little text of its own (``max_own`` characters; a rubric's page gives its teasers a lead
    of a paragraph or two). An article's own paragraphs open with text, not with a link."""
    return {card for parent in root.iter(etree.Element) for card in _side_by_side(
        parent, lambda card: "headed" in _card_shapes(card, stats, max_own), CARD_MIN)}


def pictured_cards(root: etree._Element, stats: dict, url: str) -> set[etree._Element]:
    """:func:`teaser_cards` of the "pictured" shape, ``PICTURED_CARDS_MIN`` side by side or
    more, linking pages of the site at ``url`` (a shopping listicle's items link a shop's
    product pages, picture and name alike). Looked for only around the page's linked
    pictures: a walk of every element's children cost 5 % of the extractor's time on wcxb."""
    host = site_key(url)

    def on_site(card: etree._Element) -> bool:
        opening = _card_opening(card, stats, CARD_MAX_OWN)
        return opening is not None and opening[0] is not None and _on_site(opening[0], host)

    parents: dict[etree._Element, None] = {}
    for img in root.iter("img"):
        link = next((anc for anc in itertools.islice(img.iterancestors(), _PICTURE_DEPTH)
                     if anc.tag == "a"), None)
        if link is None or stats.get(link, (0, 0))[0]:
            continue  # (a picture inside a headline's or a sentence's link)
        for card in itertools.islice(link.iterancestors(), _PICTURE_DEPTH):
            if (parent := card.getparent()) is not None:
                parents[parent] = None
    return {card for parent in parents
            for card in _side_by_side(parent, on_site, PICTURED_CARDS_MIN)}


def _on_site(href: str, host: str) -> bool:
    """Whether a link goes to a page of the site ``host`` names (a relative one does)."""
    try:
        linked = urlsplit(href.strip()).hostname
    except ValueError:
        return False
    return linked is None or site_host(linked) == host


_PICTURE_DEPTH = 3  # levels from a picture up to its link, and from the link up to its card


def _side_by_side(siblings: Iterable[etree._Element], is_card: Callable[[etree._Element], bool],
                  least: int) -> list[etree._Element]:
    """The ``siblings`` that ``is_card`` takes, in runs of ``least`` or more of one tag and
    class (a grid's or a list's cards; one such block alone is a paragraph's)."""
    kinds: dict[tuple[str, str], list[etree._Element]] = {}
    for sib in siblings:
        if sib.tag in _CARD_TAGS and is_card(sib):
            kinds.setdefault((sib.tag, sib.get("class") or ""), []).append(sib)
    return [card for group in kinds.values() if len(group) >= least for card in group]


def _headed(link: etree._Element, card: etree._Element) -> bool:
    """Whether ``link`` is set as a headline in ``card``: inside a heading, or holding one."""
    if next(link.iter(*_HEADINGS), None) is not None:
        return True
    for anc in link.iterancestors():
        if anc.tag in _HEADINGS:
            return True
        if anc is card:
            return False
    return False


_HEADINGS = ("h2", "h3", "h4", "h5", "h6")


def _card_shapes(el: etree._Element, stats: dict, max_own: int) -> frozenset[str]:
    """How ``el`` is shaped as a teaser card (:func:`_card_opening`): its headline link may be
    "headed" (set as a heading), "pictured" (after the card's picture, a link without text to
    the same page) or "bold"; none of these, or no card: the empty set."""
    if (opening := _card_opening(el, stats, max_own)) is None:
        return frozenset()
    picture, headline = opening
    return frozenset(shape for shape, holds in (
        ("headed", _headed(headline, el)), ("pictured", picture is not None),
        ("bold", _bold(headline))) if holds)


def _card_opening(el: etree._Element, stats: dict, max_own: int
                  ) -> tuple[str | None, etree._Element] | None:
    """A teaser card's picture link (its href; None without one) and headline link: ``el``
    opens with a link of a headline's length (after a date stamp or its picture, if any) and
    holds no more than ``max_own`` characters outside its links. None: no card."""
    total, links = stats.get(el, (0, 0))
    if links < CARD_MIN_LINK or total - links > max_own:
        return None
    picture = None
    for n, node in enumerate(el.iter()):
        if n >= _CARD_WALK or not isinstance(node.tag, str):
            return None
        if node.tag == "a" and _is_link(node):
            if picture is None and not stats.get(node, (0, 0))[0] \
                    and next(node.iter("img"), None) is not None:
                picture = node.get("href")
                continue
            if stats.get(node, (0, 0))[0] < CARD_MIN_LINK or picture not in (
                    None, node.get("href")):
                return None
            return picture, node
        if _opening_text(node.text) or (node is not el and _opening_text(node.tail)):
            return None
    return None


def _bold(link: etree._Element) -> bool:
    """Whether a link's whole text is set in bold: ``<a><b>…</b></a>``, ``<strong><a>…``."""
    parent = link.getparent()
    if parent is not None and parent.tag in ("b", "strong") and not _visible_len(parent.text) \
            and not _visible_len(link.tail) and len(parent) == 1:
        return True
    return _bold_block(link)


def _opening_text(text: str | None) -> bool:
    """Whether text before a card's headline is more than a date stamp (``is_meta_line``)."""
    return bool(_visible_len(text)) and not is_meta_line(_norm(text or ""))


# Removed blocks that ``linked_sentences`` may put back: linked sentences and link lists.
_KEPT_ASIDE = frozenset(("p", "ul", "ol"))
# An empty paragraph standing where a linked sentence was removed (see drop_link_blocks).
LINKED_PLACE = "data-linked-sentence-place"


# Class or id words that name the furniture sites put beside or under an article: disclaimers,
# affiliate disclosures, author boxes, share bars and social widgets (which may hold text,
# such as a comment plugin's menu; the share kits Russian sites embed by name: Likely,
# Yandex's ya-share2, AddToAny, Pluso, UpToLike), polls and quizzes, modal dialogs (login
# and registration forms, shown over the page on a click) and cookie consent layers. A whole
# word of the class or id must match. Pull quotes are furniture too (``_PULL_QUOTE``, inside a
# name as well: ``pullQuoteTable``), unless their words stand nowhere else in the page
# (``_repeated_quotes``).
_FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:disclaimer|disclosure|author[-_]?(?:bio|box|info|card|about)"
    r"|about[-_]?(?:the[-_]?)?author|bio[-_]?box"
    r"|(?:social|share|sharing)[-_]?(?:bar|buttons?|links|tools|icons|widget|panel)"
    r"|likely|ya[-_]share2?|a2a[-_]kit|addtoany|pluso|uptolike|sharethis|shareaholic"
    r"|wp[-_]polls?|polls?|quiz|survey"
    r"|modal|dialog|cookies?|consent)(?:$|[\s_-])",
    re.I)
# A block holding this share of the page's text is a wrapper named after a part, not the part.
FURNITURE_MAX_SHARE = 0.3
# A named block holding more than this share of its article's text is the article's body.
ARTICLE_MAJORITY = 0.5


def _names(el: etree._Element) -> str:
    """An element's class and id words, as the furniture and media names are looked for."""
    return " ".join(filter(None, (el.get("class"), el.get("id"))))


# The words `_FURNITURE` is built from: a plain substring test rules out most class names
# before the regex runs (~20 % of this step's time).
_FURNITURE_WORDS = ("disclaimer", "disclosure", "author", "bio", "social", "shar", "modal",
                    "dialog", "cookie", "consent", "likely", "a2a", "addtoany", "pluso",
                    "uptolike", "poll", "quiz", "survey", "pull", "exergue")


def _furniture_names(names: str) -> bool:
    """Whether class and id words (``_names``) name a block as furniture (`_FURNITURE`)."""
    lower = names.casefold()  # folds as re.I does ("ſ", "K"); extra hits only cost the regex
    return any(word in lower for word in _FURNITURE_WORDS) and (
        _FURNITURE.search(names) is not None or _PULL_QUOTE.search(names) is not None)


def _furniture_blocks(root: etree._Element) -> list[etree._Element]:
    """The elements (below ``body``) whose class or id names them as furniture, in page order,
    and the offers a page hides by the ``hidden`` attribute until a script shows them (a
    paywall's "Jetzt weiterlesen mit Stadtkurier+", a login box: no reader sees them where
    they stand, and trafilatura reads such blocks; a ``display: none`` it drops itself).
    An offer is judged by its own class and id only: React streams a page's content in
    ``<div hidden id="S:2">`` holders, forms and all, and accordions hide their answers.

    A page repeats its class names (every teaser, list item and grid cell of one kind), so
    each distinct (class, id) pair is judged once (judging every element cost ~3 % of the
    extractor's time). (An XPath for the elements with a class or id is slower than this walk,
    and one for the hidden elements cost 1.3 %.)
    """
    verdicts: dict[tuple[str | None, str | None], bool] = {}
    named = []
    for el in root.iter(etree.Element):
        key = (el.get("class"), el.get("id"))
        if key == (None, None):
            continue
        verdict = verdicts.get(key)
        if verdict is None:  # the string _names(el) makes
            verdict = verdicts[key] = _furniture_names(" ".join(filter(None, key)))
        if (verdict or el.get("hidden") is not None and _NO_TEXT_NAMES.search(
                " ".join(filter(None, key)))) and el.tag not in ("html", "body"):
            named.append(el)
    return named


def _drop_furniture(root: etree._Element, stats: dict) -> None:
    """``furniture_blocks``: remove blocks whose class or id names them as furniture.

    Evidence: markup vocabulary. A block that holds the headline (``h1``), an ``article`` or
    ``main`` element, or a large share of the page's text is a wrapper and stays.
    The text sizes are read from ``stats`` (``text_stats`` of the page as it was), which is
    kept true for what is left (``_take_off``): no text of the page is serialised again.
    (A block's text is the same before and after the blocks before it go: they are outside
    it, or it lies inside one of them, removed whole.)
    """
    named = _furniture_blocks(root)
    if not named:
        return
    limit = FURNITURE_MAX_SHARE * (stats[root][0] or 1)
    quotes = [el for el in named if _PULL_QUOTE.search(_names(el))]
    repeated = _repeated_quotes(quotes[:PULL_QUOTES_MAX], root) if quotes else set()
    quoted = set(quotes)
    for el in named:
        if (stats[el][0] < limit
                and next(el.iterdescendants("h1", "article", "main"), None) is None
                and not _most_of_article(el, stats) and (el in repeated or el not in quoted)):
            _take_off(el, stats)
            _drop(el)


def _repeated_quotes(quotes: list[etree._Element], root: etree._Element) -> set[etree._Element]:
    """The pull quotes (``blockquote.pullquote``, ``div.exergue``) whose words stand elsewhere
    in the page too: read by trafilatura, their words came twice. One quoting nothing else is
    a quote set so on its own and stays."""
    page = " ".join(_TOKEN.findall(root.text_content().casefold()))
    found = set()
    for el in quotes:
        words = " ".join(_TOKEN.findall(el.text_content().casefold()))
        if len(words) >= PULL_QUOTE_MIN_CHARS and page.count(words) >= 2:
            found.add(el)
    return found


_PULL_QUOTE = re.compile(r"pull[-_]?quote|exergue", re.I)
PULL_QUOTE_MIN_CHARS = 20  # of its words: a shorter repeat (a name) proves nothing
# Pull quotes judged on a page (each is looked for in the page's whole text): an article has
# a few; a page naming thousands so (hostile, or a quotes site) kept the extractor for half a
# minute (20,000 on a 5 MB page: 25 s). Those past the bound stay, as before there was a rule.
PULL_QUOTES_MAX = 32


def _most_of_article(el: etree._Element, stats: dict) -> bool:
    """Whether `el` holds most of the text of the ``article`` (or ``main``) it stands in: the
    story's own container named after its form ("interview-dialog"), not a part beside it."""
    container = next(el.iterancestors("article", "main"), None)
    return container is not None and stats[el][0] > ARTICLE_MAJORITY * stats[container][0]


def _take_off(el: etree._Element, stats: dict) -> None:
    """Take the counts of `el`, about to be removed, off its ancestors, so that ``stats`` is
    what ``text_stats`` gives after: its tail stays in its parent, and a link (``a``) keeps
    all its text as link text."""
    total, links = stats[el]
    for anc in el.iterancestors():
        anc_total, anc_links = stats[anc]
        anc_total -= total
        if anc.tag == "a" and _is_link(anc):
            links = anc_links - anc_total  # what the link's link text loses, for those above
            anc_links = anc_total
        else:
            anc_links -= links
        stats[anc] = (anc_total, anc_links)


def _prune(tree: lxml.html.HtmlElement, url: str
           ) -> tuple[dict[etree._Element, tuple[int, int]], list[tuple[etree._Element, etree._Element]]]:
    """Delete boilerplate in place (the tree must be our own copy); its text stats after, and
    the linked sentences removed with their places (see drop_link_blocks)."""
    # comment nodes make trafilatura lose the text that follows them
    etree.strip_elements(tree, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    page_chars, read = None, 0
    for el in list(tree.iter(*_DROP_TAGS)):
        if el.getparent() is None:
            continue
        if el.tag == "noscript" and read < SWALLOWED_READ_MAX:
            text = el.text_content()
            read += len(text)
            if (own := _visible_len(text)) > SWALLOWED_MIN:
                if page_chars is None:
                    page_chars = _visible_len(tree.text_content())
                if own > page_chars / 2:
                    el.drop_tag()  # its content stays where it is
                    continue
        _drop(el)
    # lxml.html makes a new Python proxy (through a Python class lookup) each time a walk meets
    # an element no live proxy stands for; holding them all makes the walks below reuse them
    # (~4 % of the extractor's time)
    held = list(tree.iter())
    if "meta_lines" in ENABLED_STEPS:
        _drop_bare_counters(tree)
    if "sidebar_region" in ENABLED_STEPS:
        _mark_headline_holders(tree)
    stats = text_stats(tree)
    if "furniture_blocks" in ENABLED_STEPS:
        _drop_furniture(tree, stats)
    if "comment_units" in ENABLED_STEPS:
        for unit in comment_units(tree, stats):
            _take_off(unit, stats)
            _drop(unit)
    del held
    removed = []
    if "link_blocks" in ENABLED_STEPS:
        keep = "linked_sentences" in ENABLED_STEPS and "interior_gaps" in ENABLED_STEPS
        removed = drop_link_blocks(tree, stats, keep_places=keep, url=url)
    return stats, removed


_TOKEN = re.compile(r"\w+")
_PARA_TAGS = frozenset(("p", "pre", "blockquote", "td"))
_SKIP_SCORE = frozenset(("a", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "option"))
_POSITIVE = re.compile(r"article|body|content|entry|hentry|main|page|post|text|blog|story|news",
                       re.I)
_NEGATIVE = re.compile(r"comment|coment|komment|koment|talkback|meta|footer|footnote|foot|sidebar|"
                       r"sponsor|shopping|tags|widget|"
                       r"related|share|social|banner|menu|nav|promo|teaser|rss|subscribe|reklam"
                       r"|advert|popular|latest|lenta|most|also|combx|masthead|outbrain",
                       re.I)
# (No "media": modern CMSs name content blocks "media-body", "cda-media-block". Readers' comments
# under Spanish, Portuguese, Polish, Czech and German names, Hebrew and Arabic sites' "talkback".)
# If the region keeps less than this share of trafilatura's text, the region
# is probably wrong (e.g. a long comment thread, or one section of a review whose other
# sections carry shop links) and trafilatura is trusted; ``headline_anchor`` keeps a short
# item under its headline (0.2 before ``headline_anchor`` existed: teaser feeds came back).
FRAC = 0.4
# Nor is a region right that leaves out trafilatura's longest paragraph when that is this long.
LONGEST_PROSE = 400
# Nor one with less text than this (visible characters) that is also under REGION_MIN_SHARE of
# trafilatura's: a caption, a photo credit or a box that won on its class name, not the article.
REGION_MIN_CHARS = 100
REGION_MIN_SHARE = 0.25


def _own_text(el: etree._Element) -> str:
    """Text directly inside `el` (not inside its child elements)."""
    parts = [el.text or ""]
    parts.extend(child.tail or "" for child in el)
    return "".join(parts)


def _class_weight(el: etree._Element) -> float:
    """Readability-style bonus/penalty from class and id names."""
    weight = 0.0
    for attr in ("class", "id"):
        value = el.get(attr)
        if value:
            weight += _cached_weight(value) if len(value) <= CACHED_NAME_MAX else _name_weight(value)
    return weight


def _name_weight(value: str) -> float:
    """The weight one class or id value gives (-25, 0 or 25)."""
    weight = 0.0
    if _NEGATIVE.search(value):
        weight -= 25
    if _POSITIVE.search(value):
        weight += 25
    return weight


# Pages repeat their class names, and the two long case-blind alternations cost ~2 % of the
# extractor's time when searched for every scored element: short values (all real ones) are
# remembered across pages, a bounded number of bounded strings.
CACHED_NAME_MAX = 256
_cached_weight = lru_cache(maxsize=4096)(_name_weight)


def _chunk_score(text: str) -> float:
    """Score of one text chunk: long, comma-rich prose scores high."""
    return 1.0 + text.count(",") + min(len(text) / 100.0, 3.0)


def _score_candidates(root: etree._Element) -> dict[etree._Element, float]:
    """Give every ancestor of a prose chunk a content score (readability idea)."""
    scores: dict[etree._Element, float] = {}
    for el in root.iter(etree.Element):
        tag = el.tag
        if not isinstance(tag, str) or tag in _SKIP_SCORE:
            continue
        if tag in _PARA_TAGS:
            text = _norm(el.text_content())
            holder = el.getparent()
        else:
            text = _norm(_own_text(el))
            holder = el
        if len(text) < 25 or holder is None:
            continue
        value = _chunk_score(text)
        scores[holder] = scores.get(holder, 0.0) + value
        grand = holder.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0.0) + value / 2
    return scores


def _link_density(el: etree._Element, stats: dict) -> float:
    """Share of the text of `el` that sits inside links (from one text_stats pass)."""
    total, links = stats.get(el, (0, 0))
    return links / total if total else 1.0


def _best_region(root: etree._Element, stats: dict) -> list[etree._Element]:
    """The top content container plus siblings that score close to it."""
    raw = _score_candidates(root)
    if not raw:
        return []
    final = {el: (s + _class_weight(el)) * (1.0 - _link_density(el, stats))
             for el, s in raw.items()}
    if "sidebar_region" in ENABLED_STEPS:
        final = _outside_sidebars(root, final)
    best = top = max(final, key=final.get)
    if "region_cousins" in ENABLED_STEPS:
        top = _cousins_ancestor(best, final)
    if "region_climb" in ENABLED_STEPS and top is best:
        top = _climb(best, raw, stats)
    parent = top.getparent()
    if parent is None:
        return [top]
    # siblings are judged against the best candidate's score, wherever the region moved
    threshold = max(10.0, final[best] * 0.2)
    return [sib for sib in parent if sib is top or final.get(sib, 0.0) >= threshold]


# ``prose_siblings`` (readability's rule): a paragraph beside the region's ancestors this long...
PROSE_SIBLING_CHARS = 80
PROSE_SIBLING_LINKS = 0.25  # ...with less link text than this share is the article going on


def _prose_sibling(el: etree._Element, stats: dict) -> bool:
    """``prose_siblings``: a ``p`` before the region's ancestors that is prose with few links (a
    lead set above the body's container, with a link or two: too many for ``quiet_siblings``),
    not hidden nor named as furniture or media. Not after: there sit author taglines and
    comments, which no name tells apart."""
    if el.tag != "p" or _hidden(el):
        return False
    names = _names(el)
    if names and (_FURNITURE.search(names) or _MEDIA.search(names)):
        return False
    total, links = stats.get(el, (0, 0))
    return total > PROSE_SIBLING_CHARS and links < PROSE_SIBLING_LINKS * total


# Class or id word of a page's side column (readability's "unlikely candidates" hold it too);
# not a layout's flag that the page has none, or one ("no-sidebar", "has-sidebar").
_SIDEBAR = re.compile(r"(?:^|[\s_-])(?<!no[-_])(?<!has[-_])(?<!with[-_])(?<!without[-_])sidebar",
                      re.I)
# Set (by ``_mark_headline_holders``, before pruning) on the elements that hold an ``h1``.
HOLDS_H1 = "data-holds-h1"


def _mark_headline_holders(tree: etree._Element) -> None:
    """Mark the ancestors of every ``h1`` (``HOLDS_H1``) before link blocks go: a linked
    headline (``<h1><a>``) in a header block of links is removed with it, and the layout
    wrapper around it would then look like a side column to ``sidebar_region``. Each element
    is marked once (the walk up stops at a marked one)."""
    for head in tree.iter("h1"):
        for anc in head.iterancestors():
            if anc.get(HOLDS_H1) is not None:
                break
            anc.set(HOLDS_H1, "1")


def _outside_sidebars(root: etree._Element, final: dict[etree._Element, float]
                      ) -> dict[etree._Element, float]:
    """``sidebar_region``: the candidates outside the page's side columns (an ``aside``, or a
    block whose class or id names it ``sidebar``; one that held an ``h1`` before pruning,
    ``HOLDS_H1``, is a layout wrapper such as "content-sidebar-wrap"), when one of them
    scores above zero: a profile bio or a blurb in the side column outscores a short post on
    a class name ("profile-textblock"), but the side column is no place for the article."""
    inside: set[etree._Element] = set()
    for el in root.iter(etree.Element):
        if el in inside or el.tag in ("html", "body"):
            continue
        if (el.tag == "aside" or _SIDEBAR.search(_names(el))) and el.get(HOLDS_H1) is None:
            inside.update(el.iter())
    if not inside:
        return final
    out = {el: score for el, score in final.items() if el not in inside}
    return out if out and max(out.values()) > 0 else final


# ``region_cousins``: candidates scoring this share of the top one are as much the article...
COUSIN_SHARE = 0.75
COUSIN_RANKS = 5  # ...among this many best
COUSIN_MIN = 3  # ...and when this many of them share an ancestor with the top, it is the region
COUSIN_REACH = 5  # ...at most this many levels above the top (a page's far ends are no sections)


def _cousins_ancestor(top: etree._Element, final: dict[etree._Element, float]) -> etree._Element:
    """``region_cousins``: the nearest ancestor of the top candidate that also holds COUSIN_MIN
    candidates of its own kind (tag and classes, as ``template_siblings`` compares them)
    scoring close to it (readability's alternative candidates, less the other kinds): an
    article split into sections, each its own container of one template, is one region, not
    its best section. Blocks without classes prove nothing (table rows of a layout)."""
    best, kind = final[top], _kind(top)
    if best <= 0 or not kind[1]:
        return top
    ranked = nlargest(COUSIN_RANKS, final, key=final.get)
    close = [set(el.iterancestors()) for el in ranked
             if el is not top and final[el] >= COUSIN_SHARE * best and _kind(el) == kind]
    if len(close) < COUSIN_MIN:
        return top
    for level, anc in enumerate(top.iterancestors(), 1):
        if anc.tag in ("body", "html") or level > COUSIN_REACH:
            break
        if sum(anc in ancestors for ancestors in close) >= COUSIN_MIN:
            return anc
    return top


# ``region_climb``: the parent must hold this many times the top candidate's prose (a tie on a
# page of a few lines is noise, not an article going on beside the top).
CLIMB_MORE = 1.25


def _climb(top: etree._Element, raw: dict[etree._Element, float], stats: dict) -> etree._Element:
    """``region_climb``: the top candidate's parent when the parent holds CLIMB_MORE times its
    prose (the score before class names, weighed by link density): then the top most likely
    won on its class name, and the article goes on beside it in the parent. A top without
    prose of its own (a wrapper ``region_cousins`` chose) does not climb."""
    parent = top.getparent()
    if parent is None or parent.tag in ("body", "html") or _class_weight(parent) < 0:
        return top
    def prose(el: etree._Element) -> float:
        return raw.get(el, 0.0) * (1.0 - _link_density(el, stats))
    own = prose(top)
    return parent if own > 0 and prose(parent) >= CLIMB_MORE * own else top


# A block beside the region's ancestors is kept only below this link density.
SIBLING_MAX_LINKS = 0.3


def _tokens(text: str) -> str:
    """Key used to match trafilatura output back to the tree: its word characters only.

    Without separators, because trafilatura and the tree do not agree on where a space
    falls between a heading, a <br> and the text after it ("Adjustments" + "One ...").
    """
    return "".join(_TOKEN.findall(text.lower()))


# ``section_siblings``: where this many blocks of one parent are the article already (the
# region's way down and the blocks rescued beside it)...
SECTION_MIN = 6
SECTION_MAX_LINKS = 0.1  # ...another block there with no more link text than this share is too
_NO_SECTION = frozenset(("aside", "nav", "footer", "form", "figure", "header"))

# A block beside the region with no more link text than this share is "quiet".
QUIET_MAX_LINKS = 0.05


def _had_link_block(el: etree._Element) -> bool:
    """Whether a menu or teaser list was removed from inside `el` (see drop_link_blocks)."""
    return el.get(PRUNED_MARK) is not None or next(
        el.iterfind(f".//*[@{PRUNED_MARK}]"), None) is not None


# A serial number or hash a page builder appends to a class name ("et_pb_row_5",
# "elementor-element-264c169"): blocks of one template differ only there.
_CLASS_SERIAL = re.compile(r"[-_]?(?:\d+|(?=[0-9a-f]*\d)[0-9a-f]{6,})$")


def _kind(el: etree._Element) -> tuple[str, tuple[str, ...]]:
    """Tag and first two class names, serial numbers cut: the blocks one template repeats."""
    names = (el.get("class") or "").split()[:2]
    # the serial pattern backtracks on long digit runs: a real class name is short
    return el.tag, tuple(name if len(name) > 64 else _CLASS_SERIAL.sub("", name)
                         for name in names)


def _rescued_blocks(region: list[etree._Element], stats: dict) -> list[etree._Element]:
    """Blocks beside the region's ancestors that are the article going on, not boilerplate.

    The region step picks one container; trafilatura's paragraphs outside it are dropped
    unless they sit in one of these blocks (each kind is a named step with an ablation row):

    * ``template_siblings``: page builders split one article into many sibling blocks (one
      per section, several wrappers deep). A block of the same tag and classes as the
      region's ancestor at that level, with few links (<= SIBLING_MAX_LINKS) and no
      boilerplate class name, is another section. Blocks without classes prove nothing here.
      One whose second class differs (a modifier: ``row`` / ``row margin-bottom``) is weaker
      evidence: it counts only when no menu or teaser list was removed from inside it.
    * ``quiet_siblings``: a block with next to no link text (<= QUIET_MAX_LINKS), no
      boilerplate class name and no menu or teaser list removed from inside it. Teaser feeds
      lose their headline links to link-block removal, which leaves the mark that rules them out.
    * ``prose_siblings``: a paragraph before the way down to the region (:func:`_prose_sibling`).
    * ``section_siblings``: the other blocks of a parent that already holds many of the
      article's blocks, with little link text (:func:`_section_siblings`).
    """
    templates = "template_siblings" in ENABLED_STEPS
    quiet = "quiet_siblings" in ENABLED_STEPS
    prose = "prose_siblings" in ENABLED_STEPS
    sections = "section_siblings" in ENABLED_STEPS
    taken = set(region)
    node = region[0]
    found = []
    for anc in region[0].iterancestors():
        kind = _kind(node)
        before = True  # the branch comes before the way down to the region
        for branch in anc:
            if branch is node:
                before = False
            if branch in taken or not isinstance(branch.tag, str):
                continue
            other = _kind(branch)
            # a template's blocks share the names of the article's own (a page builder's
            # "widget"): only a boilerplate word that one does not carry tells them apart
            if _named_unlike(branch, node) if other == kind else _class_weight(branch) < 0:
                continue
            density = _link_density(branch, stats)
            if templates and kind[1] and (other == kind or (
                    other[0] == kind[0] and other[1][:1] == kind[1][:1]
                    and not _had_link_block(branch))):
                if density <= SIBLING_MAX_LINKS:
                    found.append(branch)
            elif ((quiet and density <= QUIET_MAX_LINKS and not _had_link_block(branch))
                  or (prose and before and _prose_sibling(branch, stats))):
                found.append(branch)
        if sections:
            found.extend(_section_siblings(anc, taken, found, stats))
        taken.add(anc)
        node = anc
    return found


def _negative_words(el: etree._Element) -> set[str]:
    """The boilerplate words (``_NEGATIVE``) in the class and id of `el`, lower-cased."""
    return {match.group().lower() for attr in ("class", "id")
            for match in _NEGATIVE.finditer(el.get(attr) or "")}


def _named_unlike(el: etree._Element, own: etree._Element) -> bool:
    """Whether `el` is named as boilerplate (``_NEGATIVE``) by a word that `own`, a block of
    the article (on the way down to the region, or a block of it), does not carry too. A page
    builder names every block a ``widget`` (``elementor-widget-heading`` beside
    ``elementor-widget-text-editor``, each in an ``elementor-widget-container``): a word the
    article's own block carries tells a block from nothing."""
    return _class_weight(el) < 0 and not _negative_words(el) <= _negative_words(own)


def _section_siblings(parent: etree._Element, taken: set[etree._Element],
                      found: list[etree._Element], stats: dict) -> list[etree._Element]:
    """``section_siblings``: where ``parent`` holds SECTION_MIN or more blocks that are the
    article already (the way down to the region, the region and what the other rescues took),
    its other blocks with text and no more than SECTION_MAX_LINKS link text are its sections
    too, though a link block was removed inside them (a "Learn more" button, a list of
    sources) or they carry a link or two more than a quiet sibling may. A parent that many of
    the article's blocks sit in is the article's own flow; a teaser feed beside a one-block
    article is not in one. Not a side column, a navigation, a footer, a form, a figure or a
    header, nor a block named as boilerplate or hidden."""
    chosen = set(found) | taken
    if sum(branch in chosen for branch in parent) < SECTION_MIN:
        return []
    return [branch for branch in parent
            if branch not in chosen and isinstance(branch.tag, str)
            and branch.tag not in _NO_SECTION and stats.get(branch, (0, 0))[0] > 0
            and _class_weight(branch) >= 0 and not _hidden(branch)
            and _link_density(branch, stats) <= SECTION_MAX_LINKS]


# A block of the headline's block holding this much text of its own is prose (a lead).
LEAD_MIN_CHARS = 25
_LEAD_TAGS = ("p", "div", "li")


def _lead_blocks(region: list[etree._Element], stats: dict,
                 head: etree._Element | None) -> list[etree._Element]:
    """``headline_block``: the lead (standfirst) beside the region, in the headline's block.

    The block beside the region's ancestors that holds the page's own headline (``head``, an
    h1/h2 its declared title confirms), with few links (<= SIBLING_MAX_LINKS) and no boilerplate
    class name, is the article's head; its byline or share links are removed by link-block
    removal, so it is rarely a quiet sibling. Only its prose is taken: a ``p``, ``div`` or ``li``
    with running text of its own (>= LEAD_MIN_CHARS), not inside a heading (a deck set as a
    subheading is left out by article gold such as AEB's), a form, a figure or a block named
    as boilerplate, furniture or media, and not hidden. (A headline that is itself that block,
    set straight in the body's container, is :func:`_beside_headline`'s.)
    """
    if head is None:
        return []
    below = set(region[0].iterancestors())
    branch = next((a for a in (head, *head.iterancestors()) if a.getparent() in below), None)
    if (branch is None or branch is head or branch in below or branch in region
            or _class_weight(branch) < 0 or _link_density(branch, stats) > SIBLING_MAX_LINKS):
        return []
    return [el for el in branch.iter(_LEAD_TAGS)
            if _visible_len(_own_text(el)) >= LEAD_MIN_CHARS
            and not any(a.tag in _GAP_HEADINGS for a in el.iterancestors())
            and not _marked_path(el, branch) and not _hidden(el)]


_LEAD_SIBLINGS = frozenset(("p", "div"))
# A byline ("By Jon Greenberg on Saturday, March 25th, 2017 at 12:30 p.m.") ends like a sentence.
_BYLINE = re.compile(r"\s*(?i:by|von|par|por|przez|door|av|af|от|автор\w*:?)\s+[A-ZÀ-ÖØ-ÞА-ЯЁ]")
LEAD_MAX_CHARS = 600  # a standfirst beside the headline is no longer (visible characters)


def _beside_headline(region: list[etree._Element], stats: dict,
                     head: etree._Element | None) -> list[etree._Element]:
    """``headline_block``, flat header: the lead set between the headline and the body.

    When the headline is a child of a block on the way down to the region (the h1, a byline,
    the standfirst and the body's block side by side in one container), the headline's block
    is the headline alone; the standfirst is one of its next siblings before the branch that
    holds the region. Such a sibling is the lead when it is a ``p`` or ``div`` of prose: it
    ends a sentence, holds >= LEAD_MIN_CHARS outside links and few links (<=
    SIBLING_MAX_LINKS), holds no heading (a deck set as one is no body in AEB's gold), is no
    byline, date or details line and no boilerplate line, and is not named as boilerplate,
    furniture or media, nor hidden. Evidence: position between the page's own headline and
    its body, sentence shape.
    """
    if head is None:
        return []
    parent = head.getparent()
    way = {region[0], *region[0].iterancestors()}
    if parent is None or parent not in way:
        return []
    between = []
    for el in head.itersiblings():
        if el in way or el in region:
            break
        between.append(el)
    else:
        return []  # the body's branch is above the headline: what follows it is no lead
    leads = []
    for el in between:
        if el.tag not in _LEAD_SIBLINGS:
            continue
        total, links = stats.get(el, (0, 0))
        if total - links < LEAD_MIN_CHARS or links > SIBLING_MAX_LINKS * total:
            continue
        lines = _owned_lines(el)
        if len(lines) != 1 or total > LEAD_MAX_CHARS:
            continue  # a standfirst is one paragraph; a block of many is the body (a wrong region)
        text = _norm(lines[0][0])
        if (text.rstrip()[-1:] not in _GAP_SENTENCE_END or _no_lead(text)
                or next(el.iter(*_GAP_HEADINGS), None) is not None
                or _marked_path(el, parent) or _hidden(el)):
            continue
        leads.append(el)
    return leads


def _no_lead(text: str) -> bool:
    """Whether a line near the headline is a byline, a date, details or a boilerplate line:
    no standfirst, however it is set."""
    return (_BYLINE.match(text) is not None or is_meta_line(text) or is_details_line(text)
            or is_boilerplate_line(text))


def _put_first(kept: list[str], leads: list[etree._Element], head: etree._Element) -> list[str]:
    """The leads (:func:`_beside_headline`) trafilatura did not give, put before the first kept
    paragraph (after the headline, when trafilatura kept that first): trafilatura often drops
    a standfirst set apart from the body's block, and the gap lines only fill between kept
    paragraphs."""
    hay = " ".join(map(_tokens, kept))
    missing = [text for el in leads
               if (key := _tokens(text := _norm(el.text_content()))) and key not in hay]
    if not missing:
        return kept
    at = 1 if kept and _tokens(kept[0]) == _tokens(head.text_content()) else 0
    return kept[:at] + missing + kept[at:]


def _hay(blocks: list[etree._Element]) -> str:
    """The blocks' word characters, one block after another (what ``_in_region`` searches)."""
    return " ".join(_tokens(el.text_content()) for el in blocks)


def _in_region(paragraphs: list[str], keys: list[str], hay: str) -> tuple[list[str], list[str]]:
    """The paragraphs (and their ``_tokens`` keys) whose text occurs in ``hay``: inside the
    region's blocks, rescues included. The keys are made once by the caller and serve
    ``_fill_gaps`` too."""
    found = _occurring(keys, hay)
    kept = [(p, key) for p, key, inside in zip(paragraphs, keys, found, strict=True) if inside]
    return [p for p, _ in kept], [key for _, key in kept]


def _occurring(keys: list[str], hay: str) -> list[bool]:
    """``key in hay`` for each key, in time near-linear in the page, not keys x hay.

    trafilatura gives the paragraphs in the order the region holds them, so each search starts
    where the last match ended; only a key not found after that point is searched for before
    it (so the answer is exactly ``key in hay``), and a key met before is not searched again.
    """
    seen: dict[str, bool] = {}
    out: list[bool] = []
    cursor = 0
    for key in keys:
        if key not in seen:
            at = hay.find(key, cursor)
            if at < 0:  # before the cursor (or starting before it and running across it)
                at = hay.find(key, 0, cursor + len(key) - 1)
            if at >= 0:
                cursor = at + len(key)
            seen[key] = at >= 0
        out.append(seen[key])
    return out


# Elements of trafilatura's output that end a line: their text must not run into the next.
_LINE_BREAKING = frozenset(("lb", "p", "head", "item", "cell", "row", "list", "quote", "table"))


def _flat_text(el: etree._Element) -> str:
    """Text of an output element; a <lb/> or a nested block is a space, not nothing.

    ``itertext`` alone glues "Bench<lb/>Brand" into one word (the output tree is ours, so
    marking the boundaries in place is allowed).
    """
    for inner in el.iterdescendants(*_LINE_BREAKING):
        inner.tail = " " + (inner.tail or "")
        inner.text = " " + (inner.text or "")
    return _norm("".join(el.itertext()))


_PARAGRAPH_BREAK = "\ue000"  # (a private-use character: no page's text, no whitespace)
_NESTED_BLOCKS = frozenset(("p", "head", "quote", "list"))
# the parts of each paragraph the page broke into paragraphs of its own, by its text, for
# the page being read (_paragraphs sets it)
_BROKEN: ContextVar[dict[str, list[str]] | None] = ContextVar("broken", default=None)
# The items of numbered lists in trafilatura's output: an instruction's steps ("Download the
# app from the App Store", "Sign up for free using your customer number"), worded as promos
# are but no promo line (those stand alone or in a plain list), spared by boilerplate_lines.
_STEPS: ContextVar[set[str] | None] = ContextVar("steps", default=None)


# An inline element holding a date stamp alone, run into the text after it ("<span
# class="news-date-time">05.01.2026 23:45</span>Строители…": Bitrix's news.detail)...
# Not emphasis (``<b>3:1 </b>в пользу``, ``<b>15.05.2024 </b>в Минске``: a sentence's own).
_STAMP_TAGS = ("span", "time", "small", "font")
# a day, month and year, perhaps a time: what a date stamp holds (a score or "1.5" is none)
_DATE_STAMP = re.compile(r"\s*(?:\d{1,2}[./]\d{1,2}[./](?:19|20)?\d\d|(?:19|20)\d\d-\d\d-\d\d)"
                         r"(?:[,\s|]+\d{1,2}:\d\d(?::\d\d)?)?")


def _unglue_stamps(root: etree._Element) -> None:
    """...ends a line (a ``<br>`` after it): glued, it made the first line of the body one of
    the date and the text, which neither the date-line step nor the reader sees apart."""
    for el in root.iter(_STAMP_TAGS):
        tail = el.tail
        if tail and tail[0].isalpha():
            text = el.text_content()
            if _DATE_STAMP.fullmatch(text) and not text[-1:].isspace():
                br = etree.Element("br")
                br.tail, el.tail = _PARAGRAPH_BREAK + tail, None  # a paragraph of its own
                el.addnext(br)


# Counters a page prints as a number of their own (comments, likes, shares, views), named so
# by their class or id ("comments_count", "commentCount", "share-counter"). Beside text or a
# time they run into it, since the space a stylesheet kept between them is not text: a
# paragraph's comment badge ("0Сегодня в столичном…"), a count after a time ("8:170"). Beside
# their label ("Комментарии (0)", "Просмотров: 312", "12 comments", "👁 312") they stay, for the
# details-line check to read.
_COUNTER_TAGS = ("a", "span", "small", "sup", "b", "i", "em", "strong", "div")
_COUNTER_NAMES = frozenset(("count", "counter", "counts", "cnt"))
_NAME_WORD = re.compile(r"[A-Z]?[a-z]+")
_COUNT = re.compile(r"\s*\d{1,7}\s*")
COUNTER_LABEL_CHARS = 30  # of the text before a counter, where its label is looked for


def _drop_bare_counters(root: etree._Element) -> None:
    """Remove the number-only elements named as counters that stand beside no label: at a
    block's start, after a time, or glued to the word before them."""
    for el in list(root.iter(_COUNTER_TAGS)):
        if len(el) or not el.text or not _COUNT.fullmatch(el.text):
            continue
        names = f"{el.get('class') or ''} {el.get('id') or ''}"
        if not (("ount" in names or "cnt" in names) and any(
                word.lower() in _COUNTER_NAMES for word in _NAME_WORD.findall(names))):
            continue
        if _table_value(el):
            continue  # a table's figure, whatever its class says
        before, after = _text_before(el), _text_after(el)
        label, rest = before.rstrip()[-COUNTER_LABEL_CHARS:], after.lstrip()
        if label[-1:] in ("(", ":") or rest[:1] in (")", "/") or _LABEL_BEFORE.search(label) or (
                _LABEL_AFTER.match(rest)):
            continue  # "Комментарии (0)", "Просмотров: 312", "👁 312", "12 comments", "1 / 5"
        if not label or label[-1].isdigit() or before[-1:].isalnum():
            el.drop_tree()  # (its tail stays)


def _table_value(el: etree._Element) -> bool:
    """Whether ``el`` is all a table cell holds, alone or in wrappers of its own (a vote count,
    a standings table's points): data, not a badge beside text."""
    if el.tail and not el.tail.isspace():
        return False
    node = el.getparent()
    for _ in range(TABLE_VALUE_CLIMB):
        if node is None:
            return False
        if node.tag in ("td", "th"):
            return True
        if len(node) > 1 or node.text and not node.text.isspace() or (
                node.tail and not node.tail.isspace()):
            return False
        node = node.getparent()
    return False


TABLE_VALUE_CLIMB = 3  # wrappers climbed from a counter to its table cell


def _text_before(el: etree._Element) -> str:
    """The text just before ``el``: the tail or last text of a previous sibling (empty ones,
    an icon, skipped), else its parent's text. Read along one path down each sibling, so a
    counter costs the depth of the page, not the size of what precedes it."""
    node = el.getprevious()
    for _ in range(NEIGHBOURS_READ):
        if node is None:
            return el.getparent().text or ""
        if node.tail and not node.tail.isspace():
            return node.tail
        if (text := _last_text(node)).strip():
            return text
        node = node.getprevious()
    return ""


def _text_after(el: etree._Element) -> str:
    """The text just after ``el``: its tail, else the first text of a next sibling (empty ones
    skipped) or that sibling's tail."""
    if el.tail and not el.tail.isspace():
        return el.tail
    node = el.getnext()
    for _ in range(NEIGHBOURS_READ):
        if node is None:
            return ""
        if (text := _first_text(node)).strip():
            return text
        if node.tail and not node.tail.isspace():
            return node.tail
        node = node.getnext()
    return ""


NEIGHBOURS_READ = 3  # siblings looked at on each side of a counter


def _last_text(node: etree._Element) -> str:
    """The text that ends ``node``: down its last children, the first tail or text found."""
    while len(node):
        node = node[-1]
        if node.tail and not node.tail.isspace():
            return node.tail
    return node.text or ""


def _first_text(node: etree._Element) -> str:
    """The text that opens ``node``: down its first children, the first text found."""
    while not (node.text and not node.text.isspace()) and len(node):
        node = node[0]
    return node.text or ""


# What the control that shows the rest of an article says ("Читать полностью →")
_EXPANDER = re.compile(
    r"\W*(?:(?:читать|показать|смотреть|открыть) (?:полностью|далее|дальше|весь текст|целиком"
    r"|продолжение)|развернуть(?: текст)?|чытаць (?:цалкам|далей)|паказаць цалкам|разгарнуць"
    r"|читати (?:повністю|далі)|показати повністю|read (?:more|the full (?:story|article))"
    r"|show more|continue reading|weiterlesen|lire la suite|leer más|czytaj dalej)\W*", re.I)
EXPANDER_MAX_CHARS = 40  # a control's text; a longer one is a sentence
EXPANDED_MIN_CHARS = 100  # the hidden rest holds this much text at least


def _reveal_expanded(root: etree._Element) -> None:
    """Show the rest of an article that a "Читать полностью" control hides (``display:
    none``, ``hidden`` or a hiding class, opened by a script on a click): trafilatura drops
    hidden blocks, and the item held the first paragraphs only. The block must sit next to
    the control (before or after it), hold text, and be no offer, form or dialog (a paywall's
    "Read the full story" opens a subscription box: one hidden by the attribute, which
    trafilatura reads, goes with its control); the control goes, and so does visible text
    before it that the hidden block repeats (a "short" version beside the "full" one; never
    the hidden block itself, when it stands before its control).
    Controls (a button, a link going nowhere) are found first, by libxml2: judging every
    element with a class cost 7 % of the extractor's time on wcxb, looking for controls
    marked by a role or a script too 4 %, a walk of the links in Python 2.4 %."""
    for control in _CONTROLS(root):
        if control.tag == "button" and _asks(control):
            control.tag = "span"
            continue
        if control.getparent() is None or not _expands(control):
            continue
        el = next((b for b in (control.getnext(), control.getprevious())
                   if b is not None and isinstance(b.tag, str) and _hidden_block(b)), None)
        if el is None:
            continue
        if _no_text_block(el):
            _drop(el)
            _drop(control)
            continue
        full = _norm(el.text_content())
        if len(full) < EXPANDED_MIN_CHARS:
            continue
        el.attrib.pop("hidden", None)
        el.set("style", _HIDDEN_STYLE.sub("", el.get("style") or ""))
        el.set("class", " ".join(c for c in (el.get("class") or "").split()
                                 if c.lower() not in _HIDING_CLASSES))
        for before in list(control.itersiblings(preceding=True)):
            if before is not el and isinstance(before.tag, str) and len(
                    short := _norm(before.text_content()).rstrip(".… ")) >= TEASER_MIN_CHARS \
                    and short in full:
                _drop(before)
        _drop(control)


def _asks(button: etree._Element) -> bool:
    """Whether a button is an accordion's question (``<h3><button aria-expanded="false">Who
    pays?</button></h3>``): a toggle in a heading, or one asking. trafilatura and the gap
    lines read a button's text as a control's; the answers stayed, their questions were lost:
    such a button is read as text (:func:`_reveal_expanded`, which walks the controls)."""
    return button.get("aria-expanded") is not None and (
        any(a.tag in _QUESTION_HEADINGS for a in button.iterancestors())
        or _norm(button.text_content()).endswith(("?", "？", "؟", ";")))


_QUESTION_HEADINGS = frozenset(("h2", "h3", "h4", "h5", "h6"))


def _hidden_block(el: etree._Element) -> bool:
    """Whether a block is hidden until a click: ``hidden``, ``display: none``, a hiding
    class."""
    return el.tag not in ("html", "body") and (
        el.get("hidden") is not None or bool(_HIDDEN_STYLE.search(el.get("style") or ""))
        or any(c.lower() in _HIDING_CLASSES for c in (el.get("class") or "").split()))


TEASER_MIN_CHARS = 40  # visible text the hidden block repeats, dropped: a word or two may recur
# What may be a control that shows a hidden block: a button, a link going nowhere
_CONTROLS = etree.XPath("//button | //a[not(@href) or starts-with(@href, '#') or "
                        "starts-with(@href, 'javascript:') or starts-with(@href, ' ')]")
# Class names a stylesheet hides a block by (Bootstrap's d-none, "hidden", "collapse")
_HIDING_CLASSES = frozenset(("hidden", "hide", "d-none", "is-hidden", "js-hidden", "collapse",
                             "collapsed", "invisible"))
# What a hidden block a click shows is when it is no article's rest
_NO_TEXT_NAMES = re.compile(r"paywall|subscri|offer|promo|login|sign-?in|regist|modal|popup|"
                            r"dialog|cookie|consent|banner|advert|(?:^|[\s_-])ads?(?:$|[\s_-])", re.I)


def _expands(control: etree._Element) -> bool:
    """Whether a control says it shows the rest of the text."""
    text = control.text_content()
    return len(text) <= EXPANDER_MAX_CHARS and _EXPANDER.fullmatch(text) is not None


def _no_text_block(el: etree._Element) -> bool:
    """Whether a hidden block is an offer, a form or a dialog, not the article's rest."""
    return any(node.tag in ("form", "input", "iframe") or node.get("role") == "dialog"
               or _NO_TEXT_NAMES.search(_names(node)) for node in el.iter(etree.Element))


def _mark_empty_lines(root: etree._Element) -> None:
    """Mark where the page leaves an empty line (``<br><br>``): a CMS whose editor separates
    paragraphs so (DataLife Engine, Tilda, uCoz) gave one run-on paragraph. trafilatura
    keeps the mark, a character in the text, where it makes one ``<lb/>`` of two inside a
    ``<p>``. A single line break stays inside its paragraph (a verse, an address), but not
    one right after a block (``</div><br>text``: the text starts a line of its own below the
    block, and the break leaves that line empty; DLE's quote box and the source line after it)."""
    for br in root.iter("br"):
        after = br.getnext()
        if after is not None and after.tag == "br" and not (br.tail or "").strip():
            after.tail = _PARAGRAPH_BREAK + (after.tail or "")
        elif (br.tail or "").strip() and _after_block(br):
            br.tail = _PARAGRAPH_BREAK + br.tail


def _unanchor_code(root: etree._Element) -> None:
    """Take the empty anchors out of preformatted code (their tails stay): MkDocs Material and
    other highlighters mark each line of a code block with one (``<a id="__codelineno-0-1"
    href="#__codelineno-0-1"></a>``), and trafilatura drops a code block holding them in a
    list item (a numbered step's command), the whole command lost."""
    for pre in root.iter("pre"):
        for a in [a for a in pre.iter("a") if not len(a) and not (a.text or "").strip()]:
            _drop(a)


def _sections_as_divs(root: etree._Element) -> None:
    """Retag as ``div`` each ``section`` that opens on text of its own: under a block whose
    class trafilatura takes for the post's (``post-text``, Tilda's ``js-feed-post-text``), it
    drops the text a ``section`` holds before its first child, and an editor that parts
    paragraphs with ``<br><br>`` (Tilda's ``section.t-redactor__text``) lost the first one."""
    for section in root.iter("section"):
        if (section.text or "").strip():
            section.tag = "div"


# Blocks after which a ``<br>`` leaves an empty line.
_LINE_BLOCKS = frozenset(("div", "p", "blockquote", "ul", "ol", "dl", "table", "pre", "section",
                          "article", "figure", "h1", "h2", "h3", "h4", "h5", "h6"))


def _after_block(br: etree._Element) -> bool:
    """Whether ``br`` follows a closed block with no text between (comments passed over)."""
    prev = br.getprevious()
    while prev is not None and not (prev.tail or "").strip():
        if isinstance(prev.tag, str):
            return prev.tag in _LINE_BLOCKS
        prev = prev.getprevious()
    return False


def _broken_paragraphs(el: etree._Element) -> list[str]:
    """An output element's text as one paragraph, which every step judges (judged in parts,
    they lost the prose evidence the whole gave: l3s-gn1 dev recall −0.002), its parts kept
    aside for the output (:func:`_output_form`): split at the page's empty lines
    (:func:`_mark_empty_lines`), at blocks nested in it, and at its single line breaks where
    its lines are paragraphs (:func:`_lines_apart`)."""
    for inner in el.iterdescendants(*_NESTED_BLOCKS):
        inner.text = _PARAGRAPH_BREAK + (inner.text or "")
        inner.tail = _PARAGRAPH_BREAK + (inner.tail or "")
    for inner in el.iterdescendants("lb"):
        inner.tail = _LINE_BREAK + (inner.tail or "")
    text = _flat_text(el)
    if _PARAGRAPH_BREAK not in text and _LINE_BREAK not in text:
        return [text]
    parts = [part for block in text.split(_PARAGRAPH_BREAK) for part in _lines_apart(block)]
    whole = " ".join(parts)
    if len(parts) > 1 and (broken := _BROKEN.get()) is not None:
        broken[whole] = parts
    return [whole]


_LINE_BREAK = "\ue001"  # where a single <br> broke a paragraph (a private-use character too)
_CONTINUED = ",;-–—("  # a line closing with one of these goes on in the next


def _lines_apart(block: str) -> list[str]:
    """A block of text with single line breaks (``<br>``, no empty line): its lines as
    paragraphs of their own when they are: at least two lines, half of them or more, close
    a sentence (an old CMS parts its paragraphs so; a line that opens in lower case, or
    follows one that goes on, stays joined), or its first line is a label alone over the
    lines after it ("Читайте также:", "Реклама": ``boilerplate.without_labelled_blocks``
    weighs them line by line). Else one paragraph: a verse, an address, a text the template
    wraps, a footer's lines that go as one (a copyright line over a reprint notice)."""
    lines = [line for line in (_norm(t) for t in block.split(_LINE_BREAK)) if line]
    whole = " ".join(lines)
    if len(lines) < 2 or len(whole) <= MAX_LINE_CHARS and is_boilerplate_line(whole):
        return [whole] if whole else []  # (a long block after a credit's "©" is split)
    if is_block_label(lines[0]):
        return lines
    sentences = sum(map(closes_sentence, lines))
    if sentences < 2 or 2 * sentences < len(lines):
        return [whole]
    out = [lines[0]]
    for line in lines[1:]:
        if line[:1].islower() or out[-1][-1] in _CONTINUED:
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def _output_form(paragraphs: list[str]) -> list[str]:
    """The kept paragraphs, each the page broke given as its parts (lines read from the
    region itself carry the empty-line mark: split there too)."""
    broken = _BROKEN.get() or {}
    out = []
    for paragraph in paragraphs:
        parts = broken.get(paragraph) or paragraph.split(_PARAGRAPH_BREAK)
        out.extend(part for part in (_norm(p) for p in parts) if part)
    return out


def _element_paragraphs(child: etree._Element) -> list[str]:
    """Paragraphs of one top-level element of trafilatura's output tree."""
    tag = child.tag
    if tag == "graphic":
        return []
    if tag == "list":
        texts = [_flat_text(item) for item in child.iter("item")]
        _note_terms(child)
        if child.get("rend") == "ol" and (steps := _STEPS.get()) is not None:
            steps.update(texts)
    elif tag == "table":
        return _table_paragraphs(child)
    else:
        texts = _broken_paragraphs(child)
    return [t for t in texts if t]


# What a cell of trafilatura's output holds when the table is a page's layout, not data.
_CELL_BLOCKS = frozenset(("p", "head", "list", "quote", "table"))


def _table_paragraphs(table: etree._Element) -> list[str]:
    """A data table's rows are a line each; a row whose cells hold paragraphs is a layout's
    (old sites set the page in a table: headline, date line, paragraphs, a side column in
    one row), and its blocks are paragraphs of their own, not one run-on line. The lines of
    a grid (GRID_MIN_ROWS rows of two cells or more with text) go to ``_GRID_ROWS``; so do
    the cells of GRID_MIN_ROWS rows whose every cell holds one paragraph at most (a table
    written in Word or Sphinx sets each cell's value in a ``<p>``: its times and dates are
    data too)."""
    out: list[str] = []
    grid: list[str] = []
    celled: list[list[str]] = []  # the cells of rows of one paragraph a cell
    for row in table.iterchildren("row"):
        cells = sum(bool(_flat_text(cell)) for cell in row)
        if any(block.tag in _CELL_BLOCKS for cell in row for block in cell):
            texts = [t for cell in row for t in _mixed_paragraphs(cell) if t]
            out.extend(texts)
            if cells >= 2 and all(sum(b.tag in _CELL_BLOCKS for b in cell) <= 1 for cell in row):
                celled.append(texts)
        else:
            out.append(line := _flat_text(row))
            if cells >= 2:
                grid.append(line)
    if len(celled) >= GRID_MIN_ROWS:
        grid.extend(t for texts in celled for t in texts)
    if len(grid) >= GRID_MIN_ROWS and (rows := _GRID_ROWS.get()) is not None:
        rows.update(grid)
    return [t for t in out if t]


def _note_terms(listing: etree._Element) -> None:
    """The terms of a definition list (``dt`` items trafilatura marks ``rend="dt-N"``) that a
    description follows go to ``_GRID_ROWS``: a timeline's "13 August 1961" names the event
    described under it, no stamp."""
    if (rows := _GRID_ROWS.get()) is None:
        return
    items = list(listing.iterchildren("item"))
    for term, described in itertools.pairwise(items):
        if (term.get("rend") or "").startswith("dt") and (described.get("rend") or "").startswith("dd"):
            rows.add(_flat_text(term))


# A data table of this many rows of two cells or more is a grid: a row of dates or years in it
# ("Показатель 2025 2026", a timetable's "05.01.2026 10:00") is data, no stamp
GRID_MIN_ROWS = 2
_GRID_ROWS: ContextVar[set[str] | None] = ContextVar("grid_rows", default=None)


def _mixed_paragraphs(cell: etree._Element) -> list[str]:
    """Paragraphs of a cell that mixes loose text and inline elements with blocks: each
    block is one (a table in it by the same rule), the inline runs between them another."""
    out: list[str] = []
    run = [cell.text or ""]
    for child in cell:
        if child.tag in _CELL_BLOCKS:
            out.append(_norm("".join(run)))
            out.extend(_element_paragraphs(child))
            run = []
        else:
            run.append(_flat_text(child))
        run.append(child.tail or "")
    out.append(_norm("".join(run)))
    return out


def _body_paragraphs(body: etree._Element) -> list[str]:
    """Flatten trafilatura's output tree into paragraphs in reading order.

    trafilatura sometimes leaves loose text as the tail of a heading, so
    tails are paragraphs of their own.
    """
    out: list[str] = []
    if body.text and body.text.strip():
        out.append(_norm(body.text))
    for child in body:
        out.extend(_element_paragraphs(child))
        if child.tail and child.tail.strip():
            out.append(_norm(child.tail))
    return out


# A paragraph made only of a date/time stamp, or a "Comments: 3" style counter.
# what may stand beside a printed date: a label or weekday ("Пятница, ", "Updated: ") before,
# a year word ("г.", "года", "р.") after
_DATE_LABEL = re.compile(r"\s*(?:[^\W\d_]+\s*[,:]\s*)?")
# (whole words: as letters "г" and "р" were taken out of any word, "Uhr" out of "Uhrmacher")
_YEAR_WORD = re.compile(r"\s*(?:(?<![^\W\d_])(?:(?:г|р)\.?|года|гада|року|Uhr)(?![^\W\d_]))?"
                        r"\s*[.,]?\s*")
# (a German time keeps its "Uhr": "30.11.2026, 14:05 Uhr", "14:05 Uhr, 30.11.2026" are stamps
# as "30.11.2026, 14:05" is)
_UHR_WORD = r"Uhr(?![^\W\d_])"
_STAMP = re.compile(r"^(?:[^\W\d]+\s*[,·•]?\s*)?(?:[\d.:/\s-]|" + _UHR_WORD + r")*\d(?:[\d.:/\s,|-]|"
                    + _UHR_WORD + r")*$")
_COUNTER = re.compile(r"^[^\W\d]+(?:\s[^\W\d]+)?\s*:\s*\d+$")
# a match minute as a live ticker stamps its entries ("45'", "90+3'", "78′")
_MINUTE = re.compile(r"\d{1,3}(?:\s?\+\s?\d{1,2})?\s?['’′]")
_EDGE_MARKS = " |·•"  # a separator a template leaves before or after a stamp ("| Дата: …")
# one "Label: value" field of an article's details line
_FIELD = re.compile(r"[^\W\d_]+(?:\s[^\W\d_]+)?\s*:\s*[^|:]{1,40}")


# A machine date and time, as a ``<time>`` element or a feed prints it
# ("2026-01-04T10:00:00+03:00")
_ISO_LINE = re.compile(r"\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?"
                       r"(?:Z|[+-]\d\d:?\d\d)?)?")

# A date as Chinese, Japanese and Korean pages print it ("2012年03月05日 08:30", "2025年6月12日
# 5時00分", "2025년 6월 12일 오전 9:30"), with the details a Chinese story's head line gives
# beside it ("来源：新华网　作者：张三　字号：大 中 小"): no sentence
_CJK_DATE = (r"\d{4}\s*[年년]\s*\d{1,2}\s*[月월]\s*\d{1,2}\s*[日일]"
             r"(?:\s*[(（]?[^\d\s()（）]{1,3}[)）]?)?"  # a weekday, 오전/오후
             r"(?:\s*\d{1,2}\s*[:：時时시]\s*\d{2}(?:\s*[分분])?(?:\s*[:：]\s*\d{2})?)?")
_CJK_FIELD = (r"(?:(?:来源|來源|出处|作者|记者|記者|编辑|編輯|责任编辑|責任編輯|责编|字号|字號|浏览|"
              r"瀏覽|点击|點擊|阅读|閱讀|发布时间|發佈時間|时间|時間)\s*[:：]\s*[^\s:：]{0,24}"
              r"(?:\s[大中小](?=\s|$))*"
              r"|(?:作者|记者|記者|编辑|編輯)\s+[^\W\d_]{2,4}(?:\s+[^\W\d_]{2,4})?(?!\S))")  # "记者 王宏"
_CJK_DETAILS = re.compile(rf"(?:{_CJK_FIELD}[\s|]*)*{_CJK_DATE}(?:[\s|]*{_CJK_FIELD})*")


def is_meta_line(text: str) -> bool:
    """Dates, times and counters between teasers or under headlines are not body, nor a
    details line of such fields ("Категория: Общество | Просмотров: 57 | Добавил: admin",
    "2012年03月05日 08:30　来源：新华网")."""
    text = text.strip(_EDGE_MARKS)
    return len(text) < 40 and bool(_STAMP.match(text) or _COUNTER.match(text)
                                   or _ISO_LINE.fullmatch(text) or _worded_date_line(text)
                                   or _MINUTE.fullmatch(text)) or _details_line(text) or (
        len(text) < DETAILS_MAX_CHARS and (text[:1].isdigit() or "：" in text)
        and _CJK_DETAILS.fullmatch(text) is not None)


def _details_line(text: str) -> bool:
    """Fields of an article's details, separated by "|", a counter or a date among them."""
    if len(text) > 200 or "|" not in text:
        return False
    fields = [field.strip() for field in text.split("|")]
    return len(fields) >= 2 and all(_FIELD.fullmatch(f) for f in fields) and any(
        _COUNTER.match(f) or len(f) < 40 and _STAMP.match(f) for f in fields)


# A CMS's details line under or above a headline ("05.01.2026 14:20 | Просмотров: 312",
# "Категория: Новости | Добавил: admin | Дата: 05.01.2026 | Комментарии (0)", "5 часов
# назад", "05.01.2026 👁 312"): dates and times, counters, a few labelled fields and the
# separators between them, no sentence. Not body where it opens or ends the body.
DETAILS_MAX_CHARS = 150
COMMENTS_LABEL_MAX_CHARS = 40  # a comments label ("Показать все 12 комментариев") is short
# how a details line separates its parts: "|", "•", "·", and "/", "—", "–" between spaces
_DETAILS_SEP = re.compile(r"\s*[|•·]\s*|\s+[/—–-]\s+")
_COUNTER_WORD = (r"(?:просмотр\w*|прагляд\w*|перегляд\w*|показ\w*|комментари\w*|"
                 r"каментар\w*|коментар\w*|views?|comments?|reads?)")
_COUNTER_ICON = r"[👁👀💬🗨✉❤♥]\ufe0f?"
# a counter's word or icon before or after its number ("Просмотров 312", "👁 312", "12 comments"):
# such a counter element stays in place
_LABEL_BEFORE = re.compile(rf"(?:{_COUNTER_WORD}|{_COUNTER_ICON})$", re.IGNORECASE)
_LABEL_AFTER = re.compile(_COUNTER_WORD, re.IGNORECASE)
# a reading time: "8 min read", "Lesezeit: 2 Min.", "Время чтения: 3 минуты", "Reading Time: 8 minutes"
_MINUTES = r"\d{1,3}\s*(?:min|mins|minutes?|minuti|minutos|minuten|мин|минут\w*|хв|хвилин\w*)\.?"
_READING = (r"(?:reading time|read time|lesezeit|temps de lecture|tiempo de lectura|"
            r"tempo di lettura|leestijd|czas czytania|время чтения|час читання|час чытання)")
_READING_TIME = (rf"{_MINUTES}\s*(?:read|reading|de lecture|de lectura|di lettura|lesezeit|"
                 rf"czytania|чтения|читання|чытання)|{_READING}\s*:?\s*(?:~\s*)?{_MINUTES}")
# a counter with its word or icon: "Просмотров: 312", "312 просмотров", "👁 312", "Комментарии (0)"
_DETAILS_COUNTER = re.compile(
    r"(?<![^\W\d_])" + _COUNTER_WORD + r"\s*[:(]?\s*\d[\d\s]*\)?|"
    r"(?<![\d.])\d[\d\s]*\s*" + _COUNTER_WORD + "|"
    + _COUNTER_ICON + r"\s*\d[\d\s]*|\d+\s*" + _COUNTER_ICON + "|"
    + rf"(?<![^\W\d_]){_READING_TIME}(?![^\W\d_])", re.IGNORECASE)
# a time alone ("14:20", also glued to a count a stylesheet kept apart: "14:20312 просмотров")
# (and as French and Portuguese pages print it: "11h32")
_CLOCK = re.compile(r"(?<![\d:])\d{1,2}:\d{2}|(?<![\w:])\d{1,2}h\d{2}\b")
# who wrote it, beside a date in one part of a details line ("12.03.2012, 08:15 Tomasz Nowak",
# "14/05/2008 Του Γιώργου Παπαδόπουλου"): a byline word and one to four capitalised words,
# or two to four of them ("14:00 Uhr Pressekonferenz" is a schedule's line)
_UHR = re.compile(r"^\W*Uhr\b")  # what a German time leaves ("18:22 Uhr")
_CAPITALISED = r"[A-ZÀ-ÖØ-ÞĀ-ŽΑ-ΩΆ-ΏА-ЯЁІЇЄЎҐ][\w'’.-]*"
_BYLINE_WORD = r"(?i:by|von|par|por|przez|door|di|του|της|от|автор\w*\s*:?|аўтар:?|від|author\s*:)"
_ROLE = rf"(?:,\s*{_CAPITALISED}(?:\s+{_CAPITALISED}){{0,2}})?"  # ", Staff Writer"
_NAMES = rf"{_CAPITALISED}(?:\s+{_CAPITALISED}){{0,3}}"
_DATED_NAME = re.compile(
    rf"{_BYLINE_WORD}\s+{_NAMES}{_ROLE}|{_CAPITALISED}(?:\s+{_CAPITALISED}){{1,3}}")
# a byline alone on its line ("Por Lucía Martín", "Автор: Иван Петров", "By Mark Ellison,
# Staff Writer"): no body where it opens or ends the text (dragnet's and cleaneval's gold keep
# it, the other collections' do not: 24 dev pages up, 5 down)
_BYLINE_LINE = re.compile(rf"\s*{_BYLINE_WORD}\s+(?P<name>{_NAMES}){_ROLE}\s*")
# the label of an article's comments, alone on its line ("Комментарии", "Comments (3)",
# "Добавить комментарий", "Leave a comment:"): a toggle or the thread's heading, no body where
# it opens or ends the text (21 such edge lines on dev, none in a gold; between paragraphs
# some golds keep it, as the heading of a thread they keep)
_COMMENTS_LABEL = re.compile(
    r"\W*(?:(?:leave|add|post|write|view|show|read|see|hide)(?: all)? (?:a |your |the )?(?:\d+ )?"
    r"comments?|(?:оставить|добавить|написать|показать|читать|все) (?:\d+ )?комментари\w*"
    r"|(?:\d+\s+)?(?:комментари[иея]в?|коментар[іів]*|каментар[ыаў]*|comments?|kommentare?"
    r"|commentaires?|comentarios?|commenti|komentarze?|reacties|обсуждение)"
    r"\s*(?:\(\d+\)|:?\s*\d+)?)\W*", re.IGNORECASE)
# a word of a date line's part, looked up as a weekday ("Mardi 13 novembre 2007")
_PART_WORD = re.compile(r"[^\W\d_][\w'’-]*")
# labels of a date: "Дата:", "Опубликовано:", "Обновлено:", "Апублікавана:", "Оновлено:"…,
# and German's, whole words: "Stand:" (as of), "Veröffentlicht am", "Aktualisiert am" (a
# "Stand: 30.11.2026, 14:05 Uhr" line was body)
_DATE_FIELD = re.compile(
    r"(?:дата(?:\s+публикации|\s+публікацыі|\s+публікації)?|опубликован\w*|обновлен\w*|"
    r"изменен\w*|добавлен\w*|создан\w*|апублікаван\w*|абноўлен\w*|зменен\w*|"
    r"опублікован\w*|оновлен\w*|змінен\w*|published|updated|posted|date|"
    r"(?<![^\W\d_])(?:stand|datum|(?:zuletzt\s+)?(?:veröffentlicht|aktualisiert|erstellt|"
    r"geändert)(?:\s+am)?)(?![^\W\d_]))\s*:?\s*", re.IGNORECASE)
# labels of a name: author, who added it, its category or rubric, its source
_NAME_FIELD = re.compile(
    r"(?:автор\w*|добавил\w*|разместил\w*|категори\w*|рубрик\w*|раздел|источник|фото|"
    r"аўтар\w*|дадаў|дадала|катэгоры\w*|рубрык\w*|раздзел|крыніца|"
    r"додав|додала|категорі\w*|розділ|джерело|"
    r"author|by|category|section|source)\s*:\s*(?P<value>.*)", re.IGNORECASE)
_FIELD_VALUE = re.compile(r"[^.!?:;]{1,40}")
# a bare rubric beside a date ("Новости района / 05.01.2026"): a few capitalised words
_RUBRIC = re.compile(r"[^\W\d_][^\W\d_-]*(?:[\s-][^\W\d_]+){0,3}")
_LEFTOVER = re.compile(r"[\s,.;:()|/•·—–-]*")
# a far future as "now": every "Сегодня, 10:00" and "2 часа назад" counts as a date here
_ANY_NOW = datetime(9000, 1, 1, 23, 59)


def _details_part(part: str) -> str | None:
    """What one part of a details line is: "date", "counter", "field", "name" (a bare
    rubric, which counts only beside a date), or None when it is no detail."""
    part = part.strip(" ,;")
    if not part:
        return "empty"
    if (field := _NAME_FIELD.fullmatch(part)) is not None:
        return "field" if _FIELD_VALUE.fullmatch(field["value"].strip()) else None
    if _BYLINE_LINE.fullmatch(part):
        return "field"
    rest, kind = part, None
    for start, end, _moment, _words in reversed(list(human_dates(rest, _ANY_NOW))):
        rest, kind = rest[:start] + " " + rest[end:], "date"
    if _CLOCK.search(rest):
        rest, kind = _CLOCK.sub(" ", rest), "date"
    if kind:
        rest = _PART_WORD.sub(lambda word: " " if is_weekday(word[0]) else word[0],
                              _DATE_FIELD.sub(" ", rest))
    if _DETAILS_COUNTER.search(rest):
        rest, kind = _DETAILS_COUNTER.sub(" ", rest), kind or "counter"
    if kind:
        return kind if _LEFTOVER.fullmatch(_YEAR_WORD.sub(" ", rest)) or (
            kind == "date" and _DATED_NAME.fullmatch(_UHR.sub("", rest).strip(" ,.;:()|/•·—–-"))
        ) else None
    return "name" if _RUBRIC.fullmatch(part) else None


def is_details_line(text: str) -> bool:
    """A details line: short, made only of dates and times, counters ("Просмотров: 312",
    "👁 312"), author, category and source fields and separators, with a date or a counter
    among them. "05.01.2026 в Шклове прошёл турнир" is a sentence, not details."""
    text = text.strip()
    if not text or len(text) >= DETAILS_MAX_CHARS:
        return False
    kinds = [_details_part(part) for part in _DETAILS_SEP.split(text)]
    if None in kinds or not {"date", "counter"} & set(kinds):
        return False
    return "name" not in kinds or ("date" in kinds and kinds.count("name") == 1)


HEAD_DETAILS_MAX_AT = 2  # a details line this far down the head (under a standfirst or caption)
HEAD_PROSE_CHARS = 80  # a paragraph this long that closes a sentence ends the head


def without_head_details(lines: list[str]) -> list[str]:
    """``lines`` without a details line (:func:`is_details_line`) among the first few, above
    the first paragraph of prose: a byline and date row set under the standfirst ("Динара
    НАЖИПОВА — 27.11.2011 11:18"), where :func:`without_details`, which peels the edges
    only, does not reach it. Below the first paragraph of prose such a line is the body's, and
    so is one a line ending in a colon introduces ("Расписание приёма:") or a time alone (a
    list's "14:05")."""
    for at, line in enumerate(lines[:HEAD_DETAILS_MAX_AT + 1]):
        if len(line) >= HEAD_PROSE_CHARS and closes_sentence(line):
            break
        if at and is_details_line(line) and not lines[at - 1].rstrip().endswith(":") \
                and not _BARE_TIME.fullmatch(line):
            return lines[:at] + lines[at + 1:]
    return lines


_BARE_TIME = re.compile(r"\W*\d{1,2}[:.]\d{2}\W*")


def without_details(lines: list[str], *, bylines: bool = True) -> list[str]:
    """``lines`` without the details lines (:func:`is_details_line`: a date, views, comments,
    author, rubric), the comments labels and, with ``bylines``, the bylines alone on their line
    that open or end them: a CMS prints them under or above the headline, or below the text,
    in a block no class marks as meta."""
    start, end = details_edges(lines, bylines=bylines)
    return lines[start:end]


def details_edges(lines: list[str], *, bylines: bool = True) -> tuple[int, int]:
    """Where the lines :func:`without_details` keeps start and end (a slice's bounds)."""
    def details(line: str) -> bool:
        return (is_details_line(line) or len(line) < COMMENTS_LABEL_MAX_CHARS
                and _COMMENTS_LABEL.fullmatch(line) is not None
                or bylines and _BYLINE_LINE.fullmatch(line) is not None)

    start, end = 0, len(lines)
    while start < end and details(lines[start]):
        start += 1
    while end > start and details(lines[end - 1]):
        end -= 1
    return start, end


def byline_author(line: str) -> str | None:
    """The name a byline alone on its line gives ("Por Lucía Martín" → "Lucía Martín")."""
    match = _BYLINE_LINE.fullmatch(line)
    return match["name"] if match else None


def _worded_date_line(text: str) -> bool:
    """A date with its month in words, alone but for a label or weekday before it and a year
    word after it: "25 ноября 2011 г.", "Пятница, 12 марта 2026, 14:05", "Nov 25, 2011" (a
    month word breaks _STAMP). "Умер 3 мая 2020" in a timeline is a sentence, not a stamp."""
    return any(in_words and (_DATE_LABEL.fullmatch(label := text[:start])
                             or is_weekday(label.strip(" ,.")))
               and _YEAR_WORD.fullmatch(text[end:])
               for start, end, _moment, in_words in human_dates(text))


def _trafilatura(tree: lxml.html.HtmlElement, url: str, **options: bool) -> list[str]:
    """Run trafilatura on an already parsed tree and return its paragraphs.

    Only the output tree (``doc.body``) is read: the "python" format would also render it as
    text (``xmltotxt``, ~3 % of this extractor's time) for nothing; "txt" gives the same tree.
    """
    doc = bare_extraction(tree, url=url or None, include_comments=False, include_tables=True,
                          output_format="txt", **options)
    if doc is None and _strip_controls(tree):
        doc = bare_extraction(tree, url=url or None, include_comments=False,
                              include_tables=True, output_format="txt", **options)
    if doc is None or doc.body is None:
        return []
    token = _GRID_ROWS.set(grid := set())
    try:
        paragraphs = _body_paragraphs(doc.body)
    finally:
        _GRID_ROWS.reset(token)
    if len(paragraphs) == 1 and (article := _flattened_article(tree, paragraphs[0])) is not None:
        paragraphs = _region_paragraphs([deepcopy(article)])
    if "meta_lines" not in ENABLED_STEPS:
        return paragraphs
    last = len(paragraphs) - 1
    return [p for i, p in enumerate(paragraphs)
            if not is_meta_line(p) or p in grid or 0 < i < last and _data_value(p)]


def _flattened_article(tree: etree._Element, paragraph: str) -> etree._Element | None:
    """The ``<article>`` whose whole text trafilatura gave as its one paragraph: its rescue
    for a short page (under ~250 characters of text found) reads an article element as one
    block, so a brief's headline, date line and paragraphs ran together ("Court closed on
    Friday 26 Nov The district court…") and a photo gallery's captions read as one long
    paragraph of prose. None when no article's text is that paragraph."""
    key = _tokens(paragraph)
    return next((article for article in itertools.islice(tree.iter("article"), FLATTENED_MAX)
                 if _tokens(article.text_content()) == key), None)


FLATTENED_MAX = 20  # <article> elements compared (each read whole: nested ones, a bounded cost)


# One value of a table or a spec list, with or without one label word set apart by a space or
# a colon ("15,000", "4.6/5", "Sound 8.5", "Price: 49,95"): one number, no date or time shape
# (thousands commas, one decimal point or comma, a rating's "/5"), no year.
_DATA_VALUE = re.compile(r"(?:(?P<label>[^\W\d_]+)(?:\s*:\s*|\s+))?(?:\d{1,3}(?:,\d{3})+|\d+)"
                         r"(?:[.,]\d+)?(?:/(?:5|10|100))?")
_YEAR = re.compile(r"(?<![\d.,])(?:1[89]|20)\d\d(?![\d.,])")


def _data_value(text: str) -> bool:
    """``meta_lines``: a line ``is_meta_line`` takes for a stamp that is one value of the body's
    tables or spec lists, not a date, a time or a counter ("Comments: 3"). Only between two
    paragraphs of trafilatura's text (the caller's check): a stamp sits above or below the
    body, a value inside it."""
    text = text.strip(_EDGE_MARKS)
    value = _DATA_VALUE.fullmatch(text)
    return (value is not None and _YEAR.search(text) is None
            and (not value["label"] or month_number(value["label"]) is None)  # "Jun 9"
            and (value["label"] or not text.isdigit())  # a bare "2": a step's or a list's number
            and not _COUNTER.match(text) and not _worded_date_line(text)
            and not _details_line(text))


def _strip_controls(tree: etree._Element) -> bool:
    """Drop C0 control characters from the tree's texts and attribute values (in place; the
    tree is our copy); whether there were any.

    One left in a parsed tree (a BEL pasted into a source note) makes trafilatura find nothing
    on the whole page: lxml refuses to store such a text again. ``trafilatura.extract`` on a
    page string, and the crawl's ``parse_html``, drop them before parsing; here that is done
    only after trafilatura found nothing (scanning every page string first costs ~1.4 % of
    the extractor's time).
    """
    found = False
    for el in tree.iter():
        for name in ("text", "tail"):
            value = getattr(el, name)
            if value and CONTROLS.search(value):
                setattr(el, name, without_controls(value))
                found = True
        for key, value in el.attrib.items():
            if CONTROLS.search(value):
                el.set(key, without_controls(value))
                found = True
    return found


_BREAKS = frozenset(("p", "div", "li", "br", "blockquote", "pre", "tr", "h1", "h2", "h3", "h4",
                     "h5", "h6", "section", "article", "table", "ul", "ol", "dd", "dt",
                     # blocks whose lines are no running text (_GAP_SKIP_TAGS) own their lines:
                     # a caption set straight in its figcaption was the article block's line
                     "figure", "figcaption", "aside", "nav", "footer", "form", "fieldset"))


def _region_paragraphs(region: list[etree._Element]) -> list[str]:
    """Plain paragraphs of the region, for pages where trafilatura finds nothing.

    Block starts and ends and <br> become line breaks (the region belongs to our copy, so
    marking texts and tails is allowed): a date in a ``time`` before the body's ``div`` is a
    line of its own, not the start of the first paragraph.
    """
    out: list[str] = []
    for top in region:
        for el in top.iter(*_BREAKS):
            if el.tag != "br":
                el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
        lines = (_norm(line) for line in top.text_content().replace(_PARAGRAPH_BREAK, "").split("\n"))
        out.extend(line for line in lines if line and not is_meta_line(line))
    return out


# trafilatura's justext rescue is quadratic-ish in nesting depth (a 10,000-level page takes
# seconds to tens of seconds); no real article needs more than a few dozen levels.
MAX_GENERIC_DEPTH = 512


# Headlines shorter than this (word characters) are too generic to prove a duplicate.
MIN_HEADLINE_KEY = 8
# An anchored region starts at most this many levels below its meeting point with the headline.
HEADLINE_REACH = 4
# ...and must still hold real prose to be trusted over trafilatura.
ANCHOR_MIN_CHARS = 200
ANCHOR_FRAC = 0.05


def _title_keys(tree: etree._Element) -> set[str]:
    """Word-character keys of the titles the page declares (og/twitter title, <title>)."""
    texts = tree.xpath('//meta[@property="og:title" or @name="twitter:title"]/@content')
    texts += [t.text_content() for t in tree.iter("title")]
    keys = (_tokens(text) for text in texts)
    return {key for key in keys if len(key) >= MIN_HEADLINE_KEY}


def _names_headline(key: str, keys: set[str]) -> bool:
    """Whether a text key is one of the headline keys, or (if not short) inside one.

    A <title> usually adds the site name, so containment counts too.
    """
    return bool(key) and any(key == k or (len(key) >= 2 * MIN_HEADLINE_KEY and key in k)
                             for k in keys)


def _headline_element(tree: etree._Element) -> etree._Element | None:
    """The first h1/h2 whose text the page's declared title confirms, if any."""
    keys = _title_keys(tree)
    if not keys:
        return None
    for heading in tree.iter("h1", "h2"):
        key = _tokens(heading.text_content())
        if len(key) >= MIN_HEADLINE_KEY and _names_headline(key, keys):
            return heading
    return None


def _after_headline(tree: etree._Element, region: list[etree._Element]) -> bool:
    """``headline_anchor``: whether the region holds the headline or follows it closely.

    Close means: the region's block and the headline meet at most HEADLINE_REACH levels above
    the block, and the block comes after the headline there.
    """
    head = _headline_element(tree)
    if head is None:
        return False
    path = {head: head}  # the headline's ancestors -> their child on the way down to it
    child = head
    for anc in head.iterancestors():
        path[anc], child = child, anc
    for top in region:
        if top in path:
            return True
        node = top
        for _ in range(HEADLINE_REACH):
            parent = node.getparent()
            if parent is None:
                break
            if parent in path:
                if parent is not head and parent.index(path[parent]) < parent.index(node):
                    return True
                break
            node = parent
    return False


# ``missed_region``: trafilatura's output holds at most this share of the region's text.
MISSED_MAX_SHARE = 0.1
MISSED_MIN_PARAGRAPHS = 5  # ...and what it kept instead is a list of items, not one text


def _missed_region(work: etree._Element, region: list[etree._Element], kept: list[str],
                   paragraphs: list[str], stats: dict) -> bool:
    """Whether trafilatura may have left out the article the region holds: the region under
    the page's headline is one of whose text trafilatura kept next to nothing, returning
    MISSED_MIN_PARAGRAPHS or more paragraphs of something else (its lines are the body when
    they hold prose: :func:`_missed_lines`).

    trafilatura drops a block for a word in its class name (an ad script's ``_reachbanner_``
    marker on the article's ``div``) and returns the teasers around it instead.
    """
    size = sum(stats.get(el, (0, 0))[0] for el in region)
    return (len(paragraphs) >= MISSED_MIN_PARAGRAPHS and bool(size)
            and sum(map(len, kept)) <= MISSED_MAX_SHARE * size and _after_headline(work, region))


def _missed_lines(region: list[etree._Element]) -> list[str] | None:
    """The region's paragraphs when one of them is prose (a line of LONGEST_PROSE characters)."""
    lines = _region_paragraphs(region)
    return lines if any(len(line) >= LONGEST_PROSE for line in lines) else None


def _region_all_the_same(work: etree._Element, region: list[etree._Element], kept: list[str],
                         paragraphs: list[str], keys: list[str], kept_keys: list[str],
                         stats: dict) -> list[str] | None:
    """The lines of a region that fails the 40 % rule when it is right all the same:
    trafilatura missed its article (``missed_region``) or ran its lines into paragraphs that
    reach beyond it (``glued_region``); else None.

    A region hidden (a closed dialog) or in a block named as no article (a comment, a
    sidebar: ``_class_weight``) is neither case; inside the region, what a reader is not shown
    as its text (:func:`_drop_unshown`, walked once for both) is left out.
    """
    missed = "missed_region" in ENABLED_STEPS and _missed_region(work, region, kept, paragraphs,
                                                                 stats)
    kept_set = set(kept_keys)
    glued_hay = " ".join(key for key in keys if key not in kept_set) \
        if "glued_region" in ENABLED_STEPS else ""
    if not (missed or glued_hay) or _named_out(region):
        return None
    _drop_unshown(region)
    own = _missed_lines(region) if missed else None
    if not own and glued_hay:
        own = _glued_region(region, keys, kept_keys, kept_set, glued_hay, work)
    return own


def _named_out(region: list[etree._Element]) -> bool:
    """Whether the region, or a block around it, is hidden or named as no article (a comment,
    a sidebar, a closed dialog): no exception to the 40 % rule takes such a region."""
    parent = region[0].getparent()  # the region is one block and its siblings
    outer = [] if parent is None else [parent, *parent.iterancestors()]
    return any(_unshown(el) or _class_weight(el) < 0 for el in (*region, *outer))


# Elements whose text is no article's: forms and their controls, page furniture, figures.
_UNSHOWN_TAGS = frozenset(("form", "button", "label", "select", "textarea", "fieldset", "nav",
                           "aside", "footer", "figure", "figcaption"))


def _unshown(el: etree._Element) -> bool:
    """Whether ``el`` itself is hidden (``hidden``, ``aria-hidden``, ``display: none``)."""
    return (el.get("hidden") is not None or el.get("aria-hidden") == "true"
            or bool(_HIDDEN_STYLE.search(el.get("style") or "")))


def _drop_unshown(region: list[etree._Element]) -> None:
    """Remove from the region (our copy) what is not its text: hidden blocks, blocks named
    as no article (a comment box) or as media (a gallery, a caption), forms and figures
    (tails kept). One walk; a removed block's descendants are not judged."""
    doomed: set[etree._Element] = set()
    order: list[etree._Element] = []
    for top in region:
        for el in top.iterdescendants(etree.Element):
            if el.getparent() in doomed:
                doomed.add(el)
            elif (el.tag in _UNSHOWN_TAGS or _unshown(el) or _class_weight(el) < 0
                  or _MEDIA.search(_names(el))):
                doomed.add(el)
                order.append(el)
    for el in order:
        remove_keeping_tail(el)


# ``_glued_region``: the region's text lies for at least this share in trafilatura paragraphs
# the region does not hold (they reach beyond it)...
GLUED_MIN_SHARE = 0.5
GLUED_MIN_LINES = 3  # ...the region has this many lines of it (one line there is a caption)...
# ...and those lines are between these shares of trafilatura's text: less, and the region is a
# fragment of the article; more, and what trafilatura ran into it is mostly a headline or a
# credit (dev: a bound of 0.7 or more cuts recall on l3s-gn1, wcxb and daniel-ru as well)
GLUED_SHARES = (REGION_MIN_SHARE, 0.6)
GLUED_RESIDUE_MAX = 12  # word characters besides the headline and links: no line of text
RESIDUE_MAX_LINKS = 300  # links whose text is taken out of the residue (a page of a short item)
GLUED_MAX_LINES = 400  # a region of more lines is not searched (hostile pages)
# a line is found inside a paragraph by its key (word characters, no spaces) only when the key
# is this long: "share" is inside "withashareof1percent"; a shorter line must be a paragraph
GLUED_MIN_KEY = 10


def _glued_region(region: list[etree._Element], keys: list[str], kept_keys: list[str],
                  kept: set[str], glued_hay: str, work: etree._Element) -> list[str] | None:
    """The region's lines that trafilatura kept, when trafilatura ran them into paragraphs
    that reach beyond the region; else None.

    trafilatura's fallback hands on a layout's table row or ``div`` whole, and it becomes
    one paragraph: headline, article, a readers' poll, a side cell. No region holds it, so
    the 40 % rule took the region for a wrong one (a comment thread, one box of a review) and
    kept all of it. A wrong region's text is not in trafilatura's, or it is in paragraphs the
    region holds; here it is inside paragraphs wider than the region, which is right: its
    lines are the part of them that is the article. ``keys`` are trafilatura's paragraphs
    (``_tokens``), ``kept_keys`` those the region holds (``kept``, as a set), ``glued_hay``
    the others joined.

    A region holding more than the upper share is right too when what trafilatura ran into it
    is the page's headline and links' text (a menu's items, "back to the list": ``work``'s),
    GLUED_RESIDUE_MAX word characters besides: its fallback handed on the whole page of a
    short news item, which the region is. A line of text outside it (a lead, a source line)
    keeps the whole as it was.
    """
    lines = [_norm(line) for top in region for line, _owner in _owned_lines(top)]
    if len(lines) > GLUED_MAX_LINES:
        return None
    kept_hay = " ".join(kept_keys)
    out: list[str] = []
    size = glued = taken = 0
    for line in lines:
        key = _tokens(line)
        size += len(key)
        found = len(key) >= GLUED_MIN_KEY
        if found and key in glued_hay:
            glued += len(key)
        elif not (key in kept or (found and key in kept_hay)):
            continue  # not in trafilatura's text
        out.append(line)
        taken += len(key)
    total = sum(map(len, keys))
    low, high = GLUED_SHARES
    if not (size and glued >= GLUED_MIN_SHARE * size and len(out) >= GLUED_MIN_LINES
            and low * total <= taken):
        return None
    if taken <= high * total or _residue(glued_hay, out, work) <= GLUED_RESIDUE_MAX:
        return out
    return None


def _residue(hay: str, lines: list[str], work: etree._Element) -> int:
    """Word characters of ``hay`` (keys joined) left once ``lines``, the longest headline key
    it holds and the text of each link of ``work`` (up to RESIDUE_MAX_LINKS) are taken out,
    each once."""
    for key in sorted(filter(None, map(_tokens, lines)), key=len, reverse=True):
        hay = hay.replace(key, " ", 1)
    held = [key for key in _headline_keys(work) if key in hay]
    if held:
        hay = hay.replace(max(held, key=len), " ", 1)
    links = {_tokens(a.text_content()) for a in itertools.islice(work.iter("a"),
                                                                 RESIDUE_MAX_LINKS)}
    for key in sorted(filter(None, links), key=len, reverse=True):
        hay = hay.replace(key, " ", 1)
    return len(hay) - hay.count(" ")


def _region_too_small(region: list[etree._Element], paragraphs: list[str], stats: dict) -> bool:
    """A region that holds next to no text against trafilatura's is no article container.

    A 28-character ``figure class="article-picture"`` inside the body's first paragraph
    outscores the body on its class name alone; its rescues then keep the paragraphs beside
    it and lose the one around it. (Read from ``stats``: no text is serialised again.)
    """
    size = sum(stats.get(el, (0, 0))[0] for el in region)
    return size < REGION_MIN_CHARS and size < REGION_MIN_SHARE * _visible_len(" ".join(paragraphs))


def _region_holds_enough(work: etree._Element, region: list[etree._Element], kept: list[str],
                         paragraphs: list[str]) -> bool:
    """A region that keeps under FRAC of trafilatura's text is probably wrong (a comment thread).

    Unless (``headline_anchor``) it holds or closely follows the page's own headline and still
    holds real prose: a short news item under a long feed of teasers.
    """
    size, total = sum(map(len, kept)), sum(map(len, paragraphs))
    if size >= FRAC * total:
        return True
    return ("headline_anchor" in ENABLED_STEPS and size >= max(ANCHOR_MIN_CHARS, ANCHOR_FRAC * total)
            and _after_headline(work, region))


# ``interior_gaps``: a line of the region that trafilatura left out, between two paragraphs we
# keep, is body when its own block shows it (few links, prose, no furniture or media name).
GAP_MAX_LINKS = 0.3
GAP_MIN_CHARS = 150  # a line this long is prose even without a sentence end
GAP_WINDOW = 2000  # characters past (and at most before) the last match where a line is looked for
GAP_MAX_SEARCHES = 200  # searches of the whole kept text a page may cost (hostile pages)
_GAP_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_GAP_SENTENCE_END = frozenset(SENTENCE_ENDS + "…:;\"'»”)」』）")
# Blocks whose lines are no running text: forms, page furniture, code, figures, tables.
_GAP_SKIP_TAGS = frozenset(("form", "button", "label", "select", "textarea", "fieldset", "nav",
                            "aside", "footer", "figure", "figcaption", "pre", "code", "svg",
                            "table", "tr", "td", "th"))
# Class or id words of captions, credits and media furniture (galleries, sliders, photo boxes).
_MEDIA = re.compile(r"(?:^|[\s_-])(?:wp-)?(?:caption|credits?|figure|gallery|slideshow|slider"
                    r"|carousel|lightbox|photos?|images?|swiper|slides?|rail)(?:$|[\s_-])", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Markup shown as text (an editor's escaped span) is no prose.
_MARKUP_TEXT = re.compile(r"<\w+[^>]*>|&(?:amp|lt|gt);")


def _owned_lines(top: etree._Element) -> list[tuple[str, etree._Element]]:
    """(line, its innermost block) of a subtree in document order; blocks and <br> end lines.

    The lines are raw text (whitespace as in the page): most are only matched by their words.
    Lines of whitespace alone (the layout between blocks: most lines of a page) are left out.
    """
    out: list[tuple[str, etree._Element]] = []
    buf: list[str] = []
    stack = [top]

    def flush() -> None:
        if buf:
            line = "".join(buf).replace(_PARAGRAPH_BREAK, "")  # (a <br> ends a line already)
            if line and not line.isspace():
                out.append((line, stack[-1]))
            buf.clear()

    for event, el in etree.iterwalk(top, events=("start", "end")):
        if not isinstance(el.tag, str):
            continue
        if event == "start":
            if el.tag in _BREAKS:
                flush()
                if el.tag != "br":
                    stack.append(el)
            if el.text:
                buf.append(el.text)
        else:
            if el.tag in _BREAKS and el.tag != "br":
                flush()
                stack.pop()
            if el is not top and el.tail:
                buf.append(el.tail)
    flush()
    return out


def _hidden(el: etree._Element) -> bool:
    """Whether `el` or an ancestor is hidden (a form's thank-you note, a collapsed widget)."""
    return any(map(_unshown, (el, *el.iterancestors())))


def _marked_path(owner: etree._Element, top: etree._Element) -> bool:
    """Whether a block on the way from `owner` up to `top` says it is no running text (a
    boilerplate word `top` carries too says nothing: see :func:`_named_unlike`)."""
    el: etree._Element | None = owner
    while el is not None:
        names = _names(el)
        if (el.tag in _GAP_SKIP_TAGS or (el is not top and _named_unlike(el, top))
                or (names and (_FURNITURE.search(names) or _MEDIA.search(names)))):
            return True
        if el is top:
            return False
        el = el.getparent()
    return False


# ``linked_sentences``: a paragraph removed as a link block (a sentence that is mostly one link)
# is body again when it sits between two kept paragraphs, ends a sentence and holds this much
# text outside its links ("Shop Katla." and "See the rating." do not), or, whatever its own
# text, is a sentence this many words long: a whole sentence written as one link ("Add your
# details here if you would like to be added to the list.") is still the writer's sentence.
LINKED_MIN_OWN = 15
LINKED_MIN_WORDS = 10
LINKED_MAX_BARE = 2  # ...and has no words beside its link ("READ MORE:" makes it a teaser)
_LINKED_END = frozenset(".!…")
_CLOSING = "\"'»”)"
LINKED = "data-linked-sentence"
# ...and an item of a removed link list is, when its link has words of the item's own beside it
# (a rate, a price, a rating, an author: "Why we LOVE StumbleUpon – 17.1%") and the item is
# no mere label. A related-stories list is links alone.
LINKED_ITEM = "data-linked-item"
ITEM_MIN_OWN = 3  # visible characters outside the item's links
ITEM_MIN_WORDS = 3


def _restore_linked(removed: list[tuple[etree._Element, etree._Element]],
                    blocks: list[etree._Element]) -> None:
    """Put the removed linked sentences and link lists whose place lies in the region's blocks
    back there (after trafilatura ran), marked (a list in every element, as its lines' blocks
    are its items or deeper), for ``_fill_gaps`` to weigh."""
    inside = set(blocks)
    for block, place in removed:
        parent = place.getparent()
        if parent is None or not any(a in inside for a in (parent, *parent.iterancestors())):
            continue
        block.tail = place.tail
        if block.tag == "p":
            block.set(LINKED, "1")
        else:
            for el in block.iter(etree.Element):
                el.set(LINKED_ITEM, "1")
        parent.replace(place, block)


def _linked_line_is_body(line: str, owner: etree._Element, top: etree._Element,
                         stats: dict) -> bool:
    """Evidence that a restored linked sentence or list item is body: a sentence with words of
    its own or of ``LINKED_MIN_WORDS`` (an item: words of its own beside its link), in no
    block marked as no running text, not hidden, no caption, no stamp or boilerplate line."""
    total, links = stats.get(owner, (0, 0))
    if owner.get(LINKED_ITEM) is not None:
        shaped = total - links >= ITEM_MIN_OWN and len(line.split()) >= ITEM_MIN_WORDS
    else:
        own = total - links
        shaped = ((own >= LINKED_MIN_OWN or (own <= LINKED_MAX_BARE
                                             and len(line.split()) >= LINKED_MIN_WORDS))
                  and line.rstrip(_CLOSING)[-1:] in _LINKED_END)
    return (shaped
            and not (_marked_path(owner, top) or _hidden(owner) or _MARKUP_TEXT.search(line)
                     or _holds_caption(owner) or is_meta_line(line) or is_boilerplate_line(line)))


def _holds_caption(owner: etree._Element) -> bool:
    """Whether a removed linked paragraph holds a picture: its sentence is the caption of a
    linked image (``img``, ``picture``, ``figure``), which the body leaves out."""
    return next(owner.iter("figure", "figcaption", "img", "picture"), None) is not None


def _gap_line_is_body(line: str, owner: etree._Element, top: etree._Element, stats: dict,
                      named: dict[etree._Element, frozenset[str]]) -> bool:
    """Evidence that a line trafilatura left out is body: prose (or a heading) in a quiet block.
    ``named``: each block's :func:`_named_inline_lines`, filled as blocks are met."""
    if owner.tag not in _GAP_HEADINGS and not (
            line[-1] in _GAP_SENTENCE_END or len(line) >= GAP_MIN_CHARS):
        return False
    total, links = stats.get(owner, (0, 0))
    if total and links > GAP_MAX_LINKS * total or _inside_link(owner, top):
        return False
    if _marked_path(owner, top) or _hidden(owner) or _MARKUP_TEXT.search(line):
        return False
    if is_meta_line(line) or is_boilerplate_line(line):
        return False
    if owner not in named:
        named[owner] = _named_inline_lines(owner)
    return line not in named[owner]


# ``_named_inline_lines``: tags of controls, whose text is no running text wherever it sits...
_CONTROL_TAGS = frozenset(("button", "label", "select", "textarea"))
NAMED_INLINE_MAX = 200  # ...and how many elements of a block are looked at


def _named_inline_lines(owner: etree._Element) -> frozenset[str]:
    """The lines (``_norm``) of the inline elements of a block (not inside a block of its own)
    that are named as media or furniture (``<span class="caption">`` in a photo widget's
    ``div``) or are controls (a ``button``, a ``label``): the block owns such a line, so the
    path above it does not show what it is. (Inline ``code`` is the prose's own.)

    Read once a block, at most NAMED_INLINE_MAX elements of it: each of its lines is then one
    set lookup (read again for each line, a block of many lines in one caption cost minutes).
    """
    out: set[str] = set()
    stack = list(reversed(owner))
    for _ in range(NAMED_INLINE_MAX):
        if not stack:
            break
        el = stack.pop()
        if not isinstance(el.tag, str) or el.tag in _BREAKS:
            continue  # a comment, or a block: its lines are its own
        names = _names(el)
        if el.tag in _CONTROL_TAGS or names and (_MEDIA.search(names) or _FURNITURE.search(names)):
            out.update(_norm(line) for line, _owner in _owned_lines(el))
        else:
            stack.extend(reversed(el))
    return frozenset(out)


def _inside_link(owner: etree._Element, top: etree._Element) -> bool:
    """Whether a line's block sits inside a link below ``top``: the line is all link text (a
    teaser's headline in an ``h3`` wrapped by its link), though the block's own counts, which
    only see links inside it, say it has none."""
    for anc in owner.iterancestors():
        if anc is top:
            return False
        if anc.tag == "a" and _is_link(anc):
            return True
    return False


def _in_document_order(root: etree._Element, blocks: list[etree._Element]) -> list[etree._Element]:
    """`blocks` (disjoint subtrees) sorted as the page holds them."""
    wanted = set(blocks)
    return [el for el in root.iter() if el in wanted]


def _fill_gaps(kept: list[str], keys: list[str], blocks: list[etree._Element], stats: dict
               ) -> list[str]:
    """``interior_gaps``: add the region lines trafilatura left out between two kept paragraphs.

    The region's lines are matched to the kept paragraphs in reading order (by word characters,
    as ``_in_region`` does); a line found in none of them that sits after one matched line and
    before another is a gap, and is added after the paragraph before it when its own block
    shows it is body (``_gap_line_is_body``). Lines around the kept text (above the first, below
    the last) stay out: there sit bylines, comments and forms. A linked sentence put back by
    ``_restore_linked`` (or an item of a restored link list) is weighed the same way, by
    ``_linked_line_is_body``.
    """
    starts, at = [], 0
    for key in keys:
        starts.append(at)
        at += len(key) + 1
    hay = " ".join(keys)
    root = blocks[0].getroottree().getroot()
    gaps: list[tuple[int, str]] = []  # (paragraph the line follows, line)
    last_match = 0  # the gaps before this index have a matched line after them
    cursor, reached, searches = -1, 0, 0  # paragraph of the last match, where that match ended
    named: dict[etree._Element, frozenset[str]] = {}  # a block's named inline lines (read once)
    fixed: dict[int, str] = {}  # kept paragraphs whose drop cap trafilatura left out, whole
    leading: list[str] = []  # lines above the first match that read as a standfirst
    for top in _in_document_order(root, blocks):
        for line, owner in _owned_lines(top):
            key = _tokens(line)
            if not key:
                continue
            if owner.get(LINKED) is not None or owner.get(LINKED_ITEM) is not None:
                # removed before trafilatura ran, so in no kept paragraph: never a match
                line = _norm(line)
                if cursor >= 0 and _linked_line_is_body(line, owner, top, stats):
                    searches += 1  # a search of the whole kept text, as a gap line's
                    if searches > GAP_MAX_SEARCHES:
                        return kept
                    if key not in hay:
                        gaps.append((cursor, line))
                continue
            # the kept text goes on in order: a line is looked for from its paragraph's start
            # (at most GAP_WINDOW back: one long paragraph of many lines is no quadratic walk)
            start = max(starts[cursor], reached - GAP_WINDOW) if cursor >= 0 else 0
            found = hay.find(key, start, reached + GAP_WINDOW)
            if found < 0:
                line = _norm(line)
                if not _gap_line_is_body(line, owner, top, stats, named):
                    continue  # no gap, whether it occurs further on or not
                searches += 1
                if searches > GAP_MAX_SEARCHES:
                    return kept
                found = hay.find(key, start)
                if found < 0:
                    if (capped := _drop_cap_start(key, hay)) is not None:
                        found, length = capped  # the paragraph, less its drop cap
                        at = bisect_right(starts, found) - 1
                        fixed[at] = _with_initial(kept[at], line)
                        cursor, reached = at, max(reached, found + length)
                        last_match = len(gaps)
                        continue
                    if cursor >= 0 and key not in hay:
                        gaps.append((cursor, line))
                    elif (cursor < 0 and len(leading) < LEADING_MAX and _bold_block(owner)
                          and _standfirst(line)):
                        leading.append(line)
                    continue
            if cursor < 0 and bisect_right(starts, found) - 1 > 0:
                leading = []  # the first match is no first paragraph: no lead above the text
            cursor = bisect_right(starts, found) - 1
            reached = max(reached, found + len(key))
            last_match = len(gaps)
    out: list[str] = leading if cursor >= 0 else []
    extra: dict[int, list[str]] = {}
    for after, line in gaps[:last_match]:
        extra.setdefault(after, []).append(line)
    for i, paragraph in enumerate(kept):
        out.append(fixed.get(i, paragraph))
        out.extend(extra.get(i, ()))
    return out


# ``interior_gaps``: at most this many region lines above the first kept paragraph, each a
# standfirst's sentence (``_standfirst``), come first: a lead set in bold or a block of its
# own at the top of the body's block, which trafilatura drops (gaps fill only between
# kept paragraphs)
LEADING_MAX = 2


def _bold_block(owner: etree._Element) -> bool:
    """Whether a block's text is all set in bold (``<div><strong>…</strong></div>``): how a
    standfirst stands apart from the body that follows it."""
    children = [child for child in owner if isinstance(child.tag, str)]
    return (len(children) == 1 and children[0].tag in ("b", "strong")
            and not _visible_len(owner.text) and not _visible_len(children[0].tail))


def _standfirst(line: str) -> bool:
    """Whether a line above the kept text reads as a standfirst: prose closing a sentence,
    LEAD_MIN_CHARS to LEAD_MAX_CHARS long, no line ``_no_lead`` names."""
    return (LEAD_MIN_CHARS <= len(line) <= LEAD_MAX_CHARS and closes_sentence(line)
            and not _no_lead(line))


# ``interior_gaps``: a drop cap (the first letter set apart, ``<span class="dropcap">T</span>he
# first ...``) is left out by trafilatura when hidden or floated; a region line not in the kept
# text whose key, less at most this many first word characters, starts a kept paragraph is that
# paragraph, not a gap...
DROP_CAP_MAX = 3
DROP_CAP_MIN_KEY = 40  # ...when the rest is this long (word characters): a paragraph, no phrase


def _drop_cap_start(key: str, hay: str) -> tuple[int, int] | None:
    """(where in ``hay``, how long) the kept paragraph starts that is ``key`` less its first
    one to DROP_CAP_MAX word characters (a drop cap trafilatura left out), if one is."""
    for cut in range(1, DROP_CAP_MAX + 1):
        rest = key[cut:]
        if len(rest) < DROP_CAP_MIN_KEY:
            return None
        if hay.startswith(rest):
            return 0, len(rest)
        at = hay.find(" " + rest)
        if at >= 0:
            return at + 1, len(rest)
    return None


def _with_initial(paragraph: str, line: str) -> str:
    """The kept paragraph with the initial the page's line starts with (the drop cap) put back;
    as kept when the two do not line up."""
    at = line.find(paragraph[:DROP_CAP_MIN_KEY])
    return line[:at] + paragraph if 0 < at <= 2 * DROP_CAP_MAX else paragraph


def _select(work: lxml.html.HtmlElement, url: str, stats: dict,
            removed: list[tuple[etree._Element, etree._Element]]) -> list[str]:
    """trafilatura's paragraphs of the pruned tree, less those outside the content region;
    ``removed`` are the linked sentences ``linked_sentences`` may put back."""
    paragraphs = _trafilatura(work, url)
    if "region" not in ENABLED_STEPS and paragraphs:
        return paragraphs
    region = _best_region(work, stats)
    if not region or paragraphs and _region_too_small(region, paragraphs, stats):
        return paragraphs
    if not paragraphs:
        return _region_paragraphs(region)
    blocks = region + _rescued_blocks(region, stats)
    keys, hay = [_tokens(p) for p in paragraphs], _hay(blocks)
    kept, kept_keys = _in_region(paragraphs, keys, hay)
    if not _region_holds_enough(work, region, kept, paragraphs):
        return _region_all_the_same(work, region, kept, paragraphs, keys, kept_keys,
                                    stats) or paragraphs
    longest = max(paragraphs, key=len)
    if "longest_prose" in ENABLED_STEPS and len(longest) >= LONGEST_PROSE and longest not in kept:
        return paragraphs  # the region left out the page's longest prose: it is the wrong block
    if not kept:
        return paragraphs
    first: list[etree._Element] = []
    if "headline_block" in ENABLED_STEPS:
        head = _headline_element(work)
        first = _beside_headline(region, stats, head)
        if leads := _lead_blocks(region, stats, head) + first:
            # after the checks above: the lead gives text back, it is no evidence for the region
            blocks = blocks + leads
            kept, kept_keys = _in_region(paragraphs, keys, f"{hay} {_hay(leads)}")
    if "interior_gaps" in ENABLED_STEPS:
        if removed:
            _restore_linked(removed, blocks)
        kept = _fill_gaps(kept, kept_keys, blocks, stats)
    if "template_tail" in ENABLED_STEPS:
        kept = kept + _template_tail(region, kept, stats)
    if first:
        kept = _put_first(kept, first, head)
    if "described_lead" in ENABLED_STEPS:
        kept = _with_described_lead(work, region, kept, stats)
    return kept


# ``described_lead``: a standfirst this long (visible characters) that the page's own summary
# (``<meta name="description">``, ``og:description``) repeats word for word is its lead...
DESCRIBED_LEAD_MIN = 60
DESCRIBED_LEAD_MIN_WORDS = 8
# ...or that summary cut short ("…"): its key, less the cut word, opens the block, and is at
# least this share of the block's.
DESCRIBED_CUT_SHARE = 0.5
_DESCRIPTIONS = etree.XPath(
    '//meta[translate(@name, "DESCRIPTON", "descripton")="description"'
    ' or @property="og:description"]/@content')
_CUT_MARK = re.compile(r"\s*(?:…|\.\.\.)\s*$")
# Where a page's template, not an article, sets text: a block in one is no lead.
_TEMPLATE_TAGS = frozenset(("header", "footer", "nav", "aside", "form", "a", "button", "li",
                            "figure", "figcaption", "h1", "blockquote"))


def _description_keys(tree: etree._Element) -> list[tuple[str, bool]]:
    """(word-character key, cut short) of each summary the page gives of itself, long enough
    to tell a lead (``DESCRIBED_LEAD_MIN``)."""
    out = []
    for text in _DESCRIPTIONS(tree)[:4]:
        text = _norm(text)
        mark = _CUT_MARK.search(text)
        cut = mark is not None
        if mark is not None:
            text = text[:mark.start()].rsplit(" ", 1)[0]
        key = _tokens(text)
        if _visible_len(text) >= DESCRIBED_LEAD_MIN and (key, cut) not in out:
            out.append((key, cut))
    return out


def _describes(key: str, descriptions: list[tuple[str, bool]]) -> bool:
    """Whether a block's key is one of the page's summaries (or opens as a cut one does)."""
    return any(key == text or cut and key.startswith(text)
               and len(text) >= DESCRIBED_CUT_SHARE * len(key)
               for text, cut in descriptions)


def _with_described_lead(work: etree._Element, region: list[etree._Element], kept: list[str],
                         stats: dict) -> list[str]:
    """``described_lead``: the standfirst set in a block of its own above the body, which
    trafilatura drops, put first when the page's own summary of itself (its meta description)
    is that block's text word for word.

    Evidence: the site wrote the block as this page's summary. Taken only when the kept text
    lacks it and every part of it, one block on the page holds it (a summary shown in two
    places is a template's or a teaser's) as one line of its own, it is prose (DESCRIBED_LEAD_MIN characters, DESCRIBED_LEAD_MIN_WORDS
    words, no link), the first two kept paragraphs do not restate it (``_body_restates``),
    comes before the body's first kept line and after the page's headline (none found: no
    lead, a block above the body may be a site's tagline), and no block on its way up to
    where it meets the region is a template area (header, footer, nav, aside, a list, a link;
    an article's own ``header``, the one holding the headline, is none), mostly links or held
    one that was removed, one of a run of blocks of its kind (a teaser grid's card), named as
    furniture or boilerplate, a picture's caption (``_captions_media``) or a card linking to
    another page (``_links_away``).
    """
    descriptions = _description_keys(work)
    body = next(work.iter("body"), None)
    if not descriptions or body is None or not kept:
        return kept
    hay = " ".join(map(_tokens, kept))
    if any(text in hay for text, _ in descriptions):
        return kept
    lead = _described_block(body, descriptions, stats)
    if lead is None or not _lead_placed(lead, region, kept, work, stats):
        return kept
    text = _norm(lead.text_content())
    if (len(text.split()) < DESCRIBED_LEAD_MIN_WORDS or len(_owned_lines(lead)) != 1
            or any(key in _tokens(text) for key in map(_tokens, kept) if key)
            or _body_restates(text, kept)):
        return kept  # no paragraph of its own, or part of it is kept: the body's opening
    return [text, *kept]


# A kept opening paragraph holding this share of the lead's words (or this alike, as
# difflib reads it) restates it: the body opens with the summary, reworded a little.
RESTATED_WORD_SHARE = 0.6
RESTATED_RATIO = 0.8


def _body_restates(text: str, kept: list[str]) -> bool:
    """Whether one of the first two kept paragraphs says the lead again, changed a little
    (a word added, a number written out): putting the lead first would print it twice."""
    words = set(_word_list(text))
    for para in kept[:2]:
        other = set(_word_list(para))
        if words and len(words & other) >= RESTATED_WORD_SHARE * len(words):
            return True
        if SequenceMatcher(None, _tokens(text), _tokens(para)).ratio() >= RESTATED_RATIO:
            return True
    return False


def _word_list(text: str) -> list[str]:
    """The lower-cased words of a text, as two wordings of one sentence are compared."""
    return re.findall(r"\w+", text.lower())


def _described_block(body: etree._Element, descriptions: list[tuple[str, bool]],
                     stats: dict) -> etree._Element | None:
    """The one block (the outermost of a chain of wrappers) whose text is a summary of the
    page; None when none is, or when two apart are."""
    shortest = min(len(text) for text, _ in descriptions)
    found: list[etree._Element] = []
    for el in body.iter(etree.Element):
        total, links = stats.get(el, (0, 0))
        if total < DESCRIBED_LEAD_MIN or total > 3 * shortest + 20:
            continue
        if found and found[-1] in el.iterancestors():
            continue  # a wrapper's inner block, already found
        if _describes(_tokens(el.text_content()), descriptions):
            if links:
                return None  # a linked summary: a teaser
            found.append(el)
    return found[0] if len(found) == 1 else None


def _lead_placed(lead: etree._Element, region: list[etree._Element], kept: list[str],
                 work: etree._Element, stats: dict) -> bool:
    """Whether ``lead`` stands where a standfirst does (see :func:`_with_described_lead`)."""
    way = {region[0], *region[0].iterancestors()}
    head = _headline_element(work)
    meet = next((a for a in lead.iterancestors() if a in way), None)
    if head is None or meet is None or meet.tag in ("body", "html"):
        return False  # no headline found: a block above the body may be a site's tagline
    order = {el: i for i, el in enumerate(work.iter())}
    first = _first_kept_owner(region, kept)
    if order[lead] > order.get(first, order[region[0]]) or order[lead] < order[head] \
            or head in lead.iterancestors():
        return False
    for el in (lead, *lead.iterancestors()):
        if el is meet:
            return True
        if el.tag in _TEMPLATE_TAGS and head not in el.iter() or (
                _furniture_names(_names(el)) or _negative_words(el) or _had_link_block(el)
                or _link_density(el, stats) > SIBLING_MAX_LINKS or _unshown(el)
                or _repeated_kind(el) or _captions_media(el) or _links_away(el)):
            return False
    return True


# A picture's caption or credit by its name; a bare "caption" is left out, as some sites
# (rus.ruvr.ru's "article-caption") name the standfirst so.
_CAPTION_NAMES = re.compile(r"wp-caption|figcaption|credit|photo|image", re.I)


def _captions_media(el: etree._Element) -> bool:
    """Whether a block on the lead's way up holds a picture or is named as a caption or a
    picture's: the summary is then a photo's caption, not the standfirst."""
    return (_CAPTION_NAMES.search(_names(el)) is not None
            or next(el.iter("img", "picture", "video"), None) is not None)


def _links_away(el: etree._Element) -> bool:
    """Whether a block on the lead's way up holds a link to another page: a related card
    (a link and its summary), not the page's own standfirst."""
    for a in el.iter("a"):
        href = (a.get("href") or "").strip()
        if href and not href.startswith(("#", "javascript:")):
            return True
    return False


def _repeated_kind(el: etree._Element) -> bool:
    """Whether a named block has a sibling of its own kind (tag and classes): one card of a
    grid of teasers, not a page's one standfirst."""
    kind = _kind(el)
    parent = el.getparent()
    return bool(kind[1]) and parent is not None and sum(
        _kind(other) == kind for other in parent) > 1


def _first_kept_owner(region: list[etree._Element], kept: list[str]) -> etree._Element | None:
    """The block of the region holding the line the first kept paragraph opens with."""
    first = _tokens(kept[0])
    for top in region:
        for line, owner in _owned_lines(top):
            key = _tokens(line)
            if key and (key in first or first in key):
                return owner
    return None


TAIL_MIN_CHARS = 80  # a line of a template block after the region this long, a sentence, is prose
TAIL_END_KEY = 40  # word characters that tell the line ending the last kept paragraph
_MEDIA_TAGS = ("img", "picture", "video", "iframe", "figure")


def _template_tail(region: list[etree._Element], kept: list[str], stats: dict) -> list[str]:
    """``template_tail``: the prose trafilatura left out of the blocks after the one holding
    the last kept line that repeat its template (tag and classes of one of its ancestors) and
    hold a block of its own kind: a landing-page builder such as Tilda sets each group of
    paragraphs in a record of its own, and trafilatura reads the first record only.

    The tail is read in order and ends at the first line that is not a sentence of
    TAIL_MIN_CHARS or more ``_gap_line_is_body`` takes, or at a block of another template, of
    links or named as boilerplate, without a text block of the kind, holding a form, a linked
    picture or a picture with text (a picture's record, its caption with it, between two
    text records is passed over): an author's bio, a newsletter box or a teaser in the same
    template opens with a name or a heading or is one of those. Left: a bio or a blurb set as
    plain text in a text record after the article."""
    anchor = _last_kept_block(region, _tokens(kept[-1]) if kept else "")
    inner = next((el for el in (anchor, *anchor.iterancestors()) if _kind(el)[1]), None) \
        if anchor is not None else None
    if inner is None:
        return []
    inner_kind, hay = _kind(inner), " ".join(map(_tokens, kept))
    searches = 0  # of the kept text, as many as ``_fill_gaps`` may make
    out: list[str] = []
    named: dict[etree._Element, frozenset[str]] = {}
    for way in inner.iterancestors():
        if way.tag in ("body", "html"):
            break
        kind = _kind(way)
        if not kind[1]:
            continue
        for block in way.itersiblings():
            if (_kind(block) != kind or _named_unlike(block, way) or _hidden(block)
                    or _link_density(block, stats) > SIBLING_MAX_LINKS
                    and stats.get(block, (0, 0))[0]):
                return out  # another template, or a block that is no body: the article ended
            parts = [el for el in block.iter(inner.tag) if _kind(el) == inner_kind]
            picture = next(block.iter(_MEDIA_TAGS), None)
            if picture is None and not parts or next(block.iter("form"), None) is not None:
                return out  # no text of the kind, or a form's: a newsletter box
            if picture is not None:
                if parts or any(a.tag == "a" for a in picture.iterancestors()):
                    return out  # a picture with text (a bio, a teaser), or a linked one
                continue  # a picture (and its caption) between two parts of the text
            for part in parts:
                for line, owner in _owned_lines(part):
                    key, text = _tokens(line), _norm(line)
                    searches += 1
                    if searches > GAP_MAX_SEARCHES:
                        return out
                    if not key or key in hay:
                        continue
                    if not (len(text) >= TAIL_MIN_CHARS and text[-1] in _GAP_SENTENCE_END
                            and _gap_line_is_body(text, owner, part, stats, named)):
                        return out
                    out.append(text)
        if out:
            return out
    return out


def _last_kept_block(region: list[etree._Element], last: str) -> etree._Element | None:
    """The block of the region holding the line that ends ``last`` (the key of the last kept
    paragraph): the last line whose key ends as it does (a short one only when it is all of
    ``last``: "1" or "да" ends many paragraphs)."""
    if not last:
        return None
    end = last[-TAIL_END_KEY:]
    found = None
    for top in region:
        for line, owner in _owned_lines(top):
            key = _tokens(line)
            if key.endswith(end) if len(key) >= len(end) else (
                    key == last or len(key) >= GLUED_MIN_KEY and end.endswith(key)):
                found = owner
    return found


def _headline_keys(tree: etree._Element) -> set[str]:
    """Word-character keys of what the page names as its headline (h1, og/twitter title, <title>)."""
    keys = (_tokens(h.text_content()) for h in tree.iter("h1"))
    return _title_keys(tree) | {key for key in keys if len(key) >= MIN_HEADLINE_KEY}


def _drop_headline(paragraphs: list[str], keys: set[str]) -> list[str]:
    """``title_line``: the headline repeated as the first or second paragraph (or both) is not body.

    The item carries the title in its own field; ``keys`` are the page's ``_headline_keys``.
    """
    lead = [p for p in paragraphs[:2] if not _names_headline(_tokens(p), keys)]
    return lead + paragraphs[2:]


def _cut_below(tree: etree._Element, limit: int) -> None:
    """Drop what is nested deeper than ``limit``: an article is shallow, and a page gets that
    deep only when a repeated block (a comment) forgets to close a tag, so every copy nests
    inside the last. The rest of the page is read as usual."""
    for el in _at_depth(limit)(tree):
        for child in list(el):
            _drop(child)  # its tail is text at the limit depth: kept


def nests_too_deep(tree: etree._Element) -> bool:
    """Whether the body reading leaves part of ``tree`` out for nesting past
    ``MAX_GENERIC_DEPTH`` levels (:func:`_cut_below`): said when a page gives no body."""
    return bool(_at_depth(MAX_GENERIC_DEPTH)(tree))


@cache
def _at_depth(depth: int) -> etree.XPath:
    """The elements ``depth`` levels down from the context element (itself level 1) that
    have children: one XPath, walked in C (a Python walk of every element cost ~1 % of the
    extractor's time on pages that are never that deep)."""
    return etree.XPath("/".join(["*"] * (depth - 1)) + "[*]")


def generic_paragraphs(tree: lxml.html.HtmlElement, url: str,
                       drop: tuple[str, ...] = (), embeds: bool = False) -> list[str]:
    """Body paragraphs of an article page in reading order; [] if none found. ``drop``:
    selectors of blocks that are no body wherever they are (an outlet's own promos);
    ``embeds``: leave out the social posts embedded in the page, as an outlet's rules do."""
    def fresh() -> lxml.html.HtmlElement:
        work = deepcopy(tree)
        if embeds:
            drop_embeds(work)
        remove_nodes(work, drop)
        return work

    try:
        return _paragraphs_of(fresh, url)
    except (ValueError, TypeError, RecursionError, etree.LxmlError):
        return []


def _paragraphs_of(fresh: Callable[[], lxml.html.HtmlElement | None], url: str) -> list[str]:
    """:func:`_paragraphs` of the tree ``fresh`` makes; once more, on a new tree without
    control characters, when lxml refused to store a text of the first.

    lxml keeps a C0 control character a page holds (raw, or as ``&#7;``) in a parsed text,
    but refuses one in a text the steps set: the tail a removed element leaves to the one
    before it, the empty-line mark (``<br><br>``). Such a page gave no text at all (a BEL
    pasted into a source note after an empty line: careelite.de, 11,500 characters of
    article). Stripping them only where this happens costs the other pages nothing (the
    crawl's ``parse_html`` strips them before any step runs).
    """
    work = fresh()
    if work is None:
        return []
    try:
        return _paragraphs(work, url)
    except ValueError:
        work = fresh()
        if work is None or not _strip_controls(work):
            raise
        return _paragraphs(work, url)


def _paragraphs(work: lxml.html.HtmlElement, url: str) -> list[str]:
    """:func:`generic_paragraphs` on a tree of our own, which it changes (prunes)."""
    # the headline as the page names it, read before pruning (which may remove the h1)
    keys = _headline_keys(work) if "title_line" in ENABLED_STEPS else set()
    names = _site_name_keys(work, url) if "site_name_edges" in ENABLED_STEPS else set()
    _cut_below(work, MAX_GENERIC_DEPTH)  # one walk: finds nothing on a page of sane depth
    token, steps_token = _BROKEN.set({}), _STEPS.set(steps := set())
    try:
        _unglue_stamps(work)
        _reveal_expanded(work)
        _mark_empty_lines(work)
        _unanchor_code(work)
        _sections_as_divs(work)
        paragraphs = _output_form(_select(work, url, *_prune(work, url)))
    finally:
        _BROKEN.reset(token)
        _STEPS.reset(steps_token)
    if "title_line" in ENABLED_STEPS:
        paragraphs = _drop_headline(paragraphs, keys)
    if "boilerplate_lines" in ENABLED_STEPS:
        paragraphs = [p for p in without_labelled_blocks(paragraphs)
                      if p in steps or not is_boilerplate_line(p)]
    if "meta_lines" in ENABLED_STEPS:
        # (bylines stay for the crawl, which reads an outlet's author line in them first)
        paragraphs = without_details(paragraphs, bylines=False)
    if "head_details" in ENABLED_STEPS:
        paragraphs = without_head_details(paragraphs)
    if names:
        paragraphs = _without_site_name_edges(paragraphs, names)
    return paragraphs


def _site_name_keys(tree: etree._Element, url: str) -> set[str]:
    """Word-character keys of the site's own name: its ``og:site_name`` and its host, with and
    without "www." ("Правда.Ру", "048.ua")."""
    texts = tree.xpath('//meta[@property="og:site_name"]/@content')[:3]
    host = (urlsplit(url).hostname or "") if url else ""
    texts += [host, host.removeprefix("www.")]
    return {key for key in map(_tokens, texts) if key}


def _without_site_name_edges(paragraphs: list[str], names: set[str]) -> list[str]:
    """``site_name_edges``: the site's own name alone on a line that opens or ends the text
    (a logo's text, a masthead's or footer's name) is no body."""
    start, end = 0, len(paragraphs)
    while start < end and _tokens(paragraphs[start]) in names:
        start += 1
    while end > start and _tokens(paragraphs[end - 1]) in names:
        end -= 1
    return paragraphs[start:end]


def _parse(html: str) -> lxml.html.HtmlElement | None:
    """Parse decoded HTML; None when there is no document.

    ``document_fromstring`` refuses a decoded page that starts with an XML declaration naming
    an encoding (XHTML), so such a page is parsed as the crawl parses it (``parse_html``,
    from bytes); that parser is not the first choice here only because it costs ~1 % of the
    extractor's time more on ordinary pages.
    """
    if not html or not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html)
    except (ValueError, etree.LxmlError):
        pass
    try:
        return parse_html(html)
    except (ValueError, etree.LxmlError):
        return None


def generic_text(html: str, url: str) -> str:
    """Convenience for the benchmark: parse, extract, and join as the crawl stores a body
    (``join_paragraphs``: soft hyphens and other invisible characters gone, NFC), without the
    bylines at its edges, which the crawl's items drop after reading an outlet's author line
    in them (``body.py``).

    The tree is parsed here, so it is pruned in place (no copy: 2-4 % of the time on wcxb).
    """
    try:
        paragraphs = _paragraphs_of(lambda: _parse(html), url)
    except (ValueError, TypeError, RecursionError, etree.LxmlError):
        return ""
    if "meta_lines" in ENABLED_STEPS:
        paragraphs = without_details(paragraphs)
    return join_paragraphs(paragraphs)

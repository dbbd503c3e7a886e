"""The article body: outlet selectors and cut rules first, the generic extractor as fallback."""

from __future__ import annotations

import re
from copy import deepcopy
from datetime import datetime
from itertools import islice

from lxml import etree

from crawler.extraction.boilerplate import is_boilerplate_line
from crawler.extraction.bylines import credited_writers
from crawler.extraction.dateline import headline_text, opens_sentence, same_headline
from crawler.extraction.dates import day_only, human_dates, with_printed_zone
from crawler.extraction.embeds import EMBED_LINES, drop_embeds
from crawler.extraction.generic import (
    byline_author,
    details_edges,
    drop_link_blocks,
    generic_paragraphs,
    is_meta_line,
    teaser_cards,
    text_stats,
)
from crawler.extraction.html import (
    block_texts,
    detached_copy,
    remove_keeping_tail,
    remove_nodes,
    select_nodes,
)
from crawler.extraction.normalize import clean_line, clean_paragraphs, drop_repeats, folded_words
from crawler.extraction.pagekind import READ_MORE, is_prose
from crawler.extraction.provenance import GENERIC, Provenance, rule_source
from crawler.extraction.structured import body_chars, structured_fallback
from crawler.outlets.base import (
    COMMON_CUT_MARKERS,
    COMMON_DROP,
    COMMON_DROP_PARAGRAPHS,
    COMMON_HEADING_MARKERS,
    ArticleRules,
)

_COMMON_DROP_PATTERNS = tuple(re.compile(p, re.IGNORECASE)
                             for p in COMMON_DROP_PARAGRAPHS + EMBED_LINES)
MIN_BODY_CHARS = 80  # below this a selector match is taken for a miss and the fallback runs
MAX_HEADING_CHARS = 150  # a longer paragraph is no block heading ("Популярное за неделю")
_COMMON_CALLS = tuple(m for m in COMMON_CUT_MARKERS if m not in COMMON_HEADING_MARKERS)
_SENTENCE_END = ".!?…:;,"  # a heading or a headline after it ends in none of these
_HEADING_LEAD = ":|/>"  # "Читайте также: …", "Популярное | …"
TEASER = "teaser"  # extract_body's method when the body block is a teaser of an article elsewhere

# The signature a district paper ends an article with: "Текст и фото Анны ИВАНОВОЙ",
# "Подготовила Мария Петрова", "Анна ИВАНОВА. Фото автора." (a surname in capitals, an
# initial or a first name before it). Its name is the author, not a paragraph of the text.
_CAPITAL = "[А-ЯЁІЎЄЇ]"
_CAPITALIZED = f"{_CAPITAL}[а-яёіўєїʼ'’]+"  # Анна, Мар'я
# a first name or an initial, then perhaps a patronymic: what stands before a surname
_GIVEN_NAMES = rf"(?:{_CAPITALIZED}|{_CAPITAL}\.)(?:\s+{_CAPITALIZED})?"
_NAME = rf"{_GIVEN_NAMES}\s+{_CAPITAL}[А-ЯЁІЎЄЇа-яёіўєї-]+"
_CAPS_NAME = rf"{_GIVEN_NAMES}\s+{_CAPITAL}{{4,}}(?:-{_CAPITAL}{{2,}})?"  # ИВАНОВА; no МЧС
_PHOTO_CREDIT = (r"(?i:фото|фота)(?i:\s+(?:автора|аўтара|из\s+открытых\s+источников|з\s+адкрытых"
                 r"\s+крыніц|из\s+архива\s+\S+|з\s+архіва\s+\S+))")
_SIGNATURE = re.compile(
    r"(?:(?i:текст(?:\s+и\s+фото)?|фото\s+и\s+текст|тэкст(?:\s+і\s+фота)?|фота\s+і\s+тэкст|"
    rf"подготовил[аи]?|падрыхтаваў|падрыхтавала)\s*:?\s+(?P<by>{_NAME})"
    rf"|(?P<name>{_CAPS_NAME}))\s*[.,]?\s*(?:{_PHOTO_CREDIT}\s*\.?)?$")
# A "read more" link (WordPress' more-link, "Подробнее →"): never body text; closing the body
# block it means the block holds a teaser and the article is elsewhere (another page, a paywall).


def is_wrapper(node: etree._Element, headline: etree._Element | None) -> bool:
    """Whether a body match is a layout wrapper (``main``, ``article``) rather than the block
    of article text: it holds the page's headline, its first ``<h1>`` (an editor's heading
    further down inside the text does not count). When a theme renames its content class, a
    broad rule ("main#main.site-main") still matches such a wrapper and would take headline
    lists and menus with the text, the rule seemingly healthy; so a wrapper is no match."""
    return headline is not None and (headline is node or node in headline.iterancestors())


MAX_LINK_SHARE = 0.5  # of a block's text: more in links makes it a headline list, not a body


def is_link_list(node: etree._Element) -> bool:
    """Whether a body match is mostly link text: a "related news" or headline list that kept
    the class the article's block had before a redesign renamed it. Taken as the body, its
    headlines become the item's text (or the page passes for a listing), the rule healthy.

    Easier to meet, on purpose, than generic extraction's link blocks (``generic._is_link_block``:
    ``generic.LINK_RATIO`` of the text in links and under ``generic.LINK_MAX_OWN`` characters
    of own text): that rule removes a block from inside a page, so it spares any block with
    prose of its own; this one judges a whole body match, where a headline list with teasers
    (much own text) is still no body. Teaser cards (``generic.teaser_cards``) are judged
    apart: an article holding some ("По теме" inside the text) is judged by the rest of its
    text, which they would drown; with no prose beside them (a heading) they are a list."""
    stats = text_stats(node)
    text, links = stats[node]
    if not text:
        return False
    if cards := teaser_cards(node, stats):
        for card in cards:
            if not any(anc in cards for anc in card.iterancestors()):
                text, links = text - stats[card][0], links - stats[card][1]
        if text - links < MIN_PART_CHARS:
            return True
    return links > MAX_LINK_SHARE * text


MIN_PART_CHARS = 200  # of text: a sibling match this long is the body's other part


def body_match(tree: etree._Element, rules: ArticleRules, title: str | None = None
               ) -> tuple[str | None, list[etree._Element]]:
    """The body's blocks and the selector that found them: the first selector that matches
    something other than a layout wrapper or a list of links; of its matches (those of the
    article under the page's headline: ``own_article``) the one with most text, with the
    matches beside it (same parent, in page order) that hold prose of their own: a body split
    in two by an ad or an embed that carries the class twice (its second half may end in a
    headline list, which ``rule_paragraphs`` drops as a link block)."""
    headline = next(tree.iter("h1"), None)
    later = later_headlines(tree, title)
    for spec in rules.body:
        nodes = own_article([n for n in select_nodes(tree, spec) if not is_wrapper(n, headline)],
                            later)
        if bodies := [n for n in nodes if not is_link_list(n)]:
            main = max(bodies, key=lambda n: len("".join(n.itertext())))
            seen = _lines(block_texts(main))
            parts = []
            for node in nodes:
                if node is main or _other_part(node, main, seen):
                    parts.append(node)
            return spec, parts
    return None, []


def later_headlines(tree: etree._Element, title: str | None) -> set[etree._Element]:
    """The page's ``<h1>``s after its own (the one that reads ``title``): other articles'
    headlines, appended under this one by an infinite-scroll redesign in the same markup.
    Empty when no ``<h1>`` reads the title (nothing tells the articles apart: a logo's
    ``<h1>`` may come first)."""
    h1s = list(tree.iter("h1")) if title else []
    if len(h1s) < 2:
        return set()
    own = next((n for n, h in enumerate(h1s)
                if same_headline(headline_text(h, (title,)), title)), None)
    return set() if own is None else set(h1s[own + 1:])


def own_article(nodes: list[etree._Element], later: set[etree._Element]
                ) -> list[etree._Element]:
    """The body matches that are not under another article's headline (one of ``later``),
    before the match or opening it (a broad rule matching the next ``<article>`` whole; an
    ``<h1>`` after prose of the match is an editor's subheading). The next articles' bodies
    were otherwise joined to this one as its other parts, or, longer, read instead of it."""
    if not later:
        return nodes
    return [n for n in nodes if next(iter(n.xpath("preceding::h1[1]")), None) not in later
            and not any(h in later and _opens(n, h) for h in n.iter("h1"))]


OPENING_CHARS = 100  # text before a heading in its block that still opens it (a rubric, a date)


def _opens(block: etree._Element, heading: etree._Element) -> bool:
    """Whether ``heading`` opens ``block``: less than OPENING_CHARS of text come before it."""
    seen = 0
    for event, el in etree.iterwalk(block, events=("start", "end")):
        if el is heading:
            return True
        text = el.text if event == "start" else el.tail if el is not block else None
        if isinstance(el.tag, str) and text:
            seen += len(text.strip())
            if seen >= OPENING_CHARS:
                return False
    return True


def _lines(texts: list[str]) -> set[str]:
    return {line for line in map(clean_line, texts) if line}


def own_chars(node: etree._Element) -> int:
    """Characters of the node's text outside links: the prose a part of the body brings (a
    part that ends in the site's headline list is still one; the list is a link block)."""
    text = len(clean_line("".join(node.itertext())))
    return text - sum(len(clean_line("".join(a.itertext()))) for a in node.iter("a"))


def _other_part(node: etree._Element, main: etree._Element, seen: set[str]) -> bool:
    """Whether a match beside the main block is more of the body, not a promo that kept its
    class ("read more" teasers never are; neither are a few lines) nor the body again (a
    desktop and a mobile copy of it, one hidden by CSS). ``seen``: the lines taken so far.

    Beside means under the same block at most PART_REACH levels up from either (the ad that
    splits a body may come with a wrapper of its own around the second part); more of the
    body means MIN_PART_CHARS of text outside links, or a lead: a paragraph of prose."""
    texts = block_texts(node)
    lines = _lines(texts)
    if (not _beside(node, main) or not lines or len(lines & seen) * 2 > len(lines)
            or is_teaser(texts)
            or (own_chars(node) < MIN_PART_CHARS and not any(map(is_prose, lines)))):
        return False
    seen |= lines
    return True


PART_REACH = 2  # levels up from a body part to the block it shares with the main one


def _beside(node: etree._Element, main: etree._Element) -> bool:
    """Whether ``node`` and ``main`` meet at most PART_REACH levels above each (neither
    inside the other)."""
    above_main = list(islice(main.iterancestors(), PART_REACH))
    if node in above_main:
        return False
    for anc in islice(node.iterancestors(), PART_REACH):
        if anc is main:
            return False
        if anc in above_main:
            return True
    return False


MAX_CAPTION_CHARS = 250  # of text beside a picture: a longer block is prose with an image
_TEXT_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "table")


def drop_picture_captions(body: etree._Element) -> int:
    """Remove the blocks that hold a picture and a short text beside it, no paragraph: a
    caption whose ``figure``/``figcaption``/``caption`` markup a redesign renamed
    (``div.photo > img + div.img-desc``: the text in an element of its own), and a short
    paragraph all in italics right after a paragraph that is a picture alone. A paragraph
    with an inline picture (a ``p``, or a ``div`` whose text is its own) stays."""
    removed = 0
    for block in list(body.iter("div", "span", "a", "center")):
        if (block is body or block.getparent() is None or next(block.iter("img"), None) is None
                or any(True for _ in block.iter(*_TEXT_BLOCKS))
                or (block.text or "").strip() or any((c.tail or "").strip() for c in block)):
            continue  # a paragraph set as a div, its picture inline, has text of its own
        text = clean_line("".join(block.itertext()))
        if text and len(text) <= MAX_CAPTION_CHARS and remove_keeping_tail(block):
            removed += 1
    for picture in list(body.iter("p", "div")):
        caption = picture.getnext()
        if (picture.getparent() is not None and next(picture.iter("img"), None) is not None
                and not clean_line("".join(picture.itertext())) and caption is not None
                and _emphasis_alone(caption) and remove_keeping_tail(caption)):
            removed += 1
    return removed


_EMPHASIS = ("em", "i", "small")


def _emphasis_alone(block: etree._Element) -> bool:
    """Whether ``block`` is a short paragraph all of whose text is one emphasis element: a
    caption set under the picture's paragraph as ``<p><em>…</em></p>``."""
    if block.tag != "p" or len(block) != 1 or block[0].tag not in _EMPHASIS:
        return False
    if (block.text or "").strip() or (block[0].tail or "").strip():
        return False
    text = clean_line("".join(block.itertext()))
    return 0 < len(text) <= MAX_CAPTION_CHARS


def rule_paragraphs(tree: etree._Element, rules: ArticleRules, title: str | None = None,
                    prov: Provenance | None = None
                    ) -> tuple[str | None, list[str], list[str] | None]:
    """The body selector that matched, the paragraphs under it, and those paragraphs when
    the block is a teaser (it closes with a "read more" link), else None. The social posts
    embedded in the block go first (crawler.extraction.embeds), counted in ``prov.embeds``."""
    spec, nodes = body_match(tree, rules, title)
    if not nodes:
        return None, [], None
    if len(nodes) == 1:
        body = detached_copy(nodes[0])
    else:
        body = nodes[0].makeelement("div", {})  # of the page's kind: drop_tree needs lxml.html's
        body.extend(detached_copy(n) for n in nodes)
    embeds = drop_embeds(body)  # before the scripts go: a Telegram widget is one
    if prov is not None:
        prov.embeds = embeds
    remove_nodes(body, rules.drop + COMMON_DROP)
    drop_picture_captions(body)
    whole = block_texts(body)
    if is_teaser(whole):  # judged before the link blocks go: the link may be one
        return spec, whole, whole
    # a headline list inside the block ("Последние новости" entries, "read also" lists) whose
    # heading and links a redesign renamed passes every cut marker: dropped as a link block,
    # and its cards (a linked headline over a lead each) as teaser cards
    drop_link_blocks(body, text_stats(body), cards=True)
    return spec, block_texts(body), None


def link_led_lines(tree: etree._Element, rules: ArticleRules, title: str | None = None
                   ) -> frozenset[str]:
    """The paragraphs of the body match that open with a linked headline (their first text
    is a link's, of CARD_LINK_WORDS words or more): a related post's card ("<a>Headline</a>
    its excerpt…"), however long its excerpt and however it ends, is no sentence of the
    article's prose. A paragraph opening with a linked name or tag ("<a>Александр
    Лукашенко</a> заявил …") is prose."""
    _spec, nodes = body_match(tree, rules, title)
    return frozenset(clean_line(block.text_content()) for node in nodes
                     for block in node.iter("p", "li") if _opens_with_headline_link(block))


CARD_LINK_WORDS = 4  # a card's linked headline has this many words; a linked name fewer


def _opens_with_headline_link(block: etree._Element) -> bool:
    """Whether the first text of ``block`` (not white space) sits inside an ``<a>`` whose
    own text reads as a headline (CARD_LINK_WORDS words or more)."""
    first = block.xpath("(.//text()[normalize-space()])[1]")
    if not first:
        return False
    owner = first[0].getparent()
    if first[0].is_tail:
        owner = owner.getparent()
    while owner is not None and owner is not block:
        if isinstance(owner.tag, str) and owner.tag.lower() == "a":
            return len(owner.text_content().split()) >= CARD_LINK_WORDS
        owner = owner.getparent()
    return False


def is_teaser(paragraphs: list[str]) -> bool:
    """Whether a body block closes with a "read more" link (its last non-empty paragraph)."""
    last = next((clean_line(p) for p in reversed(paragraphs) if p.strip()), "")
    return bool(last) and bool(READ_MORE.match(last))


def teaser_elsewhere(teaser: list[str], generic: list[str]) -> bool:
    """Whether the rule's teaser block is not the page's text: the generic extractor reads a
    body that holds none of the teaser's paragraphs and is longer than it, so the teaser is
    another article's (a promo that kept the body's old class) and the article is this page's
    own; a page that is a teaser (a paywall, a "more" split) has nothing else to read."""
    own = [clean_line(p) for p in teaser if p.strip() and not READ_MORE.match(clean_line(p))]
    text = "\n".join(clean_line(p) for p in generic)
    return (len(text) > max(MIN_BODY_CHARS, 2 * sum(map(len, own)))
            and not any(p in text for p in own if p))


def _markers_opening(line: str, markers: tuple[str, ...]) -> list[str]:
    """The markers ``line`` starts with, compared case-folded."""
    folded = line.casefold()
    return [m for m in markers if folded.startswith(m.casefold())]


def _block_heading(line: str, markers: tuple[str, ...]) -> bool:
    """Whether ``line`` opens a block of other content with one of ``markers``: the marker
    alone or followed by ":" (a headline, a list), or a short line that is no sentence
    ("Популярное за неделю", "Читайте также Власти отремонтируют улицы"); not a paragraph that
    merely starts with the word ("Рекомендуем пешеходам быть внимательными, …").
    """
    for marker in _markers_opening(line, markers):
        rest = line[len(marker):].strip()
        if not rest or rest[0] in _HEADING_LEAD:
            return True
        if len(line) <= MAX_HEADING_CHARS and line[-1] not in _SENTENCE_END:
            return True
    return False


# Words a block heading's qualifier opens with ("Популярное за неделю", "Последние новости
# из районов", "Latest news from the region"): a place or a time, no headline of the text.
_QUALIFIER_LEAD = frozenset((
    "за", "в", "во", "на", "по", "из", "с", "со", "о", "об", "от", "для", "у", "к", "ко",
    "про", "при", "до", "над", "под",  # ru
    "ў", "з", "са", "аб", "па", "ад", "да", "пра", "ля",  # be
    "від", "із", "зі",  # uk
    "of", "in", "on", "for", "from", "at", "to", "about", "by", "with", "this"))  # en
MIN_SUBHEAD_WORDS = 2  # after the marker: fewer is a qualifier ("Популярное сегодня")


def _subheading(lines: list[str], at: int, markers: tuple[str, ...]) -> bool:
    """Whether the block heading at ``at`` is a subheading of the article that opens with a
    marker's word: a headline-like phrase of the text ("Рекомендуем заранее планировать
    маршрут", "Популярное направление станет платным") rather than the marker alone or with a
    short qualifier ("Популярное за неделю", "Последние новости Минска", "Рекомендуемые
    материалы") or a glued headline ("Читайте также Власти отремонтируют улицы"), and prose
    goes on right after it: a block of other content is a list of headlines, not sentences.
    """
    if at + 1 >= len(lines) or not is_prose(lines[at + 1]) \
            or lines[at + 1][-1] not in ".!?…»\"":
        return False
    line = lines[at]
    for marker in _markers_opening(line, markers):
        rest = line[len(marker):]
        if rest[:1].isalnum():  # the marker opens a longer word ("Рекомендуемые"): all of it
            rest = rest.split(maxsplit=1)[1] if len(rest.split()) > 1 else ""
        words = rest.split()
        if (len(words) < MIN_SUBHEAD_WORDS or not words[0][0].islower()
                or words[0].casefold() in _QUALIFIER_LEAD):
            return False
    return True


# The heading of readers' comments under the text: "Комментарии (2)", "Отзывы читателей",
# "5 комментариев", "Каментары", "Comments". Counted or naming readers, it is theirs; bare,
# an article's own subhead ("Комментарии" before experts' words) just as well: theirs only
# when a reply link's line ("Ответить") follows within COMMENT_LOOKAHEAD lines, or nothing
# does (the comments gone, their heading left).
_COMMENTS_HEADING = re.compile(
    r"(?i)^(?:(?P<word>комментари[иея]в?|каментар(?:ы|ыі|аў)|отзывы|водгукі|(?:reader )?"
    r"comments|обсуждение|абмеркаванне)(?P<readers> (?:читателей|чытачоў|посетителей))?"
    r"\s*(?P<count>\(\d+\)|:\s*\d+|\d+)?|(?P<counted>\d+) (?:комментари\w*|каментар\w*|"
    r"отзыв\w*|comments?))\s*:?$")
_REPLY_LINE = re.compile(r"(?i)^(?:ответить|адказаць|reply|цитировать|пожаловаться)$")
COMMENT_LOOKAHEAD = 8


def readers_comments(lines: list[str], at: int) -> bool:
    """Whether ``lines[at]`` opens the readers' comments under the text (the rest is theirs):
    a comments heading counted or naming readers, or a bare one a reply line or nothing
    follows."""
    if at == 0 or not (match := _COMMENTS_HEADING.match(lines[at])):
        return False
    if match["readers"] or match["count"] or match["counted"] or at == len(lines) - 1:
        return True
    return any(_REPLY_LINE.match(line) for line in islice(lines, at + 1,
                                                         at + 1 + COMMENT_LOOKAHEAD))


INSERT_LOOKAHEAD = 3  # headlines a "read also" insert may hold before the article goes on
MIN_PROSE_CHARS = 200  # a paragraph this long, ending a sentence, is the article's own
INSERT_PROSE_RUN = 2  # shorter sentences in a row after an insert: the article goes on
CALL_PROSE_CHARS = 100  # a paragraph of prose after a call to subscribe: the article goes on


def _inline_insert(lines: list[str], at: int, cards: frozenset[str] = frozenset()
                   ) -> int | None:
    """How many lines after the block heading at ``at`` belong to it, when it is an insert in
    the middle of the article ("Читайте также: …" between two paragraphs): the article's prose
    goes on within a few lines. None when nothing but headlines or nothing follows: the
    heading opens the blocks after the article, and the body ends there. A sentence of
    prose (CARD_PROSE_CHARS or more, ending as one) before that paragraph is the article's
    too: a headline ends in no full stop, and a short first paragraph under a heading
    trafilatura put above the text ("Последние новости") went with the insert. A paragraph
    that opens with a link (``cards``: a related post's headline and excerpt) is no prose."""
    ahead = lines[at + 1:at + 1 + INSERT_LOOKAHEAD]
    for k, line in enumerate(ahead):
        if line not in cards and len(line) >= MIN_PROSE_CHARS and line[-1] in ".!?…»\"" \
                or _prose_runs_on(lines, at + 1 + k, cards):
            return next((j for j, before in enumerate(ahead[:k]) if _sentence(before)), k)
    return None


def _prose_runs_on(lines: list[str], at: int, cards: frozenset[str] = frozenset()) -> bool:
    """Whether the article's prose goes on from ``at``: INSERT_PROSE_RUN sentences in a row
    (``_sentence``). A news text of short paragraphs (150 characters) never reached
    MIN_PROSE_CHARS, and a "Читайте также" insert set between them cut the rest of the body
    off; a list of cards after the body alternates headlines and teasers, never two
    sentences in a row."""
    run = lines[at:at + INSERT_PROSE_RUN]
    return len(run) == INSERT_PROSE_RUN and all(
        _sentence(line) and line not in cards for line in run)


def _headlines_above(lines: list[str], at: int) -> int:
    """How many lines after the block heading at ``at``, above any line of the body, are
    its headlines: those before the first sentence of prose (CARD_PROSE_CHARS or more,
    ending as one); none when no such sentence follows (nothing tells them from the text)."""
    return next((k for k, line in enumerate(lines[at + 1:]) if _sentence(line)), 0)


def _sentence(line: str) -> bool:
    """A line of prose that no headline is: CARD_PROSE_CHARS or more, ending a sentence."""
    return len(line) >= CARD_PROSE_CHARS and line[-1] in ".!?…" and is_prose(line)


def _call_mid_text(lines: list[str], at: int) -> bool:
    """Whether the call to subscribe (a cut marker) at ``at`` sits between two paragraphs:
    the article's prose goes on right after it, for MIN_MORE_PROSE paragraphs of
    CALL_PROSE_CHARS. A plug set mid-text ("Подписывайтесь на наш Telegram") cut the rest of
    the article off; one that ends the body is followed by links, headlines, or nothing."""
    prose = (len(line) >= CALL_PROSE_CHARS and is_prose(line)
             for line in islice(lines, at + 1, None))
    # read lazily, stopped once told: a body alternating calls and prose was read to its end
    # at every call (quadratic in its lines)
    return next(prose, False) and sum(islice(filter(None, prose), MIN_MORE_PROSE - 1)) \
        >= MIN_MORE_PROSE - 1


# A card's link to its article, beside READ_MORE's forms ("Читать новость", "Read story").
_CARD_LINK_END = r"\s+(?:новость|навіну|новину|статью|артыкул|статтю|story|article)[\s.…»→>]*$"
CARD_LINK = re.compile(r"^(?:читать|чытаць|читати|read)" + _CARD_LINK_END, re.IGNORECASE)
# The same link closing a card set inline between paragraphs (``<a><span>Headline</span>
# <span>Читать новость</span></a>``: one line, the two glued): capitalised, so prose that
# says "можно читать статью" is no card.
_CARD_TAIL = re.compile(r"(?:Читать|Чытаць|Читати|Read)" + _CARD_LINK_END)
CARD_LINE_CHARS = 300  # a headline and its link: a longer line is prose that ends so


def is_card_line(line: str) -> bool:
    """Whether ``line`` is a headline card inline in a body: a headline and its "Читать
    новость" link, glued or apart (one link alone is READ_MORE's or CARD_LINK's)."""
    return len(line) <= CARD_LINE_CHARS and bool(_CARD_TAIL.search(line))


CARD_LEAD = 2  # lines of a card before its date or link: its rubric and headline
CARD_MIN = 2  # "read more" lines and date lines that make a run of short lines a card list
CARD_PROSE_CHARS = 120  # a line this long ending a sentence is prose: it ends a run


def card_lists(lines: list[str]) -> set[int]:
    """The lines of headline card lists inside a body: runs of lines that are no prose
    holding at least CARD_MIN "read more" lines and CARD_MIN date lines (each card a rubric,
    a headline, its date and "Читать новость"). A block heading renamed, or none, and
    headlines set as plain text leave such a list no other mark: no heading to cut at, too
    few links to be a link block."""
    out: set[int] = set()
    run: list[int] = []
    for n, line in enumerate([*lines, None]):
        if line is not None and not (len(line) >= CARD_PROSE_CHARS and line[-1] in ".!?…"):
            run.append(n)
            continue
        marks = [i for i in run if READ_MORE.match(lines[i]) or CARD_LINK.match(lines[i])]
        dated = [i for i in run if is_meta_line(lines[i])]
        if len(marks) >= CARD_MIN and len(dated) >= CARD_MIN:
            # the first card opens at most CARD_LEAD lines before its first date or link,
            # under at most one heading (no sentence): short lines before are the article's
            opens = min(marks[0], dated[0]) - CARD_LEAD
            if opens - 1 in run and lines[opens - 1][-1] not in ".!?…":
                opens -= 1
            out.update(i for i in run if i >= opens)
        run = []
    return out


def tidy(paragraphs: list[str], rules: ArticleRules | None, title: str | None,
         subtitle: str | None, link_led: frozenset[str] = frozenset()
         ) -> tuple[list[str], list[str]]:
    """Clean, cut at end markers, drop credits, repeated headings, card lists and the lines
    of page furniture (crawler.extraction.boilerplate); return (body, in-body authors).

    The outlet's markers and the common calls to subscribe end the body wherever a paragraph
    starts with them; the common block headings only where the paragraph is such a heading.
    ``link_led``: the paragraphs that open with a link (``link_led_lines``)."""
    own = rules.cut_markers if rules else ()
    markers = own + _COMMON_CALLS
    block_markers = tuple(m for m in COMMON_HEADING_MARKERS if m not in own)
    patterns = (rules.drop_paragraph_patterns if rules else ()) + _COMMON_DROP_PATTERNS
    author_line = rules.author_line_pattern if rules else None
    headings = {clean_line(h).casefold() for h in (title, subtitle) if h}
    body: list[str] = []
    authors: list[str] = []
    credits: list[tuple[int, list[str]]] = []  # (where in the body, the writers a credit names)
    lines = clean_paragraphs(paragraphs)
    cards = card_lists(lines)
    skip = 0
    for n, line in enumerate(lines):
        if skip:
            skip -= 1
            continue
        if n in cards and not (author_line and author_line.match(line)):
            continue
        if _markers_opening(line, markers):
            if _call_mid_text(lines, n):
                continue
            break
        if readers_comments(lines, n):
            break
        if _block_heading(line, block_markers) and not _subheading(lines, n, block_markers):
            skip = _inline_insert(lines, n, link_led)
            if skip is None and body:
                break
            if skip is None:  # a block above the text (trafilatura's order): no end of it
                skip = _headlines_above(lines, n)
            continue
        if author_line and (match := author_line.match(line)):
            if match.group(1):  # a row's group may match nothing ("(Автор: .*)?")
                authors.append(clean_line(match.group(1)))
            continue
        if (line.casefold() in headings or READ_MORE.match(line) or is_card_line(line)
                or any(p.search(line) for p in patterns) or is_boilerplate_line(line)):
            if named := credited_writers(line):  # "Текст и фото: …" goes as a photo credit
                credits.append((len(body), named))
            continue
        body.append(line)
    start, end = _credit_edges(body, *details_edges(body))
    authors = authors or [name for at, names in credits if at <= start or at >= end
                          for name in names]
    authors = authors or [name for line in body[:start] + body[end:]
                          for name in (credited_writers(line) or [byline_author(line)]) if name]
    body = body[start:end]
    if body and (signed := signature(body[-1])):
        body.pop()
        authors = authors or [signed]
    # lines are clean already; only repeats that the removals made adjacent are left to drop
    return drop_repeats(body), authors


def _credit_edges(body: list[str], start: int, end: int) -> tuple[int, int]:
    """``start``/``end`` moved past the writers' credit lines at the text's edges ("Авторы:
    Иван Петров, Анна Смирнова", "Аўтар: Леонардо да Винчи"), which the details lines' byline
    pattern does not read (two names, a particle): a credit, no paragraph."""
    while start < end and credited_writers(body[start]):
        start += 1
    while end > start and credited_writers(body[end - 1]):
        end -= 1
    return start, end


def signature(line: str) -> str | None:
    """The author a district paper's closing signature names ("Текст и фото Анны
    ИВАНОВОЙ" → "Анны ИВАНОВОЙ", as printed), None for any other line: a signature ends
    the article, it is no paragraph of it."""
    if len(line) > 80:
        return None
    match = _SIGNATURE.fullmatch(line) if line[:1].isupper() else None
    if match is None:
        return None
    return clean_line(match.group("by") or match.group("name"))


def without_printed_date(paragraphs: list[str], published: str | None) -> list[str]:
    """``paragraphs`` without the printed date glued to the start of the first one
    ("05.01.2026 14:20 В Шкловском районе…": Bitrix's date element opens a body of
    <br>-parted text, so both are one run): split off when it is exactly the article's
    date (``published``, to the minute, or its day when it prints no time) and a sentence
    starts after it. "05.01.2026 в Шклове прошёл…" is prose that opens with a date: kept. The
    date alone as one of the first DATE_LINE_REACH paragraphs (a lead above the date) goes."""
    if not paragraphs or not published:
        return paragraphs
    try:
        stated = datetime.fromisoformat(published)
    except ValueError:
        return paragraphs
    moment = stated.replace(tzinfo=None)
    for at, paragraph in enumerate(paragraphs[:DATE_LINE_REACH]):
        opening = next(human_dates(paragraph[:80]), None)
        if opening is None or opening[0] != 0:
            continue
        # (a zone it prints, "10:00 GMT": its instant in the published date's zone, and the
        # zone's words the date line's)
        printed, end = with_printed_zone(paragraph, 0, opening[1], opening[2])
        if printed.tzinfo is not None and stated.tzinfo is not None:
            printed = printed.astimezone(stated.tzinfo).replace(tzinfo=None)
        same = printed == moment.replace(second=0, microsecond=0) or (
            day_only(printed) and printed.date() == moment.date())
        rest = paragraph[end:].lstrip(" ,.|—–-")
        if same and not rest:  # the date a line of its own (under a lead set above it)
            return paragraphs[:at] + paragraphs[at + 1:]
        if same and at == 0 and opens_sentence(rest):
            return [rest, *paragraphs[1:]]
    return paragraphs


DATE_LINE_REACH = 3  # paragraphs a printed date line of its own is looked for in


def without_bylines(paragraphs: list[str], authors: list[str]) -> list[str]:
    """``paragraphs`` without a line that is one of the page's ``authors`` alone, among the
    first DATE_LINE_REACH or the last: the byline printed beside the date (``<span
    itemprop="author">``), which the generic text takes with the body when a redesign renamed
    the body's block. A name further inside the text (an interview's speaker) stays."""
    names = {clean_line(a).casefold() for a in authors if a}
    if not names or not paragraphs:
        return paragraphs
    last = len(paragraphs) - 1
    return [p for n, p in enumerate(paragraphs)
            if not ((n < DATE_LINE_REACH or n == last) and p.casefold() in names)]


def outlet_generic(tree: etree._Element, url: str, rules: ArticleRules | None) -> list[str]:
    """The generic extractor's paragraphs without the outlet's own promo blocks (``drop``),
    which a redesign that renamed the body leaves for the generic text to take. Were a drop
    rule to match the article's wrapper after a redesign, the page is read without them."""
    drop = rules.drop if rules else ()
    return ((drop and generic_paragraphs(tree, url, drop, embeds=True))
            or generic_paragraphs(tree, url, embeds=True))


def embeds_of(tree: etree._Element) -> int:
    """How many social posts the page embeds: those the outlet's generic text left out."""
    return drop_embeds(deepcopy(tree))


SHORT_RULE_CHARS = 500  # a rule body shorter than this is weighed against the generic text
MIN_MORE_PROSE = 2  # prose paragraphs the generic text must add to show the body moved


def only_a_part(paragraphs: list[str], generic: list[str]) -> bool:
    """Whether a rule's body is not the article the generic extractor finds but a part of it,
    or a block apart from it: every paragraph of it is there, or none is, and the generic text
    has MIN_MORE_PROSE paragraphs of prose and twice its text more. A redesign that left the
    body's selector on the lead or summary block, or on a sidebar promo, and moved the text to
    a new block makes the rule seem to match (the item would be that block, and no miss)."""
    own = set(paragraphs)
    extra = [p for p in generic if p not in own]
    return (bool(extra) and (own <= set(generic) or len(extra) == len(generic))
            and sum(is_prose(p) for p in extra) >= MIN_MORE_PROSE
            and sum(map(len, extra)) >= 2 * sum(map(len, paragraphs)))


def extract_body(tree: etree._Element, url: str, rules: ArticleRules | None, title: str | None,
                 subtitle: str | None, provenance: Provenance | None = None
                 ) -> tuple[list[str], list[str], str]:
    """Body paragraphs, authors named inside the body, and which method produced them.

    A body selector that matches nothing or less than ``MIN_BODY_CHARS`` is a miss:
    ``provenance`` records it and that the generic extractor gave the text. A body block that
    ends in a "read more" link is a teaser: method ``TEASER`` (no article from this page).
    When the generic extractor finds no body, or a much shorter start of the text the page
    carries as data (JSON-LD ``articleBody``, a client-side app's state), that text is the body:
    method ``json-ld`` or ``app-state`` (crawler.extraction.structured)."""
    prov = provenance if provenance is not None else Provenance()
    generic: list[str] | None = None
    fuller: tuple[list[str], list[str]] | None = None  # the generic text, tidied
    if rules and rules.body:
        spec, found, teaser = rule_paragraphs(tree, rules, title, prov)
        if teaser is not None:
            generic = outlet_generic(tree, url, rules)
            if not teaser_elsewhere(found, generic):
                prov.record(rules, "text", None)
                return [], [], TEASER
        else:
            paragraphs, authors = tidy(found, rules, title, subtitle,
                                       link_led_lines(tree, rules, title))
            chars = sum(map(len, paragraphs))
            # a block whose own text is short once its posts went is the article still
            if spec and paragraphs and (chars >= MIN_BODY_CHARS or prov.embeds):
                if chars < SHORT_RULE_CHARS:  # a short match may be the lead of a moved body
                    generic = outlet_generic(tree, url, rules)
                    fuller = tidy(generic, rules, title, subtitle)
                if chars >= SHORT_RULE_CHARS or not only_a_part(paragraphs, fuller[0]):
                    prov.record(rules, "text", rule_source(spec))
                    return paragraphs, authors, "rules"
    if generic is None:
        generic = outlet_generic(tree, url, rules)
    prov.embeds = embeds_of(tree) if rules else 0  # outlet_generic left them out
    paragraphs, authors = fuller if fuller is not None else tidy(generic, rules, title, subtitle)
    if (found := structured_fallback(tree, paragraphs, title, subtitle)) is not None:
        paragraphs, authors = tidy(found.paragraphs, rules, title, subtitle)
        prov.record(rules, "text", found.source if paragraphs else None)
        return paragraphs, authors, found.method
    if not body_chars(paragraphs, title, subtitle):  # headline, subtitle, date line: no body
        paragraphs = []
    prov.record(rules, "text", GENERIC if paragraphs else None)
    return paragraphs, authors, "generic"


# an excerpt a CMS writes from the text itself (Ghost's ``{{excerpt}}``, WordPress' auto
# excerpt, a "lead" block filled from the body): at least this many words, to be told apart
EXCERPT_MIN_WORDS = 6
_CUT_END = re.compile(r"(?:…|\.\.\.|\[…\]|\[\.\.\.\])\s*$")


def without_excerpt_repeat(paragraphs: list[str]) -> list[str]:
    """``paragraphs`` without a first one that is only the opening of the text after it: a
    deck block a theme fills with the article's automatic excerpt (its first words, cut, with
    or without "…"), set above the body, which a generic reading takes as a paragraph of its
    own and the text then says twice. A deck of its own words (a written standfirst) stays,
    and so does any first paragraph the rest does not open with word for word."""
    if len(paragraphs) < 2:
        return paragraphs
    words = folded_words(_CUT_END.sub("", paragraphs[0]))
    if len(words) < EXCERPT_MIN_WORDS:
        return paragraphs
    after = folded_words(" ".join(paragraphs[1:1 + len(words)]))
    whole, last = words[:-1], words[-1]
    if after[:len(whole)] == whole and len(after) > len(whole) \
            and after[len(whole)].startswith(last):
        return paragraphs[1:]
    return paragraphs

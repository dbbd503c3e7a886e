"""The article on a generic page, and the dates printed with it.

Pages carry dates that are not the article's: a header with today's date, a sidebar of
"popular" news with theirs, an "Updated" stamp beside "Published". The article is the element
holding its headline and its body; a date inside it, nearest the headline and not labelled as
an update, is the article's own. Outlet rules know where their dates sit; this is for the rest.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cached_property
from itertools import islice, takewhile

from lxml import etree

from crawler.extraction import dates
from crawler.extraction.html import block_runs, select_nodes, spaced_text, text_content
from crawler.extraction.normalize import clean_line, folded_words

# Blocks of other content: menus, sidebars, widgets, lists of other news, comments.
_CHROME_TAGS = frozenset({"nav", "aside"})
_CHROME = re.compile(r"sidebar|widget|popular|related|most-?read|recommend|comment|menu|"
                     r"breadcrumb|ticker|teaser", re.IGNORECASE)
# Headings that name the site rather than the article (a logo in an <h1>).
_LOGO = re.compile(r"logo|site-?(?:title|name|branding)|brand|masthead", re.IGNORECASE)
_ARTICLE_TYPE = re.compile(r"(?:Article|Posting)$")
# A stamp's class or itemprop: "updated" alone is the edit time, but WordPress themes mark the
# published one "entry-date published updated" (hAtom), so a published mark wins.
_MODIFIED_MARK = re.compile(r"modif|updat|edited", re.IGNORECASE)
_PUBLISHED_MARK = re.compile(r"publish|entry-date|posted|created", re.IGNORECASE)
# Labels written before a date, Russian, Belarusian, Ukrainian, English, Polish, German.
_MODIFIED_LABEL = re.compile(
    r"обновл|изменен|отредактир|абноўл|зменен|адрэдаг|оновл|змінен|відредаг|updated|modified|"
    r"edited|zaktualizowan|aktualizacj|aktualisiert|geändert", re.IGNORECASE)
_PUBLISHED_LABEL = re.compile(
    r"опублик|публикац|апублік|публікац|опублік|дата|published|posted|opublikowan|"
    r"veröffentlicht", re.IGNORECASE)
_WORDS = re.compile(r"[^\W\d_]{2,}")
_LABEL_WORD = re.compile(r"[^\W\d_]+\s*:")
MAX_DATELINE_CHARS = 200  # a run longer than this is prose, not a dateline
MAX_DATELINE_WORDS = 4  # words besides the date and its labels (an author, a rubric)
MIN_YEAR = 1990  # older "dates" in a dateline are history, not publication
MAX_LABEL_NODES = 20  # a sibling with more elements is a block, not a label
STAMP_CLOCK_SLACK = timedelta(minutes=2)  # a Unix stamp against the clock its element prints
MAX_TIME_LEVELS = 2  # a dateline's day and time sit in sibling blocks, not further apart
MAX_COMPARED = 50  # candidates placed by page order (each placement counts nodes in C)
# an inline element holding a date alone where its run goes on into prose
_INLINE_DATE = frozenset({"span", "time", "b", "strong", "i", "em", "small", "font"})
MAX_INLINE_DATE_CHARS = 40
MAX_INLINE_SCANNED = 5  # inline elements of a run looked at for its opening date


def title_key(text: str) -> str:
    """A headline reduced to its words, to compare an <h1> with og:title or JSON-LD."""
    return " ".join(folded_words(clean_line(text)))


def same_headline(heading: str, title: str) -> bool:
    """Whether two headlines are one: equal words, or one is the other plus a site name
    ("Title | Site", "Title — Site")."""
    a, b = title_key(heading), title_key(title)
    if not a or not b:
        return False
    short, long_ = sorted((a, b), key=len)
    return a == b or (long_.startswith(short + " ") and len(short) >= 0.5 * len(long_))


def word_count(text: str) -> int:
    """Words of a headline as titles are compared (``title_key``)."""
    return len(title_key(text).split())


# A rubric's or kind's label set inside the headline element ("<h1><span class="rubric">
# Общество</span> Заголовок</h1>"): its class or id names it so
_RUBRIC_MARK = re.compile(r"rubri|categor|(?:^|[\s_-])cat(?:$|[\s_-])|section|razdel|kicker|"
                          r"label|badge|tag|topic|eyebrow|overline", re.IGNORECASE)
MAX_RUBRIC_WORDS = 3
_LABEL_SEPARATOR = " |/—–-:·•»"


def headline_text(node: etree._Element, stated: Sequence[str] = ()) -> str:
    """The text of a headline element without a rubric's label set first or last inside it
    (a child of a few words, the rest the headline): the title is the headline, and a label
    in it also hid that the page's stated titles (``stated``: og:title, JSON-LD, <title>)
    agree with the heading. Evidence it is a label: its class names one (``_RUBRIC_MARK``),
    it is the headline's only link (to the rubric), or a stated title is the rest; none when
    a stated title is the whole text ("<h1><a href="/tag/…">Лукашенко</a> посетил …</h1>")."""
    text = clean_line(spaced_text(node))
    children = [child for child in node if isinstance(child.tag, str) and child.tag != "br"]
    if not children or title_key(text) in {title_key(t) for t in stated}:
        return text
    ends = ([(children[0], True)] if not (node.text or "").strip() else []) + \
        ([(children[-1], False)] if not (children[-1].tail or "").strip() else [])
    for child, first in ends:
        label = clean_line(spaced_text(child))
        rest = (text.removeprefix(label).lstrip(_LABEL_SEPARATOR) if first
                else text.removesuffix(label).rstrip(_LABEL_SEPARATOR))
        if (label and rest != text and not rest[:1].islower()
                and 0 < word_count(label) <= MAX_RUBRIC_WORDS and word_count(rest) >= 2
                and _rubric_label(node, child, rest, stated)):
            return rest
    return text


def _rubric_label(node: etree._Element, child: etree._Element, rest: str,
                  stated: Sequence[str]) -> bool:
    """Whether ``child`` of the headline ``node`` is a label beside the headline ``rest``."""
    if any(_RUBRIC_MARK.search(f"{el.get('class') or ''} {el.get('id') or ''}")
           for el in child.iter(etree.Element)):
        return True
    links = [a for a in node.iter("a") if a.get("href")]
    if links and all(a in set(child.iter("a")) for a in links):
        return True
    return any(same_headline(rest, t) for t in stated)


def _marks(node: etree._Element) -> str:
    return " ".join(node.get(name) or "" for name in ("class", "id", "itemprop"))


def logo_heading(node: etree._Element) -> bool:
    """A heading that holds the site's logo or name: marked so, in the site's header (the
    <header> with the menu), or a link to the home page."""
    for el in (node, *node.iterancestors()):
        if el.tag in ("article", "main", "body"):
            break
        if _LOGO.search(_marks(el)) or (el.tag == "header"
                                        and next(el.iter("nav"), None) is not None):
            return True
    return any((a.get("href") or "").strip() in ("/", "./", "#") or
               re.fullmatch(r"https?://[^/]+/?", (a.get("href") or "").strip())
               for a in node.iter("a"))


def _last_label_is_modified(text: str) -> bool:
    """Whether the label nearest the end of ``text`` says "updated" rather than "published"."""
    modified = [m.end() for m in _MODIFIED_LABEL.finditer(text)]
    published = [m.end() for m in _PUBLISHED_LABEL.finditer(text)]
    return bool(modified) and max(modified) > max(published, default=-1)


def _text_before(node: etree._Element, limit: int = 60) -> str:
    """The text just before ``node`` back to the previous date element (a label there is that
    date's): its own level first, then its parent's, grandparent's."""
    parts: list[str] = []
    el = node
    for _level in range(3):
        sibling = el.getprevious()
        while sibling is not None and sum(map(len, parts)) < limit:
            parts.append(sibling.tail or "")
            if sibling.tag == "time" or next(sibling.iter("time"), None) is not None or \
                    next(islice(sibling.iter(), MAX_LABEL_NODES, None), None) is not None:
                # another date (a label there is its own), or a whole block: no label
                return clean_line("".join(reversed(parts)))[-limit:]
            parts.append(text_content(sibling))
            sibling = sibling.getprevious()
        parent = el.getparent()
        if parent is None:
            break
        parts.append(parent.text or "")
        if clean_line("".join(parts)):
            break
        el = parent
    return clean_line("".join(reversed(parts)))[-limit:]


def marked_modified(node: etree._Element) -> bool | None:
    """Whether the marks (class, id, itemprop) of ``node`` or else its parent say it holds the
    update time (True) or the publication's (False); None when they say neither."""
    for el in (node, node.getparent()):
        if el is None:
            continue
        marks = _marks(el)
        if _MODIFIED_MARK.search(marks) and not _PUBLISHED_MARK.search(marks):
            return True
        if _PUBLISHED_MARK.search(marks):
            return False
    return None


def _without_update(text: str, holder: etree._Element) -> str:
    """A run's ``text`` without what its first element, ``holder``, prints when that is
    marked as the update (``<span class="updated">01.12.2026</span> <span>30.11.2026</span>``:
    the run read as the update's date); all of it when the rest is not the run's end."""
    if not marked_modified(holder):
        return text
    own = clean_line(text_content(holder))
    text = clean_line(text)
    return text[len(own):] if own and text.startswith(own) else ""


def modified_stamp(node: etree._Element) -> bool:
    """A date element that holds the update time: marked so (class, itemprop) on itself or its
    parent, or labelled "Обновлено", "Абноўлена", "Оновлено", "Updated" just before it."""
    if (marked := marked_modified(node)) is not None:
        return marked
    own = clean_line(text_content(node))
    if _MODIFIED_LABEL.search(own) or _PUBLISHED_LABEL.search(own):
        return _last_label_is_modified(own)
    return _last_label_is_modified(_text_before(node))


_DAY_ONLY = re.compile(r"\s*(\d{4}-\d{2}-\d{2})\s*$")


def with_shown_time(node: etree._Element, value: str, now: datetime | None = None) -> str:
    """``value`` read from ``node`` (a ``<time datetime="2025-09-12">``), or the moment the
    element prints when ``value`` names only its day: "12 верасня 2025, 16:55" (as a naive
    ISO string: the site's wall clock; with its offset when it prints its zone). The day
    alone was read as midnight."""
    day = _DAY_ONLY.match(value)
    if day is None:
        return value
    shown = dateline_date(clean_line(spaced_text(node))[:200], now)
    if shown is None or shown.date().isoformat() != day.group(1) or not (
            shown.hour or shown.minute):
        return value
    return shown.isoformat(timespec="minutes")  # (naive: the site's wall clock; or its zone)


# An update label right before its date: "Обновлено: ", "Дата обновления — ", "Updated on "
_UPDATE_LABEL_BEFORE = re.compile(
    r"(?:" + _MODIFIED_LABEL.pattern + r")[^\W\d_]*\.?\s*(?:[:—–-]\s*)?"
    r"(?:(?:в|во|у|о|on|at|am)\s+)?$", re.IGNORECASE)


def _words_besides(text: str, spans: Sequence[tuple[int, int]]) -> int:
    """How many words ``text`` holds besides its dates (``spans``) and their labels: more
    than a dateline's few (an author, a rubric) is a sentence."""
    rest = text
    for start, end in reversed(spans):
        rest = rest[:start] + " " + rest[end:]
    rest = _PUBLISHED_LABEL.sub(" ", _MODIFIED_LABEL.sub(" ", _LABEL_WORD.sub(" ", rest)))
    return len(_WORDS.findall(rest))


def dateline_date(text: str, now: datetime | None = None) -> datetime | None:
    """The publication date a short run of text states ("Опубликовано: 12 марта 2026, 14:05 |
    Иван Петров"; with ``now``, the site's wall clock at the fetch, "Сегодня, 07:20"), or
    None when the run is prose that mentions a date, or only an update."""
    text = clean_line(text)
    if not text or len(text) > MAX_DATELINE_CHARS:
        return None
    found = list(_zoned_dates(text, now))
    if not found and (iso := dates.parse_iso(text)) and (match := dates.ISO_PATTERN.search(text)):
        found = [(match.start(), match.end(), iso.replace(tzinfo=None))]
    rest = text
    for start, end, _moment in reversed(found):
        rest = rest[:start] + " " + rest[end:]
    rest = _PUBLISHED_LABEL.sub(" ", _MODIFIED_LABEL.sub(" ", _LABEL_WORD.sub(" ", rest)))
    words = len(_WORDS.findall(rest))
    if not found or words > MAX_DATELINE_WORDS or (words >= 3 and text[-1] in ".!?…"):
        return None
    before = 0
    for start, end, moment in found:
        if not _last_label_is_modified(text[before:start]) and moment.year >= MIN_YEAR:
            return moment
        before = end
    return None


def _zoned_dates(text: str, now: datetime | None) -> Iterator[tuple[int, int, datetime]]:
    """The dates ``text`` prints (:func:`dates.human_dates`) as (start, end, moment), each
    with the zone printed after its clock ("14:05 (мск)", "10:00 GMT", "по Москве":
    :func:`dates.with_printed_zone`) read into its moment, aware then, and its words into
    its span; naive (the outlet's wall clock) without one."""
    for start, end, moment, _worded in dates.human_dates(text, now):
        moment, end = dates.with_printed_zone(text, start, end, moment)
        yield start, end, moment


# what may open a sentence before its capital: a quote's opening mark ("«Решения, которые…»")
_SENTENCE_OPENING = re.compile(r"[«„“\"'‹‚]?\s*(?=[^\W\d_])")


def opens_sentence(text: str) -> bool:
    """Whether ``text`` starts a sentence: a capital, or an opening quote mark before one (a
    lead that quotes someone: "«Решения, которые мы принимаем…» — отметил он")."""
    match = _SENTENCE_OPENING.match(text)
    return match is not None and text[match.end():match.end() + 1].isupper()


def _opening_date(text: str, holder: etree._Element, now: datetime | None) -> datetime | None:
    """The date of an inline element that opens a run of prose alone (Bitrix's ``<span
    class="news-date-time">`` before a body of <br>-parted text: date and prose are one run,
    too long for a dateline), or None. A sentence must start after it: "<b>5 января
    2026</b> в Шклове прошёл…" is prose that opens with a date."""
    text = clean_line(text)
    for el in islice(holder.iter(*_INLINE_DATE), MAX_INLINE_SCANNED):
        own = clean_line(text_content(el))
        if own and len(own) <= MAX_INLINE_DATE_CHARS and text.startswith(own):
            after = text[len(own):].lstrip(" ,.|—–-")
            return dateline_date(own, now) if opens_sentence(after) else None
    return None


# The attributes a CMS gives a printed day its time in, shown on hover (uCoz's ``<span
# title="14:20">05.01.2026</span>``), and the time or moment they hold
_TIME_ATTRIBUTES = ("title", "data-time")
_CLOCK_VALUE = re.compile(r"\s*([01]?\d|2[0-3])[:.]([0-5]\d)(?::[0-5]\d)?\s*")
MAX_TIME_ATTRIBUTE_NODES = 50  # elements of a dateline's block looked at


def attribute_time(holder: etree._Element, moment: datetime, now: datetime | None = None
                   ) -> datetime | None:
    """``moment`` (a day printed alone in ``holder``) at the time an element printing that day
    carries in an attribute: a clock ("14:20") or a moment of the same day ("05.01.2026
    14:20"); None without one. The day alone was read as midnight."""
    for el in islice(holder.iter(etree.Element), MAX_TIME_ATTRIBUTE_NODES):
        values = [v for v in (el.get(name) for name in _TIME_ATTRIBUTES) if v and v.strip()]
        if not values or dateline_date(text_content(el), now) != moment:
            continue
        for value in values:
            if clock := _CLOCK_VALUE.fullmatch(value):
                return moment.replace(hour=int(clock[1]), minute=int(clock[2]))
            shown = dateline_date(value, now)
            if shown is not None and shown.date() == moment.date() and (
                    shown.hour or shown.minute):
                return shown
    return None


# A number the markup names as a rating, a price, a count or a score ("<span
# class="rating">4.50</span> · 13.05.2026"): printed before a date, its text is a clock's
# ("14.50 · 13.05.2026" is one on some sites), and it was read as the time. Only an element
# holding a number alone: a date line marked so ("post-rating-and-date") keeps its date.
_NUMBER_MARK = re.compile(r"(?:^|[-_\s])(?:rating\w*|price|cost|score|votes?|views?|counter|"
                          r"count|likes?|stars?|hits)(?:$|[-_\s])", re.IGNORECASE)
_A_NUMBER = re.compile(r"[^\w:]*\d[\d\s.,]*[^\w:]*")


# A price's mark, and a sum of a date's shape a price prints ("12.05.20"): a two-digit year
_MONEY_MARK = re.compile(r"price|cost|amount|currency", re.IGNORECASE)
_DOTTED_SUM = re.compile(r"[^\w:]*\d{1,2}\.\d{1,2}\.\d{2}[^\w:]*")


def marked_number(el: etree._Element) -> bool:
    """Whether ``el`` is a number its markup names a rating, price or count (:data:`_NUMBER_MARK`):
    no clock of a date line, whatever its shape. A date alone in such an element
    ("<div class=post-rating-and-date>13.05.2026</div>") is the date, not a number, but in a
    price's element one of a two-digit year ("<span class=price>12.05.20</span>") is a sum."""
    marks = _marks(el)
    if not _NUMBER_MARK.search(marks):
        return False
    text = text_content(el).strip()
    if not _A_NUMBER.fullmatch(text):
        return False
    return not any(dates.human_dates(text)) or bool(
        _MONEY_MARK.search(marks) and _DOTTED_SUM.fullmatch(text))


def _without_marked_numbers(el: etree._Element) -> str:
    """:func:`spaced_text` of ``el`` without its marked numbers (:func:`marked_number`)."""
    if not any(marked_number(inner) for inner in el.iterdescendants(etree.Element)):
        return spaced_text(el)
    return " ".join(text for text, _holder in block_runs(el, marked_number, sep=" "))


def chrome(el: etree._Element) -> bool:
    """A menu, sidebar or widget element. ``<body>`` and ``<html>`` never are: their classes
    describe the page's layout (WordPress' ``right-sidebar``), and would make all of it chrome."""
    if el.tag in ("body", "html"):
        return False
    return el.tag in _CHROME_TAGS or bool(_CHROME.search(_marks(el)))


def _in_chrome(node: etree._Element, keep: frozenset[etree._Element]) -> bool:
    """Whether ``node`` sits in a menu, sidebar or widget other than the elements ``keep``
    (some themes put a "sidebar" class on the wrapper around the article itself)."""
    return any(chrome(el) and el not in keep for el in (node, *node.iterancestors()))


# Unix time in a date element's data attributes: seconds (10 digits) or milliseconds (13),
# on a <time> or an element whose marks name a date; the earliest year any outlet wrote
_UNIX_ATTRIBUTES = ("data-timestamp", "data-time", "data-published", "data-date", "data-unix")
_UNIX_VALUE = re.compile(r"\s*(\d{10}|\d{13})\s*")
# a date mark is a word of its own in the class or id ("post-date", "entry_time"), never a
# part of another ("candidate", "validate", "update")
_DATE_MARK = re.compile(r"(?:^|[\s_-])(?:date|time|datetime|timestamp|pubdate|published?|"
                        r"posted|created)(?=$|[\s_-])", re.IGNORECASE)
EARLIEST_UNIX = datetime(1995, 1, 1, tzinfo=UTC)
UNIX_SLACK = timedelta(days=1)  # a clock ahead of the fetcher's


def unix_moment(el: etree._Element, latest: datetime) -> datetime | None:
    """The UTC moment a date element's Unix timestamp attribute gives, between
    EARLIEST_UNIX and ``latest`` (aware) plus UNIX_SLACK; None for any other element or
    value (an id, a counter, a millisecond value read as seconds)."""
    if el.tag != "time" and not _DATE_MARK.search(_marks(el)):
        return None
    for name in _UNIX_ATTRIBUTES:
        if (value := _UNIX_VALUE.fullmatch(el.get(name) or "")) is None:
            continue
        seconds = int(value[1]) / (1000 if len(value[1]) == 13 else 1)
        moment = datetime.fromtimestamp(seconds, UTC).replace(microsecond=0)
        if EARLIEST_UNIX <= moment <= latest + UNIX_SLACK:
            return moment
    return None


MIN_PARAGRAPH_CHARS = 80
_LINES_BLOCKS = frozenset({"td", "div"})


def _paragraph(el: etree._Element) -> bool:
    """A paragraph of prose: a ``<p>`` of MIN_PARAGRAPH_CHARS, or a cell or ``<div>`` whose
    own text is that long, lines parted by ``<br>`` (uCoz's ``td.eMessage``: no ``<p>`` in
    the body, so the article's table, its date row with it, was never found)."""
    if el.tag == "p":
        return len(text_content(el).strip()) >= MIN_PARAGRAPH_CHARS
    if el.tag not in _LINES_BLOCKS:
        return False
    own = len((el.text or "").strip())
    for child in el:
        own += len((child.tail or "").strip()) if child.tag == "br" else 0
    return own >= MIN_PARAGRAPH_CHARS


@dataclass
class ArticleDates:
    """The article's place on a page (its headline and container) and the dates around it."""

    tree: etree._Element
    title: str | None = None
    now: datetime | None = None  # the site's wall clock at the fetch: what "Сегодня" names
    _order: dict[etree._Element, int] = field(default_factory=dict, repr=False)

    @cached_property
    def headline(self) -> etree._Element | None:
        """The heading that carries the title, else the first <h1> that is no site logo."""
        every = select_nodes(self.tree, "h1, h2, h3, [itemprop=headline]")
        heads = [h for h in every if not _in_chrome(h, frozenset())]
        if self.title:
            # outside chrome first; else an <h1> under a wrapper a theme marked "sidebar"; an
            # element whose class names a title carries it where no heading does (uCoz's
            # td.eTitle, the date printed in its table's last row)
            named = select_nodes(self.tree, "h1, h2, h3, [itemprop=headline], [class*='itle'], "
                                            "[class*='eadline']")
            titled = [h for h in named
                      if same_headline(headline_text(h, (self.title,)), self.title)]
            heads += [h for h in titled if h not in every and not _in_chrome(h, frozenset())]
            match = next((h for h in titled if h in heads), None)
            if match is None:  # an element without children is falsy: no `or` here
                match = next((h for h in titled if h.tag == "h1"), None)
            if match is not None:
                return match
        return next((h for h in heads if h.tag == "h1" and not logo_heading(h)), None)

    @cached_property
    def _headline_line(self) -> frozenset[etree._Element]:
        """The headline and every element above it: never chrome to skip."""
        anchor = self.headline
        return frozenset((anchor, *anchor.iterancestors())) if anchor is not None else frozenset()

    def in_chrome(self, node: etree._Element) -> bool:
        return _in_chrome(node, self._headline_line)

    @cached_property
    def container(self) -> etree._Element | None:
        """The element holding the article: an <article> (or schema.org Article) around the
        headline, else the smallest element holding the headline and the body's first
        paragraph; without a headline, the page's first <article>, else the block around the
        first paragraph of prose."""
        anchor = self.headline
        if anchor is None:
            found = select_nodes(self.tree, "article, [itemtype$=Article], [itemtype$=Posting]")
            return found[0] if found else self._around_first_paragraph()
        for el in anchor.iterancestors():
            if el.tag in ("body", "html"):
                break
            if el.tag == "article" or _ARTICLE_TYPE.search(el.get("itemtype") or ""):
                return el
        paragraph = self._body_start
        if paragraph is None:
            return anchor.getparent()
        ancestors = set(paragraph.iterancestors())
        return next((el for el in anchor.iterancestors() if el in ancestors), None)

    def _around_first_paragraph(self) -> etree._Element | None:
        """Without a headline or an <article>: the block two levels around the first
        paragraph of prose (``div.content > div.date + div.text > p``), where an old
        layout prints the date line beside the text."""
        paragraph = self._first_paragraph_after(None)
        if paragraph is None:
            return None
        holder = paragraph
        for _ in range(2):
            parent = holder.getparent()
            if parent is None or parent.tag in ("body", "html"):
                break
            holder = parent
        return holder if holder is not paragraph else None

    def _first_paragraph_after(self, anchor: etree._Element | None) -> etree._Element | None:
        seen = anchor is None  # (None: from the page's start)
        for el in self.tree.iter():
            if el is anchor:
                seen = True
            elif seen and _paragraph(el) and not self.in_chrome(el):
                return el
        return None

    def order(self, node: etree._Element) -> int:
        """Where ``node`` stands in page order (counted in C, for the few nodes compared)."""
        if node not in self._order:
            self._order[node] = int(node.xpath("count(preceding::*) + count(ancestor::*)"))
        return self._order[node]

    def _shared_depth(self, node: etree._Element) -> int:
        """How deep the closest element holding both ``node`` and the headline sits."""
        line = self._headline_line
        return next((len(list(el.iterancestors())) for el in (node, *node.iterancestors())
                     if el in line), 0)

    def closest(self, nodes: list[etree._Element]) -> list[etree._Element]:
        """``nodes`` (in page order) by closeness to the headline: those sharing the deepest
        ancestor with it first, the nearest in page order among them first."""
        anchor = self.headline
        if anchor is None or len(nodes) < 2:
            return nodes
        depth = {n: self._shared_depth(n) for n in nodes}
        best = max(depth.values())
        near = [n for n in nodes if depth[n] == best][:MAX_COMPARED]
        here = self.order(anchor)
        near.sort(key=lambda n: abs(self.order(n) - here))
        return near + [n for n in nodes if n not in near]

    def inside(self, node: etree._Element) -> bool:
        container = self.container
        return container is not None and (node is container or container in
                                          node.iterancestors()) and not self.in_chrome(node)

    def time_stamps(self) -> tuple[str | None, str | None]:
        """The ``datetime`` of the article's <time> and of the page's first <time> (a fallback
        for when the article holds none); update stamps are neither."""
        stamps = [n for n in select_nodes(self.tree, "time[datetime]")
                  if dates.parse_any(n.get("datetime") or "") and not modified_stamp(n)]
        inside = self.closest([n for n in stamps if self.inside(n)])
        outside = [n for n in stamps if not self.in_chrome(n)] or stamps
        first = lambda found: (with_shown_time(found[0], found[0].get("datetime").strip(),  # noqa: E731
                                               self.now) if found else None)
        return first(inside), first(outside)

    def unix_stamp(self, latest: datetime, tz: tzinfo = UTC) -> str | None:
        """The moment (ISO, UTC) a Unix timestamp gives on the article's date element
        (``<span class="date" data-timestamp="1773298800">``, :func:`unix_moment`) in the
        head zone, the one closest to the headline; none on an update stamp, after the
        body's first paragraph (a list of more news) or outside the article. A stamp whose
        day (in ``tz``, the outlet's zone) is not the one its element, else the page's
        dateline, prints is an id or a cache's clock, not the date."""
        found = {n: moment for n in self._head_zone()
                 if (moment := unix_moment(n, latest)) is not None
                 and not self.in_chrome(n) and not modified_stamp(n)
                 and self._agrees_with_print(n, moment, tz)}
        closest = self.closest(list(found))
        return found[closest[0]].isoformat() if closest else None

    def _head_zone(self) -> Iterator[etree._Element]:
        """The article's elements before its body's first paragraph after the headline, in
        page order: where its own dateline stands."""
        container = self.container
        if container is None:
            return iter(())
        return takewhile(self._before_body, container.iter(etree.Element))

    @cached_property
    def _body_start(self) -> etree._Element | None:
        """The body's first paragraph of prose after the headline: the end of the head zone."""
        return self._first_paragraph_after(self.headline)

    @cached_property
    def _first_paragraph_part(self) -> frozenset[etree._Element]:
        """:attr:`_body_start` and the elements inside it (a set: asked of every element of
        the head zone's walk)."""
        paragraph = self._body_start
        return frozenset(paragraph.iter()) if paragraph is not None else frozenset()

    def _before_body(self, holder: etree._Element) -> bool:
        """Whether ``holder``, met walking the article in page order, still stands before its
        body (:attr:`_body_start`): neither that paragraph nor inside it."""
        return holder not in self._first_paragraph_part

    def _agrees_with_print(self, el: etree._Element, moment: datetime, tz: tzinfo) -> bool:
        """Whether ``moment`` (in ``tz``) is what ``el`` prints, else the page's dateline: the
        same day, and the same clock within STAMP_CLOCK_SLACK when the print has one (a
        render's or cache's clock falls on the day of a fresh article, hours after it); true
        when neither prints a date."""
        printed = dateline_date(clean_line(spaced_text(el))[:MAX_DATELINE_CHARS], self.now) \
            or self.visible()
        if printed is None:
            return True
        local = moment.astimezone(tz).replace(tzinfo=None)
        printed = dates.localise(printed, tz).replace(tzinfo=None)  # (a zone it printed)
        if local.date() != printed.date():
            return False
        return not (printed.hour or printed.minute) or abs(
            local - printed.replace(tzinfo=None)) <= STAMP_CLOCK_SLACK

    def _runs(self) -> Iterator[tuple[str, etree._Element]]:
        container, anchor = self.container, self.headline
        if container is None:
            return iter(())
        return block_runs(container, lambda el: el is anchor or marked_number(el) or (
            chrome(el) and el not in self._headline_line), sep=" ")

    def _with_time(self, holder: etree._Element, moment: datetime) -> datetime:
        """``moment``, printed as a day alone in ``holder``, with the time printed beside it
        on another line of the same dateline (``02.12.2026<br>10:15``, ``07:05<br>
        03.12.2026``, ``<div>1 декабря 2026</div><div>16:35</div>``) or in an attribute of
        the day's element (:func:`attribute_time`): each line is a run of its own, and an
        attribute no text, so the day alone was read as midnight. The blocks up to
        MAX_TIME_LEVELS above it are tried, each only while its text is still a dateline."""
        if moment.hour or moment.minute:
            return moment
        el: etree._Element | None = holder
        for _level in range(MAX_TIME_LEVELS):
            if el is None or el is self.container or el.tag in ("body", "html"):
                break
            shown = attribute_time(el, moment, self.now) or dateline_date(
                _without_marked_numbers(el), self.now)
            if shown is not None and shown.date() == moment.date() and (
                    shown.hour or shown.minute):
                return shown
            el = el.getparent()
        return moment

    @cached_property
    def _under_headline(self) -> frozenset[etree._Element]:
        """The elements after the headline and before the body's first paragraph, in page
        order: where the dateline of a page laid out flat in its ``<body>`` stands (``<h1>``,
        date line, text and side column all its children), which is no other column's; there
        every date shared only the ``<body>`` with the headline and the page had none. One
        walk, however many dates are asked about (empty without both ends)."""
        anchor, between = self.headline, []
        if anchor is None:
            return frozenset()
        walk = self.tree.iter()
        for el in walk:
            if el is anchor:
                break
        for el in walk:
            if _paragraph(el) and not self.in_chrome(el):
                return frozenset(between)
            between.append(el)
        return frozenset()

    @cached_property
    def update_days(self) -> frozenset[date]:
        """The days the article prints only as its update ("Обновлено: 01.12.2026",
        ``<span class="updated">``): a guess found there (htmldate's) is no publication day."""
        days: set[date] = set()
        for text, holder in self._runs():
            if len(text) > MAX_DATELINE_CHARS:
                continue
            text = clean_line(text)
            marked = len(text) - len(_without_update(text, holder))  # the update's own text
            before = 0
            for start, end, moment, _worded in dates.human_dates(text, self.now):
                if end <= marked or _last_label_is_modified(text[before:start]):
                    days.add(moment.date())
                before = end
        return frozenset(days)

    def _head_runs(self) -> Iterator[tuple[str, etree._Element]]:
        """The runs of the article's head zone: those before the body's first paragraph of
        prose after the headline (where its dateline stands); the body's, a list's, a related
        link's text are the article's subject, not its dateline."""
        return takewhile(lambda run: self._before_body(run[1]), self._runs())

    @cached_property
    def update_moments(self) -> tuple[datetime, ...]:
        """The moments the article's dateline prints as its update, in page order (naive: the
        site's wall clock; aware in a zone printed beside the clock): its modified time when no markup states one. Only a dateline of
        the head zone counts, and only a date right after an update label ("Обновлено:
        14.03.2026") or in an element marked as the update: "Обновлено расписание с 1 апреля"
        in the body is news, not the page's update."""
        moments: list[datetime] = []
        for text, holder in self._head_runs():
            text = clean_line(text)
            if not text or len(text) > MAX_DATELINE_CHARS:
                continue
            found = list(_zoned_dates(text, self.now))  # (a zone's words are its date's)
            if not found or _words_besides(text, [(s, e) for s, e, _m in found]) \
                    > MAX_DATELINE_WORDS:
                continue
            marked = len(text) - len(_without_update(text, holder))  # the update's own text
            before = 0
            for start, end, moment in found:
                if end <= marked or _UPDATE_LABEL_BEFORE.search(text[before:start]):
                    moments.append(moment)
                before = end
        return tuple(moments)

    def visible(self) -> datetime | None:
        """The date printed in the article near its headline (naive: the site's wall clock;
        aware in a zone printed beside the clock);
        read once (a walk of the page's text), however many readers ask."""
        return self._visible

    @cached_property
    def _visible(self) -> datetime | None:
        anchor = self.headline
        found: dict[etree._Element, datetime] = {}
        for text, holder in self._runs():
            text = _without_update(text, holder)
            moment = dateline_date(text, self.now)
            if moment is None:
                moment = _opening_date(text, holder, self.now)
            if moment is None or holder in found:
                continue
            if (anchor is not None and self._shared_depth(holder) <= 1
                    and holder not in self._under_headline):
                continue  # shares only <html>/<body> with the headline: another column
            found[holder] = self._with_time(holder, moment)
        closest = self.closest(list(found))
        return found[closest[0]] if closest else None

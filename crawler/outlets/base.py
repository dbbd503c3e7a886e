"""Outlets as data: who publishes, where articles live, how to find them, how to read them.

Modelled on Fundus' publishers: an :class:`Outlet` names the site and its URL shapes, its
:class:`Discovery` says where new and old articles are listed, and its :class:`ArticleRules`
say where title, dates, body and boilerplate sit in the markup. Rules are versioned by layout,
each valid from a date, so a page captured years ago is read with the rules of its time.
Code is only needed where data cannot say it (a listing date hook).
"""

from __future__ import annotations

import logging
import re
import string
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any, Protocol
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import re2
import regex

from archive.urls import has_www_label, site_host

logger = logging.getLogger(__name__)

# Selector syntax: "css selector" reads the element's text; "css selector @attr" reads an attribute.


def ascii_host(host: str) -> str:
    """A host as requests and responses carry it: lower case, no trailing dot, an
    internationalised name in punycode (``новости.бел`` → ``xn--b1amnebsh.xn--90ais``)."""
    host = host.lower().rstrip(".")
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:  # not a name IDNA can spell: compared as given
        return host


class UrlPattern(Protocol):
    """A compiled URL pattern: Python's ``re`` (built-in outlets) or RE2 (rows)."""

    def search(self, text: str) -> Any: ...


_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # the refusal is ours to word, not a line on stderr


def linear_regex(pattern: str) -> UrlPattern:
    """``pattern`` compiled with RE2, whose matching takes time linear in the text: a row's
    URL patterns run on every link of every page, on the reactor, and a pattern that
    backtracks (``(\\w+-?)+`` before an anchor that fails) blocked a crawl for good. ValueError
    for what RE2 cannot take (lookarounds, backreferences): it has no linear-time match."""
    try:
        return re2.compile(pattern, _RE2_OPTIONS)
    except re2.error as exc:
        reason = exc.args[0].decode(errors="replace") if exc.args and isinstance(
            exc.args[0], bytes) else str(exc)
        raise ValueError(
            f"{pattern!r} cannot be matched in linear time ({reason}): a row's URL patterns run "
            "on RE2, which takes no lookaround ((?=…), (?!…), (?<=…), (?<!…)) or backreference "
            "(\\1); leave such paths out with skip_paths instead") from None


# How long one paragraph pattern may take on one paragraph; how long a match may take before
# it counts as slow; how many slow matches a pattern may make before it is no longer applied
# (in this process). An ordinary match takes microseconds; a slow one backtracks, and would
# again on every paragraph of that shape.
PARAGRAPH_MATCH_SECONDS = 0.25
PARAGRAPH_SLOW_SECONDS = 0.05
PARAGRAPH_MATCH_STRIKES = 3


class ParagraphPattern:
    r"""A rule's paragraph pattern (``drop_paragraphs``, ``author_line``; case-insensitive),
    matched with the ``regex`` module under a time limit. Not RE2, as URL patterns are: these
    run on Cyrillic prose, where RE2's ``\w``, ``\s`` and ``\b`` are ASCII only (no
    letters, no no-break space). A row's pattern that backtracks (``^(.*?,){11}P``) held a
    page's extraction until its worker was killed, and an inline one for good: now a match
    that overruns is no match, logged; a slow one (even if it ends) is a strike too, and
    after three the pattern is left out, so it costs a process about a second at most."""

    def __init__(self, pattern: str, field_name: str) -> None:
        self.pattern, self.field_name = pattern, field_name
        self.compiled = regex.compile(pattern, regex.IGNORECASE | regex.V0)
        self.strikes = 0

    def _run(self, method: Callable[..., regex.Match[str] | None],
             text: str) -> regex.Match[str] | None:
        if self.strikes >= PARAGRAPH_MATCH_STRIKES:
            return None
        start = time.thread_time()  # CPU time: a busy machine's wait is no slow match
        try:
            found = method(text, timeout=PARAGRAPH_MATCH_SECONDS)
        except TimeoutError:
            self._strike(f"ran longer than {PARAGRAPH_MATCH_SECONDS} s", text,
                         "taken as no match")
            return None
        if (took := time.thread_time() - start) >= PARAGRAPH_SLOW_SECONDS:
            self._strike(f"took {took:.2f} s", text, "a slow match")
        return found

    def _strike(self, what: str, text: str, verdict: str) -> None:
        self.strikes += 1
        logger.warning("%s pattern %r %s on a paragraph of %d characters: %s%s",
                       self.field_name, self.pattern, what, len(text), verdict,
                       "; no longer applied in this process"
                       if self.strikes >= PARAGRAPH_MATCH_STRIKES else "")

    def search(self, text: str) -> regex.Match[str] | None:
        return self._run(self.compiled.search, text)

    def match(self, text: str) -> regex.Match[str] | None:
        return self._run(self.compiled.match, text)


def url_pattern(pattern: str, linear: bool) -> UrlPattern:
    """A URL pattern compiled with RE2 when it comes from a row (``linear``), else with re."""
    return linear_regex(pattern) if linear else re.compile(pattern)


class SiteRowError(ValueError):
    """A row (a district row or a site row) that cannot become an outlet; the message names
    the row and the field."""


@dataclass(frozen=True)
class ArticleRules:
    """Where an outlet's article markup keeps each field: one layout version.

    ``valid_from`` is the first day this layout was served; a capture is read with the newest
    version valid at its capture time. A new layout is a new version, never an edit of the old.
    """

    version: str
    valid_from: date = date.min
    title: tuple[str, ...] = ("h1",)
    subtitle: tuple[str, ...] = ()
    published: tuple[str, ...] = ()  # machine-readable (ISO) candidates, best first
    published_visible: tuple[str, ...] = ()  # the date a reader sees, to cross-check the above
    # the date a reader sees carries its time: one printed without it checks no hour (a miss)
    visible_time: bool = False
    # every page of the outlet carries a machine date (``published``): a page without one is
    # its markup changed (a miss), not a page dated by its printed day alone as ever
    machine_date: bool = False
    modified: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    default_authors: tuple[str, ...] = ()  # when the page names nobody (agency copy)
    section: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    body: tuple[str, ...] = ()  # first selector that matches holds the body
    drop: tuple[str, ...] = ()  # inside the body: inserts, banners, share blocks, captions
    cut_markers: tuple[str, ...] = ()  # a paragraph starting with one of these ends the body
    drop_paragraphs: tuple[str, ...] = ()  # regexes of whole paragraphs that are not body
    author_line: str | None = None  # regex with one group: an in-body "Автор: X" line

    @cached_property
    def drop_paragraph_patterns(self) -> tuple[ParagraphPattern, ...]:
        return tuple(ParagraphPattern(p, "drop_paragraphs") for p in self.drop_paragraphs)

    @cached_property
    def author_line_pattern(self) -> ParagraphPattern | None:
        return ParagraphPattern(self.author_line, "author_line") if self.author_line else None


# Boilerplate every outlet shares; outlet rules add to it.
COMMON_DROP = (
    "script", "style", "noscript", "iframe", "form", "button", "svg", "template", "figcaption",
    "figure", "aside", "nav", "[class*=share]", "[class*=social]", "[class*=subscribe]",
    "[class*=caption]", "[class*=banner]", "[class*=advert]", "[class*=related]",
    "[class*=comments]", "[class*=cookie]", "[class*=consent]",
    # embedded polls and promo boxes set between paragraphs (a redesign adds them unseen)
    "[class*=poll]", "[class*=quiz]", "[class*=survey]", "[class*=promo]", "[class*=donat]",
)
COMMON_CUT_MARKERS = ("Последние новости", "Читайте также", "Читайте нас в", "Популярное",
                      "Рекомендуем", "Подписывайтесь на", "Падпісвайцеся на",
                      "Підписуйтесь на", "Підписуйтеся на", "Следите за новостями",
                      "Сачыце за навінамі", "Стежте за новинами")
# Block headings that also open ordinary sentences ("Рекомендуем пешеходам быть внимательными…",
# "Последние новости показывают…"): unless an outlet names them, they end the body only as a
# heading (crawler.extraction.body). The calls to subscribe above end it whatever follows.
COMMON_HEADING_MARKERS = (
    "Последние новости", "Читайте также", "Популярное", "Рекомендуем",
    "Читайте таксама", "Чытайце таксама", "Апошнія навіны", "Папулярнае", "Рэкамендуем",
    "Читайте також", "Останні новини", "Популярне", "Рекомендуємо",
    "Read also", "Related articles", "Related news", "Latest news", "Most popular",
)
COMMON_DROP_PARAGRAPHS = (
    r"^(фото|видео|иллюстрация|инфографика|фота|відэа)\s*(:|—|-)\s*\S.{0,150}$",
    r"^(фото|фота)\s+[^.!?]{1,80}$",
    # a caption ending in its credit ("… 6 апреля 2023 года. Фото: пресс-служба")
    r"^.{0,250}[.!?»\s](фото|фота):\s*\S[^!?]{0,100}$",
    r"^читать новость$",
    r"^продолжая использовать наш сайт.*cookie",
    r"^(мы используем|мы выкарыстоўваем|ми використовуємо)\s.{0,40}cookie",
    # the advertiser's marking the law asks for ("Реклама. ООО «…», ИНН …, erid: …")
    r"^(реклама|рэклама)\b.{0,200}\b(инн|унп|огрн|erid)\b",
    # what an embedded post leaves beside its text: a tweet's "— Name (@handle) January 11,
    # 2026", a Telegram post's bare "t.me/channel/1234" (benchmark golds keep the first; the
    # seed format has no such line)
    r"^[—–-]\s*[^()]{1,80}\(@\w{1,30}\)\s+[^.!?]{0,40}\d{4}$",
    r"^(https?://)?(t\.me|telegram\.me|twitter\.com|x\.com|instagram\.com|vk\.com)/\S+$",
)


@dataclass(frozen=True)
class PageScheme:
    """How to ask a site for page N of a listing: path templates formatted with ``day``
    (a date, for day archives), ``path`` (the listing's own path) and ``page``.

    ``paged`` is None when later pages are reached by the page's "next" link instead.
    """

    first: str
    paged: str | None = None

    def url_path(self, page: int, day: date | None = None, path: str = "") -> str:
        template = self.first if page <= 1 or self.paged is None else self.paged
        return template.format(day=day, path=path, page=page)

    def day_of(self, target: str) -> date | None:
        """The day whose archive page ``target`` (a path, and "?" and its query) is, as
        :meth:`url_path` makes them; None for another page or a template it cannot read."""
        for pattern in self._day_patterns:
            if match := pattern.fullmatch(target):
                parts = {name[0]: int(value) for name, value in match.groupdict().items()}
                year = parts.get("Y") or 2000 + parts.get("y", -2000)
                try:
                    return date(year, parts["m"], parts["d"])
                except (KeyError, ValueError):
                    return None
        return None

    @cached_property
    def _day_patterns(self) -> list[re.Pattern[str]]:
        return [p for p in map(_day_pattern, (self.first, self.paged or "")) if p is not None]


_DAY_DIRECTIVES = {"%Y": r"\d{4}", "%y": r"\d\d", "%m": r"\d\d", "%d": r"\d\d"}


def _day_pattern(template: str) -> re.Pattern[str] | None:
    """A regex of the URLs a day-archive template makes, a group for each date part; None for
    no ``{day}`` or a directive it cannot read back (``%b``, ``%j``)."""
    out, fields = [], 0
    for literal, name, spec, _ in string.Formatter().parse(template):
        out.append(re.escape(literal))
        if name == "day":
            for piece in re.split(r"(%.)", spec or ""):
                if piece.startswith("%"):
                    if piece not in _DAY_DIRECTIVES:
                        return None
                    fields += 1
                    out.append(f"(?P<{piece[1]}{fields}>{_DAY_DIRECTIVES[piece]})")
                else:
                    out.append(re.escape(piece))
        elif name == "page":
            out.append(r"\d+")
        elif name is not None:  # the listing's own path: not a day archive's
            return None
    return re.compile("".join(out)) if fields else None


# A listing date hook: the publication day of one listing entry (a parsel Selector), or None.
ListingDate = Callable[[Any], date | None]


@dataclass(frozen=True)
class Discovery:
    """Where an outlet lists its articles, and how the one pager walks those lists.

    Without a window a run reads the feeds and the first page of every listing. With one it
    reads the feeds (entries filtered by date), walks the day ``archive`` for every day, pages
    the listings when ``listing_pages`` says how, and follows the sitemaps. Every walk stops
    on an empty page, a page that only repeats links, links older than the window, or the
    page cap.
    """

    feeds: tuple[str, ...] = ()  # paths of RSS/Atom feeds
    listings: tuple[str, ...] = ()  # paths of "latest" listing pages and rubric fronts
    listing_pages: PageScheme | None = None  # page N of a listing (window runs); None: page 1 only
    archive: PageScheme | None = None  # page N of a day archive; None: the site has none
    archive_name: str = ""  # the scheme's name in the district table ("wp-m"), for listings
    sitemaps: tuple[str, ...] = ()  # followed in window runs
    # The listing links: one CSS selector ("… @attr" for another attribute) for the links of a
    # listing's own column, so sidebar "latest news" widgets do not leak other days into it.
    links: str = "a[href]"
    exclude: str = ""  # blocks whose links are site-wide (menus, "news of the day"), removed first
    entries: str = ""  # one listing entry per match (links and date inside); empty: each link
    listing_date: ListingDate | None = None  # the date of an entry, from the listing's markup
    url_date: str = ""  # regex with groups d, m, y: the publication day an article URL carries
    next_page: str = 'a[rel="next"] @href'  # the "next" link when a scheme has no paged template
    max_pages: int | None = None  # page cap per walk; None: the ARCHIVE_MAX_PAGES setting
    row_patterns: bool = False  # url_date comes from a row: matched with RE2 (linear_regex)

    @cached_property
    def url_date_regex(self) -> UrlPattern | None:
        return url_pattern(self.url_date, self.row_patterns) if self.url_date else None

    def date_in_url(self, url: str, now: datetime | None = None) -> date | None:
        """The publication day an article URL carries (``url_date``), or None: judged as the
        generic URL forms are (:func:`publication_url_day`), so a day after tomorrow (an
        event's slug) or of history rules no article out of a window unread. ``now`` is the
        capture time of the page that named the URL (the clock without one): a replay long
        after the crawl judges the day as the crawl did."""
        from crawler.extraction.dates import publication_url_day  # (the package imports this one)

        match = self.url_date_regex.search(urlsplit(url).path) if self.url_date_regex else None
        if not match:
            return None
        try:
            day = date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            return None
        return publication_url_day(day, now)

    def channels(self) -> list[str]:
        """The discovery channels, as ``scrapy outlets`` lists them."""
        found = [f"feed {p}" for p in self.feeds]
        paged = " (paged)" if self.listing_pages else ""
        found += [f"listing {p}{paged}" for p in self.listings]
        if self.archive:
            found.append(f"archive {self.archive_name or self.archive.first}")
        found += [f"sitemap {p}" for p in self.sitemaps]
        return found


KEEP_ANY_QUERY = "*"  # in keep_query: every query parameter but tracking noise names the page


@dataclass(frozen=True)
class Outlet:
    """One publisher: identity, URL shapes, discovery channels and versioned extraction rules."""

    key: str  # "belta", "zerkalo", "runews24" or a district site's host
    name: str
    base_url: str  # canonical scheme and host, e.g. "https://www.belta.by"
    timezone: str  # IANA zone of the dates the outlet prints
    article_path: str  # regex matched against path (+ "?" + query when present)
    versions: tuple[ArticleRules, ...]  # layouts, any order; see rules_at
    discovery: Discovery = field(default_factory=Discovery)
    aliases: tuple[str, ...] = ()  # other hosts serving the same articles (www., mirrors)
    # other hosts of the same site serving articles of their own (news.example.by, where the
    # list of all news of example.by lives): fetched there, their URLs keep their host
    sister_hosts: tuple[str, ...] = ()
    mirror_path_prefix: str = ""  # mirrors put articles under this prefix ("/news")
    # query parameters that identify an article ("p"); KEEP_ANY_QUERY: all but tracking ones
    keep_query: tuple[str, ...] = ()
    skip_paths: tuple[str, ...] = ()  # regexes of paths that are never articles (print, tags)
    language: str = "ru"
    # article_path and skip_paths come from a row (district table, site rows): matched with
    # RE2 (linear_regex), never by backtracking; the built-in outlets' stay on re
    row_patterns: bool = False

    def __post_init__(self) -> None:
        if not self.versions:
            raise ValueError(f"outlet {self.key!r} has no ArticleRules")
        names = [r.version for r in self.versions]
        starts = [r.valid_from for r in self.versions]
        if len(set(names)) != len(names) or len(set(starts)) != len(starts):
            raise ValueError(f"outlet {self.key!r}: rule versions need distinct names and "
                             f"valid_from dates: {list(zip(names, starts, strict=True))}")

    @cached_property
    def ordered_rules(self) -> tuple[ArticleRules, ...]:
        """Rule versions, oldest first."""
        return tuple(sorted(self.versions, key=lambda r: r.valid_from))

    @property
    def rules(self) -> ArticleRules:
        """The current layout's rules (the newest version)."""
        return self.ordered_rules[-1]

    def rules_at(self, moment: datetime | date | None) -> ArticleRules:
        """The rules valid at ``moment`` (a capture time): the newest version that had started.

        A capture older than every version is read with the oldest; no moment means now.
        """
        if moment is None:
            return self.rules
        day = (moment.astimezone(self.tz) if moment.tzinfo else moment).date() if isinstance(
            moment, datetime) else moment
        valid = [r for r in self.ordered_rules if r.valid_from <= day]
        return valid[-1] if valid else self.ordered_rules[0]

    def rule_version(self, version: str) -> ArticleRules:
        return next(r for r in self.versions if r.version == version)

    @cached_property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def article_regex(self) -> UrlPattern:
        return url_pattern(self.article_path, self.row_patterns)

    @cached_property
    def skip_regexes(self) -> tuple[UrlPattern, ...]:
        return tuple(url_pattern(p, self.row_patterns) for p in self.skip_paths)

    @cached_property
    def hosts(self) -> tuple[str, ...]:
        """Every host this outlet's articles are served from (own, its site without a www
        label and that site's ``www.``, aliases, sister hosts); :meth:`owns_host` takes
        www2., www3. too."""
        own = ascii_host(self.host)
        bare = site_host(own)
        www = () if has_www_label(bare) else ("www." + bare,)  # www.by: not www.www.by
        return tuple(dict.fromkeys((own, bare, *www, *(ascii_host(a) for a in self.aliases),
                                    *self.sister_hosts)))

    def sister_host(self, host: str) -> str | None:
        """The one of :attr:`sister_hosts` ``host`` is (under any spelling: Unicode, a
        trailing dot, a www. label), if any: its articles are its own, not the outlet's
        host's under another name."""
        if not self.sister_hosts:
            return None
        host = ascii_host(host)
        return next((h for h in (host, site_host(host)) if h in self.sister_hosts), None)

    def owns_host(self, host: str) -> bool:
        """Whether ``host`` (Unicode or punycode) is one of :attr:`hosts`, or that host under
        another www label (``www2.``: archive.urls.site_host, the article key's rule)."""
        host = ascii_host(host)
        return host in self.hosts or site_host(host) in self.hosts

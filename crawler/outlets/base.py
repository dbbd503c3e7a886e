"""Outlets as data: who publishes, where articles live, and the rules that read their pages.

Modelled on Fundus' publishers: an :class:`Outlet` row names the site, its URL shapes and
discovery channels; its :class:`ArticleRules` say where title, dates, body and boilerplate sit
in the markup, versioned by layout. Code is only needed where data cannot say it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

# Selector syntax: "css selector" reads the element's text; "css selector @attr" reads an attribute.


@dataclass(frozen=True)
class ArticleRules:
    """Where an outlet's article markup keeps each field (one layout version)."""

    version: str
    title: tuple[str, ...] = ("h1",)
    subtitle: tuple[str, ...] = ()
    published: tuple[str, ...] = ()  # machine-readable (ISO) candidates, best first
    published_visible: tuple[str, ...] = ()  # the date a reader sees, to cross-check the above
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
    def drop_paragraph_patterns(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p, re.IGNORECASE) for p in self.drop_paragraphs)

    @cached_property
    def author_line_pattern(self) -> re.Pattern[str] | None:
        return re.compile(self.author_line, re.IGNORECASE) if self.author_line else None


# Boilerplate every outlet shares; outlet rules add to it.
COMMON_DROP = (
    "script", "style", "noscript", "iframe", "form", "button", "svg", "template", "figcaption",
    "figure", "aside", "nav", "[class*=share]", "[class*=social]", "[class*=subscribe]",
    "[class*=caption]", "[class*=banner]", "[class*=advert]", "[class*=related]",
    "[class*=comments]",
)
COMMON_CUT_MARKERS = ("Последние новости", "Читайте также", "Читайте нас в", "Популярное",
                      "Рекомендуем", "Подписывайтесь на")
COMMON_DROP_PARAGRAPHS = (
    r"^(фото|видео|иллюстрация|инфографика|фота|відэа)\s*(:|—|-)\s*\S.{0,150}$",
    r"^(фото|фота)\s+[^.!?]{1,80}$",
    r"^читать новость$",
    r"^продолжая использовать наш сайт.*cookie",
)


@dataclass(frozen=True)
class Outlet:
    """One publisher: identity, URL shapes, discovery channels and extraction rules."""

    key: str  # "belta", "zerkalo", "runews24" or a district site's host
    name: str
    base_url: str  # canonical scheme and host, e.g. "https://www.belta.by"
    timezone: str  # IANA zone of the dates the outlet prints
    article_path: str  # regex matched against path (+ "?" + query when present)
    rules: ArticleRules
    feeds: tuple[str, ...] = ()  # paths of RSS/Atom feeds
    listings: tuple[str, ...] = ()  # paths of "latest" listing pages
    aliases: tuple[str, ...] = ()  # other hosts serving the same articles (www., mirrors)
    mirror_path_prefix: str = ""  # mirrors put articles under this prefix ("/news")
    keep_query: tuple[str, ...] = ()  # query parameters that identify an article ("p")
    skip_paths: tuple[str, ...] = ()  # regexes of paths that are never articles (print, tags)
    language: str = "ru"
    extra: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    @cached_property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def article_regex(self) -> re.Pattern[str]:
        return re.compile(self.article_path)

    @cached_property
    def skip_regexes(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p) for p in self.skip_paths)

    def owns_host(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        bare = self.host.removeprefix("www.")
        return host in (self.host, bare, "www." + bare) or host in self.aliases

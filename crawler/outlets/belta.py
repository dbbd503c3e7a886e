"""БЕЛТА (www.belta.by): the state news agency."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from crawler.extraction.dates import parse_human
from crawler.outlets.base import ArticleRules, Discovery, Outlet, PageScheme

_MONTH_YEAR_NUMERIC = re.compile(r"^\d{1,2}\.\d{2,4}$")


def lenta_item_date(item: Any) -> date | None:
    """The date of a lenta item (a parsel Selector): ``div.new_date > div.day`` + ``div.month_year``."""
    day = " ".join(item.css("div.new_date > div.day ::text").getall()).strip()
    month_year = " ".join(item.css("div.new_date > div.month_year ::text").getall()).strip()
    if not day or not month_year:
        return None
    text = f"{day}.{month_year}" if _MONTH_YEAR_NUMERIC.match(month_year) else f"{day} {month_year}"
    parsed = parse_human(text)
    return parsed.date() if parsed else None


# /all_news/page/<N>/?day=DD&month=MM&year=YY (two-digit year, as the site writes it).
_DAY_ARCHIVE = "/all_news/page/{page}/?day={day:%d}&month={day:%m}&year={day:%y}"

BELTA = Outlet(
    key="belta",
    name="БЕЛТА",
    base_url="https://www.belta.by",
    timezone="Europe/Minsk",
    article_path=r"^/[a-z_-]+/view/[0-9a-z-]+-\d+-\d{4}/?$",
    skip_paths=(r"^/printv/", r"getResults", r"extendedSearch"),
    aliases=("belta.by",),
    discovery=Discovery(
        feeds=("/rss",),
        # ~150 items a day, ~20 a page; items older than the day end the walk.
        archive=PageScheme(_DAY_ARCHIVE, _DAY_ARCHIVE),
        entries="div.news_item.lenta_item",
        links='a[href*="/view/"]',
        listing_date=lenta_item_date,
    ),
    versions=(ArticleRules(
        version="2026-01",
        title=("div.main h1", "div.content_margin h1", "h1"),
        published=('meta[property="article:published_time"] @content',
                   'meta[name="mediator_published_time"] @content'),
        published_visible=("div.date_full",),
        visible_time=True,
        machine_date=True,  # outlets.md: confirmed on every page
        modified=('meta[property="article:modified_time"] @content',),
        authors=("div.person_fio @title", "div.person_fio"),
        default_authors=("БЕЛТА",),
        section=('meta[property="article:section"] @content', "div.breadcrumbs a:last-child"),
        tags=("div.news_tags_block a @title", "div.news_tags_block a"),
        body=("div.inner_content div.js-mediator-article", "div.js-mediator-article"),
        drop=("div.invite_in_messagers", "div.news_tags_block", "div.fp_block",
              "div.news_accent_block", "div.advertising_block", "div.yandex_share_print",
              "div.video_add"),
        cut_markers=("Подписывайтесь на", "Хотите быть в курсе"),
    ),),
)

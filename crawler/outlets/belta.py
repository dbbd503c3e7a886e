"""БЕЛТА (www.belta.by): the state news agency."""

from crawler.outlets.base import ArticleRules, Outlet

RUBRICS = ("president", "politics", "economics", "society", "regions", "incident", "tech",
           "world", "culture", "sport", "events", "kaleidoscope")

BELTA = Outlet(
    key="belta",
    name="БЕЛТА",
    base_url="https://www.belta.by",
    timezone="Europe/Minsk",
    article_path=r"^/[a-z_-]+/view/[0-9a-z-]+-\d+-\d{4}/?$",
    skip_paths=(r"^/printv/", r"getResults", r"extendedSearch"),
    aliases=("belta.by",),
    feeds=("/rss",),
    listings=("/all_news/",),
    rules=ArticleRules(
        version="2026-01",
        title=("div.main h1", "div.content_margin h1", "h1"),
        published=('meta[property="article:published_time"] @content',
                   'meta[name="mediator_published_time"] @content'),
        published_visible=("div.date_full",),
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
    ),
)

"""Зеркало (news.zerkalo.io): the former TUT.BY newsroom; markup and URLs inherited from TUT.BY."""

from crawler.outlets.base import ArticleRules, Discovery, Outlet, PageScheme

ZERKALO = Outlet(
    key="zerkalo",
    name="Зеркало",
    base_url="https://news.zerkalo.io",
    timezone="Europe/Minsk",
    article_path=r"^/[a-z0-9_-]+/\d+\.html$",
    # Galleries share the article shape; archive, print, search and tag pages must never be items.
    skip_paths=(r"^/(?:archive|print|search|tag|tags|gallery|photo|video|rss|latest)(?:/|\.|$)",),
    # Rotating mirrors serve the site under /news/; a run uses one through OUTLET_BASE_URLS,
    # e.g. {"zerkalo": "https://br0wse-zerkalo.site/news"}.
    aliases=("zerkalo.io", "www.zerkalo.io", "br0wse-zerkalo.site"),
    mirror_path_prefix="/news",
    discovery=Discovery(
        feeds=("/rss/all.rss", "/rss/index.rss"),
        listings=("/latest/",),
        # Later pages of a day: the page's rel="next" link.
        archive=PageScheme("/archive/{day:%d.%m.%Y}.html"),
        links="div.news-entry a[href]",
        # Site-wide blocks (menu, top-headlines list) are not part of a listing.
        exclude="header, footer, nav, aside",
    ),
    versions=(ArticleRules(
        version="2026-01",
        title=("h1",),
        published=("time[datetime] @datetime", 'meta[property="article:published_time"] @content'),
        published_visible=("time[datetime]",),
        machine_date=True,  # outlets.md: confirmed on every page
        modified=('meta[property="article:modified_time"] @content',),
        # RSS atom:author often holds a photo credit: only the page's own byline is trusted.
        authors=('[itemprop="author"] [itemprop="name"]', '[itemprop="author"]'),
        section=('a[itemprop="articleSection"]', 'meta[property="article:section"] @content'),
        tags=('a[itemprop="keywords"]', 'meta[property="article:tag"] @content'),
        body=('[itemprop="articleBody"]', "div#article_body"),
        drop=("div.b-addition", "iframe"),
        drop_paragraphs=(
            r"1,5\s*% своих польских налогов",
            r"^Беларусы на войне$",
            r"^Поддержать команду Зеркала",
        ),
    ),),
)

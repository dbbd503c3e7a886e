"""RuNews24 (runews24.ru): a Russian outlet on MODX; article URLs carry the publication date."""

from crawler.outlets.base import ArticleRules, Discovery, Outlet, PageScheme

RUNEWS24 = Outlet(
    key="runews24",
    name="RuNews24",
    base_url="https://runews24.ru",
    timezone="Europe/Moscow",
    article_path=r"^/(?:eng/)?[a-z-]+/\d{2}/\d{2}/\d{4}/[0-9a-z-]+$",
    # Photo and video galleries share the dated article shape.
    skip_paths=(r"^/(?:eng/)?(?:foto|photo|video|gallery|galereya|print|tags?)/",),
    aliases=("www.runews24.ru",),
    discovery=Discovery(
        feeds=("/rss.xml",),
        # Rubric fronts, paged with ?page=N in window runs; the URL date bounds the walk.
        listings=("/russia/", "/world/", "/politics/", "/economy/", "/finance/", "/society/",
                  "/incidents/", "/science/", "/sport/", "/health/", "/internet/",
                  "/technology/", "/auto/", "/culture/", "/eng/"),
        listing_pages=PageScheme("{path}", "{path}?page={page}"),
        # Listing links inside these blocks are site-wide ("news of the day", ads).
        exclude="div.b-news, [class*=b-banner], header, footer, nav",
        url_date=r"/(?P<d>\d{2})/(?P<m>\d{2})/(?P<y>\d{4})/[^/]+$",
        max_pages=200,
    ),
    versions=(ArticleRules(
        version="2026-01",
        title=("h1",),
        subtitle=("h1 + h2", "h1 ~ h2"),
        published=('meta[property="article:published_time"] @content', "time[datetime] @datetime"),
        published_visible=("div.b-article__date", "div.date", "span.date"),
        modified=('meta[property="article:modified_time"] @content',),
        section=("div.b-article__rubric a", "a.rubric", 'meta[property="article:section"] @content'),
        # The body container is unverified (div.desc.text in 2016): alternatives, then generic.
        body=("div.desc.text", '[itemprop="articleBody"]', "div.b-article__text",
              "div.article__text", "div.article-text"),
        drop=("div.b-news", "[class*=b-banner]", "div.cookie", "div.b-cookie"),
        cut_markers=("Читайте нас в телеграм", "Read us on Telegram"),
        drop_paragraphs=(r"^(?:Фото|Photo):\s", r"^(?:Все )?новости дня$", r"^Согласен$"),
        # the byline as the site writes it, and as a redesign may reword it
        author_line=r"^(?:Автор(?: материала| текста)?|Текст|Author|Text)\s*:\s*(.{2,80})$",
    ),),
)

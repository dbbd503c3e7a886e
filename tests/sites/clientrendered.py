"""Client-rendered article pages: the text is data in a <script>, not markup in the body.

Real shapes: Next.js (``__NEXT_DATA__`` with the body as an HTML string, or as Editor.js
paragraph blocks), Nuxt 3 (``__NUXT_DATA__``, devalue's flat array), Nuxt 2
(``window.__NUXT__=(function(a,b){…}(…))``, JavaScript, no JSON), a Redux-style
``window.__INITIAL_STATE__ = {…}`` with a list of paragraph strings, a create-react-app page
with an empty ``<div id="root">`` and only JSON-LD ``articleBody``, and a server-rendered page
showing a teaser while its JSON-LD ``articleBody`` holds the whole text. Each page's ``<head>``
has what such sites render on the server: title, OpenGraph and ``article:published_time``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from html import escape

from tests.sites.common import GoldArticle

SHELL = ('<noscript>You need to enable JavaScript to run this app.</noscript><div id="root">'
         '</div><script src="/static/js/main.3f2a1c.js"></script>')
FIGURE = ('<figure><img src="/img/1.jpg" alt=""><figcaption>Фото: пресс-служба</figcaption>'
          "</figure>")


def _json(value: object) -> str:
    """JSON for a <script>: '</' escaped as frameworks do, so a '</p>' cannot close it."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def head(gold: GoldArticle, extra: str = "") -> str:
    return (f'<meta property="og:title" content="{escape(gold.title)}">'
            '<meta property="og:type" content="article">'
            f'<meta property="article:published_time" '
            f'content="{gold.published.isoformat(timespec="seconds")}">'
            + "".join(f'<meta property="article:author" content="{escape(a)}">'
                      for a in gold.authors) + extra)


def page(gold: GoldArticle, body: str, extra_head: str = "") -> str:
    return ('<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">'
            f"<title>{escape(gold.title)} | Город</title>{head(gold, extra_head)}</head>"
            f"<body>{body}</body></html>")


def body_html(gold: GoldArticle) -> str:
    """The article as a CMS's HTML field: paragraphs, a figure with a caption, an entity."""
    first, *rest = gold.paragraphs
    return (f"<p>{escape(first)}</p>{FIGURE}"
            + "".join(f"<p>{escape(p).replace(' ', '&nbsp;', 1)}</p>" for p in rest))


def next_html(gold: GoldArticle) -> str:
    """Next.js: the body an HTML string in ``props.pageProps.article.body``."""
    data = {"props": {"pageProps": {"article": {
        "id": 4711, "slug": gold.url.rsplit("/", 2)[-2], "title": gold.title,
        "lead": "Коротко о главном за день.", "body": body_html(gold),
        "imageCaption": "Фото: пресс-служба исполкома, снимок сделан во время заседания "
                        "правительства, на котором рассмотрели итоги квартала и планы.",
        "related": [{"title": "Другая новость", "body": "<p>" + "Текст другой новости. " * 40
                     + "</p>"}]}}},
        "page": "/news/[slug]", "buildId": "x1"}
    return page(gold, f'<div id="__next"></div><script id="__NEXT_DATA__" '
                f'type="application/json">{_json(data)}</script>')


def next_blocks(gold: GoldArticle) -> str:
    """Next.js: the body Editor.js blocks (paragraphs, an image block with a caption)."""
    blocks = [{"id": f"b{i}", "type": "paragraph", "data": {"text": p}}
              for i, p in enumerate(gold.paragraphs)]
    blocks.insert(1, {"id": "img", "type": "image", "data": {
        "file": {"url": "/img/1.jpg"}, "caption": "Фото: пресс-служба"}})
    data = {"props": {"pageProps": {"data": {"headline": gold.title, "content": {
        "time": 1767500000, "blocks": blocks, "version": "2.28"}}}}}
    return page(gold, f'<div id="__next"></div><script id="__NEXT_DATA__" '
                f'type="application/json">{_json(data)}</script>')


def nuxt3(gold: GoldArticle) -> str:
    """Nuxt 3: ``__NUXT_DATA__``, devalue's flat array of values referenced by index."""
    data = [["ShallowReactive", 1], {"data": 2, "state": 6}, {"article": 3},
            {"title": 4, "html": 5}, gold.title, body_html(gold), {}]
    return page(gold, f'<div id="__nuxt"></div><script type="application/json" '
                f'id="__NUXT_DATA__" data-ssr="false">{_json(data)}</script>')


def nuxt2(gold: GoldArticle) -> str:
    """Nuxt 2: ``window.__NUXT__`` is a JavaScript function call, not JSON."""
    text = json.dumps(body_html(gold), ensure_ascii=True).replace("<", "\\u003C")
    script = ('window.__NUXT__=(function(a,b,c){return {layout:"default",data:[{article:'
              f'{{id:12,title:{json.dumps(gold.title, ensure_ascii=False)},'
              f'caption:"Фото: пресс-служба",text:{text},views:a}}}}],fetch:{{}},'
              'error:b,state:{user:b,menu:[{name:"Новости"},{name:"Спорт"}]},'
              'serverRendered:c}}(0,null,true));')
    return page(gold, f'<div id="__nuxt"></div><script>{script}</script>')


def initial_state(gold: GoldArticle) -> str:
    """A Redux-style ``window.__INITIAL_STATE__ = {…};`` with the body a list of strings."""
    state = {"router": {"path": gold.url}, "article": {"current": {
        "title": gold.title, "paragraphs": gold.paragraphs,
        "tags": ["Общество", "Город"]}}}
    return page(gold, f'<div id="app"></div><script>window.__INITIAL_STATE__ = {_json(state)};'
                "</script>")


def ld_article(gold: GoldArticle, body: str) -> dict[str, object]:
    return {"@type": "NewsArticle", "headline": gold.title,
            "datePublished": gold.published.isoformat(timespec="seconds"),
            "author": [{"@type": "Person", "name": a} for a in gold.authors],
            "articleBody": body}


def ld_only(gold: GoldArticle) -> str:
    """create-react-app: an empty root; JSON-LD ``articleBody`` (in ``@graph``, plain text,
    one line break between paragraphs) is the only text."""
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Город"}, ld_article(gold, "\n".join(gold.paragraphs))]}
    return page(gold, SHELL, f'<script type="application/ld+json">{_json(graph)}</script>')


def ld_teaser(gold: GoldArticle) -> str:
    """Server-rendered: the first paragraph and a subscription call in the body; JSON-LD
    ``articleBody`` (blank lines between paragraphs) the whole text."""
    ld = {"@context": "https://schema.org", **ld_article(gold, "\n\n".join(gold.paragraphs))}
    body = (f"<article><h1>{escape(gold.title)}</h1><p>{escape(gold.paragraphs[0])}</p>"
            '<div class="paywall"><a href="/subscribe/">Оформите подписку</a></div></article>')
    return page(gold, body, f'<script type="application/ld+json">{_json(ld)}</script>')


SHAPES: dict[str, Callable[[GoldArticle], str]] = {
    "next_html": next_html, "next_blocks": next_blocks, "nuxt3": nuxt3, "nuxt2": nuxt2,
    "initial_state": initial_state, "ld_only": ld_only, "ld_teaser": ld_teaser,
}
# Which source each shape's item must name in extractor.fields.text
SOURCES = {"next_html": "app-state:__NEXT_DATA__", "next_blocks": "app-state:__NEXT_DATA__",
           "nuxt3": "app-state:__NUXT_DATA__", "nuxt2": "app-state:__NUXT__",
           "initial_state": "app-state:__INITIAL_STATE__", "ld_only": "json-ld",
           "ld_teaser": "json-ld"}


def listing(title: str, teasers: list[GoldArticle]) -> str:
    """A client-rendered rubric page: its state holds teasers, each beside its own title."""
    items = [{"title": g.title, "url": g.url, "body": " ".join(g.paragraphs)}
             for g in teasers]
    data = {"props": {"pageProps": {"rubric": {"name": title, "items": items}}}}
    return ('<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title></head><body><div id=\"__next\"></div>"
            f'<script id="__NEXT_DATA__" type="application/json">{_json(data)}</script>'
            "</body></html>")

"""Fixture sites that change between crawls, for scheduled-run tests.

:class:`ChangingBelta` wraps the БЕЛТА fixture so a test can add articles, edit one, or
switch to a broken layout between runs. :func:`shklov_copy` builds a district paper
(shklovinfo.by, WordPress markup) whose article reprints a БЕЛТА article.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime, timedelta
from html import escape

from tests.sites import belta
from tests.sites.common import GoldArticle, html_paragraphs, paragraphs_for, rss, title_for
from tests.support.server import Page, VirtualSite

SHKLOV_HOST = "shklovinfo.by"


class ChangingBelta:
    """A БЕЛТА fixture whose articles can be added, edited, delayed or broken."""

    def __init__(self, start: datetime, count: int) -> None:
        self.site, self.golds = belta.build(start=start, count=count)
        self.rubrics = {g.url: belta.RUBRICS[i % len(belta.RUBRICS)]
                        for i, g in enumerate(self.golds)}
        self.broken = False
        self.delay = 0.0  # server-side delay of every article page

    def path(self, gold: GoldArticle) -> str:
        return gold.url.removeprefix(f"https://{belta.HOST}")

    def render(self, gold: GoldArticle) -> None:
        html = belta.article_page(gold, self.rubrics[gold.url], None)
        if self.broken:  # a redesign: the body now arrives as JSON for a script to render
            start = html.index('<div class="js-mediator-article">')
            end = html.index('<div class="sidebar">')
            html = (html[:start] + '<div id="app" data-component="article"></div>'
                    '<script type="application/json">{"blocks": []}</script></div></div>'
                    + html[end:])
        self.site.add(self.path(gold), Page(html.encode("utf-8"), delay=self.delay))

    def serve_at_once(self) -> None:
        """Drop the delay of every page served so far (and of later renders): a later run
        whose timing checks nothing need not wait for it."""
        self.delay = 0.0
        for page in self.site.pages.values():
            page.delay = 0.0

    def publish(self) -> None:
        """Re-render every article and the RSS (newest first)."""
        for gold in self.golds:
            self.render(gold)
        entries = [(g.title, g.url + "?utm_source=rss", g.published, "<p>Анонс</p>")
                   for g in sorted(self.golds, key=lambda g: g.published, reverse=True)]
        self.site.add("/rss", Page(rss("БЕЛТА", f"https://{belta.HOST}/", entries).encode(),
                                   content_type="application/rss+xml; charset=utf-8"))

    def hold(self, free: int = 0, within: float = 120.0,
             unheld: tuple[GoldArticle, ...] = ()) -> threading.Event:
        """Answer the first ``free`` article requests (and every one of ``unheld``), hold the
        later ones until the event is set (or ``within`` seconds pass): a test acts while the
        crawl is surely still under way, whatever the machine's load, instead of racing fixed
        page delays. Until the next :meth:`publish`, which serves the pages unheld again."""
        gate, lock = threading.Event(), threading.Lock()
        held = {self.path(g): self.site.pages.pop(self.path(g)) for g in self.golds
                if g not in unheld}
        served = [0]

        def serve(target: str) -> Page | None:
            page = held.get(target)
            if page is not None:
                with lock:
                    served[0] += 1
                    wait = served[0] > free
                if wait:
                    gate.wait(within)
            return page

        self.site.dynamic.insert(0, serve)
        return gate

    def add(self, count: int, published: datetime) -> list[GoldArticle]:
        added = []
        for n in range(count):
            seed = 500 + len(self.golds)
            url = f"https://{belta.HOST}/society/view/dobavlena-{seed}-{600000 + seed}-2026/"
            gold = GoldArticle(url=url, title=title_for(seed), paragraphs=paragraphs_for(seed),
                               published=published - timedelta(minutes=30 * n),
                               authors=["БЕЛТА"], tags=[f"Тег {seed}"])
            self.golds.append(gold)
            self.rubrics[url] = "society"
            added.append(gold)
        self.publish()
        return added

    def edit(self, index: int, sentence: str) -> GoldArticle:
        gold = self.golds[index]
        edited = replace(gold, paragraphs=[*gold.paragraphs[:-1], gold.paragraphs[-1] + " "
                                           + sentence])
        self.golds[index] = edited
        self.publish()
        return edited


    def swap(self, index: int, seed: int) -> GoldArticle:
        """The article's page reused for another story: title and text of article ``seed``
        at the same URL (a CMS recycling a page, a hacked page)."""
        gold = self.golds[index]
        swapped = replace(gold, title=title_for(seed), paragraphs=paragraphs_for(seed))
        self.golds[index] = swapped
        self.publish()
        return swapped


def shklov_copy(source: GoldArticle, post_id: int = 4321) -> tuple[VirtualSite, GoldArticle]:
    """A district reprint: new title, a local lead sentence, the agency's paragraphs."""
    site = VirtualSite(SHKLOV_HOST)
    url = f"https://{SHKLOV_HOST}/?p={post_id}"
    published = source.published + timedelta(hours=2)
    paragraphs = [*source.paragraphs[:-1],
                  source.paragraphs[-1] + " Об этом сообщили в Шкловском райисполкоме."]
    gold = GoldArticle(url=url, title="Шклов: главное за день по сообщению агентства",
                       paragraphs=paragraphs, published=published, authors=[])
    page = f"""<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">
<title>{escape(gold.title)} – Ударны фронт</title>
<meta property="article:published_time" content="{published.isoformat()}">
</head><body><main id="main" class="site-main"><article>
<h1 class="entry-title">{escape(gold.title)}</h1>
<div class="entry-meta"><time class="entry-date" datetime="{published.isoformat()}">
{published:%d.%m.%Y}</time></div>
<div class="entry-content">{html_paragraphs(paragraphs)}</div>
</article></main></body></html>"""
    site.add(f"/?p={post_id}", page)
    site.add("/?feed=rss2", Page(rss("Ударны фронт", f"https://{SHKLOV_HOST}/",
                                     [(gold.title, url, published, "<p>…</p>")]).encode(),
                                 content_type="application/rss+xml; charset=utf-8"))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    return site, gold

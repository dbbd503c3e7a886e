"""A soft 404 of an article never exported, end to end: one real ``scrapy crawl belta`` run.

The feed lists four articles the state store has never seen; the site answers one of them
with 200 and a page that is no article: its "page not found" template (the page it gives
any path of the articles' shape), or its home page (which it gives any unknown path). That
answer is told as a hard 404 of a never-exported article is: the other spelling (the path's
trailing slash) is asked for, and when it is that page too, no item, one WARNING with the
URL and the verdict, ``articles/failed/soft-404`` and ``articles/soft_404_unexported``, one
failed article in the run's completeness; and no removal observation (nothing was exported).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_removals import removal_lines
from tests.e2e.test_removals_soft import not_found_template
from tests.sites import belta
from tests.sites.scheduled import ChangingBelta
from tests.support.crawl import completeness, run_crawl
from tests.support.server import FixtureServer, Page

pytestmark = pytest.mark.slow

HOME_PAGE = """<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>БЕЛТА — Новости Беларуси</title></head>
<body><div class="header"><a href="/">БЕЛТА — Новости Беларуси</a>
<ul class="menu"><li><a href="/president/">Президент</a></li><li><a href="/politics/">Политика</a></li>
<li><a href="/economics/">Экономика</a></li><li><a href="/all_news/">Все новости</a></li></ul></div>
<div class="main"><h1>Главные новости</h1>
<div class="news_item"><a href="/politics/">Парламент обсудил бюджет на следующий год и налоги</a></div>
<div class="news_item"><a href="/economics/">Экспорт продовольствия вырос за девять месяцев года</a></div>
<div class="news_item"><a href="/society/">В Минске открылась новая станция метро на юге</a></div>
<div class="news_item"><a href="/regions/">В Гомельской области завершили уборку урожая зерна</a></div>
</div><div class="footer">© БЕЛТА, 1996–2026. Все права защищены.</div></body></html>"""


def soft_answers(site: ChangingBelta, kind: str) -> None:
    """Any path of the articles' shape the site lacks answers 200 with ``kind``'s page."""
    def answer(target: str) -> Page | None:
        path = target.split("?", 1)[0]
        if "/view/" not in path:
            return None
        return Page((not_found_template(path) if kind == "template" else HOME_PAGE).encode())
    site.site.dynamic.append(answer)


@pytest.mark.parametrize("kind", ["template", "home"])
def test_a_soft_404_of_an_article_never_exported_is_a_failed_fetch(kind: str,
                                                                   tmp_path: Path) -> None:
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    site = ChangingBelta(start=now - timedelta(hours=2), count=4)
    site.publish()
    soft_answers(site, kind)
    gone = site.golds[0]
    del site.site.pages[site.path(gone)]  # the feed still lists it
    with FixtureServer([site.site]) as server:
        result = run_crawl("belta", tmp_path, server)
    assert result.returncode == 0, result.log[-3000:]
    items: list[dict[str, Any]] = result.items
    assert sorted(i["url"] for i in items) == sorted(g.url for g in site.golds[1:])
    assert result.stats.get("articles/soft_404_unexported") == 1, result.stats
    assert result.stats.get("articles/failed/soft-404") == 1, result.stats
    warned = [line for line in result.log.splitlines() if "Article not fetched" in line]
    assert len(warned) == 1 and "WARNING" in warned[0], warned
    # as after a 404, the other spelling (no trailing slash) was asked for, and is the same page
    assert result.stats.get("discovery/other_spelling_after_404") == 1, result.stats
    assert f"{gone.url} answered a soft 404 (" in result.log
    assert f"Article not fetched (soft-404): {gone.url.rstrip('/')}: " in warned[0], warned
    assert not [k for k in result.stats if k.startswith("extraction/failed/")], result.stats
    assert "articles/removed" not in result.stats and removal_lines(tmp_path) == {}
    counts = completeness(tmp_path, "belta", "belta-*.json")
    assert (counts.get("discovered"), counts.get("extracted"), counts.get("failed")) == (
        4, 3, 1), counts

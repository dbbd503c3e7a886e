"""The benchmark's real-weight pages: chrome around the article, the same article out of it."""

from __future__ import annotations

import pytest

from bench.site import REAL_PAGE_BYTES, article_html, gold
from crawler.extraction import extract_article
from crawler.items import ArticlePage

CHROME = ["Лента новостей", "Новости по теме", "Об агентстве", "ym(15029098"]


@pytest.mark.parametrize("i", [0, 7, 1999])
def test_a_dressed_bench_page_weighs_a_real_page_and_yields_the_bare_pages_article(i: int) -> None:
    html = article_html(i, REAL_PAGE_BYTES)
    assert REAL_PAGE_BYTES <= len(html.encode()) < REAL_PAGE_BYTES + 1000
    assert all(marker in html for marker in CHROME)
    page = ArticlePage(url=gold(i).url, outlet="belta", body=html.encode(),
                       headers={"Content-Type": "text/html; charset=utf-8"}, status=200,
                       fetched_at="2026-01-08T17:00:00+00:00")
    article = extract_article(page)
    assert (article.title, article.text) == (gold(i).title, gold(i).text)
    assert article.tags == gold(i).tags
    assert not any(marker in article.text for marker in CHROME)

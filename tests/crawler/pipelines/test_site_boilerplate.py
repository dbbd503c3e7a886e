"""SiteBoilerplatePipeline on its own: off by default, generic articles only, counted."""

from __future__ import annotations

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.items import Article
from crawler.pipelines.site_boilerplate import SiteBoilerplatePipeline

TYPO = "Нашли опечатку? Выделите её и нажмите Ctrl+Enter"


def article(n: int, method: str = "generic", host: str = "news.example.by") -> Article:
    text = (f"Первый абзац статьи номер {n} о событиях в районе.\n\n"
            f"Второй абзац статьи номер {n} с подробностями.\n\n{TYPO}")
    return Article(id=f"a{n}", url=f"https://{host}/news/{n}/", source="unknown",
                   source_name="unknown", title=f"Заголовок {n}", subtitle=None, text=text,
                   published=None, modified=None, authors=[], section=None, tags=[],
                   language="ru", fetched_at="2026-01-05T10:00:00+00:00", warc=None,
                   extractor={"name": "x", "version": "1", "method": method})


def pipeline(**settings: object) -> SiteBoilerplatePipeline:
    return SiteBoilerplatePipeline.from_crawler(get_crawler(settings_dict=settings))


def test_off_by_default() -> None:
    with pytest.raises(NotConfigured):
        pipeline()


def test_generic_articles_lose_the_line_rule_articles_keep_it() -> None:
    pipe = pipeline(SITE_BOILERPLATE_MIN_PAGES=2)
    first = [pipe.process_item(article(n)) for n in range(2)]
    assert all(item.text.endswith(TYPO) for item in first)
    later = pipe.process_item(article(2))
    assert later.text == ("Первый абзац статьи номер 2 о событиях в районе.\n\n"
                          "Второй абзац статьи номер 2 с подробностями.")
    assert later.extractor["site_boilerplate"] == 1
    assert pipe.process_item(article(3, method="rules")).text.endswith(TYPO)
    assert pipe.process_item(article(4, host="other.example.by")).text.endswith(TYPO)
    assert pipe.stats.get_value("site_boilerplate/paragraphs") == 1
    assert pipe.stats.get_value("site_boilerplate/articles") == 1
    assert "site_boilerplate" not in first[0].extractor

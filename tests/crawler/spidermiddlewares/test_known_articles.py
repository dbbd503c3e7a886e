"""Known articles: pages the state store holds and older than REFETCH_MAX_AGE_DAYS are not
fetched again; younger ones are (quiet edits), and feeds and listings always pass."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.spidermiddlewares.known_articles import KnownArticleMiddleware
from crawler.state import ArticleRecord
from crawler.state.sqlite import SQLiteStateStore

URL = "https://www.belta.by/politics/view/one-123-2026/"


def remember(path: Path, published: str | None, first_captured: str) -> None:
    store = SQLiteStateStore(path)
    store.put(ArticleRecord(url=URL, id="belta-123", digest="d", version=1,
                            first_captured=first_captured, captured=first_captured,
                            published=published))
    store.close()


def middleware(path: Path, max_age_days: float = 3) -> KnownArticleMiddleware:
    crawler = get_crawler(settings_dict={"STATE_PATH": str(path),
                                         "REFETCH_MAX_AGE_DAYS": max_age_days})
    return KnownArticleMiddleware.from_crawler(crawler)


def kept(mw: KnownArticleMiddleware, *requests: Request) -> list[str]:
    return [r.url for r in mw.process_spider_output(None, list(requests))]


def ago(days: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")


def test_an_old_known_article_is_skipped_and_counted(tmp_path: Path) -> None:
    remember(tmp_path / "s.sqlite3", published=ago(10), first_captured=ago(10))
    mw = middleware(tmp_path / "s.sqlite3")
    assert kept(mw, Request(URL, meta={"article": True})) == []
    assert mw.stats.get_value("incremental/skipped_known") == 1


def test_a_young_known_article_is_fetched_again(tmp_path: Path) -> None:
    remember(tmp_path / "s.sqlite3", published=ago(1), first_captured=ago(1))
    mw = middleware(tmp_path / "s.sqlite3")
    assert kept(mw, Request(URL, meta={"article": True})) == [URL]
    assert mw.stats.get_value("incremental/refetch_young") == 1


def test_the_age_counts_from_publication_before_first_capture(tmp_path: Path) -> None:
    remember(tmp_path / "s.sqlite3", published=ago(10), first_captured=ago(1))
    assert kept(middleware(tmp_path / "s.sqlite3"), Request(URL, meta={"article": True})) == []
    remember(tmp_path / "t.sqlite3", published=None, first_captured=ago(1))
    assert kept(middleware(tmp_path / "t.sqlite3"), Request(URL, meta={"article": True})) == [URL]


def test_the_age_limit_is_the_setting(tmp_path: Path) -> None:
    remember(tmp_path / "s.sqlite3", published=ago(10), first_captured=ago(10))
    mw = middleware(tmp_path / "s.sqlite3", max_age_days=30)
    assert kept(mw, Request(URL, meta={"article": True})) == [URL]


def test_canonical_url_finds_the_record_of_a_tracking_variant(tmp_path: Path) -> None:
    remember(tmp_path / "s.sqlite3", published=ago(10), first_captured=ago(10))
    mw = middleware(tmp_path / "s.sqlite3")
    variant = URL + "?utm_source=telegram"
    assert kept(mw, Request(variant, meta={"article": True})) == []


def test_unknown_articles_feeds_listings_and_items_pass(tmp_path: Path) -> None:
    remember(tmp_path / "s.sqlite3", published=ago(10), first_captured=ago(10))
    mw = middleware(tmp_path / "s.sqlite3")
    other = "https://www.belta.by/politics/view/two-124-2026/"
    assert kept(mw, Request(other, meta={"article": True}), Request(URL)) == [other, URL]
    assert list(mw.process_spider_output(None, [{"item": 1}])) == [{"item": 1}]

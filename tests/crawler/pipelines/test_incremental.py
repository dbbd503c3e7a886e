"""The incremental pipeline on its own: versions, digests and near-duplicates, and a state that
advances only once an item is exported (no crawl; the real SQLite store under tmp_path)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler.extensions.feed_export import item_exported
from crawler.extraction.text_fingerprint import text_digest
from crawler.items import Article
from crawler.pipelines.incremental import IncrementalPipeline
from crawler.state.sqlite import SQLiteStateStore

URL = "https://www.belta.by/politics/view/one-123-2026/"
TEXT = ("Первое предложение новости о заседании правительства в Минске. "
        "Второе предложение рассказывает о решениях, принятых министрами. "
        "Третье предложение называет сроки и ответственных за исполнение.")
EDITED = TEXT + " Добавлено уточнение редакции после публикации."


def article(url: str = URL, text: str = TEXT, fetched_at: str = "2026-01-05T10:00:00+00:00",
            ident: str = "belta-123") -> Article:
    return Article(id=ident, url=url, source="belta", source_name="БЕЛТА", title="Заголовок",
                   subtitle=None, text=text, published="2026-01-05T09:00:00+03:00",
                   modified=None, authors=[], section=None, tags=[], language="ru",
                   fetched_at=fetched_at, warc=None, extractor={"method": "rules"})


class Run:
    """One crawl's pipeline over the state file at ``path``; ``export`` plays the feed."""

    def __init__(self, path: Path) -> None:
        self.crawler = get_crawler(settings_dict={"STATE_PATH": str(path)})
        self.pipeline = IncrementalPipeline.from_crawler(self.crawler)
        self.pipeline.open_spider()
        self.crawler.checked_feed_exporter = object()  # a feed is configured: wait for it

    def process(self, item: Article) -> Article:
        return self.pipeline.process_item(item)

    def export(self, item: Article) -> None:
        self.crawler.signals.send_catch_log(item_exported, item=item)

    def stat(self, key: str) -> Any:
        return self.crawler.stats.get_value(key)

    def close(self) -> None:
        self.crawler.signals.send_catch_log(signals.engine_stopped)


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state.sqlite3"


def exported_in_an_earlier_run(path: Path) -> None:
    first = Run(path)
    first.export(first.process(article()))
    first.close()


def stored(path: Path, url: str = URL):
    store = SQLiteStateStore(path)
    try:
        return store.get(url)
    finally:
        store.close()


def test_a_new_article_is_version_one_and_stored_only_once_exported(state: Path) -> None:
    run = Run(state)
    item = run.process(article())
    assert (item.version, item.previous_version_digest, item.near_duplicates) == (1, None, [])
    assert stored(state) is None  # emitted, not yet durably in the feed
    run.export(item)
    record = stored(state)
    assert record is not None
    assert (record.version, record.digest, record.id) == (1, text_digest(TEXT), "belta-123")
    assert record.first_captured == record.captured == "2026-01-05T10:00:00+00:00"
    assert run.stat("incremental/new") == 1
    run.close()


def test_an_unchanged_article_is_dropped_and_counted(state: Path) -> None:
    exported_in_an_earlier_run(state)
    second = Run(state)
    with pytest.raises(DropItem, match="unchanged since version 1"):
        second.process(article(fetched_at="2026-01-06T10:00:00+00:00"))
    assert second.stat("incremental/unchanged") == 1
    assert stored(state).captured == "2026-01-05T10:00:00+00:00"
    second.close()


def test_an_edit_is_the_next_version_pointing_at_the_previous_digest(state: Path) -> None:
    exported_in_an_earlier_run(state)
    second = Run(state)
    item = second.process(article(text=EDITED, fetched_at="2026-01-06T10:00:00+00:00"))
    assert (item.version, item.previous_version_digest) == (2, text_digest(TEXT))
    second.export(item)
    record = stored(state)
    assert (record.version, record.digest) == (2, text_digest(EDITED))
    assert record.first_captured == "2026-01-05T10:00:00+00:00"  # version 1's capture
    assert record.captured == "2026-01-06T10:00:00+00:00"
    assert second.stat("incremental/new_version") == 1
    second.close()


def test_an_item_never_exported_is_new_again_next_run(state: Path) -> None:
    first = Run(state)
    item = first.process(article())
    first.crawler.signals.send_catch_log(signals.item_dropped, item=item, response=None,
                                         exception=DropItem("invalid"))
    first.close()
    assert stored(state) is None
    second = Run(state)
    assert second.process(article()).version == 1
    second.close()


def test_a_second_copy_in_one_run_compares_with_the_pending_first(state: Path) -> None:
    run = Run(state)
    run.process(article())
    with pytest.raises(DropItem, match="unchanged"):
        run.process(article())
    edited = run.process(article(text=EDITED))
    assert (edited.version, edited.previous_version_digest) == (2, text_digest(TEXT))
    run.close()


def test_a_reprint_names_the_stored_original_as_near_duplicate(state: Path) -> None:
    exported_in_an_earlier_run(state)
    second = Run(state)
    reprint = second.process(article(url="https://www.belta.by/society/view/copy-456-2026/",
                                     ident="belta-456"))
    assert reprint.version == 1
    assert reprint.near_duplicates == ["belta-123"]
    second.export(reprint)
    assert second.stat("incremental/near_duplicates") == 1
    second.close()


def test_without_a_feed_the_scraped_signal_advances_the_state(state: Path) -> None:
    run = Run(state)
    run.crawler.checked_feed_exporter = None
    item = run.process(article())
    run.crawler.signals.send_catch_log(signals.item_scraped, item=item, response=None)
    assert stored(state).version == 1
    run.close()


AOF = ("--appendonly", "yes", "--appendfsync", "always")  # a restart keeps what was written


@contextmanager
def redis_pipeline(tmp_path: Path, *server_args: str
                   ) -> Iterator[tuple[Any, Any, IncrementalPipeline]]:
    """The pipeline over a real redis-server's state store (``REDIS_RETRY_SECONDS`` short, a
    feed acknowledging exports): the server (to stop and restart), the crawler, the pipeline."""
    from tests.support.redis import RedisServer

    (tmp_path / "redis").mkdir()
    server = RedisServer(tmp_path / "redis", *server_args)
    try:
        crawler = get_crawler(settings_dict={
            "REDIS_URL": server.url, "REDIS_RETRY_SECONDS": 0.2,
            "STATE_BACKEND": "crawler.state.redis.RedisStateStore"})
        pipeline = IncrementalPipeline.from_crawler(crawler)
        pipeline.open_spider()
        crawler.checked_feed_exporter = object()
        yield server, crawler, pipeline
    finally:
        server.stop()


def test_a_record_redis_failed_to_write_is_written_once_redis_answers(tmp_path: Path) -> None:
    """An item exported while Redis was down (longer than REDIS_RETRY_SECONDS) was counted
    in state/not_recorded, an alarm failing the run, and exported again by the next run:
    its record waits, in order, for the next export or the close, and is written then."""
    with redis_pipeline(tmp_path, *AOF) as (server, crawler, pipeline):
        first = pipeline.process_item(article())
        server.stop()
        crawler.signals.send_catch_log(item_exported, item=first)  # Redis down meanwhile
        server.restart()
        other = "https://www.belta.by/politics/view/two-124-2026/"
        second = pipeline.process_item(article(url=other, text=EDITED, ident="belta-124"))
        crawler.signals.send_catch_log(item_exported, item=second)
        third = pipeline.process_item(article(url=other.replace("124", "125"),
                                              text=TEXT + " Третья.", ident="belta-125"))
        server.stop()
        crawler.signals.send_catch_log(item_exported, item=third)
        server.restart()
        pipeline.close_spider()
        assert crawler.stats.get_value("state/not_recorded") is None
        assert crawler.stats.get_value("incremental/new") == 3
        assert server.client.hlen(f"{crawler.settings['BOT_NAME']}:state:articles") == 3


def test_a_record_redis_never_took_is_counted_not_recorded_at_close(tmp_path: Path) -> None:
    with redis_pipeline(tmp_path) as (server, crawler, pipeline):
        item = pipeline.process_item(article())
        server.stop()
        crawler.signals.send_catch_log(item_exported, item=item)
        assert crawler.stats.get_value("state/not_recorded") is None  # still waiting
        pipeline.close_spider()
        assert crawler.stats.get_value("state/not_recorded") == 1


def test_a_record_redis_refused_as_data_is_counted_at_once_not_held(tmp_path: Path) -> None:
    """A Redis error that is no outage (a key of the wrong type) fails every later try too:
    it held that record and every one after it until the close."""
    with redis_pipeline(tmp_path) as (server, crawler, pipeline):
        item = pipeline.process_item(article())
        key = f"{crawler.settings['BOT_NAME']}:state:articles"
        server.client.delete(key)
        server.client.set(key, "not a hash")  # WRONGTYPE for every write
        crawler.signals.send_catch_log(item_exported, item=item)
        assert crawler.stats.get_value("state/not_recorded") == 1
        assert not pipeline.unrecorded


def test_a_record_redis_failed_after_the_close_is_counted_not_stranded(tmp_path: Path) -> None:
    """Scrapy closes the pipelines before spider_closed, where a buffered feed exports its
    items: a record Redis failed then waited for a close already past, counted nowhere."""
    with redis_pipeline(tmp_path) as (server, crawler, pipeline):
        item = pipeline.process_item(article())
        pipeline.close_spider()
        server.stop()
        crawler.signals.send_catch_log(item_exported, item=item)  # the feed's close
        assert crawler.stats.get_value("state/not_recorded") == 1
        assert not pipeline.unrecorded


def test_an_article_refetched_while_its_record_waits_is_not_exported_again(
        tmp_path: Path) -> None:
    """A request deferred on Redis is fetched again; when its item was exported but its
    record still waited for Redis, the store knew nothing and it was exported again as
    version 1 (an edit of it likewise as version 1)."""
    with redis_pipeline(tmp_path, *AOF) as (server, crawler, pipeline):
        first = pipeline.process_item(article())
        server.stop()
        crawler.signals.send_catch_log(item_exported, item=first)  # its record waits
        server.restart()
        with pytest.raises(DropItem, match="unchanged since version 1"):
            pipeline.process_item(article(fetched_at="2026-01-05T10:05:00+00:00"))
        edit = pipeline.process_item(article(text=EDITED, fetched_at="2026-01-05T10:06:00+00:00"))
        assert edit.version == 2 and edit.previous_version_digest == text_digest(TEXT)
        crawler.signals.send_catch_log(item_exported, item=edit)
        pipeline.close_spider()
        assert crawler.stats.get_value("incremental/new") == 1
        assert crawler.stats.get_value("incremental/new_version") == 1


@pytest.mark.parametrize(("published", "change"), [
    ("2026-01-03T18:00:00+03:00", "redated"),  # another day: a quiet re-dating
    ("2026-01-05T11:00:00+03:00", None),  # the same day: "2 часа назад" read again
])
def test_the_same_text_dated_another_day_is_a_redated_version(state: Path, published: str,
                                                               change: str | None) -> None:
    exported_in_an_earlier_run(state)  # published 2026-01-05T09:00:00+03:00
    second = Run(state)
    moved = replace(article(fetched_at="2026-01-06T10:00:00+00:00"), published=published)
    if change is None:
        with pytest.raises(DropItem, match="unchanged since version 1"):
            second.process(moved)
        second.close()
        return
    item = second.process(moved)
    assert (item.version, item.change, item.previous_version_digest) == (
        2, "redated", text_digest(TEXT))
    second.export(item)
    assert (stored(state).version, stored(state).published) == (2, published)
    assert second.stat("incremental/redated") == 1
    second.close()


def test_a_date_read_across_midnight_minutes_apart_is_no_redating() -> None:
    from crawler.pipelines.incremental import redated

    assert not redated("2026-01-04T23:50:00+03:00", "2026-01-05T00:20:00+03:00")
    assert redated("2026-01-04T22:50:00+03:00", "2026-01-05T00:20:00+03:00")
    assert not redated(None, "2026-01-05T00:20:00+03:00")
    assert not redated("2026-01-05T09:00:00+03:00", None)


@pytest.mark.parametrize("source", ["htmldate", "feed"])
def test_a_guessed_date_on_another_day_is_no_redating(state: Path, source: str) -> None:
    """A date the page does not state (htmldate's guess, which may be a header's "today";
    the feed's or URL's day) may come out otherwise on another fetch: the same text stays
    unchanged."""
    exported_in_an_earlier_run(state)  # published 2026-01-05T09:00:00+03:00
    second = Run(state)
    guessed = replace(article(fetched_at="2026-01-06T10:00:00+00:00"),
                      published="2026-01-06T00:00:00+03:00",
                      extractor={"method": "generic", "fields": {"published": source}})
    with pytest.raises(DropItem, match="unchanged since version 1"):
        second.process(guessed)
    second.close()

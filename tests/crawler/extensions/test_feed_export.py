"""Feed files never take half an item silently (crawler.extensions.feed_export._WriteAll)."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest

from crawler.extensions.feed_export import (
    TORN_LINE_SCAN,
    CheckedFeedExporter,
    _last_line_start,
    _WriteAll,
    torn_bytes,
)


class Dribble(io.RawIOBase):
    """A raw file that takes at most ``limit`` bytes per write, then none at all."""

    def __init__(self, limit: int, capacity: int) -> None:
        self.data = bytearray()
        self.limit, self.capacity = limit, capacity

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        n = min(self.limit, len(b), self.capacity - len(self.data))
        self.data += bytes(b[:n])
        return n


def test_short_writes_are_completed() -> None:
    raw = Dribble(limit=3, capacity=100)
    assert _WriteAll(raw).write(b'{"id": "x"}\n') == 12
    assert bytes(raw.data) == b'{"id": "x"}\n'


def test_a_write_that_cannot_finish_raises() -> None:
    raw = Dribble(limit=3, capacity=5)
    with pytest.raises(OSError, match="short write"):
        _WriteAll(raw).write(b'{"id": "x"}\n')


class Stats(dict):
    def get_value(self, key: str, default=None):
        return self.get(key, default)


@pytest.mark.parametrize(("stats", "said"), [
    ({}, "skipped no article as already exported"),
    ({"incremental/skipped_known": 3}, "3 article(s) already exported were skipped"),
    ({"incremental/unchanged": 2}, "2 article(s) already exported were skipped")])
def test_an_empty_export_says_articles_were_skipped_only_when_some_were(stats, said) -> None:
    """A fresh data folder whose run found nothing was told "articles already exported are
    skipped": none had been."""
    exporter = SimpleNamespace(stats=Stats(stats))
    assert said in CheckedFeedExporter._why_empty(exporter)


@pytest.mark.parametrize(("data", "expected"), [
    (b"", None),
    (b'{"a": 1}\n', None),
    (b'{"a": 1}\n{"b', (9, 12)),
    (b'{"b', (0, 3)),
    (b"x" * 10 + b"\n" + b"y" * 25, (11, 36)),  # the torn line longer than a chunk
    (b"y" * 25, (0, 25)),
])
def test_the_unterminated_last_line_is_found_in_chunks(data: bytes, expected) -> None:
    assert _last_line_start(io.BytesIO(data), len(data), chunk=4) == expected


class _CountingReads(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.taken = 0

    def read(self, n: int | None = -1) -> bytes:
        data = super().read(n)
        self.taken += len(data)
        return data


@pytest.mark.parametrize("newline_at", [None, 100])  # no newline at all; one far back
def test_a_torn_line_longer_than_the_scan_bound_is_not_read_back_to_its_start(newline_at):
    """A file of 3 MiB ending in a line that starts more than the bound (1 MiB) before its
    end was read back whole to name where the line starts: now the scan stops at the bound
    and the start is said to be farther back."""
    data = bytearray(b"y" * (3 << 20))
    if newline_at is not None:
        data[newline_at] = ord("\n")
    reader = _CountingReads(bytes(data))

    assert _last_line_start(reader, len(data)) == (None, len(data))

    assert reader.taken <= TORN_LINE_SCAN + 1
    assert torn_bytes(None, len(data)) == f"bytes more than {TORN_LINE_SCAN} before {len(data)} " \
        f"to {len(data)}"


def test_a_torn_line_within_the_scan_bound_is_named_by_its_start():
    data = b"x" * (3 << 20) + b"\n" + b"y" * 1000
    reader = _CountingReads(data)
    assert _last_line_start(reader, len(data)) == ((3 << 20) + 1, len(data))
    assert reader.taken < 2 << 16
    assert torn_bytes((3 << 20) + 1, len(data)) == f"bytes {(3 << 20) + 1} to {len(data)}"


def test_a_feed_file_held_while_written_is_left_by_the_read_back_until_closed(tmp_path) -> None:
    """The exporter's shared lock is what the next run's read-back tells a line under way
    by (crawler.state.feed_tails): held while the file is open, dropped with it; the torn
    line is then ended (durably, under the read-back's own lock), and not when it grew."""
    from crawler.extensions.feed_export import hold_while_writing
    from crawler.state.feed_tails import _end_torn_line

    path = tmp_path / "items.jsonl"
    path.write_bytes(b'{"url": "a"}\n{"url": "b", "te')
    size = path.stat().st_size
    with open(path, "ab", buffering=0) as file:
        hold_while_writing(file)
        assert _end_torn_line(str(path), 13, size) is None
        assert path.stat().st_size == size
    assert _end_torn_line(str(path), 13, size - 1) is None  # grew since it was read
    assert _end_torn_line(str(path), 13, size) == size + 1
    assert path.read_bytes().endswith(b'"te\n')


def test_a_feed_is_filtered_by_an_item_filter_of_its_own_or_item_classes() -> None:
    """A filtered feed holds only the items it accepts: the read-back must not require it
    (tests/e2e/test_filtered_feed_kills.py)."""
    from scrapy.extensions.feedexport import ItemFilter

    from crawler.extensions.feed_export import filtered
    from tests.support.feed_filters import UrlPattern

    def slot(item_filter: ItemFilter) -> SimpleNamespace:
        return SimpleNamespace(filter=item_filter)

    assert not filtered(slot(ItemFilter({})))
    assert not filtered(slot(ItemFilter(None)))
    assert not filtered(slot(ItemFilter({"item_classes": ["crawler.items.Article"]})))
    assert filtered(slot(ItemFilter({"item_classes": ["crawler.items.ArticlePage"]})))
    assert filtered(slot(UrlPattern({"url_pattern": "x"})))


@pytest.mark.parametrize(("feeds", "said"), [
    ({"a.jsonl": "jsonlines"}, None),
    ({"a.json": "json"}, "a.json: no local JSON-lines file"),
    ({"a.jsonl": "jsonlines", "b.csv": "csv"}, "b.csv: no local JSON-lines file"),
])
def test_a_run_none_of_whose_feeds_is_read_back_says_so_at_its_start(
        tmp_path, caplog, feeds: dict[str, str], said: str | None) -> None:
    """Not only a run whose every feed is filtered: one whose feed is no JSON-lines file
    (``-O items.json``) is read back from none either; a kill between an article's export
    and its record exports it again, and the run says so as it opens."""
    from scrapy import Spider
    from scrapy.utils.test import get_crawler

    from crawler import settings

    crawler = get_crawler(Spider, settings_dict={"FEED_STORAGES": settings.FEED_STORAGES,
                                                 "FEEDS": {str(tmp_path / name): {"format": kind}
                                                           for name, kind in feeds.items()}})
    exporter = CheckedFeedExporter.from_crawler(crawler)
    exporter.open_spider(Spider("x"))
    warned = [r.getMessage() for r in caplog.records if "is read back" in r.getMessage()]
    if said is None:
        assert exporter.reads_back and warned == []
    else:
        assert not exporter.reads_back
        assert warned == [f"No feed of this run is read back ({tmp_path}/"
                          f"{said.format(d=tmp_path)}), so an article a kill stops between "
                          "its export and its record is exported again by the next run"]

"""A run stopped between writing an item to its feed file and recording it: the next run
records the item from the file instead of exporting it again (crawler.state.feed_tails)."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem
from scrapy.exporters import JsonLinesItemExporter

from crawler.extensions.feed_export import feed_file_started, item_exported
from crawler.extraction.text_fingerprint import text_digest
from crawler.items import Article
from crawler.state.sqlite import SQLiteStateStore
from tests.crawler.pipelines.test_incremental import EDITED, TEXT, Run, article, stored

OTHER = "https://www.belta.by/society/view/two-456-2026/"


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state.sqlite3"


def line_of(item: Article) -> bytes:
    """The item as the JSON-lines feed writes it."""
    buffer = io.BytesIO()
    exporter = JsonLinesItemExporter(buffer, encoding="utf-8", ensure_ascii=False)
    exporter.start_exporting()
    exporter.export_item(item)
    return buffer.getvalue()


class Feed:
    """A run's feed file: ``write`` puts the line there; ``exported`` also tells the pipeline,
    with the end of the line, as CheckedFeedExporter does."""

    def __init__(self, run: Run, path: Path, whose: tuple[str, str] | None = None) -> None:
        """``whose``: (run id, feed) the exporter names the file with."""
        self.run, self.path = run, path
        start = path.stat().st_size if path.exists() else 0
        run_id, feed = whose or (None, None)
        run.crawler.signals.send_catch_log(feed_file_started, path=str(path), recorded_to=start,
                                           run=run_id, feed=feed)

    def write(self, item: Article) -> None:
        with self.path.open("ab") as file:
            file.write(line_of(item))

    def exported(self, item: Article) -> None:
        self.write(item)
        self.run.crawler.signals.send_catch_log(item_exported, item=item, tails=[
            (str(self.path), self.path.stat().st_size)])


def tails(path: Path) -> list[tuple[str, int]]:
    store = SQLiteStateStore(path)
    try:
        return store.feed_tails()
    finally:
        store.close()


def test_an_item_written_but_not_recorded_is_recorded_by_the_next_run(
        state: Path, tmp_path: Path) -> None:
    first = Run(state)
    feed = Feed(first, tmp_path / "belta-1.jsonl")
    feed.exported(first.process(article(url=OTHER, ident="belta-456")))
    feed.write(first.process(article()))  # killed here: written, never recorded
    assert stored(state) is None and stored(state, OTHER).version == 1

    second = Run(state)
    record = stored(state)
    assert (record.version, record.digest, record.id) == (1, text_digest(TEXT), "belta-123")
    assert record.first_captured == record.captured == "2026-01-05T10:00:00+00:00"
    assert second.stat("state/recorded_from_feeds") == 1  # OTHER was recorded already
    with pytest.raises(DropItem, match="unchanged"):
        second.process(article())
    assert tails(state) == []  # the file is recorded to its end: no longer watched
    second.close()


def test_an_unrecorded_edit_is_recorded_as_its_version(state: Path, tmp_path: Path) -> None:
    first = Run(state)
    feed = Feed(first, tmp_path / "belta-1.jsonl")
    feed.exported(first.process(article()))
    first.close()
    second = Run(state)
    feed = Feed(second, tmp_path / "belta-2.jsonl")
    feed.write(second.process(article(text=EDITED, fetched_at="2026-01-06T10:00:00+00:00")))
    third = Run(state)
    record = stored(state)
    assert (record.version, record.digest) == (2, text_digest(EDITED))
    assert (record.first_captured, record.captured) == ("2026-01-05T10:00:00+00:00",
                                                        "2026-01-06T10:00:00+00:00")
    assert third.process(article(text=EDITED + " Ещё.")).version == 3
    third.close()


def test_a_torn_last_line_is_ended_said_once_and_its_article_exported_again(
        state: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The torn line's file stayed watched for good: every later run read it again (up to
    MAX_LINE bytes) and the state kept a row per killed run. Its run is over (no lock held
    on the file): the line is ended with a newline (its bytes kept), said once, and the
    file no longer watched."""
    first = Run(state)
    feed = Feed(first, tmp_path / "belta-1.jsonl")
    feed.write(first.process(article(url=OTHER, ident="belta-456")))
    whole = feed.path.stat().st_size
    torn = line_of(first.process(article()))[:-40]
    with feed.path.open("ab") as file:
        file.write(torn)  # the kill hit this write
    second = Run(state)
    assert stored(state, OTHER).version == 1 and stored(state) is None
    assert second.process(article()).version == 1
    second.close()
    assert feed.path.read_bytes()[whole:] == torn + b"\n"
    assert tails(state) == []
    Run(state).close()
    said = [r.getMessage() for r in caplog.records if "a stopped run was writing" in r.getMessage()]
    assert said == [f"Feed file {feed.path} ends in a line a stopped run was writing (bytes "
                    f"{whole} to {whole + len(torn)}): ended it with a newline; its article "
                    "was never recorded and is exported again, and the file is no longer "
                    "watched"]


def test_a_last_line_a_running_run_is_writing_is_left_and_watched(
        state: Path, tmp_path: Path) -> None:
    """Another crawl writing the file now (its shared lock held): its last line may be a
    write under way, not a torn one, and is neither ended nor read."""
    import fcntl

    first = Run(state)
    feed = Feed(first, tmp_path / "belta-1.jsonl")
    feed.write(first.process(article(url=OTHER, ident="belta-456")))
    with feed.path.open("ab") as writer:
        fcntl.flock(writer.fileno(), fcntl.LOCK_SH)
        writer.write(line_of(first.process(article()))[:-40])
        writer.flush()
        size = feed.path.stat().st_size
        Run(state).close()
        assert feed.path.stat().st_size == size
        assert tails(state) == [(str(feed.path), size - len(line_of(article())) + 40)]


def test_lines_that_are_no_articles_are_passed_over_and_said(
        state: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    first = Run(state)
    feed = Feed(first, tmp_path / "belta-1.jsonl")
    with feed.path.open("ab") as file:
        file.write(b'{"url": "x"}\nnot json\n')
    feed.write(first.process(article()))
    with caplog.at_level(logging.INFO):
        second = Run(state)
    assert stored(state).version == 1 and second.stat("state/recorded_from_feeds") == 1
    assert f"Feed file {feed.path}, offset 13: not a JSON line" in caplog.text
    assert f"Feed file {feed.path}: recorded 1 item(s)" in caplog.text
    assert tails(state) == []
    second.close()


def test_a_file_appended_to_is_read_from_where_this_run_started(
        state: Path, tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    path.write_bytes(line_of(article(url=OTHER, ident="belta-456")))  # another tool's, kept
    first = Run(state)
    feed = Feed(first, path)
    feed.write(first.process(article()))
    Run(state).close()
    assert stored(state).version == 1 and stored(state, OTHER) is None


def test_a_feed_file_gone_is_forgotten_with_a_warning(
        state: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    first = Run(state)
    feed = Feed(first, tmp_path / "belta-1.jsonl")
    feed.write(first.process(article()))
    feed.path.unlink()
    second = Run(state)
    assert "is gone: the items it held past byte 0 were not recorded" in caplog.text
    assert tails(state) == [] and stored(state) is None
    assert second.process(article()).version == 1
    second.close()


def test_a_feed_file_shorter_than_its_recorded_end_is_forgotten(state: Path,
                                                               tmp_path: Path) -> None:
    """A file cut or rewritten since its run (a tail past its end) holds nothing to read:
    each later run opened it again, for ever."""
    path = tmp_path / "belta-1.jsonl"
    path.write_bytes(line_of(article()))
    store = SQLiteStateStore(state)
    try:
        store.watch_feed(str(path), path.stat().st_size + 100)
    finally:
        store.close()
    Run(state).close()
    assert tails(state) == [] and stored(state) is None


def test_an_item_the_kill_left_in_some_of_its_runs_feeds_is_exported_again(
        state: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Written to the run's -O file, killed before DATA_DIR/items: recorded from the first,
    it was never exported again and the run files lacked it for good."""
    first = Run(state)
    out = Feed(first, tmp_path / "out.jsonl", whose=("r1", "out.jsonl"))
    items = Feed(first, tmp_path / "items-1.jsonl", whose=("r1", "items-%(time)s.jsonl"))
    both = first.process(article(url=OTHER, ident="belta-456"))
    out.write(both)
    items.write(both)  # in every feed, not recorded: recorded by the next run
    out.write(first.process(article()))  # killed here, before the second feed
    second = Run(state)
    assert stored(state, OTHER).version == 1 and stored(state) is None
    assert second.stat("state/recorded_from_feeds") == 1
    assert (f"Feed file {out.path}, offset {len(line_of(both))}: {article().url} (version 1) "
            "is not in every feed its run wrote") in caplog.text
    assert second.process(article()).version == 1  # exported again
    assert tails(state) == []  # both files read to their ends
    second.close()


def test_a_feed_split_in_batches_holds_an_item_in_any_of_its_files(
        state: Path, tmp_path: Path) -> None:
    first = Run(state)
    batches = [Feed(first, tmp_path / f"items-{n}.jsonl", whose=("r1", "items-%(batch_id)d"))
               for n in (1, 2)]
    out = Feed(first, tmp_path / "out.jsonl", whose=("r1", "out.jsonl"))
    batches[0].write(first.process(article(url=OTHER, ident="belta-456")))
    out.write(article(url=OTHER, ident="belta-456"))
    batches[1].write(first.process(article()))
    out.write(article())
    Run(state).close()
    assert stored(state, OTHER).version == 1 and stored(state).version == 1


def test_each_run_is_checked_against_its_own_feeds(state: Path, tmp_path: Path) -> None:
    """An older run's file still watched (its last line torn) does not hold back the items
    of a later run, which it never held."""
    older = Run(state)
    torn = Feed(older, tmp_path / "old.jsonl", whose=("r0", "old.jsonl"))
    with torn.path.open("ab") as file:
        file.write(line_of(older.process(article(url=OTHER, ident="belta-456")))[:-5])
    Run(state).close()  # reads nothing whole there
    later = Run(state)
    feeds = [Feed(later, tmp_path / f"{name}.jsonl", whose=("r1", name)) for name in "ab"]
    item = later.process(article())
    for feed in feeds:
        feed.write(item)
    Run(state).close()
    assert stored(state).version == 1 and stored(state, OTHER) is None
    assert tails(state) == []  # its torn line ended by the first run after it


def test_a_line_nested_past_any_depth_is_passed_over_like_any_line_that_is_no_json(
        state: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """json.loads raises RecursionError, no ValueError, on such a line: it stopped the
    reading of every watched file, run after run."""
    first = Run(state)
    feed = Feed(first, tmp_path / "belta-1.jsonl")
    with feed.path.open("ab") as file:
        file.write(b"[" * 200_000 + b"\n")
    feed.write(first.process(article()))
    second = Run(state)
    assert stored(state).version == 1 and second.stat("state/recorded_from_feeds") == 1
    assert f"Feed file {feed.path}, offset 0: not a JSON line" in caplog.text
    assert tails(state) == []
    second.close()


@contextlib.contextmanager
def hang_fails_after(seconds: int) -> Iterator[None]:
    """A blocking call (opening a FIFO no one writes) fails the test instead of hanging it."""
    def hung(*_: object) -> None:
        raise TimeoutError(f"still blocked after {seconds} s")
    before = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)


def test_feed_rows_naming_nothing_readable_are_said_and_the_others_still_recorded(
        state: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Rows edited by hand: a recorded end that is no offset stopped the reading of every
    feed file (a TypeError at each run); a FIFO in place of the file hung the run."""
    first = Run(state)
    feed = Feed(first, tmp_path / "belta-1.jsonl")
    feed.write(first.process(article()))  # killed here: written, never recorded
    fifo = tmp_path / "fifo.jsonl"
    os.mkfifo(fifo)
    store = SQLiteStateStore(state)
    store.watch_feed(str(tmp_path / "text.jsonl"), "abc")  # type: ignore[arg-type]
    store.watch_feed(str(fifo), 0)
    store.watch_feed(str(tmp_path), 0)
    store.close()
    with caplog.at_level(logging.WARNING), hang_fails_after(30):
        second = Run(state)
    assert stored(state).version == 1 and second.stat("state/recorded_from_feeds") == 1
    said = [r.getMessage() for r in caplog.records if "noted in the state store" in r.message]
    assert len(said) == 3 and "recorded end 'abc' is no byte offset" in said[-1]
    assert sum("no regular file" in line for line in said) == 2
    assert tails(state) == []
    second.close()


@pytest.mark.parametrize("left", ["nothing", "fifo"])
def test_a_feed_whose_file_the_kill_came_before_holds_none_of_its_runs_items(
        state: Path, tmp_path: Path, left: str) -> None:
    """Written to the first feed, killed before the second feed's file was created (at its
    first item): the second was taken for a file gone, or, a FIFO in its place, dropped
    unread, and the item recorded from the first; the second feed never got it."""
    first = Run(state)
    out = Feed(first, tmp_path / "out.jsonl", whose=("r1", "out.jsonl"))
    later = Feed(first, tmp_path / "later.jsonl", whose=("r1", "later.jsonl"))
    out.write(first.process(article()))
    if left == "fifo":
        os.mkfifo(later.path)
    second = Run(state)
    assert stored(state) is None
    assert second.process(article()).version == 1  # exported again, to both feeds
    assert tails(state) == []
    second.close()

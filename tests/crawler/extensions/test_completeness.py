"""Completeness: each discovered article ends in exactly one outcome, counted on its day."""

from __future__ import annotations

from types import SimpleNamespace

from scrapy import Request
from scrapy.http import HtmlResponse

from crawler.extensions.completeness import OUTCOMES, Completeness
from crawler.extraction import BlockedPage, ExtractionError, NotAnArticle
from crawler.items import META_DISCOVERED, Article
from crawler.outlets.belta import BELTA

BASE = "https://www.belta.by/politics/view/a-{}-2026/"


def _request(tracker: Completeness, n: int, published: str | None = None,
             title: str | None = None) -> Request:
    key = tracker.discovered(BELTA, BASE.format(n) + "?utm_source=rss", title, published)
    return Request(BASE.format(n), meta={META_DISCOVERED: key})


def test_every_outcome_is_counted_once_and_adds_up() -> None:
    tracker = Completeness(SimpleNamespace())
    day = "2026-01-07T10:00:00+03:00"
    reqs = [_request(tracker, n, day, f"Title {n}") for n in range(7)]
    for req in reqs[:6]:  # reqs[6] is never scheduled: known from earlier runs
        tracker.request_scheduled(req)
    for req in reqs[:4]:
        tracker.response_received(HtmlResponse(req.url, status=200), req)
    tracker.extracted(reqs[0].url, ExtractionError("error"))  # a crash in extraction
    tracker.extracted(reqs[1].url, BlockedPage("cloudflare"))
    tracker.extracted(reqs[2].url, NotAnArticle("gallery"))
    tracker.extracted(reqs[3].url, ExtractionError("no_body"))
    tracker.failed(reqs[4].meta, "timeout", None)  # reqs[5]: still pending at the end
    report = tracker.report()
    counts = report["by_day"]["belta"]["2026-01-07"]
    assert counts["discovered"] == 7 == sum(counts[o] for o in OUTCOMES)
    assert counts["fetched"] == 4
    assert (counts["blocked"], counts["not_article"], counts["failed"], counts["known"],
            counts["pending"]) == (1, 1, 3, 1, 1)
    assert report["never_fetched"] == [{"outlet": "belta", "url": BASE.format(4),
                                        "title": "Title 4", "published": day,
                                        "outcome": "failed", "reason": "timeout"}]


def test_a_redirected_article_is_found_again_and_dated_by_its_item() -> None:
    tracker = Completeness(SimpleNamespace())
    req = _request(tracker, 1)
    tracker.request_scheduled(req)
    moved = "https://www.belta.by/politics/view/moved-1-2026/"
    tracker.response_received(HtmlResponse(moved, status=200), req.replace(url=moved))
    tracker.extracted(moved, _article("2026-01-05T09:00:00+03:00"))
    days = tracker.report()["by_day"]["belta"]
    assert list(days) == ["2026-01-05"] and days["2026-01-05"]["extracted"] == 1


def test_a_retry_carrying_the_key_ends_the_article_once() -> None:
    """A 404 whose retry (another spelling, the same key) is extracted is no failure; one
    whose retry fails too is one failure."""
    tracker = Completeness(SimpleNamespace())
    for n, retried in ((1, _article("2026-01-07T10:00:00+03:00")), (2, None)):
        req = _request(tracker, n, "2026-01-07T10:00:00+03:00")
        tracker.request_scheduled(req)
        tracker.failed(req.meta, "http_404", 404)
        retry = req.replace(url=req.url.rstrip("/"))
        tracker.request_scheduled(retry)
        if retried is None:
            tracker.failed(retry.meta, "http_404", 404)
            continue
        tracker.response_received(HtmlResponse(retry.url, status=200), retry)
        tracker.extracted(retry.url, retried)
    counts = tracker.report()["by_day"]["belta"]["2026-01-07"]
    assert (counts["discovered"], counts["extracted"], counts["failed"]) == (2, 1, 1)


def test_a_page_standing_for_another_is_not_counted_beside_it() -> None:
    """A frameset (or alias) fetched, then its frame (or canonical) requested: one article."""
    tracker = Completeness(SimpleNamespace())
    frameset, frame = _request(tracker, 1), _request(tracker, 2)
    for req in (frameset, frame):
        tracker.request_scheduled(req)
        tracker.response_received(HtmlResponse(req.url, status=200), req)
    tracker.extracted(frameset.url, NotAnArticle("frameset"))
    tracker.superseded(frameset.meta)
    tracker.extracted(frame.url, _article("2026-01-07T10:00:00+03:00"))
    counts = tracker.report()["by_day"]["belta"]["2026-01-07"]
    assert (counts["discovered"], counts["extracted"], counts["not_article"]) == (1, 1, 0)


def test_a_403_is_blocked_and_a_later_discovery_adds_the_feed_title() -> None:
    tracker = Completeness(SimpleNamespace())
    req = _request(tracker, 2, "2026-01-06T08:00:00+03:00")
    _request(tracker, 2, None, "From the listing")
    tracker.request_scheduled(req)
    tracker.failed(req.meta, "http_403", 403)
    report = tracker.report()
    assert report["by_day"]["belta"]["2026-01-06"]["blocked"] == 1
    assert report["never_fetched"][0]["title"] == "From the listing"


def _article(published: str) -> Article:
    return Article(id="0" * 16, url="u", source="belta", source_name="БЕЛТА", title="t",
                   subtitle=None, text="x", published=published, modified=None, authors=[],
                   section=None, tags=[], language="ru", fetched_at="", warc=None, extractor={})


def test_a_stopped_run_leaves_its_counts_to_the_run_that_resumes(tmp_path) -> None:
    """Ctrl-C with JOBDIR: the resumed run's article requests find what discovery said."""
    spider = SimpleNamespace(name="belta")
    first = Completeness(SimpleNamespace())
    first.jobdir = str(tmp_path)
    reqs = [_request(first, n, "2026-01-07T10:00:00+03:00", f"Title {n}") for n in range(3)]
    for req in reqs:
        first.request_scheduled(req)
    first.response_received(HtmlResponse(reqs[0].url, status=200), reqs[0])
    first.extracted(reqs[0].url, _article("2026-01-07T09:00:00+03:00"))
    first.spider_closed(spider, "shutdown")
    assert (tmp_path / "belta" / "completeness.json").exists()

    again = Completeness(SimpleNamespace())
    again.jobdir = str(tmp_path)
    again.spider_opened(spider)
    for req in reqs[1:]:  # resumed from the frontier, never discovered again in this run
        again.request_scheduled(req)
        again.response_received(HtmlResponse(req.url, status=200), req)
        again.extracted(req.url, _article("2026-01-07T11:00:00+03:00"))
    counts = again.report()["by_day"]["belta"]["2026-01-07"]
    assert (counts["discovered"], counts["extracted"], counts["fetched"]) == (3, 3, 3)
    again.spider_closed(spider, "finished")  # the next run of this JOBDIR starts afresh
    assert not (tmp_path / "belta" / "completeness.json").exists()


def test_unreadable_saved_counts_start_afresh(tmp_path, caplog) -> None:
    (tmp_path / "belta").mkdir()
    (tmp_path / "belta" / "completeness.json").write_text("{not json", "utf-8")
    tracker = Completeness(SimpleNamespace())
    tracker.jobdir = str(tmp_path)
    tracker.spider_opened(SimpleNamespace(name="belta"))
    assert tracker.entries == {} and "counting starts afresh" in caplog.text


def test_counts_not_kept_on_a_full_disk_name_the_file_once(tmp_path, caplog, monkeypatch) -> None:
    """write_atomically names the file it could not replace; the warning says it once."""
    target = tmp_path / "belta" / "completeness.json"

    def full_disk(path, data) -> None:
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr("crawler.extensions.completeness.write_atomically", full_disk)
    tracker = Completeness(SimpleNamespace())
    tracker.jobdir = str(tmp_path)
    tracker.spider_closed(SimpleNamespace(name="belta"), "shutdown")
    assert "No space left on device" in caplog.text
    assert caplog.text.count(str(target)) == 1

"""``scrapy crawlall``'s rules, without crawling: which feeds every spider shares, which of them
cannot be shared, how later spiders append to them, and the summary line per spider.
(Real crawlall runs: tests/e2e/test_crawlall.py, tests/e2e/test_crawlall_feeds.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.exceptions import UsageError

from crawler.commands.crawlall import (
    appending,
    check_shared_feeds,
    local_path,
    shared_feeds,
    summary_line,
)
from crawler.extensions.run_verdict import RunOutcome, summarize
from tests.support.crawl import scrapy_command


def _outcome(finish_reason: str, alarms: tuple[str, ...] = (), **stats: int) -> RunOutcome:
    return RunOutcome("belta", finish_reason, alarms, summarize(stats), "reports/belta.json")


def test_only_feeds_without_a_placeholder_are_shared_by_every_spider() -> None:
    feeds = {"all.jsonl": {"format": "jsonlines", "overwrite": True},
             "items/%(name)s.jsonl": {"format": "jsonlines"},
             Path("also-all.csv"): None}
    assert shared_feeds(feeds) == {"all.jsonl": {"format": "jsonlines", "overwrite": True},
                                   "also-all.csv": {}}


@pytest.mark.parametrize("uri, options, says", [
    ("all.json", {"format": "json"}, "one json document"),
    ("all.xml", {"format": "xml"}, "one xml document"),
    ("s3://bucket/all.jsonl", {"format": "jsonlines"}, "s3:// is overwritten"),
    ("gs://bucket/all.jsonl", {"format": "jsonlines"}, "gs:// is overwritten"),
])
def test_a_shared_feed_that_cannot_take_every_spider_is_refused(uri, options, says) -> None:
    with pytest.raises(UsageError, match=says) as refused:
        check_shared_feeds({uri: options})
    assert "%(name)s" in str(refused.value)  # the message says how to fix it


@pytest.mark.parametrize("uri", ["all.jsonl", "file:///tmp/all.jsonl", "C:\\feeds\\all.csv",
                                 "stdout:", "ftp://host/all.jsonl"])
def test_appendable_shared_feeds_pass(uri: str) -> None:
    check_shared_feeds({uri: {"format": "jsonlines"}})


def test_local_path_of_plain_paths_and_file_uris_only() -> None:
    assert local_path("out/all.jsonl") == Path("out/all.jsonl")
    assert local_path("file:///srv/all.jsonl") == Path("/srv/all.jsonl")
    assert local_path("s3://bucket/all.jsonl") is None


def test_later_spiders_append_to_shared_feeds_and_csv_headers_are_not_repeated(
        tmp_path: Path) -> None:
    csv_path = tmp_path / "all.csv"
    csv_path.write_text("url,title\nhttps://a/1,One\n")
    empty_csv = tmp_path / "empty.csv"
    empty_csv.touch()
    own = str(tmp_path / "%(name)s.jsonl")
    feeds = {str(csv_path): {"format": "csv", "overwrite": True},
             str(empty_csv): {"format": "csv", "overwrite": True},
             own: {"format": "jsonlines", "overwrite": True}}
    later = appending(feeds, shared_feeds(feeds))
    assert later[str(csv_path)] == {"format": "csv", "overwrite": False,
                                    "item_export_kwargs": {"include_headers_line": False}}
    # Nothing written yet: the next spider's header line is the file's first line.
    assert later[str(empty_csv)] == {"format": "csv", "overwrite": False}
    assert later[own] == feeds[own]  # a per-spider feed is left alone
    assert feeds[str(csv_path)]["overwrite"] is True  # the first spider's FEEDS are unchanged


def test_summary_line_of_a_healthy_run() -> None:
    outcome = _outcome("finished", response_received_count=12, **{
        "incremental/new": 4, "incremental/unchanged": 2, "health/articles": 6,
        "health/complete": 6})
    assert summary_line("belta", outcome, None) == (
        "belta: ok (finished) pages=12 new=4 unchanged=2 new_versions=0 blocked=0 errors=0 "
        "health=1.00")


def test_summary_line_names_alarms_interruptions_crashes_and_spiders_not_run() -> None:
    alarmed = _outcome("finished", ("extraction health 0.10 < 0.8",), **{
        "health/articles": 10, "health/complete": 1})
    line = summary_line("belta", alarmed, None)
    assert line.startswith("belta: UNHEALTHY (finished) ")
    assert line.endswith("health=0.10; ALARM extraction health 0.10 < 0.8")
    assert summary_line("belta", _outcome("shutdown"), None).startswith(
        "belta: INTERRUPTED (shutdown) ")
    assert "health=n/a" in summary_line("belta", _outcome("shutdown"), None)
    assert summary_line("belta", None, "KeyError('x')") == "belta: CRASHED (KeyError('x'))"
    assert summary_line("zerkalo", None, None) == "zerkalo: NOT RUN"


def test_crawlall_takes_no_spider_names() -> None:
    result = scrapy_command("crawlall", "belta")
    assert result.returncode == 2
    assert "crawlall runs every spider; it takes no spider names" in result.stderr


def test_each_spider_takes_its_own_arguments_and_no_spider_takes_scrapys_name() -> None:
    from crawler.commands.arguments import route_arguments, spider_parameters
    from crawler.spiders.belta import BeltaSpider
    from crawler.spiders.regional import RegionalSpider
    from crawler.spiders.site import SiteSpider
    assert spider_parameters(BeltaSpider) == {"since", "until"}
    assert spider_parameters(RegionalSpider) == {"since", "until", "sites"}
    assert spider_parameters(SiteSpider) == {"since", "until", "url", "outlets", "timezone"}
    spiders = {"belta": BeltaSpider, "regional": RegionalSpider, "site": SiteSpider}
    routed = route_arguments({"since": "2026-01-01", "outlets": "rows.toml"}, spiders)
    assert routed == {"belta": {"since": "2026-01-01"}, "regional": {"since": "2026-01-01"},
                      "site": {"since": "2026-01-01", "outlets": "rows.toml"}}
    with pytest.raises(UsageError, match="-a name: no spider takes it"):
        route_arguments({"name": "other"}, spiders)


def test_crawl_refuses_an_argument_that_would_replace_a_spider_attribute() -> None:
    """``crawl belta -a outlets=rows.toml`` replaced BeltaSpider.outlets() with the string:
    the run ended at once with start_error."""
    result = scrapy_command("crawl", "belta", "-a", "outlets=rows.toml")
    assert result.returncode == 2, result.stderr[-3000:]
    assert "-a outlets: belta does not take it" in result.stderr
    assert "Traceback" not in result.stderr

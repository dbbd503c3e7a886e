"""The rules that turn a run's stats into alarms and an exit status
(crawler.extensions.run_verdict)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.extensions.run_verdict import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_UNHEALTHY,
    FAILED_REASONS,
    RunOutcome,
    baseline,
    download_failures,
    exit_status,
    judge,
    previous_summaries,
    run_status,
    summarize,
)

NO_HISTORY = baseline([])


def stats(complete: int, failed: int, **extra: int) -> dict:
    return {"health/articles": complete, "health/complete": complete,
            "extraction/failed/no_body": failed, **extra}


@pytest.mark.parametrize(("complete", "failed"), [(2, 1), (1, 1), (5, 3), (0, 1), (0, 2)])
def test_health_does_not_alarm_below_the_minimum_sample(complete: int, failed: int) -> None:
    verdict = judge(summarize(stats(complete, failed)), NO_HISTORY, 0.8, min_sample=10)
    assert verdict.alarms == []


@pytest.mark.parametrize(("complete", "failed"), [(7, 3), (0, 3), (0, 6), (60, 40)])
def test_health_alarms_on_enough_pages_or_when_every_page_failed(complete: int,
                                                                 failed: int) -> None:
    verdict = judge(summarize(stats(complete, failed)), NO_HISTORY, 0.8, min_sample=10)
    assert [a for a in verdict.alarms if a.startswith("extraction health")]


def test_a_failed_export_is_an_alarm() -> None:
    summary = summarize({**stats(3, 0), "feeds/failed": 1, "feeds/items_not_exported": 3})
    [alarm] = judge(summary, NO_HISTORY, 0.8).alarms
    assert alarm.startswith("export failed: 3 item(s) did not reach 1 feed(s)")


def test_a_page_lost_with_a_dead_worker_is_an_alarm() -> None:
    summary = summarize({**stats(30, 0), "extraction/failed/worker_died": 1})
    assert judge(summary, NO_HISTORY, 0.8).alarms == [
        "1 page(s) lost: their extraction worker died (killed?) mid-page"]


def test_an_interrupted_run_is_not_alarmed_for_missing_articles() -> None:
    base = baseline([{"articles": 20, "errors": 0, "extraction_health": 1.0}])
    summary = summarize({})
    assert judge(summary, base, 0.8).alarms  # a finished run with nothing: alarm
    assert judge(summary, base, 0.8, interrupted=True).alarms == []


@pytest.mark.parametrize(("reason", "status"), [
    ("finished", "finished"), ("closespider_itemcount", "finished"),
    ("shutdown", "interrupted"), ("forced shutdown", "interrupted"), (None, "running")])
def test_run_status_from_finish_reason(reason: str | None, status: str) -> None:
    assert run_status(reason) == status


@pytest.mark.parametrize(("reason", "status"), [
    ("closespider_timeout", "interrupted"), ("closespider_pagecount", "interrupted"),
    ("shutdown", "interrupted"), ("finished", "finished"),
    ("frontier_write_error", "finished"), ("warc_write_error", "finished")])
def test_a_limit_that_left_requests_in_the_jobdir_frontier_interrupts(
        reason: str, status: str) -> None:
    """Stopped by its time limit with requests kept for the next session: the run is not
    over (resumed, no baseline), unlike a failure, which alarms."""
    assert run_status(reason, kept=4) == status
    assert RunOutcome("belta", reason, (), {}, "r.json", kept=4).status == status
    assert exit_status([RunOutcome("belta", "closespider_timeout", (), {}, "r.json",
                                   kept=4)]) == EXIT_INTERRUPTED
    assert not RunOutcome("belta", "closespider_timeout", (), {}, "r.json", kept=4).signalled


def outcome(reason: str, alarms: tuple[str, ...] = ()) -> RunOutcome:
    return RunOutcome("belta", reason, alarms, {}, "report.json")


def test_exit_status_says_unhealthy_over_interrupted_over_ok() -> None:
    assert exit_status([outcome("finished")]) == EXIT_OK
    assert exit_status([outcome("finished"), outcome("shutdown")]) == EXIT_INTERRUPTED
    assert exit_status([outcome("shutdown", ("export failed",))]) == EXIT_UNHEALTHY
    assert exit_status([outcome("finished")], failed=True) == EXIT_UNHEALTHY
    assert not outcome("shutdown").healthy and outcome("finished").healthy


def test_interrupted_and_running_reports_are_no_baseline(tmp_path: Path) -> None:
    for n, (status, reason, articles) in enumerate([
            ("finished", "finished", 10), ("interrupted", "shutdown", 0),
            ("running", None, 0), (None, "shutdown", 0), (None, "finished", 12)]):
        report = {"spider": "belta", "finish_reason": reason, "summary": {"articles": articles}}
        if status:
            report["status"] = status
        (tmp_path / f"belta-2026010{n}.json").write_text(json.dumps(report))
    assert [s["articles"] for s in previous_summaries(tmp_path, "belta", 10)] == [10, 12]


def test_runs_that_raised_alarms_are_no_baseline(tmp_path: Path) -> None:
    """An outlet whose discovery broke: its zero-article runs alarmed, yet counted in the
    median, which fell to 0 by the third broken run, and the alarm with it."""
    healthy = {"spider": "belta", "status": "finished", "finish_reason": "finished",
               "healthy": True, "summary": {"articles": 8, "offered_by_outlet": {"belta": 8}}}
    broken = {**healthy, "healthy": False, "alarms": ["no articles"],
              "summary": {"articles": 0, "offered_by_outlet": {"belta": 0}}}
    for n, report in enumerate([healthy, broken, broken, broken]):
        (tmp_path / f"belta-2026010{n}.json").write_text(json.dumps(report))
    base = baseline(previous_summaries(tmp_path, "belta", 10))
    assert (base["runs"], base["articles"], base["offered_by_outlet"]) == (1, 8, {"belta": 8})
    summary = {**summarize({}), "articles": 0}
    assert judge(summary, base, 0.5).alarms == ["no articles (median of the last 1 runs: 8)"]


def test_foreign_torn_and_refused_reports_are_no_baseline(tmp_path: Path) -> None:
    good = {"spider": "belta", "status": "finished", "finish_reason": "finished",
            "summary": {"articles": 8, "errors": 1, "offered_by_outlet": {"belta": 8},
                        "optional_rule_shares": {"belta/authors": {"share": 0.5}}}}
    odd = {**good, "summary": {"articles": "8", "errors": True, "offered_by_outlet": "7",
                               "optional_rule_shares": [1]}}
    refused = {**good, "finish_reason": "jobdir_mismatch", "summary": {"articles": 0}}
    for n, text in enumerate(["null", "[1]", '{"spider": "bel', json.dumps(good),
                              json.dumps(odd), json.dumps(refused)]):
        (tmp_path / f"belta-2026010{n}.json").write_text(text)
    history = previous_summaries(tmp_path, "belta", 10)
    assert [s["articles"] for s in history] == [8, "8"]
    base = baseline(history)
    assert (base["articles"], base["errors"]) == (8, 1)
    assert base["offered_by_outlet"] == {"belta": 8}
    assert base["optional_rule_shares"] == {"belta/authors": 0.5}


def test_a_run_with_no_article_and_blocked_pages_alarms_without_history() -> None:
    blocked = {"httperror/response_ignored_status_count/403": 1, "pages/blocked_urls": ["/rss"]}
    alarms = judge(summarize(stats(0, 0, **blocked)), NO_HISTORY, 0.8).alarms
    assert [a for a in alarms if "no articles, and 1 page(s) blocked" in a]
    assert judge(summarize(stats(3, 0, **blocked)), NO_HISTORY, 0.8).alarms == []
    assert judge(summarize(stats(0, 0, **blocked)), NO_HISTORY, 0.8, interrupted=True).alarms == []


def test_a_run_with_no_article_and_a_failing_feed_says_how_each_page_failed() -> None:
    """A feed answering 500 was "blocked (403/429/5xx or an anti-bot page): []"."""
    failing = {"httperror/response_ignored_status_count/500": 1,
               "pages/error_answers": ["HTTP 500 https://www.belta.by/rss"]}
    alarms = judge(summarize(stats(0, 0, **failing)), NO_HISTORY, 0.8).alarms
    assert ("no articles, and 1 page(s) answered with a server error (5xx): "
            "HTTP 500 https://www.belta.by/rss") in alarms
    both = {**failing, "pages/blocked/cloudflare": 1, "pages/blocked_urls": ["https://x/a"]}
    alarms = judge(summarize(stats(0, 0, **both)), NO_HISTORY, 0.8).alarms
    assert ("no articles, and 1 page(s) blocked (403/429 or an anti-bot page) and 1 page(s) "
            "answered with a server error (5xx): HTTP 500 https://www.belta.by/rss, "
            "https://x/a") in alarms


def test_a_refused_run_is_an_alarm_even_with_nothing_to_compare() -> None:
    verdict = judge(summarize(stats(0, 0)), NO_HISTORY, 0.8, finish_reason="jobdir_mismatch")
    assert [a for a in verdict.alarms if "jobdir_mismatch" in a]
    assert judge(summarize(stats(0, 0)), NO_HISTORY, 0.8, finish_reason="finished").alarms == []


def _drift_stats(pages: int, bylines: int, outlet: str = "belta") -> dict:
    return {**stats(pages, 0), f"rules/pages/{outlet}": pages,
            f"rules/filled/{outlet}/authors": bylines}


def test_an_optional_rule_that_stops_filling_alarms_against_recent_runs() -> None:
    """БЕЛТА signs about a third of its articles (the rest is agency copy, which its default
    authors fill, so no page counts as a miss). A byline selector that broke fills none."""
    history = [summarize(_drift_stats(40, signed)) for signed in (12, 14, 16)]
    base = baseline(history)
    assert base["optional_rule_shares"] == {"belta/authors": 0.35}
    broken = judge(summarize(_drift_stats(40, 2)), base, 0.8)
    assert broken.alarms == ["layout drift: belta authors: the rule filled it on 5% of pages "
                             "(median of the last 3 runs: 35%); see rule_misses"]
    assert judge(summarize(_drift_stats(40, 9)), base, 0.8).alarms == []  # a quiet day
    # too few pages for a missing byline to mean anything (0.35 x 20 = 7 expected)
    assert judge(summarize(_drift_stats(20, 0)), base, 0.8).alarms == []
    # an outlet that never signs, a run too small to count, no history: no alarm
    never = baseline([summarize(_drift_stats(40, 0, "zerkalo"))])
    assert judge(summarize(_drift_stats(40, 0, "zerkalo")), never, 0.8).alarms == []
    assert summarize(_drift_stats(4, 0))["optional_rule_shares"] == {}
    assert judge(summarize(_drift_stats(40, 0)), NO_HISTORY, 0.8).alarms == []


def test_a_silent_outlet_of_a_many_outlet_run_alarms_only_when_crawled() -> None:
    """Offered links per outlet: a site crawled and silent alarms, one not crawled this run
    (``-a sites=``) or unknown to older reports does not."""
    history = [summarize(stats(10, 0, **{"discovery/offered/a.by": 6, "discovery/offered/b.by": 4}))
               for _ in range(2)] + [summarize(stats(10, 0))]  # an older report: no outlets
    base = baseline(history)
    assert base["offered_by_outlet"] == {"a.by": 6, "b.by": 4}
    silent = summarize(stats(10, 0, **{"discovery/offered/a.by": 9, "discovery/offered/b.by": 0}))
    assert judge(silent, base, 0.8).alarms == [
        "b.by: its feeds, listings and archives offered no article link (median of the last 3 "
        "runs: 4); check its discovery"]
    only_a = summarize(stats(10, 0, **{"discovery/offered/a.by": 9}))
    assert judge(only_a, base, 0.8).alarms == []
    assert judge(silent, base, 0.8, interrupted=True).alarms == []


def test_a_run_whose_start_requests_failed_is_an_alarm() -> None:
    """Scrapy closes a spider whose ``start()`` raised with ``start_error``: it crawled at
    most what was queued before the error, so it is unhealthy and no baseline."""
    verdict = judge(summarize(stats(3, 0)), NO_HISTORY, 0.8, finish_reason="start_error")
    assert [a for a in verdict.alarms if "start_error" in a]
    assert run_status("start_error") == "finished"


def test_items_the_state_store_did_not_record_are_an_alarm() -> None:
    verdict = judge(summarize({**stats(3, 0), "state/not_recorded": 2}), NO_HISTORY, 0.8)
    assert verdict.alarms == ["2 exported item(s) not recorded in the state store (see the "
                              "log): the next run records them from their feed files if "
                              "it can, else exports them again"]


def test_the_baseline_reads_a_bounded_number_of_reports(tmp_path: Path, monkeypatch) -> None:
    """Past runs that are no baseline are skipped, but only so far back: a folder of
    thousands of interrupted runs costs a listing and 100 reads, not thousands."""
    from crawler.extensions import run_verdict
    read: list[Path] = []
    monkeypatch.setattr(run_verdict, "finished_summary",
                        lambda path, spider: read.append(path))
    for n in range(3000):
        (tmp_path / f"belta-2026{n:06d}T000000000000.json").write_text("{}")
    (tmp_path / "zerkalo-20270101T000000000000.json").write_text("{}")
    assert previous_summaries(tmp_path, "belta", 10) == []
    assert len(read) == 100 and read[0].name == "belta-2026002999T000000000000.json"


OFFLINE = {"downloader/exception_type_count/scrapy.exceptions.CannotResolveHostError": 8,
           "downloader/exception_type_count/twisted.internet.error.TimeoutError": 2,
           "log_count/ERROR": 2}


def test_a_run_no_server_answered_says_so_with_the_failures_by_type() -> None:
    """Offline, or the outlet's hosts gone: not only "N errors", but that nothing answered and
    why, first run or not; one answer (even a robots.txt) is not this case."""
    expected = ("no page answered: all 10 download attempt(s) failed (CannotResolveHostError: "
                "8, TimeoutError: 2); is the network (DNS, proxy) up, are the hosts reachable?")
    assert expected in judge(summarize(stats(0, 0, **OFFLINE)), NO_HISTORY, 0.8).alarms
    base = baseline([summarize(stats(8, 0))] * 3)
    alarms = judge(summarize(stats(0, 0, **OFFLINE)), base, 0.8).alarms
    assert expected in alarms and not [a for a in alarms if a.startswith("no articles")]
    answered = {**OFFLINE, "response_received_count": 1}
    assert not [a for a in judge(summarize(stats(0, 0, **answered)), NO_HISTORY, 0.8).alarms
                if a.startswith("no page answered")]
    assert expected not in judge(summarize(stats(0, 0, **OFFLINE)), NO_HISTORY, 0.8,
                                 interrupted=True).alarms


def test_downloads_cancelled_at_shutdown_are_no_download_failures() -> None:
    """A stop whose SHUTDOWN_GRACE_SECONDS ran out cancels the downloads in flight: they are
    kept for the next run (or named as not fetched), not pages that failed. A run closed so by
    a CloseSpider limit (not "interrupted") must not alarm on them."""
    cancelled = {"downloader/exception_type_count/crawler.downloader.ShutdownCancelled": 9,
                 "downloader/exception_type_count/twisted.internet.error.TimeoutError": 1}
    assert download_failures(cancelled) == {"TimeoutError": 1}
    summary = summarize(stats(0, 0, **cancelled))
    assert summary["errors_by_kind"]["download_exceptions"] == 1
    assert summary["download_failures"] == {"TimeoutError": 1}


def test_a_frontier_write_failed_at_close_alarms_for_the_next_run() -> None:
    summary = summarize({**stats(3, 0), "scheduler/frontier_errors": 1,
                         "scheduler/frontier_error_file": "/job/belta/frontier.sqlite3"})
    [alarm] = judge(summary, NO_HISTORY, 0.8, finish_reason="finished").alarms
    assert alarm.startswith("the JOBDIR frontier /job/belta/frontier.sqlite3 could not be "
                            "written (1 time(s), see the log): the next run resumes from its "
                            "last commit"), alarm


def test_a_frontier_not_cleared_at_the_start_alarms_for_this_run() -> None:
    """A finished crawl's frontier that cannot be cleared at the start is resumed as it is:
    the harm is to this run (its pages count as seen), not to the next one's resume."""
    summary = summarize({**stats(3, 0), "scheduler/frontier_afresh_errors": 1,
                         "scheduler/frontier_error_file": "/job/belta/frontier.sqlite3"})
    assert summary["frontier_afresh_errors"] == 1 and not summary["frontier_write_errors"]
    [alarm] = judge(summary, NO_HISTORY, 0.8, finish_reason="finished").alarms
    assert alarm.startswith("the JOBDIR frontier /job/belta/frontier.sqlite3 of a finished "
                            "crawl could not be cleared at the start (see the log): this run "
                            "resumed it, its pages counted as seen"), alarm
    assert "next run resumes from its last commit" not in alarm


def test_a_callback_error_deferred_for_a_redis_outage_is_no_lost_page() -> None:
    """Scrapy counts a callback that failed on Redis in spider_exceptions/ even when its
    request was deferred (fetched again): the alarm said what it gave was lost, exit 1."""
    deferred = {"spider_exceptions/count": 2, "spider_exceptions/ConnectionError": 2,
                "redis/spider_error_deferred/ConnectionError": 2}
    assert judge(summarize(stats(3, 0, **deferred)), NO_HISTORY, 0.8).alarms == []
    one_lost = {**deferred, "spider_exceptions/count": 4, "spider_exceptions/ConnectionError": 3,
                "spider_exceptions/KeyError": 1}
    [alarm] = judge(summarize(stats(3, 0, **one_lost)), NO_HISTORY, 0.8).alarms
    assert alarm.startswith("2 page(s) a spider callback crashed on ({'ConnectionError': 1, "
                            "'KeyError': 1})")


@pytest.mark.parametrize(("days", "alarmed"), [(1, False), (2, True), (9, True)])
def test_a_day_archive_silent_for_a_window_alarms_without_history(days: int,
                                                                  alarmed: bool) -> None:
    """A backfill whose day archive moved (404s at the old scheme) or renamed its entries
    found nothing there, said only in a warning: exit 0, healthy, with 0 articles."""
    summary = summarize({"discovery/archive_silent_days/belta": days})
    alarms = judge(summary, baseline([]), 0.5).alarms
    assert bool(alarms) is alarmed
    if alarmed:
        assert alarms == [f"belta: its day archive gave no article link for any of the "
                          f"window's {days} days: check its archive scheme and listing links "
                          "(a moved archive, renamed entries)"]


def test_feeds_with_no_linked_entry_alarm_when_nothing_else_offered_a_link() -> None:
    """A first run (no median to fall from): an empty feed, or entries whose links went, and
    no other channel: 0 articles, exit 0, healthy."""
    feed = "https://www.belta.by/rss"
    stats = {"discovery/silent_feeds/belta": [feed], "discovery/offered/belta": 0}
    alarms = judge(summarize(stats), baseline([]), 0.5).alarms
    assert alarms == [f"belta: its feeds offered no article link ({feed}: no entry with a "
                      "link) and nothing else did; check its feed"]
    stats["discovery/offered/belta"] = 12  # its listings still offered links
    assert judge(summarize(stats), baseline([]), 0.5).alarms == []


def test_a_run_with_no_article_whose_pages_or_sources_failed_alarms_without_history() -> None:
    """Every article redirected to a consent page, or the only feed kept out by robots.txt:
    a first run ended healthy with no item (only a later one alarmed, against its median)."""
    redirected = {"articles/failed/redirected_to_non_article": 6}
    alarms = judge(summarize(stats(0, 0, **redirected)), NO_HISTORY, 0.8).alarms
    assert alarms == ["no articles, and 6 article page(s) failed (redirected_to_non_article: 6); "
                      "see the log for each URL and why: has the site changed (a redirect to a "
                      "consent page, a new URL scheme, robots.txt)?"]
    robots = {"discovery/source_failed/ignored": 1}
    alarms = judge(summarize(stats(0, 0, **robots)), NO_HISTORY, 0.8).alarms
    assert [a for a in alarms if a.startswith(
        "no articles, and 1 feed(s), listing(s) or sitemap(s) failed (ignored: 1)")]
    # articles found, or the run stopped early: nothing to say
    assert judge(summarize(stats(3, 0, **redirected)), NO_HISTORY, 0.8).alarms == []
    assert judge(summarize(stats(0, 0, **robots)), NO_HISTORY, 0.8, interrupted=True).alarms == []
    # pages the run's own failure dropped (its WARC disk full) are no sign of the site's
    alarms = judge(summarize(stats(0, 0, **{"articles/failed/not_archived": 16})), NO_HISTORY,
                   0.8, finish_reason="warc_write_error").alarms
    assert alarms == [FAILED_REASONS["warc_write_error"]]


def test_feed_links_to_other_hosts_alarm_only_when_the_outlet_got_no_link() -> None:
    offhost = {"discovery/offhost/belta": 6, "discovery/offhost_example/belta": "http://t.co/x",
               "discovery/offered/belta": 0}
    alarms = judge(summarize(stats(0, 0, **offhost)), NO_HISTORY, 0.8).alarms
    assert alarms == ["belta: its feeds offered no article link, but 6 link(s) to other hosts "
                      "(e.g. http://t.co/x): a click tracker, or has the site moved?"]
    offered = {**offhost, "discovery/offered/belta": 4}  # an aggregator's links beside its own
    assert judge(summarize(stats(4, 0, **offered)), NO_HISTORY, 0.8).alarms == []


def test_a_window_discovery_never_reached_alarms() -> None:
    """A site crawl's window whose discovery stopped short of ``since`` (the oldest article
    found newer, no listing walked further): a healthy run with none of its articles."""
    summary = summarize({**stats(0, 0), "discovery/window_unreached/gazeta.test": "2026-01-07"})
    alarms = judge(summary, NO_HISTORY, 0.8).alarms
    assert any(a.startswith("gazeta.test: discovery never reached the window") and
               "2026-01-07" in a for a in alarms)
    assert judge(summarize(stats(0, 0)), NO_HISTORY, 0.8).alarms == []

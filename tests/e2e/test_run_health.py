"""Run reports and alarms: a markup change that empties bodies must fail the run loudly."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.sites import belta
from tests.sites.scheduled import ChangingBelta
from tests.support.crawl import run_crawl
from tests.support.server import FixtureServer, Page, VirtualSite

pytestmark = pytest.mark.slow


def reports(data_dir) -> list[dict]:
    return [json.loads(p.read_text("utf-8"))
            for p in sorted((data_dir / "reports").glob("belta-*.json"))]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory):
    data_dir = tmp_path_factory.mktemp("health")
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    site = ChangingBelta(start=now - timedelta(hours=1), count=6)  # young: re-checked each run
    site.publish()
    with FixtureServer([site.site]) as server:
        healthy = run_crawl("belta", data_dir, server)
        quiet = run_crawl("belta", data_dir, server)  # nothing new, nothing edited
        site.broken = True
        site.publish()
        broken = run_crawl("belta", data_dir, server)
    return healthy, quiet, broken, reports(data_dir)


def test_healthy_runs_exit_zero_with_a_full_report(runs) -> None:
    healthy, quiet, _, reps = runs
    assert healthy.returncode == 0, healthy.log[-3000:]
    assert quiet.returncode == 0, quiet.log[-3000:]
    first, second = reps[0], reps[1]
    assert first["healthy"] is True and first["alarms"] == []
    summary = first["summary"]
    assert summary["articles_new"] == 6 and summary["article_pages_fetched"] == 6
    assert summary["pages_fetched"] >= 8  # robots.txt, feed, six articles
    assert summary["extraction_health"] == 1.0
    assert summary["errors"] == 0 and summary["blocked_pages"] == 0
    # The quiet run re-checks the six young articles and finds them unchanged.
    assert second["healthy"] is True
    assert second["summary"]["articles_unchanged"] == 6
    assert second["summary"]["articles_new"] == 0
    assert second["baseline"]["runs"] == 1 and second["baseline"]["articles"] == 6


def test_empty_bodies_raise_alarms_and_fail_the_process(runs) -> None:
    _, _, broken, reps = runs
    assert broken.returncode == 1, broken.log[-3000:]
    assert broken.items == []
    report = reps[-1]
    assert report["healthy"] is False
    assert report["summary"]["extraction_health"] == 0.0
    assert report["baseline"]["articles"] == 6
    alarms = " | ".join(report["alarms"])
    assert "no articles" in alarms
    assert "extraction health 0.00 below 0.80" in alarms
    assert "errors, above 5" in alarms
    error_lines = [line for line in broken.log.splitlines() if "ERROR" in line and "ALARM" in line]
    assert any("extraction health" in line for line in error_lines), broken.log[-3000:]
    assert broken.stats["health/healthy"] == 0
    assert broken.stats["extraction/failed/no_body"] == 6


@pytest.mark.parametrize(("status", "robots"), [(403, 403), (500, 404), (500, 500)])
def test_an_outlet_that_blocks_every_page_fails_even_the_first_run(tmp_path, status,
                                                                    robots) -> None:
    """Every page 403 (or 500): no history to compare with, and one blocked feed is below the
    error alarm, so the run used to be reported ok with exit 0. The alarm names each page
    with its answer: a feed answering 500 was called blocked, with no URL; a robots.txt
    answering 500 (nothing may be crawled, RFC 9309) gave a healthy run."""
    blocked = VirtualSite(belta.HOST)
    blocked.dynamic = [lambda target: Page(b"<html>Access denied</html>", status=robots
                                           if target.startswith("/robots.txt") else status)]
    with FixtureServer([blocked]) as server:
        result = run_crawl("belta", tmp_path, server)
    assert result.returncode == 1, result.log[-3000:]
    [report] = reports(tmp_path)
    assert report["healthy"] is False
    [alarm] = [a for a in report["alarms"] if a.startswith("no articles, and")]
    if robots == 500:
        said = f"robots.txt answered an error on 1 host(s): HTTP 500 http://{belta.HOST}/robots.txt"
    elif status == 500:
        said = f"page(s) answered with a server error (5xx): HTTP 500 http://{belta.HOST}/rss"
    else:
        said = f"page(s) blocked (403/429 or an anti-bot page): HTTP 403 http://{belta.HOST}/rss"
    assert said in alarm, alarm
    assert "ALARM belta: no articles, and" in result.log

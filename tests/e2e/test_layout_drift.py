"""Layout drift explains itself: a БЕЛТА whose markup changed under its rules.

Every article page is served in a layout the rules do not know (no ``<h1>``, the body and the
date under new classes). The generic path still reads them, but the run says so: an alarm
naming the outlet, each field that missed, the selectors and sample URLs, exit status 1,
and items whose ``extractor.fields`` say which path produced what. Every page is archived.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from archive.reader import iter_responses
from crawler.outlets.belta import BELTA
from tests.sites import belta
from tests.support.crawl import ROOT, SCRAPY, run_crawl
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def drifted(tmp_path_factory: pytest.TempPathFactory):
    site, golds = belta.build(count=6, drift=True)
    with FixtureServer([site]) as server:
        result = run_crawl("belta", tmp_path_factory.mktemp("drift"), server)
    report = json.loads(sorted((result.data_dir / "reports").glob("belta-*.json"))[-1]
                        .read_text("utf-8"))
    return result, golds, report


def test_drift_raises_an_alarm_naming_outlet_field_selector_and_samples(drifted) -> None:
    result, golds, report = drifted
    assert result.returncode == 1, result.log[-3000:]
    alarms = [a for a in report["alarms"] if a.startswith("layout drift")]
    by_field = {a.split()[3].rstrip(":"): a for a in alarms}
    assert set(by_field) == {"title", "published", "text"}, alarms
    text = by_field["text"]
    assert "belta" in text and "'div.js-mediator-article'" in text and "belta@2026-01" in text
    assert "6 of 6 pages" in text
    assert "'div.date_full'" in by_field["published"]
    assert "'div.main h1'" in by_field["title"]
    gold_urls = {g.url for g in golds}
    samples = report["rule_misses"]["belta"]["fields"]["text"]["samples"]
    assert 1 <= len(samples) <= 5 and set(samples) <= gold_urls
    assert all(url in text for url in samples)
    assert any("ALARM belta: layout drift: belta text" in line for line in result.log.splitlines())


def test_drift_is_counted_per_outlet_and_field(drifted) -> None:
    result, _, report = drifted
    assert result.stats["rules/pages/belta"] == 6
    assert result.stats["rules/miss/belta/text"] == 6
    assert result.stats["rules/miss/belta/title"] == 6
    assert result.stats["rules/miss/belta/published"] == 6
    assert "rules/miss/belta/authors" not in result.stats  # БЕЛТА copy may name nobody
    assert report["rule_misses"]["belta"]["fields"]["text"]["filled_by"] == {"generic": 6}


def test_items_say_the_generic_path_produced_the_missed_fields(drifted) -> None:
    result, golds, _ = drifted
    assert {item["url"] for item in result.items} == {g.url for g in golds}
    for item in result.items:
        fields = item["extractor"]["fields"]
        assert fields["text"] == "generic"
        assert fields["title"] == "json-ld" and fields["published"] == "json-ld"
        assert item["extractor"]["rules"] == "belta@2026-01"
    gold = {g.url: g for g in golds}
    for item in result.items:
        assert item["title"] == gold[item["url"]].title
        assert gold[item["url"]].paragraphs[0] in item["text"]


def test_drifted_pages_are_all_archived(drifted) -> None:
    result, golds, _ = drifted
    bodies = {r.url: r.payload for path in sorted((result.data_dir / "warc").glob("*.warc.gz"))
              for r in iter_responses(path)}
    for gold in golds:
        assert b"article-text-v2" in bodies[gold.url.replace("https://", "http://")]


@pytest.mark.parametrize(("date_in", "printed_time"),
                         [("news-date", True), ("", True), ("date_full", False)],
                         ids=["moved", "gone", "day-only"])
def test_a_printed_date_the_rules_miss_alarms_and_still_checks_the_machine_date(
        tmp_path, date_in: str, printed_time: bool) -> None:
    """BELTA's machine date is its Minsk wall clock labelled +00:00, told only against the
    date it prints. Moved to an element the rule does not know, the printed date still
    checks it (the items' times are right); gone, or printed with no time (the day alone
    checks no hour), the check is lost: either way the run alarms naming the rule, not ends
    healthy with times three hours late."""
    site, golds = belta.build(count=6, date_in=date_in, printed_time=printed_time)
    with FixtureServer([site]) as server:
        result = run_crawl("belta", tmp_path, server)
    assert result.returncode == 1, result.log[-3000:]
    assert result.stats["rules/miss/belta/published_visible"] == 6
    assert "layout drift: belta published_visible: rule 'div.date_full'" in result.log
    published = {i["url"]: i["published"] for i in result.items}
    assert len(published) == 6
    if date_in and printed_time:
        assert published == {g.url: g.published.isoformat() for g in golds}


def test_matching_rules_say_which_selector_matched(tmp_path) -> None:
    site, golds = belta.build(count=2)
    with FixtureServer([site]) as server:
        result = run_crawl("belta", tmp_path, server)
    assert result.returncode == 0, result.log[-3000:]
    assert not [k for k in result.stats if k.startswith("rules/miss/")]
    for item in result.items:
        fields = item["extractor"]["fields"]
        assert fields["text"] == "rules:" + BELTA.rules.body[0]
        assert fields["title"] == "rules:div.main h1"
        assert fields["published"].startswith("rules:meta[")


def test_a_byline_rule_that_stops_filling_alarms_against_earlier_runs(tmp_path) -> None:
    """Two healthy runs sign 10 of 40 articles (the rest is agency copy, filled by БЕЛТА's
    default authors, so no page is a miss); the drifted run's byline rule fills none."""
    healthy, _ = belta.build(count=40)
    drifted_site, _ = belta.build(count=40, drift=True)
    reports = []
    for n, site in enumerate((healthy, healthy, drifted_site)):
        with FixtureServer([site]) as server:  # a fresh state each run: every page is read
            result = run_crawl("belta", tmp_path, server,
                               settings={"STATE_PATH": str(tmp_path / f"state{n}.sqlite3")})
        assert len(result.items) == 40, result.log[-3000:]
        reports.append(json.loads(sorted((tmp_path / "reports").glob("belta-*.json"))[-1]
                                  .read_text("utf-8")))
    assert [r["summary"]["optional_rule_shares"] for r in reports[:2]] == \
        [{"belta/authors": {"share": 0.25, "pages": 40}}] * 2
    assert not [a for r in reports[:2] for a in r["alarms"]]
    assert ("layout drift: belta authors: the rule filled it on 0% of pages (median of the "
            "last 2 runs: 25%); see rule_misses") in reports[2]["alarms"]


def test_reextracting_the_drifted_archive_warns_of_the_drift(drifted, tmp_path) -> None:
    """``scrapy reextract`` counted no rule misses: re-extracting an archive after a redesign
    gave the generic text without a word, where the crawl raised its alarm."""
    result, golds, _ = drifted
    out = tmp_path / "again.jsonl"
    proc = subprocess.run([*SCRAPY, "reextract", str(result.data_dir / "warc"), "-O", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    warned = {line.split("'s ")[1].split()[0]: line for line in proc.stderr.splitlines()
              if line.startswith("warning: layout drift? belta's ")}
    assert set(warned) == {"title", "published", "text"}, proc.stderr[-2000:]
    assert "(div.inner_content div.js-mediator-article, div.js-mediator-article)" in \
        warned["text"]
    assert f"on {len(golds)} of {len(golds)} pages" in warned["text"]
    samples = warned["text"].split("; e.g. ")[1].split()  # URLs to probe, as the crawl's
    assert 1 <= len(samples) <= 5 and set(samples) <= {g.url for g in golds}
    assert len(out.read_text("utf-8").splitlines()) == len(golds)


@pytest.fixture(scope="module")
def half_drifted(tmp_path_factory: pytest.TempPathFactory):
    """A БЕЛТА whose six newest articles of twelve came in a new template (a redesign rolled
    out to new articles mid-window): half the pages, no rate above RULE_MISS_ALARM."""
    site, golds = belta.build(count=12, drift=6)
    with FixtureServer([site]) as server:
        result = run_crawl("belta", tmp_path_factory.mktemp("half"), server)
    report = json.loads(sorted((result.data_dir / "reports").glob("belta-*.json"))[-1]
                        .read_text("utf-8"))
    return result, golds[:6], golds[6:], report


def test_a_redesign_of_the_newest_half_of_the_pages_alarms_naming_them(half_drifted) -> None:
    """Half the pages missed (a rate of 50%, not above it): the run ended healthy, exit 0."""
    result, new, old, report = half_drifted
    assert result.returncode == 1, result.log[-3000:]
    alarms = {a.split()[3].rstrip(":"): a for a in report["alarms"]
              if a.startswith("layout drift")}
    # the date rule's misses by day are the days its fallback gave: no edge test for it
    assert set(alarms) == {"title", "text"}, report["alarms"]
    assert "missed_since" not in report["rule_misses"]["belta"]["fields"]["published"]
    first_new_day = min(g.published for g in new).date().isoformat()
    text = alarms["text"]
    assert "found nothing on 6 of 12 pages" in text
    assert f"on all 6 published since {first_new_day}, matched before" in text
    samples = report["rule_misses"]["belta"]["fields"]["text"]["samples"]
    assert 1 <= len(samples) <= 5 and set(samples) <= {g.url for g in new}
    assert all(url in text for url in samples)


def test_items_of_the_new_template_hold_their_article_and_no_page_furniture(
        half_drifted) -> None:
    result, new, old, _ = half_drifted
    items = {item["url"]: item for item in result.items}
    assert set(items) == {g.url for g in new + old}
    for gold in new:
        item = items[gold.url]
        assert item["extractor"]["fields"]["text"] == "generic"
        assert item["title"] == gold.title
        assert item["text"] == "\n\n".join(gold.paragraphs)
    for gold in old:
        assert items[gold.url]["extractor"]["fields"]["text"].startswith("rules:")


def test_reextracting_the_half_drifted_archive_warns_naming_the_day_and_pages(
        half_drifted, tmp_path) -> None:
    result, new, _, _ = half_drifted
    proc = subprocess.run([*SCRAPY, "reextract", str(result.data_dir / "warc"), "-O",
                           str(tmp_path / "again.jsonl")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    warned = [line for line in proc.stderr.splitlines()
              if line.startswith("warning: layout drift? belta's text ")]
    assert len(warned) == 1, proc.stderr[-2000:]
    first_new_day = min(g.published for g in new).date().isoformat()
    assert "on 6 of 12 pages" in warned[0]
    assert f"(on all 6 published since {first_new_day}, matched before" in warned[0]
    samples = warned[0].split("; e.g. ")[1].split()
    assert 1 <= len(samples) <= 5 and set(samples) <= {g.url for g in new}


def test_reextracting_a_healthy_archive_warns_of_nothing(tmp_path) -> None:
    site, golds = belta.build(count=6)
    with FixtureServer([site]) as server:
        result = run_crawl("belta", tmp_path, server)
    proc = subprocess.run([*SCRAPY, "reextract", str(result.data_dir / "warc"), "-O",
                           str(tmp_path / "again.jsonl")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert f"{len(golds)} items" in proc.stderr
    assert "layout drift" not in proc.stderr

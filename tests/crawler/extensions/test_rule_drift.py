"""Rule misses: recorded per field where extraction runs, carried back with the article
through a worker process, counted per outlet and field, and alarmed only past the threshold
over enough pages."""

from __future__ import annotations

import asyncio
from collections import Counter
from types import SimpleNamespace

from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from crawler.extensions.rule_drift import (
    FieldMisses,
    RuleDrift,
    drift_alarms,
    drift_warnings,
    field_report,
)
from crawler.extraction import extract_article, rule_misses
from crawler.items import ArticlePage
from crawler.workerpool import WorkerPool
from tests.sites import belta


def _page(drift: bool, index: int = 0) -> ArticlePage:
    site, golds = belta.build(count=index + 1, drift=drift)
    gold = golds[index]
    body = site.find(gold.url.removeprefix(f"https://{belta.HOST}")).body
    return ArticlePage(url=gold.url, outlet="belta", body=body,
                       headers={"Content-Type": "text/html; charset=utf-8"}, status=200,
                       fetched_at="2026-01-09T08:00:00+00:00")


def _monitor(rate: float = 0.5, pages: int = 5) -> RuleDrift:
    crawler = SimpleNamespace(settings=Settings({"RULE_MISS_ALARM": rate,
                                                 "RULE_MISS_MIN_PAGES": pages}))
    crawler.stats = MemoryStatsCollector(crawler)
    return RuleDrift.from_crawler(crawler)


def test_misses_name_the_selectors_and_travel_back_from_a_worker() -> None:
    async def through_worker() -> object:
        pool = WorkerPool("crawler.extraction.worker:extract_for_crawl", 1)
        try:
            return await pool.submit(_page(drift=True))
        finally:
            pool.close()

    article = asyncio.run(through_worker())
    misses = rule_misses(article)
    assert set(misses) == {"title", "published", "text"}
    assert misses["text"] == ("div.inner_content div.js-mediator-article", "div.js-mediator-article")
    assert "div.date_full" in misses["published"]
    assert "_rule_misses" not in article.extractor and "fields" in article.extractor


def test_matching_rules_record_no_miss() -> None:
    article = extract_article(_page(drift=False))
    assert rule_misses(article) == {}
    assert all(source.startswith("rules:") for name, source in article.extractor["fields"].items()
               if name in ("title", "published", "text"))


def test_alarm_needs_the_rate_and_enough_pages() -> None:
    monitor = _monitor(rate=0.5, pages=5)
    drifted, fine = extract_article(_page(True)), extract_article(_page(False))
    for _ in range(2):
        monitor.note(drifted)
    for _ in range(2):
        monitor.note(fine)
    assert monitor.alarms() == []  # 4 pages: too few to judge
    monitor.note(fine)
    assert monitor.alarms() == []  # 2 of 5 missed: 40%, not above 50%
    monitor.note(drifted)
    alarms = monitor.alarms()  # 3 of 6: 50%, still not above
    assert alarms == []
    monitor.note(drifted)
    alarms = monitor.alarms()  # 4 of 7
    assert len(alarms) == 3 and all("belta" in a and "4 of 7 pages" in a for a in alarms)
    text = next(a for a in alarms if a.startswith("layout drift: belta text:"))
    assert "'div.js-mediator-article'" in text and drifted.url in text
    report = monitor.report()["belta"]
    assert report["pages"] == 7 and report["fields"]["text"]["samples"] == [drifted.url] * 4
    assert monitor.stats.get_value("rules/miss/belta/text") == 4


def test_a_small_run_alarms_when_a_rule_missed_on_every_page() -> None:
    """A paper with two articles a day: the minimum of pages was never reached, so a layout
    that changed under its rules never alarmed, run after run."""
    monitor = _monitor(rate=0.5, pages=5)
    drifted, fine = extract_article(_page(True)), extract_article(_page(False))
    monitor.note(drifted)
    assert monitor.alarms() == []  # one page says little
    monitor.note(drifted)
    alarms = monitor.alarms()
    assert alarms and all("2 of 2 pages (100%, on every page)" in a for a in alarms)
    mixed = _monitor(rate=0.5, pages=5)
    for page in (drifted, fine, drifted):
        mixed.note(page)
    assert mixed.alarms() == []  # 2 of 3: judged on the rate once there are enough pages


def test_samples_are_capped_at_five() -> None:
    report = {"x": {"pages": 9, "fields": {"text": {
        "misses": 9, "rate": 1.0, "selectors": ["div.a"], "rules": "x@1",
        "filled_by": {"generic": 9}, "samples": [f"https://x/{i}" for i in range(5)]}}}}
    assert len(drift_alarms(report, 0.5, 5)) == 1
    monitor = _monitor()
    drifted = extract_article(_page(True))
    for _ in range(8):
        monitor.note(drifted)
    assert len(monitor.report()["belta"]["fields"]["text"]["samples"]) == 5


def test_an_optional_field_alarms_only_when_its_rule_missed_on_every_page() -> None:
    def report(misses: int) -> dict:
        return {"zerkalo": {"pages": 6, "fields": {"authors": {
            "misses": misses, "rate": misses / 6, "selectors": ['[itemprop="author"]'],
            "rules": "zerkalo@2026-01", "filled_by": {"none": misses}, "samples": ["u"]}}}}

    assert drift_alarms(report(4), 0.5, 5) == []  # unsigned articles are normal
    [alarm] = drift_alarms(report(6), 0.5, 5)
    assert "zerkalo authors" in alarm and "on every page" in alarm


def test_bylines_the_rule_filled_are_counted_default_authors_or_not() -> None:
    """Agency copy (default authors) is no miss, so the byline rule is watched by its fills."""
    monitor = _monitor()
    signed, agency = extract_article(_page(False, 3)), extract_article(_page(False, 0))
    assert signed.authors == ["Иван Петров"] and agency.authors == ["БЕЛТА"]
    for article in (signed, agency, agency):
        monitor.note(article)
    assert monitor.stats.get_value("rules/filled/belta/authors") == 1
    assert monitor.stats.get_value("rules/pages/belta") == 3
    assert monitor.stats.get_value("rules/miss/belta/authors") is None


def _run(drifted_indexes: set[int], count: int = 16) -> RuleDrift:
    """A run of ``count`` БЕЛТА pages, two a day (index 0 the newest), those of
    ``drifted_indexes`` in a layout the rules do not know."""
    monitor = _monitor(rate=0.5, pages=5)
    for i in range(count):
        monitor.note(extract_article(_page(i in drifted_indexes, i)))
    return monitor


def test_a_rule_missing_on_every_page_of_the_newest_days_alarms_at_any_rate() -> None:
    """A redesign given to new articles only: 6 pages of 16 (38%) missed, the newest."""
    monitor = _run(set(range(6)))
    text = monitor.report()["belta"]["fields"]["text"]
    assert text["missed_since"] == {"day": "2026-01-06", "pages": 6, "days": 3, "dated": 16}
    alarms = [a for a in monitor.alarms() if a.startswith("layout drift: belta text:")]
    assert len(alarms) == 1
    assert ("found nothing on 6 of 16 pages (38%, on all 6 published since 2026-01-06, "
            "matched before: a layout change)") in alarms[0]


def test_a_rule_missing_on_every_page_of_the_oldest_days_is_warned_of_not_alarmed() -> None:
    """A new rule version that reads the new template only, while the site still serves its
    older articles in the old one: reported and warned of, but old pages may as well be of
    another kind (evergreen specials), so the run gets no exit 1 for them."""
    monitor = _run(set(range(10, 16)))
    text = monitor.report()["belta"]["fields"]["text"]
    assert text["missed_until"] == {"day": "2026-01-03", "pages": 6, "days": 3, "dated": 16}
    assert not [a for a in monitor.alarms() if a.startswith("layout drift: belta text:")]
    [warning] = [w for w in monitor.warnings() if w.startswith("layout drift: belta text:")]
    assert "6 of 16 pages (38%, on all 6 published up to 2026-01-03, matched after" in warning


def test_dates_filled_by_fallbacks_are_not_read_by_publication_day() -> None:
    """A date rule's misses by day are the days its fallback gave: no edge test for them."""
    monitor = _run(set(range(6)))
    fields = monitor.report()["belta"]["fields"]
    assert "missed_since" in fields["text"]
    for name in ("published", "published_visible"):
        assert name not in fields or not {"missed_since", "missed_until"} & set(fields[name])


def _report(page_days: list[str], missed_days: list[str], name: str = "text") -> dict:
    """A run report of one БЕЛТА field from its pages' and its misses' publication days."""
    entry = FieldMisses(misses=len(missed_days), selectors=("div.js-mediator-article",),
                        rules="belta@2026-01", samples=["https://www.belta.by/x"],
                        days=Counter(missed_days))
    f = field_report(entry, len(page_days), Counter(page_days), name)
    return {"belta": {"pages": len(page_days), "fields": {name: f}}}


def test_a_few_odd_pages_at_either_end_of_a_large_run_raise_no_alarm() -> None:
    """Five evergreen galleries the oldest of 300 pages; five photo stubs of today, just
    after midnight, the newest of 200 (on one day, or on two): no layout changed."""
    month = [f"2026-01-{1 + i % 30:02d}" for i in range(295)]
    oldest = ["2025-03-01", "2025-06-01", "2025-06-02", "2025-06-03", "2025-06-04"]
    cases = [(oldest + month, oldest), (["2026-01-07"] * 195 + ["2026-01-08"] * 5,
                                        ["2026-01-08"] * 5),
             (["2026-01-06"] * 195 + ["2026-01-07", "2026-01-08"] * 3,
              ["2026-01-07", "2026-01-08"] * 3)]
    for pages, missed in cases:
        report = _report(pages, missed)
        assert {"missed_since", "missed_until"} & set(report["belta"]["fields"]["text"])
        assert drift_alarms(report, 0.5, 5) == [], missed
        assert drift_warnings(report, 0.5, 5) == [], missed


def test_a_redesign_of_the_newest_third_of_a_large_run_alarms() -> None:
    """70 of 210 pages, those of the newest 7 days, missed: 33%, under the rate, a layout."""
    pages = [f"2026-01-{1 + i // 10:02d}" for i in range(210)]
    [alarm] = drift_alarms(_report(pages, pages[140:]), 0.5, 5)
    assert "on 70 of 210 pages (33%, on all 70 published since 2026-01-15" in alarm


def test_misses_scattered_over_the_days_or_too_few_raise_no_alarm() -> None:
    """Pages of another kind here and there (every third), or a newest block under
    RULE_MISS_MIN_PAGES, are no layout change."""
    assert _run({0, 3, 6, 9, 12, 15}).alarms() == []
    assert _run({0, 1, 2, 3}).alarms() == []  # 4 pages: too few

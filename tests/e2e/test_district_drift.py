"""A district theme redesign under the default WordPress rules: the content block is renamed
and only the broad fallback rules (``main#main.site-main``) still match, on the layout wrapper
around headline, text and a headline list. Items must keep the article's text alone, say the
generic extractor read it, and the run must count the body rule's misses and alarm, after a
healthy baseline run that did not."""

from __future__ import annotations

import pytest

from tests.sites import regional
from tests.sites.regional import MORE_NEWS_HEADING, SHKLOV
from tests.support.crawl import latest_report, run_crawl
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory):
    data_dir = tmp_path_factory.mktemp("district-drift")
    results = []
    for n, drift in enumerate((False, True)):
        site, golds = regional.build_shklov(drift=drift)
        with FixtureServer([site]) as server:  # a fresh state each run: every page is read
            result = run_crawl("regional", data_dir, server, args={"sites": SHKLOV},
                               settings={"STATE_PATH": str(data_dir / f"state{n}.sqlite3")})
        report = latest_report(data_dir, "regional-*.json")
        results.append((result, report))
    return results, {g.url: g for g in golds}


def test_the_baseline_run_is_healthy(runs) -> None:
    (result, report), _ = runs[0][0], runs[1]
    assert result.returncode == 0, result.log[-3000:]
    assert result.items and not report["alarms"]
    assert {i["extractor"]["fields"]["text"] for i in result.items} == {"rules:.entry-content"}


def test_redesigned_items_hold_the_article_text_alone(runs) -> None:
    (result, _), golds = runs[0][1], runs[1]
    assert len(result.items) >= 5, result.log[-3000:]
    for item in result.items:
        gold = golds[item["url"]]
        assert item["text"] == gold.text, item["url"]
        assert MORE_NEWS_HEADING not in item["text"]
        assert item["extractor"]["fields"]["text"] == "generic"


def test_a_broad_rule_matching_the_wrapper_counts_as_drift_and_alarms(runs) -> None:
    (result, report) = runs[0][1]
    pages = result.stats[f"rules/pages/{SHKLOV}"]
    assert result.stats[f"rules/miss/{SHKLOV}/text"] == pages >= 5
    assert result.returncode == 1, result.log[-3000:]
    alarms = [a for a in report["alarms"] if a.startswith(f"layout drift: {SHKLOV} text")]
    assert alarms and "'main#main.site-main'" in alarms[0], report["alarms"]

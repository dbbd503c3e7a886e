"""Only articles become items: a БЕЛТА photo gallery and a challenge page served with 200.

Both come through the RSS feed like any article; the gallery is counted as a skipped page,
the challenge page as blocked with its URL; both are still in the WARC.
"""

from __future__ import annotations

import pytest

from archive.reader import iter_responses
from tests.sites import belta
from tests.support.crawl import run_crawl
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory):
    site, golds = belta.build(count=4, photonews=True, challenge=True)
    with FixtureServer([site]) as server:
        result = run_crawl("belta", tmp_path_factory.mktemp("only"), server)
    return result, golds


def test_gallery_page_yields_no_item(crawl) -> None:
    result, golds = crawl
    assert result.returncode == 0, result.log[-3000:]
    urls = {item["url"] for item in result.items}
    assert belta.PHOTONEWS_URL not in urls
    assert urls == {g.url for g in golds}
    assert result.stats.get("pages/skipped/gallery") == 1


def test_challenge_page_is_blocked_not_an_item(crawl) -> None:
    result, _ = crawl
    assert belta.CHALLENGE_URL not in {item["url"] for item in result.items}
    assert result.stats.get("pages/blocked/cloudflare") == 1
    report = sorted((result.data_dir / "reports").glob("belta-*.json"))[-1].read_text("utf-8")
    assert belta.CHALLENGE_URL.replace("https://", "http://") in report  # listed with its URL
    assert '"blocked_pages": 1' in report and '"gallery": 1' in report


def test_skipped_and_blocked_pages_are_still_archived(crawl) -> None:
    result, _ = crawl
    bodies = {r.url: r.payload for path in sorted((result.data_dir / "warc").glob("*.warc.gz"))
              for r in iter_responses(path)}
    photonews = belta.PHOTONEWS_URL.replace("https://", "http://")
    challenge = belta.CHALLENGE_URL.replace("https://", "http://")
    assert b"photo_item" in bodies[photonews]
    assert b"Just a moment..." in bodies[challenge]

"""Zone samples of the site spider (no network): one whose answer is no article page frees
its slot for the next candidate, within a bound, and discovery's pending count stays right."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler import sitediscovery as disc
from crawler.spiders.site import SiteSpider
from tests.crawler.spiders.conftest import HOST


def found(spider: SiteSpider, n: int, day: str = "2026/01/05") -> tuple[str, disc.Candidate]:
    """A feed candidate of the site, held in its state: (article key, candidate)."""
    state = spider.sites["zone.test"]
    url = f"{HOST}/news/{day}/novost-{n}.html"
    candidate = disc.Candidate(url, datetime(2026, 1, 5, 12, tzinfo=UTC), None, "feed")
    key = spider.article_key(state.outlet, url)
    state.add(candidate, key, 100)
    return key, candidate


def sampled(spider: SiteSpider, n: int, **kwargs: Any) -> Any:
    state = spider.sites["zone.test"]
    return spider.sample(state, *reversed(found(spider, n, **kwargs)))


def test_a_dead_sample_is_replaced_before_it_is_uncounted(spider: SiteSpider) -> None:
    """A sample answering 404 (its other spelling too) votes for nothing: the next
    candidate is asked in its place, counted before the dead one is uncounted, so discovery
    does not release while the replacement is out."""
    dead = [sampled(spider, n) for n in range(3)]
    assert sampled(spider, 3) is None  # SITE_ZONE_SAMPLES=3 asked
    assert spider.pending == 1 + 3
    spider.pending = 1  # the feed and the other samples answered: the dead one is the last
    request = dead[0].replace(meta={**dead[0].meta, "spelling_of": dead[0].url})
    failure = Failure(HttpError(Response(request.url, status=404, request=request)))
    failure.request = request
    out = list(spider.unanswered(failure))
    assert [r.url for r in out] == [f"{HOST}/news/2026/01/05/novost-3.html"]
    assert spider.pending == 1 and not spider.released
    assert spider.crawler.stats.get_value("discovery/sample/failed") == 1


def test_a_sample_that_is_no_html_or_a_challenge_is_replaced(spider: SiteSpider) -> None:
    first, second = sampled(spider, 0), sampled(spider, 1)
    sampled(spider, 2)
    found(spider, 3)
    found(spider, 4)
    pdf = Response(first.url, body=b"%PDF-1.4", request=first,
                   headers={"Content-Type": "application/pdf"})
    challenge = HtmlResponse(second.url, request=second, encoding="utf-8", body=(
        b"<html><head><title>Just a moment...</title></head><body></body></html>"))
    assert [r.url for r in spider.discovery_outputs(pdf, "zone.test", "sample")] == [
        f"{HOST}/news/2026/01/05/novost-3.html"]
    assert [r.url for r in spider.discovery_outputs(challenge, "zone.test", "sample")] == [
        f"{HOST}/news/2026/01/05/novost-4.html"]
    assert spider.pending == 1 + 3
    assert not spider.sites["zone.test"].page_offsets


def test_a_candidate_no_sample_is_asked_for_takes_no_slot(spider: SiteSpider,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Its URL's day (by a row's or a registered outlet's ``url_date``) is outside the window,
    near it (the zone is not known yet): no request is made, and the next candidate is
    sampled."""
    outlet = spider.sites["zone.test"].outlet
    monkeypatch.setattr(type(outlet.discovery), "date_in_url",
                        lambda _, url, now=None: date(2026, 1, 3) if "/2026/01/03/" in url else None)
    assert sampled(spider, 0, day="2026/01/03") is None
    assert [sampled(spider, n) is not None for n in range(1, 5)] == [True, True, True, False]


def test_samples_are_asked_a_few_times_the_bound_at_most(spider: SiteSpider) -> None:
    state = spider.sites["zone.test"]
    for n in range(3 * disc.SAMPLE_TRIES):
        assert sampled(spider, n) is not None
        state.failed_samples.add(next(reversed(state.sampled)))
    assert sampled(spider, 99) is None
    assert len(state.sampled) == 3 * disc.SAMPLE_TRIES

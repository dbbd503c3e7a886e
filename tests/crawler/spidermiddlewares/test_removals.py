"""RemovalMiddleware: which answers of a known article are removals, and the write-then-state rule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.removals import ArticleRemoved
from crawler.spidermiddlewares.removals import RemovalMiddleware
from crawler.state import ArticleRecord

URL = "https://www.belta.by/politics/view/novost-1-427701-2026/"
OTHER = "https://www.belta.by/politics/view/novost-2-427702-2026/"


class Setup:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.crawler = get_crawler(settings_dict={"DATA_DIR": str(data_dir)})
        self.mw = RemovalMiddleware.from_crawler(self.crawler)
        self.store = self.mw.log.store

    def export(self, url: str = URL) -> None:
        self.store.put(ArticleRecord(url=url, id="x", digest="sha256:aa", version=1,
                                     first_captured="2026-01-05T10:00:00+00:00",
                                     captured="2026-01-05T10:00:00+00:00", published=None))

    def answer(self, status: int, url: str = URL, redirected_from: str | None = None) -> Any:
        meta: dict[str, Any] = {"article": True}
        if redirected_from:
            meta.update(redirect_urls=[redirected_from], redirect_reasons=[301])
        request = Request(url, meta=meta, cb_kwargs={"outlet_key": "belta"})
        response = HtmlResponse(url, status=status, body=b"<html></html>", request=request)
        return self.mw.process_spider_input(response)

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for path in sorted((self.data_dir / "removals").glob("*.jsonl"))
                for line in path.read_text("utf-8").splitlines()]

    def stat(self, key: str) -> Any:
        return self.crawler.stats.get_value(key)

    def close(self) -> None:
        self.mw.log.close()
        self.store.close()


@pytest.fixture()
def setup(tmp_path: Path):
    made = Setup(tmp_path / "data")
    yield made
    made.close()


@pytest.mark.parametrize("status", [404, 410, 451])
def test_a_known_article_answering_gone_is_recorded_once(setup: Setup, status: int) -> None:
    setup.export()
    with pytest.raises(ArticleRemoved):
        setup.answer(status)
    with pytest.raises(ArticleRemoved):  # the next run sees it again: no second line
        setup.answer(status)
    [line] = setup.lines()
    assert (line["event"], line["url"], line["status"]) == ("removed", URL, status)
    assert setup.store.removal(URL) == line["observed_at"]
    assert setup.stat("articles/removed") == 1 and setup.stat("articles/still_removed") == 1


@pytest.mark.parametrize("status", [404, 410, 500, 403])
def test_an_article_never_exported_is_left_to_the_failure_path(setup: Setup, status: int) -> None:
    assert setup.answer(status) is None
    assert setup.lines() == [] and setup.stat("articles/removed") is None


@pytest.mark.parametrize("final", [
    OTHER,  # moved to another article of the outlet: extracted as usual
    URL.replace("https://", "http://"),  # the same article by another spelling
])
def test_a_redirect_to_an_article_is_no_removal(setup: Setup, final: str) -> None:
    setup.export()
    assert setup.answer(200, url=final, redirected_from=URL) is None
    assert setup.lines() == []


@pytest.mark.parametrize("final", ["https://www.belta.by/", "https://www.belta.by/politics/",
                                   "https://example.org/view/novost-1-427701-2026/"])
def test_a_redirect_to_a_page_that_is_no_article_of_the_outlet_is_a_removal(
        setup: Setup, final: str) -> None:
    setup.export()
    with pytest.raises(ArticleRemoved):
        setup.answer(200, url=final, redirected_from=URL)
    [line] = setup.lines()
    assert (line["url"], line["final_url"], line["status"]) == (URL, final, 200)
    assert [hop["url"] for hop in line["redirects"]] == [URL]


def test_state_advances_only_once_the_observation_is_written(setup: Setup) -> None:
    setup.export()
    setup.data_dir.mkdir(parents=True, exist_ok=True)
    (setup.data_dir / "removals").write_text("not a folder")  # mkdir fails: nothing written
    with pytest.raises(ArticleRemoved):  # still no failed page
        setup.answer(410)
    assert setup.store.removal(URL) is None
    assert setup.stat("removals/not_written") == 1 and setup.stat("articles/removed") is None
    (setup.data_dir / "removals").unlink()
    with pytest.raises(ArticleRemoved):  # observed again, written this time
        setup.answer(410)
    assert [line["status"] for line in setup.lines()] == [410]
    assert setup.store.removal(URL) is not None


class SiteSpiderStandIn:
    """What RemovalMiddleware asks of the ``site`` spider: its resolver holds the outlets of
    its SiteStates, objects other than (equal to) the published ones ``get_outlet`` gives."""

    def __init__(self, row: dict[str, Any]) -> None:
        from crawler.outlets import OutletResolver
        from crawler.siteoutlets import outlet_from_site_row

        self.resolver = OutletResolver([outlet_from_site_row(row)])

    def outlet_of(self, url: str) -> Any:
        return self.resolver.resolve(url)


def test_a_site_article_moved_to_another_of_its_articles_is_no_removal(setup: Setup) -> None:
    from crawler.siteoutlets import check_row, sites_published

    row = check_row({"url": "https://news.example.org/"})
    old = "https://news.example.org/news/2026/01/05/old-slug/"
    new = "https://news.example.org/news/2026/01/06/new-slug-of-it/"
    setup.crawler.spider = SiteSpiderStandIn(row)
    with sites_published([row]):
        setup.export(old)
        request = Request(new, meta={"article": True, "redirect_urls": [old],
                                     "redirect_reasons": [301]},
                          cb_kwargs={"outlet_key": "news.example.org"})
        response = HtmlResponse(new, status=200, body=b"<html></html>", request=request)
        assert setup.mw.process_spider_input(response) is None  # extracted as usual
    assert setup.lines() == []


@pytest.mark.parametrize("status, final", [
    (404, "https://parked.example/lander/"),  # another page on another host, answering 404
    (404, "https://parked.example/politics/view/novost-1-427701-2026/"),  # not read there
    (500, "https://parked.example/politics/view/novost-1-427701-2026/"),
])
def test_a_redirect_to_another_host_not_read_there_is_no_move(setup, caplog, status, final
                                                              ) -> None:
    """``articles/moved_host`` counts articles read at their own path on a new host; an
    answer that is no page of the article (an error, another path) says no move."""
    setup.answer(status, url=final, redirected_from=URL)
    assert setup.stat("articles/moved_host") is None
    assert "articles redirect to their own paths" not in caplog.text


def test_an_article_read_at_its_own_path_on_a_new_host_is_no_move_yet(setup, caplog) -> None:
    """A move or a parking host: the middleware cannot tell, so it neither counts nor says a
    move; the page goes on as a MOVED candidate, which crawler.softremovals judges."""
    from crawler.softremovals import MOVED

    moved = candidate_of(setup, URL.replace("www.belta.by", "belta-new.example"), URL)
    other = candidate_of(setup, OTHER.replace("www.belta.by", "belta-new.example"), OTHER)
    assert (moved.kind, other.kind) == (MOVED, MOVED)
    assert setup.stat("articles/moved_host") is None
    assert "articles redirect to their own paths" not in caplog.text


def candidate_of(setup: Setup, url: str, redirected_from: str | None = None) -> Any:
    from crawler.softremovals import CANDIDATE_ATTR

    meta: dict[str, Any] = {"article": True}
    if redirected_from:
        meta.update(redirect_urls=[redirected_from], redirect_reasons=[301])
    request = Request(url, meta=meta, cb_kwargs={"outlet_key": "belta"})
    response = HtmlResponse(url, status=200, body=b"<html></html>", request=request)
    setup.mw.process_spider_input(response)
    return response.meta.get(CANDIDATE_ATTR)


def test_a_known_article_answering_200_travels_as_a_candidate(setup: Setup) -> None:
    """What crawler.softremovals judges once extraction has read the page: an article's 2xx
    answer at its own URL (REFETCH; known or never exported, whose soft 404 is a failed
    fetch) and any article's at its own path on a new host (MOVED)."""
    from crawler.items import ArticlePage
    from crawler.softremovals import CANDIDATE_ATTR, MOVED, REFETCH

    fresh = candidate_of(setup, URL)  # never exported: judged too, so its soft 404 is told
    assert (fresh.kind, fresh.known, fresh.url) == (REFETCH, False, URL)
    moved = candidate_of(setup, URL.replace("www.belta.by", "parked.example"), URL)
    assert (moved.kind, moved.known, moved.url) == (MOVED, False, URL)
    setup.export()
    known = candidate_of(setup, URL)
    assert (known.kind, known.known, known.observation.status) == (REFETCH, True, 200)
    page = ArticlePage(url=URL, outlet="belta", body=b"", headers={}, status=200,
                       fetched_at="2026-01-05T10:00:00+00:00")
    response = HtmlResponse(URL, body=b"", request=Request(URL, meta={CANDIDATE_ATTR: known}))
    assert list(setup.mw.process_spider_output(response, [page, "other"])) == [page, "other"]
    assert getattr(page, CANDIDATE_ATTR) is known

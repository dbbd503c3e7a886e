"""`scrapy crawl regional` end to end against two fixture district papers (outlets.md §3)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.sites import regional
from tests.sites.regional import PVESTNIK, SHKLOV
from tests.support.crawl import run_crawl
from tests.support.metrics import token_f1
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow

SINCE, UNTIL = date(2025, 9, 11), date(2025, 9, 13)
WINDOW = {"since": SINCE.isoformat(), "until": UNTIL.isoformat()}
BOTH = {"sites": f"{SHKLOV},{PVESTNIK}"}  # the table's other sites have no fixture
# Pages that are never articles and that the spider has no reason to fetch.
NON_ARTICLE = re.compile(r"[?&](cat|tag|author|page_id|attachment_id)=|^/(category|tag|author|"
                         r"page|o-gazete)/|/attachment/")
MOJIBAKE = re.compile(r"Р[ЃЂ°±Ђ-Џ]|Ð|Ñ|вЂ|\ufffd")


@pytest.fixture(scope="module")
def sites():
    return regional.build()


@pytest.fixture(scope="module")
def window_crawl(sites, tmp_path_factory: pytest.TempPathFactory):
    virtual, golds = sites
    with FixtureServer(virtual) as server:
        result = run_crawl("regional", tmp_path_factory.mktemp("regional"), server,
                           args={**BOTH, **WINDOW})
        yield result, server
    assert result.returncode == 0, result.log[-3000:]


def in_window(golds: dict[str, list]) -> dict[str, object]:
    return {g.url: g for host in golds for g in golds[host]
            if SINCE <= g.published.date() <= UNTIL}


def test_window_finds_every_in_window_article_and_nothing_else(sites, window_crawl) -> None:
    _, golds = sites
    result, _ = window_crawl
    expected = in_window(golds)
    urls = [item["url"] for item in result.items]
    assert len(urls) == len(set(urls))
    assert sorted(urls) == sorted(expected)
    assert {item["source"] for item in result.items} == {SHKLOV, PVESTNIK}
    assert result.stats.get("items/valid") == len(expected)
    assert len(expected) == 12  # 6 per site, older ones reachable only through the archives


def test_window_walks_day_archives_and_stops_paging(window_crawl) -> None:
    _, server = window_crawl
    shklov, pvestnik = server.requested_paths(SHKLOV), server.requested_paths(PVESTNIK)
    for day in ("20250911", "20250912", "20250913"):
        assert f"/?m={day}" in shklov
    assert "/?m=20250911&paged=3" in shklov  # three posts on the 11th, one per page
    assert "/?m=20250911&paged=4" in shklov  # WordPress 404 past the end stops the walk
    assert not any("paged=5" in p for p in shklov)
    assert "/wp-sitemap-posts-post-1.xml" in shklov
    for day in ("2025/09/11", "2025/09/12", "2025/09/13"):
        assert f"/{day}/" in pvestnik
    assert "/2025/09/12/page/3/" in pvestnik  # a 200 page without article links stops it
    assert "/2025/09/12/page/4/" not in pvestnik
    for path in shklov + pvestnik:  # days outside the window, non-article pages: never
        assert "20250910" not in path and "20250914" not in path, path
        assert not path.startswith(("/2025/09/10/", "/2025/09/14/")), path
        assert not NON_ARTICLE.search(path), path


def test_items_match_gold(sites, window_crawl) -> None:
    _, golds = sites
    result, _ = window_crawl
    expected = in_window(golds)
    right = {"title": 0, "published": 0, "authors": 0}
    for item in result.items:
        gold = expected[item["url"]]
        assert token_f1(item["text"], gold.text) >= 0.95, (item["url"], item["text"][:500])
        right["title"] += item["title"] == gold.title
        right["published"] += item["published"] == gold.published.isoformat(timespec="seconds")
        right["authors"] += item["authors"] == gold.authors
        assert item["published"].endswith("+03:00")
        assert item["section"] == gold.section
        assert item["language"] == "ru"
    for field, count in right.items():
        assert count >= 0.95 * len(result.items), (field, count)


def test_no_boilerplate_doubled_title_or_mojibake(window_crawl) -> None:
    result, _ = window_crawl
    for item in result.items:
        for phrase in regional.BOILERPLATE:
            assert phrase not in item["text"], (item["url"], phrase)
        assert not item["text"].startswith(item["title"]), item["url"]
        for field in ("title", "text", "section"):
            assert not MOJIBAKE.search(item[field] or ""), (item["url"], field)
    republished = [i for i in result.items if i["title"] == regional.BELTA_TITLE]
    assert {i["source"] for i in republished} == {SHKLOV, PVESTNIK}
    for item in republished:
        assert "Об этом БЕЛТА сообщили в пресс-службе белорусского лидера." in item["text"]
        assert item["text"].endswith("высказав озабоченность ростом заболеваемости.")


def test_windows_1251_site_reads_as_cyrillic(sites, window_crawl) -> None:
    _, golds = sites
    result, server = window_crawl
    page = server.sites[SHKLOV].find("/?p=48185")
    assert page is not None and "charset" not in (page.content_type or "")
    shklov = [i for i in result.items if i["source"] == SHKLOV]
    assert shklov and all("Ирина Ковалёва" in i["authors"] or i["authors"] == ["Редакция"]
                          for i in shklov)
    assert {i["source_name"] for i in shklov} == {"«Ударны фронт» (Шклов)"}


def test_default_run_reads_feeds_and_listings(sites, tmp_path) -> None:
    virtual, golds = sites
    with FixtureServer(virtual) as server:
        result = run_crawl("regional", tmp_path, server, args=BOTH)
        requested = server.requested_paths(SHKLOV) + server.requested_paths(PVESTNIK)
    assert result.returncode == 0, result.log[-3000:]
    expected = {g.url for g in golds[SHKLOV][:5]} | {g.url for g in golds[PVESTNIK][:7]}
    assert sorted(i["url"] for i in result.items) == sorted(expected)
    assert result.stats.get("discovery/not_article") == 2  # the "page" entry of each feed
    assert not any(p.startswith("/?m=") or re.match(r"^/\d{4}/\d{2}/\d{2}/$", p)
                   for p in requested)
    assert not any(NON_ARTICLE.search(p) for p in requested)


def test_sites_argument_limits_the_crawl(sites, tmp_path) -> None:
    virtual, golds = sites
    with FixtureServer(virtual) as server:
        result = run_crawl("regional", tmp_path, server, args={"sites": "www.pvestnik.by",
                                                                **WINDOW})
        assert server.requested_paths(SHKLOV) == []
    assert result.returncode == 0, result.log[-3000:]
    assert sorted(i["url"] for i in result.items) == sorted(
        g.url for g in golds[PVESTNIK] if SINCE <= g.published.date() <= UNTIL)


def test_unknown_site_is_a_usage_error(tmp_path) -> None:
    result = run_crawl("regional", tmp_path, args={"sites": "pvestnik.by,nowhere.by"})
    assert result.returncode == 2  # a usage error, before any download
    assert "Traceback" not in result.log
    assert "unknown host(s) nowhere.by" in result.log
    assert "known hosts: " in result.log and "shklovinfo.by" in result.log
    assert result.items == []

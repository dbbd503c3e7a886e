"""One rule for a host's www label (www, www2, www3…, any case; never the whole of a
two-label host such as www.by), shared by the crawler's same-site checks and the archive's
article key: the crawler used to strip only a lower-case ``www.``, so a site on
www2.example.by lost its articles linked on example.by (and the reverse), which the corpus
counts as the same articles, and www.by's outlet owned the top-level domain ``by``."""

from __future__ import annotations

import pytest

from archive.urls import article_key, site_host
from crawler.extraction.site_boilerplate import site_key as boilerplate_site
from crawler.outlets import OutletResolver
from crawler.sitediscovery import archive_prefix
from crawler.siteoutlets import outlet_from_site_row, site_key

PATHS = ("/2026/01/02/one", "/2026/01/03/two")


@pytest.mark.parametrize(("host", "site"), [
    ("www.example.by", "example.by"), ("www2.example.by", "example.by"),
    ("WWW3.Example.BY.", "example.by"), ("example.by", "example.by"),
    ("www.by", "www.by"), ("wwwx.example.by", "wwwx.example.by"),
    ("news.www.example.by", "news.www.example.by"),
])
def test_a_hosts_site_drops_one_www_label_as_the_article_key_does(host: str,
                                                                  site: str) -> None:
    assert site_host(host) == site
    key = article_key(f"https://{host}/a")
    assert key is not None and key.host == site


@pytest.mark.parametrize(("row", "other"), [
    ("https://www2.example.by/", "example.by"), ("https://www2.example.by/", "www.example.by"),
    ("https://example.by/", "www2.example.by"), ("https://WWW.Example.by/", "example.by"),
])
def test_a_site_owns_the_hosts_the_corpus_takes_for_its_own(row: str, other: str) -> None:
    """The crawler and the corpus agree: an article linked on ``other`` is the site's."""
    outlet = outlet_from_site_row({"url": row})
    url = f"https://{other}/2026/01/02/one"
    assert article_key(url) == article_key(f"{outlet.base_url.rstrip('/')}/2026/01/02/one")
    assert outlet.owns_host(other)
    assert OutletResolver([outlet]).resolve(url) is outlet
    assert site_key(row) == site_host(other) == boilerplate_site(url)


def test_a_two_label_www_host_is_its_own_site_not_the_top_level_domain() -> None:
    outlet = outlet_from_site_row({"url": "https://www.by/"})
    assert site_key("https://www.by/") == "www.by" == article_key("https://www.by/a").host
    assert not outlet.owns_host("by") and not outlet.owns_host("m.by")
    assert OutletResolver([outlet]).resolve("https://by/a") is None
    assert boilerplate_site("https://www.by/a") != boilerplate_site("https://by/a")
    assert "www.www.by" not in outlet.hosts  # www.by keeps its www label: no www. added


@pytest.mark.parametrize(("row", "hosts"), [
    ("https://www.by/", ["www.by"]), ("https://www2.by/", ["www2.by"]),
    ("https://example.by/", ["example.by", "www.example.by"]),
    ("https://www2.example.by/", ["www2.example.by", "example.by", "www.example.by"]),
])
def test_a_sites_hosts_add_www_only_to_a_host_without_one(row: str, hosts: list) -> None:
    """Its own host, the site without a www label and that site's www. spelling, none twice
    (the mobile and print spellings a site row adds aside)."""
    site = set(hosts) | {"www." + host for host in hosts}
    assert [h for h in outlet_from_site_row({"url": row}).hosts if h in site] == hosts


@pytest.mark.parametrize(("links", "host"), [
    ("www2.example.by", "example.by"), ("www.example.by", "WWW.Example.BY"),
    ("example.by", "www3.example.by"),
])
def test_a_date_archive_is_found_on_any_spelling_of_the_sites_host(links: str,
                                                                   host: str) -> None:
    assert archive_prefix([f"https://{links}{p}" for p in PATHS], host) == "/"


def test_a_row_keeps_the_key_it_gives_whatever_its_www_label() -> None:
    """The upgrade path the README names: a row keyed by the old rule keeps that key."""
    assert outlet_from_site_row({"url": "https://www2.example.by/"}).key == "example.by"
    assert outlet_from_site_row({"url": "https://www2.example.by/",
                                 "key": "www2.example.by"}).key == "www2.example.by"

"""The development collection is split by site: every page of a site lands in one split."""

from __future__ import annotations

from bench.devset.sites import site_of, split_of


def test_site_is_the_registered_domain() -> None:
    assert site_of("https://news.bbc.co.uk/world/1") == "bbc.co.uk"
    assert site_of("http://www.ria.ru/") == "ria.ru"
    assert site_of("https://m.example.com/a?b=c") == "example.com"
    assert site_of("www.zerkalo.io") == "zerkalo.io"


def test_pages_of_one_site_share_a_split_and_both_splits_are_used() -> None:
    urls = [f"https://www.site{i}.com/article/{j}" for i in range(40) for j in range(3)]
    by_site: dict[str, set[str]] = {}
    for url in urls:
        by_site.setdefault(site_of(url), set()).add(split_of(site_of(url)))
    assert all(len(splits) == 1 for splits in by_site.values())
    assert {s for splits in by_site.values() for s in splits} == {"dev", "test"}

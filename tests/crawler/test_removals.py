"""Where an article's redirect ended: the article itself, a move, or somewhere it left."""

from __future__ import annotations

import pytest

from crawler.outlets import outlet_for_url
from crawler.removals import OFF_SITE, left_article, new_host
from crawler.urls import canonical_url

PATH = "/2025/09/12/slug/"


def test_another_known_outlets_page_at_the_articles_path_is_off_site() -> None:
    """Two outlets of one CMS share their path scheme: one's article redirected to the
    other's page at the same path is that other outlet's article, not a move of this one."""
    outlet = outlet_for_url("https://pvestnik.by/")
    url = canonical_url(f"https://pvestnik.by{PATH}", outlet)
    assert left_article(None, outlet, url, f"https://golk.by{PATH}") == OFF_SITE
    assert new_host(None, outlet, f"https://golk.by{PATH}") is None


@pytest.mark.parametrize("final", [
    f"https://new-pvestnik.example{PATH}",  # a new domain no outlet has: a move
    f"http://www.pvestnik.by{PATH}",  # its own host under another spelling: itself
    f"https://PVESTNIK.by.{PATH}",
])
def test_the_articles_own_path_elsewhere_is_no_departure(final: str) -> None:
    outlet = outlet_for_url("https://pvestnik.by/")
    url = canonical_url(f"https://pvestnik.by{PATH}", outlet)
    assert left_article(None, outlet, url, final) is None
    assert new_host(None, outlet, final) == (
        "new-pvestnik.example" if "example" in final else None)


class OneOutletRun:
    """A run of one outlet: its resolver knows no other outlet's host."""

    def __init__(self, outlet) -> None:
        self.outlet = outlet

    def outlet_of(self, url: str):
        return self.outlet if outlet_for_url(url) is self.outlet else None


def test_a_published_outlet_outside_the_run_is_no_new_host_either() -> None:
    outlet = outlet_for_url("https://pvestnik.by/")
    url = canonical_url(f"https://pvestnik.by{PATH}", outlet)
    run = OneOutletRun(outlet)
    assert left_article(run, outlet, url, f"https://golk.by{PATH}") == OFF_SITE
    assert new_host(run, outlet, f"https://golk.by{PATH}") is None
    assert left_article(run, outlet, url, f"https://new-pvestnik.example{PATH}") is None

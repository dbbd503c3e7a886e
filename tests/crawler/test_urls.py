"""Canonical URLs: one article, one URL (and id), however its escapes were spelt."""

from __future__ import annotations

import pytest

from crawler.outlets import outlet_for_url
from crawler.urls import article_id, canonical_url, is_article_url

ARTICLE = "https://www.belta.by/society/view/novost-nomer-2-427702-2026/"
CYRILLIC = "https://example.org/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/%D0%B0?x=1"


@pytest.mark.parametrize("spelt", [
    "https://www.belta.by/society/view/%6eovost-nomer-2-427702-2026/",  # an escaped letter
    "http://belta.by:80/society/view/novost-%6Eomer-2-427702-2026/",
])
def test_an_escaped_letter_gives_the_same_article(spelt) -> None:
    outlet = outlet_for_url(spelt)
    assert canonical_url(spelt, outlet) == ARTICLE
    assert is_article_url(outlet, spelt)
    assert article_id(canonical_url(spelt, outlet)) == article_id(ARTICLE)


@pytest.mark.parametrize("spelt", [
    "https://example.org/новости/%d0%b0?x=1",  # raw Cyrillic, lower-case hex (wget)
    "https://EXAMPLE.org:443/%d0%bd%d0%be%d0%b2%d0%be%d1%81%d1%82%d0%b8/а?x=1",
    CYRILLIC,
])
def test_escapes_in_any_case_or_raw_give_one_url(spelt) -> None:
    assert canonical_url(spelt) == CYRILLIC


def test_an_escaped_slash_stays_escaped() -> None:
    assert canonical_url("https://example.org/a%2fb") == "https://example.org/a%2Fb"

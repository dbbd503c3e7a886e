"""Canonical URLs: one article, one URL (and id), however its escapes were spelt."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
import scrapy
from w3lib.url import safe_url_string

from crawler import urls
from crawler.outlets import outlet_for_url
from crawler.siteoutlets import outlet_from_site_row
from crawler.urls import (
    article_id,
    canonical_url,
    fetch_path,
    is_article_url,
    joined,
    other_spelling,
    respelled,
)

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


@pytest.mark.parametrize("spelt", [
    "https://example.org/news/slug/?sid=5f2b6c0e9a7d4b1c8e3f0a1b2c3d4e5f",
    "https://example.org/news/slug/?PHPSESSID=abcdef0123456789",
    "https://example.org/news/slug/?phpsessid=abc&utm_source=x",
    "https://example.org/news/slug/?sessionid=A1B2C3&session_id=9",
    "https://example.org/news/slug/;jsessionid=0AB12CD34EF5678901",
    "https://example.org/news/slug/;JSESSIONID=0AB12CD34EF5678901.node1?sid=x1",
    "https://example.org/news/slug/?osCsid=f00&zenid=ba5&CFID=123&CFTOKEN=456",
])
def test_a_session_id_in_the_query_or_path_is_no_part_of_the_article(spelt: str) -> None:
    """Session ids (PHP, Java servlets' ``;jsessionid=``, osCommerce, ColdFusion) change with
    every visit: a URL carrying one is the article without it, for any outlet."""
    generic = outlet_from_site_row({"url": "https://example.org/"})
    for outlet in (None, generic):
        assert canonical_url(spelt, outlet) == canonical_url(
            "https://example.org/news/slug/", outlet)


def test_a_numeric_sid_names_an_article_and_stays() -> None:
    """PHP-Nuke numbers its stories ``?sid=123``: a number is no session."""
    url = "https://example.org/modules.php?name=News&file=article&sid=123"
    assert "sid=123" in canonical_url(url)
    assert canonical_url(url) != canonical_url(url.replace("123", "124"))


@pytest.mark.parametrize("name", ["sid", "session_id", "sessionid"])
def test_a_parameter_the_outlet_keeps_is_kept_even_when_it_reads_as_a_session(name) -> None:
    """An outlet whose row names ``sid`` (or ``session_id``: a council's session) in
    keep_query says it tells its articles apart: the session-id rule must not drop it."""
    outlet = outlet_from_site_row({"url": "https://example.org/", "keep_query": [name]})
    url = f"https://example.org/view.php?{name}=a1b2c3"
    assert canonical_url(url, outlet) == f"https://example.org/view.php?{name}=a1b2c3"
    assert canonical_url(url, outlet) != canonical_url(url.replace("a1b2c3", "d4e5f6"), outlet)


def test_the_other_spelling_of_an_article_toggles_the_paths_trailing_slash() -> None:
    assert other_spelling("https://ex.org/2025/09/12/slug") == "https://ex.org/2025/09/12/slug/"
    assert other_spelling("https://ex.org/news/slug/?id=1") == "https://ex.org/news/slug?id=1"
    assert other_spelling("https://ex.org/") is None
    # the query keeps the order it was found in; a spelling that does not toggle is replaced
    assert respelled("http://www.ex.org/a/?b=2&a=1", "http://www.ex.org/a?a=1&b=2", None) == (
        "http://www.ex.org/a?b=2&a=1")
    assert respelled("http://ex.org/a;jsessionid=1", "http://ex.org/a/", None) == (
        "http://ex.org/a;jsessionid=1/")  # one canonical URL: /a/
    assert respelled("http://ex.org/a//", "http://ex.org/a/", None) == "http://ex.org/a/"


@pytest.mark.parametrize("outlet", [None, outlet_from_site_row({"url": "http://gazeta.test/"})])
def test_windows_1251_escapes_in_the_query_are_kept_as_sent(outlet) -> None:
    """An old Windows CMS's ``?rub=%CD%EE…`` (windows-1251 bytes, no UTF-8) named U+FFFD
    (``%EF%BF%BD``) after canonicalisation: another URL, a 404 on the site."""
    url = "http://gazeta.test/view.php?rub=%cd%ee%e2%ee%f1%f2%e8&id=7&q=%D0%9D+x"
    want = "http://gazeta.test/view.php?id=7&q=%D0%9D+x&rub=%CD%EE%E2%EE%F1%F2%E8"
    assert canonical_url(url, outlet) == want
    if outlet is not None:
        assert fetch_path(url, outlet) == "/view.php?rub=%cd%ee%e2%ee%f1%f2%e8&id=7&q=%D0%9D+x"
        assert fetch_path(f"{url}&utm_source=vk", outlet) == (
            "/view.php?rub=%CD%EE%E2%EE%F1%F2%E8&id=7&q=%D0%9D+x")


@pytest.mark.parametrize(("url", "want"), [
    ("http://a.test/x?sid=%C2%B2", "http://a.test/x?sid=%C2%B2"),  # ² is a digit, as before
    ("http://a.test/x?sid=%D9%A1", "http://a.test/x?sid=%D9%A1"),  # Arabic-Indic one
    ("http://a.test/x?sid=%B2", "http://a.test/x"),  # no UTF-8: no number, a session id
    ("http://a.test/x?mscl%E2%84%AAid=1&id=2", "http://a.test/x?id=2"),  # Kelvin-sign K
])
def test_the_noise_rules_read_a_query_as_utf8_text_as_before(url: str, want: str) -> None:
    """Query escapes are kept byte for byte, yet which parameters are tracking or session
    ids is still told from the text their bytes spell in UTF-8: ids did not change."""
    assert canonical_url(url) == want


def test_keep_query_names_a_parameter_by_its_text() -> None:
    row = outlet_from_site_row({"url": "https://gazeta.test/", "keep_query": ["р", "sid"]})
    assert canonical_url("https://gazeta.test/v?%D1%80=1&sid=abc", row) == (
        "https://gazeta.test/v?sid=abc&%D1%80=1")


@pytest.mark.parametrize("href", ["http://[::1/novost/", "http://[bad-host]x/",
                                  "http://host.test:99999/novost/", "http://[::1]x/novost/",
                                  "https://host.test:1a/novost/", "http://user@[::1/"])
def test_a_link_that_is_no_url_joins_to_none(href: str) -> None:
    """urljoin raised ValueError, ending the reading of the page around the link."""
    assert joined("http://site.test/news/", href) is None
    assert joined("http://site.test/news/", "../a/b/") == "http://site.test/a/b/"


@pytest.mark.parametrize("href", ["http://[::1]/novost/", "http://[::1]:8080/novost/",
                                  "http://host.test:/novost/", "/новости/?q=a b",
                                  "http://xn--80a.test/", "//host.test/a"])
def test_a_link_joined_is_one_the_crawl_can_read(href: str) -> None:
    """What joined gives is canonicalised and requested as any URL (no ValueError later)."""
    url = joined("http://site.test/news/", href)
    assert url is not None
    assert canonical_url(url).startswith("http://")
    assert scrapy.Request(url).url.startswith("http://")


def test_an_article_id_has_one_definition_shared_with_the_archive() -> None:
    """The crawl's ids and the archive's checks of them (schema id_mismatch, export file
    names) are one function, so they cannot drift apart."""
    import hashlib

    import archive.urls
    from archive.schema import id_mismatch

    url = "https://www.belta.by/society/view/one-1.html"
    assert article_id is archive.urls.article_id
    assert article_id(url) == hashlib.sha256(url.encode()).hexdigest()[:16]
    assert id_mismatch({"url": url, "id": article_id(url)}) is None
    odd = "https://x.by/\udc80"  # a lone surrogate, as a JSON escape gives
    assert id_mismatch({"url": odd, "id": article_id(odd)}) is None


PLAIN_ENTRIES = ["https://ex.org/news/2024/01/05/article-7-slug/",
                 "http://127.0.0.1/a;b/c?x=1&y=%D0%B0#top", "https://a-b.ex.org?q=(1)*2"]
# each near a plain one, and read by the splits: a port, userinfo, a bracket, a backslash,
# a space, a non-ASCII letter, an upper-case scheme, what urljoin drops (an empty query,
# fragment or parameter), an empty host, dot segments joined against the base
SPLIT_ENTRIES = ["https://ex.org:70000/", "https://ex.org:8080/a", "http://u@ex.org/",
                 "http://[::1/", "http://[::1]x/", "http://ex.org\\@evil.test/",
                 "http://ex.org/a b", "https://пример.рф/", "HTTP://ex.org/a", "http://ex.org/a?",
                 "http://ex.org/a#", "http://ex.org/a;?x", "http:///a", "/rel/../x", "x;"]


@pytest.mark.parametrize("href", PLAIN_ENTRIES + SPLIT_ENTRIES)
def test_joined_gives_what_the_join_and_the_splits_give(href: str) -> None:
    """joined's cheap test for a plain absolute URL agrees with urljoin and why_no_url."""
    base = "http://site.test/news/"
    try:
        expected: str | None = urljoin(base, href)
    except ValueError:
        expected = None
    if expected is not None and why_no_url_split(expected) is not None:
        expected = None
    assert joined(base, href) == expected


def why_no_url_split(url: str) -> str | None:
    """why_no_url's splits alone (urlsplit's port, w3lib's safe_url_string)."""
    try:
        urlsplit(url).port  # noqa: B018
        safe_url_string(url)
    except ValueError as exc:
        return str(exc)
    return None


def test_a_plain_absolute_entry_is_not_split(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sitemap's plain entries pass the cheap test: neither joined nor split (urljoin and
    safe_url_string were most of a sitemap's read); the others still are."""
    calls: list[str] = []

    def split(url: str, *args: object, **kwargs: object) -> str:
        calls.append(url)
        return url

    monkeypatch.setattr(urls, "safe_url_string", split)
    monkeypatch.setattr(urls, "urljoin", lambda base, href: split(href))
    for href in PLAIN_ENTRIES:
        assert joined("http://site.test/news/", href) == href
        assert urls.why_no_url(href) is None
    assert calls == []
    joined("http://site.test/news/", "https://ex.org:8080/a")
    assert calls == ["https://ex.org:8080/a", "https://ex.org:8080/a"]

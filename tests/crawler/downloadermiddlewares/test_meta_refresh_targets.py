"""A meta refresh whose target is no URL fails as Scrapy's MetaRefreshMiddleware reads it.

Which tag counts (attribute order, ``<noscript>``, a tag inside a ``<script>`` string) is
decided by ``w3lib.html.get_meta_refresh`` with ``METAREFRESH_IGNORE_TAGS``, as in Scrapy:
each page whose refresh Scrapy could not follow is a BadLocationError naming the target, and a
page whose only bad refresh Scrapy ignores passes through.
"""

from __future__ import annotations

import pytest
from scrapy import Spider
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.downloadermiddlewares.redirect import CountedMetaRefreshMiddleware
from crawler.failures import BadLocationError

BAD = "http://a.by:99999/x/"


def middleware() -> CountedMetaRefreshMiddleware:
    crawler = get_crawler(Spider)
    crawler.spider = crawler._create_spider("t")
    return CountedMetaRefreshMiddleware.from_crawler(crawler)


def answer(head: str) -> tuple[Request, HtmlResponse]:
    request = Request("http://a.by/page/", errback=lambda failure: None)
    body = f"<html><head>{head}</head><body>text</body></html>".encode()
    return request, HtmlResponse(request.url, body=body, request=request)


@pytest.mark.parametrize("head, named", [
    (f'<meta http-equiv="refresh" content="0; url={BAD}">', BAD),
    (f'<meta content="0; url={BAD}" http-equiv="refresh">', BAD),
    (f"<meta content='0;URL=\"{BAD}\"' http-equiv=REFRESH>", BAD),
    ('<meta http-equiv="refresh" content="0; url=http://[::1">', "http://[::1"),
    ('<noscript><meta http-equiv="refresh" content="0; url=/ok/"></noscript>'
     f'<meta http-equiv="refresh" content="0; url={BAD}">', BAD),
    (f"<script>document.write('<meta http-equiv=refresh content=\"0;url={BAD}\">')</script>",
     "<meta http-equiv=refresh>"),
])
def test_a_refresh_scrapy_follows_to_no_url_is_a_bad_location(head: str, named: str) -> None:
    request, response = answer(head)
    with pytest.raises(BadLocationError) as failed:
        middleware().process_response(request, response)
    assert f"Location {named!r} is not a URL" in str(failed.value)


def test_a_bad_refresh_inside_noscript_is_ignored_as_scrapy_ignores_it() -> None:
    request, response = answer(f'<noscript><meta http-equiv="refresh" content="0; url={BAD}">'
                               "</noscript>")
    assert middleware().process_response(request, response) is response


@pytest.mark.parametrize("base", ["http://[a.by/", "http://a.by]/", "http://a.by:99999/",
                                  "//[::1"])
def test_a_page_whose_base_href_is_no_url_is_read_against_its_own_address(base: str) -> None:
    """A page (a whole article, a site's every page when its template has it) whose
    ``<base href>`` is no URL: Scrapy's reading of its base raised urlsplit's ValueError out
    of the middleware, and the page was lost (``articles/failed/value_error``; a home page so
    built gave its site nothing). A browser ignores such a base, as the extraction does
    (crawler.extraction.html.document_base): the page passes, counted and said once a host,
    and its refresh is read against the page's own address."""
    mw = middleware()
    request, response = answer(f'<base href="{base}">')
    assert mw.process_response(request, response) is response
    request, response = answer(f'<base href="{base}"><meta http-equiv="refresh" '
                               'content="0; url=moved/">')
    followed = mw.process_response(request, response)
    assert isinstance(followed, Request) and followed.url == "http://a.by/page/moved/"
    assert response.xpath("//meta/@content").get() == "0; url=moved/"  # Scrapy reads it too
    assert mw.crawler.stats.get_value("pages/base_href_no_url") == 2


def test_a_page_whose_base_and_refresh_are_no_urls_is_a_bad_location_naming_the_refresh(
        ) -> None:
    request, response = answer(f'<base href="http://[a.by/"><meta http-equiv="refresh" '
                               f'content="0; url={BAD}">')
    with pytest.raises(BadLocationError) as failed:
        middleware().process_response(request, response)
    assert f"Location {BAD!r} is not a URL" in str(failed.value)

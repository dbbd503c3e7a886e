"""Bodies that are no HTML at all are refused as ``not_html``, not as ``no_title``."""

from __future__ import annotations

import json
import random
import zlib

import pytest

from crawler.extraction import ExtractionError, extract_article
from crawler.items import ArticlePage

URL = "https://example.com/news/2026/01/not-html.html"
TITLE = "A headline for the test"


def html(body: str) -> str:
    return f"<html><head><title>{TITLE}</title></head><body><h1>{TITLE}</h1>{body}</body></html>"


def refusal(body: bytes) -> ExtractionError:
    page = ArticlePage(url=URL, outlet=None, body=body,
                       headers={"Content-Type": "text/html; charset=utf-8"}, status=200,
                       fetched_at="2026-01-08T17:00:00+00:00")
    with pytest.raises(ExtractionError) as info:
        extract_article(page)
    return info.value


def deflate(data: bytes) -> bytes:
    """A deflate stream without zlib's header (what a server's broken Content-Encoding sends)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def varied_page() -> bytes:
    """An article page of varied words: compressed, it looks as random as real pages do."""
    rng = random.Random(7)
    words = ["the", "of", "a", "news", "city", "minister", "said", "report", "people", "two"]
    return html("".join(f"<p>{' '.join(rng.choices(words, k=40))} {rng.random()}.</p>"
                        for _ in range(200))).encode()


PDF_HEAD = b"%PDF-1.7\n" + b"".join(b"%d 0 obj\n<< /Type /Page /Parent 2 0 R >>\nendobj\n" % i
                                     for i in range(30))
NOT_HTML = [
    pytest.param(zlib.compress(varied_page()), id="zlib"),
    pytest.param(deflate(varied_page()), id="raw deflate"),
    pytest.param(b"\r\n  \n" + PDF_HEAD + bytes(range(256)) * 8, id="pdf after whitespace"),
    pytest.param(json.dumps({"title": TITLE, "html": html("<p>Text.</p>")}).encode(), id="json"),
    pytest.param(b" [" + json.dumps({"title": TITLE}).encode() + b"]\n", id="json list"),
    pytest.param(("Это простой текст без разметки. " * 40).encode(), id="plain text"),
    # a Blogger feed at /feeds/posts/default, an article-shaped address: its entries' HTML
    # (escaped) came out as one article's text
    pytest.param(('<?xml version="1.0" encoding="UTF-8"?><?xml-stylesheet href="s.xsl"?>'
                  '<feed xmlns="http://www.w3.org/2005/Atom"><title>B</title><entry><title>'
                  f'{TITLE}</title><content type="html">&lt;p&gt;Text.&lt;/p&gt;</content>'
                  "</entry></feed>").encode(), id="atom feed"),
    pytest.param(b'<rss version="2.0"><channel><title>T</title><item><title>' + TITLE.encode()
                 + b"</title></item></channel></rss>", id="rss feed"),
    pytest.param(b'<?xml version="1.0"?>\n<!-- generated -->\n<urlset xmlns="x"><url><loc>'
                 b"https://example.com/a</loc></url></urlset>", id="sitemap"),
]


@pytest.mark.parametrize("body", NOT_HTML)
def test_bodies_that_are_no_html_are_refused_as_not_html(body: bytes) -> None:
    error = refusal(body)
    assert error.reason == "not_html" and URL in error.detail

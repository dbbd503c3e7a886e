"""Bad pages give a clear ExtractionError reason or a clean article, never a crash."""

from __future__ import annotations

import pytest

from crawler.extraction import ExtractionError, extract_article
from crawler.items import ArticlePage

URL = "https://www.belta.by/society/view/proverka-100-2026/"
BODY = "".join(f"<p>Абзац номер {i}: белорусские новости и события дня в регионах.</p>"
               for i in range(6))


def page(body: bytes, content_type: str = "text/html; charset=utf-8", url: str = URL,
         outlet: str = "belta") -> ArticlePage:
    return ArticlePage(url=url, outlet=outlet, body=body, headers={"Content-Type": content_type},
                       status=200, fetched_at="2026-01-01T00:00:00+00:00")


def belta_html(body: str = BODY, title: str = "Заголовок новости") -> str:
    return (f"<html><head><meta charset='utf-8'></head><body><div class='main'><h1>{title}</h1>"
            f"<div class='inner_content'><div class='js-mediator-article'>{body}</div></div>"
            "</div></body></html>")


@pytest.mark.parametrize(("body", "reason"), [
    (b"", "empty_body"),
    (b"   \n ", "empty_body"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "not_html"),
    (b"PK\x03\x04" + b"\x00" * 500, "not_html"),
    (b"<html><body><div class='main'><h1>Only a title</h1></div></body></html>", "no_body"),
    (b"<html><body><p>" + "текст ".encode() * 50 + b"</p></body></html>", "no_title"),
])
def test_unusable_pages_raise_a_reason(body: bytes, reason: str) -> None:
    with pytest.raises(ExtractionError) as info:
        extract_article(page(body))
    assert info.value.reason == reason


def test_broken_markup_still_extracts() -> None:
    html = belta_html().replace("</p>", "").replace("</div></div>", "<div><span><b>")
    article = extract_article(page(html.encode()))
    assert article.title == "Заголовок новости"
    assert "Абзац номер 5" in article.text


def test_charset_only_in_meta() -> None:
    html = belta_html().replace("charset='utf-8'", "charset='windows-1251'")
    article = extract_article(page(html.encode("cp1251"), content_type="text/html"))
    assert article.title == "Заголовок новости"
    assert article.text.startswith("Абзац номер 0: белорусские новости")
    assert "\ufffd" not in article.text


def test_multi_megabyte_page() -> None:
    filler = "<div class='sidebar'>" + "<a href='/x'>ссылка на другую новость</a>" * 40000 + "</div>"
    html = belta_html().replace("<body>", "<body>" + filler)
    assert len(html.encode()) > 2_000_000
    article = extract_article(page(html.encode()))
    assert article.text.count("Абзац номер") == 6
    assert "ссылка на другую новость" not in article.text


def test_deeply_nested_page_does_not_crash() -> None:
    deep = "<div>" * 10000 + "глубоко" + "</div>" * 10000
    html = belta_html(body=BODY + deep)
    article = extract_article(page(html.encode()))
    assert "Абзац номер 0" in article.text


def test_date_from_the_url_when_the_page_has_none() -> None:
    html = ("<html><head><meta charset='utf-8'></head><body><article><h1 class='entry-title'>"
            "Новость района</h1><div class='entry-content'>" + BODY + "</div></article>"
            "</body></html>")
    url = "https://pvestnik.by/2025/09/14/novost-rajona/"
    article = extract_article(page(html.encode(), url=url, outlet="pvestnik.by"))
    assert article.published == "2025-09-14T00:00:00+03:00"

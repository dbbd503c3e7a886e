"""Decoding real, dirty pages: stray bytes of another charset in comments, scripts and ads,
wrong declarations, no declaration, double-encoded UTF-8. Title and text must come out as
written, never as mojibake — and the same in a live crawl and in re-extraction."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse

from crawler.extraction import extract_article
from crawler.extraction.encoding import cyrillic_plausibility, decode_html, undo_double_encoding
from tests.crawler.extraction.test_bad_input import URL, page

TITLE = "Фармацевты Беларуси обсудили новые правила продажи лекарств"
PARAS = [
    "Минздрав подготовил изменения в порядок отпуска лекарственных средств, сообщили БЕЛТА "
    "в пресс-службе министерства. Новые правила вступят в силу с 1 июля 2015 года.",
    "По словам специалистов, аптеки получат больше времени на переход. «Мы учли замечания "
    "отрасли», — отметил заместитель министра здравоохранения.",
    "Сям'я і дзеці атрымалі ўсё неабходнае — паведамляе мясцовая газета на беларускай мове.",
]
# KOI8-R has no «», dashes or Belarusian letters: pages in it are written without them
PARAS_KOI8 = [p.replace("«", '"').replace("»", '"').replace("—", "-") for p in PARAS[:2]]
STRAY_1251 = "Реклама".encode("cp1251") + b"\xe0\xe1\xe2\xe3\xe4"  # 12 windows-1251 bytes


def belta_2015(charset_meta: str | None = "utf-8", comment: bytes = b"", script: bytes = b"",
               ad: bytes = b"", encoding: str = "utf-8", paras: list[str] = PARAS) -> bytes:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset_meta}">' \
        if charset_meta else ""
    html_paras = "".join(f"<p>{p}</p>" for p in paras)
    head = f"<html><head>{meta}<title>{TITLE} | БЕЛТА</title></head><body><div class='main'>"
    html = (head.encode(encoding) + b"<!-- " + comment + b" -->"
            + b"<script>var s='" + script + b"';</script>"
            + f"<h1>{TITLE}</h1><div class='inner_content'><div class='js-mediator-article'>"
              f"{html_paras}</div></div>".encode(encoding)
            + b"<div class='ad'>" + ad + b"</div></div></body></html>")
    return html


def assert_clean(text: str, paras: list[str] = PARAS) -> None:
    assert TITLE in text
    for para in paras:
        assert para in text
    assert cyrillic_plausibility(text) > 0.8


def test_belta_2015_page_with_stray_windows_1251_bytes_in_a_comment_is_utf8() -> None:
    body = belta_2015(comment=STRAY_1251)
    assert len(STRAY_1251) == 12
    text, codec = decode_html(body, "text/html; charset=utf-8")
    assert codec == "utf-8"
    assert_clean(text)
    assert 0 < text.count("\ufffd") <= 12  # only the stray bytes are lost
    article = extract_article(page(body))
    assert article.title == TITLE and article.text == "\n\n".join(PARAS)


@pytest.mark.parametrize("where", ["comment", "script", "ad"])
@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "text/html", None,
                                          "text/html; charset=koi8-r",
                                          "text/html; charset=windows-1251"])
def test_utf8_with_stray_bytes_anywhere_and_any_declaration_is_utf8(where, content_type) -> None:
    body = belta_2015(charset_meta=None, **{where: STRAY_1251 + "Ошибка".encode("koi8_r")})
    text, codec = decode_html(body, content_type)
    assert codec == "utf-8"
    assert_clean(text)


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r"])
@pytest.mark.parametrize("declared", [None, "utf-8", "windows-1251", "koi8-r", "iso-8859-1"])
def test_single_byte_pages_decode_whatever_they_declare(encoding, declared) -> None:
    utf8_ad = "Реклама — лучшая цена".encode()  # an ad block in another charset
    paras = PARAS if encoding == "cp1251" else PARAS_KOI8
    body = belta_2015(charset_meta=declared, encoding=encoding, ad=utf8_ad, paras=paras)
    text, codec = decode_html(body, None)
    assert codec == {"cp1251": "cp1251", "koi8_r": "koi8-r"}[encoding]
    assert_clean(text, paras)


def test_double_encoded_utf8_is_decoded_once_more() -> None:
    for wrong in ("cp1251", "cp1252", "koi8_r"):
        once = belta_2015().decode("utf-8")
        try:
            twice = once.encode("utf-8").decode(wrong).encode("utf-8")
        except UnicodeDecodeError:
            continue  # cp1252 leaves some bytes undefined: such pages cannot exist
        text, codec = decode_html(twice, "text/html; charset=utf-8")
        assert codec == "utf-8"
        assert_clean(text)


def test_plausibility_sees_through_every_kind_of_mojibake() -> None:
    prose = " ".join([TITLE, *PARAS])
    assert cyrillic_plausibility(prose) > 0.9
    utf8 = prose.encode("utf-8")
    for wrong in ("koi8_r", "cp1251", "mac_cyrillic", "cp866"):
        assert cyrillic_plausibility(utf8.decode(wrong, "replace")) < 0.3, wrong
    assert cyrillic_plausibility(prose.encode("cp1251").decode("koi8_r")) < 0.3
    russian = " ".join([TITLE, *PARAS_KOI8])
    assert cyrillic_plausibility(russian.encode("koi8_r").decode("cp1251")) < 0.3
    assert undo_double_encoding(prose) == prose


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "text/html"])
def test_live_crawl_and_reextraction_decode_a_dirty_page_to_the_same_text(content_type) -> None:
    """The crawl builds its ArticlePage from Scrapy's response bytes, re-extraction from the
    WARC payload: both go through decode_html, and agree with Scrapy's own decoding."""
    from archive.model import ArchivedResponse, RecordRef
    from crawler.reextract import page_from_response

    body = belta_2015(comment=STRAY_1251, charset_meta="utf-8")
    headers = {"Content-Type": content_type}
    response = HtmlResponse(URL, body=body, headers=headers)
    live = extract_article(page(response.body, response.headers.get("Content-Type").decode()))
    archived = ArchivedResponse(url=URL, status=200, reason="OK", http_version="HTTP/1.1",
                                headers=list(headers.items()), payload=body,
                                date=__import__("datetime").datetime(2015, 6, 1),
                                ref=RecordRef("x.warc.gz", 0, 10, "<urn:uuid:1>"))
    again = extract_article(page_from_response(archived, URL, 1 << 20))
    assert live.title == again.title == TITLE
    assert live.text == again.text == "\n\n".join(PARAS)
    assert TITLE in response.text  # Scrapy reads it the same way


def test_charset_declarations_are_found_in_linear_time() -> None:
    import time

    hostile = [b"<meta" * 40_000, b"<meta charset" * 20_000, b"<meta charset=" * 20_000,
               b"<meta content='charset=" + b"'" * 200_000]
    start = time.process_time()
    for body in hostile:
        decode_html(body + "пример".encode("cp1251"), "text/html; " + "charset " * 20_000)
    assert time.process_time() - start < 2
    text, codec = decode_html(b"<META HTTP-EQUIV='x' CONTENT='text/html; CHARSET=windows-1251'>"
                              + " ".join(PARAS_KOI8).encode("cp1251"))
    assert codec == "cp1251" and PARAS_KOI8[0] in text

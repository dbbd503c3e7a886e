"""Hostile encodings: UTF-16/32 with and without BOM, a BOM the bytes contradict, a page in
two charsets, entities of invalid code points. The item must read as written or be refused."""

from __future__ import annotations

import codecs

import pytest

from crawler.extraction import ExtractionError, extract_article, looks_binary
from crawler.extraction.encoding import decode_html
from crawler.items import ArticlePage

URL = "https://example.org/news/2026/01/05/novost/"
TITLE = "Минский тракторный завод выпустил новый трактор"
PARAS = [
    "Минский тракторный завод представил новую модель трактора на выставке в столице, "
    "сообщили в пресс-службе предприятия.",
    "По словам генерального директора, машина оснащена двигателем собственной разработки "
    "и новой трансмиссией.",
    "Серийное производство планируется начать во втором квартале, а первые машины получат "
    "хозяйства Минской области.",
]
BODY = "".join(f"<p>{p}</p>" for p in PARAS)


def html(body: str = BODY, meta: str | None = None) -> str:
    charset = f'<meta charset="{meta}">' if meta else ""
    return (f"<!DOCTYPE html><html><head>{charset}<title>{TITLE}</title>"
            '<meta property="article:published_time" content="2026-01-05T10:00:00+03:00">'
            f"</head><body><nav><a href='/'>Главная</a></nav><article><h1>{TITLE}</h1>"
            f"<div class='article-body'>{body}</div></article></body></html>")


def page(body: bytes, content_type: str | None = "text/html") -> ArticlePage:
    return ArticlePage(url=URL, outlet="", body=body,
                       headers={"Content-Type": content_type} if content_type else {},
                       status=200, fetched_at="2026-01-05T12:00:00+00:00")


def assert_article(body: bytes, content_type: str | None = "text/html") -> None:
    article = extract_article(page(body, content_type))
    assert article.title == TITLE
    assert article.text == "\n\n".join(PARAS)


WIDE = [
    pytest.param(codecs.BOM_UTF16_LE + html().encode("utf-16-le"), id="utf-16-le BOM"),
    pytest.param(codecs.BOM_UTF16_BE + html().encode("utf-16-be"), id="utf-16-be BOM"),
    pytest.param(html().encode("utf-16-le"), id="utf-16-le no BOM"),
    pytest.param(html().encode("utf-16-be"), id="utf-16-be no BOM"),
    pytest.param(html().encode("utf-32"), id="utf-32 BOM"),
    pytest.param(html().encode("utf-32-be"), id="utf-32-be no BOM"),
]


@pytest.mark.parametrize("body", WIDE)
@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "text/html; charset=utf-16",
                                          None])
def test_utf16_and_utf32_pages_are_articles_whatever_is_declared(body, content_type) -> None:
    assert not looks_binary(body)
    assert_article(body, content_type)


def test_wide_text_is_told_from_binary_and_from_nul_sprinkled_pages() -> None:
    assert looks_binary(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    nul_page = html().encode().replace(b"<p>", b"<p>\x00")
    assert decode_html(nul_page)[1] == "utf-8"


@pytest.mark.parametrize(("body", "content_type"), [
    # a UTF-8 BOM before windows-1251 bytes (a template saved with a BOM, the article not)
    (codecs.BOM_UTF8 + html().encode("cp1251"), "text/html; charset=windows-1251"),
    (codecs.BOM_UTF8 + html(meta="utf-8").encode("cp1251"), "text/html; charset=utf-8"),
    (codecs.BOM_UTF8 + html().encode("koi8_r"), None),
    # a UTF-16 BOM before UTF-8 or windows-1251 bytes
    (codecs.BOM_UTF16_LE + html().encode("utf-8"), "text/html; charset=utf-8"),
    (codecs.BOM_UTF16_BE + html(meta="windows-1251").encode("cp1251"), None),
])
def test_a_bom_the_bytes_contradict_is_not_believed(body: bytes, content_type) -> None:
    assert_article(body, content_type)


@pytest.mark.parametrize(("content_type", "meta", "bom", "encoding"), [
    ("text/html; charset=koi8-r", "windows-1251", b"", "utf-8"),  # header, meta, bytes disagree
    ("text/html; charset=utf-8", "koi8-r", b"", "cp1251"),
    ("text/html; charset=windows-1251", "koi8-r", codecs.BOM_UTF8, "utf-8"),  # BOM right
    ("text/html; charset=utf-8", "utf-8", b"", "koi8_r"),
])
def test_header_meta_and_bom_disagreeing_decode_as_the_bytes_are(content_type, meta, bom,
                                                                 encoding) -> None:
    assert_article(bom + html(meta=meta).encode(encoding), content_type)


def two_charsets(template: str, article: str) -> bytes:
    """A CMS template in one charset around an article stored in another."""
    head, tail = html(body="@@").encode(template).split(b"@@")
    return head + BODY.encode(article) + tail


@pytest.mark.parametrize(("template", "article", "content_type"), [
    ("utf-8", "cp1251", "text/html; charset=utf-8"),
    ("utf-8", "cp1251", None),
    ("cp1251", "utf-8", "text/html; charset=windows-1251"),
    ("cp1251", "utf-8", None),
    ("utf-8", "koi8_r", "text/html; charset=utf-8"),
])
def test_a_page_in_two_charsets_reads_as_written_in_both(template, article, content_type) -> None:
    body = two_charsets(template, article)
    text, _ = decode_html(body, content_type)
    assert TITLE in text and all(p in text for p in PARAS)
    assert_article(body, content_type)


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "text/html", None])
def test_an_article_of_bytes_no_charset_reads_is_refused_not_exported(content_type) -> None:
    """Bytes that are no text in any charset (encrypted or compressed blocks in the markup)
    decode to U+FFFD and scattered signs: refused as undecodable, never an item of them."""
    junk = bytes(range(0x80, 0x100)) * 3
    words = b" ".join(junk[i:i + 7] for i in range(0, len(junk), 7))
    body = html(body="@@").encode().replace(b"@@", b"<p>" + words + b".</p>" * 4)
    with pytest.raises(ExtractionError) as exc:
        extract_article(page(body, content_type))
    assert exc.value.reason == "undecodable_text"
    assert URL in str(exc.value) and "could not be decoded" in str(exc.value)


def test_emoji_and_signs_in_an_article_do_not_make_it_undecodable() -> None:
    paras = [p + " 👍🔥 ±5 °C → ©" for p in PARAS]
    article = extract_article(page(html(body="".join(f"<p>{p}</p>" for p in paras)).encode()))
    assert article.text == "\n\n".join(paras)


def test_a_few_bytes_lost_in_an_article_still_make_it() -> None:
    body = html().encode().replace("выставке".encode(), b"\xed\xa0\x80\xed\xb0\x80")
    article = extract_article(page(body, "text/html; charset=utf-8"))
    assert article.text.count("\ufffd") == 6

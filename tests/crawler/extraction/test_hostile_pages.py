"""Decoding and extraction on hostile bodies: wrong charsets, NULs, cut documents, deep nesting."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from crawler.extraction import ExtractionError, extract_article, looks_truncated
from crawler.extraction.encoding import decode_html
from crawler.feeds import feed_entries
from crawler.items import ArticlePage
from tests.sites import faulty_belta as site

TEXT = "Александр Лукашенко провел телефонный разговор. Стороны обсудили сотрудничество."


def page(slug: str, body: bytes, content_type: str = "text/html; charset=utf-8") -> ArticlePage:
    return ArticlePage(url=f"https://www.belta.by/politics/view/{slug}-2026/", outlet="belta",
                       body=body, headers={"Content-Type": content_type}, status=200,
                       fetched_at="2026-01-08T17:00:00+00:00")


@pytest.mark.parametrize(("body", "content_type"), [
    (TEXT.encode("cp1251"), "text/html; charset=utf-8"),  # declared UTF-8, sent windows-1251
    (TEXT.encode("utf-8"), "text/html; charset=windows-1251"),  # the reverse
    (b'<meta charset="koi8-r">' + TEXT.encode("koi8_r"), "text/html"),  # only <meta> says
])
def test_lying_charsets_decode_to_the_right_text(body: bytes, content_type: str) -> None:
    text, _ = decode_html(body, content_type)
    assert TEXT in text


def test_nuls_are_removed_from_text_and_title() -> None:
    gold = site.gold_for("nul-1", 1)
    article = extract_article(page("nul-1", site.with_nuls(gold)))
    assert article.text == gold.text and article.title == gold.title


def test_a_document_cut_short_is_refused() -> None:
    whole = site.html_for(site.gold_for("cut-2", 2)).encode()
    assert not looks_truncated(whole)
    assert not looks_truncated(b"<p>a fragment without html or body tags</p>")
    with pytest.raises(ExtractionError) as exc:
        extract_article(page("cut-2", whole[: whole.index(b"</p>") + 40]))
    assert exc.value.reason == "truncated_html"


def test_ten_thousand_levels_are_read_flat_and_quickly() -> None:
    """The parser stops at 2,048 levels and drops the rest of the page: the article inside
    (or after) such nesting was lost as ``no_body``. Read again without the deep tags, the
    text is whole."""
    gold = site.gold_for("deep-3", 3)
    started = time.process_time()  # CPU time: a loaded machine took 3.8 s of wall time
    article = extract_article(page("deep-3", site.deep(gold)))
    assert article.text == gold.text
    assert time.process_time() - started < 3


def test_a_deep_widget_before_the_article_costs_it_nothing() -> None:
    gold = site.gold_for("deep-4", 4)
    html = site.html_for(gold).replace("<body>", "<body>" + "<div>" * 3000 + "x" + "</div>" * 3000,
                                       1)
    assert extract_article(page("deep-4", html.encode())).text == gold.text


def test_bare_ampersand_does_not_eat_later_query_separators() -> None:
    rss = (b'<?xml version="1.0"?><rss><channel><item><title>AT&T</title><link>https://x/a</link>'
           b"</item><item><link>https://x/b?p=1&amp;q=2</link></item></channel></rss>")
    assert [e.url for e in feed_entries(rss)] == ["https://x/a", "https://x/b?p=1&q=2"]


def test_huge_class_names_do_not_stall_the_generic_extractor() -> None:
    from crawler.extraction.generic import generic_text

    name = "1" * 200_000 + "x"  # a serial-number pattern would backtrack over every digit
    prose = "<p>" + "Some words of the article, with commas, and more words. " * 20 + "</p>"
    html = (f"<html><body><div class='{name} a'><div class='{name} b'>{prose}</div>"
            f"<div class='{name} b'><p>Another block of text.</p></div></div></body></html>")
    started = time.process_time()  # CPU time: what a stall costs, whatever the machine's load
    assert "Some words of the article" in generic_text(html, "https://example.com/a")
    assert time.process_time() - started < 10


def test_nested_noscripts_that_each_swallow_the_page_are_read_within_a_budget() -> None:
    # each <noscript> is measured to tell whether it swallowed the page (and then unwrapped):
    # 240 of them nested, each around the rest of 4.8 MB, took 8 s of CPU before the budget
    from crawler.extraction.generic import generic_paragraphs
    from crawler.extraction.html import parse_html

    level = "Some words of the article, with commas, and more words. " * 350
    tree = parse_html("<html><body>" + f"<div><noscript><div><p>{level}</p>" * 240
                      + "</body></html>")
    started = time.process_time()
    paragraphs = generic_paragraphs(tree, "https://example.com/a")
    assert time.process_time() - started < 3
    assert paragraphs and paragraphs[0] == " ".join(level.split())


def test_a_body_cut_in_transit_is_no_article_however_whole_it_looks() -> None:
    whole = page("whole-looking", site.html_for(site.gold_for("whole-looking", 5)).encode())
    extract_article(whole)  # the same bytes, arrived whole, are an article
    with pytest.raises(ExtractionError) as exc:
        extract_article(replace(whole, truncated="disconnect"))
    assert exc.value.reason == "truncated_body"
    assert "WARC-Truncated: disconnect" in str(exc.value)


def test_an_xhtml_page_with_its_text_in_cdata_sections_is_read() -> None:
    """XHTML served as such may wrap text in ``<![CDATA[…]]>``, which an HTML parser takes
    for a bogus comment ending at the first ``>``: the text was lost and ``]]>`` kept. CDATA
    in scripts (JSON-LD, ``//<![CDATA[``) is left to the script."""
    paras = ["Минский тракторный завод представил новую модель трактора на выставке в столице.",
             "По словам директора, машина <оснащена> двигателем собственной разработки & новой "
             "трансмиссией."]
    ld = ('<script type="application/ld+json">//<![CDATA[\n{"@type": "NewsArticle", '
          '"headline": "Завод выпустил трактор", "datePublished": "2026-01-05T10:00:00+03:00"}'
          "\n//]]></script>")
    xhtml = ('<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"'
             f' xml:lang="ru"><head><title>Завод выпустил трактор</title>{ld}</head><body>'
             "<div class='content'><h1>Завод выпустил трактор</h1>"
             + "".join(f"<p><![CDATA[{p}]]></p>" for p in paras) + "</div></body></html>")
    article = extract_article(replace(page("xhtml-1", xhtml.encode()),
                                      url="https://example.org/news/2026/01/05/traktor/",
                                      outlet=""))
    assert article.text == "\n\n".join(paras)
    assert article.published == "2026-01-05T10:00:00+03:00"


@pytest.mark.parametrize("opening", [
    "<!-- <![CDATA[ -->",  # in a comment: no section, the comment goes
    "<![CDATA[ stray ",  # never closed before a script's own //]]>
])
def test_a_cdata_opening_without_its_own_end_does_not_swallow_the_article(opening) -> None:
    """The ``]]>`` a section would end at belongs to a later script's ``//<![CDATA[``: read
    as one section, the whole article between became escaped text (or no text at all)."""
    paras = ["Минский тракторный завод представил новую модель трактора на выставке в столице.",
             "По словам директора, машина оснащена двигателем собственной разработки и новой "
             "трансмиссией."]
    body = ("<html><head><title>Завод выпустил трактор</title><meta property="
            "'article:published_time' content='2026-01-05T10:00:00+03:00'></head>"
            "<body><div class='content'>"
            f"<h1>Завод выпустил трактор</h1>{opening}"
            + "".join(f"<p>{p}</p>" for p in paras)
            + "<script>//<![CDATA[\nvar a = 1;\n//]]></script></div></body></html>")
    article = extract_article(replace(page("cdata-2", body.encode()),
                                      url="https://example.org/news/2026/01/05/traktor/",
                                      outlet=""))
    assert article.text.endswith("\n\n".join(paras)) and "<p>" not in article.text

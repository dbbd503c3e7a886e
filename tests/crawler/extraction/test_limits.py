"""Pages beyond the extraction caps: refused with the cap they broke, or cut and saying so."""

from __future__ import annotations

import subprocess
import sys

import pytest

from crawler.extraction import ExtractionError, extract_article, extract_text, limits
from crawler.items import ArticlePage
from tests.support.hang import python_within
from tests.support.peak_rss import OWN_PEAK_KIB

URL = "https://example.com/news/2026/01/huge-page.html"
TITLE = "Huge page headline for the test"
PROSE = "".join(f"<p>Paragraph {i} of the article, with a few commas, and words to read in it.</p>"
                for i in range(8))


def page(body: bytes, content_type: str = "text/html; charset=utf-8") -> ArticlePage:
    return ArticlePage(url=URL, outlet=None, body=body, headers={"Content-Type": content_type},
                       status=200, fetched_at="2026-01-08T17:00:00+00:00")


def html(body: str = PROSE) -> str:
    return (f"<html><head><title>{TITLE}</title></head><body><h1>{TITLE}</h1>"
            f"<div class='content'>{body}</div></body></html>")


def refusal(body: bytes, content_type: str = "text/html; charset=utf-8") -> ExtractionError:
    with pytest.raises(ExtractionError) as info:
        extract_article(page(body, content_type))
    return info.value


def test_a_normal_page_is_untouched_and_records_no_cut() -> None:
    article = extract_article(page(html().encode()))
    assert article.text.count("Paragraph") == 8 and "cut" not in article.extractor


def test_a_long_run_without_spaces_is_dropped_from_the_text_and_counted() -> None:
    blob = "data:image/png;base64," + "iVBORw0KGgoAAAANSUhEUgAA" * 100  # 2,422 characters
    body = PROSE.replace("words to read in it.</p>", f"words to read in it. {blob} More.</p>", 2)
    article = extract_article(page(html(body).encode()))
    assert "base64" not in article.text and limits.CUT_WORD not in article.text
    assert "words to read in it. More." in article.text
    assert article.extractor["cut"] == {"long_words": 2}
    assert "base64" not in extract_text(html(body), URL)


# sentences of scripts written without spaces between words, each about 60-80 characters
_HAN = "国家统计局今天发布的数据显示，今年前十个月全国居民人均可支配收入比去年同期实际增长百分之五点二。"
_KANA = "気象庁によりますと、この冬は日本海側を中心に平年よりも雪が多くなる見込みだということです。"
_BURMESE = "မြန်မာနိုင်ငံ၏ စီးပွားရေး အခြေအနေကို ယနေ့ ထုတ်ပြန်ခဲ့သည်။"


@pytest.mark.parametrize("sentence", [_HAN, _KANA, _BURMESE.replace(" ", "")],
                         ids=["chinese", "japanese", "burmese"])
def test_a_long_paragraph_of_a_script_without_spaces_is_prose_not_a_long_word(
        sentence: str) -> None:
    """A paragraph of 1,500+ characters with no space, broken by its script's punctuation
    ("，" "。" "、" "။"), was one "word" over the cap: the article lost it (or all its text)."""
    paragraph = sentence * (1_600 // len(sentence) + 1)
    assert " " not in paragraph and len(paragraph) > limits.MAX_WORD_CHARS
    body = "".join(f"<p>{n}{paragraph}</p>" for n in range(3))  # (repeats are dropped)
    article = extract_article(page(html(body).encode()))
    assert article.text.count(paragraph) == 3 and "cut" not in article.extractor
    # a run of letters that long with no break at all is still no prose
    blob = sentence[:10].rstrip("，。、။") * 150
    article = extract_article(page(html(body + f"<p>{blob}</p>").encode()))
    assert blob not in article.text and article.extractor["cut"] == {"long_words": 1}
    assert article.text.count(paragraph) == 3


def test_a_long_run_beside_control_characters_is_dropped_without_a_crash() -> None:
    """The HTML parser lets C0 controls into the text, and lxml refuses to store them again:
    taking a long run out of such a text raised ValueError (a WCXB page crashed)."""
    blob = "x" * 1_500
    body = PROSE.replace("words to read in it.</p>",
                         f"words to read in it.\x0b {blob} More\x1f.</p>", 1)
    article = extract_article(page(html(body).encode()))
    assert blob not in article.text and article.extractor["cut"] == {"long_words": 1}
    assert "words to read in it. More." in article.text
    assert blob not in extract_text(html(body), URL)


def test_a_page_whose_text_is_one_huge_word_is_refused_as_no_body() -> None:
    """It used to become an article of 10 million "я" (and take 1 GB in the worker)."""
    error = refusal(html("<p>" + "я" * 1_000_000 + "</p>").encode())
    assert error.reason == "no_body" and URL in error.detail
    assert "1 word over 1,000 characters dropped from the page" in error.detail
    assert "deeper" not in error.detail  # (a shallow page)


def test_a_huge_word_costs_a_small_multiple_of_the_page_in_memory() -> None:
    """Peak memory of a worker reading a 10 MB one-word page (it was about 1 GB before)."""
    script = (
        "from tests.crawler.extraction.test_limits import html, page\n"
        "from crawler.extraction import extract_article, ExtractionError\n"
        "body = html('<p>' + 'я' * 5_000_000 + '</p>').encode()\n"
        f"before = {OWN_PEAK_KIB}\n"
        "try:\n    extract_article(page(body))\nexcept ExtractionError:\n    pass\n"
        f"grown = {OWN_PEAK_KIB} - before\n"
        "print(grown * 1024 / len(body))\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=300)
    assert float(out.stdout) < 12  # about 4 times the page now; it was about 45 times


@pytest.mark.parametrize(("body", "cap"), [
    pytest.param(lambda: html("<ul>" + "<li><a href='/x'>link</a></li>" * 60_000 + "</ul>"),
                 "elements", id="120,000 elements"),
    pytest.param(lambda: html("<p>" + "word " * 450_000 + "</p>"), "visible text",
                 id="2.25 M characters of text"),
])
def test_a_page_over_a_cap_is_refused_with_the_cap(body, cap: str) -> None:
    error = refusal(body().encode())
    assert error.reason == "too_large" and cap in error.detail and URL in error.detail
    assert error.stat == "extraction/failed/too_large"


def test_a_page_over_the_html_cap_is_refused_before_parsing(monkeypatch) -> None:
    monkeypatch.setattr(limits, "MAX_HTML_CHARS", 500)
    error = refusal(html().encode())
    assert error.reason == "too_large" and "characters of HTML" in error.detail


def test_no_field_of_an_item_carries_the_mark_of_a_dropped_run() -> None:
    """A long run cut from the page's tree leaves a mark where it was: taken out of the text,
    and of every field read from the tree too (an author, a section, the tags)."""
    blob = "z" * 1_500
    doc = (f"<html><head><title>{TITLE}</title>"
           f"<meta name='keywords' content='one, {blob}'></head><body>"
           f"<h1>{TITLE} {blob}</h1><span itemprop='author'>{blob}</span>"
           f"<div class='content'>{PROSE}</div></body></html>")
    article = extract_article(page(doc.encode()))
    fields = [article.title, article.subtitle, article.section, *article.authors, *article.tags]
    assert not [f for f in fields if f and limits.CUT_WORD in f], fields
    assert article.title == TITLE and article.authors == []


def test_a_headline_that_is_only_a_dropped_run_is_no_title() -> None:
    blob = "z" * 1_500
    doc = (f"<html><head></head><body><h1>{blob}</h1><div class='content'>{PROSE}</div>"
           "</body></html>")
    assert refusal(doc.encode()).reason == "no_title"


@pytest.mark.parametrize(("title", "expected"), [
    ("Мост открыли", "Мост открыли"),  # short: as it is
    ("слово " * 200, "слово " * 165 + "слово…"),  # the cap inside word 167: 166 kept
    ("ab " * 333 + "abcdef", "ab " * 332 + "ab…"),  # the cap right after a word
    ("ab " * 333 + "a", "ab " * 333 + "a"),  # 1,000 characters: as it is
    ("ab " * 333 + "ab", "ab " * 332 + "ab…"),
    ("я" * 5000, "я" * 999 + "…"),  # one word longer than the cap: cut where it falls
    # one early space: going back to it would lose the title, so the cut is where it falls
    ("速報 " + "中" * 1500, "速報 " + "中" * 996 + "…"),
    ("a" * 998 + "e\u0301" + "b" * 10, "a" * 998 + "…"),  # not between e and its accent
    ("a" * 997 + "\U0001f468\u200d\U0001f469" + "b" * 10, "a" * 997 + "…"),  # nor in an emoji
])
def test_a_title_over_the_cap_keeps_its_words_that_fit(title: str, expected: str) -> None:
    capped = limits.cap_title(title)
    assert capped == expected
    assert len(capped) <= limits.MAX_TITLE_CHARS


def test_a_page_with_a_huge_title_gives_an_item_with_its_start_and_the_cut_recorded() -> None:
    """A 1 MB <title>/h1 (50,000 words of "Заголовок"): the item's title is its first words,
    at most MAX_TITLE_CHARS, and ``extractor.cut.title`` says how long it was."""
    huge = "Заголовок " * 100_000
    article = extract_article(page(html().replace(TITLE, huge).encode()))
    assert article.title == "Заголовок " * 99 + "Заголовок…"  # 1,000 characters
    assert article.extractor["cut"] == {"title": len(huge.strip())}

def crowded(count: int, attribute: str = 'a{i}="{i}"') -> str:
    return html("<div " + " ".join(attribute.format(i=i) for i in range(count)) + ">x</div>")


@pytest.mark.parametrize("attribute", ['a{i}="{i}"', "a{i}", "a{i}='<{i}>'", "a{i} = x{i}",
                                       "a{i}=x'", '"a{i}=1', "<a{i}=1", "x{i}=<b"],
                         ids=["quoted", "bare", "angle_brackets_quoted", "unquoted",
                              "unquoted_ending_in_a_quote", "name_from_a_quote",
                              "name_from_an_angle_bracket", "value_an_angle_bracket"])
def test_an_element_with_too_many_attributes_is_named_before_parsing(attribute: str) -> None:
    """lxml checks an element's attributes for duplicates in quadratic time (200,000 of them
    held a parse for minutes): such markup is named without being parsed, however written."""
    over = limits.crowded_element(crowded(limits.MAX_ATTRIBUTES + 1, attribute))
    assert over == f"an element with more than {limits.MAX_ATTRIBUTES:,} attributes"
    assert limits.crowded_element(crowded(limits.MAX_ATTRIBUTES, attribute)) is None


CROWDED = "<b " + " ".join(f"x{i}" for i in range(2_000)) + ">"


@pytest.mark.parametrize("markup", [
    "<!--><p>{A}", "<!---><p>{A}<!-- -->", "<!-- x --!><p>{A}<!-- -->",  # comments' ends
    "<?<a y=\"><p>{A}\">", "<!x <a y=\"><p>{A}\">",  # bogus comments end at their first >
    "</p z='<a y=\"'><p>{A}\">",  # an end tag's quoted value is read as a start tag's
    "<a b=c\xa0d='><p>{A}'>", "<a\xa0d='><p>{A}'>",  # a no-break space is no HTML space
    "<a b=c\x1cd='><p>{A}'>", "<script>x</scr\x00ipt><p>{A}</script>",  # controls go first
])
def test_crowded_markup_is_told_as_the_parser_reads_the_page(markup: str) -> None:
    """Where a comment, a bogus comment or a tag ends is HTML's, on the text the parser sees
    (controls removed): read otherwise, a crowded element hid inside what looked like a
    comment or a quoted value (200,000 attributes: a 48 s parse passed as harmless)."""
    assert limits.crowded_element(html(markup.format(A=CROWDED))) is not None


def test_real_markup_is_not_crowded() -> None:
    """Many elements, a huge inline image, long attribute values: no element is crowded."""
    image = '<img alt="x" src="data:image/png;base64,' + "QUJD" * 500_000 + '">'
    many = "<ul>" + "<li class='a' id='b' data-x='c'>link</li>" * 50_000 + "</ul>"
    assert limits.crowded_element(html(image + many + PROSE)) is None
    assert limits.crowded_element(html("<p title='" + "a=b " * 5_000 + "'>x</p>")) is None
    # a script's text is no markup, nor a comment's, however tag-like
    code = "<script>if (a<b) {\n" + "  x = y + z; foo(bar, baz);\n" * 1_500 + "}</script>"
    comment = "<!-- <div " + " ".join(f"a{i}=1" for i in range(2_000)) + "> -->"
    assert limits.crowded_element(html(code + comment + PROSE)) is None


def test_telling_crowded_markup_is_one_pass_whatever_the_markup() -> None:
    """A search restarted at every ``<`` inside a tag took 2 minutes on 16 MB of ``<a x=<b
    x=<b…>``; a timeout fails the test instead of holding the suite."""
    script = ("from crawler.extraction.limits import crowded_element as crowded\n"
              "tag = '<a' + ' x=<b' * 1000 + '>'\n"
              "print(crowded(tag * (16_000_000 // len(tag))), crowded('<script' * 2_000_000),\n"
              "      crowded('<!--' + '<a x=1 ' * 1_000_000), crowded('<' * 8_000_000))\n")
    out = python_within(60, script)
    assert out.stdout.split() == ["None"] * 4, out.stderr[-2000:]


def test_a_page_with_a_crowded_element_is_refused_before_parsing() -> None:
    doc = crowded(20_000).replace("</div>", f"</div><div class='content'>{PROSE}</div>")
    failure = refusal(doc.encode())
    assert (failure.reason, failure.detail.endswith("more than 1,000 attributes")) == (
        "too_large", True)
    assert extract_text(doc, "https://example.com/a") == ""


def test_a_body_nested_past_the_depth_limit_is_refused_saying_so() -> None:
    """The body reading leaves out what nests deeper than MAX_GENERIC_DEPTH levels (a page
    whose repeated blocks each forget to close a tag); an article standing only down there is
    refused as no body, and the refusal names the depth as the cause."""
    from crawler.extraction.generic import MAX_GENERIC_DEPTH

    deep = MAX_GENERIC_DEPTH + 50
    error = refusal(html("<div>" * deep + PROSE + "</div>" * deep).encode())
    assert error.reason == "no_body" and URL in error.detail
    assert f"nests deeper than {MAX_GENERIC_DEPTH} levels was left out" in error.detail

"""Article text carried as data: JSON-LD ``articleBody`` and client-side app state, used only
when the HTML gives no body (or a teaser of JSON-LD's body)."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

import pytest

from crawler.extraction import ExtractionError, extract_article, extract_text
from crawler.extraction import structured as st
from crawler.items import Article, ArticlePage
from tests.sites import clientrendered as cr
from tests.sites.common import GoldArticle, paragraphs_for, title_for

ZONE = timezone(timedelta(hours=3))


def gold(n: int = 1) -> GoldArticle:
    return GoldArticle(url=f"http://spa-gorod.test/news/novost-{n}/", title=title_for(n),
                       paragraphs=paragraphs_for(n), published=datetime(2026, 1, 4, 10, tzinfo=ZONE),
                       authors=["Анна Петрова"])


def extract(html: str, url: str = "http://spa-gorod.test/news/novost-1/") -> Article:
    return extract_article(ArticlePage(url=url, outlet="", body=html.encode(),
                                       headers={"Content-Type": "text/html; charset=utf-8"},
                                       status=200, fetched_at="2026-01-04T10:00:00+00:00"))


@pytest.mark.parametrize("shape", sorted(cr.SHAPES))
def test_client_rendered_article_gives_its_whole_text_from_data(shape: str) -> None:
    g = gold()
    article = extract(cr.SHAPES[shape](g))
    assert article.text == g.text  # paragraphs, blank lines between; no caption, no teaser
    assert article.title == g.title
    assert article.extractor["fields"]["text"] == cr.SOURCES[shape]
    assert article.extractor["method"] == cr.SOURCES[shape].partition(":")[0]
    assert article.language == "ru"


def test_extract_text_reads_data_as_the_item_does() -> None:
    g = gold()
    assert extract_text(cr.next_html(g), g.url) == g.text


def article_page(g: GoldArticle, paragraphs: list[str], ld_body: str | None = None,
                 state: object = None) -> str:
    """A server-rendered article with ``paragraphs`` in its body, and optionally JSON-LD
    ``articleBody`` and a ``__NEXT_DATA__`` state."""
    extra = ""
    if ld_body is not None:
        extra += ('<script type="application/ld+json">'
                  f'{cr._json({"@context": "https://schema.org", **cr.ld_article(g, ld_body)})}'
                  "</script>")
    body = (f"<article><h1>{g.title}</h1>" + "".join(f"<p>{p}</p>" for p in paragraphs)
            + "</article>")
    if state is not None:
        body += f'<script id="__NEXT_DATA__" type="application/json">{cr._json(state)}</script>'
    return cr.page(g, body, extra)


def test_a_whole_html_body_stays_the_generic_extractors() -> None:
    g = gold()
    article = extract(article_page(g, g.paragraphs, ld_body="\n\n".join(g.paragraphs)))
    assert article.text == g.text
    assert article.extractor["fields"]["text"] == "generic"


def test_json_ld_body_of_other_text_does_not_replace_a_short_html_body() -> None:
    """Only a JSON-LD body that starts with the HTML's text continues it."""
    g, other = gold(1), gold(2)
    article = extract(article_page(g, g.paragraphs[:1], ld_body="\n\n".join(other.paragraphs)))
    assert article.text == g.paragraphs[0]
    assert article.extractor["fields"]["text"] == "generic"


def test_json_ld_body_not_much_longer_does_not_replace_the_html_body() -> None:
    g = gold()
    article = extract(article_page(g, g.paragraphs[:4], ld_body="\n\n".join(g.paragraphs)))
    assert article.text == "\n\n".join(g.paragraphs[:4])


def test_app_state_never_replaces_a_body_the_html_gave() -> None:
    """A server-rendered start with the whole text in app state keeps the HTML's text: app
    state declares nothing (docs/extraction.md, *Text from data*)."""
    g = gold()
    state = {"props": {"pageProps": {"article": {"title": g.title, "body": cr.body_html(g)}}}}
    article = extract(article_page(g, g.paragraphs[:1], state=state))
    assert article.text == g.paragraphs[0]
    assert article.extractor["fields"]["text"] == "generic"


def test_a_listings_state_gives_no_article() -> None:
    """Teasers sit beside their own titles, not the page's: no body, no item."""
    teasers = [gold(n) for n in range(1, 6)]
    with pytest.raises(ExtractionError) as caught:
        extract(cr.listing("Новости города", teasers), "http://spa-gorod.test/news/")
    assert caught.value.reason == "no_body"


def test_several_json_ld_articles_give_the_one_of_the_pages_headline() -> None:
    """A listing's JSON-LD may hold an article per teaser: the page's own is the one whose
    headline is the page's; on a rubric page none is, and nothing is taken."""
    g, other = gold(1), gold(2)
    ld = [{"@context": "https://schema.org", **cr.ld_article(x, "\n".join(x.paragraphs))}
          for x in (other, g)]
    script = f'<script type="application/ld+json">{cr._json(ld)}</script>'
    assert extract(cr.page(g, f"<h1>{g.title}</h1>{cr.SHELL}", script)).text == g.text
    rubric = cr.page(GoldArticle(g.url, "Новости города", [], g.published), cr.SHELL, script)
    with pytest.raises(ExtractionError) as caught:
        extract(rubric.replace('"headline"', '"name"'), "http://spa-gorod.test/news/")
    assert caught.value.reason == "no_body"


def test_another_articles_text_in_the_same_script_is_not_taken() -> None:
    """A script that is no JSON holds the page's headline and, further on, another article's
    text (an infinite scroll's next article): not beside the headline, so no body."""
    g, other = gold(1), gold(2)
    filler = ",".join(f'"k{i}":"v{i}"' for i in range(400))
    script = (f'window.__APP__=(function(a){{return {{page:{{title:{json.dumps(g.title)},'
              f'views:a}},{filler},next:{{text:{json.dumps(" ".join(other.paragraphs))}}}}}}}(1));')
    with pytest.raises(ExtractionError) as caught:
        extract(cr.page(g, f"<div id='app'></div><script>{script}</script>"))
    assert caught.value.reason == "no_body"


def test_captions_summaries_and_related_texts_are_never_the_body() -> None:
    g = gold()
    long = " ".join(g.paragraphs)
    state = {"props": {"pageProps": {"article": {
        "title": g.title, "seoDescription": long, "imageCaption": long,
        "relatedArticles": [{"title": "Другое", "body": long}], "summary": long}}}}
    html = cr.page(g, f'<div id="__next"></div><script id="__NEXT_DATA__" '
                   f'type="application/json">{cr._json(state)}</script>')
    with pytest.raises(ExtractionError) as caught:
        extract(html)
    assert caught.value.reason == "no_body"


def state_page(g: GoldArticle, script: str) -> str:
    return cr.page(g, f'<div id="__next"></div><script id="__NEXT_DATA__" '
                   f'type="application/json">{script}</script>')


def test_a_script_over_the_size_cap_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    g = gold()
    html = cr.next_html(g)
    monkeypatch.setattr(st, "MAX_SCRIPT_CHARS", 1000)
    with pytest.raises(ExtractionError):
        extract(html)


def test_state_nested_beyond_the_depth_cap_is_cut_off_quickly() -> None:
    """100,000 levels of nesting: json refuses it and nothing recurses; an article object
    deeper than MAX_DEPTH is not searched, one above it is; all well under 2 s."""
    g = gold()
    deep = '{"a":' * 100_000 + '"x"' + "}" * 100_000

    def wrapped(levels: int) -> str:
        article = cr._json({"title": g.title, "body": cr.body_html(g)})
        return '{"a":' * levels + article + "}" * levels

    start = time.process_time()
    for script in (deep, wrapped(st.MAX_DEPTH + 5)):
        with pytest.raises(ExtractionError):
            extract(state_page(g, script))
    assert extract(state_page(g, wrapped(st.MAX_DEPTH - 5))).text == g.text
    assert time.process_time() - start < 2


def test_broken_state_json_still_gives_the_text_of_its_literals() -> None:
    """A truncated ``__NEXT_DATA__`` is no JSON; its string literals are still read, and the
    body's sits right after the headline's."""
    g = gold()
    script = cr._json({"props": {"article": {"title": g.title, "body": cr.body_html(g)}}})[:-3]
    assert extract(state_page(g, script)).text == g.text


def test_html_strings_lose_figures_and_keep_paragraph_breaks() -> None:
    html = ("<p>Первый абзац&nbsp;текста.</p><figure><img src='a.jpg'><figcaption>Фото: ТАСС"
            "</figcaption></figure><h2>Подзаголовок</h2><p>Второй<br>абзац.</p>")
    assert st.string_paragraphs(html) == ["Первый абзац текста.", "Подзаголовок", "Второй",
                                          "абзац."]
    assert st.string_paragraphs("Один &laquo;абзац&raquo;.\n\nДругой\nабзац.") == [
        "Один «абзац».", "Другой\nабзац.".replace("\n", " ")]
    assert st.string_paragraphs("Строка один.\nСтрока два.") == ["Строка один.", "Строка два."]


def test_rich_text_lists_become_paragraphs() -> None:
    """ProseMirror spans join inside their paragraph; JsonML elements are paragraphs."""
    prosemirror = [{"type": "paragraph", "content": [
        {"type": "text", "text": "Начало "}, {"type": "text", "marks": [{"type": "bold"}],
                                              "text": "жирного"}, {"type": "text", "text": " текста."}]},
        {"type": "paragraph", "content": [{"type": "text", "text": "Второй абзац."}]}]
    assert st.list_paragraphs(prosemirror) == ["Начало жирного текста.", "Второй абзац."]
    jsonml = ["div", {}, ["p", "Раз ", ["a", {"href": "/x"}, "ссылка"], " два."], ["hr"],
              ["p", "Три."]]
    assert st.list_paragraphs(jsonml) == ["Раз ссылка два.", "Три."]
    assert st.list_paragraphs(["Абзац.", {"text": "смесь"}, 3]) == []

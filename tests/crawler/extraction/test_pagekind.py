"""The page classifier: galleries, videos, live blogs, listings and static pages are not
articles; articles stay articles whatever widgets they carry."""

from __future__ import annotations

import json

import pytest

from crawler.extraction import BlockedPage, ExtractionError, NotAnArticle, extract_article
from crawler.extraction.html import parse_html
from crawler.extraction.pagekind import is_prose, page_kind
from crawler.items import ArticlePage
from tests.sites.common import html_paragraphs, paragraphs_for

URL = "https://example.org/news/some-story-123/"
PROSE = paragraphs_for(1, 4)


def page(body: str, head: str = "") -> str:
    return (f"<html><head><title>T</title>{head}</head><body><header><nav><a href='/'>Home</a>"
            f"</nav></header><main>{body}</main><footer>(c)</footer></body></html>")


def ld(obj: dict) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


def kind(html: str, url: str = URL, paragraphs: list[str] | None = None,
         dated: bool = True) -> str | None:
    return page_kind(parse_html(html), url, PROSE if paragraphs is None else paragraphs, dated)


@pytest.mark.parametrize(("declared", "expected"), [
    ({"@type": "LiveBlogPosting"}, "liveblog"),
    ({"@type": "ProfilePage"}, "author"),
    ({"@type": "SearchResultsPage"}, "search"),
    ({"@type": "CollectionPage"}, "listing"),
    ({"@graph": [{"@type": "WebPage"}, {"@type": "CollectionPage"}]}, "listing"),
])
def test_declared_page_types_decide(declared: dict, expected: str) -> None:
    assert kind(page(html_paragraphs(PROSE), ld(declared))) == expected


def test_an_article_type_beside_a_video_keeps_the_page_an_article() -> None:
    head = ld({"@graph": [{"@type": "NewsArticle"}, {"@type": "VideoObject"}]})
    assert kind(page(html_paragraphs(PROSE), head)) is None


def test_declared_video_or_gallery_with_little_prose_is_not_an_article() -> None:
    assert kind(page("<video></video>", '<meta property="og:type" content="video.other">'),
                paragraphs=["Смотрите видео."]) == "video"
    assert kind(page("", ld({"@type": "ImageGallery"})), paragraphs=[]) == "gallery"


def test_a_written_report_declared_as_video_stays_an_article() -> None:
    head = '<meta property="og:type" content="video.other">'
    assert kind(page(html_paragraphs(PROSE), head)) is None


def test_captions_under_photos_are_a_gallery() -> None:
    captions = ["08 января 2026", "Участники концерта на площади", "Ансамбль «Свитанак»",
                "Гости праздника у выставки"]
    photos = "".join(f"<div><img src='{i}.jpg'><p>{c}</p></div>" for i, c in enumerate(captions))
    assert kind(page(photos), paragraphs=captions) == "gallery"


def test_a_url_of_a_kind_confirms_a_page_without_prose() -> None:
    assert kind(page("<p>Снимок</p>"), "https://example.org/photo/123/", ["Снимок"]) == "gallery"
    assert kind(page(html_paragraphs(PROSE)), "https://example.org/video/a-b-c/") is None


def test_many_headlines_and_no_prose_is_a_listing() -> None:
    links = "".join(f"<div><a href='/news/story-number-{i}/'>Заголовок новости номер {i} "
                    "о событиях дня</a></div>" for i in range(10))
    assert kind(page(links), "https://example.org/society/", []) == "listing"
    assert kind(page(links), "https://example.org/tag/weather/", []) == "tag"


@pytest.mark.parametrize("bad", ["http://[::1", "http://[::1]x/", "https://example.org:99999/"])
def test_a_link_that_is_no_url_among_headlines_is_none_of_them(bad: str) -> None:
    """A link that is no URL raised ValueError out of the classifier (the page lost)."""
    links = "".join(f"<div><a href='{href}'>Заголовок новости номер {i} о событиях дня</a></div>"
                    for i, href in enumerate([bad] + [f"/news/story-number-{i}/"
                                                      for i in range(10)]))
    assert kind(page(links), "https://example.org/society/", []) == "listing"
    assert kind(page(links.replace("/news/", "https://other.org/news/")),
                "https://example.org/society/", []) is None


def test_a_short_article_with_related_headlines_stays_an_article() -> None:
    links = "".join(f"<div><a href='/news/story-number-{i}/'>Заголовок новости номер {i} "
                    "о событиях дня</a></div>" for i in range(20))
    text = [PROSE[0] + " " + PROSE[1]]
    assert kind(page(html_paragraphs(text) + links), paragraphs=text) is None


def _teasers(count: int) -> tuple[str, list[str]]:
    """``count`` teasers (headline, date, two intro paragraphs, "Подробнее"), and their
    intros: what the body extractor reads of an issue's contents page."""
    intros = paragraphs_for(40, 2 * count)
    blocks = "".join(
        f'<div class="item"><h2><a href="/news/{3000 + i}-novost.html">Заголовок новости номер '
        f'{i} о событиях дня</a></h2><div class="date">03.12.2026</div><p>{intros[2 * i]}</p>'
        f'<p>{intros[2 * i + 1]}</p><a class="more" href="/news/{3000 + i}-novost.html">'
        "Подробнее</a></div>" for i in range(count))
    return blocks, intros


def test_a_page_of_a_few_teasers_with_intros_is_a_listing() -> None:
    """An issue's contents ("Номер 48 (2026)"): three teasers, each an intro, its headline
    and "Подробнее" to one article; too few headlines for the headline count, its prose all
    in the teasers."""
    blocks, intros = _teasers(3)
    html = page(f"<h1>Номер 48 (2026)</h1>{blocks}")
    assert kind(html, "https://example.org/gazeta/nomer-48-2026/", intros) == "listing"


def test_a_rubric_page_of_two_cards_with_their_leads_is_a_listing() -> None:
    """A rubric (or uCoz category) page of two teasers, each a linked headline, its date and
    a one-paragraph lead, no "Подробнее": too few for either count, it became an item of the
    two leads, dated by the first teaser."""
    leads = paragraphs_for(41, 2)
    cards = "".join(f'<div class="item"><h2><a href="/news/{3000 + i}-novost.html">Заголовок '
                    f'новости номер {i} о событиях дня</a></h2><span class="date">03.12.2026 '
                    f"10:0{i}</span><p>{lead}</p></div>" for i, lead in enumerate(leads))
    html = page(f"<h1>Общество и люди города</h1>{cards}")
    assert kind(html, "https://example.org/rubric/obshchestvo-i-lyudi/", leads) == "listing"
    # the same two cards under an article's own text hold none of its prose
    text = paragraphs_for(91, 5)
    article = page(f"<article><h1>Новость</h1>{html_paragraphs(text)}</article>{cards}")
    assert kind(article, URL, text) is None


def test_a_rubric_page_of_dated_cards_with_long_leads_is_a_listing() -> None:
    """Each card opens with its date, then the linked headline, then a lead of two sentences
    (over the 300 characters a "По теме" card holds): the page became an item of the rubric's
    description and the leads, copying the articles' text."""
    leads = [" ".join(paragraphs_for(121 + i, 2)) for i in range(2)]
    cards = "".join(f'<div class="teaser"><div class="date">0{5 - i}.01.2026 23:45</div><h3><a '
                    f'href="/news/novost-nomer-{i}-o-sobytiyah/">Заголовок новости номер {i} о '
                    f"событиях дня</a></h3><p>{lead}</p></div>" for i, lead in enumerate(leads))
    about = paragraphs_for(129, 1)[0]
    html = page(f'<h1>Общество и политика</h1><div class="descr"><p>{about}</p></div>{cards}')
    assert kind(html, "https://example.org/rubric/obshchestvo-i-politika/",
                [about, *leads]) == "listing"
    # under an article's own text the same cards hold none of its prose
    text = paragraphs_for(92, 4)
    article = page(f"<article><h1>Новость</h1>{html_paragraphs(text)}</article>{cards}")
    assert kind(article, URL, text) is None


def test_an_article_with_a_teaser_widget_under_it_stays_an_article() -> None:
    """The same cards under an article's own text (related news) hold none of its prose."""
    blocks, _ = _teasers(4)
    text = paragraphs_for(90, 6)
    html = page(f"<article><h1>Новость</h1>{html_paragraphs(text)}</article>"
                f'<div class="related">{blocks}</div>')
    assert kind(html, URL, text) is None


def _live(stamps: int, heading: str) -> str:
    entries = "".join(f'<div class="entry"><time>{10 + n // 6}:{n % 6 * 10:02d}</time>'
                      f"<p>{PROSE[n % 4]}</p></div>" for n in range(stamps))
    return page(f"<h1>{heading}</h1>{entries}")


@pytest.mark.parametrize(("stamps", "heading", "url", "expected"), [
    (12, "Сессия районного совета: текстовая трансляция", URL, "liveblog"),
    (12, "Сессия районного совета", "https://example.org/online/sessiya/", "liveblog"),
    (12, "Сессия районного совета", URL, None),  # times of a schedule in an article
    (3, "Сессия районного совета: текстовая трансляция", URL, None),
])
def test_an_undeclared_live_blog_is_told_by_its_time_stamped_entries(
        stamps: int, heading: str, url: str, expected: str | None) -> None:
    """No LiveBlogPosting: entries stamped with a time of day alone, under a headline or an
    address that says live text, are a live blog (its entries were an article's text)."""
    assert kind(_live(stamps, heading), url) == expected


def test_an_undated_undeclared_page_of_a_few_lines_is_a_static_page() -> None:
    assert kind(page("<p>Мы пишем о городе.</p>"), paragraphs=["Мы пишем о городе."],
                dated=False) == "page"
    assert kind(page(html_paragraphs(PROSE)), dated=False) is None


def test_an_undated_page_of_short_links_and_no_text_is_a_listing() -> None:
    """An archive of issues ("№ 1 (10345)" to each PDF) linked from a small paper's home
    page: no text the extractor keeps, no date. It failed as no_body, and on a small site that
    one failure failed the run's health. A page that gave no text and has no links (its body
    lost to the limits, or left to a script) still fails, as does a dated one."""
    issues = "".join(f'<li><a href="/files/gazeta-{n}.pdf">№ {n} (1034{n})</a></li>'
                     for n in range(1, 9))
    html = page(f"<h1>Архив номеров</h1><ul>{issues}</ul>")
    with pytest.raises(NotAnArticle) as caught:
        extract_article(_page(html))
    assert caught.value.kind == "listing"
    assert kind(html, paragraphs=[], dated=False) == "listing"
    assert kind(html, paragraphs=[], dated=True) is None
    assert kind(page("<h1>Архив номеров</h1><div id='app'></div>"), paragraphs=[],
                dated=False) is None
    shares = "".join(f'<a href="https://{net}/share?u={URL}">{net}</a>'
                     for net in ("vk.com", "t.me", "facebook.com", "ok.ru"))
    assert kind(page(f"<h1>Статья</h1><div id='app'>Загрузка...</div>{shares}"), paragraphs=[],
                dated=False) is None  # a script's article and its share links: no listing


@pytest.mark.parametrize(("text", "prose"), [
    ("Президенты договорились продолжить контакты на различных уровнях.", True),
    ("Участники праздничного концерта на площади Независимости", False),
    ("08 января 2026", False),
    ("Фото Олега", False),
])
def test_prose_is_sentences_not_captions(text: str, prose: bool) -> None:
    assert is_prose(text) is prose


def _page(html: str, url: str = URL) -> ArticlePage:
    return ArticlePage(url=url, outlet="", body=html.encode(), status=200,
                       headers={"Content-Type": "text/html; charset=utf-8"},
                       fetched_at="2026-01-08T00:00:00+00:00")


def test_extraction_raises_not_an_article_with_its_kind() -> None:
    with pytest.raises(NotAnArticle) as caught:
        extract_article(_page(page("<h1>Live</h1>" + html_paragraphs(PROSE),
                                   ld({"@type": "LiveBlogPosting"}))))
    assert caught.value.kind == "liveblog" and caught.value.stat == "pages/skipped/liveblog"


def test_outcomes_survive_the_trip_from_a_worker() -> None:
    import pickle

    for exc in (NotAnArticle("gallery", URL), BlockedPage("captcha", URL),
                ExtractionError("no_body", URL)):
        back = pickle.loads(pickle.dumps(exc))
        assert (type(back), str(back), back.stat) == (type(exc), str(exc), exc.stat)


def test_a_named_outlet_page_its_rules_no_longer_read_fails_rather_than_skips() -> None:
    """Layout drift must stay visible: a BELTA article URL whose body is gone and whose page
    is all headline links is an extraction failure, not a listing."""
    links = "".join(f"<div><a href='/society/view/story-{i}-1-2026/'>Заголовок новости номер "
                    f"{i} о событиях дня</a></div>" for i in range(12))
    html = page("<h1>Новость</h1><div class='redesigned'></div>" + links)
    url = "https://www.belta.by/society/view/novost-427700-2026/"
    with pytest.raises(ExtractionError) as caught:
        extract_article(_page(html, url))
    assert not isinstance(caught.value, NotAnArticle)
    assert kind(html, "https://example.org/society/", []) == "listing"  # a site without rules


def test_a_short_article_of_captioned_figures_is_a_gallery() -> None:
    """WordPress's gallery block (figures with figcaptions in an ``<article>``): trafilatura's
    rescue for a short page read the whole article as one paragraph of 500 characters,
    which passed for prose, and the gallery became an item."""
    figures = "".join(f"<figure class='wp-block-image'><img src='/{i}.jpg'><figcaption>Visitors "
                      f"at the winter fair on Saturday, picture {i}</figcaption></figure>"
                      for i in range(10))
    html = page(f"<article><h1>In pictures: the winter fair</h1>{figures}</article>",
                '<meta property="article:published_time" content="2026-01-07T10:00:00+03:00">')
    with pytest.raises(NotAnArticle) as caught:
        extract_article(_page(html))
    assert caught.value.kind == "gallery"


@pytest.mark.parametrize("head", ['<meta property="og:type" content="website">',
                                  ld({"@type": "AboutPage"})])
def test_an_undated_page_declared_a_web_page_is_no_article_however_long(head: str) -> None:
    """An "about us" page of two long paragraphs (a site's page sitemap lists it): in a run
    without a window it became an item with no date."""
    assert kind(page(html_paragraphs(PROSE), head), dated=False) == "page"
    assert kind(page(html_paragraphs(PROSE), head), dated=True) is None  # dated: an article
    assert kind(page(html_paragraphs(PROSE)), dated=False) is None  # declared nothing

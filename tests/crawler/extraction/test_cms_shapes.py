"""Article pages of site builders and CMSs no fixture had, read on the any-outlet path (a
site no rule knows): the item is the headline, its date and the article's paragraphs, whole."""

from __future__ import annotations

from html import escape

from tests.crawler.extraction.test_details_lines import TEXT, TITLE, read

URL = "https://rayon-news.by/news/tpost/zc2kx1b1y1-v-shklove-izmenitsya-shema"


def tilda_post(text: str) -> str:
    """A Tilda feed post's own page: the builder's menu record, the post's popup markup with
    its title, date and the editor's text (paragraphs parted by ``<br><br>`` in a
    ``section.t-redactor__text``), the footer record."""
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>" + escape(TITLE) + "</title>"
        "<meta property='og:title' content='" + escape(TITLE) + "'><meta property='og:type' "
        "content='article'><meta property='article:published_time' content='2026-01-05T14:20:00"
        "+03:00'></head><body class='t-body' style='margin:0;'><div id='allrecords' class="
        "'t-records' data-hook='blocks-collection-content-node' data-tilda-project-id='1234567' "
        "data-tilda-page-id='45678901'><div id='rec1' class='r t-rec' data-record-type='257'><div "
        "class='t257'><a href='/' class='t257__logo'>Шкловские новости</a><ul><li><a class="
        "'t-menu__link-item' href='/news'>Новости</a></li><li><a class='t-menu__link-item' "
        "href='/contacts'>Контакты</a></li></ul></div></div><div id='rec2' class='r t-rec'><div "
        "class='t-feed__post-popup'><div class='t-feed__post-popup__container t-container'><div "
        "class='t-feed__post-popup__content t-col t-col_8'><h1 class='js-feed-post-title "
        "t-feed__post-popup__title t-title t-title_xs'>" + escape(TITLE) + "</h1><div class="
        "'t-feed__post-popup__date-parts-wrapper'><span class='t-feed__post-popup__date'><span "
        "class='js-feed-post-date t-feed__post-popup__date t-uptitle t-uptitle_sm'>05.01.2026"
        "</span></span></div><div id='feed-text' class='t-feed__post-popup__text-wrapper' "
        "data-animationappear='off'><div class='js-feed-post-text t-feed__post-popup__text "
        "t-text t-text_md'><section class='t-redactor__text'>" + text + "</section></div></div>"
        "</div></div></div></div><div id='rec5' class='r t-rec'><div class='t345'><div class="
        "'t345__text t-descr t-descr_xxs'>© 2026 Шкловские новости. Все права защищены.</div>"
        "<div class='t345__text'><a href='https://tilda.cc'>Made on Tilda</a></div></div></div>"
        "</div></body></html>")


def test_a_tilda_posts_first_paragraph_before_its_editors_breaks_is_kept() -> None:
    item = read(tilda_post("<br><br>".join(escape(p) for p in TEXT)), url=URL)
    assert item.title == TITLE
    assert item.published == "2026-01-05T14:20:00+03:00"
    assert item.text.split("\n\n") == TEXT


def test_a_tilda_post_of_paragraph_blocks_reads_the_same() -> None:
    item = read(tilda_post("".join(f"<p>{escape(p)}</p>" for p in TEXT)), url=URL)
    assert item.text.split("\n\n") == TEXT

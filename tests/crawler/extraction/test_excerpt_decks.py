"""A deck under the headline that a theme fills with the article's automatic excerpt (Ghost's
``p.article-excerpt`` printing ``{{excerpt}}``, a WordPress theme's ``the_excerpt()``, a
"lead" block filled from the body): the body's opening words, cut, with or without "…". The
any-outlet path reads it as a first paragraph and the text said its opening twice. A deck of
its own words (a written standfirst) stays first, as ``described_lead`` puts one."""

from __future__ import annotations

import pytest

from tests.crawler.extraction.test_details_lines import TEXT, TITLE, read

STANDFIRST = ("Движение грузовиков по улице Советской закроют до конца марта, автобусы пойдут в "
              "объезд по Заводской.")


def ghost(deck: str, description: str | None = None, deck_class: str = "article-excerpt") -> str:
    """A Ghost (Casper) post: the deck under the headline in the article's header."""
    head = f"<meta name='description' content='{description}'>" if description else ""
    body = "".join(f"<p>{p}</p>" for p in TEXT)
    return (f"<!DOCTYPE html><html lang='ru'><head><meta charset='UTF-8'><title>{TITLE}</title>"
            f"{head}</head><body class='post-template'><div class='viewport'><header id='gh-head'"
            " class='gh-head'><a class='gh-head-logo' href='/'>Шкловские новости</a><nav><ul>"
            "<li><a href='/'>Главная</a></li></ul></nav></header><main id='site-main' class="
            "'site-main'><article class='article post'><header class='article-header gh-canvas'>"
            f"<h1 class='article-title'>{TITLE}</h1><p class='{deck_class}'>{deck}</p>"
            "<div class='article-byline'><h4 class='author-name'><a href='/author/ivan/'>Иван "
            "Петров</a></h4><time datetime='2026-01-05'>5 янв 2026</time></div></header>"
            f"<section class='gh-content gh-canvas'>{body}</section></article></main><footer "
            "class='site-footer'><a href='/'>Шкловские новости</a> © 2026</footer></div></body>"
            "</html>")


AUTO_EXCERPTS = {
    "cut-mid-word": TEXT[0] + " " + TEXT[1][:40],
    "cut-with-ellipsis": TEXT[0][:60] + "…",
    "cut-with-dots": TEXT[0][:70] + "...",
    "two-paragraphs": " ".join(TEXT[:2]),
}


@pytest.mark.parametrize("deck_class", ["article-excerpt", "entry-summary", "post-lead"])
@pytest.mark.parametrize("description", [False, True], ids=["no-description", "description"])
@pytest.mark.parametrize("excerpt", AUTO_EXCERPTS.values(), ids=AUTO_EXCERPTS.keys())
def test_an_automatic_excerpt_above_the_body_is_not_said_twice(
        excerpt: str, description: bool, deck_class: str) -> None:
    item = read(ghost(excerpt, excerpt if description else None, deck_class))
    assert item.text.split("\n\n") == TEXT


@pytest.mark.parametrize("description", [False, True], ids=["no-description", "description"])
def test_a_written_standfirst_stays_first(description: bool) -> None:
    item = read(ghost(STANDFIRST, STANDFIRST if description else None))
    assert item.text.split("\n\n") == [STANDFIRST, *TEXT]


def test_a_first_paragraph_the_next_one_does_not_repeat_stays() -> None:
    """A lead of a few words the body goes on from ("С 1 февраля…" then other words) is the
    text's own: only a first paragraph the rest opens with, word for word, goes."""
    lead = "С 1 февраля в Шклове меняется схема движения"
    item = read(ghost(lead + ": что нужно знать водителям"))
    assert item.text.split("\n\n")[1:] == TEXT

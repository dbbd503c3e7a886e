"""Readers' comments under the article whose markup names them in no way trafilatura knows
(``div.comm``, ``table.coomt``, plain list items) are told by the reply link under each one,
and left out; the article around a stray reply link stays whole."""

from __future__ import annotations

import pytest
from lxml import etree

from crawler.extraction.comment_threads import comment_units, reply_links
from crawler.extraction.generic import generic_text, text_stats
from tests.crawler.extraction.test_details_lines import (
    MENU,
    TEXT,
    TITLE,
    URL,
    article,
    read,
    shell,
)

COMMENTS = [
    ("Петр", "Вот что значит вовремя взяться за ремонт: весной по этой улице было не проехать, "
             "ямы стояли полные воды до самого мая."),
    ("Марина", "А объезд по переулку Школьному узкий, там и две легковые машины едва "
               "разъезжаются, не говоря уже об автобусах."),
    ("гость", "Хорошо бы и тротуары сделали заодно, а то каждый год одно и то же обещают "
              "жителям, а делают только проезжую часть."),
    ("Андрей из города Шклов", "Спасибо ГАИ, что предупредили заранее, буду ездить на работу "
                               "через Заводскую, так даже немного короче получается."),
]


def abbreviated_thread(reply: str = "ответить") -> str:
    """A small CMS's thread: each comment a table of its author line, date and reply link,
    then its text, in a block whose class says "comm" and nothing trafilatura looks for."""
    rows = "".join(
        f"<table><tr><td><table class='coomt'><tr><td class='coomt2'><b>{name}</b> "
        f"6 Января 2026 14:{10 + n}:28 <div><a href='#' onclick='answer({n})'>{reply}</a>"
        f"</div></td></tr></table><div class='coom4'>{text}</div></td></tr></table>"
        for n, (name, text) in enumerate(COMMENTS))
    return f"<div class='comm'><a name='comments'></a><div class='commz'>Комментарии</div>{rows}</div>"


def list_thread(reply: str = "Reply") -> str:
    """A thread of list items, each a reader's words and a "Reply ↓" button."""
    items = "".join(f"<li class='c-item'><p class='who'>{name}</p><p>{text}</p>"
                    f"<button type='button'>{reply} ↓</button></li>"
                    for name, text in COMMENTS)
    return f"<section class='talk'><ol class='c-list'>{items}</ol></section>"


def table_page(thread: str) -> str:
    """A table-layout page: its menu, the article in one block, the thread in the next."""
    body = "".join(f"<p>{p}</p>" for p in TEXT)
    return (f"<html><head><meta charset='UTF-8'><title>{TITLE}</title></head><body>"
            f"<table class='top'><tr><td><ul>{MENU}</ul></td></tr></table>"
            f"<table class='mblok'><tr><td class='mblok1'><h1>{TITLE}</h1>"
            f"<div class='txt'>{body}</div></td></tr></table>"
            f"<table class='mblok'><tr><td class='mblok1'>{thread}</td></tr></table>"
            "</body></html>")


def district_page(thread: str) -> str:
    """A district paper's page (header, menu, footer), the thread under the article."""
    return shell(f"<div class='news-item'><h1>{TITLE}</h1><div class='news-text'>"
                 + "".join(f"<p>{p}</p>" for p in TEXT) + f"</div></div>{thread}")


@pytest.mark.parametrize("html", [table_page(abbreviated_thread()),
                                  table_page(abbreviated_thread("Ответить")),
                                  district_page(list_thread()),
                                  district_page(list_thread("Antworten")),
                                  district_page(list_thread("הגב")),
                                  district_page(list_thread("رد"))],
                         ids=["comm-ru", "comm-capitalised", "list-en", "list-de", "list-he",
                              "list-ar"])
def test_a_thread_told_by_its_reply_links_is_no_body(html: str) -> None:
    text = generic_text(html, URL)
    assert all(p in text for p in TEXT), text
    assert not [words for _, words in COMMENTS if words[:40] in text], text
    item = read(html)
    assert item.text.split("\n\n") == TEXT, item.text


def test_without_the_step_the_thread_was_read_as_the_articles_text() -> None:
    """The case the step exists for: trafilatura alone keeps these comments."""
    from trafilatura import extract

    text = extract(table_page(abbreviated_thread()), include_comments=False) or ""
    assert COMMENTS[0][1][:40] in text


def test_the_comments_are_the_blocks_around_each_reply_link() -> None:
    tree = etree.fromstring(table_page(abbreviated_thread()), etree.HTMLParser())
    stats = text_stats(tree)
    units = comment_units(tree, stats)
    assert len(reply_links(tree, stats)) == len(units) == len(COMMENTS)
    assert [" ".join(" ".join(u.itertext()).split()) for u in units] == [
        f"{name} 6 Января 2026 14:{10 + n}:28 ответить {text}"
        for n, (name, text) in enumerate(COMMENTS)]


def test_one_reply_link_is_no_thread() -> None:
    """A lone "Reply" (an embedded post's, a mail-to link) tells nothing."""
    paragraphs = TEXT[:3] + ["<a href='#r'>Ответить</a>"] + TEXT[3:]
    html = article(paragraphs=paragraphs)
    assert all(p in generic_text(html, URL) for p in TEXT)


def test_a_reply_link_inside_the_article_keeps_the_article() -> None:
    """Reply links in the article's own block and in the thread below: their common
    ancestor holds both, and the article's block is of no kind the comments share, so the
    article stays whole (the thread then stays too: nothing tells its blocks apart)."""
    body = "".join(f"<p>{p}</p>" for p in TEXT)
    html = shell(f"<div class='news-item'><h1>{TITLE}</h1></div><div class='news-text'>{body}"
                 "<p><a href='#'>Reply</a></p></div>" + list_thread())
    text = generic_text(html, URL)
    assert all(p in text for p in TEXT), text


def test_a_page_whose_one_block_holds_the_article_and_its_reply_links_keeps_it() -> None:
    """Reply links as siblings of the article's paragraphs: no block holds one alone."""
    body = "".join(f"<p>{p}</p><a href='#'>Reply</a>" for p in TEXT)
    html = shell(f"<div class='news-item'><h1>{TITLE}</h1><div class='news-text'>{body}"
                 "</div></div>")
    assert all(p in generic_text(html, URL) for p in TEXT)

"""The pages an article split over several names of itself (``extractor.pages``)."""

from __future__ import annotations

import pytest

from crawler.extraction.html import parse_html
from crawler.extraction.pages import named_pages

URL = "http://ex.org/news/slug/"


@pytest.mark.parametrize(("links", "expected"), [
    ('<a href="?page=2">2</a><a href="/news/slug/?page=3">3</a>', 3),
    ('<a href="/news/slug/?PAGEN_1=2">2</a>', 2),
    ('<a href="2/">2</a><a href="/news/slug/page/4/">4</a>', 4),
    ('<link rel="next" href="/news/slug/?page=2">', 2),
    ('<a href="/news/other/?page=2">other</a><a href="/news/?page=9">list</a>', 1),
    ('<a href="?paged=3">3</a>', 3),  # the listing walk's name too (WordPress lists by it)
    ('<a href="?pg=2">2</a><a href="?pagenum=4">4</a>', 4),
    ('<a href="?part=2">2</a><a href="?page_num=3">3</a><a href="?PAGEN_2=5">5</a>', 5),
    ('<a href="?page=2&amp;sort=new">2</a>', 1),  # another list of this page: not its pages
    ('<a href="?p=12">post</a><a href="/news/slug/attachment/">a</a>', 1),
    ('<div id="comments"><div class="pager"><a href="?page=2">2</a></div></div>', 1),
    ('<a href="?page=123456">x</a>', 1),
    ('<a href="http://other.test/news/slug/?page=2">2</a>', 1),
    # links no page is named by, which once raised out of the extraction
    ('<a href="http://[object Object]/">x</a><a href="//[x]/a">y</a><a href="?page=2">2</a>', 2),
    ('<a href="http://ex.org:99999/news/slug/?page=5">x</a>', 1),
    ('<a href="?page=%C2%B2">²</a>', 1),
])
def test_named_pages(links: str, expected: int) -> None:
    tree = parse_html(f"<html><head></head><body><article><p>Текст</p>{links}</article>"
                      "</body></html>")
    assert named_pages(tree, URL) == expected


def test_the_pages_of_page_two_are_named_too() -> None:
    tree = parse_html('<a href="/news/slug/">1</a><a href="/news/slug/?page=3">3</a>')
    assert named_pages(tree, "http://ex.org/news/slug/?page=2") == 3

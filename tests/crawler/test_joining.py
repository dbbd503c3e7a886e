"""The later-page join's redirect rules, shared by live crawls and re-extraction."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from crawler.extraction import ExtractionError
from crawler.items import Article, ArticlePage
from crawler.joining import Answer, Joiner, PageFailed, join_incomplete, run_now


class _Answers(Joiner):
    """A joiner whose pages are a table: URL -> (status, Location)."""

    def __init__(self, table: dict[str, tuple[int, bytes | str | None]], **kw) -> None:
        super().__init__(20, None, lambda key: None, **kw)  # type: ignore[arg-type]
        self.table, self.asked = table, []

    async def get(self, url, first):
        self.asked.append(url)
        status, location = self.table.get(url, (404, None))
        return Answer(status, url, location, lambda: f"page {url}")


def _fetch(joiner: Joiner, url: str):
    return run_now(joiner.fetch(url, None, {url}))  # type: ignore[arg-type]


@pytest.mark.parametrize("location", [
    "/статья/?page=2".encode(),  # the bytes a live response gives
    "/статья/?page=2",  # the text the WARC reader decoded
])
def test_a_non_ascii_location_is_followed_as_scrapys_redirects_follow_it(location) -> None:
    """Location bytes were decoded as Latin-1 and the mojibake percent-encoded: a live
    join asked for a page that does not exist (Scrapy's redirect reads UTF-8)."""
    target = "http://e.com/%D1%81%D1%82%D0%B0%D1%82%D1%8C%D1%8F/?page=2"
    joiner = _Answers({"http://e.com/a?page=2": (301, location), target: (200, None)})
    assert _fetch(joiner, "http://e.com/a?page=2") == f"page {target}"
    assert joiner.asked == ["http://e.com/a?page=2", target]


def _chain(n: int) -> dict[str, tuple[int, str | None]]:
    table: dict[str, tuple[int, str | None]] = {
        f"http://e.com/p{i}": (302, f"/p{i + 1}") for i in range(n)}
    table[f"http://e.com/p{n}"] = (200, None)
    return table


def test_redirects_are_followed_up_to_redirect_max_times() -> None:
    assert _fetch(_Answers(_chain(3), max_redirects=3), "http://e.com/p0") == \
        "page http://e.com/p3"
    with pytest.raises(PageFailed) as info:
        _fetch(_Answers(_chain(3), max_redirects=2), "http://e.com/p0")
    assert info.value.reason == "redirect_loop"
    assert "more than 2 redirects (REDIRECT_MAX_TIMES)" in info.value.detail


def test_a_206_answer_is_read_as_the_page_an_200_is() -> None:
    """A later page answered 206 (a server sending the page so, a capture's only answer) is
    read as a 200 is: its page says whether it is the whole page, and its extraction refuses
    part of one (``partial_content``); it was refused as ``http_206``, a whole page too."""
    joiner = _Answers({"http://e.com/a?page=2": (206, None)})
    assert _fetch(joiner, "http://e.com/a?page=2") == "page http://e.com/a?page=2"


def test_a_203_answer_is_read_as_the_page_as_a_first_page_answered_203_is() -> None:
    """A later page answered 203 (a transforming proxy's 200: RFC 9110 §15.3.4) is the page,
    as a first page answered so is (Scrapy's HttpErrorMiddleware passes any 2xx to the
    callback, reextract reads a 2xx); it was refused as ``http_203``, the item cut short."""
    joiner = _Answers({"http://e.com/a?page=2": (203, None)})
    assert _fetch(joiner, "http://e.com/a?page=2") == "page http://e.com/a?page=2"


@pytest.mark.parametrize("status", [201, 202, 204, 205, 207, 208, 226])
def test_a_2xx_whose_content_is_no_page_fails_the_page_by_its_status(status: int) -> None:
    """A 2xx whose content is not the page's representation (RFC 9110 §15.3: a 201's
    describes what was created, a 202's the request's status, a 204 and a 205 have none; a
    207's is WebDAV XML, a 226's a delta) is no later page: ``http_<status>``, said."""
    joiner = _Answers({"http://e.com/a?page=2": (status, None)})
    with pytest.raises(PageFailed) as info:
        _fetch(joiner, "http://e.com/a?page=2")
    assert info.value.reason == f"http_{status}"


def test_a_location_that_is_no_url_fails_the_page_naming_it() -> None:
    joiner = _Answers({"http://e.com/a?page=2": (301, b"http://[::1")})
    with pytest.raises(PageFailed) as info:
        _fetch(joiner, "http://e.com/a?page=2")
    assert info.value.reason == "redirect_bad_location"
    assert "http://[::1" in info.value.detail


def test_a_page_that_cannot_be_built_fails_that_page_not_the_join() -> None:
    """``answer.page()`` (decoding the body, building the page) raising escaped the join's
    guard, which covered only the extraction: the exception ended the article's item."""

    class Unbuildable(_Answers):
        async def get(self, url, first):
            def page():
                raise ValueError("a body no decoder takes")
            return Answer(200, url, None, page)

    joiner = Unbuildable({})
    with pytest.raises(PageFailed) as info:
        run_now(joiner.next_page(SimpleNamespace(url="http://e.com/a"), None,  # type: ignore[arg-type]
                                 "http://e.com/a?page=2", set()))
    assert info.value.reason == "error" and "a body no decoder takes" in info.value.detail


def test_pages_serving_page_one_again_with_other_items_give_the_article_once() -> None:
    """A foreign pager (a news list's, under the text the body took in) served page 1's
    article again with the list's next items, to its last page: each page's items are
    joined, the article's paragraphs never again, and the item is whole, not cut short."""
    from crawler.extraction import extract_article
    from crawler.extraction.worker import join_page
    from crawler.items import ArticlePage
    from crawler.joining import join_incomplete

    first = "http://e.com/news/most/"
    lead = [f"Абзац {i}: мост через реку открыли после долгого ремонта, движение пустили по "
            "обеим полосам, сообщили в исполкоме." for i in range(6)]

    def page(n: int) -> ArticlePage:
        items = "".join(f"<p>Новость {n}-{i}: жители убрали парк и посадили деревья.</p>"
                        for i in range(3))
        pager = (f"<div class=pager><b>{n}</b> "
                 + " ".join(f'<a href="{first}?PAGEN_1={k}">{k}</a>' for k in range(1, 6)
                            if k != n) + "</div>")
        html = ("<html><head><title>Мост</title></head><body><article><h1>Мост</h1>"
                + "".join(f"<p>{p}</p>" for p in lead) + items + pager
                + "</article></body></html>")
        url = first if n == 1 else f"{first}?PAGEN_1={n}"
        return ArticlePage(url=url, outlet="", body=html.encode(), status=200,
                           headers={"Content-Type": "text/html; charset=utf-8"},
                           fetched_at="2026-01-13T08:00:00Z")

    class Pages(Joiner):
        async def get(self, url, first_page):
            asked.append(url)
            return Answer(200, url, None, lambda: page(int(url.rsplit("=", 1)[1])))

    async def extract(job):
        return join_page(job)

    asked: list[str] = []
    counts: list[str] = []
    joiner = Pages(10, extract, counts.append)
    article = run_now(joiner.join(page(1), extract_article(page(1))))
    assert asked == [f"{first}?PAGEN_1={n}" for n in range(2, 6)]
    assert all(article.text.count(p) == 1 for p in lead)
    assert [line for line in article.text.split("\n\n") if line not in lead] == [
        f"Новость {n}-{i}: жители убрали парк и посадили деревья." for n in range(1, 6)
        for i in range(3)]
    assert not [c for c in counts if "page_not_joined" in c]
    assert join_incomplete(article) is None


def test_the_text_cap_ends_the_joining_as_the_page_cap_does_not_cut_short() -> None:
    """A page refused for the text cap (``text_cap``) ends the joining, counted, and the item
    is no text cut short: the cap stops it there on every fetch, as ARTICLE_MAX_PAGES does,
    so a known article's text joined so is versioned as any."""
    counted: list[str] = []

    async def refuse(job):
        raise ExtractionError("text_cap", "ARTICLE_MAX_TEXT_CHARS is 10")

    joiner = _Answers({"http://e.com/a?page=2": (200, None)})
    joiner.extract, joiner.count = refuse, counted.append
    article = SimpleNamespace(extractor={}, _next_page="http://e.com/a?page=2")
    first = SimpleNamespace(url="http://e.com/a")
    done, going = run_now(joiner.join_next(first, article, {"http://e.com/a"}))  # type: ignore[arg-type]
    assert done is article and not going
    assert counted == ["articles/later_pages_downloaded", "articles/page_not_joined/text_cap"]
    assert join_incomplete(done) is None


_WORDED = "http://e.com/news/shkola/"
_WORDED_TEXT = [[f"Страница {n}, абзац {i}: школу отремонтировали к началу четверти, "
                 "рабочие заменили окна и покрасили стены." for i in range(3)] for n in (1, 2, 3)]


def _worded_page(url: str, n: int, links: str) -> ArticlePage:
    """Page ``n`` of a three-page article whose text ends in ``links``, no rel, no numbers."""
    html = ("<html><head><title>Школа</title></head><body><article><h1>Школа</h1>"
            + "".join(f"<p>{p}</p>" for p in _WORDED_TEXT[n - 1]) + links
            + "</article></body></html>")
    return ArticlePage(url=url, outlet="", body=html.encode(), status=200,
                       headers={"Content-Type": "text/html; charset=utf-8"},
                       fetched_at="2026-01-13T08:00:00Z")


def _join_worded(pages: dict[str, ArticlePage]) -> tuple[Article, list[str]]:
    """The article of ``pages[_WORDED]`` joined over ``pages``, and the URLs asked for."""
    from crawler.extraction import extract_article
    from crawler.extraction.worker import join_page

    class Pages(Joiner):
        async def get(self, url, first_page):
            asked.append(url)
            return Answer(200, url, None, lambda: pages[url]) if url in pages else \
                Answer(404, url, None, lambda: pages[_WORDED])

    async def extract(job):
        return join_page(job)

    asked: list[str] = []
    article = run_now(Pages(10, extract, lambda key: None).join(
        pages[_WORDED], extract_article(pages[_WORDED])))
    return article, asked


@pytest.mark.parametrize(("label", "page"), [
    ("Продолжение →", "?part={n}"),
    ("Следующая страница →", "?page={n}"),
    ("« Далее »", "?PAGEN_2={n}"),
    ("Дальше…", "{n}/"),
    ("Next", "?pg={n}"),
    ("Next page »", "page/{n}/"),
    ("Наступная старонка", "?page={n}"),
    ("Далей →", "?part={n}"),
], ids=["part", "page", "pagen", "segment", "pg", "page-segment", "be-page", "be-part"])
def test_an_article_paged_by_worded_links_only_is_joined(label: str, page: str) -> None:
    """Page 1 ends in "Продолжение →" to ``?part=2``, page 2 in one to ``?part=3``: no rel,
    no numbered pager. The item held page 1 alone; ``?part=2`` was never asked for."""
    urls = [_WORDED] + [_WORDED + page.format(n=n) for n in (2, 3)]
    pages = {url: _worded_page(url, n, f'<p><a href="{urls[n]}">{label}</a></p>' if n < 3
                               else "") for n, url in enumerate(urls, 1)}
    article, asked = _join_worded(pages)
    assert asked == urls[1:]
    assert article.text.split("\n\n") == [p for text in _WORDED_TEXT for p in text]
    assert article.extractor["page_urls"] == urls


@pytest.mark.parametrize("links", [
    '<p><a href="/news/most-otkryli/">Далее →</a></p>',  # the next news item
    '<p><a href="/news/most-otkryli/?part=2">Далее →</a></p>',  # another article's page 2
    '<p><a href="?part=3">Продолжение →</a></p>',  # no next page: page 3 of 1
    '<p><a href="?part=2">Читать далее</a></p>',  # a teaser's words, no pager's
    '<p><a href="?part=2">Продолжение статьи о ремонте школы</a></p>',  # no word alone
    # the comments' pager under the text, on the article's own URL (Bitrix's PAGEN_1)
    '<div class="reviews"><b>Отзывы (12)</b><p>Читатель: спасибо, школа стала светлее.</p>'
    '<a href="?PAGEN_1=2">Следующая</a></div>',
    '<p><a href="?part=2">Далее →</a> <a href="?page=2">Следующая страница</a></p>',  # which?
], ids=["next-article", "other-article-page", "skips-a-page", "read-more", "sentence",
        "comments", "two-targets"])
def test_a_worded_link_to_no_next_page_of_the_article_is_not_followed(links: str) -> None:
    """A next-page word linking anywhere but the article's own next page, or another text
    linking its next page, joins nothing: the item is page 1's text alone."""
    pages = {_WORDED: _worded_page(_WORDED, 1, links)}
    article, asked = _join_worded(pages)
    assert asked == []
    assert article.text.split("\n\n") == _WORDED_TEXT[0]
    assert article.extractor.get("page_urls") is None

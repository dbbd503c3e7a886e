"""``scrapy probe``'s reading of a page's dates: the capture time it was fetched at is the
day a printed "Сегодня" or "Вчера" names, as in the crawl's item."""

from __future__ import annotations

import pytest

from crawler.extraction import extract_article
from crawler.extraction.probe import probe_page
from crawler.items import ArticlePage
from crawler.siteoutlets import check_row, row_key, sites_published

ROW = check_row({"url": "https://gorod-news.example/", "timezone": "Europe/Moscow"})

URL = "https://gorod-news.example/society/deputaty-obsudili-remont/"
TITLE = "Депутаты обсудили ремонт дорог в трёх районах"
PROSE = ("В областном центре прошло заседание городского совета, на котором депутаты "
         "обсудили вопросы благоустройства дворов и ремонта дорог в нескольких районах города.",
         "Подрядчики представили сметы работ, а жители задали вопросы о сроках ремонта улиц, "
         "освещения и тротуаров возле школ и поликлиник в новых микрорайонах.",
         "Решение о финансировании примут на следующем заседании после проверки смет и "
         "обсуждения с жителями, сообщили в пресс-службе городского совета депутатов.")


def page_dated(dateline: str) -> ArticlePage:
    html = (f"<html><head><title>{TITLE}</title></head><body><header><nav><a href='/'>Вести"
            f"</a></nav></header><article><h1>{TITLE}</h1><div class='meta'>{dateline}</div>"
            + "".join(f"<p>{p}</p>" for p in PROSE) + "</article></body></html>")
    return ArticlePage(url=URL, outlet=row_key(ROW), body=html.encode(),
                       headers={"Content-Type": "text/html; charset=utf-8"}, status=200,
                       fetched_at="2026-12-06T12:00:00Z")


@pytest.mark.parametrize(("dateline", "day"), [
    ("Сегодня, 14:05", "2026-12-06T14:05"), ("Вчера в 09:30", "2026-12-05T09:30"),
    ("2 часа назад", "2026-12-06T"),
])
def test_probe_reads_a_day_named_from_today_as_the_crawl_does(dateline: str, day: str) -> None:
    page = page_dated(dateline)
    with sites_published([ROW]):
        published = {f.name: f for f in probe_page(page).fields}["published"]
        item = extract_article(page).published
    assert item is not None and item.startswith(day)
    assert published.value == item
    assert published.generic_value == item

"""Reprint families: connected near-duplicates across outlets, from the real MinHash code."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from archive.corpus import build_corpus
from archive.corpus_derived import _UnionFind, connect
from crawler.urls import article_id
from tests.archive.corpus_data import REPRINT_LEAD, START, Newsroom, belta_url, write_run
from tests.sites.common import paragraphs_for

# One event, two newsrooms, their own words: the same facts are not the same text.
BELTA_REPORT = [
    "Александр Лукашенко провел в Минске переговоры с Президентом Казахстана Касым-Жомартом "
    "Токаевым.",
    "Главы государств обсудили торгово-экономическое сотрудничество, поставки "
    "сельскохозяйственной техники и совместные проекты в машиностроении.",
    "По итогам встречи подписан пакет документов, в том числе межправительственное "
    "соглашение о сотрудничестве в области энергетики.",
    "Белорусский лидер отметил, что товарооборот между странами за одиннадцать месяцев "
    "вырос почти на треть.",
]
ZERKALO_REPORT = [
    "Во Дворце Независимости прошла встреча Лукашенко и Токаева — казахстанский президент "
    "прилетел в Беларусь с официальным визитом.",
    "Как сообщает пресс-служба, стороны говорили о торговле, технике для аграриев и "
    "машиностроении; подписаны документы, среди них соглашение по энергетике.",
    "Официальные данные о росте товарооборота независимые экономисты называют завышенными: "
    "значительная часть поставок идет через посредников.",
]


def build(tmp_path: Path, captures: list[tuple[str, str, str, list[str]]]) -> dict:
    room = Newsroom()
    items = [room.capture(url, source, title, paragraphs, START, START)
             for url, source, title, paragraphs in captures]
    write_run(tmp_path / "data", "mixed", START, items)
    build_corpus(tmp_path / "data", tmp_path / "corpus")
    return {i["url"]: i for i in items if i}


def family_of(con, url: str) -> str:
    return con.execute("SELECT family FROM latest WHERE url = ?", [url]).fetchone()[0]


def test_reprint_with_a_new_lead_paragraph_joins_the_agency_family(tmp_path: Path) -> None:
    body = paragraphs_for(7)
    reprint_url = "https://shklovinfo.by/?p=77"
    items = build(tmp_path, [
        (belta_url(7), "belta", "Новость 7", body),
        (belta_url(8), "belta", "Новость 8", paragraphs_for(8)),  # same sentence pool
        (reprint_url, "shklovinfo.by", "Шклов: новости недели",
         [REPRINT_LEAD, *body[:-1], body[-1] + " Подробности — в следующем номере."]),
    ])
    assert items[reprint_url]["near_duplicates"] == [article_id(belta_url(7))]
    con = connect(tmp_path / "corpus")
    assert family_of(con, reprint_url) == family_of(con, belta_url(7))
    assert family_of(con, belta_url(8)) == article_id(belta_url(8))  # alone
    [(outlets, articles)] = con.execute("SELECT outlets, articles FROM families").fetchall()
    assert outlets == ["belta", "shklovinfo.by"] and articles == 2


def test_two_reports_of_one_event_are_not_one_family(tmp_path: Path) -> None:
    zerkalo_url = "https://news.zerkalo.io/economics/90001.html"
    items = build(tmp_path, [
        (belta_url(9), "belta", "Лукашенко провел переговоры с Токаевым", BELTA_REPORT),
        (zerkalo_url, "zerkalo", "Лукашенко встретился с Токаевым", ZERKALO_REPORT),
    ])
    assert items[zerkalo_url]["near_duplicates"] == []
    con = connect(tmp_path / "corpus")
    assert family_of(con, zerkalo_url) != family_of(con, belta_url(9))
    assert con.execute("SELECT count(*) FROM families").fetchone()[0] == 0


def test_family_spans_every_outlet_that_ran_the_text(tmp_path: Path) -> None:
    body = paragraphs_for(11)
    urls = ["https://shklovinfo.by/?p=11", "https://pvestnik.by/news/11"]
    build(tmp_path, [
        (belta_url(11), "belta", "Новость 11", body),
        (urls[0], "shklovinfo.by", "Шклов", [REPRINT_LEAD, *body]),
        (urls[1], "pvestnik.by", "Пружаны", [*body, "Подготовила редакция районной газеты."]),
    ])
    con = connect(tmp_path / "corpus")
    [(family, outlets, articles)] = con.execute(
        "SELECT family, outlets, articles FROM families").fetchall()
    assert outlets == ["belta", "pvestnik.by", "shklovinfo.by"] and articles == 3
    assert family == min(article_id(u) for u in [belta_url(11), *urls])


def test_union_find_joins_chains_into_one_family() -> None:
    sets = _UnionFind()
    for a, b in [("c", "b"), ("b", "a"), ("e", "d")]:  # c~b, b~a: c and a share a family
        sets.union(a, b)
    assert {k: sets.find(k) for k in "abcde"} == {"a": "a", "b": "a", "c": "a", "d": "d",
                                                  "e": "d"}


def test_first_published_is_the_earliest_instant_across_utc_offsets(tmp_path: Path) -> None:
    """Outlets write ``published`` in their own offset: a Yekaterinburg site's 09:00+05:00 is
    an hour before BELTA's 08:00+03:00, though its text sorts after it. The family's first
    publication and the order of its URLs are by instant, not by string."""
    body = paragraphs_for(12)
    ural = "https://ura.news/news/1052812345"
    room = Newsroom()
    items = [room.capture(ural, "ura.news", "Новость", body, START, START),
             room.capture(belta_url(12), "belta", "Новость", body, START, START)]
    items[0]["published"] = "2026-02-01T09:00:00+05:00"  # 04:00 UTC
    items[1]["published"] = "2026-02-01T08:00:00+03:00"  # 05:00 UTC
    write_run(tmp_path / "data", "mixed", START, items)
    build_corpus(tmp_path / "data", tmp_path / "corpus")
    con = connect(tmp_path / "corpus")
    [(first, urls)] = con.execute(
        "SELECT first_published, urls FROM families").fetchall()
    assert first == datetime(2026, 2, 1, 4, 0, tzinfo=UTC)
    assert urls == [ural, belta_url(12)]

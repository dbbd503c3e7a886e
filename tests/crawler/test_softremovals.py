"""crawler.softremovals: notice wording, the probe URL, page prints and the verdict."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from crawler.extraction import BlockedPage, ExtractionError, NotAnArticle
from crawler.items import Article, ArticlePage
from crawler.removals import REMOVED, Observation
from crawler.softremovals import (
    MOVED,
    REFETCH,
    Candidate,
    Probe,
    judge,
    notice_wording,
    page_print,
    probe_url,
    same_page,
    suspicious,
)

URL = "http://www.belta.by/politics/view/novost-1-427701-2026/"


@pytest.mark.parametrize("heading, words", [
    ("Страница не найдена | БЕЛТА", "Страница не найдена"),
    ("Ошибка 404", "Ошибка 404"),
    ("Материал удалён", "Материал удалён"),
    ("Эта статья была удалена редакцией", "Эта статья была удалена редакцией"),
    ("Старонка не знойдзена — Звязда", "Старонка не знойдзена"),
    ("Матэрыял выдалены", "Матэрыял выдалены"),
    ("Сторінку не знайдено", "Сторінку не знайдено"),
    ("Page not found – Example News", "Page not found"),
    ("This article has been removed", "This article has been removed"),
    ("404 | Site", "404"),
    ("Nie znaleziono strony", "Nie znaleziono strony"),
    ("Seite nicht gefunden", "Seite nicht gefunden"),
    ("Der Artikel ist nicht mehr verfügbar", "Der Artikel ist nicht mehr verfügbar"),
    ("404 — Страница не найдена | БЕЛТА", "404 — Страница не найдена"),
    ("Ошибка 404. Страница не найдена", "Ошибка 404. Страница не найдена"),
    ("404 Not Found", "404 Not Found"),
    ("Page Not Found :: Example News", "Page Not Found"),
    ("Новости Беларуси | Материал удалён | БЕЛТА", "Материал удалён"),
    # the wordings of common CMS templates
    ("К сожалению, запрашиваемая вами страница не найдена",
     "К сожалению, запрашиваемая вами страница не найдена"),
    ("Извините, такой страницы не существует", "Извините, такой страницы не существует"),
    ("Страница, которую вы ищете, не существует или была удалена",
     "Страница, которую вы ищете, не существует или была удалена"),
    ("Такой новости не существует", "Такой новости не существует"),
])
def test_not_found_and_removed_notices_in_six_languages(heading: str, words: str) -> None:
    assert notice_wording(heading) == words


# Headlines of live articles that quote a notice's words: never a notice, whatever their text.
QUOTING_HEADLINES = [
    "При обыске у депутата ничего не найдено",
    "404 человека эвакуировали из-за пожара",
    "Facebook post removed after outcry",
    "Ничего не найдено — заявили в МВД после обыска у депутата",
    "Материал удалён после жалобы депутата",
    "Страница не найдена: почему сайты госорганов недоступны",
    "Старонка не знойдзена: чаму сайты міністэрстваў не працуюць",
    "Матэрыял выдалены па патрабаванні суда",
    "Сторінку не знайдено: що сталося з сайтом міністерства",
    "Матеріал видалено з сайту після скарги",
    "Page not found: why government sites went dark",
    "Error 404: the band that refuses to die",
    "Article removed from journal after review | Science News",
    "Artykuł usunięty po interwencji prawników",
    "Nie znaleziono strony? Eksperci radzą, co robić",
    "Seite nicht gefunden: Warum Behördenseiten ausfallen",
    "Artikel gelöscht nach Protest der Leser",
    "Такой новости не существует: в МЧС опровергли слухи о пожаре",
    "К сожалению, страница не найдена: как госсайты теряют документы",
]


@pytest.mark.parametrize("heading", [
    "В Минске открыли новый мост через Свислочь",
    "Пропавший турист не найден: поиски продолжаются третьи сутки, сообщили в МЧС",
    "Почему страница не найдена: разбираемся, как работают поисковики, и что делать "
    "владельцам сайтов, если их страницы пропали из выдачи после обновления алгоритма",
    "",
    None,
    *QUOTING_HEADLINES,
])
def test_headlines_are_no_notices(heading: str | None) -> None:
    assert notice_wording(heading) is None


def test_the_probe_keeps_the_shape_and_names_nothing() -> None:
    probe = probe_url(URL)
    folder, _, segment = probe.removesuffix("/").rpartition("/")
    assert folder == "http://www.belta.by/politics/view" and probe.endswith("/")
    words = segment.split("-")
    assert words[1:] == ["9", "999999", "9999"] and words[0].isalpha() and words[0] != "novost"
    assert probe_url(URL) == probe  # replay asks what the live run asked
    assert probe_url(URL.replace("novost-1-427701", "drugaya-2-427702")) == probe  # one shape
    dated = probe_url("http://news.example/2025/09/12/slug-42")
    folder, _, segment = dated.rpartition("/")
    assert folder == "http://news.example/2025/09/12"  # the folders kept as they are
    token, _, nines = segment.partition("-")
    assert nines == "99" and len(token) == 12 and token.isalpha() and token.islower()
    assert token != "slug" and token != words[0]  # a token of its own host and folder


ARTICLES = [URL, "http://news.example/2025/09/12/slug-42", "https://news.example/?p=427701",
            "https://news.example/news/12345", "https://news.example/", "https://news.example",
            "https://news.example/politics/", "https://news.example/a/b/story.html?id=7&lang=ru",
            "https://news.example/%D0%BD%D0%BE%D0%B2%D0%BE/", "https://news.example/a//b//",
            "https://news.example/news/?id=&page=2"]


# Escaped slugs, as a site's links spell them: UTF-8 (upper and lower hex), windows-1251,
# escaped punctuation and spaces beside escaped letters, raw Cyrillic. (article, another
# article of its shape, the escapes its probe keeps)
ESCAPED_SLUGS = [
    ("https://news.example/news/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D1%8C-12/",
     "https://news.example/news/%D0%B4%D1%80%D1%83%D0%B3%D0%B0%D1%8F-47/", []),
    ("https://news.example/news/%d0%bd%d0%be%d0%b2%d0%be-12",
     "https://news.example/news/%d0%b4%d1%80-34", []),
    ("https://news.example/news/%C2%AB%D0%BD%D0%BE%D0%B2%D0%BE%C2%BB-%E2%80%94-12",
     "https://news.example/news/%C2%AB%D0%B4%D1%80%C2%BB-%E2%80%94-34", ["%C2%AB", "%C2%BB",
                                                                          "%E2%80%94"]),
    ("https://news.example/news/%ED%EE%E2%EE%F1%F2%FC-%AB12%BB.html",
     "https://news.example/news/%E4%F0%F3%E3%E0%FF-%AB34%BB.html", ["%AB", "%BB"]),
    ("https://news.example/news/a%20b%2C-%D1%8E",
     "https://news.example/news/c%20d%2C-%D1%8F", ["%20", "%2C"]),
    ("https://news.example/news/новость-12", "https://news.example/news/другая-34", []),
]


@pytest.mark.parametrize("article, other, kept", ESCAPED_SLUGS)
def test_an_escaped_slug_is_mangled_as_text_and_quoted_as_it_was(article: str, other: str,
                                                                  kept: list[str]) -> None:
    """The escapes of a Cyrillic slug are its letters, not letters and digits of their own:
    mangled as such, ``%D0%BD`` became ``%token`` and the probe a URL servers answer 400. Its
    words are the token, the escapes of what is left kept as the article spelt them."""
    import re
    from urllib.parse import unquote_to_bytes, urlsplit

    def last(url: str) -> str:
        return urlsplit(url).path.rstrip("/").rpartition("/")[2]

    def text(segment: str) -> str:
        raw = unquote_to_bytes(segment)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("cp1251")

    probe = probe_url(article)
    segment = last(probe)
    assert urlsplit(probe).path.startswith("/news/") and segment.isascii(), probe
    assert not re.search(r"%(?![0-9A-Fa-f]{2})", segment), probe  # no broken escape
    assert re.findall(r"(?:%[0-9A-Fa-f]{2})+", segment) == kept
    words = re.findall(r"\w+", text(segment))
    assert len({w for w in words if not w.isdigit()}) == 1 and all(  # the token, nines
        w.isascii() and (w.isalpha() or set(w) == {"9"}) for w in words)
    assert re.sub(r"\w+", "", text(segment)) == re.sub(r"\w+", "", text(last(article)))
    assert probe_url(other) == probe  # one shape, one probe


# Escaped query values as old Windows CMSs spell them (windows-1251, upper or lower hex),
# with escaped punctuation, a byte no charset but Latin-1 reads, or UTF-8; keys escaped too.
# (article, the escapes its probe keeps, in order)
ESCAPED_QUERIES = [
    ("https://news.example/search.php?q=%EF%F0%E8%E2%E5%F2&id=12", []),
    ("https://news.example/news.php?id=12&q=%EF%F0%E8%20%AB%E4%E0%BB", ["%20%AB", "%BB"]),
    ("https://news.example/news.php?id=12&q=%ef%f0%e8%e2", []),
    ("https://news.example/news.php?q=%98%EF%F0", ["%98"]),
    ("https://news.example/news.php?q=%D0%BF%D1%80%D0%B8+%C2%AB1%C2%BB&id=7", ["%C2%AB",
                                                                             "%C2%BB"]),
    ("https://news.example/news.php?%F0%E0%E7%E4%E5%EB=%EF%EE%EB%E8%F2&id=7",
     ["%F0%E0%E7%E4%E5%EB"]),
    ("https://news.example/news.php?q=%EF%F0%E8%2D%E2%2e12%7e%Ab", ["%2D", "%2e", "%7e%Ab"]),
]


def _reads(raw: bytes, charset: str) -> bool:
    try:
        raw.decode(charset)
    except UnicodeDecodeError:
        return False
    return True


@pytest.mark.parametrize("article, kept", ESCAPED_QUERIES)
def test_an_escaped_query_value_is_mangled_as_text_and_its_other_bytes_kept(
        article: str, kept: list[str]) -> None:
    """A windows-1251 value read as UTF-8 became U+FFFD, sent as ``%EF%BF%BD``: no value the
    site ever had. A value is mangled as text in the charset its escapes spell (its words
    the token, its numbers nines); what is not a word or number keeps its escapes byte for
    byte, and the keys are kept as they were."""
    import re
    from urllib.parse import unquote_to_bytes, urlsplit

    probe = probe_url(article)
    query = urlsplit(probe).query
    assert "%EF%BF%BD" not in query.upper() and query.isascii(), probe
    assert re.findall(r"(?:%[0-9A-Fa-f]{2})+", query) == kept, probe
    pairs = [pair.partition("=") for pair in query.split("&")]
    assert [k for k, _, _ in pairs] == [p.partition("=")[0]
                                        for p in urlsplit(article).query.split("&")]
    for _, _, value in pairs:
        raw = unquote_to_bytes(value.replace("+", " "))
        text = next(raw.decode(c) for c in ("utf-8", "cp1251", "latin-1") if _reads(raw, c))
        words = re.findall(r"[^\W_]+", text)
        assert all(w.isascii() and (w.isalpha() or set(w) == {"9"}) for w in words), probe
    assert probe_url(article) == probe != article


@pytest.mark.parametrize("url", ["http://hoiniki.by/?p=1234", "http://a.example/",
                                 "http://a.example/999/", "http://a.example/news.php?id=77&x=ab",
                                 *ARTICLES])
def test_a_probe_never_is_the_article_itself(url: str) -> None:
    probe = probe_url(url)
    scheme, _, host = url.split("/")[:3]
    assert probe != url and probe.startswith(f"{scheme}//{host}/")
    if url == "http://hoiniki.by/?p=1234":
        assert probe == "http://hoiniki.by/?p=9999"


def template(path: str, title: str = "Страница не найдена") -> bytes:
    return (f"<html><head><title>{title} | Сайт</title><script>var x = 1;</script></head>"
            f"<body><nav>Главная Политика Экономика Общество Регионы Спорт</nav><h1>{title}</h1>"
            f"<p>Запрошенная страница {path} не найдена на сервере. Возможно, она была удалена "
            "или перемещена. Воспользуйтесь поиском по сайту или перейдите на главную.</p>"
            "<footer>© Сайт, 2026. Все права защищены. Перепечатка запрещена.</footer>"
            "</body></html>").encode()


def test_one_template_echoing_two_paths_is_one_page() -> None:
    probe = probe_url(URL)
    a = page_print(template("/politics/view/novost-1-427701-2026/"), None, URL)
    b = page_print(template(probe.split("belta.by")[1]), None, probe)
    assert same_page(a, b) == 1.0


def test_an_article_in_the_same_layout_is_another_page() -> None:
    probe = probe_url(URL)
    article = page_print(template("", title="В Минске открыли новый мост"), None, URL)
    assert same_page(article, page_print(template(probe), None, probe)) is None
    assert same_page(page_print(b"", None, URL), page_print(b"", None, probe)) is None


def test_a_client_rendered_shell_is_no_evidence() -> None:
    """A single-page app answers every path with one shell: a refetch whose extraction fails
    (its data moved) matches the probe's answer, and is no removal for it."""
    shell = (b"<html><head><title>News</title><script src='/app.js'></script></head><body>"
             b"<div id='root'></div><noscript>You need to enable JavaScript to run this app."
             b"</noscript></body></html>")
    probe = probe_url(URL)
    assert same_page(page_print(shell, None, URL), page_print(shell, None, probe)) is None


def article(title: str = "В Минске открыли мост", text: str = "Текст. " * 100) -> Article:
    return Article(id="x", url=URL, source="belta", source_name="БЕЛТА", title=title,
                   subtitle=None, text=text, published=None, modified=None, authors=[],
                   section=None, tags=[], language="ru", fetched_at="2026-01-05T10:00:00+00:00",
                   warc=None, extractor={})


def candidate(kind: str = REFETCH) -> Candidate:
    seen = Observation(event=REMOVED, url=URL, id="x", source="belta",
                       observed_at="2026-01-05T10:00:00+00:00", status=200, final_url=None,
                       warc=None)
    return Candidate(kind=kind, known=True, url=URL, observation=seen, discovered=None)


def page(body: bytes) -> ArticlePage:
    return ArticlePage(url=URL, outlet="belta", body=body, headers={}, status=200,
                       fetched_at="2026-01-05T10:00:00+00:00")


@pytest.mark.parametrize("result, expected", [
    (ExtractionError("no_body"), True),
    (NotAnArticle("listing"), True),
    (article(title="Страница не найдена"), True),
    (article(text="Администратор сказал: страница не найдена. " * 30), False),
    (article(), False),
    (BlockedPage("cloudflare"), False),
    (ExtractionError("truncated_body"), False),
])
def test_which_answers_of_a_known_article_are_probed(result: Any, expected: bool) -> None:
    assert suspicious(candidate(), result, page(b"")) is expected


def test_any_page_read_on_a_new_host_is_probed() -> None:
    assert suspicious(candidate(MOVED), article(), page(b"")) is True


class FakeProber:
    def __init__(self, body: bytes | None) -> None:
        self.body = body
        self.asked: list[str] = []

    async def probe(self, url: str) -> Probe | None:
        self.asked.append(url)
        probe = probe_url(url)
        printed = page_print(self.body, None, probe) if self.body is not None else None
        return Probe(probe, 200 if self.body is not None else 404, None, None, printed)

    async def answers(self, host: str) -> list[Probe]:
        return []


def verdict(prober: FakeProber, kind: str, body: bytes, result: Any) -> Any:
    return asyncio.run(judge(prober, candidate(kind), page(body), result))  # type: ignore[arg-type]


def test_the_page_the_probe_gets_too_is_a_soft_404() -> None:
    prober = FakeProber(template(probe_url(URL)))
    evidence = verdict(prober, REFETCH, template("/politics/view/novost-1-427701-2026/"),
                       ExtractionError("no_body"))
    assert (evidence["reason"], evidence["matched"]) == ("soft-404", "probe")
    assert evidence["probe"]["url"] == probe_url(URL) and evidence["probe"]["similarity"] == 1.0


def test_the_same_page_on_a_new_host_is_parked() -> None:
    parking = (b"<html><head><title>For sale</title></head><body><h1>Buy this domain</h1>"
               b"<p>This domain may be for sale. Make an offer today and get a price within "
               b"one business day. Related searches: news, sport, weather, jobs, travel.</p>"
               b"</body>")
    text = "This domain may be for sale. Make an offer today and get a price."
    evidence = verdict(FakeProber(parking), MOVED, parking, article(title="Buy", text=text))
    assert (evidence["reason"], evidence["matched"]) == ("parked", "probe")


def test_a_move_to_a_client_rendered_site_is_no_parking() -> None:
    """Every path of the new host gives one shell, and the article comes from its data."""
    shell = (b"<html><head><title>Vestnik</title></head><body><div id='root'></div>"
             b"<nav>" + b"Home Politics Economy Society Regions Sport Culture World " * 3 +
             b"</nav><script id='__NEXT_DATA__' type='application/json'>{}</script></body>")
    assert verdict(FakeProber(shell), MOVED, shell, article(title="Vestnik")) is None


def test_a_real_move_is_no_removal() -> None:
    assert verdict(FakeProber(None), MOVED, template("", "Мост"), article()) is None


def test_a_notice_without_a_body_is_a_soft_404_by_its_wording() -> None:
    notice = "<html><head><title>Материал удалён</title></head><body><h1>Материал удалён</h1>"
    evidence = verdict(FakeProber(None), REFETCH, notice.encode(), ExtractionError("no_body"))
    assert (evidence["matched"], evidence["wording"]) == ("wording", "Материал удалён")
    assert evidence["probe"]["status"] == 404


def test_an_article_under_a_not_found_headline_with_its_body_stays_an_item() -> None:
    body = template("", "Страница не найдена")
    prober = FakeProber(None)
    assert verdict(prober, REFETCH, body, article(title="Страница не найдена")) is None
    assert prober.asked == [URL]  # probed, as its headline is suspicious


def notice_page(title: str, text: str) -> bytes:
    return (f"<html><head><title>{title} | БЕЛТА</title></head><body><h1>{title}</h1>"
            f"<p>{text}</p></body></html>").encode()


@pytest.mark.parametrize("headline", QUOTING_HEADLINES)
def test_a_short_live_article_quoting_a_notice_is_no_removal(headline: str) -> None:
    text = "Об этом сообщили в пресс-службе. Подробности уточняются."
    prober = FakeProber(None)
    assert verdict(prober, REFETCH, notice_page(headline, text),
                   article(title=headline, text=text)) is None
    assert prober.asked == []  # its headline is no notice: not even probed


@pytest.mark.parametrize("text", [
    "Страница не найдена, но поиск по сайту поможет найти материал по теме.",
    "Редакция проверит сведения и дополнит материал. " * 3,
])
def test_a_short_article_under_a_notice_title_is_removed_only_if_its_text_is_the_notice(
        text: str) -> None:
    title = "Страница не найдена"
    assert verdict(FakeProber(None), REFETCH, notice_page(title, text),
                   article(title=title, text=text)) is None
    notice = "Страница не найдена. Воспользуйтесь поиском по сайту."
    evidence = verdict(FakeProber(None), REFETCH, notice_page(title, notice),
                       article(title=title, text=notice))
    assert (evidence["matched"], evidence["wording"]) == ("wording", "Страница не найдена")


def test_an_ordinary_refetch_is_never_probed() -> None:
    prober = FakeProber(None)
    assert verdict(prober, REFETCH, template("", "Мост"), article()) is None
    assert prober.asked == []


# --- a parking host answering articles of more shapes than its probe allowance -------------
PARKED_HOST = "parked-domains.example"
PARKING = (b"<html><head><title>For sale</title></head><body><h1>Buy this domain</h1>"
           b"<p>This domain may be for sale. Make an offer today and get a price within "
           b"one business day. Related searches: news, sport, weather, jobs, travel.</p>"
           b"</body>")
RUBRICS = ["president", "politics", "economics", "society", "regions"]


class Stats:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] = self.values.get(key, 0) + count


class ParkingEngine:
    """Answers every URL with the parking page, as the parking host does."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def download_async(self, request: Any) -> Any:
        from scrapy.http import HtmlResponse

        self.asked.append(request.url)
        await asyncio.sleep(0.01)
        return HtmlResponse(request.url, body=PARKING, request=request)


def real_prober(per_host: int = 3) -> Any:
    from types import SimpleNamespace

    from crawler.softremovals import Prober

    crawler = SimpleNamespace(stats=Stats(), engine=ParkingEngine())
    return Prober(crawler, per_host)


def parked_page(rubric: str) -> ArticlePage:
    url = f"http://{PARKED_HOST}/{rubric}/view/novost-{len(rubric)}-4277{len(rubric)}-2026/"
    return ArticlePage(url=url, outlet="belta", body=PARKING, headers={}, status=200,
                       fetched_at="2026-01-05T10:00:00+00:00")


async def judge_all(prober: Any, rubrics: list[str], concurrently: bool) -> list[Any]:
    """The verdicts on a parked page of each rubric, judged at once or one by one (the
    order the probes are asked in differs, the verdicts must not)."""
    result = article(title="Buy", text="This domain may be for sale. Make an offer today.")
    calls = [judge(prober, candidate(MOVED), parked_page(r), result) for r in rubrics]
    if concurrently:
        return list(await asyncio.gather(*calls))
    return [await call for call in calls]


@pytest.mark.parametrize("concurrently", [True, False])
def test_a_parking_host_is_told_in_more_shapes_than_its_allowance(concurrently: bool) -> None:
    """Five rubrics on the parking host, three probes allowed: every article's page is the
    page an earlier probe of the host got, in whatever order they come."""
    prober = real_prober()
    verdicts = asyncio.run(judge_all(prober, RUBRICS, concurrently))
    assert [(v["reason"], v["matched"]) for v in verdicts] == [("parked", "probe")] * 5
    asked = prober.crawler.engine.asked
    assert len(asked) == prober.stats.values["removals/probes"] <= 3
    assert all(v["probe"]["url"] in asked for v in verdicts)  # the evidence was asked
    assert len(asked) == 3  # three shapes asked (at once, or one by one)
    assert prober.stats.values["removals/probes_over_allowance"] == 2
    assert prober.stats.values["removals/probes_reused"] == 2  # their answers, no request
    assert {v["probe"]["url"] for v in verdicts} == set(asked)


def test_over_the_allowance_another_page_gets_no_probe() -> None:
    prober = real_prober(per_host=1)
    asyncio.run(prober.probe(parked_page("president").url))
    assert asyncio.run(prober.probe(parked_page("politics").url)) is None
    assert prober.stats.values["removals/probes_over_allowance"] == 1
    assert prober.crawler.engine.asked == [probe_url(parked_page("president").url)]


def test_a_replay_lacking_a_shapes_probe_compares_the_hosts_other_answers() -> None:
    """The live run told this article by another shape's probe (over its allowance), so the
    archive lacks its own: a replay answers it 404 ``replay-missing``, and the page is compared
    with the host's probes that are in the archive."""
    from scrapy.http import Response

    prober = real_prober()
    engine = prober.crawler.engine
    archived = probe_url(parked_page("president").url)

    async def replayed(request: Any) -> Any:
        engine.asked.append(request.url)
        if request.url != archived:
            return Response(request.url, status=404, request=request, flags=["replay-missing"])
        return await ParkingEngine().download_async(request)

    engine.download_async = replayed
    result = article(title="Buy", text="This domain may be for sale. Make an offer today.")

    async def both() -> list[Any]:
        first = await judge(prober, candidate(MOVED), parked_page("president"), result)
        return [first, await judge(prober, candidate(MOVED), parked_page("regions"), result)]

    verdicts = asyncio.run(both())
    assert [(v["reason"], v["probe"]["url"]) for v in verdicts] == [("parked", archived)] * 2
    assert prober.stats.values["removals/probes_reused"] == 1


def archive_of(*urls: str) -> Any:
    """A replay's archive holding the probes ``urls``: what it lists for a host (its
    probes)."""
    from urllib.parse import urlsplit

    def host_urls(url: str) -> list[str]:
        return [u for u in urls if urlsplit(u).hostname == urlsplit(url).hostname]
    return host_urls


def replay_prober(*archived: str) -> Any:
    from types import SimpleNamespace

    from crawler.softremovals import Prober

    crawler = SimpleNamespace(stats=Stats(), engine=ParkingEngine())
    return Prober(crawler, 3, archive=archive_of(*archived))


@pytest.mark.parametrize("concurrently", [True, False])
def test_a_replay_tells_every_page_by_the_probes_its_archive_holds(concurrently: bool) -> None:
    """The live run asked two shapes of the parking host: a replay reading the pages in
    another order (the first of a shape never probed, before any probe of the host) tells
    each by those two archived probes, and asks no shape the archive lacks."""
    live = [probe_url(parked_page(rubric).url) for rubric in ("politics", "president")]
    prober = replay_prober(*live, probe_url(URL))  # and another host's
    rubrics = ["regions", "society", "president", "economics", "politics"]
    verdicts = asyncio.run(judge_all(prober, rubrics, concurrently))
    assert [(v["reason"], v["matched"]) for v in verdicts] == [("parked", "probe")] * 5
    asked = prober.crawler.engine.asked
    assert sorted(asked) == sorted(live)  # each once, no other URL
    by_rubric = {r: v["probe"]["url"] for r, v in zip(rubrics, verdicts, strict=True)}
    assert (by_rubric["politics"], by_rubric["president"]) == tuple(live)  # their own
    assert {by_rubric[r] for r in ("economics", "society", "regions")} == {live[0]}  # the first
    assert prober.stats.values["removals/probes_not_archived"] == 3
    assert prober.stats.values["removals/probes_reused"] == 3
    assert "removals/probes_over_allowance" not in prober.stats.values


def test_a_replay_whose_archive_holds_no_probe_of_a_host_leaves_it_unjudged() -> None:
    prober = replay_prober()
    assert asyncio.run(judge_all(prober, ["regions"], False)) == [None]
    assert not asyncio.run(prober.answered(parked_page("regions").url))
    assert prober.crawler.engine.asked == []


# --- the move, told once the verdict is given ----------------------------------------------
NEW_HOST = "belta-new.example"


class ProbedSite:
    """Answers probes as the hosts do: the parking host its one page, the outlet's new
    domain a 404 (it tells paths apart); ``failing``: no answer at all."""

    def __init__(self, failing: bool = False) -> None:
        self.failing = failing

    async def download_async(self, request: Any) -> Any:
        from urllib.parse import urlsplit

        from scrapy.http import HtmlResponse

        if self.failing:
            raise ConnectionRefusedError("connection refused")
        if urlsplit(request.url).hostname == PARKED_HOST:
            return HtmlResponse(request.url, body=PARKING, request=request)
        return HtmlResponse(request.url, status=404, body=b"Not found", request=request)


def soft_check(tmp_path: Any, failing: bool = False) -> Any:
    from scrapy.utils.test import get_crawler

    from crawler.softremovals import SoftRemovalCheck

    crawler = get_crawler(settings_dict={"DATA_DIR": str(tmp_path)})
    crawler.engine = ProbedSite(failing)
    return SoftRemovalCheck(crawler)


def read_on(host: str, rubric: str, body: bytes) -> ArticlePage:
    from crawler.softremovals import CANDIDATE_ATTR

    path = f"/{rubric}/view/novost-{len(rubric)}-4277{len(rubric)}-2026/"
    page = ArticlePage(url=f"http://{host}{path}", outlet="belta", body=body, headers={},
                       status=200, fetched_at="2026-01-05T10:00:00+00:00")
    setattr(page, CANDIDATE_ATTR, candidate(MOVED))
    return page


def test_a_real_move_is_counted_per_article_and_said_once(tmp_path, caplog) -> None:
    check = soft_check(tmp_path)
    for rubric in ("politics", "economics"):
        asyncio.run(check.check(read_on(NEW_HOST, rubric, template("", "Мост")), article()))
    assert check.stats.get_value("articles/moved_host") == 2
    assert caplog.text.count(f"articles redirect to their own paths on {NEW_HOST}") == 1


def test_a_parking_host_is_never_counted_nor_said_as_a_move(tmp_path, caplog) -> None:
    from scrapy.exceptions import DropItem

    check = soft_check(tmp_path)
    result = article(title="Buy", text="This domain may be for sale. Make an offer today.")
    for rubric in ("politics", "economics"):
        with pytest.raises(DropItem):
            asyncio.run(check.check(read_on(PARKED_HOST, rubric, PARKING), result))
    assert check.stats.get_value("articles/moved_host") is None
    assert "articles redirect to their own paths" not in caplog.text
    assert caplog.text.count(f"{PARKED_HOST} answers a path that names no page") == 1


def test_a_new_host_that_answered_no_probe_is_no_move_told(tmp_path, caplog) -> None:
    """Its probe failed (or a replay's archive lacks it): a move or a parking host, no one
    can say; the page stays what extraction made of it, counted as unjudged."""
    check = soft_check(tmp_path, failing=True)
    asyncio.run(check.check(read_on(NEW_HOST, "politics", template("", "Мост")), article()))
    assert check.stats.get_value("articles/moved_host") is None
    assert check.stats.get_value("removals/moves_unjudged") == 1
    assert "articles redirect to their own paths" not in caplog.text


@pytest.mark.parametrize("blocked_first", [True, False])
def test_a_challenge_page_on_a_new_host_is_unjudged_whatever_came_first(
        tmp_path, caplog, blocked_first: bool) -> None:
    """A challenge page is never probed, so it tells nothing of the host: it is unjudged
    whether or not another page of that host had its probe answered first (as a replay
    reading the pages in another order would have it), and the other page is the move."""
    check = soft_check(tmp_path)
    blocked = (read_on(NEW_HOST, "politics", template("", "Just a moment")),
               BlockedPage("cloudflare"))
    moved = (read_on(NEW_HOST, "economics", template("", "Мост")), article())
    for page, result in ([blocked, moved] if blocked_first else [moved, blocked]):
        asyncio.run(check.check(page, result))
    assert check.stats.get_value("articles/moved_host") == 1
    assert check.stats.get_value("removals/moves_unjudged") == 1
    assert check.stats.get_value("removals/probes") == 1  # the challenge page asked none


def test_without_an_asyncio_loop_a_probe_under_way_is_asked_once() -> None:
    """Under Twisted's own reactor (no asyncio loop) two pages of one shape read while its
    probe is under way: the second waits for that answer, no second request goes out."""
    from types import SimpleNamespace

    from scrapy.http import HtmlResponse
    from twisted.internet.defer import Deferred

    from crawler.softremovals import Prober

    class SlowEngine:
        def __init__(self) -> None:
            self.asked: list[str] = []
            self.pending: list[Deferred] = []

        async def download_async(self, request: Any) -> Any:
            self.asked.append(request.url)
            answered: Deferred = Deferred()
            self.pending.append(answered)
            await answered
            return HtmlResponse(request.url, body=PARKING, request=request)

    engine = SlowEngine()
    prober = Prober(SimpleNamespace(stats=Stats(), engine=engine), 3)
    url = parked_page("politics").url
    first = Deferred.fromCoroutine(prober.probe(url))
    second = Deferred.fromCoroutine(prober.probe(url))
    settled = Deferred.fromCoroutine(prober.answers(url))
    while engine.pending:
        engine.pending.pop(0).callback(None)
    results = [first.result, second.result, settled.result]
    assert engine.asked == [probe_url(url)] and prober.stats.values["removals/probes"] == 1
    assert results[0] is results[1] and results[0].url == probe_url(url)
    assert results[2] == [results[0]]


# Articles and the probes the capture asked of them before probes were marked (its probe_url
# then, literally: a windows-1251 query value was sent as U+FFFD). Files of that capture
# mark none: a replay of them knows their probes by shape alone.
UNMARKED_PROBES = [
    ("http://www.belta.by/politics/view/novost-1-427701-2026/",
     "http://www.belta.by/politics/view/nlmtzagjswhl-9-999999-9999/"),
    ("https://news.example/?p=427701", "https://news.example/?p=999999"),
    ("https://news.example/politics/", "https://news.example/oyijmxaoncgl/"),
    ("https://news.example/news/?id=&page=2", "https://news.example/oyijmxaoncgl/?id=&page=9"),
    ("https://news.example/news/%C2%AB%D0%BD%D0%BE%D0%B2%D0%BE%C2%BB-%E2%80%94-12",
     "https://news.example/news/%C2%ABerzdurpkupge%C2%BB-%E2%80%94-99"),
    ("https://news.example/news/%ED%EE%E2%EE%F1%F2%FC-%AB12%BB.html",
     "https://news.example/news/erzdurpkupge-%AB99%BB.erzdurpkupge"),
    ("https://news.example/news.php?id=12&q=%EF%F0%E8%20%AB%E4%E0%BB",
     "https://news.example/oyijmxaoncgl.oyijmxaoncgl?id=99&q=%EF%BF%BD%EF%BF%BD%EF%BF%BD+"
     "%EF%BF%BD%EF%BF%BD%EF%BF%BD"),
    ("https://news.example/news.php?q=%D0%BF%D1%80%D0%B8+%C2%AB1%C2%BB&id=7",
     "https://news.example/oyijmxaoncgl.oyijmxaoncgl?q=oyijmxaoncgl+%C2%AB9%C2%BB&id=9"),
    ("https://news24.example/a%2C%20b/?x=&y=12#top",
     "https://news24.example/mfiozjdvaadk%2C%20mfiozjdvaadk/?x=&y=99"),
]


@pytest.mark.parametrize("article, probe", UNMARKED_PROBES)
def test_an_unmarked_probe_is_known_by_its_shape_and_its_article_is_not(
        article: str, probe: str) -> None:
    from crawler.softremovals import is_probe_url

    assert is_probe_url(probe)
    assert not is_probe_url(article)


@pytest.mark.parametrize("url", ["https://news.example/news/%C2%AB", "https://x.example/a%20-"])
def test_a_segment_of_escaped_punctuation_alone_is_no_probe(url: str) -> None:
    from crawler.softremovals import is_probe_url

    assert not is_probe_url(url)

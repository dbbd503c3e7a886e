"""Soft-removal probes in a replay, read from real WARC files through the real replay
middleware: the probes offered are the captures marked as probes by the run replayed, never a
page of the site however its URL looks, nor another run's probe."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy import Spider
from scrapy.http import Request
from scrapy.utils.test import get_crawler

from archive.model import PROBE_FIELD, RUN_FIELD
from archive.reader import ArchiveLookup
from archive.records import iter_records
from archive.writer import WarcWriter
from crawler.downloadermiddlewares.replay import WarcReplayMiddleware
from crawler.extraction import ExtractionError
from crawler.items import ArticlePage
from crawler.softremovals import REFETCH, Prober, judge, probe_url
from tests.archive.conftest import make_exchange
from tests.crawler.test_softremovals import candidate

HOST = "https://news.example"
JANUARY = datetime(2026, 1, 10, 8, 0, 0, tzinfo=UTC)
FEBRUARY = datetime(2026, 2, 10, 8, 0, 0, tzinfo=UTC)


def template(path: str) -> bytes:
    """The site's answer to a path naming no page, with 200; its title is no notice, so only
    a probe tells it."""
    return (f"<html><head><title>Новости | Сайт</title></head><body><nav>Главная Политика "
            f"Экономика Общество Регионы Спорт</nav><h1>Новости</h1><p>По адресу {path} "
            "ничего нет. Возможно, материал перенесли в другой раздел. Воспользуйтесь поиском "
            "по сайту или перейдите на главную страницу.</p><footer>© Сайт, 2026. Все права "
            "защищены.</footer></body></html>").encode()


def capture(writer: WarcWriter, url: str, body: bytes, date: datetime, status: int = 200,
            probe: bool = False) -> None:
    writer.write_exchange(replace(make_exchange(url, body, status=status, date=date),
                                  probe=probe))


class ReplayEngine:
    """The crawl's engine in a replay: every request answered by the replay middleware."""

    def __init__(self, mw: WarcReplayMiddleware) -> None:
        self.mw, self.asked = mw, []

    async def download_async(self, request: Request) -> Any:
        self.asked.append(request.url)
        return self.mw.process_request(request)


def replay_prober(warcs: list[Path], at: str | None = None, spider: str = "default") -> Prober:
    """The Prober of a replay of ``warcs`` by the spider named ``spider``."""
    settings = {"WARC_REPLAY": ",".join(map(str, warcs)), "WARC_REPLAY_AT": at}
    crawler = get_crawler(type("Replayed", (Spider,), {"name": spider}),
                          settings_dict={k: v for k, v in settings.items() if v})
    mw = WarcReplayMiddleware.from_crawler(crawler)
    replayed = SimpleNamespace(stats=crawler.stats, engine=ReplayEngine(mw), warc_replay=mw)
    return Prober(replayed, 3)


def verdict(prober: Prober, url: str) -> dict[str, Any] | None:
    """The verdict on ``url`` answering the site's template (extraction found no body)."""
    page = ArticlePage(url=url, outlet="news", body=template(url), headers={}, status=200,
                       fetched_at="2026-02-10T08:00:00+00:00")
    return asyncio.run(judge(prober, candidate(REFETCH), page, ExtractionError("no_body")))


JUDGED = f"{HOST}/news/5"
# pages of the site spelt as a probe would be: an id of nines, the probe of another article
PAGES = [f"{HOST}/news/999", f"{HOST}/news/9", f"{HOST}/?p=9999", f"{HOST}/9/",
         probe_url(f"{HOST}/news/slug-12"), probe_url(f"{HOST}/news/%D0%BD%D0%BE-1")]


@pytest.mark.parametrize("page", PAGES)
def test_a_page_of_the_site_is_never_taken_for_a_probe(tmp_path: Path, page: str) -> None:
    """The archive holds a page of the site at a URL of a probe's shape, captured as a page
    (its own template answer, as a real article with no body would be): the replay asks no
    probe, the live run having asked none, and gives no verdict."""
    with WarcWriter(tmp_path / "warc") as writer:
        capture(writer, page, template(page), JANUARY)
    prober = replay_prober([tmp_path / "warc"])
    assert verdict(prober, JUDGED) is None
    assert prober.crawler.engine.asked == []
    assert prober.stats.get_value("removals/probes_not_archived") == 1


def test_a_probe_the_live_run_asked_is_offered_and_its_records_are_marked(tmp_path) -> None:
    probe = probe_url(JUDGED)
    with WarcWriter(tmp_path / "warc") as writer:
        capture(writer, f"{HOST}/news/999", template("/news/999"), JANUARY)
        capture(writer, probe, template(probe), JANUARY, probe=True)
    prober = replay_prober([tmp_path / "warc"])
    evidence = verdict(prober, JUDGED)
    assert evidence is not None and (evidence["reason"], evidence["matched"]) == (
        "soft-404", "probe")
    assert evidence["probe"]["url"] == probe
    assert prober.crawler.engine.asked == [probe]
    marked = [(info.record.rec_type, info.record.target_uri)
              for info in iter_records(next((tmp_path / "warc").glob("*.warc.gz")))
              if info.record.get(PROBE_FIELD)]
    assert sorted(marked) == [("request", probe), ("response", probe)]


def two_runs(tmp_path: Path) -> list[Path]:
    """Run 1 (January): the site answered a path naming nothing 404; its probe was of the
    /a/ rubric. Run 2 (February): it answers its template with 200; probed in /b/."""
    with WarcWriter(tmp_path / "run1") as writer:
        capture(writer, f"{HOST}/b/7", template("/b/7"), JANUARY)
        capture(writer, probe_url(f"{HOST}/a/1"), b"Not Found", JANUARY, 404, probe=True)
    with WarcWriter(tmp_path / "run2") as writer:
        capture(writer, f"{HOST}/b/7", template("/b/7"), FEBRUARY)
        probe = probe_url(f"{HOST}/b/7")
        capture(writer, probe, template(probe), FEBRUARY, probe=True)
    return [tmp_path / "run1", tmp_path / "run2"]


@pytest.mark.parametrize("at, reason", [("20260110", None), ("20260130", "soft-404"),
                                        ("20260210080000", "soft-404"), (None, "soft-404"),
                                        ("20260101", None)])
def test_a_replay_takes_the_probes_of_the_run_it_replays(tmp_path, at, reason) -> None:
    """Replayed at run 1's time, the page is told as run 1 told it: compared with its /a/
    probe's 404, no verdict (run 2's /b/ probe not asked); at run 2's, or the nearest to it,
    or the latest: a soft 404 by run 2's probe."""
    warcs = two_runs(tmp_path)
    for files in (warcs, warcs[::-1]):
        prober = replay_prober(files, at)
        evidence = verdict(prober, f"{HOST}/b/7")
        assert (evidence or {}).get("reason") == reason
        run = "run1" if reason is None else "run2"
        want = {"run1": [probe_url(f"{HOST}/a/1")], "run2": [probe_url(f"{HOST}/b/7")]}[run]
        assert prober.crawler.engine.asked == want


def test_the_lookup_lists_the_probes_of_the_run_nearest_the_moment(tmp_path) -> None:
    warcs = two_runs(tmp_path)
    with ArchiveLookup(warcs) as lookup:
        first, second = lookup.replayed_run(JANUARY), lookup.replayed_run(FEBRUARY)
        assert first != second and lookup.replayed_run() == second
        assert lookup.probe_urls(HOST, JANUARY) == [probe_url(f"{HOST}/a/1")]
        assert lookup.probe_urls(HOST, FEBRUARY) == [probe_url(f"{HOST}/b/7")]
        assert lookup.probe_urls("https://other.example/", FEBRUARY) == []
        assert lookup.probe_urls("mailto:desk@news.example") == []


def two_spiders(tmp_path: Path) -> list[Path]:
    """One folder, one host, two spiders: ``belta`` (January) judged JUDGED a soft 404 by
    its probe; ``site`` (any-site, given the same host, February: newer) fetched another
    page and probed another shape, which the site answered 404."""
    with WarcWriter(tmp_path / "warc", prefix="news-belta",
                    warcinfo={"spider": "belta"}) as writer:
        capture(writer, JUDGED, template(JUDGED), JANUARY)
        capture(writer, probe_url(JUDGED), template(probe_url(JUDGED)), JANUARY, probe=True)
    with WarcWriter(tmp_path / "warc", prefix="news-site", warcinfo={"spider": "site"}) as writer:
        capture(writer, f"{HOST}/c/1", b"<html><title>C</title><p>a page</p></html>", FEBRUARY)
        capture(writer, probe_url(f"{HOST}/c/1"), b"Not Found", FEBRUARY, 404, probe=True)
    return [tmp_path / "warc"]


@pytest.mark.parametrize("at", [None, "20260210", "20260110"])
def test_a_replay_of_one_spider_takes_the_probes_of_its_own_runs(tmp_path, at) -> None:
    """Whatever the moment, the replay of ``belta`` takes belta's probe (the live verdict),
    never the newer run of ``site`` on the same host; the replay of ``site`` takes its own."""
    warcs = two_spiders(tmp_path)
    belta = replay_prober(warcs, at, spider="belta")
    evidence = verdict(belta, JUDGED)
    assert evidence is not None and (evidence["reason"], evidence["matched"]) == (
        "soft-404", "probe")
    assert belta.crawler.engine.asked == [probe_url(JUDGED)]
    site = replay_prober(warcs, at, spider="site")
    assert verdict(site, JUDGED) is None  # compared with its /c/ probe's 404
    assert site.crawler.engine.asked == [probe_url(f"{HOST}/c/1")]


def test_a_spider_with_no_run_on_the_host_replays_the_run_nearest_the_moment(tmp_path):
    """An archive replayed by another spider than wrote it (a re-extraction with ``site``
    of a ``belta`` archive): the run the moment falls on, whichever spider's."""
    warcs = two_spiders(tmp_path)
    with ArchiveLookup(warcs) as lookup:
        belta, site = lookup.replayed_run(JANUARY), lookup.replayed_run(FEBRUARY)
        assert belta != site
        assert lookup.replayed_run(FEBRUARY, HOST, spider="belta") == belta
        assert lookup.replayed_run(JANUARY, HOST, spider="site") == site
        assert lookup.replayed_run(None, HOST, spider="other") == site
        assert lookup.replayed_run(JANUARY, HOST, spider="other") == belta
        assert lookup.probe_urls(HOST, None, spider="belta") == [probe_url(JUDGED)]


# --- archives written before probes were marked ----------------------------------------------
# The probes main's capture asked (its probe_url), literally: a query value in windows-1251
# was sent as U+FFFD then, so today's probe_url of that article is another URL.
OLD_PROBES = {f"{HOST}/news/5": f"{HOST}/news/9",
              f"{HOST}/news.php?id=12&q=%EF%F0%E8%E2":
              f"{HOST}/oyijmxaoncgl.oyijmxaoncgl?id=99&q=%EF%BF%BD%EF%BF%BD%EF%BF%BD%EF%BF%BD"}


def old_writer(directory: Path) -> WarcWriter:
    """A writer writing as the capture did before probes were marked: its warcinfo names no
    run (and ``capture`` marks no probe unless asked)."""
    writer = WarcWriter(directory)
    del writer.warcinfo[RUN_FIELD]
    return writer


def warcinfo_fields(directory: Path) -> list[str]:
    infos = [info.record for path in sorted(directory.glob("*.warc.gz"))
             for info in iter_records(path) if info.record.rec_type == "warcinfo"]
    return [line.partition(":")[0] for rec in infos
            for line in rec.block.decode().splitlines()]


@pytest.mark.parametrize("article", list(OLD_PROBES))
def test_an_archive_written_before_probes_were_marked_is_replayed_as_before(
        tmp_path: Path, article: str) -> None:
    """An archive of the old capture (no run in its warcinfo, no probe marked) holding the
    probe the live run asked: the replay takes probes by their shape, as replays of it
    always did, asks the archived probe and finds the page a soft 404, as before."""
    probe = OLD_PROBES[article]
    with old_writer(tmp_path / "warc") as writer:
        capture(writer, article, template(article), JANUARY)
        capture(writer, f"{HOST}/news/12345", template("/news/12345"), JANUARY)
        capture(writer, probe, template(probe), JANUARY)
    assert "run-id" not in warcinfo_fields(tmp_path / "warc")
    prober = replay_prober([tmp_path / "warc"])
    evidence = verdict(prober, article)
    assert evidence is not None and (evidence["reason"], evidence["matched"]) == (
        "soft-404", "probe")
    assert evidence["probe"]["url"] == probe
    assert prober.crawler.engine.asked == [probe]


@pytest.mark.parametrize("other", [f"{HOST}]/about/", f"{HOST}]/news/"])
def test_an_archived_url_urlsplit_refuses_on_the_host_is_no_probe_nor_a_failure(
        tmp_path: Path, other: str) -> None:
    """An archive of another tool (no run named) holding, besides the article and its probe,
    a capture of ``https://news.example]/about/`` (a bracket never opened), keyed to the
    host as pywb keys it: the replay's look for the host's probes split it, and urlsplit's
    ValueError failed the page's judging. The archive refuses such a target as a bad
    record (as one with an unclosed bracket): the page is judged by its probe."""
    article = f"{HOST}/news/5"
    probe = OLD_PROBES[article]
    with old_writer(tmp_path / "warc") as writer:
        capture(writer, article, template(article), JANUARY)
        capture(writer, other, template("/about/"), JANUARY)
        capture(writer, probe, template(probe), JANUARY)
    prober = replay_prober([tmp_path / "warc"])
    evidence = verdict(prober, article)
    assert evidence is not None and (evidence["reason"], evidence["probe"]["url"]) == (
        "soft-404", probe)
    assert prober.crawler.engine.asked == [probe]


def mixed(tmp_path: Path) -> list[Path]:
    """January, the old capture: the site answered a path naming nothing 404 (probe of
    /a/1, unmarked). February, today's: it answers its template with 200 (probe of /b/7,
    marked), and a page of the site at /b/9, a probe's shape."""
    with old_writer(tmp_path / "old") as writer:
        capture(writer, f"{HOST}/b/7", template("/b/7"), JANUARY)
        capture(writer, f"{HOST}/a/9", b"Not Found", JANUARY, 404)
    with WarcWriter(tmp_path / "new") as writer:
        capture(writer, f"{HOST}/b/7", template("/b/7"), FEBRUARY)
        capture(writer, f"{HOST}/b/9", template("/b/9"), FEBRUARY)
        probe = probe_url(f"{HOST}/b/7/x")
        capture(writer, probe, template(probe), FEBRUARY, probe=True)
    return [tmp_path / "old", tmp_path / "new"]


@pytest.mark.parametrize("at, reason, asked", [
    ("20260110", None, [f"{HOST}/a/9"]),
    ("20260210", "soft-404", [probe_url(f"{HOST}/b/7/x")]),
    (None, "soft-404", [probe_url(f"{HOST}/b/7/x")])])
def test_a_folder_of_old_and_new_files_replays_each_run_by_its_own_probes(
        tmp_path: Path, at: str | None, reason: str | None, asked: list[str]) -> None:
    """Replayed at the old run's time the old file's probes are taken by their shape (its
    /a/9, not the new run's marked probe); at the new run's, only the marked probe, never
    its page /b/9 of a probe's shape."""
    warcs = mixed(tmp_path)
    for files in (warcs, warcs[::-1]):
        prober = replay_prober(files, at)
        assert (verdict(prober, f"{HOST}/b/7") or {}).get("reason") == reason
        assert prober.crawler.engine.asked == asked


@pytest.mark.parametrize("at", [None, "20260210"])
def test_a_folder_of_two_spiders_runs_replays_each_host_by_its_own_run(tmp_path, at) -> None:
    """Two spiders crawled into one WARC folder (``crawlall``, or runs side by side): the
    other spider's run, later, holds the capture nearest the moment; a replay of this
    host still takes the probes of the run that crawled it."""
    probe = probe_url(JUDGED)
    with WarcWriter(tmp_path / "warc", prefix="news") as writer:
        capture(writer, JUDGED, template(JUDGED), JANUARY)
        capture(writer, probe, template(probe), JANUARY, probe=True)
    with WarcWriter(tmp_path / "warc", prefix="other") as writer:
        capture(writer, "https://other.example/a/1", b"<html>...</html>", FEBRUARY)
    prober = replay_prober([tmp_path / "warc"], at)
    evidence = verdict(prober, JUDGED)
    assert evidence is not None and evidence["reason"] == "soft-404", evidence
    assert prober.crawler.engine.asked == [probe]

"""Removals a 200 answer hides, end to end: real ``scrapy crawl belta`` runs on a changing site.

Soft 404s: after run 1 exported four articles the site serves one of them as its "page not
found" template with 200 (the page it gives any path under the articles' shape), another as
a short "Материал удалён" notice with 200, and edits a third to mention "страница не
найдена". A replay of run 2's WARCs, with the state run 1 left, gives the same verdicts
offline (the probe's answer was archived under the URL the replay asks).

Parked domains: after run 1 five articles, one in each of five rubrics (more path shapes than
a host's probe allowance), 301 to their own paths on a parking host that answers every path
with one page, one to its own path on the outlet's new domain (a real move), and an article
never exported before goes to the parking host too. Replays of run 2, with the WARC files
named in either order, give every verdict the live run gave.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any
from urllib.parse import urlsplit

import pytest

from archive.reader import expand_paths
from archive.schema import removal_errors
from crawler.softremovals import probe_url
from tests.e2e.test_removals import latest_report, new_lines, read_record, removal_lines
from tests.sites import belta
from tests.sites.scheduled import ChangingBelta
from tests.support.crawl import run_crawl
from tests.support.server import FixtureServer, Page, VirtualSite
from tests.support.stats_trace import traced, tracing

pytestmark = pytest.mark.slow

NO_NETWORK = {"http_proxy": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}
MENTION = "По словам администратора, страница не найдена в поиске из-за сбоя индекса."


def not_found_template(path: str) -> str:
    """БЕЛТА's 404 template, served with 200, echoing the path asked."""
    return f"""<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>Страница не найдена | БЕЛТА</title></head>
<body><div class="header"><a href="/">БЕЛТА — Новости Беларуси</a>
<ul class="menu"><li><a href="/president/">Президент</a></li><li><a href="/politics/">Политика</a></li>
<li><a href="/economics/">Экономика</a></li><li><a href="/all_news/">Все новости</a></li></ul></div>
<div class="main"><div class="content_margin"><h1>Страница не найдена</h1>
<p>Запрошенная страница {escape(path)} не найдена на сервере. Возможно, она была удалена,
перемещена или вы ошиблись при наборе адреса. Воспользуйтесь поиском или перейдите на главную
страницу сайта, где собраны последние новости Беларуси и мира.</p></div></div>
<div class="sidebar"><div class="lenta_title">Популярное</div>
<div class="news_item"><a href="/regions/view/x-1-2026/">Минск-Новости: последние события</a></div></div>
<div class="footer">© БЕЛТА, 1996–2026. Все права защищены.</div></body></html>"""


NOTICE = ("<!DOCTYPE html><html lang='ru'><head><meta charset='utf-8'><title>Материал удалён — "
          "БЕЛТА</title></head><body><h1>Материал удалён</h1><p>По решению редакции.</p>"
          "</body></html>")


def soft_site(site: ChangingBelta) -> None:
    """Any path of the articles' shape the site does not have answers its 404 template
    with 200."""
    def answer(target: str) -> Page | None:
        path = target.split("?", 1)[0]
        return Page(not_found_template(path).encode()) if "/view/" in path else None
    site.site.dynamic.append(answer)


def fetched(url: str) -> str:
    return url.replace("https://", "http://")


@pytest.fixture(scope="module")
def soft(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data_dir = tmp_path_factory.mktemp("soft404")
    first_state = tmp_path_factory.mktemp("state-after-run-1")
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    site = ChangingBelta(start=now - timedelta(hours=2), count=4)
    site.publish()
    template, notice, mentions = site.golds[0], site.golds[1], site.golds[2]
    out: dict[str, Any] = {"data_dir": data_dir, "template": template, "notice": notice}
    with FixtureServer([site.site]) as server:
        out["first"] = run_crawl("belta", data_dir, server)
        shutil.copytree(data_dir / "state", first_state / "state")
        before = removal_lines(data_dir)
        out["mentions"] = site.edit(2, MENTION)  # (re-renders every article)
        assert out["mentions"].url == mentions.url
        soft_site(site)
        site.site.add(site.path(template), not_found_template(site.path(template)))
        site.site.add(site.path(notice), NOTICE)
        out["second"] = run_crawl("belta", data_dir, server)
        out["report"] = latest_report(data_dir)
        out["lines"] = new_lines(before, removal_lines(data_dir))
        out["paths"] = server.requested_paths(belta.HOST)
    out["replay_dir"] = replay_dir = tmp_path_factory.mktemp("replay")
    shutil.copytree(first_state / "state", replay_dir / "state")
    out["replay"] = run_crawl("belta", replay_dir, None, env=NO_NETWORK, settings={
        "WARC_REPLAY": str(data_dir / "warc"),  # with the state the live run 2 started from
        "STATE_PATH": str(replay_dir / "state" / "state.sqlite3"),
        "OUTLET_BASE_URLS": {belta.HOST: f"http://{belta.HOST}"}})
    out["replay_lines"] = new_lines({}, removal_lines(replay_dir))
    return out


def test_a_soft_404_of_a_known_article_is_observed_removed_by_the_probe(soft) -> None:
    second, template = soft["second"], soft["template"]
    assert soft["first"].returncode == 0 and len(soft["first"].items) == 4
    assert second.returncode == 0, second.log[-3000:]
    by_url = {line["url"]: line for line in soft["lines"]}
    line = by_url[template.url]
    assert removal_errors(line) == []
    assert (line["event"], line["status"], line["final_url"]) == ("removed", 200, None)
    evidence = line["evidence"]
    assert (evidence["reason"], evidence["matched"]) == ("soft-404", "probe")
    probe = evidence["probe"]
    assert probe["url"] == probe_url(fetched(template.url)) and probe["status"] == 200
    assert probe["similarity"] >= 0.8
    record_id, uri, status, _, body = read_record(soft["data_dir"], probe["warc"])
    assert (record_id, uri, status) == (probe["warc"]["record_id"], probe["url"], "200")
    assert "Страница не найдена".encode() in body
    _, uri, _, _, body = read_record(soft["data_dir"], line["warc"])
    assert uri == fetched(template.url) and "Страница не найдена".encode() in body


def test_a_removal_notice_with_no_body_is_observed_removed_by_its_wording(soft) -> None:
    line = {line["url"]: line for line in soft["lines"]}[soft["notice"].url]
    assert removal_errors(line) == []
    assert (line["status"], line["evidence"]["reason"]) == (200, "soft-404")
    assert line["evidence"]["matched"] == "wording"
    assert line["evidence"]["wording"].lower() == "материал удалён"
    assert line["evidence"]["probe"]["status"] == 200  # asked, but the template is another page


def test_soft_404s_are_no_items_and_an_article_mentioning_not_found_is_one(soft) -> None:
    second = soft["second"]
    assert sorted(line["url"] for line in soft["lines"]) == sorted(
        [soft["template"].url, soft["notice"].url])
    assert [(i["url"], i["version"]) for i in second.items] == [(soft["mentions"].url, 2)]
    assert MENTION in second.items[0]["text"]
    assert second.stats["articles/removed"] == 2
    assert second.stats["removals/soft-404"] == 2
    assert not [k for k in second.stats if k.startswith(("extraction/failed/",
                                                         "articles/failed/"))]
    assert soft["report"]["healthy"] is True and soft["report"]["alarms"] == []
    assert soft["report"]["removals"]["removed"] == 2


def test_probes_are_few_counted_and_asked_like_any_request(soft) -> None:
    """Only the two suspicious answers probed, once each shape (two rubrics: two folders),
    after robots.txt, through the proxy like any request."""
    probes = {probe_url(fetched(soft["template"].url)), probe_url(fetched(soft["notice"].url))}
    assert soft["second"].stats["removals/probes"] == len(probes) == 2
    paths = soft["paths"]
    asked = [p for p in paths if f"http://{belta.HOST}{p}" in probes]
    assert sorted(asked) == sorted(urlsplit(p).path for p in probes)
    assert "/robots.txt" in paths[:paths.index(asked[0])]


def test_the_probes_records_are_marked_and_each_run_named(soft) -> None:
    """Read back with warcio: the records of the two probes (request and response) carry
    ``WARC-Removal-Probe``, no page's does; each run's files name their own run, so a
    replay offers the probes of the run it replays and takes no page for one."""
    from warcio.archiveiterator import ArchiveIterator

    from archive.model import PROBE_FIELD, RUN_FIELD

    marked, runs = [], set()
    for path in expand_paths(soft["data_dir"] / "warc"):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                headers = record.rec_headers
                if record.rec_type == "warcinfo":
                    fields = dict(line.split(": ", 1) for line in record.content_stream()
                                  .read().decode().splitlines() if ": " in line)
                    runs.add(fields[RUN_FIELD])
                elif headers.get_header(PROBE_FIELD):
                    marked.append((record.rec_type, headers.get_header("WARC-Target-URI")))
    probes = {probe_url(fetched(soft["template"].url)), probe_url(fetched(soft["notice"].url))}
    assert sorted(marked) == sorted((kind, url) for url in probes
                                    for kind in ("request", "response"))
    assert len(runs) == 2  # run 1's and run 2's


def test_replay_gives_the_same_verdicts_offline(soft) -> None:
    replay = soft["replay"]
    assert replay.returncode == 0, replay.log[-3000:]
    def verdicts(lines: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return sorted((line["url"], line["evidence"]["reason"], line["evidence"]["matched"],
                       (line["evidence"]["probe"] or {}).get("url")) for line in lines)
    assert verdicts(soft["replay_lines"]) == verdicts(soft["lines"])
    assert replay.stats.get("replay/missing", 0) == 0
    assert [i["url"] for i in replay.items] == [soft["mentions"].url]


def test_the_corpus_keeps_the_evidence(soft, tmp_path) -> None:
    from archive.corpus import build_corpus
    from archive.corpus_derived import connect

    report = build_corpus(soft["data_dir"], tmp_path / "corpus")
    assert report.rejected == 0 and report.removals == 2
    rows = connect(tmp_path / "corpus").execute(
        "SELECT url, evidence.reason, evidence.matched, evidence.probe.status FROM removed "
        "JOIN removals USING (id, url) ORDER BY url").fetchall()
    assert rows == sorted([(soft["template"].url, "soft-404", "probe", 200),
                           (soft["notice"].url, "soft-404", "wording", 200)])


# --- parked domains ------------------------------------------------------------------------
PARKED_HOST, NEW_HOST = "parked-domains.example", "belta-new.example"
MOVED_HOST = "articles/moved_host"
# the oldest article is 3 days old: refetched too; every value of the moves count is logged
RUN_2 = {"REFETCH_MAX_AGE_DAYS": 7, **tracing(MOVED_HOST)}
PARKING = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>This domain may be for "
           "sale</title></head><body><h1>This domain may be for sale</h1><p>Buy this domain "
           "today. The owner of this domain has put it up for sale, inquire now and get a "
           "quote within one business day from our domain brokerage team.</p><p>Related "
           "searches: news, politics, economy, sport, travel, insurance.</p></body></html>")


def parking_host() -> VirtualSite:
    parked = VirtualSite(PARKED_HOST)
    parked.dynamic.append(lambda target: Page(PARKING.encode()))
    return parked


def redirect(location: str) -> Page:
    return Page(b"", status=301, headers=[("Location", location)])


@pytest.fixture(scope="module")
def parked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data_dir = tmp_path_factory.mktemp("parked")
    first_state = tmp_path_factory.mktemp("parked-state-after-run-1")
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    site = ChangingBelta(start=now - timedelta(hours=2), count=7)
    site.publish()
    moved_host = VirtualSite(NEW_HOST)
    out: dict[str, Any] = {"parked": site.golds[:5], "moved": site.golds[5:]}
    assert len({site.rubrics[g.url] for g in out["parked"]}) == 5
    assert len({site.rubrics[g.url] for g in out["moved"]}) == 2  # two shapes: two probes
    with FixtureServer([site.site, parking_host(), moved_host]) as server:
        out["first"] = run_crawl("belta", data_dir, server)
        shutil.copytree(data_dir / "state", first_state / "state")
        before = removal_lines(data_dir)
        [out["new"]] = site.add(1, now - timedelta(minutes=30))
        for gold in [*out["parked"], out["new"]]:
            site.site.add(site.path(gold), redirect(f"http://{PARKED_HOST}{site.path(gold)}"))
        for gold in out["moved"]:
            moved_host.add(site.path(gold), site.site.pages[site.path(gold)])
            site.site.add(site.path(gold), redirect(f"http://{NEW_HOST}{site.path(gold)}"))
        out["second"] = run_crawl("belta", data_dir, server, settings=RUN_2)
        out["lines"] = new_lines(before, removal_lines(data_dir))
        out["parked_paths"] = server.requested_paths(PARKED_HOST)
    warcs = [str(path) for path in expand_paths(data_dir / "warc")]  # as a replay reads them
    assert len(warcs) >= 2  # run 1's and run 2's
    for name, files in (("replay", [str(data_dir / "warc")]), ("reversed", warcs[::-1])):
        out[name], out[f"{name}_lines"] = replay_parked(tmp_path_factory, first_state, files)
    return out


def replay_parked(tmp_path_factory: pytest.TempPathFactory, first_state: Any,
                  files: list[str]) -> tuple[Any, list[dict[str, Any]]]:
    """Run 2 replayed offline from ``files`` (WARC_REPLAY reads them in the order given),
    with the state the live run 2 started from."""
    replay_dir = tmp_path_factory.mktemp("parked-replay")
    shutil.copytree(first_state / "state", replay_dir / "state")
    result = run_crawl("belta", replay_dir, None, env=NO_NETWORK, settings={
        "WARC_REPLAY": ",".join(files),
        "STATE_PATH": str(replay_dir / "state" / "state.sqlite3"),
        "OUTLET_BASE_URLS": {belta.HOST: f"http://{belta.HOST}"}, **RUN_2})
    return result, new_lines({}, removal_lines(replay_dir))


def test_known_articles_moved_to_a_parking_host_are_observed_removed(parked) -> None:
    second = parked["second"]
    assert parked["first"].returncode == 0 and len(parked["first"].items) == 7
    assert second.returncode == 0, second.log[-3000:]
    by_url = {line["url"]: line for line in parked["lines"]}
    assert sorted(by_url) == sorted(g.url for g in parked["parked"])
    for gold in parked["parked"]:
        line = by_url[gold.url]
        assert removal_errors(line) == []
        path = urlsplit(gold.url).path
        assert (line["status"], line["final_url"]) == (200, f"http://{PARKED_HOST}{path}")
        assert [hop["status"] for hop in line["redirects"]] == [301]
        assert (line["evidence"]["reason"], line["evidence"]["matched"]) == ("parked", "probe")
        assert urlsplit(line["evidence"]["probe"]["url"]).hostname == PARKED_HOST
    assert second.stats["articles/removed"] == 5 and second.stats["removals/parked"] == 6
    assert f"{PARKED_HOST} answers a path that names no page" in second.log


def test_a_parking_page_is_never_an_item_and_a_real_move_still_is_read(parked) -> None:
    second = parked["second"]
    assert all("domain" not in item["text"] for item in second.items)
    assert second.items == []  # the moved articles are unchanged: no new version
    assert second.stats["incremental/unchanged"] == 2  # read on the new host, as before
    # the article never exported that went to the parking host: a failed fetch, not an item
    assert second.stats["articles/failed/parked"] == 1
    assert f"Article not fetched (parked): {parked['new'].url}" in second.log
    assert not [k for k in second.stats if k.startswith("extraction/failed/")]


def test_a_parking_host_is_probed_within_its_allowance_whatever_its_shapes(parked) -> None:
    """Six shapes on the parking host (five rubrics, and the new article's own slug shape),
    at most three probes: an article whose own shape was not probed is told by the page an
    earlier probe of the host got."""
    second = parked["second"]
    shapes = {probe_url(f"http://{PARKED_HOST}{urlsplit(g.url).path}")
              for g in [*parked["parked"], parked["new"]]}
    assert len(shapes) == 6
    asked = [p for p in parked["parked_paths"] if f"http://{PARKED_HOST}{p}" in shapes]
    assert len(asked) == len(set(asked)) == 3  # each asked once, the allowance used up
    evidence = {line["evidence"]["probe"]["url"] for line in parked["lines"]}
    assert {urlsplit(url).path for url in evidence} <= set(asked)  # every verdict's probe asked
    assert second.stats["removals/probes"] == len(asked) + len(parked["moved"])
    assert second.stats["removals/probes_over_allowance"] == 3  # the three other shapes:
    assert second.stats["removals/probes_reused"] == 3  # told by the answers already got


def test_a_parking_host_is_never_announced_as_a_move(parked) -> None:
    """The move is said and counted once the soft-removal judgement has found the new host
    no parking host: a parking host's articles never raise ``articles/moved_host``, not even
    for a while (every value the stat took is in the trace), and its host is never named in
    a "moved" warning; a real move warns once and counts each article read there."""
    second = parked["second"]
    assert "articles redirect to their own paths on " + PARKED_HOST not in second.log
    assert second.log.count(f"articles redirect to their own paths on {NEW_HOST}") == 1
    assert traced(second.log, MOVED_HOST) == [1, 2]  # the two moved articles, nothing else
    assert second.stats[MOVED_HOST] == len(parked["moved"]) == 2  # the run report's stats


@pytest.mark.parametrize("replay", ["replay", "reversed"])
def test_replay_gives_the_live_runs_verdicts_offline(parked, replay) -> None:
    """Offline, with the state run 2 started from, whatever order the WARC files are given
    in: every verdict the live run gave (the same removals, named by probes the live run
    asked; the never-exported article failed as parked; the same items), the same moves,
    counted and said as live, and no parking host said to be a move. The pages of shapes the
    live run never probed are told by the probes the archive holds for their host, asked
    from it whenever such a page is read: no probe the live run did not ask is asked."""
    second, replayed = parked["second"], parked[replay]
    assert replayed.returncode == 0, replayed.log[-3000:]
    def verdicts(lines: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return sorted((line["url"], line["status"], line["final_url"], line["evidence"]["reason"],
                       line["evidence"]["matched"]) for line in lines)
    lines = parked[f"{replay}_lines"]
    assert verdicts(lines) == verdicts(parked["lines"])
    asked = {f"http://{PARKED_HOST}{p}" for p in parked["parked_paths"]}
    assert {line["evidence"]["probe"]["url"] for line in lines} <= asked
    for key in ("removals/parked", "articles/removed", "articles/failed/parked", MOVED_HOST,
                "incremental/unchanged"):
        assert replayed.stats.get(key) == second.stats.get(key), key
    assert [i["url"] for i in replayed.items] == [i["url"] for i in second.items]
    assert f"Article not fetched (parked): {parked['new'].url}" in replayed.log
    assert traced(replayed.log, MOVED_HOST) == traced(second.log, MOVED_HOST) == [1, 2]
    assert "articles redirect to their own paths on " + PARKED_HOST not in replayed.log
    assert replayed.log.count(f"articles redirect to their own paths on {NEW_HOST}") == 1
    assert replayed.log.count(f"{PARKED_HOST} answers a path that names no page") == 1
    assert "removals/moves_unjudged" not in second.stats | replayed.stats
    assert replayed.stats.get("replay/missing", 0) == 0, replayed.stats.get("replay/missing_urls")
    # the three shapes the live run told by others' probes: told so again, none asked
    assert replayed.stats["removals/probes_not_archived"] == 3
    assert second.stats["removals/probes_over_allowance"] == 3

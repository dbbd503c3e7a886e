"""`scrapy crawlall` and near-duplicates across outlets (БЕЛТА and a district reprint).

Every spider runs against fixture sites: БЕЛТА, a shklovinfo.by reprint (the `regional`
spider, limited with -a sites), and the Зеркало and RuNews24 fixtures.
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler.urls import article_id
from tests.sites import belta, runews24, zerkalo
from tests.sites.scheduled import ChangingBelta, shklov_copy
from tests.support.crawl import ROOT, SCRAPY, TEST_SETTINGS, exported_items, run_crawl
from tests.support.server import FixtureServer
from tests.support.tls import Pki, TlsRedisServer, make_pki

pytestmark = pytest.mark.slow

SPIDERS = ["belta", "regional", "runews24", "site", "zerkalo"]  # site: no rows, no requests
ONLY_SHKLOV = ("-a", "sites=shklovinfo.by")


def crawlall(data_dir: Path, server: FixtureServer, *extra: str, direct: str = "",
             regional: bool = True) -> subprocess.CompletedProcess:
    """``direct``: hosts reached without the fixture server's proxy (one that is down);
    ``regional``: the district spider is among them (it is given ``ONLY_SHKLOV``)."""
    settings = {**TEST_SETTINGS, "DATA_DIR": str(data_dir),
                "OUTLET_BASE_URLS": json.dumps(server.base_urls())}
    cmd = [*SCRAPY, "crawlall", *(ONLY_SHKLOV if regional else ()), *extra]
    for key, value in settings.items():
        cmd += ["-s", f"{key}={value}"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), **server.crawl_env(), "no_proxy": direct,
           "NO_PROXY": direct}
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)


def build_sites() -> tuple[ChangingBelta, Any, Any, list[Any]]:
    """БЕЛТА (four articles), the shklovinfo.by reprint of one, and Зеркало and RuNews24."""
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    agency = ChangingBelta(start=now - timedelta(hours=2), count=4)
    agency.publish()
    district, copy = shklov_copy(agency.golds[1])
    others = [zerkalo.build().site, runews24.build().site]
    return agency, district, copy, others


@pytest.fixture()
def sites() -> tuple[ChangingBelta, Any, Any, list[Any]]:
    return build_sites()


def test_reprint_is_a_near_duplicate_across_runs(sites, tmp_path: Path) -> None:
    agency, district, copy, _ = sites
    with FixtureServer([agency.site, district]) as server:
        first = run_crawl("belta", tmp_path, server)
        second = run_crawl("regional", tmp_path, server, args={"sites": "shklovinfo.by"})
    assert first.returncode == 0 and second.returncode == 0, second.log[-3000:]
    assert all(i["near_duplicates"] == [] for i in first.items)
    [reprint] = second.items
    assert reprint["url"] == copy.url and reprint["title"] == copy.title
    assert reprint["source"] == "shklovinfo.by"
    # Only the copied article, not the other БЕЛТА texts built from the same sentence pool.
    assert reprint["near_duplicates"] == [article_id(agency.golds[1].url)]
    assert second.stats["incremental/near_duplicates"] == 1


def test_crawlall_runs_every_spider_in_order_and_reports(sites, tmp_path: Path) -> None:
    agency, district, copy, others = sites
    with FixtureServer([agency.site, district, *others]) as server:
        proc = crawlall(tmp_path, server)
        assert proc.returncode == 0, proc.stderr[-3000:]
        lines = proc.stdout.strip().splitlines()
        assert [line.split(":")[0] for line in lines] == SPIDERS
        assert lines[0].startswith("belta: ok (finished) ") and "new=4" in lines[0]
        assert lines[1].startswith("regional: ok (finished) ") and "new=1" in lines[1]
        assert all(" ok (finished) " in line for line in lines)
        # Same process, sequential: the reprint sees the agency article of this very run.
        [reprint] = exported_items(tmp_path, "regional")
        assert reprint["near_duplicates"] == [article_id(agency.golds[1].url)]
        assert len(exported_items(tmp_path, "belta")) == 4

        agency.broken = True  # a redesign empties БЕЛТА bodies: crawlall must fail
        agency.publish()
        broken = crawlall(tmp_path, server)
    assert broken.returncode == 1, broken.stderr[-3000:]
    out = broken.stdout.strip().splitlines()
    assert out[0].startswith("belta: UNHEALTHY") and "ALARM extraction health" in out[0]
    assert out[1].startswith("regional: ok")  # the other spiders still ran
    assert "ALARM belta: extraction health" in broken.stderr


@pytest.mark.parametrize("argument, says", [
    ("since=2026-13-01", "-a since='2026-13-01': expected a date as YYYY-MM-DD"),
    ("since=04.09.2025", "-a since='04.09.2025': expected a date as YYYY-MM-DD"),
    ("snice=2026-01-01", "-a snice: no spider takes it"),
], ids=["bad-date", "dotted-date", "typo"])
def test_a_bad_spider_argument_is_a_usage_error_before_any_spider_runs(
        sites, tmp_path: Path, argument: str, says: str) -> None:
    """As for ``scrapy crawl``: exit 2, one message, nothing fetched (each spider once
    CRASHED with a traceback, exit 1)."""
    agency, district, _, _ = sites
    with FixtureServer([agency.site, district]) as server:
        proc = crawlall(tmp_path, server, "-a", argument)
        assert server.hits == []
    assert proc.returncode == 2, proc.stderr[-3000:]
    assert says in proc.stderr and "Traceback" not in proc.stderr
    assert "CRASHED" not in proc.stdout


def test_an_argument_goes_only_to_the_spiders_that_take_it(sites, tmp_path: Path) -> None:
    """``-a outlets=`` is the ``site`` spider's: given to every spider, it replaced the
    others' own ``outlets()`` and each ended at once, "ok (start_error)", exit 0. Its row
    names a site that is down (connection refused)."""
    agency, district, _, others = sites
    rows = tmp_path / "rows.toml"
    rows.write_text('[[site]]\nurl = "http://127.0.0.2:9/"\n', "utf-8")
    with FixtureServer([agency.site, district, *others]) as server:
        proc = crawlall(tmp_path, server, "-a", f"outlets={rows}", direct="127.0.0.2")
    lines = dict(line.split(": ", 1) for line in proc.stdout.strip().splitlines())
    assert list(lines) == SPIDERS, proc.stderr[-3000:]
    assert all(lines[name].startswith("ok (finished) ") for name in SPIDERS if name != "site")
    assert "new=4" in lines["belta"] and "new=1" in lines["regional"]
    assert lines["site"].startswith("UNHEALTHY (finished) ") and "ALARM" in lines["site"]
    assert proc.returncode == 1


def test_a_spider_crashing_as_it_is_built_does_not_stop_the_next_ones(sites,
                                                                      tmp_path: Path) -> None:
    """A bad setting only the ``site`` spider reads (EXTRA_OUTLETS) crashes it while it is
    built, before its crawl has stats: ``zerkalo``, after it, once never ran (NOT RUN)."""
    agency, district, _, others = sites
    with FixtureServer([agency.site, district, *others]) as server:
        proc = crawlall(tmp_path, server, "-s", f"EXTRA_OUTLETS={tmp_path / 'gone.toml'}")
    assert proc.returncode == 1, proc.stderr[-3000:]
    lines = dict(line.split(": ", 1) for line in proc.stdout.strip().splitlines())
    assert list(lines) == SPIDERS
    assert lines["site"].startswith("CRASHED (UsageError(") and "gone.toml" in lines["site"]
    assert all(lines[name].startswith("ok (finished) ") for name in SPIDERS if name != "site")
    assert "Spider site crashed" in proc.stderr
    assert "Crawler.stats is not set" not in proc.stderr


def test_a_crawl_crashing_before_its_spider_opens_leaves_its_outlets_to_the_next(
        sites, tmp_path: Path) -> None:
    """``broken_pipeline`` (БЕЛТА with a pipeline that fails to build) crashes after its run
    lock took ``belta.lock``, and its spider never closes: the lock stayed held by the
    process, and ``broken_start``, the next spider of БЕЛТА in the same crawlall, was refused
    as if another crawl were running. Now it runs."""
    agency, *_ = sites
    with FixtureServer([agency.site]) as server:
        proc = crawlall(tmp_path, server, "-s", "SPIDER_MODULES=tests.support.broken_spiders",
                        regional=False)
    lines = dict(line.split(": ", 1) for line in proc.stdout.strip().splitlines())
    assert lines["broken_pipeline"].startswith("CRASHED (RuntimeError('a bug in a pipeline of "
                                               "broken_pipeline'"), proc.stdout
    assert "run_locked" not in lines["broken_start"], proc.stdout
    assert "new=" in lines["broken_start"] and "new=0" not in lines["broken_start"]
    assert "Another crawl of belta is running" not in proc.stderr
    assert proc.returncode == 1  # a crashed spider and broken_start's own bug


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


def tls_redis_url(redis: TlsRedisServer, pki: Pki) -> str:
    """``rediss://`` with every TLS option in the query: the CA, the client's certificate."""
    return (f"rediss://127.0.0.1:{redis.port}/0?ssl_ca_certs={pki.ca}"
            f"&ssl_certfile={pki.crt('client')}&ssl_keyfile={pki.key('client')}")


def test_crawlall_runs_every_spider_over_tls_redis(sites, pki: Pki, tmp_path: Path) -> None:
    """``crawlall`` with ``REDIS_URL=rediss://…?ssl_ca_certs=…&ssl_certfile=…``: each spider
    runs its own distributed run on a Redis that demands a client certificate, and the
    shared state carries the agency's articles to the reprint of the same process."""
    agency, district, copy, others = sites
    (tmp_path / "redis").mkdir()
    redis = TlsRedisServer(tmp_path / "redis", pki, client_certs=True)
    settings = ("-s", f"REDIS_URL={tls_redis_url(redis, pki)}", "-s",
                "REDIS_IDLE_CLOSE_SECONDS=1", "-s", "REDIS_HEARTBEAT_SECONDS=0.5")
    try:
        with FixtureServer([agency.site, district, *others]) as server:
            proc = crawlall(tmp_path / "data", server, *settings)
        runs = {name: redis.client.get(f"{name}:run") for name in SPIDERS}
        known = redis.client.hkeys("news-archive:state:articles")
    finally:
        redis.stop()
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = dict(line.split(": ", 1) for line in proc.stdout.strip().splitlines())
    assert list(lines) == SPIDERS
    assert all(line.startswith("ok (finished) ") for line in lines.values()), lines
    assert "new=4" in lines["belta"] and "new=1" in lines["regional"]
    [reprint] = exported_items(tmp_path / "data", "regional")
    assert reprint["url"] == copy.url
    assert reprint["near_duplicates"] == [article_id(agency.golds[1].url)]
    assert len(exported_items(tmp_path / "data", "belta")) == 4
    assert runs == {name: b"1" for name in SPIDERS}, runs  # each spider ran distributed
    assert len(known) == 5 + len(exported_items(tmp_path / "data", "runews24")) \
        + len(exported_items(tmp_path / "data", "zerkalo"))  # the state went to the TLS Redis
    assert "Traceback" not in proc.stderr


BAD_TLS = {  # case: (query after the port, what the one error says)
    "mistyped option": ("ssl_ca_cert={ca}", "has the unknown option ssl_ca_cert"),
    "missing CA file": ("ssl_ca_certs={tmp}/gone.crt", "gone.crt does not exist"),
    "other CA": ("ssl_ca_certs={other}", "presented a TLS certificate this worker does not "
                 "trust (certificate verify failed: "),
}


@pytest.mark.parametrize("case", BAD_TLS)
def test_a_bad_tls_option_stops_crawlall_once_before_any_spider(sites, pki: Pki,
                                                                tmp_path: Path,
                                                                case: str) -> None:
    """One error for the whole command, naming the option, not one per outlet; nothing is
    fetched and no spider runs or reports."""
    agency, district, _, others = sites
    (tmp_path / "redis").mkdir()
    redis = TlsRedisServer(tmp_path / "redis", pki)
    query, says = BAD_TLS[case]
    query = query.format(ca=pki.ca, tmp=tmp_path, other=pki.crt("other-ca"))
    url = f"rediss://127.0.0.1:{redis.port}/0?{query}"
    try:
        with FixtureServer([agency.site, district, *others]) as server:
            proc = crawlall(tmp_path / "data", server, "-s", f"REDIS_URL={url}")
            assert server.hits == []
    finally:
        redis.stop()
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert proc.stderr.count("ERROR") == 1 and proc.stderr.count(says) == 1, proc.stderr[-3000:]
    assert f"REDIS_URL={url}" in proc.stderr
    assert proc.stdout.strip() == "" and "Traceback" not in proc.stderr
    assert not (tmp_path / "data" / "reports").exists()

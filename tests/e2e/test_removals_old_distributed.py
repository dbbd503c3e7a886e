"""Old articles are re-checked for removals in a distributed crawl too: real ``scrapy crawl
belta`` workers sharing one real redis-server, on the fixture site of test_removals_old.

Run 1 (one worker) exports four articles published 100 days ago. The Redis state is then
aged as months of runs would leave it (first captured 100 days ago, last captured 60, 50, 40
and 10 days ago) and the
50-day one now answers 410. Run 2 has two workers started together, ``REFETCH_OLD_MAX=2``:
the run re-checks the two longest unchecked (60, 50 days) once between them, and the 410
is a removal observation. The Redis state kept no check times, so a distributed run said
``Old articles are not re-checked`` and never noticed an old article vanish.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler.items import capture_stamp
from crawler.state.redis import RedisStateStore
from tests.e2e.test_distributed import HOLD, worker_settings, workers_of_one_run
from tests.e2e.test_removals import removal_lines
from tests.e2e.test_removals_old import CAPTURED_DAYS_AGO, SLOW
from tests.sites import belta
from tests.sites.scheduled import ChangingBelta
from tests.support.crawl import run_crawl
from tests.support.redis import RedisServer, redis_server  # noqa: F401 (fixture)
from tests.support.server import FixtureServer, Page

pytestmark = pytest.mark.slow

PREFIX = "news-archive:state"  # STATE_REDIS_PREFIX's default: <BOT_NAME>:state


def age_redis_state(store: RedisStateStore, urls: list[str]) -> list[str]:
    """As test_removals_old.age_state, through the store (which keeps the due order); the
    capture times written."""
    now = datetime.now(UTC)
    old = capture_stamp(now - timedelta(days=100))
    stamps = [capture_stamp(now - timedelta(days=days)) for days in CAPTURED_DAYS_AGO]
    for url, stamp in zip(urls, stamps, strict=True):
        found = store.get(url)
        assert found is not None, url
        store.put(replace(found, first_captured=old, captured=stamp))
    return stamps


def report_stats(data_dir: Path) -> dict[str, Any]:
    reports = sorted((data_dir / "reports").glob("*.json"))
    assert reports, f"no run report in {data_dir}"
    return json.loads(reports[-1].read_text("utf-8"))["stats"]


def test_two_workers_recheck_the_runs_old_articles_once_and_observe_a_removal(
        redis_server: RedisServer, tmp_path: Path) -> None:  # noqa: F811
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    site = ChangingBelta(start=now - timedelta(days=100), count=4)
    site.publish()
    golds = list(site.golds)
    settings = {**worker_settings(redis_server, tmp_path / "warc"), "REDIS_IDLE_CLOSE_SECONDS": 1}
    with FixtureServer([site.site]) as server:
        first = run_crawl("belta", tmp_path / "w0", server, settings=settings)
        assert first.returncode == 0 and len(first.items) == 4, first.log[-3000:]
        stamps = age_redis_state(RedisStateStore(redis_server.client, PREFIX),
                                 [g.url for g in golds])
        site.site.add(site.path(golds[1]), Page(b"<html><body>Gone</body></html>", status=410))
        asked = len(server.requested_paths(belta.HOST))
        # the re-checks wait until both workers joined run 2: one slow to start on a loaded
        # machine found it finished (a feed and two pages) and began run 3
        gate = site.hold()
        try:
            workers = workers_of_one_run(tmp_path, server, {
                **settings, **SLOW, **HOLD, "REDIS_IDLE_CLOSE_SECONDS": 3}, gate)
        finally:
            gate.set()
        codes = [w.wait() for w in workers]
        mine = {site.path(g) for g in golds}
        fetched = Counter(p for p in server.requested_paths(belta.HOST)[asked:] if p in mine)
    logs = [w.log for w in workers]
    assert codes == [0, 0], [log[-3000:] for log in logs]
    stats = [report_stats(tmp_path / f"w{n}") for n in (1, 2)]
    assert {s["distributed/run"] for s in stats} == {2}  # one run, both workers
    assert fetched == Counter({site.path(golds[0]): 1, site.path(golds[1]): 1}), fetched
    lines = [line for n in (1, 2) for lines in removal_lines(tmp_path / f"w{n}").values()
             for line in lines]
    assert [(line["url"], line["status"]) for line in lines] == [(golds[1].url, 410)]
    assert sum(s.get("incremental/recheck_old", 0) for s in stats) == 2
    assert sum(s.get("incremental/recheck_old_done", 0) for s in stats) == 2
    assert sum(s.get("articles/removed", 0) for s in stats) == 1
    assert not any("Old articles are not re-checked" in log for log in logs)
    # The two workers claim at once: one may ask for both, or each for one.
    said = [(int(m[1]), m[2]) for log in logs for m in re.finditer(
        r"Re-checking (\d+) old article\(s\) for removals .*, last checked (\S+) first", log)]
    assert sum(n for n, _ in said) == 2 and len(said) <= 2, said
    assert {stamp for _, stamp in said} <= {stamps[0], stamps[1]}, said
    assert stamps[0] in {stamp for _, stamp in said}, said
    store = RedisStateStore(redis_server.client, PREFIX)
    assert store.removal(golds[1].url) is not None
    checked = {r.url for r, _ in store.due_checks(capture_stamp(datetime.now(UTC)
                                                                - timedelta(days=30)))}
    assert checked == {golds[2].url}  # the two checked wait 30 days, the 10-day one is young

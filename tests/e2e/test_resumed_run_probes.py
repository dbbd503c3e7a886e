"""A JOBDIR crawl stopped by SIGTERM and resumed is one run, in its WARC files and in a replay.

Real ``scrapy crawl belta`` processes: run 1 exports two articles and finishes. The site then
answers one of them with its "page not found" template (status 200) and the others slowly.
Run 2 probes the template, judges it a soft 404 and is stopped by SIGTERM
with requests left (the other articles are held until then; as systemd stops a crawl); started again with the same JOBDIR it resumes
and fetches the rest. Both sessions' files name one run id, not run 1's; a replay of the whole
folder, with the state run 2 started from, gives the live verdicts: it takes the probes of
the run the resumed session belongs to, the session that asked them included.
"""

from __future__ import annotations

import shutil
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.model import RUN_FIELD
from archive.reader import expand_paths
from tests.e2e.test_removals import new_lines, removal_lines
from tests.e2e.test_removals_soft import NO_NETWORK, not_found_template, soft_site
from tests.sites import belta
from tests.sites.scheduled import ChangingBelta
from tests.support.crawl import run_crawl, start_crawl
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow

KNOWN = 10  # articles of run 1, two a day: all refetched by run 2
SLOW = 2.0  # seconds the server takes for each article page of run 2 (the template is fast)


def warc_runs(folder: Path) -> dict[Path, str]:
    """Each WARC file's run id, read back with warcio from its warcinfo."""
    runs = {}
    for path in expand_paths(folder):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "warcinfo":
                    fields = dict(line.split(": ", 1) for line in record.content_stream()
                                  .read().decode().splitlines() if ": " in line)
                    runs[path] = fields[RUN_FIELD]
                    break
    return runs


def wait_for_removal(data_dir: Path, url: str, proc: Any, before: dict) -> None:
    """Until the running crawl recorded ``url`` removed."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"crawl ended before the stop: {proc.stderr.read()[-3000:]}")
        if any(line["url"] == url
               for line in new_lines(before, removal_lines(data_dir, whole=True))):
            return
        time.sleep(0.05)
    raise AssertionError("the template was never judged")


@pytest.fixture(scope="module")
def resumed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data_dir = tmp_path_factory.mktemp("resumed")
    first_state = tmp_path_factory.mktemp("state-after-run-1")
    jobdir = {"JOBDIR": str(data_dir / "job"), "CONCURRENT_REQUESTS": 2,
              "CONCURRENT_REQUESTS_PER_DOMAIN": 2, "REFETCH_MAX_AGE_DAYS": 7}
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    site = ChangingBelta(start=now - timedelta(hours=2), count=KNOWN)
    site.publish()
    template = site.golds[-1]  # the oldest: fetched first, the slow others left
    out: dict[str, Any] = {"data_dir": data_dir, "template": template}
    with FixtureServer([site.site]) as server:
        out["first"] = run_crawl("belta", data_dir, server, settings=jobdir)
        out["files_1"] = set(warc_runs(data_dir / "warc"))
        shutil.copytree(data_dir / "state", first_state / "state")
        before = removal_lines(data_dir)
        site.delay = SLOW
        site.publish()  # every article slow
        soft_site(site)
        site.site.add(site.path(template), not_found_template(site.path(template)))
        # the other articles wait until the stop: it lands mid-run whatever the machine's load
        gate = site.hold(unheld=(template,))
        proc = start_crawl("belta", data_dir, server, settings=jobdir)
        wait_for_removal(data_dir, template.url, proc, before)
        proc.send_signal(signal.SIGTERM)
        gate.set()
        _, out["stopped_log"] = proc.communicate(timeout=120)
        out["stopped_code"] = proc.returncode
        out["files_2a"] = set(warc_runs(data_dir / "warc")) - out["files_1"]
        out["resumed"] = run_crawl("belta", data_dir, server, settings=jobdir)
        out["lines"] = new_lines(before, removal_lines(data_dir))
    out["runs"] = warc_runs(data_dir / "warc")
    replay_dir = tmp_path_factory.mktemp("replay")
    shutil.copytree(first_state / "state", replay_dir / "state")
    out["replay"] = run_crawl("belta", replay_dir, None, env=NO_NETWORK, settings={
        "WARC_REPLAY": str(data_dir / "warc"),  # with the state the live run 2 started from
        "STATE_PATH": str(replay_dir / "state" / "state.sqlite3"), "REFETCH_MAX_AGE_DAYS": 7,
        "OUTLET_BASE_URLS": {belta.HOST: f"http://{belta.HOST}"}})
    out["replay_lines"] = new_lines({}, removal_lines(replay_dir))
    return out


def test_the_stop_lands_mid_run_and_the_next_session_resumes_it(resumed) -> None:
    assert resumed["first"].returncode == 0 and len(resumed["first"].items) == KNOWN
    assert resumed["stopped_code"] == 3, resumed["stopped_log"][-3000:]  # interrupted
    assert "Kept " in resumed["stopped_log"] and "for the next run" in resumed["stopped_log"]
    second = resumed["resumed"]
    assert second.returncode == 0, second.log[-3000:]  # the stopped session's feed counted
    assert "Spider closed (finished)" in second.log, second.log[-3000:]
    assert "Resuming crawl from" in second.log
    assert second.stats.get("removals/probes", 0) == 0  # the first session asked it


def test_both_sessions_name_one_run_and_run_1_another(resumed) -> None:
    runs, files_1, files_2a = resumed["runs"], resumed["files_1"], resumed["files_2a"]
    files_2b = set(runs) - files_1 - files_2a
    assert files_1 and files_2a and files_2b
    assert len({runs[p] for p in files_1}) == 1
    assert len({runs[p] for p in files_2a | files_2b}) == 1
    assert {runs[p] for p in files_2a}.isdisjoint(runs[p] for p in files_1)


def test_a_replay_of_the_resumed_run_gives_the_live_verdicts(resumed) -> None:
    replay = resumed["replay"]
    assert replay.returncode == 0, replay.log[-3000:]

    def verdicts(lines: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return sorted((line["url"], line["evidence"]["reason"], line["evidence"]["matched"],
                       (line["evidence"]["probe"] or {}).get("url")) for line in lines)
    live = verdicts(resumed["lines"])
    assert [v[:3] for v in live] == [(resumed["template"].url, "soft-404", "probe")]
    assert verdicts(resumed["replay_lines"]) == live
    assert replay.stats.get("replay/missing", 0) == 0
    assert replay.items == resumed["resumed"].items == []  # nothing else changed

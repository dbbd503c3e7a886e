"""A disk that fills up under a running crawl (a real small tmpfs under one folder of
DATA_DIR; needs root, else skipped). Whatever file it hits, the run ends with exit 1 and an
ERROR naming the file and "No space left", nothing is recorded as known in the state store
that is not safely in the WARC files and the items files, and the next run (space freed)
fetches what was lost, so that over both runs every article is an item exactly once and
every WARC file verifies."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.sites import belta
from tests.sites.scheduled import ChangingBelta
from tests.support.crawl import ROOT, SCRAPY, crawl_command
from tests.support.disk import fill, resize, tmpfs
from tests.support.fill_at_idle import extensions
from tests.support.server import FixtureServer, Page

pytestmark = pytest.mark.slow

COUNT = 24


def old_site() -> ChangingBelta:
    """Articles past REFETCH_MAX_AGE_DAYS: one recorded as known is never fetched again."""
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    site = ChangingBelta(start=now - timedelta(days=10), count=COUNT)
    site.publish()
    return site


def crawl(data_dir: Path, server: FixtureServer,
          settings: dict | None = None) -> subprocess.CompletedProcess:
    """``scrapy crawl belta`` writing only DATA_DIR (its items go to DATA_DIR/items)."""
    cmd, env, _ = crawl_command("belta", data_dir, server, settings=settings)
    at = cmd.index("-O")
    del cmd[at:at + 2]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def known(data_dir: Path) -> set[str]:
    db = sqlite3.connect(data_dir / "state" / "state.sqlite3")
    try:
        return {row[0] for row in db.execute("SELECT url FROM articles")}
    finally:
        db.close()


def items(data_dir: Path) -> list[dict]:
    """Every item line of DATA_DIR/items; a line that is no JSON fails the test."""
    found = []
    for path in sorted((data_dir / "items").glob("belta-*.jsonl")):
        data = path.read_bytes()
        assert not data or data.endswith(b"\n"), f"{path} ends mid-line: {data[-80:]!r}"
        found += [json.loads(line) for line in data.splitlines()]
    return found


def archived(data_dir: Path) -> dict[str, set[int]]:
    """WARC file name -> offsets of its response and revisit records (warcio)."""
    offsets: dict[str, set[int]] = {}
    for path in sorted((data_dir / "warc").glob("*.warc.gz")):
        with path.open("rb") as fh:
            it = ArchiveIterator(fh)
            offsets[path.name] = {it.get_record_offset() for record in it
                                  if record.rec_type in ("response", "revisit")}
    return offsets


def verify(data_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "archive", "verify", str(data_dir / "warc")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)


def assert_nothing_known_unsaved(data_dir: Path) -> list[dict]:
    """Every article the state store knows is an item whose WARC record is on disk."""
    exported = items(data_dir)
    records = archived(data_dir)
    by_url = {item["url"]: item for item in exported}
    for url in known(data_dir):
        assert url in by_url, f"{url} is known but no item of it was written"
        ref = by_url[url]["warc"]
        assert ref is not None, f"{url} is known but its page was not archived"
        assert ref["offset"] in records.get(ref["file"], set()), f"{url}: {ref} not in a WARC"
    return exported


def assert_one_clear_error(log: str, folder: Path) -> None:
    errors = [line for line in log.splitlines() if " ERROR: " in line and "ALARM" not in line]
    assert errors, log[-3000:]
    assert str(folder) in errors[0] and "No space left on device" in errors[0], errors[0]
    assert "Traceback" not in log, log[-3000:]


def assert_closing_names_the_index(log: str, folder: Path) -> None:
    """The digest rows waiting at close meet the full disk: one WARNING naming the index
    file (the crawl's error was said already), saying the records are intact."""
    closing = [line for line in log.splitlines() if "Closing the WARC files failed" in line]
    assert len(closing) == 1, log[-3000:]
    assert "WARNING" in closing[0] and str(folder / "digests.sqlite3") in closing[0], closing
    assert "the records written are intact" in closing[0], closing


def assert_next_run_completes(data_dir: Path, server: FixtureServer, site: ChangingBelta,
                              settings: dict | None = None) -> None:
    again = crawl(data_dir, server, settings)
    assert again.returncode == 0, again.stderr[-3000:]
    urls = Counter(item["url"] for item in assert_nothing_known_unsaved(data_dir))
    assert sorted(urls) == sorted(g.url for g in site.golds)
    assert [u for u, n in urls.items() if n > 1] == [], "an article exported twice"
    checked = verify(data_dir)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert not list((data_dir / "warc").glob("*.open"))


@pytest.mark.parametrize("jobdir", [False, True], ids=["fresh", "resumed"])
def test_a_full_warc_disk_records_no_article_it_did_not_archive(jobdir: bool,
                                                                tmp_path: Path) -> None:
    """WARC writes failed; pages fetched after that (the requests in flight) were still
    extracted, exported with ``"warc": null`` and recorded as known, so no later run would
    archive them, and the run exited 0. With a JOBDIR, the pages dropped unarchived were
    then taken as done: the resumed run never asked for them again."""
    site = old_site()
    data_dir = tmp_path / "data"
    settings = {"JOBDIR": str(tmp_path / "job")} if jobdir else None
    with tmpfs(data_dir / "warc", "64k") as warcs, FixtureServer([site.site]) as server:
        failed = crawl(data_dir, server, settings)
        assert failed.returncode == 1, failed.stderr[-3000:]
        assert_one_clear_error(failed.stderr, warcs)
        assert "not archived" in failed.stderr
        assert_closing_names_the_index(failed.stderr, warcs)
        exported = assert_nothing_known_unsaved(data_dir)
        assert 0 < len(exported) < COUNT, "the disk must fill mid-crawl"
        resize(warcs, "8m")
        assert_next_run_completes(data_dir, server, site, settings)


def test_a_full_items_disk_leaves_whole_lines_and_the_next_run_exports_the_rest(
        tmp_path: Path) -> None:
    """The items file filled up mid-line. The half line was cut back, but the file's
    position stayed past it, so the next item's failed write "cut back" to that position
    and grew the file to it again: the file ended in a torn line."""
    site = old_site()
    data_dir = tmp_path / "data"
    with tmpfs(data_dir / "items", "100k") as folder, FixtureServer([site.site]) as server:
        (folder / "filler").write_bytes(b"\0" * 60_000)
        failed = crawl(data_dir, server)
        assert failed.returncode == 1, failed.stderr[-3000:]
        assert_one_clear_error(failed.stderr, folder)
        exported = assert_nothing_known_unsaved(data_dir)
        assert 0 < len(exported) < COUNT, "the disk must fill mid-crawl"
        resize(folder, "8m")
        assert_next_run_completes(data_dir, server, site)


def test_a_full_jobdir_disk_stops_the_crawl_and_the_next_run_resumes(tmp_path: Path) -> None:
    """The JOBDIR frontier (SQLite) could not commit a lease: the engine asked again and
    again, each time a traceback, and the crawl never ended."""
    site = old_site()
    data_dir = tmp_path / "data"
    with tmpfs(tmp_path / "job", "100k") as job, FixtureServer([site.site]) as server:
        settings = {"JOBDIR": str(job)}
        failed = crawl(data_dir, server, settings)
        assert failed.returncode == 1, failed.stderr[-3000:]
        assert_one_clear_error(failed.stderr, job / "belta" / "frontier.sqlite3")
        assert failed.stderr.count("cannot be written") == 1, failed.stderr[-3000:]
        exported = assert_nothing_known_unsaved(data_dir)
        assert len(exported) < COUNT, "the disk must fill mid-crawl"
        resize(job, "8m")
        assert_next_run_completes(data_dir, server, site, settings)


def test_a_jobdir_disk_full_at_start_refuses_the_run_and_keeps_the_frontier(
        tmp_path: Path) -> None:
    """A frontier SQLite cannot open on a full disk ("disk I/O error") was called damaged,
    with advice to delete the JOBDIR."""
    site = old_site()
    data_dir = tmp_path / "data"
    with tmpfs(tmp_path / "job", "100k") as job, FixtureServer([site.site]) as server:
        (job / "filler").write_bytes(b"\0" * 90_000)
        settings = {"JOBDIR": str(job)}
        refused = crawl(data_dir, server, settings)
        assert refused.returncode == 1, refused.stderr[-3000:]
        assert_one_clear_error(refused.stderr, job / "belta" / "frontier.sqlite3")
        assert "Free space on its disk" in refused.stderr and "Delete" not in refused.stderr
        assert server.hits == [] and items(data_dir) == []
        resize(job, "8m")
        assert_next_run_completes(data_dir, server, site, settings)


def test_a_full_state_disk_is_one_error_and_the_next_run_records_the_articles(
        tmp_path: Path) -> None:
    """The state store's disk filled up: every exported article after that was its own
    ERROR ("database or disk is full", 20-odd of them, and an alarm for the error count),
    none saying the disk had no space. The items are out (an item is never withheld for a
    record); the next run records them from the run's feed file instead of exporting them
    again (crawler.state.feed_tails)."""
    site = old_site()
    data_dir = tmp_path / "data"
    with tmpfs(data_dir / "state", "100k") as state, FixtureServer([site.site]) as server:
        failed = crawl(data_dir, server)
        assert failed.returncode == 1, failed.stderr[-3000:]
        assert_one_clear_error(failed.stderr, state / "state.sqlite3")
        errors = [line for line in failed.stderr.splitlines()
                  if " ERROR: " in line and "ALARM" not in line]
        assert len(errors) == 1, "\n".join(errors)
        assert "not recorded in the state store" in errors[0]
        assert " errors, above " not in failed.stderr
        first = assert_nothing_known_unsaved(data_dir)
        assert len(known(data_dir)) < len(first) == COUNT, "the disk must fill mid-crawl"
        resize(state, "8m")
        again = crawl(data_dir, server)
        assert again.returncode == 0, again.stderr[-3000:]
        exported = assert_nothing_known_unsaved(data_dir)
        assert known(data_dir) == {g.url for g in site.golds} == {i["url"] for i in exported}
        assert max(Counter(i["url"] for i in exported).values()) == 1
        assert "a run exported but had not recorded" in again.stderr


def test_removals_the_full_state_disk_cannot_record_make_the_run_unhealthy(
        tmp_path: Path) -> None:
    """Known articles answering 410 while the state store's disk is full: the observations
    were written, their record failed, and that surfaced as "Article not fetched
    (operational_error)" WARNINGs in a run that exited 0."""
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    site = ChangingBelta(start=now - timedelta(hours=2), count=4)  # young: fetched again
    site.publish()
    data_dir = tmp_path / "data"
    with tmpfs(data_dir / "state", "300k") as state, FixtureServer([site.site]) as server:
        assert crawl(data_dir, server).returncode == 0
        for gold in site.golds[:2]:
            site.site.add(site.path(gold), Page(b"<html><body>gone</body></html>", status=410))
        filler = fill(state, leave=9 * 4096)  # the WAL index and header fit, no page more
        failed = crawl(data_dir, server)
        assert failed.returncode == 1, failed.stderr[-3000:]
        assert_one_clear_error(failed.stderr, state / "state.sqlite3")
        assert "Article not fetched" not in failed.stderr
        assert "removal observation(s) not recorded in the state store" in failed.stderr
        filler.unlink()
        again = crawl(data_dir, server)
        assert again.returncode == 0, again.stderr[-3000:]
        db = sqlite3.connect(state / "state.sqlite3")
        removed = {row[0] for row in db.execute("SELECT url FROM removals")}
        db.close()
    assert removed == {g.url for g in site.golds[:2]}
    lines = [json.loads(line) for path in sorted((data_dir / "removals").glob("*.jsonl"))
             for line in path.read_text("utf-8").splitlines()]
    assert sorted(line["url"] for line in lines) == sorted(2 * sorted(removed))  # seen again


def test_a_removals_disk_filling_mid_run_is_one_error_and_the_next_run_writes_the_rest(
        tmp_path: Path) -> None:
    """Observations that no longer fit were an ERROR each (eleven for one full disk). The
    lines written are whole and recorded; the others are observed and written by the next
    run."""
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    site = ChangingBelta(start=now - timedelta(hours=2), count=24)
    site.publish()
    data_dir = tmp_path / "data"
    young = {"REFETCH_MAX_AGE_DAYS": 30}  # every article is fetched again
    with tmpfs(data_dir / "removals", "64k") as folder, FixtureServer([site.site]) as server:
        assert crawl(data_dir, server, young).returncode == 0
        gone = {g.url for g in site.golds[:20]}
        for gold in site.golds[:20]:
            site.site.add(site.path(gold), Page(b"<html><body>gone</body></html>", status=410))
        filler = fill(folder, leave=4096)  # the check before the run fits, 20 lines do not
        failed = crawl(data_dir, server, young)
        assert failed.returncode == 1, failed.stderr[-3000:]
        assert_one_clear_error(failed.stderr, folder)
        errors = [line for line in failed.stderr.splitlines()
                  if " ERROR: " in line and "ALARM" not in line]
        assert len(errors) == 1, "\n".join(errors)
        filler.unlink()
        again = crawl(data_dir, server, young)
        assert again.returncode == 0, again.stderr[-3000:]
        files = sorted(folder.glob("belta-*.jsonl"))
        lines = [json.loads(line) for path in files for line in path.read_bytes().splitlines()]
        db = sqlite3.connect(data_dir / "state" / "state.sqlite3")
        recorded = {row[0] for row in db.execute("SELECT url FROM removals")}
        db.close()
    assert recorded == gone
    assert sorted(line["url"] for line in lines) == sorted(gone)  # each once: whole lines


def test_a_jobdir_disk_full_when_the_spider_closes_is_an_alarm(tmp_path: Path) -> None:
    """Every frontier write of the run succeeded; the last ones, when the spider closed (the
    finished crawl emptying its frontier), met a full disk. That was one ERROR in a run
    reported healthy, exit 0, though the frontier the next run resumes was not what this
    run left."""
    site = old_site()
    data_dir = tmp_path / "data"
    with tmpfs(tmp_path / "job", "1m") as job, FixtureServer([site.site]) as server:
        frontier = job / "belta" / "frontier.sqlite3"
        settings = {"JOBDIR": str(job), "FILL_AT_IDLE": str(job), "EXTENSIONS": extensions()}
        failed = crawl(data_dir, server, settings)
        assert failed.returncode == 1, failed.stderr[-3000:]
        assert_one_clear_error(failed.stderr, frontier)
        assert "stopping the crawl" not in failed.stderr  # it failed at close, not before
        alarms = [line for line in failed.stderr.splitlines() if "ALARM" in line]
        assert len(alarms) == 1 and str(frontier) in alarms[0], alarms
        [report] = [json.loads(p.read_text("utf-8"))
                    for p in (data_dir / "reports").glob("belta-*.json")]
        assert report["healthy"] is False and report["alarms"], report["alarms"]
        assert report["summary"]["frontier_write_errors"] == 1
        assert len(items(data_dir)) == COUNT
        (job / "filler").unlink()
        assert_next_run_completes(data_dir, server, site, {"JOBDIR": str(job)})


def test_a_reports_disk_full_when_the_spider_closes_leaves_no_running_report(
        tmp_path: Path) -> None:
    """The run report is written "running" at the start and final at the close; the final
    write met a full disk, and the "running" one stayed: a scheduler read a finished run as
    still running. Now a short final report (verdict and summary, no stats) takes its
    place, unhealthy, and the run exits 1."""
    site = old_site()
    data_dir = tmp_path / "data"
    with tmpfs(data_dir / "reports", "256k") as reports, FixtureServer([site.site]) as server:
        settings = {"FILL_AT_IDLE": str(reports), "EXTENSIONS": extensions()}
        failed = crawl(data_dir, server, settings)
        assert failed.returncode == 1, failed.stderr[-3000:]
        [path] = reports.glob("belta-*.json")
        assert_one_clear_error(failed.stderr, path)
        report = json.loads(path.read_text("utf-8"))
        assert report["status"] == "finished" and report["finish_reason"] == "finished"
        assert report["healthy"] is False
        assert [a for a in report["alarms"] if f"run report not written to {path}" in a]
        assert report["summary"]["articles_new"] == COUNT
        assert not list(reports.glob(".*.tmp"))


@pytest.mark.parametrize("flag", ["-o", "-O"])
def test_reextract_onto_a_full_disk_leaves_its_earlier_output_whole(flag: str,
                                                                      tmp_path: Path) -> None:
    """``scrapy reextract`` wrote through a buffer: a full disk tore a line at a buffer's
    end, which the next ``-o`` run glued its first item onto (a line no reader parses, for
    good), ``-O`` had emptied the earlier output first, and the error named no file."""
    from tests.crawler.test_reextract import belta_warc

    warc, golds = belta_warc(tmp_path / "warc", count=12)
    with tmpfs(tmp_path / "out", "128k") as out:
        items = out / "items.jsonl"
        first = subprocess.run([*SCRAPY, "reextract", str(warc), flag, str(items), "--jobs", "1"],
                               cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert first.returncode == 0, first.stderr[-2000:]
        held = items.read_bytes()
        assert len(held.splitlines()) == len(golds)
        filler = fill(out, leave=4096 * 4)  # room for a few items, not for twelve
        failed = subprocess.run([*SCRAPY, "reextract", str(warc), flag, str(items),
                                 "--jobs", "1"],
                                cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert failed.returncode == 1, failed.stderr[-2000:]
        assert "No space left on device" in failed.stderr and str(items) in failed.stderr
        after = items.read_bytes()
        if flag == "-O":
            assert after == held and sorted(p.name for p in out.iterdir()) == [
                "filler", "items.jsonl"]
        else:
            assert after.startswith(held) and after.endswith(b"\n") and len(after) > len(held)
        filler.unlink()
        again = subprocess.run([*SCRAPY, "reextract", str(warc), flag, str(items), "--jobs", "1"],
                               cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, again.stderr[-2000:]
        lines = [json.loads(line) for line in items.read_text("utf-8").splitlines()]
    assert {line["url"] for line in lines} == {g.url for g in golds}


def report_of(data_dir: Path) -> dict:
    [path] = (data_dir / "reports").glob("belta-*.json")
    return json.loads(path.read_text("utf-8"))


@pytest.mark.parametrize("leave", [0, 4096])
def test_a_log_file_on_a_full_disk_is_an_alarm(tmp_path: Path, leave: int) -> None:
    """``LOG_FILE`` on a disk full from the start, or filling up after its first page: the
    run ended healthy, exit 0, its log stopping mid-line, or (full from the start) failed at
    its close with an uncaught traceback; stderr got a "--- Logging error ---" dump per
    message. Now the run is whole, its report says the log was lost, and it exits 1."""
    site = old_site()
    data_dir = tmp_path / "data"
    with tmpfs(tmp_path / "logs", "1m") as logs, FixtureServer([site.site]) as server:
        fill(logs, leave=leave)
        log = logs / "crawl.log"
        run = crawl(data_dir, server, settings={"LOG_FILE": str(log)})
    assert run.returncode == 1, run.stderr[-3000:]
    assert "Logging error" not in run.stderr and "Traceback" not in run.stderr, run.stderr
    report = report_of(data_dir)
    assert report["status"] == "finished" and not report["healthy"]
    [alarm] = [a for a in report["alarms"] if a.startswith("the log could not be written")]
    assert f"({log}: No space left on device)" in alarm
    assert report["stats"]["log/write_failed"] >= 1
    assert len(items(data_dir)) == COUNT  # the crawl itself went on


def test_a_log_on_a_full_stderr_is_an_alarm(tmp_path: Path) -> None:
    """The log on stderr, redirected to a full disk (a cron job's ``2>> crawl.log``): no log
    at all, and a healthy run, exit 0."""
    site = old_site()
    data_dir = tmp_path / "data"
    with FixtureServer([site.site]) as server:
        cmd, env, _ = crawl_command("belta", data_dir, server)
        del cmd[cmd.index("-O"):cmd.index("-O") + 2]
        with open("/dev/full", "w") as full:
            run = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                 stderr=full, timeout=120)
    assert run.returncode == 1
    [alarm] = [a for a in report_of(data_dir)["alarms"]
               if a.startswith("the log could not be written")]
    assert "No space left on device" in alarm
    assert len(items(data_dir)) == COUNT


def test_reextract_with_a_full_tmpdir_names_the_lookup_index_not_the_output(
        tmp_path: Path) -> None:
    """The replay lookup's index under a full TMPDIR: the error read ``[Errno None] None:
    'items.jsonl'`` (the output, on a disk with room), the lookup's own message lost."""
    from tests.crawler.test_reextract import belta_warc

    warc, golds = belta_warc(tmp_path / "warc", count=6)
    items = tmp_path / "items.jsonl"
    items.write_bytes(b'{"earlier": 1}\n')
    with tmpfs(tmp_path / "tmp", "256k") as tmp:
        filler = fill(tmp, leave=8192)  # room for SQLite to start its index, not finish it
        env = {**os.environ, "TMPDIR": str(tmp)}
        failed = subprocess.run([*SCRAPY, "reextract", str(warc), "-O", str(items),
                                 "--jobs", "1"],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert failed.returncode == 1, failed.stderr[-2000:]
        assert "Traceback" not in failed.stderr
        assert f"cannot write the replay lookup's index {tmp}/archive-lookup-" in failed.stderr
        assert "TMPDIR" in failed.stderr and "None" not in failed.stderr, failed.stderr[-2000:]
        assert items.read_bytes() == b'{"earlier": 1}\n'
        filler.unlink()
        again = subprocess.run([*SCRAPY, "reextract", str(warc), "-O", str(items),
                                "--jobs", "1"],
                               cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    assert {json.loads(line)["url"] for line in items.read_text("utf-8").splitlines()} == {
        g.url for g in golds}


def test_reextract_with_site_rows_and_a_full_tmpdir_names_the_rows_file_and_leaves_none(
        tmp_path: Path) -> None:
    """The site rows handed to the extraction workers go to a file under TMPDIR: with room
    for the first 4 KiB of it only, the error named no file, and a cut ``site-outlets-*.tmp``
    and an empty ``site-outlets-*.json`` stayed in TMPDIR for good."""
    from tests.crawler.test_reextract import belta_warc

    warc, golds = belta_warc(tmp_path / "warc", count=4)
    rows = json.dumps([{"url": f"https://site{n}.example.org/", "key": f"site{n}"}
                       for n in range(200)])  # some 10 KiB of JSON
    items = tmp_path / "items.jsonl"
    items.write_bytes(b'{"earlier": 1}\n')
    command = [*SCRAPY, "reextract", str(warc), "-O", str(items), "--jobs", "1",
               "-s", f"EXTRA_OUTLETS={rows}"]
    with tmpfs(tmp_path / "tmp", "256k") as tmp:
        filler = fill(tmp, leave=4096)
        env = {**os.environ, "TMPDIR": str(tmp)}
        failed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                                timeout=300)
        assert failed.returncode == 1, failed.stderr[-2000:]
        assert "Traceback" not in failed.stderr
        [error] = [line for line in failed.stderr.splitlines() if line.startswith("error:")]
        assert f"{tmp}/site-outlets-" in error and "No space left on device" in error, error
        assert "TMPDIR" in error, error
        assert [p.name for p in tmp.iterdir()] == ["filler"]
        assert items.read_bytes() == b'{"earlier": 1}\n'
        filler.unlink()
        again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                               timeout=300)
        assert [p.name for p in tmp.iterdir()] == []
    assert again.returncode == 0, again.stderr[-2000:]
    assert {json.loads(line)["url"] for line in items.read_text("utf-8").splitlines()} == {
        g.url for g in golds}


@pytest.mark.parametrize("command", [["crawl", "site", "-a", "url=http://127.0.0.1:9/"],
                                     ["crawlall"]], ids=["site", "crawlall"])
@pytest.mark.parametrize("problem", ["full", "missing"])
def test_a_site_crawl_with_an_unusable_tmpdir_is_one_error_naming_it_and_writes_nothing(
        tmp_path: Path, command: list[str], problem: str) -> None:
    """The site spider writes its rows under TMPDIR as it is set up: a full TMPDIR was an
    asyncio traceback ("Task exception was never retrieved") and an empty
    ``site-outlets-*.json`` left there; a missing one went unsaid (tempfile fell back to
    /tmp). One ERROR naming the folder and why, exit 1, DATA_DIR not even made."""
    data_dir = tmp_path / "data"
    with tmpfs(tmp_path / "tmp", "256k") as tmp:
        if problem == "full":
            fill(tmp, leave=4096)
            named, why = tmp, "No space left on device"
        else:
            named, why = tmp / "gone", "no such folder"
        env = {**os.environ, "TMPDIR": str(named)}
        run = subprocess.run([*SCRAPY, *command, "-s", f"DATA_DIR={data_dir}"], cwd=ROOT,
                             env=env, capture_output=True, text=True, timeout=120)
        left = sorted(p.name for p in tmp.iterdir())
    assert run.returncode == 1, run.stderr[-3000:]
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    [error] = [line for line in run.stderr.splitlines() if " ERROR: " in line]
    assert f"Cannot write temporary files to {named} ({why}" in error, error
    assert "TMPDIR" in error and "Nothing was crawled" in error, error
    assert left == (["filler"] if problem == "full" else [])
    assert not data_dir.exists()


def test_fixture_with_a_full_tmpdir_names_the_lookup_index(tmp_path: Path) -> None:
    """``scrapy fixture URL`` builds the replay lookup's index under TMPDIR: a full one was
    a LookupIndexError traceback. Now one ``error:`` line naming the file, exit 1, no
    fixture written and no index folder left."""
    from tests.crawler.test_reextract import belta_warc

    warc, golds = belta_warc(tmp_path / "warc", count=3)
    out = tmp_path / "fixtures"
    command = [*SCRAPY, "fixture", golds[0].url, "-s", f"WARC_REPLAY={warc.parent}",
               "--out", str(out)]
    with tmpfs(tmp_path / "tmp", "256k") as tmp:
        filler = fill(tmp, leave=4096)
        env = {**os.environ, "TMPDIR": str(tmp)}
        failed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                                timeout=120)
        assert [p.name for p in tmp.iterdir()] == ["filler"]
        filler.unlink()
        again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                               timeout=120)
    assert failed.returncode == 1, failed.stderr[-2000:]
    assert "Traceback" not in failed.stderr, failed.stderr[-2000:]
    [error] = [line for line in failed.stderr.splitlines() if line.startswith("error:")]
    assert f"cannot write the replay lookup's index {tmp}/archive-lookup-" in error, error
    assert "TMPDIR" in error, error
    assert again.returncode == 0, again.stderr[-2000:]
    assert len(list(out.rglob("*.json"))) == 1

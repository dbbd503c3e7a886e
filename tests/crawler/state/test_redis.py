"""The Redis state store against a real redis-server: the StateStore contract, the key
prefix, and the signature log other workers read incrementally."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import pytest
import redis
from scrapy.settings import Settings

from crawler.distributed.connection import check_redis
from crawler.state import open_state
from crawler.state import redis as state_redis
from crawler.state.redis import RedisStateStore
from tests.crawler.state.store_contract import (
    URL,
    check_bad_check_times,
    check_damaged_not_due,
    check_removals,
    check_retry_waits,
    check_round_trip_and_replace,
    check_signatures,
    record,
    three_old,
)
from tests.support.redis import RedisServer, command_since, redis_server  # noqa: F401


def test_records_round_trip_and_are_replaced(redis_server: RedisServer) -> None:  # noqa: F811
    check_round_trip_and_replace(lambda: RedisStateStore(redis_server.client, "t:state"))


def test_removals_are_kept_until_cleared(redis_server: RedisServer) -> None:  # noqa: F811
    check_removals(lambda: RedisStateStore(redis_server.client, "t:state"))


def test_signatures_are_kept_per_article(redis_server: RedisServer) -> None:  # noqa: F811
    check_signatures(lambda: RedisStateStore(redis_server.client, "t:state"))


def test_settings_pick_the_backend_and_the_prefix(redis_server: RedisServer) -> None:  # noqa: F811
    settings = Settings({"STATE_BACKEND": "crawler.state.redis.RedisStateStore",
                         "REDIS_URL": redis_server.url, "BOT_NAME": "news"})
    store = open_state(settings)
    assert isinstance(store, RedisStateStore)
    store.put(record())
    store.close()
    keys = {k.decode() for k in redis_server.client.keys("*")}
    assert keys == {"news:state:articles", "news:state:due"}  # due: its re-check order
    settings.set("STATE_REDIS_PREFIX", "other")
    assert open_state(settings).get(URL) is None  # another prefix is another state


def test_workers_see_each_others_signatures_since_a_cursor(
        redis_server: RedisServer) -> None:  # noqa: F811
    one = RedisStateStore(redis_server.client, "t:state")
    other = RedisStateStore(redis_server.client, "t:state")
    cursor = other.signature_cursor()
    one.put(record(), b"\x01" * 8)
    assert other.get(URL) == record() and other.get(URL + "b") is None
    assert other.signatures_since(cursor) == ([("belta-123", b"\x01" * 8)], cursor + 1)
    assert other.signatures_since(cursor + 1) == ([], cursor + 1)
    one.put(record(url=URL + "b", ident="belta-124"), b"\x02" * 8)
    assert other.signatures_since(cursor + 1) == ([("belta-124", b"\x02" * 8)], cursor + 2)
    assert dict(other.signatures()) == {"belta-123": b"\x01" * 8, "belta-124": b"\x02" * 8}


def test_due_checks_are_the_longest_unchecked_first_and_a_check_moves_one_back(
        redis_server: RedisServer) -> None:  # noqa: F811
    """As the SQLite store: due from the last capture until checked, then from the check;
    oldest first, only those before the time asked. A state gave no check times at all, so
    a distributed run never re-checked an old article."""
    store = RedisStateStore(redis_server.client, "t:state")
    a, b, c = three_old(store)
    due = [(r.url, last) for r, last in store.due_checks("2026-01-07T00:00:00+00:00")]
    assert due == [(b.url, b.captured), (c.url, c.captured)]  # a captured after the limit
    assert [r for r, _ in store.due_checks("2026-01-07T00:00:00+00:00")] == [b, c]
    store.set_checked(b.url, "2026-01-10T00:00:00+00:00")
    due = [(r.url, last) for r, last in store.due_checks("2026-02-01T00:00:00+00:00")]
    assert due == [(c.url, c.captured), (a.url, a.captured),
                   (b.url, "2026-01-10T00:00:00+00:00")]
    store.put(record(url=b.url, ident="belta-2", version=5))  # a new version: checked counts
    assert [r.url for r, _ in store.due_checks("2026-02-01T00:00:00+00:00")][-1] == b.url


def test_a_recheck_tried_and_not_done_waits_its_retry_and_lets_the_others_go_first(
        redis_server: RedisServer) -> None:  # noqa: F811
    check_retry_waits(RedisStateStore(redis_server.client, "t:state"))
    assert redis_server.client.zcard("t:state:tries") == 0


def test_the_due_scan_reads_batches_in_order_across_equal_times(
        redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """Read a batch at a time (never the whole state), each starting where the last ended,
    also inside a run of articles last captured in the same second; the reader stops early."""
    monkeypatch.setattr(state_redis, "_DUE_BATCH", 3)
    store = RedisStateStore(redis_server.client, "t:state")
    urls = [f"https://www.belta.by/b/{n:02d}/" for n in range(11)]
    days = [5, 5, 5, 5, 5, 6, 6, 6, 7, 7, 8]  # ties longer than a batch
    for url, day in zip(urls, days, strict=True):
        store.put(replace(record(url=url, ident=f"belta-{url[-3:-1]}"),
                          captured=f"2026-01-0{day}T10:00:00+00:00"))
    reads: list[int] = []
    real = store.db.eval

    def counted(script: str, *args: Any) -> Any:
        rows = real(script, *args)
        if script == state_redis._DUE_AFTER:
            reads.append(len(rows) // 2)  # member, score, …
        return rows

    monkeypatch.setattr(store.db, "eval", counted)
    assert [r.url for r, _ in store.due_checks("2026-02-01T00:00:00+00:00")] == urls
    assert max(reads) <= 3
    reads.clear()
    first = next(store.due_checks("2026-02-01T00:00:00+00:00"))
    assert first[0].url == urls[0] and reads == [3]


def test_a_state_written_before_the_due_set_is_indexed_at_the_first_scan(
        redis_server: RedisServer) -> None:  # noqa: F811
    """Articles an older crawler recorded (only the articles hash) are due from their
    capture; the index is built once, and a check recorded meanwhile keeps its place."""
    client = redis_server.client
    old = [record(url=f"https://www.belta.by/a/{n}/", ident=f"belta-{n}", version=v)
           for n, v in ((1, 3), (2, 1), (3, 2))]
    for each in old:
        client.hset("t:state:articles", each.url, json.dumps(asdict(each), ensure_ascii=False))
    store = RedisStateStore(client, "t:state")
    store.set_checked(old[1].url, "2026-01-10T00:00:00+00:00")  # before any scan
    due = [r.url for r, _ in store.due_checks("2026-02-01T00:00:00+00:00")]
    assert due == [old[2].url, old[0].url, old[1].url]
    assert client.get("t:state:due-indexed") == b"1"
    client.hset("t:state:articles", "https://www.belta.by/x/", client.hget(
        "t:state:articles", old[0].url))  # not indexed again: only put() adds now
    assert len(list(store.due_checks("2026-02-01T00:00:00+00:00"))) == 3


def test_two_workers_claim_each_due_check_once_within_the_runs_budget(
        redis_server: RedisServer) -> None:  # noqa: F811
    """Two workers of one run find the same articles due: each article is claimed by one
    (its try noted), a checked one by none, and the run's budget is shared by both."""
    one = RedisStateStore(redis.Redis(port=redis_server.port), "t:state")
    other = RedisStateStore(redis.Redis(port=redis_server.port), "t:state")
    a, b, c = three_old(one)
    now, before, retry = ("2026-02-01T00:00:00+00:00", "2026-01-20T00:00:00+00:00",
                          "2026-01-25T00:00:00+00:00")
    assert one.claim_check(b.url, now, before, retry, "t:belta:1:rechecks", 2) == 1
    assert other.claim_check(b.url, now, before, retry, "t:belta:1:rechecks", 2) == 0
    assert [r.url for r, _ in other.due_checks(before, retry)] == [c.url, a.url]
    one.set_checked(c.url, now)  # checked by one before other claimed it: no longer due
    assert other.claim_check(c.url, now, before, retry, "t:belta:1:rechecks", 2) == 0
    assert other.claim_check(a.url, now, before, retry, "t:belta:1:rechecks", 2) == 1
    one.put(record(url="https://www.belta.by/a/4/", ident="belta-4"))
    assert one.claim_check("https://www.belta.by/a/4/", now, before, retry,
                           "t:belta:1:rechecks", 2) == -1  # the run's two are asked for
    assert one.claim_check("https://www.belta.by/a/4/", now, before, retry) == 1  # no budget
    assert redis_server.client.get("t:belta:1:rechecks") == b"2"
    later = "2026-02-08T00:00:00+00:00"  # retry passed: the failed try may be claimed again
    assert other.claim_check(b.url, later, later, "2026-02-02T00:00:00+00:00") == 1


def test_claims_racing_from_many_clients_take_each_article_once(
        redis_server: RedisServer) -> None:  # noqa: F811
    """Eight clients claim the same 20 due articles at once, a run budget of 12: exactly
    12 claims in all, no article claimed twice."""
    store = RedisStateStore(redis_server.client, "t:state")
    urls = [f"https://www.belta.by/c/{n}/" for n in range(20)]
    for url in urls:
        store.put(record(url=url))
    now = "2026-02-01T00:00:00+00:00"

    def claim_all(_: int) -> list[str]:
        mine = RedisStateStore(redis.Redis(port=redis_server.port), "t:state")
        return [u for u in urls
                if mine.claim_check(u, now, now, now, "t:belta:1:rechecks", 12) == 1]

    with ThreadPoolExecutor(8) as pool:
        claimed = [u for got in pool.map(claim_all, range(8)) for u in got]
    assert len(claimed) == 12 and len(set(claimed)) == 12


def _exercise(store: RedisStateStore) -> list[str]:
    """Every kind of read and write the store does, including the first scan of an old
    state and a claim under a run's budget: the URLs due at the end."""
    a, b, c = three_old(store)
    store.db.delete(store.due, store.due_indexed)  # as written before the due set existed
    store.index_due()
    now, retry = "2026-02-01T00:00:00+00:00", "2026-01-25T00:00:00+00:00"
    store.set_tried(a.url, "2026-01-30T00:00:00+00:00")
    assert store.claim_check(c.url, now, now, retry, "t:belta:1:rechecks", 5) == 1
    store.set_checked(b.url, "2026-01-10T00:00:00+00:00")
    store.put(record(url=URL + "s", ident="belta-9"), b"\x01" * 8)
    store.signatures_since(0), store.get(a.url), store.set_removal(a.url, now)
    return [r.url for r, _ in store.due_checks(now, retry)]


def test_the_due_scan_runs_on_a_redis_without_commands_newer_than_5_0(
        tmp_path: Path) -> None:
    """due_checks ran ZMSCORE (Redis 6.2): on Redis 5.0 or 6.0 every scan failed. A server
    without it (renamed away, as in 5.0) answers the same due re-checks."""
    server = RedisServer(tmp_path, "--rename-command", "ZMSCORE", "")
    try:
        store = RedisStateStore(server.client, "t:state")
        assert _exercise(store) == [URL + "s", "https://www.belta.by/a/2/"]
    finally:
        server.stop()


def test_every_command_the_store_and_the_start_check_send_is_in_redis_5_0(
        redis_server: RedisServer) -> None:  # noqa: F811
    """What Redis counts as run (INFO commandstats: scripts' commands too) while the state
    store does all it does and the start check runs: each came with Redis 5.0 or earlier
    (the server's COMMAND DOCS), so Debian 11's and Ubuntu 20.04's Redis serve a run."""
    client = redis_server.client
    client.config_resetstat()
    settings = Settings({"REDIS_URL": redis_server.url, "STATE_REDIS_PREFIX": "t:state"})
    _exercise(RedisStateStore.from_settings(settings))  # the project's client (its handshake)
    check_redis(settings, ["belta"])
    ran = {name.removeprefix("cmdstat_").split("|")[0]
           for name in client.info("commandstats")} - {"info", "config"}
    assert {"eval", "hscan", "zscore"} <= ran, ran  # (the scripts' commands counted too)
    newer = {name: since for name in ran if (since := command_since(client, name)) > (5, 0, 0)}
    assert newer == {}


def _big_old_state(client: redis.Redis, prefix: str, others: int, own: int) -> list[str]:
    """A state as an older crawler left it (the articles hash only, no due set): ``others``
    old articles of other outlets and ``own`` of belta, all captured long ago; belta's URLs."""
    old = "2025-01-05T10:00:00+00:00"
    pipe = client.pipeline(transaction=False)
    own_urls = [f"https://www.belta.by/own/{n}/" for n in range(own)]
    urls = [f"https://www.sb.by/articles/{n}.html" for n in range(others)] + own_urls
    for n, url in enumerate(urls):
        pipe.hset(f"{prefix}:articles", url, json.dumps(asdict(replace(
            record(url=url, ident=f"x-{n}"), published=old, first_captured=old,
            captured=old))))
        if n % 5000 == 4999:
            pipe.execute()
    pipe.execute()
    return own_urls


def test_the_due_scan_of_a_big_state_leaves_the_reactor_ticking(
        redis_server: RedisServer) -> None:  # noqa: F811
    """200,000 old articles of other outlets, 3 of the spider's own, no due set yet (the
    first run after the upgrade): the scan indexed all and read them all on the reactor's
    thread, seconds in which the heartbeat stopped (other workers took this one for dead
    after REDIS_WORKER_TTL). Now the reactor keeps ticking through it, and the spider's
    own three are asked for (once: by the run whose part of the index holds them).
    The index is bounded per call, so three runs build it."""
    own = _big_old_state(redis_server.client, "big:state", 200_000, 3)
    asked: list[str] = []
    for _ in range(3):  # the index is built 100,000 articles a run, resumed by the next
        result = _probe(redis_server.url, "big:state")
        print(f"scan {result['seconds']:.2f} s, longest reactor gap {result['max_gap']:.3f} s,"
              f" asked {len(result['asked'])}")
        # On the reactor's thread the scan is one gap as long as itself. In a thread, the
        # gaps are the machine's: a loaded one left 0.55 to 0.72 s in scans of 2.5 to 9.4 s.
        assert result["max_gap"] < max(0.5, result["seconds"] / 2), result
        asked += result["asked"]
    assert redis_server.client.get("big:state:due-indexed") == b"1"
    assert sorted(asked) == sorted(own)  # each once: a try waits its retry


def _probe(url: str, prefix: str) -> dict[str, Any]:
    probe = subprocess.run([sys.executable, "-m", "tests.support.recheck_probe", url, prefix],
                           capture_output=True, text=True, timeout=300, check=False)
    assert probe.returncode == 0, probe.stderr[-2000:]
    result = json.loads(probe.stdout.strip().splitlines()[-1])
    assert "error" not in result, result.get("error")
    return result


def test_a_check_moving_an_article_already_read_skips_none_unread(
        redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """Ten articles last captured in the same second, read three at a time: another worker
    checking one already read (it leaves the run of equal times) made the next batch's
    offset skip one not yet read. The scan resumes after the last (time, URL) read."""
    monkeypatch.setattr(state_redis, "_DUE_BATCH", 3)
    store = RedisStateStore(redis_server.client, "t:state")
    other = RedisStateStore(redis.Redis(port=redis_server.port, protocol=2), "t:state")
    urls = [f"https://www.belta.by/e/{n:02d}/" for n in range(10)]
    for url in urls:
        store.put(replace(record(url=url, ident=f"belta-{url[-3:-1]}"),
                          captured="2026-01-05T10:00:00+00:00"))
    read: list[str] = []
    for found, _ in store.due_checks("2026-02-01T00:00:00+00:00"):
        read.append(found.url)
        if len(read) == 3:  # the first batch read: another worker checks its first article
            other.set_checked(urls[0], "2026-03-01T00:00:00+00:00")
    assert read == urls


def test_a_claim_sent_again_after_its_reply_was_lost_is_still_claimed(
        redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """redis-py re-sends a command whose connection broke before the reply: the claim's
    second try saw its own first and answered taken (budget spent, nothing asked for, the
    article waiting its retry). The claim carries a token: its own try is CLAIMED."""
    store = RedisStateStore(redis_server.client, "t:state")
    a, b, c = three_old(store)
    real = store.db.eval

    def sent_twice(script: str, *args: Any) -> Any:
        real(script, *args)  # executed, its reply lost
        return real(script, *args)  # the retry's, the same command

    monkeypatch.setattr(store.db, "eval", sent_twice)
    now = "2026-02-01T00:00:00+00:00"
    assert store.claim_check(b.url, now, now, now, "t:belta:1:rechecks", 5) == 1
    assert redis_server.client.get("t:belta:1:rechecks") == b"1"
    monkeypatch.setattr(store.db, "eval", real)
    assert store.claim_check(b.url, now, now, now, "t:belta:1:rechecks", 5) == 0  # another's
    store.set_checked(b.url, now)
    assert redis_server.client.hlen("t:state:claims") == 0


@pytest.mark.parametrize(("raw", "why"), [
    (b"not json", "no JSON"),
    (b"[1, 2]", "no JSON object"),
    (b'{"url": "u"}', "no id, digest, version, first_captured, captured"),
    ("version", "version 'x' is no whole number from 1"),
])
def test_a_damaged_record_is_said_once_and_read_as_never_exported(
        redis_server: RedisServer, raw: Any, why: str,  # noqa: F811
        caplog: pytest.LogCaptureFixture) -> None:
    store = RedisStateStore(redis_server.client, "damaged")
    store.put(record())
    if raw == "version":  # a whole record, one field edited
        raw = json.dumps({**asdict(record()), "version": "x"})
    store.db.hset(store.articles, URL, raw)
    assert store.get(URL) is None and store.get(URL) is None
    assert why in store.damaged[URL]
    assert len([r for r in caplog.records if "is damaged (" in r.getMessage()]) == 1
    store.put(record())  # the next export replaces it
    assert store.get(URL) == record()


_DAMAGED = [
    (b"not json", "no JSON"),
    (b'{"url": "u"}', "no id, digest, version, first_captured, captured"),
    ({"version": "x"}, "version 'x' is no whole number from 1"),
    ({"published": 5}, "published 5 is no text"),
]


def _damaged_raw(good: str, edit: bytes | dict[str, Any]) -> bytes | str:
    """The bytes to store: given as they are, or the good record with fields edited."""
    return edit if isinstance(edit, bytes) else json.dumps({**json.loads(good), **edit})


@pytest.mark.parametrize(("edit", "why"), _DAMAGED)
def test_a_damaged_record_is_skipped_by_the_recheck_scan_and_said_once(
        redis_server: RedisServer, edit: Any, why: str,  # noqa: F811
        caplog: pytest.LogCaptureFixture) -> None:
    """``put`` makes every article due in time: due_checks decoded the record as it was
    (JSONDecodeError, TypeError) and so crashed each run's start requests."""
    store = RedisStateStore(redis_server.client, "damaged-due")

    def damage(url: str) -> None:
        good = store.db.hget(store.articles, url).decode("utf-8")
        store.db.hset(store.articles, url, _damaged_raw(good, edit))
    check_damaged_not_due(store, damage, store.damaged, why)
    assert len([r for r in caplog.records if "is damaged (" in r.getMessage()]) == 1


@pytest.mark.parametrize(("edit", "why"), [
    *_DAMAGED, ({"captured": "yesterday"}, "captured 'yesterday' is no ISO 8601 time")])
def test_a_damaged_record_of_a_state_before_the_due_set_is_left_out_of_its_index(
        redis_server: RedisServer, edit: Any, why: str,  # noqa: F811
        caplog: pytest.LogCaptureFixture) -> None:
    """A state an older crawler wrote is indexed at the first scan: a damaged record there
    stopped the index (a KeyError, JSONDecodeError) at every run. It is said and left out;
    the others are indexed and due, and its next export makes it due."""
    client = redis_server.client
    old = [record(url=f"https://www.belta.by/a/{n}/", ident=f"belta-{n}", version=v)
           for n, v in ((1, 3), (2, 1), (3, 2))]
    for each in old:
        good = json.dumps(asdict(each), ensure_ascii=False)
        client.hset("old:state:articles", each.url,
                    _damaged_raw(good, edit) if each is old[2] else good)
    store = RedisStateStore(client, "old:state")
    due = [r.url for r, _ in store.due_checks("2026-02-01T00:00:00+00:00")]
    assert due == [old[1].url, old[0].url]
    assert client.get("old:state:due-indexed") == b"1"
    assert list(store.damaged) == [old[2].url] and why in store.damaged[old[2].url]
    assert len([r for r in caplog.records if "is damaged (" in r.getMessage()]) == 1
    store.put(old[2])
    assert [r.url for r, _ in store.due_checks("2026-02-01T00:00:00+00:00")] == \
        [old[1].url, old[2].url, old[0].url]


@pytest.mark.parametrize(("spoiled", "why"), [
    (("due", 4_102_444_800.0), "4102444800.0 is ahead of now"),
    (("due", float("inf")), "inf is no time"),
    (("due", -1e10), "-10000000000.0 is before 1970"),
    (("checks", "abc"), "'abc' is no ISO 8601 time"),
    (("checks", "2026-01-01"), "'2026-01-01' names no UTC offset"),
])
def test_a_check_time_edited_by_hand_is_said_once_dropped_and_the_article_is_due(
        redis_server: RedisServer, caplog: pytest.LogCaptureFixture,  # noqa: F811
        spoiled: tuple[str, object], why: str) -> None:
    """As the SQLite store: a place in ``due`` years ahead (or infinite) kept the article
    from ever being re-checked, a try ahead from its retry; a check that is no time was
    shown as its last check. Redis keeps no NaN score."""
    store = RedisStateStore(redis_server.client, "t:state")
    key, value = spoiled

    def spoil(url: str, kind: str) -> None:
        if kind == "try":
            redis_server.client.zadd("t:state:tries", {url: 4_102_444_800})
        elif key == "due":
            redis_server.client.zadd("t:state:due", {url: value})
        else:
            redis_server.client.hset("t:state:checks", url, str(value))
    check_bad_check_times(store, spoil, store.bad_check_times, why)
    said = [r.getMessage() for r in caplog.records if "is damaged" in r.getMessage()]
    assert len(said) == 2, said
    assert any("re-check time of https://www.belta.by/a/1/" in line for line in said), said
    assert redis_server.client.zcard("t:state:tries") == 0

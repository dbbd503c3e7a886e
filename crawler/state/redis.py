"""The state backend of distributed crawls: every worker reads and writes one Redis.

Chosen automatically when ``REDIS_URL`` is set (see :mod:`crawler.distributed.addon`), so a
worker skips what any other worker exported and versions articles against the same record.

Layout under ``STATE_REDIS_PREFIX`` (default ``<BOT_NAME>:state``), shared by all spiders
as the SQLite file is:

* ``<prefix>:articles`` hash: canonical URL -> JSON of :class:`ArticleRecord`;
* ``<prefix>:removals`` hash: canonical URL -> when the article was recorded removed;
* ``<prefix>:signatures`` hash: article id -> MinHash signature bytes;
* ``<prefix>:signature-log`` list: article ids in the order signatures were written, so a
  near-duplicate index can fetch only what other workers added since it last looked
  (:meth:`RedisStateStore.signatures_since`), one LRANGE instead of a full reload;
* ``<prefix>:checks`` hash: canonical URL -> when its old-article re-check was last done
  (crawler.rechecks);
* ``<prefix>:due`` sorted set: canonical URL -> its last check, else its last capture (epoch
  seconds), kept by every ``put`` and ``set_checked``: the re-checks due are read from its
  head, a batch at a time, never the whole state;
* ``<prefix>:due-indexed``: set once every article of a state written before ``due`` existed
  was added to it (by the first scans for due re-checks, see :meth:`RedisStateStore.index_due`;
  ``<prefix>:due-index-cursor`` keeps where the scans left off until then);
* ``<prefix>:tries`` sorted set: canonical URL -> when its re-check was last asked for and not
  yet done (epoch seconds): one that failed waits its retry, and a worker claims a re-check
  only when no other did (:meth:`RedisStateStore.claim_check`);
* ``<prefix>:claims`` hash: canonical URL -> the token of the claim that noted its try, until
  the check is done: a claim re-sent after its reply was lost is still its claimant's.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import redis

from crawler.distributed.connection import redis_client, state_prefix
from crawler.state import (
    CHECK_TIME_SLACK,
    RECORD_FIELDS,
    ArticleRecord,
    bad_check_epoch,
    bad_check_time,
    damaged_because,
    say_bad_check_time,
)

logger = logging.getLogger(__name__)

_SCAN_BATCH = 1000
_DUE_BATCH = 200  # due re-checks read a batch at a time: a run stops at its budget
_INDEX_PER_CALL = 100_000  # articles a call of index_due adds at most (seconds of work)

# An article's record (and signature) in one step; its place among the due re-checks follows
# its capture unless a re-check was done (then its check counts: "last checked, else last
# captured", as the SQLite store's COALESCE). ARGV: url, record JSON, capture epoch, article
# id, signature ("" for none), whether a signature is given.
_PUT = """
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if ARGV[6] == '1' then
  redis.call('HSET', KEYS[2], ARGV[4], ARGV[5])
  redis.call('RPUSH', KEYS[3], ARGV[4])
end
if redis.call('HEXISTS', KEYS[4], ARGV[1]) == 0 then
  redis.call('ZADD', KEYS[5], ARGV[3], ARGV[1])
end
"""

# Claim the re-check of one article for this worker: only while it is still due (its last
# check before ARGV[3]), no other worker asked for it since ARGV[4] (its retry), and the
# run's budget (KEYS[3], ARGV[5]; "" for none) is not spent. 1 claimed (the try noted), 0
# taken or no longer due, -1 the run's budget spent. The claim's token (ARGV[6], kept in
# KEYS[4] until the check is done) makes it idempotent: the same claim sent again (redis-py
# re-sends a command whose reply was lost) finds its own try and is claimed, not taken.
_CLAIM = """
if redis.call('HGET', KEYS[4], ARGV[1]) == ARGV[6] then return 1 end
local due = redis.call('ZSCORE', KEYS[2], ARGV[1])
if not due or tonumber(due) >= tonumber(ARGV[3]) then return 0 end
local tried = redis.call('ZSCORE', KEYS[1], ARGV[1])
if tried and tonumber(tried) >= tonumber(ARGV[4]) then return 0 end
if ARGV[5] ~= '' then
  if tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[5]) then return -1 end
  redis.call('INCR', KEYS[3])
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[4], ARGV[1], ARGV[6])
return 1
"""


# The next ARGV[4] members of the sorted set KEYS[1] after (score ARGV[1], member ARGV[2]) in
# its order ("" for its head), those scored below ARGV[3], as member, score, ...: the place
# after the pair is found by ZCOUNT and a binary search among the members of that score
# (ordered bytewise, as Redis orders them; Lua's own comparison follows the locale), so a
# member removed meanwhile moves nothing. O(log N) calls, all in Redis 5.0.
_DUE_AFTER = """
local function le(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a <= #b
end
local start = 0
if ARGV[1] ~= '' then
  local lo = redis.call('ZCOUNT', KEYS[1], '-inf', '(' .. ARGV[1])
  local hi = lo + redis.call('ZCOUNT', KEYS[1], ARGV[1], ARGV[1])
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if le(redis.call('ZRANGE', KEYS[1], mid, mid)[1], ARGV[2]) then lo = mid + 1 else hi = mid end
  end
  start = lo
end
local rows = redis.call('ZRANGE', KEYS[1], start, start + tonumber(ARGV[4]) - 1, 'WITHSCORES')
local out = {}
for i = 1, #rows, 2 do
  if tonumber(rows[i + 1]) >= tonumber(ARGV[3]) then break end
  out[#out + 1] = rows[i]
  out[#out + 1] = rows[i + 1]
end
return out
"""


def epoch(stamp: str) -> float:
    """A UTC ISO 8601 stamp (as capture_stamp writes) as the score of a sorted set."""
    return datetime.fromisoformat(stamp).timestamp()


class RedisStateStore:
    """Articles and signatures in Redis; each ``put`` is one Lua script (atomic, as a
    MULTI/EXEC transaction, which cannot keep a check's place in the due order)."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.db = client
        self.articles = f"{prefix}:articles"
        self.damaged: dict[str, str] = {}  # URL -> why its record could not be read
        self.bad_check_times: dict[str, str] = {}  # URL -> why its check/try time was dropped
        self.sigs = f"{prefix}:signatures"
        self.log = f"{prefix}:signature-log"
        self.removals = f"{prefix}:removals"
        self.checks = f"{prefix}:checks"
        self.due = f"{prefix}:due"
        self.due_indexed = f"{prefix}:due-indexed"
        self.due_index_cursor = f"{prefix}:due-index-cursor"
        self.tries = f"{prefix}:tries"
        self.claims = f"{prefix}:claims"

    @classmethod
    def from_settings(cls, settings: Any) -> RedisStateStore:
        return cls(redis_client(settings), state_prefix(settings))

    def get(self, url: str) -> ArticleRecord | None:
        """The article's record; None also for a damaged one (set by hand, by a tool that
        is not this crawler): said once, and the article's next export replaces it."""
        raw = self.db.hget(self.articles, url)
        if not raw:
            return None
        return self._readable(url, raw)

    def _readable(self, url: str, raw: bytes) -> ArticleRecord | None:
        """The record stored for ``url``, or None for a damaged one, said once (by ``get``
        and by the re-check scans alike: either may meet it first)."""
        row, why = _record_row(raw)
        if why is None:
            return ArticleRecord(*row)
        self._say_damaged(url, why)
        return None

    def _say_damaged(self, url: str, why: str) -> None:
        if url not in self.damaged:
            self.damaged[url] = why
            logger.error("Redis state %s: the record of %s is damaged (%s): the article is "
                         "taken as never exported, and its next export replaces the record",
                         self.articles, url, why)

    def put(self, record: ArticleRecord, signature: bytes | None = None) -> None:
        self.db.eval(_PUT, 5, self.articles, self.sigs, self.log, self.checks, self.due,
                     record.url, json.dumps(asdict(record), ensure_ascii=False),
                     epoch(record.captured), record.id, signature or b"",
                     "1" if signature is not None else "0")

    def signatures(self) -> Iterator[tuple[str, bytes]]:
        for key, value in self.db.hscan_iter(self.sigs, count=_SCAN_BATCH):
            yield key.decode("utf-8"), value

    def signature(self, article_id: str) -> bytes | None:
        return self.db.hget(self.sigs, article_id)

    def signature_cursor(self) -> int:
        """Where the signature log ends now: pass it to :meth:`signatures_since` later."""
        return int(self.db.llen(self.log))

    def signatures_since(self, cursor: int) -> tuple[list[tuple[str, bytes]], int]:
        """Signatures written (by any worker) after ``cursor``, and the new cursor."""
        ids = self.db.lrange(self.log, cursor, -1)
        if not ids:
            return [], cursor
        values = self.db.hmget(self.sigs, ids)
        pairs = [(i.decode("utf-8"), v) for i, v in zip(ids, values, strict=True) if v is not None]
        return pairs, cursor + len(ids)

    def removal(self, url: str) -> str | None:
        raw = self.db.hget(self.removals, url)
        return raw.decode("utf-8") if raw else None

    def set_removal(self, url: str, observed: str | None) -> None:
        if observed is None:
            self.db.hdel(self.removals, url)
        else:
            self.db.hset(self.removals, url, observed)

    def set_checked(self, url: str, checked: str) -> None:
        """Note when an old article was last re-checked (crawler.rechecks): it moves back in
        the due order, and its try is forgotten, in one transaction."""
        pipe = self.db.pipeline(transaction=True)
        pipe.hset(self.checks, url, checked)
        pipe.zadd(self.due, {url: epoch(checked)})
        pipe.zrem(self.tries, url)
        pipe.hdel(self.claims, url)
        pipe.execute()

    def set_tried(self, url: str, tried: str) -> None:
        """Note when an old article's re-check was last asked for, unconditionally (as the
        SQLite store); workers sharing a run claim with :meth:`claim_check` instead."""
        self.db.zadd(self.tries, {url: epoch(tried)})

    def claim_check(self, url: str, tried: str, before: str, retry_before: str,
                    budget_key: str | None = None, budget: int = 0) -> int:
        """Note the try of ``url``'s re-check only if it is still due (last checked before
        ``before``), not tried since ``retry_before`` and, with ``budget_key``, fewer than
        ``budget`` were claimed under that key: one atomic step, so of the workers of one run
        that find the same article due, exactly one asks for it. 1 claimed, 0 not (another
        worker's, or checked meanwhile), -1 the budget is spent."""
        token = uuid.uuid4().hex  # this claim's: the same command re-sent finds its own try
        return int(self.db.eval(_CLAIM, 4, self.tries, self.due, budget_key or self.tries,
                                self.claims, url, epoch(tried), epoch(before),
                                epoch(retry_before), str(budget) if budget_key else "", token))

    def due_checks(self, before: str, retry_before: str | None = None,
                   wanted: Callable[[str], bool] | None = None
                   ) -> Iterator[tuple[ArticleRecord, str]]:
        """Articles last checked (else last captured) before ``before`` and, with
        ``retry_before``, not tried since (or never), oldest check first (then by URL), with
        that time: read from the head of the ``due`` set a batch at a time, the caller stops
        at its budget. ``wanted`` (a URL's test: the spider's outlets) skips the others
        before their try or record is read: the state is shared by every outlet."""
        self.index_due()
        now = datetime.now(UTC)
        self.drop_bad_check_times(now)
        limit, retry = epoch(before), epoch(retry_before) if retry_before else None
        for urls in self._due_batches(limit):
            if wanted is not None:
                urls = [url for url in urls if wanted(url)]
                if not urls:
                    continue
            tried = self._tries(urls) if retry is not None else [None] * len(urls)
            keep = [u for u, t in zip(urls, tried, strict=True) if t is None or t < retry]
            if not keep:
                continue
            raws = self.db.hmget(self.articles, keep)
            checked = self.db.hmget(self.checks, keep)
            for url, raw, when in zip(keep, raws, checked, strict=True):
                if raw is None:
                    continue  # recorded nowhere else: nothing to re-check
                record = self._readable(url, raw)
                if record is not None:  # a damaged one waits for its next export
                    yield record, self._check_time(url, when, record, now)

    def _check_time(self, url: str, when: bytes | None, record: ArticleRecord,
                    now: datetime) -> str:
        """The article's last check as stored, else (none, or one no run wrote: said once
        and dropped) its capture; its place in ``due`` is checked apart."""
        if not when:
            return record.captured
        text = when.decode("utf-8", "backslashreplace")
        why = bad_check_time(text, now)
        if why is None:
            return text
        say_bad_check_time(self.checks, "re-check", url, why, self.bad_check_times)
        self.db.hdel(self.checks, url)
        return record.captured

    def drop_bad_check_times(self, now: datetime) -> None:
        """Put back in ``due`` at its capture the articles whose place no run wrote (edited by
        hand: before 1970, ahead of now, infinite; Redis keeps no NaN), and forget tries
        ahead of now: a time years ahead kept its article from being re-checked (or retried)
        ever again. Each said once with its URL. Two range reads of each set's ends: a sound
        state answers them with nothing."""
        ahead = f"({(now + CHECK_TIME_SLACK).timestamp()!r}"
        for key, kind in ((self.due, "re-check"), (self.tries, "try")):
            ends = (self.db.zrangebyscore(key, "-inf", "(0", withscores=True)
                    + self.db.zrangebyscore(key, ahead, "+inf", withscores=True))
            for member, score in ends:
                url = member.decode("utf-8", "backslashreplace")
                why = bad_check_epoch(float(score), now)
                if why is None:
                    continue
                say_bad_check_time(key, kind, url, why, self.bad_check_times)
                if key == self.tries:
                    self.db.zrem(self.tries, member)
                else:
                    self._due_again(url, member)

    def _due_again(self, url: str, member: bytes) -> None:
        """An article's place in ``due`` by its capture, as one never checked."""
        raw = self.db.hget(self.articles, member)
        record = self._readable(url, raw) if raw else None
        try:
            score = epoch(record.captured) if record is not None else None
        except ValueError:
            score = None
        pipe = self.db.pipeline(transaction=True)
        pipe.hdel(self.checks, member)
        if score is None:  # no record to re-check: its next export's put adds it
            pipe.zrem(self.due, member)
        else:
            pipe.zadd(self.due, {member: score})
        pipe.execute()

    def _tries(self, urls: list[str]) -> list[float | None]:
        """When each of ``urls`` was last tried (None: never, or done since): one pipelined
        ZSCORE each, one round trip (ZMSCORE needs Redis 6.2; the project runs on 5.0)."""
        pipe = self.db.pipeline(transaction=False)
        for url in urls:
            pipe.zscore(self.tries, url)
        return pipe.execute()

    def _due_batches(self, limit: float) -> Iterator[list[str]]:
        """The ``due`` set below ``limit`` in order, ``_DUE_BATCH`` at a time: each batch
        starts after the last (score, member) read (:data:`_DUE_AFTER`), not at an offset,
        which another worker's check moving an article already read made skip one."""
        last: tuple[str, bytes] = ("", b"")
        while True:
            rows = self.db.eval(_DUE_AFTER, 1, self.due, *last, repr(limit), _DUE_BATCH)
            if not rows:
                return
            yield [m.decode("utf-8", "backslashreplace") for m in rows[::2]]
            if len(rows) < 2 * _DUE_BATCH:
                return
            last = (repr(float(rows[-1])), rows[-2])

    def index_due(self) -> None:
        """Add every article to ``due`` once, for a state written before it existed: a
        batch of HSCAN at a time, each added only if absent (NX), so a check or a new
        version another worker records meanwhile keeps its place. At most
        ``_INDEX_PER_CALL`` articles a call (a big state's first pass took the worker's
        whole heartbeat): the HSCAN cursor is kept in ``due-index-cursor``, and the next
        call (the next run, or another worker) goes on from it. Marked done when the scan
        comes round; workers that build it at once add the same entries (a cursor set back
        repeats work, never skips: each writes the one its own scan reached)."""
        if self.db.exists(self.due_indexed):
            return
        cursor, added = int(self.db.get(self.due_index_cursor) or 0), 0
        while added < _INDEX_PER_CALL:
            cursor, found = self.db.hscan(self.articles, cursor, count=_SCAN_BATCH)
            batch = self._due_scores(found)
            if batch:
                self.db.zadd(self.due, batch, nx=True)
            added += len(found)
            if cursor == 0:
                self.db.set(self.due_indexed, "1")
                self.db.delete(self.due_index_cursor)
                return
        self.db.set(self.due_index_cursor, cursor)

    def _due_scores(self, found: dict[bytes, bytes]) -> dict[str, float]:
        """URL -> capture epoch of the records of an HSCAN batch; a damaged one is said and
        left out (its next export's ``put`` adds it), never stopping the index."""
        scores: dict[str, float] = {}
        for key, raw in found.items():
            url = key.decode("utf-8", "backslashreplace")
            record = self._readable(url, raw)
            if record is None:
                continue
            try:
                scores[url] = epoch(record.captured)
            except ValueError:
                self._say_damaged(url, f"captured {record.captured!r} is no ISO 8601 time")
        return scores

    def close(self) -> None:
        self.db.close()


def _record_row(raw: bytes) -> tuple[tuple[Any, ...], str | None]:
    """The fields of a stored record in ArticleRecord's order, and why they are no record
    this crawler wrote (None: they are)."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        return (), f"no JSON: {exc}"
    if not isinstance(data, dict):
        return (), "no JSON object"
    row = tuple(data.get(name) for name in RECORD_FIELDS)
    missing = [name for name in RECORD_FIELDS if name not in data and name != "published"]
    if missing:
        return row, f"no {', '.join(missing)}"
    return row, damaged_because(row)

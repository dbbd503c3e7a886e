"""The shared frontier in Redis: runs, a leased priority queue and dead-worker recovery.

scrapy-redis pops a request from the queue and forgets it: a worker killed while it downloads
or extracts loses that request for good, and the dupefilter (which saw it when it was queued)
keeps anyone from queueing it again. Here a pop is a *lease*: one Lua script moves the request
from the queue into the worker's in-flight hash. The worker deletes the lease only when its
engine has completely finished with the request (response parsed, items through every
pipeline and exported, follow-up requests queued). Each worker refreshes an ``alive`` key with
a TTL; any worker that finds a registered worker without one puts that worker's leases back
into the queue (atomically, so only once). Nothing popped is lost; at worst a request whose
item was exported right before the kill is fetched again, and the shared state store then
drops the unchanged item.

Keys (``<spider>`` is the spider name, ``<run>`` the run number)::

    <spider>:run                  current run number
    <spider>:runs                 run counter
    <spider>:<run>:finished       set once a worker saw the frontier drained
    <spider>:<run>:token          random id of the run (its keys vanished if it differs)
    <spider>:<run>:identity       spider and arguments of the run (workers must match)
    <spider>:<run>:requests       priority queue (sorted set, score = -priority)
    <spider>:<run>:dupefilter     fingerprints seen in this run
    <spider>:<run>:dupefilter:last-adds  each worker's latest add (its retry is told "added")
    <spider>:<run>:workers        ids of workers that joined the run
    <spider>:<run>:inflight:<id>  leases of one worker: "<n>|<score>" -> serialized request
    <spider>:<run>:rechecks       old-article re-checks the run's workers claimed (its budget)
    <spider>:alive:<id>           present while the worker lives (PX ttl)
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from typing import Any

import redis
from scrapy import Request
from scrapy_redis.queue import PriorityQueue

# Join the current run unless it finished; else start the next one (and drop what is left
# of the finished run: fingerprints, and the queue and leases of a run ended by hand). Atomic, so workers started together agree on one run. A run's token
# (ARGV[2] of the worker that started it) tells its workers that the keys they see are still
# that run's: a Redis restarted without persistence, or flushed, starts again at run 1.
# The run's identity (ARGV[3]: spider and arguments, as for a JOBDIR) is the first worker's;
# a worker asked to crawl something else must not work on its queue.
_JOIN_RUN = """
local run = redis.call('GET', KEYS[1])
if run and redis.call('EXISTS', ARGV[1] .. run .. ':finished') == 0 then
  redis.call('SET', ARGV[1] .. run .. ':token', ARGV[2], 'NX')
  redis.call('SET', ARGV[1] .. run .. ':identity', ARGV[3], 'NX')
  return {run, 0, redis.call('GET', ARGV[1] .. run .. ':token'),
          redis.call('GET', ARGV[1] .. run .. ':identity')}
end
local new = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], new)
redis.call('SET', ARGV[1] .. new .. ':token', ARGV[2])
redis.call('SET', ARGV[1] .. new .. ':identity', ARGV[3])
if run then
  for _, w in ipairs(redis.call('SMEMBERS', ARGV[1] .. run .. ':workers')) do
    redis.call('DEL', ARGV[1] .. run .. ':inflight:' .. w)
  end
  redis.call('DEL', ARGV[1] .. run .. ':dupefilter', ARGV[1] .. run .. ':workers',
             ARGV[1] .. run .. ':token', ARGV[1] .. run .. ':identity',
             ARGV[1] .. run .. ':requests', ARGV[1] .. run .. ':dupefilter:last-adds',
             ARGV[1] .. run .. ':rechecks')
end
return {tostring(new), 1, ARGV[2], ARGV[3]}
"""

# Pop the best request and record it as a lease of this worker, in one step. A pop id
# (ARGV[1], new for each pop of a worker) makes it safe to send again: when Redis ran the
# script but its reply was lost (a connection reset, a restart), the client's retry gets the
# same lease back (its field starts with the pop id) instead of leasing a second request and
# leaving the first in the hash, unknown to the worker, until the run had finished without it.
_LEASE = """
local prefix = ARGV[1] .. '|'
local last = redis.call('HGET', KEYS[2], 'last-pop')
if last and string.sub(last, 1, #prefix) == prefix then
  local data = redis.call('HGET', KEYS[2], last)
  if data then return {last, data} end
end
local top = redis.call('ZPOPMIN', KEYS[1])
if #top == 0 then return false end
local field = prefix .. top[2]
redis.call('HSET', KEYS[2], field, top[1], 'last-pop', field)
return {field, top[1]}
"""

# Put every lease of a worker back into the queue and forget them.
_REQUEUE = """
local leases = redis.call('HGETALL', KEYS[1])
local moved = 0
for i = 1, #leases, 2 do
  local field = leases[i]
  local bar = string.find(field, '|', 1, true)
  if bar then  -- a lease (the 'last-pop' field only names one)
    redis.call('ZADD', KEYS[2], string.sub(field, bar + 1), leases[i + 1])
    moved = moved + 1
  end
end
redis.call('DEL', KEYS[1])
return moved
"""

# Put some leases of one worker (ARGV: their fields) back into the queue; safe to send again.
# The hash's last-pop goes with the lease it names: a worker holding nothing leaves an empty
# hash, whose length is what the run counts as pending.
_REQUEUE_SOME = """
local moved = 0
local last = redis.call('HGET', KEYS[1], 'last-pop')
for _, field in ipairs(ARGV) do
  local data = redis.call('HGET', KEYS[1], field)
  local bar = string.find(field, '|', 1, true)
  if data and bar then
    redis.call('ZADD', KEYS[2], string.sub(field, bar + 1), data)
    redis.call('HDEL', KEYS[1], field)
    moved = moved + 1
  end
  if field == last then redis.call('HDEL', KEYS[1], 'last-pop') end
end
return moved
"""

# Release some leases of one worker (ARGV: their fields); safe to send again. The hash's
# last-pop goes only if it names one of them: by now it may name a later lease whose reply
# was lost, which the retried pop must find (deleting it orphaned that lease for good).
_RELEASE = """
local last = redis.call('HGET', KEYS[1], 'last-pop')
local released = 0
for _, field in ipairs(ARGV) do
  released = released + redis.call('HDEL', KEYS[1], field)
  if field == last then redis.call('HDEL', KEYS[1], 'last-pop') end
end
return released
"""


# Drop every key of one run (ARGV[1]: "<spider>:<run>", ARGV[2]: "<spider>:alive:") unless a
# worker of it is alive; mark it finished, so the next worker starts the next run. Atomic: a
# worker's heartbeat cannot slip in between the check and the deletion.
_CLEAR_RUN = """
local p = ARGV[1]
local workers = redis.call('SMEMBERS', p .. ':workers')
local live = {}
for _, w in ipairs(workers) do
  if redis.call('EXISTS', ARGV[2] .. w) == 1 then table.insert(live, w) end
end
if #live > 0 then return {0, live} end
local queued = redis.call('ZCARD', p .. ':requests')
local leased = 0
for _, w in ipairs(workers) do
  leased = leased + redis.call('HLEN', p .. ':inflight:' .. w)
  redis.call('DEL', p .. ':inflight:' .. w)
end
local seen = redis.call('SCARD', p .. ':dupefilter')
local found = redis.call('EXISTS', p .. ':requests', p .. ':dupefilter', p .. ':workers',
                         p .. ':token', p .. ':identity', p .. ':finished')
redis.call('DEL', p .. ':requests', p .. ':dupefilter', p .. ':workers', p .. ':token',
           p .. ':identity', p .. ':dupefilter:last-adds', p .. ':rechecks')
if found > 0 then redis.call('SET', p .. ':finished', '1') end
return {1, {queued, leased, seen, found}}
"""


@dataclass(frozen=True)
class Cleared:
    """What :func:`clear_run` did: ``live`` names the workers that kept it from clearing."""

    live: tuple[str, ...] = ()
    queued: int = 0  # requests dropped from the queue
    leased: int = 0  # requests dropped from dead workers' leases
    seen: int = 0  # fingerprints dropped
    found: bool = False  # whether the run had any key at all


@dataclass(frozen=True)
class RunKeys:
    """Redis key names of one run of one spider."""

    spider: str
    run: str
    token: str = ""  # the run's token: its keys are gone if another one (or none) is found

    @property
    def prefix(self) -> str:
        return f"{self.spider}:{self.run}"

    @property
    def queue(self) -> str:
        return f"{self.prefix}:requests"

    @property
    def dupefilter(self) -> str:
        return f"{self.prefix}:dupefilter"

    @property
    def workers(self) -> str:
        return f"{self.prefix}:workers"

    @property
    def finished(self) -> str:
        return f"{self.prefix}:finished"

    @property
    def token_key(self) -> str:
        return f"{self.prefix}:token"

    @property
    def rechecks(self) -> str:
        return f"{self.prefix}:rechecks"

    def inflight(self, worker: str) -> str:
        return f"{self.prefix}:inflight:{worker}"

    def alive(self, worker: str) -> str:
        return f"{self.spider}:alive:{worker}"


def _text(value: bytes | str | int) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def join_run(server: redis.Redis, spider: str, identity: str) -> tuple[RunKeys, bool, str]:
    """The run this worker takes part in, whether it just started it, and the run's identity
    (``identity`` unless the run was started by a worker asked to crawl something else)."""
    run, new, token, stored = server.eval(_JOIN_RUN, 2, f"{spider}:run", f"{spider}:runs",
                                          f"{spider}:", uuid.uuid4().hex, identity)
    return RunKeys(spider, _text(run), _text(token)), bool(new), _text(stored)


def run_state(server: redis.Redis, keys: RunKeys) -> str:
    """"lost" when this run's keys are gone from Redis (restarted without persistence,
    flushed): its token is missing or another; "finished" when it was drained (the next run
    may have cleared its token since: its workers are closing drained); else "live". One
    round trip."""
    pipe = server.pipeline()
    pipe.get(keys.token_key)
    pipe.exists(keys.finished)
    token, finished = pipe.execute()
    if token is None:
        return "finished" if finished else "lost"
    if token.decode() != keys.token:
        return "lost"
    return "finished" if finished else "live"


def run_is_lost(server: redis.Redis, keys: RunKeys) -> bool:
    return run_state(server, keys) == "lost"


def clear_run(server: redis.Redis, spider: str, run: int) -> Cleared:
    """Delete the frontier of run ``run`` of ``spider`` (queue, fingerprints, leases,
    workers, token, identity) unless one of its workers is alive (its ``alive`` key, renewed
    every heartbeat, has not expired); the run is then finished. The article state is not
    touched: it is no run's."""
    keys = RunKeys(spider, str(run))
    done, detail = server.eval(_CLEAR_RUN, 0, keys.prefix, keys.alive(""))
    if not done:
        return Cleared(live=tuple(sorted(_text(w) for w in detail)))
    queued, leased, seen, found = (int(n) for n in detail)
    return Cleared(queued=queued, leased=leased, seen=seen, found=bool(found))


def requeue(server: redis.Redis, keys: RunKeys, worker: str) -> int:
    """Move one worker's leases back into the queue; how many there were."""
    return int(server.eval(_REQUEUE, 2, keys.inflight(worker), keys.queue))


class LeasedQueue(PriorityQueue):
    """scrapy-redis' priority queue whose pops are leases until :meth:`settle` releases them,
    or, for a request whose processing failed because Redis failed (:meth:`defer`), until
    :meth:`requeue_deferred` puts them back into the queue once Redis answers again."""

    def __init__(self, server: redis.Redis, spider: Any, key: str, serializer: Any = None,
                 inflight_key: str = "") -> None:
        super().__init__(server, spider, key, serializer)
        self.inflight_key = inflight_key
        self.leases: dict[Request, str] = {}  # popped request -> its field in the hash
        self._counter = itertools.count(1)
        self._pops = uuid.uuid4().hex[:8]  # this queue's pop ids: never another's, nor reused
        self._pop_id = self._next_pop_id()
        self.deferred: dict[Request, str] = {}  # leases kept for a Redis failure (defer)
        self.kept: dict[Request, str] = {}  # leases kept out of settle (keep)
        # a kept lease let go (release_kept) -> the request the engine must finish first
        self.after: dict[Request, Request] = {}

    def _next_pop_id(self) -> str:
        return f"{self._pops}-{next(self._counter)}"

    def pop(self, timeout: int = 0) -> Request | None:
        """Lease the best request. A pop that failed (Redis gone for longer than the client
        retries) is asked again with the same pop id: Redis may have run it, and the retry
        gets that lease back rather than leaving it in the hash, unknown to anyone."""
        leased = self.server.eval(_LEASE, 2, self.key, self.inflight_key, self._pop_id)
        if not leased:
            return None
        self._pop_id = self._next_pop_id()
        field, data = leased
        request = self._decode_request(data)
        self.leases[request] = field
        return request

    def settle(self, in_progress: set[Request] | frozenset[Request]) -> int:
        """Release the leases of requests the engine no longer holds; how many were released.
        The hash's ``last-pop`` field goes with the lease it names, if released (a worker
        holding nothing leaves an empty hash: the run's pending count is its length). They
        are forgotten only once Redis has released them: a release that failed is tried
        again."""
        done = [r for r in self.leases
                if r not in in_progress and self.after.get(r) not in in_progress]
        if done:
            self.server.eval(_RELEASE, 1, self.inflight_key,
                             *(self.leases[r] for r in done))
            for request in done:
                del self.leases[request]
                self.after.pop(request, None)
        return len(done)

    def defer(self, request: Request) -> bool:
        """Keep the lease of ``request``, whose processing failed because Redis failed, out
        of :meth:`settle`: it goes back to the queue, not away. False if it holds none."""
        field = self.leases.pop(request, None)
        if field is None:
            return False
        self.deferred[request] = field
        return True

    def keep(self, request: Request) -> bool:
        """Leave the lease of ``request`` in Redis, out of :meth:`settle`: the worker's
        leases go back to the queue when it leaves the run (a deferred one already goes back).
        False if it holds none."""
        field = self.leases.pop(request, None)
        if field is not None:
            self.kept[request] = field
            return True
        return request in self.deferred or request in self.kept

    def release_kept(self, request: Request, after: Request | None = None) -> bool:
        """Let the lease :meth:`keep` kept go as a finished request's: :meth:`settle` releases
        it once the engine holds neither ``request`` nor ``after`` (the request in whose
        callback its work was done: its items are through the pipelines by then, the requests
        it handed over queued). Kept, it went back to the queue when the worker left, and
        counted as pending, the run did not end without it. False if none is kept."""
        field = self.kept.pop(request, None)
        if field is None:
            return False
        self.leases[request] = field
        if after is not None:
            self.after[request] = after
        return True

    def requeue_deferred(self, in_progress: set[Request] | frozenset[Request]) -> int:
        """Put the deferred leases the engine no longer holds back into the queue."""
        done = [r for r in self.deferred if r not in in_progress]
        if not done:
            return 0
        moved = self.server.eval(_REQUEUE_SOME, 2, self.inflight_key, self.key,
                                 *(self.deferred[r] for r in done))
        for request in done:
            del self.deferred[request]
        return int(moved)

"""One way to reach Redis, and one clear error when it cannot be used for a run.

Checked once before any spider starts, by class of Redis set-up: unreachable, TLS gone
wrong (:mod:`crawler.distributed.tls`), a password or ACL user missing or wrong, a read-only
replica, a full Redis or a user not allowed to write, an ACL user denied a command the worker
runs (scripts, MULTI/EXEC, a data command) or its keys, an eviction policy that may drop the
frontier or the article state, a malformed URL or an option redis-py does not take. Each is
one error naming ``REDIS_URL`` (its passwords hidden) and the fix, within seconds.
"""

from __future__ import annotations

import copy
import difflib
import functools
import inspect
import logging
import re
import sys
import time
import uuid
import weakref
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

import redis
from redis.backoff import ExponentialBackoff, NoBackoff
from redis.retry import Retry
from scrapy.settings import Settings
from scrapy_redis import defaults
from scrapy_redis.connection import SETTINGS_PARAMS_MAP, get_redis_from_settings

from crawler.distributed.tls import cause_of, certificate_refusal, tls_diagnosis, tls_file_problem

logger = logging.getLogger(__name__)

SCHEMES = ("redis", "rediss", "unix")
CHECK_TIMEOUT = 5.0  # the start check's socket timeouts: an answer, or a clear error, soon
# The protocol the workers speak: RESP2, which every Redis speaks; RESP3 needs HELLO (Redis
# 6.0), and redis-py 8 asks for it by default, so Redis 5.0 refused every connection.
RESP_VERSION = 2
SECRET_QUERY = re.compile(r"((?:^|&)(?:ssl_)?password=)[^&]*", re.IGNORECASE)
# Redis no longer takes this worker's credentials: a password changed or an ACL user disabled
# (WRONGPASS, NOAUTH: AuthenticationError, a ConnectionError to redis-py), or its commands or
# keys revoked (NOPERM). No outage: waiting does not help, and no request's fault either.
REFUSALS: tuple[type[redis.RedisError], ...] = (
    redis.AuthenticationError,
    redis.exceptions.AuthorizationError,
    redis.exceptions.NoPermissionError,
)


class RedisUnavailable(RuntimeError):
    """Redis at REDIS_URL cannot serve a run; the message names the URL, not a socket stack."""


def redis_url(settings: Any) -> str | None:
    return settings.get("REDIS_URL") or None


def shown_url(url: str | None) -> str:
    """``url`` with its passwords replaced by ``***`` (the one before ``@``, and the query's
    ``password=`` and ``ssl_password=``, which redis-py takes too): fit for logs."""
    if not url:
        return str(url)
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return url
    query = SECRET_QUERY.sub(r"\1***", parts.query)
    if not password and query == parts.query:
        return url  # as given: geturl() would shorten unix:///path to unix:/path
    if password:
        user = parts.username or ""
        host = parts.netloc.rpartition("@")[2]
        parts = parts._replace(netloc=f"{user}:***@{host}")
    return parts._replace(query=query).geturl()


def state_prefix(settings: Any) -> str:
    """Where the article state lives in Redis: ``STATE_REDIS_PREFIX``, or ``<BOT_NAME>:state``."""
    return settings.get("STATE_REDIS_PREFIX") or f"{settings.get('BOT_NAME')}:state"


def credentials_refusal(exc: BaseException | None) -> redis.RedisError | None:
    """The error of Redis refusing this worker's credentials or permissions that ``exc`` is
    or was raised from (:data:`REFUSALS`), if any."""
    return cause_of(exc, REFUSALS)


def refused_what(refusal: BaseException) -> str:
    """What of this worker's Redis refused, in the words every message uses: its
    ``permissions`` (NOPERM: an ACL user's commands or keys) or its ``credentials``."""
    if isinstance(refusal, redis.exceptions.NoPermissionError):
        return "permissions"
    return "credentials"


def redis_params(settings: Any) -> dict[str, Any]:
    """``REDIS_PARAMS`` (a copy) with the protocol every client of a worker speaks, its own
    and the ones scrapy-redis builds: RESP2 (:data:`RESP_VERSION`) unless it names a
    ``protocol``, as redis-py 8 opens each connection with HELLO 3, which Redis 5.0 does not
    know."""
    params = dict(settings.getdict("REDIS_PARAMS"))
    params.setdefault("protocol", RESP_VERSION)
    return params


def redis_client(settings: Any, retry_seconds: float | None = None,
                 timeout: float | None = None) -> redis.Redis:
    """A client for ``REDIS_URL`` with scrapy-redis' defaults (and ``REDIS_PARAMS``) that
    rides out a Redis restart or failover: a command that finds Redis gone is retried with
    backoff for ``REDIS_RETRY_SECONDS`` (or ``retry_seconds``). scrapy-redis' client tried
    once more at once, so a restart of a second failed the lease, the enqueue of follow-up
    links or an article's state write in between, and those requests and items were lost.

    ``timeout`` (the start check's): socket timeouts at most that long, and a timeout is
    not retried, so a server that never answers (a TLS handshake sent to a plain port)
    fails in seconds rather than after several of scrapy-redis' 30 s timeouts.

    Its parameters are :func:`redis_params`' (RESP2 unless ``REDIS_PARAMS`` says)."""
    params = redis_params(settings)
    if timeout is not None:
        for name in ("socket_timeout", "socket_connect_timeout"):
            given = params.get(name, defaults.REDIS_PARAMS.get(name))
            params[name] = min(float(given), timeout) if given else timeout
        params["retry_on_timeout"] = False  # scrapy-redis' default adds timeouts to retry
    if "retry" not in params:
        seconds = settings.getfloat("REDIS_RETRY_SECONDS", 10.0) if retry_seconds is None \
            else retry_seconds
        params["retry"] = patient_retry(seconds, timeouts=timeout is None)
    given = {name: settings.get(name) for name in SETTINGS_PARAMS_MAP}
    client = get_redis_from_settings(Settings({**given, "REDIS_PARAMS": params}))
    shared_outage(client)
    return client


class OutageRetry(Retry):
    """redis-py's retry of a failed connection or command, for at most ``seconds`` of wall
    time, except when the server's TLS certificate is not trusted (expired, replaced by one
    of another CA) or Redis refuses the credentials (:data:`REFUSALS`): that is no outage,
    and retrying it blocked the crawl for ``REDIS_RETRY_SECONDS`` at every command.

    A frozen Redis (SIGSTOP, a stalled VM) takes connections but answers nothing, so each
    attempt lasts the whole socket timeout, in the reactor's thread: the retries of one
    command, counted in attempts, blocked the worker for minutes (13 x 30 s by default),
    silently, and the frontier monitor could not close it. Once a command gave up on a
    timeout, Redis is failing (for every client of this process on that server:
    :func:`shared_outage`): a command then fails at once, unsent, until a PING of its own
    with a short timeout (:func:`ping_once`), tried every ``PROBE_SECONDS``, is answered.
    The worker learns of the outage within a socket timeout or so, defers its requests and
    closes after ``REDIS_WORKER_TTL``, as for a Redis down (whose refusals cost nothing:
    those are tried, and retried, as before)."""

    PROBE_SECONDS = 1.0

    def __init__(self, backoff: Any, retries: int, seconds: float, **kwargs: Any) -> None:
        super().__init__(backoff, retries, **kwargs)
        self.seconds = seconds
        self.outage = _Outage()

    def __deepcopy__(self, memo: dict[int, Any]) -> OutageRetry:
        return copy.copy(self)  # one outage state for all connections of a client

    def call_with_retry(self, do: Any, fail: Any, is_retryable: Any = None,
                        **kwargs: Any) -> Any:
        self.outage.check()
        deadline = time.monotonic() + self.seconds

        def retryable(error: Exception) -> bool:
            if refused(error) or self.outage.last is not None or time.monotonic() >= deadline:
                return False
            return is_retryable is None or is_retryable(error)
        try:
            # No success ends an outage here: redis-py's connect() of a pooled connection
            # whose socket is open "succeeds" without a word to Redis.
            return super().call_with_retry(do, fail, is_retryable=retryable, **kwargs)
        except self._supported_errors as error:
            if cause_of(error, redis.TimeoutError) is not None:  # each attempt costs a timeout
                self.outage.failed(error)
            raise


def refused(error: BaseException) -> bool:
    """Whether Redis refused this worker (its TLS certificate, its credentials): no outage."""
    return certificate_refusal(error) is not None or credentials_refusal(error) is not None


class _Outage:
    """The last command that gave up on a Redis server timing out, if Redis has not answered
    since; shared by the clients of that server (:func:`shared_outage`) and the copies of
    their retries. ``probe`` asks Redis whether it answers again (raises if not)."""

    def __init__(self) -> None:
        self.last: Exception | None = None
        self.probe_at = 0.0
        self.probe: Callable[[], None] | None = None

    def failed(self, error: Exception) -> None:
        self.last, self.probe_at = error, time.monotonic() + OutageRetry.PROBE_SECONDS

    def check(self) -> None:
        """Fail at once while Redis fails, but ask it again every probe interval: in
        redis-py 8 every command connects first (``Connection.connect`` goes through the
        retry), and a new connection's handshake waited the whole socket timeout."""
        if self.last is None:
            return
        if time.monotonic() >= self.probe_at:
            error = self.unanswered()
            if error is None:
                self.last = None
                return
            self.failed(error)  # the next probe a probe interval after this one ended
        raise redis.ConnectionError(f"Redis failed moments ago ({self.last}); not sent") \
            from self.last

    def unanswered(self) -> Exception | None:
        """The probe's failure; None once Redis answers (an error reply, a refusal of the
        credentials, is an answer: the command then meets it itself)."""
        if self.probe is None:
            return None  # no way to ask apart: the command asks
        try:
            self.probe()
        except REFUSALS:
            return None
        except redis.ResponseError:
            return None
        except (redis.RedisError, OSError) as error:
            return error
        return None


# One outage state per Redis server and process: a worker's scheduler and state store each
# have a client, and the second waited a socket timeout of its own to learn Redis was frozen.
_OUTAGES: weakref.WeakValueDictionary[tuple[Any, ...], _Outage] = \
    weakref.WeakValueDictionary()
PROBE_TIMEOUT = 0.5  # the probe's socket timeouts (or the client's, if shorter)


def shared_outage(client: redis.Redis) -> None:
    """Give ``client``'s retry (:class:`OutageRetry`) the outage state of its server, with a
    probe on a connection of its own. Before the client's first connection, which copies
    the retry."""
    pool = client.connection_pool
    retry = pool.connection_kwargs.get("retry")
    if not isinstance(retry, OutageRetry):
        return  # REDIS_PARAMS gave a retry of its own
    kwargs = pool.connection_kwargs
    server = (pool.connection_class, *(kwargs.get(name) for name in
                                       ("host", "port", "path", "db", "username")))
    outage = _OUTAGES.setdefault(server, retry.outage)
    if outage.probe is None:
        own = {name: value for name, value in kwargs.items() if name != "retry"}  # no cycle
        outage.probe = functools.partial(ping_once, pool.connection_class, own)
    retry.outage = outage


def ping_once(kind: type, kwargs: dict[str, Any]) -> None:
    """PING on a new connection of ``kind`` made with ``kwargs`` but short timeouts and no
    retry, closed after: at most about :data:`PROBE_TIMEOUT` per step against a frozen
    Redis, never the pool's connections or their socket timeout."""
    given = kwargs.get("socket_timeout")
    timeout = min(float(given), PROBE_TIMEOUT) if given else PROBE_TIMEOUT
    conn = kind(**{**kwargs, "socket_timeout": timeout, "socket_connect_timeout": timeout,
                   "retry": Retry(NoBackoff(), 0), "retry_on_timeout": False,
                   "retry_on_error": [], "health_check_interval": 0})
    try:
        conn.connect()
        conn.send_command("PING")
        conn.read_response()
    finally:
        conn.disconnect()


def patient_retry(seconds: float, timeouts: bool = True) -> Retry:
    """Retries with exponential backoff (0.1 s, doubling, at most 1 s) for ``seconds``; of
    timeouts too unless ``timeouts`` is false; never of an untrusted TLS certificate or
    refused credentials."""
    backoff, waited, retries = ExponentialBackoff(cap=1.0, base=0.05), 0.0, 0
    while waited < seconds:
        retries += 1
        waited += backoff.compute(retries)
    if timeouts:
        return OutageRetry(backoff, retries, seconds)
    return OutageRetry(backoff, retries, seconds, supported_errors=(redis.ConnectionError,))


def url_problem(url: str) -> str | None:
    """What is wrong with the form of ``url``, if anything. redis-py takes a database that
    is no number (``/abc``, ``?db=x``) for database 0: another project's data, or none."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"is not a URL ({exc})"
    if parts.scheme not in SCHEMES:
        return ("has no redis:// scheme: write redis://host:port/db (rediss:// for TLS, "
                "unix:///path/to/socket?db=N)")
    if parts.scheme == "unix":
        dbs = parse_qs(parts.query).get("db", [])
    else:
        dbs = [*([parts.path.strip("/")] if parts.path.strip("/") else []),
               *parse_qs(parts.query).get("db", [])]
    bad = [db for db in dbs if not db.isdigit()]
    if bad:
        return f"names database {bad[0]!r}, which is no number: write redis://host:port/N"
    return None


def connect(settings: Any) -> redis.Redis:
    """A client for ``REDIS_URL`` that answers; raise :class:`RedisUnavailable` naming the
    URL (password hidden) and the fix if not."""
    url = redis_url(settings)
    shown = shown_url(url)
    problem = url_problem(url) if url else None
    if problem:
        raise RedisUnavailable(f"REDIS_URL={shown} {problem}.")
    try:
        client = redis_client(settings, retry_seconds=1.0, timeout=CHECK_TIMEOUT)  # say it now
    except ValueError as exc:
        raise RedisUnavailable(f"REDIS_URL={shown} is not a Redis URL: {exc}.") from None
    problem = option_problem(client.connection_pool) or tls_file_problem(client.connection_pool)
    if problem:
        raise RedisUnavailable(f"REDIS_URL={shown}: {problem}.")
    try:
        client.ping()
    except redis.AuthenticationError as exc:  # NOAUTH, WRONGPASS (a ConnectionError)
        raise RedisUnavailable(
            f"Redis at REDIS_URL={shown} refused the credentials ({exc}): give its password "
            "in REDIS_URL as redis://:PASSWORD@host:port/db, or with an ACL user as "
            "redis://USER:PASSWORD@host:port/db.") from None
    except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
        raise RedisUnavailable(unreachable(exc, shown, client)) from None
    except redis.ResponseError as exc:
        raise RedisUnavailable(f"Redis at REDIS_URL={shown} refused the connection: {exc}.") \
            from None
    return client


def option_problem(pool: redis.ConnectionPool) -> str | None:
    """An option (of the URL's query or ``REDIS_PARAMS``) the connection does not take, if
    any: redis-py hands every unknown query option to the connection, which raised a
    TypeError at the first command."""
    known = accepted_options(pool.connection_class)
    if known is None:
        return None
    unknown = sorted(name for name in pool.connection_kwargs if name not in known)
    if not unknown:
        return None
    if all(name.startswith("ssl_") for name in unknown) and \
            not issubclass(pool.connection_class, redis.SSLConnection):
        return (f"gives the TLS option {unknown[0]} to a connection without TLS: write "
                "rediss:// for TLS")
    close = difflib.get_close_matches(unknown[0], known, n=1)
    hint = f"the nearest one redis-py takes is {close[0]}" if close else \
        "see redis-py's connection options"
    return f"has the unknown option {unknown[0]} (in the query string or REDIS_PARAMS); {hint}"


def accepted_options(kind: type) -> set[str] | None:
    """The keyword arguments ``kind`` and its bases take; None when one takes any."""
    names: set[str] = set()
    for cls in kind.__mro__:
        init = cls.__dict__.get("__init__")
        if init is None:
            continue
        params = inspect.signature(init).parameters.values()
        names.update(p.name for p in params if p.kind is not p.VAR_KEYWORD)
        if not any(p.kind is p.VAR_KEYWORD for p in params):
            return names
    return None


def unreachable(exc: BaseException, shown: str, client: redis.Redis) -> str:
    """Why Redis at ``shown`` did not answer, by class. redis-py reports every failure to
    connect alike; the TLS ones (and a scheme not matching the port) were taken for a Redis
    not running."""
    return tls_diagnosis(exc, shown, client.connection_pool) or (
        f"Cannot reach Redis at REDIS_URL={shown}: {exc}. Start redis-server there, or drop "
        "REDIS_URL to crawl on this machine alone.")


def check_redis(settings: Any, spiders: Sequence[str] = ()) -> redis.Redis:
    """:func:`connect`, and make sure the run can keep its keys there: writes accepted, the
    worker's commands allowed on the state's keys and on the run keys of ``spiders``, no
    eviction of any key. Once per process, before any spider starts (it may
    warn)."""
    client = connect(settings)
    shown = shown_url(redis_url(settings))
    check_writable(client, settings, shown)
    for prefix in (state_prefix(settings), *spiders):  # a run's: <spider>:<run>:… (frontier)
        check_commands(client, prefix, shown)
    check_eviction(client, shown)
    return client


def full(shown: str, error: object) -> str:
    return (f"Redis at REDIS_URL={shown} is full ({error}): raise its maxmemory or free "
            "memory before crawling.")


def _full(error: object) -> bool:
    """A refusal of a Redis out of memory (``maxmemory`` reached with ``noeviction``), as the
    OOM error, or its words inside a script's or a transaction's reply."""
    return isinstance(error, redis.OutOfMemoryError) or "used memory > 'maxmemory'" in str(error)


def check_writable(client: redis.Redis, settings: Any, shown: str) -> None:
    """Write one short-lived key, as the run will write its frontier and state."""
    prefix = state_prefix(settings)
    try:
        client.set(f"{prefix}:write-check", "1", px=10_000)
    except redis.ReadOnlyError:
        raise RedisUnavailable(
            f"Redis at REDIS_URL={shown} is a read-only replica: the run cannot write its "
            "frontier or state there. Point REDIS_URL at the primary.") from None
    except redis.OutOfMemoryError as exc:
        raise RedisUnavailable(full(shown, exc)) from None
    except redis.exceptions.NoPermissionError as exc:  # an ACL user's keys or SET denied
        raise RedisUnavailable(denied(shown, f"NOPERM {exc}")) from None
    except redis.ResponseError as exc:  # MISCONF of a failed save …
        raise RedisUnavailable(f"Redis at REDIS_URL={shown} refused a write: {exc}.") from None


# What the worker's scheduler, dupefilter and state store run (in their Lua scripts and
# directly), each tried on a key of the check's own with redis.pcall: a command an ACL user
# is denied fails the same way in a script and outside it. DEL comes first, on keys not yet
# there, so a user denied it leaves nothing behind. The state store's transactions
# (MULTI/EXEC) cannot run in a script: see check_transaction.
WORKER_COMMANDS = (
    ("DEL", "s", "n", "set", "h", "z", "l"), ("SET", "s", "1", "PX", "10000"),
    ("SET", "s", "1", "NX"), ("GET", "s"), ("EXISTS", "s"), ("INCR", "n"),
    ("SADD", "set", "a"), ("SMEMBERS", "set"), ("SCARD", "set"), ("SREM", "set", "a"),
    ("HSET", "h", "f", "v"), ("HGET", "h", "f"), ("HMGET", "h", "f"), ("HGETALL", "h"),
    ("HLEN", "h"), ("HSCAN", "h", "0"), ("HDEL", "h", "f"),
    ("ZADD", "z", "1", "a"), ("ZSCORE", "z", "a"),
    ("ZCOUNT", "z", "-inf", "(1"), ("ZRANGE", "z", "0", "0", "WITHSCORES"), ("ZREM", "z", "b"),
    ("ZCARD", "z"), ("ZPOPMIN", "z"), ("HEXISTS", "h", "f"),
    ("RPUSH", "l", "a"), ("LLEN", "l"), ("LRANGE", "l", "0", "-1"),
    ("DEL", "s", "n", "set", "h", "z", "l"),
)
# The Redis version each command the worker runs came with (redis.io's "Available since"; the
# options it uses are as old: SET's PX and NX 2.6.12, HSET of several fields 4.0, ZADD's NX
# 3.0.2), for the start check to name when Redis does not know one: all are in Redis 5.0
# (Debian 11, Ubuntu 20.04). A new command goes here and in WORKER_COMMANDS.
COMMAND_SINCE = {
    "DEL": "1.0.0", "SET": "1.0.0", "GET": "1.0.0", "EXISTS": "1.0.0", "INCR": "1.0.0",
    "SADD": "1.0.0", "SMEMBERS": "1.0.0", "SCARD": "1.0.0", "SREM": "1.0.0",
    "HSET": "2.0.0", "HGET": "2.0.0", "HMGET": "2.0.0", "HGETALL": "2.0.0", "HLEN": "2.0.0",
    "HSCAN": "2.8.0", "HDEL": "2.0.0", "HEXISTS": "2.0.0",
    "ZADD": "1.2.0", "ZSCORE": "1.2.0", "ZCOUNT": "2.0.0", "ZRANGE": "1.2.0", "ZREM": "1.2.0",
    "ZCARD": "1.2.0", "ZPOPMIN": "5.0.0", "RPUSH": "1.0.0", "LLEN": "1.0.0",
    "LRANGE": "1.0.0", "EVAL": "2.6.0", "MULTI": "1.2.0", "EXEC": "1.2.0",
}
UNKNOWN_COMMAND = re.compile(r"unknown (redis )?command", re.IGNORECASE)
# ARGV: the commands, each as its argument count then its words; a word naming a key is
# prefixed with KEYS[1]. Returns the first command refused and Redis' error, or nothing.
_TRY_COMMANDS = """
local i, keys = 1, {s=1, n=1, set=1, h=1, z=1, l=1}
while i <= #ARGV do
  local n, call = tonumber(ARGV[i]), {}
  for j = 1, n do
    local word = ARGV[i + j]
    if j > 1 and keys[word] then
      word = KEYS[1] .. ':' .. word
    end
    call[j] = word
  end
  local reply = redis.pcall(unpack(call))
  if type(reply) == 'table' and reply.err then
    redis.pcall('DEL', KEYS[1] .. ':s', KEYS[1] .. ':n', KEYS[1] .. ':set', KEYS[1] .. ':h',
                KEYS[1] .. ':z', KEYS[1] .. ':l')
    return {call[1], reply.err}
  end
  i = i + n + 1
end
return {}
"""


def check_commands(client: redis.Redis, prefix: str, shown: str) -> None:
    """Run what the worker runs (:data:`WORKER_COMMANDS` in a script, a MULTI/EXEC
    transaction) on keys of the check's own under ``prefix``: an ACL user allowed SET and
    GET but not scripts, or one of those commands, or denied the keys, passed the one SET
    and failed once the spider opened."""
    key = f"{prefix}:access-check:{uuid.uuid4().hex[:8]}"
    argv = [word for command in WORKER_COMMANDS for word in (len(command), *command)]
    try:
        refused = client.eval(_TRY_COMMANDS, 1, key, *argv)
    except redis.exceptions.NoPermissionError as exc:  # EVAL itself, or the key
        raise RedisUnavailable(denied(shown, f"NOPERM {exc}")) from None
    except redis.ResponseError as exc:
        if _full(exc):
            raise RedisUnavailable(full(shown, exc)) from None
        raise RedisUnavailable(f"Redis at REDIS_URL={shown} refused a Lua script (EVAL), "
                               f"which the crawl's frontier runs: {exc}.") from None
    if refused:
        command, error = (_text(part) for part in refused)
        if _full(error):
            raise RedisUnavailable(full(shown, error))
        if UNKNOWN_COMMAND.search(error):
            raise RedisUnavailable(too_old(client, shown, command, error))
        raise RedisUnavailable(denied(
            shown, f"NOPERM this user has no permissions to run the '{command.lower()}' "
                   f"command (in a Lua script: {error})"))
    check_transaction(client, key, shown)


def check_transaction(client: redis.Redis, key: str, shown: str) -> None:
    """MULTI, SET, EXEC on one connection, each reply read: redis-py's pipeline reports a
    MULTI denied as 'EXEC without MULTI', naming no permission."""
    conn = client.connection_pool.get_connection()
    try:
        for command in (("MULTI",), ("SET", f"{key}:t", "1", "PX", "10000"), ("EXEC",),
                        ("DEL", f"{key}:t")):
            conn.send_command(*command)
            conn.read_response()
    except redis.exceptions.NoPermissionError as exc:
        conn.disconnect()  # may be inside MULTI still
        raise RedisUnavailable(denied(shown, f"NOPERM {exc} (MULTI/EXEC)")) from None
    except redis.ResponseError as exc:
        conn.disconnect()
        if _full(exc):
            raise RedisUnavailable(full(shown, exc)) from None
        raise RedisUnavailable(f"Redis at REDIS_URL={shown} refused a MULTI/EXEC "
                               f"transaction, which the state store writes with: {exc}.") \
            from None
    finally:
        client.connection_pool.release(conn)


def too_old(client: redis.Redis, shown: str, command: str, error: str) -> str:
    """The start check's refusal of a Redis that does not know a command the worker runs:
    too old for it (or the command renamed away), which no ACL change mends."""
    since = COMMAND_SINCE.get(command.upper(), "?")
    try:
        version = f"; this server is Redis {_text(client.info('server')['redis_version'])}"
    except (redis.RedisError, KeyError):
        version = ""
    return (f"Redis at REDIS_URL={shown} does not know the '{command.lower()}' command, which "
            f"a crawl runs ({error}): it needs Redis {since} or later{version}. Upgrade "
            "Redis, or, if the command was renamed or disabled (rename-command in "
            "redis.conf), enable it again.")


def denied(shown: str, error: str) -> str:
    """The start check's refusal of an ACL user denied a command or key the worker needs."""
    commands = sorted({command[0] for command in WORKER_COMMANDS})
    return (f"Redis at REDIS_URL={shown} does not allow this worker what a crawl needs: "
            f"{error}. Allow its ACL user scripts (EVAL), MULTI/EXEC and "
            f"{', '.join(commands)} on all keys (e.g. ACL SETUSER USER +@all ~* &*), or use "
            "another user.")


def check_eviction(client: redis.Redis, shown: str) -> None:
    """Refuse a Redis that, when full, evicts any key: queued requests and article state
    would vanish silently. Warn on one evicting keys with a TTL (only the workers' liveness
    keys have one: a live worker taken for dead, a repeated download) and when the policy
    cannot be read (managed Redis often refuses CONFIG)."""
    try:
        config = {_text(k): _text(v) for k, v in client.config_get("maxmemory*").items()}
    except redis.ResponseError as exc:
        logger.warning("Cannot read the maxmemory-policy of Redis at REDIS_URL=%s (%s): make "
                       "sure it is noeviction, or queued requests and article state may be "
                       "evicted when it is full.", shown, exc)
        return
    policy = config.get("maxmemory-policy", "noeviction")
    limit = int(config.get("maxmemory", "0") or 0)
    if policy == "noeviction" or limit == 0:  # no limit: nothing is ever evicted
        return
    if policy.startswith("allkeys-"):
        raise RedisUnavailable(
            f"Redis at REDIS_URL={shown} has maxmemory-policy {policy} (maxmemory {limit}): "
            "when full it evicts any key, so queued requests and article state would vanish "
            "silently. Set maxmemory-policy noeviction (CONFIG SET maxmemory-policy "
            "noeviction, and in redis.conf), or use another Redis.")
    logger.warning("Redis at REDIS_URL=%s has maxmemory-policy %s (maxmemory %d): when full it "
                   "may evict the workers' liveness keys, so a live worker is taken for dead "
                   "and its requests downloaded twice. noeviction is safer.", shown, policy,
                   limit)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def unreachable_at_start(settings: Any, spiders: Sequence[str] = ()) -> bool:
    """For the crawl commands, before any spider starts: with ``REDIS_URL`` in effect, check
    Redis once (:func:`check_redis`, with the keys of the ``spiders`` to run); if it cannot
    serve the run, print one clear error and return True (exit 1)."""
    if not redis_url(settings) or settings.get("WARC_REPLAY"):  # replay ignores REDIS_URL
        return False
    try:
        check_redis(settings, spiders)
    except RedisUnavailable as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return True
    return False

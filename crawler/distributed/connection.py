"""One way to reach Redis, and one clear error when it cannot be used for a run.

Checked once before any spider starts, by class of Redis set-up: unreachable, a TLS
certificate not trusted, a password or ACL user missing or wrong, a read-only replica, a full Redis or a user not allowed to write,
an eviction policy that may drop the frontier or the article state, a malformed URL. Each is
one error naming ``REDIS_URL`` (its password hidden) and the fix.
"""

from __future__ import annotations

import difflib
import inspect
import logging
import os
import re
import socket
import ssl
import sys
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry
from scrapy.settings import Settings
from scrapy_redis import defaults
from scrapy_redis.connection import SETTINGS_PARAMS_MAP, get_redis_from_settings

logger = logging.getLogger(__name__)

SCHEMES = ("redis", "rediss", "unix")
CHECK_TIMEOUT = 5.0  # the start check's socket timeouts: an answer, or a clear error, soon
E = TypeVar("E", bound=BaseException)
SECRET_QUERY = re.compile(r"((?:^|&)(?:ssl_)?password=)[^&]*", re.IGNORECASE)


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


def redis_client(settings: Any, retry_seconds: float | None = None,
                 timeout: float | None = None) -> redis.Redis:
    """A client for ``REDIS_URL`` with scrapy-redis' defaults (and ``REDIS_PARAMS``) that
    rides out a Redis restart or failover: a command that finds Redis gone is retried with
    backoff for ``REDIS_RETRY_SECONDS`` (or ``retry_seconds``). scrapy-redis' client tried
    once more at once, so a restart of a second failed the lease, the enqueue of follow-up
    links or an article's state write in between, and those requests and items were lost.

    ``timeout`` (the start check's): socket timeouts at most that long, and a timeout is
    not retried, so a server that never answers (a TLS handshake sent to a plain port)
    fails in seconds rather than after several of scrapy-redis' 30 s timeouts."""
    params = settings.getdict("REDIS_PARAMS")
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
    return get_redis_from_settings(Settings({**given, "REDIS_PARAMS": params}))


def patient_retry(seconds: float, timeouts: bool = True) -> Retry:
    """Retries with exponential backoff (0.1 s, doubling, at most 1 s) for about ``seconds``;
    of timeouts too unless ``timeouts`` is false."""
    backoff, waited, retries = ExponentialBackoff(cap=1.0, base=0.05), 0.0, 0
    while waited < seconds:
        retries += 1
        waited += backoff.compute(retries)
    if timeouts:
        return Retry(backoff, retries)
    return Retry(backoff, retries, supported_errors=(redis.ConnectionError,))


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


HANDSHAKE = ("ALERT", "CIPHER", "PROTOCOL", "VERSION")  # OpenSSL reasons of a failed handshake
TLS_FILES = ("ssl_ca_certs", "ssl_ca_path", "ssl_certfile", "ssl_keyfile")


def tls_file_problem(pool: redis.ConnectionPool) -> str | None:
    """What is wrong with the TLS files given (in the URL or ``REDIS_PARAMS``), if anything.
    redis-py opens them only when connecting and reports a missing one as 'Error 2
    connecting to host:port', naming no file."""
    if not issubclass(pool.connection_class, redis.SSLConnection):
        return None
    given = {name: pool.connection_kwargs.get(name) for name in TLS_FILES}
    for name, path in given.items():
        if path and not os.access(path, os.R_OK):
            why = "cannot be read" if os.path.exists(path) else "does not exist"
            return f"TLS option {name}={path} {why}"
    context = ssl.create_default_context()
    if given["ssl_ca_certs"] or given["ssl_ca_path"]:
        try:
            context.load_verify_locations(given["ssl_ca_certs"], given["ssl_ca_path"])
        except ssl.SSLError as exc:
            return (f"TLS option ssl_ca_certs={given['ssl_ca_certs']} holds no CA certificate "
                    f"in PEM form ({exc.reason or exc})")
    if given["ssl_keyfile"] and not given["ssl_certfile"]:
        return f"TLS option ssl_keyfile={given['ssl_keyfile']} is given without ssl_certfile"
    return _client_cert_problem(context, given["ssl_certfile"], given["ssl_keyfile"],
                                pool.connection_kwargs.get("ssl_password"))


def _client_cert_problem(context: ssl.SSLContext, certfile: str | None, keyfile: str | None,
                         password: str | None) -> str | None:
    """Whether the client certificate and its key load (an encrypted key without
    ``ssl_password`` fails here instead of prompting on the terminal)."""
    if not certfile:
        return None
    try:
        context.load_cert_chain(certfile, keyfile, password=password or (lambda: b""))
    except ssl.SSLError as exc:
        reason = str(exc.reason or exc)
        if "KEY_VALUES_MISMATCH" in reason:
            return (f"TLS option ssl_keyfile={keyfile} is not the key of the certificate "
                    f"ssl_certfile={certfile} ({reason})")
        if keyfile is None:
            return (f"TLS option ssl_certfile={certfile} holds no private key (or no PEM "
                    "certificate): give the key as ssl_keyfile=/path/worker.key")
        return (f"TLS options ssl_certfile={certfile}, ssl_keyfile={keyfile}: no PEM "
                f"certificate and private key there, or the key is encrypted and ssl_password= "
                f"is missing or wrong ({reason})")
    return None


def unreachable(exc: BaseException, shown: str, client: redis.Redis) -> str:
    """Why Redis at ``shown`` did not answer, by class. redis-py reports every failure to
    connect alike; the TLS ones were taken for a Redis not running."""
    verify = _cause(exc, ssl.SSLCertVerificationError)
    if verify is not None:
        return (f"Redis at REDIS_URL={shown} presented a TLS certificate this worker does not "
                f"trust (certificate verify failed: {verify.verify_message}). Give the CA that "
                "signed it in REDIS_URL as ?ssl_ca_certs=/path/ca.crt, connect by a host name "
                "the certificate was issued for, or renew an expired certificate.")
    pool = client.connection_pool
    address = (pool.connection_kwargs.get("host"), pool.connection_kwargs.get("port"))
    tls = issubclass(pool.connection_class, redis.SSLConnection)
    if address[0] and tls and _speaks_plain_redis(address):
        return (f"Redis at REDIS_URL={shown} answers without TLS: it is a plain port. Write "
                "redis:// for it, or rediss:// with the port of redis-server's --tls-port.")
    if address[0] and tls and _cause(exc, ssl.SSLError) and _demands_client_cert(address):
        given = pool.connection_kwargs.get("ssl_certfile")
        if given:
            return (f"Redis at REDIS_URL={shown} did not accept the client certificate "
                    f"ssl_certfile={given}: give one signed by a CA of the server's "
                    "--tls-ca-cert-file (and its key as ssl_keyfile=).")
        return (f"Redis at REDIS_URL={shown} demands a client certificate (redis-server "
                "--tls-auth-clients yes): give this worker's certificate and key in REDIS_URL "
                "as &ssl_certfile=/path/worker.crt&ssl_keyfile=/path/worker.key.")
    handshake = _cause(exc, ssl.SSLError) if tls else None
    if handshake is not None and any(word in str(handshake.reason) for word in HANDSHAKE):
        return (f"The TLS handshake with Redis at REDIS_URL={shown} failed "
                f"({handshake.strerror or handshake}): the server and this worker share no "
                "TLS version or cipher. Compare the options ssl_min_version and ssl_ciphers "
                "with the server's --tls-protocols and --tls-ciphers.")
    if address[0] and not tls and _speaks_tls(address):
        return (f"Redis at REDIS_URL={shown} speaks TLS on that port: write rediss://… (with "
                "?ssl_ca_certs=/path/ca.crt for a CA of its own).")
    return (f"Cannot reach Redis at REDIS_URL={shown}: {exc}. Start redis-server there, or "
            "drop REDIS_URL to crawl on this machine alone.")


def _speaks_plain_redis(address: tuple[Any, Any]) -> bool:
    """Whether the server at ``address`` answers a plain-text PING (``+PONG``, ``-NOAUTH`` …)."""
    try:
        with socket.create_connection(address, timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64)[:1] in (b"+", b"-")
    except OSError:
        return False


def _speaks_tls(address: tuple[Any, Any]) -> bool:
    """Whether the server at ``address`` completes a TLS handshake (any certificate)."""
    try:
        with _tls_socket(address):
            return True
    except OSError:
        return False


def _demands_client_cert(address: tuple[Any, Any]) -> bool:
    """Whether the TLS server at ``address``, shown no client certificate, refuses it: TLS
    1.2 fails the handshake, TLS 1.3 drops the connection after it instead of answering."""
    try:
        sock = _tls_socket(address)
    except ssl.SSLError as exc:
        return any(alert in str(exc.reason) for alert in ("CERTIFICATE_REQUIRED",
                                                          "HANDSHAKE_FAILURE"))
    except OSError:
        return False
    with sock:
        try:
            sock.sendall(b"PING\r\n")
            return sock.recv(64)[:1] not in (b"+", b"-")
        except TimeoutError:
            return False
        except OSError:  # the refusal: an alert, a reset
            return True


def _tls_socket(address: tuple[Any, Any]) -> ssl.SSLSocket:
    """A TLS connection to ``address`` trusting any certificate, without one of its own."""
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    sock = socket.create_connection(address, timeout=2)
    try:
        return context.wrap_socket(sock, server_hostname=str(address[0]))
    except BaseException:
        sock.close()
        raise


def _cause(exc: BaseException | None, kind: type[E]) -> E | None:
    """The first exception of ``kind`` in the chain that led to ``exc``, if any."""
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, kind):
            return exc
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


def check_redis(settings: Any) -> redis.Redis:
    """:func:`connect`, and make sure the run can keep its keys there: writes accepted, no
    eviction of any key. Once per process, before any spider starts (it may warn)."""
    client = connect(settings)
    shown = shown_url(redis_url(settings))
    check_writable(client, settings, shown)
    check_eviction(client, shown)
    return client


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
        raise RedisUnavailable(
            f"Redis at REDIS_URL={shown} is full ({exc}): raise its maxmemory or free "
            "memory before crawling.") from None
    except redis.ResponseError as exc:  # NOPERM of an ACL user, MISCONF of a failed save …
        raise RedisUnavailable(f"Redis at REDIS_URL={shown} refused a write: {exc}.") from None


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


def unreachable_at_start(settings: Any) -> bool:
    """For the crawl commands, before any spider starts: with ``REDIS_URL`` in effect, check
    Redis once (:func:`check_redis`); if it cannot serve the run, print one clear error and
    return True (exit 1)."""
    if not redis_url(settings) or settings.get("WARC_REPLAY"):  # replay ignores REDIS_URL
        return False
    try:
        check_redis(settings)
    except RedisUnavailable as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return True
    return False

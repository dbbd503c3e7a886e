"""The start check of a distributed run against Redis set-ups users point it at: real
redis-servers with the configuration in question (eviction, passwords, replicas, databases)."""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from scrapy.settings import Settings
from scrapy_redis.connection import get_redis_from_settings

from crawler.distributed.addon import RedisAddon
from crawler.distributed.connection import (
    COMMAND_SINCE,
    WORKER_COMMANDS,
    RedisUnavailable,
    check_redis,
    redis_client,
    shown_url,
    unreachable_at_start,
)
from tests.support.redis import RedisServer, command_since


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[list[RedisServer]]:
    """Started servers, all stopped at the end (append to the list)."""
    started: list[RedisServer] = []
    yield started
    for server in started:
        server.stop()


def start(servers: list[RedisServer], tmp_path: Path, *options: str,
          password: str | None = None) -> RedisServer:
    directory = tmp_path / f"redis{len(servers)}"
    directory.mkdir()
    server = RedisServer(directory, *options, password=password)
    servers.append(server)
    return server


def refusal(url: str) -> str:
    with pytest.raises(RedisUnavailable) as info:
        check_redis(Settings({"REDIS_URL": url}))
    return str(info.value)


@pytest.mark.parametrize("policy", ["allkeys-lru", "allkeys-lfu", "allkeys-random"])
def test_a_redis_evicting_any_key_is_refused(servers: list[RedisServer], tmp_path: Path,
                                             policy: str) -> None:
    """Such a Redis drops queued requests and article state silently when full."""
    server = start(servers, tmp_path, "--maxmemory", "64mb", "--maxmemory-policy", policy)
    message = refusal(server.url)
    assert f"maxmemory-policy {policy}" in message and "noeviction" in message
    assert f"REDIS_URL={server.url}" in message


@pytest.mark.parametrize("policy", ["volatile-lru", "volatile-ttl"])
def test_a_redis_evicting_keys_with_a_ttl_is_a_warning(
        servers: list[RedisServer], tmp_path: Path, policy: str,
        caplog: pytest.LogCaptureFixture) -> None:
    """Only the workers' liveness keys carry a TTL: losing one costs a repeated download."""
    server = start(servers, tmp_path, "--maxmemory", "64mb", "--maxmemory-policy", policy)
    with caplog.at_level(logging.WARNING):
        check_redis(Settings({"REDIS_URL": server.url}))
    assert any(f"maxmemory-policy {policy}" in r.message and "noeviction" in r.message
               for r in caplog.records if r.levelno == logging.WARNING)


def test_noeviction_passes_silently(servers: list[RedisServer], tmp_path: Path,
                                    caplog: pytest.LogCaptureFixture) -> None:
    server = start(servers, tmp_path, "--maxmemory", "64mb", "--maxmemory-policy", "noeviction")
    with caplog.at_level(logging.WARNING):
        check_redis(Settings({"REDIS_URL": server.url}))
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_refused_config_command_is_a_warning_not_a_failure(
        servers: list[RedisServer], tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Managed Redis often renames or forbids CONFIG: the policy cannot be checked."""
    server = start(servers, tmp_path, "--rename-command", "CONFIG", "")
    with caplog.at_level(logging.WARNING):
        check_redis(Settings({"REDIS_URL": server.url}))
    assert any("maxmemory-policy" in r.message and "noeviction" in r.message
               for r in caplog.records if r.levelno == logging.WARNING)


@pytest.mark.parametrize("credentials", ["", ":wrong-secret@", "nobody:wrong-secret@"])
def test_missing_or_wrong_password_is_one_clear_error_without_the_password(
        servers: list[RedisServer], tmp_path: Path, credentials: str) -> None:
    server = start(servers, tmp_path, "--requirepass", "s3cret", password="s3cret")
    url = f"redis://{credentials}127.0.0.1:{server.port}/0"
    message = refusal(url)
    assert "wrong-secret" not in message and "s3cret" not in message
    assert f"REDIS_URL={shown_url(url)}" in message
    assert "password" in message and "Start redis-server" not in message


def test_the_right_password_passes(servers: list[RedisServer], tmp_path: Path) -> None:
    server = start(servers, tmp_path, "--requirepass", "s3cret", password="s3cret")
    check_redis(Settings({"REDIS_URL": f"redis://:s3cret@127.0.0.1:{server.port}/0"}))


def test_shown_url_hides_only_the_password() -> None:
    assert shown_url("redis://u:pw@h:6379/2") == "redis://u:***@h:6379/2"
    assert shown_url("rediss://:pw@h/0?ssl_cert_reqs=none") == "rediss://:***@h/0?ssl_cert_reqs=none"
    assert shown_url("redis://h:6379/0") == "redis://h:6379/0"


def test_a_read_only_replica_is_refused(servers: list[RedisServer], tmp_path: Path) -> None:
    """It answers PING but every write of the run would fail with READONLY."""
    primary = start(servers, tmp_path)
    replica = start(servers, tmp_path, "--replicaof", "127.0.0.1", str(primary.port))
    message = refusal(replica.url)
    assert "read-only replica" in message and f"REDIS_URL={replica.url}" in message
    assert "primary" in message


def test_the_refusals_stop_the_crawl_command_with_one_error(
        servers: list[RedisServer], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = start(servers, tmp_path, "--requirepass", "s3cret", password="s3cret")
    assert unreachable_at_start(Settings({"REDIS_URL": server.url}))
    err = capsys.readouterr().err
    assert err.count("ERROR:") == 1 and f"REDIS_URL={server.url}" in err


@pytest.mark.parametrize("path", ["/3", "?db=3", "/0?db=3"])
def test_the_database_in_the_url_is_the_one_written(servers: list[RedisServer], tmp_path: Path,
                                                    path: str) -> None:
    server = start(servers, tmp_path)
    client = check_redis(Settings({"REDIS_URL": f"redis://127.0.0.1:{server.port}{path}"}))
    client.set("probe", "1")
    db3 = redis.Redis(host="127.0.0.1", port=server.port, db=3)
    assert db3.get("probe") == b"1" and server.client.get("probe") is None
    db3.close()


@pytest.mark.parametrize("path", ["/abc", "/1/2", "?db=x"])
def test_a_database_that_is_no_number_is_refused(servers: list[RedisServer], tmp_path: Path,
                                                 path: str) -> None:
    """redis-py quietly uses database 0 for these: another project's data, or an empty one."""
    server = start(servers, tmp_path)
    url = f"redis://127.0.0.1:{server.port}{path}"
    message = refusal(url)
    assert f"REDIS_URL={url}" in message and "database" in message


def test_a_database_out_of_range_is_named(servers: list[RedisServer], tmp_path: Path) -> None:
    server = start(servers, tmp_path)
    message = refusal(f"redis://127.0.0.1:{server.port}/99")
    assert "DB index is out of range" in message and "Start redis-server" not in message


@pytest.mark.parametrize("url", ["localhost:6379", "http://127.0.0.1:6379/0"])
def test_a_url_without_a_redis_scheme_is_refused(url: str) -> None:
    message = refusal(url)
    assert f"REDIS_URL={url}" in message and "redis://" in message


def test_a_tls_url_reaches_redis_py_as_tls() -> None:
    client = redis_client(Settings({"REDIS_URL": "rediss://:pw@cache.example:6380/2"}))
    kwargs = client.connection_pool.connection_kwargs
    assert client.connection_pool.connection_class.__name__ == "SSLConnection"
    assert (kwargs["host"], kwargs["port"], kwargs["db"], kwargs["password"]) == \
        ("cache.example", 6380, 2, "pw")


@pytest.mark.parametrize("change", [
    [("CONFIG", "SET", "requirepass", "n3w-secret")],
    [("ACL", "SETUSER", "default", "off")],
], ids=["password-changed", "user-disabled"])
def test_credentials_refused_mid_run_are_not_retried_as_an_outage(
        servers: list[RedisServer], tmp_path: Path, change: list[tuple[str, ...]]) -> None:
    """WRONGPASS is a ConnectionError to redis-py: the worker's client retried it for
    REDIS_RETRY_SECONDS at every command, blocking the crawl, as if Redis were down."""
    server = start(servers, tmp_path, "--requirepass", "s3cret", password="s3cret")
    settings = Settings({"REDIS_URL": f"redis://:s3cret@127.0.0.1:{server.port}/0",
                         "REDIS_RETRY_SECONDS": 10})
    client = redis_client(settings)
    assert client.ping()
    for command in change:
        server.client.execute_command(*command)
    server.client.execute_command("CLIENT", "KILL", "TYPE", "normal")  # its next connection
    started = time.monotonic()
    with pytest.raises(redis.AuthenticationError):
        client.ping()
    assert time.monotonic() - started < 2


def test_a_frozen_redis_costs_a_command_its_retry_seconds_then_fails_at_once(
        servers: list[RedisServer], tmp_path: Path) -> None:
    """A SIGSTOPped Redis takes connections and answers nothing: every retry waited the
    whole socket timeout, so one command blocked the worker for retries x timeout, and the
    next one as long again. The first gives up after about REDIS_RETRY_SECONDS, the next
    ones at once (but for a probe a second) until Redis answers again."""
    server = start(servers, tmp_path)
    settings = Settings({"REDIS_URL": server.url, "REDIS_RETRY_SECONDS": 2,
                         "REDIS_PARAMS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}})
    client = redis_client(settings)
    assert client.ping()
    server.proc.send_signal(signal.SIGSTOP)
    try:
        started = time.monotonic()
        with pytest.raises(redis.TimeoutError):
            client.ping()
        first = time.monotonic() - started
        started = time.monotonic()
        with pytest.raises(redis.ConnectionError):
            client.get("x")
        second = time.monotonic() - started
    finally:
        server.proc.send_signal(signal.SIGCONT)
    assert 2 <= first < 4.5, first  # not 6 attempts x 0.5 s + 2.5 s of backoff
    assert second < 0.1, second
    time.sleep(1)  # the next probe
    assert client.ping() and client.get("x") is None


@pytest.mark.parametrize(("denied", "named"), [
    (["-eval"], "'eval'"),  # SET and GET allowed, scripts not
    (["-@scripting"], "'eval'"),
    (["-zadd"], "'zadd'"),  # run by the frontier's scripts
    (["-hset"], "'hset'"),  # the state store's writes, the leases
    (["-multi"], "'multi'"),  # the state store's and the heartbeat's transactions
    (["resetkeys", "~elsewhere:*"], "keys"),
], ids=["eval", "scripting", "zadd", "hset", "multi", "keys"])
def test_a_user_denied_what_the_worker_needs_is_refused_at_start(
        servers: list[RedisServer], tmp_path: Path, denied: list[str], named: str) -> None:
    """An ACL user allowed SET and GET but not a command the scheduler, dupefilter or state
    store runs passed the start check (one SET) and failed once the spider opened, or later.
    The check runs those commands (in a script, as the worker does) and refuses at once."""
    server = start(servers, tmp_path)
    server.client.execute_command("ACL", "SETUSER", "worker", "on", ">w0rker-pw", "~*", "&*",
                                  "+@all", *denied)
    url = f"redis://worker:w0rker-pw@127.0.0.1:{server.port}/0"
    message = refusal(url)
    assert "NOPERM" in message and named in message, message
    assert f"REDIS_URL=redis://worker:***@127.0.0.1:{server.port}/0" in message, message
    assert "w0rker-pw" not in message
    assert server.client.keys("*access-check*") == []  # nothing left behind


def test_a_user_denied_the_spiders_run_keys_is_refused_at_start(
        servers: list[RedisServer], tmp_path: Path) -> None:
    """A user reaching the article state's keys but not the spider's run keys
    (``<spider>:<run>:requests`` …) passed the check (it tried the state prefix only) and
    failed at the spider's first frontier call; given the spiders to run, it is refused."""
    server = start(servers, tmp_path)
    server.client.execute_command("ACL", "SETUSER", "worker", "on", ">w0rker-pw",
                                  "~crawler:state:*", "&*", "+@all")
    settings = Settings({"REDIS_URL": f"redis://worker:w0rker-pw@127.0.0.1:{server.port}/0",
                         "BOT_NAME": "crawler"})
    check_redis(settings)  # the state's keys alone are allowed
    with pytest.raises(RedisUnavailable) as info:
        check_redis(settings, ["zerkalo", "belta"])
    assert "NOPERM" in str(info.value) and "keys" in str(info.value), info.value
    assert server.client.keys("*access-check*") == []


def test_a_user_allowed_what_the_worker_needs_passes_and_leaves_no_key(
        servers: list[RedisServer], tmp_path: Path) -> None:
    server = start(servers, tmp_path)
    server.client.execute_command("ACL", "SETUSER", "worker", "on", ">w0rker-pw", "~*", "&*",
                                  "+@all", "-flushall", "-keys")
    check_redis(Settings({"REDIS_URL": f"redis://worker:w0rker-pw@127.0.0.1:{server.port}/0"}))
    assert server.client.keys("*access-check*") == []


def test_a_frozen_redis_blocks_no_later_command_for_a_socket_timeout(
        servers: list[RedisServer], tmp_path: Path) -> None:
    """Once a command gave up on a frozen Redis, the one attempt a second let through went
    through redis-py's connect() first: a new connection's handshake waited the whole socket
    timeout (30 s by default: the worker blocked 30 s of every 31), and a pooled connection
    still open "connected" without a word to Redis and ended the outage, so the next command
    waited the socket timeout again. The attempt is a PING of its own with a short timeout:
    every later command returns within a second until Redis answers again."""
    server = start(servers, tmp_path)
    settings = Settings({"REDIS_URL": server.url, "REDIS_RETRY_SECONDS": 1,
                         "REDIS_PARAMS": {"socket_timeout": 4, "socket_connect_timeout": 4}})
    client = redis_client(settings)
    pool = client.connection_pool
    held = pool.get_connection()  # a second pooled connection, its socket open
    assert client.ping()
    server.proc.send_signal(signal.SIGSTOP)
    try:
        with pytest.raises(redis.TimeoutError):
            client.ping()  # the first one waits its socket timeout: nothing answers
        pool.release(held)  # the next command gets the open one
        waits, ended = [], time.monotonic() + 6
        while time.monotonic() < ended:
            started = time.monotonic()
            with pytest.raises((redis.ConnectionError, redis.TimeoutError)):
                client.get("x")
            waits.append(time.monotonic() - started)
            time.sleep(0.1)
    finally:
        server.proc.send_signal(signal.SIGCONT)
    assert max(waits) < 1, waits  # not the 4 s socket timeout
    assert sum(waits) < 3, waits
    time.sleep(1.1)  # the next attempt
    assert client.ping() and client.get("x") is None


@pytest.mark.parametrize("command", ["ZMSCORE", "HELLO"])
def test_a_redis_without_a_command_the_crawl_does_not_run_passes(
        servers: list[RedisServer], tmp_path: Path, command: str) -> None:
    """ZMSCORE came with Redis 6.2: the start check ran it, so every run against Redis 5.0
    or 6.0 (Debian 11, Ubuntu 20.04) was refused. HELLO came with 6.0: redis-py 8 opens each
    connection with HELLO 3 (RESP3), so Redis 5.0 refused every connection ("unknown command
    'HELLO'"). A Redis without them (renamed away here, as in 5.0) serves the run."""
    server = start(servers, tmp_path, "--rename-command", command, "")
    check_redis(Settings({"REDIS_URL": server.url}), ["belta"])
    assert server.client.keys("*access-check*") == []


def test_every_client_of_a_worker_speaks_resp2_unless_redis_params_says(
        servers: list[RedisServer], tmp_path: Path) -> None:
    """The worker's own clients (redis_client) and scrapy-redis' (built from REDIS_PARAMS as
    the add-on leaves it) speak RESP2, so a Redis without HELLO (5.0) serves both; the rest
    of REDIS_PARAMS is kept, and a protocol it names wins."""
    server = start(servers, tmp_path, "--rename-command", "HELLO", "")
    settings = Settings({"REDIS_URL": server.url, "REDIS_PARAMS": {"socket_timeout": 7}})
    RedisAddon().update_settings(settings)
    assert settings.getdict("REDIS_PARAMS") == {"socket_timeout": 7, "protocol": 2}
    for client in (get_redis_from_settings(settings), redis_client(settings)):
        assert client.ping()
        assert client.connection_pool.connection_kwargs["socket_timeout"] == 7
    told = Settings({"REDIS_URL": server.url, "REDIS_PARAMS": {"protocol": 3}})
    RedisAddon().update_settings(told)
    assert told.getdict("REDIS_PARAMS") == {"protocol": 3}
    assert redis_client(told).connection_pool.connection_kwargs["protocol"] == 3


def test_a_redis_not_knowing_a_command_the_crawl_runs_is_too_old_not_a_permission(
        servers: list[RedisServer], tmp_path: Path) -> None:
    """Redis not knowing a command (too old, or renamed away) was reported as NOPERM with
    advice to change ACLs: it names the command and the Redis version that has it."""
    server = start(servers, tmp_path, "--rename-command", "ZPOPMIN", "")
    message = refusal(server.url)
    assert "'zpopmin'" in message and "Redis 5.0.0 or later" in message, message
    assert "this server is Redis 7." in message, message
    assert "NOPERM" not in message and "ACL" not in message, message
    assert server.client.keys("*access-check*") == []


def test_the_version_each_command_came_with_is_the_one_redis_documents(
        servers: list[RedisServer], tmp_path: Path) -> None:
    """The start check's table of the Redis version each command of the worker came with
    (its message for a Redis too old) agrees with the server's own COMMAND DOCS, and none is
    newer than Redis 5.0."""
    server = start(servers, tmp_path)
    for name, since in COMMAND_SINCE.items():
        documented = command_since(server.client, name)
        assert documented == tuple(map(int, since.split("."))), name
        assert documented <= (5, 0, 0), name
    assert {c[0] for c in WORKER_COMMANDS} | {"EVAL", "MULTI", "EXEC"} <= set(COMMAND_SINCE)


@pytest.mark.parametrize("check", ["commands", "transaction"])
def test_a_redis_that_fills_during_the_start_checks_is_said_to_be_full(
        servers: list[RedisServer], tmp_path: Path, check: str) -> None:
    """The one SET passed with room to spare, then the script or the MULTI/EXEC met the
    limit: the refusal blamed the transaction (pointing at ACL permissions), not the
    memory."""
    from crawler.distributed.connection import check_commands, check_transaction

    server = start(servers, tmp_path, "--maxmemory-policy", "noeviction")
    client = redis.Redis.from_url(server.url)
    used = client.info("memory")["used_memory"]
    client.config_set("maxmemory", max(1, used - 4096))  # full now
    with pytest.raises(RedisUnavailable) as info:
        if check == "commands":
            check_commands(client, "s", server.url)
        else:
            check_transaction(client, "s:access-check:x", server.url)
    assert str(info.value).startswith(f"Redis at REDIS_URL={server.url} is full (")
    assert "raise its maxmemory" in str(info.value)

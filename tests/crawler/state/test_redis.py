"""The Redis state store against a real redis-server: the StateStore contract, the key
prefix, and the signature log other workers read incrementally."""

from __future__ import annotations

from scrapy.settings import Settings

from crawler.state import open_state
from crawler.state.redis import RedisStateStore
from tests.crawler.state.store_contract import (
    URL,
    check_removals,
    check_round_trip_and_replace,
    check_signatures,
    record,
)
from tests.support.redis import RedisServer, redis_server  # noqa: F401 (fixture)


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
    assert keys == {"news:state:articles"}
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

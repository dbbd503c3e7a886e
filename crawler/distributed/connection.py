"""One way to reach Redis, and one clear error when it cannot be reached."""

from __future__ import annotations

import sys
from typing import Any

import redis
from scrapy_redis.connection import get_redis_from_settings


class RedisUnavailable(RuntimeError):
    """Redis at REDIS_URL did not answer; the message names the URL, not a socket stack."""


def redis_url(settings: Any) -> str | None:
    return settings.get("REDIS_URL") or None


def redis_client(settings: Any) -> redis.Redis:
    """A client for ``REDIS_URL`` with scrapy-redis' defaults (and ``REDIS_PARAMS``)."""
    return get_redis_from_settings(settings)


def check_redis(settings: Any) -> redis.Redis:
    """Ping Redis once; raise :class:`RedisUnavailable` naming ``REDIS_URL`` if that fails."""
    client = redis_client(settings)
    try:
        client.ping()
    except (redis.ConnectionError, redis.TimeoutError, redis.AuthenticationError,
            redis.ResponseError, OSError) as exc:
        raise RedisUnavailable(
            f"Cannot reach Redis at REDIS_URL={redis_url(settings)!s}: {exc}. Start redis-server "
            "there, or drop REDIS_URL to crawl on this machine alone.") from None
    return client


def unreachable_at_start(settings: Any) -> bool:
    """For the crawl commands, before any spider starts: with ``REDIS_URL`` in effect, ping
    Redis once; if it does not answer, print one clear error and return True (exit 1)."""
    if not redis_url(settings) or settings.get("WARC_REPLAY"):  # replay ignores REDIS_URL
        return False
    try:
        check_redis(settings)
    except RedisUnavailable as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return True
    return False

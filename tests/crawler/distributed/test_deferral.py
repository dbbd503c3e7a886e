"""Which failures defer a request (kept leased, fetched again) rather than fail it."""

from __future__ import annotations

import pytest
import redis

from crawler.distributed.deferral import redis_cause, what_next


def _raised_from(cause: BaseException) -> Exception:
    """A callback's error raised while handling ``cause`` (as the Redis state store's)."""
    try:
        try:
            raise cause
        except Exception as exc:
            raise RuntimeError("the article state was not read") from exc
    except RuntimeError as outer:
        return outer


@pytest.mark.parametrize("outage", [
    redis.ConnectionError("Connection refused"), redis.TimeoutError("Timeout reading"),
    redis.BusyLoadingError("LOADING"), redis.exceptions.ReadOnlyError("READONLY replica"),
    redis.exceptions.TryAgainError("TRYAGAIN")])
def test_an_outage_of_redis_is_a_cause_to_defer(outage: redis.RedisError) -> None:
    assert redis_cause(_raised_from(outage)) is outage


@pytest.mark.parametrize("error", [
    redis.DataError("Invalid input of type: 'NoneType'"),
    redis.ResponseError("WRONGTYPE Operation against a key holding the wrong kind of value"),
    redis.exceptions.NoScriptError("No matching script"),
    redis.exceptions.OutOfMemoryError("OOM command not allowed")])
def test_a_redis_error_that_recurs_for_the_same_request_is_no_cause_to_defer(
        error: redis.RedisError) -> None:
    """Deferred, such a request was requeued and fetched again forever: the run never ended."""
    assert redis_cause(_raised_from(error)) is None
    assert redis_cause(error) is None


@pytest.mark.parametrize(("refusal", "says"), [
    (redis.exceptions.NoPermissionError("this user has no permissions to run the 'hset' "
                                        "command"), "Redis refused its permissions"),
    (redis.AuthenticationError("WRONGPASS invalid username-password pair"),
     "Redis refused its credentials")])
def test_a_deferred_request_names_the_refusal_as_the_monitor_does(
        refusal: redis.RedisError, says: str) -> None:
    """A NOPERM (an ACL user's command or keys revoked) was worded as credentials refused in
    the deferred request's line, while the frontier monitor's line said permissions."""
    why = what_next(object(), _raised_from(refusal))
    assert f"this worker is stopping ({says})" in why, why

"""Old-article re-checks: what is noted in the state store, and a store that refuses."""

from __future__ import annotations

import logging

from scrapy.utils.test import get_crawler

from crawler.rechecks import Rechecks


class _Store:
    def __init__(self, refuse: bool) -> None:
        self.refuse = refuse
        self.written: list[tuple[str, str]] = []

    def _write(self, name: str, url: str) -> None:
        if self.refuse:
            raise OSError(28, "No space left on device")
        self.written.append((name, url))

    def set_tried(self, url: str, stamp: str) -> None:
        self._write("tried", url)

    def set_checked(self, url: str, stamp: str) -> None:
        self._write("checked", url)


def _rechecks(refuse: bool) -> tuple[Rechecks, _Store]:
    crawler = get_crawler()
    crawler._article_state = store = _Store(refuse)
    return Rechecks(crawler), store


def test_a_check_asked_then_done_is_noted_tried_then_checked():
    rechecks, store = _rechecks(refuse=False)
    rechecks.asked("https://e.com/a")
    rechecks.done("https://e.com/a")
    rechecks.done("https://e.com/a")  # once only: it is no longer pending
    rechecks.done("https://e.com/never-asked")
    assert store.written == [("tried", "https://e.com/a"), ("checked", "https://e.com/a")]
    stats = rechecks.stats.get_stats()
    assert stats["incremental/recheck_old"] == 1
    assert stats["incremental/recheck_old_done"] == 1


def test_a_store_that_refuses_is_warned_and_counted_and_the_article_stays_due(caplog):
    rechecks, store = _rechecks(refuse=True)
    with caplog.at_level(logging.WARNING, logger="crawler.rechecks"):
        rechecks.asked("https://e.com/a")
        rechecks.done("https://e.com/a")
    assert store.written == []
    stats = rechecks.stats.get_stats()
    assert stats["incremental/recheck_old_try_not_recorded"] == 1
    assert stats["incremental/recheck_old_not_recorded"] == 1
    assert "incremental/recheck_old_done" not in stats
    messages = [r.getMessage() for r in caplog.records]
    assert any("https://e.com/a" in m and "try is not recorded" in m and "No space left" in m
               for m in messages), messages
    assert any("https://e.com/a" in m and "not recorded in the state store" in m
               and "checks it again" in m for m in messages), messages


def test_an_answer_to_a_recheck_another_worker_asked_for_is_noted_checked_here():
    """In a distributed run the request goes through the shared frontier: the worker that
    receives the answer did not ask for it, and its outcome used to be dropped (the article
    never noted checked, so asked for again at every retry)."""
    from scrapy import Request
    from scrapy.http import Response
    from scrapy.signals import response_received

    from crawler.rechecks import META_RECHECK
    rechecks, store = _rechecks(refuse=False)
    request = Request("https://e.com/a?amp", meta={META_RECHECK: "https://e.com/a"})
    other = Request("https://e.com/b", meta={"article": True})
    for each in (request, other):
        rechecks.crawler.signals.send_catch_log(response_received, request=each, spider=None,
                                                response=Response(each.url, request=each))
    rechecks.done("https://e.com/a")
    rechecks.done("https://e.com/b")  # no re-check: nothing noted
    assert store.written == [("checked", "https://e.com/a")]


def test_a_claim_made_in_a_thread_hands_its_stats_to_the_caller() -> None:
    """The due scan of a shared store runs in a thread; its claims counted straight into
    the stats, which the reactor's thread reads (and iterates at close) meanwhile. A caller
    may take the keys and add them on its own thread."""
    from crawler.rechecks import CLAIMED, TAKEN

    class Shared(_Store):
        def claim_check(self, url, tried, before, retry_before, key, budget):
            if url.endswith("/b"):
                raise OSError("Redis went away")
            return TAKEN if url.endswith("/a") else CLAIMED

    rechecks, _ = _rechecks(refuse=False)
    store = Shared(refuse=False)
    counted: list[str] = []
    verdicts = [rechecks.claim(store, f"https://e.com/{k}", "x", "y", counted.append)
                for k in "abc"]
    assert verdicts == [TAKEN, CLAIMED, CLAIMED]
    assert counted == ["incremental/recheck_old_taken",
                       "incremental/recheck_old_try_not_recorded"]
    assert not {k for k in rechecks.stats.get_stats() if "recheck" in k}
    assert rechecks.claim(store, "https://e.com/a", "x", "y") == TAKEN  # no caller: stats
    assert rechecks.stats.get_value("incremental/recheck_old_taken") == 1

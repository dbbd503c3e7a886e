"""What every article state store must do (crawler.state.StateStore), checked the same way
for the SQLite and the Redis backend by their test modules."""

from __future__ import annotations

from collections.abc import Callable

from crawler.state import ArticleRecord, StateStore

URL = "https://www.belta.by/politics/view/один-123-2026/"


def record(version: int = 1, digest: str = "sha256:aa", url: str = URL,
           ident: str = "belta-123") -> ArticleRecord:
    return ArticleRecord(url=url, id=ident, digest=digest, version=version,
                         first_captured="2026-01-05T10:00:00+00:00",
                         captured=f"2026-01-0{4 + version}T10:00:00+00:00",
                         published="2026-01-05T09:00:00+03:00")


def check_round_trip_and_replace(open_store: Callable[[], StateStore]) -> None:
    """A record reads back field for field (non-ASCII URL included); a newer one replaces it;
    an unknown URL is None; a second connection sees what the first wrote."""
    writer, reader = open_store(), open_store()
    assert isinstance(writer, StateStore)
    assert reader.get(URL) is None
    writer.put(record())
    assert reader.get(URL) == record()
    writer.put(record(version=2, digest="sha256:bb"))
    assert reader.get(URL) == record(version=2, digest="sha256:bb")
    assert reader.get(URL + "x") is None
    writer.close()
    reader.close()


def check_signatures(open_store: Callable[[], StateStore]) -> None:
    """Signatures come back by article id; a put without one keeps the stored signature; a
    new signature for the same id replaces the old one."""
    store = open_store()
    store.put(record(), b"\x01" * 16)
    store.put(record(url=URL + "b", ident="belta-124"), b"\x02" * 16)
    store.put(record(version=2, digest="sha256:bb"))  # no signature given
    assert dict(store.signatures()) == {"belta-123": b"\x01" * 16, "belta-124": b"\x02" * 16}
    store.put(record(version=3, digest="sha256:cc"), b"\x03" * 16)
    assert dict(store.signatures())["belta-123"] == b"\x03" * 16
    store.close()
    reopened = open_store()
    assert reopened.get(URL).version == 3
    assert dict(reopened.signatures())["belta-124"] == b"\x02" * 16
    assert reopened.signature("belta-123") == b"\x03" * 16  # one, by id: a new version's
    assert reopened.signature("belta-999") is None  # previous text is compared with it
    reopened.close()


def check_removals(open_store: Callable[[], StateStore]) -> None:
    """A removal is kept per canonical URL until cleared, seen by another connection, and
    independent of the article record (which stays: the last version exported)."""
    writer, reader = open_store(), open_store()
    writer.put(record())
    assert reader.removal(URL) is None
    writer.set_removal(URL, "2026-02-01T10:00:00+00:00")
    assert reader.removal(URL) == "2026-02-01T10:00:00+00:00"
    assert reader.removal(URL + "x") is None
    assert reader.get(URL) == record()
    writer.set_removal(URL, None)
    assert reader.removal(URL) is None
    writer.set_removal(URL, None)  # clearing what is not there is no error
    writer.close()
    reader.close()


def three_old(store: StateStore) -> tuple[ArticleRecord, ArticleRecord, ArticleRecord]:
    """Three articles recorded, captured on the 7th, 5th and 6th of January."""
    a, b, c = (record(url=f"https://www.belta.by/a/{n}/", ident=f"belta-{n}", version=v)
               for n, v in ((1, 3), (2, 1), (3, 2)))
    for each in (a, b, c):
        store.put(each)
    return a, b, c


def check_retry_waits(store: StateStore) -> str:
    """A re-check tried and not done waits its retry and lets the others go first; once its
    retry is due it is the longest unchecked again. Then it is checked: its URL is returned,
    for the backend's test to see its try cleared."""
    a, b, c = three_old(store)
    store.set_tried(b.url, "2026-01-20T00:00:00+00:00")
    due = [r.url for r, _ in store.due_checks("2026-02-01T00:00:00+00:00",
                                              "2026-01-15T00:00:00+00:00")]
    assert due == [c.url, a.url]  # tried on the 20th, after the retry limit
    due = [r.url for r, _ in store.due_checks("2026-02-01T00:00:00+00:00",
                                              "2026-01-21T00:00:00+00:00")]
    assert due == [b.url, c.url, a.url]  # its retry is due: still the longest unchecked
    assert len(list(store.due_checks("2026-02-01T00:00:00+00:00"))) == 3  # no retry asked
    store.set_checked(b.url, "2026-01-22T00:00:00+00:00")
    return b.url


def check_damaged_not_due(store: StateStore, damage: Callable[[str], None],
                          damaged: dict[str, str], why: str) -> None:
    """A record damaged by hand (``damage(url)``) among due re-checks: the scan skips it and
    goes on to the others (it crashed each run's start requests), it is said once however
    often it is met (the scan of every run, ``get``), and its next export makes it due again."""
    a, b, c = three_old(store)
    damage(c.url)
    for _ in range(2):
        due = [r.url for r, _ in store.due_checks("2026-02-01T00:00:00+00:00",
                                                  "2026-01-15T00:00:00+00:00")]
        assert due == [b.url, a.url]
    assert store.get(c.url) is None
    assert list(damaged) == [c.url] and why in damaged[c.url]
    store.put(c)
    assert [r.url for r, _ in store.due_checks("2026-02-01T00:00:00+00:00")] == \
        [b.url, c.url, a.url]


def check_bad_check_times(store: StateStore, spoil: Callable[[str, str], None],
                          told: dict[str, str], why: str) -> None:
    """A check time no run wrote (``spoil(url, "check")``) and a try time years ahead
    (``spoil(url, "try")``): each article is due again, by its capture as one never checked
    nor tried (a time ahead kept it from ever being re-checked; text that is no time
    crashed or stalled the scan); each said once, however many scans meet it."""
    a, b, c = three_old(store)
    for each in (a, b, c):
        store.set_checked(each.url, "2026-01-10T00:00:00+00:00")
    spoil(a.url, "check")
    spoil(b.url, "try")
    for _ in range(2):
        due = [(r.url, last) for r, last in store.due_checks("2026-02-01T00:00:00+00:00",
                                                             "2026-01-15T00:00:00+00:00")]
        assert due == [(a.url, a.captured), (b.url, "2026-01-10T00:00:00+00:00"),
                       (c.url, "2026-01-10T00:00:00+00:00")]
    assert set(told) == {a.url, b.url}
    assert why in told[a.url], told
    assert "ahead of now" in told[b.url], told
    store.set_checked(a.url, "2026-01-20T00:00:00+00:00")  # its check replaces nothing bad
    assert [r.url for r, _ in store.due_checks("2026-02-01T00:00:00+00:00")] == \
        [b.url, c.url, a.url]

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

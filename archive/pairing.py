"""Each response or revisit with its own request record, for what only the request says.

The request says which method and body a response answered (a POST is another resource than
the GET of its URL) and is a second witness of the URL (a header damaged in one of the two
shows as a disagreement). Every writer we know puts a request right before or after its
capture and links them with WARC-Concurrent-To, one way (wget: the response names its
request) or the other (warcio, ours); records are held back PAIR_WINDOW places to find it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator

from .records import RecordInfo
from .urls import normalize_url, strip_brackets, surt

PAIR_WINDOW = 4
_CAPTURES = frozenset(("response", "revisit"))


def id_key(value: str) -> str:
    """A record id as compared: without its angle brackets, which some writers leave out of
    WARC-Concurrent-To (a POST's request then paired nothing, and its answer was served for
    a GET of the URL)."""
    return strip_brackets(value)


def _index_key(url: str) -> tuple[str, str]:
    """The URL as the index keys it (its SURT key: IDNA host, no trailing dot or empty
    query), a query's ``+`` read as the space it encodes, and its scheme."""
    key, mark, query = surt(url).partition("?")
    return url.partition(":")[0].lower(), key + mark + query.replace("+", "%20")


def same_target(a: str, b: str) -> bool:
    """Whether a capture's and its request's target URIs name one URL, as the index and a
    lookup take them: a Unicode host and its punycode, ``a?`` and ``a``, ``q=a b`` and
    ``q=a+b``, ``ex.com.`` and ``ex.com`` were taken for a damaged header and not served."""
    return a == b or normalize_url(a) == normalize_url(b) or _index_key(a) == _index_key(b)


def _names(info: RecordInfo) -> set[str]:
    return {id_key(v) for k, v in info.record.headers if k.lower() == "warc-concurrent-to"}


def _kind(info: RecordInfo) -> str:
    rec_type = info.record.rec_type
    return "request" if rec_type == "request" else "capture" if rec_type in _CAPTURES else ""


def _linked(a: RecordInfo, names_a: set[str], b: RecordInfo, names_b: set[str]) -> bool:
    return id_key(b.record.record_id) in names_a or id_key(a.record.record_id) in names_b


def with_requests(infos: Iterable[RecordInfo]) -> Iterator[RecordInfo]:
    """``infos`` in their order, each capture with ``request`` set to the request record it
    names or that names it, within PAIR_WINDOW records either side (first one found)."""
    window: deque[tuple[RecordInfo, str, set[str]]] = deque()
    for info in infos:
        kind = _kind(info)
        names = _names(info) if kind else set()
        if kind:
            for other, other_kind, other_names in window:
                if not other_kind or other_kind == kind:
                    continue
                if not _linked(info, names, other, other_names):
                    continue
                capture, request = (info, other) if kind == "capture" else (other, info)
                if capture.request is None:
                    capture.request = request
        window.append((info, kind, names))
        if len(window) > PAIR_WINDOW:
            yield window.popleft()[0]
    yield from (entry[0] for entry in window)

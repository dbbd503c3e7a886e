"""Reading archives back: path expansion, response iteration and URL lookup for replay."""

from __future__ import annotations

import glob
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin

from .digests import digests_conflict, same_digest
from .errors import WarcFormatError
from .httputil import maybe_dechunk
from .methods import capture_method
from .model import ArchivedResponse, RecordRef
from .pairing import with_requests
from .records import (
    ARC_CONVERT,
    RecordInfo,
    WarcRecord,
    iter_records,
    parse_warc_date,
    read_info_at,
    read_record_at,
)
from .repair import OPEN_SUFFIX
from .urls import normalize_url, strip_brackets, surt

__all__ = [
    "ArchiveLookup",
    "RecordInfo",
    "WarcFormatError",
    "expand_paths",
    "warc_inputs",
    "iter_records",
    "iter_responses",
]

log = logging.getLogger(__name__)
WARC_SUFFIXES = (".warc", ".warc.gz")
ARC_SUFFIXES = (".arc", ".arc.gz")
ErrorHandler = Callable[[WarcFormatError], None]


def _is_warc(p: Path) -> bool:
    return p.name.endswith(WARC_SUFFIXES)


def expand_paths(spec: str | Path | Iterable[str | Path],
                 unfinished: list[Path] | None = None,
                 arcs: list[Path] | None = None) -> list[Path]:
    """Files, folders (recursively: *.warc, *.warc.gz, never *.open) and glob patterns.

    The `.open` files a folder holds (a writer's, or a killed crawl's until it is repaired)
    are added to ``unfinished`` when given, and its ARC files to ``arcs``, so the caller can
    say they were left out.
    """
    items = [spec] if isinstance(spec, str | Path) else list(spec)
    out: list[Path] = []
    seen: set[Path] = set()
    for item in items:
        s = str(item)
        p = Path(s)
        if p.is_dir():
            files = [q for q in p.rglob("*") if q.is_file()]
            found = sorted(q for q in files if _is_warc(q))
            if unfinished is not None:
                unfinished.extend(sorted(q for q in files if _is_unfinished(q)))
            if arcs is not None:
                arcs.extend(sorted(q for q in files if q.name.endswith(ARC_SUFFIXES)))
        elif any(c in s for c in "*?["):
            found = sorted(Path(q) for q in glob.glob(s, recursive=True) if Path(q).is_file())
        elif p.is_file():
            found = [p]
        else:
            raise FileNotFoundError(f"no such WARC file or folder: {s}")
        for q in found:
            key = q.resolve()
            if key not in seen:
                seen.add(key)
                out.append(q)
    return out


def warc_inputs(specs: Iterable[str | Path], what: str) -> tuple[list[Path], str | None]:
    """The WARC files ``specs`` name, and the note to give on the `.open` files left out.

    Raises FileNotFoundError for a path that does not exist, and ValueError (saying ``what``
    names nothing, and why when only `.open` files are there) when no WARC file is found.
    """
    unfinished: list[Path] = []
    arcs: list[Path] = []
    paths = expand_paths(specs, unfinished, arcs)
    notes = [unfinished_note(unfinished)] if unfinished else []
    if arcs:
        notes.append(f"{len(arcs)} ARC file(s) not read: {_names(arcs)} (ARC is the format "
                     f"before WARC; convert each to WARC first, {ARC_CONVERT})")
    note = "; ".join(notes) or None
    if not paths:
        raise ValueError(f"no WARC files in {what}" + (f"; {note}" if note else ""))
    return paths, note


def _is_unfinished(p: Path) -> bool:
    return p.name.endswith(tuple(suffix + OPEN_SUFFIX for suffix in WARC_SUFFIXES))


def _names(paths: list[Path]) -> str:
    return ", ".join(str(p) for p in paths[:3]) + (f" and {len(paths) - 3} more"
                                                   if len(paths) > 3 else "")


def unfinished_note(paths: list[Path]) -> str:
    """What to tell about `.open` files left out of a folder: what they are, what to do."""
    names = _names(paths)
    return (f"{len(paths)} unfinished WARC file(s) not read: {names} (being written, or left "
            "by a crawl that was killed; `python -m archive repair FOLDER` closes those no "
            "writer holds, or name an .open file to read it as it is)")


def _ref(info: RecordInfo) -> RecordRef:
    return RecordRef(info.file.name, info.offset, info.length, info.record.record_id)


def _to_response(
    rec: WarcRecord, ref: RecordRef, payload_from: WarcRecord | None = None
) -> ArchivedResponse | None:
    """The HTTP response in a response/revisit record (or a resource as a 200); ValueError if bad."""
    if rec.rec_type == "resource":
        return _resource_response(rec, ref)
    http = rec.http()
    if http is None or not http.protocol.upper().startswith("HTTP/"):
        return None
    src = http
    if payload_from is not None:
        orig = payload_from.http()
        if orig is None:
            return None
        src = orig
        # a revisit without HTTP headers, or a 304 ("server-not-modified"), is replayed as the
        # original response, as pywb does: its own head says nothing about the payload
        if not http.headers or _not_modified(rec, http.status):
            http = orig
    return ArchivedResponse(
        url=rec.target_uri,
        status=http.status,
        reason=http.reason,
        http_version=http.protocol,
        headers=http.headers,
        payload=maybe_dechunk(src.headers, src.body),
        date=rec.date,
        ref=ref,
    )


def _truncated_response(rec: WarcRecord) -> bool:
    """A response record holding only part of its response (WARC-Truncated: the transfer
    failed, or the tool cut it): evidence of what arrived, never served or re-read as the page.
    Only responses: Heritrix marks its revisits "length" too, and they hold no payload by
    design."""
    return rec.rec_type == "response" and bool(rec.get("WARC-Truncated"))


def _segment_reason(info: RecordInfo) -> str | None:
    """Why a response or resource that is the first part of a segmented record (WARC 1.1,
    5.17) is not served: it holds only the start of the page, the rest is in `continuation`
    records, which are not joined. None for a whole record."""
    rec = info.record
    number = rec.get("WARC-Segment-Number")
    if not number or rec.rec_type not in ("response", "resource"):
        return None
    return (f"{rec.rec_type} for {rec.target_uri[:200]!r} is segment {number[:20]} of a "
            "segmented record (its 'continuation' records are not joined): not served")


def _not_modified(rec: WarcRecord, status: int) -> bool:
    return status == 304 or "server-not-modified" in (rec.get("WARC-Profile") or "")


_STATUS_304 = re.compile(rb"HTTP/\d(?:\.\d)? +304(?:\s|$)")


def _is_304_response(rec: WarcRecord) -> bool:
    """A response record of a 304 Not Modified (wget -N, a conditional recrawl): it confirms an
    earlier capture's page unchanged and holds none itself."""
    return rec.rec_type == "response" and _STATUS_304.match(rec.block[:40]) is not None


def _payload_elsewhere(rec: WarcRecord) -> bool:
    """Whether the page a capture answers with is another record's: a revisit, or a 304
    response, replayed as the capture it refers to (as pywb replays a not-modified revisit)."""
    return rec.rec_type == "revisit" or _is_304_response(rec)


def _resource_response(rec: WarcRecord, ref: RecordRef) -> ArchivedResponse:
    """A resource record (wget's logs, warcio/pywb samples, Browsertrix pages) served as a 200."""
    ctype = rec.get("Content-Type") or "application/octet-stream"
    headers = [("Content-Type", ctype), ("Content-Length", str(len(rec.block)))]
    return ArchivedResponse(
        url=rec.target_uri,
        status=200,
        reason="OK",
        http_version="HTTP/1.1",
        headers=headers,
        payload=rec.block,
        date=rec.date,
        ref=ref,
    )


def response_at(
    path: str | Path, offset: int, url: str | None = None
) -> ArchivedResponse | None:
    """The response record at a known offset (not a revisit: those need an index).

    With `url`, a record for another URL raises WarcFormatError instead of being returned.
    """
    info = read_info_at(path, offset)
    if url is not None:
        _check_url(info, url)
    try:
        return _to_response(info.record, _ref(info))
    except ValueError as exc:
        raise WarcFormatError(path, offset, f"bad HTTP: {exc}") from exc


def _check_url(info: RecordInfo, url: str) -> None:
    """Guard: the record at a stored offset must be the URL asked for, never another page."""
    got = info.record.target_uri
    if got != url and normalize_url(got) != normalize_url(url):
        raise WarcFormatError(info.file, info.offset, f"record is for {got!r}, not {url!r}")


def _refers_to_date(rec: WarcRecord) -> datetime | None:
    """WARC-Refers-To-Date, or None when absent or unparsable (then digest and id decide)."""
    try:
        value = rec.get("WARC-Refers-To-Date")
        return parse_warc_date(value) if value else None
    except ValueError:
        return None


def _payload_digest(rec: WarcRecord) -> str | None:
    return rec.get("WARC-Payload-Digest")


def _not_original(revisit: WarcRecord, orig: WarcRecord) -> str | None:
    """Why `orig` cannot be the record `revisit` refers to; None when it can be.

    An original is captured no later than its revisit; its payload digest, when both carry
    one, is the revisit's; and it is for the revisit's URL unless the digests say the payload
    is the same (an identical-payload revisit may name another URL's capture).
    """
    want, got = _payload_digest(revisit), _payload_digest(orig)
    if digests_conflict(want, got):
        return f"payload digest {got} is not the revisit's {want}"
    if revisit.get("WARC-Date") and _ts(orig.date) > _ts(revisit.date):
        return f"captured after the revisit ({orig.get('WARC-Date')})"
    url = strip_brackets(revisit.get("WARC-Refers-To-Target-URI") or revisit.target_uri)
    if normalize_url(orig.target_uri) != normalize_url(url) and not (want and got):
        return f"for {orig.target_uri!r}, and no payload digest shows it is the same payload"
    return None


class _Resolver:
    """Finds the original response a revisit refers to, among records seen so far."""

    def __init__(self) -> None:
        self.by_id: dict[str, tuple[Path, int]] = {}
        self.by_url_date: dict[tuple[str, datetime], tuple[Path, int]] = {}
        self.by_url_digest: dict[tuple[str, str], tuple[Path, int]] = {}

    def add(self, info: RecordInfo) -> None:
        rec = info.record
        loc = (info.file, info.offset)
        if rec.record_id:
            self.by_id[rec.record_id] = loc
        key = normalize_url(rec.target_uri)
        self.by_url_date.setdefault((key, rec.date), loc)
        dig = _payload_digest(rec)
        if dig:
            self.by_url_digest.setdefault((key, dig), loc)

    def candidates(self, rec: WarcRecord) -> list[tuple[Path, int]]:
        """Where the original may be, best evidence first: its id, its URL and date, its digest."""
        found = []
        ref_id = rec.get("WARC-Refers-To")
        if ref_id and ref_id in self.by_id:
            found.append(self.by_id[ref_id])
        uri = normalize_url(strip_brackets(rec.get("WARC-Refers-To-Target-URI") or rec.target_uri))
        date = _refers_to_date(rec)
        if date and (uri, date) in self.by_url_date:
            found.append(self.by_url_date[(uri, date)])
        dig = _payload_digest(rec)
        if dig and (uri, dig) in self.by_url_digest:
            found.append(self.by_url_digest[(uri, dig)])
        return list(dict.fromkeys(found))


def _disagrees(info: RecordInfo) -> bool:
    """A capture whose own request (see archive.pairing) gives another URI."""
    req = info.request
    if req is None:
        return False
    a, b = info.record.target_uri, req.record.target_uri
    return a != b and normalize_url(a) != normalize_url(b)


def _consistent(path: Path, infos: Iterable[RecordInfo],
                on_error: ErrorHandler | None) -> Iterator[RecordInfo]:
    """``infos`` (paired with their requests) less each response or revisit whose own request
    names another URL.

    Block digests do not cover headers: a URL damaged in a capture's header would serve (or
    re-extract) the page under an address it never had. When a capture and its request
    disagree, neither can be believed; the capture is reported with file and offset and
    skipped (its bytes stay in the file).
    """
    for info in with_requests(infos):
        if not _disagrees(info):
            yield info
            continue
        req = info.request
        assert req is not None
        _report(WarcFormatError(path, info.offset, (
            f"{info.record.rec_type} for {info.record.target_uri[:200]!r} but its "
            f"request (offset {req.offset}) is for {req.record.target_uri[:200]!r}: a damaged "
            "header, not served")), on_error, soft=True)


def iter_responses(
    paths,
    *,
    resolve_revisits: bool = True,
    on_error: ErrorHandler | None = None,
    max_record_size: int | None = None,
) -> Iterator[ArchivedResponse]:
    """Every HTTP response in the given WARCs, for re-extraction.

    Revisits are resolved to the payload they refer to (across all given files); those
    whose original comes later in the input are yielded at the end. Unresolvable revisits
    are reported to `on_error` (or logged) and skipped; with resolve_revisits=False
    revisits are skipped. Bad records raise WarcFormatError unless `on_error` is given.
    """
    resolver = _Resolver()
    pending: list[RecordInfo] = []
    for path in expand_paths(paths):
        records = iter_records(path, on_error, max_record_size=max_record_size)
        for info in _consistent(path, records, on_error):
            rec = info.record
            if _truncated_response(rec):
                continue
            if segmented := _segment_reason(info):
                _report(WarcFormatError(path, info.offset, segmented), on_error, soft=True)
                continue
            if rec.rec_type == "response":
                resolver.add(info)
                try:
                    resp = _to_response(rec, _ref(info))
                except ValueError as exc:
                    _report(WarcFormatError(path, info.offset, f"bad HTTP: {exc}"), on_error)
                    continue
                if resp is not None:
                    yield resp
            elif rec.rec_type == "revisit" and resolve_revisits:
                try:
                    resp = _resolve(info, resolver)
                except WarcFormatError as exc:
                    _report(exc, on_error)
                    continue
                if resp is None:
                    pending.append(info)
                else:
                    yield resp
    for info in pending:
        try:
            resp = _resolve(info, resolver)
        except WarcFormatError as exc:
            _report(exc, on_error)
            continue
        if resp is None:
            _report(
                WarcFormatError(info.file, info.offset, "revisit target not found"),
                on_error,
                soft=True,
            )
        else:
            yield resp


def _resolve(info: RecordInfo, resolver: _Resolver) -> ArchivedResponse | None:
    """The revisit with its original's payload; None when no candidate is known yet;
    WarcFormatError if either cannot be read, or if every candidate is refused as its original
    (another URL's payload, a later capture)."""
    refused = None
    for loc in resolver.candidates(info.record):
        orig = read_record_at(*loc)
        refused = _not_original(info.record, orig)
        if refused is None:
            break
    else:
        if refused is None:
            return None
        raise WarcFormatError(info.file, info.offset, f"revisit target refused: {refused}")
    try:
        return _to_response(info.record, _ref(info), payload_from=orig)
    except ValueError as exc:
        raise WarcFormatError(
            info.file, info.offset, f"bad HTTP in revisit or original: {exc}"
        ) from exc


def _report(err: WarcFormatError, on_error: ErrorHandler | None, soft: bool = False) -> None:
    if on_error is not None:
        on_error(err)
    elif soft:
        log.warning("%s", err)
    else:
        raise err


def _redirects_to(resp: ArchivedResponse, url: str) -> bool:
    """A redirect to ``url`` itself (but for escapes and case): served for ``url`` it loops.
    pywb skips such a capture ("self-redirect") for the next one; so does lookup."""
    if not 300 <= resp.status < 400:
        return False
    location = next((v for k, v in reversed(resp.headers) if k.lower() == "location"), None)
    if not location:
        return False
    return normalize_url(urljoin(resp.url, location.strip())) == normalize_url(url)


def _ts(dt: datetime) -> int:
    """Microseconds since the epoch: a compact sortable capture time."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(dt.timestamp() * 1_000_000)


_CAPTURE_TYPES = ("response", "revisit", "resource")


# (time in µs, file index, offset, payload elsewhere (a revisit, or a 304 response), method
# query: "" for a GET, see archive.methods)
Capture = tuple[int, int, int, bool, str]


def _web_scheme(url: str) -> str:
    """A URL's scheme, http and https as one (the spellings pywb's key joins)."""
    scheme = url.partition(":")[0].lower()
    return "http" if scheme in ("http", "https") else scheme


class ArchiveLookup:
    """URL -> captures index for replay. Holds only a Capture tuple per capture.

    A capture answers only the request it was made for: a GET is never answered with a
    POST's or a HEAD's capture of the same URL (nor a POST with another body's).

    Unreadable records are reported to `on_error` (or logged) and skipped, at load time and
    when a capture is read; a stored offset that now holds another URL's record is refused.
    """

    def __init__(
        self, paths, on_error: ErrorHandler | None = None, *, max_record_size: int | None = None
    ):
        self.files = expand_paths(paths)
        self._on_error = on_error
        self._max = max_record_size
        # url -> captures, in input order
        self._by_url: dict[str, list[Capture]] = {}
        # SURT key (pywb's canonical form) -> the archived spellings that have it
        self._by_key: dict[str, list[str]] = {}
        self._by_id: dict[str, tuple[int, int]] = {}
        for idx, path in enumerate(self.files):
            records = iter_records(path, on_error, max_record_size=max_record_size)
            for info in _consistent(path, records, on_error):
                rec = info.record
                if (rec.rec_type not in _CAPTURE_TYPES or not rec.target_uri
                        or _truncated_response(rec)):
                    continue
                if segmented := _segment_reason(info):
                    _report(WarcFormatError(path, info.offset, segmented), on_error, soft=True)
                    continue
                url = rec.target_uri
                caps = self._by_url.get(url)
                if caps is None:
                    caps = self._by_url[url] = []
                    self._by_key.setdefault(surt(url), []).append(url)
                caps.append((_ts(rec.date), idx, info.offset, _payload_elsewhere(rec),
                             capture_method(info)[1]))
                if rec.rec_type == "response" and rec.record_id:
                    self._by_id[rec.record_id] = (idx, info.offset)

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_url.values())

    def urls(self) -> list[str]:
        return list(self._by_url)

    def spellings(self, url: str) -> list[str]:
        """The archived spellings of ``url`` that answer it, closest first: the exact one; else
        those equal to it but for escapes and case (``normalize_url``); else those pywb takes
        for it (the same SURT key: http or https, ``www.`` or not, a trailing slash, the
        default port, query order, case). A closer spelling wins over any farther one."""
        return next(iter(self._tiers(url)), [])

    def _tiers(self, url: str) -> list[list[str]]:
        """The archived spellings of ``url`` by closeness (see ``spellings``), closest first:
        a farther tier answers only when no capture of a closer one can."""
        url = strip_brackets(url)
        same_key = self._by_key.get(surt(url), [])
        norm = normalize_url(url)
        equal = [u for u in same_key if u != url and normalize_url(u) == norm]
        # the SURT key leaves the scheme out; only http and https are one another's spelling
        web = _web_scheme(url)
        farther = [u for u in same_key if u != url and u not in equal and _web_scheme(u) == web]
        return [tier for tier in ([url] if url in self._by_url else [], equal, farther) if tier]

    def captures(self, url: str) -> list[Capture]:
        """Captures of `url` under its closest archived spellings (see ``spellings``)."""
        return [cap for u in self.spellings(url) for cap in self._by_url[u]]

    def _candidates(self, spellings: list[str], at: datetime | None,
                    method: str) -> Iterator[tuple[Capture, str]]:
        """Captures under ``spellings`` made by the request ``method`` (a method query), each
        with the spelling it was archived under, best first: the newest; with ``at``, the nearest to it
        before or after (pywb's rule: the web as the archive saw it closest to that moment),
        on equal distance the one at or before it. On equal times the later record in input
        order. The best is found in one pass (a feed captured hourly for years has tens of
        thousands); the rest are sorted only when it cannot be read."""
        caps = [(cap, u) for u in spellings for cap in self._by_url[u] if cap[4] == method]
        if not caps:
            return
        if at is None:
            def rank(i: int) -> tuple[int, int, int]:
                return -caps[i][0][0], 0, -i
        else:
            point = _ts(at)

            def rank(i: int) -> tuple[int, int, int]:
                ts = caps[i][0][0]
                return abs(ts - point), ts > point, -i
        best = min(range(len(caps)), key=rank)
        yield caps[best]
        rest = sorted((i for i in range(len(caps)) if i != best), key=rank)
        yield from (caps[i] for i in rest)

    def latest(self, url: str, at: datetime | None = None, *, method: str = "") -> Capture | None:
        """The newest capture of ``url`` (of a GET unless ``method``), or the nearest to
        ``at``; None when there is none."""
        for tier in self._tiers(url):
            if best := next(self._candidates(tier, at, method), None):
                return best[0]
        return None

    def get(self, url: str, at: datetime | None = None, *,
            method: str = "") -> ArchivedResponse | None:
        """Latest readable capture of `url` (the nearest to `at` if given), revisits resolved,
        under its closest archived spelling (see ``spellings``) that has one; a capture
        redirecting to `url` itself is stepped over, as pywb does.

        ``method`` is the request's method query (archive.methods.method_query): "" for a
        GET. A capture that cannot be read is reported to on_error and the next best one is
        tried, as a replay tool would; None when none can be read. Never a record of
        another URL, nor of another request of it.
        """
        for cap, spelling in (c for tier in self._tiers(url)
                              for c in self._candidates(tier, at, method)):
            try:
                found = self._load(cap, spelling)
            except WarcFormatError as exc:
                _report(exc, self._on_error, soft=True)
                continue
            if found is not None and _redirects_to(found, url):
                continue  # http://x answering 301 to https://x, asked for as https://x: a loop
            if found is not None:
                return found
            _report(WarcFormatError(self.files[cap[1]], cap[2], "capture not replayable (no "
                                    "HTTP response, or a revisit or 304 without its original)"),
                    self._on_error, soft=True)
        return None

    def _read(self, idx: int, offset: int) -> RecordInfo:
        return read_info_at(self.files[idx], offset, self._max)

    def _load(self, cap: Capture, url: str) -> ArchivedResponse | None:
        _, idx, offset, revisit, _ = cap
        info = self._read(idx, offset)
        _check_url(info, url)
        rec = info.record
        ref = _ref(info)
        orig = self._find_original(info) if revisit else None
        if revisit and orig is None:
            return None
        try:
            return _to_response(rec, ref, payload_from=orig)
        except ValueError as exc:
            raise WarcFormatError(info.file, offset, f"bad HTTP: {exc}") from exc

    def _find_original(self, revisit: RecordInfo) -> WarcRecord | None:
        """The response a revisit (or a 304 response) refers to: the record it names, else a
        capture of its URL at the date it names or the newest one before it, with its payload
        digest when it has one (a 304's own digest is of its empty body: not compared)."""
        rec = revisit.record
        ref_id = rec.get("WARC-Refers-To")
        uri = strip_brackets(rec.get("WARC-Refers-To-Target-URI") or rec.target_uri)
        if ref_id and ref_id in self._by_id:
            info = self._read(*self._by_id[ref_id])
            refused = _not_original(rec, info.record)
            if refused is None:
                return info.record
            _report(WarcFormatError(revisit.file, revisit.offset,
                                    f"revisit target refused: {refused}"), self._on_error, soft=True)
        date = _refers_to_date(rec)
        want = _ts(date) if date else None
        limit = _ts(rec.date) if rec.get("WARC-Date") else None
        digest = None if _is_304_response(rec) else _payload_digest(rec)
        cands = [c for c in self.captures(uri) if not c[3] and (limit is None or c[0] <= limit)]
        cands.sort(key=lambda c: (c[0] != want, -c[0]))
        for _, idx, off, _, _ in cands:
            info = self._read(idx, off)
            _check_url(info, uri)
            got = _payload_digest(info.record)
            if digest is None or got is not None and same_digest(digest, got):
                return info.record
        return None

"""Structural and digest verification of WARC files, with per-record problem reports."""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from .cdxj import timestamp14
from .digests import ODD_DIGEST, check_digest, digest_key, digests_conflict, same_digest
from .errors import RecordOverLimit, WarcFormatError, error_count
from .httputil import (
    DEFAULT_MAX_DECODED,
    BodyCutShort,
    ChunksCutShort,
    content_encoding,
    content_problem,
    without_transfer_coding,
)
from .pairing import id_key, same_target
from .reader import (
    confirms_unchanged,
    inputs_of,
    original_digest,
    success_status,
    truncated_reason,
)
from .records import DEFAULT_MAX_RECORD_SIZE, RecordInfo, iter_records, parse_warc_date
from .urls import normalize_url, strip_brackets, surt
from .verify_zipnum import idx_names, idx_problems
from .wacz_input import (
    RATIO,
    RATIO_FLOOR,
    WaczError,
    crc_problem,
    hash_while_read,
    index_member,
    index_names,
    input_size,
    is_package,
    location,
    member_names,
    member_spelling,
    missing_listed,
    missing_note,
    open_input,
    open_member,
    package_members,
    resource_problems,
    split_location,
)


@dataclass
class Problem:
    """One finding; `severity` is "error" (corruption) or "warning" (cannot check fully)."""

    file: str
    offset: int
    severity: str
    message: str
    record_id: str = ""
    count: int = 1  # the errors it stands for (a folded run of passed-over bytes: each)

    def __str__(self) -> str:
        rid = f" {self.record_id}" if self.record_id else ""
        return f"{self.severity}: {self.file}: offset {self.offset}{rid}: {self.message}"


KEPT_PROBLEMS = 1000  # problems a report holds in full; the rest are counted (and streamed)


@dataclass
class VerifyReport:
    """What a verification found. Memory stays bounded whatever the input: a damaged file
    can hold millions of problems (one per false gzip header), so only the first
    `KEPT_PROBLEMS` are kept; every one is counted and handed to `on_problem` as found."""

    files: int = 0
    records: int = 0
    problems: list[Problem] = field(default_factory=list)  # the first KEPT_PROBLEMS
    error_count: int = 0
    warning_count: int = 0
    on_problem: Callable[[Problem], None] | None = field(default=None, repr=False)

    def add(self, problem: Problem) -> None:
        """Count `problem`, pass it on, and keep it while there is room."""
        if problem.severity == "error":
            self.error_count += problem.count
        else:
            self.warning_count += 1
        if self.on_problem is not None:
            self.on_problem(problem)
        if len(self.problems) < KEPT_PROBLEMS:
            self.problems.append(problem)

    @property
    def dropped(self) -> int:
        """Problems counted but not kept."""
        return self.error_count + self.warning_count - len(self.problems)

    @property
    def errors(self) -> list[Problem]:
        """The kept errors (`error_count` says how many there were)."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.error_count


# (file, offset, record id, type, normalized uri, the id it names in WARC-Concurrent-To)
_Link = tuple[str, int, str, str, str, str]
# (file, offset, record id, WARC-Refers-To, payload digest, refers-to URI, refers-to date,
# its own normalized target URI, its own WARC-Date as a timestamp or None)
_Revisit = tuple[str, int, str, str, str, str, str, str, int | None, bool]


def _capture_key(key: str, what: int | bytes) -> bytes:
    """12 bytes standing for a capture's (uri, second) or (uri, payload digest key): a set
    of them holds a Heritrix job's millions of captures in a fraction of their URLs' size.
    The uri by its SURT ``key``, as replay finds a revisit's original (pywb too): http or
    https, www. or not, are one page."""
    mark = what if isinstance(what, bytes) else str(what).encode()
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass") + b"\0" + mark,
                           digest_size=12).digest()


def _refers_to_problem(ref: str, want: str, got: str,
                       others: set[bytes | None] | None) -> str | None:
    """Why no record of id ``ref`` can be a revisit's original of payload digest ``want``:
    the last one's digest is ``got``, the digest keys of earlier ones sharing the id (a tool's
    bug) ``others``; None when one can be. Keys, not values: one test a revisit, however
    many records a tool gave one id. A key that cannot tell (no digest, an odd one) is no
    conflict."""
    if not digests_conflict(want, got):
        return None
    if others is not None:
        if {digest_key(want), None, ODD_DIGEST} & others:
            return None
        return (f"WARC-Refers-To {ref} has payload digest {got}, not the revisit's {want} "
                "(nor has any other record of that id)")
    return f"WARC-Refers-To {ref} has payload digest {got}, not the revisit's {want}"


def _other_url(ref: str, named: tuple[str, str, str], uri: str, want: str) -> str | None:
    """What is wrong with a revisit's WARC-Refers-To that names a record of another URL than
    the revisit's (``uri``) when no payload digest shows the payload is the same (as replay
    refuses it: archive.reader._not_original); None when it may be the original."""
    _, named_uri, got = named
    if not uri or named_uri == uri or (want and got and same_digest(want, got)):
        return None
    return (f"WARC-Refers-To {ref} names a record of {named_uri[:200]!r}, and no payload digest "
            "shows it is the same payload: replay looks for the original by URL instead")


# WARC 1.1 fields a record may hold several of; any other one given twice is one value
_REPEATABLE = frozenset(("warc-concurrent-to", "warc-protocol"))


def _conflicting_fields(headers: Iterable[tuple[str, str]]) -> list[str]:
    """A field given twice with different values, once a field: every reader takes the
    first (as warcio does) and says nothing, so which URL or length the record has depends
    on which value a tool happens to read."""
    first: dict[str, tuple[str, str]] = {}
    found: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        if key in _REPEATABLE or key in found:
            continue
        if key not in first:
            first[key] = (name, value.strip())
        elif (was := first[key][1]) != value.strip():
            found[key] = (f"{first[key][0]} given twice with different values: {was[:200]!r} "
                          f"and {value.strip()[:200]!r} (the first is read)")
    return list(found.values())


# the record types of WARC 1.0 and 1.1 (and 0.17): another is no standard reader's to serve
_WARC_TYPES = frozenset(("warcinfo", "response", "resource", "request", "metadata", "revisit",
                         "conversion", "continuation"))


def _check_record(info: RecordInfo, add: Callable[[str, str], None]) -> None:
    rec = info.record
    for message in _conflicting_fields(rec.headers):
        add("error", message)
    if rec.rec_type and rec.rec_type not in _WARC_TYPES:
        add("warning", f"WARC-Type {rec.rec_type[:60]!r} is none of the standard's types: "
                       "replay and re-extraction pass it over")
    bd = rec.get("WARC-Block-Digest")
    if bd:
        ok = check_digest(bd, rec.block)
        if ok is False:
            add("error", "WARC-Block-Digest mismatch")
        elif ok is None:
            add("warning", f"unsupported block digest {bd!r}")
    if rec.rec_type in ("response", "request", "revisit"):
        try:
            http = rec.http()
        except ValueError as exc:
            add("error", f"unparsable HTTP message: {exc}")
            return
        if http is None:  # another protocol's answer (Heritrix's dns: and whois: records)
            return
        if http.colonless:
            add("warning", f"{http.colonless} HTTP header line(s) without a colon, passed over "
                           "(as warcio and pywb read them)")
        if rec.get("WARC-Segment-Number"):  # its body goes on in continuation records
            add("warning", f"segment {rec.get('WARC-Segment-Number', '')[:20]} of a segmented "
                "record: its continuation records are not joined, the page not served")
        elif rec.rec_type == "response" and not rec.get("WARC-Truncated"):
            _check_body(http.headers, http.body, add)
        pd = rec.get("WARC-Payload-Digest")
        if pd and rec.rec_type != "revisit":
            ok = check_digest(pd, http.body)
            if ok is False:
                add("error", "WARC-Payload-Digest mismatch")
    # mandatory (WARC 1.1, 5.); one with no WARC-Type the walk reported and skipped
    for name in ("WARC-Record-ID", "WARC-Date"):
        if not rec.get(name):
            add("error", f"missing {name}")
    date = (rec.get("WARC-Date") or "").strip()
    if not date:  # said as missing above, once (a capture without one the walk reported)
        return
    try:
        parse_warc_date(date)
    except ValueError as exc:
        add("error", str(exc))
    else:
        if date.isdigit():  # read as pywb reads it, but other readers may not
            add("warning", f"WARC-Date {date!r} is not in the WARC 1.1 form "
                "(YYYY-MM-DDThh:mm:ssZ)")


def _check_body(headers: list[tuple[str, str]], body: bytes,
                add: Callable[[str, str], None]) -> None:
    """A body its own head says is cut short (Content-Length, chunks: a warning, as
    WARC-Truncated is, readers serve or pass it over and say so) or damaged (broken chunks or
    a transfer coding that does not decode: an error). A Content-Encoding that does not
    decode is a warning: a server may send it so (the crawl archives a faulty site's cut gzip
    as it came), and an archive's own damage is what its digests and gzip CRCs tell. The
    decoding is a check only: its output is counted, not held (httputil.content_problem)."""
    try:
        body = without_transfer_coding(headers, body)
    except (BodyCutShort, ChunksCutShort) as cut:
        add("warning", f"HTTP {cut}")
        return
    except ValueError as exc:
        add("error", f"HTTP body: {exc}")
        return
    encoding = content_encoding(headers)
    if (problem := content_problem(body, encoding, DEFAULT_MAX_DECODED)) is not None:
        add("warning", f"HTTP body: Content-Encoding {encoding} does not decode: {problem}")


def _empty_note(path: Path) -> str:
    """What to say of a file with no record and no damage: a warning, not an error (no byte
    is damaged; warcio writes no such file, but a writer killed before its first record, or
    a copy cut to nothing, leaves one), so that "0 errors" never hides an empty input."""
    try:
        size = path.stat().st_size
    except OSError:  # a WACZ member: no file of its own
        return "no WARC record in this file"
    if size == 0:
        return "empty file (0 bytes): no WARC record"
    return f"no WARC record in this file ({size} bytes of empty gzip members or blank lines)"


def _whole_packages(paths: list[Path]) -> list[Path]:
    """The packages given whole, whose indexes are checked: named as packages, or by every
    WARC member (as the command line gives a package named on it: members, in ZIP order).
    A package given in part has records its index names left out."""
    given: dict[Path, set[str] | None] = {}  # None: the package itself
    for path in paths:
        if (found := split_location(path)) is not None:
            names = given.setdefault(found[0], set())
            if names is not None:
                names.add(found[1])
        elif is_package(path):
            given[Path(path)] = None
    whole = []
    for package, names in given.items():
        try:
            if names is None or names >= set(member_names(package)):
                whole.append(package)
        except OSError:  # the package cannot be read: its members say so
            continue
    return whole


def _gzipped(path: Path) -> bool:
    """Whether a WACZ member starts as a gzipped WARC does (its records' lengths are their
    gzip members'; an uncompressed WARC's may take the record separator too)."""
    try:
        with open_input(path) as fh:
            return fh.read(2) == b"\x1f\x8b"
    except OSError:  # its walk says why
        return True


def _listed_files_missing(path: Path, packages: set[Path]) -> list[Problem]:
    """The files other than WARCs that the datapackage.json of the package ``path`` is a
    member of lists and its ZIP lacks, once a package (the WARCs the walk reported)."""
    found = split_location(path)
    if found is None or found[0] in packages:
        return []
    packages.add(found[0])
    try:
        names = missing_listed(found[0], warcs=False)
    except OSError:  # the package cannot be read any more: its members say so
        return []
    return [Problem(str(found[0]), 0, "error", missing_note(name)) for name in names]


def _placed_key(member: str, offset: int, uri: str, stamp: str) -> bytes:
    """A record as an index line names it: its WARC member (as a location spells it) and
    offset, its URL's SURT key and 14-digit time, by a 12-byte hash (one a record of a
    package given whole)."""
    return _capture_key(f"{member_spelling(member)} {offset} {surt(uri)}", stamp[:14].encode())


_UNNAMED_KEPT = 1000  # filenames naming no member remembered (past them each line is said)
# CRLF CRLF: what ends a record in an uncompressed WARC; an index line's length may take it
_SEPARATOR = 4


@dataclass
class _Placed:
    """What an index of a package given whole is checked against: each record's length by
    its place (``_placed_key``), and the records the walk left unread for
    ``--max-record-size``: member -> offset -> their bytes in it, and member -> the offset
    of a gzip bomb (its end unknown: the member is not read past it)."""

    cap: int
    lengths: dict[bytes, int] = field(default_factory=dict)
    over_cap: dict[str, dict[int, int]] = field(default_factory=dict)
    bomb_at: dict[str, int] = field(default_factory=dict)
    _plain: dict[str, bool] = field(default_factory=dict)
    unnamed: set[str] = field(default_factory=set)  # filenames naming no member, said once

    def uncompressed(self, package: Path, member: str) -> bool:
        """Whether ``member`` is an uncompressed WARC (looked at once, and only for a line
        whose length is not its record's: after the walk, whose CRC-32 check a read of
        the member from its start would restart)."""
        if member not in self._plain:
            self._plain[member] = not _gzipped(location(package, member))
        return self._plain[member]

    def too_large(self, member: str, offset: int) -> tuple[int, int | None] | None:
        """(where the over-cap record starts, its bytes or None) when the record at
        ``offset`` of ``member`` was left unread for the cap, else None."""
        spelled = member_spelling(member)
        if (size := self.over_cap.get(spelled, {}).get(offset)) is not None:
            return offset, size
        if (bomb := self.bomb_at.get(spelled)) is not None and bomb <= offset:
            return bomb, None
        return None


MAX_INDEX_LINE = 1 << 20  # an index line past it (a runaway line, no newline) is not read


def _index_problems(package: Path, placed: _Placed) -> Iterator[Problem]:
    """Each line of the package's indexes that names no record there (another URL or time at
    its offset, no record at all, a WARC the package lacks), or a record by a wrong length:
    a replay tool reading the index (ReplayWeb.page, pywb: offset to offset + length) serves
    another page, a cut one or none for its URL. Our readers read the WARCs, never the
    index, so nothing else said so and verify passed such a package."""
    try:
        names = index_names(package)
    except OSError:  # the package cannot be read: its members say so
        return
    for name in names:
        where = str(location(package, name))
        try:
            with open_member(package, name) as raw:
                fh = (_CappedIndex(gzip.GzipFile(fileobj=raw), _member_size(package, name))
                      if name.lower().endswith(".gz") else raw)
                yield from _index_lines(where, fh, lambda line: _line_problem(
                    package, placed, line))
        except (OSError, EOFError, zlib.error) as exc:
            yield Problem(where, 0, "error", f"index cannot be read: {exc}")


# a gzipped index inflating past INDEX_RATIO times its bytes (and past INDEX_FLOOR) is a
# bomb: CDXJ text gzips 5 to 10 to 1, the same line repeated some 1000 to 1
INDEX_RATIO = RATIO
INDEX_FLOOR = RATIO_FLOOR


def _member_size(package: Path, name: str) -> int:
    """The bytes a package's member holds (inflated, when the ZIP compresses it)."""
    return input_size(location(package, name))


class _CappedIndex:
    """A gzipped index read line by line, refused once it inflates past what any index of
    its size holds (a gzip bomb stored in the package, which the ZIP's own ratio check does
    not see): without it, verify went through gigabytes of repeated lines."""

    def __init__(self, fh: IO[bytes], size: int) -> None:
        self._fh, self._size, self._out = fh, size, 0
        self._cap = max(INDEX_FLOOR, INDEX_RATIO * size)

    def readline(self, limit: int = -1) -> bytes:
        line = self._fh.readline(limit)
        self._out += len(line)
        if self._out > self._cap:
            raise WaczError(f"inflates past {self._cap} bytes from {self._size} gzipped: a "
                            "gzip bomb, not read further")
        return line


def _block_index_problems(package: Path) -> Iterator[Problem]:
    """The lines of the package's ZipNum block indexes (``indexes/*.idx``) whose block is
    not where they say (verify_zipnum)."""
    try:
        names = idx_names(package, [i.filename for i in package_members(package)])
    except OSError:  # the package cannot be read: its members say so
        return
    for name in names:
        where = str(location(package, name))
        try:
            for at, why in idx_problems(package, name):
                yield Problem(where, at, "error", why)
        except OSError as exc:
            yield Problem(where, 0, "error", f"block index cannot be read: {exc}")


# (severity, why) of a CDXJ line given as (key, time, fields), or None: see _line_problem
_LineCheck = Callable[[tuple[str, str, dict]], tuple[str, str] | None]


def _index_lines(where: str, fh: IO[bytes] | _CappedIndex, check: _LineCheck) -> Iterator[Problem]:
    """:func:`_index_problems` of one index, line by line (each by its offset in the index
    and its line number): ``check`` says (severity, why) of a CDXJ line's (key, time,
    fields), or None. The first line decides the form: an 11-field CDX is not checked."""
    pos = number = 0
    cdxj = False  # a first line read as CDXJ: the index is one, and a line that is not is damage
    while line := fh.readline(MAX_INDEX_LINE + 1):
        at, pos = pos, pos + len(line)
        number += 1
        if len(line) > MAX_INDEX_LINE:
            while line and not line.endswith(b"\n"):  # the rest of it, in bounded reads
                line = fh.readline(MAX_INDEX_LINE)
                pos += len(line)
            yield Problem(where, at, "error", f"line {number}: index line over "
                          f"{MAX_INDEX_LINE} bytes: not read")
            continue
        key, _, rest = line.decode("utf-8", "replace").strip().partition(" ")
        stamp, _, data = rest.partition(" ")
        if not key:
            continue
        try:
            fields = json.loads(data)
        except (ValueError, RecursionError):  # (JSON nested past the parser's depth)
            fields = None
        if not isinstance(fields, dict) and not cdxj:  # the 11-field CDX, or no index at all
            yield Problem(where, at, "warning", f"line {number}: not a CDXJ line "
                          f"({line[:60]!r}): this index is not checked against the WARCs")
            return
        cdxj = True
        if not isinstance(fields, dict):  # a CDXJ index's damaged line: the rest still checked
            yield Problem(where, at, "error", f"line {number}: damaged index line "
                          f"({line[:60]!r}): a replay tool reading this index cannot use it")
        elif found := check((key, stamp, fields)):
            yield Problem(where, at, found[0], f"line {number}: {found[1]}")


def _line_problem(package: Path, placed: _Placed, line: tuple[str, str, dict]
                  ) -> tuple[str, str] | None:
    """(severity, why) of one CDXJ line of ``package``'s index whose record a replay tool
    would not find where it says, or None."""
    _, stamp, fields = line
    url, warc, offset, length = (str(fields.get(k, "")) for k in (
        "url", "filename", "offset", "length"))
    said = f"index line for {url[:200]!r} at {stamp[:20]!r}"
    if lacking := _lacking(url, stamp, warc, offset):
        return "error", f"{said} has no {lacking}: a replay tool cannot find its record"
    member, why = index_member(package, warc)
    if member is None:  # said once a name: a lost WARC's every line says nothing more
        if warc in placed.unnamed:
            return None
        if len(placed.unnamed) < _UNNAMED_KEPT:
            placed.unnamed.add(warc)
        return "error", f"{said} {why[:600]} (said of its first line only)"
    place = _placed_key(member, int(offset), normalize_url(strip_brackets(url)), stamp)
    if (size := placed.lengths.get(place)) is None:
        if (over := placed.too_large(member, int(offset))) is not None:
            return "warning", _over_cap_note(said, member, int(offset), over, placed.cap)
        return "error", (f"{said} names {warc[:200]} offset {offset}, where no record of that "
                         "URL and time starts: a replay tool reading this index serves "
                         "another record, or none")
    if not _count(length):
        return "error", (f"{said} has no length (a count of bytes): a replay tool cannot "
                         "read its record")
    if int(length) != size and not (
            size < int(length) <= size + _SEPARATOR and placed.uncompressed(package, member)):
        return "error", (f"{said} gives length {length[:40]} for the record at {warc[:200]} "
                         f"offset {offset}, which is {size} bytes: a replay tool reading "
                         f"offset to offset + length gets "
                         f"{'a cut record' if int(length) < size else 'bytes past it'}")
    return None


_MAX_DIGITS = 20  # a count of bytes with more digits is no file's (and int() refuses 4300)


def _count(text: str) -> bool:
    """Whether an index field is a count of bytes (ASCII digits, at most _MAX_DIGITS: not
    negative, no fraction, no other script's digits)."""
    return text.isascii() and text.isdigit() and len(text) <= _MAX_DIGITS


def _lacking(url: str, stamp: str, warc: str, offset: str) -> str:
    """What a CDXJ line lacks of what finds its record ("" when nothing)."""
    lacking = [what for what, ok in (
        ("url", bool(url)), ("14-digit time", stamp[:14].isascii() and stamp[:14].isdigit()
                             and len(stamp) >= 14),
        ("filename", bool(warc)), (f"offset (a count of bytes; {offset[:40]!r})", _count(offset)),
    ) if not ok]
    return ", ".join(lacking)


def _over_cap_note(said: str, member: str, offset: int, over: tuple[int, int | None],
                   cap: int) -> str:
    """What to say of an index line whose record was left unread for the size cap."""
    start, size = over
    if start != offset:
        return (f"{said} names offset {offset} of {member[:200]}, past offset {start}, where a "
                f"gzip member inflates far past {cap} bytes (--max-record-size) without "
                "ending: the rest of that WARC was not read, this line not checked")
    bytes_said = f"of {size} bytes in the file " if size is not None else ""
    return (f"{said} names a record {bytes_said}at {member[:200]} offset {offset} that is "
            f"larger than {cap} bytes (--max-record-size): too large to check; raise "
            "--max-record-size to check it")


def verify(
    paths: Iterable[Path],
    progress: Callable[[int], None] | None = None,
    *,
    max_record_size: int | None = None,
    on_problem: Callable[[Problem], None] | None = None,
) -> VerifyReport:
    """Check every record: digests, required fields, request/response links, revisit targets.

    Unreadable data (bad gzip, bad headers, over-cap or multi-record members, bad dates or
    target URIs) is an error with file and offset; the rest of the file is still checked.
    A WACZ package given whole is checked as its WARC members, each counted as a file, and
    every file its datapackage.json lists is looked for in it. A file holding no record and
    no damage (zero bytes, or empty gzip members only) is a warning.
    Each problem goes to `on_problem` as it is found (the report keeps the first ones).
    """
    report = VerifyReport(on_problem=on_problem)
    last = [""]  # the message of the file's latest problem: a CRC-32 note the walk gave

    def found(problem: Problem) -> None:
        last[0] = problem.message
        report.add(problem)

    def on_error(err: WarcFormatError) -> None:
        found(Problem(err.file, err.offset, "error", err.reason, count=error_count(err)))
        if isinstance(err, RecordOverLimit) and places is not None and found_in:
            member = member_spelling(found_in[1])
            if err.length is None:  # a gzip bomb: the walk stops there
                places.bomb_at.setdefault(member, err.offset)
            else:
                places.over_cap.setdefault(member, {})[err.offset] = err.length

    # Only small tuples outlive a record (never the record: a folder of many files would hold
    # every request and revisit in memory): record id -> (type, normalized uri, payload digest)
    ids: dict[str, tuple[str, str, str]] = {}
    shared: dict[str, set[bytes | None]] = {}  # an id met again: earlier digests' keys
    links: list[_Link] = []
    revisits: list[_Revisit] = []
    # what a revisit may name: a response's (or another revisit's: a 304 naming a revisit)
    # (uri, second), and a response's (uri, payload digest key), by a 12-byte hash each
    captures: set[bytes] = set()
    # a response's uri (by the same hash) -> its earliest capture second: what a revisit with
    # no payload digest and no date to name is replayed as (the newest capture before it);
    # of a 2xx for a 304, which confirms no error answer (archive.reader.confirms_unchanged)
    earliest: dict[bytes, int] = {}
    earliest_ok: dict[bytes, int] = {}
    packages: set[Path] = set()  # those whose listed files were looked for
    paths = list(paths)
    # packages given whole: each record's place, by hash, for their indexes to be checked
    cap = DEFAULT_MAX_RECORD_SIZE if max_record_size is None else max_record_size
    placed = {package: _Placed(cap) for package in _whole_packages(paths)}
    for package in placed:  # the walk's reads give each member's digest for its list's check
        hash_while_read(package)
    found_in: tuple[Path, str] | None = None
    places: _Placed | None = None  # the package given whole whose member is walked
    # a package is walked member by member: crc_problem checks a member, not a package
    for path in (member for p in paths for member in inputs_of(Path(p))):
        report.files += 1
        last[0] = ""
        before = (report.records, report.error_count + report.warning_count)
        for problem in _listed_files_missing(path, packages):
            report.add(problem)
        found_in = split_location(path)
        places = placed.get(found_in[0]) if found_in else None
        for info in iter_records(path, on_error, max_record_size=max_record_size):
            report.records += 1
            rec = info.record

            def add(sev: str, msg: str, info: RecordInfo = info) -> None:
                found(Problem(str(info.file), info.offset, sev, msg, info.record.record_id))

            _check_record(info, add)
            if cut := truncated_reason(info):  # no damage, but no reader serves it
                add("warning", cut)
            uri = normalize_url(rec.target_uri) if rec.target_uri else ""
            where = (str(info.file), info.offset, rec.record_id)
            if places is not None and uri and found_in:
                places.lengths[_placed_key(found_in[1], info.offset, uri,
                                           timestamp14(info))] = info.length
            if rec.record_id:
                digest = rec.get("WARC-Payload-Digest") or ""
                if (seen := ids.get(rec.record_id)) is not None:
                    if seen[1] != uri or digests_conflict(seen[2], digest):
                        # one ID, two pages (or two captures of one): a revisit naming it may
                        # be answered with either
                        add("warning", f"WARC-Record-ID also names an earlier record of "
                            f"{seen[1]!r}" + f" with payload digest {seen[2]}" * (seen[1] == uri))
                    shared.setdefault(rec.record_id, set()).add(digest_key(seen[2]))
                ids[rec.record_id] = (rec.rec_type, uri, digest)
            for k, v in rec.headers:
                if k.lower() == "warc-concurrent-to":
                    links.append((*where, rec.rec_type, uri, v.strip()))
            if rec.rec_type in ("response", "revisit"):
                page = surt(uri)  # (once a record: ~20 µs)
                captures.add(_capture_key(page, int(rec.date.timestamp())))
            if rec.rec_type == "response":
                if (dkey := digest_key(rec.get("WARC-Payload-Digest"))) not in (None, ODD_DIGEST):
                    captures.add(_capture_key(page, dkey))
                second = int(rec.date.timestamp())
                key = _capture_key(page, b"")
                earliest[key] = min(second, earliest.get(key, second))
                if success_status(rec):
                    earliest_ok[key] = min(second, earliest_ok.get(key, second))
            if rec.rec_type == "revisit":
                revisits.append((*where, rec.get("WARC-Refers-To") or "",
                                 original_digest(rec) or "",  # a 304's own: of no payload
                                 rec.get("WARC-Refers-To-Target-URI") or "",
                                 rec.get("WARC-Refers-To-Date") or "", uri,
                                 int(rec.date.timestamp()) if rec.get("WARC-Date") else None,
                                 confirms_unchanged(rec)))
            if progress:
                progress(info.length)
        problem = crc_problem(path)  # a walk through the whole member said it last, if at all
        if problem and problem != last[0]:
            report.add(Problem(str(path), 0, "error", problem))
        if before == (report.records, report.error_count + report.warning_count):
            report.add(Problem(str(path), 0, "warning", _empty_note(path)))
    for package, places in placed.items():
        for severity, message in resource_problems(package):
            report.add(Problem(str(package), 0, severity, message))
        for problem in _index_problems(package, places):
            report.add(problem)
        for problem in _block_index_problems(package):
            report.add(problem)
    pairs = {("request", "response"), ("response", "request"), ("request", "revisit")}
    pairs |= {(b, a) for a, b in pairs}
    for file, offset, record_id, rec_type, uri, target in links:
        p = Problem(file, offset, "warning", "", record_id)
        # as pairing reads it: with or without the angle brackets a writer left out
        linked = ids.get(target) or ids.get(f"<{id_key(target)}>") or ids.get(id_key(target))
        if linked is None:
            p.message = f"WARC-Concurrent-To {target} not found in the given files"
        else:
            ttype, turi, _ = linked
            if (rec_type, ttype) in pairs and not same_target(turi, uri):
                p.severity = "error"
                p.message = f"WARC-Concurrent-To {target} has a different target URI"
        if p.message:
            report.add(p)
    for file, offset, record_id, ref, want, ref_uri, date, target, when, confirms in revisits:
        uri = normalize_url(strip_brackets(ref_uri)) if ref_uri else target
        page = surt(uri) if uri else ""
        if ref and ref == record_id:
            report.add(Problem(file, offset, "warning", "WARC-Refers-To names the revisit "
                               "itself: replay looks for the original by URL instead", record_id))
        elif ref and ref in ids:
            if problem := _refers_to_problem(ref, want, ids[ref][2], shared.get(ref)):
                report.add(Problem(file, offset, "error", problem, record_id))
                continue
            if not (elsewhere := _other_url(ref, ids[ref], uri, want)):
                continue
            # replay refuses it, and looks for the original by URL (and digest) as below
            report.add(Problem(file, offset, "warning", elsewhere, record_id))
        if uri and date:
            try:
                if _capture_key(page, int(parse_warc_date(date).timestamp())) in captures:
                    continue
            except ValueError:
                pass
        # replay finds the original by URL and payload digest too (a revisit naming no date,
        # or a wrong one): no warning for what it resolves
        if uri and (dkey := digest_key(want)) not in (None, ODD_DIGEST) and _capture_key(
                page, dkey) in captures:
            continue
        # ...or, naming no digest, by URL alone: the newest capture no later than it
        if uri and dkey is None and (first := (earliest_ok if confirms else earliest).get(
                _capture_key(page, b""))) is not None and (when is None or first <= when):
            continue
        report.add(Problem(
            file, offset, "warning", "revisit target not found in the given files", record_id))
    return report

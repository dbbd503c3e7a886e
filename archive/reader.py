"""Reading archives back: path expansion, response iteration and URL lookup for replay."""

from __future__ import annotations

import contextlib
import glob
import itertools
import json
import os
import shutil
import sqlite3
import tempfile
import weakref
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin

from .dedup import DEFAULT_NAME as DIGEST_INDEX
from .digests import ODD_DIGEST, check_digest, digest_key, digests_conflict, same_digest
from .errors import ErrorHandler, UnservedRecord, WarcFormatError, log, report
from .httputil import PARTIAL_CONTENT as PARTIAL_CONTENT_STATUS
from .httputil import (
    BodyCutShort,
    content_problem,
    content_type,
    part_of_page,
    range_headers,
    without_transfer_coding,
)
from .methods import capture_method
from .model import PROBE_FIELD, RUN_FIELD, SPIDER_FIELD, UNMARKED, ArchivedResponse, RecordRef
from .pairing import same_target, with_requests
from .records import (
    ARC_CONVERT,
    OTHER_CODEC_SUFFIXES,
    RECOMPRESS_PER_RECORD,
    HttpMessage,
    RecordInfo,
    WarcRecord,
    check_record,
    decompress_command,
    iter_records,
    parse_warc_date,
    read_info_at,
    read_record_at,
    response_status,
)
from .repair import DAMAGED_SUFFIX, OPEN_FORMS, OPEN_SUFFIX
from .urls import normalize_url, strip_brackets, surt
from .wacz_input import WACZ_SUFFIX, is_package, location, member_names, split_location

__all__ = [
    "ArchiveLookup",
    "LookupIndexError",
    "RecordInfo",
    "SharedIndex",
    "WarcFormatError",
    "expand_paths",
    "output_clash",
    "warc_inputs",
    "iter_records",
    "iter_responses",
]

WARC_SUFFIXES = (".warc", ".warc.gz")
ARC_SUFFIXES = (".arc", ".arc.gz")


def _is_warc(p: Path) -> bool:
    """A WARC or WACZ file by its name, in any case: another tool's ``CRAWL.WARC.GZ`` too."""
    return _named(p, WARC_SUFFIXES) or is_package(p)


def _named(p: Path, suffixes: Iterable[str]) -> bool:
    return p.name.lower().endswith(tuple(suffixes))


def inputs_of(p: Path) -> list[Path]:
    """The WARC inputs a file is: itself, or the WARC members of a WACZ package. A package
    whose members cannot be listed stays whole: reading it reports why, with its name."""
    if not is_package(p):
        return [p]
    try:
        return [location(p, name) for name in member_names(p)]
    except OSError:
        return [p]


def expand_paths(spec: str | Path | Iterable[str | Path],
                 unfinished: list[Path] | None = None,
                 arcs: list[Path] | None = None,
                 compressed: list[Path] | None = None,
                 damaged: list[Path] | None = None,
                 digest_files: list[Path] | None = None, *,
                 named_damaged: list[Path] | None = None) -> list[Path]:
    """Files, folders (recursively: *.warc, *.warc.gz, *.wacz, never *.open), glob patterns
    and WACZ members (``PKG.wacz#archive/NAME.warc.gz``).

    A WACZ package stands for its WARC members (see archive.wacz_input). The `.open` files a
    folder or a glob pattern holds (a writer's, or a killed crawl's until it is repaired; a
    pattern naming `.open` files, ``*.open``, reads them, as a name does) are added to
    ``unfinished`` when given, a folder's ARC files to ``arcs``, and its WARCs compressed
    with other codecs (.warc.zst, .warc.lz4, .warc.bz2, .warc.xz) to ``compressed``, and the
    ``.damaged`` side files ``archive repair`` set aside to ``damaged``: never read as WARCs,
    whether in a folder, matched by a pattern or named (a shell's ``dir/*``). Those a pattern
    matched or a name gave (their ``.damaged.json`` manifests too) go to ``named_damaged``
    as well, and the digest index a crawl keeps beside its WARCs (``digests.sqlite3`` and
    its journal files) a pattern matched or a name gave to ``digest_files``, so the caller
    can say they were left out. Without those lists, what a pattern or a name gave and was
    left out is logged, once; what a folder held is not (its `.open` files are the caller's
    to say, its side files the repair's).
    """
    items = [spec] if isinstance(spec, str | Path) else list(spec)
    left_open: list[Path] = []  # a pattern's: the user named them
    sides: list[Path] = []  # a pattern's or a name's
    digests: list[Path] = []
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
                arcs.extend(sorted(q for q in files if _named(q, ARC_SUFFIXES)))
            if compressed is not None:
                compressed.extend(sorted(q for q in files
                                         if _named(q, OTHER_CODEC_SUFFIXES)))
            if damaged is not None:
                damaged.extend(sorted(q for q in files if _named(q, (DAMAGED_SUFFIX,))))
        elif split_location(s) is not None:
            found = [p]
        elif any(c in s for c in "*?["):
            found = sorted(q for q in _glob(s) if q.is_file())
            if not _named(p, (OPEN_SUFFIX,)):  # `dir/*` lists a folder: its `.open` files left
                left_open.extend(q for q in found if _is_unfinished(q))
                found = [q for q in found if not _is_unfinished(q)]
            sides.extend(q for q in found if _is_side_file(q))
            digests.extend(q for q in found if _is_digest_file(q))
            found = [q for q in found if not _is_side_file(q) and not _is_digest_file(q)]
        elif p.is_file():
            sides.extend([p] if _is_side_file(p) else [])
            digests.extend([p] if _is_digest_file(p) else [])
            found = [] if _is_side_file(p) or _is_digest_file(p) else [p]
        else:
            raise FileNotFoundError(f"no such WARC file or folder: {s}")
        for q in (member for f in found for member in inputs_of(f)):
            key = _same_input_key(q)
            if key not in seen:
                seen.add(key)
                out.append(q)
    sides = _side_files(sides)
    if unfinished is not None:
        unfinished.extend(left_open)
    if damaged is not None:
        damaged.extend(sides)
    if named_damaged is not None:
        named_damaged.extend(sides)
    if digest_files is not None:
        digest_files.extend(digests)
    _log_left_out(left_open if unfinished is None else [], sides if damaged is None else [],
                  digests if digest_files is None else [])
    return out


def _is_side_file(p: Path) -> bool:
    """A file ``archive repair`` wrote beside a WARC: its `.damaged` bytes or their
    `.damaged.json` manifest. No WARC, whatever name it follows."""
    return _named(p, (DAMAGED_SUFFIX, DAMAGED_SUFFIX + ".json"))


def _side_files(files: Iterable[Path]) -> list[Path]:
    """The side files among ``files`` to say, once each: the `.damaged` files, and a
    manifest only when its `.damaged` file is not among them."""
    found = _once([q for q in files if _is_side_file(q)])
    said = {q.resolve() for q in found if _named(q, (DAMAGED_SUFFIX,))}
    return [q for q in found if _named(q, (DAMAGED_SUFFIX,))
            or q.resolve().with_name(q.name[:-len(".json")]) not in said]


def _is_digest_file(p: Path) -> bool:
    """The digest index a crawl keeps beside its WARCs (archive.dedup), or its journal."""
    return p.name in {DIGEST_INDEX + tail for tail in ("", "-wal", "-shm", "-journal")}


def _log_left_out(unfinished: list[Path], damaged: list[Path], digests: list[Path]) -> None:
    """Say what a caller with no list to take them left out (library use: the commands say
    it themselves, in their note)."""
    if unfinished := _once(unfinished):
        log.warning("%s", unfinished_note(unfinished))
    if damaged := _once(damaged):
        log.warning("%s", damaged_note(damaged))
    if digests := _once(digests):
        log.warning("%s", digests_note(digests))


def _once(paths: list[Path]) -> list[Path]:
    """``paths`` without a file named again (by another name, or in a folder also named)."""
    seen: set[Path] = set()
    return [p for p in paths if not (p.resolve() in seen or seen.add(p.resolve()))]


def _glob(pattern: str) -> list[Path]:
    """What a glob pattern names. A ``**`` part is walked as a folder is (pathlib does not
    enter links to folders): glob.glob's recursive walk follows them, so a link to ``.``
    beside another made ``runs/**/*.warc.gz`` endless."""
    parts = Path(pattern).parts
    if "**" not in parts:
        return [Path(q) for q in glob.glob(pattern)]
    if parts[-1] == "**":  # glob's trailing ** names files too; pathlib's only folders
        parts = (*parts, "*")
    fixed = next(i for i, part in enumerate(parts) if any(c in part for c in "*?["))
    root = Path(*parts[:fixed] or ".")
    found = root.glob(str(Path(*parts[fixed:])))
    if any(part.startswith(".") for part in parts[fixed:]):
        return list(found)
    # as glob's: a wildcard names no hidden file or folder (pathlib's does)
    return [q for q in found if not any(part.startswith(".") for part in q.relative_to(root).parts)]


def _same_input_key(p: Path) -> tuple[Path, str]:
    """What makes two names one input: the file's real path, and a WACZ member's name as
    it is (resolving ``PKG.wacz#archive/x/../a`` would make it ``archive/a``, another
    member)."""
    found = split_location(p)
    return (p.resolve(), "") if found is None else (found[0].resolve(), found[1])


class NoWarcFiles(ValueError):
    """No WARC file among the inputs; ``damaged``: the ``.damaged`` side files found there;
    ``only_damaged``: they were all that was found (a folder whose damage ``archive repair``
    set aside), no `.open` file, ARC file or other codec's WARC, each a note of its own."""

    def __init__(self, message: str, damaged: list[Path], only_damaged: bool = False):
        super().__init__(message)
        self.damaged = damaged
        self.only_damaged = only_damaged


def warc_inputs(specs: Iterable[str | Path], what: str, *, read_arcs: bool = False
                ) -> tuple[list[Path], str | None]:
    """The WARC files ``specs`` name, and the note to give on the `.open` files left out.
    With ``read_arcs`` (a command that reads ARC files: archive.arc), the ARC files a folder
    holds are inputs too; without, they are left out and said so.

    Raises FileNotFoundError for a path that does not exist, and NoWarcFiles (saying
    ``what`` names nothing, and why when only `.open` or `.damaged` files are there) when no
    WARC file is found.
    """
    unfinished: list[Path] = []
    arcs: list[Path] = []
    compressed: list[Path] = []
    damaged: list[Path] = []
    digests: list[Path] = []
    named: list[Path] = []
    paths = expand_paths(specs, unfinished, arcs, compressed, damaged, digests,
                         named_damaged=named)
    if read_arcs and arcs:  # a folder's ARC files after its WARCs (the order of the rest kept)
        seen = {_same_input_key(p) for p in paths}
        paths += [a for a in dict.fromkeys(arcs) if _same_input_key(a) not in seen]
        arcs = []
    unfinished, damaged = _once(unfinished), _once(damaged)  # a file found twice: said once
    notes = [unfinished_note(unfinished)] if unfinished else []
    if arcs:
        notes.append(f"{len(arcs)} ARC file(s) not read: {_names(arcs)} (ARC is the format "
                     f"before WARC; convert each to WARC first, {ARC_CONVERT})")
    if compressed:
        notes.append(compressed_note(compressed))
    only_damaged = bool(damaged) and not notes
    # never read as WARCs, wherever found. Beside WARCs, a folder's side files are the
    # repair's to say (no note); those a pattern or a name gave, the user named: said
    if said := damaged if not paths else _once(named):
        notes.append(damaged_note(said))
    if digests := _once(digests):
        notes.append(digests_note(digests))
    note = "; ".join(notes) or None
    if not paths:
        raise NoWarcFiles(f"no WARC files in {what}" + (f"; {note}" if note else ""), damaged,
                          only_damaged=only_damaged)
    return paths, note


ARCHIVE_SUFFIXES = (*WARC_SUFFIXES, *ARC_SUFFIXES, *OTHER_CODEC_SUFFIXES, WACZ_SUFFIX)


def output_clash(output: str | Path, inputs: Iterable[Path],
                 allowed: tuple[str, ...] = ()) -> str | None:
    """Why a command reading ``inputs`` (as :func:`warc_inputs` gave them) must not write
    ``output``, or None. ``-O data/*.warc.gz`` hands the first WARC to the output option, which
    emptied it: an output that is one of the inputs (the same file, by any name or link) is
    refused, as is one named like an archive (a typo, or an input yet to be made), but for the
    ``allowed`` suffixes the command writes (``.wacz``). Call it before opening the output."""
    target = Path(output)
    name = target.name.lower().removesuffix(OPEN_SUFFIX)
    try:
        resolved = target.resolve()
    except (OSError, RuntimeError):  # a symlink loop: compared as written
        resolved = target
    for path in inputs:
        member = split_location(path)  # a WARC inside a WACZ: the package is the file
        path = member[0] if member else Path(path)
        try:
            same = os.path.samefile(target, path)
        except OSError:  # one of them absent (a new output) or unreadable: compare names
            same = False
        if same or resolved == path.resolve():
            return (f"the output {output} is one of the inputs ({path}): writing it would "
                    "destroy that archive; give the output file first (-O FILE before the "
                    "WARCs) or another name")
    if name.endswith(ARCHIVE_SUFFIXES) and not name.endswith(allowed):
        return (f"the output {output} names an archive (.warc, .warc.gz, .arc, .wacz...): "
                "this command writes no such file there; give another output name")
    return None


def _is_unfinished(p: Path) -> bool:
    """An `.open` file ``archive repair`` closes: a WARC writer's or an ARC writer's."""
    return _named(p, (suffix + OPEN_SUFFIX for suffix in OPEN_FORMS))


def _names(paths: list[Path]) -> str:
    return ", ".join(str(p) for p in paths[:3]) + (f" and {len(paths) - 3} more"
                                                   if len(paths) > 3 else "")


def compressed_note(paths: list[Path]) -> str:
    """What to tell about WARCs compressed with another codec than gzip left out of a
    folder: what decompresses each codec among them (this reader cannot read their records
    at an offset)."""
    codecs = dict.fromkeys(codec for p in paths for suffix, codec in OTHER_CODEC_SUFFIXES.items()
                           if p.name.endswith(suffix))
    tools = "; ".join(f"{codec}: {decompress_command(codec)}" for codec in codecs)
    names = ", ".join(list(codecs)[:-1]) + " or " * (len(codecs) > 1) + list(codecs)[-1]
    return (f"{len(paths)} WARC file(s) compressed with {names} not read: "
            f"{_names(paths)} (only plain or per-record gzip WARCs are read; decompress "
            f"each ({tools}), and gzip it per record if wanted, {RECOMPRESS_PER_RECORD})")


def damaged_note(paths: list[Path], verb: str = "read") -> str:
    """What to tell about the ``.damaged`` side files left out of a folder: bytes `archive
    repair` could not read, moved out of their WARC (none deleted), no WARC themselves."""
    return (f"{len(paths)} damaged side file(s) not {verb}: {_names(paths)} (bytes `archive "
            "repair` could not read, moved out of their WARC and kept; the .damaged.json "
            "beside each says from which offsets and why)")


def digests_note(paths: list[Path]) -> str:
    """What to tell about the digest index files a pattern or the shell's ``dir/*`` named."""
    return (f"{len(paths)} digest index file(s) not read: {_names(paths)} (the payload "
            "digests a crawl keeps beside its WARCs for its revisit records; no WARC)")


def unfinished_note(paths: list[Path]) -> str:
    """What to tell about `.open` files left out of a folder: what they are, what to do."""
    names = _names(paths)
    arc = any(_named(p, (suffix + OPEN_SUFFIX for suffix in ARC_SUFFIXES)) for p in paths)
    what = "WARC or ARC" if arc else "WARC"
    return (f"{len(paths)} unfinished {what} file(s) not read: {names} (being written, or left "
            "by a crawl that was killed; `python -m archive repair FOLDER` closes those no "
            "writer holds, or name an .open file to read it as it is)")


def _ref(info: RecordInfo) -> RecordRef:
    """Where the record lives; an ``.open`` file read as it is by the name it is closed to
    (by its writer, or by ``archive repair``), the name an item may carry and keeps naming."""
    return RecordRef(info.file.name.removesuffix(OPEN_SUFFIX), info.offset, info.length,
                     info.record.record_id, str(info.file))


def _to_response(
    rec: WarcRecord, ref: RecordRef, payload_from: WarcRecord | None = None,
    on_error: ErrorHandler | None = None,
) -> ArchivedResponse | None:
    """The HTTP response in a response/revisit record (or a resource as a 200); ValueError if bad.
    A body shorter than its Content-Length is served as stored, as pywb serves it (a server
    may have lied), and said to ``on_error`` as a record kept: it may be part of the page."""
    if rec.rec_type == "resource":
        return _resource_response(rec, ref)
    http = rec.http()
    if not _is_http(http) and not _empty_revisit(rec):
        return None
    src = http
    if payload_from is not None:
        orig = payload_from.http()
        if not _is_http(orig):
            return None
        src = orig
        # a revisit without HTTP headers (or with no block at all), or a 304
        # ("server-not-modified"), is replayed as the original response, as pywb does: its
        # own head says nothing about the payload
        if http is None or not http.headers or confirms_unchanged(rec, http.status):
            http = orig
    if http is None or src is None:
        return None
    payload, partial = _payload(src, payload_from or rec, ref, on_error)
    return ArchivedResponse(
        url=rec.target_uri,
        status=http.status,
        reason=http.reason,
        http_version=http.protocol,
        headers=http.headers,
        payload=payload,
        date=rec.date,
        ref=ref,
        head=http.head,
        partial=partial,
    )


def _payload(http: HttpMessage, holder: WarcRecord, ref: RecordRef,
             on_error: ErrorHandler | None) -> tuple[bytes, str | None]:
    """The page ``http`` carries (in ``holder``, the record itself or a revisit's original),
    served as stored but said as a record kept when it is cut short of its Content-Length or
    is not what its WARC-Payload-Digest says was written: a plain ``.warc`` has no CRC, so
    bytes altered since would pass for the page (``verify`` calls it an error). With it, why
    it is only part of the page (None: whole), for a reader preferring a whole capture."""
    kept = []
    partial = None
    try:
        payload = without_transfer_coding(http.headers, http.body)
    except BodyCutShort as cut:
        partial = f"HTTP {cut}"
        kept.append(partial)
        payload = cut.arrived
    digest = holder.get("WARC-Payload-Digest")
    if (digest and check_digest(digest, http.body) is False
            and (payload == http.body or check_digest(digest, payload) is not True)):
        whose = "" if holder.record_id == ref.record_id else "its original's "
        kept.append(f"{whose}WARC-Payload-Digest mismatch: the payload is not the one written")
    for reason in kept:
        report(WarcFormatError(ref.where, ref.offset, f"{reason}; served as stored",
                               kept=True), on_error, soft=True)
    return payload, partial


def _readable_http(rec: WarcRecord) -> bool:
    """Whether a record holds an HTTP response a revisit can take its payload from."""
    try:
        return _is_http(rec.http())
    except ValueError:
        return False


def _is_http(http: HttpMessage | None) -> bool:
    """A response's HTTP head (another protocol's status line too: "ICY 200 OK")."""
    return http is not None and not http.method


def _empty_revisit(rec: WarcRecord) -> bool:
    """A revisit with no block at all (old Heritrix dedup, WARC/0.18): pywb replays it with
    its original's head and payload."""
    return rec.rec_type == "revisit" and not rec.block.strip()


def _own_empty_payload(rec: WarcRecord) -> bool:
    """A revisit whose payload digest is that of an empty body and whose own head is the
    answer (Heritrix's dedup of a 301 or 302): replayed from its own head with no body when
    its original is not in the files, as pywb replays it. Not a 304's (server-not-modified):
    its own digest is of its empty body, the payload its original's."""
    digest = rec.get("WARC-Payload-Digest")
    if rec.rec_type != "revisit" or not digest or check_digest(digest, b"") is not True:
        return False
    try:
        http = rec.http()
    except ValueError:
        return False
    return _is_http(http) and not confirms_unchanged(rec, http.status)


def truncated_reason(info: RecordInfo) -> str | None:
    """Why a response record holding only part of its response (WARC-Truncated: the transfer
    failed, or the tool cut it) is not served: evidence of what arrived, never served or
    re-read as the page, but said by file and offset (dropped unsaid, a capture went missing
    with nothing to tell why). Only responses: Heritrix marks its revisits "length" too, and
    they hold no payload by design. None for a whole record."""
    rec = info.record
    reason = (rec.get("WARC-Truncated") or "").strip()
    if rec.rec_type != "response" or not reason:
        return None
    return (f"response for {rec.target_uri[:200]!r} is WARC-Truncated ({reason[:40]}): only "
            "part of the response, not served")


def _unserved(path: Path | str, info: RecordInfo) -> WarcFormatError | None:
    """The report of a record not served as a page: a truncated response (no damage), or a
    segment of one (not joined)."""
    if cut := truncated_reason(info):
        return UnservedRecord(path, info.offset, cut)
    if segmented := _segment_reason(info):
        return WarcFormatError(path, info.offset, segmented)
    return None


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


def confirms_unchanged(rec: WarcRecord, status: int | None = None) -> bool:
    """A 304 Not Modified (a response record, or a server-not-modified revisit): the server
    confirmed the page the conditional request's validators came from, a 2xx capture's.
    ``status``: the record's, when its HTTP head is parsed already."""
    return ("server-not-modified" in (rec.get("WARC-Profile") or "")
            or (response_status(rec.block) if status is None else status) == 304)


def success_status(rec: WarcRecord) -> bool:
    status = response_status(rec.block)
    return status is not None and 200 <= status < 300


def _is_304_response(rec: WarcRecord) -> bool:
    """A response record of a 304 Not Modified (wget -N, a conditional recrawl): it confirms an
    earlier capture's page unchanged and holds none itself."""
    return rec.rec_type == "response" and response_status(rec.block) == 304


def _payload_elsewhere(rec: WarcRecord) -> bool:
    """Whether the page a capture answers with is another record's: a revisit, or a 304
    response, replayed as the capture it refers to (as pywb replays a not-modified revisit)."""
    return rec.rec_type == "revisit" or _is_304_response(rec)


def _may_be_whole(rec: WarcRecord) -> bool:
    """Whether a capture may serve a whole 2xx (:func:`_whole_2xx`), as the index keeps it:
    False for an answer of another status, or a 206 holding part of its page, by its own
    head (a revisit's too, when it has one: without, it is replayed with its original's);
    True where only reading it tells (a resource, a 304 confirming an earlier page, a head
    that does not parse here). Spares reading every capture of a URL to find the whole
    page behind a newest 206 (read_without_range)."""
    if rec.rec_type not in ("response", "revisit"):
        return True
    status = response_status(rec.block)
    if status is None or confirms_unchanged(rec, status) or (
            200 <= status < 300 and status != PARTIAL_CONTENT_STATUS):
        return True
    try:
        http = rec.http()
    except ValueError:
        return True
    if http is None or rec.rec_type == "revisit" and not http.headers:
        return True  # replayed with its original's head
    if http.status != PARTIAL_CONTENT_STATUS:
        return False
    if rec.rec_type == "revisit":  # its payload is its original's: the range's form tells
        return part_of_page(http.status, range_headers(http.headers),
                            content_type=content_type(http.headers)) is None
    return _reads_whole(http)


def _reads_whole(http: HttpMessage) -> bool:
    """A 206 response whose Content-Range is its whole body (or whose body does not read
    here: its reading decides)."""
    try:
        body = without_transfer_coding(http.headers, http.body)
    except (ValueError, BodyCutShort):
        return True
    return part_of_page(http.status, range_headers(http.headers), len(body),
                        content_type(http.headers)) is None


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
        check_record(info.record)  # as every walk of the file checks it (no WARC-Date: no time)
    except ValueError as exc:
        raise WarcFormatError(path, offset, f"record skipped: {exc}") from exc
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


def original_digest(rec: WarcRecord) -> str | None:
    """The payload digest the original a revisit (or a 304 response) refers to must have:
    its own, but none for a not-modified one whose digest is of its own empty body (Heritrix
    writes its 304 revisits so; a 304 response's is always of its empty body)."""
    digest = _payload_digest(rec)
    if not digest or _is_304_response(rec):
        return None
    not_modified = ("server-not-modified" in (rec.get("WARC-Profile") or "")
                    or response_status(rec.block) == 304)
    return None if not_modified and check_digest(digest, b"") is True else digest


def _not_original(revisit: WarcRecord, orig: WarcRecord) -> str | None:
    """Why `orig` cannot be the record `revisit` refers to; None when it can be.

    An original is captured no later than its revisit; its payload digest, when both carry
    one, is the revisit's; and it is for the revisit's URL unless the digests say the payload
    is the same (an identical-payload revisit may name another URL's capture).
    """
    want, got = original_digest(revisit), _payload_digest(orig)
    if not _readable_http(orig):
        return "no readable HTTP response"
    if digests_conflict(want, got):
        return f"payload digest {got} is not the revisit's {want}"
    if revisit.get("WARC-Date") and _ts(orig.date) > _ts(revisit.date):
        return f"captured after the revisit ({orig.get('WARC-Date')})"
    url = strip_brackets(revisit.get("WARC-Refers-To-Target-URI") or revisit.target_uri)
    if normalize_url(orig.target_uri) != normalize_url(url) and not (
            want and got and same_digest(want, got)):
        # (digests of two algorithms prove nothing: a record of another site sharing the
        # named record ID was served as this page)
        return f"for {orig.target_uri!r}, and no payload digest shows it is the same payload"
    return None


class _Resolver:
    """Finds the original response a revisit refers to, among records seen so far."""

    def __init__(self) -> None:
        self.by_id: dict[str, tuple[Path, int]] = {}
        self.by_url_date: dict[tuple[str, datetime], tuple[Path, int]] = {}
        self.by_url_digest: dict[tuple[str, str], tuple[Path, int]] = {}
        # by the URL's pywb key (http and https as one) and digest: an original archived
        # under another spelling of the revisit's URL
        self.by_key_digest: dict[tuple[str, str, str], tuple[Path, int]] = {}

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
            self.by_key_digest.setdefault(_spelling_key(rec.target_uri, dig), loc)

    def candidates(self, rec: WarcRecord) -> list[tuple[Path, int]]:
        """Where the original may be, best evidence first: its id, its URL and date, its digest."""
        found = []
        ref_id = rec.get("WARC-Refers-To")
        if ref_id and ref_id in self.by_id:
            found.append(self.by_id[ref_id])
        raw_uri = strip_brackets(rec.get("WARC-Refers-To-Target-URI") or rec.target_uri)
        uri = normalize_url(raw_uri)
        date = _refers_to_date(rec)
        if date and (uri, date) in self.by_url_date:
            found.append(self.by_url_date[(uri, date)])
        dig = _payload_digest(rec)
        if dig and (uri, dig) in self.by_url_digest:
            found.append(self.by_url_digest[(uri, dig)])
        if dig and (loc := self.by_key_digest.get(_spelling_key(raw_uri, dig))):
            found.append(loc)
        return list(dict.fromkeys(found))


def _spelling_key(url: str, digest: str) -> tuple[str, str, str]:
    """A URL's spellings pywb takes as one (its SURT key, http and https joined), with a
    payload digest."""
    return _web_scheme(url), surt(url), digest


def _disagrees(info: RecordInfo) -> bool:
    """A capture whose own request (see archive.pairing) gives another URI."""
    req = info.request
    if req is None:
        return False
    return not same_target(info.record.target_uri, req.record.target_uri)


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
        report(WarcFormatError(path, info.offset, (
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
            if unserved := _unserved(path, info):
                report(unserved, on_error, soft=True)
                continue
            if rec.rec_type == "response":
                try:
                    resp = _to_response(rec, _ref(info), on_error=on_error)
                except ValueError as exc:
                    report(WarcFormatError(path, info.offset, f"bad HTTP: {exc}"), on_error)
                    continue
                if resp is not None:  # only a readable response can be a revisit's original
                    resolver.add(info)
                    yield resp
            elif rec.rec_type == "revisit" and resolve_revisits:
                try:
                    resp = _resolve(info, resolver)
                except WarcFormatError as exc:
                    report(exc, on_error)
                    continue
                if resp is None:
                    pending.append(info)
                else:
                    yield resp
    for info in pending:
        try:
            resp = _resolve(info, resolver)
            if resp is None and _own_empty_payload(info.record):
                resp = _to_response(info.record, _ref(info))
        except (WarcFormatError, ValueError) as exc:
            report(exc if isinstance(exc, WarcFormatError) else WarcFormatError(
                info.file, info.offset, f"bad HTTP: {exc}"), on_error)
            continue
        if resp is None:
            report(
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


def is_part(archived: ArchivedResponse) -> bool:
    """Whether ``archived`` holds only part of its page: a 206, unless its Content-Range is
    the whole body (``bytes 0-N/N+1``, as long as the payload), what a range request from
    the start of a short page gets (:func:`archive.httputil.part_of_page`)."""
    return archived.part() is not None


def _whole_2xx(archived: ArchivedResponse) -> bool:
    return 200 <= archived.status < 300 and not is_part(archived) and not archived.partial


def read_without_range(lookup: ArchiveLookup, url: str, at: datetime | None = None, *,
                       method: str = "") -> Iterator[tuple[ArchivedResponse, ArchivedResponse
                                                             | None]]:
    """The captures a request of ``url`` with no Range reads, best first (``readable``'s
    order), each with the 206 it stands in for (None: it stands in for none).

    A best capture holding part of the page (:func:`is_part`: ``wget -c`` resuming, a
    browser's range request) gives way to the best whole 2xx after it under the same URL
    spelling only; never to an error answer or redirect, nor another spelling's capture.
    With none, the part is read, then the rest in order. Only the first part is kept; of
    the others, only those the index holds may be a whole 2xx of its spelling are read to
    know (``ArchiveLookup.whole_candidates``), and each again only when asked for.

    Cost behind a newest 206 (bench/partial_choice.py, 2,000 captures of one URL of 30 KB
    206s, no whole page; docs/benchmarks.md "Choosing behind a 206"): every capture was
    read (2,000 records, 780-870 ms a request), now the newest alone (the index keeps each
    capture's chance to be whole; 1 record, 3-6 ms): ~160x to ~280x less."""
    tried: set[tuple[int, int]] = set()
    with contextlib.closing(lookup.readable(url, at, method=method, tried=tried)) as first:
        best = next(first, None)
        if best is None:
            return
        if not is_part(best):
            yield best, None
            yield from ((other, None) for other in first)
            return
    with contextlib.closing(lookup.whole_candidates(url, best.url, at, method=method,
                                                    tried=tried)) as candidates:
        for capture in candidates:
            if _whole_2xx(capture):
                yield capture, best
                yield from ((older, None) for older in lookup.readable_after(
                    url, capture.ref, at, method=method))
                return
    # read again, not kept (bodies of a URL's every capture); the errors of those read
    # already were said
    yield best, None
    with contextlib.closing(lookup.readable(url, at, method=method, said=tried)) as again:
        yield from ((other, None) for other in itertools.islice(again, 1, None))


def whole_versions(lookup: ArchiveLookup, url: str) -> Iterator[ArchivedResponse]:
    """:meth:`ArchiveLookup.versions` of ``url`` as a request with no Range reads them (the
    rule of :func:`read_without_range`): a 206 holding part of the document (``wget -c``
    resuming, a range request) is no version of it when the spelling has a whole 2xx;
    when it has none, each part is read after the rest (a feed known only in part: its
    reader says and counts each, :func:`is_part`). Parts are not kept: they are read again."""
    parts = whole = False
    for version in lookup.versions(url):
        if is_part(version):
            parts = True
            continue
        whole = whole or _whole_2xx(version)
        yield version
    if not parts or whole:
        return
    yield from (version for version in lookup.versions(url, said=True) if is_part(version))


def _ignore(_err: WarcFormatError) -> None:
    """An error said once already."""


def read_first(lookup: ArchiveLookup, url: str, at: datetime | None = None, *,
               method: str = "") -> ArchivedResponse | None:
    """The capture a request of ``url`` with no Range reads (:func:`read_without_range`);
    None when none can be read."""
    return next(read_without_range(lookup, url, at, method=method), (None, None))[0]


def _redirects_to(resp: ArchivedResponse, url: str) -> bool:
    """A redirect to ``url`` itself (but for escapes and case): served for ``url`` it loops.
    pywb skips such a capture ("self-redirect") for the next one; so does lookup. A Location
    naming no URL (``http://[news/``, a bracket never closed) leads nowhere, so not back
    either: the answer is served as it was sent (the test raised, failing replay of the URL
    and re-extraction's look back past it)."""
    if not 300 <= resp.status < 400:
        return False
    location = next((v for k, v in reversed(resp.headers) if k.lower() == "location"), None)
    if not location:
        return False
    try:
        return normalize_url(urljoin(resp.url, location.strip())) == normalize_url(url)
    except ValueError:
        return False


# nearest to a moment in whole seconds, as pywb's 14-digit timestamps compare (15:07:58.2 is
# 2 s from 15:08:00, 15:08:03.4 is 3 s: by microseconds from the end of 15:08:00 they were
# 2.8 s and 2.4 s, and the later one won); on a tie the one at or before it
_NEAREST = "abs(c.ts / 1000000 - ?), c.ts > ?, abs(c.ts - ?)"


def _nearest_params(at: datetime) -> tuple[int, int, int]:
    return _ts(at) // 1_000_000, _ts(at), _ts(at)


def _ts(dt: datetime) -> int:
    """Microseconds since the epoch: a compact sortable capture time."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(dt.timestamp() * 1_000_000)


_CAPTURE_TYPES = ("response", "revisit", "resource")


# (time in µs, file index, offset, payload elsewhere (a revisit, or a 304 response), method
# query: "" for a GET, see archive.methods)
Capture = tuple[int, int, int, bool, str]


def _capture(row: tuple) -> Capture:
    return row[0], row[1], row[2], bool(row[3]), row[4]


# a capture row: its Capture, its spelling, the spelling's first capture, its own place
_SELECT = ("SELECT c.ts, c.file, c.offset, c.elsewhere, c.method, c.url, s.first_seq, c.seq "
           "FROM captures c JOIN spellings s ON s.url = c.url")
# the spellings of a tier, bound as one JSON array: any number of them in one statement
_IN_TIER = "c.url IN (SELECT value FROM json_each(?))"


def _normalized_or_none(url: str) -> str | None:
    """``normalize_url`` for the index; None where it fails: the lookup asking for it then
    fails as it would have (indexing never does)."""
    try:
        return normalize_url(url)
    except Exception:  # noqa: BLE001 - whatever it is, the lookup asking meets it
        return None


def _web_scheme(url: str) -> str:
    """A URL's scheme, http and https as one (the spellings pywb's key joins)."""
    scheme = url.partition(":")[0].lower()
    return "http" if scheme in ("http", "https") else scheme


class LookupIndexError(OSError):
    """The lookup's index cannot be made or written: which folder or file, and why."""


# a private index, rebuilt on every load: no journal, no fsync, one connection; the page
# cache (memory outside Python's allocator) is bounded by cache_size, in KiB when negative
_PRAGMAS = ("PRAGMA journal_mode=OFF", "PRAGMA synchronous=OFF",
            "PRAGMA locking_mode=EXCLUSIVE", "PRAGMA cache_size=-8192", "PRAGMA mmap_size=0")
_SCHEMA = """
CREATE TABLE captures (seq INTEGER PRIMARY KEY, url TEXT NOT NULL, ts INTEGER NOT NULL,
                       file INTEGER NOT NULL, offset INTEGER NOT NULL,
                       elsewhere INTEGER NOT NULL, method TEXT NOT NULL,
                       run INTEGER NOT NULL, probe INTEGER NOT NULL, dkey BLOB,
                       whole INTEGER NOT NULL);
CREATE TABLE runs (id INTEGER PRIMARY KEY, run TEXT NOT NULL, spider TEXT NOT NULL,
                   UNIQUE (run, spider));
CREATE TABLE record_ids (rid TEXT NOT NULL, file INTEGER NOT NULL, offset INTEGER NOT NULL,
                         dkey BLOB);
CREATE TABLE spellings (first_seq INTEGER PRIMARY KEY, url TEXT NOT NULL, key TEXT NOT NULL,
                        norm TEXT);
"""
# after the bulk insert: one sort each instead of keeping the b-trees ordered row by row
_INDEXES = """
CREATE INDEX captures_url ON captures (url, method, ts);
CREATE INDEX captures_originals ON captures (url, method, dkey) WHERE NOT elsewhere;
CREATE INDEX record_ids_rid ON record_ids (rid);
INSERT INTO spellings SELECT MIN(seq), url, surt(url), NULL FROM captures GROUP BY url;
CREATE UNIQUE INDEX spellings_url ON spellings (url);
CREATE INDEX spellings_key ON spellings (key);
UPDATE spellings SET norm = normalized(url)
    WHERE key IN (SELECT key FROM spellings GROUP BY key HAVING count(*) > 1);
"""
# the captures that can be a revisit's original (_original_in) of a tier, from the partial
# index captures_originals: a URL's revisits are never visited. Through captures_url SQLite
# read every capture of the URL to leave the revisits out, for each revisit tried: N revisits
# of a URL with no original took N^2 rows (24,000 of them, minutes of `scrapy reextract`)
_ORIGINALS = f"{_SELECT} WHERE {_IN_TIER} AND NOT c.elsewhere"
# Of the revisit's own request (its method query) when no digest tells which payload it
# means: a GET's 304 after a HEAD or POST of the URL answered with that capture (an empty
# body, the POST's result)
_OF_METHOD = " AND c.method = ?"
# those whose payload digest may be a revisit's (its digest_key, or one only same_digest can
# tell): N responses and M revisits matching none were N*M records read from disk (a revisit
# tried each response of the URL in turn); now only those with its digest are
_OF_DIGEST = " AND c.dkey IN (?, ?)"
_BATCH = 5_000  # rows held before an executemany
# the records of a WARC-Refers-To id read for a revisit: ids are meant to be unique, but a
# tool that reuses one (or a record copied) gives several; those with the revisit's payload
# digest first, then the newest. Bounded: a tool writing one id for every record would have
# each revisit read them all
_OF_ID = ("SELECT file, offset FROM record_ids WHERE rid = ? "
          "ORDER BY coalesce(dkey = ?, 0) DESC, rowid DESC LIMIT 16")
_RUNS_NAMED = "(SELECT id FROM runs WHERE run = ?)"  # the keys of the run of one text


def _index_folder(tmp_dir: str | Path | None) -> Path:
    """A new private folder for the index (in ``tmp_dir``, else TMPDIR); LookupIndexError
    naming the folder asked for when it cannot be made."""
    try:
        return Path(tempfile.mkdtemp(prefix="archive-lookup-", dir=tmp_dir))
    except OSError as exc:
        where = tmp_dir if tmp_dir is not None else (
            tempfile.tempdir or os.environ.get("TMPDIR") or "the temporary folder")
        raise LookupIndexError(exc.errno, f"cannot make the replay lookup's index folder in "
                               f"{where}: {exc.strerror or exc} ({_hint(tmp_dir)})") from exc


def _hint(tmp_dir: str | Path | None) -> str:
    return ("set TMPDIR to a writable folder with free space" if tmp_dir is None
            else "tmp_dir must be a writable folder with free space")


def _remove_index(db: sqlite3.Connection, folder: Path, owner: int) -> None:
    """Close the index and remove its folder; in a forked child (a worker pool) only the
    connection's copy goes: the folder is its parent's."""
    db.close()
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)


def _host_range(url: str) -> tuple[str, str] | None:
    """The SURT keys of ``url``'s host, as a range (``"by,belta)"``: ")" < "*" bounds the
    keys it starts); None for an opaque URL (mailto:, urn:): no host."""
    key = surt(url)
    if ")" not in key:
        return None
    host = key[:key.index(")") + 1]
    return host, host[:-1] + "*"


def _run_of(warcinfo: WarcRecord) -> tuple[str, str]:
    """The run a warcinfo record names (its ``RUN_FIELD`` line, ``UNMARKED`` when it names
    none) and the spider (``SPIDER_FIELD``, "" when unnamed)."""
    fields = {RUN_FIELD: UNMARKED, SPIDER_FIELD: ""}
    for line in warcinfo.block.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(":")
        name = name.strip().lower()
        if sep and name in fields and value.strip():
            fields[name] = value.strip()
    return fields[RUN_FIELD], fields[SPIDER_FIELD]


@dataclass(frozen=True)
class SharedIndex:
    """What another process (a worker of a pool) needs to read a lookup's index while its
    owner keeps it: the index file and the archive files, in the index's order."""

    path: Path
    files: tuple[Path, ...]
    max_record_size: int | None
    max_decoded: int | None = None  # the owner's (ArchiveLookup)


class ArchiveLookup:
    """URL -> captures index for replay, on disk: memory does not grow with the archive.

    The index is an SQLite file in a private temporary folder (``tmp_dir``, else TMPDIR; about
    450 bytes of disk a capture), removed by ``close``, on leaving a ``with`` block, when the
    lookup is garbage or at process exit. A folder that cannot be made or written (read-only,
    full) raises LookupIndexError naming it.

    A capture answers only the request it was made for: a GET is never answered with a
    POST's or a HEAD's capture of the same URL (nor a POST with another body's).

    Unreadable records are reported to `on_error` (or logged) and skipped, at load time and
    when a capture is read; a stored offset that now holds another URL's record is refused.
    With ``max_decoded``, a capture whose body's Content-Encoding cannot be undone within
    that many bytes (damaged, cut, an unknown coding, too big: httputil.content_problem) is
    unreadable too: reported and passed over for the next best, as a damaged record is. Not
    a 206 holding part of its page (:func:`is_part`), unless too big: a range of a coded
    stream does not decode by its nature, and its readers say it as the part it is.
    """

    def __init__(
        self, paths, on_error: ErrorHandler | None = None, *, max_record_size: int | None = None,
        tmp_dir: str | Path | None = None, max_decoded: int | None = None,
    ):
        self.files = expand_paths(paths)
        self._on_error = on_error
        self._max = max_record_size
        self._max_decoded = max_decoded
        self._folder = _index_folder(tmp_dir)
        self._hint = _hint(tmp_dir)
        self._path = self._folder / "lookup.sqlite3"
        try:
            self._db = sqlite3.connect(self._path, isolation_level=None,
                                       check_same_thread=False)
        except sqlite3.Error as exc:
            shutil.rmtree(self._folder, ignore_errors=True)
            raise self._index_error(exc) from exc
        self._closer = weakref.finalize(self, _remove_index, self._db, self._folder,
                                        os.getpid())
        try:
            self._count = self._build(on_error, max_record_size)
        except sqlite3.Error as exc:
            self.close()
            raise self._index_error(exc) from exc
        except BaseException:
            self.close()
            raise

    def shared(self) -> SharedIndex:
        """This index for :meth:`attach` in other processes, while this lookup is open."""
        return SharedIndex(self._path, tuple(self.files), self._max, self._max_decoded)

    @classmethod
    def attach(cls, shared: SharedIndex, on_error: ErrorHandler | None = None) -> ArchiveLookup:
        """A read-only lookup over the index another lookup built (``shared``), as a worker
        process reads it: nothing is indexed again, and closing it leaves the index to its
        owner. The owner writes the index only while building it, so it is opened immutable
        (no lock asked: the owner keeps its own)."""
        self = cls.__new__(cls)
        self.files, self._max, self._on_error = list(shared.files), shared.max_record_size, on_error
        self._max_decoded = shared.max_decoded
        self._path, self._folder = shared.path, shared.path.parent
        self._hint = _hint(self._folder)
        try:
            self._db = sqlite3.connect(f"{shared.path.as_uri()}?mode=ro&immutable=1", uri=True,
                                       isolation_level=None, check_same_thread=False)
            self._count = self._db.execute("SELECT count(*) FROM captures").fetchone()[0]
        except sqlite3.Error as exc:
            raise self._index_error(exc) from exc
        self._closer = weakref.finalize(self, self._db.close)
        return self

    def _index_error(self, exc: sqlite3.Error) -> LookupIndexError:
        return LookupIndexError(f"cannot write the replay lookup's index {self._path}: {exc} "
                                f"({self._hint})")

    def _build(self, on_error: ErrorHandler | None, max_record_size: int | None) -> int:
        """Index every capture of the files, in input order (the seq column); the count."""
        db = self._db
        for pragma in _PRAGMAS:
            db.execute(pragma)
        db.executescript(_SCHEMA)
        db.create_function("surt", 1, surt, deterministic=True)
        db.create_function("normalized", 1, _normalized_or_none, deterministic=True)
        caps: list[tuple] = []
        ids: list[tuple[str, int, int, bytes | None]] = []
        count = 0
        runs: dict[tuple[str, str], int] = {}  # (run, spider): its key, stored once
        db.execute("BEGIN")
        for idx, path in enumerate(self.files):
            records = iter_records(path, on_error, max_record_size=max_record_size)
            run = self._run_key(runs, (UNMARKED, ""))  # till a warcinfo names its run
            for info in _consistent(path, records, on_error):
                rec = info.record
                if rec.rec_type == "warcinfo":
                    run = self._run_key(runs, _run_of(rec))
                    continue
                if rec.rec_type not in _CAPTURE_TYPES or not rec.target_uri:
                    continue
                if unserved := _unserved(path, info):
                    report(unserved, on_error, soft=True)
                    continue
                count += 1
                elsewhere = _payload_elsewhere(rec)
                # an original's digest, keyed: what finds a revisit's original (_original_in)
                dkey = None if elsewhere else digest_key(_payload_digest(rec))
                caps.append((count, rec.target_uri, _ts(rec.date), idx, info.offset,
                             elsewhere, capture_method(info)[1], run,
                             rec.get(PROBE_FIELD) is not None, dkey, _may_be_whole(rec)))
                if rec.rec_type == "response" and rec.record_id:
                    ids.append((rec.record_id, idx, info.offset, dkey))
                if len(caps) >= _BATCH:
                    self._flush(caps, ids)
        self._flush(caps, ids)
        db.executescript(_INDEXES)  # commits the transaction
        return count

    def _run_key(self, runs: dict[tuple[str, str], int], run: tuple[str, str]) -> int:
        """The integer key of a (run, spider) in the runs table, added when first met."""
        if run not in runs:
            runs[run] = len(runs) + 1
            self._db.execute("INSERT INTO runs VALUES (?, ?, ?)", (runs[run], *run))
        return runs[run]

    def _flush(self, caps: list[tuple], ids: list[tuple[str, int, int, bytes | None]]) -> None:
        self._db.executemany("INSERT INTO captures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             caps)
        self._db.executemany("INSERT INTO record_ids VALUES (?, ?, ?, ?)", ids)
        caps.clear()
        ids.clear()

    def close(self) -> None:
        """Remove the index (its folder); the lookup cannot be used after."""
        self._closer()

    def __enter__(self) -> ArchiveLookup:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _query(self, sql: str, params: Iterable = ()) -> sqlite3.Cursor:
        if not self._closer.alive:
            raise ValueError("ArchiveLookup is closed")
        try:
            return self._db.execute(sql, tuple(params))
        except sqlite3.Error as exc:
            raise self._index_error(exc) from exc

    def __len__(self) -> int:
        return self._count

    def urls(self) -> list[str]:
        """Every archived URL, in the order of its first capture."""
        return list(self.iter_urls())

    def iter_urls(self, probes: bool = True) -> Iterator[str]:
        """``urls`` one at a time, none held; without ``probes``, not the URLs whose every
        capture is a soft-removal probe (marked ``PROBE_FIELD``: an address made up to see
        what the site answers for a page it has not, no page of the site)."""
        where = "" if probes else (" WHERE EXISTS (SELECT 1 FROM captures c WHERE c.url = s.url"
                                   " AND NOT c.probe)")
        for (url,) in self._query(f"SELECT s.url FROM spellings s{where} ORDER BY first_seq"):
            yield url

    def host_urls(self, url: str) -> Iterator[str]:
        """Every archived URL on ``url``'s host as pywb keys it (``www.`` or not, http or
        https, the default port or none; another port or subdomain is another host), one at
        a time, by the time of its newest capture, then by URL: the order a crawl fetched
        them in, whatever order the files were read in. What a replay asks to know which of
        a host's pages a crawl asked for (the soft-removal probes)."""
        hosts = _host_range(url)
        if hosts is None:
            return
        yield from self._host_urls(hosts, "1", ())

    def probe_urls(self, url: str, at: datetime | None = None,
                   shaped: Callable[[str], bool] | None = None,
                   spider: str | None = None) -> list[str]:
        """The soft-removal probes on ``url``'s host (as ``host_urls`` keys it) the run a
        replay by ``spider`` at ``at`` replays there (:meth:`replayed_run`) asked, by capture
        time: its records marked ``PROBE_FIELD``, so no page of the site, whatever its URL
        looks like, nor another run's probe. A run of files written before probes were
        marked (``UNMARKED``) marked none: its probes are the URLs of those files that
        ``shaped`` takes for one (none without it), as replays of them always took them."""
        run, hosts = self.replayed_run(at, url, spider), _host_range(url)
        if run is None or hosts is None:
            return []
        if run == UNMARKED:
            return [found for found in self._host_urls(hosts, f"c.run IN {_RUNS_NAMED}",
                                                       (UNMARKED,))
                    if shaped is not None and shaped(found)]
        return list(self._host_urls(hosts, f"c.probe AND c.run IN {_RUNS_NAMED}", (run,)))

    def _host_urls(self, hosts: tuple[str, str], where: str, params: tuple) -> Iterator[str]:
        """The URLs in the SURT range ``hosts`` with a capture meeting ``where``, by the time
        of the newest such capture, then by URL."""
        for (found,) in self._query(
                "SELECT s.url FROM spellings s JOIN captures c ON c.url = s.url "
                f"WHERE s.key >= ? AND s.key < ? AND {where} "
                "GROUP BY s.url ORDER BY MAX(c.ts), s.url", (*hosts, *params)):
            yield found

    def replayed_run(self, at: datetime | None = None, url: str | None = None,
                     spider: str | None = None) -> str | None:
        """The run (warcinfo ``RUN_FIELD``; ``UNMARKED`` for files naming none) of the
        capture on ``url``'s host (of any, without ``url``) a replay at ``at`` is nearest
        to, by the rule pages are answered by (``_candidates``): the newest capture's
        without ``at``. Per host, as a folder may hold the runs of several spiders, each of
        its own hosts; and among the runs of ``spider`` (warcinfo ``SPIDER_FIELD``), as two
        spiders may crawl one host (``site`` given belta.by, and ``belta``), unless it has
        none there (an archive replayed by another spider than wrote it): then any run's.
        None when there is no such capture."""
        where, params = [], ()
        if url is not None:
            hosts = _host_range(url)
            if hosts is None:
                return None
            where, params = ["s.key >= ?", "s.key < ?"], hosts
        if at is None:
            order, more = "c.ts DESC, c.seq DESC", ()
        else:
            order, more = _NEAREST + ", c.seq DESC", _nearest_params(at)
        if spider is not None and (run := self._nearest_run(
                [*where, "r.spider = ?"], (*params, spider), order, more)) is not None:
            return run
        return self._nearest_run(where, params, order, more)

    def _nearest_run(self, where: list[str], params: tuple, order: str,
                     more: tuple) -> str | None:
        """The run of the first capture meeting every ``where`` by ``order``; None if none."""
        sql = ("SELECT r.run FROM captures c JOIN runs r ON r.id = c.run "
               "JOIN spellings s ON s.url = c.url "
               f"WHERE {' AND '.join(where) or '1'} ORDER BY {order} LIMIT 1")
        row = self._query(sql, (*params, *more)).fetchone()
        return row[0] if row else None

    def spellings(self, url: str) -> list[str]:
        """The archived spellings of ``url`` that answer it, closest first: the exact one; else
        those equal to it but for escapes and case (``normalize_url``); else those pywb takes
        for it (the same SURT key: http or https, ``www.`` or not, a trailing slash, the
        default port, query order, case). A closer spelling wins over any farther one."""
        return next(self._iter_tiers(url), [])

    def _tiers(self, url: str) -> list[list[str]]:
        """The archived spellings of ``url`` by closeness (see ``spellings``), closest first:
        a farther tier answers only when no capture of a closer one can. Each in the order
        of its first capture."""
        return list(self._iter_tiers(url))

    def _iter_tiers(self, url: str) -> Iterator[list[str]]:
        """``_tiers`` one at a time, each looked up only when asked for: an archived URL is
        answered without its other spellings (N spellings of one key were N^2 work for a
        reextract, which asks for each), and those use the forms normalized when indexed."""
        url = strip_brackets(url)
        if self._query("SELECT 1 FROM spellings WHERE url = ?", (url,)).fetchone():
            yield [url]
        others = self._query("SELECT url, norm FROM spellings WHERE key = ? AND url != ? "
                             "ORDER BY first_seq", (surt(url), url)).fetchall()
        if not others:
            return
        asked = normalize_url(url)
        # a spelling alone under its key was not normalized when indexed (nor one that failed to)
        norms = [normalize_url(u) if norm is None else norm for u, norm in others]
        if equal := [u for (u, _), norm in zip(others, norms, strict=True) if norm == asked]:
            yield equal
        # the SURT key leaves the scheme out; only http and https are one another's spelling
        web = _web_scheme(url)
        if farther := [u for (u, _), norm in zip(others, norms, strict=True)
                       if norm != asked and _web_scheme(u) == web]:
            yield farther

    def captures(self, url: str) -> list[Capture]:
        """Captures of `url` under its closest archived spellings (see ``spellings``)."""
        return [_capture(row) for row in self._query(
            f"{_SELECT} WHERE {_IN_TIER} ORDER BY s.first_seq, c.seq",
            (json.dumps(self.spellings(url)),))]

    def _candidates(self, spellings: list[str], at: datetime | None,
                    method: str, whole: bool = False) -> Iterator[tuple[Capture, str]]:
        """Captures under ``spellings`` made by the request ``method`` (a method query), each
        with the spelling it was archived under, best first: the newest; with ``at``, the nearest to it
        before or after (pywb's rule: the web as the archive saw it closest to that moment),
        on equal distance the one at or before it. On equal times the later record in input
        order (of a later spelling, then the later record). The best is found with LIMIT 1,
        one pass (a feed captured hourly for years has tens of thousands); the rest are
        sorted only when it cannot be read. ``whole``: only those the index holds may be a
        whole 2xx (``_may_be_whole``)."""
        if at is None:
            rank, params = "c.ts DESC", ()
        else:
            rank, params = _NEAREST, _nearest_params(at)
        order = f"ORDER BY {rank}, s.first_seq DESC, c.seq DESC"
        sql = f"{_SELECT} WHERE {_IN_TIER} AND c.method = ?{' AND c.whole' * whole} {order}"
        head = (json.dumps(spellings), method, *params)
        best = self._query(sql + " LIMIT 1", head).fetchall()
        rows = itertools.chain(best, self._rows(sql + " LIMIT -1 OFFSET 1", head)) if best \
            else best
        for row in rows:
            yield _capture(row), row[5]

    def _rows(self, sql: str, params: tuple) -> Iterator[tuple]:
        """The rows of a query run only when first asked for. (Row by row, not ``yield
        from``: a walk left unfinished closes no cursor of a database closed since.)"""
        for row in self._query(sql, params):  # noqa: UP028 (see above)
            yield row

    def latest(self, url: str, at: datetime | None = None, *, method: str = "") -> Capture | None:
        """The newest capture of ``url`` (of a GET unless ``method``), or the nearest to
        ``at``; None when there is none."""
        for tier in self._iter_tiers(url):
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
        return next(self.readable(url, at, method=method), None)

    def readable(self, url: str, at: datetime | None = None, *, method: str = "",
                 said: Collection[tuple[int, int]] = (),
                 tried: set[tuple[int, int]] | None = None) -> Iterator[ArchivedResponse]:
        """The captures :meth:`get` chooses from, best first, each read only when asked for:
        the unreadable ones reported to on_error and passed over, but those ``said`` names
        (file index, offset: a walk over captures an earlier walk reported) passed over in
        silence. (Re-extraction looks past a newer capture that is no page of the article,
        an error answer, a redirect, a body cut short (``partial``), for the page the crawl
        made its item of.) ``tried`` gets each capture tried."""
        yield from self._served(self._all_candidates(url, at, method), url, self._on_error,
                                said, tried)

    def readable_after(self, url: str, after: RecordRef, at: datetime | None = None, *,
                       method: str = "") -> Iterator[ArchivedResponse]:
        """:meth:`readable`'s captures after the one ``after`` names (all when none is it):
        those before it are passed over by the index alone, none read."""
        rows = self._all_candidates(url, at, method)
        for cap, _ in rows:
            if cap[2] == after.offset and str(self.files[cap[1]]) == after.path:
                break
        else:
            rows = self._all_candidates(url, at, method)
        yield from self._served(rows, url, self._on_error)

    def _all_candidates(self, url: str, at: datetime | None, method: str
                        ) -> Iterator[tuple[Capture, str]]:
        """:meth:`_candidates` of every spelling tier of ``url`` in turn, best first, each
        tier looked up only when the one before it is used up."""
        return (c for tier in self._iter_tiers(url) for c in self._candidates(tier, at, method))

    def whole_candidates(self, url: str, spelling: str, at: datetime | None = None, *,
                         method: str = "", tried: set[tuple[int, int]] | None = None
                         ) -> Iterator[ArchivedResponse]:
        """The readable captures of ``url`` archived under ``spelling`` alone that may be a
        whole 2xx page, in :meth:`readable`'s order: a response of another status, or a 206
        holding part of its page, is left out by the index, never read (behind a newest 206,
        a URL's 2,000 206s were 2,000 records read, ~0.8 s; see bench/partial_choice.py)."""
        done = set(tried or ())  # read (and said) by the walk that found the 206: not again
        rows = ((cap, spelled) for cap, spelled in self._candidates([spelling], at, method,
                                                                   whole=True)
                if (cap[1], cap[2]) not in done)
        yield from self._served(rows, url, self._on_error, (), tried)

    def _served(self, rows: Iterable[tuple[Capture, str]], url: str,
                on_error: ErrorHandler | None, said: Collection[tuple[int, int]] = (),
                tried: set[tuple[int, int]] | None = None) -> Iterator[ArchivedResponse]:
        """The responses ``rows`` serve for ``url``, each read only when asked for; the
        unreadable reported to ``on_error`` (but those ``said`` names) and passed over, a
        redirect to ``url`` stepped over; each one tried added to ``tried``."""
        default = on_error
        for cap, spelling in rows:
            on_error = _ignore if (cap[1], cap[2]) in said else default
            if tried is not None:
                tried.add((cap[1], cap[2]))
            try:
                found = self._load(cap, spelling)
            except WarcFormatError as exc:
                report(exc, on_error, soft=True)
                continue
            if found is not None and _redirects_to(found, url):
                continue  # http://x answering 301 to https://x, asked for as https://x: a loop
            if found is not None:
                yield found
                continue
            if cap[3]:  # no damage: the inputs do not hold the page it stands for
                report(UnservedRecord(self.files[cap[1]], cap[2], "capture not replayable (a "
                                      "revisit or 304 without its original in these inputs)"),
                       on_error, soft=True)
            else:
                report(WarcFormatError(self.files[cap[1]], cap[2], "capture not replayable "
                                       "(no HTTP response)"), on_error, soft=True)

    def versions(self, url: str, *, said: bool = False) -> Iterator[ArchivedResponse]:
        """Each payload archived for a GET of ``url`` (this spelling only), oldest first, each
        read only when asked for: revisits and captures repeating an earlier payload digest
        are left out, unreadable captures reported to on_error and passed over (``said``: in
        silence, a walk an earlier walk reported). What a document said over time (a feed's
        every version) at the cost of its changes only; :func:`whole_versions` as a request
        with no Range reads them."""
        on_error = _ignore if said else self._on_error
        rows = self._rows("SELECT ts, file, offset, elsewhere, method, dkey FROM captures "
                          "WHERE url = ? AND method = '' AND NOT elsewhere ORDER BY ts, seq",
                          (url,))
        seen: set[bytes] = set()  # (digest keys, about 20 bytes each)
        for row in rows:
            if (dkey := row[5]) is not None:
                if dkey in seen:
                    continue
                seen.add(dkey)
            try:
                found = self._load(_capture(row), url)
            except WarcFormatError as exc:
                report(exc, on_error, soft=True)
                continue
            if found is not None:
                yield found

    def run_at(self, file: str, offset: int, url: str) -> int | None:
        """The run (its key) of the capture of ``url`` at ``offset`` of ``file``, named
        exactly as the index names it (``RecordRef.path``: a path, or a WACZ member's
        location); None when the index holds no such capture. Never matched by base name:
        two inputs may hold same-named files, with captures at one offset."""
        rows = self._query("SELECT file, run FROM captures WHERE url = ? AND offset = ?",
                           (url, offset)).fetchall()
        return next((run for idx, run in rows if str(self.files[idx]) == str(file)), None)

    def answers_in_run(self, url: str, run: int, at: datetime, *,
                       method: str = "") -> Iterator[ArchivedResponse]:
        """The readable captures of ``url`` in ``run`` at or after ``at``, by time (under its
        closest archived spellings first, as ``get``): what one crawl got for it from then
        on, a retried answer (a 503, then the 200 of its retry) each its own capture. A
        capture that cannot be read is reported to on_error and skipped."""
        sql = (f"{_SELECT} WHERE {_IN_TIER} AND c.method = ? AND c.run = ? AND c.ts >= ? "
               "ORDER BY c.ts, c.seq")
        for tier in self._iter_tiers(url):
            for row in self._query(sql, (json.dumps(tier), method, run, _ts(at))).fetchall():
                cap = _capture(row)
                try:
                    found = self._load(cap, row[5])
                except WarcFormatError as exc:
                    report(exc, self._on_error, soft=True)
                    continue
                if found is not None and not _redirects_to(found, url):
                    yield found

    def _read(self, idx: int, offset: int) -> RecordInfo:
        """The record at ``offset`` of an indexed file; WarcFormatError when the file cannot
        be read now (gone or unreadable since the index was built): that capture is lost,
        not the lookup."""
        try:
            return read_info_at(self.files[idx], offset, self._max)
        except OSError as exc:
            raise WarcFormatError(self.files[idx], offset, f"cannot read record: {exc}") from exc

    def _load(self, cap: Capture, url: str) -> ArchivedResponse | None:
        """The response capture ``cap`` (archived under ``url``) serves; None when it serves
        none (a revisit whose original the inputs lack, no HTTP response). WarcFormatError,
        by file and offset, for a record that cannot be read, whatever its reading raised: an
        error none of the reader's checks foresaw is that record's too, so a caller passing
        over unreadable captures names the one it passed (a look back past a newer capture
        was said to fail at the newest, and read no further). The index's own failures, and
        a closed lookup's, are no record's: raised as they are."""
        try:
            return self._load_checked(cap, url)
        except (WarcFormatError, LookupIndexError):
            raise
        except Exception as exc:  # noqa: BLE001 - damage no check foresaw costs that capture only
            if not self._closer.alive:
                raise
            raise WarcFormatError(self.files[cap[1]], cap[2], "cannot read record: "
                                  f"{type(exc).__name__}: {exc}") from exc

    def _load_checked(self, cap: Capture, url: str) -> ArchivedResponse | None:
        _, idx, offset, revisit, method = cap
        info = self._read(idx, offset)
        _check_url(info, url)
        rec = info.record
        ref = _ref(info)
        orig = self._find_original(info, method) if revisit else None
        if revisit and orig is None and not _own_empty_payload(rec):
            return None
        try:
            found = _to_response(rec, ref, payload_from=orig, on_error=self._on_error)
        except ValueError as exc:
            raise WarcFormatError(info.file, offset, f"bad HTTP: {exc}") from exc
        if found is None or self._max_decoded is None:
            return found
        coding = found.content_encoding()
        if (problem := content_problem(found.payload, coding, self._max_decoded,
                                       part=is_part(found))) is not None:
            raise WarcFormatError(info.file, offset,
                                  f"HTTP body: Content-Encoding {coding} does not decode: {problem}")
        return found

    def _find_original(self, revisit: RecordInfo, method: str = "") -> WarcRecord | None:
        """The response a revisit (or a 304 response) refers to: the record it names, else a
        capture of its URL (:meth:`_original_in`: of the same request, ``method`` its method
        query, where no digest names the payload) at the date it names or the newest one
        before it, with its payload digest when it has one (:func:`original_digest`: a 304's
        own digest is of its empty body, not compared)."""
        rec = revisit.record
        ref_id = rec.get("WARC-Refers-To")
        uri = strip_brackets(rec.get("WARC-Refers-To-Target-URI") or rec.target_uri)
        digest = original_digest(rec)
        if ref_id and (named := self._named_original(revisit, ref_id, digest)) is not None:
            return named
        # without a payload digest, the closest archived spelling only: the URL itself, else
        # (not archived so) its nearest spelling, which may be http for https; as pywb, which
        # looks the original up by SURT key (no scheme) and filters by digest only given one.
        # With a digest, farther spellings too: the digest shows they hold the same bytes
        tiers = self._iter_tiers(uri)
        for tier in tiers if digest else itertools.islice(tiers, 1):
            if (found := self._original_in(tier, rec, digest, method)) is not None:
                return found
        return None

    def _named_original(self, revisit: RecordInfo, ref_id: str,
                        digest: str | None) -> WarcRecord | None:
        """The record of id ``ref_id`` that can be the revisit's original: of several records
        sharing the id (another tool's reuse), the one with its payload digest, not just the
        last one. Reported (soft) only when one was found and none fits."""
        rec = revisit.record
        refusals = []
        for found in self._query(_OF_ID, (ref_id, digest_key(digest))).fetchall():
            info = self._read(*found)
            refused = _not_original(rec, info.record)
            if refused is None:
                return info.record
            refusals.append(refused)
        if refusals:
            more = f" (and {len(refusals) - 1} other record(s) of that id)" * (len(refusals) > 1)
            report(WarcFormatError(revisit.file, revisit.offset,
                                   f"revisit target refused: {refusals[0]}{more}"),
                   self._on_error, soft=True)
        return None

    def _original_in(self, tier: list[str], rec: WarcRecord, digest: str | None,
                     method: str = "") -> WarcRecord | None:
        """The capture among ``tier``'s spellings a revisit refers to: one at the date it
        names, else the newest before it, with its payload digest when it has one; of the
        request ``method`` when no digest tells it (a 304's is of its own empty body), and a
        2xx for a 304 (a 503 or a 404 between the page and its 304 gave no validators)."""
        date = _refers_to_date(rec)
        want = _ts(date) if date else None
        limit = _ts(rec.date) if rec.get("WARC-Date") else None
        confirms = confirms_unchanged(rec)
        query, params = _ORIGINALS, [json.dumps(tier)]
        if confirms or digest is None:
            query, params = query + _OF_METHOD, [*params, method]
        if (key := digest_key(digest)) is not None and key != ODD_DIGEST:
            query, params = query + _OF_DIGEST, [*params, key, ODD_DIGEST]
        # (else only same_digest tells: each is read)
        rows = self._query(query, tuple(params)).fetchall()
        rows = [r for r in rows if limit is None or r[0] <= limit]
        rows.sort(key=lambda r: (r[0] != want, -r[0], r[6], r[7]))
        for row in rows:
            info = self._read(row[1], row[2])
            _check_url(info, row[5])
            if not _readable_http(info.record):
                continue
            if confirms and not success_status(info.record):
                continue
            got = _payload_digest(info.record)
            if digest is None or got is not None and same_digest(digest, got):
                return info.record
        return None

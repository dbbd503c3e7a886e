"""WARC/1.1 writer: one gzip member per record, atomic rename on close, revisits via DigestIndex.

Record order per exchange: response (or revisit) first, then the request. The request
carries WARC-Concurrent-To pointing at the response (as warcio's capture_http does; wget
puts it on the response instead). Both records are built in memory and appended with a
single write, so a failure or a kill never leaves half an exchange behind a good one
except as a truncated tail that `archive.repair.repair_open_files` moves aside.

A new file is created under a hidden temporary name, locked (fcntl.flock), and only then
linked to its `.open` name: whoever sees an `.open` file can trust that an unlocked one has
no live writer.

Crash order: a digest-index row names a record another capture (of this or a later crawl)
becomes a revisit of, so it is committed only after an fsync of the WARC that holds that
record. Rows wait in memory (and answer this writer's own lookups) until the next sync: every
UNSYNCED_ROWS rows, UNSYNCED_SECONDS after the first waiting one (checked on every write, and
by the caller's timer: ``sync_due_in``/``sync_if_due``, so a writer with nothing to write
keeps the bound too), or when the file is closed; the folder is synced once per file before
its first rows, so the file's name is on disk too. Rows whose fsync (or folder sync) failed
are dropped, never committed later.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import fcntl
import hashlib
import io
import itertools
import os
import re
import socket
import sqlite3
import sys
import time
import uuid
import zlib
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import warcio
from warcio.warcwriter import WARCWriter

from .dedup import DEFAULT_NAME, DigestEntry, DigestIndex
from .errors import ArchiveWriteError, FolderSyncError
from .fileio import append_whole, sqlite_failure, sync_folder
from .httputil import normalize_response_headers, standard_reason
from .model import PROBE_FIELD, RUN_FIELD, HttpExchange, RecordRef
from .repair import CREATING_SUFFIX, OPEN_SUFFIX

INDEX = "the digest index"  # what a write error of the index names, not a WARC
REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
FIDELITY = (
    "HTTP bodies are stored as received, with their Content-Encoding (e.g. gzip) intact. "
    "Chunked transfer framing is removed: Transfer-Encoding is dropped and Content-Length "
    "is set to the stored length; a differing original Content-Length is kept in "
    "X-Archive-Orig-Content-Length. The status line and header fields are stored as "
    "received, in their order, with their names as sent (values without surrounding "
    "whitespace, folded lines joined). "
    "Request records hold the request head as sent (through an HTTP proxy: the target in "
    "origin form, Proxy-Authorization left out). "
    "Identical 2xx payloads of a URL fetched with GET are stored as revisit records "
    "(identical-payload-digest). A response whose transfer failed after its head arrived "
    "(connection lost, download timeout, size limit) is stored with what arrived and "
    "WARC-Truncated (disconnect, time, length, or unspecified for any other failure)."
)
UNSYNCED_ROWS = 256  # rows waiting for their WARC's fsync, at most, before one is forced
UNSYNCED_SECONDS = 5.0  # how long the first of them waits, at most (on each write, and by
# a caller's timer between writes: see sync_due_in)
_serial = itertools.count()
_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def sanitize_name_part(value: str, fallback: str = "x") -> str:
    """Make a file name component that cannot contain a path separator or '..'."""
    value = _SAFE.sub("_", value)
    while ".." in value:
        value = value.replace("..", "_")
    value = value.strip(".-")
    return value or fallback


def warc_date(dt: datetime) -> str:
    """WARC/1.1 date with microseconds, always UTC."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def payload_digest(payload: bytes) -> str:
    """sha1 base32, the same form warcio writes in WARC-Payload-Digest."""
    return "sha1:" + base64.b32encode(hashlib.sha1(payload).digest()).decode("ascii")


def _new_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


class WarcWriter:
    """Write HttpExchanges into rotating `.warc.gz` files in one folder."""

    def __init__(
        self,
        directory: str | Path,
        *,
        prefix: str = "crawl",
        max_size: int = 1_000_000_000,
        warcinfo: dict[str, str] | None = None,
        digest_index: DigestIndex | None = None,
    ):
        self.directory = Path(directory)
        self.prefix = sanitize_name_part(prefix, "crawl")
        self.hostname = sanitize_name_part(socket.gethostname(), "host")
        self.max_size = max_size
        self.warcinfo = dict(warcinfo or {})
        self.warcinfo.setdefault(RUN_FIELD, uuid.uuid4().hex)  # every file of this writer's
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArchiveWriteError(self.directory, exc) from exc
        self._own_index = digest_index is None
        if digest_index is None:
            try:
                digest_index = DigestIndex(self.directory / DEFAULT_NAME)
            except ArchiveWriteError:  # DigestIndexDamaged: says what to do
                raise
            except Exception as exc:  # sqlite3.OperationalError when not writable
                raise ArchiveWriteError(self.directory / DEFAULT_NAME, exc, INDEX) from exc
        self.digest_index = digest_index
        self._fd: int | None = None
        self._open_path: Path | None = None
        self._final_name = ""
        self._size = 0
        self._warcinfo_id = ""
        self.closed_files: list[Path] = []
        self._unsynced: dict[tuple[str, str], DigestEntry] = {}  # rows whose record may not
        self._unsynced_since = 0.0  # be on disk yet; monotonic time the first one came
        self._folder_synced = False  # the current file's name made durable (once per file)
        self._records = 0  # records in the current file: what a power loss could take
        self._warc = WARCWriter(io.BytesIO(), gzip=True, warc_version="1.1")

    # -- file handling -------------------------------------------------------------
    @property
    def current_path(self) -> Path | None:
        """The `.open` path being written, if any."""
        return self._open_path

    def _open_new(self) -> None:
        while True:
            stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
            name = (
                f"{self.prefix}-{stamp}-{next(_serial) % 100000:05d}-"
                f"{self.hostname}-{os.getpid()}.warc.gz"
            )
            if (self.directory / name).exists():
                continue
            fd = self._create_locked(name)
            if fd is not None:
                break
        self._fd, self._final_name, self._size = fd, name, 0
        self._folder_synced = False
        self._records = 0
        self._open_path = self.directory / (name + OPEN_SUFFIX)
        self._append(self._warcinfo_record(name))
        self._records = 1

    def _create_locked(self, name: str) -> int | None:
        """Create `name.open` already locked: create a hidden temp file, flock it, then link it
        into place (link fails if the name exists, like O_EXCL). None: pick another name."""
        path = self.directory / (name + OPEN_SUFFIX)
        tmp = self.directory / f".{name}{CREATING_SUFFIX}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
        except FileExistsError:
            return None
        except OSError as exc:
            raise ArchiveWriteError(tmp, exc) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            _link_no_replace(tmp, path)
        except FileNotFoundError:  # the temp name was swept by a repair before we locked it
            os.close(fd)
            return None
        except OSError as exc:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            if isinstance(exc, FileExistsError):
                return None
            raise ArchiveWriteError(path, exc) from exc
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return fd

    def _warcinfo_record(self, filename: str) -> bytes:
        info = {
            "software": (
                f"news-archive (python {sys.version.split()[0]}, warcio {warcio_version()})"
            ),
            "hostname": socket.gethostname(),
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
            "warc-format/warc-1.1/",
            **{str(k): str(v) for k, v in self.warcinfo.items()},
            "fidelity": FIDELITY,
        }
        rec = self._warc.create_warcinfo_record(filename, info)
        rec.rec_headers.replace_header("WARC-Date", warc_date(datetime.now(UTC)))
        self._warcinfo_id = rec.rec_headers.get_header("WARC-Record-ID")
        return self._serialize(rec)

    def _serialize(self, record) -> bytes:
        buf = io.BytesIO()
        self._warc.out = buf
        self._warc.write_record(record)
        return buf.getvalue()

    def _append(self, data: bytes) -> int:
        """Append in one go; on failure cut the file back so earlier records stay intact."""
        assert self._fd is not None and self._open_path is not None
        start = self._size
        try:
            append_whole(self._fd, data, start)
        except OSError as exc:
            raise ArchiveWriteError(self._open_path, exc) from exc
        self._size = start + len(data)
        return start

    def close_file(self) -> None:
        """Finish the current file: rename `.open` -> final name while still holding the lock."""
        if self._fd is None:
            return
        fd, path = self._fd, self._open_path
        assert path is not None
        final = path.with_name(self._final_name)
        self._fd = self._open_path = None
        try:
            os.fsync(fd)
            os.rename(path, final)
        except OSError as exc:
            self._drop_rows()
            raise ArchiveWriteError(path, exc) from exc
        finally:
            os.close(fd)  # releases the flock
        self.closed_files.append(final)  # closed, its bytes whole on the running system
        if not self._folder_synced:
            self._sync_folder(final)
        self._commit_rows()

    def _sync_folder(self, file: Path) -> None:
        """Make the file's name durable: until the folder is synced a power loss can take
        the whole file, so a failure is a write error saying what is at risk (strict, in
        sync() and close_file() alike), and the file's waiting rows are dropped."""
        try:
            sync_folder(self.directory)
        except OSError as exc:
            self._drop_rows()
            raise FolderSyncError(file, self._records, self.directory, exc) from exc
        self._folder_synced = True

    def close(self) -> None:
        try:
            self.close_file()
        finally:
            if self._own_index:
                self.digest_index.close()
                self._own_index = False

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- records ---------------------------------------------------------------------
    def write_exchange(self, ex: HttpExchange) -> RecordRef:
        """Write request + response (or revisit); return where the response/revisit lives."""
        if self._fd is None:
            self._open_new()
        date = warc_date(ex.date)
        digest = payload_digest(ex.payload)
        resp_id = _new_id()
        common = [("WARC-Date", date), ("WARC-Target-URI", ex.url)]
        if ex.ip_address:
            common.append(("WARC-IP-Address", ex.ip_address))
        common.append(("WARC-Warcinfo-ID", self._warcinfo_id))
        if ex.probe:
            common.append((PROBE_FIELD, "soft-removal"))

        bodiless = ex.method.upper() == "HEAD" or ex.status < 200 or ex.status in (204, 304)
        headers = normalize_response_headers(ex.response_headers, len(ex.payload), bodiless)
        statusline = ex.status_line or (
            f"{ex.http_version} {ex.status} {ex.reason or standard_reason(ex.status)}")
        http_head = http_header_block(statusline, headers)
        # a cut-off payload is only what arrived: never the original of a revisit, nor one;
        # nor is the answer to a POST or HEAD: replay tools key it apart from the URL's GET
        # and look a revisit's original up under the revisit's own key, so either way round
        # the pair would not replay
        remembered = ex.method.upper() == "GET" and 200 <= ex.status < 300 and not ex.truncated
        original = self._original(ex.url, digest) if remembered else None
        if original is not None:
            resp = warc_record([
                ("WARC-Type", "revisit"), ("WARC-Record-ID", resp_id), *common,
                ("WARC-Profile", REVISIT_PROFILE),
                ("WARC-Refers-To-Target-URI", original.target_uri),
                ("WARC-Refers-To-Date", original.date), ("WARC-Refers-To", original.record_id),
                ("WARC-Payload-Digest", digest)], HTTP_RESPONSE, http_head)
        else:
            truncated = [("WARC-Truncated", ex.truncated)] if ex.truncated else []
            resp = warc_record([("WARC-Type", "response"), ("WARC-Record-ID", resp_id), *common,
                                ("WARC-Payload-Digest", digest), *truncated],
                               HTTP_RESPONSE, http_head, ex.payload)
        request_line = ex.request_line or f"{ex.method} {ex.request_target} {ex.http_version}"
        req = warc_record([("WARC-Type", "request"), ("WARC-Record-ID", _new_id()), *common,
                           ("WARC-Concurrent-To", resp_id)], HTTP_REQUEST,
                          http_header_block(request_line, ex.request_headers), ex.request_body)
        offset = self._append(resp + req)
        self._records += 2
        ref = RecordRef(self._final_name, offset, len(resp), resp_id)
        if original is None and remembered:
            self._remember(ex.url, digest, DigestEntry(date, ex.url, resp_id))
        self.sync_if_due()
        if self._size >= self.max_size:
            self.close_file()
        return ref

    def _original(self, url: str, digest: str) -> DigestEntry | None:
        """The capture a payload repeats: one of this writer's rows still waiting for their
        record's fsync, else the index's."""
        waiting = self._unsynced.get((url, digest))
        if waiting is not None:
            return waiting
        return self._indexed(self.digest_index.lookup, url, digest)

    def _remember(self, url: str, digest: str, entry: DigestEntry) -> None:
        """Hold the row until its record is fsynced."""
        if not self._unsynced:
            self._unsynced_since = time.monotonic()
        self._unsynced[(url, digest)] = entry

    def sync_due_in(self) -> float | None:
        """Seconds until the waiting rows are due for a sync (0 when they are), None when
        none wait: a caller whose writes may pause (slow downloads) sets a timer by it."""
        if not self._unsynced:
            return None
        if len(self._unsynced) >= UNSYNCED_ROWS:
            return 0.0
        waited = time.monotonic() - self._unsynced_since
        return max(0.0, UNSYNCED_SECONDS - waited)

    def sync_if_due(self) -> None:
        """Sync when enough rows or time piled up; checked on every write, so revisits,
        404s and redirects also bring waiting rows to the index in time, and by a caller's
        timer between writes. Call it from the thread that writes."""
        if self.sync_due_in() == 0.0:
            self.sync()

    def sync(self) -> None:
        """Put the records written so far on disk, then commit the index rows naming them.
        A failed fsync drops the rows for good: a second fsync after a writeback error may
        report success for pages that were lost, so their records are never trusted."""
        if not self._unsynced:
            return
        if self._fd is not None:
            assert self._open_path is not None
            try:
                os.fsync(self._fd)
            except OSError as exc:
                self._drop_rows()
                raise ArchiveWriteError(self._open_path, exc) from exc
            if not self._folder_synced:
                self._sync_folder(self._open_path)
        self._commit_rows()

    def _drop_rows(self) -> None:
        """Forget the waiting rows: their records may not be on disk (costs only dedup)."""
        self._unsynced = {}

    def _commit_rows(self) -> None:
        """Commit the waiting rows; called only once every record they name is fsynced."""
        rows = [(url, digest, e.date, e.target_uri, e.record_id)
                for (url, digest), e in self._unsynced.items()]
        self._unsynced = {}
        if rows:
            self._indexed(self.digest_index.add_many, rows)

    def _indexed(self, call, *args):
        """A digest index call; its SQLite failing (the WARCs' full disk) is a write error
        naming the index, so the crawl stops as for the WARC file itself."""
        try:
            return call(*args)
        except sqlite3.Error as exc:
            path = self.digest_index.path
            raise ArchiveWriteError(path, sqlite3.OperationalError(sqlite_failure(path, exc)),
                                    INDEX) from exc


def _link_no_replace(src: Path, dst: Path) -> None:
    """Give `src` the name `dst` too, failing if `dst` exists; where the file system has no
    hard links, a rename (which would replace `dst`) after checking it is free."""
    try:
        os.link(src, dst)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOSYS, errno.EMLINK):
            raise
        if dst.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(dst)) from None
        os.rename(src, dst)


HTTP_RESPONSE = "application/http; msgtype=response"
HTTP_REQUEST = "application/http; msgtype=request"
GZIP_LEVEL = 6  # warcio uses 9: slower for a few bytes; any level reads back the same


def http_header_block(first_line: str, headers: list[tuple[str, str]]) -> bytes:
    """Status or request line and headers, byte for byte as received.

    The crawler hands over header text decoded as Latin-1, so encoding it back restores the
    bytes the server sent (non-ASCII values included). Characters beyond Latin-1 cannot come
    from the wire; they are %-encoded as UTF-8 rather than lost.
    """
    lines = [first_line, *(f"{name}: {value}" for name, value in headers), "", ""]
    text = "\r\n".join(lines)
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return "".join(c if ord(c) < 256 else quote(c) for c in text).encode("latin-1")


def block_digest(*parts: bytes) -> str:
    sha = hashlib.sha1()
    for part in parts:
        sha.update(part)
    return "sha1:" + base64.b32encode(sha.digest()).decode("ascii")


def warc_record(warc_headers: list[tuple[str, str]], content_type: str, head: bytes,
                payload: bytes = b"") -> bytes:
    """One WARC/1.1 record (HTTP head + payload block) as its own gzip member.

    Built directly rather than through warcio's record objects: on a crawl this runs for every
    exchange in the reactor thread, and the object layer cost more than compression.
    """
    fields = [*warc_headers, ("WARC-Block-Digest", block_digest(head, payload)),
              ("Content-Type", content_type), ("Content-Length", str(len(head) + len(payload)))]
    header = "WARC/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields) + "\r\n"
    packer = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return b"".join((packer.compress(header.encode("utf-8")), packer.compress(head),
                     packer.compress(payload), packer.compress(b"\r\n\r\n"), packer.flush()))


def warcio_version() -> str:
    return getattr(warcio, "__version__", None) or _dist_version("warcio")


def _dist_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


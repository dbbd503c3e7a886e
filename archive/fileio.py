"""Writing files so that a crash or a full disk leaves the old file or the new one, whole; reading
JSON Lines files in bounded memory."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import itertools
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


def temp_name(path: Path) -> Path:
    """The fixed temporary name of ``path`` (:func:`temp_for`'s)."""
    return path.with_name(path.name + ".tmp")


@contextmanager
def temp_for(path: Path) -> Iterator[Path]:
    """A fixed temporary name next to ``path`` for a file to be renamed over it (a rerun
    writes the same name again); removed if the block fails, so no ``*.tmp`` stays behind."""
    tmp = temp_name(path)
    try:
        yield tmp
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` through a fresh temp file in its folder, fsynced, and a
    rename: a crash leaves the old content or the new, a symlink at ``path`` is replaced, and
    a failed write (full disk) leaves no temp file."""
    mode = output_mode(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)  # mkstemp's 0600 would keep other accounts out of a shared output
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        sync_folder(path.parent)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        if exc.filename is None:  # a write or fsync's error names no file: name the target
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_all(fd: int, data: bytes) -> None:
    """Write all of ``data``: ``os.write`` may write less than it is given (a pipe, a signal)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def append_whole(fd: int, data: bytes, start: int, *, sync: bool = False) -> None:
    """Write ``data`` at the end of ``fd`` (``start`` bytes long), fsynced when ``sync``; when
    that fails (a full disk) cut the file back to ``start``, so no half record is left behind
    for a reader to trip on, and raise."""
    try:
        write_all(fd, data)
        if sync:
            os.fsync(fd)
    except OSError:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, start)
        raise


@contextmanager
def whole_lines(path: Path, replace: bool) -> Iterator[Callable[[bytes], None]]:
    """A writer of whole lines to ``path``, for outputs a reader takes line by line.

    ``replace``: a regular file (or none) is written under a temporary name and renamed over
    ``path`` when the block ends well, so a failure (a full disk) leaves the old output as it
    was; anything else (``/dev/stdout``, a pipe) is written in place. Appending, each line is
    written whole or cut back, so a full disk leaves no torn line for the next run to glue its
    first line onto; a file a crash left torn is ended first. An error names ``path``."""
    atomic = replace and (not path.exists() or path.is_file())
    target = path
    try:
        if atomic:
            mode = output_mode(path)
            fd, target = locked_temp(path, mode)
        else:
            how = (os.O_WRONLY | os.O_TRUNC) if replace else (os.O_RDWR | os.O_APPEND)
            fd = os.open(path, how | os.O_CREAT, 0o666)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        with _naming(path):
            end = os.fstat(fd).st_size if not replace else 0
            if end and os.pread(fd, 1, end - 1) != b"\n":
                append_whole(fd, b"\n", end)
                end += 1

        def write(line: bytes) -> None:
            nonlocal end
            with _naming(path):
                append_whole(fd, line, end)
            end += len(line)

        yield write
        if atomic:
            with _naming(path):
                os.fsync(fd)
    except BaseException:
        if atomic:
            target.unlink(missing_ok=True)
        raise  # an error of the block's own (the inputs, a temp folder) is its own to name
    finally:
        os.close(fd)
    if atomic:
        try:
            os.replace(target, path)
        except OSError as exc:
            target.unlink(missing_ok=True)
            raise OSError(exc.errno, exc.strerror, str(path)) from None


@contextmanager
def _naming(path: Path) -> Iterator[None]:
    """An OS error of a write to ``path`` names it (``os.write`` names no file)."""
    try:
        yield
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None


def locked_temp(path: Path, mode: int) -> tuple[int, Path]:
    """A new temp file beside ``path`` (its descriptor and name), locked while in use, of
    ``mode`` (mkstemp's 0600 is no output file's); the killed runs' temps are cleared first.
    It is made under a name the clearing skips and renamed to its temp name once locked, so
    another run's clearing never takes it between its making and its lock."""
    clear_stale_temps(path)
    fd, made = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=_MADE_SUFFIX)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.fchmod(fd, mode)
        temp = Path(made[:-len(_MADE_SUFFIX)] + _TEMP_SUFFIX)
        os.replace(made, temp)
    except BaseException:
        os.close(fd)
        Path(made).unlink(missing_ok=True)
        raise
    return fd, temp


_TEMP_SUFFIX = ".tmp"
_MADE_SUFFIX = ".new"  # a temp not locked yet (a killed run's, when old)
_MADE_STALE_SECONDS = 600
_TEMP_RANDOM = re.compile(r"[A-Za-z0-9_]{8}")  # the part mkstemp makes up


def clear_stale_temps(path: Path) -> None:
    """Remove the temp files of runs writing ``path`` (:func:`locked_temp`: whole_lines, the
    CDXJ index) that were killed (a temp no process holds locked): each could be as big as
    the output, and a rerun makes a new one. Only names of that shape: another output's temp
    (``.x.cdxj.json.…``) is not this one's."""
    prefix = f".{path.name}."
    with contextlib.suppress(OSError):
        for temp in path.parent.iterdir():
            if not _stale_temp_name(temp, prefix):
                continue
            with contextlib.suppress(OSError):
                fd = os.open(temp, os.O_RDONLY | os.O_NOFOLLOW)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    temp.unlink()
                finally:
                    os.close(fd)


def _stale_temp_name(temp: Path, prefix: str) -> bool:
    """Whether ``temp`` is named as :func:`locked_temp` names this output's temps: locked
    (``.tmp``: unlocked, a killed run's), or not locked yet (``.new``: a killed run's only
    when older than _MADE_STALE_SECONDS, a live run locks it at once)."""
    name = temp.name
    suffix = next((s for s in (_TEMP_SUFFIX, _MADE_SUFFIX) if name.endswith(s)), None)
    if not (suffix and name.startswith(prefix)
            and _TEMP_RANDOM.fullmatch(name[len(prefix):-len(suffix)])):
        return False
    try:
        return suffix == _TEMP_SUFFIX or time.time() - temp.stat().st_mtime > _MADE_STALE_SECONDS
    except OSError:  # gone meanwhile
        return False


def output_mode(path: Path) -> int:
    """The mode a file written under a temp name and renamed to ``path`` should have: the
    mode of the file it replaces, else what ``open`` gives a new file under the umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def sync_file(path: Path) -> None:
    """Flush a closed file's data to disk (a writer that owns its handle, e.g. pyarrow's)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_folder(folder: Path) -> None:
    """Make the renames and new names in ``folder`` durable (where the filesystem can: some
    network and FUSE filesystems refuse to sync a folder, and their renames are as durable
    as they get)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def replace_durably(tmp: Path, path: Path) -> None:
    """Rename a written temp file over ``path`` once its data is on disk, then make the
    rename durable: whatever records that ``path`` exists next never names an empty file."""
    sync_file(tmp)
    os.replace(tmp, path)
    sync_folder(path.parent)


def append_durably(path: Path, lines: list[str]) -> None:
    """Append whole lines and fsync them, or none of them (a full disk cuts the file back:
    a torn last line would stay bad for good, and the lines be appended again). A line torn
    by a crash is ended first, so it spoils no other."""
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    torn = not new and path.stat().st_size and not _ends_with_newline(path)
    data = ("\n" * bool(torn) + "".join(lines)).encode("utf-8", "backslashreplace")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    try:
        append_whole(fd, data, os.fstat(fd).st_size, sync=True)
    except OSError as exc:  # os.write names no file: the error would name only the command's
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    finally:
        os.close(fd)
    if new:  # its name too
        sync_folder(path.parent)


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) == b"\n"


SKIP_CHUNK = 1 << 20  # bytes read at a time while skipping an over-long line
HOLDS_CHUNK = 1 << 20  # bytes read at a time to check a file still holds what was read


class ChangedWhileRead(Exception):
    """A file was cut or rewritten in place while a build read it (its ``args[0]``: name)."""


def still_holds(path: Path, sha: Any, start: int, end: int, read_digest: str) -> bool:
    """Whether ``path`` still holds what a reader took from it: its bytes ``start``..``end``
    read again, hashed on from ``sha`` (the hash of the bytes before ``start``), give
    ``read_digest``. A file gone, cut short or rewritten in place does not."""
    done = start
    try:
        with open(path, "rb") as fh:
            fh.seek(start)
            while done < end and (chunk := fh.read(min(HOLDS_CHUNK, end - done))):
                sha.update(chunk)
                done += len(chunk)
    except FileNotFoundError:
        return False
    return done == end and sha.hexdigest() == read_digest


def bounded_lines(path: Path, offset: int, max_bytes: int,
                  feed: Callable[[bytes], object] | None = None
                  ) -> Iterator[tuple[int, bytes | None, bool]]:
    """(byte offset after the line, line bytes, ends with newline) from ``offset`` on.

    A line longer than ``max_bytes`` is skipped in chunks and given as ``None``, so no input
    can make a reader hold more than one bounded line in memory. ``feed`` gets every byte
    read, in order (a hash of what was read, to check the file still holds it)."""
    feed = feed or (lambda _: None)
    with open(path, "rb") as fh:
        fh.seek(offset)
        while raw := fh.readline(max_bytes + 1):
            feed(raw)
            offset += len(raw)
            if len(raw) > max_bytes and not raw.endswith(b"\n"):
                while (more := fh.readline(SKIP_CHUNK)) and not more.endswith(b"\n"):
                    feed(more)
                    offset += len(more)
                feed(more)
                offset += len(more)
                yield offset, None, more.endswith(b"\n")
                continue
            yield offset, raw, raw.endswith(b"\n")


def unended_line(raw: bytes | None, max_bytes: int) -> str:
    """Why a last line without a newline (``raw`` None: over ``max_bytes``) is left for the
    next build: still being written, or already too long to be taken when it ends."""
    if raw is None:
        return (f"incomplete last line, already longer than the line cap ({max_bytes} "
                "bytes): left for the next build, which rejects it once it ends")
    return "incomplete last line (file still being written?): left for the next build"


def create_exclusive(directory: Path, name: Callable[[str], str], base: str,
                     flags: int = os.O_WRONLY) -> tuple[str, Path, int]:
    """Create a file no other process has: ``name(base)``, else ``name(base-2)``,
    ``name(base-3)``…, each tried with O_EXCL (two runs started in one second never share
    one). Returns the piece used, the path and the open descriptor (``flags`` added)."""
    directory.mkdir(parents=True, exist_ok=True)
    for serial in itertools.count(1):
        piece = base if serial == 1 else f"{base}-{serial}"
        path = directory / name(piece)
        try:
            return piece, path, os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
    raise AssertionError("unreachable")


def quiet_on_closed_pipe() -> None:
    """Let a command whose output goes into a pipe that closes early (``| head``) end
    silently, as Unix filters do (SIGPIPE's default action), instead of with a
    BrokenPipeError traceback or a misleading error about its input. For a command's own
    process only: in a process that also serves sockets (a test run, a crawl), a peer that
    goes away would kill the whole process."""
    import signal

    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)


def lock_exclusive(path: Path, note: str) -> IO[bytes] | None:
    """Lock ``path`` (created if need be) for as long as the returned handle stays open, and
    write ``note`` (who holds it) into it; None when another process holds it. The kernel
    drops the lock when its holder dies: a stale file never blocks."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+b")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    try:
        _write_note(handle, note)
    except OSError as exc:  # a full disk: the lock let go, the failure names its file
        with contextlib.suppress(OSError):
            handle.close()
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
    return handle


def _write_note(handle: IO[bytes], note: str) -> None:
    handle.seek(0)
    handle.truncate()
    handle.write(note.encode("utf-8"))
    handle.flush()


def lock_holder(path: Path) -> str:
    """The note the holder of ``path`` wrote ("unknown" in the instant before it does)."""
    try:
        with path.open("rb") as fh:
            return fh.read(512).decode("utf-8", "replace").strip() or "unknown"
    except OSError:
        return "unknown"


def utf8_name(name: str) -> bool:
    """Whether a file name is UTF-8 (Python gives other bytes as lone surrogates, which no
    Parquet string, JSON text or message can hold)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def printable_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 as ``\\xNN``."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


NOT_UTF8_NAME = ("file name is not UTF-8 ({what} could not name it): no line of it read; "
                 "rename it (convmv -f cp1251 -t utf-8 --notest) and build again")


LOW_SPACE = 1 << 20  # bytes free below which a failed write is put down to a full disk


class DiskFull(OSError):
    """ENOSPC for a folder whose disk is full, with what is left on it (``free`` bytes,
    ``inodes`` a user may still take)."""

    def __init__(self, folder: Path, free: int, inodes: int | None) -> None:
        super().__init__(errno.ENOSPC, os.strerror(errno.ENOSPC), str(folder))
        self.free, self.inodes = free, inodes

    @property
    def left(self) -> str:
        return ("no inode free on its disk" if self.inodes == 0
                else f"{self.free} bytes free on its disk")


def disk_full(folder: Path, exc: BaseException | None = None) -> DiskFull | None:
    """Whether the disk of ``folder`` is full, told without writing a byte: ``os.statvfs``
    gives the blocks and inodes a user may still take (``f_bavail``, ``f_favail``); none of
    the latter, or fewer than LOW_SPACE bytes, or an ``exc`` that says so (SQLite's
    "database or disk is full", ENOSPC) is a full disk. The one check of every store and
    writer: SQLite says "disk I/O error" or "unable to open database file" when it could
    not grow its journal or create its WAL index. None when not full or not known."""
    try:
        stat = os.statvfs(folder)
    except OSError:
        return None
    free = stat.f_bavail * stat.f_frsize
    inodes = stat.f_favail if stat.f_files else None  # (some filesystems count none)
    said = exc is not None and ("disk is full" in str(exc) or getattr(exc, "errno", None) in (
        errno.ENOSPC, errno.EDQUOT))
    return DiskFull(folder, free, inodes) if said or free < LOW_SPACE or inodes == 0 else None


def sqlite_failure(path: Path, exc: BaseException) -> str:
    """An SQLite error on ``path`` as a reason to show, naming a full disk as such."""
    reason = f"{type(exc).__name__}: {exc}"
    full = disk_full(path.parent, exc)
    return f"{reason}: {full.strerror} ({full.left})" if full is not None else reason


_DETAIL_ERRNO = re.compile(r"Detail: \[errno (\d+)\] (.+)")


def os_reason(exc: BaseException) -> tuple[int | None, str]:
    """An OS or pyarrow error's errno and reason, each said once and on one line: pyarrow
    raises OSError("Error writing bytes to file. Detail: [errno 28] No space left on
    device"), whose str() says "[Errno 28]" before it as well."""
    text = next(iter(str(getattr(exc, "strerror", None) or exc).splitlines()), "")
    if told := _DETAIL_ERRNO.search(text):
        return int(told[1]), told[2]
    return getattr(exc, "errno", None), text or type(exc).__name__

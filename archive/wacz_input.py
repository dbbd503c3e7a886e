"""WACZ packages as input: the WARC files inside a WACZ (a ZIP) read in place, never extracted.

A WARC inside a package is named ``PKG.wacz#archive/NAME.warc.gz`` (a *location*): every
reader takes it as it takes a WARC file's path, and its offsets are within the member, as
in the package's own CDXJ index. A member the ZIP stores (the WACZ spec's way, and
``python -m archive wacz``'s) is a byte range of the package: read at any offset at once. A
member the ZIP compresses (a folder zipped with ``zip -r``) is inflated in order; a read at an
offset inflates from the last inflater state kept before it (docs/benchmarks.md, "WACZ input").

A package that is no readable ZIP, a member whose bytes lie outside the file or overlap
another's, an encrypted member and a member inflating far beyond its compressed size (a zip
bomb) raise WaczError, an OSError: readers report it as a file they cannot open. A package
whose central directory cannot be read (a download cut short) is read by its members' local
headers; readers report that once (``damage_notes``), as they report a member the package's
``datapackage.json`` lists and the ZIP lacks (its records would be gone unsaid) and a
``datapackage.json`` that cannot be read. A package without one (a folder zipped with
``zip -r``) lists nothing to miss.
"""

from __future__ import annotations

import bisect
import bz2
import functools
import hashlib
import json
import lzma
import os
import struct
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import IO

WACZ_SUFFIX = ".wacz"
_MARK = WACZ_SUFFIX + "#"
WARC_NAMES = (".warc", ".warc.gz")
# a compressed member declaring more than RATIO times its compressed size is refused once it
# declares more than RATIO_FLOOR bytes: WARCs deflate 3-10 to 1, zip bombs ~1000 to 1
RATIO = 200
RATIO_FLOOR = 64 << 20
_MAX_SCANNED = 100_000  # local headers walked at most in a package without its directory
_LOCAL = struct.Struct("<4s5H3L2H")  # a local file header: its name and extra lengths last
_WINDOW = 4 << 20  # inflated bytes kept behind the read position: the readers' short seeks back
_STEP = 256 << 10
_MAX_READ = 1 << 20
# a deflated member's inflater state is kept every EVERY bytes of its output (~40 KB each; at
# most _POINTS a member, for _MEMBERS members): a read at an offset inflates from the last
# state before it, not from the member's start
EVERY = 1 << 20
# compressed bytes fed to the inflater at once: zlib gives nothing of a call that meets damage,
# so this bounds what is lost before it
_PIECE = 16 << 10
_POINTS = 128
_MEMBERS = 8
_CHECKS = 4096  # CRC-32 outcomes kept (a member's key and its note): read by ``crc_problem``
DATAPACKAGE = "datapackage.json"  # the WACZ's list of its members: resources [{path, ...}]
_MAX_DATAPACKAGE = 64 << 20  # some 300,000 resources of ~200 bytes: past it no writer's list


class WaczError(OSError):
    """A WACZ package, or one of its members, that cannot be read: what and why."""


def _crc_note(crc: int, info: zipfile.ZipInfo) -> str:
    return (f"CRC-32 {crc:08x} where the package recorded {info.CRC:08x}: the member's bytes "
            "were changed or damaged after it was packed")


def is_package(path: str | Path) -> bool:
    return str(path).lower().endswith(WACZ_SUFFIX)


def location(package: Path, member: str) -> Path:
    """The name readers give the WARC ``member`` of ``package``."""
    return Path(f"{package}#{member}")


def split_location(path: str | Path) -> tuple[Path, str] | None:
    """(package, member name) of a location; None for any other path (a file named with a
    ``.wacz#`` in it is a file)."""
    text = str(path)
    low = text.lower()
    at = low.find(_MARK)
    while at >= 0:
        package = Path(text[: at + len(WACZ_SUFFIX)])
        if package.is_file() and not os.path.isfile(text):
            return package, text[at + len(_MARK):]
        at = low.find(_MARK, at + 1)
    return None


def member_names(package: Path) -> list[str]:
    """The members of ``package`` to read as WARCs, in ZIP order: every file under
    ``archive/`` (the spec's place for them; one that is no WARC is reported when read) and
    any ``.warc``/``.warc.gz`` elsewhere. WaczError when the ZIP cannot be read or holds none."""
    pkg = _checked(package)
    names = list(dict.fromkeys(pkg.warcs))  # one name, once
    if not names:
        lost = missing_listed(package, warcs=True)
        said = f"; its {DATAPACKAGE} lists {', '.join(map(repr, lost[:5]))}" if lost else ""
        raise WaczError(f"a ZIP without WARC files (a WACZ keeps them in archive/){said}")
    return names


def _is_warc_name(name: str) -> bool:
    """A member name readers read as a WARC (see member_names)."""
    return bool(name) and not name.endswith("/") and (
        name.startswith("archive/") or name.lower().endswith(WARC_NAMES))


def _warc_names(infos: list[zipfile.ZipInfo]) -> list[str]:
    return [i.filename for i in infos if _is_warc_name(i.filename)]


def not_warc_reason(member: str) -> str | None:
    """Why a member is not read as a WARC by its name, or None."""
    if member.lower().endswith(WARC_NAMES):
        return None
    return ("not a WARC file (a WACZ's archive/ folder holds WARC files, named .warc or "
            ".warc.gz); not read")


class _Package:
    """A package's central directory, checked: what every member's bytes need."""

    def __init__(self, path: str, infos: list[zipfile.ZipInfo], size: int,
                 stamp: tuple[int, ...], damage: str | None = None,
                 cut: str | None = None) -> None:
        self.path = path
        self.infos = infos
        self.size = size
        self.stamp = stamp
        self.damage = damage  # why the central directory was not read, when it was not
        self.cut = cut  # then, the member the end of the file cut (clamped to it)
        self.by_name = {i.filename: i for i in infos}
        self.warcs = _warc_names(infos)  # once: every member read asks (damage_note)
        self.overlapping = _overlapping(infos)
        self.alike = _alike(infos)

    @functools.cached_property
    def by_path(self) -> dict[str, zipfile.ZipInfo]:
        """Each member by its name made a path, the first of those alike (made once: every
        member of a package so named is looked up by it)."""
        found: dict[str, zipfile.ZipInfo] = {}
        for info in self.infos:
            found.setdefault(str(Path(info.filename)), info)
        return found

    @functools.cached_property
    def warc_spellings(self) -> dict[str, str]:
        """Each WARC member by its name as a location spells it (``_spelled``)."""
        return {_spelled(name): name for name in self.warcs}

    @functools.cached_property
    def warcs_by_base(self) -> dict[str, list[str]]:
        """The WARC members by their base names: what an index line naming none of them
        may have meant."""
        found: dict[str, list[str]] = {}
        for name in self.warcs:
            found.setdefault(PurePosixPath(name).name, []).append(name)
        return found

    @functools.cached_property
    def listing(self) -> tuple[str | None, list[str]]:
        """(why datapackage.json cannot be read, or None; the paths it lists that the ZIP
        does not hold), read once."""
        if self.by_name.get(DATAPACKAGE) is None:
            return None, []
        try:
            paths = _listed_paths(Path(self.path))
        except (OSError, ValueError, RecursionError) as exc:
            return f"{DATAPACKAGE} cannot be read ({exc}): its members are not checked", []
        lacking = [p for p in paths if not self._holds(p)]
        return None, list(dict.fromkeys(lacking))

    def _holds(self, listed: str) -> bool:
        """Whether the ZIP holds the member a listed path names (see member_of)."""
        return self.member_of(listed) is not None

    def member_of(self, listed: str) -> zipfile.ZipInfo | None:
        """The member a listed path names, spelled as writers spell it: relative to the
        package (``archive/a.warc.gz``), from its root (``/archive/…``), or with Windows
        separators (``archive\\a.warc.gz``); None when the ZIP holds none."""
        relative = listed.replace("\\", "/").lstrip("/")
        for name in (listed, relative):
            if name and (found := self.by_name.get(name) or self.by_path.get(str(Path(name)))):
                return found
        return None


def _spelled(name: str) -> str:
    """A member's name as a location gives it back (``a//b`` and ``a/./b`` are ``a/b``)."""
    return str(Path(f"x#{name}"))[2:]


member_spelling = _spelled  # what verify keys a member's records by


def index_member(package: Path, filename: str) -> tuple[str | None, str]:
    """The WARC member a CDXJ line's ``filename`` names, or None and why it names none.

    The WACZ spec makes it relative to ``archive/`` (ReplayWeb.page reads ``"archive/" +
    filename``): ``x.warc.gz`` is ``archive/x.warc.gz``, never a ``x.warc.gz`` elsewhere
    in the ZIP, and ``archive/x.warc.gz`` is ``archive/archive/x.warc.gz``."""
    pkg = _checked(package)
    wanted = _spelled(f"archive/{filename}")
    if alike := pkg.alike.get(wanted):
        return None, (f"names {filename!r}: {len(alike)} members are named alike "
                      f"({', '.join(map(repr, alike[:5]))}), which one is meant is ambiguous")
    if (name := pkg.warc_spellings.get(wanted)) is not None:
        return name, ""
    others = pkg.warcs_by_base.get(PurePosixPath(wanted).name, [])
    elsewhere = (f" (it holds {', '.join(map(repr, others[:5]))}: the filename of an index "
                 "line is relative to archive/)") if others else ""
    return None, f"names {filename!r}, which the package does not hold as {wanted!r}{elsewhere}"


def _alike(infos: list[zipfile.ZipInfo]) -> dict[str, list[str]]:
    """Location spelling -> the names of the members it could mean, for those meaning more
    than one: which one a location names is ambiguous, so none is read under it."""
    spellings: dict[str, list[str]] = {}
    for info in infos:
        spellings.setdefault(_spelled(info.filename), []).append(info.filename)
    return {k: v for k, v in spellings.items() if len(v) > 1}


def _overlapping(infos: list[zipfile.ZipInfo]) -> dict[str, str]:
    """Member -> a member whose header lies inside its declared bytes (in one sorted pass);
    members sharing one header (the overlapping zip bomb's trick) are each other's."""
    found: dict[str, str] = {}
    ordered = sorted(infos, key=lambda i: i.header_offset)
    for one, nxt in zip(ordered, ordered[1:], strict=False):
        if nxt.header_offset < one.header_offset + _LOCAL.size + one.compress_size:
            found[one.filename] = nxt.filename
            if nxt.header_offset == one.header_offset:
                found.setdefault(nxt.filename, one.filename)
    return found


def _checked(package: Path) -> _Package:
    stat = _stat(package)
    # ctime and inode too: a package rewritten in place with its size and mtime kept
    # (rsync -a, cp -p, wget -N) is another package, whatever was kept of the old one
    return _read_directory(str(package), stat.st_size,
                           (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino))


def _stat(package: Path) -> os.stat_result:
    try:
        return package.stat()
    except OSError as exc:
        raise WaczError(f"cannot read: {exc.strerror or exc}") from exc


@functools.lru_cache(maxsize=64)
def _read_directory(package: str, size: int, stamp: tuple[int, ...]) -> _Package:
    """The central directory of a package of that size and stamp (each capture replayed reads
    a member again: the directory is read once). When it cannot be read, the members found
    by their local headers from the start (a download cut short loses the directory, which
    is at the end, and keeps the members before the cut)."""
    try:
        with zipfile.ZipFile(package) as zf:
            return _Package(package, zf.infolist(), size, stamp)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        reason = (f"not a readable ZIP file ({exc}): cut short or damaged, or not a WACZ "
                  "at all")
    except OSError as exc:
        raise WaczError(f"cannot read: {exc.strerror or exc}") from exc
    found, cut = _scan(package, size)
    pkg = _Package(package, found, size, stamp, cut=cut)
    if not pkg.warcs:
        raise WaczError(reason)
    cut_note = f", {cut!r} up to the end of the file" if cut in pkg.warcs else ""
    pkg.damage = (f"{reason}; read the {len(pkg.warcs)} WARC member(s) found by their local "
                  f"headers{cut_note}")
    return pkg


def _scan(package: str, size: int) -> tuple[list[zipfile.ZipInfo], str | None]:
    """Members by their local headers, in order, and the name of the one the end of the
    file cuts (clamped to it); the walk stops at the first header that is not one, or whose
    sizes follow its data."""
    found: list[zipfile.ZipInfo] = []
    cut = None
    with open(package, "rb") as fh:
        pos = 0
        while pos + _LOCAL.size <= size and len(found) < _MAX_SCANNED:
            found_here = _local_info(fh, pos)
            if found_here is None:
                break
            info, data = found_here
            if data + info.compress_size > size:  # the member the file was cut in
                cut = info.filename
                info.compress_size = max(0, size - data)
                if info.compress_type == zipfile.ZIP_STORED:
                    info.file_size = info.compress_size
            found.append(info)
            pos = data + info.compress_size
    return found, cut


def _local_info(fh: IO[bytes], pos: int) -> tuple[zipfile.ZipInfo, int] | None:
    """The member whose local header is at ``pos`` and where its data starts; None when no
    header is there, the file ends in its name or extra field, or its sizes follow its data."""
    fh.seek(pos)
    head = fh.read(_LOCAL.size)
    if len(head) < _LOCAL.size or not head.startswith(b"PK\x03\x04"):
        return None
    _, _, flags, method, _, _, crc, csize, usize, name_len, extra_len = _LOCAL.unpack(head)
    raw_name, extra = fh.read(name_len), fh.read(extra_len)
    if len(raw_name) < name_len or len(extra) < extra_len or (flags & 0x8 and not csize):
        return None
    if 0xFFFFFFFF in (csize, usize):
        sizes = _zip64_sizes(extra, usize, csize)
        if sizes is None:
            return None
        usize, csize = sizes
    info = zipfile.ZipInfo(raw_name.decode("utf-8" if flags & 0x800 else "cp437", "replace"))
    info.header_offset, info.flag_bits, info.compress_type, info.CRC = pos, flags, method, crc
    info.compress_size, info.file_size = csize, usize
    return info, pos + _LOCAL.size + name_len + extra_len


def _zip64_sizes(extra: bytes, usize: int, csize: int) -> tuple[int, int] | None:
    """The sizes a Zip64 extra field gives in place of 0xFFFFFFFF (uncompressed first); None
    when the field runs past the extra field's end or lacks a size it must give."""
    at = 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, at)
        if at + 4 + length > len(extra):
            return None
        if kind == 1:
            values = list(struct.unpack_from(f"<{length // 8}Q", extra, at + 4))
            if usize == 0xFFFFFFFF:
                usize = values.pop(0) if values else -1
            if csize == 0xFFFFFFFF:
                csize = values.pop(0) if values else -1
            return None if -1 in (usize, csize) else (usize, csize)
        at += 4 + length
    return None


def _listed_paths(package: Path) -> list[str]:
    """The ``path`` of each resource datapackage.json lists (the WACZ spec's list of the
    package's files; one naming no resources lists none); ValueError when it is no such
    list."""
    return [resource["path"] for resource in _listed_resources(package)]


def _listed_resources(package: Path) -> list[dict]:
    """The resources datapackage.json lists, each with a ``path`` (see _listed_paths)."""
    with open_member(package, DATAPACKAGE) as fh:
        raw = fh.read(_MAX_DATAPACKAGE + 1)
    if len(raw) > _MAX_DATAPACKAGE:
        raise ValueError(f"over {_MAX_DATAPACKAGE} bytes")
    doc = json.loads(raw)
    if not isinstance(doc, dict):
        raise ValueError("not a JSON object")
    resources = doc.get("resources", [])
    if not isinstance(resources, list):
        raise ValueError("no \"resources\" list")
    paths = [r.get("path") if isinstance(r, dict) else None for r in resources]
    if bad := [i for i, path in enumerate(paths) if not isinstance(path, str) or not path]:
        raise ValueError(f"resource {bad[0]} has no \"path\"")
    return resources


def resource_problems(package: Path) -> list[tuple[str, str]]:
    """(severity, why) of each member whose size (``bytes``) or hash (``hash``,
    ``sha256:HEX`` as the WACZ spec writes it) its datapackage.json gives wrongly: a
    member changed or swapped after packing, which ReplayWeb.page then shows as not
    verified (a repacked member has a CRC-32 of its own, so nothing else says so). Each
    listed member is read whole for its hash; one that cannot be read is said by its
    reader, a datapackage.json (or a package) that cannot be read by ``damage_notes``."""
    try:
        pkg = _checked(package)
        resources = _listed_resources(package) if DATAPACKAGE in pkg.by_name else []
    except (OSError, ValueError, RecursionError):
        return []
    found: list[tuple[str, str]] = []
    for resource in resources:
        info = pkg.member_of(resource["path"])
        if info is None or pkg.alike.get(_spelled(info.filename)):
            continue  # said as missing (missing_listed), or ambiguous by its readers
        said = f"{DATAPACKAGE} lists {resource['path'][:200]!r} "
        size = resource.get("bytes")
        if size is not None and size != info.file_size:
            found.append(("error", f"{said}of {str(size)[:40]} bytes; the member holds "
                          f"{info.file_size}"))
        key = _member_key(package, pkg, info)
        problem = _hash_problem(package, info, resource.get("hash"), key)
        if problem is not None:
            found.append((problem[0], said.rstrip() + problem[1]))
    for resource in resources:  # (a member listed twice kept its digest for the second)
        if (info := pkg.member_of(resource["path"])) is not None:
            key = _member_key(package, pkg, info)
            _WANTED.pop(key, None)
            _DIGESTS.pop(key, None)
    return found


def _checked_algorithm(declared: object) -> str | None:
    """The hashlib name of a declared ``ALGORITHM:HEX`` hash checked here, or None."""
    algorithm, _, value = str(declared).partition(":")
    algorithm = algorithm.lower()
    if algorithm not in hashlib.algorithms_guaranteed or not value or algorithm.startswith(
            "shake"):
        return None
    return algorithm


def _hash_problem(package: Path, info: zipfile.ZipInfo, declared: object, key: tuple
                  ) -> tuple[str, str] | None:
    """(severity, why) when a member's bytes are not of the ``declared`` hash, or the hash
    is of a kind that cannot be checked; None when they are, or none is declared. The
    digest a reader made going through the whole member (:func:`hash_while_read`) is taken;
    a member no reader went through whole is read for it here."""
    if declared is None:
        return None
    if (algorithm := _checked_algorithm(declared)) is None:
        return "warning", f" with hash {str(declared)[:80]!r}, of no kind checked here"
    made = _DIGESTS.get(key)
    if made is not None and made[0] == algorithm:
        got = made[1]
    else:
        try:
            got = _member_digest(package, info, algorithm)
        except OSError as exc:  # a WARC's readers say why; no reader reads the other members
            return None if _is_warc_name(info.filename) else (
                "error", f", which cannot be read to check its hash: {exc}")
    if got != str(declared).partition(":")[2].strip().lower():
        return "error", (f" with hash {str(declared)[:120]}; the member's is "
                         f"{algorithm}:{got} (changed after packing)")
    return None


def _member_digest(package: Path, info: zipfile.ZipInfo, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with open_member(package, info.filename) as fh:
        while chunk := fh.read(_MAX_READ):
            digest.update(chunk)
    return digest.hexdigest()


def hash_while_read(package: Path) -> None:
    """Have the readers of the package's WARC members hash each as they go through it whole
    from its start (with the CRC-32 they check), by the algorithm its datapackage.json
    declares: ``verify``'s walk then gives :func:`resource_problems` the digest, and the
    member is not read a second time for it. A package whose list cannot be read asks
    nothing (resource_problems says nothing of it either)."""
    try:
        pkg = _checked(package)
        resources = _listed_resources(package) if DATAPACKAGE in pkg.by_name else []
    except (OSError, ValueError, RecursionError):
        return
    for resource in resources:
        info = pkg.member_of(resource["path"])
        algorithm = _checked_algorithm(resource.get("hash"))
        if info is not None and algorithm and _is_warc_name(info.filename):
            _WANTED[_member_key(package, pkg, info)] = algorithm
            while len(_WANTED) > _CHECKS:
                _WANTED.popitem(last=False)


def missing_listed(package: Path, *, warcs: bool) -> list[str]:
    """The paths the package's datapackage.json lists that its ZIP does not hold: its WARC
    members (which every reader reports) or, ``warcs`` False, its other files (an index, a
    pages list: no record is lost with them, so ``verify`` alone reports them)."""
    return [name for name in _checked(package).listing[1] if _is_warc_name(name) == warcs]


INDEX_NAMES = (".cdx", ".cdxj", ".cdx.gz", ".cdxj.gz")  # a ZipNum's .idx names blocks, not records


def package_members(package: Path) -> list[zipfile.ZipInfo]:
    """Every member of ``package``, in ZIP order (WaczError when it cannot be read)."""
    return list(_checked(package).infos)


def index_names(package: Path) -> list[str]:
    """The package's capture indexes (``indexes/index.cdx``, Browsertrix's ``.cdxj``, a
    ZipNum's ``.cdx.gz``), in ZIP order: what a replay tool reads to find a record."""
    return [i.filename for i in _checked(package).infos
            if i.filename.startswith("indexes/") and i.filename.lower().endswith(INDEX_NAMES)]


def missing_note(member: str) -> str:
    """The error for a listed ``member`` the ZIP lacks, as every command words it."""
    return f"{DATAPACKAGE} lists {member!r}, which the package does not hold"


def damage_notes(package: Path, member: str) -> list[str]:
    """What to report once for a package, given for its first WARC member (the package's
    other members say nothing more): why it was read by its local headers, why its
    datapackage.json cannot be read, and each WARC member that lists and the ZIP lacks."""
    pkg = _checked(package)
    warcs = pkg.warcs
    if not warcs or warcs[0] != member:
        return []
    lost = [f"{missing_note(name)}: its records are not read"
            for name in missing_listed(package, warcs=True)]
    return [note for note in (pkg.damage, pkg.listing[0]) if note] + lost


def crc_problem(path: Path) -> str | None:
    """Why a WACZ member's bytes are not the ones its package recorded (its CRC-32), or None
    (also for a plain file). Records are read at offsets, never a stored member whole, and a
    walk may skip bytes, so ``verify`` asks this: a WARC header altered inside a package
    breaks no record digest. A member that cannot be read (or is cut) is reported by its
    records.

    A member whose reader went through it from its start (the walk ``verify`` makes; a
    stored one's reads in order, see :class:`_Stored`) was checked then: its outcome is
    taken, not read again. Any other is read whole here."""
    found = split_location(path)
    if found is None:
        return None
    pkg = _checked(found[0])
    info = pkg.by_name.get(found[1]) or _by_path(pkg, found[1])
    if info is None or info.filename == pkg.cut:
        return None
    key = _member_key(found[0], pkg, info)
    if key in _CHECKED:
        return _CHECKED.pop(key)  # the walk's outcome, taken once
    try:
        with open_member(*found) as fh:
            while fh.read(_PIECE):  # (its reader checks it, read in order)
                pass
    except OSError:
        return None
    return _CHECKED.pop(key, None)  # none when cut short: its records say so


def input_size(path: Path) -> int:
    """Bytes a reader goes through in ``path`` (a file, or a member's inflated size)."""
    found = split_location(path)
    if found is None:
        return path.stat().st_size
    info = _checked(found[0]).by_name.get(found[1])
    return info.file_size if info is not None else 0


def open_input(path: str | Path, buffering: int = -1) -> IO[bytes]:
    """A WARC file, or a WACZ member, open for reading (seekable; see the module's doc).

    Raises WaczError (an OSError) for a package named without a member and for a member
    that cannot be read, OSError as ``open`` does.
    """
    found = split_location(path)
    if found is None:
        if is_package(path) and os.path.isfile(path):
            member_names(Path(path))  # the reason it cannot be read, if any
            raise WaczError("a WACZ package: read its members (PKG.wacz#archive/NAME)")
        return open(path, "rb", buffering=buffering)  # noqa: SIM115 - the caller closes it
    return open_member(*found, buffering=buffering)


def open_member(package: Path, member: str, buffering: int = -1) -> IO[bytes]:
    """One member of ``package``, open for reading (see the module's doc)."""
    pkg = _checked(package)
    if alike := pkg.alike.get(_spelled(member)):
        raise WaczError(f"{len(alike)} members named alike ({', '.join(map(repr, alike))}): "
                        "which one is meant is ambiguous; not read")
    info = pkg.by_name.get(member) or _by_path(pkg, member)
    if info is None:
        raise WaczError(f"no member {member!r} in the package")
    _check_member(pkg, info)
    fh = open(package, "rb", buffering=buffering)  # noqa: SIM115 - the member's reader owns it
    try:
        start = _data_start(fh, info, pkg.size)
        key = _member_key(package, pkg, info)
        if info.compress_type == zipfile.ZIP_STORED:
            return _Stored(fh, start, info.file_size, _RunningCrc(info, key))
        if info.compress_type == zipfile.ZIP_DEFLATED:
            points = _points_of(key, info)
            return _Inflated(lambda at: _Deflate(fh, start, info, points, at, key),
                             lambda at: points.before(at)[0], info.file_size, fh)
        return _Inflated(lambda _: _Unpack(fh, start, info, key), lambda _: 0, info.file_size,
                         fh)
    except BaseException:
        fh.close()
        raise


def _by_path(pkg: _Package, member: str) -> zipfile.ZipInfo | None:
    """The member a location names once made a path (``a//b`` is ``a/b``)."""
    return pkg.by_path.get(member)


def _check_member(pkg: _Package, info: zipfile.ZipInfo) -> None:
    """Refuse what no reader should go through: encrypted, bomb-like or overlapping bytes."""
    if info.flag_bits & 0x1:
        raise WaczError("an encrypted member: cannot be read")
    if info.compress_type != zipfile.ZIP_STORED and info.file_size > max(
            RATIO_FLOOR, RATIO * info.compress_size):
        raise WaczError(f"declares {info.file_size} bytes from {info.compress_size} compressed "
                        f"(over {RATIO} to 1): a zip bomb, not read")
    if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
        raise WaczError(f"stored member of {info.file_size} bytes in {info.compress_size}: a "
                        "damaged central directory")
    start, end = info.header_offset, info.header_offset + _LOCAL.size + info.compress_size
    if end > pkg.size:
        raise WaczError(f"member needs bytes {start}-{end} of the package, which holds "
                        f"{pkg.size}: the package is cut short or its directory damaged")
    if other := pkg.overlapping.get(info.filename):
        raise WaczError(f"member's bytes overlap member {other!r}'s (a zip bomb's trick, or "
                        "a damaged directory): not read")


def _data_start(fh: IO[bytes], info: zipfile.ZipInfo, size: int) -> int:
    """Where a member's bytes begin: after its local header, whose name and extra field
    lengths may differ from the central directory's."""
    fh.seek(info.header_offset)
    head = fh.read(_LOCAL.size)
    if len(head) < _LOCAL.size or not head.startswith(b"PK\x03\x04"):
        raise WaczError(f"no local header at byte {info.header_offset}: a damaged package")
    fields = _LOCAL.unpack(head)
    start = info.header_offset + _LOCAL.size + fields[-2] + fields[-1]
    if start + info.compress_size > size:
        raise WaczError(f"member needs bytes {start}-{start + info.compress_size} of the package, "
                        f"which holds {size}: the package is cut short")
    return start


def _method_name(info: zipfile.ZipInfo) -> str:
    return _METHODS.get(info.compress_type, f"ZIP method {info.compress_type}")


_METHODS = {zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "lzma"}
# what a decompressor's construction or call raises on damaged bytes (bzip2's damage is an
# OSError, lzma's an LZMAError, zlib's zlib.error; a cut stream EOFError; bad options
# ValueError): always turned into the member's WaczError, never let out of the reader
_LIBRARY_ERRORS = (lzma.LZMAError, OSError, zlib.error, EOFError, ValueError)


class _Decoding:
    """What the member decoders share: :meth:`read` gives up to ``n`` more bytes, and the
    damage that stops a decoder (a :class:`WaczError` its ``_inflate`` raises) is raised only
    once nothing decoded before it is left to give, so the records before it are read."""

    _failed: WaczError | None

    def _inflate(self, n: int, parts: list[bytes]) -> None:
        raise NotImplementedError

    def read(self, n: int) -> bytes:
        if self._failed is not None:
            raise self._failed
        parts: list[bytes] = []
        try:
            self._inflate(n, parts)
        except WaczError as exc:
            if not any(parts):
                raise
            self._failed = exc
        return b"".join(parts)


class _Unpack(_Decoding):
    """A bzip2 or lzma member's bytes from its start, its CRC-32 checked
    (:class:`_RunningCrc`).

    Decompressed here, not by zipfile: zipfile's readers for these methods inflate each
    compressed read whole, with no output limit (a 1 KB bzip2 member declaring 64 MiB gave
    1 GiB at once). Python's decompressors take ``max_length``: a read inflates at most what
    it asks for, and no byte past the declared size, as :class:`_Deflate`. Reading them
    rather than refusing them: no WACZ writer uses them, but ``zip -Z bzip2`` and Python's
    zipfile do, and such packages were read before."""

    def __init__(self, fh: IO[bytes], start: int, info: zipfile.ZipInfo, key: tuple) -> None:
        self._fh, self._info = fh, info
        self._fed = self.out = 0
        self._failed: WaczError | None = None
        fh.seek(start)
        try:
            self._d = self._decompressor()
        except _LIBRARY_ERRORS as exc:
            raise WaczError(f"{_method_name(info)} member whose header is damaged: cannot be "
                            f"read ({type(exc).__name__}: {exc})") from exc
        self._crc = _RunningCrc(info, key)

    @property
    def crc_note(self) -> str | None:
        return self._crc.note

    def _take(self, n: int) -> bytes:
        data = self._fh.read(max(0, min(n, self._info.compress_size - self._fed)))
        self._fed += len(data)
        return data

    def _decompressor(self) -> bz2.BZ2Decompressor | lzma.LZMADecompressor:
        method = self._info.compress_type
        if method == zipfile.ZIP_BZIP2:
            return bz2.BZ2Decompressor()
        if method != zipfile.ZIP_LZMA:
            raise WaczError(f"compressed with ZIP method {method}, which this reader cannot "
                            "read (only stored, deflate, bzip2 and lzma); repack the WARCs "
                            "stored (python -m archive wacz)")
        # ZIP's lzma: a version (2 bytes), the properties' length (2) and LZMA1 properties
        # (5: lc/lp/pb in one byte, the dictionary size), then a raw LZMA1 stream
        head = self._take(4)
        props = self._take(struct.unpack_from("<H", head, 2)[0] if len(head) == 4 else 0)
        if len(props) != 5 or props[0] >= 9 * 5 * 5:
            raise WaczError("lzma member whose header is damaged: cannot be read")
        pb, rest = divmod(props[0], 45)
        lp, lc = divmod(rest, 9)
        # no dictionary larger than the member (liblzma allocates it at once)
        size = min(struct.unpack_from("<L", props, 1)[0],
                   max(self._info.file_size, 1 << 12), 1 << 30)
        return lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=[{
            "id": lzma.FILTER_LZMA1, "dict_size": max(size, 1 << 12), "lc": lc, "lp": lp,
            "pb": pb}])

    def _inflate(self, n: int, parts: list[bytes]) -> None:
        got = 0
        size = self._info.file_size
        while got < n and not self._d.eof:
            data = self._take(_PIECE) if self._d.needs_input else b""
            if not data and self._d.needs_input:
                if self.out == size:  # an lzma stream without its end marker ends so
                    break
                raise WaczError(f"compressed data ends at byte {self.out} of {size}: the "
                                "member is cut short")
            room = size - self.out  # a byte more says it inflates past
            try:
                piece = self._d.decompress(data, min(n - got, room + 1))
            except _LIBRARY_ERRORS as exc:
                raise WaczError(f"corrupt {_method_name(self._info)} data near byte "
                                f"{self.out}: {exc}") from exc
            past = len(piece) > room
            piece = piece[:room] if past else piece  # no byte past it; every byte before it
            parts.append(piece)
            got += len(piece)
            self.out += len(piece)
            self._crc.update(piece)
            if past:
                raise WaczError(f"inflates past the {size} bytes its directory declares: a "
                                "damaged or forged member")
        if self._d.eof or (self.out == size and self._fed == self._info.compress_size
                           and self._d.needs_input):
            self._check_end()

    def _check_end(self) -> None:
        if self.out != self._info.file_size:
            raise WaczError(f"inflates to {self.out} bytes, its directory says "
                            f"{self._info.file_size}: a damaged member")
        self._crc.finish()

    def close(self) -> None:
        """The package's file is the reader's to close."""


_CHECKED: OrderedDict[tuple, str | None] = OrderedDict()  # member key -> its CRC-32 note
# member key -> the hash algorithm datapackage.json declares for it (hash_while_read), and
# the digest a reader made going through it whole
_WANTED: OrderedDict[tuple, str] = OrderedDict()
_DIGESTS: OrderedDict[tuple, tuple[str, str]] = OrderedDict()


def _member_key(package: Path, pkg: _Package, info: zipfile.ZipInfo) -> tuple:
    """A member of this package's size and stamp: what is kept of it is keyed so."""
    return str(package), pkg.size, pkg.stamp, info.header_offset


class _RunningCrc:
    """A member's CRC-32 kept over its bytes as they are read in order from its start: at
    its end (:meth:`finish`, which its reader calls) it is compared with the one the package
    recorded, and a mismatch kept in ``note`` (every byte still given: damage that inflates
    costs no record). The outcome is kept under the member's ``key`` for
    :func:`crc_problem`."""

    def __init__(self, info: zipfile.ZipInfo, key: tuple) -> None:
        self._info, self._key = info, key
        self._crc = self._size = 0
        self.note: str | None = None
        self._done = False
        self._started = False
        # the digest datapackage.json's check asks of this member (hash_while_read)
        self._algorithm = _WANTED.get(key)
        self._hash = hashlib.new(self._algorithm) if self._algorithm else None

    def update(self, data: bytes) -> None:
        if not self._started:  # a new read from the start: an earlier one's outcome is old
            self._started = True
            _CHECKED.pop(self._key, None)
        self._crc = zlib.crc32(data, self._crc)
        if self._hash is not None:
            self._hash.update(data)
        self._size += len(data)

    @property
    def whole(self) -> bool:
        return self._size == self._info.file_size

    def finish(self) -> None:
        """The member's end: compared once, when every declared byte was read (one cut
        short is said by its records)."""
        if self._done or not self.whole:
            return
        self._done = True
        if self._crc != self._info.CRC:
            self.note = _crc_note(self._crc, self._info)
        _CHECKED[self._key] = self.note
        while len(_CHECKED) > _CHECKS:
            _CHECKED.popitem(last=False)
        if self._hash is not None and self._algorithm is not None:
            _DIGESTS[self._key] = (self._algorithm, self._hash.hexdigest())
            while len(_DIGESTS) > _CHECKS:
                _DIGESTS.popitem(last=False)


class _Points:
    """Inflater states along one deflated member: (inflated offset, compressed offset, state)."""

    def __init__(self, size: int) -> None:
        self.every = max(EVERY, size // _POINTS)
        self.outs = [0]
        self.states: list[tuple[int, object | None]] = [(0, None)]

    def before(self, pos: int) -> tuple[int, int, object | None]:
        """The last state at or before inflated offset ``pos``."""
        at = bisect.bisect_right(self.outs, pos) - 1
        return self.outs[at], *self.states[at]

    def add(self, out: int, fed: int, inflater) -> None:
        if out >= self.outs[-1] + self.every:
            self.outs.append(out)
            self.states.append((fed, inflater.copy()))


_KEPT: OrderedDict[tuple, _Points] = OrderedDict()


def _points_of(key: tuple, info: zipfile.ZipInfo) -> _Points:
    """The states kept for a member (:func:`_member_key`), most recent last."""
    points = _KEPT.pop(key, None) or _Points(info.file_size)
    _KEPT[key] = points
    while len(_KEPT) > _MEMBERS:
        _KEPT.popitem(last=False)
    return points


class _Deflate(_Decoding):
    """A deflated member's bytes from the last kept state at or before ``at``, inflated from
    its compressed bytes in the package. One inflating from the start checks the member's
    CRC-32 (:class:`_RunningCrc`; one from a kept state cannot): damage that still inflates
    (a flipped Huffman code can decode to other text of the same length) is then said, not
    served silently, and never costs a record."""

    def __init__(self, fh: IO[bytes], start: int, info: zipfile.ZipInfo, points: _Points,
                 at: int, key: tuple) -> None:
        self.out, self._fed, state = points.before(at)
        try:
            self._d = state.copy() if state is not None else zlib.decompressobj(-zlib.MAX_WBITS)
        except _LIBRARY_ERRORS as exc:
            raise WaczError(f"cannot inflate from byte {self.out}: {exc}") from exc
        self._fh, self._start, self._info, self._points = fh, start, info, points
        self._tail = b""
        self._failed: WaczError | None = None
        self._crc = _RunningCrc(info, key) if state is None else None  # only from the start
        fh.seek(start + self._fed)

    @property
    def crc_note(self) -> str | None:
        return self._crc.note if self._crc is not None else None

    def _inflate(self, n: int, parts: list[bytes]) -> None:
        got = 0
        while got < n and not self._d.eof:
            if not self._tail:
                self._tail = self._next_input()
            room = self._info.file_size - self.out  # a byte more says it inflates past
            try:
                piece = self._d.decompress(self._tail, min(n - got, room + 1))
            except _LIBRARY_ERRORS as exc:
                raise WaczError(f"corrupt deflate data near byte {self.out}: {exc}") from exc
            self._tail = self._d.unconsumed_tail
            past = len(piece) > room  # the bomb check trusted the declared size
            piece = piece[:room] if past else piece  # no byte past it; every byte before it
            parts.append(piece)
            got += len(piece)
            self.out += len(piece)
            if self._crc is not None:
                self._crc.update(piece)
            if past:  # (raised after what was given before it: read() keeps it for later)
                raise WaczError(f"inflates past the {self._info.file_size} bytes its "
                                "directory declares: a damaged or forged member")
            self._points.add(self.out, self._fed - len(self._tail), self._d)
        if self._d.eof:
            self._check_end()

    def _next_input(self) -> bytes:
        left = self._info.compress_size - self._fed
        data = self._fh.read(min(_PIECE, left)) if left > 0 else b""
        if not data:
            raise WaczError(f"compressed data ends at byte {self.out} of {self._info.file_size}"
                            ": the member is cut short")
        self._fed += len(data)
        return data

    def _check_end(self) -> None:
        if self.out != self._info.file_size:
            raise WaczError(f"inflates to {self.out} bytes, its directory says "
                            f"{self._info.file_size}: a damaged member")
        if self._crc is not None:
            self._crc.finish()  # at the stream's end: one inflating past its size never gets here

    def close(self) -> None:
        """The package's file is the reader's to close."""


class _Stored:
    """A stored member: a byte range of the package, with a file's read/seek interface.

    While its reads go through it in order from its start (a walk's: seeks back to bytes
    read already, never past the last byte read), ``crc`` is fed each new byte once, so
    the walk's own reads give its CRC-32 (and the digest datapackage.json asks for) at its
    end; a read past a gap leaves that to a second read (:func:`crc_problem`)."""

    def __init__(self, fh: IO[bytes], start: int, size: int,
                 crc: _RunningCrc | None = None) -> None:
        self._fh, self._start, self._size = fh, start, size
        self._pos = 0
        self._crc = crc
        self._fed = 0  # the member's bytes fed to crc: every one before this
        fh.seek(start)

    def _left(self, n: int | None) -> int:
        left = max(0, self._size - self._pos)
        return left if n is None or n < 0 else min(n, left)

    def _feed(self, at: int, data: bytes) -> None:
        if self._crc is None:
            return
        if at > self._fed:  # a gap: its bytes were not read in order
            self._crc = None
            return
        if new := data[self._fed - at:]:
            self._crc.update(new)
            self._fed += len(new)
        if self._fed == self._size:  # (an empty member's first read too)
            self._crc.finish()

    def read(self, n: int | None = -1) -> bytes:
        data = self._fh.read(self._left(n))
        self._feed(self._pos, data)
        self._pos += len(data)
        return data

    def readline(self, n: int | None = -1) -> bytes:
        data = self._fh.readline(self._left(n))
        self._feed(self._pos, data)
        self._pos += len(data)
        return data

    def seek(self, pos: int, whence: int = 0) -> int:
        base = (0, self._pos, self._size)[whence]
        self._pos = max(0, base + pos)
        self._fh.seek(self._start + min(self._pos, self._size))
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> _Stored:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Failed:
    """A source whose restart failed: the next restart replaces it."""

    def close(self) -> None:
        """Nothing to close."""


class _Inflated:
    """A compressed member read forwards, keeping the last _WINDOW bytes for short seeks
    back; a seek elsewhere starts inflating again at the best place its source has (a kept
    state, or the start). Memory: the window plus what a caller reads at once."""

    def __init__(self, restart: Callable[[int], _Unpack | _Deflate],
                 best: Callable[[int], int], size: int, fh: IO[bytes]) -> None:
        self._restart, self._best, self._size, self._fh = restart, best, size, fh
        self._src = restart(0)
        self._buf = bytearray()
        self._base = 0  # member position of _buf[0]
        self._pos = 0
        self._error: WaczError | None = None  # what stopped inflation, raised at that point
        self.crc_note: str | None = None  # a CRC-32 mismatch found at the member's end

    def _end(self) -> int:
        return self._base + len(self._buf)

    def _fill(self, until: int) -> None:
        """Inflate until the window holds bytes up to ``until`` (or the member ends)."""
        if self._pos < self._base or self._best(self._pos) > self._end():
            self._src.close()
            self._buf, self._base = bytearray(), self._best(self._pos)
            try:
                self._src = self._restart(self._pos)
            except WaczError as exc:  # the restart's own damage: this read's error
                self._src, self._error = _Failed(), exc
                return
            self._error = None
        if self._error is not None:
            return
        while self._end() < until:
            try:
                chunk = self._src.read(min(max(until - self._end(), _STEP), _MAX_READ))
            except WaczError as exc:
                self._error = exc
                return
            except (zipfile.BadZipFile, *_LIBRARY_ERRORS) as exc:
                self._error = WaczError(f"member damaged at byte {self._end()} of its "
                                        f"inflated data: {exc}")
                return
            self.crc_note = self.crc_note or getattr(self._src, "crc_note", None)
            if not chunk:
                return
            self._buf += chunk
            keep = min(self._pos, self._end() - _WINDOW)
            if keep > self._base:
                del self._buf[: keep - self._base]
                self._base = keep

    def read(self, n: int | None = -1) -> bytes:
        n = self._size - self._pos if n is None or n < 0 else n
        self._fill(self._pos + n)
        at = self._pos - self._base
        data = bytes(self._buf[at: at + n])
        if not data and n and self._error is not None:
            raise self._error
        self._pos += len(data)
        return data

    def readline(self, n: int | None = -1) -> bytes:
        limit = self._size if n is None or n < 0 else n
        self._fill(self._pos + 1)
        while True:
            at = self._pos - self._base
            nl = self._buf.find(b"\n", at, at + limit)
            if nl >= 0:
                return self.read(nl + 1 - at)
            have = self._end()
            if have - self._pos >= limit:
                return self.read(limit)
            self._fill(have + _STEP)
            if self._end() == have:  # the member's end
                return self.read(limit)

    def seek(self, pos: int, whence: int = 0) -> int:
        base = (0, self._pos, self._size)[whence]
        self._pos = max(0, base + pos)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self._src.close()
        self._fh.close()

    def __enter__(self) -> _Inflated:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

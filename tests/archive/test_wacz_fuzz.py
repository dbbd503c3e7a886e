"""Seeded mutation fuzzing of WACZ input (archive.wacz_input) through the public readers.

A package is built by hand (stored and deflated members, plain and gzipped WARCs, each
member's URLs its own) and damaged in a loop bounded in time and count: byte flips,
truncations at every structural boundary, an end record pointing past the end / at itself /
with huge counts, local headers with huge or zero sizes (with the central directory lost, so
they are believed), Zip64 extra fields with junk, corrupt deflate streams, ``..`` and absolute
member names, two members with the same name. In a child process under RLIMIT_AS, each
mutant must, read through expand_paths + iter_records, index, verify and ArchiveLookup: end
within PER_CASE_S; raise nothing (errors go to on_error); and never give a record of one
member as another's.
"""

from __future__ import annotations

import json
import os
import random
import signal
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.fuzz import fuzz_loop, run_capped
from tests.support.warcs import gz, http_request, record, response

SEED = int(os.environ.get("FUZZ_SEED", "2611"))
BUDGET_S = float(os.environ.get("FUZZ_SECONDS", "15"))
MAX_MUTANTS = int(os.environ.get("FUZZ_MUTANTS", "300"))
PER_CASE_S = 5.0
STORED, DEFLATED = 0, 8


@dataclass
class Member:
    """One ZIP member as written: every field a mutation may set."""

    name: str
    data: bytes  # as stored in the package (compressed when method is DEFLATED)
    method: int
    size: int  # inflated size
    crc: int
    flags: int = 0x800
    local_extra: bytes = b""
    central_extra: bytes = b""
    local_sizes: tuple[int, int] | None = None  # (compressed, inflated) the local header says
    central_sizes: tuple[int, int] | None = None
    offset: int | None = None  # the central directory's local header offset, when not true


@dataclass
class Layout:
    """Where each part of a built package lies (for cuts at every boundary)."""

    headers: list[int] = field(default_factory=list)  # each local header's offset
    data: list[int] = field(default_factory=list)  # each member's data offset
    central: list[int] = field(default_factory=list)  # each central entry's offset
    end: int = 0  # the end-of-central-directory record's offset


def member(name: str, plain: bytes, method: int) -> Member:
    if method == DEFLATED:
        co = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        data = co.compress(plain) + co.flush()
    else:
        data = plain
    return Member(name, data, method, len(plain), zlib.crc32(plain))


def build(members: list[Member], eocd: dict | None = None) -> tuple[bytes, Layout]:
    """A ZIP of ``members`` laid out as written; ``eocd`` overrides end-record fields
    (count, cd_size, cd_offset)."""
    out = bytearray()
    lay = Layout()
    for m in members:
        lay.headers.append(len(out))
        csize, usize = m.local_sizes or (len(m.data), m.size)
        name = m.name.encode()
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, m.flags, m.method, 0, 0, m.crc,
                           csize, usize, len(name), len(m.local_extra))
        out += name + m.local_extra
        lay.data.append(len(out))
        out += m.data
    cd_start = len(out)
    for m, at in zip(members, lay.headers, strict=True):
        lay.central.append(len(out))
        csize, usize = m.central_sizes or (len(m.data), m.size)
        name = m.name.encode()
        out += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, m.flags, m.method, 0, 0,
                           m.crc, csize, usize, len(name), len(m.central_extra), 0, 0, 0, 0,
                           at if m.offset is None else m.offset)
        out += name + m.central_extra
    lay.end = len(out)
    e = {"count": len(members), "cd_size": lay.end - cd_start, "cd_offset": cd_start,
         **(eocd or {})}
    out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, e["count"] & 0xFFFF,
                       e["count"] & 0xFFFF, e["cd_size"], e["cd_offset"], 0)
    return bytes(out), lay


def warc_of(host: str, n: int, gzipped: bool) -> bytes:
    """A small WARC whose every URL is on ``host``: who reads it is told by its URLs."""
    parts = []
    for i in range(n):
        url = f"http://{host}/p{i}"
        body = f"<title>{host} {i}</title>{'word ' * (30 + i * 7)}".encode()
        ids = [f"<urn:uuid:{host}-{i}-{kind}>" for kind in ("q", "r")]  # the same bytes each run
        for raw in (record("request", url, http_request(url), rec_id=ids[0]),
                    response(url, body, rec_id=ids[1])):
            parts.append(gz(raw) if gzipped else raw)
    return b"".join(parts)


# member name -> the host of its URLs
HOSTS = {"archive/a.warc.gz": "a.example", "archive/b.warc": "b.example",
         "archive/c.warc.gz": "c.example"}


def base_members() -> list[Member]:
    return [
        member("datapackage.json", b'{"profile": "data-package"}', DEFLATED),
        member("archive/a.warc.gz", warc_of("a.example", 4, True), STORED),
        member("archive/b.warc", warc_of("b.example", 4, False), DEFLATED),
        member("archive/c.warc.gz", warc_of("c.example", 3, True), DEFLATED),
    ]


def _zip64(rng: random.Random) -> bytes:
    """A Zip64 extra field with junk: lengths past its end, odd lengths, absurd values."""
    length = rng.choice([0, 3, 8, 16, 24, 0xFFFF, 40])
    values = struct.pack("<3Q", *(rng.choice([0, 1, 2**63, 2**64 - 1, 10**12]) for _ in range(3)))
    body = values[: min(length, 24) if rng.random() < 0.5 else rng.randrange(0, 25)]
    junk = struct.pack("<HH", rng.choice([1, 0x5455, 0xFFFF]), rng.randrange(0, 300))
    return (junk if rng.random() < 0.3 else b"") + struct.pack("<HH", 1, length) + body


def _lose_directory(data: bytes, lay: Layout) -> bytes:
    """The package with its central directory gone (a download cut short): local headers
    are then all there is to go by."""
    return data[: lay.central[0]]


def mutants(rng: random.Random):
    """Yield (kind, package bytes)."""
    base, lay = build(base_members())
    bounds = sorted({0, *lay.headers, *(h + 30 for h in lay.headers), *lay.data,
                     *lay.central, lay.end, len(base) - 1} - {len(base)})
    for cut in bounds:  # every structural boundary, and one byte either side
        for at in (cut - 1, cut, cut + 1):
            if 0 <= at < len(base):
                yield "cut", base[:at]
    while True:
        kind = rng.choice(["flip", "flip", "cut", "eocd", "local", "zip64", "deflate", "names",
                           "same", "same", "offset", "sizes", "method"])
        ms = base_members()
        if kind == "flip":
            buf = bytearray(base)
            for p in (rng.randrange(len(base)) for _ in range(rng.randint(1, 8))):
                buf[p] ^= rng.randint(1, 255)
            yield kind, bytes(buf)
        elif kind == "cut":
            yield kind, base[: rng.randrange(len(base))]
        elif kind == "eocd":
            end = len(base)
            field_ = rng.choice(["count", "cd_size", "cd_offset"])
            value = rng.choice([0, 1, 0xFFFF, 0xFFFFFFFF, end, end + 1000, lay.end,
                                lay.end - 5, lay.central[-1], 2**31])
            yield kind, build(ms, {field_: value})[0]
        elif kind == "local":
            m = rng.choice(ms)
            m.local_sizes = (rng.choice([0, 1, len(m.data) + 7, 2**31, 0xFFFFFFFF, 0xFFFFFFFE]),
                             rng.choice([0, 1, m.size * 3, 2**31, 0xFFFFFFFF]))
            if rng.random() < 0.3:
                m.flags |= 0x8  # sizes in a data descriptor after the data
            data, lay2 = build(ms)
            yield kind, _lose_directory(data, lay2) if rng.random() < 0.8 else data
        elif kind == "zip64":
            m = rng.choice(ms)
            m.local_extra = _zip64(rng)
            m.local_sizes = (rng.choice([0xFFFFFFFF, len(m.data)]),
                             rng.choice([0xFFFFFFFF, m.size]))
            if rng.random() < 0.5:
                m.central_extra = _zip64(rng)
                m.central_sizes = m.local_sizes
            data, lay2 = build(ms)
            yield kind, _lose_directory(data, lay2) if rng.random() < 0.5 else data
        elif kind == "deflate":
            m = rng.choice([m for m in ms if m.method == DEFLATED])
            buf = bytearray(m.data)
            for p in (rng.randrange(len(buf)) for _ in range(rng.randint(1, 4))):
                buf[p] ^= rng.randint(1, 255)
            m.data = bytes(buf)
            yield kind, build(ms)[0]
        elif kind == "names":
            m = rng.choice(ms[1:])
            m.name = rng.choice(["../", "/", "archive/../", "archive/./", "archive//", "../../",
                                 "C:\\", "archive/x/../"]) + m.name.removeprefix("archive/")
            yield kind, build(ms)[0]
        elif kind == "same":  # one name, or two spellings of one path
            i, j = rng.sample(range(1, len(ms)), 2)
            ms[j].name = rng.choice(["", "./", "/", "x/../"]).join(ms[i].name.split("/", 1))
            yield kind, build(ms)[0]
        elif kind == "offset":
            m = rng.choice(ms)
            m.offset = rng.choice([0, lay.end, lay.central[0], len(base) + 10, 0xFFFFFFFF,
                                   rng.randrange(len(base))])
            yield kind, build(ms)[0]
        elif kind == "sizes":
            m = rng.choice(ms)
            m.central_sizes = (rng.choice([0, len(m.data) + rng.randint(1, 60), 2**31,
                                           0xFFFFFFFF]),
                               rng.choice([0, 1, m.size + 1, m.size * 100, 0xFFFFFFFF]))
            yield kind, build(ms)[0]
        else:
            m = rng.choice(ms)
            m.method = rng.choice([1, 9, 12, 14, 93, 99, STORED, DEFLATED])
            yield kind, build(ms)[0]


class Hang(BaseException):
    """A case that did not end within PER_CASE_S."""


def _alarm(*_: object) -> None:
    raise Hang


def check(pkg: Path) -> list[str]:
    """Problems with one mutant (empty when every property holds)."""
    from archive.cdxj import build_index
    from archive.reader import ArchiveLookup, expand_paths, iter_records
    from archive.verify import verify
    from archive.wacz_input import split_location

    bad: list[str] = []
    errors: list = []

    def wrong_member(where: object, url: str) -> str | None:
        found = split_location(str(where))
        host = HOSTS.get(found[1]) if found else None
        others = {h for h in HOSTS.values() if h != host}
        if host and any(f"//{h}/" in url for h in others):
            return f"{found[1]} gave {url}"
        return None

    signal.setitimer(signal.ITIMER_REAL, PER_CASE_S)
    try:
        paths = expand_paths(pkg)
        for path in paths:
            for info in iter_records(path, errors.append):
                if why := wrong_member(info.file, info.record.target_uri):
                    bad.append(f"iter_records: {why}")
        build_index(paths, on_error=errors.append)
        verify(paths)
        with ArchiveLookup(pkg, on_error=errors.append) as lookup:
            for host in HOSTS.values():
                for i in (0, 2):
                    got = lookup.get(f"http://{host}/p{i}")
                    if got is not None and (why := wrong_member(got.ref.file, got.url)):
                        bad.append(f"lookup: {why}")
    except Hang:
        bad.append(f"did not end within {PER_CASE_S} s")
    except Exception as exc:  # noqa: BLE001 - any exception is the finding
        bad.append(f"raised {type(exc).__name__}: {exc}")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    bad += [f"on_error got {type(e).__name__}" for e in errors
            if type(e).__name__ not in ("WarcFormatError", "PassedOver")]  # (damage, no other)
    return bad


def run_child(workdir: str) -> None:
    """Fuzz loop run in a child process (tests.support.fuzz); prints a JSON summary."""
    signal.signal(signal.SIGALRM, _alarm)
    fuzz_loop(((kind, data, ".wacz", check) for kind, data in mutants(random.Random(SEED))),
              workdir, MAX_MUTANTS, BUDGET_S, listed=15)


def test_fuzzed_wacz_packages_end_stay_bounded_and_never_mix_members(tmp_path):
    summary = run_capped("tests.archive.test_wacz_fuzz", tmp_path, BUDGET_S)
    assert summary["mutants"] >= 60, summary
    assert summary["failures"] == [], json.dumps(summary, indent=1)


def _read(pkg: Path) -> tuple[list[str], dict[str, set[str]]]:
    """(errors reported, hosts of the URLs read from each member) over ``pkg``, through
    expand_paths + iter_records; any exception is the test's failure."""
    from archive.reader import expand_paths, iter_records
    from archive.wacz_input import split_location

    errors: list = []
    hosts: dict[str, set[str]] = {}
    for path in expand_paths(pkg):
        name = split_location(path)[1] if split_location(path) else str(path)
        for info in iter_records(path, errors.append):
            hosts.setdefault(name, set()).add(info.record.target_uri.split("/")[2])
    return [str(e) for e in errors], hosts


def _without_directory(ms: list[Member], cut: int = 0) -> bytes:
    data, lay = build(ms)
    return _lose_directory(data, lay)[: lay.central[0] - cut]


def test_a_local_header_cut_in_its_name_ends_the_walk_of_local_headers(tmp_path):
    """A package cut inside a member's name, its directory lost: the members before read."""
    ms = base_members()
    data, lay = build(ms)
    for at in (lay.headers[2] + 30, lay.headers[2] + 32):  # no name, half a name
        pkg = tmp_path / f"cut{at}.wacz"
        pkg.write_bytes(data[:at])
        errors, hosts = _read(pkg)
        assert hosts == {"archive/a.warc.gz": {"a.example"}}, (at, errors)


def test_a_member_without_a_name_is_skipped_not_a_crash(tmp_path):
    ms = base_members()
    ms[0].name = ""  # in the central directory, and in its local header
    pkg = tmp_path / "noname.wacz"
    pkg.write_bytes(build(ms)[0])
    errors, hosts = _read(pkg)
    assert hosts == {n: {h} for n, h in HOSTS.items()}, errors
    pkg.write_bytes(_without_directory(ms))
    errors, hosts = _read(pkg)
    assert hosts == {n: {h} for n, h in HOSTS.items()}, errors


def test_zip64_extra_fields_with_junk_are_a_damaged_header(tmp_path):
    """Sizes of 0xFFFFFFFF point to a Zip64 field: one whose length runs past the extra
    field, or one without the values, is damage, named, and the members before it read."""
    for extra in (struct.pack("<HH", 1, 16) + b"\0" * 6, struct.pack("<HH", 1, 0xFFFF),
                  struct.pack("<HH", 1, 0), struct.pack("<HHQ", 1, 8, 2**64 - 1)):
        ms = base_members()
        ms[2].local_extra = extra
        ms[2].local_sizes = (0xFFFFFFFF, 0xFFFFFFFF)
        pkg = tmp_path / "z64.wacz"
        pkg.write_bytes(_without_directory(ms))
        errors, hosts = _read(pkg)
        assert hosts.get("archive/a.warc.gz") == {"a.example"}, (extra, errors)
        assert "b.example" not in {h for v in hosts.values() for h in v}, (extra, hosts)


def test_a_lost_directory_is_said_when_the_first_member_is_no_warc(tmp_path):
    """datapackage.json first (as a folder zipped in name order packs it), the directory
    lost: the damage is said once, with the first WARC member, and all of them read."""
    pkg = tmp_path / "lost.wacz"
    pkg.write_bytes(_without_directory(base_members()))
    errors, hosts = _read(pkg)
    assert hosts == {n: {h} for n, h in HOSTS.items()}, errors
    assert len(errors) == 1 and errors[0].startswith(f"{pkg}: offset 0: not a readable ZIP")
    assert "read the 3 WARC member(s) found by their local headers" in errors[0]


def test_members_of_one_name_are_named_and_none_read_as_another(tmp_path):
    """Two members named alike (the same name, or two spellings of one path): a location
    names one of them, so each is reported, never read under the other's name, nor lost."""
    for spelling in ("archive/b.warc", "archive/./b.warc", "archive//b.warc",
                     "archive/x/../b.warc", "archive/b.warc/.."):
        ms = base_members()
        ms[3].name = spelling  # c.warc.gz's bytes
        pkg = tmp_path / "same.wacz"
        pkg.write_bytes(build(ms)[0])
        errors, hosts = _read(pkg)
        assert hosts.get("archive/a.warc.gz") == {"a.example"}, (spelling, errors)
        for name, got in hosts.items():
            assert len(got) == 1, (spelling, name, got)
            assert got <= {HOSTS.get(name, "c.example")}, (spelling, name, got)
        read = {h for v in hosts.values() for h in v}
        assert {"b.example", "c.example"} <= read or any(
            "named alike" in e or f"#{spelling}: " in e for e in errors), (spelling, hosts, errors)


def test_an_http_message_with_an_empty_first_line_is_unparsable_not_a_crash(tmp_path):
    """Found by a flip making a request's first byte a newline: verify raised IndexError;
    now the record is an error ('unparsable HTTP message'), in a WARC as in a WACZ."""
    from archive.reader import expand_paths
    from archive.verify import verify

    for block in (b"\r\nHost: x\r\n\r\n", b"  \r\n\r\n", b"\n"):
        warc = tmp_path / "r.warc"
        warc.write_bytes(record("request", "http://a.example/p0", block))
        pkg = tmp_path / "r.wacz"
        pkg.write_bytes(build([member("archive/r.warc", warc.read_bytes(), DEFLATED)])[0])
        for path in (warc, pkg):
            report = verify(expand_paths(path))
            assert [p.message for p in report.errors] == [
                "unparsable HTTP message: no HTTP request or status line"], (block, path)


def test_a_local_header_name_that_is_no_utf8_is_read_not_a_crash(tmp_path):
    """A name flagged UTF-8 that is not (a flip in it), the directory lost: the walk raised
    UnicodeDecodeError; now the name is read with its bad bytes replaced."""
    ms = base_members()
    data = bytearray(_without_directory(ms))
    at = data.index(b"archive/b.warc") + 8
    data[at] = 0xF7
    pkg = tmp_path / "name.wacz"
    pkg.write_bytes(bytes(data))
    errors, hosts = _read(pkg)
    assert hosts == {"archive/a.warc.gz": {"a.example"}, "archive/\ufffd.warc": {"b.example"},
                     "archive/c.warc.gz": {"c.example"}}, errors


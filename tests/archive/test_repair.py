"""Repair keeps every readable record, moves nothing it cannot read out of existence, and never
touches a file a live writer is about to use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from archive.records import iter_records
from archive.repair import repair_open_files
from archive.writer import WarcWriter
from tests.support.warcs import gz_each, http_response, record, response

from .arc_files import arc_record, filedesc
from .arc_files import http_response as arc_http
from .conftest import make_exchange

REPO = Path(__file__).resolve().parents[2]


def _crashed_open_file(directory: Path, pages: int = 6) -> Path:
    """An `.open` file as a killed writer leaves it: records written, lock gone, no rename."""
    w = WarcWriter(directory)
    for i in range(pages):
        w.write_exchange(make_exchange(f"http://e.com/{i}", f"page {i} ".encode() * 400))
    path = w.current_path
    os.close(w._fd)
    w._fd = None
    w.digest_index.close()
    return path


def _records(path: Path) -> list[tuple[int, str, str]]:
    return [(i.offset, i.record.rec_type, i.record.target_uri)
            for i in iter_records(path, lambda e: None)]


def run_cli(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "archive", *map(str, args)],
                          capture_output=True, text=True, cwd=REPO, timeout=120)


def test_repair_keeps_every_record_after_a_corrupt_member_in_the_middle(tmp_path):
    path = _crashed_open_file(tmp_path)
    before = _records(path)
    members = sorted({i.offset: i.length for i in iter_records(path)}.items())
    off, length = members[4]  # a response in the middle
    data = bytearray(path.read_bytes())
    data[off + 20: off + length - 20] = os.urandom(length - 40)
    path.write_bytes(bytes(data))

    (res,) = repair_open_files(tmp_path)

    final = tmp_path / res.final_file
    assert res.status == "repaired-damaged"
    assert final.read_bytes() == bytes(data)  # not a byte removed: offsets stay valid
    after = _records(final)
    assert after == [r for r in before if r[0] != off]
    assert len(after) == len(before) - 1 and after[-1] == before[-1]
    assert [(d.offset, d.moved) for d in res.damaged] == [(off, False)]
    assert res.bytes_cut == 0 and res.side_file is None


def test_repair_moves_a_torn_tail_to_a_side_file_without_losing_a_byte(tmp_path):
    path = _crashed_open_file(tmp_path, pages=3)
    good = path.read_bytes()
    torn = os.urandom(50) + b"\x1f\x8b\x08" + os.urandom(30)
    with open(path, "ab") as fh:
        fh.write(torn)

    (res,) = repair_open_files(tmp_path)

    assert res.status == "repaired-damaged" and res.records_kept == 7
    assert (tmp_path / res.final_file).read_bytes() == good
    side = tmp_path / res.side_file
    assert side.read_bytes() == torn and res.bytes_cut == len(torn)
    manifest = json.loads(side.with_name(side.name + ".json").read_text())
    assert manifest["ranges"] == [{"original_offset": len(good), "length": len(torn),
                                   "side_offset": 0, "reason": manifest["ranges"][0]["reason"]}]
    assert manifest["ranges"][0]["reason"]


def test_a_side_file_that_cannot_be_written_is_named(tmp_path, monkeypatch):
    """A full disk: the file stays as it was, to repair once there is room; the message
    said "No space left on device: None" (a buffered write's error names no file)."""
    import archive.repair

    path = _crashed_open_file(tmp_path, pages=3)
    with open(path, "ab") as fh:
        fh.write(os.urandom(80))
    before = path.read_bytes()

    def full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(archive.repair, "_write_side_file", full)
    (res,) = repair_open_files(tmp_path)
    assert res.status.startswith("skipped-unwritable (No space left on device: ")
    assert res.status.endswith(".damaged)") and "None" not in res.status
    assert path.read_bytes() == before


def test_repair_quarantines_a_file_with_no_readable_record_instead_of_deleting_it(tmp_path):
    junk = os.urandom(5000)
    path = tmp_path / "crawl-20260101000000-00000-h-1.warc.gz.open"
    path.write_bytes(b"\x1f\x8b\x08" + junk)

    (res,) = repair_open_files(tmp_path)

    assert res.status == "quarantined" and not path.exists()
    assert (tmp_path / res.side_file).read_bytes() == b"\x1f\x8b\x08" + junk


def test_repair_cli_reports_damaged_ranges_and_exits_non_zero(tmp_path):
    path = _crashed_open_file(tmp_path, pages=2)
    with open(path, "ab") as fh:
        fh.write(b"not a gzip member at all")
    proc = run_cli("repair", tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert "repaired-damaged" in proc.stdout and "moved to side file" in proc.stdout
    assert "unreadable bytes" in proc.stderr
    clean = tmp_path / "clean"
    clean.mkdir()
    _crashed_open_file(clean, pages=1)
    proc = run_cli("repair", clean)
    assert proc.returncode == 0 and proc.stdout.startswith("repaired:"), proc.stdout


RACE_WRITER = r"""
import sys
sys.path.insert(0, sys.argv[1])
from archive.writer import WarcWriter
from archive.records import iter_records
from tests.archive.conftest import make_exchange
folder, rounds, tag = sys.argv[2], int(sys.argv[3]), sys.argv[4]
for i in range(rounds):
    with WarcWriter(folder, prefix=f"{tag}r{i}") as w:
        w.write_exchange(make_exchange(f"http://e.com/{tag}/{i}"))
    (final,) = w.closed_files
    urls = [r.record.target_uri for r in iter_records(final)]
    assert f"http://e.com/{tag}/{i}" in urls, urls
print("ok", flush=True)
"""

RACE_REPAIRER = r"""
import os, sys
sys.path.insert(0, sys.argv[1])
from archive.repair import repair_open_files
folder, stop = sys.argv[2], sys.argv[3]
bad = []
while not os.path.exists(stop):
    for r in repair_open_files(folder):
        if r.status != "skipped-locked":
            bad.append(str(r))
print("touched live files:" if bad else "ok", *bad[:5], flush=True)
"""


def test_repair_never_touches_a_file_another_process_is_opening(tmp_path):
    """Real processes: writers open, write and close files while repairs sweep the folder."""
    folder = tmp_path / "warc"
    folder.mkdir()
    stop = tmp_path / "stop"
    repairers = [subprocess.Popen([sys.executable, "-c", RACE_REPAIRER, str(REPO), str(folder),
                                   str(stop)], stdout=subprocess.PIPE, text=True)
                 for _ in range(2)]
    writers = [subprocess.Popen([sys.executable, "-c", RACE_WRITER, str(REPO), str(folder),
                                 "150", f"w{n}"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
               for n in range(3)]
    try:
        outputs = [w.communicate(timeout=300) for w in writers]
    finally:
        stop.touch()
        repaired = [r.communicate(timeout=60)[0] for r in repairers]
    for (out, err), w in zip(outputs, writers, strict=True):
        assert w.returncode == 0 and out.strip() == "ok", err[-2000:]
    assert [r.strip() for r in repaired] == ["ok", "ok"]
    finals = list(folder.glob("*.warc.gz"))
    assert len(finals) == 450
    assert not list(folder.glob("*.open")) and not list(folder.glob(".*"))


def test_repair_cli_takes_the_record_size_cap_and_names_what_it_cannot_open(tmp_path):
    """A record over the cap is damage only under that cap; a folder named *.open is reported."""
    path = _crashed_open_file(tmp_path, pages=2)  # records of about 3 KB
    size = path.stat().st_size
    capped = tmp_path / "capped"
    capped.mkdir()
    copy = capped / path.name
    copy.write_bytes(path.read_bytes())
    proc = run_cli("repair", capped, "--max-record-size", "1K")
    assert proc.returncode == 1 and "repaired-damaged" in proc.stdout, proc.stdout + proc.stderr
    proc = run_cli("repair", tmp_path, "--max-record-size", "64K")
    assert proc.returncode == 0 and proc.stdout.startswith("repaired:"), proc.stdout
    final = path.with_name(path.name.removesuffix(".open"))
    assert final.stat().st_size == size
    odd = tmp_path / "odd"
    (odd / "x.warc.gz.open").mkdir(parents=True)
    proc = run_cli("repair", odd)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "skipped-unreadable" in proc.stdout and "left as they were" in proc.stderr


def test_repair_on_a_full_disk_changes_nothing_and_runs_again_once_there_is_room(tmp_path):
    """The torn tail could not be copied out (no space): the copy stayed behind, half
    written, and every later repair skipped the file for it ("skipped-exists") even with
    space freed; the CLI ended in a traceback."""
    from tests.support.disk import fill, tmpfs

    with tmpfs(tmp_path / "warc", "256k") as folder:
        path = _crashed_open_file(folder, pages=3)
        with open(path, "ab") as fh:
            fh.write(os.urandom(40_000))  # a torn tail larger than the room left
        before = path.read_bytes()
        filler = fill(folder, leave=8192)

        failed = run_cli("repair", folder)
        assert failed.returncode == 1, failed.stdout + failed.stderr
        assert "Traceback" not in failed.stderr, failed.stderr
        said = failed.stdout + failed.stderr
        assert path.name in said and "No space left on device" in said, said
        assert path.read_bytes() == before
        assert sorted(p.name for p in folder.iterdir()) == sorted(
            [path.name, "digests.sqlite3", "filler"])

        filler.unlink()
        (res,) = repair_open_files(folder)
        assert res.status == "repaired-damaged" and res.records_kept == 7, str(res)
        side = folder / res.side_file
        assert (folder / res.final_file).read_bytes() + side.read_bytes() == before


def _repair_killed_at(tmp_path: Path, kill: str) -> tuple[Path, bytes, bytes]:
    """A crashed writer's file with a torn tail, and a repair of it SIGKILLed where ``kill``
    (a line of Python patching ``os``) says: the file, its good bytes and its torn tail."""
    path = _crashed_open_file(tmp_path, pages=3)
    good = path.read_bytes()
    torn = os.urandom(300) + b"\x1f\x8b\x08" + os.urandom(300)
    with open(path, "ab") as fh:
        fh.write(torn)
    killed = subprocess.run([sys.executable, "-c", (
        "import os, signal, sys\nfrom archive import repair\n" + kill
        + f"repair.repair_open_files({str(tmp_path)!r})\n")], cwd=REPO, timeout=60)
    assert killed.returncode == -9
    return path, good, torn


def test_repair_killed_between_copying_the_tail_and_cutting_it_finishes_next_time(tmp_path):
    """SIGKILL right after the torn tail's copy was in place, before the file was cut: every
    later repair skipped the file for its side file ("skipped-exists"), so it stayed
    `.open` and every crawl start said so again."""
    path, good, torn = _repair_killed_at(
        tmp_path, "os.ftruncate = lambda fd, n: os.kill(os.getpid(), signal.SIGKILL)\n")
    assert path.read_bytes() == good + torn and path.with_name(
        path.name.removesuffix(".open") + ".damaged").exists()

    again = run_cli("repair", tmp_path)
    assert "repaired-damaged" in again.stdout, again.stdout + again.stderr
    assert not path.exists()
    final = path.with_name(path.name.removesuffix(".open"))
    assert final.read_bytes() == good
    assert final.with_name(final.name + ".damaged").read_bytes() == torn


def test_repair_killed_between_cutting_the_file_and_renaming_it_finishes_next_time(tmp_path):
    """SIGKILL after the cut, before the rename: the file had nothing left to move, the side
    file did not match "nothing", and every later repair (and crawl) skipped it for ever;
    its records unread by every command, its items naming a file no one could find."""
    path, good, torn = _repair_killed_at(
        tmp_path, "os.rename = lambda a, b: os.kill(os.getpid(), signal.SIGKILL) if "
                  "str(a).endswith('.open') else os.replace(a, b)\n")
    assert path.read_bytes() == good  # cut, still .open

    again = run_cli("repair", tmp_path)
    assert "repaired" in again.stdout and again.returncode == 0, again.stdout + again.stderr
    final = path.with_name(path.name.removesuffix(".open"))
    assert not path.exists() and final.read_bytes() == good
    assert final.with_name(final.name + ".damaged").read_bytes() == torn
    assert run_cli("verify", tmp_path).returncode == 0


def test_repair_reports_a_record_cut_short_inside_a_whole_member_and_keeps_its_bytes(tmp_path):
    """A whole gzip member whose record holds less than its Content-Length is read all the
    same (every reader keeps it): repair used to say "repaired", exit 0, and leave verify to
    find it. It is damage kept in place: named by offset and reason, exit 1, no byte moved."""
    from tests.support.warcs import gz

    good = gz(record("resource", "http://x/", b"hello", ctype="text/plain"))
    cut = gz(record("resource", "http://x/2", b"x" * 100, ctype="text/plain", length="5000"))
    path = tmp_path / "a-20260101000000-00000-h-1.warc.gz.open"
    path.write_bytes(good + cut)
    proc = run_cli("repair", tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    final = tmp_path / "a-20260101000000-00000-h-1.warc.gz"
    assert final.read_bytes() == good + cut  # nothing moved or cut
    assert sorted(p.name for p in tmp_path.iterdir()) == [final.name]
    assert proc.stdout.splitlines() == [
        f"repaired-damaged: {path.name} -> {final.name}: 2 record(s) kept, 0 byte(s) moved out",
        f"  damaged bytes {len(good)}-{len(good) + len(cut) - 1} (kept in place): record "
        "truncated: Content-Length 5000, 104 bytes in member (record kept)",
    ]
    assert "error: 1 file(s) had damage" in proc.stderr


def test_error_runs_hold_one_run_per_reason_and_find_a_ranges_reasons() -> None:
    """A file of a million false gzip headers is one run of one reason, not a million errors
    held; the reasons of a range are those of its errors, as a list of every error gives."""
    from archive.repair import _ErrorRuns

    runs = _ErrorRuns()
    for offset in range(0, 400_000, 4):
        runs.add(offset, "not a gzip member", 0)
    runs.add(500_000, "record truncated", 0)
    runs.add(600_000, "not a gzip member", 0)
    assert len(runs._runs) == 3
    assert runs.reason(100, 200) == "not a gzip member"  # inside the first run
    assert runs.reason(399_000, 550_000) == "not a gzip member; record truncated"
    assert runs.reason(450_000, 480_000) == "unreadable bytes"
    assert runs.reason(500_000, 500_001) == "record truncated"


def test_error_runs_never_span_a_member_nor_miss_a_late_report() -> None:
    from archive.repair import _ErrorRuns

    runs = _ErrorRuns()
    runs.add(0, "garbage", 0)
    runs.add(300, "garbage", 2)  # two members were found in between: a run of its own
    assert runs.reason(100, 250) == "unreadable bytes"  # the gap between them has no error
    assert runs.reason(0, 1) == runs.reason(300, 301) == "garbage"
    late = _ErrorRuns()
    late.add(0, "R", 0)
    late.add(1000, "R", 0)
    late.add(10, "S", 0)  # reported late, inside the run before it
    late.add(20, "T", 0)
    assert late.reason(1000, 1001) == "R"
    assert late.reason(500, 1001) == "R"
    assert late.reason(5, 15) == "R; S"


@pytest.mark.parametrize("lost", ["WARC-Date", "WARC-Type"])
def test_an_undated_last_record_is_kept_in_place_not_cut_as_damage(tmp_path: Path,
                                                                   lost: str) -> None:
    """Repair mends a file's framing. A whole last record with no WARC-Date (readers report
    and skip it) is no damage to that framing: it was cut into ``.damaged`` as if torn. Nor
    is one with no WARC-Type, which readers report and skip too."""
    import io

    from warcio.warcwriter import WARCWriter

    path = tmp_path / "x.warc.gz.open"
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for i, date in enumerate(["2026-01-01T00:00:00Z", None]):
            rec = w.create_warc_record(
                f"https://a.example/{i}", "response",
                payload=io.BytesIO(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"),
                warc_content_type="application/http; msgtype=response",
                warc_headers_dict={"WARC-Date": date or "2026-01-01T00:00:00Z"})
            if date is None:
                rec.rec_headers.remove_header(lost)
            w.write_record(rec)
    written = path.read_bytes()
    (result,) = repair_open_files(tmp_path)
    assert (result.bytes_cut, result.damaged) == (0, [])
    assert [p.name for p in tmp_path.iterdir()] == ["x.warc.gz"]
    assert (tmp_path / "x.warc.gz").read_bytes() == written


@pytest.mark.parametrize("cut", [3000, 200])  # inside the block; inside the header
def test_a_plain_open_file_is_repaired_its_torn_last_record_moved_to_a_side_file(tmp_path, cut):
    """Readers leave a plain `.warc.open` (Heritrix's) out and point at repair, which globbed
    only `.warc.gz.open`: "nothing to repair". Now its whole records stay in place and the
    record the crash tore is moved out, every byte kept, as a gzip file's torn member."""
    first = response("http://e.com/1", b"<p>one</p>" * 200)
    torn = response("http://e.com/2", b"<p>two</p>" * 400)[:cut]
    path = tmp_path / "HER-20260113-00001.warc.open"
    path.write_bytes(first + torn)

    (res,) = repair_open_files(tmp_path)

    assert (res.file, res.final_file, res.status, res.records_kept) == (
        path.name, "HER-20260113-00001.warc", "repaired-damaged", 1)
    final = tmp_path / res.final_file
    assert final.read_bytes() == first and not path.exists()
    assert _records(final) == [(0, "response", "http://e.com/1")]
    side = tmp_path / res.side_file
    assert side.read_bytes() == torn and res.bytes_cut == len(torn)
    (rng,) = res.damaged
    assert (rng.offset, rng.length, rng.moved) == (len(first), len(torn), True)
    assert rng.reason.startswith("record truncated" if cut == 3000 else "bad WARC record")
    assert "(record kept)" not in rng.reason


def test_a_whole_plain_open_file_is_closed_and_the_cli_finds_it(tmp_path):
    whole = response("http://e.com/1", b"<p>one</p>") + response("http://e.com/2", b"<p>two</p>")
    (tmp_path / "a.warc.open").write_bytes(whole)
    (tmp_path / "B.WARC.OPEN").write_bytes(whole)

    done = run_cli("repair", tmp_path)

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "repaired: B.WARC.OPEN -> B.WARC: 2 record(s) kept, 0 byte(s) moved out",
        "repaired: a.warc.open -> a.warc: 2 record(s) kept, 0 byte(s) moved out"]
    assert (tmp_path / "a.warc").read_bytes() == whole == (tmp_path / "B.WARC").read_bytes()


def test_a_folder_not_made_yet_has_nothing_to_repair(tmp_path):
    """A first run's writer repairs its WARC folder before it makes it: nothing to close,
    no error (a missing folder stopped every first crawl with warc_write_error)."""
    assert repair_open_files(tmp_path / "not-yet") == []


@pytest.mark.parametrize("compressed", [True, False], ids=["gzip", "plain"])
@pytest.mark.parametrize("big_at", [0, 1, 2], ids=["first", "middle", "last"])
def test_a_record_over_the_size_limit_stays_in_place_wherever_it_stands(
        tmp_path: Path, compressed: bool, big_at: int) -> None:
    """A whole record left unread for ``--max-record-size`` is no damage: as the file's last
    record it was moved out to ``.damaged`` as if torn (no reader opens that), in the middle
    it stayed. Now it stays everywhere, the file byte for byte as it was."""
    records = [response(f"http://e.com/{i}", b"<p>small</p>") for i in range(3)]
    records[big_at] = response("http://e.com/big", b"<p>big</p>" * 5000)
    parts = [gz_each([r]) if compressed else r for r in records]
    path = tmp_path / ("x.warc.gz.open" if compressed else "x.warc.open")
    path.write_bytes(b"".join(parts))

    (res,) = repair_open_files(tmp_path, max_record_size=4096)

    final = tmp_path / res.final_file
    assert final.read_bytes() == b"".join(parts) and not path.exists()
    assert res.records_kept == 2 and res.bytes_cut == 0 and res.side_file is None
    offset = sum(map(len, parts[:big_at]))
    big_end = offset + len(parts[big_at]) - (0 if compressed else 4)  # (plain: its CRLF CRLF)
    assert [(d.offset, d.offset + d.length, d.moved) for d in res.damaged] == [
        (offset, big_end, False)]
    assert "max record size" in res.damaged[0].reason
    urls = [f"http://e.com/{i}" for i in range(3)]
    urls[big_at] = "http://e.com/big"
    assert [url for _, _, url in _records(final)] == urls  # read whole, without the limit


def test_a_member_inflating_past_the_bomb_bound_leaves_the_rest_of_the_file_in_place(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its end is unknown, so what follows it may be whole records: left as it is, not cut
    out (a record after the bomb went into ``.damaged`` with it)."""
    import archive.gzip_members

    monkeypatch.setattr(archive.gzip_members, "BOMB_FLOOR", 1 << 20)
    first = gz_each([response("http://e.com/1", b"<p>one</p>")])
    bomb = gz_each([response("http://e.com/zeros", b"\0" * (4 << 20))])
    after = gz_each([response("http://e.com/after", b"<p>after</p>")])
    path = tmp_path / "x.warc.gz.open"
    path.write_bytes(first + bomb + after)

    (res,) = repair_open_files(tmp_path, max_record_size=4096)

    assert (tmp_path / res.final_file).read_bytes() == first + bomb + after
    assert res.bytes_cut == 0 and res.records_kept == 1
    (rng,) = res.damaged
    assert (rng.offset, rng.length, rng.moved) == (len(first), len(bomb + after), False)
    assert "gzip bomb" in rng.reason


def test_a_torn_plain_record_over_the_limit_is_still_moved_out(tmp_path: Path) -> None:
    first = response("http://e.com/1", b"<p>one</p>")
    torn = response("http://e.com/big", b"<p>big</p>" * 5000)[:30000]
    path = tmp_path / "x.warc.open"
    path.write_bytes(first + torn)

    (res,) = repair_open_files(tmp_path, max_record_size=4096)

    assert (tmp_path / res.final_file).read_bytes() == first
    assert (tmp_path / res.side_file).read_bytes() == torn and res.bytes_cut == len(torn)


@pytest.mark.parametrize("compressed", [True, False], ids=["gzip", "plain"])
def test_a_file_whose_every_record_is_over_the_limit_is_closed_whole(tmp_path: Path,
                                                                    compressed: bool) -> None:
    """No record read under the limit, none damaged: the file is closed as it is (a first
    form of the over-limit rule deleted it, its bytes in no side file)."""
    records = [response(f"http://e.com/{i}", b"<p>page</p>" * 50) for i in range(2)]
    data = gz_each(records) if compressed else b"".join(records)
    path = tmp_path / ("x.warc.gz.open" if compressed else "x.warc.open")
    path.write_bytes(data)

    (res,) = repair_open_files(tmp_path, max_record_size=100)

    assert (res.status, res.records_kept, res.bytes_cut, res.side_file) == (
        "repaired-damaged", 0, 0, None)
    assert (tmp_path / res.final_file).read_bytes() == data
    assert len(res.damaged) == 2 and not any(d.moved for d in res.damaged)


def test_a_plain_open_file_of_blank_lines_only_is_closed_not_quarantined(tmp_path: Path):
    """CR/LF bytes are a plain file's separators, no damage however many (verify passes the
    same bytes closed); repair moved a file of 2000 of them out as unreadable."""
    path = tmp_path / "x.warc.open"
    path.write_bytes(b"\r\n" * 1000)
    (res,) = repair_open_files(tmp_path)
    assert (res.status, res.final_file, res.bytes_cut, res.damaged) == (
        "repaired", "x.warc", 0, [])
    assert (tmp_path / "x.warc").read_bytes() == b"\r\n" * 1000


def test_repair_on_a_read_only_folder_says_unwritable_and_changes_nothing(tmp_path):
    """A crashed writer's folder mounted read-only: each file was said ``skipped-unreadable``
    (it can be read; it cannot be written), with no file named in the reason."""
    from tests.support.disk import remount_read_only, tmpfs

    with tmpfs(tmp_path / "warc", "256k") as folder:
        path = _crashed_open_file(folder, pages=3)
        with open(path, "ab") as fh:
            fh.write(os.urandom(4000))
        before = path.read_bytes()
        remount_read_only(folder)
        failed = run_cli("repair", folder)
        assert failed.returncode == 1 and "Traceback" not in failed.stderr, failed.stderr
        assert f"skipped-unwritable (Read-only file system: {path})" in failed.stdout, \
            failed.stdout
        assert "left as they were" in failed.stderr
        assert path.read_bytes() == before


def _length_overruled_then_torn(kind: str) -> tuple[bytes, int, int]:
    """A plain file whose second record's length is damaged (too large, nothing to check it
    by), its block ended by the start of a torn last record: (bytes, that record's offset,
    the torn one's)."""
    if kind == "warc":
        blocks = [http_response(b"<p>%d</p>" % n * 30) for n in range(3)]
        recs = [record("response", f"http://e.com/{n}", block, digests=False)
                for n, block in enumerate(blocks)]
        recs[1] = record("response", "http://e.com/1", blocks[1], digests=False,
                         length=str(len(blocks[1]) + 14))
        data = b"".join(recs)
        return data[:-100], len(recs[0]), len(recs[0]) + len(recs[1])
    recs = [arc_record(f"http://e.com/{n}", arc_http(b"<p>%d</p>" % n * 30)) for n in range(3)]
    recs[1] = arc_record("http://e.com/1", arc_http(b"<p>1</p>" * 30), length=330)
    first = filedesc("crawl.arc")
    data = first + b"".join(recs)
    return data[:-100], len(first) + len(recs[0]), len(first) + len(recs[0]) + len(recs[1])


@pytest.mark.parametrize("kind", ["warc", "arc"])
def test_repair_keeps_a_torn_tail_that_ends_the_record_before_it(tmp_path, kind):
    """A record whose damaged length is overruled by the next record's start is read (its
    block taken up to it); when that next record is the torn tail, moving the tail out left
    the record's length running past the end of the file: a torn record, no longer read.
    The tail stays in place, said why, and every record read before is read after."""
    data, damaged_at, torn_at = _length_overruled_then_torn(kind)
    name = f"crawl.{kind}"
    (tmp_path / (name + ".open")).write_bytes(data)
    before = _records(tmp_path / (name + ".open"))
    assert damaged_at in [offset for offset, _, _ in before]
    (res,) = repair_open_files(tmp_path)
    final = tmp_path / name
    assert res.status == "repaired-damaged" and final.read_bytes() == data
    assert res.bytes_cut == 0 and res.side_file is None
    assert not (tmp_path / (name + ".damaged")).exists()
    assert _records(final) == before
    tail = [d for d in res.damaged if d.offset == torn_at]
    assert len(tail) == 1 and not tail[0].moved and "cut, it would be read as torn" in \
        tail[0].reason

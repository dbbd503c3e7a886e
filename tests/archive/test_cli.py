import gzip
import json
import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from archive.reader import ArchiveLookup
from archive.records import TRAILER_MISSING, iter_records
from archive.writer import WarcWriter
from tests.support.shared import SEEDS

from .conftest import make_exchange

REPO = Path(__file__).resolve().parents[2]


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "archive", *map(str, args)], capture_output=True, text=True, cwd=REPO
    )


@pytest.fixture
def warc(tmp_path):
    with WarcWriter(tmp_path / "w") as w:
        for i in range(3):
            w.write_exchange(make_exchange(f"http://e.com/{i}", f"body {i} ".encode() * 50))
    (path,) = (tmp_path / "w").glob("*.warc.gz")
    return path


def _members(path):
    return [(i.offset, i.length, i.record.rec_type) for i in iter_records(path, lambda e: None)]


def test_help_and_usage_errors(tmp_path):
    for cmd in ("index", "verify", "wacz", "repair", "export-txt"):
        assert run(cmd, "--help").returncode == 0
    assert run().returncode == 2
    assert run("index", str(tmp_path / "w")).returncode == 2  # -o missing
    res = run("verify", tmp_path / "nothing.warc.gz")
    assert res.returncode == 2 and "nothing.warc.gz" in res.stderr


def _into_closed_pipe(command: list[str]) -> subprocess.CompletedProcess:
    """Run ``command`` with its standard output a pipe whose reader has gone (``| head``)."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(command, stdout=write, stderr=subprocess.PIPE, text=True, cwd=REPO,
                              timeout=120)
    finally:
        os.close(write)


def test_output_into_a_closed_pipe_ends_quietly(warc):
    """``… | head``: a BrokenPipeError traceback, or for reports that catch OSError an error
    blaming the input ("error: corpus: [Errno 32] Broken pipe"), came out on stderr."""
    for args in (["verify", str(warc)], ["--help"]):
        res = _into_closed_pipe([sys.executable, "-m", "archive", *args])
        assert "Traceback" not in res.stderr and "Broken pipe" not in res.stderr, res.stderr
    res = _into_closed_pipe([sys.executable, "-m", "scrapy", "outlets", "--json"])
    assert "Traceback" not in res.stderr and "BrokenPipe" not in res.stderr, res.stderr[-2000:]


def test_main_called_in_process_leaves_sigpipe_alone(warc):
    """Tests and tools call ``archive.__main__.main`` in their own process; SIGPIPE's default
    action there killed a pytest worker whose fixture server wrote to a crawl it had killed."""
    import signal

    from archive.__main__ import main

    before = signal.getsignal(signal.SIGPIPE)
    assert main(["verify", str(warc)]) == 0
    assert signal.getsignal(signal.SIGPIPE) == before


def test_verify_and_index_good(warc, tmp_path):
    res = run("verify", warc.parent)
    assert res.returncode == 0 and "7 records in 1 file(s): 0 error(s)" in res.stdout
    res = run("index", warc, "-o", tmp_path / "x.cdxj")
    assert res.returncode == 0
    assert len((tmp_path / "x.cdxj").read_text().splitlines()) == 3


def test_truncated_member(warc, tmp_path):
    members = _members(warc)
    last_off, last_len, _ = members[-1]
    data = warc.read_bytes()
    warc.write_bytes(data[: last_off + last_len // 2])
    res = run("verify", warc)
    assert res.returncode == 1
    assert f"{warc}: offset {last_off}: truncated gzip member" in res.stderr
    assert "6 records" in res.stdout
    res = run("index", warc, "-o", tmp_path / "x.cdxj")
    assert res.returncode == 1 and f"offset {last_off}" in res.stderr
    assert len((tmp_path / "x.cdxj").read_text().splitlines()) == 3


@pytest.mark.parametrize("cut", [1, 8])
def test_a_member_cut_in_its_gzip_trailer_is_read_and_said(warc, tmp_path, cut):
    """A file ending 1-8 bytes short of a member's end lost only the gzip trailer (CRC-32 and
    size), its deflate stream whole: the record is read (indexed, served) and the cut said.
    Cut one byte further, the member is truncated and skipped, as before."""
    off, length, rtype = _members(warc)[-2]  # the last response: its request left out
    assert rtype == "response"
    data = warc.read_bytes()
    warc.write_bytes(data[:off + length - cut])
    res = run("verify", warc)
    assert res.returncode == 1 and "6 records" in res.stdout
    assert f"{warc}: offset {off}: {TRAILER_MISSING} (record kept)" in res.stderr
    res = run("index", warc, "-o", tmp_path / "x.cdxj")
    assert res.returncode == 1 and f"offset {off}" in res.stderr
    assert len((tmp_path / "x.cdxj").read_text().splitlines()) == 3
    said: list[str] = []
    with ArchiveLookup(warc, on_error=lambda err: said.append(err.reason)) as lookup:
        assert lookup.get("http://e.com/2").payload == b"body 2 " * 50
    assert said and all(TRAILER_MISSING in reason for reason in said)
    warc.write_bytes(data[:off + length - 9])
    res = run("verify", warc)
    assert f"{warc}: offset {off}: truncated gzip member" in res.stderr


def test_wrong_payload_digest(warc):
    members = _members(warc)
    off, length, rtype = members[3]  # second response
    assert rtype == "response"
    data = warc.read_bytes()
    raw = bytearray(gzip.decompress(data[off : off + length]))
    i = raw.rindex(b"body 1")
    raw[i] ^= 0x20
    warc.write_bytes(data[:off] + gzip.compress(bytes(raw)) + data[off + length :])
    res = run("verify", warc)
    assert res.returncode == 1
    assert f"{warc}: offset {off}" in res.stderr
    assert "WARC-Payload-Digest mismatch" in res.stderr
    assert "WARC-Block-Digest mismatch" in res.stderr
    assert "7 records" in res.stdout
    assert res.stderr.count("error:") == 2  # only that record


def test_garbage_appended_and_corrupt_member(warc, tmp_path):
    size = warc.stat().st_size
    with open(warc, "ab") as fh:
        fh.write(b"this is not gzip\x00" * 20)
    res = run("verify", warc)
    assert res.returncode == 1
    assert f"{warc}: offset {size}: garbage" in res.stderr and "7 records" in res.stdout

    # a corrupt deflate stream in the middle: later members are still read
    members = _members(warc)
    off, length, _ = members[1]
    data = bytearray(warc.read_bytes())
    data[off + 20 : off + 40] = b"\xff" * 20
    warc.write_bytes(bytes(data))
    res = run("verify", warc)
    assert res.returncode == 1
    assert f"offset {off}:" in res.stderr
    assert "6 records" in res.stdout
    assert zlib  # used for clarity of intent above


def test_repair_cli(tmp_path):
    w = WarcWriter(tmp_path)
    w.write_exchange(make_exchange())
    path = w.current_path
    os.close(w._fd)  # simulate a crash
    w._fd = None
    with open(path, "ab") as fh:
        fh.write(b"\x1f\x8b\x08partial")
    res = run("repair", tmp_path)
    assert res.returncode == 1  # the torn tail was moved aside: said, and not a clean exit
    assert "repaired-damaged:" in res.stdout
    assert "3 record(s) kept, 10 byte(s) moved out" in res.stdout
    assert run("repair", tmp_path / "nope").returncode == 2


def test_export_txt(tmp_path):
    items = tmp_path / "items.jsonl"
    rows = [
        '{"id": "b2", "url": "http://e.com/2", "title": "Второй", "text": "Текст 2", '
        '"published": "2026-01-02T10:00:00+03:00"}',
        '{"id": "n1", "url": "http://e.com/z", "title": "Null", "text": "T", "published": null}',
        '{"id": "a1", "url": "http://e.com/1", "title": "Первый", "text": "Абзац 1\\n\\nАбзац 2", '
        '"published": "2026-01-02T08:00:00+01:00"}',
        '{"id": "a0", "url": "http://e.com/0", "title": "Same", "text": "S", '
        '"published": "2026-01-02T07:00:00Z"}',
    ]
    items.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    res = run("export-txt", items, out)
    assert res.returncode == 0, res.stderr
    names = sorted(p.name for p in out.iterdir())
    # 07:00Z == 08:00+01:00 -> tie broken by url; 10:00+03:00 == 07:00Z too
    assert names == ["000_a0.txt", "001_a1.txt", "002_b2.txt", "003_n1.txt"]
    assert (out / "001_a1.txt").read_bytes() == "Первый\n\nАбзац 1\n\nАбзац 2".encode()
    seed = next(SEEDS.glob("000_*.txt")).read_bytes()
    assert not seed.endswith(b"\n") and b"\n\n" in seed
    assert not (out / "000_a0.txt").read_bytes().endswith(b"\n")


def test_index_and_wacz_report_every_error_of_a_file_of_many(warc, tmp_path):
    """One error per broken gzip member: 300k of them took ~53 s to print, one bar redraw per
    line. Every line still comes, with file and offset, in runs between bar redraws. (Each
    under a writer's gzip header, its data failing at once: members that started, an error
    apiece; a run of false gzip headers is one error.)"""
    false = 3000
    path = tmp_path / "many.warc.gz"
    good = warc.read_bytes()
    broken = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff\xff\xff"  # (an invalid block type)
    path.write_bytes(good + broken * (false - 1) + b"\x1f\x8b\x08\x00")
    want = [f"error: {path}: offset {len(good) + len(broken) * k}: " for k in range(false)]
    for cmd, out in (("index", "i.cdxj"), ("wacz", "a.wacz")):
        res = run(cmd, path, "-o", tmp_path / out)
        assert res.returncode == 1, res.stderr[-2000:]
        lines = res.stderr.splitlines()  # text mode: each "\r" of a bar drawn ends a line too
        got = [ln for ln in lines if ln.startswith("error: ")]
        assert all(g.startswith(w) for g, w in zip(got, want, strict=True))
        assert "corrupt gzip data" in got[0] and "truncated gzip member" in got[-1]
        # written in batches: not every line under a bar drawn anew (old: one redraw a line)
        draws = sum(ln.startswith(f"{cmd}: ") for ln in lines)
        assert draws < false // 10, draws
    assert len((tmp_path / "i.cdxj").read_text().splitlines()) == 3


def test_a_lone_error_line_goes_out_at_once_and_a_burst_in_batches(monkeypatch) -> None:
    """The first line after a quiet spell is written when it comes (a problem found before a
    long read is not held until the command ends); in a burst, lines wait for a batch; an
    interrupt while a batch is written does not write it twice."""
    from archive import __main__ as cli

    written: list[str] = []
    monkeypatch.setattr(cli.tqdm, "write", lambda text, file=None: written.append(text))
    clock = [100.0]
    monkeypatch.setattr(cli.time, "monotonic", lambda: clock[0])
    lines = cli._Lines()
    lines.add("error: a: offset 0: first")
    assert written == ["error: a: offset 0: first"]
    for n in range(1, 5):  # a burst: within the delay of the last write
        lines.add(f"error: a: offset {n}: burst")
    assert len(written) == 1
    clock[0] += cli._Lines._DELAY + 0.1
    lines.add("error: a: offset 9: later")
    assert written[1].splitlines() == [*(f"error: a: offset {n}: burst" for n in range(1, 5)),
                                       "error: a: offset 9: later"]

    def interrupted(text, file=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli.tqdm, "write", interrupted)
    clock[0] += 1
    with pytest.raises(KeyboardInterrupt):
        lines.add("error: a: offset 10: during ^C")
    monkeypatch.setattr(cli.tqdm, "write", lambda text, file=None: written.append(text))
    lines.flush()  # the command's finally: nothing is written again
    assert len(written) == 2


def test_a_record_size_limit_past_a_tebibyte_is_refused_with_a_reason() -> None:
    """zlib cannot be asked for more than C's sizes: 99999999999G once ended in an
    OverflowError deep in the reader."""
    result = subprocess.run([sys.executable, "-m", "archive", "verify", "--max-record-size",
                             "99999999999G", "x.warc.gz"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "'99999999999G': at most 1024G" in result.stderr


@pytest.mark.parametrize("value", ["99999999999999999999999", "64M", "-5", "0"])
def test_a_bad_record_size_in_the_environment_is_a_clear_error(value: str) -> None:
    result = subprocess.run([sys.executable, "-m", "archive", "verify", "x.warc.gz"],
                            capture_output=True, text=True,
                            env={**os.environ, "ARCHIVE_MAX_RECORD_SIZE": value})
    assert result.returncode != 0
    assert f"ARCHIVE_MAX_RECORD_SIZE={value!r}: not a byte count" in result.stderr
    assert "OverflowError" not in result.stderr


@pytest.mark.parametrize("command", ["index", "wacz"])
def test_output_naming_an_input_archive_is_refused_and_the_input_kept(tmp_path, warc, command):
    """`-o data/*.warc.gz`: the shell hands the first WARC to -o; it was overwritten by the
    index or package. Refused before anything is written, as is an output named as a WARC."""
    second = tmp_path / "second.warc.gz"
    second.write_bytes(warc.read_bytes())
    before = {p: p.read_bytes() for p in (warc, second)}
    for out, inputs, message in (
        (warc, [second], "names an archive"),  # the glob case: not among the inputs
        (second, [warc.parent, tmp_path / "second.warc.gz"], "is one of the inputs"),
        (tmp_path / "new.warc", [warc], "names an archive"),
    ):
        res = run(command, "-o", out, *inputs)
        assert res.returncode == 2, (out, res.stderr)
        assert message in res.stderr and str(out) in res.stderr, res.stderr
        assert "Traceback" not in res.stderr
    assert {p: p.read_bytes() for p in (warc, second)} == before
    assert not (tmp_path / "new.warc").exists()


def test_a_package_written_inside_its_input_folder_is_refused(tmp_path, warc):
    """``wacz DIR -o DIR/out.wacz`` went through, and the next run over DIR read the package
    as an input too (verify counted every record twice, wacz and index refused). An index
    (no archive) may be written there."""
    sub = warc.parent / "packages"
    sub.mkdir()
    for out in (warc.parent / "out.wacz", sub / "out.wacz"):
        res = run("wacz", "-o", out, warc.parent)
        assert res.returncode == 2, res.stderr
        assert f"inside the input folder {warc.parent}" in res.stderr and not out.exists()
    assert run("wacz", "-o", tmp_path / "out.wacz", warc.parent).returncode == 0
    assert run("index", "-o", warc.parent / "index.cdxj", warc.parent).returncode == 0


@pytest.mark.parametrize("command", ["index", "wacz"])
def test_two_inputs_of_one_name_are_refused_naming_both(tmp_path, warc, command):
    """Two folders each holding ``data.warc.gz``: every CDXJ line said ``"filename":
    "data.warc.gz"``, no line could be traced to its file (exit 0); wacz refused them
    without naming them."""
    other = tmp_path / "other"
    other.mkdir()
    (other / warc.name).write_bytes(warc.read_bytes())
    out = tmp_path / ("out.cdxj" if command == "index" else "out.wacz")
    res = run(command, "-o", out, warc.parent, other)
    assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
    assert f"{warc} and {other / warc.name} share the name {warc.name}" in res.stderr
    assert not out.exists()


def test_a_record_without_warc_type_is_a_bad_record_in_every_command(tmp_path):
    """A response whose WARC-Type line is lost was dropped unsaid by index and wacz (exit 0,
    its capture missing) while verify called it an error. Now each says it by file and
    offset, the other records are read, and the command exits 1 for the skipped record."""
    from tests.support.warcs import gz, http_response, record

    records = [record("response", f"http://e.com/{i}", http_response(b"page %d" % i))
               for i in range(3)]
    records[1] = records[1].replace(b"WARC-Type: response\r\n", b"")
    members = [gz(r) for r in records]
    path = tmp_path / "typeless.warc.gz"
    path.write_bytes(b"".join(members))
    said = f"{path}: offset {len(members[0])}: record skipped: missing WARC-Type"
    res = run("verify", path)
    assert (res.returncode, res.stderr.count("error:")) == (1, 1), res.stderr
    assert said in res.stderr and "2 records in 1 file(s): 1 error(s)" in res.stdout
    for cmd, out in (("index", "i.cdxj"), ("wacz", "a.wacz")):
        res = run(cmd, path, "-o", tmp_path / out)
        assert res.returncode == 1 and said in res.stderr, (cmd, res.stderr)
    lines = (tmp_path / "i.cdxj").read_text().splitlines()
    assert [json.loads(line.split(" ", 2)[2])["url"] for line in lines] == [
        "http://e.com/0", "http://e.com/2"]


def test_verify_warns_of_a_file_with_no_record(warc, tmp_path):
    """A zero-length .warc.gz passed as "0 records, 0 errors". No byte is damaged (a
    warning, exit 0), but an empty input is said, by -w and in the summary's count."""
    empty = tmp_path / "w" / "empty.warc.gz"
    empty.write_bytes(b"")
    blank = tmp_path / "w" / "blank.warc.gz"
    blank.write_bytes(gzip.compress(b"") * 3)  # empty members only: no record either

    res = run("verify", warc.parent)
    assert res.returncode == 0
    assert res.stdout.strip() == ("7 records in 3 file(s): 0 error(s), 2 warning(s) "
                                  "(-w prints them)")
    res = run("verify", "-w", warc.parent)
    said = [ln for ln in res.stderr.splitlines() if ln.startswith("warning: ")]
    assert said == [
        f"warning: {blank}: offset 0: no WARC record in this file ({blank.stat().st_size} "
        "bytes of empty gzip members or blank lines)",
        f"warning: {empty}: offset 0: empty file (0 bytes): no WARC record"]
    assert res.returncode == 0 and res.stdout.strip() == "7 records in 3 file(s): 0 error(s)"

"""A version part that no reader can open (cut short by a copy, zeroed, overwritten): the
build moves it aside, its bytes kept, and makes it again from its items file; a reading
command leaves it out, names it and the build that puts it back, and answers from the rest.
One such part used to stop every command, the build too, with DuckDB's "No magic bytes"."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.archive.corpus_data import duck, run_archive, several_runs


def _pages_end(data: bytes) -> int:
    """Where a Parquet file's pages end and its footer (which stays readable) begins."""
    return len(data) - 8 - int.from_bytes(data[-8:-4], "little")


def _in_the_pages(data: bytes, change) -> bytes:
    """``data`` with the middle third of its pages changed, its footer intact."""
    end = _pages_end(data)
    start, stop = end // 3, 2 * end // 3
    return data[:start] + change(data[start:stop]) + data[stop:]


DAMAGES = {
    "cut short": lambda data: data[:len(data) // 2],
    "zeroed": lambda data: bytes(len(data)),
    "garbage": lambda data: b"<html>502 Bad Gateway</html>\n" * 40,
    # the footer reads: only reading the pages (their CRCs) finds these
    "pages zeroed": lambda data: _in_the_pages(data, lambda mid: bytes(len(mid))),
    "pages flipped": lambda data: _in_the_pages(data, lambda mid: bytes(b ^ 0x04 for b in mid)),
}


@pytest.fixture()
def built(tmp_path: Path) -> dict:
    """A corpus of three runs; ``part``: the part of the first run's file (six articles)."""
    runs = several_runs(tmp_path / "data")
    corpus = tmp_path / "corpus"
    assert run_archive("corpus", tmp_path / "data", "-o", corpus).returncode == 0
    [part] = (corpus / "versions").glob("outlet=belta/month=*/belta-20260105T150000-*.parquet")
    return {**runs, "data": tmp_path / "data", "corpus": corpus, "part": part}


def damage(part: Path, how: str) -> bytes:
    bad = DAMAGES[how](part.read_bytes())
    part.write_bytes(bad)
    return bad


def counts(corpus: Path) -> tuple[int, int]:
    return duck(corpus).execute("SELECT count(*), count(DISTINCT id) FROM versions").fetchone()


@pytest.mark.parametrize("how", DAMAGES)
def test_a_build_moves_a_damaged_part_aside_and_makes_it_again(built: dict, how: str) -> None:
    corpus, part = built["corpus"], built["part"]
    before = counts(corpus)
    bad = damage(part, how)
    res = run_archive("corpus", built["data"], "-o", corpus)
    assert res.returncode == 0, res.stderr[-3000:]
    [aside] = part.parent.glob(f"{part.name}.unreadable-*")
    assert aside.read_bytes() == bad  # never deleted
    assert f"note: {part}: not a readable Parquet file (" in res.stderr
    assert f"moved to {aside.name} (its bytes kept); made again from its items file " \
           f"{built['files'][0]}" in res.stderr
    assert "6 row(s) added from 1 file(s)" in res.stdout
    assert counts(corpus) == before == (9, 8)
    history = run_archive("history", corpus, built["edited_url"])
    assert history.returncode == 0 and "version 1 " in history.stdout, history.stderr
    assert "Позднее в пресс-службе уточнили" in history.stdout  # the diff of 1 -> 2
    again = run_archive("corpus", built["data"], "-o", corpus)
    assert "0 row(s) added" in again.stdout and "Parquet" not in again.stderr


@pytest.mark.parametrize("how", DAMAGES)
def test_reading_commands_answer_from_the_rest_and_name_the_damaged_part(
        built: dict, how: str, tmp_path: Path) -> None:
    corpus, part = built["corpus"], built["part"]
    bad = damage(part, how)
    warning = (f"warning: {part}: not a readable Parquet file (")
    fix = f"python -m archive corpus {built['data']} -o {corpus} moves it aside"
    lacks = f"the rows it holds of {built['files'][0]} are missing from this answer"
    runs = {"history": ["history", corpus, built["edited_url"]],
            "edits": ["edits", corpus, "-o", tmp_path / "e.html"],
            "export": ["export-txt", "--corpus", corpus, tmp_path / "out"]}
    said = {name: run_archive(*args) for name, args in runs.items()}
    for name, res in said.items():
        assert res.returncode == 1 and "Traceback" not in res.stderr, (name, res.stderr)
        assert warning in res.stderr and fix in res.stderr and lacks in res.stderr, name
    # the second run's version 2 is there; version 1, in the damaged part, is not
    assert "version 2 " in said["history"].stdout and "version 1 " not in said["history"].stdout
    assert "3 file(s) written" in said["export"].stdout  # 9 rows, 6 of them in that part
    assert len(list((tmp_path / "out").glob("*.txt"))) == 3
    assert part.read_bytes() == bad  # a reader never writes into the corpus


def test_a_damaged_part_whose_items_file_is_gone_is_kept_and_made_when_it_is_back(
        built: dict, tmp_path: Path) -> None:
    corpus, part, items = built["corpus"], built["part"], built["files"][0]
    bad = damage(part, "zeroed")
    shutil.move(items, tmp_path / "away.jsonl")
    res = run_archive("corpus", built["data"], "-o", corpus)
    assert res.returncode == 1, res.stderr[-3000:]
    assert f"its rows are lost until its items file {items} is back" in res.stderr
    assert "its items file is not here to read again" in res.stderr
    [aside] = part.parent.glob(f"{part.name}.unreadable-*")
    assert aside.read_bytes() == bad
    assert counts(corpus) == (3, 3)  # the views open again, on the rest
    shutil.move(tmp_path / "away.jsonl", items)
    back = run_archive("corpus", built["data"], "-o", corpus)
    assert back.returncode == 0, back.stderr[-3000:]
    assert counts(corpus) == (9, 8)


def test_a_damaged_part_no_manifest_names_is_moved_aside_too(built: dict) -> None:
    stray = built["part"].parent / "stray-0-0.parquet"
    stray.write_bytes(b"PAR1" + bytes(100))
    res = run_archive("corpus", built["data"], "-o", built["corpus"])
    assert res.returncode == 0, res.stderr[-3000:]
    assert f"note: {stray}: not a readable Parquet file" in res.stderr
    assert "no items file of the manifest names it" in res.stderr
    [aside] = stray.parent.glob("stray-0-0.parquet.unreadable-*")
    assert aside.read_bytes() == b"PAR1" + bytes(100)
    assert counts(built["corpus"]) == (9, 8)


def test_damaged_derived_tables_are_left_out_by_readers_and_kept_by_the_build(
        built: dict, tmp_path: Path) -> None:
    """A families, edits or removals table no reader can open failed every reading command;
    the build set aside the edits and removals tables but wrote the families table over a
    damaged one, its bytes gone."""
    corpus = built["corpus"]
    [stored] = [p for p in (corpus / "edits").glob("edits-*.parquet") if p.name != "edits-0.parquet"]
    damaged = [corpus / "families" / "families.parquet", stored,
               corpus / "removals" / "removals.parquet"]
    for path in damaged:
        damage(path, "cut short")
    history = run_archive("history", corpus, built["reprinted_url"])
    export = run_archive("export-txt", "--corpus", corpus, tmp_path / "out")
    for res in (history, export):
        assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr
        for path in damaged:
            assert f"warning: {path}: not a readable Parquet file (" in res.stderr
            assert f"the {path.parent.name} view lacks its rows" in res.stderr
    assert "version 1 " in history.stdout and "9 file(s) written" in export.stdout
    res = run_archive("corpus", built["data"], "-o", corpus)
    assert res.returncode == 0, res.stderr
    for path in damaged:
        [aside] = path.parent.glob(f"{path.name}.unreadable-*")
        assert len(aside.read_bytes()) > 0 and f"note: {path}: " in res.stderr
    con = duck(corpus)
    assert con.execute("SELECT count(*) FROM families").fetchone() == (1,)
    assert con.execute("SELECT count(*) FROM edits").fetchone() == (1,)


@pytest.mark.parametrize("how", ["pages zeroed", "pages flipped"])
def test_derived_tables_damaged_inside_their_pages_are_found(
        built: dict, tmp_path: Path, how: str) -> None:
    """A families or edits table whose footer reads but whose pages are damaged: the build
    kept both (and every reading command failed on the families table's pages); readers
    now leave out the families table, which every view joins, and the build moves both
    aside and makes them again."""
    corpus = built["corpus"]
    [stored] = [p for p in (corpus / "edits").glob("edits-*.parquet") if p.name != "edits-0.parquet"]
    families = corpus / "families" / "families.parquet"
    for path in (families, stored):
        damage(path, how)
    history = run_archive("history", corpus, built["reprinted_url"])
    export = run_archive("export-txt", "--corpus", corpus, tmp_path / "out")
    for res in (history, export):
        assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr
        assert f"warning: {families}: not a readable Parquet file (" in res.stderr
    assert "version 1 " in history.stdout and "9 file(s) written" in export.stdout
    res = run_archive("corpus", built["data"], "-o", corpus)
    assert res.returncode == 0, res.stderr
    for path in (families, stored):
        [aside] = path.parent.glob(f"{path.name}.unreadable-*")
        assert f"note: {path}: not a readable Parquet file (" in res.stderr
    con = duck(corpus)
    assert con.execute("SELECT count(*) FROM families").fetchone() == (1,)
    assert con.execute("SELECT count(*) FROM edits").fetchone() == (1,)


def test_a_part_that_cannot_be_opened_for_now_is_no_damage(tmp_path: Path, monkeypatch) -> None:
    """Denied, too many open files, a failing disk: the error is raised, never taken for a
    damaged part to move aside (its rows would leave the views). Run as root a chmod denies
    nothing, so the open's error is put in its place; Arrow's own errors (no errno) stay damage."""
    import errno

    from archive import corpus_damage

    part = tmp_path / "part.parquet"
    part.write_bytes(b"PAR1" + bytes(100) + b"PAR1")

    def denied(path: str) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", path)

    monkeypatch.setattr(corpus_damage.pq, "read_metadata", denied)
    with pytest.raises(corpus_damage.CheckFailed) as failed:
        corpus_damage.unreadable(part)
    assert failed.value.path == str(part)
    assert failed.value.reason.startswith("cannot be read to check it for damage "
                                          "(EACCES: Permission denied)")
    monkeypatch.setattr(corpus_damage.pq, "read_metadata",
                        lambda path: (_ for _ in ()).throw(OSError("Couldn't deserialize thrift")))
    corpus_damage._footer_problem.cache_clear()
    assert corpus_damage.unreadable(part) == "OSError: Couldn't deserialize thrift"


def test_a_part_rotted_in_place_since_the_build_is_named_when_a_read_fails(
        built: dict) -> None:
    """Damage that leaves the part's modification time as the build left it (a disk's bit rot):
    a reader checks only footers of parts older than the manifest, so the read fails; the
    error then names the part and the build that makes it again, never a traceback."""
    corpus, part = built["corpus"], built["part"]
    times = part.stat()
    damage(part, "pages zeroed")
    os.utime(part, ns=(times.st_atime_ns, times.st_mtime_ns))
    res = run_archive("history", corpus, built["edited_url"])
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr
    assert f"warning: {part}: not a readable Parquet file (" in res.stderr
    assert f"python -m archive corpus {built['data']} -o {corpus} moves it aside" in res.stderr


NOT_DAMAGE = {  # errors a read of healthy bytes can end in: none says the bytes are damaged
    "no memory": lambda: pa.ArrowMemoryError("malloc of size 67108864 failed"),
    "over a limit": lambda: pa.ArrowCapacityError("array cannot contain more than 2147483646 bytes"),
    "not implemented": lambda: pa.ArrowNotImplementedError("Nested data conversions not implemented"),
    "python memory": lambda: MemoryError(),
}


def _all_parts(corpus: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in corpus.rglob("*") if path.is_file()
            and path.suffix == ".parquet"}


@pytest.mark.parametrize("error", NOT_DAMAGE)
def test_a_healthy_part_a_read_of_fails_for_want_of_memory_is_never_moved_aside(
        built: dict, monkeypatch, capsys, error: str) -> None:
    """Arrow's memory, capacity and not-implemented errors are ArrowExceptions, so they were
    taken for damage: the build moved a healthy part aside and readers left its rows out.
    The command now stops with a one-line error naming the part; every part stays."""
    from archive import corpus_damage
    from archive.__main__ import main

    corpus = built["corpus"]
    before = _all_parts(corpus)

    def fails(self, *args, **kwargs):
        raise NOT_DAMAGE[error]()

    monkeypatch.setattr(corpus_damage.pq.ParquetFile, "read_row_group", fails)
    corpus_damage._page_problem.cache_clear()
    assert main(["corpus", str(built["data"]), "-o", str(corpus)]) == 1
    err = capsys.readouterr().err
    [line] = [line for line in err.splitlines() if line.startswith("error:")]
    first = sorted((corpus / "versions").glob("*/*/*.parquet"))[0]
    assert line.startswith(f"error: {first}: cannot be read to check it for damage (")
    assert "left where it is, not taken for damage" in line
    assert "Traceback" not in err and "not a readable Parquet file" not in err
    assert not list(corpus.rglob("*.unreadable-*"))
    assert _all_parts(corpus) == before
    # a reader reads whole the parts changed since the build: the same, its rows kept
    os.utime(built["part"])
    corpus_damage._page_problem.cache_clear()
    assert main(["history", str(corpus), built["edited_url"]]) == 1
    err = capsys.readouterr().err
    assert f"error: {built['part']}: cannot be read to check it for damage (" in err
    assert "left out" not in err and _all_parts(corpus) == before


def test_a_failing_disk_under_the_naming_pass_names_the_part_and_the_errno(
        built: dict, monkeypatch, capsys) -> None:
    """A read failed on a part rotted in place, and the pass that names such parts met an
    I/O error on a page: the error named standard output, and the read's own error was lost."""
    import errno

    from archive import corpus_damage
    from archive.__main__ import main

    corpus, part = built["corpus"], built["part"]
    times = part.stat()
    damage(part, "pages zeroed")
    os.utime(part, ns=(times.st_atime_ns, times.st_mtime_ns))

    class FailingDisk(pq.ParquetFile):  # the rotted part's sectors fail to read
        def __init__(self, source, **kwargs) -> None:
            super().__init__(source, **kwargs)
            self.source = str(source)

        def read_row_group(self, *args, **kwargs):
            if self.source == str(part):
                raise OSError(errno.EIO, "Input/output error")
            return super().read_row_group(*args, **kwargs)

    monkeypatch.setattr(corpus_damage.pq, "ParquetFile", FailingDisk)
    corpus_damage._page_problem.cache_clear()
    assert main(["history", str(corpus), built["edited_url"]]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert lines[0] == (f"error: {part}: cannot be read to check it for damage (EIO: "
                        "Input/output error); left where it is, not taken for damage: run "
                        "the command again once it can be read")
    assert len(lines) == 2 and lines[1].startswith(f"error: {corpus}: ")  # the read's own
    assert part.exists() and not list(corpus.rglob("*.unreadable-*"))


@pytest.mark.parametrize(("error", "names"), [
    (lambda: duckdb.OutOfMemoryException("Out of Memory Error: failed to allocate"), False),
    (lambda: duckdb.InterruptException("INTERRUPT Error: Interrupted!"), False),
    (lambda: duckdb.InvalidInputException("Invalid Input Error: Failed to read file"), True),
    (lambda: duckdb.Error("Variable-length int over 10 bytes."), True),
])
def test_only_a_failed_read_that_may_be_damage_reads_every_part_whole(
        built: dict, monkeypatch, capsys, error, names: bool) -> None:
    """Out of memory or an interrupt made the command read the whole corpus (every part of
    it whole) before it said its error."""
    import archive.__main__ as cli
    from archive import corpus_damage

    def fails(args) -> int:
        raise error()

    whole_reads = []
    real = corpus_damage.damaged_parts
    monkeypatch.setattr(cli, "cmd_history", fails)
    monkeypatch.setattr(corpus_damage, "damaged_parts",
                        lambda corpus, whole=False: whole_reads.append(whole) or real(corpus, whole))
    assert cli.main(["history", str(built["corpus"]), built["edited_url"]]) == 1
    [line] = capsys.readouterr().err.splitlines()[-1:]
    assert line == f"error: {built['corpus']}: {error()}"
    assert (True in whole_reads) is names


def _rewritten_edits(tmp_path: Path) -> tuple[Path, Path]:
    """A corpus whose edits table the build rewrote (one of its three articles' diffs made
    stale, so dropped and diffed anew): (data folder, that rewritten edits table)."""
    from archive.corpus import build_corpus
    from archive.corpus_derived import connect
    from tests.archive.test_corpus_history import _long_edited_articles

    data, corpus = tmp_path / "data", tmp_path / "corpus"
    _long_edited_articles(data, 3, 50)
    build_corpus(data, corpus)
    [stored] = [p for p in (corpus / "edits").glob("edits-*.parquet") if p.name != "edits-0.parquet"]
    ids = sorted(r[0] for r in connect(corpus).execute("SELECT id FROM edits").fetchall())
    (corpus / "edits" / "_stale_ids.txt").write_text(f"{ids[0]},0\n")
    build_corpus(data, corpus)
    assert pq.read_metadata(stored).num_rows == 2  # rewritten in place, its stale row out
    return data, stored


def _flip_a_letter_of_a_diff(path: Path) -> bytes:
    """Change one letter of a diff in the file's pages: the file still decodes."""
    data = bytearray(path.read_bytes())
    at = bytes(data).index("Дапоўнена".encode()) + 1
    data[at] ^= 0x01  # Д -> Е
    path.write_bytes(bytes(data))
    assert "{+Еапоўнена.+}" in pq.read_table(path).column("diff").to_pylist()[0]
    return bytes(data)


def test_an_edits_table_the_build_rewrote_keeps_page_crcs_so_a_flip_in_it_is_found(
        tmp_path: Path) -> None:
    """DuckDB's COPY rewrote an edits table with no page CRCs: a letter flipped in a diff
    was found by no check, the build kept the table and ``edits`` showed the altered diff.
    Readers now read an edits table changed since the build whole, as version parts."""
    data, stored = _rewritten_edits(tmp_path)
    corpus = stored.parent.parent
    bad = _flip_a_letter_of_a_diff(stored)
    page = tmp_path / "edits.html"
    res = run_archive("edits", corpus, "-o", page)
    assert res.returncode == 1, res.stderr
    assert f"warning: {stored}: not a readable Parquet file (" in res.stderr
    assert "CRC" in res.stderr and "Еапоўнена" not in page.read_text("utf-8")
    res = run_archive("corpus", data, "-o", corpus)
    assert res.returncode == 0, res.stderr
    assert f"note: {stored}: not a readable Parquet file (" in res.stderr
    [aside] = stored.parent.glob(f"{stored.name}.unreadable-*")
    assert aside.read_bytes() == bad  # kept, named
    diffs = [r[0] for r in duck(corpus).execute("SELECT diff FROM edits").fetchall()]
    assert len(diffs) == 3 and all(d.endswith("{+Дапоўнена.+}") for d in diffs)


def test_a_corpus_copied_without_its_file_times_is_not_read_whole_by_every_reader(
        built: dict, tmp_path: Path, monkeypatch) -> None:
    """``cp -r`` without ``-p`` gives every file a new time: keyed on the time alone, every
    reader read every part (and edits table) whole until the next build. The build now notes
    each file's size and footer; in a copy those say what changed: only a part whose footer
    differs (another file put in its place) is read whole."""
    from archive import corpus_damage

    copy = tmp_path / "copy"
    shutil.copytree(built["corpus"], copy, copy_function=shutil.copyfile)  # times not kept
    read_whole: list[Path] = []
    real = corpus_damage.undecodable
    monkeypatch.setattr(corpus_damage, "undecodable",
                        lambda path: read_whole.append(path) or real(path))
    parts = sorted((copy / "versions").glob("*/*/*.parquet"))
    assert len(parts) >= 3
    assert corpus_damage.damaged_parts(copy) == [] and read_whole == []
    [stored] = [p for p in (copy / "edits").glob("edits-*.parquet") if p.name != "edits-0.parquet"]
    assert corpus_damage.derived_problem(stored) is None and read_whole == []
    other = next(p for p in parts if p.stat().st_size != parts[0].stat().st_size)
    parts[0].write_bytes(other.read_bytes())  # a valid part, not the one the build left
    assert corpus_damage.damaged_parts(copy) == [] and read_whole == [parts[0]]
    res = run_archive("history", copy, built["edited_url"])
    assert res.returncode == 0 and "version 2 " in res.stdout and not res.stderr, res.stderr


def test_a_part_edited_in_place_in_a_remounted_corpus_is_read_whole(
        built: dict, monkeypatch) -> None:
    """A remount (NFS) gives the corpus folder another device number, its files kept: it
    looks copied, and a part edited in place since (new time, same size and footer, a page
    changed) was trusted on its footer, its unreadable pages never reported. A file still on
    the inode the build noted is the one it left: a new time is an edit, read whole."""
    from archive import corpus_damage

    corpus, part = built["corpus"], built["part"]
    dev, ino = corpus_damage._folder_identity(corpus)
    monkeypatch.setattr(corpus_damage, "_folder_identity", lambda folder: [dev + 1, ino])
    read_whole: list[Path] = []
    real = corpus_damage.undecodable
    monkeypatch.setattr(corpus_damage, "undecodable",
                        lambda path: read_whole.append(path) or real(path))
    assert corpus_damage.AsBuilt(corpus).copied
    assert corpus_damage.damaged_parts(corpus) == [] and read_whole == []
    inode, size = part.stat().st_ino, part.stat().st_size
    damage(part, "pages flipped")
    assert (part.stat().st_ino, part.stat().st_size) == (inode, size)
    [(named, why)] = corpus_damage.damaged_parts(corpus)
    assert named == part and why.startswith("OSError: ") and read_whole == [part]


def _footer_flip_read_as(data: bytes, error: type[BaseException]) -> bytes:
    """``data`` with the first single-bit flip in its footer whose footer still decodes as
    thrift but reads as ``error`` (a field of a width or text no writer of ours gives)."""
    import io

    start = _pages_end(data)
    for at in range(start, len(data) - 8):
        for bit in range(8):
            bad = bytearray(data)
            bad[at] ^= 1 << bit
            try:
                pq.read_metadata(io.BytesIO(bytes(bad)))
            except error:
                return bytes(bad)
            except Exception:  # noqa: BLE001 - another error: try the next flip
                continue
    raise AssertionError(f"no flip of the footer reads as {error.__name__}")


@pytest.mark.parametrize("error", [pa.ArrowNotImplementedError, UnicodeDecodeError])
def test_a_footer_flipped_to_describe_what_no_writer_of_ours_writes_is_damage(
        built: dict, error: type[BaseException]) -> None:
    """A flip in a part's footer that thrift still decodes, into an integer of a width Arrow
    has not ("Integers with less than 8 bits not implemented") or a text not UTF-8, stopped
    the build: "cannot be read to check it for damage", left where it was, and every build
    after stopped the same. The build now moves it aside and makes it again."""
    corpus, part = built["corpus"], built["part"]
    bad = _footer_flip_read_as(part.read_bytes(), error)
    part.write_bytes(bad)
    res = run_archive("corpus", built["data"], "-o", corpus)
    assert res.returncode == 0, res.stderr[-3000:]
    assert f"note: {part}: not a readable Parquet file ({error.__name__}: " in res.stderr
    [aside] = part.parent.glob(f"{part.name}.unreadable-*")
    assert aside.read_bytes() == bad
    assert counts(corpus) == (9, 8)


def test_a_part_whose_name_is_not_utf8_is_damage_named_and_the_rest_goes_on(
        built: dict, tmp_path: Path) -> None:
    """A healthy part copied in under a windows-1251 name (bytes no UTF-8 decodes): pyarrow
    and DuckDB take UTF-8 names only, and every command, the build too, stopped on the
    encoder's error. Readers leave it out and name it; the build moves it aside under a
    UTF-8 spelling of its name (DuckDB's glob fails on a folder holding any other), its
    bytes kept, and every command after answers whole."""
    corpus, part = built["corpus"], built["part"]
    raw = os.fsencode(part.parent) + b"/\xcd\xee\xe2\xee\xf1\xf2\xe8-0-0.parquet"  # "Новости"
    healthy = part.read_bytes()
    with open(raw, "wb") as stray:
        stray.write(healthy)
    shown = os.fsdecode(raw).encode("ascii", "backslashreplace").decode()  # as printed
    reason = "its name is not UTF-8 (byte(s) cd ee e2 ee f1 f2 e8): no Parquet reader opens it"
    history = run_archive("history", corpus, built["edited_url"])
    assert history.returncode == 1 and "Traceback" not in history.stderr, history.stderr
    assert f"warning: {shown}: not a readable Parquet file ({reason})" in history.stderr
    assert "version 2 " in history.stdout and "version 1 " in history.stdout  # the rest read
    build = run_archive("corpus", built["data"], "-o", corpus)
    assert build.returncode == 0, build.stderr[-3000:]
    assert f"note: {shown}: not a readable Parquet file ({reason}): moved to " \
           "%CD%EE%E2%EE%F1%F2%E8-0-0.parquet.unreadable-" in build.stderr
    [aside] = part.parent.glob("%CD%EE%E2%EE%F1%F2%E8-0-0.parquet.unreadable-*")
    assert aside.read_bytes() == healthy  # never deleted
    assert not os.path.exists(raw)
    assert counts(corpus) == (9, 8)
    again = run_archive("history", corpus, built["edited_url"])
    assert again.returncode == 0 and "version 1 " in again.stdout, again.stderr[-3000:]


def test_an_edits_table_whose_name_is_not_utf8_is_left_out_and_moved_aside(built: dict) -> None:
    """The same for a derived table: the edits view's glob failed on the folder."""
    corpus = built["corpus"]
    healthy = (corpus / "edits" / "edits-0.parquet").read_bytes()
    raw = os.fsencode(corpus / "edits") + b"/edits-\xff.parquet"
    with open(raw, "wb") as stray:
        stray.write(healthy)
    reason = "its name is not UTF-8 (byte(s) ff): no Parquet reader opens it"
    history = run_archive("history", corpus, built["edited_url"])
    assert history.returncode == 1 and "Traceback" not in history.stderr, history.stderr
    assert f"not a readable Parquet file ({reason}): left out, the edits view" in history.stderr
    build = run_archive("corpus", built["data"], "-o", corpus)
    assert build.returncode == 0, build.stderr[-3000:]
    [aside] = (corpus / "edits").glob("edits-%FF.parquet.unreadable-*")
    assert aside.read_bytes() == healthy and not os.path.exists(raw)
    again = run_archive("history", corpus, built["edited_url"])
    assert again.returncode == 0 and "Позднее в пресс-службе уточнили" in again.stdout, \
        again.stderr[-3000:]


@pytest.mark.parametrize("inside", [False, True])
def test_a_folder_not_utf8_moves_nothing_aside_and_is_named(built: dict, tmp_path: Path,
                                                           inside: bool) -> None:
    """A name not UTF-8 is one file's damage only when it is the file's own: a corpus under
    a folder so named had every table moved aside by the build, which then stopped. Every
    file is left where it is, each command naming the folder to rename (one inside the
    corpus too: no writer of it names a folder so)."""
    raw = os.fsencode(tmp_path) + (b"/ok" if inside else b"/caf\xe9")
    os.mkdir(raw)
    parent = Path(os.fsdecode(raw))
    data, corpus = parent / "data", parent / "corpus"
    shutil.copytree(built["data"], data)
    shutil.copytree(built["corpus"], corpus)
    if inside:
        part = corpus / built["part"].relative_to(built["corpus"])
        folder = os.fsencode(part.parent.parent) + b"/caf\xe9"  # beside month=...
        os.mkdir(folder)
        os.rename(part, Path(os.fsdecode(folder)) / part.name)
    before = sorted(path.relative_to(corpus) for path in corpus.rglob("*") if path.is_file())
    for run in (run_archive("history", corpus, built["edited_url"]),
                run_archive("corpus", data, "-o", corpus)):
        assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr[-3000:]
        assert "a folder in its path is not UTF-8 (byte(s) e9)" in run.stderr
        assert "rename the folder" in run.stderr and "moved to" not in run.stderr
    assert sorted(path.relative_to(corpus) for path in corpus.rglob("*")
                  if path.is_file()) == before

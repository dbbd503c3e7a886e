"""What a repair leaves beside a WARC (its `.damaged` side file and `.damaged.json` manifest)
and a crawl's unfinished `.open` file, given by a glob or a shell's ``dir/*``: the side files
are never read as WARCs (left out, said once by name with why), an `.open` file matched by a
pattern is left out as a folder's is (named by itself it is read as it is), and the WARCs
beside them are read as before."""

from __future__ import annotations

import glob
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archive.dedup import DigestIndex
from archive.reader import ArchiveLookup, NoWarcFiles, iter_responses, warc_inputs
from archive.repair import repair_open_files
from archive.writer import WarcWriter

from .conftest import make_exchange

REPO = Path(__file__).resolve().parents[2]
URLS = [f"http://e.com/{n}" for n in range(3)]


@pytest.fixture
def repaired(tmp_path: Path) -> Path:
    """A folder as `archive repair` leaves it after a kill mid-record (the WARC closed, its
    torn tail in `.damaged` + `.damaged.json`), and the `.open` file of a later live crawl."""
    with WarcWriter(tmp_path / "live") as writer:
        for url in URLS:
            writer.write_exchange(make_exchange(url, f"<title>{url}</title>".encode()))
        live = writer.current_path
        assert live is not None
        data = live.read_bytes()
    folder = tmp_path / "warc"
    folder.mkdir()
    (folder / live.name).write_bytes(data + data[-200:-100])  # the kill: half of one more
    assert [r.status for r in repair_open_files(folder)] == ["repaired-damaged"]
    (folder / "later.warc.gz.open").write_bytes(data)
    shutil.rmtree(tmp_path / "live")
    return folder


def _names(folder: Path, suffix: str) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.endswith(suffix))


def test_a_shell_s_dir_star_reads_the_warcs_and_names_the_side_file_once(repaired):
    warc, = _names(repaired, ".warc.gz")
    side, = _names(repaired, ".damaged")
    opened, = _names(repaired, ".open")
    named = sorted(glob.glob(str(repaired / "*")))  # what `archive index dir/*` is given
    assert len(named) == 4
    paths, note = warc_inputs(named, " ".join(named))
    assert paths == [warc, opened]  # an `.open` file named is read as it is, as before
    assert note is not None and "1 damaged side file(s) not read" in note
    assert str(side) in note and f"{side}.json" not in note  # its manifest goes with it
    assert "archive repair" in note


def test_a_pattern_lists_a_folder_its_open_files_left_out_unless_it_names_them(repaired):
    warc, = _names(repaired, ".warc.gz")
    opened, = _names(repaired, ".open")
    paths, note = warc_inputs([str(repaired / "*")], "x")
    assert paths == [warc]
    assert note is not None and "1 unfinished WARC file(s) not read" in note
    assert str(opened) in note and "1 damaged side file(s) not read" in note
    paths, note = warc_inputs([str(repaired / "*.open")], "x")
    assert paths == [opened] and note is None
    # a folder and a pattern over it, and its side file named too: each said once
    _, note = warc_inputs([str(repaired), str(repaired / "*"),
                           str(_names(repaired, ".damaged")[0])], "x")
    assert note is not None and note.count(".warc.gz.damaged") == 1
    assert note.count("later.warc.gz.open") == 1


def test_side_files_alone_are_no_warc_files(repaired):
    named = [str(p) for p in _names(repaired, ".damaged") + _names(repaired, ".json")]
    with pytest.raises(NoWarcFiles, match="1 damaged side file") as caught:
        warc_inputs(named, " ".join(named))
    assert caught.value.only_damaged and caught.value.damaged == _names(repaired, ".damaged")


def _cli(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "archive", *map(str, args)],
                          capture_output=True, text=True, cwd=REPO, timeout=120)


def test_index_and_verify_of_dir_star_read_no_side_file(repaired, tmp_path):
    (repaired / "later.warc.gz.open").unlink()
    DigestIndex(repaired / "digests.sqlite3").close()  # a crawl's, beside its WARCs
    named = sorted(glob.glob(str(repaired / "*")))
    side, = _names(repaired, ".damaged")
    res = _cli("index", *named, "-o", tmp_path / "i.cdxj")
    assert res.returncode == 0, res.stderr  # the WARC is whole: no damage read in a side file
    assert f"{len(URLS)} index lines from 1 file(s)" in res.stdout
    assert res.stderr.count("1 damaged side file(s) not read") == 1 and str(side) in res.stderr
    assert "1 digest index file(s) not read" in res.stderr and "error:" not in res.stderr
    res = _cli("verify", *named)
    assert res.returncode == 0, res.stderr
    assert f"{1 + 2 * len(URLS)} records in 1 file(s): 0 error(s)" in res.stdout  # warcinfo, requests
    res = _cli("verify", side, f"{side}.json")  # only side files: damage, said as in a folder
    assert res.returncode == 1 and "no WARC files to verify" in res.stderr
    assert "1 damaged side file(s) not verified" in res.stderr


def test_a_lookup_given_a_pattern_logs_what_it_left_out_once(repaired, caplog):
    with caplog.at_level(logging.WARNING, logger="archive"):
        lookup = ArchiveLookup(str(repaired / "*"), on_error=lambda e: pytest.fail(str(e)))
    assert [lookup.get(url).payload for url in URLS] == [f"<title>{u}</title>".encode()
                                                         for u in URLS]
    lookup.close()
    said = [r.getMessage() for r in caplog.records]
    assert len(said) == 2, said
    assert "1 unfinished WARC file(s) not read" in said[0]
    assert "1 damaged side file(s) not read" in said[1]
    caplog.clear()
    (repaired / "later.warc.gz.open").unlink()
    with caplog.at_level(logging.WARNING, logger="archive"):
        read = list(iter_responses(sorted(glob.glob(str(repaired / "*.gz*"))),
                                   on_error=lambda e: pytest.fail(str(e))))
    assert [r.url for r in read] == URLS
    assert [r.getMessage()[:34] for r in caplog.records] == ["1 damaged side file(s) not read: /"]


def test_a_folder_s_side_files_are_left_out_unsaid_beside_its_warcs_as_before(repaired, caplog):
    """A folder, not a pattern: its side files are the repair's to say (it did), so beside
    WARCs no note names them; its `.open` files are said in the commands' note only, never
    logged by a library read of the folder (a replay start would warn every time)."""
    warc, = _names(repaired, ".warc.gz")
    paths, note = warc_inputs([repaired], str(repaired))
    assert paths == [warc]
    assert note is not None and note.startswith("1 unfinished WARC file(s) not read")
    assert "damaged" not in note
    with caplog.at_level(logging.WARNING, logger="archive"):
        lookup = ArchiveLookup(repaired, on_error=lambda e: pytest.fail(str(e)))
        assert [lookup.get(url).payload for url in URLS] == [
            f"<title>{u}</title>".encode() for u in URLS]
        lookup.close()
        read = list(iter_responses([repaired], on_error=lambda e: pytest.fail(str(e))))
    assert [r.url for r in read] == URLS
    assert [r.getMessage() for r in caplog.records] == []

"""The `.open` file a killed crawl leaves: left out of a folder with a note saying why and what
to do, readable as it is when named, and whole again after `archive repair`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archive.reader import ArchiveLookup, warc_inputs
from archive.writer import WarcWriter

from .conftest import make_exchange

REPO = Path(__file__).resolve().parents[2]
URLS = [f"http://e.com/{n}" for n in range(3)]


@pytest.fixture
def killed(tmp_path: Path) -> Path:
    """A folder with one closed WARC and the `.open` file of a crawl killed mid-record."""
    with WarcWriter(tmp_path / "done") as writer:
        writer.write_exchange(make_exchange("http://e.com/closed", b"<title>closed</title>"))
    with WarcWriter(tmp_path / "live") as writer:
        for url in URLS:
            writer.write_exchange(make_exchange(url, f"<title>{url}</title>".encode()))
        live = writer.current_path
        assert live is not None
        data = live.read_bytes()
    folder = tmp_path / "warc"
    folder.mkdir()
    shutil.copy(next((tmp_path / "done").glob("*.warc.gz")), folder)
    # the kill: the records written so far, then half of one more
    (folder / live.name).write_bytes(data + data[-200:-100])
    return folder


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "archive", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def test_a_folder_s_open_file_is_left_out_with_a_note(killed, tmp_path):
    paths, note = warc_inputs([killed], str(killed))
    assert [p.name.endswith(".warc.gz") for p in paths] == [True]
    assert note and "1 unfinished WARC file(s) not read" in note and "archive repair" in note
    res = _cli("index", str(killed), "-o", str(tmp_path / "i.cdxj"))
    assert res.returncode == 0 and "unfinished" in res.stderr and ".open" in res.stderr


def test_a_folder_of_only_open_files_says_so(killed, tmp_path):
    for p in killed.glob("*.warc.gz"):
        p.unlink()
    res = _cli("index", str(killed), "-o", str(tmp_path / "i.cdxj"))
    assert res.returncode == 2, res.stderr
    assert "no WARC files in" in res.stderr and "archive repair" in res.stderr


def test_an_open_file_named_is_read_up_to_its_torn_tail(killed):
    errors: list = []
    opened = next(killed.glob("*.open"))
    lookup = ArchiveLookup(opened, on_error=errors.append)
    assert [lookup.get(url).payload for url in URLS] == [f"<title>{u}</title>".encode()
                                                         for u in URLS]
    assert len(errors) == 1 and str(errors[0].file) == str(opened)
    assert errors[0].offset == opened.stat().st_size - 100  # where the torn record starts


def test_after_repair_the_folder_replays_whole(killed):
    res = _cli("repair", str(killed))
    assert res.returncode == 1 and ".damaged" in res.stdout + res.stderr  # the torn tail
    _, note = warc_inputs([killed], str(killed))
    assert note is None
    lookup = ArchiveLookup(killed)
    assert all(lookup.get(url) is not None for url in [*URLS, "http://e.com/closed"])

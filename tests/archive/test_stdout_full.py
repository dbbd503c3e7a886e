"""A full disk under ``> file`` met by a command's summary line is said as ``<stdout>``: the
corpus commands' own handler named the output file or the corpus instead (complete, and on
another disk), and sent the user to free space in the wrong place."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.archive.corpus_data import ROOT, run_archive, several_runs

pytestmark = pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")


def to_full_stdout(*args: object) -> subprocess.CompletedProcess[str]:
    with open("/dev/full", "w") as full:
        return subprocess.run([sys.executable, "-m", "archive", *map(str, args)], cwd=ROOT,
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=300)


def test_corpus_commands_name_stdout_when_it_is_full(tmp_path: Path) -> None:
    several_runs(tmp_path / "data")
    corpus, report = tmp_path / "corpus", tmp_path / "edits.html"
    built = to_full_stdout("corpus", "-o", corpus, tmp_path / "data")
    assert built.returncode == 1
    assert built.stderr.strip().splitlines()[-1] == \
        "error: <stdout>: No space left on device", built.stderr
    again = run_archive("corpus", "-o", corpus, tmp_path / "data")
    assert again.returncode == 0 and "0 row(s) added" in again.stdout  # it was whole
    edits = to_full_stdout("edits", "-o", report, corpus)
    assert edits.returncode == 1
    assert edits.stderr.strip().splitlines()[-1] == \
        "error: <stdout>: No space left on device", edits.stderr
    whole = run_archive("edits", "-o", tmp_path / "again.html", corpus)
    assert whole.returncode == 0
    written, again = report.read_text("utf-8"), (tmp_path / "again.html").read_text("utf-8")
    assert written.endswith("</html>\n") and len(written) == len(again)  # (its time differs)

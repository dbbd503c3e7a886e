"""Items files and corpus folders as they come in practice: other encodings, line ends and
compression; two builds at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.archive.corpus_data import ROOT, duck, run_archive, several_runs

HOLD_LOCK = """
import sys
from pathlib import Path
from archive.corpus import _locked
with _locked(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.read()
"""


def test_a_second_build_on_a_corpus_being_built_names_the_build_holding_it(
        tmp_path: Path) -> None:
    runs = several_runs(tmp_path / "data")
    corpus = tmp_path / "corpus"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(corpus)], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "locked\n"
        res = run_archive("corpus", tmp_path / "data", "-o", corpus)
        assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
        [error] = [line for line in res.stderr.splitlines() if line.startswith("error:")]
        assert f"pid {holder.pid}" in error and str(corpus / "_lock") in error, error
        assert not (corpus / "versions").exists()
    finally:
        holder.communicate("", timeout=30)
    assert run_archive("corpus", tmp_path / "data", "-o", corpus).returncode == 0
    assert duck(corpus).execute("SELECT count(*) FROM versions").fetchone()[0] == len(
        runs["items"])

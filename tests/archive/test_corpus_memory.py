"""An article edited many times (a live blog: 80 versions of ~2 MB) costs the build,
``history`` and ``edits`` the memory of two versions, not of all of them: each diff reads the
two texts it compares. Measured as the peak RSS of real command-line processes on an article
of many big versions against one of two such versions."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from crawler.urls import article_id
from tests.archive.corpus_data import ROOT, START, Newsroom, belta_url, write_run

MANY = 30
# each version ~1.2 MB of text (few, long words: the diffs are quick); all of them read at
# once cost about 3 MB a version over the two-version run (a bit over 100 MB for 30 of them:
# history grew 100 MB, the edit page 270 MB, the build 60 MB); streamed, a few MB in all
GROWTH_LIMIT = 30 << 20
RUN = """import resource, runpy, sys
sys.argv = ["archive", *sys.argv[1:]]
try:
    runpy.run_module("archive", run_name="__main__")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
print("peak-rss-kb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def _live_blog(data: Path, versions: int) -> str:
    """One article captured ``versions`` times, each capture a run of its own with a new
    text (one word changed at its end); its URL."""
    room = Newsroom()
    body = " ".join(f"{n:04d}" + "ж" * 600 for n in range(1000))
    for v in range(versions):
        when = START + timedelta(minutes=10 * v)
        item = room.capture(belta_url(7), "belta", f"Онлайн {v}", [body, f"Обновление {v}"],
                            START, when)
        write_run(data, "belta", when, [item])
    return belta_url(7)


def _peak(*args: str | Path) -> tuple[int, str]:
    """(peak RSS in bytes, stdout) of ``python -m archive ARGS``."""
    done = subprocess.run([sys.executable, "-c", RUN, *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    kb = int(done.stderr.rsplit("peak-rss-kb", 1)[1].split()[0])
    return kb * 1024, done.stdout


def _peaks(folder: Path, versions: int) -> dict[str, int]:
    """Peak RSS of the build, ``history`` and ``edits`` of an article of ``versions``
    versions, each output checked."""
    url = _live_blog(folder / "data", versions)
    corpus = folder / "corpus"
    peaks = {"build": _peak("corpus", folder / "data", "-o", corpus)[0]}
    peaks["history"], text = _peak("history", corpus, url)
    assert f"version {versions - 1} -> {versions} (" in text
    assert f"[-{versions - 2}-] {{+{versions - 1}+}}" in text
    peaks["edits"], _ = _peak("edits", corpus, "-o", folder / "edits.html")
    page = (folder / "edits.html").read_text("utf-8")
    assert page.count('<div class="change">') == versions - 1
    assert f"<del>{versions - 2}</del>" in page and f"<ins>{versions - 1}</ins>" in page
    return peaks


def test_many_big_versions_of_one_article_cost_the_memory_of_two(tmp_path):
    few, many = _peaks(tmp_path / "few", 2), _peaks(tmp_path / "many", MANY)
    grown = {command: (many[command] - few[command]) >> 20 for command in few}
    assert all(mb < GROWTH_LIMIT >> 20 for mb in grown.values()), grown


# One items file of many big lines (a backfill of long reads): the build buffers rows up to
# BUFFER_BYTES of text and writes them as a row group, so its peak is the same for 300 lines
# as for 1500 (measured: about 300 MB for 200 and for 2000 lines of 200 KB). Holding every
# row until the end would add ~100 MB of text per 1,000 lines of 100 KB, at least.
BIG_LINE_CHARS = 100_000
LINES_GROWTH_LIMIT = 60 << 20


def _one_file_of_big_lines(data: Path, lines: int) -> None:
    """``lines`` articles of ~100 KB of text each, in one items file."""
    room = Newsroom()
    template = room.capture(belta_url(1), "belta", "Лонгрид", ["x"], START, START)
    words = "слова " * (BIG_LINE_CHARS // 6)
    folder = data / "items"
    folder.mkdir(parents=True)
    with open(folder / "belta-20260105T000000.jsonl", "w", encoding="utf-8") as fh:
        for n in range(lines):
            url = belta_url(10_000 + n)
            fh.write(json.dumps({**template, "url": url, "id": article_id(url),
                                 "text": f"{n:06d} {words}",
                                 "warc": {**template["warc"], "offset": n}},
                                ensure_ascii=False) + "\n")


def _build_peak(folder: Path, lines: int) -> int:
    _one_file_of_big_lines(folder / "data", lines)
    peak, said = _peak("corpus", folder / "data", "-o", folder / "corpus")
    assert f"{lines} row(s) added from 1 file(s)" in said, said
    return peak


def test_one_file_of_many_big_lines_builds_in_bounded_memory(tmp_path):
    few, many = _build_peak(tmp_path / "few", 300), _build_peak(tmp_path / "many", 1500)
    assert many - few < LINES_GROWTH_LIMIT, ((few >> 20), (many >> 20))

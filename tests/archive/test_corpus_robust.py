"""A corpus build against what a bug hunt found: huge bad values, millions of bad lines, an
unreadable file, a damaged manifest. Memory stays bounded, a bad input is one clear error and
the rest goes in."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archive.corpus import MANIFEST, build_corpus
from tests.archive.corpus_data import ROOT, START, Newsroom, belta_url, duck
from tests.sites.common import paragraphs_for

NAME = "belta-20260105T000000.jsonl"


def lines(*numbers: int) -> str:
    """Items lines of Belta articles ``numbers``, as a crawl writes them."""
    room = Newsroom()
    return "".join(json.dumps(room.capture(belta_url(n), "belta", f"Новость {n}",
                                           paragraphs_for(n), START, START),
                              ensure_ascii=False) + "\n" for n in numbers)


def items_dir(root: Path, content: str, name: str = NAME) -> Path:
    """``root`` with ``content`` as its items file ``name``."""
    (root / "items").mkdir(parents=True, exist_ok=True)
    (root / "items" / name).write_text(content, "utf-8")
    return root


def urls(corpus: Path) -> list[str]:
    return [u for (u,) in duck(corpus).execute("SELECT url FROM versions ORDER BY url").fetchall()]


def test_a_huge_bad_value_is_quoted_short(tmp_path: Path) -> None:
    good = json.loads(lines(1))
    bad = json.dumps({**good, "text": " " * 3_000_000}) + "\n"
    data = items_dir(tmp_path / "d", bad * 3 + lines(2))
    corpus = tmp_path / "corpus"
    report = build_corpus(data, corpus)
    assert report.rows == 1 and report.rejected == 3
    for problem in report.problems:
        assert problem.line in (1, 2, 3) and len(problem.reason) < 600, len(problem.reason)
        assert problem.reason.startswith("breaks the item schema: text: '   ")
        cut = re.search(r"… \((\d+) characters\) …", problem.reason)
        assert cut and int(cut[1]) > 3_000_000  # how long what was cut is
    assert (corpus / "_rejects.jsonl").stat().st_size < 3000


def test_many_bad_lines_are_counted_and_streamed_not_held(tmp_path: Path) -> None:
    data = items_dir(tmp_path / "d", "1\n" * 30_000 + lines(1), name="bad.jsonl")
    corpus = tmp_path / "corpus"
    seen: list[int] = []
    report = build_corpus(data, corpus, on_problem=lambda p: seen.append(p.line))
    assert report.rows == 1 and report.rejected == 30_000
    assert seen == list(range(1, 30_001))  # every one passed on, in order
    assert len(report.problems) == 1000  # only the first are kept
    rejects = (corpus / "_rejects.jsonl").read_text().splitlines()
    assert len(rejects) == 30_000
    assert json.loads(rejects[-1]) == {"file": "bad.jsonl", "line": 30_000,
                                       "reason": "not a JSON object but int"}


def test_an_unreadable_items_file_is_one_error_and_the_rest_goes_in(tmp_path: Path) -> None:
    """A file the build may not read stopped the whole build with a traceback: now it is one
    error naming it, counted as a file (not as a rejected line), and the others go in."""
    data = items_dir(tmp_path / "d", lines(1, 2), name="a.jsonl")
    noread = items_dir(data, lines(3), name="noread.jsonl") / "items" / "noread.jsonl"
    noread.chmod(0)
    command = [sys.executable, "-m", "archive", "corpus", str(data), "-o", str(tmp_path / "c")]
    if os.geteuid() == 0:  # root reads anything: be root of a user namespace, not the owner
        if not shutil.which("unshare"):
            pytest.skip("running as root without unshare")
        os.chown(noread, 12345, 12345)
        command = ["unshare", "-r", *command]
    res = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert errors == ["error: noread.jsonl: cannot be read (PermissionError: [Errno 13] "
                      f"Permission denied: '{noread}'): none of it ingested; it is read by "
                      "the next build that can"]
    assert "2 row(s) added from 1 file(s)" in res.stdout
    assert "; 0 line(s) rejected; 1 file(s) could not be read;" in res.stdout
    assert urls(tmp_path / "c") == [belta_url(1), belta_url(2)]
    assert not (tmp_path / "c" / "_rejects.jsonl").exists()  # no line of it was read


def test_export_of_a_row_too_long_as_a_line_names_it_and_writes_the_rest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A line under the cap written without spaces comes back longer from the corpus (", "
    between 2,000 tags): past the cap that row is one error naming the article, and every
    other article is exported. The cap is lowered to just under that row's line, so the
    lines are KB, not 64 MiB."""
    import archive.export_txt
    from archive.__main__ import main

    items = [json.loads(line) for line in lines(1, 2, 3).splitlines()]
    big = {**items[1], "tags": ["a"] * 2000}
    text = "".join(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n"
                   for item in (items[0], big, items[2]))
    assert build_corpus(items_dir(tmp_path / "d", text), tmp_path / "c").rows == 3
    size = len(json.dumps(big, ensure_ascii=False).encode())  # the newline not counted
    cap = size - 1  # the export reader's cap: a longer line (without its newline) is refused
    assert len(text.splitlines()[1].encode()) < cap  # the line went in under the cap
    assert all(len(json.dumps(items[n], ensure_ascii=False).encode()) < cap // 2 for n in (0, 2))
    monkeypatch.setattr(archive.export_txt, "MAX_LINE_BYTES", cap)
    assert main(["export-txt", "--corpus", str(tmp_path / "c"), str(tmp_path / "out")]) == 1
    said = capsys.readouterr()
    assert said.err.splitlines() == [
        f"error: article {big['id']} ({big['url']}) version 1: its item is {size} bytes as a "
        f"JSON line, over the {cap} an items line may hold: not exported"]
    assert said.out.startswith(f"2 file(s) written to {tmp_path / 'out'} (2 selected")
    assert sorted(p.name.split("_", 1)[1] for p in (tmp_path / "out").glob("*.txt")) == sorted(
        f"{items[n]['id']}.txt" for n in (0, 2))


def test_write_jsonl_takes_a_line_of_the_cap_and_hands_on_a_longer_one(tmp_path: Path) -> None:
    """The bound is the reader's: a line of exactly MAX_LINE_BYTES (its newline aside) is read,
    so it is written."""
    from archive.corpus_select import write_jsonl

    items = [{"t": "x" * n} for n in (10, 11)]
    cap = len(json.dumps(items[0]).encode())
    refused: list[tuple[dict, int]] = []
    assert write_jsonl(items, tmp_path / "o.jsonl", cap,
                       lambda item, size: refused.append((item, size))) == 1
    assert (tmp_path / "o.jsonl").read_text() == json.dumps(items[0]) + "\n"
    assert refused == [(items[1], cap + 1)]


def test_bad_removals_lines_are_a_count_in_the_manifest_not_a_list(tmp_path: Path) -> None:
    """A removals file of 30,000 bad lines: each reported once, even when the file grows and
    is read again, and the manifest keeps their number and the first few, not every one."""
    from tests.archive.test_corpus_removals import DAY2, observation, write

    data = items_dir(tmp_path / "d", lines(1))
    write(data, "r.jsonl", ["1"] * 30_000)
    corpus = tmp_path / "corpus"
    first = build_corpus(data, corpus)
    assert first.rejected == 30_000 and first.removals == 0
    assert (corpus / MANIFEST).stat().st_size < 5000
    removals = json.loads((corpus / MANIFEST).read_text())["removals"]
    assert removals["rejected_lines"] == 30_000
    assert removals["rejected_examples"][0] == ("r.jsonl:1: breaks the removal schema: "
                                                "not a JSON object")
    assert len(removals["rejected_examples"]) == 5
    write(data, "r.jsonl", ["1"] * 30_000 + [observation(1, "removed", DAY2, 410), "2"])
    again = build_corpus(data, corpus)
    assert again.removals == 1
    assert [str(p) for p in again.problems] == [
        "r.jsonl:30002: breaks the removal schema: not a JSON object"]
    assert len((corpus / "_rejects.jsonl").read_text().splitlines()) == 30_001
    assert json.loads((corpus / MANIFEST).read_text())["removals"]["rejected_lines"] == 30_001


def test_a_bad_removals_line_quotes_a_bounded_part_of_its_value(tmp_path: Path) -> None:
    """A removals line whose status is a 900 KB string: its rejection was quoted whole in the
    report, ``_rejects.jsonl`` and the manifest's examples (737 MB and 4.6 MB for 800)."""
    from tests.archive.test_corpus_removals import DAY2, observation, write

    data = items_dir(tmp_path / "d", lines(1))
    bad = {**observation(1, "removed", DAY2, 410), "status": "x" * 900_000}
    write(data, "r.jsonl", [bad] * 3)
    corpus = tmp_path / "corpus"
    report = build_corpus(data, corpus)
    assert report.rejected == 3 and all(len(str(p)) < 500 for p in report.problems)
    said = str(report.problems[0])
    assert said.startswith("r.jsonl:1: breaks the removal schema: status: 'xxx")
    assert "characters) …" in said and said.endswith("' is not of type 'integer'")
    assert (corpus / "_rejects.jsonl").stat().st_size < 5000
    assert (corpus / MANIFEST).stat().st_size < 5000


def test_a_bad_removals_line_appended_during_a_build_is_reported_by_the_next(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a build records as read is what it read: a line a crawl appends after the table
    was written is not taken as seen, so its error is reported by the next build."""
    import archive.corpus
    from tests.archive.test_corpus_removals import write

    data = items_dir(tmp_path / "d", lines(1))
    path = write(data, "r.jsonl", ["1"])
    real = archive.corpus.write_removals

    def and_a_crawl_appends(*args: object, **kwargs: object) -> int:
        rows = real(*args, **kwargs)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write("2\n")
        return rows

    monkeypatch.setattr(archive.corpus, "write_removals", and_a_crawl_appends)
    corpus = tmp_path / "corpus"
    assert [str(p) for p in build_corpus(data, corpus).problems] == [
        "r.jsonl:1: breaks the removal schema: not a JSON object"]
    monkeypatch.setattr(archive.corpus, "write_removals", real)
    assert [str(p) for p in build_corpus(data, corpus).problems] == [
        "r.jsonl:2: breaks the removal schema: not a JSON object"]
    assert build_corpus(data, corpus).problems == []


def _entry(manifest: dict, **change: object) -> None:
    """The manifest's one file entry changed: a key set, or removed when given None."""
    [entry] = manifest["files"].values()
    for key, value in change.items():
        if value is None:
            entry.pop(key)
        else:
            entry[key] = value


def _keyed(manifest: dict, key: str = f"0123456789ab/{NAME}", **change: object) -> None:
    """A second entry, of another folder's file of the same name, under ``key``."""
    [entry] = manifest["files"].values()
    other = manifest["files"][key] = dict(entry)
    for field, value in change.items():
        if value is None:
            other.pop(field)
        else:
            other[field] = value


DAMAGES = {  # what was found to crash a build with a traceback, or to drop a file's rows
    "not JSON": lambda m: '{"sch',
    "a list": lambda m: "[]",
    "no files": lambda m: {"schema_version": m["schema_version"]},
    "files a list": lambda m: {**m, "files": []},
    "an entry not an object": lambda m: {**m, "files": {"a.jsonl": 1}},
    "an empty entry": lambda m: {**m, "files": {NAME: {}}},
    "bytes a string": lambda m: _entry(m, bytes="x"),
    "no bytes": lambda m: _entry(m, bytes=None),
    "bytes negative": lambda m: _entry(m, bytes=-1),
    "digest a number": lambda m: _entry(m, digest=5),
    "parts a string": lambda m: _entry(m, parts="versions/x.parquet"),
    "a part outside the corpus": lambda m: _entry(m, parts=["versions/../../x.parquet"]),
    "an absolute part": lambda m: _entry(m, parts=["/tmp/x.parquet"]),
    "a bad checkpoint": lambda m: _entry(m, checkpoints=[[1]]),
    "depends_on a number": lambda m: _entry(m, depends_on=3),
    "path a number": lambda m: _entry(m, path=5),
    "a relative path": lambda m: _entry(m, path=NAME),
    "a path of another name": lambda m: _entry(m, path="/data/items/other.jsonl"),
    "a keyed entry without a path": lambda m: _keyed(m, path=None),
    "two entries of one path": lambda m: _keyed(m),
    "a key of no digest": lambda m: _keyed(m, key=f"x/{NAME}", path="/b/items/" + NAME),
    "complete_digests of lists": lambda m: {**m, "complete_digests": [[2]]},
    "complete_digests a string": lambda m: {**m, "complete_digests": "x"},
    "removals a string": lambda m: {**m, "removals": "x"},
    "removals rows a string": lambda m: {**m, "removals": {**m["removals"], "rows": "x"}},
    "removals files a list": lambda m: {**m, "removals": {**m["removals"], "files": []}},
    "a removals file record without lines": lambda m: {**m, "removals": {
        **m["removals"], "files": {"r.jsonl": {"bytes": 2, "digest": "ab"}}}},
    "an old removals list of strings": lambda m: {**m, "removals": {**m["removals"],
                                                                   "rejected": ["x"]}},
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_manifest_is_an_error_naming_it_and_left_as_it_is(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str) -> None:
    """Not JSON, or not of the manifest's shape: one usage error naming the file, before
    anything is written, and the file left byte for byte as it was (a build on it would
    take every file for new, or drop a file's rows)."""
    from archive.__main__ import main
    from tests.archive.test_corpus_removals import write

    data = items_dir(tmp_path / "d", lines(1))
    write(data, "r.jsonl", ["1"])
    corpus = tmp_path / "c"
    build_corpus(data, corpus)
    manifest = json.loads((corpus / MANIFEST).read_text())
    changed = DAMAGES[damage](manifest)
    text = changed if isinstance(changed, str) else json.dumps(
        manifest if changed is None else changed)
    (corpus / MANIFEST).write_text(text)
    parts = sorted((corpus / "versions").rglob("*.parquet"))
    capsys.readouterr()
    assert main(["corpus", str(data), "-o", str(corpus)]) == 2
    said = capsys.readouterr()
    [error] = said.err.splitlines()
    assert error.startswith(f"error: {corpus / MANIFEST}: not a corpus manifest (")
    assert error.endswith("): left as it is; put back a good copy, or build a new corpus folder")
    assert (corpus / MANIFEST).read_text() == text
    assert sorted((corpus / "versions").rglob("*.parquet")) == parts and said.out == ""


def test_a_corpus_inside_the_items_folder_does_not_read_its_own_files(tmp_path: Path) -> None:
    data = items_dir(tmp_path / "d", "1\n" + lines(1))
    corpus = data / "items"
    first = build_corpus(data, corpus)
    assert first.rejected == 1 and (corpus / "_rejects.jsonl").exists()
    again = build_corpus(data, corpus)
    assert again.problems == [] and again.rows == 0


def test_a_corpus_inside_the_removals_folder_does_not_read_its_own_files(
        tmp_path: Path) -> None:
    """Built into DATA/removals, the corpus read its own _rejects.jsonl as a removals file:
    each build rejected its newest line and appended that rejection, one line more to reject
    next time, exit 1 forever; its folders were named as unread on every build."""
    data = items_dir(tmp_path / "d", "1\n" + lines(1))
    corpus = data / "removals"
    first = build_corpus(data, corpus)
    assert first.rejected == 1 and first.rows == 1 and first.removals == 0
    assert [json.loads(x)["file"] for x in (corpus / "_rejects.jsonl").open(encoding="utf-8")] == [NAME]
    for _ in range(2):
        again = build_corpus(data, corpus)
        assert again.problems == [] and again.rejected == 0 and again.removals == 0
    assert len((corpus / "_rejects.jsonl").read_text("utf-8").splitlines()) == 1


def test_edits_page_commands_are_shell_quoted() -> None:
    """A source or WARC file name with shell syntax in it is one argument of the commands the
    page shows, which a reader pastes into a shell: it must not run anything."""
    import html
    import shlex

    from archive.edits import ReportOptions, _caption
    from archive.history import Version

    version = Version(id="0" * 16, url="https://x.y/a", source="x.y;touch pwned", title="t",
                      published=None, version=2, fetched_at="2026-01-05T10:00:00+00:00",
                      text_sha256="sha256:" + "0" * 64, items_file="i.jsonl",
                      items_line=1, filename="p.parquet",
                      warc={"file": "a;touch pwned2;.warc.gz", "offset": 1,
                            "length": 5, "record_id": "<urn:uuid:1>"})
    shown = _caption(version, ReportOptions(warc_dir="data/my warc"))
    commands = [html.unescape(c) for c in re.findall(r"<code>(.*?)</code>", shown)]
    assert [shlex.split(c) for c in commands] == [
        ["warcio", "extract", "--payload", "data/my warc/a;touch pwned2;.warc.gz", "1"],
        ["scrapy", "crawl", "regional", "-a", "sites=x.y;touch pwned", "-s",
         "WARC_REPLAY=data/my warc", "-s", "WARC_REPLAY_AT=20260105100000"]]
    plain = Version(**{**version.__dict__, "source": "belta"})
    [_, command] = [html.unescape(c) for c in re.findall(r"<code>(.*?)</code>",
                                                        _caption(plain, ReportOptions()))]
    assert command.startswith("scrapy crawl belta -s WARC_REPLAY=")  # nothing to quote

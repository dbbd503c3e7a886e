"""Items files of one name from different folders: crawl files are named
<spider>-<time>-<pid>, so two containers started by cron in the same second write files of
one name. A corpus entry is a file's path, not its name: neither file's rows replace the
other's. What this costs (a moved folder, a corpus built before paths were recorded) gives
a note saying what happened and what to do."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from archive.corpus import MANIFEST, build_corpus
from archive.corpus_schema import CorpusError
from tests.archive.corpus_data import Newsroom, belta_url, duck, edited
from tests.archive.test_corpus_robust import NAME, START, items_dir, lines, urls
from tests.sites.common import paragraphs_for


def reextracted(text: str) -> str:
    """The same captures extracted again by a newer extractor: other item versions."""
    out = []
    for line in text.splitlines():
        item = json.loads(line)
        item["extractor"] = {**item["extractor"], "version": "4"}
        out.append(json.dumps(item, ensure_ascii=False) + "\n")
    return "".join(out)


def rows(corpus: Path) -> list[tuple[str, str]]:
    return duck(corpus).execute(
        "SELECT url, extractor['version'] FROM versions ORDER BY ALL").fetchall()


def manifest(corpus: Path) -> dict:
    return json.loads((corpus / MANIFEST).read_text())


def test_same_name_in_two_data_dirs_keeps_both(tmp_path: Path) -> None:
    a = items_dir(tmp_path / "a", lines(1, 2, 3))
    b = items_dir(tmp_path / "b", lines(4, 5, 6))
    corpus = tmp_path / "corpus"
    build_corpus(a, corpus)
    report = build_corpus(b, corpus)
    assert report.rows == 3 and report.rejected == 0 and report.problems == []
    assert urls(corpus) == sorted(belta_url(n) for n in range(1, 7))
    # each folder again: nothing new, nothing lost
    assert build_corpus(a, corpus).rows == 0 and build_corpus(b, corpus).rows == 0
    assert len(urls(corpus)) == 6
    paths = sorted(entry["path"] for entry in manifest(corpus)["files"].values())
    assert paths == [str((a / "items" / NAME).resolve()), str((b / "items" / NAME).resolve())]


def test_the_second_of_one_name_grows_and_is_rewritten_on_its_own(tmp_path: Path) -> None:
    a = items_dir(tmp_path / "a", lines(1, 2))
    b = items_dir(tmp_path / "b", lines(4))
    corpus = tmp_path / "corpus"
    build_corpus(a, corpus)
    build_corpus(b, corpus)
    items_dir(b, lines(4, 5))  # grown
    assert build_corpus(b, corpus).rows == 1
    items_dir(b, reextracted(lines(4, 5)))  # rewritten in place: its own rows go
    assert build_corpus(b, corpus).rows == 2
    assert rows(corpus) == [(belta_url(1), "3"), (belta_url(2), "3"),
                            (belta_url(4), "4"), (belta_url(5), "4")]


def test_same_path_rewritten_still_replaces(tmp_path: Path) -> None:
    a = items_dir(tmp_path / "a", lines(1, 2, 3))
    corpus = tmp_path / "corpus"
    build_corpus(a, corpus)
    items_dir(a, lines(7, 8))
    build_corpus(a, corpus)
    assert urls(corpus) == sorted(belta_url(n) for n in (7, 8))


def test_already_held_note_names_the_path_of_the_file_holding_it(tmp_path: Path) -> None:
    """The note names the other file by its path, never by an internal entry key."""
    a = items_dir(tmp_path / "a", lines(1))
    b = items_dir(tmp_path / "b", lines(2))
    c = items_dir(tmp_path / "c", lines(3) + lines(2), name="other.jsonl")
    corpus = tmp_path / "corpus"
    build_corpus(a, corpus)
    build_corpus(b, corpus)
    report = build_corpus(c, corpus)
    [note] = report.problems
    assert note.file == "other.jsonl" and note.line == 2 and not note.fatal
    assert note.reason.endswith(f"from {(b / 'items' / NAME).resolve()}: not added again")


def test_manifest_of_old_code_without_paths(tmp_path: Path) -> None:
    """An entry written before paths were kept is the file of its name that still holds its
    bytes; a file of that name with other bytes does not take its rows away."""
    a = items_dir(tmp_path / "a", lines(1, 2))
    corpus = tmp_path / "corpus"
    build_corpus(a, corpus)
    old = manifest(corpus)
    for entry in old["files"].values():
        entry.pop("path", None)
    (corpus / MANIFEST).write_text(json.dumps(old))
    items_dir(a, lines(1, 2, 3))  # grown
    report = build_corpus(a, corpus)
    assert report.rows == 1 and report.problems == []
    assert manifest(corpus)["files"][NAME]["path"] == str((a / "items" / NAME).resolve())
    b = items_dir(tmp_path / "b", lines(4))
    assert build_corpus(b, corpus).problems == []
    assert urls(corpus) == sorted(belta_url(n) for n in (1, 2, 3, 4))


def test_old_manifest_and_a_file_rewritten_in_place_keeps_both_with_a_note(
        tmp_path: Path) -> None:
    """Before paths were recorded, a rewrite in place and another folder's file of that name
    cannot be told apart: the old rows stay beside the new, and the note says so and how to
    drop them."""
    a = items_dir(tmp_path / "a", lines(1, 2))
    corpus = tmp_path / "corpus"
    build_corpus(a, corpus)
    old = manifest(corpus)
    old["files"][NAME].pop("path", None)
    (corpus / MANIFEST).write_text(json.dumps(old))
    items_dir(a, reextracted(lines(1, 2)))
    report = build_corpus(a, corpus)
    assert report.rows == 2 and report.rejected == 0
    [note] = report.problems
    assert note.file == NAME and not note.fatal
    assert "written before entries recorded their path" in note.reason
    assert "its old rows stay beside the new (doubled)" in note.reason
    assert "build a new corpus folder" in note.reason
    assert rows(corpus) == [(belta_url(1), "3"), (belta_url(1), "4"),
                            (belta_url(2), "3"), (belta_url(2), "4")]
    again = build_corpus(a, corpus)
    assert again.rows == 0 and again.problems == []


def test_a_moved_folder_rewritten_in_place_is_doubled_with_a_note(tmp_path: Path) -> None:
    a = items_dir(tmp_path / "a", lines(1, 2))
    corpus = tmp_path / "corpus"
    build_corpus(a, corpus)
    moved = tmp_path / "moved"
    shutil.move(a, moved)
    report = build_corpus(moved, corpus)  # the same bytes: nothing new, no note
    assert report.rows == 0 and report.problems == []
    items_dir(moved, lines(1, 2, 3))  # grown: resumed where the old path's entry stopped
    report = build_corpus(moved, corpus)
    assert report.rows == 1 and report.problems == []
    items_dir(moved, reextracted(lines(1, 2, 3)))
    report = build_corpus(moved, corpus)
    assert report.rows == 3
    [note] = report.problems
    assert note.file == NAME and not note.fatal
    assert str((a / "items" / NAME).resolve()) in note.reason
    assert "its old rows stay beside the new (doubled)" in note.reason
    assert "build a new corpus folder" in note.reason
    # the old path's rows of 1 and 2 stay; the row of 3 the moved file added is replaced
    assert [v for _, v in rows(corpus)] == ["3", "4", "3", "4", "4"]


def test_a_copy_that_grew_elsewhere_is_read_again_when_its_original_is_rewritten(
        tmp_path: Path) -> None:
    """b's file is a's that grew: its entry builds on a's, its parts hold only what it added.
    Rewriting a's file retired a's rows; b's entry stayed, so b's rows of articles 1 and 2
    were gone for good (b was "already in the corpus"). Now b's entry goes too, with a note,
    and b's next build reads it whole."""
    corpus = tmp_path / "corpus"
    a = items_dir(tmp_path / "a", lines(1, 2))
    build_corpus(a, corpus)
    b = items_dir(tmp_path / "b", lines(1, 2, 3))
    build_corpus(b, corpus)
    items_dir(a, reextracted(lines(1, 2)))
    report = build_corpus(a, corpus)
    [note] = [p for p in report.problems if str(b / "items") in p.reason]
    assert not note.fatal and "build it again" in note.reason
    again = build_corpus(b, corpus)
    assert again.rows == 3
    versions = {v for _url, v in rows(corpus)}
    assert len(rows(corpus)) == 5 and "4" in versions and len(versions) == 2


def test_a_grown_copy_whose_file_is_gone_keeps_its_rows(tmp_path: Path) -> None:
    """Its rows are nowhere else: the rewrite of the file it continued does not take them."""
    corpus = tmp_path / "corpus"
    a = items_dir(tmp_path / "a", lines(1, 2))
    build_corpus(a, corpus)
    b = items_dir(tmp_path / "b", lines(1, 2, 3))
    build_corpus(b, corpus)
    shutil.rmtree(b)
    items_dir(a, reextracted(lines(1, 2)))
    build_corpus(a, corpus)
    assert belta_url(3) in urls(corpus)


@pytest.mark.parametrize("elsewhere", [False, True])
def test_a_copy_cut_short_keeps_its_rows_when_the_file_it_continued_is_rewritten(
        tmp_path: Path, elsewhere: bool) -> None:
    """A cut-short file keeps its rows (nothing of it is read); going with the rewritten file
    it continued, its rows of lines past the cut were nowhere else."""
    corpus = tmp_path / "corpus"
    a = items_dir(tmp_path / "a", lines(1, 2), "x.jsonl")
    build_corpus(a, corpus)
    b = items_dir(tmp_path / "b", lines(1, 2, 3, 4), "x.jsonl") if elsewhere else \
        items_dir(a, lines(1, 2, 3, 4), "y.jsonl")
    build_corpus(b, corpus)
    copy = b / "items" / ("x.jsonl" if elsewhere else "y.jsonl")
    copy.write_text(copy.read_text("utf-8")[:-200], "utf-8")
    items_dir(a, reextracted(lines(1, 2)), "x.jsonl")
    build_corpus(a, corpus)
    assert {belta_url(3), belta_url(4)} <= set(urls(corpus))


def test_files_of_one_name_give_one_latest_row_an_article_the_newest(tmp_path: Path) -> None:
    """Their rows were told apart by (items_file, items_line) alone: the namesake's line 1
    joined both files' line 1, so ``latest`` listed each article twice, an old text as new."""
    room = Newsroom()
    first = room.capture(belta_url(1), "belta", "Новость 1", paragraphs_for(1), START, START)
    later = room.capture(belta_url(1), "belta", "Новость 1", edited(paragraphs_for(1)), START,
                         START.replace(hour=START.hour + 1))
    a = items_dir(tmp_path / "a", json.dumps(first, ensure_ascii=False) + "\n" + lines(2))
    b = items_dir(tmp_path / "b", json.dumps(later, ensure_ascii=False) + "\n" + lines(3))
    corpus = tmp_path / "corpus"
    build_corpus(a, corpus)
    build_corpus(b, corpus)
    latest = duck(corpus).execute(
        "SELECT url, version, text_sha256 FROM latest ORDER BY url").fetchall()
    assert [(url, version) for url, version, _ in latest] == [
        (belta_url(1), 2), (belta_url(2), 1), (belta_url(3), 1)]
    assert latest[0][2] == "sha256:" + hashlib.sha256(later["text"].encode()).hexdigest()
    files = duck(corpus).execute("SELECT DISTINCT items_file FROM versions").fetchall()
    assert sorted(len(name.split("/")) for (name,) in files) == [1, 2]  # the second: keyed


def test_a_deleted_part_is_put_back_from_its_file_or_named_when_the_file_is_gone(
        tmp_path: Path) -> None:
    a = items_dir(tmp_path / "a", lines(1, 2), "one.jsonl")
    items_dir(a, lines(3), "two.jsonl")
    corpus = tmp_path / "corpus"
    build_corpus(a, corpus)
    parts = {key: entry["parts"] for key, entry in manifest(corpus)["files"].items()}
    (corpus / parts["one.jsonl"][0]).unlink()  # by hand, or lost with a disk
    report = build_corpus(a, corpus)
    assert report.rows == 2 and report.rejected == 0
    assert ["read again in full" in p.reason for p in report.problems] == [True]
    assert urls(corpus) == sorted(belta_url(n) for n in (1, 2, 3))
    assert build_corpus(a, corpus).problems == []  # put back for good
    (corpus / parts["two.jsonl"][0]).unlink()
    (a / "items" / "two.jsonl").unlink()
    report = build_corpus(a, corpus)
    assert report.rejected == 1 and "not here to read again" in report.problems[0].reason
    assert urls(corpus) == sorted(belta_url(n) for n in (1, 2))


def test_a_folder_where_a_part_should_be_is_one_error_naming_it(tmp_path: Path) -> None:
    """A folder made at a part's path failed every build with pyarrow's "No match for
    FieldRef.Name(id) in __fragment_index"; the build now names the folder and what to do,
    and once it is moved away, the part is put back from its items file."""
    a = items_dir(tmp_path / "a", lines(1, 2), "one.jsonl")
    corpus = tmp_path / "corpus"
    build_corpus(a, corpus)
    part = corpus / manifest(corpus)["files"]["one.jsonl"]["parts"][0]
    part.unlink()
    part.mkdir()
    with pytest.raises(CorpusError, match="a folder stands where a part of the corpus should"):
        build_corpus(a, corpus)
    assert part.is_dir()  # left as it is
    part.rmdir()
    assert build_corpus(a, corpus).rows == 2
    assert urls(corpus) == sorted(belta_url(n) for n in (1, 2))

"""`export-txt --corpus`: the seed-format export selects from the corpus in one command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.__main__ import main
from archive.corpus import build_corpus
from tests.archive.corpus_data import belta_url, several_runs


@pytest.fixture()
def corpus(tmp_path: Path) -> dict:
    runs = several_runs(tmp_path / "data")
    build_corpus(tmp_path / "data", tmp_path / "corpus")
    return {**runs, "corpus": str(tmp_path / "corpus")}


def exported(outdir: Path) -> dict[str, str]:
    """id -> file text, for the NNN_<id>.txt files written."""
    return {p.stem.split("_", 1)[1]: p.read_text("utf-8") for p in sorted(outdir.glob("*.txt"))}


def test_latest_versions_of_one_outlet(corpus, tmp_path: Path) -> None:
    assert main(["export-txt", "--corpus", corpus["corpus"], "--source", "belta", "--latest",
                 str(tmp_path / "out")]) == 0
    files = exported(tmp_path / "out")
    assert len(files) == 7  # seven БЕЛТА articles, one file each, the reprint left out
    v2 = next(i for i in corpus["items"] if i["url"] == corpus["edited_url"] and
              i["version"] == 2)
    assert files[v2["id"]] == f"{v2['title']}\n\n{v2['text']}"


def test_every_version_and_a_publication_window(corpus, tmp_path: Path) -> None:
    assert main(["export-txt", "--corpus", corpus["corpus"], str(tmp_path / "all")]) == 0
    assert len(list((tmp_path / "all").glob("*.txt"))) == 9
    assert main(["export-txt", "--corpus", corpus["corpus"], "--since", "2026-01-06",
                 "--until", "2026-01-06", str(tmp_path / "day")]) == 0
    [only] = exported(tmp_path / "day")  # the article added on the 6th (Minsk time)
    assert only == next(i["id"] for i in corpus["items"] if i["url"] == belta_url(6))


def test_a_list_of_ids(corpus, tmp_path: Path) -> None:
    wanted = [corpus["reprint"]["id"], next(i["id"] for i in corpus["items"]
                                            if i["url"] == belta_url(4))]
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("# the reprint family\n" + "\n".join(wanted) + "\n")
    assert main(["export-txt", "--corpus", corpus["corpus"], "--ids-file", str(ids_file),
                 str(tmp_path / "fam")]) == 0
    assert sorted(exported(tmp_path / "fam")) == sorted(wanted)


def test_an_ids_file_saved_by_windows_tools_selects_every_id(corpus, tmp_path: Path,
                                                             capsys) -> None:
    """Notepad's and Excel's "UTF-8" puts a byte order mark before the first id (and CRLF
    after each): the first id is still an id, not a note about an invisible character."""
    wanted = sorted({i["id"] for i in corpus["items"]})[:2]
    ids_file = tmp_path / "ids.txt"
    ids_file.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(wanted).encode() + b"\r\n")
    assert main(["export-txt", "--corpus", corpus["corpus"], "--latest", "--ids-file",
                 str(ids_file), str(tmp_path / "out")]) == 0
    assert sorted(exported(tmp_path / "out")) == wanted
    assert "note:" not in capsys.readouterr().err


def test_items_file_and_corpus_together_is_a_usage_error(corpus, tmp_path: Path) -> None:
    assert main(["export-txt", "--corpus", corpus["corpus"], "items.jsonl",
                 str(tmp_path / "x")]) == 2
    assert main(["export-txt", str(tmp_path / "x")]) == 2


def test_two_extractions_of_one_capture_are_exported_once_as_latest(tmp_path: Path) -> None:
    """The same capture extracted twice (a crawl's item, and a re-extraction by a newer
    extractor that gave another text): two rows of one id, version and capture time; the
    latest view and the export take one."""
    from archive.corpus_derived import connect
    from archive.corpus_select import Selection, select_items

    runs = several_runs(tmp_path / "data")
    first = sorted((tmp_path / "data" / "items").glob("*.jsonl"))[0]
    item = json.loads(first.read_text("utf-8").splitlines()[0])
    again = {**item, "text": item["text"] + "\n\nФота: БЕЛТА.",
             "extractor": {**item["extractor"], "version": "4"}}
    (tmp_path / "data" / "items" / "zz-reextract.jsonl").write_text(
        json.dumps(again, ensure_ascii=False) + "\n", "utf-8")
    build_corpus(tmp_path / "data", tmp_path / "corpus")
    con = connect(tmp_path / "corpus")
    twice = con.execute("SELECT id FROM versions GROUP BY id, version, fetched_at "
                        "HAVING count(*) = 2").fetchall()
    assert len(twice) == 1
    latest = con.execute("SELECT count(*) FROM latest").fetchone()[0]
    chosen = [i["id"] for i in select_items(tmp_path / "corpus", Selection(latest_only=True))]
    assert len(chosen) == len(set(chosen)) == latest == len({i["id"] for i in runs["items"]})


def test_every_version_of_an_edited_article_in_version_order(corpus, tmp_path: Path) -> None:
    edited = sorted((i for i in corpus["items"] if i["url"] == corpus["edited_url"]),
                    key=lambda i: i["version"])
    assert main(["export-txt", "--corpus", corpus["corpus"], "--id", edited[0]["id"],
                 str(tmp_path / "v")]) == 0
    texts = [p.read_text("utf-8") for p in sorted((tmp_path / "v").glob("*.txt"))]
    assert texts == [f"{i['title']}\n\n{i['text']}" for i in edited] and len(texts) == 2


def test_an_id_or_outlet_that_selects_nothing_is_named(corpus, tmp_path: Path, capsys) -> None:
    """A mistyped id or outlet is not a silent empty export: each one that matched no row is
    named on stderr; the rest is exported as asked."""
    known = corpus["reprint"]["id"]
    assert main(["export-txt", "--corpus", corpus["corpus"], "--id", known, "--id",
                 "0123456789abcdef", "--source", "shklovinfo.by", "--source", "belta.by",
                 str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "no row selected of id 0123456789abcdef" in err
    assert "no row selected of outlet belta.by" in err
    assert known not in err and "outlet shklovinfo.by" not in err
    assert list(exported(tmp_path / "out")) == [known]


@pytest.mark.parametrize("command", ["export-txt", "edits"])
def test_a_window_with_no_day_is_a_usage_error(corpus, tmp_path: Path, capsys,
                                              command: str) -> None:
    """--since after --until selected nothing and said nothing."""
    where = (["--corpus", corpus["corpus"], str(tmp_path / "out")] if command == "export-txt"
             else [corpus["corpus"], "-o", str(tmp_path / "edits.html")])
    assert main([command, *where, "--since", "2026-02-01", "--until", "2026-01-01"]) == 2
    assert "--since 2026-02-01 is after --until 2026-01-01" in capsys.readouterr().err
    assert not (tmp_path / "out").exists() and not (tmp_path / "edits.html").exists()


def test_versions_stay_consecutive_when_a_later_one_is_redated(tmp_path: Path) -> None:
    """An outlet that re-dates a story gives its v2 another `published`: the versions are
    still consecutive files, at the place of the earliest version."""
    from datetime import timedelta

    from tests.archive.corpus_data import START, Newsroom, write_run
    room = Newsroom()
    a, b = belta_url(1), belta_url(2)
    hour = timedelta(hours=1)
    items = [room.capture(a, "belta", "A", ["A first."], START, START + hour),
             room.capture(b, "belta", "B", ["B only."], START + 2 * hour, START + 3 * hour),
             room.capture(a, "belta", "A", ["A second."], START + 4 * hour, START + 5 * hour)]
    write_run(tmp_path / "data", "belta", START, items)
    build_corpus(tmp_path / "data", tmp_path / "corpus")
    assert main(["export-txt", "--corpus", str(tmp_path / "corpus"), str(tmp_path / "out")]) == 0
    assert [p.read_text("utf-8") for p in sorted((tmp_path / "out").glob("*.txt"))] == [
        "A\n\nA first.", "A\n\nA second.", "B\n\nB only."]


def test_an_undated_item_is_on_its_capture_day_in_utc_and_the_help_says_so(
        tmp_path: Path, capsys) -> None:
    """An item with no publication date carries no zone of its outlet (``fetched_at`` is
    UTC): captured at 00:30 in Minsk on the 31st, it is on the 30th for ``--since/--until``,
    and the command's help says the capture day is the UTC day rather than leave the
    analyst to expect the outlet's."""
    from datetime import UTC, datetime

    from tests.archive.corpus_data import Newsroom, write_run
    captured = datetime(2026, 1, 30, 21, 30, tzinfo=UTC)  # 00:30 on the 31st in Minsk
    item = Newsroom().capture(belta_url(90), "belta", "Без даты", ["Текст без даты."],
                              captured, captured)
    write_run(tmp_path / "data", "belta", captured, [{**item, "published": None}])
    build_corpus(tmp_path / "data", tmp_path / "corpus")
    for day, count in (("2026-01-30", 1), ("2026-01-31", 0)):
        out = tmp_path / f"out-{day}"
        assert main(["export-txt", "--corpus", str(tmp_path / "corpus"), "--since", day,
                     "--until", day, str(out)]) == 0
        assert len(list(out.glob("*.txt"))) == count
    with pytest.raises(SystemExit):
        main(["export-txt", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "an item with no date is on its capture day in UTC" in help_text

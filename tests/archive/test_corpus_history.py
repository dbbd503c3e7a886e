"""`python -m archive history`, the edits table and word diffs of Russian/Belarusian text."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from archive.__main__ import main
from archive.corpus import build_corpus
from archive.corpus_derived import connect
from archive.export_txt import seed_text
from archive.history import article_history, format_history
from archive.wordiff import changed_words, marked_sides, render_text, tokens, word_diff
from tests.archive.corpus_data import (
    EDIT_DETAIL,
    EDIT_SENTENCE,
    START,
    Newsroom,
    belta_url,
    edited,
    several_runs,
    write_run,
)
from tests.sites.common import paragraphs_for


@pytest.fixture()
def corpus(tmp_path: Path) -> dict:
    runs = several_runs(tmp_path / "data")
    build_corpus(tmp_path / "data", tmp_path / "corpus")
    return {**runs, "corpus": tmp_path / "corpus", "data": tmp_path / "data"}


def test_tokens_are_whole_cyrillic_words_and_punctuation() -> None:
    assert tokens("Сёння ў Шклове з'езд, пад’езд і военно-политический курс.") == [
        "Сёння", "ў", "Шклове", "з'езд", ",", "пад’езд", "і", "военно-политический", "курс",
        "."]


def test_a_corrected_figure_is_one_changed_word() -> None:
    ops = word_diff("Рост составил 2,1 % за квартал.", "Рост составил 1,2 % за квартал.")
    assert render_text(ops) == "Рост составил [-2,1-] {+1,2+} % за квартал."


def test_a_changed_letter_marks_its_whole_word() -> None:
    ops = word_diff("Встреча прошла в Могилеве.", "Встреча прошла в Могилёве.")
    assert render_text(ops) == "Встреча прошла в [-Могилеве-] {+Могилёве+} ."
    assert changed_words(ops) == (1, 1)


def test_whitespace_and_paragraph_breaks_alone_are_no_edit() -> None:
    old = "Первый абзац текста.\n\nВторой абзац."
    assert word_diff(old, "Первый  абзац\u00a0текста.\nВторой абзац.  ") == []
    # Decomposed letters (й as и + combining breve) are the same word after NFC.
    assert word_diff("Край", "Кра\u0438\u0306") == []


def test_marked_sides_keep_the_original_spacing() -> None:
    old, new = "Раз два.\n\nТри.", "Раз два.\n\nТри четыре."
    left, right = marked_sides(old, new)
    assert "".join(t for _, t in left) == old and "".join(t for _, t in right) == new
    assert [t for k, t in right if k == "insert"] == ["четыре"]
    assert all(k == "equal" for k, _ in left)


def test_history_lists_every_version_with_capture_digest_warc_and_diff(corpus, capsys) -> None:
    assert main(["history", str(corpus["corpus"]), corpus["edited_url"]]) == 0
    out = capsys.readouterr().out
    v1, v2 = [i for i in corpus["items"] if i["url"] == corpus["edited_url"]]
    for item in (v1, v2):
        line = next(x for x in out.splitlines() if x.startswith(f"version {item['version']} "))
        assert item["fetched_at"] in line
        assert f"{item['warc']['file']} @ {item['warc']['offset']}" in line
        assert "sha256:" in line
    assert "version 1 -> 2" in out
    assert "{+" + EDIT_SENTENCE.rstrip(".") in out
    assert "{+" + EDIT_DETAIL + "+} ." in out
    by_id = capsys.readouterr()
    assert main(["history", str(corpus["corpus"]), v1["id"]]) == 0
    assert capsys.readouterr().out == out and by_id.err == ""


def test_history_of_an_unknown_article_is_a_usage_error(corpus, capsys) -> None:
    assert main(["history", str(corpus["corpus"]), "https://www.belta.by/nope/"]) == 2
    assert "no article" in capsys.readouterr().err


def test_edits_view_answers_edited_after_publication_with_diffs(corpus) -> None:
    con = connect(corpus["corpus"])
    rows = con.execute("SELECT url, version, previous_version, added_words, diff "
                       "FROM edits").fetchall()
    assert len(rows) == 1
    url, version, previous, added, diff = rows[0]
    assert (url, version, previous) == (corpus["edited_url"], 2, 1)
    assert added == len(EDIT_SENTENCE.split()) + 2  # the sentence and "в понедельник"
    assert "{+Позднее в пресс-службе уточнили детали переговоров.+}" in diff


def test_whitespace_only_new_version_is_not_an_edit(corpus, capsys) -> None:
    item = next(i for i in corpus["items"] if i["version"] == 1)
    rewrapped = {**item, "version": 2, "text": item["text"].replace("\n\n", "\n\n\n").replace(
        " ", "  "), "fetched_at": "2026-01-09T10:00:00+00:00",
        "previous_version_digest": "sha256:" + "1" * 64}
    path = write_run(corpus["data"], "belta", datetime(2026, 1, 9), [rewrapped])
    assert json.loads(path.read_text())["version"] == 2
    report = build_corpus(corpus["data"], corpus["corpus"])
    assert report.rows == 1
    con = connect(corpus["corpus"])
    assert con.execute("SELECT count(*) FROM edits WHERE id = ?", [item["id"]]).fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM edits").fetchone()[0] == 1  # only the real one
    assert main(["history", str(corpus["corpus"]), item["id"]]) == 0
    assert "version 1 -> 2: no word of the text changed" in capsys.readouterr().out


def test_diffs_are_computed_once_per_version(corpus) -> None:
    before = sorted((corpus["corpus"] / "edits").glob("*.parquet"))
    report = build_corpus(corpus["data"], corpus["corpus"])
    assert report.edits == 0
    assert sorted((corpus["corpus"] / "edits").glob("*.parquet")) == before


def _edit_rows(corpus: Path, article: str) -> list[tuple]:
    return connect(corpus).execute(
        "SELECT version, previous_version, diff FROM read_parquet('edits/*.parquet') "
        "WHERE id = ? ORDER BY version", [article]).fetchall()


def test_an_items_file_rewritten_in_place_has_its_diffs_made_again(corpus) -> None:
    """A re-extraction rewrites a run's items with better text: the stored diff follows it."""
    second = corpus["files"][1]
    edited_item = next(i for i in corpus["items"]
                       if i["url"] == corpus["edited_url"] and i["version"] == 2)
    better = "Позднее пресс-служба опубликовала полный текст заявления."
    lines = [json.loads(line) for line in second.read_text("utf-8").splitlines()]
    for item in lines:
        if item["id"] == edited_item["id"]:
            item["text"] = item["text"].replace(EDIT_SENTENCE, better)
    second.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in lines), "utf-8")
    build_corpus(corpus["data"], corpus["corpus"])
    rows = _edit_rows(corpus["corpus"], edited_item["id"])
    assert [(v, p) for v, p, _ in rows] == [(2, 1)]
    assert better in rows[0][2] and EDIT_SENTENCE not in rows[0][2]
    assert not (corpus["corpus"] / "edits" / "_stale_ids.txt").exists()


def test_diffs_of_an_article_dropped_from_a_rewritten_file_go_too(corpus) -> None:
    second = corpus["files"][1]
    edited_id = next(i["id"] for i in corpus["items"] if i["url"] == corpus["edited_url"])
    kept = [line for line in second.read_text("utf-8").splitlines()
            if json.loads(line)["id"] != edited_id]
    second.write_text("\n".join(kept) + "\n", "utf-8")
    build_corpus(corpus["data"], corpus["corpus"])
    assert _edit_rows(corpus["corpus"], edited_id) == []
    assert connect(corpus["corpus"]).execute("SELECT count(*) FROM edits").fetchone()[0] == 0


def test_a_late_version_is_diffed_against_its_neighbours(tmp_path: Path) -> None:
    """Versions 1 and 3 are built first; version 2 arrives later (an older run's file)."""
    room = Newsroom()
    body = paragraphs_for(300)
    texts = [body, edited(body), [*edited(body), "Добавлен ещё один абзац о переговорах."]]
    items = [room.capture(belta_url(9), "belta", "Новость 9", text, START,
                          START + timedelta(days=day)) for day, text in enumerate(texts)]
    data, corpus = tmp_path / "data", tmp_path / "corpus"
    write_run(data, "belta", START, [items[0]])
    write_run(data, "belta", START + timedelta(days=2), [items[2]])
    build_corpus(data, corpus)
    assert [(v, p) for v, p, _ in _edit_rows(corpus, items[0]["id"])] == [(3, 1)]
    write_run(data, "belta", START + timedelta(days=1), [items[1]])
    build_corpus(data, corpus)
    rows = _edit_rows(corpus, items[0]["id"])
    assert [(v, p) for v, p, _ in rows] == [(2, 1), (3, 2)]
    assert f"{{+{EDIT_SENTENCE}+}}" in rows[0][2]
    assert "{+Добавлен ещё один абзац" in rows[1][2]
    assert f"{{+{EDIT_SENTENCE}" not in rows[1][2]  # version 2 said it already


def test_a_build_that_dies_before_diffing_leaves_no_stale_diff(corpus, monkeypatch) -> None:
    import archive.corpus_derived as derived

    second = corpus["files"][1]
    edited_id = next(i["id"] for i in corpus["items"] if i["url"] == corpus["edited_url"])
    second.write_text(second.read_text("utf-8").replace(EDIT_SENTENCE, "Текст исправлен."),
                      "utf-8")

    def dies(*_: object) -> int:
        raise RuntimeError("killed")

    with monkeypatch.context() as patched:
        patched.setattr(derived, "_write_edits", dies)
        with pytest.raises(RuntimeError):
            build_corpus(corpus["data"], corpus["corpus"])
    assert (corpus["corpus"] / "edits" / "_stale_ids.txt").exists()
    build_corpus(corpus["data"], corpus["corpus"])  # the items file is ingested already
    (diff,) = [d for _, _, d in _edit_rows(corpus["corpus"], edited_id)]
    assert "{+Текст исправлен.+}" in diff and EDIT_SENTENCE not in diff


def test_a_plain_new_version_leaves_the_stored_diffs_alone(corpus) -> None:
    """A build costs what is new: version 3 is diffed against 2, the file holding 2's diff
    is not rewritten."""
    before = {p: p.read_bytes() for p in (corpus["corpus"] / "edits").glob("*.parquet")}
    edited = max((i for i in corpus["items"] if i["url"] == corpus["edited_url"]),
                 key=lambda i: i["version"])
    third = {**edited, "version": 3, "text": edited["text"] + " Добавлено позже.",
             "fetched_at": "2026-01-10T10:00:00+00:00",
             "previous_version_digest": "sha256:" + "2" * 64}
    write_run(corpus["data"], "belta", datetime(2026, 1, 10), [third])
    build_corpus(corpus["data"], corpus["corpus"])
    assert all(p.read_bytes() == data for p, data in before.items())
    assert [(v, p) for v, p, _ in _edit_rows(corpus["corpus"], edited["id"])] == [(2, 1), (3, 2)]


def test_a_torn_last_mark_does_not_stop_the_build(corpus) -> None:
    """A crash mid-append can leave half a line in edits/_stale_ids.txt; the manifest had not
    moved past that file, so the next build reads it again and marks its articles anew."""
    second = corpus["files"][1]
    edited_id = next(i["id"] for i in corpus["items"] if i["url"] == corpus["edited_url"])
    second.write_text(second.read_text("utf-8").replace(EDIT_SENTENCE, "Текст исправлен."),
                      "utf-8")
    (corpus["corpus"] / "edits" / "_stale_ids.txt").write_text("0123456789abcdef,2\n3f2a9c",
                                                               "utf-8")
    build_corpus(corpus["data"], corpus["corpus"])
    (diff,) = [d for _, _, d in _edit_rows(corpus["corpus"], edited_id)]
    assert "{+Текст исправлен.+}" in diff


def test_a_torn_last_mark_alone_does_not_stop_the_build(corpus) -> None:
    marks = corpus["corpus"] / "edits" / "_stale_ids.txt"
    marks.write_text("0123456789abcdef,2\n3f2a9c", "utf-8")
    build_corpus(corpus["data"], corpus["corpus"])  # nothing new to ingest: the marks are read
    assert not marks.exists()
    assert connect(corpus["corpus"]).execute("SELECT count(*) FROM edits").fetchone()[0] == 1


def test_a_mark_after_a_torn_line_starts_its_own_line(tmp_path: Path) -> None:
    from archive.corpus_derived import STALE_IDS, mark_edits_stale

    marks = tmp_path / STALE_IDS
    marks.parent.mkdir()
    marks.write_text("3f2a9c", "utf-8")
    mark_edits_stale(tmp_path, {"0123456789abcdef": 2})
    assert marks.read_text("utf-8").splitlines() == ["3f2a9c", "0123456789abcdef,2"]


def test_history_shows_a_changed_headline_and_a_removed_paragraph(tmp_path: Path) -> None:
    """Three runs: the headline is changed with a sentence added, then a paragraph is cut.
    Each step of ``history`` says what changed, the headline included."""
    room, url, body = Newsroom(), belta_url(40), paragraphs_for(140)
    cut = edited(body)
    runs = [("Лукашенко провел совещание", body),
            ("Лукашенко провел совещание по экономике", cut),
            ("Лукашенко провел совещание по экономике", cut[:2] + cut[3:])]
    for n, (title, paragraphs) in enumerate(runs):
        when = START + timedelta(days=n)
        write_run(tmp_path / "data", "belta", when,
                  [room.capture(url, "belta", title, paragraphs, START, when)])
    build_corpus(tmp_path / "data", tmp_path / "corpus")
    out = format_history(*article_history(tmp_path / "corpus", url))
    first, second = out.split("\nversion 1 -> 2")[1].split("\nversion 2 -> 3")
    assert "title: Лукашенко провел совещание {+по экономике+}" in first
    assert "title:" not in second
    removed = len(re.findall(r"\w+", cut[2]))
    assert f": {removed} word(s) removed, 0 added" in second
    assert "[-" + cut[2].split()[0] in second.replace("[-. ", "[-")


def test_edits_view_has_its_times_as_timestamps(corpus) -> None:
    """As in ``versions``: the ISO texts stay, and ``*_ts`` columns are TIMESTAMPTZ, so an
    analyst can bucket edits by hour or take the delay after publication."""
    con = connect(corpus["corpus"])
    v1, v2 = [i for i in corpus["items"] if i["url"] == corpus["edited_url"]]
    [(fetched, previous, published, delay)] = con.execute(
        "SELECT fetched_ts, previous_fetched_ts, published_ts, "
        "fetched_ts - published_ts FROM edits").fetchall()
    moment = datetime.fromisoformat
    assert (fetched, previous, published) == (moment(v2["fetched_at"]),
                                              moment(v1["fetched_at"]),
                                              moment(v2["published"]))
    assert delay == moment(v2["fetched_at"]) - moment(v2["published"])
    types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE edits)").fetchall())
    assert {types[c] for c in ("fetched_ts", "previous_fetched_ts", "published_ts")} == {
        "TIMESTAMP WITH TIME ZONE"}


def test_one_version_number_given_to_two_texts_is_said_in_the_history(tmp_path: Path,
                                                                      capsys) -> None:
    """Two data folders (or a state store reset) each number their first capture 1: the
    later text was listed as the same version "also captured", its edit unseen."""
    url = belta_url(77)
    first = Newsroom().capture(url, "belta", "Новость", paragraphs_for(77), START, START)
    later = Newsroom().capture(url, "belta", "Новость", edited(paragraphs_for(77)), START,
                               START + timedelta(days=2))
    assert first["version"] == later["version"] == 1
    write_run(tmp_path / "a", "belta", datetime(2026, 1, 5), [first])
    write_run(tmp_path / "b", "belta", datetime(2026, 1, 7), [later])
    corpus = tmp_path / "corpus"
    build_corpus(tmp_path / "a", corpus)
    build_corpus(tmp_path / "b", corpus)
    assert main(["history", str(corpus), url]) == 0
    out = capsys.readouterr().out
    digest = "sha256:" + hashlib.sha256(later["text"].encode()).hexdigest()
    assert f"also captured {later['fetched_at']} with another text {digest}" in out, out


def test_latest_is_the_newest_capture_though_a_reset_store_numbered_it_lower(
        tmp_path: Path) -> None:
    """One data folder's store numbered two texts 1 and 2; another's (or the same store
    reset) numbers a later text 1: ``latest`` is that later capture, as the docs say, not
    version 2 by its higher number."""
    url = belta_url(78)
    room = Newsroom()
    v1 = room.capture(url, "belta", "Новость", paragraphs_for(78), START, START)
    v2 = room.capture(url, "belta", "Новость", edited(paragraphs_for(78)), START,
                      START + timedelta(days=1))
    later = Newsroom().capture(url, "belta", "Новость", paragraphs_for(79), START,
                               START + timedelta(days=30))
    assert (v1["version"], v2["version"], later["version"]) == (1, 2, 1)
    write_run(tmp_path / "a", "belta", datetime(2026, 1, 6), [v1, v2])
    write_run(tmp_path / "b", "belta", datetime(2026, 2, 5), [later])
    corpus = tmp_path / "corpus"
    build_corpus(tmp_path / "a", corpus)
    build_corpus(tmp_path / "b", corpus)
    assert connect(corpus).execute("SELECT text, fetched_at FROM latest").fetchall() == [
        (later["text"], later["fetched_at"])]
    assert main(["export-txt", "--corpus", str(corpus), "--latest", str(tmp_path / "out")]) == 0
    (exported,) = (tmp_path / "out").iterdir()
    assert exported.read_text("utf-8").endswith(later["text"])


def test_an_edit_past_the_token_cap_is_still_found() -> None:
    """The cap applies to the changed middle, not to the text: an edit after 60,000 words of
    shared text is a change, shown with its words."""
    body = " ".join(f"w{i}" for i in range(60_000))
    ops = word_diff(body, body + " Позднее опровергли.")
    assert changed_words(ops) == (0, 2)
    assert render_text(ops).endswith("w59999 {+Позднее опровергли.+}")
    old_side, new_side = marked_sides(body, body + " Позднее опровергли.")
    assert ("insert", "Позднее опровергли.") in new_side
    assert all(kind == "equal" for kind, _ in old_side)


def test_a_change_longer_than_the_cap_says_so(monkeypatch) -> None:
    """Past the cap the rest of the changed middle is removed and added whole, with a note."""
    import archive.wordiff as wordiff
    monkeypatch.setattr(wordiff, "MAX_TOKENS", 5)
    monkeypatch.setattr(wordiff, "_MARGIN", 0)
    old = "x y " + " ".join(f"a{i}" for i in range(20)) + " z"
    new = "x y " + " ".join(f"b{i}" for i in range(20)) + " z"
    ops = word_diff(old, new)
    assert changed_words(ops) == (20, 20)
    text = render_text(ops)
    assert "over 5 words a side: its last 15 and 15 words are shown removed and added whole" in text
    assert "{+b5 b6" in text and text.endswith("b19+} z")


def test_a_diff_of_few_distinct_words_is_bounded_in_time() -> None:
    """difflib is quadratic, or worse, in a middle of few distinct tokens: two versions of a
    text holding a rule of 12,000 dashes took ~25 s to diff (50,000 dashes, many minutes), in
    ``corpus``, ``history`` and ``edits`` alike. Past its budget the alignment covers fewer
    tokens and says so; the changed words at both ends are still shown."""
    import time

    old = "начало " + "-" * 12_000 + " конец"
    new = "пачатак " + "-" * 11_993 + " канец"
    start = time.process_time()  # (CPU time: a busy machine's other work is not counted)
    ops = word_diff(old, new)
    old_side, new_side = marked_sides(old, new)
    assert time.process_time() - start < 10  # about 1 s; unbounded, about 50 s
    text = render_text(ops)
    assert text.startswith("[-начало-] {+пачатак+}") and text.endswith("канец+}")
    assert "too long or repetitive to align past" in text
    assert changed_words(ops) == (2, 2)
    assert ("delete", "начало") in old_side and ("insert", "пачатак") in new_side


def _long_edited_articles(data: Path, count: int, words: int) -> None:
    """``count`` articles of ``words`` words each, each edited once at its end."""
    from tests.archive.corpus_data import START, Newsroom, belta_url, write_run
    room = Newsroom()
    later = START + timedelta(days=1)
    first, second = [], []
    for n in range(count):
        body = " ".join(f"слова{n}x{i}" for i in range(words))
        first.append(room.capture(belta_url(n), "belta", "T", [body], START, START))
        second.append(room.capture(belta_url(n), "belta", "T", [body, "Дапоўнена."], START,
                                   later))
    write_run(data, "belta", START, first)
    write_run(data, "belta", later, second)


def test_the_diffs_of_long_edited_texts_fit_the_memory_cap(tmp_path: Path,
                                                           monkeypatch) -> None:
    """Versions' texts are read two at a time, not for a batch of 200 articles: texts of
    many long articles at once passed DuckDB's cap and the build failed "Out of Memory"
    (each rerun again, redoing the same diffs). 12 articles x 2 versions x ~1 MB under a
    64 MB cap stands for 200 x 2 x 1.3 MB under 512 MB."""
    import archive.corpus_derived as derived
    _long_edited_articles(tmp_path / "data", 12, 70_000)
    monkeypatch.setattr(derived, "MEMORY_LIMIT", "64MB")
    corpus = tmp_path / "corpus"
    report = build_corpus(tmp_path / "data", corpus)
    assert report.edits == 12
    assert not (corpus / "edits" / "_stale_ids.txt").exists()
    # what a build that died in the diff step leaves: every article marked; the next build
    # diffs them all again, within the cap, and removes the mark
    ids = [r[0] for r in connect(corpus).execute("SELECT DISTINCT id FROM edits").fetchall()]
    (corpus / "edits" / "_stale_ids.txt").write_text("".join(f"{i},0\n" for i in ids))
    report = build_corpus(tmp_path / "data", corpus)
    assert report.edits == 12
    assert not (corpus / "edits" / "_stale_ids.txt").exists()
    rows = connect(corpus).execute(
        "SELECT removed_words, added_words, diff FROM edits ORDER BY id").fetchall()
    assert len(rows) == 12
    assert all(r[:2] == (0, 1) and r[2].endswith("{+Дапоўнена.+}") for r in rows)


def test_a_version_in_no_warc_record_offers_no_replay_of_another_capture(tmp_path: Path) -> None:
    """A crawl run without WARC writing, then one with it: the first version is in no WARC
    record. Its caption in the edits page offered a pywb link and a WARC_REPLAY_AT command at
    its time, which replay the capture nearest that time: the second version's text, shown
    as the first's. It now says there is none and why; the archived version keeps both."""
    import html

    from tests.archive.corpus_data import run_archive

    room, body = Newsroom(), paragraphs_for(7)
    first = room.capture(belta_url(7), "belta", "Новость 7", body, START, START)
    later = START + timedelta(days=1)
    second = room.capture(belta_url(7), "belta", "Новость 7", edited(body), START, later)
    write_run(tmp_path / "data", "belta", START, [{**first, "warc": None}])
    write_run(tmp_path / "data", "belta", later, [second])
    build_corpus(tmp_path / "data", tmp_path / "corpus")
    page = tmp_path / "edits.html"
    res = run_archive("edits", tmp_path / "corpus", "-o", page)
    assert res.returncode == 0, res.stderr
    captions = [html.unescape(c) for c in re.findall(r'<div class="cap">(.*?)</div>',
                                                     page.read_text("utf-8"))]
    assert len(captions) == 2
    assert "Replay: none (no WARC record holds this capture; a replay at its time would show " \
           "another)" in captions[0]
    assert "localhost:8080" not in captions[0] and "WARC_REPLAY" not in captions[0]
    stamp = f"{later:%Y%m%d%H%M%S}"
    assert f"http://localhost:8080/archive/{stamp}/{belta_url(7)}" in captions[1]
    assert f"-s WARC_REPLAY_AT={stamp}" in captions[1]
    assert f"warcio extract --payload data/warc/{second['warc']['file']}" in captions[1]


@pytest.mark.parametrize("left", [b"", b"\0" * 4096, b"3f2a9c", b"3f2a9c\xd0\n"],
                         ids=["empty", "nul-filled", "torn", "not-utf8"])
def test_a_marks_file_with_no_readable_line_does_not_stop_every_build(
        corpus, left: bytes) -> None:
    """A marks file holding no line DuckDB can read as CSV (emptied by hand, zeroed or cut
    on a damaged disk) failed the build, "Error when sniffing file", and every build after it
    until it was deleted by hand. It is now marks of nothing: the diffs stay as they are."""
    marks = corpus["corpus"] / "edits" / "_stale_ids.txt"
    marks.write_bytes(left)
    build_corpus(corpus["data"], corpus["corpus"])  # nothing new to ingest: the marks are read
    assert not marks.exists()
    edits = connect(corpus["corpus"]).execute("SELECT id, version, diff FROM edits").fetchall()
    assert len(edits) == 1 and EDIT_SENTENCE in edits[0][2]


HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x1b[1;31m"  # retitle the window, clear the screen, red
HOSTILE_EDIT = "Дапоўнена\x08\x08\x08\x08 \r\x9b2K подпись \x7f"  # backspaces, CR, C1 CSI, DEL
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def test_history_shows_control_characters_of_outlet_text_escaped_but_stores_them(
        tmp_path: Path, capsys) -> None:
    """A hostile page's escape sequences, backspaces, carriage returns and C1 controls are
    printed by ``history`` as visible ``\\xNN`` (they rewrote the analyst's terminal when
    printed raw); the corpus and a text export keep every character."""
    room, url, body = Newsroom(), belta_url(41), paragraphs_for(141)
    runs = [("Заголовок", [*body, "Начало " + HOSTILE]),
            ("Заголовок \x9b2J\x1b[8m", [*body, "Начало " + HOSTILE + " " + HOSTILE_EDIT])]
    for n, (title, paragraphs) in enumerate(runs):
        when = START + timedelta(days=n)
        write_run(tmp_path / "data", "belta", when,
                  [room.capture(url, "belta", title, paragraphs, START, when)])
    corpus = tmp_path / "corpus"
    build_corpus(tmp_path / "data", corpus)
    assert main(["history", str(corpus), url]) == 0
    out = capsys.readouterr().out
    assert not CONTROL.findall(out.replace("\n", "")), CONTROL.findall(out.replace("\n", ""))
    change = out.split("version 1 -> 2")[1]
    assert "title: Заголовок {+\\x9b 2J \\x1b [ 8m+}" in change
    assert "{+Дапоўнена \\x08 \\x08 \\x08 \\x08 \\x9b 2K подпись \\x7f+}" in change
    stored = connect(corpus).execute(
        "SELECT title, text FROM versions WHERE version = 2").fetchone()
    assert stored[0] == runs[1][0] and stored[1].endswith(HOSTILE + " " + HOSTILE_EDIT)
    assert main(["export-txt", "--corpus", str(corpus), "--latest",
                 str(tmp_path / "txt")]) == 0
    (exported,) = (tmp_path / "txt").glob("*.txt")
    text = exported.read_bytes().decode("utf-8")  # the seed format's line ends, all else kept
    assert text == seed_text(runs[1][0], stored[1])
    assert HOSTILE in text and "\x08\x08\x08\x08 \n\x9b2K подпись \x7f" in text

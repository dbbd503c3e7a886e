"""The edit report: one static HTML page showing what changed in articles, as evidence.

Each article with a new version captured in the window gets its consecutive versions side by
side, removed words in ``<del>`` (red, struck through) and added words in ``<ins>`` (green,
underlined), each version's capture time, WARC record, and how to replay it (a pywb URL with
the capture timestamp, the ``warcio extract`` and ``scrapy crawl … WARC_REPLAY_AT`` commands).

The page needs no script and loads nothing: inline CSS only, and a Content-Security-Policy
forbidding everything else, on top of escaping every text that came from an outlet. It is
written as it is produced, a batch of articles at a time, so its size does not set memory.
"""

from __future__ import annotations

import html
import itertools
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

import duckdb

from .corpus_derived import connect
from .fileio import whole_lines
from .history import Change, Version, changes, fetch_versions, warc_place
from .schema import url_error
from .wordiff import marked_sides

BATCH_IDS = 200

STYLE = """
body{font:15px/1.5 "DejaVu Sans",Arial,sans-serif;margin:1.5em;color:#111;background:#fff}
h1{font-size:1.5em}h2{font-size:1.2em;margin:1.6em 0 .2em}h3{font-size:1em;margin:.8em 0 .3em}
.meta{color:#444;margin:0 0 .5em}.article{border-top:2px solid #999;padding-top:.5em}
.sides{display:grid;grid-template-columns:1fr 1fr;gap:1em}
.side{border:1px solid #ccc;padding:.5em;min-width:0}
.cap{font-size:.85em;color:#333;border-bottom:1px solid #ddd;margin-bottom:.5em;
     overflow-wrap:anywhere}
.text{white-space:pre-wrap;overflow-wrap:anywhere}
time{white-space:nowrap}
code{font-size:.9em;background:#f3f3f3;overflow-wrap:anywhere}
del{background:#ff9c9c;color:#600;text-decoration:line-through}
ins{background:#8fe39a;color:#053;text-decoration:underline}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
"""


@dataclass(frozen=True)
class ReportOptions:
    since: str | None = None  # YYYY-MM-DD, inclusive, on the capture day (UTC) of the edit
    until: str | None = None
    sources: tuple[str, ...] = ()
    replay_base: str = "http://localhost:8080/archive/"  # a pywb collection
    warc_dir: str = "data/warc"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _stamp(fetched_at: str) -> str | None:
    """The 14-digit WARC/pywb timestamp of an ISO capture time; None when it names no real
    instant (the item schema checks the shape only: 2026-02-30 passes it)."""
    try:
        moment = datetime.fromisoformat(fetched_at.replace("Z", "+00:00")).astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return moment.strftime("%Y%m%d%H%M%S")


def _no_replay(v: Version) -> str | None:
    """Why no replay link or command can be made for a version, or None: its capture time
    names no instant, or its url is no URL (a row of a corpus built before loading refused
    such lines, :func:`archive.schema.url_error`: splitting it for the command raised, and
    the whole report was lost)."""
    if _stamp(v.fetched_at) is None:
        return f"capture time {v.fetched_at!r} is not a date"
    return url_error({"url": v.url})


def _spider_args(version: Version) -> str:
    """National outlets have a spider of their name; district sites (hosts) are ``regional``;
    a site no rule knows was crawled by ``site`` from its address (its items file is named
    ``site-<time>.jsonl``, as every crawl names its file by its spider). Shell-quoted: a
    reader pastes the page's commands into a shell, and a source is data."""
    source = version.source
    if Path(version.items_file).name.startswith("site-"):
        parts = urlsplit(version.url)
        return f"site -a {shlex.quote(f'url={parts.scheme}://{parts.netloc}/')}"
    return (f"regional -a {shlex.quote(f'sites={source}')}" if "." in source
            else shlex.quote(source))


def _in_window(new: Version, options: ReportOptions) -> bool:
    """Whether the change to version ``new`` was captured in the window."""
    day = new.fetched_at[:10]
    return (not options.since or day >= options.since) and (
        not options.until or day <= options.until)


def edited_ids(con: duckdb.DuckDBPyConnection, options: ReportOptions) -> list[str]:
    sql = ("SELECT DISTINCT id FROM versions WHERE version > 1 "
           "AND (? IS NULL OR substr(fetched_at, 1, 10) >= ?) "
           "AND (? IS NULL OR substr(fetched_at, 1, 10) <= ?) "
           "AND (len(?) = 0 OR list_contains(?, source)) ORDER BY id")
    sources = list(options.sources)
    return [r[0] for r in con.execute(sql, [options.since, options.since, options.until,
                                            options.until, sources, sources]).fetchall()]


def unknown_sources(corpus_dir: str | Path, sources: tuple[str, ...]) -> list[str]:
    """The asked-for outlets of which the corpus holds no version (a mistyped ``--source``
    gives an empty report, which is said rather than left to look like no edits)."""
    if not sources:
        return []
    con = connect(corpus_dir)
    try:
        held = {r[0] for r in con.execute(
            "SELECT DISTINCT source FROM versions WHERE list_contains(?, source)",
            [list(sources)]).fetchall()}
    finally:
        con.close()
    return [source for source in dict.fromkeys(sources) if source not in held]


def edited_articles(corpus_dir: str | Path, options: ReportOptions,
                    on_problem: Callable[[str], None] = lambda _: None
                    ) -> Iterator[tuple[list[Version], Iterator[Change]]]:
    """(versions, changes in the window) of each article edited in the window, the changes
    diffed as they are taken (two versions' texts in memory, however many versions). A
    version shown without a real capture time or with a url that is no URL goes to
    ``on_problem`` (it is shown without replay)."""
    con = connect(corpus_dir)
    try:
        ids = edited_ids(con, options)
        for start in range(0, len(ids), BATCH_IDS):
            batch = fetch_versions(con, ids[start:start + BATCH_IDS])
            for article in ids[start:start + BATCH_IDS]:
                versions = batch.get(article, [])
                shown = changes(versions, lambda v: _in_window(v, options))
                first = next(shown, None)
                if first is not None:
                    yield versions, _reported(itertools.chain([first], shown), on_problem)
    finally:
        con.close()


def _reported(shown: Iterator[Change], on_problem: Callable[[str], None]) -> Iterator[Change]:
    """``shown``, each version without replay links named once to ``on_problem``."""
    named: set[tuple[str, int]] = set()
    for change in shown:
        for v in (change.old, change.new):
            if (v.id, v.version) not in named and (why := _no_replay(v)) is not None:
                named.add((v.id, v.version))
                on_problem(f"{v.items_file}:{v.items_line}: article {v.id} version "
                           f"{v.version}: {why}; shown without replay links")
        yield change


def _caption(v: Version, options: ReportOptions) -> str:
    stamp = _stamp(v.fetched_at)
    # pywb and WARC_REPLAY_AT show the capture nearest the time: for a version archived in no
    # WARC record (a crawl without WARC writing) that is another capture, another text
    replay = (f"{options.replay_base}{stamp}/{v.url}"
              if v.warc and _no_replay(v) is None else None)
    why = ("the capture time is not a date" if stamp is None else
           "the url is no URL" if _no_replay(v) is not None else
           "no WARC record holds this capture; a replay at its time would show another")
    lines = [f"<strong>Version {v.version}</strong> · captured <time datetime=\"{_e(v.fetched_at)}\">"
             f"{_e(v.fetched_at)}</time>",
             f"WARC: {_e(warc_place(v.warc))} · text {_e(v.text_sha256[:19])}… · extracted by "
             f"{_e(v.extractor_label)}",
             f"Replay: <a href=\"{_e(replay)}\">{_e(replay)}</a>" if replay else
             f"Replay: none ({why})"]
    if v.warc:
        # every argument from data or options shell-quoted, then HTML-escaped
        warc = shlex.quote(f"{options.warc_dir}/{v.warc['file']}")
        offset = shlex.quote(str(v.warc["offset"]))
        lines.append(f"<code>warcio extract --payload {_e(warc)} {_e(offset)}</code>")
    if replay:
        replay_dir = shlex.quote(f"WARC_REPLAY={options.warc_dir}")
        lines.append(f"<code>scrapy crawl {_e(_spider_args(v))} -s {_e(replay_dir)} "
                     f"-s WARC_REPLAY_AT={stamp}</code>")
    return "<br>".join(lines)


def _marked(pieces: list[tuple[str, str]]) -> str:
    tags = {"delete": "del", "insert": "ins"}
    out = []
    for kind, text in pieces:
        tag = tags.get(kind)
        out.append(f"<{tag}>{_e(text)}</{tag}>" if tag else _e(text))
    return "".join(out)


def _change_html(change: Change, options: ReportOptions) -> str:
    removed, added = change.counts
    old_side, new_side = marked_sides(change.old.text, change.new.text)
    title_note = ""
    if change.old.title != change.new.title:
        title_note = (f"<p class=\"meta\">Title was: {_e(change.old.title)}<br>"
                      f"Title now: {_e(change.new.title)}</p>")
    if change.extractors_differ:
        title_note += (f"<p class=\"meta\">Extractors differ: {_e(change.old.extractor_label)} → "
                       f"{_e(change.new.extractor_label)}; the diff may show the extractor's "
                       "change as well as the outlet's.</p>")
    return (f"<div class=\"change\"><h3>Version {change.old.version} → {change.new.version}: "
            f"{removed} word(s) removed, {added} word(s) added</h3>{title_note}"
            f"<div class=\"sides\">"
            f"<div class=\"side old\"><div class=\"cap\">{_caption(change.old, options)}</div>"
            f"<div class=\"text\">{_marked(old_side)}</div></div>"
            f"<div class=\"side new\"><div class=\"cap\">{_caption(change.new, options)}</div>"
            f"<div class=\"text\">{_marked(new_side)}</div></div></div></div>\n")


def _article_html(versions: list[Version], shown: Iterator[Change],
                  options: ReportOptions) -> Iterator[str]:
    """The article's section, a change at a time (each holds two whole texts)."""
    last = versions[-1]
    yield (f"<section class=\"article\" id=\"a-{_e(last.id)}\"><h2>{_e(last.title)}</h2>"
           f"<p class=\"meta\">{_e(last.source)} · published {_e(last.published or '—')} · "
           f"{len(versions)} versions · <a href=\"{_e(last.url)}\">{_e(last.url)}</a> · "
           f"id {_e(last.id)}</p>\n")
    for change in shown:
        yield _change_html(change, options)
    yield "</section>\n"


class _Counted:
    """Changes passed on, counted as they are taken."""

    def __init__(self, changes: Iterator[Change]) -> None:
        self.changes, self.taken = changes, 0

    def __iter__(self) -> Iterator[Change]:
        for change in self.changes:
            self.taken += 1
            yield change


def _window(options: ReportOptions) -> str:
    parts = [f"from {options.since}" if options.since else "",
             f"until {options.until}" if options.until else "",
             f"outlets: {', '.join(options.sources)}" if options.sources else ""]
    return " ".join(p for p in parts if p) or "all captures"


class TextSink(Protocol):
    """Where the report goes: a text file, ``sys.stdout``, :class:`_TextOut`."""

    def write(self, text: str, /) -> int: ...


def write_report(corpus_dir: str | Path, out: TextSink, options: ReportOptions,
                 on_problem: Callable[[str], None] = lambda _: None) -> tuple[int, int]:
    """Write the report to ``out``; (articles, changes) shown."""
    title = f"Article edits — {_window(options)}"
    out.write("<!DOCTYPE html>\n<html lang=\"ru\"><head><meta charset=\"utf-8\">"
              "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
              "style-src 'unsafe-inline'\">"
              f"<title>{_e(title)}</title><style>{STYLE}</style></head><body>\n"
              f"<h1>{_e(title)}</h1>\n")
    articles = shown = 0
    for versions, changed in edited_articles(corpus_dir, options, on_problem):
        counted = _Counted(changed)
        for piece in _article_html(versions, counted, options):
            out.write(piece)
        articles += 1
        shown += counted.taken
    generated = datetime.now(UTC).isoformat(timespec="seconds")
    out.write(f"<p class=\"meta\" id=\"summary\">{articles} edited article(s), {shown} "
              f"edit(s). Generated {generated} from the corpus "
              f"{_e(Path(corpus_dir).name)}.</p>\n</body></html>\n")
    return articles, shown


def write_report_file(corpus_dir: str | Path, output: str | Path, options: ReportOptions,
                      on_problem: Callable[[str], None] = lambda _: None) -> tuple[int, int]:
    """Write the report as the other outputs are (:func:`~archive.fileio.whole_lines`): a
    file under a temporary name of its own, renamed when whole (removed if not); a pipe, a
    device or ``/dev/stdout`` written in place, not replaced by a file."""
    with whole_lines(Path(output), True) as write:
        return write_report(corpus_dir, _TextOut(write), options, on_problem)


class _TextOut:
    """The text stream ``write_report`` writes to, over a writer of bytes."""

    def __init__(self, write: Callable[[bytes], None]) -> None:
        self._write = write

    def write(self, text: str) -> int:
        self._write(text.encode("utf-8"))
        return len(text)

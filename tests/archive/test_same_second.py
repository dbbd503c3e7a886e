"""Captures of one URL within one second (WARC-Date has microseconds, CDXJ 14 digits): pywb,
from our index, serves the capture ArchiveLookup serves, the newest."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.cdxj import build_index
from archive.reader import ArchiveLookup
from archive.writer import WarcWriter
from tests.support.pywb import have_tool, pywb_replay, tools_venv

from .conftest import make_exchange

URL = "http://e.com/eq"


def _write(folder: Path, payloads: tuple[bytes, bytes]) -> list[Path]:
    with WarcWriter(folder) as writer:
        for micro, payload in zip((100_000, 900_000), payloads, strict=True):
            writer.write_exchange(make_exchange(
                URL, payload, date=datetime(2026, 1, 2, 3, 4, 6, micro, tzinfo=UTC)))
    return sorted(folder.glob("*.warc.gz"))


# both ways round: sorting whole lines put whichever digest sorts first
ORDERS = [(b"<p>one</p>", b"<p>two</p>"), (b"<p>two</p>", b"<p>one</p>")]


@pytest.mark.parametrize("payloads", ORDERS)
def test_index_lists_the_newest_capture_of_a_second_first(tmp_path, payloads):
    warcs = _write(tmp_path, payloads)
    lines = build_index(warcs)
    newest = ArchiveLookup(warcs).get(URL)
    assert newest.payload == payloads[1]
    assert [json.loads(ln.split(" ", 2)[2])["offset"] for ln in lines][0] == str(newest.ref.offset)


@pytest.mark.skipif(not have_tool("wayback"), reason=f"pywb not installed in {tools_venv()}")
@pytest.mark.parametrize("payloads", ORDERS)
def test_pywb_serves_from_our_index_what_the_lookup_serves(tmp_path, payloads):
    warcs = _write(tmp_path / "w", payloads)
    index = tmp_path / "index.cdxj"
    index.write_text("".join(line + "\n" for line in build_index(warcs)))
    with pywb_replay(warcs, index=index) as fetch:
        status, _, body = fetch(f"/test/20260102030406id_/{URL}")
    assert (status, body) == (200, payloads[1])

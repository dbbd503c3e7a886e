"""Foreign WARCs (wget, warcio, and pywb/Heritrix/Browsertrix/wpull shapes): nothing pywb lists is lost.

Apart from the two recorded interop files (wget-site, warcio-capture), every file here is
written by tests/data/warcs/make_samples.py with our own made-up pages.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from archive.cdxj import build_index
from archive.reader import ArchiveLookup, expand_paths, iter_responses
from archive.verify import verify
from tests.data.warcs import make_samples
from tests.data.warcs.shapes import samples
from tests.support.data import FOREIGN
from tests.support.pywb import tools_bin, tools_venv
from tests.support.warcs import gz_each

FILES = sorted(p for p in expand_paths(FOREIGN))

# append_post: POST and HEAD captures keyed apart, as `wb-manager add` indexes a collection
_PYWB_INDEX = """
import io, json, sys
from pywb.indexer.cdxindexer import write_cdx_index
out = {}
for path in sys.argv[1:]:
    buf = io.BytesIO()
    try:
        with open(path, "rb") as fh:
            write_cdx_index(buf, fh, path, cdxj=True, sort=False, append_post=True)
    except Exception as exc:  # pywb gives up on a file; what it wrote so far still counts
        pass
    out[path] = buf.getvalue().decode("utf-8", "replace").splitlines()
print(json.dumps(out))
"""


def _keys(lines: list[str]) -> set[tuple[str, str, int]]:
    out = set()
    for line in lines:
        key, ts, js = line.split(" ", 2)
        out.add((key, ts, int(json.loads(js)["offset"])))
    return out


@pytest.fixture(scope="module")
def pywb_index() -> dict[str, list[str]]:
    if not tools_bin("python").exists():
        pytest.skip(f"no tools venv at {tools_venv()}")
    res = subprocess.run(
        [tools_bin("python"), "-c", _PYWB_INDEX, *map(str, FILES)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_foreign_folder_holds_every_kind_of_sample():
    names = {p.name for p in FILES}
    assert {"wget-site.warc.gz", "warcio-capture.warc.gz", "crafted-single-stream.warc.gz"} <= names
    for prefix in ("shape-", "sample-wget", "sample-heritrix", "sample-browsertrix", "crafted-"):
        assert any(n.startswith(prefix) for n in names), prefix
    assert set(samples()) <= names
    assert len(FILES) >= 20


def test_foreign_folder_holds_only_recorded_or_generated_files():
    recorded = {"wget-site.warc.gz", "warcio-capture.warc.gz"}
    generated = set(samples()) | {
        "sample-wget-style.warc",
        "sample-warcio-style.warc.gz",
        "sample-heritrix-style.warc.gz",
        "sample-browsertrix-style.warc.gz",
        "crafted-bad-content-length.warc",
        "crafted-bad-content-length.warc.gz",
    }
    assert {p.name for p in FILES} == recorded | generated


def test_generated_files_are_exactly_what_make_samples_writes():
    fixed = {
        **samples(),
        "sample-wget-style.warc": make_samples.wget_style(),
        "sample-warcio-style.warc.gz": make_samples.warcio_style(),
        "sample-heritrix-style.warc.gz": make_samples.heritrix_style(),
        "sample-browsertrix-style.warc.gz": make_samples.browsertrix_style(),
        "crafted-bad-content-length.warc": b"".join(make_samples.bad_content_length()),
        "crafted-bad-content-length.warc.gz": gz_each(make_samples.bad_content_length()),
    }
    stale = [name for name, data in fixed.items() if (FOREIGN / name).read_bytes() != data]
    assert not stale, f"rerun make_samples for {stale}"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_index_lists_every_capture_pywb_lists(path, pywb_index):
    theirs = _keys(pywb_index[str(path)])
    errors = []
    ours = _keys(build_index([path], on_error=errors.append))
    assert theirs <= ours, f"missing {sorted(theirs - ours)}; our errors: {errors}"


def test_index_lists_resource_and_metadata_records():
    lines = build_index(FILES, on_error=lambda e: None)
    urls = {json.loads(ln.split(" ", 2)[2])["url"] for ln in lines}
    assert "<metadata://gnu.org/software/wget/warc/wget.log>" in urls or any(
        u.endswith("wget.log") for u in urls
    )
    assert "http://resource.example.com/notes.txt" in urls
    assert "urn:pageinfo:https://btrix.example.by/article?id=7&lang=be" in urls
    assert "dns:heritrix.example.net" in urls
    assert {"urn:X-wpull:log", "http://api.shapes.example.com/things/list.json"} <= urls
    assert "http://shapes.example.com/saved.html" in urls
    # warc-fields metadata (Heritrix outlinks) is not a capture, as in pywb
    heritrix = [ln for ln in lines if "heritrix.example.net/news/1.html" in ln]
    assert len(heritrix) == 1 and '"mime": "text/html"' in heritrix[0]


def test_records_after_a_bad_content_length_are_still_found():
    for name in ("crafted-bad-content-length.warc", "crafted-bad-content-length.warc.gz"):
        errors = []
        lookup = ArchiveLookup(FOREIGN / name, on_error=errors.append)
        for slug in ("first", "short", "negative", "huge", "last"):
            r = lookup.get(f"http://cl.example.com/{slug}")
            assert r is not None, (name, slug, errors)
            assert r.url.endswith(slug)
        for slug in ("first", "last"):
            assert f"<p>{slug}</p>".encode() in lookup.get(f"http://cl.example.com/{slug}").payload
        assert len(errors) >= 3 and all(e.offset > 0 for e in errors)


def test_foreign_revisits_and_resources_replay():
    lookup = ArchiveLookup(FOREIGN / "sample-warcio-style.warc.gz")
    res = lookup.get("http://resource.example.com/notes.txt")
    assert res.status == 200 and res.payload == b"plain resource text\n"
    assert res.header("Content-Type") == "text/plain"
    first = lookup.get("http://dedup.example.com/a", at=None)
    assert b"same payload" in first.payload and first.date.day == 3  # the revisit, resolved


def test_record_ids_that_are_not_lowercase_uuids_are_kept():
    ids = {r.ref.record_id for r in iter_responses(FOREIGN / "sample-warcio-style.warc.gz")}
    assert "<urn:sha1:AAAA1111>" in ids and "<http://example.org/records/2>" in ids


def test_verify_and_index_cli_read_every_foreign_file_without_traceback(tmp_path):
    for cmd in (["verify"], ["index", "-o", str(tmp_path / "i.cdxj")]):
        res = subprocess.run(
            [sys.executable, "-m", "archive", *cmd, str(FOREIGN)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert "Traceback" not in res.stderr, res.stderr
        assert res.returncode == 1  # the folder holds damaged files on purpose
        assert "crafted-single-stream.warc.gz: offset 0" in res.stderr
        assert "warcio recompress" in res.stderr


def test_verify_finds_no_error_in_intact_foreign_files():
    intact = [p for p in FILES if p.name.startswith(("sample-", "wget-site", "warcio-capture"))]
    report = verify(intact)
    assert report.ok, [str(p) for p in report.errors]
    assert report.records >= 60

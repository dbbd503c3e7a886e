import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from archive.writer import WarcWriter
from tests.support.pywb import have_tool, tools_bin, tools_venv

from .conftest import make_exchange

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not have_tool("wacz"), reason=f"wacz not installed in {tools_venv()}")
def test_wacz_validates(tmp_path):
    with WarcWriter(tmp_path / "w") as w:
        w.write_exchange(
            make_exchange(
                "http://e.com/a",
                "<html><head><title>Загаловак &amp; A</title></head></html>".encode(),
            )
        )
        w.write_exchange(make_exchange("http://e.com/b", b"<html><h1>Heading B</h1></html>"))
        w.write_exchange(make_exchange("http://e.com/c", b"<html><title>C</title></html>"))
        w.write_exchange(make_exchange("http://e.com/img", b"\x89PNG", headers=[]))
    items = tmp_path / "items.jsonl"
    items.write_text(json.dumps({"id": "1", "url": "http://e.com/c", "title": "From item"}))
    out = tmp_path / "a.wacz"
    res = subprocess.run(
        [sys.executable, "-m", "archive", "wacz", str(tmp_path / "w"), "-o", str(out)]
        + ["--items", str(items)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stderr
    res = subprocess.run([tools_bin("wacz"), "validate", "-f", str(out)], capture_output=True)
    assert res.returncode == 0, res.stdout
    assert b"Validation succeeded" in res.stdout
    with zipfile.ZipFile(out) as zf:
        pages = [json.loads(x) for x in zf.read("pages/pages.jsonl").splitlines()]
        assert pages[0]["format"] == "json-pages-1.0"
        titles = {p["url"]: p["title"] for p in pages[1:]}
        assert titles == {
            "http://e.com/a": "Загаловак & A",
            "http://e.com/b": "Heading B",
            "http://e.com/c": "From item",
        }
        index = zf.read("indexes/index.cdx").decode().splitlines()
        assert len(index) == 4
        for info in zf.infolist():
            if info.filename.startswith("archive/"):
                assert info.compress_type == zipfile.ZIP_STORED
        pkg = json.loads(zf.read("datapackage.json"))
        assert pkg["wacz_version"] == "1.1.1"
        assert {r["path"] for r in pkg["resources"]} >= {"indexes/index.cdx", "pages/pages.jsonl"}

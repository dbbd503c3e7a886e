"""``verify`` of a WACZ reads each WARC member once: the record walk's own reads give the
member's CRC-32 and the hash its datapackage.json lists, where it was read whole in order
(a stored member's reads, a compressed one inflated from its start), and the report is the
one a second read for them gave, on good and on damaged packages."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from archive import records, wacz_input
from archive import verify as verify_module
from archive.verify import verify

from .test_wacz_input import _repacked


class _Counting:
    """A package file that counts the bytes read from it."""

    def __init__(self, fh, read: list[int]) -> None:
        self._fh, self._read = fh, read

    def read(self, n: int = -1) -> bytes:
        data = self._fh.read(n)
        self._read[0] += len(data)
        return data

    def readline(self, n: int = -1) -> bytes:
        data = self._fh.readline(n)
        self._read[0] += len(data)
        return data

    def __getattr__(self, name: str):
        return getattr(self._fh, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._fh.close()


def _verify_counting(package: Path, monkeypatch) -> tuple[list[tuple], Counter, int]:
    """verify's problems, how often each member was opened, the bytes read from the package."""
    read = [0]
    opened: Counter = Counter()
    real_open, real_member = open, wacz_input.open_member

    def counting_open(path, *args, **kwargs):
        fh = real_open(path, *args, **kwargs)
        return _Counting(fh, read) if Path(path) == package else fh

    def counting_member(pkg, member, *args, **kwargs):
        opened[member] += 1
        return real_member(pkg, member, *args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(wacz_input, "open", counting_open, raising=False)
        for module in (wacz_input, records, verify_module):
            m.setattr(module, "open_member", counting_member)
        report = verify([package])
    problems = [(p.file, p.offset, p.severity, p.message) for p in report.problems]
    return problems, opened, read[0]


def _warc_members(package: Path) -> list[zipfile.ZipInfo]:
    with zipfile.ZipFile(package) as zf:
        return [i for i in zf.infolist() if i.filename.startswith("archive/")]


def _deflated(wacz: Path, out: Path) -> Path:
    with zipfile.ZipFile(wacz) as zi, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zi.infolist():
            zo.writestr(info.filename, zi.read(info.filename))
    return out


def _wrong_hash(wacz: Path, out: Path) -> Path:
    """The package with the hash its datapackage.json gives the first WARC made another."""
    with zipfile.ZipFile(wacz) as zf:
        doc = json.loads(zf.read("datapackage.json"))
    first = next(r for r in doc["resources"] if r["path"].startswith("archive/"))
    first["hash"] = "sha256:" + "0" * 64
    return _repacked(wacz, out, datapackage=json.dumps(doc).encode())


def _byte_changed(wacz: Path, out: Path) -> Path:
    """A stored WARC's page text changed in place after packing (one byte, same length)."""
    data = bytearray(wacz.read_bytes())
    at = data.index(b"<title>New</title>")
    data[at + 8] ^= 0x20
    out.write_bytes(bytes(data))
    return out


SHAPES = {"stored": lambda w, o: w, "deflated": _deflated, "wrong-hash": _wrong_hash,
          "deflated-wrong-hash": lambda w, o: _wrong_hash(_deflated(w, o.with_name("d.wacz")), o),
          "byte-changed": _byte_changed}


@pytest.mark.parametrize("shape", SHAPES)
def test_verify_reads_each_warc_member_once_and_reports_as_a_second_read_did(
        wacz, tmp_path, monkeypatch, shape):
    package = SHAPES[shape](wacz, tmp_path / f"{shape}.wacz")
    warcs = _warc_members(package)

    problems, opened, read = _verify_counting(package, monkeypatch)

    assert {i.filename: opened[i.filename] for i in warcs} == {i.filename: 1 for i in warcs}
    monkeypatch.setattr(verify_module, "hash_while_read", lambda package: None)
    again, opened_again, read_again = _verify_counting(package, monkeypatch)
    assert problems == again  # what reading each member again for its hash reported
    assert all(opened_again[i.filename] == 2 for i in warcs)
    with zipfile.ZipFile(package) as zf:  # (read once more to ask the walk for its hashes)
        listing = zf.getinfo("datapackage.json").file_size
    assert read_again - read >= sum(i.compress_size for i in warcs) - listing
    if shape == "stored":
        assert problems == []
    if "wrong-hash" in shape:
        assert [p[3] for p in problems if "datapackage.json lists" in p[3]] == [
            f"datapackage.json lists {warcs[0].filename!r} with hash sha256:{'0' * 64}; the "
            f"member's is sha256:{_sha256(package, warcs[0].filename)} (changed after packing)"]
    if shape == "byte-changed":
        said = " ".join(p[3] for p in problems)
        assert "CRC-32" in said and "changed after packing" in said


def _sha256(package: Path, member: str) -> str:
    with zipfile.ZipFile(package) as zf:
        return hashlib.sha256(zf.read(member)).hexdigest()

"""Reading WARCs inside a WACZ: a pass over every record, and reads at stored offsets (replay).

    .venv/bin/python bench/wacz_input.py [--pages 2000] [--copies 8] [--reads 50] [--write]

One WARC of ``--pages`` pages (random text, ~12 KB each) is packed four ways: the .warc.gz
stored (the WACZ spec's way, ``archive wacz``'s), the .warc.gz deflated, the plain .warc
deflated (``zip -r`` of a folder), and the plain .warc repeated ``--copies`` times deflated
(one large member). For each, and for the WARC files themselves: the seconds of one
``iter_records`` pass, and the mean ms of ``--reads`` ``read_info_at`` at random offsets, with
the kept inflater states (``now``) and without them (``EVERY`` out of reach: each read inflates
the member from its start). Peak RSS of the process is reported at the end.
"""

from __future__ import annotations

import argparse
import gzip
import random
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import archive.wacz_input as wacz_input  # noqa: E402
from archive.reader import expand_paths  # noqa: E402
from archive.records import iter_records, read_info_at  # noqa: E402
from archive.writer import WarcWriter  # noqa: E402
from bench.report import append_section  # noqa: E402
from tests.archive.conftest import make_exchange  # noqa: E402

DEFAULT_EVERY = wacz_input.EVERY


def write_warc(folder: Path, pages: int) -> Path:
    rng = random.Random(1)
    with WarcWriter(folder) as w:
        for i in range(pages):
            body = "".join(f"<p>{i} {j} {rng.random()}</p>" for j in range(300))
            w.write_exchange(make_exchange(f"http://e.com/{i}", f"<title>{i}</title>{body}"
                                           .encode()))
    (path,) = folder.glob("*.warc.gz")
    return path


def pack(out: Path, name: str, chunks: list[bytes], method: int) -> Path:
    info = zipfile.ZipInfo(f"archive/{name}")
    info.compress_type = method
    with zipfile.ZipFile(out, "w") as zf, zf.open(info, "w", force_zip64=True) as dest:
        for chunk in chunks:
            dest.write(chunk)
    return out


def measure(label: str, path: Path, reads: int) -> dict:
    started = time.perf_counter()
    offsets = [i.offset for i in iter_records(path)]
    passed = time.perf_counter() - started
    sample = random.Random(2).sample(offsets, min(reads, len(offsets)))
    row = {"input": label, "mb": round(wacz_input.input_size(path) / 1e6, 1),
           "records": len(offsets), "pass_s": round(passed, 2)}
    for code, every in (("now", DEFAULT_EVERY), ("from start", 1 << 50)):
        wacz_input.EVERY = every
        wacz_input._KEPT.clear()  # noqa: SLF001 - the states of another spacing
        list(iter_records(path))  # the pass a lookup makes first, keeping states
        started = time.perf_counter()
        for offset in sample:
            read_info_at(path, offset)
        row[f"read_ms ({code})"] = round((time.perf_counter() - started) / len(sample) * 1000, 1)
    wacz_input.EVERY = DEFAULT_EVERY
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--reads", type=int, default=50)
    parser.add_argument("--write", action="store_true", help="append to docs/benchmarks.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-wacz-") as tmp:
        d = Path(tmp)
        gz = write_warc(d / "w", args.pages)
        plain = d / "plain.warc"
        plain.write_bytes(gzip.decompress(gz.read_bytes()))
        inputs = {
            "file .warc.gz": gz,
            "file .warc": plain,
            "stored .warc.gz": pack(d / "a.wacz", gz.name, [gz.read_bytes()], zipfile.ZIP_STORED),
            "deflated .warc.gz": pack(d / "b.wacz", gz.name, [gz.read_bytes()],
                                      zipfile.ZIP_DEFLATED),
            "deflated .warc": pack(d / "c.wacz", plain.name, [plain.read_bytes()],
                                   zipfile.ZIP_DEFLATED),
            f"deflated .warc x{args.copies}": pack(d / "d.wacz", plain.name,
                                                   [plain.read_bytes()] * args.copies,
                                                   zipfile.ZIP_DEFLATED),
        }
        rows = []
        for label, path in inputs.items():
            member = expand_paths(path)[0]
            rows.append(measure(label, member, args.reads))
            print(rows[-1], flush=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {rss:.0f} MB")
    if args.write:
        append_section("WACZ input: a pass and reads at an offset", "bench/wacz_input.py "
                       + " ".join(sys.argv[1:]), rows, {"peak RSS of the run (MB)": round(rss)})


if __name__ == "__main__":
    main()

"""Seeded mutation fuzzing of the reader, index, verify and replay lookup.

Valid files (gzip per record and plain) are damaged in a loop bounded in time and count:
byte flips, truncations, negative / duplicated / absurd Content-Length, garbage between
records, a whole file gzipped as one stream. In a child process under RLIMIT_AS and a
timeout, each mutant must: end; raise nothing but WarcFormatError; keep finding every
intact record (same offset, same URL) before and after the damage; never serve a page
for another URL.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import random
from pathlib import Path

from tests.support.fuzz import fuzz_loop, run_capped
from tests.support.warcs import gz, http_request, http_response, record

SEED = int(os.environ.get("FUZZ_SEED", "1404"))
BUDGET_S = float(os.environ.get("FUZZ_SECONDS", "12"))
MAX_MUTANTS = int(os.environ.get("FUZZ_MUTANTS", "400"))


def _records() -> list[tuple[str, str, bytes, bytes]]:
    """(type, url, payload, raw record) of a small, varied, valid file."""
    out = []
    for n in range(1, 7):
        url = f"http://fuzz.example.com/page/{n}"
        body = f"<html><title>page {n}</title><p>{'text ' * (n * 20)}</p></html>".encode()
        date = f"2026-01-0{n}T00:00:00Z"
        out.append(("request", url, b"", record("request", url, http_request(url), date=date)))
        out.append(("response", url, body, record("response", url, http_response(body), date=date)))
    out.append(("resource", "urn:pageinfo:http://fuzz.example.com/", b"{}",
                record("resource", "urn:pageinfo:http://fuzz.example.com/", b"{}",
                       ctype="application/json", date="2026-01-07T00:00:00Z")))
    return out


def _layout(raws: list[bytes], compress: bool) -> tuple[bytes, list[tuple[int, int]]]:
    parts = [gz(r) if compress else r for r in raws]
    spans, pos = [], 0
    for p in parts:
        spans.append((pos, pos + len(p)))
        pos += len(p)
    return b"".join(parts), spans


def _set_length(raw: bytes, value: str, duplicate: bool) -> bytes:
    head, sep, rest = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    idx = next(i for i, ln in enumerate(lines) if ln.startswith(b"Content-Length:"))
    new = b"Content-Length: " + value.encode()
    if duplicate:
        lines.insert(idx, new)
    else:
        lines[idx] = new
    return b"\r\n".join(lines) + sep + rest


def mutants(rng: random.Random):
    """Yield (kind, file bytes, compressed?, {index: offset} of intact records)."""
    recs = _records()
    raws = [r[3] for r in recs]
    while True:
        compress = rng.random() < 0.6
        data, spans = _layout(raws, compress)
        kind = rng.choice(["flip", "truncate", "length", "garbage", "one-stream", "flip"])
        if kind == "flip":
            pos = sorted(rng.randrange(len(data)) for _ in range(rng.randint(1, 6)))
            buf = bytearray(data)
            for p in pos:
                buf[p] ^= rng.randint(1, 255)
            hit = {i for i, (a, b) in enumerate(spans) for p in pos if a <= p < b}
            yield kind, bytes(buf), compress, {i: a for i, (a, _) in enumerate(spans)
                                               if i not in hit}
        elif kind == "truncate":
            cut = rng.randrange(1, len(data))
            yield kind, data[:cut], compress, {i: a for i, (a, b) in enumerate(spans) if b <= cut}
        elif kind == "length":
            i = rng.randrange(len(raws))
            value = rng.choice(["-1", "-100000", "0", "7", "99999999999999", "1e3", " ", "0x10"])
            bad = list(raws)
            bad[i] = _set_length(raws[i], value, duplicate=rng.random() < 0.4)
            data, spans = _layout(bad, compress)
            yield kind, data, compress, {j: a for j, (a, _) in enumerate(spans) if j != i}
        elif kind == "garbage":
            i = rng.randrange(1, len(raws))
            junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 3000)))
            at = spans[i][0]
            data = data[:at] + junk + data[at:]
            yield kind, data, compress, {j: a + (len(junk) if j >= i else 0)
                                         for j, (a, _) in enumerate(spans)}
        else:
            yield kind, gzip.compress(b"".join(raws)), True, {}


def check(path: Path, recs, intact: dict[int, int], compress: bool) -> list[str]:
    """Problems with one mutant (empty when every property holds)."""
    from archive.cdxj import build_index
    from archive.errors import WarcFormatError
    from archive.reader import ArchiveLookup, iter_records, iter_responses
    from archive.urls import normalize_url
    from archive.verify import verify

    bad: list[str] = []

    def ignore(_: WarcFormatError) -> None:
        pass

    try:
        found = {(i.offset, i.record.target_uri) for i in iter_records(path, ignore)}
        for idx, off in intact.items():
            if (off, recs[idx][1]) not in found:
                bad.append(f"iter_records lost record {idx} at {off}")
        lines = build_index([path], on_error=ignore)
        listed = {(json.loads(ln.split(" ", 2)[2])["url"],
                   int(json.loads(ln.split(" ", 2)[2])["offset"])) for ln in lines}
        for idx, off in intact.items():
            if recs[idx][0] != "request" and (recs[idx][1], off) not in listed:
                bad.append(f"index lost record {idx} at {off}")
        report = verify([path])
        err_offsets = {p.offset for p in report.errors}
        for idx, off in intact.items():
            if off in err_offsets:
                bad.append(f"verify blames intact record {idx} at {off}")
        lookup = ArchiveLookup(path, on_error=ignore)
        for idx, (rtype, url, payload, _) in enumerate(recs):
            if rtype != "response":
                continue
            got = lookup.get(url)
            if got is not None and normalize_url(got.url) != normalize_url(url):
                bad.append(f"lookup served {got.url} for {url}")
            if idx in intact and compress and (got is None or got.payload != payload):
                bad.append(f"lookup lost intact {url}")
        for resp in iter_responses(path, on_error=ignore):
            if not resp.url:
                bad.append("iter_responses yielded a response without URL")
    except WarcFormatError:
        pass  # the archive's own error type is allowed
    except Exception as exc:  # noqa: BLE001 - any other exception is the finding
        bad.append(f"raised {type(exc).__name__}: {exc}")
    return bad


def run_child(workdir: str) -> None:
    """Fuzz loop run in a child process (tests.support.fuzz); prints a JSON summary."""
    recs = _records()
    fuzz_loop(((kind, data, ".warc.gz" if compress else ".warc",
                functools.partial(check, recs=recs, intact=intact, compress=compress))
               for kind, data, compress, intact in mutants(random.Random(SEED))),
              workdir, MAX_MUTANTS, BUDGET_S, listed=10)


def test_fuzzed_archives_end_stay_bounded_and_keep_every_intact_record(tmp_path):
    summary = run_capped("tests.archive.test_fuzz", tmp_path, BUDGET_S)
    assert summary["mutants"] >= 20, summary
    assert summary["failures"] == [], json.dumps(summary, indent=1)

"""Regenerate the hand-made sample WARCs in foreign/ (sample-*, crafted-*, shape-*).

They imitate the record shapes of wget, warcio/pywb, Heritrix and Browsertrix (and some
damage pywb's reader steps over), written from the WARC spec and those tools' documented
output, not copied from them. Run: .venv/bin/python -m tests.data.warcs.make_samples
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.data.warcs.shapes import samples
from tests.support.warcs import gz_each, http_request, http_response, record, sha1_b32

OUT = Path(__file__).resolve().parent / "foreign"
H = "<html><head><title>{0}</title></head><body><p>{0}</p></body></html>"


def _page(title: str) -> bytes:
    return H.format(title).encode()


def _ids(prefix: str):
    n = 0
    while True:
        n += 1
        yield f"<urn:uuid:{prefix}-0000-4000-8000-{n:012d}>"


def wget_style() -> bytes:
    """Plain WARC/1.0 as wget writes it: <uri> targets, request, response, metadata, resource."""
    ids = _ids("00000000")
    url = "http://wget.example.org/"
    info = b"software: Wget/1.21.3 (linux-gnu)\r\nformat: WARC File Format 1.0\r\n"
    recs = [
        record("warcinfo", None, info, version="WARC/1.0", ctype="application/warc-fields",
               rec_id=next(ids), extra=[("WARC-Filename", "sample-wget-style.warc")]),
    ]
    req_id, resp_id = next(ids), next(ids)
    recs.append(record("request", f"<{url}>", http_request(url), version="WARC/1.0",
                       rec_id=req_id, extra=[("WARC-Concurrent-To", resp_id)]))
    recs.append(record("response", f"<{url}>", http_response(_page("wget home")),
                       version="WARC/1.0", rec_id=resp_id,
                       extra=[("WARC-Concurrent-To", req_id), ("WARC-IP-Address", "127.0.0.1")]))
    recs.append(record("metadata", "<metadata://gnu.org/software/wget/warc/MANIFEST.txt>",
                       b"<urn:uuid:00000000-0000-4000-8000-000000000001>\n",
                       version="WARC/1.0", ctype="text/plain", rec_id=next(ids)))
    recs.append(record("resource", "<metadata://gnu.org/software/wget/warc/wget_arguments.txt>",
                       b'"--warc-file=sample" "http://wget.example.org/"\n',
                       version="WARC/1.0", ctype="text/plain", rec_id=next(ids)))
    recs.append(record("resource", "<metadata://gnu.org/software/wget/warc/wget.log>",
                       b"2026-01-02 03:04:05 URL:http://wget.example.org/ [70/70] -> \"index\"\n",
                       version="WARC/1.0", ctype="text/plain", rec_id=next(ids)))
    return b"".join(recs)


def warcio_style() -> bytes:
    """warcio/pywb sample shapes: resources, revisits, ids that are not lower-case uuids."""
    body = _page("same payload")
    orig = http_response(body)
    revisit_block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    recs = [
        record("resource", "http://resource.example.com/notes.txt", b"plain resource text\n",
               ctype="text/plain", rec_id="<urn:uuid:ABCDEF01-2345-4789-ABCD-EF0123456789>"),
        record("response", "http://dedup.example.com/a", orig, rec_id="<urn:sha1:AAAA1111>",
               date="2026-01-02T03:04:05Z"),
        record("revisit", "http://dedup.example.com/a", revisit_block,
               rec_id="<http://example.org/records/2>", date="2026-01-03T03:04:05Z",
               extra=[("WARC-Profile",
                       "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"),
                      ("WARC-Refers-To-Target-URI", "http://dedup.example.com/a"),
                      ("WARC-Refers-To-Date", "2026-01-02T03:04:05Z"),
                      ("WARC-Payload-Digest", sha1_b32(body))]),
        record("resource", "http://resource.example.com/image.png", b"\x89PNG\r\n\x1a\nfake",
               ctype="image/png", rec_id="<urn:uuid:ABCDEF01-2345-4789-ABCD-EF0123456790>",
               date="2026-01-02T03:04:05.123456Z"),
    ]
    return gz_each(recs)


def heritrix_style() -> bytes:
    """Heritrix 3 shapes: WARC/1.0, dns: responses, metadata with outlinks."""
    ids = _ids("11111111")
    v = "WARC/1.0"
    url = "http://heritrix.example.net/news/1.html"
    dns = b"20260102030405\nheritrix.example.net.\t300\tIN\tA\t192.0.2.7\n"
    outlinks = (b"via: http://heritrix.example.net/\r\nhopsFromSeed: L\r\n"
                b"outlink: http://heritrix.example.net/news/2.html L a/@href\r\n")
    resp_id = next(ids)
    recs = [
        record("warcinfo", None, b"software: Heritrix/3.4.0\r\nisPartOf: sample\r\n", version=v,
               ctype="application/warc-fields", rec_id=next(ids)),
        record("response", "dns:heritrix.example.net", dns, version=v, ctype="text/dns",
               rec_id=next(ids), extra=[("WARC-IP-Address", "192.0.2.1")]),
        record("response", url, http_response(_page("heritrix news")), version=v,
               rec_id=resp_id, extra=[("WARC-IP-Address", "192.0.2.7")]),
        record("request", url, http_request(url), version=v, rec_id=next(ids),
               extra=[("WARC-Concurrent-To", resp_id)]),
        record("metadata", url, outlinks, version=v, ctype="application/warc-fields",
               rec_id=next(ids), extra=[("WARC-Concurrent-To", resp_id)]),
    ]
    return gz_each(recs)


def browsertrix_style() -> bytes:
    """Browsertrix-crawler shapes: WARC/1.1, request/response pairs, urn:pageinfo: resources."""
    ids = _ids("22222222")
    url = "https://btrix.example.by/article?id=7&lang=be"
    page = [("WARC-Page-ID", "3f0c9a2e-7d1b-4a55-9e0e-5b1d2f6c8a90")]
    req_id, resp_id = next(ids), next(ids)
    info = json.dumps({"pageid": "3f0c9a2e", "url": url, "urls": {url: {"status": 200}}}).encode()
    recs = [
        record("warcinfo", None, b"software: Browsertrix-Crawler 1.2.0\r\n",
               ctype="application/warc-fields", rec_id=next(ids)),
        record("request", url, http_request(url), rec_id=req_id,
               extra=[*page, ("WARC-Concurrent-To", resp_id)]),
        record("response", url, http_response(_page("btrix article")), rec_id=resp_id,
               extra=[*page, ("WARC-Concurrent-To", req_id)]),
        record("resource", f"urn:pageinfo:{url}", info, ctype="application/json",
               rec_id=next(ids), extra=page),
        record("resource", f"urn:text:{url}", b"btrix article", ctype="text/plain",
               rec_id=next(ids), extra=page),
    ]
    return gz_each(recs)


def bad_content_length() -> list[bytes]:
    """Good record, records with a wrong/negative/absurd Content-Length, good record."""
    ids = _ids("33333333")
    cases = [("first", "first", None), ("short", "short", "20"), ("negative", "neg", "-50"),
             ("huge", "huge", "99999999999"), ("last", "last", None)]
    return [
        record("response", f"http://cl.example.com/{slug}", http_response(_page(title)),
               rec_id=next(ids), length=length)
        for slug, title, length in cases
    ]


def main() -> None:
    (OUT / "sample-wget-style.warc").write_bytes(wget_style())
    (OUT / "sample-warcio-style.warc.gz").write_bytes(warcio_style())
    (OUT / "sample-heritrix-style.warc.gz").write_bytes(heritrix_style())
    (OUT / "sample-browsertrix-style.warc.gz").write_bytes(browsertrix_style())
    (OUT / "crafted-bad-content-length.warc").write_bytes(b"".join(bad_content_length()))
    (OUT / "crafted-bad-content-length.warc.gz").write_bytes(gz_each(bad_content_length()))
    for name, data in samples().items():
        (OUT / name).write_bytes(data)


if __name__ == "__main__":
    main()

"""Record shapes other WARC writers produce, written with our own made-up pages (shape-* files).

Each function returns the bytes of one file and names the shape it keeps covered: revisits
(URL-agnostic too), resource records, wget 1.14 / wpull layouts, odd line ends, odd target
URIs, damaged framing. Shapes come from the WARC spec and the tools' documented behaviour;
no byte is taken from another project's files. Written by ``make_samples.py``.
"""

from __future__ import annotations

import base64
import gzip
import hashlib

from tests.support.warcs import gz, gz_each, http_request, http_response, record, sha1_b32

V10 = "WARC/1.0"
PAGE = "<html><head><title>{0}</title></head><body><h1>{0}</h1><p>{1}</p></body></html>\n"


def page(title: str, text: str = "Made-up page for the archive's tests.") -> bytes:
    return PAGE.format(title, text).encode()


def uid(n: int, prefix: str = "5a5a5a5a") -> str:
    return f"<urn:uuid:{prefix}-0000-4000-8000-{n:012d}>"


def warcinfo(name: str, software: str, n: int, version: str = V10, **kw) -> bytes:
    body = f"software: {software}\r\nformat: WARC File Format 1.0\r\n".encode()
    return record("warcinfo", None, body, version=version, ctype="application/warc-fields",
                  rec_id=uid(n), extra=[("WARC-Filename", name)], **kw)


def _pair(url: str, body: bytes, n: int, date: str, resp_extra=(), req_extra=(),
          req: bytes | None = None) -> list[bytes]:
    """Response then request, tied by WARC-Concurrent-To, as warcprox-like writers order them."""
    resp_id, req_id = uid(n), uid(n + 1)
    return [
        record("response", url, http_response(body), version=V10, rec_id=resp_id, date=date,
               extra=[("WARC-IP-Address", "192.0.2.10"), *resp_extra]),
        record("request", url, req or http_request(url), version=V10, rec_id=req_id, date=date,
               extra=[("WARC-Concurrent-To", resp_id), *req_extra], digests=False),
    ]


def _revisit(url: str, orig_url: str, orig_date: str, body: bytes, n: int, date: str,
             profile: str = "identical-payload-digest", head: bytes | None = None,
             extra=()) -> bytes:
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" if head is None else head
    return record("revisit", url, block, version=V10, rec_id=uid(n), date=date,
                  extra=[("WARC-Profile", f"http://netpreserve.org/warc/1.0/revisit/{profile}"),
                         ("WARC-Refers-To-Target-URI", orig_url),
                         ("WARC-Refers-To-Date", orig_date),
                         ("WARC-Payload-Digest", sha1_b32(body)), *extra])


def general() -> list[bytes]:
    """warcinfo x2, response, request, identical-payload revisit, request (the common example)."""
    url, body = "http://shapes.example.com/", page("Shapes home")
    recs = [warcinfo("shape-general.warc", "our-test-writer/1.0", 1),
            warcinfo("shape-general.warc", "our-test-writer/1.0 (second info)", 2)]
    recs += _pair(url, body, 3, "2026-01-02T03:04:05Z")
    recs.append(_revisit(url, url, "2026-01-02T03:04:05Z", body, 5, "2026-01-09T03:04:05Z"))
    recs.append(record("request", url, http_request(url), version=V10, rec_id=uid(6),
                       date="2026-01-09T03:04:05Z", extra=[("WARC-Concurrent-To", uid(5))]))
    return recs


def single_stream() -> bytes:
    """The general example gzipped as ONE stream: cannot be addressed by offset, must be refused."""
    return gzip.compress(b"".join(general()), mtime=0)


def resource() -> bytes:
    """Two warcinfos, then a resource record of an HTML page with a charset and extra fields."""
    body = page("Saved as a resource")
    return gz_each([
        warcinfo("shape-resource.warc.gz", "our-test-writer/1.0", 1),
        warcinfo("shape-resource.warc.gz", "our-test-writer/1.0 (page)", 2),
        record("resource", "http://shapes.example.com/saved.html", body, version=V10,
               rec_id=uid(3), ctype="text/html; charset=utf-8",
               extra=[("WARC-Referer", "http://shapes.example.com/"),
                      ("WARC-User-Agent", "our-test-agent/1.0"),
                      ("WARC-Payload-Digest", sha1_b32(body))]),
    ])


def resource_json() -> bytes:
    """A lone resource record (no warcinfo) with WARC-Source-URI and WARC-Created-Date."""
    body = b'{\n  "note": "made-up json resource",\n  "items": [1, 2, 3]\n}\n'
    return gz(record("resource", "http://api.shapes.example.com/things/list.json", body,
                     version=V10, rec_id=uid(1), ctype="application/json",
                     extra=[("WARC-Source-URI", "file://./api.shapes.example.com/list.json"),
                            ("WARC-Created-Date", "2026-01-02T03:05:00Z"),
                            ("WARC-Payload-Digest", sha1_b32(body))]))


AGNOSTIC_ORIG = "http://origin.shapes.example.com/"
AGNOSTIC_BODY = page("Same bytes, other URL")


def url_agnostic_orig() -> bytes:
    head = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n"
    return gz_each([
        warcinfo("shape-url-agnostic-orig.warc.gz", "our-test-writer/1.0", 1),
        record("response", AGNOSTIC_ORIG, head + AGNOSTIC_BODY, version=V10, rec_id=uid(2),
               date="2026-01-02T03:04:05Z", extra=[("WARC-IP-Address", "192.0.2.11")]),
    ])


def url_agnostic_revisit() -> bytes:
    """A revisit at another URL (with userinfo) pointing at the original by target URI and date."""
    head = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n"
    return gz_each([
        warcinfo("shape-url-agnostic-revisit.warc.gz", "our-test-writer/1.0", 1),
        _revisit("http://reader@copy.shapes.example.com/", AGNOSTIC_ORIG, "2026-01-02T03:04:05Z",
                 AGNOSTIC_BODY, 3, "2026-01-05T03:04:05Z",
                 profile="uri-agnostic-identical-payload-digest", head=head,
                 extra=[("WARC-Truncated", "length"), ("WARC-Refers-To", uid(2))]),
    ])


def _wget_meta(args: str, rec_type: str, angle: bool, info: str) -> list[bytes]:
    wrap = (lambda u: f"<{u}>") if angle else (lambda u: u)
    base = "metadata://gnu.org/software/wget/warc/"
    link = [("WARC-Warcinfo-ID", info)]
    return [
        record(rec_type, wrap(base + "MANIFEST.txt"), f"{info}\n".encode(), version=V10,
               ctype="text/plain", rec_id=uid(20), extra=link),
        record("resource", wrap(base + "wget_arguments.txt"), args.encode(), version=V10,
               ctype="text/plain", rec_id=uid(21), extra=[*link, ("WARC-Concurrent-To", uid(20))]),
        record("resource", wrap(base + "wget.log"),
               b"2026-01-02 03:04:05 URL:http://wget.shapes.example.com/ [120/120] -> \"x\"\n",
               version=V10, ctype="text/plain", rec_id=uid(22),
               extra=[*link, ("WARC-Concurrent-To", uid(20))]),
    ]


def _wget(name: str, angle: bool, manifest_type: str) -> bytes:
    url = "http://wget.shapes.example.com/"
    target = f"<{url}>" if angle else url
    info = uid(1)
    link = [("WARC-Warcinfo-ID", info)]
    recs = [warcinfo(name, "Wget/1.14 (linux-gnu)", 1),
            record("request", target, http_request(url), version=V10, rec_id=uid(2),
                   ctype="application/http;msgtype=request",
                   extra=[("WARC-IP-Address", "192.0.2.12"), *link]),
            record("response", target, http_response(page("wget page")), version=V10,
                   rec_id=uid(3), ctype="application/http;msgtype=response",
                   extra=[*link, ("WARC-Concurrent-To", uid(2)),
                          ("WARC-IP-Address", "192.0.2.12")])]
    recs += _wget_meta(f'"--warc-file={name}" "{url}"\n', manifest_type, angle, info)
    return gz_each(recs)


def wget_1_14() -> bytes:
    """wget 1.14: plain targets, MANIFEST/arguments/log as resource records on metadata:// URIs."""
    return _wget("shape-wget-1-14", angle=False, manifest_type="resource")


def wget_bad_target_uri() -> bytes:
    """Later wget: every target written as <uri> (WARC/1.0 grammar), MANIFEST as metadata."""
    return _wget("shape-wget-bad-target-uri", angle=True, manifest_type="metadata")


def wpull() -> bytes:
    """wpull: a long warcinfo, request with digests, response, and a urn:X-wpull:log resource."""
    url = "http://wpull.shapes.example.com/"
    info_body = b"".join(f"arg: --option-{i}=value-{i}\r\n".encode() for i in range(60))
    info = record("warcinfo", None, b"software: wpull/1.2 (made-up)\r\n" + info_body,
                  version=V10, ctype="application/warc-fields", rec_id=uid(1),
                  extra=[("WARC-Warcinfo-ID", uid(1))])
    req = http_request(url)
    link = [("WARC-Warcinfo-ID", uid(1))]
    return gz_each([
        info,
        record("request", url, req, version=V10, rec_id=uid(2),
               ctype="application/http;msgtype=request",
               extra=[("WARC-IP-Address", "192.0.2.13"), ("WARC-Payload-Digest", sha1_b32(b"")),
                      *link]),
        record("response", url, http_response(page("wpull page")), version=V10, rec_id=uid(3),
               ctype="application/http;msgtype=response",
               extra=[("WARC-IP-Address", "192.0.2.13"), ("WARC-Concurrent-To", uid(2)), *link]),
        record("resource", "urn:X-wpull:log", b"INFO Fetching http://wpull.shapes.example.com/\n"
               b"INFO Fetched: 200 OK\n", version=V10, ctype="text/plain", rec_id=uid(4),
               extra=link),
    ])


def missing_status_text() -> bytes:
    """A redirect with no reason phrase ('HTTP/1.0 302 ') and every line ended CR CR LF."""
    http = (b"HTTP/1.0 302 \r\r\nLocation: http://shapes.example.com/moved-here\r\r\n"
            b"Server: made-up\r\r\nConnection: close\r\r\nContent-Length: 0\r\r\n\r\r\n")
    head = (f"WARC/1.0\r\r\nWARC-Type: response\r\r\nWARC-Record-ID: {uid(1)}\r\r\n"
            "WARC-Date: 2026-01-02T03:04:05Z\r\r\n"
            f"Content-Length: {len(http)}\r\r\nContent-Type: application/http; msgtype=response"
            f"\r\r\nWARC-Payload-Digest: {sha1_b32(b'')}\r\r\n"
            "WARC-Target-URI: http://shapes.example.com/moved\r\r\n\r\r\n").encode()
    return head + http + b"\r\r\n\r\r\n"


def space_in_target_uri() -> bytes:
    """A resource whose WARC-Target-URI holds raw spaces (file:// URI of a local picture)."""
    return gz_each([
        warcinfo("shape-space-in-target-uri.warc.gz", "our-test-writer/1.0", 1),
        record("resource", "file:///our test picture.png", b"\x89PNG\r\n\x1a\nnot really a png",
               version=V10, ctype="image/png", rec_id=uid(2)),
    ])


def truncated() -> bytes:
    """A gzip-encoded HTTP body cut 2 bytes short of its Content-Length, followed by stray bytes.

    The record's Content-Length stops before the body's end, so 2 bytes and the record end
    are left before the next record (a request), where a reader must pick up again.
    """
    body = gzip.compress(page("Compressed then cut", "x" * 200), mtime=0)
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    url = "http://shapes.example.com/cut"
    resp = record("response", url, http, version=V10, rec_id=uid(3), length=str(len(http) - 2))
    recs = [warcinfo("shape-truncated.warc", "our-test-writer/1.0", 1), resp,
            record("request", url, http_request(url), version=V10, rec_id=uid(4),
                   extra=[("WARC-Concurrent-To", uid(3))], digests=False)]
    return b"".join(recs)


def gzip_members_split() -> bytes:
    """One response split over three gzip members (headers | body | record end + next record)."""
    url = "http://shapes.example.com/split"
    whole = record("response", url, http_response(page("Split over members")), version=V10,
                   rec_id=uid(1), extra=[("WARC-IP-Address", "192.0.2.14")])
    req = record("request", url, http_request(url), version=V10, rec_id=uid(2),
                 extra=[("WARC-Concurrent-To", uid(1))])
    cut1 = whole.index(b"<html>")
    cut2 = len(whole) - 4
    return gz(whole[:cut1]) + gz(whole[cut1:cut2]) + gz(whole[cut2:] + req)


def _chunked(body: bytes, sizes: list[int], claim: int | None = None) -> bytes:
    """HTTP response with a chunked body; chunk sizes in zero-padded hex as some servers write.

    With `claim`, the last chunk declares `claim` bytes but the body stops after its data.
    """
    out, pos = [], 0
    for n in sizes:
        out.append(f"{n:06x}\r\n".encode() + body[pos:pos + n] + b"\r\n")
        pos += n
    if claim is None:
        out.append(b"0\r\n\r\n")
    else:
        out.append(f"{claim:x}\r\n".encode() + body[pos:])
    head = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n")
    return head + b"".join(out)


def _hex_digest_record(url: str, http: bytes, n: int) -> bytes:
    return record("response", url, http, version=V10, rec_id=uid(n), digests=False,
                  ctype="application/http;msgtype=response",
                  extra=[("WARC-IP-Address", "192.0.2.15"),
                         ("WARC-Block-Digest", "sha1:" + hashlib.sha1(http).hexdigest())])


def chunked() -> bytes:
    """warcprox-like: a Transfer-Encoding: chunked body, hex (not base32) digests."""
    url = "http://shapes.example.com/chunked"
    body = page("Sent in chunks", "chunk " * 80)
    return b"".join([
        warcinfo("shape-chunked.warc", "our-proxy-writer/1.0", 1),
        _hex_digest_record(url, _chunked(body, [100, 250, len(body) - 350]), 2),
        record("request", url, http_request(url), version=V10, rec_id=uid(3),
               extra=[("WARC-Concurrent-To", uid(2))], digests=False),
    ])


def chunked_short() -> bytes:
    """A chunked body whose last chunk declares more bytes than the record holds."""
    url = "http://shapes.example.com/chunked-short"
    body = page("Chunks promised more", "part " * 40)
    return b"".join([
        _hex_digest_record(url, _chunked(body, [64], claim=4096), 1),
        record("request", url, http_request(url), version=V10, rec_id=uid(2),
               extra=[("WARC-Concurrent-To", uid(1))], digests=False),
    ])


def digests() -> bytes:
    """The same request four times, with payload digests in base32, base64, base64url and junk."""
    url = "http://shapes.example.com/"
    req = http_request(url)
    empty = hashlib.sha1(b"").digest()
    b64, b64url = base64.b64encode(empty).decode(), base64.urlsafe_b64encode(empty).decode()
    variants = [
        ("sha1:" + "2" * 32, sha1_b32(req)),  # well-formed base32 that does not match
        (f"sha1:{b64}", sha1_b32(req)),  # base64 (with '/' and '=') of the empty payload
        (f"sha1:{b64}", sha1_b32(req)),
        (f"sha1:{b64url}", "sha1:not-a-digest"),  # base64url payload, junk block digest
    ]
    return b"".join(
        record("request", url, req, version=V10, rec_id=uid(1), digests=False,
               extra=[("WARC-Concurrent-To", uid(2)), ("WARC-Block-Digest", block),
                      ("WARC-Payload-Digest", payload)])
        for payload, block in variants
    )


def _post_request(url: str, form: bytes) -> bytes:
    path = "/" + url.split("/", 3)[3]
    host = url.split("/")[2]
    return (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {len(form)}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nUser-Agent: test\r\n\r\n"
            ).encode() + form


def post() -> bytes:
    """Three POST captures (response first, then its request), one with a query string."""
    recs, n = [], 1
    for url, form in (("http://forms.shapes.example.com/submit", b"name=ales&city=minsk"),
                      ("http://forms.shapes.example.com/submit", b"x=1&y=[]&z=3"),
                      ("http://forms.shapes.example.com/submit?lang=be", b"note=")):
        echo = b'{"form": "' + form + b'", "made_up": true}\n'
        recs.append(record("response", url, http_response(echo, ctype="application/json"),
                           version=V10, rec_id=uid(n), ctype="application/http;msgtype=response",
                           extra=[("WARC-IP-Address", "192.0.2.16")]))
        recs.append(record("request", url, _post_request(url, form), version=V10,
                           rec_id=uid(n + 1), ctype="application/http;msgtype=request",
                           extra=[("WARC-Concurrent-To", uid(n))], digests=False))
        n += 2
    return gz_each(recs)


def dupes() -> bytes:
    """A crawl revisited: a page, a bare redirect, then revisits of earlier captures."""
    info = [("WARC-Warcinfo-ID", uid(1))]
    home, www = "http://dupes.example.com", "http://www.dupes.example.com/"
    home_body = page("Dupes home")
    recs = [warcinfo("shape-dupes.warc.gz", "our-test-writer/1.0", 1)]
    recs += _pair(home, home_body, 2, "2026-01-02T03:04:05Z", info, info)
    redirect = b"HTTP/1.0 302 Found\r\nLocation: " + www.encode() + b"\r\nContent-Length: 0\r\n\r\n"
    recs.append(record("response", "http://dupes-redirect.example.com", redirect, version=V10,
                       rec_id=uid(4), extra=info))
    n = 10
    for path in ("", "js/site.js", "css/screen.css", "css/print.css", "img/logo.svg",
                 "fonts/Regular.ttf"):
        url = www + path
        recs.append(_revisit(url, url, "2026-01-01T00:00:00Z", f"asset {path}".encode(), n,
                             "2026-01-02T03:04:06Z", extra=info))
        recs.append(record("request", url, http_request(url), version=V10, rec_id=uid(n + 1),
                           extra=[("WARC-Concurrent-To", uid(n)), *info], digests=False))
        n += 2
    recs.append(_revisit(home, home, "2026-01-02T03:04:05Z", home_body, n,
                         "2026-01-03T03:04:05Z", extra=info))
    return gz_each(recs)


def extra() -> bytes:
    """Query URL without a path, zero-length revisits, and HTTP lines with a bad protocol."""
    url, body = "http://shapes.example.com?page=2", page("Page two")
    revisit = record("revisit", url, b"", version=V10, rec_id=uid(3), digests=False, ctype="",
                     date="2026-01-04T03:04:05Z",
                     extra=[("WARC-Payload-Digest", sha1_b32(body)),
                            ("WARC-Profile",
                             "http://netpreserve.org/warc/0.18/revisit/identical-payload-digest"),
                            ("WARC-Refers-To-Target-URI", url),
                            ("WARC-Refers-To-Date", "2026-01-02T03:04:05Z")])
    req = b"GET /?page=2 HTTP/1.1\r\nHost: shapes.example.com\r\n\r\n"
    good = _pair(url, body, 1, "2026-01-02T03:04:05Z", req=req)
    bad = [r.replace(b"HTTP/1.1 200 OK", b"HTTPX/1.1 200 OK", 1)
           .replace(b"GET /?page=2", b"GETX /?page=2", 1)
           for r in _pair(url, body, 4, "2026-01-05T03:04:05Z", req=req)]
    return b"".join([*good, revisit, *bad, revisit.replace(uid(3).encode(), uid(6).encode())])


def samples() -> dict[str, bytes]:
    """File name -> bytes for every shape-* file (and the single-stream refusal sample)."""
    return {
        "shape-general.warc": b"".join(general()),
        "shape-general.warc.gz": gz_each(general()),
        "crafted-single-stream.warc.gz": single_stream(),
        "shape-resource.warc.gz": resource(),
        "shape-resource-json.warc.gz": resource_json(),
        "shape-url-agnostic-orig.warc.gz": url_agnostic_orig(),
        "shape-url-agnostic-revisit.warc.gz": url_agnostic_revisit(),
        "shape-wget-1-14.warc.gz": wget_1_14(),
        "shape-wget-bad-target-uri.warc.gz": wget_bad_target_uri(),
        "shape-wpull.warc.gz": wpull(),
        "shape-missing-status-text.warc": missing_status_text(),
        "shape-space-in-target-uri.warc.gz": space_in_target_uri(),
        "shape-truncated.warc": truncated(),
        "shape-gzip-members-split.warc.gz": gzip_members_split(),
        "shape-chunked.warc": chunked(),
        "shape-chunked-short.warc": chunked_short(),
        "shape-digests.warc": digests(),
        "shape-post.warc.gz": post(),
        "shape-dupes.warc.gz": dupes(),
        "shape-extra.warc": extra(),
    }

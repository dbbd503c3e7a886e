"""Which request a capture answered: its method and body, keyed the way pywb keys them.

A POST, PUT or HEAD capture of a URL is another resource than its GET: pywb (``wb-manager
add``) and the WACZ tools index it under ``URL?__wb_method=post&<body as a query>``, so a GET
is never answered with it. The body becomes a query as pywb's MethodQueryCanonicalizer makes
it (https://specs.webrecorder.net/request-body-canonicalization/latest/): form fields as
they are, multipart fields by name, JSON leaves by key, anything else base64. Written here
(not imported) because pywb's pins clash with the crawler's; AMF bodies, which it decodes
with pyamf, are keyed as binary here.
"""

from __future__ import annotations

import base64
import json
import math
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import unquote_plus, urlencode

from .records import HttpMessage, RecordInfo

MAX_QUERY_LENGTH = 4096  # pywb's cut
_WITH_BODY = frozenset(("POST", "PUT"))


def _binary(body: bytes) -> str:
    return "__wb_post_data=" + base64.b64encode(body).decode("ascii")


def _json_leaves(body: bytes) -> str:
    """``key=value`` for every leaf of a JSON document (pywb's json_parse); ValueError if none."""
    data: dict[str, str] = {}
    dupes: dict[str, int] = {}

    def key(name: str) -> str:
        if name not in data:
            return name
        dupes[name] = dupes.get(name, 1) + 1
        return f"{name}.{dupes[name]}_"

    def walk(obj: object, name: str = "") -> None:
        if isinstance(obj, dict):
            for k, v in obj.items():
                walk(v, k)
        elif isinstance(obj, list):
            for v in obj:
                walk(v, name)
        elif name:
            if isinstance(obj, bool):
                data[key(name)] = "true" if obj else "false"
            elif obj is None:
                data[key(name)] = "null"
            elif isinstance(obj, float) and math.modf(obj)[0] == 0.0:
                data[key(name)] = str(int(obj))  # as JavaScript prints a whole number
            else:
                data[key(name)] = str(obj)

    walk(json.loads(body))
    return urlencode(data)


def _multipart(ctype: str, body: bytes) -> str:
    """Form fields of a multipart body, by name (a file field's raw bytes percent-encoded)."""
    if "boundary=" not in ctype:
        return _binary(body)
    msg = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {ctype}\r\n\r\n".encode() + body)
    if not msg.is_multipart():
        return _binary(body)
    values: list[tuple[str, str | bytes]] = []
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name is None:
            continue
        raw = part.get_payload(decode=True) or b""
        if part.get_filename() is None:
            values.append((str(name), raw.decode("utf-8", "replace")))
        else:
            values.append((str(name), raw))
    return urlencode(values, True)


def body_query(ctype: str, body: bytes) -> str:
    """A request body as a query string, by its Content-Type."""
    ctype = ctype.strip()
    low = ctype.lower()
    if low.startswith("application/x-www-form-urlencoded"):
        try:
            return unquote_plus(body.decode("utf-8"))
        except UnicodeDecodeError:
            return _binary(body)
    if low.startswith("multipart/"):
        return _multipart(ctype, body)
    if low.startswith("application/json"):
        try:
            return _json_leaves(body)
        except ValueError:
            return ""
    if low.startswith("text/plain"):
        try:
            return _json_leaves(body)
        except ValueError:
            return _binary(body)
    return _binary(body)


def method_query(method: str, content_type: str | None, content_length: str | None,
                 body: bytes) -> str:
    """``""`` for a GET; else ``__wb_method=<METHOD>`` and, for a POST or PUT with a body, the
    body as a query (only the declared Content-Length of it, as pywb reads it)."""
    method = method.upper()
    if method == "GET" or not method:
        return ""
    out = "__wb_method=" + method
    if method in _WITH_BODY:
        length = (content_length or "").strip()
        if length.isascii() and length.isdigit() and int(length) > 0:
            query = body_query(content_type or "", body[: int(length)])[:MAX_QUERY_LENGTH]
            if query:
                out += "&" + query
    return out


def request_query(request: HttpMessage) -> str:
    """method_query of a parsed HTTP request."""
    return method_query(request.method, request.header("Content-Type"),
                        request.header("Content-Length"), request.body)


def with_query(url: str, query: str) -> str:
    """``url`` with a method query appended (pywb's append_query)."""
    if not query:
        return url
    return url + ("&" if "?" in url else "?") + query


def capture_method(info: RecordInfo) -> tuple[str, str]:
    """(method, method query) of a capture, from its own request record when it was paired
    with one for the same URL (see archive.pairing); a capture without one is a GET."""
    req = info.request
    if (req is None or req.record.block.startswith(b"GET ")  # most: no need to parse it
            or req.record.target_uri != info.record.target_uri):
        return "GET", ""
    try:
        http = req.record.http()
    except ValueError:
        return "GET", ""
    if http is None or not http.method:
        return "GET", ""
    return http.method.upper(), request_query(http)

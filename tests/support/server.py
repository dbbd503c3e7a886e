"""A real HTTP server on 127.0.0.1 that serves many virtual hosts, for end-to-end tests.

Spiders keep their real outlet URLs; the crawl runs with ``http_proxy`` pointing here (as a user
behind a proxy would) and ``OUTLET_BASE_URLS`` switching the outlets to plain HTTP. The server
answers proxy-form requests (``GET http://host/path``) and origin-form ones with a Host header.
With ``tls=True`` it is the ``https_proxy`` too: a ``CONNECT host:443`` tunnel is answered with
TLS (a self-signed certificate, which Scrapy does not verify) and its requests are
``https://`` ones, so a site can move from http to https as real ones do.
"""

from __future__ import annotations

import gzip
import hashlib
import socketserver
import ssl
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit


@dataclass
class Page:
    body: bytes
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    gzip: bool = False  # send with Content-Encoding: gzip
    chunked: bool = False  # send with Transfer-Encoding: chunked
    reason: str | None = None
    delay: float = 0.0  # seconds to wait before answering (slow sites, interruption tests)
    stall: float = 0.0  # seconds to wait after the head and half the body (a stalled transfer)


Handler = Callable[[str], Page | None]  # path?query -> page, for dynamic pages
Gate = Callable[[str, str], Page | None]  # (path?query, Cookie header) -> a page in the way


@dataclass
class VirtualSite:
    host: str
    pages: dict[str, Page] = field(default_factory=dict)
    dynamic: list[Handler] = field(default_factory=list)
    https_only: bool = False  # a plain-HTTP request answers 301 to its https:// URL
    gate: Gate | None = None  # answers first, seeing the cookies (a cookie-check interstitial)

    def add(self, path: str, page: Page | bytes | str, **kwargs: object) -> None:
        if isinstance(page, str):
            page = page.encode("utf-8")
        if isinstance(page, bytes):
            page = Page(page, **kwargs)  # type: ignore[arg-type]
        self.pages[path] = page

    def find(self, target: str) -> Page | None:
        if target in self.pages:
            return self.pages[target]
        for handler in self.dynamic:
            page = handler(target)
            if page is not None:
                return page
        return None


@dataclass
class Served:
    url: str
    status: int
    payload_sha256: str  # of the entity body as sent (encoding kept, chunk framing removed)


@dataclass
class Hit:
    """One request as the server saw it: when, what, from whom and whether via the proxy form."""

    at: float  # time.monotonic() on arrival
    url: str
    user_agent: str
    proxied: bool  # absolute-form request line (GET http://host/path): sent to us as a proxy


NOT_FOUND = Page(b"<html><body><h1>404</h1></body></html>", status=404)


class FixtureServer:
    """Threaded server; ``sites`` may be changed between crawls (sites add/edit articles)."""

    def __init__(self, sites: list[VirtualSite], tls: bool = False) -> None:
        self.sites = {s.host: s for s in sites}
        self.tls = tls
        self.served: list[Served] = []
        self.requests: list[str] = []
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def base_urls(self) -> dict[str, str]:
        """OUTLET_BASE_URLS mapping each site's host to plain HTTP on the same host."""
        return {host: f"http://{host}" for host in self.sites}

    def crawl_env(self) -> dict[str, str]:
        env = {"http_proxy": self.proxy_url, "HTTP_PROXY": self.proxy_url, "no_proxy": "",
               "NO_PROXY": ""}
        if self.tls:
            env.update(https_proxy=self.proxy_url, HTTPS_PROXY=self.proxy_url)
        return env

    def __enter__(self) -> FixtureServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def hits_for(self, host: str) -> list[Hit]:
        return [h for h in self.hits if urlsplit(h.url).hostname == host]

    def requested_paths(self, host: str) -> list[str]:
        """Paths requested from ``host``, over http or https."""
        return [u.split(host, 1)[1] for u in self.requests
                if u.startswith((f"http://{host}/", f"https://{host}/"))]

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            tunnelled = False  # inside a CONNECT tunnel: https

            def do_CONNECT(self) -> None:  # noqa: N802
                """An https_proxy tunnel: answered with TLS, its requests read as https."""
                if not server.tls:
                    self.send_error(405, "no TLS in this fixture server")
                    return
                self.send_response(200, "Connection established")
                self.end_headers()
                tls = _tls_context().wrap_socket(self.connection, server_side=True)
                self.connection, self.tunnelled = tls, True
                self.rfile = tls.makefile("rb", self.rbufsize)
                self.wfile = socketserver._SocketWriter(tls)  # type: ignore[attr-defined]

            def do_GET(self) -> None:  # noqa: N802
                arrived = time.monotonic()
                proxied = self.path.startswith(("http://", "https://"))
                if proxied:
                    parts = urlsplit(self.path)
                    host, target = parts.hostname or "", parts.path + (
                        f"?{parts.query}" if parts.query else "")
                else:
                    host, target = (self.headers.get("Host") or "").split(":")[0], self.path
                url = f"{'https' if self.tunnelled else 'http'}://{host}{target}"
                with server._lock:
                    server.requests.append(url)
                    server.hits.append(Hit(arrived, url, self.headers.get("User-Agent") or "",
                                           proxied))
                site = server.sites.get(host)
                if site is not None and site.https_only and not self.tunnelled:
                    page: Page | None = Page(b"", status=301,
                                             headers=[("Location", f"https://{host}{target}")])
                else:
                    gate = site.gate if site else None
                    page = gate(target, self.headers.get("Cookie") or "") if gate else None
                    page = page or (site.find(target) if site else None)
                page = page or NOT_FOUND
                self._send(url, page)

            def _send(self, url: str, page: Page) -> None:
                if page.delay:
                    time.sleep(page.delay)
                payload = gzip.compress(page.body, mtime=0) if page.gzip else page.body
                self.send_response(page.status, page.reason)
                if page.content_type:
                    self.send_header("Content-Type", page.content_type)
                for name, value in page.headers:
                    self.send_header(name, value)
                if page.gzip:
                    self.send_header("Content-Encoding", "gzip")
                if page.chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                else:
                    self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if page.chunked:
                    for start in range(0, len(payload), 1000):
                        chunk = payload[start:start + 1000]
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.write(b"0\r\n\r\n")
                elif page.stall:
                    self.wfile.write(payload[:len(payload) // 2])
                    self.wfile.flush()
                    time.sleep(page.stall)
                    self.wfile.write(payload[len(payload) // 2:])
                else:
                    self.wfile.write(payload)
                with server._lock:
                    server.served.append(Served(url, page.status,
                                                hashlib.sha256(payload).hexdigest()))

        return _Handler


@cache
def _tls_context() -> ssl.SSLContext:
    """A server context with a self-signed certificate, made once per process."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fixture.test")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .sign(key, hashes.SHA256()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory(prefix="fixture-tls-") as name:  # ssl reads files only
        folder = Path(name)
        (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        (folder / "key.pem").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
        context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context

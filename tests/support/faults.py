"""A misbehaving HTTP server on 127.0.0.1: one path per fault, written on raw sockets.

``http.server`` always frames responses correctly; faults need lies about lengths, stalls,
resets, surplus bytes and bodies streamed until the client gives up. Like
:class:`~tests.support.server.FixtureServer` it is used as the crawl's HTTP proxy, so spiders
keep their real outlet URLs (proxy-form ``GET http://www.belta.by/path HTTP/1.1``).

Every request line is logged (``requests``) with its arrival time, and streamed routes record
how many bytes they managed to send before the client hung up (``sent``).
"""

from __future__ import annotations

import gzip
import select
import socket
import socketserver
import struct
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

STALL_LIMIT = 30.0  # a stalling route lets go after this long even if the client does not


@dataclass
class Exchange:
    """One request on a connection, as a route sees it."""

    server: FaultServer
    sock: socket.socket
    host: str
    target: str  # path?query as requested
    count: int  # 1 for the first request to this target, 2 for the second…
    keep_alive: bool = True  # a route sets False when it has closed or ruined the connection

    def send(self, data: bytes) -> bool:
        """Send; False when the client has gone (reset or closed)."""
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            self.keep_alive = False
            return False

    def wait_for_client_close(self, limit: float = STALL_LIMIT) -> None:
        """Say nothing until the client gives up (or the server stops)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and not self.server.stopping.is_set():
            ready, _, _ = select.select([self.sock], [], [], 0.2)
            if ready:
                try:
                    if not self.sock.recv(65536):
                        break
                except OSError:
                    break
        self.keep_alive = False


Route = Callable[[Exchange], None]


def head(status: int, headers: Iterable[tuple[str, str]] = (), reason: str = "") -> bytes:
    lines = [f"HTTP/1.1 {status} {reason or 'Status'}"] + [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def respond(body: bytes, status: int = 200, content_type: str | None = "text/html; charset=utf-8",
            headers: Iterable[tuple[str, str]] = ()) -> Route:
    """A correct response."""
    all_headers = [("Content-Type", content_type)] if content_type else []
    all_headers += [*headers, ("Content-Length", str(len(body)))]

    def route(ex: Exchange) -> None:
        ex.send(head(status, all_headers) + body)

    return route


def sequence(*routes: Route) -> Route:
    """The n-th request gets the n-th route; the last one repeats."""
    def route(ex: Exchange) -> None:
        routes[min(ex.count, len(routes)) - 1](ex)
    return route


def stall_after_headers(length: int = 20000) -> Route:
    """Status line and headers, then silence: a read timeout."""
    def route(ex: Exchange) -> None:
        ex.send(head(200, [("Content-Type", "text/html; charset=utf-8"),
                           ("Content-Length", str(length))]) + b"<html><head>")
        ex.wait_for_client_close()
    return route


def never_answer(ex: Exchange) -> None:
    """Accept, read the request, answer nothing (through a proxy a dead origin looks so)."""
    ex.wait_for_client_close()


def reset_mid_body(body: bytes) -> Route:
    """Half the body, then an RST (SO_LINGER 0) instead of the rest."""
    def route(ex: Exchange) -> None:
        ex.send(head(200, [("Content-Type", "text/html; charset=utf-8"),
                           ("Content-Length", str(len(body)))]) + body[: len(body) // 2])
        time.sleep(0.05)
        ex.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        ex.sock.close()
        ex.keep_alive = False
    return route


def length_longer_than_body(body: bytes, missing: int = 5000) -> Route:
    """Content-Length promises more than is sent; the connection then closes normally."""
    def route(ex: Exchange) -> None:
        ex.send(head(200, [("Content-Type", "text/html; charset=utf-8"),
                           ("Content-Length", str(len(body) + missing))]) + body)
        ex.sock.shutdown(socket.SHUT_RDWR)
        ex.keep_alive = False
    return route


def length_shorter_than_body(body: bytes, declared: int, surplus: bytes) -> Route:
    """Content-Length covers only ``declared`` bytes; the rest and ``surplus`` follow on the
    kept-alive connection, where a careless client would read them as the next response."""
    def route(ex: Exchange) -> None:
        ex.send(head(200, [("Content-Type", "text/html; charset=utf-8"),
                           ("Content-Length", str(declared))]) + body + surplus)
    return route


def broken_chunking(body: bytes) -> Route:
    """Chunked: one good chunk of half the body, then a chunk-size line that is no number."""
    def route(ex: Exchange) -> None:
        first = body[: len(body) // 2]
        ex.send(head(200, [("Content-Type", "text/html; charset=utf-8"),
                           ("Transfer-Encoding", "chunked")])
                + b"%x\r\n%s\r\nzz\r\n" % (len(first), first) + body[len(first):])
        ex.sock.shutdown(socket.SHUT_RDWR)
        ex.keep_alive = False
    return route


def truncated_gzip(body: bytes) -> Route:
    """A gzip stream cut in half, correctly framed (Content-Length = bytes sent)."""
    compressed = gzip.compress(body, mtime=0)
    cut = compressed[: len(compressed) // 2]
    return respond(cut, headers=[("Content-Encoding", "gzip")])


def gzip_bomb(members: int = 16, member_size: int = 32 << 20) -> Route:
    """``members`` gzip members of ``member_size`` zero bytes each: tiny on the wire."""
    member = gzip.compress(bytes(member_size), compresslevel=9, mtime=0)
    return respond(member * members, headers=[("Content-Encoding", "gzip")])


def endless_page(total: int, chunked: bool = False) -> Route:
    """A ``total``-byte HTML page generated as it is sent; ``sent`` records what got out."""
    piece = b"<p>" + "Очень длинная страница. ".encode() * 2700 + b"</p>\n"

    def route(ex: Exchange) -> None:
        framing = [("Transfer-Encoding", "chunked")] if chunked else [
            ("Content-Length", str(total))]
        if not ex.send(head(200, [("Content-Type", "text/html; charset=utf-8"), *framing])):
            return
        sent = 0
        while sent < total and not ex.server.stopping.is_set():
            data = piece[: total - sent]
            if not ex.send(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data):
                break
            sent += len(data)
            ex.server.sent[ex.target] = sent
        if chunked and sent >= total:
            ex.send(b"0\r\n\r\n")
    return route


def redirect(location: str, status: int = 302) -> Route:
    return respond(b"", status=status, content_type=None, headers=[("Location", location)])


def redirect_chain(path: str) -> Route:
    """Every hop redirects to a new URL (``?hop=n``), forever: only REDIRECT_MAX_TIMES ends it.
    (A plain A→B→A loop is cut by Scrapy's duplicate filter at the second A.)"""
    hops = iter(range(1, 1 << 30))

    def route(ex: Exchange) -> None:
        redirect(f"{path}?hop={next(hops)}")(ex)
    return route


@dataclass
class Logged:
    at: float  # time.monotonic() when the request line arrived
    method: str
    url: str  # absolute URL (proxy form) or host + target
    raw: bytes  # the request head as received


@dataclass
class FaultServer:
    """Serve ``routes`` (target → route) for ``host``; anything else is a 404."""

    host: str
    routes: dict[str, Route]
    requests: list[Logged] = field(default_factory=list)
    sent: dict[str, int] = field(default_factory=dict)
    stopping: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = defaultdict(int)
        self._tcp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), self._handler_class())
        self._tcp.daemon_threads = True
        self._thread = threading.Thread(target=self._tcp.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._tcp.server_address[1]

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def base_urls(self) -> dict[str, str]:
        return {self.host: f"http://{self.host}"}

    def crawl_env(self) -> dict[str, str]:
        return {"http_proxy": self.proxy_url, "HTTP_PROXY": self.proxy_url, "no_proxy": "",
                "NO_PROXY": ""}

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._tcp.shutdown()
        self._tcp.server_close()

    def times(self, target: str) -> list[float]:
        """Arrival times of the requests for ``target`` on this server's host."""
        url = f"http://{self.host}{target}"
        return [r.at for r in self.requests if r.url == url]

    def _next_count(self, target: str) -> int:
        with self._lock:
            self._counts[target] += 1
            return self._counts[target]

    def _handler_class(self) -> type[socketserver.BaseRequestHandler]:
        server = self

        class _Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                sock: socket.socket = self.request
                sock.settimeout(10)
                buffer = b""
                while not server.stopping.is_set():
                    try:
                        while b"\r\n\r\n" not in buffer:
                            data = sock.recv(65536)
                            if not data:
                                return
                            buffer += data
                    except OSError:
                        return
                    raw, buffer = buffer.split(b"\r\n\r\n", 1)
                    if not server._serve(sock, raw):
                        return

        return _Handler

    def _serve(self, sock: socket.socket, raw: bytes) -> bool:
        line, *header_lines = raw.decode("latin-1").split("\r\n")
        method, _, rest = line.partition(" ")
        target = rest.rsplit(" ", 1)[0]
        headers = {k.strip().lower(): v.strip()
                   for k, _, v in (h.partition(":") for h in header_lines)}
        if target.startswith(("http://", "https://")):
            parts = urlsplit(target)
            host = parts.hostname or ""
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        else:
            host = headers.get("host", "").split(":")[0]
        with self._lock:
            self.requests.append(Logged(time.monotonic(), method, f"http://{host}{target}", raw))
        path = target.split("?", 1)[0]
        route = self.routes.get(target, self.routes.get(path)) if host == self.host else None
        exchange = Exchange(self, sock, host, target, self._next_count(target))
        (route or respond(b"<html><body>404</body></html>", status=404))(exchange)
        return exchange.keep_alive

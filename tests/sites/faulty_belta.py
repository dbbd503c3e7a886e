"""A БЕЛТА whose RSS lists one article URL per fault (issue 8), served by the FaultServer.

Reusing the real outlet means ``scrapy crawl belta`` meets every fault on the path articles
take in production (feed → article request → extraction pipeline); no test-only spider or
outlet exists. Each case names the URL slug, the fault and what the crawl must make of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime
from html import escape
from zoneinfo import ZoneInfo

from tests.sites.belta import article_page
from tests.sites.common import GoldArticle, paragraphs_for, title_for
from tests.support import faults
from tests.support.faults import Route

HOST = "www.belta.by"
TZ = ZoneInfo("Europe/Minsk")
START = datetime(2026, 1, 8, 19, 51, tzinfo=TZ)
SMUGGLED = "ПОДМЕНА-ОТВЕТА"  # text of a fake response hidden in surplus bytes
MAXSIZE = 1 << 20  # DOWNLOAD_MAXSIZE of the fault crawl
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82") * 50


@dataclass
class Case:
    slug: str
    fault: str
    route: Route | None  # None: the URL must never be requested
    gold: GoldArticle | None = None  # the item it must give, or None: no item
    stat: str | None = None  # a stat the failure must be counted under
    link: str | None = None  # feed link when it is not the article's own URL

    @property
    def path(self) -> str:
        return f"/politics/view/{self.slug}-2026/"

    @property
    def url(self) -> str:
        return f"https://{HOST}{self.path}"


def gold_for(slug: str, seed: int) -> GoldArticle:
    return GoldArticle(url=f"https://{HOST}/politics/view/{slug}-2026/", title=title_for(seed),
                       paragraphs=paragraphs_for(seed), published=START - timedelta(hours=seed),
                       authors=["БЕЛТА"], tags=[f"Тег {seed}"])


def html_for(gold: GoldArticle, charset: str = "utf-8") -> str:
    return article_page(gold, "politics", None).replace('<meta charset="utf-8">',
                                                        f'<meta charset="{charset}">')


def encoded(gold: GoldArticle, codec: str, meta: str) -> bytes:
    # Characters a charset lacks (« » — in KOI8-R) become character references, as CMSs do.
    return html_for(gold, meta).encode(codec, "xmlcharrefreplace")


def with_nuls(gold: GoldArticle) -> bytes:
    html = html_for(gold)
    for paragraph in gold.paragraphs:
        html = html.replace(paragraph, paragraph.replace(" ", " \x00", 2))
    return html.replace(gold.title, gold.title[:5] + "\x00" + gold.title[5:]).encode()


def deep(gold: GoldArticle, levels: int = 10_000) -> bytes:
    html = html_for(gold)
    html = html.replace('<div class="js-mediator-article">',
                        '<div class="js-mediator-article">' + "<div>" * levels, 1)
    return html.replace("<script>var mediator", "</div>" * levels + "<script>var mediator",
                        1).encode()


def smuggled_response() -> bytes:
    fake = html_for(gold_for("smuggled-427999", 999)).replace(title_for(999), SMUGGLED)
    body = fake.replace("<p>", f"<p>{SMUGGLED} ", 1).encode()
    return faults.head(200, [("Content-Type", "text/html; charset=utf-8"),
                             ("Content-Length", str(len(body)))]) + body


def build() -> tuple[dict[str, Route], list[Case], bytes]:
    """(routes for the FaultServer, the cases, the RSS body)."""
    cases: list[Case] = []
    seed = iter(range(200, 400))

    def good(slug: str) -> GoldArticle:
        return gold_for(slug, next(seed))

    for i in range(4):
        g = good(f"good-{i}-427{600 + i}")
        cases.append(Case(g.url.split("/")[-2][:-5], "none", faults.respond(html_for(g).encode()),
                          g))

    def add(slug: str, fault: str, route: Route | None, gold: GoldArticle | None = None,
            stat: str | None = None, link: str | None = None) -> None:
        cases.append(Case(slug, fault, route, gold, stat, link))

    g = good("retry-5xx-427701")
    ok = faults.respond(html_for(g).encode())
    add("retry-5xx-427701", "500, 502, then 200",
        faults.sequence(faults.respond(b"<h1>500</h1>", 500), faults.respond(b"bad gw", 502), ok),
        g, "retry/reason_count/http_502")
    g = good("rate-limited-427702")
    add("rate-limited-427702", "429 then 200",
        faults.sequence(faults.respond(b"slow down", 429), faults.respond(html_for(g).encode())),
        g, "blocked/429")
    g = good("retry-after-427703")
    add("retry-after-427703", "503 with Retry-After: 1, then 200",
        faults.sequence(faults.respond(b"busy", 503, headers=[("Retry-After", "1")]),
                        faults.respond(html_for(g).encode())),
        g, "retry/reason_count/http_503")
    add("always-500-427704", "permanent 500", faults.respond(b"<h1>error</h1>", 500), None,
        "retry/gave_up/http_500")
    add("forbidden-427705", "permanent 403", faults.respond(b"<h1>forbidden</h1>", 403), None,
        "retry/gave_up/http_403")
    add("read-timeout-427706", "headers, then silence", faults.stall_after_headers(), None,
        "retry/gave_up/timeout")
    add("no-answer-427707", "connection accepted, never answered", faults.never_answer, None,
        "retry/gave_up/timeout")
    add("reset-427708", "connection reset mid-body",
        faults.reset_mid_body(html_for(good("reset-427708")).encode()), None,
        "retry/gave_up/data_loss")  # Twisted: body shorter than Content-Length
    add("length-long-427709", "Content-Length larger than the body",
        faults.length_longer_than_body(html_for(good("length-long-427709")).encode()), None,
        "retry/gave_up/data_loss")
    body = html_for(good("length-short-427710")).encode()
    add("length-short-427710", "Content-Length smaller than the body, surplus on keep-alive",
        faults.length_shorter_than_body(body, body.index(b"</p>") + 40, smuggled_response()),
        None, "extraction/failed/truncated_html")
    add("gzip-cut-427711", "gzip stream cut in half",
        faults.truncated_gzip(html_for(good("gzip-cut-427711")).encode()), None,
        "retry/gave_up/data_loss")
    g = good("utf8-says-cp1251-427712")
    add("utf8-says-cp1251-427712", "declares UTF-8, sends windows-1251",
        faults.respond(encoded(g, "cp1251", "utf-8")), g)
    g = good("cp1251-says-utf8-427713")
    add("cp1251-says-utf8-427713", "declares windows-1251, sends UTF-8",
        faults.respond(encoded(g, "utf-8", "windows-1251"),
                       content_type="text/html; charset=windows-1251"), g)
    g = good("koi8-meta-427714")
    add("koi8-meta-427714", "KOI8-R declared only in <meta>",
        faults.respond(encoded(g, "koi8_r", "koi8-r"), content_type="text/html"), g)
    add("png-427715", "PNG served as text/html", faults.respond(PNG), None,
        "extraction/failed/not_html")
    add("oversize-427716", "64 MB page with Content-Length (DOWNLOAD_MAXSIZE 1 MB)",
        faults.endless_page(64 << 20), None, "articles/failed/maxsize")
    add("oversize-chunked-427717", "64 MB chunked page, no Content-Length",
        faults.endless_page(64 << 20, chunked=True), None, "articles/failed/maxsize")
    add("gzip-bomb-427718", "gzip bomb: 0.5 MB on the wire, 512 MB inflated",
        faults.gzip_bomb(), None, "articles/failed/maxsize")
    add("redirect-loop-427719", "redirect loop",
        faults.redirect_chain("/politics/view/redirect-loop-427719-2026/"), None,
        "articles/failed/redirect_loop")
    add("ftp-redirect-427720", "redirect to ftp://",
        faults.redirect("ftp://ftp.belta.by/pub/secret.txt"), None,
        "articles/failed/redirect_refused_scheme")
    add("file-redirect-427721", "redirect to file:///etc/passwd",
        faults.redirect("file:///etc/passwd"), None, "articles/failed/redirect_refused_scheme")
    g = good("deep-427722")
    add("deep-427722", "HTML nested 10,000 levels deep (read with its deep tags left out)",
        faults.respond(deep(g)), g)
    g = good("nul-bytes-427723")
    add("nul-bytes-427723", "NUL bytes in the body", faults.respond(with_nuls(g)), g)
    g = good("url-escapes-427724")
    add("url-escapes-427724", "raw Cyrillic, %ZZ and a space in the feed link's query",
        faults.respond(html_for(g).encode()), g,
        link=f"{g.url}?utm_source=рсс&x=%ZZ y")
    g = good("broken-entry-427728")
    add("broken-entry-427728", "malformed feed entry: bare &, unclosed and stray tags",
        faults.respond(html_for(g).encode()), g)
    # Links that can never be article URLs: skipped at discovery, never requested.
    add("space in-427725", "a space in the path", None, None, "discovery/not_article")
    add("bad%ZZ-427726", "%ZZ in the path", None, None, "discovery/not_article")
    add("новость-427727", "raw Cyrillic in the path", None, None, "discovery/not_article")

    routes = {c.path: c.route for c in cases if c.route is not None}
    routes["/robots.txt"] = faults.respond(b"User-agent: *\nDisallow: /printv\n",
                                           content_type="text/plain")
    rss = feed(cases)
    routes["/rss"] = faults.respond(rss, content_type="application/rss+xml; charset=utf-8")
    return routes, cases, rss


def feed(cases: list[Case]) -> bytes:
    """RSS listing every case, made malformed and hostile on purpose (see the comments)."""
    items = []
    for n, case in enumerate(cases):
        link = case.link or case.url
        if case.slug.startswith("broken-entry"):  # malformed: the parser must recover it
            items.append(f"<item><title>AT&T <b>news</title></i><link>{link}</link></item>")
            continue
        items.append(f"<item><title>{escape(case.fault)}</title><link>{escape(link)}</link>"
                     f"<pubDate>{format_datetime(START - timedelta(minutes=n))}</pubDate></item>")
        if n == 6:  # external entities: must stay unresolved and never be fetched
            items.append("<item><title>&xxe;</title><link>https://www.belta.by/politics/view/"
                         "&xxe;/</link></item><item><title>x</title>"
                         "<link>&xxe;</link></item>")
    body = "".join(items).encode()
    # Invalid UTF-8 in one link (never an article URL once decoded).
    body += (b"<item><title>bytes</title><link>https://www.belta.by/politics/view/bad\xff\xfe-"
             b"427802-2026/</link></item>")
    return (b'<?xml version="1.0" encoding="utf-8"?>\n'
            b'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/hostname">'
            b'<!ENTITY % remote SYSTEM "file:///etc/passwd"> %remote;]>\n'
            b'<rss version="2.0"><channel><title>BELTA</title><link>https://www.belta.by/</link>'
            + body + b"</channel></rss>")



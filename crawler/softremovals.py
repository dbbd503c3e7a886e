"""Removals a 200 answer hides: soft 404s and parked domains, told by evidence.

Some sites answer a deleted article with 200 and a "page not found" / "материал удалён"
page (their 404 template, the home page's content, an empty article shell); a lapsed domain
may 301 each article to its own path on a parking host that answers every path with one
page. Neither says "gone" by its status, and a removal is an observation with its evidence,
so a known article's 2xx answer that *looks suspicious* is checked against two kinds of it:

* **the probe** (the classic soft-404 test): a path that surely does not exist, the
  article's own path shape with its words replaced by a token and its numbers by nines
  (:func:`probe_url`), is asked once for that host and shape (at most
  ``REMOVAL_PROBES_PER_HOST`` shapes a host and run), as any request: robots.txt, crawl
  delay, WARC capture. The URL is a function of the article's URL alone, so a replay of the
  run asks the same URL and the archive answers it with the same page. A replay asks only
  the probes its archive holds (the captures WARC capture marked as probes, of the run it
  replays: no page of the site, whatever its URL looks like, nor another run's probe; in
  files written before probes were marked, those of a probe's shape: :func:`is_probe_url`), all
  of them for a page whose own shape the live run did not probe, whenever it is read: the
  live run's verdicts, in whatever order it reads the pages. When
  the probe's page is the suspicious page (same title and first heading, nearly the same
  visible text once the words of each URL are taken out: :func:`page_print`,
  :func:`same_page`) the site answers anything so: ``soft-404`` for an article read at its
  own URL, ``parked`` for one read on a host no outlet has. Over the host's allowance the
  page is compared with the answers the host gave to probes of other shapes (a parking
  host, a site's 404 template answer every shape alike), so none is missed; the evidence
  names the probe whose page it is.
* **notice wording** (weaker, so only when extraction found no article body, or the
  "article" is nothing but the notice: :func:`gives_no_body`): its title or first heading
  *is* a not-found or removed notice in ru, be, uk, en, pl or de, the site's name aside
  (:func:`notice_wording`); a headline quoting such words is an article's.

Suspicious (the only pages probed): an article (known, or never exported: then a failed
fetch, as its 404 is) answering 2xx at its own URL whose page gives no article (no body, no
title, not an article), or an article whose title is a not-found notice; and any article
read at its own path on a host no outlet has (a move or a parking host). An article whose text merely mentions "страница не найдена" is none of these.

A page read on a new host that is no parking host is the outlet's move: counted in
``articles/moved_host`` and said once a host here, after the verdict, so a parking host is
never announced as a move (nor counted, even for a while).
"""

from __future__ import annotations

import asyncio
import codecs
import hashlib
import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial
from types import SimpleNamespace
from typing import Any
from urllib.parse import (
    SplitResult,
    parse_qsl,
    unquote_to_bytes,
    urlencode,
    urlsplit,
    urlunsplit,
)

from lxml import etree
from scrapy.exceptions import DropItem
from twisted.internet.defer import Deferred

from crawler.downloadermiddlewares.replay import REPLAY_MISSING, replay_of
from crawler.extensions.completeness import note_failed, note_removed
from crawler.extraction import BlockedPage, ExtractionError, NotAnArticle
from crawler.extraction.encoding import decode_html
from crawler.extraction.html import parse_html
from crawler.items import (
    META_DISCOVERED,
    META_PROBE,
    META_WARC_RECORD,
    Article,
    ArticlePage,
    content_type,
)
from crawler.neardup import signature, similarity
from crawler.rechecks import note_checked
from crawler.removals import Observation, removal_log

logger = logging.getLogger(__name__)

SOFT_404, PARKED = "soft-404", "parked"
REFETCH, MOVED = "refetch", "moved"  # an article at its own URL; one on a new host
SAME_PAGE = 0.8  # estimated Jaccard of two pages' visible text: one page with its URL echoed
MIN_PAGE_WORDS = 15  # fewer visible words than a 404 template's navigation and notice
NOTICE_MAX_CHARS = 200  # an "article" this short starting with a notice is the notice
# extraction outcomes that say the page holds no article (a cut or binary answer is a
# transport problem, an anti-bot page another story: neither is probed)
_NO_ARTICLE = frozenset({"no_body", "no_title", "teaser"})
_SKIP_TAGS = ("script", "style", "noscript", "template", "svg", "head")
_WORD = re.compile(r"\w+", re.UNICODE)
_LETTERS = re.compile(r"[^\W\d_]+", re.UNICODE)
_DIGITS = re.compile(r"\d+")
_RUNS = re.compile(r"(?P<word>[^\W\d_]+)|(?P<number>\d+)|(?P<other>.)", re.UNICODE | re.DOTALL)
_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_NOT_NINE = re.compile(r"[0-8]")

# Not-found and removed notices as a whole title or heading says them, per language: a
# notice is the whole of it (or of one part of it, the others the site's name), never words
# a headline quotes. The text of an article is read only when it is nothing but a notice.
_NOTICES = [
    # ru
    r"страни[цк]а не найдена", r"страница не существует", r"ничего не найдено",
    r"(материал|статья|новость|публикация|запись|страница)\s+(был[аио]?\s+)?(удал[её]н[аоы]?|"
    r"не найден[аоы]?|не существует|недоступн[аоы]?|снят[аоы]? с публикации)",
    r"ошибка\s*404",
    r"(такой|такая|такого|такую)\s+(страницы|новости|статьи|материала|записи|страницу)\s+"
    r"(не\s+существует|нет|не\s+найдено)",
    r"(страница|статья|новость|материал),?\s+(которую|которая|который|которой)\s+вы\s+"
    r"(ищете|искали|запросили),?\s+(не\s+существует|не\s+найдена|(была\s+)?удален[аоы]?)"
    r"(\s+или\s+(была\s+)?(удален[аоы]?|перемещен[аоы]?))?",
    # be
    r"старонка не знойдзена", r"старонка не існуе", r"(матэрыял|артыкул|навіна|старонка)\s+"
    r"(быў\s+|была\s+)?(выдален[аы]?|не знойдзен[аы]?|недаступн[аы]?)",
    # uk
    r"сторінк[уа] не знайдено", r"сторінка не існує", r"(матеріал|стаття|новина|сторінка)\s+"
    r"(було\s+|був\s+|була\s+)?(видален[оаий]|не знайден[оаий]|недоступн[аий])",
    # en
    r"page not found", r"(page|article|story|content|post) (was |has been )?(removed|deleted|"
    r"not found|no longer available|unavailable)", r"error 404", r"404", r"(404 )?not found",
    # pl
    r"nie znaleziono strony", r"strona nie (została znaleziona|istnieje)",
    r"(artykuł|strona|materiał) (został[a]? )?(usunięt[ya]|niedostępn[ya])",
    # de
    r"seite (wurde )?nicht gefunden", r"(artikel|seite|beitrag) "
    r"(wurde |ist )?(gelöscht|entfernt|nicht (mehr )?verfügbar)",
]
_CORE = "|".join(f"(?:{p})" for p in _NOTICES)
# the few words a notice may say around its core ("Эта статья была удалена редакцией")
_BEFORE = (r"(?:(?:эт[аои]т?|данн(?:ая|ый|ое)|запрош?енн(?:ая|ый|ое)|запрашиваем(?:ая|ый)|"
           r"вами|гэт(?:ая|ы)|ця|цей|цю|this|the|requested|der|die|das|diese[rs]?|ta|ten|"
           r"извините|к сожалению|на жаль|unfortunately|leider|sorry|oops|упс|ой)[\s,!:]+)*")
_AFTER = (r"(?:[\s,]+(?:редакцией|автором|администрацией|by (?:the )?(?:editors?|author|"
          r"administrator)|przez redakcję|von der redaktion))?")
_NOTICE_PART = re.compile(
    rf"{_BEFORE}(?P<core>{_CORE}){_AFTER}(?:[\s.,:;!–—-]+{_BEFORE}(?:{_CORE}){_AFTER})*[.!]*",
    re.IGNORECASE)
_SEPARATOR = re.compile(r"\s*\|\s*|\s+(?:—|–|-|::|·|•|/)\s+")
MAX_NOTICE_HEADING = 120  # characters: a longer heading is a headline, not a notice
MAX_SITE_NAME = (40, 5)  # characters, words: a part beside a notice longer is a headline's


def notice_wording(*headings: str | None) -> str | None:
    """The not-found or removed notice a page's title or first heading is, or None. The
    notice must be the whole heading, or one part of it with only the site's name beside it
    ("Страница не найдена | БЕЛТА"): a headline that quotes such words ("При обыске ничего
    не найдено", "404 человека эвакуировали") is an article's."""
    for heading in headings:
        if (found := _notice_heading(" ".join((heading or "").split()))) is not None:
            return found
    return None


def _notice_heading(text: str) -> str | None:
    if not text or len(text) > MAX_NOTICE_HEADING:
        return None
    parts = [part for part in _SEPARATOR.split(text) if part]
    notices = [part for part in parts if _NOTICE_PART.fullmatch(part)]
    chars, words = MAX_SITE_NAME
    if notices and all(part in notices or (len(part) <= chars and len(part.split()) <= words)
                       for part in parts):
        return " — ".join(part.rstrip(".!") for part in notices)
    return None


def _is_notice_text(text: str) -> bool:
    """Whether an extracted "article" is nothing but a notice: under ``NOTICE_MAX_CHARS``
    and its first line or sentence a notice (:func:`notice_wording`); what follows it can
    then be no more than a sentence or two of advice ("Воспользуйтесь поиском")."""
    text = text.strip()
    first = re.split(r"\n|(?<=[.!?])\s+", text, maxsplit=1)[0]
    return bool(text) and len(text) <= NOTICE_MAX_CHARS and notice_wording(first) is not None


# --- the probe URL -------------------------------------------------------------------------
def _token(seed: str) -> str:
    """Letters only (a word of the path shape), the same for the same seed: replay asks the
    URL the live run asked."""
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return "".join(chr(ord("a") + b % 26) for b in digest[:12])


def _mangled(part: str, token: str) -> str:
    """``part`` with its words replaced by ``token`` and its numbers by nines of their
    length: its shape (what routes it) kept, no article's id or slug left."""
    return _DIGITS.sub(lambda m: "9" * len(m.group(0)), _LETTERS.sub(token, part))


def _escapes_charset(segment: str) -> str:
    """The charset a path segment's escapes spell: UTF-8, else windows-1251 (old Windows
    CMSs, as :func:`archive.urls.query_pairs` keeps them), else Latin-1 (any bytes)."""
    runs = [unquote_to_bytes(run) for run in _ESCAPES.findall(segment)]
    for charset in ("utf-8", "cp1251"):
        try:
            for run in runs:
                run.decode(charset)
        except UnicodeDecodeError:
            continue
        return charset
    return "latin-1"


def _decoded(segment: str) -> tuple[str, list[str]]:
    """A path segment's (or query value's) text, its escapes read in the charset they spell
    (:func:`_escapes_charset`), and for each of its characters the text it was spelt with
    (``%D0%BD``, ``%2d``, or the character itself)."""
    charset = _escapes_charset(segment)
    text, spelt, pos = [], [], 0
    for run in _ESCAPES.finditer(segment):
        text.append(segment[pos:run.start()])
        spelt += list(segment[pos:run.start()])
        for char, escapes in _escaped_chars(run.group(), charset):
            text.append(char)
            spelt += [escapes] * len(char)
        pos = run.end()
    text.append(segment[pos:])
    spelt += list(segment[pos:])
    return "".join(text), spelt


def _escaped_chars(run: str, charset: str) -> list[tuple[str, str]]:
    """A run of escapes read in ``charset``: each character with the escapes that spell it."""
    decoder = codecs.getincrementaldecoder(charset)()
    found, start = [], 0
    for end, byte in enumerate(unquote_to_bytes(run), 1):
        if char := decoder.decode(bytes([byte])):
            found.append((char, run[3 * start:3 * end]))
            start = end
    return found


def _mangled_segment(segment: str, token: str) -> str:
    """A path segment (or query value) :func:`_mangled` as text, not as its escapes
    (``%D0%BD`` is a word, not the letters D and BD); what is no word or number is kept as
    it was spelt, escapes byte for byte, so the probe is a URL the site reads."""
    text, spelt = _decoded(segment)
    out = []
    for run in _RUNS.finditer(text):
        if run.lastgroup != "other":
            out.append(_mangled(run.group(), token))
        else:
            out.append(spelt[run.start()])
    return "".join(out)


def _shape(url: str) -> tuple[SplitResult, str, str, str, str]:
    """What a probe keeps of ``url`` and what it mangles: its parts, its folders, its last
    path segment, the slash after it, and the token of its host and folders."""
    parts = urlsplit(url)
    folder, _, last = parts.path.rstrip("/").rpartition("/") if parts.path.endswith("/") \
        else parts.path.rpartition("/")
    slash = "/" if parts.path.endswith("/") and last else ""
    return parts, folder, last, slash, _token(f"{parts.hostname}{folder}")


def _mangled_query(query: str, token: str) -> str:
    """A query with each value mangled as a path segment is (as text, in the charset its
    escapes spell: :func:`_mangled_segment`) and all else kept byte for byte: keys,
    separators, and the escapes of what is no word or number. Decoded as UTF-8 first, a
    windows-1251 value became U+FFFD, sent as ``%EF%BF%BD``: a value the site never had."""
    pairs = (pair.partition("=") for pair in query.split("&"))
    return "&".join(f"{key}{eq}{_mangled_segment(value, token)}" if eq else key
                    for key, eq, value in pairs)


def probe_url(url: str) -> str:
    """A URL of the article ``url``'s shape on its host that surely names no page: the last
    path segment and the query values mangled as text (:func:`_mangled_segment`,
    :func:`_mangled_query`), the folders kept."""
    parts, folder, last, slash, token = _shape(url)
    query = _mangled_query(parts.query, token) if parts.query else ""
    segment = _mangled_segment(last, token) if last else ("" if query else token)
    path = f"{folder}/{segment}{slash}"
    probe = urlunsplit((parts.scheme, parts.netloc, path, query, ""))
    if probe == urlunsplit(parts._replace(fragment="")):  # nothing to mangle: "/9/" stays
        probe = urlunsplit((parts.scheme, parts.netloc, f"{folder}/{token}{slash}", "", ""))
    return probe


def _may_be_probe(url: str) -> bool:
    """Whether ``url`` may be a probe, told cheaply (a replay of an archive of unmarked
    probes tests every URL of a host, on the reactor thread): a probe's last segment and
    query values hold no digit but nines outside their escapes, where nearly every
    article's id has one."""
    head, _, query = url.partition("#")[0].partition("?")
    rest = head.partition("://")[2] or head
    path = rest[rest.find("/"):] if "/" in rest else ""
    last = path.rstrip("/").rpartition("/")[2]
    values = "".join(pair.partition("=")[2] for pair in query.split("&"))
    return not _NOT_NINE.search(_ESCAPE.sub("", last + values))


def is_probe_url(url: str) -> bool:
    """Whether ``url`` is of the shape the probes of WARC files written before probes were
    marked had (files naming no run: :meth:`archive.reader.ArchiveLookup.probe_urls`): its
    last segment and query values their own mangling by its folders' token (its words the
    token, its numbers nines; the query as ``urlencode`` spelt it then), or the token alone.
    Only for those files: a page of the site so spelt, ``/news/999``, is taken for one, as
    replays of them always took it; a marked file's probes are its marked captures."""
    if not _may_be_probe(url):  # most of a host's archived URLs: no split, no hash
        return False
    parts, folder, last, slash, token = _shape(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if parts.fragment or not (last or pairs):
        return False
    if last == token and not parts.query:
        return True
    values = [value for _, value in pairs]
    if _mangled_segment(last, token) != last or any(_mangled(v, token) != v for v in values):
        return False
    if not any(_LETTERS.search(part) or _DIGITS.search(part)
               for part in (_decoded(last)[0], *values)):
        return False
    rebuilt = (parts.scheme, parts.netloc, f"{folder}/{last}{slash}", urlencode(pairs), "")
    return urlunsplit(rebuilt) == url


# --- the page's print ----------------------------------------------------------------------
@dataclass(frozen=True)
class PagePrint:
    """What two answers must share to be one page: title and first heading, visible text
    (lower-cased words), and the words of the URL each was fetched from."""

    title: str
    heading: str
    text: str
    url_words: frozenset[str]


def _url_words(url: str) -> frozenset[str]:
    parts = urlsplit(url)
    return frozenset(w.lower() for w in
                     _WORD.findall(f"{parts.scheme} {parts.hostname} {parts.path} {parts.query}"))


def _visible_text(tree: Any) -> str:
    """The page's text as a reader sees it (the tree loses its head and scripts)."""
    for node in list(tree.iter(*_SKIP_TAGS)):
        node.drop_tree()
    return " ".join(tree.itertext())


def _words(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _without(text: str, drop: frozenset[str]) -> str:
    return " ".join(w for w in text.split() if w not in drop)


def page_print(body: bytes, content_type: str | None, url: str) -> PagePrint:
    """The print of a page fetched from ``url``."""
    try:
        text, _ = decode_html(body, content_type)
        tree = parse_html(text)
    except (ValueError, RecursionError, etree.LxmlError):
        return PagePrint("", "", "", _url_words(url))
    title = _words(tree.xpath("string(//title)"))
    heading = next((_words(h.xpath("string(.)")) for h in tree.iter("h1", "h2")), "")
    return PagePrint(title, heading, _words(_visible_text(tree)), _url_words(url))


def page_notice(body: bytes, content_type: str | None) -> str | None:
    """The notice wording of a page's title or first heading (:func:`notice_wording`)."""
    try:
        tree = parse_html(decode_html(body, content_type)[0])
    except (ValueError, RecursionError, etree.LxmlError):
        return None
    return tree_notice(tree)


def tree_notice(tree: Any) -> str | None:
    """:func:`page_notice` of a page parsed already (``parse_html``)."""
    title = tree.xpath("string(//title)")
    heading = next((h.xpath("string(.)") for h in tree.iter("h1", "h2")), "")
    return notice_wording(heading, title)


def same_page(a: PagePrint, b: PagePrint) -> float | None:
    """How alike two prints are when they are one page (same title and heading, visible text
    at least ``SAME_PAGE`` alike), else None. The words of both URLs are left out of both (a
    template echoes the path asked, a parking page names its host). Pages of a few words are
    no evidence: a client-rendered site answers every path with one empty shell ("enable
    JavaScript"), so a refetch its extraction fails on would match its probe."""
    drop = a.url_words | b.url_words
    first, second = _without(a.text, drop), _without(b.text, drop)
    if min(len(first.split()), len(second.split())) < MIN_PAGE_WORDS:
        return None
    if (_without(a.title, drop), _without(a.heading, drop)) != (
            _without(b.title, drop), _without(b.heading, drop)):
        return None
    score = similarity(signature(first), signature(second))
    return round(score, 3) if score >= SAME_PAGE else None


# --- the verdict ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Candidate:
    """A 2xx answer of an article that may hide a removal (set by RemovalMiddleware)."""

    kind: str  # REFETCH or MOVED
    known: bool  # the state store holds the article: a removal, else a failed fetch
    url: str  # the article's canonical URL
    observation: Observation  # the removal this answer would be, without its evidence
    discovered: str | None  # its completeness key
    # the article's request: a never-exported one's other spelling is asked for from it
    request: Any = field(default=None, compare=False, repr=False)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled (with its page, to an extraction worker) without the request, which holds
        the spider's callbacks: the worker never needs it, the page in this process keeps it."""
        return (Candidate, (self.kind, self.known, self.url, self.observation, self.discovered))


CANDIDATE_ATTR = "_removal_candidate"  # on an ArticlePage: never exported


def suspicious(candidate: Candidate, result: Article | ExtractionError, page: ArticlePage
               ) -> bool:
    """Whether the answer is worth a probe: see the module docstring."""
    if candidate.kind == MOVED:
        return not isinstance(result, BlockedPage)
    if isinstance(result, BlockedPage):
        return False
    if isinstance(result, NotAnArticle) or (isinstance(result, ExtractionError)
                                            and result.reason in _NO_ARTICLE):
        return True
    if isinstance(result, Article):
        return notice_wording(result.title) is not None
    return False


def only_a_notice(article: Article) -> str | None:
    """The notice an extracted "article" is and nothing more (a not-found title and a text
    of the notice's few lines), or None: what re-extraction, which has no live site to
    probe, takes for a soft 404 by its wording alone."""
    found = notice_wording(article.title)
    return found if found is not None and _is_notice_text(article.text) else None


def gives_no_body(result: Article | ExtractionError) -> bool:
    """No article body: extraction found none, or its "article" is only the notice's few
    lines (:func:`_is_notice_text`); a short live article is a body, whatever its title."""
    if isinstance(result, Article):
        return _is_notice_text(result.text)
    return isinstance(result, NotAnArticle) or result.reason in _NO_ARTICLE


@dataclass
class Probe:
    """One probe's answer: what the evidence names and the print it is compared with."""

    url: str
    status: int | None
    final_url: str | None
    warc: dict[str, Any] | None
    print: PagePrint | None  # None: it failed, or answered no 2xx page
    missing: bool = False  # a replay's archive lacks it (the live run asked another shape)

    def evidence(self, score: float | None = None) -> dict[str, Any]:
        return {"url": self.url, "status": self.status, "final_url": self.final_url,
                "warc": self.warc, "similarity": score}


class _Pending:
    """A probe under way: the pages waiting for its answer, each on a future of the loop it
    runs in (asyncio's, or a Twisted Deferred under a reactor with none)."""

    def __init__(self) -> None:
        self.waiters: list[asyncio.Future[Probe | None] | Deferred] = []

    def wait(self) -> Awaitable[Probe | None]:
        waiter: asyncio.Future[Probe | None] | Deferred
        try:
            waiter = asyncio.get_running_loop().create_future()
        except RuntimeError:  # no asyncio reactor
            waiter = Deferred()
        self.waiters.append(waiter)
        return waiter

    def settle(self, result: Probe | None) -> None:
        for waiter in self.waiters:  # one a page gave up on (cancelled) is left as it is
            if isinstance(waiter, Deferred):
                if not waiter.called:
                    waiter.callback(result)
            elif not waiter.done():
                waiter.set_result(result)


Archive = Callable[[str], Iterable[str]]  # a URL -> the archived probes of its host
_UNRESOLVED: Any = object()  # the archive not looked for yet


class Prober:
    """Probes, asked once per host and path shape, at most ``per_host`` shapes a host; every
    answer a host gave is kept, so a page of another shape can be compared with them.

    In a replay the probes are those the archive holds: ``archive`` lists the probes the
    replayed run asked of a host (the replay middleware's ``probe_urls``, found on the
    crawler unless given: its marked captures, or in files written before probes were
    marked those of a probe's shape, :func:`is_probe_url`), and a page is compared with them whenever it is read; a shape
    the archive lacks is never asked."""

    def __init__(self, crawler: Any, per_host: int, archive: Archive | None = _UNRESOLVED
                 ) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.per_host = per_host
        self.asked: dict[str, _Pending | Probe | None] = {}
        self.hosts: dict[str, int] = {}
        self.by_host: dict[str, list[str]] = {}  # the probe URLs asked of each host
        self.archive = archive
        self.archived: dict[str, list[str]] = {}  # a replay's: the probe URLs of each host

    def _archived(self, url: str) -> list[str] | None:
        """In a replay, the probes the archive holds for ``url``'s host, by capture time (the
        order the live run asked them in); None in a live crawl. Looked up once a host."""
        if self.archive is _UNRESOLVED:
            replay = replay_of(self.crawler)
            self.archive = None if replay is None else partial(replay.probe_urls,
                                                                shaped=is_probe_url)
        if self.archive is None:
            return None
        host = urlsplit(url).hostname or ""
        if host not in self.archived:
            self.archived[host] = [found for found in self.archive(url)
                                   if urlsplit(found).hostname == host]
        return self.archived[host]

    async def answers(self, url: str) -> list[Probe]:
        """The probes of ``url``'s host that answered a page, once those under way have."""
        return [p for p in await self._settled(url) if p.print is not None]

    async def answered(self, url: str) -> bool:
        """Whether ``url``'s host answered a probe (a page or an error status), once those
        under way have: not when every probe failed or is missing from a replay's archive."""
        return any(not p.missing for p in await self._settled(url))

    async def _settled(self, url: str) -> list[Probe]:
        """The host's probes, every one answered: those asked in a live crawl; in a replay
        all the archive holds, asked now if no page asked them yet (an offline lookup)."""
        host = urlsplit(url).hostname or ""
        archived = self._archived(url)
        for probe in list(self.by_host.get(host, []) if archived is None else archived):
            await self._ask(probe)
        asked = self.by_host.get(host, []) if archived is None else archived  # live: new ones too
        return [p for p in (self.asked.get(u) for u in asked) if isinstance(p, Probe)]

    async def probe(self, article_url: str) -> Probe | None:
        """The answer to the probe of ``article_url``'s shape (shared by every page that needs
        it), None when over the host's allowance, or in a replay whose archive lacks it."""
        url = probe_url(article_url)
        if url not in self.asked:
            archived = self._archived(url)
            if archived is not None and url not in archived:  # the live run did not ask it
                self.stats.inc_value("removals/probes_not_archived")
                return None
            host = urlsplit(url).hostname or ""
            if archived is None and self.hosts.get(host, 0) >= self.per_host:
                self.stats.inc_value("removals/probes_over_allowance")
                return None
        return await self._ask(url)

    async def _ask(self, url: str) -> Probe | None:
        """The answer to the probe ``url``, asked once however many pages wait for it: it is
        marked under way before the request goes, so a page asking meanwhile waits for it."""
        if url in self.asked:
            known = self.asked[url]
            return await known.wait() if isinstance(known, _Pending) else known
        host = urlsplit(url).hostname or ""
        self.hosts[host] = self.hosts.get(host, 0) + 1
        self.by_host.setdefault(host, []).append(url)
        self.asked[url] = pending = _Pending()
        result = None
        try:
            result = await self._fetch(url)
        finally:  # every page waiting on it goes on, whatever happened
            self.asked[url] = result
            pending.settle(result)
        return result

    async def _fetch(self, url: str) -> Probe | None:
        from scrapy import Request

        self.stats.inc_value("removals/probes")
        request = Request(url, meta={"dont_retry": True, META_PROBE: True}, dont_filter=True)
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:  # robots.txt, a network error: no probe, no evidence
            self.stats.inc_value("removals/probe_failed")
            logger.info("Soft-404 probe %s not fetched: %s", url, exc)
            return None
        final = response.url if response.url != url else None
        printed = (page_print(response.body, content_type(response), response.url)
                   if 200 <= response.status < 300 else None)
        logger.info("Soft-404 probe %s answered %d%s", url, response.status,
                    f" (redirected to {final})" if final else "")
        return Probe(url, response.status, final, response.meta.get(META_WARC_RECORD), printed,
                     missing=REPLAY_MISSING in response.flags)


async def judge(prober: Prober, candidate: Candidate, page: ArticlePage,
                result: Article | ExtractionError) -> dict[str, Any] | None:
    """The evidence that the answer in ``page`` is a removal (``reason``, ``matched``,
    ``probe``), or None: it stays what extraction made of it."""
    if not suspicious(candidate, result, page):
        return None
    reason = PARKED if candidate.kind == MOVED else SOFT_404
    printed = page_print(page.body, page.headers.get("Content-Type"), page.url)
    probe, score = await _compared(prober, page.url, printed, result)
    if probe is not None and score is not None:
        return {"reason": reason, "matched": "probe", "wording": None,
                "probe": probe.evidence(score)}
    if candidate.kind == REFETCH and gives_no_body(result):
        wording = page_notice(page.body, page.headers.get("Content-Type"))
        if wording:
            return {"reason": reason, "matched": "wording", "wording": wording,
                    "probe": probe.evidence() if probe else None}
    return None


async def _compared(prober: Prober, url: str, printed: PagePrint,
                    result: Article | ExtractionError) -> tuple[Probe | None, float | None]:
    """The probe whose page ``printed`` is, and how alike: the probe of its own shape; when
    the host's allowance is used up (or the probe failed, or a replay's archive lacks it: the
    live run compared it so), the answers the host gave to probes of other shapes, those under
    way included. A parking host or a 404 template answers every shape with one page, so no
    article of a host with many shapes goes unjudged."""
    probe = await prober.probe(url)
    if probe is not None and not probe.missing:
        return _first_match([probe], printed, result) or (probe, None)
    if found := _first_match(await prober.answers(url), printed, result):
        prober.stats.inc_value("removals/probes_reused")
        return found
    return probe, None


def _first_match(probes: list[Probe], printed: PagePrint, result: Article | ExtractionError
                 ) -> tuple[Probe, float] | None:
    for probe in probes:
        if probe.print is None:
            continue
        score = same_page(printed, probe.print)
        if score is not None and not _text_elsewhere(result, probe.print):
            return probe, score
    return None


def _text_elsewhere(result: Article | ExtractionError, probe: PagePrint) -> bool:
    """Whether the article extracted holds text the probe's page does not show: read from
    the page's data (JSON-LD, a client-rendered app's state), not from the template both
    pages share, so the page is the article's, whatever its shell looks like."""
    if not isinstance(result, Article):
        return False
    words = set(_words(result.text).split())
    return bool(words) and len(words - set(probe.text.split())) > len(words) // 2


class SoftRemovalCheck:
    """What the extraction pipeline asks of each page: is its answer a hidden removal? If so
    it is observed (a known article) or failed (one never exported), never an item."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.log = removal_log(crawler)
        self.prober = Prober(crawler, crawler.settings.getint("REMOVAL_PROBES_PER_HOST", 3))
        self.parked_hosts: set[str] = set()
        self.moved_hosts: set[str] = set()

    async def check(self, page: ArticlePage, result: Article | ExtractionError) -> None:
        """Raise DropItem when ``page`` (extracted to ``result``) is a removal; a page read on
        a new host that is none is the outlet's move."""
        candidate = getattr(page, CANDIDATE_ATTR, None)
        if candidate is None:
            return
        evidence = await judge(self.prober, candidate, page, result)
        if evidence is None:
            if candidate.kind != MOVED:
                if not isinstance(result, Article) or result.url != candidate.url:
                    note_checked(self.crawler, candidate.url)  # no removal, nothing to export
                return  # its article: checked once exported or found unchanged
            if suspicious(candidate, result, page):
                await self._moved(candidate, page.url)
            else:  # a challenge page: never probed, whatever other pages of its host were
                self._unjudged(candidate, page.url, "answered a challenge page")
            return
        self.settle(candidate, evidence, page.url)
        raise DropItem(f"{candidate.url}: {evidence['reason']} ({evidence['matched']})",
                       log_level="DEBUG")

    def settle(self, candidate: Candidate, evidence: dict[str, Any], fetched: str) -> None:
        """Observe the removal (or fail the article), count it, say it."""
        reason, seen = evidence["reason"], replace(candidate.observation, evidence=evidence)
        self.stats.inc_value(f"removals/{reason}")
        self.log.returning.pop(candidate.url, None)  # a notice is no restored article
        if reason == PARKED:
            self._parked(fetched)
        meta = SimpleNamespace(meta={META_DISCOVERED: candidate.discovered})
        if not candidate.known:  # never exported: a failed fetch, as a hard 404 is
            self._failed(candidate, meta, reason, seen.status, _said(evidence, fetched))
            return
        note_removed(self.crawler, meta, seen.status, seen.final_url)
        if self.log.removed_since(candidate.url):
            self.stats.inc_value("articles/still_removed")
            note_checked(self.crawler, candidate.url)
        elif self.log.record(seen):
            note_checked(self.crawler, candidate.url)  # only once the observation is durable

    def _failed(self, candidate: Candidate, meta: Any, reason: str, status: int,
                said: str) -> None:
        """A never-exported article whose answer is a removal: told as a hard 404 of it is
        (crawler.spiders.base.Spider.article_failed). A soft 404 under one spelling sends for
        the other (the path's trailing slash), some sites answering only one; that first
        answer is no failure yet, the other spelling's answer is the article's."""
        note_failed(self.crawler, meta, reason, status)
        if reason == SOFT_404:
            for retry in self._other_spelling(candidate):
                logger.info("%s answered a soft 404 (%s): asking for %s", candidate.url, said,
                            retry.url)
                self.crawler.engine.crawl(retry)
                return
            self.stats.inc_value("articles/soft_404_unexported")
        self.stats.inc_value(f"articles/failed/{reason}")
        logger.warning("Article not fetched (%s): %s: %s", reason, candidate.url, said)

    def _other_spelling(self, candidate: Candidate) -> Iterable[Any]:
        """The request for the other spelling of the article, as the spider makes it after a
        404 (never for a request that was such a retry itself), or nothing."""
        spelling = getattr(self.crawler.spider, "spelling_left_out", None)
        if spelling is None or candidate.request is None:
            return ()
        return spelling(candidate.request)

    async def _moved(self, candidate: Candidate, fetched: str) -> None:
        """An article read at its own path on a new host that is no parking host: the outlet
        has likely moved there. Only now, the verdict given, is it counted (per article) and
        said (once a host): a parking host's articles never are. A host that answered no
        probe (each failed, or a replay's archive lacks them) was not judged: no move told."""
        host = urlsplit(fetched).hostname or ""
        if not await self.prober.answered(fetched):
            self._unjudged(candidate, fetched, "answered no probe")
            return
        self.stats.inc_value("articles/moved_host")
        if host not in self.moved_hosts:
            self.moved_hosts.add(host)
            logger.warning("%s: articles redirect to their own paths on %s (%s), which answers "
                           "a path naming nothing otherwise: read there; if the outlet moved, "
                           "add the host to it", candidate.observation.source, host, fetched)

    def _unjudged(self, candidate: Candidate, fetched: str, why: str) -> None:
        """A page on a new host no verdict was given for: neither a move nor parked."""
        self.stats.inc_value("removals/moves_unjudged")
        logger.info("%s read at its own path on %s, which %s: not told whether the outlet "
                    "moved there", candidate.url, urlsplit(fetched).hostname or "", why)

    def _parked(self, fetched: str) -> None:
        """A parked host: said once, never counted as a move."""
        host = urlsplit(fetched).hostname or ""
        if host not in self.parked_hosts:
            self.parked_hosts.add(host)
            logger.warning("%s answers a path that names no page with the same page as the "
                           "articles redirected there: a parked domain, not a move", host)


def _said(evidence: dict[str, Any], fetched: str) -> str:
    if evidence["matched"] == "probe":
        return (f"{fetched} is the page {evidence['probe']['url']} gives too "
                f"(similarity {evidence['probe']['similarity']})")
    return f"{fetched} is a notice: {evidence['wording']!r}"

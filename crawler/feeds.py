"""RSS, Atom, JSON Feed and sitemap parsing that survives broken XML and never resolves
entities."""

from __future__ import annotations

import codecs
import collections
import functools
import json
import re
import struct
import unicodedata
import zlib
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from datetime import datetime
from html.entities import html5
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from scrapy.utils.gz import gunzip

from crawler.extraction.dates import parse_any, parse_rfc822, publication_date
from crawler.extraction.encoding import (
    CYRILLIC_SINGLE_BYTE,
    UTF8_CHECK_CHUNK,
    decode_html,
    header_charset,
    mostly_utf8,
    normalise_charset,
)
from crawler.sitemap_limits import MAX_SITEMAP_BYTES, MAX_SITEMAP_URLS
from crawler.urls import joined


@dataclass(frozen=True)
class FeedEntry:
    url: str
    published: datetime | None
    title: str | None = None


# After any error it recovers from (a bare "&" as in "AT&T", an HTML entity such as &laquo;
# or &nbsp;, which XML does not know, a control character) libxml2 drops every later entity
# reference, "&amp;" included: query strings lost their "&". Character references survive
# that, so every reference outside CDATA and comments is made one before parsing
# (_as_references). XML's five names are replaced as bytes (a sitemap holds millions of
# "&amp;"); _REFERENCE finds every other "&" and what it starts, but a character reference
# certainly legal (_LEGAL_REFERENCE: left as written, a Python call each cost 5 s a 10 MB).
_XML_NAMED = ((b"&amp;", b"&#38;"), (b"&lt;", b"&#60;"), (b"&gt;", b"&#62;"),
              (b"&quot;", b"&#34;"), (b"&apos;", b"&#39;"))
# A character reference certainly legal (tab, line ends, 32 to 54999, 0x20 to 0xcfff, 0xe000
# to 0xefff: the Cyrillic ones, the dashes)
_LEGAL_REFERENCE = (rb"#(?:9|10|13|3[2-9]|[4-9][0-9]|[1-9][0-9]{2,3}|[1-4][0-9]{4}|5[0-4][0-9]{3});"
                    rb"|#x(?:9|[aAdD]|[2-9A-Fa-f][0-9A-Fa-f]|[1-9A-Fa-f][0-9A-Fa-f]{2}"
                    rb"|[1-9A-Ca-cEe][0-9A-Fa-f]{3});")
# An entity's name is an XML Name: a byte past ASCII may be in it ("&ёж;", UTF-8's letters)
_NAME = rb"[A-Za-z_:\x80-\xff][\w.:\x80-\xff-]*+"
_REFERENCE = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);|" + _LEGAL_REFERENCE + rb")"
                        rb"(?:(" + _NAME + rb");|#([0-9]{1,16});|#x([0-9A-Fa-f]{1,16});)?")
# A "<" that opens no markup XML knows is text a CMS did not escape ("Курс < 3 руб", "1<2",
# "a <b c</title>"): libxml2 stops at it even recovering ("StartTag: invalid element name"),
# and every later item was lost. Markup is a start or end tag (a name, then attributes, to
# its ">"), or "<!" / "<?" (comment, CDATA, DOCTYPE, PI: what they hold is not looked at,
# _VERBATIM); any other "<" is made "&#60;". A well-formed document holds none. A quoted
# attribute value runs to its quote whatever its length (a data: URI), and may hold a "<"
# (up to _QUOTED_MAX bytes after its first: "<a href=\"/s?q=a<b\">", "<img alt=\"1 < 2\">" in
# an unescaped description): no XML, but libxml2 reads it (and says so), where a start tag made text
# left its end tag to close the item, and the item's later fields were lost. A byte past
# ASCII may start a name (a Cyrillic one is XML's), so "<«" is left to the parser. Each look
# ahead stops at the first "<" outside its quotes, and its possessive runs never backtrack;
# a byte is in at most three looks (one per quoting state: the states a byte moves a look
# between are a permutation, two looks never meet in one): linear in the document.
_QUOTED_MAX = 4096
_QUOTED = rb"""(?:"[^"<]*+(?:<[^"]{0,%d}+)?"|'[^'<]*+(?:<[^']{0,%d}+)?')""" % (
    _QUOTED_MAX, _QUOTED_MAX)
_TAG = rb"""/?[A-Za-z_:\x80-\xff][^<>"']*+(?:""" + _QUOTED + rb"""[^<>"']*+)*+>"""
# A "<!" in markup opens nothing: a comment, CDATA section or DOCTYPE is a section
# (_VERBATIM), found before; any other ("a <! b", "<!doctype html>") stopped the parse
_STRAY_LT = re.compile(rb"<(?!\?|" + _TAG + rb")")
# A run of whole tokens (text, a tag, "<!" or "<?" with the text to the next "<", a stray
# "<"): where one ends, no tag is cut (the pieces of _tag_pieces end there)
_TOKENS = re.compile(rb"(?:[^<]++|<(?:" + _TAG + rb"|[!?][^<]*+)?){1,1024}+")
# HTML's void elements, written unclosed in a description's unescaped HTML ("line<br>line",
# "<img src='…'>"): each is a tag left open, and one in every item nested each item in the
# one before until the parse stopped at libxml2's depth limit, every item lost. A name whose
# end tag the document never writes is read self-closed ("<br/>"): a well-formed document
# writes the end tag of any it leaves open. RSS's <link> and <source> hold text (the URL,
# the source's name): _FIELD_VOIDS.
_VOIDS = (b"br", b"hr", b"img", b"wbr", b"input", b"col", b"area", b"embed", b"param", b"track",
          b"meta", b"base")
_VOID_END = re.compile(rb"</(" + b"|".join(_VOIDS) + rb")\s*>", re.IGNORECASE)
_TAG_REST = rb"""((?:[^<>"'/]++|""" + _QUOTED + rb"""|/(?!>))*+)>"""  # attributes, no "/>"
# HTML void elements that are fields of RSS too (<link>URL</link>, <source url="…">Name
# </source>), whose end tags a feed writes: one left open in a description's HTML (<link
# rel="stylesheet" href="…">) is read self-closed when it has attributes (RSS's <link> has
# none) and its own end tag is not the next tag (text between), and the document's markup
# (not its CDATA sections or comments) writes fewer end tags of its name than such start tags
# (a well-formed one writes as many: untouched).
# At a piece's end nothing is judged: the tag is left as written.
_FIELD_VOIDS = (b"link", b"source")
_FIELD_VOID_OPEN = re.compile(rb"<(" + b"|".join(_FIELD_VOIDS) + rb")(?=[\s>])" + _TAG_REST,
                              re.IGNORECASE)
_FIELD_VOID_END = re.compile(rb"</(" + b"|".join(_FIELD_VOIDS) + rb")\s*>", re.IGNORECASE)
_FIELD_VOID_TAG = re.compile(rb"</?(?:" + b"|".join(_FIELD_VOIDS) + rb")", re.IGNORECASE)
# the last of them (".*" runs to the end and steps back: no Python call a tag)
_LAST_FIELD_VOID_TAG = re.compile(rb"(?s:.*)(" + _FIELD_VOID_TAG.pattern + rb")", re.IGNORECASE)


@functools.lru_cache(maxsize=64)
def _open_void(names: frozenset[bytes]) -> re.Pattern[bytes]:
    """A start tag of one of ``names`` not self-closed."""
    return re.compile(rb"<(" + b"|".join(sorted(names)) + rb")(?=[\s/>])" + _TAG_REST,
                      re.IGNORECASE)


@functools.lru_cache(maxsize=8)
def _open_field_void(names: frozenset[bytes]) -> re.Pattern[bytes]:
    """A start tag of one of ``names`` (_FIELD_VOIDS) with attributes, not self-closed, that
    its end tag does not follow (text between), nor the end of what is looked at."""
    return re.compile(rb"<(" + b"|".join(sorted(names)) + rb")(?=\s+[^\s/>])" + _TAG_REST
                      + rb"(?![^<]*+(?:</\1\s*>|\Z))", re.IGNORECASE)


@functools.lru_cache(maxsize=len(_FIELD_VOIDS))
def _field_void_open(name: bytes) -> re.Pattern[bytes]:
    """A start tag of ``name`` (one of _FIELD_VOIDS), as _FIELD_VOID_OPEN reads one."""
    return re.compile(_FIELD_VOID_OPEN.pattern.replace(b"|".join(_FIELD_VOIDS), name),
                      re.IGNORECASE)


def _unclosed_voids(data: bytes) -> tuple[re.Pattern[bytes], ...]:
    """The start tags of HTML void elements ``data`` writes open and never closes, read
    self-closed, as patterns (none when it writes none); those of _FIELD_VOIDS it writes
    open more often than it closes them, one by one."""
    patterns: list[re.Pattern[bytes]] = []
    if _open_void(frozenset(_VOIDS)).search(data) is not None:
        closed = {m[1].lower() for m in _VOID_END.finditer(data)}
        open_names = frozenset(name for name in _VOIDS if name not in closed)
        if open_names:
            patterns.append(_open_void(open_names))
    if _FIELD_VOID_OPEN.search(data) is not None:  # counted in markup only (_markup_spans):
        # a CDATA section's "<source src=…>" is text, and no start tag to close; the spans
        # past the last such tag, or with none, are not looked in (a flood of comments
        # after one <link> walked twice took 2.6 times as long)
        # (nor once each name written open is opened more often than the whole document,
        # sections too, closes it: a <link> in every span of a 10 MB flood took 1.5 s)
        last = _LAST_FIELD_VOID_TAG.match(data).start(1)
        written = [name for name in _FIELD_VOIDS if _field_void_open(name).search(data)]
        most = collections.Counter(m[1].lower() for m in _FIELD_VOID_END.finditer(data))
        opened: collections.Counter[bytes] = collections.Counter()
        ends: collections.Counter[bytes] = collections.Counter()
        for pos, stop, *_section in _markup_spans(data):
            if pos > last:
                break
            if _FIELD_VOID_TAG.search(data, pos, stop) is None:
                continue
            opened.update(m[1].lower() for m in _FIELD_VOID_OPEN.finditer(data, pos, stop))
            ends.update(m[1].lower() for m in _FIELD_VOID_END.finditer(data, pos, stop))
            if all(opened[name] > most[name] for name in written):
                break
        if names := frozenset(name for name, n in opened.items() if n > ends[name]):
            patterns.append(_open_field_void(names))
    return tuple(patterns)


# Sections whose "&" and "<" are no markup, left as written: CDATA sections and comments
# (text), PIs and the DOCTYPE ("<?php if (a < b) ?>", '<!ENTITY c "1 < 2">' hold a legal "<").
_OPENERS = (b"<![CDATA[", b"<!--", b"<?", b"<!DOCTYPE")
_VERBATIM = re.compile(b"|".join(re.escape(opener) for opener in _OPENERS))
_CLOSERS = {b"<![CDATA[": b"]]>", b"<!--": b"-->", b"<?": b"?>"}
_TEXT_OPENERS = (b"<![CDATA[", b"<!--")  # one never closed: its opener is text
_DOCTYPE_REST = re.compile(rb"[^\[>]*+(?:\[.*?\]\s*+)?>", re.DOTALL)  # its subset's "]" ends it


def _section_end(data: bytes, opener: bytes, start: int) -> int:
    """Where the section ``opener`` opens (its end at ``start``) ends; -1 when it never
    does (nor any later one: each closer is looked for once to the end)."""
    if opener == b"<!DOCTYPE":
        rest = _DOCTYPE_REST.match(data, start)
        return -1 if rest is None else rest.end()
    end = data.find(_CLOSERS[opener], start)
    return -1 if end < 0 else end + len(_CLOSERS[opener])


def _markup_spans(data: bytes) -> Iterator[tuple[int, int, tuple[bytes, ...],
                                                re.Match[bytes] | None, int]]:
    """The spans of ``data`` that are markup (outside CDATA sections, comments, PIs and the
    DOCTYPE: _VERBATIM), in order, each as (start, stop, the openers that are text in it,
    the section opened at its stop or None at the end, where that section ends or -1). A
    CDATA section or comment never closed is none: from it on, its opener is text (and in
    the spans); a PI or DOCTYPE never closed is read on as markup past its opener. Each
    closer is looked for once to the end: linear."""
    dead: tuple[bytes, ...] = ()  # openers no closer follows: text from the first one on
    verbatim: re.Pattern[bytes] | None = _VERBATIM
    openers = list(_OPENERS)  # those a later one of may close
    pos = 0
    while pos < len(data):
        found = verbatim.search(data, pos) if verbatim is not None else None
        stop = len(data) if found is None else found.start()
        end = -1 if found is None else _section_end(data, found[0], found.end())
        yield pos, stop, dead, found, end
        if found is None:
            break
        if end >= 0:
            pos = end
            continue
        openers.remove(found[0])  # no later one closes either: not looked for again
        verbatim = re.compile(b"|".join(map(re.escape, openers))) if openers else None
        if found[0] not in _TEXT_OPENERS:
            pos = found.end()
            continue
        dead += (found[0],)  # read on as markup from here, its opener as text
        pos = found.start()


_PIECE = 1 << 20  # bytes rewritten at once (bounds the pieces re.sub holds)


_XML_ENCODING = re.compile(rb"""^(<\?xml[^>]*?\bencoding\s*=\s*["'])([\w.:-]+)(["'])""")


def _is_utf8(data: bytes) -> bool:
    """Whether ``data`` is valid UTF-8, checked a megabyte at a time (never a second copy)."""
    return _decodes_as(data, "utf-8")


def _decodes_as(data: bytes, codec: str) -> bool:
    """Whether every byte of ``data`` is defined in ``codec``, checked a megabyte at a time
    (never a copy of the whole as text)."""
    decoder = codecs.getincrementaldecoder(codec)()
    try:
        for start in range(0, len(data), UTF8_CHECK_CHUNK):
            decoder.decode(data[start:start + UTF8_CHECK_CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


NEWLINE = b"\n"


def _in_utf8(data: bytes, codec: str) -> bytes:
    """``data`` read in ``codec`` (a byte undefined there as U+FFFD) and written in UTF-8, a
    megabyte at a time (never the whole as text), its XML declaration saying so."""
    decoder = codecs.getincrementaldecoder(codec)("replace")
    pieces = [decoder.decode(data[start:start + UTF8_CHECK_CHUNK]).encode("utf-8")
              for start in range(0, len(data), UTF8_CHECK_CHUNK)]
    pieces.append(decoder.decode(b"", final=True).encode("utf-8"))
    # the declaration opens the first piece: rewritten there, not in a copy of the whole
    pieces[0] = _XML_ENCODING.sub(rb"\1utf-8\3", pieces[0], count=1)
    return b"".join(pieces)


@functools.lru_cache(maxsize=64)
def _libxml2_knows(label: bytes) -> bool:
    """Whether libxml2 reads the charset an XML declaration names ``label`` (it does not
    know mac-cyrillic, which Python does, and read such a feed as U+FFFD)."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    try:
        etree.fromstring(b'<?xml version="1.0" encoding="' + label + b'"?><a/>', parser)
    except etree.XMLSyntaxError:
        return False
    return not any(e.type_name == "ERR_UNSUPPORTED_ENCODING" for e in parser.error_log)


def _for_libxml2(data: bytes, label: bytes, codec: str) -> bytes:
    """A document declared in ``codec`` (not UTF-8; ``label`` as written), in a form libxml2
    reads whole: as it is when libxml2 knows the label and every byte is defined in the
    charset; else read here and given in UTF-8. libxml2 stopped at the first byte its
    charset leaves undefined (0x98 in windows-1251) and lost every item after it unsaid."""
    if _libxml2_knows(label) and _decodes_as(data, codec):
        return data
    return _in_utf8(data, codec)


_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
              (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))  # UTF-32 first


def _as_declared(data: bytes, content_type: str | None = None) -> bytes:
    """The document with an XML declaration that tells the charset its bytes are in.

    CMSs declare UTF-8 and send windows-1251, and the reverse; libxml2 believes the
    declaration, and the Cyrillic links it reads are mojibake that 404. Bytes that are
    valid UTF-8 are UTF-8 (a single-byte charset practically never forms its sequences);
    others declared (or defaulting to) UTF-8 are decoded as :func:`decode_html` judges them,
    the charset of the HTTP ``content_type`` first when it is a Cyrillic one (a short feed's
    few words were guessed mac-cyrillic, where the server said windows-1251; a Latin one is
    a server's default as often as not).
    A UTF-8 byte order mark is left to the parser when (nearly all) UTF-8 follows it, as
    :func:`decode_html` judges UTF-8 (a description cut mid-character spoils no feed); before
    bytes that are none (a PHP include saved with one, ahead of a windows-1251 feed: libxml2 believed it,
    and every Cyrillic link was U+FFFD and a 404) it is dropped and the bytes judged as any. A
    UTF-16 or UTF-32 one is read here, the document given on in UTF-8. A declaration of
    UTF-16 or UTF-32 that reads as ASCII bytes is false (.NET writes it on UTF-8 files): it
    is UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        if _is_utf8(data) or mostly_utf8(data):
            return data
        data = data[len(codecs.BOM_UTF8):]
    for bom, codec in _WIDE_BOMS:  # read here: "&" is rewritten byte by byte (_as_references)
        if data.startswith(bom):
            text = data.decode(codec, errors="replace")
            return _XML_ENCODING.sub(rb"\1utf-8\3", text.encode("utf-8"), count=1)
    match = _XML_ENCODING.match(data)
    declared = normalise_charset(match.group(2).decode("ascii")) if match else "utf-8"
    if declared == "ascii" and not data.isascii():
        declared = None  # high bytes say the label is no charset's: judged as undeclared
    if match and declared and declared.startswith(("utf-16", "utf-32")):
        data, declared = _XML_ENCODING.sub(rb"\1utf-8\3", data, count=1), "utf-8"
    if data.isascii():
        return data
    if _is_utf8(data):
        return data if declared == "utf-8" or match is None else _XML_ENCODING.sub(
            rb"\1utf-8\3", data, count=1)
    if match and declared not in ("utf-8", None) and not mostly_utf8(data):
        # a charset declared, trusted; but UTF-8 with a cut character, declared
        # windows-1251, was read as windows-1251: every letter doubly encoded
        return _for_libxml2(data, match.group(2), declared)
    said = header_charset(content_type)  # trusted when Cyrillic: a Latin one is a server's
    # default (Apache's ISO-8859-1), and a short text cannot show it wrong
    text, _codec = decode_html(data, content_type if said in CYRILLIC_SINGLE_BYTE else None)
    return _XML_ENCODING.sub(rb"\1utf-8\3", text.encode("utf-8"), count=1)


def _xml_char(code: int) -> bool:
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD \
        or 0x10000 <= code <= 0x10FFFF


def _char_reference(match: re.Match[bytes]) -> bytes:
    """A reference other than XML's five names as character references: an HTML name by its
    characters; a bare "&", an unknown name or a character XML cannot hold (&#0;) as text."""
    name, decimal, hexadecimal = match.groups()
    if name is not None:
        return _name_reference(name)
    code = int(decimal) if decimal is not None else int(hexadecimal, 16) \
        if hexadecimal is not None else -1
    return f"&#{code};".encode("ascii") if _xml_char(code) else b"&#38;" + match[0][1:]


@functools.lru_cache(maxsize=1024)
def _name_reference(name: bytes) -> bytes:
    """A reference to ``name`` (none of XML's five) as character references: an HTML
    name's characters; any other as text ("&#38;name;")."""
    chars = html5.get(name.decode("utf-8", "replace") + ";")
    if chars is None:
        return b"&#38;" + name + b";"
    return "".join(f"&#{ord(c)};" for c in chars).encode("ascii")


# A whole reference _REFERENCE rewrites (no bare "&"); a piece's few distinct ones are
# replaced as bytes, _REFS_REPLACED at most
_WHOLE_REFERENCE = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);|" + _LEGAL_REFERENCE + rb")(?:"
                              + _NAME + rb"|#[0-9]{1,16}|#x[0-9A-Fa-f]{1,16});")
_REFS_REPLACED = 64


def _references_in(markup: bytes, voids: tuple[re.Pattern[bytes], ...] = (),
                   dead: tuple[bytes, ...] = (), closed: list[int] | None = None) -> bytes:
    """``markup`` (no CDATA section, comment, PI or DOCTYPE) with every reference a
    character reference, and every stray "<" (:data:`_STRAY_LT`) one too, in pieces of
    about _PIECE bytes (:func:`_tag_pieces`: each "<" is judged with all of its tag, and no
    reference is split); the
    start tags ``voids`` matches (:func:`_unclosed_voids`) self-closed, and the ``dead``
    openers (a CDATA section's or comment's no closer follows) text. Where the first tag
    so self-closed is (the start of its line in ``markup``: the rewrite keeps every line
    break) is put in ``closed`` when one is given and empty: the note says what the rewrite
    did, piece by piece (a tag a piece's end follows is left open)."""
    if b"<" not in markup:  # (text between two sections, often): no tag, stray or opener
        return _amp_references(markup)
    parts: list[bytes] = []
    start = 0  # where the piece is in markup
    for piece in _tag_pieces(markup):
        written = len(piece)
        if b"&" in piece:  # first: the "&#60;" written for a stray "<" is no "&" to read
            piece = _amp_references(piece)
        for opener in dead:
            piece = piece.replace(opener, b"&#60;" + opener[1:])
        piece = _STRAY_LT.sub(b"&#60;", piece)
        if closed is not None and not closed:
            _first_closed(markup, start, piece, voids, closed)
        for void in voids:
            piece = void.sub(rb"<\1\2/>", piece)
        parts.append(piece)
        start += written
    return b"".join(parts)


def _first_closed(markup: bytes, start: int, piece: bytes,
                  voids: tuple[re.Pattern[bytes], ...], closed: list[int]) -> None:
    """Put in ``closed`` where in ``markup`` the line starts whose tag ``voids`` self-close
    first in ``piece`` (``markup[start:]`` rewritten, with its line breaks), if any."""
    spots = [m.start() for void in voids if (m := void.search(piece)) is not None]
    if not spots:
        return
    line = start - 1
    for _ in range(piece.count(NEWLINE, 0, min(spots))):
        line = markup.find(NEWLINE, line + 1)
    closed.append(line + 1)


def _tag_pieces(markup: bytes) -> Iterator[bytes]:
    """``markup`` in pieces of about _PIECE bytes, each cut where a token ends (before a
    "<" or after a tag's ">": :data:`_TOKENS`): a tag, even one whose quoted value holds a
    "<", and a reference (which holds no "<"), is never cut in two. A piece with no "<"
    past its first byte runs to the next "<" (its stray sub stays small)."""
    pos = 0
    while pos < len(markup):
        cut = pos
        while cut < len(markup) and cut - pos < _PIECE:
            cut = _TOKENS.match(markup, cut).end()  # a token at least: always advances
        yield markup[pos:cut]
        pos = cut


def _amp_references(markup: bytes) -> bytes:
    """``markup`` with every reference a character reference, in pieces of about _PIECE
    bytes cut before an "&"."""
    parts: list[bytes] = []
    pos = 0
    while pos < len(markup):
        cut = min(pos + _PIECE, len(markup))
        if cut < len(markup) and (amp := markup.rfind(b"&", max(pos, cut - 40), cut)) > pos:
            cut = amp  # a reference is never split (_REFERENCE reads at most 36 bytes)
        piece = markup[pos:cut]
        refs = set(_WHOLE_REFERENCE.findall(piece))
        if len(refs) <= _REFS_REPLACED:  # as bytes: a Python call each took 5 s a 10 MB
            for ref in refs:  # (a reference holds no "&" past its first: none overlap)
                piece = piece.replace(ref, _char_reference(_REFERENCE.match(ref)))
        piece = _REFERENCE.sub(_char_reference, piece)
        for named, numeric in _XML_NAMED:
            piece = piece.replace(named, numeric)
        parts.append(piece)
        pos = cut
    return b"".join(parts)


def _as_references(data: bytes) -> tuple[bytes, str | None]:
    """``data`` with every "&" outside CDATA sections, comments, PIs and the DOCTYPE
    (_VERBATIM) a character reference (see _REFERENCE), every stray "<" there "&#60;" (see
    _STRAY_LT), and HTML's void elements it never closes self-closed (see _VOIDS); what
    those sections hold is left as it is (an "&" escaped in a CDATA link would stay "&amp;"
    in the URL, a PI's "a < b" is no stray "<"), and a comment's "<![CDATA[" opens no
    section. A CDATA section or comment never closed is none: from it on, its opener is
    text (one left open in a description held every later item as its text); a PI or
    DOCTYPE never closed is read on as markup past its opener, as the parser reads it. A
    CDATA section a later one's "]]>" closes is one (the document is well-formed): left as
    written, as a tutorial's section holding "</description></item><item>" is. With it,
    the first spot so mended ("line N: what"; None: none), a reference XML does not resolve
    ("AT&T", "&nbsp;" with no DTD to define it: :func:`_amp_damage`) too."""
    out = bytearray()  # (a list of pieces held objects a spot: millions, for some bodies)
    view = memoryview(data)  # copied from without a slice's copy
    first: tuple[int, str] | None = None
    voids = _unclosed_voids(data)
    known: frozenset[bytes] | None = frozenset()  # entity names a DTD may define (None: any)
    done = 0  # what is in out (markup without an "&" is copied with what follows)
    for pos, stop, dead, found, end in _markup_spans(data):
        mended = [] if (m := _STRAY_LT.search(data, pos, stop)) is None else [
            (m.start(), "a '<' that opens no tag, read as text")]
        amp = data.find(b"&", pos, stop)
        if first is None and amp >= 0 and (bad := _amp_damage(data, amp, stop, known)):
            mended.append(bad)
        if (mended or amp >= 0 or any(void.search(data, pos, stop) for void in voids)
                or any(data.find(opener, pos, stop) >= 0 for opener in dead)):
            out += view[done:pos]  # (a piece's void closed is one the span's holds too)
            closed: list[int] = []
            out += _references_in(data[pos:stop], voids, dead, closed if first is None else None)
            mended += [(pos + spot, "an HTML tag never closed, read as closed")
                       for spot in closed]
            done = stop
        if mended and first is None:
            first = min(mended)
        if found is not None and end >= 0 and found[0] == b"<!DOCTYPE":
            known = _entities_declared(data, found.start(), end)
        elif found is not None and end < 0 and found[0] in _TEXT_OPENERS and first is None:
            kind = "a CDATA section" if found[0] == b"<![CDATA[" else "a comment"
            first = (found.start(), f"{kind} never closed, its opener read as text")
    if done == 0:  # nothing rewritten: no copy
        return data, None
    out += view[done:]
    said = None if first is None else f"line {data.count(NEWLINE, 0, first[0]) + 1}: {first[1]}"
    return bytes(out), said


# An "&" that may start what XML does not resolve, names aside (_first_undefined): a bare
# one, or a character reference not certainly legal
_UNNAMED_SUSPECT = re.compile(rb"&(?!" + _NAME + rb";|" + _LEGAL_REFERENCE + rb")")
# a reference to a name, XML's five aside
_NAMED_REFERENCE = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)(" + _NAME + rb");")
_MAX_UNDEFINED = 256  # names no DTD defines that the first of is looked for by one pattern


@functools.lru_cache(maxsize=16)
def _references_to(names: frozenset[bytes]) -> re.Pattern[bytes]:
    """A reference to one of ``names``."""
    return re.compile(rb"&(?:" + b"|".join(map(re.escape, sorted(names))) + rb");")


def _first_undefined(data: bytes, pos: int, stop: int, known: frozenset[bytes] | None
                     ) -> int | None:
    """Where the first reference in ``data[pos:stop]`` to a name ``known`` does not hold
    (None: any is) is, None when there is none. The names referred to are gathered at C
    speed and the first undefined one found by a pattern: a flood of declared names is
    not looked at one by one in Python (10 MB of "&e299;" took 5.5 s)."""
    if known is None:
        return None
    undefined = frozenset(_NAMED_REFERENCE.findall(data, pos, stop)).difference(known)
    if not undefined:
        return None
    if len(undefined) <= _MAX_UNDEFINED:
        return _references_to(undefined).search(data, pos, stop).start()
    return next(m.start() for m in _NAMED_REFERENCE.finditer(data, pos, stop)
                if m[1] not in known)


def _amp_damage(data: bytes, pos: int, stop: int, known: frozenset[bytes] | None
                ) -> tuple[int, str] | None:
    """The first reference in ``data[pos:stop]`` (markup) XML does not resolve, and what it
    was read as (:func:`_char_reference`): a bare "&" ("AT&T"), a name no DTD defines (an
    HTML one, "&nbsp;", by its character; ``known``: the names the DOCTYPE declares, None
    when an external DTD may define any), a character XML cannot hold ("&#0;"). libxml2
    said none of them (they are rewritten before it reads them). None when there is none."""
    spots = [] if (named := _first_undefined(data, pos, stop, known)) is None else [named]
    while (suspect := _UNNAMED_SUSPECT.search(data, pos, stop if named is None else named)
           ) is not None:
        ref = _REFERENCE.match(data, suspect.start(), stop)
        _name, decimal, hexadecimal = ref.groups()
        if (decimal is not None or hexadecimal is not None) and _xml_char(
                int(decimal) if decimal is not None else int(hexadecimal, 16)):
            pos = ref.end()  # legal, written with leading zeros or past 0xefff
            continue
        spots.append(suspect.start())
        break
    if not spots:
        return None
    ref = _REFERENCE.match(data, min(spots), stop)
    name, decimal, hexadecimal = ref.groups()
    shown = ref[0].decode("utf-8", "replace")
    if name is not None:
        what = (f"an entity XML does not define ({shown}), read as its character"
                if html5.get(name.decode("utf-8", "replace") + ";") else
                f"an undefined entity ({shown}), read as text")
    elif decimal is not None or hexadecimal is not None:
        what = f"a reference to a character XML cannot hold ({shown}), read as text"
    else:
        what = "a bare '&', read as text"
    return min(spots), what


_DOCTYPE_EXTERNAL = re.compile(rb"<!DOCTYPE\s+[^\s\[>]+\s+(?:PUBLIC|SYSTEM)\b")
_ENTITY_DECLARED = re.compile(rb"<!ENTITY\s+(" + _NAME + rb")")
# a parameter entity referred to in the internal subset ("%lat1;" after its external
# declaration): it may declare any name, as an external DTD may
_PARAMETER_REFERENCE = re.compile(rb"%" + _NAME + rb";")
# what in the subset refers to no parameter entity: a quoted literal (an entity's value,
# "50%off;"), a comment ("see %x;"), a PI
_SUBSET_TEXT = re.compile(rb""""[^"]*+"|'[^']*+'|<!--.*?-->|<\?.*?\?>""", re.DOTALL)


def _entities_declared(data: bytes, start: int, end: int) -> frozenset[bytes] | None:
    """The entity names the DOCTYPE at ``data[start:end]`` declares in its internal subset;
    None when it names an external DTD, or its subset refers to a parameter entity (which
    may be one: "%lat1;"), which may declare any (RSS 0.91's: HTML's)."""
    if _DOCTYPE_EXTERNAL.match(data, start, end) or _PARAMETER_REFERENCE.search(
            _SUBSET_TEXT.sub(b"", data[start:end])):
        return None
    return frozenset(m[1] for m in _ENTITY_DECLARED.finditer(data, start, end))


def _safe_parser() -> etree.XMLPullParser:
    # No DTD loading, no entity expansion, no network: external entities stay unresolved.
    return etree.XMLPullParser(events=("end",), recover=True, resolve_entities=False,
                               no_network=True, load_dtd=False, huge_tree=False,
                               remove_comments=True)


_CHUNK = 64 * 1024


def iter_records(body: bytes, names: tuple[str, ...],
                 on_stop: Callable[[str], None] | None = None,
                 content_type: str | None = None,
                 on_damage: Callable[[str], None] | None = None) -> Iterator[etree._Element]:
    """Each element named one of ``names`` (local name), as soon as it is parsed.

    Read as a stream and each record dropped once the caller has looked at it: a feed or
    sitemap of tens of thousands of entries never exists as a whole tree (a 10,000-item RSS
    as one tree held 12 MB the crawl process kept for the rest of the crawl). Where the
    parser gives up (no document, or one nesting past libxml2's 256 levels), the records
    before stay and ``on_stop`` is told why: the rest of a feed was lost unsaid.
    A document malformed where the parser (or the rewrite before it) recovers with no
    record lost is told to ``on_damage`` instead (its first damaged spot), and its records
    after the spot are read: a bare "<" in the second of three titles lost the third. After
    a tag left open in a record (``<p>`` in a description) that record is given after the
    later ones, without its fields after the tag (:func:`_finished`).
    """
    data, stray = _as_references(_as_declared(body.strip(), content_type))
    parser = _safe_parser()
    read = 0
    mismatch = _Mismatch(parser)
    try:
        for node, given in _parsed(parser, data, names, mismatch):
            read += 1
            if given:
                yield node
    except etree.XMLSyntaxError as exc:  # nothing more recoverable: keep what came before
        if on_stop is not None:
            on_stop(str(exc)[:200])
        return
    why = _stop_reason(parser, data, names, read) if on_stop or on_damage else None
    if why is not None and on_stop is not None:
        on_stop(why)
    elif why is None and on_damage is not None and (damage := _damage(parser, stray)):
        on_damage(damage)


def _damage(parser: etree.XMLPullParser, stray: str | None) -> str | None:
    """Where a document read whole was malformed, None when it was not: the first of the
    spot first mended before the parse (``stray``, "line N: what") and the first error the
    parser recovered from (an undeclared namespace prefix is none: the document is
    well-formed XML, read whole), by line; the mended one on the same line. The rewrite
    adds and drops no line end: its lines are the document's."""
    error = next((e for e in parser.feed_error_log if e.domain_name != "NAMESPACE"
                  and e.level >= etree.ErrorLevels.ERROR), None)
    if error is not None and (stray is None or error.line < _said_line(stray)):
        return f"line {error.line}: {error.message[:200]}"
    return stray


def _said_line(said: str) -> int:
    """The line a note "line N: what" names."""
    return int(said.split(":", 1)[0].removeprefix("line "))


def _parsed(parser: etree.XMLPullParser, data: bytes, names: tuple[str, ...],
            mismatch: _Mismatch) -> Iterator[tuple[etree._Element, bool]]:
    """Each record of ``data`` as the parser ends it, with whether it is given as one
    (:func:`_finished`): ``data`` fed a chunk at a time, then the parser closed (the fields a
    document cut short left open dropped)."""
    held: list[etree._Element] = []  # records given out of their parent, not yet unlinked
    for start in range(0, len(data), _CHUNK):
        parser.feed(data[start:start + _CHUNK])
        yield from _finished(parser, names, mismatch, held)
    if data:
        parser.close()
        cut = any(e.type_name == "ERR_TAG_NOT_FINISHED" for e in parser.feed_error_log)
        yield from _finished(parser, names, mismatch, held, at_end=cut)


def _stop_reason(parser: etree.XMLPullParser, data: bytes, names: tuple[str, ...],
                 read: int) -> str | None:
    """Why the parser lost records, None when it lost none: an error it stops at (_LOSING),
    or any other after which it read fewer records than ``data`` closes. libxml2 stops
    unraised at more than these (a charset's undefined byte): each lost the rest of a feed
    unsaid, so the records its bytes hold are counted when the parser complained at all.
    A document whose root element is closed in its bytes was not cut short: a tag left open
    by its author ("<p>" in a description, which libxml2 closes at the root's end tag) lost
    nothing when every record it closes was read."""
    errors = parser.feed_error_log
    if not errors:
        return None
    closed, root_closed = _records_closed(data, names)
    lost = next((err for err in errors if err.type_name in _LOSING and not (
        root_closed and err.type_name == "ERR_TAG_NOT_FINISHED")), None)
    short = f"; {closed - read} of its {closed} records not read" if closed > read else ""
    if lost is None and not short:
        return None
    stop = lost or errors[len(errors) - 1]
    return f"line {stop.line}: {stop.message[:200]}{short}"


def _records_closed(data: bytes, names: tuple[str, ...]) -> tuple[int, bool]:
    """How many end tags of ``names`` (any prefix, any case) ``data``'s root element holds
    outside CDATA sections, comments, processing instructions and its DOCTYPE: the records
    a parser that stops nowhere reads (an "</item>" in a PI, or after the root closed, is
    none); and whether the root element's end tag is in ``data`` (a document cut short
    has none)."""
    end_tag = re.compile(rb"</(?:[\w.-]+:)?(?:" + b"|".join(re.escape(n.encode()) for n in names)
                         + rb")\s*>", re.IGNORECASE)
    count = pos = 0
    root_end: re.Pattern[bytes] | None = None
    while pos < len(data):
        found = _UNPARSED.search(data, pos)
        stop = len(data) if found is None else found.start()
        if root_end is None and (root := _START_TAG.search(data, pos, stop)):
            root_end = re.compile(rb"</" + re.escape(root[1]) + rb"\s*>")
        closed = root_end.search(data, pos, stop) if root_end else None
        count += sum(1 for _ in end_tag.finditer(data, pos, closed.start() if closed else stop))
        if closed is not None:
            return count, True
        if found is None:
            break
        pos = _unparsed_end(data, found)
    return count, False


# what no record is counted in: CDATA sections, comments, PIs (the XML declaration too), DOCTYPE
_UNPARSED = re.compile(rb"<!\[CDATA\[|<!--|<\?|<!DOCTYPE", re.IGNORECASE)
_START_TAG = re.compile(rb"<([\w.:-]+)")
_UNPARSED_CLOSE = {b"<![CDATA[": re.compile(rb"\]\]>"), b"<!--": re.compile(rb"-->"),
                   b"<?": re.compile(rb"\?>"),
                   b"<!DOCTYPE": re.compile(rb"\[.*?\]\s*>|[^\[>]*>", re.DOTALL)}


def _unparsed_end(data: bytes, found: re.Match[bytes]) -> int:
    """Where the section ``found`` opens ends (the end of ``data`` when it never does); a
    DOCTYPE's internal subset in brackets ends it only after its "]"."""
    closing = _UNPARSED_CLOSE[found[0].upper()]
    end = closing.search(data, found.end())
    return len(data) if end is None else end.end()


# What the recovering parser stops at (unraised, only logged), losing the rest: a document
# nesting past libxml2's depth limit, none at all (binary junk), one cut short. Its other
# complaints (an unescaped "&", an undefined entity) cost nothing it does not recover.
_LOSING = frozenset(("ERR_RESOURCE_LIMIT", "ERR_DOCUMENT_EMPTY", "ERR_TAG_NOT_FINISHED"))


def _finished(parser: etree.XMLPullParser, names: tuple[str, ...], mismatch: _Mismatch,
              held: list[etree._Element], at_end: bool = False
              ) -> Iterator[tuple[etree._Element, bool]]:
    """The records the parser ended, each with whether it is given as one; each is let go
    once looked at, and so is any element ended outside a record (49 MB of ``<a/>`` between
    the entries grew to 1.7 GB).

    A record nested in a record is that record's field (an ``<atom:entry>`` in an
    ``<item>``), except one nested in a record of its own name once the parser met a tag
    left open (``<p>`` or ``<b>`` unclosed in a description: libxml2 closes it with the
    description's end tag and the item's end tag closes the description, so every later
    item was held in that one and lost): that is the next record, given and let go. The
    record holding the open tag ends last (at the root's end tag): it is given after the
    records that follow it, and its fields after the tag are lost (the parser read them
    into the field holding the tag, the description, out of the record's reach). Tags left open in a few hundred
    records nest past libxml2's depth limit: the parse stops there, no record read.
    ``at_end``: the events of the parser's close of a document cut short, which ends the
    elements it left open: a record's field open there was cut, its text not whole (a link
    cut to "https://ex.by/ne" is a 404), and is dropped from the record given.

    The tree is changed only where libxml2 no longer writes: an element it ended, and the
    siblings before one (:func:`_unlink_held`: a record nested in a record is emptied when
    given, and unlinked once its parent no longer ends with it). A record nested in an open
    one, unlinked with the text after it, left libxml2 appending the next text to the text
    before it at the length it had written to the unlinked one: past that node's buffer
    (the heap corrupted, the crawl process aborted) or into it (a link garbled)."""
    previous: etree._Element | None = None
    for _event, node in parser.read_events():
        _unlink_held(held, node)
        nested = _in_record(node, names)
        if _local(node.tag) in names:
            if at_end and previous is not None and previous.getparent() is node:
                node.remove(previous)  # the field open where the document was cut
            if not nested:
                yield node, True
            elif _nested_in_its_kind(node) and mismatch.seen():
                yield node, True
                node.clear(keep_tail=True)  # its parent may be open: unlinked later
                held.append(node)
                previous = None
                continue
            else:
                yield node, False
        previous = node
        if nested:
            continue  # a record's field (a record nested in it too): let go when it ends
        node.clear(keep_tail=True)
        parent = node.getparent()
        while parent is not None and node.getprevious() is not None:
            del parent[0]


def _unlink_held(held: list[etree._Element], ended: etree._Element) -> None:
    """Unlink each record of ``held`` (given, emptied) that libxml2 no longer writes after:
    one with a sibling after it, or whose parent is ``ended`` (the element whose end event
    is read). libxml2 appends a text to its open element's last child when that is text,
    at the length it last wrote there: the last child of an open element unlinked (with
    its tail), the next text was written past the end of another node's buffer."""
    for record in list(held):
        parent = record.getparent()
        if parent is None:  # unlinked with an emptied ancestor
            held.remove(record)
        elif parent is ended or record.getnext() is not None:
            parent.remove(record)
            held.remove(record)


def _nested_in_its_kind(node: etree._Element) -> bool:
    """Whether a record lies in a record of its own name (an item in an item)."""
    name = _local(node.tag)
    return any(_local(up.tag) == name for up in node.iterancestors())


class _Mismatch:
    """Whether the parser met a mismatched end tag (a tag left open before it): looked up
    in its error log until it has, then remembered (the log is copied at each look)."""

    def __init__(self, parser: etree.XMLPullParser) -> None:
        self.parser = parser
        self.met = False

    def seen(self) -> bool:
        self.met = self.met or any(e.type_name == "ERR_TAG_NAME_MISMATCH"
                                   for e in self.parser.feed_error_log)
        return self.met


def _in_record(node: etree._Element, names: tuple[str, ...]) -> bool:
    """Whether ``node`` lies in a record: a record nested in one (an ``<atom:entry>`` in an
    ``<item>``) is that record's field, read (and counted) but given as no record."""
    return any(_local(up.tag) in names for up in node.iterancestors())


def _local(tag: object) -> str:
    """A tag's local name, lower-case: without its namespace, or without the prefix of one
    never declared (libxml2 names ``<x:entry>`` so then, and :func:`_records_closed`
    counts it a record as a parser that stops nowhere reads it)."""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(node: etree._Element, *names: str) -> str | None:
    for child in node:
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def _preferred_text(node: etree._Element, *names: str) -> str | None:
    """The text of the first of ``names`` (in that order of preference) the node has."""
    return next((text for name in names if (text := _child_text(node, name))), None)


def _feed_date(value: str | None, now: datetime | None = None) -> datetime | None:
    """An RSS/Atom date (RFC 822, ISO 8601, or as written for people: "05.01.2026 10:00
    +0300"); a known zone name is its offset, one printed after a space too. A date without
    any stays naive (the outlet's wall clock: the spider places it in the outlet's zone).
    A CMS's null date or one ahead of ``now`` (when the feed was fetched; the machine's clock
    without it) is none: the entry is dated by its page."""
    return publication_date((parse_rfc822(value) or parse_any(value)) if value else None, now)


def _permalink_guid(item: etree._Element) -> str | None:
    """An item's ``<guid>`` when it is its address: an absolute http(s) URL or a path, unless
    the feed says it is no permalink. ``isPermaLink="false"`` makes it an identifier whatever
    it looks like: ``12345`` fetched as a relative URL is a 404 (or the home page), and a URL
    there (a CMS's internal or old address, a tracking id) is no page the feed links."""
    guid = next((c for c in item if _local(c.tag) == "guid"), None)
    if guid is None or (guid.get("isPermaLink") or "true").strip().lower() == "false":
        return None
    text = (guid.text or "").strip()
    return text if text.lower().startswith(("http://", "https://", "/")) else None


def _url_id(entry: etree._Element, id_link: Callable[[str], bool] | None) -> str | None:
    """An Atom entry's ``<id>`` when it is an absolute http(s) URL ``id_link`` takes: its
    address when it names no alternate link (as an RSS item's permalink ``<guid>`` is); a
    ``tag:`` or ``urn:`` id is none. An id is a name, not always an address: one on a host
    that is not the site's (the site's old host, an API's) is no page of it."""
    return _id_as_link(_child_text(entry, "id") or "", id_link)


def _id_as_link(text: str, id_link: Callable[[str], bool] | None) -> str | None:
    """An entry's id when it is an absolute http(s) URL ``id_link`` takes, else None."""
    text = text.strip()
    if id_link is None or not text.lower().startswith(("http://", "https://")):
        return None
    return text if id_link(text) else None


def same_host(url: str) -> Callable[[str], bool]:
    """Whether a URL is on ``url``'s host (an Atom id a feed's own link, where no outlet's
    hosts are known)."""
    host = urlsplit(url).hostname

    def on_it(other: str) -> bool:
        try:
            return host is not None and urlsplit(other).hostname == host
        except ValueError:
            return False
    return on_it


def _based(node: etree._Element, href: str) -> str:
    """``href`` resolved against the ``xml:base`` of ``node`` and its ancestors (Atom, RFC
    4287): a feed at ``/feeds/atom.xml`` may name its entries relative to ``/news/``. What
    is still relative is resolved against the feed's URL by the caller. An ``xml:base`` that is
    no URL ended the reading of the whole feed."""
    base = node.base  # lxml folds the xml:base of every ancestor (None without any)
    if not base:
        return href
    if (url := joined(base, href)) is not None:
        return url
    # an xml:base that is no URL (``http://[::1``): an absolute link needs none; a relative
    # one is left with that base, which the caller skips, counts and names as no URL
    return href if href.lower().startswith(("http://", "https://")) else base


def at_site_root(feed: str, href: str) -> str | None:
    """A feed's relative link ``href`` (no scheme, no leading "/") resolved against the root
    of the feed's host, when that differs from resolving it against the feed's URL, as the
    standard says: CMSs write ``news/slug/`` meaning ``/news/slug/`` in a feed served at
    ``/export/rss.xml``, whose standard reading (``/export/news/slug/``) answers 404. None
    for any other link (absolute, rooted, or resolving to the same address either way)."""
    parts = urlsplit(href)
    if not href or href.startswith(("/", "?", "#")) or parts.scheme or parts.netloc:
        return None
    rooted = joined(joined(feed, "/") or feed, href)
    return rooted if rooted is not None and rooted != joined(feed, href) else None


@dataclass
class FeedSkips:
    """The items of a feed :func:`feed_entries` skipped for having no link, for the log."""

    no_link: int = 0
    first_no_link: str | None = None  # "item N 'its title'"
    unread: str | None = None  # why the feed, or the rest of it, could not be read
    malformed: str | None = None  # where a feed read whole was malformed (recovered)

    def stopped(self, reason: str) -> None:
        self.unread = reason

    def damaged(self, reason: str) -> None:
        self.malformed = reason

    def add(self, number: int, title: str | None) -> None:
        self.no_link += 1
        if self.first_no_link is None:
            self.first_no_link = f"item {number}" + (f" {title[:120]!r}" if title else "")


def content_type_of(response: Any) -> str | None:
    """A Scrapy response's Content-Type header as text (its charset reads a feed no
    declaration names), None without one."""
    value = response.headers.get(b"Content-Type")
    return value.decode("latin-1") if value else None


def feed_entries(body: bytes, skips: FeedSkips | None = None, now: datetime | None = None,
                 content_type: str | None = None,
                 id_link: Callable[[str], bool] | None = None) -> Iterator[FeedEntry]:
    """Links of RSS 2.0 items, Atom entries and JSON Feed items, with their dates when given;
    an item with no link (no <link>, no permalink <guid>, no rel=alternate nor URL <id>, no
    url) is none, told to ``skips``. ``now``: when the feed was fetched (its capture time in
    a replay, so that a replay bounds its dates as the crawl did; the machine's clock
    without it).
    ``content_type``: the HTTP header, whose charset reads bytes no declaration names.
    ``id_link``: whether an Atom entry's (or a JSON Feed item's) URL id on that URL's host
    may be its link (the feed's host or its site's; None: no id is)."""
    body, unreadable = gunzipped_document(body)
    if unreadable is not None:
        if skips is not None:
            skips.stopped(unreadable)
        return
    if (kind := document_element(body)) == JSON_FEED:
        yield from _json_feed_entries(body, skips, now, id_link)
        return
    # (an HTML page answering a feed's address is said so by the caller, not as unread)
    on_stop = skips.stopped if skips is not None and kind != "html" else None
    on_damage = skips.damaged if on_stop is not None else None
    for number, node in enumerate(iter_records(body, ("item", "entry"), on_stop,
                                               content_type, on_damage), 1):
        if _local(node.tag) == "item":
            link = _child_text(node, "link") or _permalink_guid(node)
            date = _preferred_text(node, "pubdate", "date", "published")
        else:
            link = next((_based(c, c.get("href", "").strip()) for c in node
                         if _local(c.tag) == "link" and c.get("rel", "alternate") == "alternate"
                         and c.get("href")), None) or _url_id(node, id_link)
            # <published>, wherever it stands: WordPress writes <updated> first, an edit's time
            date = _preferred_text(node, "published", "updated")
        if link and link.strip():
            yield FeedEntry(link.strip(), _feed_date(date, now), _child_text(node, "title"))
        elif skips is not None:
            skips.add(number, _child_text(node, "title"))


_FIRST_TAG = re.compile(rb"<(?![?!])([A-Za-z][\w:.-]*)")
_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)
# A JSON Feed (jsonfeed.org: WordPress plugins, Micro.blog, Hugo and Ghost themes announce it
# as application/feed+json): an object naming its version URL among its first members
JSON_FEED = "jsonfeed"
_JSON_FEED_START = re.compile(rb"\s*(?:\xef\xbb\xbf\s*)?\{.{0,4096}?jsonfeed\.org/version/",
                              re.DOTALL)


def document_element(body: bytes) -> str | None:
    """The local name of the first element of a document (``rss``, ``feed``, ``rdf``,
    ``html``: an error page a feed URL answers with 200), :data:`JSON_FEED` for a JSON Feed,
    None when it opens with none."""
    if _JSON_FEED_START.match(body, 0, 8192):
        return JSON_FEED
    match = _FIRST_TAG.search(_COMMENT.sub(b"", body[:8192]))
    return match.group(1).decode("ascii").rsplit(":", 1)[-1].lower() if match else None


def _json_feed_entries(body: bytes, skips: FeedSkips | None, now: datetime | None = None,
                       id_link: Callable[[str], bool] | None = None) -> Iterator[FeedEntry]:
    """The items of a JSON Feed: ``url`` (else ``external_url``, else an ``id`` that is a
    URL ``id_link`` takes: jsonfeed.org 1.1 makes ``url`` optional and asks the id be the
    item's full URL, as an Atom entry's may be), ``date_published`` (else
    ``date_modified``), ``title``. A feed that does not parse (or nests past the parser's
    depth) has none, told to ``skips`` as unread; an item that is no object, or has no link,
    is told to ``skips``."""
    try:
        feed = json.loads(body.decode("utf-8-sig", "replace"))
    except (ValueError, RecursionError) as exc:
        if skips is not None:
            skips.stopped(f"not JSON: {str(exc)[:200]}")
        return
    items = feed.get("items") if isinstance(feed, dict) else None
    for number, item in enumerate(items if isinstance(items, list) else (), 1):
        item = item if isinstance(item, dict) else {}
        title = item.get("title") if isinstance(item.get("title"), str) else None
        link = next((v.strip() for k in ("url", "external_url")
                     if isinstance(v := item.get(k), str) and v.strip()), None) \
            or _id_as_link(str(item.get("id") or ""), id_link)
        date = next((v for k in ("date_published", "date_modified")
                     if isinstance(v := item.get(k), str)), None)
        if link:
            yield FeedEntry(link, _feed_date(date, now), title)
        elif skips is not None:
            skips.add(number, title)


def sitemap_entries(body: bytes, now: datetime | None = None,
                    on_stop: Callable[[str], None] | None = None,
                    on_damage: Callable[[str], None] | None = None
                    ) -> Iterator[tuple[str, str, datetime | None]]:
    """(kind, loc, lastmod) for each <url> ("url") and <sitemap> ("sitemap") entry; a
    ``lastmod`` that is no date (:func:`publication_date`, bounded by ``now``: when the
    sitemap was fetched, as :func:`feed_entries`) is None. ``on_stop``, ``on_damage``: as
    :func:`iter_records`' (a sitemap read whole around a bare "<" is told to ``on_damage``)."""
    for node in iter_records(body, ("url", "sitemap"), on_stop, on_damage=on_damage):
        loc = _child_text(node, "loc")
        if loc:
            yield _local(node.tag), loc, publication_date(
                parse_any(_child_text(node, "lastmod") or ""), now)


def xml_stops(document: bytes) -> tuple[list[str], Callable[[str], None] | None]:
    """Where a sitemap's parse stopped short (:func:`iter_records`' ``on_stop``), for a
    document of XML markup only: a plain-text sitemap is no document to the XML parser, and
    an HTML page answering is said so on its own. (Where it was malformed, read whole:
    :func:`xml_damages`.)"""
    stops: list[str] = []
    xml = _MARKUP_START.match(document) is not None and document_element(document) != "html"
    return stops, stops.append if xml else None


def gunzipped_document(body: bytes) -> tuple[bytes, str | None]:
    """The document of a sitemap or feed and None, or (b"", why it cannot be read): a
    ``.gz`` file (or a gzipped body sent without its Content-Encoding) is gunzipped up to
    MAX_SITEMAP_BYTES (a gzip bomb stops there), and one whose bytes are no gzip past its
    magic number is said, never an exception that loses the callback."""
    if body[:2] != b"\x1f\x8b":
        return body, None
    try:
        return gunzip(body, max_size=MAX_SITEMAP_BYTES), None
    except ValueError as exc:
        # Scrapy's size error is private (a ValueError carrying max_size): told by that field
        if getattr(exc, "max_size", None) is not None:
            return b"", f"gunzipped, it is over {MAX_SITEMAP_BYTES} bytes"
        return b"", f"no gzip ({exc})"
    except (OSError, EOFError, zlib.error, struct.error) as exc:
        return b"", f"no gzip ({exc})"


def xml_damages(on_stop: Callable[[str], None] | None
                ) -> tuple[list[str], Callable[[str], None] | None]:
    """Where a sitemap read whole was malformed (:func:`iter_records`' ``on_damage``), for
    the document :func:`xml_stops` gave ``on_stop`` for (an XML one) only."""
    damages: list[str] = []
    return damages, damages.append if on_stop is not None else None


# markup after a BOM and blank space: an XML sitemap or an HTML page, no text sitemap
_MARKUP_START = re.compile(rb"[\xef\xbb\xbf \t\r\n]*<")


# A text sitemap's line longer than this holds no URL anything asks for: Scrapy drops a request
# whose URL is past URLLENGTH_LIMIT (2,083 characters; every byte past ASCII is escaped to
# three), and this leaves blanks around it room. A longer line is passed over unread.
MAX_TEXT_LINE_BYTES = 8 * 1024
_LINE_END = re.compile(rb"\r\n?|\n")  # CR LF, CR alone (old Mac files), LF alone
_SKIP_STEP = 1 << 20  # bytes of an over-long line looked through for its end a step
_TAIL_STEP = 64 * 1024  # bytes of a document's end looked through for its content's end
_PAD_SHOWN = 16  # bytes of a last line's cut tail kept to count and show it


@dataclass
class TextSitemap:
    """What a plain-text sitemap's read found besides its URLs: counts and the first junk."""

    urls: int = 0  # URL lines read, at most the bound given
    junk: int = 0  # non-blank lines that are no absolute http(s) URL, or no UTF-8
    first_junk: str | None = None  # "line N <why>: <the line>", for the log
    over_limit: int = 0  # non-blank lines after the bound's last URL, not read
    too_long: int = 0  # lines past MAX_TEXT_LINE_BYTES, passed over (counted in junk too)
    cleaned: int = 0  # URL lines read once control characters at their ends were cut
    first_cleaned: str | None = None  # "line N: <the line>", for the log


def text_sitemap_lines(document: bytes, found: TextSitemap, limit: int | None = None
                       ) -> Iterator[str | None]:
    """A plain-text sitemap (sitemaps.org: UTF-8, one absolute URL a line, no dates) read
    one line a step: each line's URL, or None for a line giving none (blank, junk, past
    ``limit``, default MAX_SITEMAP_URLS), counted in ``found``. A step a line lets the
    reader take turns with the reactor whatever the lines are, and nothing is kept but
    counts; a line past MAX_TEXT_LINE_BYTES is looked through for its end a bounded step
    at a time (None each), never copied. CR alone ends a line too: no URL holds a raw CR,
    and a file of old Mac line ends was one line of junk. Nothing at all for markup (an
    XML sitemap, an HTML page); a text listing no URL leaves ``found.urls`` 0: it is no
    text sitemap."""
    limit = MAX_SITEMAP_URLS if limit is None else limit
    if _MARKUP_START.match(document):  # no copy of a 50 MB document to look at its start
        return
    start = len(codecs.BOM_UTF8) if document.startswith(codecs.BOM_UTF8) else 0
    size = _content_end(document, start)  # a file padded with NULs: the pad is no line
    number = 0
    while start < size:
        number += 1
        end = _LINE_END.search(document, start, min(size, start + MAX_TEXT_LINE_BYTES + 1))
        if end is None and size - start > MAX_TEXT_LINE_BYTES:
            start = yield from _pass_long_line(document, start, number, found, limit, size)
            continue
        if end is None:  # the last line, shown with the first of the pad cut after it
            yield _read_text_line(number, document[start:size] + _pad_start(document, size),
                                  found, limit)
            break
        yield _read_text_line(number, document[start:end.start()], found, limit)
        start = _after(document, end)


def _content_end(document: bytes, start: int) -> int:
    """Where ``document``'s content ends, before the control characters and spaces it ends
    with (from ``start``): a pad of NULs past MAX_TEXT_LINE_BYTES made its last URL line one
    too long, junk. Looked for a bounded piece at a time from the end, never a copy whole."""
    end = len(document)
    while end > start:
        piece = document[max(start, end - _TAIL_STEP):end].rstrip(_EDGE_BYTES)
        if piece:
            return end - min(_TAIL_STEP, end - start) + len(piece)
        end -= _TAIL_STEP
    return start


def _pad_start(document: bytes, size: int) -> bytes:
    """The first bytes of the control characters ending ``document`` after ``size`` up to a
    line end: the last line's own tail, cut and counted as any line's."""
    return _LINE_END.split(document[size:size + _PAD_SHOWN], maxsplit=1)[0]


def _after(document: bytes, end: re.Match[bytes]) -> int:
    """Where the line after a line end starts: a CR found at the edge of the bytes looked
    through ends there only when no LF follows it (CR LF is one end, not two)."""
    stop = end.end()
    return stop + 1 if end.group() == b"\r" and document[stop:stop + 1] == b"\n" else stop


def _pass_long_line(document: bytes, start: int, number: int, found: TextSitemap,
                    limit: int, size: int) -> Generator[None, None, int]:
    """Pass over line ``number``, longer than MAX_TEXT_LINE_BYTES, from ``start``: its end
    looked for _SKIP_STEP bytes a step (None each, at least one: a file of long lines is
    read a step a line, as any), counted as junk (past ``limit``'s last URL, as a line not
    read); where the next line starts (``size`` at most, where the content ends)."""
    if found.urls >= limit:
        found.over_limit += 1
    else:
        found.junk += 1
        found.too_long += 1
        if found.first_junk is None:
            shown = document[start:start + 120].decode("utf-8", "replace")
            found.first_junk = (f"line {number} is longer than {MAX_TEXT_LINE_BYTES} bytes, "
                                f"no URL: {shown!r}…")
    position = start + MAX_TEXT_LINE_BYTES
    while position < size:
        yield None
        end = _LINE_END.search(document, position, min(size, position + _SKIP_STEP + 1))
        if end is not None:
            return _after(document, end)
        position += _SKIP_STEP
    return size


# C0 controls, space and DEL: cut at a line's ends (a file padded with NULs, a stray ^Z or
# ESC after the URL); inside a URL they make the line junk, never a request
_EDGE_BYTES = bytes(range(0x21)) + b"\x7f"


def _read_text_line(number: int, line: bytes, found: TextSitemap, limit: int) -> str | None:
    """Line ``number`` of a text sitemap: its URL within ``limit``, else None, counted."""
    stripped = line.strip(_EDGE_BYTES)
    if not stripped:
        return None
    if found.urls >= limit:
        found.over_limit += 1
        return None
    url, why = _text_line_url(stripped)
    if url is not None:
        found.urls += 1
        if stripped != line.strip():  # whitespace aside, its ends held control characters
            found.cleaned += 1
            if found.first_cleaned is None:
                shown = line.strip()[:120].decode("utf-8", "replace")
                found.first_cleaned = f"line {number}: {shown!r}"
        return url
    found.junk += 1
    if found.first_junk is None:
        shown = line.strip()[:120]
        found.first_junk = f"line {number} {why}: {shown.decode('utf-8', 'replace')!r}"
    return None


def _text_line_url(line: bytes) -> tuple[str | None, str | None]:
    """A text sitemap's line as (its URL, None), or (None, why it is no URL to read)."""
    try:
        text = line.decode("utf-8").strip()
    except UnicodeDecodeError:
        return None, "is not UTF-8"
    try:
        parts = urlsplit(text)
        absolute = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018 - raises on a port that is none (past 65535)
    except ValueError:  # an IPv6 host left open, a port that is none
        absolute = False
    if absolute and any(unicodedata.category(c) == "Cc" for c in text):
        return None, "holds a control character"
    if absolute and not any(c.isspace() for c in text):
        return text, None
    return None, "is no absolute http(s) URL"

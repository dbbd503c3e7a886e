"""Article metadata: outlet selectors first, then JSON-LD, OpenGraph and <meta> tags."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from lxml import etree

from crawler.extraction import dates
from crawler.extraction.bylines import is_no_person, markup_authors, person_shaped
from crawler.extraction.dateline import (
    ArticleDates,
    chrome,
    headline_text,
    logo_heading,
    marked_number,
    modified_stamp,
    same_headline,
    title_key,
    with_shown_time,
    word_count,
)
from crawler.extraction.html import (
    all_values,
    first_match,
    select_nodes,
    select_pairs,
    select_values,
    spaced_text,
    text_content,
)
from crawler.extraction.normalize import clean_line
from crawler.extraction.provenance import (
    DEFAULT,
    HTML,
    HTMLDATE,
    JSON_LD,
    META,
    MICRODATA,
    OPENGRAPH,
    RULE_PREFIX,
    VISIBLE,
    VISIBLE_DATE,
    Provenance,
    configured,
    rule_source,
)
from crawler.outlets.base import ArticleRules, Outlet
from crawler.siteoutlets import are_generic, generic_rules
from crawler.urls import joined, url_host


@dataclass
class Metadata:
    title: str | None = None
    subtitle: str | None = None
    published: str | None = None
    modified: str | None = None
    authors: list[str] = field(default_factory=list)
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    # the page's own machine-readable publication date (JSON-LD, meta, microdata, the
    # article's <time>), template date or not, and the date it prints near its headline
    # (the site's wall clock): what tells a template's date (``dates.template_date``)
    machine_date: datetime | None = None
    printed_date: datetime | None = None
    # the site's names a byline naming it names no author (``no_author_names``)
    site_names: list[str] = field(default_factory=list)
    # the names the page's bylines print, the site's and desks' too: lines for the text to lose
    bylines: list[str] = field(default_factory=list)


_WRAPPER = re.compile(r"^\s*(?://\s*)?(?:<!--|<!\[CDATA\[)|(?://\s*)?(?:-->|\]\]>)\s*$")
_BEFORE_CLOSE = re.compile(r"\s*[}\]]")


def _without_trailing_commas(text: str) -> str:
    """``text`` without the commas before a closing bracket ({"a": 1,}), strings untouched."""
    out: list[str] = []
    in_string = escaped = False
    for i, char in enumerate(text):
        if in_string:
            escaped, in_string = (False, True) if escaped else (char == "\\", char != '"')
        elif char == '"':
            in_string = True
        elif char == "," and _BEFORE_CLOSE.match(text, i + 1):
            continue
        out.append(char)
    return "".join(out)


def load_json_ld(text: str) -> Any:
    """A JSON-LD block as CMSs write it: raw line breaks and tabs inside strings, trailing
    commas, an HTML comment or CDATA wrapper; ValueError when it is still no JSON."""
    text = _WRAPPER.sub("", text)
    try:
        return json.loads(text, strict=False)
    except ValueError:
        return json.loads(_without_trailing_commas(text), strict=False)


def json_ld_objects(tree: etree._Element) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, @graph members flattened; blocks that stay broken
    after lenient reading are skipped."""
    found: list[dict[str, Any]] = []
    for node in select_nodes(tree, 'script[type="application/ld+json"]'):
        try:
            data = load_json_ld(node.text or "")
        except (ValueError, RecursionError):
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                found.append(item)
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)
    return found


def ld_types(obj: dict[str, Any]) -> list[str]:
    """A JSON-LD object's ``@type`` as a list of names (one name, a list, or junk)."""
    kind = obj.get("@type")
    return [k for k in (kind if isinstance(kind, list) else [kind]) if isinstance(k, str)]


def _ld_refs(value: Any) -> list[str]:
    """The addresses a JSON-LD ``url``, ``@id`` or ``mainEntityOfPage`` value names (a
    string, a node with its own ``@id``/``url``, or a list of them)."""
    items = value if isinstance(value, list) else [value]
    refs: list[str] = []
    for item in items:
        if isinstance(item, str):
            refs.append(item)
        elif isinstance(item, dict):
            refs += [v for v in (item.get("@id"), item.get("url")) if isinstance(v, str)]
    return [r.strip() for r in refs if r.strip()]


def _page_key(base: str, ref: str) -> str | None:
    """``ref`` as the page it names: path and query, percent-decoded, without the fragment
    and a trailing slash (the host aside: a mirror or a replay reads the page elsewhere);
    None for no web address (a blank node's "_:b0", a bare "#article")."""
    url = joined(base, ref) if base else ref
    if not url or not url.startswith(("http://", "https://")):
        return None
    parts = urlsplit(url)
    path = unquote(parts.path).rstrip("/") or "/"
    return path + (f"?{unquote(parts.query)}" if parts.query else "")


def _page_keys(tree: etree._Element, url: str) -> set[str]:
    """The addresses this page goes by: the one fetched, its rel=canonical and og:url."""
    refs = [url, *select_values(tree, 'link[rel~="canonical"] @href'), *_meta(tree, "og:url")]
    return {key for ref in refs if ref and (key := _page_key(url, ref))}


def _page_headlines(tree: etree._Element) -> list[str]:
    """The headlines the page shows or states: its <h1>s and og:title."""
    shown = [spaced_text(n) for n in select_nodes(tree, "h1")]
    return [t for t in (*shown, *_meta(tree, "og:title")) if title_key(t)]


def _ld_keys(obj: dict[str, Any], base: str, fields: tuple[str, ...]) -> set[str]:
    """The pages (:func:`_page_key`) a JSON-LD object's ``fields`` name."""
    return {k for key in fields for r in _ld_refs(obj.get(key)) if (k := _page_key(base, r))}


def _ld_rank(obj: dict[str, Any], base: str, own: set[str], headlines: list[str]
             ) -> int | None:
    """How surely an article object is this page's: 0 its address is the page's, 1 its
    headline is the page's, 2 it names no address; None when it names another page (a
    related article's block) and its headline is not the page's either."""
    keys = _ld_keys(obj, base, ("url", "@id", "mainEntityOfPage"))
    if keys & own:
        return 0
    headline = obj.get("headline") if isinstance(obj.get("headline"), str) else ""
    if headline and any(same_headline(h, headline) for h in headlines):
        return 1  # also where the address is stale or a theme's front page
    return None if keys else 2


def _article_ld(objects: list[dict[str, Any]], tree: etree._Element | None = None,
                url: str = "") -> dict[str, Any]:
    """The page's own article object: pages put a related article's ``NewsArticle`` block
    before their own, so of several the one the page's address or headline names, never one
    naming another page; the first of equals."""
    articles = [obj for obj in objects
                if any(k.endswith(("Article", "NewsArticle", "Posting")) for k in ld_types(obj))]
    if tree is None or not articles:
        return articles[0] if articles else {}
    own, headlines = _page_keys(tree, url), _page_headlines(tree)
    ranked = [(rank, i) for i, obj in enumerate(articles)
              if (rank := _ld_rank(obj, url, own, headlines)) is not None]
    return articles[min(ranked)[1]] if ranked else {}


def _page_ld_modified(objects: list[dict[str, Any]], tree: etree._Element, url: str
                      ) -> list[str]:
    """The ``dateModified`` of the page's own ``WebPage`` object (or another page type:
    ``ItemPage``): its ``url`` or ``@id`` names this page, or it names none. A page object
    naming another page (a breadcrumb's, a related one's) tells nothing of this one."""
    own: set[str] | None = None
    found: list[str] = []
    for obj in objects:
        value = obj.get("dateModified")
        if not isinstance(value, str) or not any(k.endswith("Page") for k in ld_types(obj)):
            continue
        if own is None:
            own = _page_keys(tree, url)
        keys = _ld_keys(obj, url, ("url", "@id"))
        if not keys or keys & own:
            found.append(value)
    return found


def _ld_names(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
    return names


def _meta(tree: etree._Element, *names: str) -> list[str]:
    specs = tuple(f'meta[property="{n}"] @content' for n in names) + tuple(
        f'meta[name="{n}"] @content' for n in names
    )
    return all_values(tree, specs)


def _clean_list(values: list[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        value = clean_line(value)
        if value and value not in out:
            out.append(value)
    return out


def _microdata_nodes(page: ArticleDates, prop: str) -> list[etree._Element]:
    """Elements of schema.org ``itemprop`` ``prop``, the article's own first; none from menus,
    sidebars or comments."""
    nodes = [n for n in select_nodes(page.tree, f'[itemprop~="{prop}"]') if not page.in_chrome(n)]
    nodes.sort(key=lambda n: not page.inside(n))  # stable: page order within each group
    return nodes


def microdata(page: ArticleDates, prop: str) -> list[str]:
    """Values of microdata ``itemprop`` (a <meta> content, a <time> datetime, else text)."""
    values = [n.get("content") or n.get("datetime") or text_content(n)
              for n in _microdata_nodes(page, prop)]
    return [v.strip() for v in values if v and v.strip()]


MAX_NAME_CHARS = 80  # an itemprop=author holding more is a byline box, not a name


def microdata_authors(page: ArticleDates) -> list[str]:
    """Names of itemprop=author: its itemprop=name when it is a Person block, else its text."""
    names = []
    for node in _microdata_nodes(page, "author"):
        inner = select_nodes(node, '[itemprop~="name"]')
        held = inner[0] if inner else node
        name = clean_line(held.get("content") or text_content(held))
        if name and len(name) <= MAX_NAME_CHARS:
            names.append(name)
    return names


DateCandidate = tuple[str, str]  # (source label, raw value)


def _not_before(modified: str | None, published: str | None,
                modified_read: datetime | None = None,
                published_read: datetime | None = None) -> str | None:
    """``modified``, unless it is earlier than ``published``: an update stamp before the
    publication is a misread (a zone lost, a CMS's stale field), and no update of the page.
    A value with no time of day (read as midnight) has no hour to be earlier by: then the
    days are compared too, each in the zone it was written in (that of ``modified_read`` and
    ``published_read``, the values as read: "2024-05-11" after 23:30 New York time on the
    10th is a later day, though midnight at the outlet is hours before), and only an
    update earlier by the clock and by its day drops it."""
    if modified is None or published is None:
        return modified
    update, publication = dates.parse_iso(modified), dates.parse_iso(published)
    if update is None or publication is None or update.tzinfo is None \
            or publication.tzinfo is None:
        return modified
    update, publication = _as_written(update, modified_read), _as_written(publication,
                                                                         published_read)
    if update >= publication:
        return modified
    if dates.day_only(update) or dates.day_only(publication):
        return None if update.date() < publication.date() else modified
    return None


def _as_written(moment: datetime, read: datetime | None) -> datetime:
    """``moment`` in the zone of the value it was ``read`` from, when that carried one (the
    outlet's zone otherwise: a value without an offset is its wall clock)."""
    return moment.astimezone(read.tzinfo) if read is not None and read.tzinfo else moment


def _date(candidates: list[DateCandidate], now: datetime | None = None,
          template: Collection[datetime] = ()) -> tuple[Any, str | None]:
    """The first candidate that parses as a publication date, and its source label (``now``:
    the site's wall clock at the fetch, from which a printed "Сегодня, 07:20" counts; a
    CMS's null date or one after it is none: ``dates.no_publication_date``; nor is a date of
    ``template``, the machine date the site's template writes into every page)."""
    for source, raw in candidates:
        if (parsed := dates.publication_date(dates.parse_any(raw, now), now)) \
                and not _in_template(parsed, template):
            return parsed, source
    return None, None


def _stray_printed_date(machine: datetime | None, visible: datetime, page: ArticleDates,
                        tz: ZoneInfo | None) -> bool:
    """Whether the printed date a rule read is none of the article's: another day than the
    machine date, while the date printed near the headline is the machine date's day (where
    on the page the rule's date sits is not asked). After a redesign renamed the date's block,
    a rule as broad as ``span.date`` read the date of a "Читать новость" card set inside the
    body, and that printed date overrode the article's (months off); the rule counts as
    missed."""
    if machine is None or tz is None:
        return False
    shown = page.visible()
    day = dates.localise(machine, tz).date()
    return shown is not None and dates.localise(shown, tz).date() == day \
        and dates.localise(visible, tz).date() != day


def _in_template(moment: datetime | None, template: Collection[datetime]) -> bool:
    """Whether ``moment`` is one of the site's template dates (the same instant; a naive
    date equals no aware one)."""
    return moment is not None and moment in template


def _rule_dates(page: ArticleDates, specs: tuple[str, ...], published: bool = False
                ) -> list[DateCandidate]:
    """Each rule's value outside menus, sidebars and widgets closest to the headline: a class
    such as ``.post-date`` also marks the dates of a sidebar's headline list, and a redesign
    may put a news strip's ``<time>`` first, which would silently give the item another
    article's date once the article's own date moved. ``published``: not a stamp marked or
    labelled as the update ("Обновлено: …") either."""
    found = []
    for spec in specs:
        pairs = {n: v for n, v in select_pairs(page.tree, spec, spaced_text)
                 if not page.in_chrome(n) and not (published and modified_stamp(n))}
        if pairs:
            node = page.closest(list(pairs))[0]
            found.append((rule_source(spec), with_shown_time(node, pairs[node], page.now)))
    return found


AGREE = timedelta(hours=1)  # dates of one moment, written rounded or by two clocks


def _agreeing(rule_dates: list[DateCandidate], structured: list[DateCandidate],
              now: datetime | None) -> list[DateCandidate]:
    """The rule dates the page's structured dates (JSON-LD, meta, microdata) do not
    contradict: when they carry an offset and agree among themselves, a rule date with an
    offset over AGREE from them is another date (a redesign put a news strip's ``<time>``
    first, which the rule now reads): passed over, for the next rule or a miss."""
    stated = [d for _, raw in structured
              if (d := dates.publication_date(dates.parse_any(raw, now), now)) and d.tzinfo]
    if not stated or max(stated) - min(stated) > AGREE:
        return rule_dates
    return [(src, raw) for src, raw in rule_dates
            if not ((d := dates.parse_any(raw, now)) and d.tzinfo
                    and min(abs(d - s) for s in stated) > AGREE)]


def _may_be_mislabelled(machine: datetime, rules: ArticleRules | None) -> bool:
    """Whether the page's printed date is to be asked if ``machine`` is the site's wall clock
    under another offset: on an outlet whose rules read a printed date to check it (BELTA's),
    any offset; on a page no rule knows, one labelled UTC (``Z``, ``+00:00``), as CMSs write a
    wall clock they take for UTC: an offset of its own is the site's (the zone given may be
    wrong). Other outlets' rules say where their dates are, and are trusted."""
    if rules is not None and rules.published_visible:
        return True
    return (rules is None or are_generic(rules)) and machine.utcoffset() == timedelta(0)


def _labelled(source: str, values: list[str]) -> list[DateCandidate]:
    return [(source, v) for v in values]


def _first(*candidates: tuple[str | None, Any]) -> tuple[str | None, Any]:
    """The first (source, value) with a value: the order is the order of trust."""
    return next(((s, v) for s, v in candidates if v), (None, None))


def site_names(tree: etree._Element, objects: list[dict[str, Any]], ld: dict[str, Any],
               outlet: Outlet | None, url: str = "") -> list[str]:
    """What the site calls itself: og:site_name, application-name, JSON-LD WebSite or
    Organization (among the page's JSON-LD ``objects``) and the article's publisher, the
    outlet's name, the page's host (with and without its top-level domain)."""
    names = _meta(tree, "og:site_name", "application-name")
    for obj in objects:
        if any(k in ("WebSite", "Organization", "NewsMediaOrganization") for k in ld_types(obj)):
            names += _ld_names(obj)
    names += _ld_names(ld.get("publisher"))
    if outlet is not None:
        names.append(outlet.name)
    if host := (url_host(url) or "").removeprefix("www."):
        names += [host, host.rsplit(".", 1)[0]]  # "RuNews24.ru", "Zerkalo"
    forms = [form for name in _clean_list(names) for form in _name_forms(name)]
    return [n for n in dict.fromkeys(forms) if title_key(n)]


def no_author_names(tree: etree._Element, objects: list[dict[str, Any]], ld: dict[str, Any],
                    outlet: Outlet | None, url: str = "") -> list[str]:
    """The site's names a byline naming it names no author: an Organization's or a WebSite's
    in JSON-LD, a publisher typed no Person, the outlet's name, og:site_name and
    application-name when not shaped as a person's name, the host when one word. A one-person
    blog's site is its author's name ("Иван Петров", a Yoast publisher typed Person,
    Substack's og:site_name, ivan-petrov.com): that author is kept."""
    names = [n for n in _meta(tree, "og:site_name", "application-name") if not person_shaped(n)]
    for obj in (*objects, *_ld_items(ld.get("publisher"))):
        kinds = ld_types(obj)
        if "Person" not in kinds and any(k in _ORGANISATIONS for k in kinds):
            names += [n for n in _ld_names(obj) if not ("WebSite" in kinds and person_shaped(n))]
    if outlet is not None:
        names.append(outlet.name)
    host = (url_host(url) or "").removeprefix("www.")
    if host and len(re.findall(r"\w+", base := host.rsplit(".", 1)[0])) == 1:
        names += [host, base]  # "zerkalo.io", "zerkalo"; "ivan-petrov.com" is a person's
    return list(dict.fromkeys(_clean_list(names)))


_ORGANISATIONS = frozenset(("WebSite", "Organization", "NewsMediaOrganization", "Corporation"))


def _ld_items(value: Any) -> list[dict[str, Any]]:
    """A JSON-LD value's nodes (one node or a list of them)."""
    return [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, dict)]


def _name_forms(name: str) -> list[str]:
    """A site's name as titles spell it too: without a place in brackets ("«Ударны фронт»
    (Шклов)" as "«Ударны фронт»"); quotes count for nothing (``title_key`` drops them)."""
    short = re.sub(r"\s*\([^()]*\)\s*$", "", name)
    return [name, short] if short and short != name else [name]


_SUFFIX_SEPARATOR = re.compile(r"\s*[|—–:·•»]\s*|\s+-\s+|-(?=\S)")
# Between a site's name (or a rubric) and the headline after it: "Site: …", "Site » …"
_PREFIX_SEPARATOR = re.compile(r"\s*[|—–:·•»]\s*|\s+-\s+")


def _without_site_name(title: str, names: list[str]) -> str:
    """``title`` without a trailing " | Site", " — Site" (og:title and <title> often add it),
    else without a leading "Site: ", "Site » " (others, and DataLife Engine's speedbar
    title, put it first): the words after the last separator, or before the first one, that
    are a site name's words, case and quotes aside."""
    keys = {title_key(name) for name in names}
    for sep in reversed(list(_SUFFIX_SEPARATOR.finditer(title))):
        head, tail = title[:sep.start()], title[sep.end():]
        if title_key(tail) in keys and title_key(head):
            return head.rstrip()
    first = _PREFIX_SEPARATOR.search(title)
    if first and title_key(title[:first.start()]) in keys and title_key(title[first.end():]):
        return title[first.end():].lstrip()
    return title


def _generic_title_rule(outlet: Outlet | None, rules: ArticleRules | None) -> bool:
    """Whether the title is no outlet's knowledge: no rules, or a site's generic rules with
    the default "h1" (outlet rows that name their title selector keep it as it is)."""
    return rules is None or (outlet is not None and generic_rules(outlet)
                             and not configured(rules, "title"))


def generic_title(tree: etree._Element, structured: list[tuple[str, str | None]],
                  names: list[str], h1_source: str) -> tuple[str | None, str | None]:
    """The title of a page no outlet rule knows.

    Its <h1> when that agrees with the JSON-LD headline or og:title. Else those (without a
    site-name suffix) when the <h1> is the site's name or logo, when they are another heading
    of the page (the theme's headline is an <h2>), or when they say more than the <h1> (a
    rubric name in the <h1>); an <h1> that says more than a stray og:title stays. Without
    them, the first <h1> that is no site name or logo, then <title>.
    """
    site = {title_key(n) for n in names}
    stated = [t for _src, t in (*structured, *_page_title(tree, names)) if t]
    h1s = [(node, headline_text(node, stated)) for node in select_nodes(tree, "h1")]
    h1s = [(node, text) for node, text in h1s if text and title_key(text) not in site]
    found = [(src, _without_heading_prefix(clean_line(t), h1s)) for src, t in structured
             if t and clean_line(t)]
    for _node, text in h1s:
        if any(same_headline(text, t) for _src, t in found):
            return h1_source, text
    plausible = next((text for node, text in h1s if not logo_heading(node)), None)
    if found:
        if shown := _shown_title(tree, found):  # the one the page shows as a heading
            return shown[0], _without_site_name(shown[1], names)
        # a heading that opens a stated title before a separator: the headline, the rest the
        # site's name, declared nowhere (Tilda's div.t-title, og:title "… | Районные вести")
        for src, stated in found if plausible is None else ():
            if heading := _heading_opening(tree, stated, names):
                return src, heading
        src, best = found[0][0], _without_site_name(found[0][1], names)
        if plausible is None or word_count(best) > word_count(plausible):
            return src, best
    if plausible:
        return h1_source, plausible
    # the <head>'s <title> (text_content skips <title> as it does <script>)
    page_title = next((n.text for n in tree.iter("title") if n.text and n.text.strip()), None)
    if not page_title:
        return None, None
    page_title = clean_line(page_title)
    if heading := _heading_opening(tree, page_title, names):
        return HTML, heading
    return HTML, _without_site_name(page_title, names)


def _page_title(tree: etree._Element, names: list[str]) -> list[tuple[str, str]]:
    """The ``<title>`` without the site's name, as a stated title ([] without one)."""
    text = next((n.text for n in tree.iter("title") if n.text and n.text.strip()), None)
    title = _without_site_name(clean_line(text), names) if text else ""
    return [(HTML, title)] if title_key(title) else []


def _shown_title(tree: etree._Element, found: list[tuple[str, str]]
                 ) -> tuple[str, str] | None:
    """The first stated title (source, text) that another heading of the page shows (the
    theme's headline is an ``<h2>``): one stated wrongly (a JSON-LD headline naming the
    site's front page) does not."""
    others = [spaced_text(n) for n in select_nodes(tree, "h2, h3, h4, [itemprop~=headline]")
              if n.tag != "h1"]
    return next(((src, t) for src, t in found if any(same_headline(h, t) for h in others)),
                None)


def _heading_opening(tree: etree._Element, page_title: str, names: Sequence[str] = ()
                     ) -> str | None:
    """A heading (``h2``, ``h3``, an ``itemprop="headline"`` element, or one whose class
    names a title or headline: uCoz's ``td.eTitle``) whose text opens the page's <title>
    before a separator: the headline, where the <title> adds the site's names ("Заголовок -
    Новости Гродно - Гродзенская праўда", "Заголовок - 2 Декабря 2026 - Новости - Голос
    района") that the page declares nowhere else; else one that closes it after a separator,
    the names put first ("Ивацевичский вестник » Общество » Заголовок", DataLife Engine's).

    The site's own name is one of those parts, and the header shows it too (``.site-title``,
    the logo, the link to the home page, a text that is one of ``names``): it is no headline
    when a heading of the page matches another part ("Шкловский райисполком - Заголовок"
    over ``span.site-title`` and ``<h2 itemprop="headline">``, Joomla's Protostar); an
    ``itemprop="headline"`` element goes first."""
    nodes = [(node, clean_line(spaced_text(node))) for node in select_nodes(
        tree, "h2, h3, [class*='itle'], [class*='eadline'], [itemprop~=headline]")]
    opening = []
    for node, text in nodes:
        rest = page_title[len(text):]
        if (text and word_count(text) >= 2 and page_title.startswith(text)
                and _SUFFIX_SEPARATOR.match(rest) and title_key(rest)):
            opening.append((node, text))
    found = opening + [(node, text) for node, text in nodes if _closes(page_title, text)]
    if not found:
        return None
    site = {title_key(n) for n in names}
    own = [(node, text) for node, text in found
           if not logo_heading(node) and title_key(text) not in site]
    marked = [text for node, text in own if "headline" in (node.get("itemprop") or "").split()]
    return next(iter(marked), None) or (own or found)[0][1]


def _closes(stated: str, heading: str) -> bool:
    """Whether ``heading`` (two words or more) is what ``stated`` says after a separator,
    the words before it a site's or rubric's name ("Site: Заголовок")."""
    if not heading or word_count(heading) < 2 or not stated.endswith(heading):
        return False
    head = stated[:-len(heading)]
    return bool(title_key(head)) and any(sep.end() == len(head)
                                         for sep in _PREFIX_SEPARATOR.finditer(head))


def _without_heading_prefix(stated: str, h1s: list[tuple[etree._Element, str]]) -> str:
    """``stated`` (og:title, a JSON-LD headline) without the names put before the page's
    <h1> ("Гродзенская праўда: Заголовок" over ``<h1>Заголовок</h1>``): the <h1> (no site
    name or logo) being the rest is the evidence; the names made it outweigh the <h1>."""
    return next((text for node, text in h1s if not logo_heading(node)
                 and _closes(stated, text)), stated)


# Publication-date metas besides article:published_time, read when the page has no other date
DATE_METAS = ("date", "pubdate", "publishdate", "publish-date", "publish_date", "DC.date.issued",
              "DC.date", "dc.date", "dcterms.issued", "dcterms.created", "parsely-pub-date",
              "sailthru.date", "og:published_time", "published_time")


# The update time's metas: OpenGraph's article's, and its page's (``og:updated_time``, as
# WordPress SEO plugins write it)
MODIFIED_METAS = ("article:modified_time", "og:updated_time", "og:modified_time")


def _printed_update(moments: Sequence[datetime], published: datetime | None,
                    now: datetime | None, tz: ZoneInfo) -> datetime | None:
    """The first update moment the dateline prints (naive: the site's wall clock; aware in
    a zone printed beside its clock, compared in ``tz``) that can be one: none before the
    publication (a printed date of another event) or after the fetch (``now``, the site's
    wall clock)."""
    for moment in moments:
        if now is not None and dates.localise(moment, tz).replace(tzinfo=None) > now:
            continue
        if published is not None and dates.localise(moment, tz) < published:
            continue
        return moment
    return None


def htmldate_fallback(tree: etree._Element, url: str,
                      article: etree._Element | None = None) -> Any:
    """A date htmldate finds in markup or in the URL (/2025/09/14/…): the instant when what
    it found carries an offset (an app state's ``"publishedAt": "…T22:30:00Z"``: its day alone
    was the UTC day, read as the site's, a day early where the site is ahead of UTC), else
    its day alone. htmldate reads a URL's day first: a slug naming a day of history
    (``/news/2014/05/09/…`` of an article of 2026) dated the page over what it carries. A
    date the page carries (:func:`_own_date`) more than a day after the URL's is the page's:
    a historical slug names a day before the publication. An earlier one is not (htmldate
    takes the oldest date it finds, a related link's): a page whose URL carries the day of
    its update is dated by that day, a trade-off. The URL's day stands where the page
    carries none. When the article is found, only its own date is read: a header's "today",
    a footer's calendar or copyright date, a sidebar's are the template's."""
    in_url = _htmldate(_BLANK_PAGE, url) if url else None
    if article is None:
        return _htmldate_not_updated(tree, url) if in_url is None else in_url
    own = _own_date(tree, article)
    if in_url is None:  # (a date of the header, footer or a sidebar, the template's: none)
        return own
    if own is not None and own.date() - in_url.date() > URL_DAY_SLACK:
        return own  # (an older one is a related link's or a quoted event's, not the page's)
    return in_url


def _own_date(tree: etree._Element, article: etree._Element) -> datetime | None:
    """The date htmldate finds in the head and ``article``, else in the block just around it
    (:func:`_around`): a "post-date" row printed above the post or an "entry-footer" below
    it is the post's. The header, footer and sidebars beyond are the template's."""
    own = _htmldate(_head_and(tree, [article]), "")
    if own is not None:
        return own
    around = _around(article)
    return _htmldate(_head_and(tree, around), "") if around != [article] else None


# Text a block around the article holds besides it: a date row, an entry footer. More is a
# column of other news, a thread, or the page's template around it.
AROUND_CHARS = 300
_PAGE_CHROME_TAGS = frozenset({"header", "nav", "footer"})
_PAGE_CHROME_ROLES = frozenset({"banner", "navigation", "contentinfo"})


def _around(article: etree._Element) -> list[etree._Element]:
    """The block just around ``article``: its parent when that holds little besides it and
    none of the page's header, navigation or footer; else the article with the short
    elements beside it that are none of those. A parent wrapping the whole page (``<body>``,
    a ``div#page``) dated the article by the header's "today" or the footer's copyright."""
    parent = article.getparent()
    if parent is None or parent.tag == "html":
        return [article]
    if parent.tag != "body" and not _holds_page_chrome(parent, article) \
            and _text_beside(parent, article) <= AROUND_CHARS:
        return [parent]
    beside = [node for node in (article.getprevious(), article.getnext())
              if node is not None and isinstance(node.tag, str)
              and not _holds_page_chrome(node, article)
              and len(text_content(node).strip()) <= AROUND_CHARS]
    return [article, *beside]


# A post's own header or footer, by the names themes give it (WordPress' "entry-footer",
# "entry-header", "post-footer", "article-meta"): the post's date row, no page template's.
_POST_PART = re.compile(r"^(?:entry|post|article)[-_]?(?:header|footer|meta)$", re.IGNORECASE)


def _page_chrome(node: etree._Element) -> bool:
    """Whether ``node`` is the page's header, navigation or footer. A post's own header or
    footer (:data:`_POST_PART`) is not: its date was hidden as the template's."""
    if any(_POST_PART.match(token) for token in (node.get("class") or "").split()):
        return False
    return node.tag in _PAGE_CHROME_TAGS or (node.get("role") or "").strip() in _PAGE_CHROME_ROLES


def _holds_page_chrome(block: etree._Element, article: etree._Element) -> bool:
    """Whether ``block`` is or holds a header, navigation or footer outside ``article`` (the
    article's own ``<header>`` and ``<footer>`` are its)."""
    inside = set(article.iter())
    return any(_page_chrome(node) for node in block.iter(etree.Element) if node not in inside)


def _text_beside(block: etree._Element, article: etree._Element) -> int:
    """How much text ``block`` holds outside ``article``."""
    return len(text_content(block).strip()) - len(text_content(article).strip())


URL_DAY_SLACK = timedelta(days=1)  # a URL's day and the page's date of one publication
_BLANK_PAGE = "<html><body></body></html>"


def _head_and(tree: etree._Element, nodes: list[etree._Element]) -> etree._Element:
    """A page of ``tree``'s head (its metas and JSON-LD), copies of ``nodes`` and the
    scripts of the body outside them (an app state's ``publishedAt``: the page's data)."""
    page = tree.makeelement("html")  # of the tree's class: htmldate reads lxml.html trees
    head = tree.find("head")
    if head is not None:
        page.append(deepcopy(head))
    body = page.makeelement("body")
    for node in nodes:
        body.append(_without_widgets(deepcopy(node)))
    inside = {script for node in nodes for script in node.iter("script")}
    for script in tree.iter("script"):
        if script not in inside and (head is None or head not in script.iterancestors()):
            body.append(deepcopy(script))
    page.append(body)
    return _without_modified(page)


# JSON-LD's update keys (htmldate reads ``dateModified``; CMSs write the others too)
_LD_MODIFIED = re.compile(
    r'"(?:dateModified|dateUpdated|updatedAt|modifiedAt)"\s*:\s*"([^"]*)"\s*,?')
# The elements that may state a date for machines: metas, microdata, <time>, JSON-LD
# (scripts of any type: htmldate reads the ISO times of an app state or __NEXT_DATA__ too)
_MACHINE_DATES = etree.XPath(".//meta | .//*[@itemprop] | .//time | .//script")
# names of an update htmldate does not list but reads all the same (its last look takes any
# ISO time of the page): ``article:updated_time``, ``last-updated``, ``dateUpdated``
_UPDATE_NAME = re.compile(r"modif|updat|lastmod|last-mod", re.IGNORECASE)
_STAMP_TAGS = frozenset({"meta", "time", "span", "abbr"})


@cache
def _htmldate_update_names() -> dict[str, frozenset[str]]:
    """The names htmldate, asked for the original date, reads as the update time (and
    keeps as its "reserve" when it finds nothing else), by attribute, from its own sets: a
    name it also reads as the original date (``release_date``) is not among them. A
    ``copyrightYear`` is its reserve too: a year alone, no publication date."""
    from htmldate import core  # imported lazily: only pages without any dated markup need it

    original = _original_names()
    return {
        "name": frozenset(n.lower() for n in core.NAME_MODIFIED) - original,
        "property": frozenset(n.lower() for n in core.PROPERTY_MODIFIED) - original,
        "itemprop": frozenset(n.lower() for n in core.ITEMPROP_ATTRS_MODIFIED)
        | {"copyrightyear"},
        "http-equiv": frozenset({"last-modified"}),
    }


@cache
def _original_names() -> frozenset[str]:
    """The names htmldate reads as the original date (an update-like name among them, such
    as ``release_date``, is no update)."""
    from htmldate import core

    return frozenset(name.lower() for name in core.DATE_ATTRIBUTES)


def _update_sources(page: etree._Element) -> list[tuple[etree._Element, str]]:
    """The elements of ``page`` that state its update time (or a copyright year) for
    machines, each with the value it states: htmldate's update metas and microdata, a
    <time> marked or labelled as the update, a JSON-LD block with an update key."""
    found: list[tuple[etree._Element, str]] = []
    for el in _MACHINE_DATES(page):
        if el.tag == "script":
            found += [(el, value) for value in _LD_MODIFIED.findall(el.text or "")]
        elif _named_update(el, _htmldate_update_names()) \
                and (el.tag in _STAMP_TAGS or not len(el)):
            found.append((el, el.get("datetime") or el.get("content") or text_content(el)))
        elif el.tag == "time" and modified_stamp(el):
            found.append((el, el.get("datetime") or ""))
    return found


def _named_update(el: etree._Element, names: dict[str, frozenset[str]]) -> bool:
    """Whether an attribute of ``el`` names an update time among ``names`` (by attribute),
    or by its words (:data:`_UPDATE_NAME`) and is no original date's name."""
    return any((value := (el.get(attribute) or "").strip().lower()) in names[attribute]
               or (_UPDATE_NAME.search(value) and value not in _original_names())
               for attribute in names)


def _update_metas(tree: etree._Element) -> list[str]:
    """The values of the page's other update metas, those htmldate hides from its published
    date (``lastdate``, ``bt:moddate``, ``revision_date``, ``last-updated``): the page's
    modified time when none of :data:`MODIFIED_METAS` states it. Only a name or property
    counts (a server's ``http-equiv`` Last-Modified is its clock, a copyright year no date)."""
    names = _htmldate_update_names()
    by_name = {"name": names["name"], "property": names["property"]}
    return [content for el in tree.iter("meta")
            if (content := (el.get("content") or "").strip()) and _named_update(el, by_name)]


def _could_be_update(found: datetime, sources: list[tuple[etree._Element, str]]) -> bool:
    """Whether htmldate's ``found`` may have come from one of the update ``sources``: it
    names the same day as one, or the first day of a copyright year."""
    for _el, value in sources:
        value = value.strip()
        if re.fullmatch(r"\d{4}", value):
            if (found.year, found.month, found.day) == (int(value), 1, 1):
                return True
        elif (moment := dates.parse_any(value)) is not None and moment.date() == found.date():
            return True
    return False


def _without_modified(page: etree._Element) -> etree._Element:
    """``page`` (a copy) without the update times it states for machines
    (:func:`_update_sources`, hidden for good: :func:`_hide`). htmldate, asked for the
    original date, falls back on the update time when the page states no other, and a page
    dated only by its update was given it as published."""
    _hide(_update_sources(page))
    return page


def _htmldate_not_updated(tree: etree._Element, url: str) -> datetime | None:
    """htmldate's date of the whole ``tree``, none of its update times: it is asked again,
    with them hidden, only when its answer may be one of them."""
    found = _htmldate(tree, url)
    if found is None or not _could_be_update(found, sources := _update_sources(tree)):
        return found
    with _hidden(sources):
        return _htmldate(tree, url)


Undo = Callable[[], None]


def _hide(sources: list[tuple[etree._Element, str]]) -> Undo:
    """Hide the update ``sources`` in their page, and how to show them again: each element
    swapped for an empty stand-in (keeping the text after it), JSON-LD without its update
    keys."""
    swapped: list[tuple[etree._Element, etree._Element]] = []
    scripts: dict[etree._Element, str | None] = {}
    for el, _value in sources:
        if el.tag == "script":
            if el not in scripts:
                scripts[el] = el.text
                el.text = _LD_MODIFIED.sub("", el.text or "")
        elif (parent := el.getparent()) is not None:
            stand_in = el.makeelement("span")
            stand_in.tail = el.tail
            parent.replace(el, stand_in)
            swapped.append((stand_in, el))

    def undo() -> None:
        for stand_in, el in reversed(swapped):
            stand_in.getparent().replace(stand_in, el)
        for script, text in scripts.items():
            script.text = text
    return undo


@contextmanager
def _hidden(sources: list[tuple[etree._Element, str]]) -> Iterator[None]:
    """The page without its update ``sources`` while the block runs (:func:`_hide`), then as
    it was. No copy of the page (tens of milliseconds on a large one; htmldate copies what it
    prunes itself)."""
    undo = _hide(sources)
    try:
        yield
    finally:
        undo()


def _without_widgets(node: etree._Element) -> etree._Element:
    """``node`` without the related-posts lists, sidebars and comments inside it: their
    dates are other posts', and htmldate took the oldest of them for the post's (an entry
    footer's "related posts" list), or a comment's for a page with none. Only a block goes
    (:func:`chrome`, not inline): a span or link named with one of those words
    ("posted-on no-comments", "comments-link") sits in the post's own date line, and the
    text after a removed element stays."""
    for inner in [el for el in node.iterdescendants(etree.Element)
                  if el.tag not in _INLINE_TAGS and chrome(el)]:
        if inner.getparent() is not None:
            _drop_keeping_tail(inner)
    return _without_sums(node)


def _without_sums(node: etree._Element) -> etree._Element:
    """``node`` (a copy) without the numbers marked as a price or count and the sums its text
    writes as a date ("Цена: 12.05.20 руб.", :func:`dates.without_sums`): htmldate read them
    as the post's day."""
    for el in [el for el in node.iter(etree.Element) if el is not node and marked_number(el)]:
        if el.getparent() is not None:
            _drop_keeping_tail(el)
    for el in node.iter(etree.Element):
        if el.text:
            el.text = dates.without_sums(el.text)
        if el.tail:
            el.tail = dates.without_sums(el.tail)
    return node


_INLINE_TAGS = frozenset({"a", "span", "time", "small", "em", "strong", "b", "i", "abbr"})


def _drop_keeping_tail(el: etree._Element) -> None:
    """Remove ``el`` and its text, not the text after it (its tail: its parent's)."""
    parent, tail = el.getparent(), el.tail or ""
    if tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _htmldate(tree: etree._Element | str, url: str) -> datetime | None:
    """htmldate's date of ``tree`` (and ``url``: "" reads no URL, not even the canonical),
    as :func:`htmldate_fallback` gives it."""
    import htmldate  # imported lazily: only pages without any dated markup need it

    try:
        found = htmldate.find_date(tree, original_date=True, extensive_search=False, url=url,
                                   outputformat="%Y-%m-%dT%H:%M:%S%z")
    except (ValueError, TypeError, RecursionError):
        return None
    moment = dates.parse_iso(found) if found else None
    if moment is not None and moment.tzinfo is None:
        return datetime(moment.year, moment.month, moment.day)
    return moment


def url_moment(url: str) -> datetime | None:
    """The start of the day the URL carries in a form htmldate does not read (``/20250904/``,
    ``?date=04.09.2025``): the page's date when nothing in its markup gives one."""
    day = dates.day_in_url(url) if url else None
    return datetime(day.year, day.month, day.day) if day else None


def _rule(tree: etree._Element, specs: tuple[str, ...] | None) -> tuple[str | None, list[str]]:
    spec, values = first_match(tree, specs) if specs else (None, [])
    return (rule_source(spec) if spec else None), values


def rule_headline(tree: etree._Element, specs: tuple[str, ...], names: list[str],
                  stated: Sequence[tuple[str, str]] = ()) -> tuple[str | None, str | None]:
    """The first value a title rule finds that is no site name or logo heading, and its
    source; of several, the first that agrees with a ``stated`` title (JSON-LD, og:title). A
    redesign that moves the headline out of the ``<h1>`` and puts the logo there leaves the
    rule matching the site's name: that is a miss, not the article's title; one that puts a
    rubric's ``<h1>`` before the headline's left the rule reading the rubric. A label set
    inside the headline element ("<h1><span class="kicker">Эксклюзив</span> Заголовок</h1>")
    is left out, as ``headline_text`` does on a page no rule knows: a redesign that added one
    put it in every title, the rule still matching."""
    site = {title_key(n) for n in names}
    texts = [t for _s, t in stated]
    first: tuple[str | None, str | None] = (None, None)
    for spec in specs:
        for node, value in select_pairs(tree, spec, lambda n: headline_text(n, texts)):
            if title_key(value) and title_key(value) not in site and not (
                    node.tag in ("h1", "h2") and logo_heading(node)):
                if not stated or any(same_headline(value, t) for _s, t in stated):
                    return rule_source(spec), value
                first = first if first[1] else (rule_source(spec), value)
    return first


def extract_metadata(tree: etree._Element, outlet: Outlet | None, url: str = "",
                     rules: ArticleRules | None = None,
                     provenance: Provenance | None = None,
                     fetched: datetime | None = None,
                     template: Collection[datetime] = ()) -> Metadata:
    """``rules``: the outlet's layout version to apply (default: its current one).
    ``provenance`` (when given) records where each field came from and which rules missed.
    ``fetched``: when the page was fetched (aware), the day a printed "Сегодня" names.
    ``template``: machine dates the site's template writes into every page (the run found
    them on several pages printing other dates): no evidence of publication, the printed
    date is taken."""
    rules = rules or (outlet.rules if outlet else None)
    prov = provenance if provenance is not None else Provenance()
    objects = json_ld_objects(tree)  # parsed once: the article's object and the site's names
    ld = _article_ld(objects, tree, url)
    meta = Metadata()

    headline = ld.get("headline") if isinstance(ld.get("headline"), str) else None
    og_title = next(iter(_meta(tree, "og:title", "twitter:title")), None)
    if _generic_title_rule(outlet, rules):
        src, title = generic_title(tree, [(JSON_LD, headline), (OPENGRAPH, og_title)],
                                   site_names(tree, objects, ld, outlet, url),
                                   rule_source("h1") if rules else HTML)
    else:
        names = site_names(tree, objects, ld, outlet, url)
        stated = [(s, clean_line(t)) for s, t in ((JSON_LD, headline), (OPENGRAPH, og_title))
                  if t and clean_line(t)]
        shown = [*stated, *_page_title(tree, names)]  # the tab's title picks among headings
        src, title = rule_headline(tree, rules.title, names, shown)
        if title and not any(same_headline(title, t) for _s, t in stated) \
                and _shown_title(tree, stated):
            title = None  # the rule reads a rubric in the <h1>; the page shows its title else
        if not title:  # the rule missed: the title as for a page no rule knows, the stated
            # ones checked against the page's headings, then its <h1> (no logo) or <title>
            src, title = generic_title(tree, stated, names, HTML)
    meta.title = clean_line(title) if title else None
    prov.record(rules, "title", src if meta.title else None)
    src, subtitles = _rule(tree, rules.subtitle if rules else None)
    meta.subtitle = clean_line(subtitles[0]) or None if subtitles else None
    prov.record(rules, "subtitle", src if meta.subtitle else None, expected=False)

    tz = outlet.tz if outlet else None
    # (no outlet: the UTC clock, which bounds the dates kept, those with an offset only)
    now = fetched.astimezone(tz or UTC).replace(tzinfo=None) if fetched and fetched.tzinfo \
        else None
    page = ArticleDates(tree, meta.title, now)
    article_time, first_time = page.time_stamps()
    structured = (_labelled(JSON_LD, [v for v in (ld.get("datePublished"),)
                                      if isinstance(v, str)])
                  + _labelled(META, _meta(tree, "article:published_time"))
                  + _labelled(MICRODATA, microdata(page, "datePublished")))
    unix = page.unix_stamp(fetched if fetched and fetched.tzinfo else datetime.now(UTC), tz or UTC)
    machine = structured + _labelled(HTML, [t for t in (article_time, unix) if t])
    meta.machine_date = _date(machine, now)[0]
    structured = [(s, raw) for s, raw in structured  # no evidence: none to agree with
                  if not _in_template(dates.parse_any(raw, now), template)]
    published, src = _date(_agreeing(_rule_dates(page, rules.published if rules else (), True),
                                     structured, now) + machine, now, template)
    machine_found = published is not None
    visible, visible_src = _date(_rule_dates(page, rules.published_visible, True), now) if rules \
        else (None, None)
    stray_visible = visible is not None and _stray_printed_date(published, visible, page, tz)
    if stray_visible:  # the rule read another day than the one printed near the headline
        visible, visible_src = page.visible(), VISIBLE
    if published is None and visible is None and tz is not None:
        # no machine-readable date of the article: the one printed with it; on a page no
        # rule knows, not one days after the fetch (an event the page announces, a year's
        # typo). An outlet's printed date stands: its age counts from the first capture
        visible = page.visible()
        if rules is None or are_generic(rules):
            visible = dates.publication_date(visible, now)
        src = VISIBLE if visible else None
    elif published is not None and published.tzinfo is None and visible is None \
            and tz is not None and dates.utc_without_offset(published, page.visible(), tz):
        published = published.replace(tzinfo=UTC)  # the page prints it in the outlet's zone
    elif published is not None and visible is None and tz is not None \
            and _may_be_mislabelled(published, rules):
        # the outlet's printed date moved (its rule missed, said below), or a page no rule
        # reads the printed date of: the one printed with the article tells a machine date
        # that is its wall clock mislabelled (the same clock, another instant)
        shown = page.visible()
        visible = shown if shown and dates.labelled_wall_clock(published, shown, tz) else None
    if published is None and visible is None and first_time:
        # a <time> outside the article (a sidebar's, a header's) only when nothing better exists
        published, src = _date(_labelled(HTML, [first_time]), now, template)
    if published is None and visible is None and tz is not None:
        # the page's other date metas, with their time (htmldate reads them to the day, and
        # not in every form: "Mon, 05 Jan 2026 21:00:00 GMT+3" left the article undated)
        published, src = _date(_labelled(META, _meta(tree, *DATE_METAS)), now, template)
        if published is None:
            in_url = dates.publication_date(url_moment(url), now)  # (an event's day: none)
            guess = dates.publication_date(htmldate_fallback(tree, url, page.container),
                                           now)
            if guess is not None and guess.date() in page.update_days \
                    and (in_url is None or guess.date() != in_url.date()):
                guess = None  # the day the article says it was updated, not its URL's
            published = guess or in_url
            src = HTMLDATE if published else None
    modified, modified_src = _date(_rule_dates(page, rules.modified if rules else ())
                                   + _labelled(JSON_LD, [v for v in (ld.get("dateModified"),)
                                                         if isinstance(v, str)])
                                   + _labelled(JSON_LD, _page_ld_modified(objects, tree, url))
                                   + _labelled(META, _meta(tree, *MODIFIED_METAS))
                                   + _labelled(MICRODATA, microdata(page, "dateModified")),
                                   now)
    if modified is None:  # the update names htmldate hides, outside the common few
        modified, modified_src = _date(_labelled(META, _update_metas(tree)), now)
    if modified is None and tz is not None:  # "Обновлено: …" alone
        modified = _printed_update(page.update_moments, dates.reconcile(published, visible, tz),
                                   now, tz)
        modified_src = VISIBLE if modified else None
    if meta.machine_date is not None and tz is not None:
        meta.printed_date = page.visible()
    if tz is not None:
        meta.published = dates.iso(dates.reconcile(published, visible, tz))
        meta.modified = dates.iso(dates.localise(modified, tz)) if modified else None
    else:  # no outlet: keep only dates that carry their own offset
        meta.published = dates.iso(published) if published and published.tzinfo else None
        meta.modified = dates.iso(modified) if modified and modified.tzinfo else None
    meta.modified = _not_before(meta.modified, meta.published, modified,
                                published if published is not None else visible)
    if not (src or "").startswith(RULE_PREFIX) and visible_src:
        src = visible_src  # the rules found the visible date, the machine one came elsewhere
    prov.record(rules, "published", src if meta.published else None)
    if rules and rules.machine_date and not machine_found and meta.published:
        # the outlet's pages carry a machine date: a page dated by its printed day alone
        # (midnight, when it prints no time) is its markup changed, a miss as any rule's
        prov.misses["published"] = rules.published or configured(rules, "published")
    if rules and rules.published_visible and published is not None \
            and not published.utcoffset() and (src or "").startswith(RULE_PREFIX) \
            and (visible_src is None or (rules.visible_time and visible is not None
                                         and dates.day_only(visible))):
        # a machine date in UTC (or none) is the outlet's wall clock mislabelled or not, as
        # only its printed date tells (BELTA's is): that check lost is a miss of its own, and
        # so is a printed date that lost the time it carries ("08 января 2026"): the day only
        prov.misses[VISIBLE_DATE] = rules.published_visible
    if rules and stray_visible:
        prov.misses[VISIBLE_DATE] = rules.published_visible
    prov.record(rules, "modified", modified_src if meta.modified else None, expected=False)

    src, rule_authors = _rule(tree, rules.authors if rules else None)
    src, authors = _first((src, rule_authors), (JSON_LD, _ld_names(ld.get("author"))),
                          (MICRODATA, microdata_authors(page)),
                          (META, _meta(tree, "author", "article:author")))
    if not authors and not (rules and rules.authors):
        # no rule to miss: a page declaring no author may print its byline in markup
        src, authors = HTML, markup_authors(tree)
    meta.site_names = no_author_names(tree, objects, ld, outlet, url)
    named = [a for a in _clean_list(authors or []) if not a.startswith(("http://", "https://"))]
    meta.authors = [a for a in named if not is_no_person(a, meta.site_names)]
    meta.bylines = named
    if not meta.authors and rules and rules.default_authors:
        meta.authors, src = list(rules.default_authors), DEFAULT
    # a rule that read the site's name or a desk matched all the same: no miss of it
    prov.record(rules, "authors", src if meta.authors or named else None,
                expected=not (rules and rules.default_authors))

    src, sections = _rule(tree, rules.section if rules else None)
    ld_section = ld.get("articleSection") if isinstance(ld.get("articleSection"), str) else None
    src, section = _first((src, next(iter(sections), None)), (JSON_LD, ld_section),
                          (META, next(iter(_meta(tree, "article:section")), None)))
    meta.section = clean_line(section) or None if section else None
    prov.record(rules, "section", src if meta.section else None, expected=False)

    src, tags = _rule(tree, rules.tags if rules else None)
    src, tags = _first((src, tags), (META, _meta(tree, "article:tag")))
    meta.tags = _clean_list(tags or [])
    prov.record(rules, "tags", src if meta.tags else None, expected=False)
    return meta

"""Hand-made pages showing each rule of the generic body extractor."""

from __future__ import annotations

import logging

import lxml.html
import pytest

from crawler.extraction import generic
from crawler.extraction.generic import GAP_MAX_SEARCHES, generic_paragraphs, generic_text
from crawler.extraction.html import parse_html
from crawler.extraction.normalize import join_paragraphs

PROSE = (
    "The city council voted on Tuesday to expand the tram network, a decision that, "
    "according to officials, will cost about forty million euros over five years."
)
PROSE2 = (
    "Residents, who had campaigned for the extension since 2015, welcomed the vote, "
    "although several shop owners said the works would hurt their business for months."
)
PROSE3 = (
    "Construction is expected to start next spring, and the first new line, running "
    "from the station to the university, should open to passengers in late 2027."
)


def _page(article: str, extra: str = "") -> str:
    menu = "".join(f'<li><a href="/s{i}">Section {i}</a></li>' for i in range(12))
    teasers = "".join(
        f'<li><a href="/n{i}">Other headline number {i} about something else</a></li>'
        for i in range(8)
    )
    return (
        "<html><head><title>t</title></head><body>"
        f'<div class="top"><ul class="menu">{menu}</ul></div>'
        f'<div class="content"><article>{article}</article>'
        f'<div class="more"><h3>Read also</h3><ul>{teasers}</ul></div></div>'
        f"{extra}<div class='copy'>© 2024 Example Media</div></body></html>"
    )


def _paragraphs(html: str) -> list[str]:
    return generic_paragraphs(lxml.html.document_fromstring(html), "https://example.com/a")


def test_body_kept_and_menu_and_teasers_dropped() -> None:
    paras = _paragraphs(_page(f"<p>{PROSE}</p><p>{PROSE2}</p><p>{PROSE3}</p>"))
    assert paras[:3] == [PROSE, PROSE2, PROSE3]
    joined = " ".join(paras)
    assert "Section 3" not in joined
    assert "Other headline number" not in joined


def test_caption_dropped() -> None:
    figure = (
        '<figure><img src="/x.jpg"><figcaption>Photo: John Smith / Agency</figcaption></figure>'
    )
    paras = _paragraphs(_page(f"<p>{PROSE}</p>{figure}<p>{PROSE2}</p><p>{PROSE3}</p>"))
    assert PROSE2 in paras
    assert not any("John Smith" in p for p in paras)


def test_list_items_and_quote_kept() -> None:
    items = "<ul><li>First, the fares will stay the same for a year.</li>" \
            "<li>Second, night trams will run at weekends.</li></ul>"
    quote = "<blockquote>We have waited for this moment for a very long time, honestly.</blockquote>"
    paras = _paragraphs(_page(f"<p>{PROSE}</p>{items}<p>{PROSE2}</p>{quote}<p>{PROSE3}</p>"))
    assert "First, the fares will stay the same for a year." in paras
    assert "Second, night trams will run at weekends." in paras
    assert "We have waited for this moment for a very long time, honestly." in paras
    assert paras.index(PROSE) < paras.index(PROSE2) < paras.index(PROSE3)


def test_date_and_counter_lines_dropped() -> None:
    paras = _paragraphs(_page(f"<p>12:45 05.01.2012</p><p>{PROSE}</p><p>Comments: 3</p>"
                              f"<p>{PROSE2}</p><p>{PROSE3}</p>"))
    assert PROSE in paras
    assert "Comments: 3" not in paras
    assert "12:45 05.01.2012" not in paras


_TOPICS = ("the depot", "the fares", "the timetable", "the stops", "the trams", "the works",
           "the budget")


def _flow_page(sections: int, learn_more_in: int) -> str:
    """An article cut into class-less sections, one wrapper each, in one parent; section
    ``learn_more_in`` ends with a "Learn more" link block (removed by ``link_blocks``)."""
    learn = '<div class="cta"><a href="/more">Learn more about the plan</a></div>'
    parts = "".join(
        f"<div><div><h2>Part {i}</h2><p>Section {i} is about {_TOPICS[i]}: the council said, "
        f"after a long debate, that {_TOPICS[i]} will change next year, and that residents, "
        f"shop owners and drivers will be asked for their views first.</p>"
        f"{learn if i == learn_more_in else ''}</div></div>" for i in range(sections))
    return ("<html><head><title>t</title></head><body><article><div class='flow'><div><div>"
            f"<h2>Overview</h2><p>{PROSE}</p><p>{PROSE2}</p><p>{PROSE3}</p></div></div>{parts}"
            "</div></article></body></html>")


def test_a_section_of_the_articles_flow_with_a_removed_button_is_kept(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``section_siblings``: a section whose "Learn more" button went as a link block is no
    quiet sibling (the mark), but where six or more blocks of its parent are the article already
    it is one of them (nccih.nih.gov, thesocialshepherd.com on wcxb dev)."""
    html = _flow_page(7, learn_more_in=3)
    paras = _paragraphs(html)
    assert "Part 3" in paras and any(p.startswith("Section 3 is about") for p in paras)
    assert len(paras) == 4 + 2 * 7 and not any("Learn more" in p for p in paras)
    off = _with_steps_off(html, {"section_siblings"}, monkeypatch)
    assert "Part 3" not in off and len(off) == 4 + 2 * 6


def test_a_marked_block_beside_a_short_flow_stays_out() -> None:
    """Fewer than SECTION_MIN of the parent's blocks are the article: the mark still rules."""
    paras = _paragraphs(_flow_page(4, learn_more_in=3))
    assert "Part 3" not in paras and "Part 2" in paras


def test_values_of_a_spec_list_inside_the_body_are_no_stamps(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``meta_lines``: a line with one value (a rating, a price, an amount) between two
    paragraphs is the body's data (wcxb dev: "Sound 8.5", "Price: 49,95", "15,000",
    "4.6/5"); dates, times, counters, a bare step number and a stamp above the text still go."""
    values = ["Sound 8.5", "Fit 9", "Price: 49,95", "15,000", "4.6/5"]
    stamps = ["12:45 05.01.2012", "Comments: 3", "2", "Jun 9", "2011"]
    html = _page(f"<p>05.01.2012</p><p>{PROSE}</p><h3>Ratings</h3><ul>"
                 + "".join(f"<li>{v}</li>" for v in values) + f"</ul><p>{PROSE2}</p>"
                 + "".join(f"<p>{s}</p>" for s in stamps) + f"<p>{PROSE3}</p>")
    assert _paragraphs(html) == [PROSE, "Ratings", *values, PROSE2, PROSE3]
    # the step off keeps every line, stamps included
    assert "Comments: 3" in _with_steps_off(html, {"meta_lines"}, monkeypatch)


@pytest.mark.parametrize("header", [
    "<thead><tr><th>Year</th><th>2025</th><th>2026</th></tr></thead>",
    "<tr><td><b>Year</b></td><td><b>2025</b></td><td><b>2026</b></td></tr>",
])
def test_a_grids_row_of_years_or_dates_is_data(header: str) -> None:
    """``meta_lines``: a row of a data table whose cells are years or dates (its header, a
    timetable's row) is no stamp: without it the numbers lost their columns."""
    table = (f"<table>{header}<tr><td>Length, m</td><td>320</td><td>340</td></tr>"
             "<tr><td>05.01.2026</td><td>10:00</td><td>12:30</td></tr></table>")
    paras = _paragraphs(_page(f"<p>{PROSE}</p>{table}<p>{PROSE2}</p><p>{PROSE3}</p>"))
    assert paras == [PROSE, "Year 2025 2026", "Length, m 320 340", "05.01.2026 10:00 12:30",
                     PROSE2, PROSE3]


@pytest.mark.parametrize("line", ["Sound 8.5", "Price: 49,95", "15,000", "89.51", "4.6/5",
                                  "Weight 5.2", "Krok 1"])
def test_a_data_value_is_told_from_a_stamp(line: str) -> None:
    assert generic.is_meta_line(line) and generic._data_value(line)


@pytest.mark.parametrize("line", ["12.01.2012", "12:30", "01/19", "Ноябрь 2011", "2011",
                                  "Comments: 3", "Просмотров: 57", "1 2 3 4", "Jun 9", "2",
                                  "Rainer555"])
def test_a_stamp_counter_or_bare_number_is_no_data_value(line: str) -> None:
    assert not generic._data_value(line)


@pytest.mark.parametrize("stamp", ["01.12.2026, 10:00", "01.12.2026 | 10:00"])
def test_a_date_line_with_a_comma_or_bar_before_its_time_is_dropped(stamp: str) -> None:
    paras = _paragraphs(_page(f"<p>{stamp}</p><p>{PROSE}</p><p>{PROSE2}</p><p>{PROSE3}</p>"))
    assert paras[0] == PROSE and stamp not in paras


def test_caller_tree_not_mutated() -> None:
    tree = lxml.html.document_fromstring(_page(f"<p>{PROSE}</p><p>{PROSE2}</p><p>{PROSE3}</p>"))
    before = lxml.html.tostring(tree)
    generic_paragraphs(tree, "https://example.com/a")
    assert lxml.html.tostring(tree) == before


def test_short_body_without_paragraph_markup() -> None:
    # a bare <div> of text with <br> breaks, as on many old Russian news sites
    body = (
        "<div>Минздрав сообщил, что эпидемия гриппа в регионе пошла на спад, "
        "а число заболевших за неделю сократилось почти вдвое.<br><br>"
        "По словам врачей, школы откроются в понедельник, однако ограничения "
        "на посещение больниц пока сохранятся.</div>"
    )
    text = generic_text(f"<html><body>{body}</body></html>", "http://example.ru/")
    assert "эпидемия гриппа" in text
    assert "школы откроются" in text


def test_empty_and_garbage_input() -> None:
    assert generic_text("", "") == ""
    assert generic_text("   ", "") == ""
    garbage = generic_text("\x00\x01 not html at all <<<>>>", "")
    assert garbage == "" or "not html at all" in garbage
    assert generic_paragraphs(lxml.html.document_fromstring("<html></html>"), "") == []


def test_xhtml_page_with_an_xml_declaration_is_read() -> None:
    # XHTML served with '<?xml version="1.0" encoding="utf-8"?>' first: generic_text got
    # nothing from it (lxml refuses a decoded string that declares an encoding), while the
    # crawl, which parses bytes, read it; now both parse the same way
    html = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC '
            '"-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head><body>'
            f"<div><p>{PROSE}</p><p>{PROSE2}</p><p>Grüße, naïve café.</p></div></body></html>")
    text = generic_text(html, "https://example.de/a")
    assert PROSE in text and PROSE2 in text
    assert "Grüße, naïve café." in text


def test_body_found_when_trafilatura_finds_nothing() -> None:
    # the whole page sits in a wrapper named "footer": trafilatura drops it all
    import trafilatura

    html = (f'<html><body><div class="footer-wrap">{PROSE}<br>{PROSE2}<br>{PROSE3}'
            "</div></body></html>")
    assert not trafilatura.extract(html)
    assert _paragraphs(html) == [PROSE, PROSE2, PROSE3]


def test_deeply_nested_page_does_not_crash() -> None:
    html = "<html><body>" + "<div>" * 10_000 + PROSE + "</div>" * 10_000 + "</body></html>"
    result = generic_text(html, "https://example.com/deep")
    assert isinstance(result, str)  # libxml2 stops at depth 256, so the text may be lost


def test_moderately_nested_page_keeps_text() -> None:
    html = "<html><body>" + "<div>" * 200 + f"<p>{PROSE}</p><p>{PROSE2}</p>" + "</div>" * 200
    assert PROSE in generic_text(html + "</body></html>", "https://example.com/deep")


_SECTIONS = [
    "The first section explains, at length and with several commas, why the council met, "
    "who attended the meeting, and what the members had been asked to decide that evening.",
    "The second section describes, in similar detail, how the vote went, which members "
    "objected, and why the mayor, after a long debate, finally supported the proposal.",
    "The third section covers, once more in full sentences, what happens next, when the "
    "works begin, and how residents, shop owners and commuters will be kept informed.",
]


def _builder_page(teaser: str) -> str:
    """A page-builder layout: every section of the article is its own deep block."""
    blocks = "".join(
        f'<div class="sqs-block text-block"><div class="inner"><div class="html-content">'
        f"<p>{text} {text}</p><p>{PROSE if i == 0 else PROSE2}</p></div></div></div>"
        for i, text in enumerate(_SECTIONS)
    )
    return (
        "<html><head><title>t</title></head><body><main><div class='layout'>"
        f"{blocks}<div class='feed-block latest'><p>{teaser}</p></div></div></main></body></html>"
    )


def test_article_split_into_template_blocks_keeps_every_block() -> None:
    teaser = ("Elsewhere today, in an unrelated story, the regional airport announced, "
              "without giving reasons, that its winter timetable would be shorter than planned.")
    text = "\n".join(_paragraphs(_builder_page(teaser)))
    for section in _SECTIONS:
        assert section in text
    assert "regional airport" not in text


def _split_page(second_block: str) -> str:
    """The article's main block and, as a cousin inside the same <article>, one more block."""
    main = "".join(f"<p>{t} {t}</p>" for t in _SECTIONS)
    return (
        "<html><head><title>t</title></head><body><article>"
        f"<div class='col-main'><div class='story-body'>{main}<p>{PROSE}</p></div></div>"
        f"<div class='col-extra'>{second_block}</div>"
        "</article></body></html>"
    )


def test_quiet_block_beside_the_article_is_kept() -> None:
    block = f"<div class='box'><p>{PROSE2}</p><p>{PROSE3}</p></div>"
    text = "\n".join(_paragraphs(_split_page(block)))
    assert PROSE2 in text and PROSE3 in text


def test_feed_that_lost_its_headline_links_is_dropped() -> None:
    items = "".join(
        f"<div class='item'><ul><li><a href='/n{i}'>Headline number {i} of the day</a></li>"
        f"<li><a href='/m{i}'>Another headline {i}</a></li></ul><p>{text}</p></div>"
        for i, text in enumerate((PROSE2, PROSE3)))
    text = "\n".join(_paragraphs(_split_page(f"<div class='box'>{items}</div>")))
    assert _SECTIONS[0] in text
    assert PROSE2 not in text and PROSE3 not in text



LEAD = ("In a late-night session, the council approved the largest transport investment "
        "in the city's history, despite protests from shop owners along the planned route.")


def _header_page(header_extra: str = "", header_class: str = "article-header") -> str:
    """A news layout: headline, lead and byline links in a header block, the body beside it."""
    headline = "Council votes to expand the tram network by 2027"
    byline = ("<ul class='byline'><li><a href='/a/1'>Jane Doe</a></li>"
              "<li><a href='/a/2'>John Roe</a></li></ul>")
    main = "".join(f"<p>{t} {t}</p>" for t in _SECTIONS)
    return (f"<html><head><title>{headline} | Example News</title></head><body><article>"
            f"<div class='{header_class}'><h1>{headline}</h1><p class='lead'>{LEAD}</p>"
            f"{byline}{header_extra}</div>"
            f"<div class='col'><div class='col-inner'>{main}<p>{PROSE}</p></div></div>"
            "</article></body></html>")


def test_lead_in_the_headline_block_beside_the_body_is_kept() -> None:
    # the lead (standfirst) sits with the headline in a header block, a sibling of the body's
    # container; the byline's links are removed there, so the block is no "quiet" sibling,
    # but holding the page's own headline is evidence that it is the article's head
    # a deck set as a subheading is no lead (article gold leaves it out), nor is a hidden note
    deck = "<h2 class='subline'>The vote ends a debate that had divided the city for a decade</h2>"
    note = "<div style='display:none'>Thank you! Your vote on this article has been counted.</div>"
    paras = _paragraphs(_header_page(header_extra=deck + note))
    assert LEAD in paras
    assert paras.index(LEAD) < paras.index(PROSE)
    assert "Council votes to expand the tram network by 2027" not in paras
    assert not any("divided the city" in p or "Thank you" in p for p in paras)


def test_headline_block_full_of_links_or_named_as_boilerplate_is_not_kept() -> None:
    teasers = "".join(f"<p><a href='/n{i}'>Other story number {i} of the day, and why it "
                      f"matters to all the readers</a> {i}</p>" for i in range(6))
    assert LEAD not in _paragraphs(_header_page(header_extra=teasers))
    assert LEAD not in _paragraphs(_header_page(header_class="teaser-related"))


def test_headline_repeated_above_the_body_is_not_body() -> None:
    headline = "Council votes to expand the tram network by 2027"
    html = _page(f"<h1>{headline}</h1><p>{PROSE}</p><p>{PROSE2}</p><p>{PROSE3}</p>")
    html = html.replace("<title>t</title>", f"<title>{headline} | Example News</title>")
    paras = _paragraphs(html)
    assert paras[:3] == [PROSE, PROSE2, PROSE3]
    assert headline not in paras


def test_a_heading_that_is_not_the_headline_stays() -> None:
    html = _page(f"<h1>Council votes on trams</h1><p>{PROSE}</p><h2>What happens next</h2>"
                 f"<p>{PROSE2}</p><p>{PROSE3}</p>")
    assert "What happens next" in _paragraphs(html)


def test_boilerplate_lines_dropped_and_sentences_about_them_kept() -> None:
    about = ("The council's newsletter, which residents can subscribe to online, will publish "
             "the timetable of the works every month until the new line opens in 2027.")
    body = (f"<p>{PROSE}</p><p>Advertisement</p><p>{PROSE2}</p><p>{about}</p><p>{PROSE3}</p>"
            "<p>Additional reporting by Jane Doe; editing by John Roe</p>"
            "<p>Sign up for our daily newsletter to get the news in your inbox.</p>"
            "<p>Copyright 2026 Example Media. All rights reserved.</p>")
    paras = _paragraphs(_page(body))
    assert paras == [PROSE, PROSE2, about, PROSE3]


def test_line_breaks_inside_a_list_item_keep_words_apart() -> None:
    items = ("<ul><li><b>Compact weight bench</b><br>Brand: Echo Strength<br>Price: $299</li>"
             "<li>Adjustable dumbbells<br>Price: $150</li></ul>")
    paras = _paragraphs(_page(f"<p>{PROSE}</p>{items}<p>{PROSE2}</p><p>{PROSE3}</p>"))
    assert "Compact weight bench Brand: Echo Strength Price: $299" in paras
    assert "Adjustable dumbbells Price: $150" in paras


def test_a_linked_phrase_inside_a_sentence_is_kept() -> None:
    linked = ('<p>The plan follows <strong><a href="/t"><span>the tram strategy</span></a>'
              "</strong> adopted in 2019, which the mayor presented as a turning point.</p>")
    paras = _paragraphs(_page(f"<p>{PROSE}</p>{linked}<p>{PROSE2}</p><p>{PROSE3}</p>"))
    assert ("The plan follows the tram strategy adopted in 2019, which the mayor presented as "
            "a turning point.") in paras


def _with_steps_off(html: str, off: set[str], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setattr(generic, "ENABLED_STEPS", frozenset(generic.PRUNING_STEPS) - off)
    return _paragraphs(html)


def test_sections_of_a_page_builder_with_numbered_classes_stay(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def section(n: int, body: str) -> str:
        return (f'<div class="et_pb_section et_pb_section_{n}"><div class="et_pb_row '
                f'et_pb_row_{n}"><div class="et_pb_text_inner">{body}</div></div></div>')

    first = "".join(f"<p>{PROSE} Part {i}, with more words, and commas, here.</p>" for i in range(4))
    # a link makes this section too link-rich for the quiet-block rescue: only its kind saves it
    second = ("<p>Second section: the mayor said <a href='/plan'>the new tram plan</a>, once "
              "approved, would go to tender.</p>")
    html = f"<html><body><div class='wrap'>{section(0, first)}{section(1, second)}</div></body></html>"
    kept = "Second section: the mayor said the new tram plan, once approved, would go to tender."
    assert kept in _paragraphs(html)
    # (``template_tail`` reads a section of the template after the text too, when trafilatura
    # leaves it out)
    assert kept not in _with_steps_off(html, {"template_siblings", "template_tail"}, monkeypatch)


def _modifier_page(second: str) -> str:
    """An article in sibling sections of one class, the second with another modifier class."""
    first = "".join(f"<p>{PROSE} Part {i}, with more words, and commas, here.</p>" for i in range(4))
    return ("<html><body><div class='wrap'>"
            f"<section class='block block--intro'>{first}</section>"
            f"<section class='block block--wide'>{second}</section></div></body></html>")


# a link makes the section too link-rich for the quiet-block rescue: only its kind saves it
LINKED = ("<p>Second section: the mayor said <a href='/plan'>the new tram plan</a>, once "
          "approved, would go to tender.</p>")
LINKED_TEXT = "Second section: the mayor said the new tram plan, once approved, would go to tender."


def test_a_section_whose_second_class_differs_is_the_article_going_on(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`row` and `row margin-bottom`, `block block--intro` and `block block--wide`: one template,
    a modifier class apart (the second section was lost when both class names had to agree)."""
    html = _modifier_page(LINKED)
    assert LINKED_TEXT in _paragraphs(html)
    assert LINKED_TEXT not in _with_steps_off(html, {"template_siblings"}, monkeypatch)


def test_a_section_a_class_apart_that_lost_a_teaser_list_stays_out() -> None:
    """A modifier apart is weaker evidence than the same classes: a section of that kind from
    which a menu or teaser list was removed is a sidebar (a columnists' box), not the article."""
    teasers = "".join(f"<li><a href='/n{i}'>Other headline number {i} about something else</a></li>"
                      for i in range(8))
    lines = "".join(f"<p>Columnist {i:02} on trams.</p>" for i in range(12))
    assert any("Columnist 00" in p for p in _paragraphs(_modifier_page(lines)))
    assert not any("Columnist" in p for p in
                   _paragraphs(_modifier_page(f"<div class='teasers'><ul>{teasers}</ul></div>{lines}")))


def _widget(serial: str, kind: str, inner: str) -> str:
    """One block of an Elementor page: every block, text or heading, is named a "widget"."""
    return (f'<div class="elementor-element elementor-element-{serial} elementor-widget '
            f'elementor-widget-{kind}"><div class="elementor-widget-container">{inner}</div></div>')


def test_headings_of_a_page_builder_that_names_every_block_a_widget_stay() -> None:
    """A boilerplate word the article's own blocks carry ("widget") tells their headings from
    nothing: the heading blocks beside the text blocks are the article's; a block of that kind
    named by a word the text blocks do not carry ("share") stays out."""
    lead = "".join(f"<p>{PROSE} Part {i}, with more words, and commas, here.</p>" for i in range(4))
    headings = ["Pro: interesting problems", "Con: long hours", "Pro: travel"]
    texts = [PROSE2, PROSE3, "Critics, however, said the money, which the council has not yet "
             "borrowed, would be better spent on buses serving the outer districts."]
    flow = "".join(_widget(f"a{i}0f3c", "heading", f"<h3>{head}</h3>")
                   + _widget(f"b{i}1e2d", "text-editor", f"<p>{text}</p>")
                   for i, (head, text) in enumerate(zip(headings, texts, strict=True)))
    share = _widget("c9d8e7", "share-buttons",
                    "<p>Share this story with your friends and colleagues on every network.</p>")
    html = ("<html><head><title>t</title></head><body><div class='page'>"
            f"{_widget('d0a1b2', 'text-editor', lead)}{flow}{share}</div></body></html>")
    paras = _paragraphs(html)
    assert paras[4:] == [headings[0], texts[0], headings[1], texts[1], headings[2], texts[2]]
    assert not any("Share this story" in p for p in paras)


def test_a_region_without_the_longest_prose_is_not_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    story = ("The regional court ruled on Monday that the city must rebuild the old bridge before "
             "the end of next year because the inspection found that the steel beams had corroded "
             "far beyond what the original design allowed and the engineers who signed the last "
             "report had not visited the site for more than four years while the traffic on the "
             "bridge had doubled since the new district was built on the other bank of the river "
             "and lorries had crossed it despite the weight limit the council set in 2009.")
    links = "".join(f'<li><a href="/n{i}">Another story number {i}</a></li>' for i in range(6))
    notes = "".join(f"<p>Reader {i} wrote: yes, well, I agree with point {i}, mostly, but the "
                    f"council, as usual, will do nothing about street {i}, again.</p>"
                    for i in range(8))
    html = (f"<html><body><article><div class='lead-block'><p>{story}</p><ul>{links}</ul></div>"
            f"<div class='reader-notes'>{notes}</div></article></body></html>")
    assert story in _paragraphs(html)
    assert story not in _with_steps_off(html, {"longest_prose"}, monkeypatch)


def test_a_short_item_under_its_headline_is_trusted_over_a_long_feed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A news item of two paragraphs on a page whose feed of teasers is six times longer."""
    headline = "Council votes to expand the tram network by 2027"
    feed = "".join(
        f"<div class='row'><div class='feed-item'>"
        f"<div class='title'><a href='/n{i}'>Story number {i} of the day</a></div>"
        f"<p>In other news number {i}, the regional assembly, after a long debate, approved "
        f"a budget for the harbour, the museum and the road to the airport, item {i}.</p>"
        "</div></div>"
        for i in range(14))
    html = (
        f'<html><head><title>{headline} - Example News</title>'
        f'<meta property="og:title" content="{headline}"></head><body>'
        f"<div class='columns'><div class='feed'>{feed}</div>"
        f"<div class='story'><h1>{headline}</h1><div class='story-text'>"
        f"<p>{PROSE}</p><p>{PROSE2}</p></div></div></div></body></html>")
    assert _paragraphs(html) == [PROSE, PROSE2]
    unanchored = _with_steps_off(html, {"headline_anchor"}, monkeypatch)
    assert PROSE in unanchored and any("other news number 3" in p for p in unanchored)


def test_blocks_named_as_furniture_are_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    """A disclaimer and an author box inside the article block are not body."""
    disclaimer = ("The information on this page is provided for general purposes only, and it "
                  "does not constitute legal, tax or financial advice of any kind.")
    bio = ("Jane Roe has covered transport and city politics for the paper since 2012, and she "
           "previously worked as a producer for regional radio.")
    html = _page(f"<p>{PROSE}</p><p>{PROSE2}</p><p>{PROSE3}</p>"
                 f'<div class="post-disclaimer"><p>{disclaimer}</p></div>'
                 f'<div class="bio-box"><p>{bio}</p></div>')
    assert _paragraphs(html) == [PROSE, PROSE2, PROSE3]
    assert _with_steps_off(html, {"furniture_blocks"}, monkeypatch) == [
        PROSE, PROSE2, PROSE3, disclaimer, bio]


def test_a_login_dialog_and_a_cookie_layer_beside_a_short_article_are_not_body(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A login or registration dialog (hidden until a click) and a cookie consent layer hold
    more prose than a short news item: without the names the region is the dialog's form."""
    dialog = "".join(
        f"<p>Your password, as the rules of step {i} say, must be at least {i + 8} characters "
        f"long, hold a capital letter, a digit and a sign, and it must differ from the {i} "
        "passwords before it.</p>" for i in range(5))
    cookies = ("To understand how our website is used, and to improve it for you, we use "
               "cookies and similar techniques, including those of partners, for statistics.")
    # the rest of the page (links, most of its text) keeps the dialog under a third of it
    archive = "".join(f"<li><a href='/a{i}'>Archive story {i}: {PROSE3[:70]}</a></li>"
                      for i in range(30))
    html = _page(f"<h1>Council votes on the tram</h1><p>{PROSE}</p><p>{PROSE2}</p>",
                 extra=f"<div class='b-dialog x-dialog-login'><form class='form'>"
                       f"<div class='clearfix'>{dialog}</div></form></div><div class='cookie-layer'><p>{cookies}</p></div>"
                       f"<ul class='archive'>{archive}</ul>")
    assert _paragraphs(html) == [PROSE, PROSE2]
    assert PROSE not in _with_steps_off(html, {"furniture_blocks"}, monkeypatch)


def test_a_share_kit_and_a_poll_inside_the_article_are_not_body() -> None:
    """Likely (its buttons say "Отправить", "Класснуть") and a WP-Polls question set inside
    the post's content: their words are no paragraph of the article."""
    html = _page(f"<p>{PROSE}</p><p>{PROSE2}</p>"
                 "<div class='likely'><div class='telegram'>Отправить</div>"
                 "<div class='odnoklassniki'>Класснуть</div><div class='vkontakte'>Поделиться"
                 "</div></div><div id='polls-3' class='wp-polls'><p><strong>Как вы оцениваете "
                 "урожай этого года?</strong></p><ul><li><input type='radio'>Хороший</li>"
                 f"<li><input type='radio'>Плохой</li></ul></div><p>{PROSE3}</p>")
    assert _paragraphs(html) == [PROSE, PROSE2, PROSE3]


@pytest.mark.parametrize(("names", "furniture"), [
    ("social-userbar-widget sharebar_bottom", True),
    ("c-author-bio", True),
    ("generic-hero-bannner__author-info", True),
    ("about-the-author", True),
    ("cmp-richtext--disclaimer aem-GridColumn", True),
    ("share-buttons", True),
    ("b-dialog x-dialog-login", True),
    ("registration-modal dark-modal", True),
    ("cookie-consent", True),
    ("cookies", True),
    ("likely likely-big", True),  # the share kits sites embed by name
    ("ya-share2 ya-share2_inited", True),
    ("a2a_kit a2a_kit_size_32", True),
    ("wp-polls", True),
    ("poll-widget", True),
    ("dialogue-column", False),
    ("unlikely-heroes", False),
    ("pollution-report", False),
    ("cookiebook-recipe", False),
    ("shareholders-report", False),
    ("authorized-content", False),
    ("biography", False),
    ("post-content", False),
])
def test_furniture_names_are_whole_words(names: str, furniture: bool) -> None:
    assert bool(generic._FURNITURE.search(names)) is furniture


def test_a_wrapper_named_after_furniture_keeps_the_article() -> None:
    """A block holding the headline, or most of the page's text, is a wrapper, not the part."""
    # most of the page's text is a long list of links
    footer = "".join(f"<li><a href='/a{i}'>Archive story {i}: {PROSE2[:60]}</a></li>"
                     for i in range(30))
    headed = (f'<div class="post has-share-bar"><h1>Council votes on the tram</h1>'
              f"<p>{PROSE}</p><p>{PROSE2}</p><p>{PROSE3}</p></div>")
    assert PROSE in _paragraphs(_page(headed, extra=f"<ul class='archive'>{footer}</ul>"))
    big = f'<div class="author-box-layout"><p>{PROSE}</p><p>{PROSE2}</p><p>{PROSE3}</p></div>'
    assert _paragraphs(_page(big)) == [PROSE, PROSE2, PROSE3]


def test_a_block_named_as_furniture_holding_most_of_its_article_is_the_body(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """An interview set in ``div.interview-dialog`` ("dialog" names modal dialogs too) under
    a one-line lead: most of its article's text, the story itself, while the page's other
    text (a long comment thread) keeps it under the page-wide wrapper share."""
    qa = [f"Question {i}: how did the tram plan change over the years?" if i % 2 == 0
          else f"Answer {i}: {PROSE2}" for i in range(8)]
    comments = "".join(f"<li class='comment'><p>Comment {i}: {PROSE3}</p></li>" for i in range(12))
    html = _page("<p>An interview with the engineer who planned the tram.</p>"
                 "<div class='interview-dialog'>" + "".join(f"<p>{p}</p>" for p in qa) + "</div>"
                 "<div class='author-bio'><p>Jane Roe covers transport.</p></div>",
                 extra=f"<ol class='comments'>{comments}</ol>")
    paras = _paragraphs(html)
    assert paras[:9] == ["An interview with the engineer who planned the tram.", *qa]
    assert "Jane Roe covers transport." not in paras


def test_a_timelines_dates_are_its_terms_not_stamps() -> None:
    """A definition list's date terms (``<dt>13 August 1961</dt><dd>…</dd>``) name the events
    described under them; a date alone under the headline is still a stamp."""
    events = [("13 August 1961", "East German troops begin sealing the border overnight."),
              ("1989", "Mass protests spread across East Germany throughout the autumn."),
              ("3 October 1990", "Germany is formally reunified after forty-one years.")]
    timeline = "".join(f"<dt>{day}</dt><dd>{event}</dd>" for day, event in events)
    paras = _paragraphs(_page(f"<p>12 March 2024</p><p>{PROSE}</p><dl class='timeline'>"
                              f"{timeline}</dl><p>{PROSE2}</p>"))
    assert paras == [PROSE, *[line for pair in events for line in pair], PROSE2]


def test_steps_of_a_numbered_list_worded_as_promos_stay() -> None:
    """How-to steps in an ``<ol>`` ("Download the app…", "Sign up for free using…") are the
    article's; the same words as a line of their own are a promo."""
    steps = ["Download the app from the App Store or Google Play.",
             "Get the app’s activation code from the letter your bank sent in August.",
             "Sign up for free using your customer number and the activation code.",
             "Choose a six-digit PIN that you do not use anywhere else."]
    paras = _paragraphs(_page(f"<p>{PROSE}</p><ol>" + "".join(f"<li>{s}</li>" for s in steps)
                              + f"</ol><p>{PROSE2}</p><p>Download the app from the App Store."
                              "</p>"))
    assert paras == [PROSE, *steps, PROSE2]


def test_furniture_removal_keeps_the_text_counts_true() -> None:
    """The counts read before the furniture goes are brought up to date, not counted again:
    the link and region steps see what a fresh count of the pruned page gives, a link that
    held a furniture block included (its text stays all link text)."""
    root = lxml.html.document_fromstring(
        f"<html><body><div class='post'><p>{PROSE}</p>"
        "<a href='/x'>Read <span class='share-buttons'>Share this</span> more</a> tail"
        "<div><span class='author-bio'>About the author: a reporter.</span> after</div>"
        f"<div class='modal'><a href='/login'>Log in</a> to comment</div></div>"
        f"<div class='cookie-consent'>We use cookies.</div><p>{PROSE2}</p></body></html>")
    stats = generic.text_stats(root)
    generic._drop_furniture(root, stats)
    text = root.text_content()
    assert "Share this" not in text and "cookies" not in text and "Log in" not in text
    assert "Read  more tail" in text and " after" in text
    fresh = generic.text_stats(root)
    assert {el: stats[el] for el in fresh} == fresh
    link = root.find(".//a")
    assert stats[link] == (len("Readmore"), len("Readmore"))


def test_comments_that_each_forget_a_closing_tag_do_not_cost_the_article() -> None:
    """Each comment nests inside the one before it: the page gets deeper than the limit."""
    comments = "".join(f'<div class="comment-item"><div class="c">Guest {i}: I agree'
                       f"</div>" for i in range(generic.MAX_GENERIC_DEPTH + 100))
    html = _page(f"<p>{PROSE}</p><p>{PROSE2}</p><p>{PROSE3}</p>", extra=comments)
    tree = parse_html(html)  # the crawl's parser (libxml2's default one stops at 256)
    deeper = "/".join(["*"] * generic.MAX_GENERIC_DEPTH)  # from the root, one level past it
    assert tree.xpath(deeper)
    assert generic_paragraphs(tree, "https://example.com/a") == [PROSE, PROSE2, PROSE3]
    generic._cut_below(tree, generic.MAX_GENERIC_DEPTH)
    assert not tree.xpath(deeper) and "Guest 300: I agree" in tree.text_content()


def test_matching_many_paragraphs_to_the_region_is_not_quadratic() -> None:
    """50,000 paragraphs took 17 s here (each searched through the whole region's text)."""
    import time

    texts = [f"Paragraph {i} of a long page, with commas, and some words {i * 7}." for i in range(40_000)]
    root = lxml.html.fromstring("<div>" + "".join(f"<p>{t}</p>" for t in texts) + "</div>")
    outside = ["A paragraph that the region does not hold.", "Paragraph 7 of a long page"]
    started = time.process_time()
    paragraphs = texts[::-1][:5] + texts + outside
    kept, keys = generic._in_region(paragraphs, [generic._tokens(p) for p in paragraphs],
                                    generic._hay([root]))
    assert time.process_time() - started < 4  # about 0.1 s; the quadratic search took > 10 s
    assert kept == texts[::-1][:5] + texts + ["Paragraph 7 of a long page"]
    assert keys == [generic._tokens(p) for p in kept]


@pytest.mark.parametrize(("keys", "hay"), [
    (["abc", "bcd", "abc", "zzz", "", "cdab"], "abcdabcd"),
    (["d", "a", "cd", "dabc", "abcdabcdx"], "abcdabcd"),
    (["b", "ab"], "ab"),  # a key found just before the cursor, overlapping it
])
def test_region_matching_says_what_substring_search_says(keys: list[str], hay: str) -> None:
    assert generic._occurring(keys, hay) == [key in hay for key in keys]


# trafilatura drops a block whose class holds "expand" (its boilerplate vocabulary), even
# inside the article: the text of a "show more" section.
GAP = ("The second stage, which the council has not yet funded, would bring the line to the "
       "harbour district and the new hospital by 2031.")


def _gap_page(block: str) -> str:
    return _page(f"<p>{PROSE}</p>{block}<p>{PROSE2}</p><p>{PROSE3}</p>")


def test_a_line_trafilatura_left_out_between_kept_paragraphs_comes_back_in_place(
        monkeypatch: pytest.MonkeyPatch) -> None:
    html = _gap_page(f"<div class='expandable-text'><p>{GAP}</p></div>")
    assert _paragraphs(html) == [PROSE, GAP, PROSE2, PROSE3]
    assert _with_steps_off(html, {"interior_gaps"}, monkeypatch) == [PROSE, PROSE2, PROSE3]


@pytest.mark.parametrize("page", [
    # a caption, a hidden block, a form, a link list and a label are no running text
    _gap_page(f"<div class='expandable-caption'><p>{GAP}</p></div>"),
    _gap_page(f"<div class='expandable-text' style='display: none'><p>{GAP}</p></div>"),
    _gap_page(f"<div class='expandable-text'><form><p>{GAP}</p></form></div>"),
    _gap_page(f"<div class='expandable-text'><p><a href='/x'>{GAP[:50]}</a>{GAP[50:]}</p></div>"),
    _gap_page("<div class='expandable-text'><p>The second stage, in figures</p></div>"),
    # a caption, a side box or a form set straight in its block (no p or div of its own)
    _gap_page(f"<figure><img src='/x.jpg'><figcaption><span>{GAP}</span></figcaption></figure>"),
    _gap_page(f"<figure><img src='/x.jpg'>{GAP}</figure>"),
    _gap_page(f"<aside>{GAP}</aside>"),
    _gap_page(f"<form>{GAP}<input name='q'></form>"),
    # a caption or a control inline in the block that owns the line
    _gap_page(f"<div class='asset-22'><span><img src='/x.jpg'><span class='caption'>{GAP}</span>"
              "</span></div>"),
    _gap_page(f"<div class='qa'><button type='button'>{GAP}</button></div>"),
    # a teaser's headline in a block of its own, wrapped by its link: all link text
    _gap_page(f"<p><section><article><a href='/story/2'><img src='/i.jpg'><h3>{GAP}</h3></a>"
              "</article></section></p>"),
    # below the last paragraph kept: where comments and author boxes sit
    _page(f"<p>{PROSE}</p><p>{PROSE2}</p><p>{PROSE3}</p>"
          f"<div class='expandable-text'><p>{GAP}</p></div>"),
])
def test_a_left_out_line_without_evidence_of_body_stays_out(page: str) -> None:
    assert _paragraphs(page) == [PROSE, PROSE2, PROSE3]


def _keys(paragraphs: list[str]) -> list[str]:
    return [generic._tokens(p) for p in paragraphs]


def test_a_page_of_many_left_out_lines_costs_a_bounded_search() -> None:
    """Each left-out line that reads as body costs a search of the kept text: capped a page."""
    import time

    kept = [f"Paragraph {i} of a long page, with commas, and some words {i * 7}." for i in range(20_000)]
    html = "".join(f"<p>{text}</p><p>Left out line {i}, which reads like prose.</p>"
                   for i, text in enumerate(kept))
    root = lxml.html.fromstring(f"<div>{html}</div>")
    started = time.process_time()
    assert generic._fill_gaps(kept, _keys(kept), [root], generic.text_stats(root)) == kept  # gave up
    assert time.process_time() - started < 4  # about 0.3 s; uncapped, 7 s (a search per line)
    assert generic.GAP_MAX_SEARCHES < 20_000


def test_a_caption_of_many_left_out_lines_is_read_once_not_once_a_line() -> None:
    """Each left-out line of a block is checked against the block's named inline elements
    (a caption): read again for each line, 8,000 lines in one caption took a minute."""
    import time

    lines = "<br>".join(f"Left out line {i}, which reads like prose and ends here." for i in range(8000))
    root = lxml.html.fromstring(f"<div><p>{PROSE}</p><div><span class='caption'>{lines}</span>"
                                f"</div><p>{PROSE3}</p></div>")
    kept = [PROSE, PROSE3]
    started = time.process_time()
    assert generic._fill_gaps(kept, _keys(kept), [root], generic.text_stats(root)) == kept
    assert time.process_time() - started < 4  # about 0.4 s


def test_one_long_kept_paragraph_of_many_lines_is_matched_in_linear_time() -> None:
    """A kept paragraph of many <br> lines (a hostile or a pasted page): each line is looked
    for near where the last one ended, not from the paragraph's start (quadratic: ~30 s)."""
    import time

    lines = [f"Line {i} of one very long paragraph, with words." for i in range(40_000)]
    kept = ["\n".join(lines), PROSE]
    root = lxml.html.fromstring(f"<div><p>{'<br>'.join(lines)}</p><p>{PROSE}</p></div>")
    started = time.process_time()
    assert generic._fill_gaps(kept, _keys(kept), [root], generic.text_stats(root)) == kept
    assert time.process_time() - started < 4


@pytest.mark.parametrize("stamp", ["25 ноября 2011 г.", "Пятница, 12 марта 2026, 14:05",
                                   "Nov 25, 2011", "12.03.2026 14:05"])
def test_a_date_stamp_line_is_no_body_whether_its_month_is_a_word_or_a_number(stamp) -> None:
    """``meta_lines``: a printed date between the headline and the text is metadata (the item
    has ``published``); a sentence that mentions a date is body."""
    mention = "В Минске 25 ноября 2011 г. прошла встреча."
    timeline = "Умер 3 мая 2020"  # a short line of a timeline: a sentence, not a stamp
    html = _page(f"<h1>Council votes on the tram</h1><p>{stamp}</p><p>{PROSE}</p>"
                 f"<p>{mention} {PROSE2}</p><p>{timeline}</p><p>{PROSE3}</p>")
    assert _paragraphs(html) == [PROSE, f"{mention} {PROSE2}", timeline, PROSE3]


# A sentence that is mostly one link: link-block removal takes it (>= 60 % link text).
LINKED_SENTENCE = ('The commission published <a href="/report">its full report on the future of the tram '
          "network and the harbour line</a> on Monday.")
LINKED_SENTENCE_TEXT = ("The commission published its full report on the future of the tram network and "
               "the harbour line on Monday.")


def test_a_linked_sentence_between_kept_paragraphs_comes_back_in_place(
        monkeypatch: pytest.MonkeyPatch) -> None:
    html = _page(f"<p>{PROSE}</p><p>{LINKED_SENTENCE}</p><p>{PROSE2}</p><p>{PROSE3}</p>")
    assert _paragraphs(html) == [PROSE, LINKED_SENTENCE_TEXT, PROSE2, PROSE3]
    assert _with_steps_off(html, {"linked_sentences"}, monkeypatch) == [PROSE, PROSE2, PROSE3]


# A whole sentence written as one link, with no words of its own outside it but the period.
WHOLE_LINK = ('<a href="/panel">Readers who want to join the tram users\' panel can sign up on the '
              "council website</a>.")
WHOLE_LINK_TEXT = ("Readers who want to join the tram users' panel can sign up on the council "
                   "website.")


def test_a_sentence_that_is_all_one_link_between_kept_paragraphs_comes_back() -> None:
    """``linked_sentences``: a sentence of ten words or more is the writer's sentence even when
    all of it is the link (a call to act, a pointer to a source); a short shop label is not."""
    html = _page(f"<p>{PROSE}</p><p>{WHOLE_LINK}</p><p>{PROSE2}</p><p>{PROSE3}</p>")
    assert _paragraphs(html) == [PROSE, WHOLE_LINK_TEXT, PROSE2, PROSE3]


@pytest.mark.parametrize("block", [
    # no words of its own beside the link, or no sentence
    '<p><a href="/shop">Shop the tram souvenirs of the city museum</a>.</p>',
    '<p>Read more: <a href="/x">The second stage of the tram network and its harbour line</a></p>',
    # all one link, ten words or more, but no sentence (a teaser headline)
    '<p><a href="/x">How the second stage of the tram network will reach the harbour line</a></p>',
    # hidden, or a caption
    f'<p style="display: none">{LINKED_SENTENCE}</p>',
    f'<div class="wp-caption"><p>{LINKED_SENTENCE}</p></div>',
    # a pointer to another story: words beside the link, too few for a sentence of its own
    '<p>READ MORE: <a href="/o">Police say the man arrested on Monday had lived in the city for '
    "years.</a></p>",
    '<p>Читайте также: <a href="/o">Полиция задержала мужчину, который много лет жил в городе '
    "под чужим именем.</a></p>",
    # a linked picture with its caption in a span
    '<p><a href="/big.jpg"><img src="/x.jpg"><span class="note">The new trams wait in the depot '
    "for their first test runs on the harbour line.</span></a></p>",
    # a linked picture whose caption is a whole sentence
    '<p><a href="/big.jpg"><figure class="image-center"><img src="/x.jpg"><figcaption>The new '
    "trams wait in the depot for their first test runs on the harbour line.</figcaption></figure>"
    "</a></p>",
])
def test_a_linked_paragraph_without_evidence_of_body_stays_out(block: str) -> None:
    html = _page(f"<p>{PROSE}</p>{block}<p>{PROSE2}</p><p>{PROSE3}</p>")
    assert _paragraphs(html) == [PROSE, PROSE2, PROSE3]


def test_a_linked_sentence_below_the_kept_body_stays_out() -> None:
    """Below the last kept paragraph sit "read the full story" links to other articles."""
    html = _page(f"<p>{PROSE}</p><p>{PROSE2}</p><p>{PROSE3}</p><p>{LINKED_SENTENCE}</p>")
    assert _paragraphs(html) == [PROSE, PROSE2, PROSE3]
    html = _page(f"<p>{PROSE}</p><p>{PROSE2}</p><p>{PROSE3}</p><p>{WHOLE_LINK}</p>")
    assert _paragraphs(html) == [PROSE, PROSE2, PROSE3]


def test_link_block_removal_for_the_body_rules_leaves_no_places() -> None:
    """The outlet rules' body cleaning (``body.py``) calls drop_link_blocks without places."""
    root = lxml.html.document_fromstring(f"<div><p>{PROSE}</p><p>{LINKED_SENTENCE}</p><p>{PROSE2}</p></div>")
    assert generic.drop_link_blocks(root, generic.text_stats(root)) == []
    assert [p.text_content() for p in root.iter("p")] == [PROSE, PROSE2]


def test_a_region_of_one_section_that_keeps_under_two_fifths_is_not_trusted() -> None:
    """A review whose picks box outscores its sections (each carries shop links, removed as a
    link block, so no rescue takes them): the region keeps about a quarter of trafilatura's
    text, and trafilatura is trusted (it was only under a fifth)."""
    picks = "".join(
        f"<p>Pick {i}: the light, quiet, cheap, sturdy, comfortable, small, fast, well made, easy "
        f"to carry, and, above all, easy to fold model {i} is, for most readers, the one to buy, "
        "with, however, a short range.</p>" for i in range(2))
    sections = "".join(
        f"<section class='review'><h2>Model {i}</h2><p>Model {i} rides well on rough streets and "
        "climbs the steep hills of our test route without trouble. The brakes stop it quickly "
        "and the lights are bright enough for riding home late at night in winter.</p>"
        f"<ul><li><a href='/buy{i}a'>Check price at Shop A</a></li>"
        f"<li><a href='/buy{i}b'>Check price at Shop B</a></li></ul></section>" for i in range(4))
    html = (f"<html><body><article><section class='picks'><div class='picks-text'>{picks}</div>"
            f"</section>{sections}</article></body></html>")
    paras = _paragraphs(html)
    # each section's heading ("Model 0") too: between two paragraphs a name and a number is no
    # stamp for ``meta_lines`` (``_data_value``)
    assert [p[:8] for p in paras] == ["Pick 0: ", "Pick 1: "] + [
        start for i in range(4) for start in (f"Model {i}", f"Model {i} ")]
    assert not any("Check price" in p for p in paras)



def test_linked_sentences_count_towards_the_searches_a_page_may_cost() -> None:
    """Each linked sentence put back searched the whole kept text, uncounted: a page of
    thousands of them cost seconds (and came out with thousands of lines)."""
    many = "".join(f"<p>Councillor {n} read <a href='/r{n}'>the full report on the tram "
                   f"network and the harbour line</a> on Monday.</p>" for n in range(400))
    html = _page(f"<p>{PROSE}</p>{many}<p>{PROSE2}</p><p>{PROSE3}</p>")
    assert len(_paragraphs(html)) <= 3 + GAP_MAX_SEARCHES



@pytest.mark.parametrize("bell", ["\x07", "&#7;", "\x0c", "&#xFFFE;", "&#xFFFF;", "\uffff"])
def test_control_character_in_the_text_changes_nothing(bell: str) -> None:
    # a C0 control character in the text (a BEL a CMS pasted into a source note, raw or as a
    # character reference) made trafilatura give up on the whole tree (lxml refuses to store
    # such a text again), so the raw region came back, caption and all; trafilatura.extract
    # on the page string, and the crawl's parse_html, drop them before parsing
    figure = '<figure><img src="/x.jpg"><figcaption>Photo: John Smith / Agency</figcaption></figure>'
    article = (f"<p>{PROSE}</p>{figure}<p>{PROSE2}</p><p>{PROSE3}</p>"
               "<p>Source: WWF{} (2020):{} Living Planet Report.</p>")
    clean = generic_text(_page(article.format("", "")), "https://example.com/a")
    assert "John Smith" not in clean and "Living Planet Report" in clean
    page = _page(article.format(bell, bell).replace('<p>', f'<p title="a{bell}">', 1))
    assert generic_text(page, "https://example.com/a") == clean


@pytest.mark.parametrize("bell", ["\x07", "&#7;", "\x0b"])
def test_control_character_where_a_step_sets_a_text_loses_no_page(bell: str) -> None:
    # lxml keeps a control character of the page in a parsed text but refuses one in a text
    # a step sets: after an empty line (<br><br>, marked before trafilatura reads the page)
    # or in the tail a removed element (a script) leaves to the one before it, such a page
    # gave no text at all (careelite.de: a BEL pasted into a source note)
    article = (f"<p>{PROSE}</p><p>{PROSE2}<br><br>Source: WWF{{}} (2020), Living Planet "
               f"Report.</p><p>{PROSE3}<script>var x;</script>{{}} and so it goes on.</p>")
    url = "https://example.com/a"
    clean = generic_text(_page(article.format("", "")), url)
    assert "Living Planet Report" in clean and "so it goes on" in clean
    page = _page(article.format(bell, bell))
    assert generic_text(page, url) == clean
    tree = lxml.html.document_fromstring(page)
    assert join_paragraphs(generic_paragraphs(tree, url)) == clean


def test_text_is_what_the_crawl_stores() -> None:
    # soft hyphens (a hyphenation plugin's &shy; inside words) and decomposed letters ("e" +
    # a combining accent) came out of generic_text as the page wrote them, though the crawl's
    # items are cleaned (clean_paragraphs) and trafilatura's own text drops them and is NFC:
    # a reader, or a search for "Kiessling", saw other words than in the item
    shy = PROSE.replace("council", "coun&shy;cil").replace("network", "net\u00adwork")
    nfd = "Le caf\u0065\u0301 de la gare a rouvert, et les habitu\u0065\u0301s sont revenus."
    text = generic_text(_page(f"<p>{shy}</p><p>{PROSE2}</p><p>{nfd}</p>"), "https://ex.fr/a")
    assert text.split("\n\n")[:3] == [PROSE, PROSE2, "Le café de la gare a rouvert, et les "
                                      "habitués sont revenus."]


def test_photo_credit_named_after_the_article_is_no_region() -> None:
    # a figure inside the body's first paragraph wins the region on its class name
    # ("article-picture") with a 30-character credit; the paragraphs beside it came back as
    # quiet siblings, the one around it was lost. A region holding next to no text against
    # trafilatura's is no article container: trafilatura's paragraphs are kept.
    figure = ("<figure class='article-picture frm'><img src='/k.jpg'>"
              "Kara Lindsay (© Tristan Fuge)</figure>")
    html = _page(f"<section><p>{figure}{PROSE}</p><p>{PROSE2}</p><p>{PROSE3}</p></section>")
    paras = _paragraphs(html)
    assert any(PROSE in p for p in paras)
    assert PROSE2 in paras and PROSE3 in paras
    assert not any("Other headline number" in p or "Section 3" in p for p in paras)


def test_link_list_whose_items_say_more_than_their_links_is_body() -> None:
    # a list in the body whose items are links with words of their own beside them (a rate,
    # a price, an author) is the article's own list, removed as a link block; a list of
    # links alone between the same paragraphs (related stories) stays out, and so do the
    # menu and the teasers outside the body
    rates = [("Sharon, check out my new website", "17.9%"),
             ("Why we love the new tram timetable", "17.1%"),
             ("Unemployed Sharon? Want a job?", "19.9%")]
    listed = "".join(f"<li><a href='/e{i}'>{title}</a> – {rate}</li>"
                     for i, (title, rate) in enumerate(rates))
    related = "".join(f"<li><a href='/r{i}'>Another story about the tram works, part {i}</a></li>"
                      for i in range(3))
    html = _page(f"<p>{PROSE}</p><ul>{listed}</ul><p>{PROSE2}</p><ul>{related}</ul>"
                 f"<p>{PROSE3}</p>")
    paras = _paragraphs(html)
    items = [f"{title} – {rate}" for title, rate in rates]
    assert paras == [PROSE, *items, PROSE2, PROSE3]


BRIDGE = ("The regional court ruled on Monday that the city must rebuild the old bridge before "
          "the end of next year because the inspection found that the steel beams had corroded "
          "far beyond what the original design allowed and the engineers who signed the last "
          "report had not visited the site for more than four years while the traffic on the "
          "bridge had doubled since the new district was built on the other bank of the river.")


def _missed_page(article_attrs: str = "class='txtmain _reachbanner_'", items: int = 8,
                 headline_first: bool = True, cell_attrs: str = "",
                 story: tuple[str, ...] = (BRIDGE, PROSE, PROSE2), inside: str = "",
                 in_feed: str = "") -> str:
    """A table layout: the article's block, named so that trafilatura's readability fallback
    drops it ("banner"), under its headline; a feed of teasers in an ``article`` element
    beside it, which trafilatura takes instead."""
    headline = "Court orders the city to rebuild the old bridge"
    feed = "".join(f"<div class='item'><a href='/n{i}'>Story {i}</a><br>In other news number {i} "
                   "the assembly approved a budget for the harbour and the museum and the road."
                   "</div>" for i in range(items))
    body = "".join(f"<p>{text}</p>" for text in story)
    article = f"<div {article_attrs}>{body}{inside}</div>"
    heading = f"<h1>{headline}</h1>"
    cell = heading + article if headline_first else article + "<p>ad</p>" * 3 + heading
    return (f"<html><head><title>{headline}</title></head><body><table><tr>"
            f"<td {cell_attrs}>{cell}</td><td><article>{feed}{in_feed}</article></td></tr>"
            "</table></body></html>")


def test_an_article_trafilatura_left_out_for_a_feed_comes_from_the_region(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The region's own lines, less what a reader is not shown as its text."""
    unshown = ("<div style='display:none'>Thank you for your vote, it was counted.</div>"
               "<div hidden>Your session has expired, please log in again.</div>"
               "<div class='comments'><p>Comment by reader: the council never listens.</p></div>"
               "<form><label>Your email</label><button>Subscribe</button></form>"
               "<figure><figcaption>The bridge in 1962. Photo: city archive</figcaption></figure>"
               "<div class='gallery-item'>Photo 1 of 12</div>")
    html = _missed_page(inside=unshown)
    assert _paragraphs(html) == [BRIDGE, PROSE, PROSE2]
    feed = _with_steps_off(html, {"missed_region"}, monkeypatch)
    assert BRIDGE not in feed and feed[0].startswith("Story 0 In other news number 0")


@pytest.mark.parametrize("page", [
    _missed_page("class='txtmain' aria-hidden='true'"),  # a closed dialog's text
    _missed_page("class='txtmain' style='display: none'"),
    _missed_page("class='txtmain'", cell_attrs="hidden"),
    _missed_page("class='txtmain'", cell_attrs="class='comments'"),  # named as no article
    _missed_page(items=4),  # trafilatura's text is no list of items
    _missed_page(headline_first=False),  # not under the page's headline
    # a teaser quoting a sixth of the article: trafilatura did not miss it
    _missed_page(in_feed="<div>The regional court ruled on Monday that the city must rebuild "
                         "the old bridge before the end of next year</div>"),
])
def test_a_region_trafilatura_left_out_without_evidence_stays_out(page: str) -> None:
    paragraphs = _paragraphs(page)
    assert BRIDGE not in paragraphs
    assert any("In other news number 1 the assembly" in p for p in paragraphs)


def test_a_region_of_short_lines_is_no_article_trafilatura_missed() -> None:
    """No line of LONGEST_PROSE characters: a block of short lines is no evidence of an
    article (a contact box, a list of links) against trafilatura's list."""
    paragraphs = _paragraphs(_missed_page(story=(PROSE, PROSE2, PROSE3)))
    assert PROSE2 not in paragraphs
    assert any("In other news number 1 the assembly" in p for p in paragraphs)


_PARTS = [
    ("The first section explains, in some detail, why the council chose trams over buses, "
     "citing costs, emissions and the number of passengers expected on the busiest routes."),
    ("The second section describes, street by street, where the new line will run, which "
     "stops it will serve, and how long the journey to the university will take."),
    ("The third section covers the money: the city pays half, the region a third, and the "
     "rest comes, officials said, from a national fund for clean transport projects."),
    ("The fourth section lists the objections raised by shop owners, who fear months of "
     "works, lost parking spaces and, in some cases, the closure of their businesses."),
]


def _sectioned_page() -> str:
    """An article cut into sections, each in a wrapper of its own name holding one block of a
    common template: the blocks are cousins, not siblings, and each wrapper has a link, so
    neither ``template_siblings`` nor ``quiet_siblings`` takes them back."""
    sections = "".join(
        f"<div class='sec-{name}'><h2>{name.title()}</h2><div class='text-body'>"
        f"<p>{text}</p><p>{text.replace('section', 'part')}</p>"
        f"<p>Officials, <a href='/{name}'>in a statement published on Monday evening</a>, "
        "confirmed the figures.</p></div></div>"
        for name, text in zip(("intro", "route", "money", "critics"), _PARTS, strict=True))
    feed = "".join(f"<li><a href='/n{i}'>Other headline number {i} today</a></li>" for i in range(8))
    return ("<html><head><title>Trams return to the city centre</title></head><body>"
            f"<div class='layout'><h1>Trams return to the city centre</h1>{sections}</div>"
            f"<div class='more'><ul>{feed}</ul></div></body></html>")


def test_sections_of_one_template_in_wrappers_of_their_own_all_stay(
        monkeypatch: pytest.MonkeyPatch) -> None:
    text = "\n".join(_paragraphs(_sectioned_page()))
    for part in _PARTS:
        assert part in text
    without = "\n".join(_with_steps_off(_sectioned_page(), {"region_cousins"}, monkeypatch))
    assert sum(part in without for part in _PARTS) < len(_PARTS)


def _climb_page() -> str:
    """A block named as the story holds half the article; the other half runs on beside it, in
    the parent, as quoted passages with a link each (too many links for ``quiet_siblings``, and
    no ``p`` for ``prose_siblings``)."""
    named = "".join(f"<p>{t}</p>" for t in (PROSE, PROSE2, PROSE3))
    beside = "".join(f"<blockquote>{t} Officials, <a href='/doc{i}'>in a statement</a>, confirmed "
                     "it.</blockquote>" for i, t in enumerate(_PARTS[:3]))
    feed = "".join(f"<li><a href='/n{i}'>Other headline number {i} today</a></li>" for i in range(8))
    return ("<html><head><title>t</title></head><body><div id='wrap'>"
            f"<div class='story-text'>{named}</div>{beside}</div>"
            f"<div class='more'><ul>{feed}</ul></div></body></html>")


def test_article_going_on_beside_a_block_named_as_the_story_stays(
        monkeypatch: pytest.MonkeyPatch) -> None:
    text = "\n".join(_paragraphs(_climb_page()))
    for part in (PROSE, PROSE2, PROSE3, *_PARTS[:3]):
        assert part in text
    without = "\n".join(_with_steps_off(_climb_page(), {"region_climb"}, monkeypatch))
    assert PROSE in without and _PARTS[0] not in without


BIO = ("Before founding this newsletter, I worked as an equity analyst at three brokerage firms, "
       "covered software, chips and media companies, and wrote, for over a decade, a column on "
       "company filings, accounting policies and the quality of reported earnings, which was "
       "quoted, among others, by several national newspapers and business magazines.")


def _sidebar_page() -> str:
    """A short post in the main column (with its pager: a link block, so the column is no quiet
    block); a longer profile bio, named as text, in the side column."""
    return ("<html><head><title>t</title></head><body><div class='outer'>"
            f"<div class='main'><div class='post'><h3>A post</h3><div>{PROSE}</div></div>"
            "<ul><li><a href='/older'>Older post</a></li><li><a href='/'>Home</a></li></ul></div>"
            "<div class='sidebar'><div class='widget profile'><dl><dd class='profile-textblock'>"
            f"<p>{BIO}</p></dd></dl></div></div></div></body></html>")


def test_post_kept_over_a_longer_bio_in_the_side_column(monkeypatch: pytest.MonkeyPatch) -> None:
    assert PROSE in _paragraphs(_sidebar_page())
    assert PROSE not in _with_steps_off(_sidebar_page(), {"sidebar_region"}, monkeypatch)


LINKED_LEAD = ("The <a href='/maps'>new maps service</a> launched on Tuesday, and the company said, "
               "in a statement to investors, that it would run on phones of every maker, not "
               "only its own, from the first day of next year.")


def _lead_page() -> str:
    """A lead paragraph with a link, one level above the body's own container (no headline, so
    ``headline_block`` has nothing to go by), and a teaser feed beside the post."""
    body = "".join(f"<p>{t}</p>" for t in (PROSE, PROSE2, PROSE3))
    feed = "".join(f"<li><a href='/n{i}'>Other headline number {i} today</a></li>" for i in range(8))
    return ("<html><head><title>t</title></head><body><div class='post'><div class='post-body'>"
            f"<p>{LINKED_LEAD}</p><div id='box'><div id='story-text'>{body}</div></div></div></div>"
            f"<div class='more'><ul>{feed}</ul></div></body></html>")


def test_lead_paragraph_with_a_link_above_the_body_container_stays(
        monkeypatch: pytest.MonkeyPatch) -> None:
    lead = lxml.html.fromstring(f"<p>{LINKED_LEAD}</p>").text_content()
    assert lead in _paragraphs(_lead_page())
    assert lead not in _with_steps_off(_lead_page(), {"prose_siblings"}, monkeypatch)


LETTER = ("Readers also asked, in <a href='/letters'>letters sent to the editor</a> this week, "
          "whether the city would repave the old market square, and when, if ever, the fountain "
          "would work again.")


def test_sections_ancestor_takes_no_neighbour_of_its_own() -> None:
    """The sections' common ancestor is the region, and the region climbs no further from
    that wrapper, which was never scored (nor are its neighbours judged against no score):
    a block of readers' letters beside the wrapper's parent stays out."""
    page = _sectioned_page().replace("<div class='layout'>", "<div id='page'><div class='layout'>"
                                     "<div class='inner'>").replace(
        "<div class='more'>",
        f"</div><div class='letters'><p>{LETTER}</p><p>{LETTER.replace('week', 'month')}</p>"
        "</div></div><div class='more'>")
    text = "\n".join(_paragraphs(page))
    assert all(part in text for part in _PARTS)
    assert "fountain" not in text


def _region_of(html: str) -> list[str]:
    work = lxml.html.document_fromstring(html)
    stats, _removed = generic._prune(work, "https://example.org/")
    return [f"{el.tag}.{el.get('class')}" for el in generic._best_region(work, stats)]


FOOTER = ("Example Media is an independent publisher, founded in 1998, with newsrooms in three "
          "cities, and it is funded by readers, foundations and, for a small part, advertising.")


@pytest.mark.parametrize("page", [
    # Genesis: the headline links its permalink, so its header block goes as a link block
    ("<html><head><title>Trams</title></head><body><div class='site-inner'>"
     "<div class='content-sidebar-wrap'><main class='content'><article class='post'>"
     "<header><h1 class='entry-title'><a href='/trams'>Trams return to the centre</a></h1>"
     f"</header><div class='entry-content'>{''.join(f'<p>{t}</p>' for t in _PARTS)}</div>"
     "</article></main><aside class='sidebar sidebar-primary'><ul>"
     + "".join(f"<li><a href='/n{i}'>Other headline {i}</a></li>" for i in range(8))
     + f"</ul></aside></div></div><footer class='site-footer'><div class='wrap'><p>{FOOTER}</p>"
     "</div></footer></body></html>"),
    # a layout's flag that the page has no side column, the headline an h2
    ("<html><head><title>Trams</title></head><body><div class='container no-sidebar'>"
     f"<h2>Trams return to the centre</h2><div class='entry-content'>"
     f"{''.join(f'<p>{t}</p>' for t in _PARTS)}</div></div>"
     f"<div class='site-info'><p>{FOOTER}</p></div></body></html>"),
])
def test_a_layout_wrapper_named_after_the_side_column_is_no_side_column(page: str) -> None:
    assert _region_of(page) == ["div.entry-content"]
    assert all(part in _paragraphs(page) for part in _PARTS)


TAGLINE = ("Jane Doe covers transport, housing and city hall for <a href='/metro'>the metro "
           "desk</a>; she previously worked, for ten years, at a regional daily in the north.")


@pytest.mark.parametrize("extra", [
    f"<p class='tagline'>{TAGLINE}</p>",  # after the body: a tagline, whatever its name
    "<p class='nl-promo' hidden>Get our free morning briefing, with the day's top stories, "
    "the weather and the traffic, every weekday at seven: <a href='/nl'>sign up here</a>.</p>",
])
def test_prose_beside_the_region_after_it_or_hidden_is_no_lead(extra: str) -> None:
    page = _lead_page().replace("</div></div></div>", f"</div></div>{extra}</div>", 1)
    assert extra in page
    text = "\n".join(_paragraphs(page))
    assert PROSE in text and "new maps service" in text
    assert "metro desk" not in text and "morning briefing" not in text


def test_a_layout_row_run_into_one_paragraph_is_cut_to_the_region() -> None:
    """A page laid out in nested tables: trafilatura's fallback hands on the layout's row whole,
    headline, article, a readers' poll and a side cell in one text, which no region holds. The
    40 % rule took that for a wrong region and kept all of it; the region's lines are the
    article, the poll and the side cell stay out."""
    body = "<br><br>".join((PROSE, PROSE2, PROSE3))
    poll = "".join(
        f"<tr><td>Answer number {i}, chosen by readers of this poll in the last week, with a "
        f"share of {i} per cent of all votes.</td></tr>"
        for i in range(1, 5)
    )
    html = (
        "<html><head><title>Tram network to grow</title></head><body>"
        "<table><tr><td><table>"
        "<tr><td class='title'>Tram network to grow</td></tr>"
        f"<tr><td><table><tr><td><span class='story-text'>{body}</span></td></tr></table></td></tr>"
        f"<tr><td><table><tr><td>Readers' poll</td></tr>{poll}</table></td></tr>"
        "</table></td><td>Weather and traffic</td></tr></table></body></html>"
    )
    paras = _paragraphs(html)
    assert paras == [PROSE, PROSE2, PROSE3]
    # a short line is no part of a paragraph for being inside its words ("share" in "a share
    # of"), and what the region does not show is not its text
    extra = ("<br>Share<br><span style='display:none'>Subscribe to the weekly tram newsletter "
             "of the council today.</span>")
    assert _paragraphs(html.replace(f"{PROSE3}</span>", f"{PROSE3}{extra}</span>")) == paras


def test_a_page_laid_out_in_a_table_keeps_its_paragraphs_apart() -> None:
    """Old sites set the whole page in a table: trafilatura hands on the article's row as one
    line (headline, date line, every paragraph, the side column); a data table inside the
    article still gives a line a row."""
    popular = "".join(f'<li><a href="/n{i}">Popular story number {i} of the week</a></li>'
                      for i in range(6))
    data = ("<table><tr><td>Line 1</td><td>12 stops</td></tr>"
            "<tr><td>Line 2</td><td>9 stops</td></tr></table>")
    html = (
        "<html><head><title>Tram network to grow</title></head><body>"
        "<table width='100%'><tr><td colspan='2'><a href='/'>Home</a> <a href='/news'>News</a>"
        "</td></tr><tr><td class='main'><h2>Tram network to grow</h2>"
        f"<div>1 December 2026, 09:30</div><p>{PROSE}</p><p>{PROSE2}</p>{data}<p>{PROSE3}</p>"
        f"</td><td class='side'><b>Popular</b><ul>{popular}</ul></td></tr>"
        "<tr><td colspan='2'>© 2026 Example Media</td></tr></table></body></html>")
    paras = _paragraphs(html)
    # (trafilatura hands on a table nested in a cell after the table holding it)
    assert paras == [PROSE, PROSE2, PROSE3, "Line 1 12 stops", "Line 2 9 stops"]


@pytest.mark.parametrize("tag", ["div", "p"])
def test_paragraphs_an_editor_separates_by_empty_lines_are_paragraphs(tag: str) -> None:
    """DataLife Engine, Tilda and uCoz separate paragraphs with ``<br><br>``: the body came
    out as one run-on paragraph. A single line break stays inside its paragraph, and the
    engine's "guests may not comment" notice is no body."""
    verse = "Roses are red,<br>violets are blue, and the council voted on Tuesday again."
    body = f"<{tag} class='full'>{PROSE}<br /><br />{PROSE2}<br><br>\n{PROSE3}<br><br>{verse}</{tag}>"
    notice = ("<div class='berrors'>Информация<br>Посетители, находящиеся в группе Гости, не "
              "могут оставлять комментарии к данной публикации.</div>")
    paras = _paragraphs(_page(body + notice))
    assert paras[:4] == [PROSE, PROSE2, PROSE3,
                         "Roses are red, violets are blue, and the council voted on Tuesday again."]
    assert not any("комментарии" in p for p in paras)
    assert generic_text(_page(body), "https://example.com/a").split("\n\n")[:3] == [
        PROSE, PROSE2, PROSE3]


@pytest.mark.parametrize(("line", "meta"), [
    ("| Дата: 02.12.2026, 09:15", True),  # uCoz: the separator before its date cell
    ("Категория: Общество | Просмотров: 57 | Добавил: admin | Рейтинг: 0.0/0", True),
    ("Гость · 12:01", True),  # a comment's author and time
    ("Дата: 02.12.2026, 09:15", True), ("Просмотров: 57", True),
    ("Он сказал: да | нет", False), ("Автор: Иван Петров | Фото: Пётр Сидоров", False),
    ("Итог матча: 2:1 в пользу хозяев, и это была заслуженная победа команды", False),
    # Chinese, Japanese and Korean stamps and a Chinese story's head line
    ("2012年03月05日 08:30\u3000来源：新华网", True), ("2025年6月12日 5時00分", True),
    ("2025년 6월 12일 오전 9:30", True), ("2019年10月1日（星期二）", True),
    ("2012年03月05日 08:30:15 来源：人民网 作者：张三 字号：大 中 小", True),
    ("2012年03月05日，会议在北京开幕。", False), ("会议将于2012年3月5日开幕", False),
    ("2006年07月14日 10:25 | 记者 王宏", True), ("2006年07月14日 10:25 记者 王宏", True),
    ("2006年07月14日 记者 王宏报道北京的天气", False),
    ("90+3'", True), ("45'", True), ("78′", True),  # a live ticker's match minutes
    # a German time's "Uhr", before the date or after it (a stamp as without it)
    ("30.11.2026, 14:05 Uhr", True), ("14:05 Uhr, 30.11.2026", True),
    ("30.11.2026, 14 Uhr", True), ("30.11.2026 Uhrmacher", False),
])
def test_details_lines_are_meta_lines(line: str, meta: bool) -> None:
    assert generic.is_meta_line(line) is meta


@pytest.mark.parametrize("stamp", ["2026-01-04T10:00:00+03:00", "4 января 2026, 10:00",
                                   "04.01.2026 10:00"])
def test_a_one_paragraph_article_keeps_its_headline_and_date_out_of_the_text(stamp: str) -> None:
    """A short piece of news (one paragraph in an ``<article>``): trafilatura's fallback
    reads the whole ``<article>`` as one text, and the headline and its date ran on into the
    paragraph ("Заголовок 2026-01-04T10:00:00+03:00 С понедельника…")."""
    title = "На трассе М1 ограничили движение из-за ремонта моста"
    text = ("С понедельника на 45-м километре трассы М1 движение будет организовано по одной "
            "полосе, ремонт продлится до конца месяца, сообщили в дорожной службе области.")
    page = (f'<html><head><meta property="og:title" content="{title}"></head><body>'
            '<nav><a href="/">Главная</a> <a href="/society/">Общество</a></nav>'
            f'<article><h1>{title}</h1><time datetime="2026-01-04T10:00:00+03:00">{stamp}</time>'
            f"<p>{text}</p></article><footer>© 2026</footer></body></html>")
    assert generic_paragraphs(lxml.html.fromstring(page), "https://ex.by/news/1.html") == [text]


def test_a_brief_of_short_paragraphs_keeps_them_apart_and_its_date_line_out() -> None:
    """Two short paragraphs under a headline and a date, in an ``<article>``: trafilatura's
    rescue read the article as one text, headline, date and paragraphs run together."""
    first = "Районный суд будет закрыт в пятницу из-за прорыва водопроводной трубы в подвале."
    second = "Заседания, назначенные на этот день, перенесены на следующую неделю."
    page = ('<html><head><title>Суд закрыт в пятницу</title></head><body><article>'
            '<h1>Суд закрыт в пятницу</h1><time datetime="2026-01-04">4 января 2026</time>'
            f'<div class="entry-content"><p>{first}</p><p>{second}</p></div></article></body></html>')
    assert generic_paragraphs(lxml.html.fromstring(page), "https://ex.by/news/2.html") == [
        first, second]


def test_trafilatura_s_discarding_notice_stays_out_of_the_log(caplog: pytest.LogCaptureFixture
                                                              ) -> None:
    """A listing or a stub: trafilatura warned "discarding data: <url>" in every crawl's log,
    with nothing said of why (this extractor reads such a page its own way)."""
    page = '<html><body><script>location.href="/x"</script></body></html>'
    with caplog.at_level(logging.DEBUG):
        generic_paragraphs(lxml.html.fromstring(page), "https://ex.by/list/")
    assert not [r for r in caplog.records if "discarding data" in r.getMessage()]


def test_named_anchors_around_paragraphs_are_no_links() -> None:
    # an old page's anchors (<a name>, <a id>, no href) hold whole paragraphs: they are
    # targets to jump to, not links, so the paragraphs are no link blocks
    article = (f'<p><a name="part1">{PROSE} {PROSE2}</a></p>'
               f'<p><a id="part2">{PROSE3}</a></p><p><a href="#part1">Back to the top</a></p>')
    paras = _paragraphs(_page(article))
    assert paras[:2] == [f"{PROSE} {PROSE2}", PROSE3]
    joined = " ".join(paras)
    assert "Section 3" not in joined and "Other headline number" not in joined


@pytest.mark.parametrize(("anchor", "link_text"), [
    ('<a href="/x">', 8), ('<a href="">', 8), ('<a class="teaser" data-id="7">', 8),
    ('<a onclick="go(7)">', 8), ('<a name="x">', 0), ('<a id="x">', 0), ("<a>", 0)])
def test_link_text_is_what_a_link_holds_not_an_anchor(anchor: str, link_text: int) -> None:
    # a script's link (a class, data- attributes, onclick) without an address is still a link
    tree = lxml.html.fragment_fromstring(f"<div>Own text {anchor}Link text</a></div>")
    assert generic.text_stats(tree)[tree] == (15, link_text)  # non-space characters


def test_a_noscript_that_swallowed_the_page_is_unwrapped_not_dropped() -> None:
    # a <div> opened inside <noscript> makes the parser lose </noscript>: the rest of the
    # page, the article too, ends up inside it
    html = _page(f"<p>{PROSE}</p><p>{PROSE2}</p><p>{PROSE3}</p>").replace(
        "<body>", '<body><noscript><div id="menu"></noscript><script>var a = 1;</script>'
        "<noscript><p>Please enable JavaScript to see the comments.</p></noscript>")
    swallowed = lxml.html.document_fromstring(html).find(".//noscript")
    assert PROSE in swallowed.text_content()  # (what the parser makes of it)
    paras = _paragraphs(html)
    assert paras[:3] == [PROSE, PROSE2, PROSE3]
    assert "enable JavaScript" not in " ".join(paras)


RECORD_TEXTS = [
    "Мост через Неман в Гродно открыли после ремонта, который длился почти два года и "
    "обошелся городу дороже, чем планировали в самом начале работ.",
    "По словам главного инженера, на мосту заменили опоры, покрытие и освещение, а "
    "пешеходные дорожки стали шире на полметра с каждой стороны.",
    "Подрядчик сдал объект на месяц раньше срока: зимой бригады работали в две смены, "
    "а бетон укладывали под временными навесами с подогревом.",
    "Движение транспорта по мосту возобновится в понедельник утром, автобусы вернутся "
    "на прежние маршруты к концу недели, сообщили в горисполкоме.",
    "На время ремонта горожанам приходилось ездить в объезд через северную окраину, "
    "и дорога до центра занимала почти на полчаса больше.",
    "Следующим на очереди стоит путепровод на улице Советской: его ремонт начнут весной "
    "и закончат, как обещают, до осени будущего года.",
    "Жители района просят заодно расширить тротуары у школы и поставить светофор на "
    "перекрестке, где каждый год случаются аварии.",
]
BUILDERS = {  # (record's classes, text block's classes): a Tilda landing page and another builder
    "tilda": ("r t-rec t-rec_pt_30", "t-text t-text_md"),
    "other": ("lp-block lp-block--wide", "lp-text lp-text--body"),
}


def _record(n: int, record: str, inner: str) -> str:
    return (f"<div id='rec{n}' class='{record}'><div class='t00{n}'><div class='container'>"
            f"<div class='col col_8'>{inner}</div></div></div></div>")


def _records_page(builder: str, tail: str = "") -> str:
    """A landing page whose article text is set in several records of one template, a
    picture's record (with its caption) between two of them: trafilatura reads the first."""
    record, text = BUILDERS[builder]
    def block(*paras: str) -> str:
        return f"<div class='{text}'>{'<br><br>'.join(paras)}</div>"
    records = [
        _record(1, record, "<a href='/'>Главная</a> <a href='/news'>Новости</a> "
                           "<a href='/contacts'>Контакты</a>"),
        _record(2, record, "<h1 class='title'>В Гродно открыли мост</h1>"),
        _record(3, record, block(*RECORD_TEXTS[:3])),
        _record(4, record, "<img src='/bridge.jpg'><div class='descr'>Фото: пресс-служба</div>"),
        _record(5, record, block(*RECORD_TEXTS[3:5])),
        _record(6, record, block(*RECORD_TEXTS[5:])),
    ]
    return ("<html><head><title>В Гродно открыли мост</title></head><body>"
            f"<div class='records'>{''.join(records)}{tail}</div></body></html>")


@pytest.mark.parametrize("builder", sorted(BUILDERS))
def test_text_set_in_records_of_one_template_is_read_to_its_end(
        builder: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``template_tail``: the records after the one trafilatura read, of the same template and
    holding a text block of the region's kind, are the article going on (a picture's record and
    its caption between them are passed over)."""
    html = _records_page(builder)
    assert _paragraphs(html) == RECORD_TEXTS
    assert _with_steps_off(html, {"template_tail"}, monkeypatch) == RECORD_TEXTS[:3]


@pytest.mark.parametrize("builder", sorted(BUILDERS))
def test_a_bio_or_a_newsletter_record_after_the_text_stays_out(builder: str) -> None:
    """A record of the same template after the text that opens with a name or a heading (an
    author's bio, a newsletter box) ends the tail, and a record without a text block of the
    region's kind is none of it."""
    record, text = BUILDERS[builder]
    bio = ("Иван Петров пишет о городском хозяйстве Гродно с 2015 года и ведет рубрику о "
           "ремонте дорог, мостов и дворов.")
    news = ("Подпишитесь на нашу рассылку, чтобы получать главные новости города каждое утро "
            "прямо на свою почту.")
    tail = (_record(7, record, f"<img src='/ivan.jpg'><div class='{text}'>Иван Петров<br>{bio}</div>")
            + _record(8, record, f"<div class='form-text'>{news}</div><form><input></form>"))
    paras = _paragraphs(_records_page(builder, tail))
    assert paras == RECORD_TEXTS and bio not in paras and news not in paras
    # without the bio, the newsletter record (no text block of the region's kind) ends it
    paras = _paragraphs(_records_page(builder, _record(8, record, f"<div>{news}</div>")))
    assert paras == RECORD_TEXTS and news not in paras


TAIL_RECORDS = {  # a record after the article that is none of it, though it holds a sentence
    "form": ("<div class='{text}'>Хотите получать главные новости района каждое утро? Оставьте "
             "адрес почты, и мы пришлем подборку.</div><form><input name='email'></form>"),
    "linked-picture": ("<a href='/news/lida'><img src='/lida.jpg'></a><div class='{text}'>В Лиде "
                       "тоже отремонтировали мост, и движение по нему открыли на неделю раньше."
                       "</div>"),
    "picture-and-text": ("<img src='/ivan.jpg'><div class='{text}'>Пишет о городском хозяйстве "
                         "Гродно с 2015 года и ведет рубрику о ремонте дорог и мостов.</div>"),
}


@pytest.mark.parametrize("kind", sorted(TAIL_RECORDS))
@pytest.mark.parametrize("builder", sorted(BUILDERS))
def test_a_record_with_a_form_or_a_picture_beside_text_ends_the_tail(builder: str, kind: str
                                                                      ) -> None:
    """A record holding a form (a newsletter box), a linked picture (a teaser) or a picture
    with text (an author's bio) ends the tail: only a picture's own record is passed over."""
    record, text = BUILDERS[builder]
    tail = _record(7, record, TAIL_RECORDS[kind].format(text=text))
    assert _paragraphs(_records_page(builder, tail)) == RECORD_TEXTS


@pytest.mark.parametrize("control", [
    '<a href="#" class="btn-more" onclick="show()">Читать полностью</a>',
    '<button type="button">Show more ↓</button>', '<a class="toggle">Чытаць цалкам →</a>',
    '<a href="javascript:void(0)">Показать полностью</a>'])
@pytest.mark.parametrize("hiding", ['style="display:none"', "hidden", 'style="display: none;"',
                                    'class="rest d-none"', 'class="collapse"'])
def test_the_rest_a_read_more_control_hides_is_the_articles(control: str, hiding: str) -> None:
    """The first paragraphs shown, a "Читать полностью" control, the rest in a block hidden
    until a click: trafilatura drops hidden blocks, and the item held the first ones only."""
    block = f"<div {hiding}>" if hiding.startswith("class") else f"<div class='rest' {hiding}>"
    html = _page(f"<h1>Tram network to grow</h1><div class='text'><p>{PROSE}</p>{control}"
                 f"{block}<p>{PROSE2}</p><p>{PROSE3}</p></div></div>")
    assert _paragraphs(html) == [PROSE, PROSE2, PROSE3]


def test_a_teaser_that_the_hidden_full_text_repeats_is_left_for_it() -> None:
    """A short version shown, the full one hidden behind "Read more": the text once."""
    short = PROSE[:80] + "…"
    html = _page(f"<h1>Tram network to grow</h1><div class='text'><p class='short'>{short}</p>"
                 "<a href='#'>Read more</a><div class='full' style='display:none'>"
                 f"<p>{PROSE}</p><p>{PROSE2}</p></div></div>")
    assert _paragraphs(html) == [PROSE, PROSE2]


def test_a_hidden_full_text_repeating_several_shown_paragraphs_is_the_text_once() -> None:
    html = _page(f"<h1>Tram network to grow</h1><div class='text'><p>{PROSE}</p><p>{PROSE2}</p>"
                 "<button>Show more</button><div class='full' hidden>"
                 f"<p>{PROSE}</p><p>{PROSE2}</p><p>{PROSE3}</p></div></div>")
    assert _paragraphs(html) == [PROSE, PROSE2, PROSE3]


@pytest.mark.parametrize("hidden", [
    # a paywall's "Read the full story" opens an offer, not the story
    "<a href='#' class='js-paywall'>Read the full story</a><div class='paywall-offer' "
    "style='display:none'><p>Subscribers get every story of the week in full, with the "
    "archive and the newsletter, for one euro in the first month.</p></div>",
    # a link to another page, a hidden block beside it: no control
    "<a href='/full-story'>Read more</a><div style='display:none'><p>" + PROSE3 + "</p></div>",
    # hidden from screen readers only (a visual duplicate), not from the page
    "<button>Show more</button><div aria-hidden='true' style='display:none' class='sr'>"
    "<form><input name='q'></form><p>" + PROSE3 + "</p></div>",
    # an offer hidden by the attribute, which trafilatura does not read as hidden: it goes
    "<a href='#'>Читать полностью</a><div class='paywall' hidden><p>Subscribers get every "
    "story in full: the first month is free for new readers, then one euro a week.</p></div>",
])
def test_a_hidden_block_that_is_no_rest_of_the_article_stays_hidden(hidden: str) -> None:
    html = _page(f"<h1>Tram network to grow</h1><div class='text'><p>{PROSE}</p><p>{PROSE2}</p>"
                 f"{hidden}</div>")
    got = _paragraphs(html)
    assert got == [PROSE, PROSE2] or got[:2] == [PROSE, PROSE2] and "Read more" in got[2]


@pytest.mark.parametrize("before", [
    "", "<a href='/login'>Log in to read the whole story of the new tram lines</a>"])
def test_a_hidden_block_no_read_more_control_opens_stays_out(before: str) -> None:
    """A closed dialog, or a hidden block after a link that only mentions reading: hidden."""
    html = _page(f"<h1>Tram network to grow</h1><div class='text'><p>{PROSE}</p>"
                 f"<p>{PROSE2}</p>{before}<div class='popup' style='display:none'><p>{PROSE3}"
                 "</p></div></div>")
    assert _paragraphs(html)[:2] == [PROSE, PROSE2] and PROSE3 not in _paragraphs(html)


@pytest.mark.parametrize("offer", [
    "<div class='sc-paywall-0 hPBaNt' data-testid='paywall-teaser' hidden><p>Jetzt weiterlesen "
    "mit Stadtkurier+ – den ersten Monat lesen Sie kostenlos.</p></div>",
    "<div id='login-modal' style='display: none'><p>Melden Sie sich an, um alle Artikel des "
    "Stadtkuriers zu lesen und Kommentare zu schreiben.</p></div>",
    "<section class='subscribe-box' hidden><h3>Newsletter</h3><p>Die wichtigsten Nachrichten "
    "aus der Stadt jeden Morgen in Ihrem Postfach.</p><form><input name='email'></form>"
    "</section>"])
def test_an_offer_the_page_hides_between_paragraphs_is_no_text(offer: str) -> None:
    """A paywall teaser, a login box, a newsletter form a script shows later, hidden by the
    attribute (which trafilatura reads) or a style, with no control beside it: no reader sees
    them there."""
    html = _page(f"<h1>Tram network to grow</h1><div class='text'><p>{PROSE}</p>{offer}"
                 f"<p>{PROSE2}</p><p>{PROSE3}</p></div>")
    assert _paragraphs(html) == [PROSE, PROSE2, PROSE3]


def test_content_react_streams_in_a_hidden_holder_stays() -> None:
    """React's streamed server rendering sends the page's content in ``<div hidden
    id="S:1">`` for a script to move into place: a form inside makes no offer of it."""
    html = _page(f"<h1>Tram network to grow</h1><div hidden id='S:1'><div class='text'>"
                 f"<p>{PROSE}</p><p>{PROSE2}</p><p>{PROSE3}</p></div><form class='search'>"
                 "<input name='q'></form></div>")
    assert _paragraphs(html) == [PROSE, PROSE2, PROSE3]


def test_an_answer_the_page_hides_until_its_question_is_clicked_stays() -> None:
    answer = ("The new lines open in stages from next spring, the first of them in the "
              "northern districts, where the depot is already built.")
    html = _page(f"<h1>Tram network to grow</h1><div class='text'><p>{PROSE}</p><p>{PROSE2}</p>"
                 "<h3><button aria-expanded='false'>When do the new lines open?</button></h3>"
                 f"<div class='answer' hidden><p>{answer}</p></div></div>")
    assert _paragraphs(html)[-1] == answer


def test_chinese_sentences_apart_by_line_breaks_are_paragraphs() -> None:
    """A Chinese story set as one ``<p>`` of lines parted by ``<br>``, each closing with "。":
    its lines are its paragraphs, as Latin lines closing with "." are."""
    lines = ["会议期间，代表们将审议多项法律草案，并听取政府工作报告和其他报告。",
             "代表们表示，将认真履行职责，积极建言献策，推动各项工作取得新进展。",
             "本次会议将持续七天，闭幕时将表决通过有关决议和法律。"]
    html = ("<html><head><title>会议开幕</title></head><body><div class='nav'><a href='/'>首页"
            "</a></div><div id='artibody'><p>" + "<br>".join(f"\u3000\u3000{line}" for line in lines)
            + "</p></div></body></html>")
    assert _paragraphs(html) == lines


def _flat_header_page(between: str) -> str:
    """Headline, byline, lead and the body's block side by side in one container."""
    headline = "Council votes to expand the tram network by 2027"
    main = "".join(f"<p>{t} {t}</p>" for t in _SECTIONS)
    return (f"<html><head><title>{headline} | Example News</title></head><body>"
            "<div class='layout'><div class='article-container'>"
            f"<span class='kicker'>Transport</span><h1>{headline}</h1>{between}"
            f"<div class='article-text'>{main}<p>{PROSE}</p></div></div>"
            "<div class='more'><ul>" + "".join(
                f"<li><a href='/n{i}'>Other headline number {i}</a></li>" for i in range(8))
            + "</ul></div></div></body></html>")


def test_lead_beside_a_headline_set_straight_in_the_body_container_comes_first() -> None:
    # the h1 is itself the headline's branch: its next siblings before the body are the lead
    # when they are prose; a byline (ending like a sentence), a date line and a deck set as a
    # subheading are not
    between = ("<div class='byline'>By Jane Doe on Tuesday, June 12th, 2025 at 10:30 a.m.</div>"
               "<div class='date'>12.06.2025 10:32</div>"
               "<h2>The vote ends a debate that had divided the city for a decade.</h2>"
               f"<div class='opener'>{LEAD}</div>")
    paras = _paragraphs(_flat_header_page(between))
    assert paras[0] == LEAD
    assert PROSE in paras
    assert not any("Jane Doe" in p or "12.06.2025" in p or "divided the city" in p
                   for p in paras)


def test_drop_cap_paragraph_is_kept_once_and_whole() -> None:
    # trafilatura leaves out a hidden drop cap ("he city council ..."); the gap lines must
    # not add the page's whole line beside it, but mend the paragraph
    headline = "Council votes to expand the tram network by 2027"
    first = f"<p><span class='dropcap' aria-hidden='true'>{PROSE[0]}</span>{PROSE[1:]}</p>"
    html = (f"<html><head><title>{headline}</title></head><body><div class='story'>"
            f"<h1>{headline}</h1><div class='longform'>{first}<p>{PROSE2}</p><p>{PROSE3}</p>"
            "</div></div></body></html>")
    paras = _paragraphs(html)
    assert paras.count(PROSE) == 1
    assert PROSE[1:] not in paras


def _related_cards(heading: str, n: int = 6) -> str:
    cards = "".join(
        f'<article class="c c-d"><h2 class="c_t"><a href="/n/{i}">Another story number {i} '
        f'about the regional elections</a></h2><p class="c_d">A one-sentence lead of story {i} '
        f'that a reader might also want to open later.</p><div class="c_a">hace {i} h</div>'
        "</article>"
        for i in range(n))
    return f'<section class="b-r"><header><h3>{heading}</h3></header>{cards}</section>'


def test_related_cards_under_a_related_heading_dropped() -> None:
    """Cards (a linked headline over a lead) under "Noticias relacionadas" after a short
    article hold more text than it: neither trafilatura nor the link ratio took them."""
    html = _page(f"<p>{PROSE}</p><p>{PROSE2}</p>" + _related_cards("Noticias relacionadas"))
    joined = " ".join(_paragraphs(html))
    assert PROSE in joined and PROSE2 in joined
    assert "Another story number" not in joined and "one-sentence lead" not in joined


def test_listicle_cards_without_a_related_heading_stay() -> None:
    """A listicle's items have the cards' shape; without a "related" heading over them they
    are the article."""
    items = "".join(
        f'<div class="item"><h2><a href="/p/{i}">Product number {i} worth a look</a></h2>'
        f"<p>{PROSE3}</p></div>" for i in range(4))
    joined = " ".join(_paragraphs(_page(f"<p>{PROSE}</p>{items}")))
    assert "Product number 3 worth a look" in joined


LEAD_OF = ("Ужасный случай произошёл в районе {i}: подробности выясняют следователи, которые "
           "опросили соседей и свидетелей, а также изучили записи камер наблюдения во дворе. "
           "Местные жители рассказали, что и раньше жаловались в милицию на шум по ночам, но "
           "меры тогда так и не были приняты, а участковый ни разу не приходил к ним.....")


def _pictured_cards(heading: str, picture_to: str = "/n/{i}", n: int = 4) -> str:
    """An old CMS's "see also" cards (DataLife Engine-like): a picture linking to the story,
    its headline as a bold link, a lead of a paragraph (over ``CARD_MAX_OWN``) and "Читать
    новость..." to the same story, each card a ``div`` the parser lifts out of its ``p``."""
    cards = "".join(
        f"<p><div class='search2'><a href='{picture_to.format(i=i)}'><img src='/i/{i}.jpg' "
        f"alt=''></a> <a href='/n/{i}'><strong>Другая новость номер {i} о происшествии в "
        f"районе...</strong></a><br><br>{LEAD_OF.format(i=i)} <a href='/n/{i}'>Читать "
        "новость...</a></div></p>" for i in range(n))
    return f"<h3>{heading}</h3>{cards}"


def test_pictured_cards_with_bold_headlines_under_a_see_also_heading_dropped() -> None:
    """Under "Смотрите также:", cards that open with their picture and set their headline in
    bold are teasers too, though their leads run longer than an unheaded card's."""
    paras = _paragraphs(_page(f"<p>{PROSE}</p><p>{PROSE2}</p>" + _pictured_cards(
        "Смотрите также:")))
    assert paras[:2] == [PROSE, PROSE2]
    joined = " ".join(paras)
    assert "Другая новость" not in joined and "Ужасный случай" not in joined
    assert "Читать новость" not in joined


def _sidebar_cards(n: int, picture_to: str = "/sr/{i}/") -> str:
    """Cards of a picture and a linked headline over a one-sentence lead (under
    ``CARD_MAX_OWN``) under a rubric's heading: "Спецрепортажи" in a sidebar."""
    cards = "".join(
        f"<div class='news'><a href='{picture_to.format(i=i)}'><img src='/i/{i}.jpg' alt=''>"
        f"</a><div><a href='/sr/{i}/'>Спецрепортаж номер {i} о жизни района</a><span>Короткий "
        f"анонс репортажа {i} для читателей сайта</span></div></div>" for i in range(n))
    return f"<div class='specrep'><h2>Спецрепортажи</h2>{cards}</div>"


def test_pictured_cards_go_under_any_heading() -> None:
    """Three cards or more whose picture and headline link to the same page are a teaser
    grid wherever they stand."""
    paras = _paragraphs(_page(f"<p>{PROSE}</p><p>{PROSE2}</p>{_sidebar_cards(4)}"))
    assert paras[:2] == [PROSE, PROSE2]
    assert "Спецрепортаж номер" not in " ".join(paras)


def _shop_cards(n: int = 4, anchor: str = "") -> str:
    """A shopping listicle's items: picture and name both link the shop's product page."""
    return "".join(
        f"<div class='product'>{anchor}<a href='https://shop.example.com/dp/{i}'><img "
        f"src='/i/{i}.jpg' alt=''></a><a href='https://shop.example.com/dp/{i}'>Sewing machine model {i} "
        f"for beginners</a><p>This is the most affordable machine on this list, and model {i} "
        "still sews denim without tension problems; I have used one for years and it handles "
        "knits well too, which matters when you make clothes.</p></div>"
        for i in range(n))


@pytest.mark.parametrize("cards", [
    _shop_cards(),  # another site's pages: a shopping listicle's items, the article
    _shop_cards(anchor="<a name='item'></a>"),  # (a place to jump to is no link of the card)
    _sidebar_cards(4, "/gallery/{i}.jpg"),  # a picture linking elsewhere than its headline
    _sidebar_cards(2),  # two alone, under no "related" heading
    _pictured_cards("Смотрите также:", "/gallery/{i}"),
], ids=["shop", "shop-anchored", "picture-elsewhere", "two", "related-picture-elsewhere"])
def test_pictured_cards_without_the_evidence_stay(cards: str) -> None:
    joined = " ".join(_paragraphs(_page(f"<p>{PROSE}</p><p>{PROSE2}</p>{cards}")))
    assert any(line in joined for line in (
        "Спецрепортаж номер 1", "Ужасный случай произошёл в районе 1", "model 1 still sews"))


def test_anchor_teaser_block_between_paragraphs_dropped() -> None:
    """An ``<a>`` set as a block between paragraphs, a label over another article's
    headline, is a teaser: before, it came out glued ("RelatedDiscounters grab…")."""
    teaser = ('<a class="story-link-card" href="/b/1"><span class="label">Related</span>'
              '<span class="title">Discounters grab record share of grocery market</span></a>')
    html = _page(f"<div class='body'><p>{PROSE}</p>{teaser}<p>{PROSE2}</p><p>{PROSE3}</p></div>")
    paras = _paragraphs(html)
    assert paras[:3] == [PROSE, PROSE2, PROSE3]
    assert "Discounters" not in " ".join(paras)


def test_anchor_inside_running_text_stays() -> None:
    """A linked phrase in a container's running text is part of a sentence."""
    linked = '<a href="/x"><span>the new</span> <span>tram line</span></a>'
    html = _page(f"<div class='body'><p>{PROSE}</p>Officials opened {linked} on Monday "
                 f"morning after years of delays.<p>{PROSE2}</p></div>")
    assert "tram line" in " ".join(_paragraphs(html))


def test_a_standfirst_set_in_bold_atop_the_body_comes_first() -> None:
    """A lead set apart in bold at the top of the body's block (``<div class="article-lead">
    <strong>…</strong></div>``), which trafilatura drops on a full page, comes first when the
    gaps are filled; a bold date line there does not, nor a lead above a first match that is
    no first paragraph."""
    lead = "From July, rubbish collection will cost more in a dozen cities. We checked where."
    root = lxml.html.document_fromstring(
        f"<html><body><div class='article-body'><div class='article-lead'><strong>{lead}"
        "</strong></div><div class='date'><strong>12.06.2025, 07:00</strong></div>"
        + "".join(f"<div class='_x1'><p>{p}</p></div><div class='ad'>Reklama</div>"
                  for p in (PROSE, PROSE2, PROSE3)) + "</div></body></html>")
    blocks, stats = [root.find(".//div")], generic.text_stats(root)

    def filled(kept: list[str]) -> list[str]:
        return generic._fill_gaps(kept, [generic._tokens(p) for p in kept], blocks, stats)

    assert filled([PROSE, PROSE2, PROSE3]) == [lead, PROSE, PROSE2, PROSE3]
    assert filled([PROSE2, PROSE3]) == [lead, PROSE2, PROSE3]  # PROSE: no gap's prose test
    assert lead not in filled([PROSE3, PROSE])  # the first line met is kept[1]


def test_a_code_block_whose_lines_carry_empty_anchors_stays_in_its_step() -> None:
    """MkDocs Material anchors each line of a code block (``<a id="__codelineno-0-1" …></a>``);
    trafilatura dropped such a block inside a numbered step, the command lost."""
    anchor = '<a id="__codelineno-0-{n}" name="__codelineno-0-{n}" href="#__codelineno-0-{n}"></a>'
    code = ('<div class="highlight"><pre><span></span><code>'
            f'{anchor.format(n=1)}pip install quillstack\n'
            f'{anchor.format(n=2)}quillstack serve --port 8080\n</code></pre></div>')
    steps = (f"<ol><li><p>Install the package and start the server:</p>{code}</li>"
             "<li><p>Open the address it prints in a browser.</p></li></ol>")
    text = generic_text(_page(f"<p>{PROSE}</p>{steps}<p>{PROSE2}</p><p>{PROSE3}</p>"),
                        "https://example.com/a")
    assert "pip install quillstack" in text and "quillstack serve --port 8080" in text
    assert "Open the address it prints" in text


def test_a_tables_cells_set_in_paragraphs_keep_their_times_and_dates() -> None:
    """A table written in Word or Sphinx sets each cell's value in a ``<p>``: trafilatura's
    cells then hold blocks, the rows read as a layout's, and ``meta_lines`` took the cells
    that are times or dates for stamps."""
    rows = "".join(f"<tr><td><p>{a}</p></td><td><p>{b}</p></td><td><p>{c}</p></td></tr>"
                   for a, b, c in (("Departure", "Arrival", "Date"),
                                   ("09:30", "11:45", "2024-05-04"),
                                   ("14:30", "16:45", "2024-05-05")))
    paras = _paragraphs(_page(f"<p>{PROSE}</p><table>{rows}</table><p>{PROSE2}</p>"
                              f"<p>{PROSE3}</p>"))
    assert {"09:30", "11:45", "2024-05-04", "14:30", "16:45", "2024-05-05"} <= set(paras)
    assert paras[0] == PROSE and paras[-2:] == [PROSE2, PROSE3]


def test_a_date_line_in_a_layout_tables_cell_is_still_a_stamp() -> None:
    """One row of paragraph cells (an old page set in a table: the date line beside the text)
    is no data table: the date line goes."""
    row = (f"<table><tr><td><p>05.01.2026 10:00</p></td><td><p>{PROSE}</p><p>{PROSE2}</p>"
           f"<p>{PROSE3}</p></td></tr></table>")
    paras = _paragraphs(_page(row))
    assert "05.01.2026 10:00" not in paras and PROSE2 in paras


@pytest.mark.parametrize("name", ["comentarios", "comentarios-lista", "kommentare",
                                  "komentarze", "talkback"])
def test_a_comment_block_named_in_another_language_beside_the_article_is_left_out(
        name: str) -> None:
    """``quiet_siblings`` takes back a block beside the article with next to no links unless
    its name says boilerplate: readers' comments named in Spanish, German, Polish or as a
    Hebrew site's "talkback" said nothing to it (trafilatura drops English "comments")."""
    main = "".join(f"<p>{t} {t}</p>" for t in _SECTIONS)
    page = ("<html><head><title>t</title></head><body><article>"
            f"<div class='story-body'>{main}<p>{PROSE}</p></div>"
            f"<div class='{name}'><p>{PROSE2}</p><p>{PROSE3}</p></div>"
            "</article></body></html>")
    text = "\n".join(_paragraphs(page))
    assert _SECTIONS[0] in text
    assert PROSE2 not in text and PROSE3 not in text
    kept = "\n".join(_paragraphs(page.replace(f"class='{name}'", "class='box'")))
    assert PROSE2 in kept and PROSE3 in kept  # the same block unnamed is the article's


def test_a_hidden_rest_set_before_its_read_more_control_is_shown_whole() -> None:
    """The hidden rest of an article standing before its "Читать далее" control repeats no
    teaser: it was taken for one of itself and dropped, the item held the first lines."""
    rest = f"<p>{PROSE2}</p><p>{PROSE3}</p>"
    page = _page(f"<p>{PROSE}</p><div class='article-full' style='display:none'>{rest}</div>"
                 "<a href='#' class='read-more'>Читать далее</a>")
    paras = _paragraphs(page)
    assert paras[:3] == [PROSE, PROSE2, PROSE3] and "Читать далее" not in paras


def test_an_accordions_questions_set_in_toggles_are_read_with_their_answers() -> None:
    """An explainer's accordion: each question a toggle button in a heading (or asking), the
    answer in a panel. trafilatura takes a button's text for a control's: the answers stayed,
    their questions were lost."""
    items = [("Who pays for the new line?", PROSE), ("When do the works start", PROSE2)]
    accordion = "".join(
        f"<div class='faq-item'><h3><button aria-expanded='false' aria-controls='a{n}'>{q}"
        f"</button></h3><div id='a{n}' class='faq-panel'><p>{a}</p></div></div>"
        for n, (q, a) in enumerate(items))
    asking = ("<div class='faq-item'><button aria-expanded='true'>Will fares go up?</button>"
              f"<div class='faq-panel'><p>{PROSE3}</p></div></div>")
    paras = _paragraphs(_page(f"<p>{PROSE3} {PROSE}</p>{accordion}{asking}"))
    assert paras[1:7] == ["Who pays for the new line?", PROSE, "When do the works start",
                          PROSE2, "Will fares go up?", PROSE3]


def test_a_pull_quote_repeating_the_text_counts_once() -> None:
    quote = "A tram line is a promise a city makes for fifty years"
    body = (f"<p>{PROSE}</p><blockquote class='pullquote'><p>“{quote}”</p></blockquote>"
            f"<p>{PROSE2} As the mayor put it, {quote.lower()}.</p><p>{PROSE3}</p>")
    paras = _paragraphs(_page(body))
    assert not [p for p in paras if p.strip("“”") == quote]
    assert paras == [PROSE, f"{PROSE2} As the mayor put it, {quote.lower()}.", PROSE3]
    alone = body.replace(f" As the mayor put it, {quote.lower()}.", "")
    assert f"“{quote}”" in _paragraphs(_page(alone))  # a quote found nowhere else stays


def test_a_photograph_credit_is_no_body() -> None:
    paras = _paragraphs(_page(f"<p>{PROSE}</p><p>Photograph: Jane Doe/Reuters</p>"
                              f"<p>{PROSE2}</p><p>{PROSE3}</p>"))
    assert paras == [PROSE, PROSE2, PROSE3]


def test_pull_quotes_are_judged_up_to_a_bound_a_page() -> None:
    """Each pull quote is looked for in the page's whole text: a page naming thousands so would
    cost that many reads of it. Past ``PULL_QUOTES_MAX`` they stay, as before the rule."""
    from crawler.extraction.generic import PULL_QUOTES_MAX

    quotes = [f"Quote number {n} from the long council session about the new tram line"
              for n in range(PULL_QUOTES_MAX + 8)]
    body = "".join(f"<blockquote class='pullquote'><p>{q}</p></blockquote><p>{PROSE} {q}.</p>"
                   for q in quotes)
    paras = _paragraphs(_page(body))
    assert [p for p in paras if p in quotes] == quotes[PULL_QUOTES_MAX:]


SITE_BODY = [f"Абзац {i}: учёные выяснили, что яйца и курица помогают сохранить память у пожилых "
             "людей, сообщает журнал." for i in range(4)]


def _site_named_page(name: str) -> str:
    """An article whose text opens with the site's logo text and ends with its host."""
    return ("<html><head><title>Яйца помогают памяти - Правда.Ру</title><meta property="
            "'og:site_name' content='Правда.Ру'/></head><body><article>"
            f"<p>{name}</p><h1>Яйца помогают памяти</h1>"
            + "".join(f"<p>{p}</p>" for p in SITE_BODY) + "<p>pravda.ru</p></article></body></html>")


def test_the_sites_own_name_at_the_texts_edges_is_no_body() -> None:
    """``site_name_edges``: its ``og:site_name`` or its host alone on a line that opens or
    ends the text."""
    url = "https://www.pravda.ru/news/1/"
    assert generic_text(_site_named_page("Правда.Ру"), url) == "\n\n".join(SITE_BODY)
    assert generic_text(_site_named_page("www.pravda.ru"), url) == "\n\n".join(SITE_BODY)


def test_another_name_at_the_texts_edge_stays() -> None:
    """Only the site's own name: another outlet's name alone is left to the other steps."""
    text = generic_text(_site_named_page("Известия"), "https://www.pravda.ru/news/1/")
    assert text.split("\n\n") == ["Известия", *SITE_BODY]


DESCRIBED = ("Doctors at the regional hospital replaced the hip joint of a patient aged one "
             "hundred, the first such operation in the country, the hospital said on Monday.")
DESCRIBED_HEADLINE = "Hospital replaces the hip of a patient aged one hundred"
_STANDFIRST = f"<div class='text_desc'><span>{DESCRIBED}</span></div>"


def _described_page(description: str, above: str = _STANDFIRST, top: str = "",
                    opening: str = "") -> str:
    """A news page whose standfirst sits in a block of its own between the headline and the
    body's block (trafilatura drops it), the page's meta description repeating a text."""
    menu = "".join(f'<li><a href="/s{i}">Section {i}</a></li>' for i in range(12))
    body = "".join(f"<p>{p}</p>" for p in (PROSE, PROSE2, PROSE3))
    return (f"<html><head><title>{DESCRIBED_HEADLINE} | Example News</title>"
            f'<meta name="description" content="{description}"></head><body>'
            f"<div class='top'><ul class='menu'>{menu}</ul>{top}</div>"
            f"<div class='main'><div class='news'><h1>{DESCRIBED_HEADLINE}</h1>"
            f"<div class='date'>17.01.2012 10:32</div>{above}"
            f"<div class='text'>{opening}{body}</div></div>"
            "<div class='copy'>© 2024 Example Media</div></div></body></html>")


@pytest.mark.parametrize("description", [
    DESCRIBED, DESCRIBED[:100].rsplit(" ", 1)[0] + "…"], ids=["whole", "cut"])
def test_a_standfirst_the_meta_description_repeats_comes_first(description: str) -> None:
    # trafilatura drops the block between the headline and the body; the page's own summary
    # of itself, word for word (or cut short with an ellipsis), says it is the lead
    assert _paragraphs(_described_page(description)) == [DESCRIBED, PROSE, PROSE2, PROSE3]


def _teaser_card(i: int, teaser: str) -> str:
    return (f"<div class='item'><a href='/n{i}'>Another story number {i} on the region</a>"
            f"<p>{teaser}</p></div>")


_OTHER_TEASER = "A different teaser about the weather that nobody asked for, long enough to count."


@pytest.mark.parametrize("kind", ["teaser_box", "named_related_box", "header_template",
                                  "header_template_and_lead"])
def test_a_described_text_in_a_teaser_or_the_header_is_no_lead(kind: str) -> None:
    # the description equals a teaser of another article in a box above the body, or a
    # slogan in the site's header (alone, or beside a block above the body that repeats it):
    # a template's text, not this page's lead
    cards = "".join((_teaser_card(1, DESCRIBED), _teaser_card(2, _OTHER_TEASER),
                     _teaser_card(3, _OTHER_TEASER.replace("weather", "trains"))))
    page = {
        "teaser_box": _described_page(DESCRIBED, above=f"<div class='box'>{cards}</div>"),
        "named_related_box": _described_page(DESCRIBED,
                                             above=f"<div class='related'>{cards}</div>"),
        "header_template": _described_page(DESCRIBED, above="",
                                           top=f"<div class='slogan'>{DESCRIBED}</div>"),
        "header_template_and_lead": _described_page(
            DESCRIBED, top=f"<div class='slogan'>{DESCRIBED}</div>"),
    }[kind]
    assert _paragraphs(page) == [PROSE, PROSE2, PROSE3]


def test_a_described_lead_the_body_already_holds_is_not_added() -> None:
    paras = _paragraphs(_described_page(DESCRIBED, above="", opening=f"<p>{DESCRIBED}</p>"))
    assert paras == [DESCRIBED, PROSE, PROSE2, PROSE3]


@pytest.mark.parametrize("opening", [
    DESCRIBED.replace(" replaced ", " have replaced "),
    DESCRIBED.replace("aged one hundred", "aged 100")], ids=["word_added", "number_written"])
def test_a_described_lead_the_body_restates_changed_is_not_added(opening: str) -> None:
    # the body's first paragraph says the summary again, a little changed: the lead put
    # first would print it twice
    paras = _paragraphs(_described_page(DESCRIBED, opening=f"<p>{opening}</p>"))
    assert paras == [opening, PROSE, PROSE2, PROSE3]


TAGLINE = ("Your trusted source for local news, weather, sports and community events in the "
           "greater river valley area.")


def test_a_tagline_above_the_body_is_no_lead_without_a_headline() -> None:
    # a hero block in the main column holds the site's tagline (its meta description too);
    # no headline the title confirms is found, so nothing tells a standfirst's place
    page = _described_page(TAGLINE, above=f"<div class='hero'><p>{TAGLINE}</p></div>")
    page = page.replace(f"<h1>{DESCRIBED_HEADLINE}</h1>", "<div class='ttl'>Hip op</div>")
    assert _paragraphs(page) == [PROSE, PROSE2, PROSE3]


@pytest.mark.parametrize("block", [
    f"<div class='wp-caption'><img src='/x.jpg'><span>{DESCRIBED}</span></div>",
    f"<div class='photo'><img src='/x.jpg'><span class='src'>{DESCRIBED}</span></div>",
    f"<div class='image-credit'><span>{DESCRIBED}</span></div>"],
    ids=["wp_caption", "photo_with_img", "credit_named"])
def test_a_described_caption_above_the_body_is_no_lead(block: str) -> None:
    # the summary repeated as a picture's caption: a photo's text, not the standfirst
    assert _paragraphs(_described_page(DESCRIBED, above=block)) == [PROSE, PROSE2, PROSE3]


def test_a_single_related_card_with_the_description_is_no_lead() -> None:
    # one card (a link to another page and its summary) above the body: a teaser, even alone
    card = (f"<div class='card'><a href='/other/9'>Hospital in another city does it too</a>"
            f"<p>{DESCRIBED}</p></div>")
    assert _paragraphs(_described_page(DESCRIBED, above=card)) == [PROSE, PROSE2, PROSE3]

from crawler.extraction.normalize import clean_line, clean_paragraphs, join_paragraphs


def test_nfc_and_invisible_characters() -> None:
    decomposed = "Беларусь и\u0306"  # й as и + combining breve
    assert clean_line(decomposed) == "Беларусь й"
    assert clean_line("соф\u00adтовый\u200b текст\ufeff") == "софтовый текст"


def test_zero_width_joiners_stay_only_where_a_script_spells_with_them() -> None:
    """Persian glues a word's parts with ZWNJ ("می‌گویند", "کتاب‌ها": without it the reader
    sees, and a tokenizer counts, another word); Indic conjuncts and emoji sequences need
    ZWJ. In a Cyrillic or Latin word, or opening a line, either is as invisible as a soft
    hyphen and goes."""
    persian = "آنها می\u200cگویند کتاب\u200cها"
    assert clean_line(persian) == persian
    assert clean_line("क्\u200dष 👩\u200d💻") == "क्\u200dष 👩\u200d💻"
    assert clean_line("при\u200cвет wo\u200drld \u200cтекст") == "привет world текст"
    assert clean_line("\u200c\u200d") == ""


def test_odd_spaces_collapse_to_one() -> None:
    assert clean_line("  1,5\u00a0%\u202fналогов\t\tи\n\nвсё  ") == "1,5 % налогов и всё"


def test_controls_vanish_and_control_spaces_are_spaces() -> None:
    # pins what the one-pass clean_line keeps of the table it replaced
    assert clean_line("a\x0cb\x0bc\x07d\x1fe\x00f\x7fg\x85h\u2028i\u3000j\u2060k") == (
        "a b cdefg h i jk")


def test_quotes_and_dashes_are_left_alone() -> None:
    line = "«Мы — вместе», – сказал он. \u201cQuoted\u201d - ok"
    assert clean_line(line) == line


def test_back_to_back_repeats_kept_once_but_not_distant_ones() -> None:
    paragraphs = ["Фото: Reuters", "Фото: Reuters", "Текст.", "", "  ", "Текст.", "Фото: Reuters"]
    assert clean_paragraphs(paragraphs) == ["Фото: Reuters", "Текст.", "Фото: Reuters"]


def test_join_uses_one_blank_line() -> None:
    assert join_paragraphs(["Первый.", "Второй."]) == "Первый.\n\nВторой."


def test_lines_of_only_invisible_characters_are_no_paragraphs() -> None:
    """Blank letters (Hangul fillers, the Braille blank), format marks (bidi, the combining
    grapheme joiner, the Mongolian vowel separator) and lone combining marks show nothing: a
    paragraph of them only is an empty one; in a line with text they stay where they are."""
    blank = ["\u180e\u2800", "\u115f\u1160\u3164\uffa0", "\u034f\u061c\u200e\u200f",
             "\u202a\u202b\u202c\u202d\u202e", "\u2066\u2067\u2068\u2069", "\u0301\u0308",
             "\u2028\u2029", "\ufe0f\u2063"]
    assert clean_paragraphs(["Текст.", *blank, "Ещё текст."]) == ["Текст.", "Ещё текст."]
    assert all(clean_line(line) == "" for line in blank)
    assert clean_line("\u200fשלום\u200e text") == "\u200fשלום\u200e text"


def test_entities_escaped_twice_are_read_as_the_characters() -> None:
    """A CMS that escapes text already escaped shows ``&quot;`` on the page (and in og:title);
    the item has the quote. Text that only looks like an entity stays."""
    assert clean_line("&quot;Белшина&quot; &amp; партнёры &laquo;рекорд&raquo; &#171;года&#187;"
                      ) == "\"Белшина\" & партнёры «рекорд» «года»"
    assert clean_line("&amp;amp;quot;дважды&amp;quot;") == "\"дважды\""
    assert clean_line("AT&T, R&D; &copy2020, &P350; &") == "AT&T, R&D; &copy2020, &P350; &"


def test_a_title_only_in_og_title_escaped_twice_reads_as_written() -> None:
    from crawler.extraction import extract_article
    from crawler.items import ArticlePage

    og = "&amp;quot;Белшина&amp;quot; &amp;mdash; чемпион &amp;#171;года&amp;#187;"
    body = "".join(f"<p>Абзац {i}: футбольный клуб провёл сезон без поражений.</p>"
                   for i in range(4))
    html = (f'<html><head><meta property="og:title" content="{og}"></head><body>'
            f"<div class='article-body'>{body}</div></body></html>")
    article = extract_article(ArticlePage(
        url="https://example.org/sport/2026/01/05/belshina/", outlet="", body=html.encode(),
        headers={"Content-Type": "text/html; charset=utf-8"}, status=200,
        fetched_at="2026-01-05T12:00:00+00:00"))
    assert article.title == "\"Белшина\" — чемпион «года»"


def test_noncharacters_xml_refuses_vanish() -> None:
    # U+FFFE and U+FFFF (&#xFFFE; in a page) are no text: lxml refuses to store them again
    assert clean_line("a\ufffeb\uffffc") == "abc"

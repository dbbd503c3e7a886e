from crawler.extraction.normalize import clean_line, clean_paragraphs, join_paragraphs


def test_nfc_and_invisible_characters() -> None:
    decomposed = "Беларусь и\u0306"  # й as и + combining breve
    assert clean_line(decomposed) == "Беларусь й"
    assert clean_line("соф\u00adтовый\u200b текст\ufeff") == "софтовый текст"


def test_odd_spaces_collapse_to_one() -> None:
    assert clean_line("  1,5\u00a0%\u202fналогов\t\tи\n\nвсё  ") == "1,5 % налогов и всё"


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

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

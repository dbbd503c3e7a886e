import codecs
import unicodedata

import pytest

from crawler.extraction import encoding
from crawler.extraction.encoding import cyrillic_plausibility, decode_html

TEXT = "Съешь же ещё этих мягких французских булок, да выпей чаю. Президент провёл встречу."


def page(charset_meta: str | None = None) -> str:
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    return f"<html><head>{meta}</head><body><p>{TEXT}</p></body></html>"


def test_header_charset_wins_when_the_bytes_agree() -> None:
    text, codec = decode_html(page().encode("cp1251"), "text/html; charset=windows-1251")
    assert TEXT in text and codec == "cp1251"


def test_charset_only_in_meta() -> None:
    text, codec = decode_html(page("windows-1251").encode("cp1251"), "text/html")
    assert TEXT in text and codec == "cp1251"
    text, codec = decode_html(page("koi8-r").encode("koi8_r"), None)
    assert TEXT in text and codec == "koi8-r"


def test_wrong_declarations_are_not_believed() -> None:
    # UTF-8 declared, windows-1251 sent
    text, _ = decode_html(page().encode("cp1251"), "text/html; charset=utf-8")
    assert TEXT in text and "\ufffd" not in text
    # windows-1251 declared, UTF-8 sent
    text, codec = decode_html(page().encode("utf-8"), "text/html; charset=windows-1251")
    assert TEXT in text and codec == "utf-8"
    # KOI8-R bytes, windows-1251 declared in meta
    text, codec = decode_html(page("windows-1251").encode("koi8_r"), None)
    assert TEXT in text and codec == "koi8-r"


def test_no_declaration_detects_cyrillic_single_byte() -> None:
    text, codec = decode_html(page().encode("cp1251"), None)
    assert TEXT in text and codec == "cp1251"


def test_bom_and_nul_bytes() -> None:
    text, codec = decode_html(b"\xef\xbb\xbf" + page().encode("utf-8").replace(b"<p>", b"<p>\x00"))
    assert codec == "utf-8" and TEXT in text and "\x00" not in text


def test_case_share_separates_codecs() -> None:
    assert cyrillic_plausibility(TEXT) > 0.8
    assert cyrillic_plausibility(TEXT.encode("cp1251").decode("koi8_r")) < 0.3


def test_a_latin_page_its_server_calls_latin_1_is_read_so() -> None:
    """The other side of a short windows-1251 feed a server calls ISO-8859-1 (read as
    windows-1251 now): a short French or German page declared ISO-8859-1
    is Latin, though windows-1251 reads its accented letters as Cyrillic ("cafй")."""
    for text in ("<p>Un café très bon à Paris</p>", "<p>Größe Übung für Mädchen</p>"):
        assert decode_html(text.encode("latin-1"), "text/html; charset=ISO-8859-1") == (
            text, "iso8859-1")



@pytest.mark.parametrize(("text", "charset"), [
    ("<p>Rendez-vous à 18h</p>", "iso-8859-1"), ("<p>À la une</p>", "iso-8859-1"),
    ("<p>à</p>", "windows-1252"), ("<p>Zażółć gęślą jaźń</p>", "iso-8859-2"),
    ("<p>Zażółć gęślą jaźń</p>", "windows-1250"),
])
def test_a_short_latin_page_under_its_latin_header_is_read_so(text: str, charset: str) -> None:
    """A few Latin words under their own charset: no Cyrillic reading of their accented
    letters ("à" is "а" in windows-1251) overrules what the server says."""
    assert decode_html(text.encode(charset), f"text/html; charset={charset}")[0] == text


@pytest.mark.parametrize("label", ["undefined", "idna", "punycode", "base64", "utf-7",
                                   "unicode-escape"])
def test_a_label_naming_a_python_codec_that_is_no_charset_is_none(label: str) -> None:
    """``charset=undefined``, ``idna`` or ``punycode`` raised out of decoding the page (the
    codecs refuse "replace" or every byte); ``utf-7`` and ``unicode-escape`` read its markup
    as other text. Such a label is no declaration: the bytes are judged as undeclared."""
    for content_type, body in ((f"text/html; charset={label}", page()),
                               ("text/html", page(label))):
        text, codec = decode_html(body.encode("cp1251"), content_type)
        assert TEXT in text and codec == "cp1251"


LATIN_TEXTS = [
    ("cp1252", "Le président a annoncé une réforme. Les élèves étaient très déçus ; où est le "
               "café ? Noël à Montréal, ça coûte cher. L'été dernier, la forêt brûlait."),
    ("cp1252", "À Paris, l’hôpital reçoit « des patients » — déjà nombreux… Œuvre ; sœur aînée."),
    ("cp1252", "Die Bürger müssen größere Schäden befürchten. Übermorgen wird die Straße geöffnet."),
    ("cp1252", "El niño español comió piña en la montaña. ¿Qué pasó? ¡Año nuevo! La canción."),
    ("cp1252", "La città è più bella perché c'è il sole. Però l'università è già chiusa."),
    ("cp1252", "A população não está satisfeita com a situação econômica. São Paulo é a maior."),
    ("cp1252", "Sjukhuset i Göteborg har fått nya läkare. Även på Åland är det kallt."),
    ("cp1250", "Zażółć gęślą jaźń. Prezydent powiedział, że rząd będzie pracował nad ustawą."),
    ("cp1250", "Příliš žluťoučký kůň úpěl ďábelské ódy. Vláda schválila nový zákon."),
    ("cp1250", "Árvíztűrő tükörfúrógép. A kormány új törvényt fogadott el, mondta a miniszter."),
    ("cp1257", "Lietuvos vyriausybė priėmė naują įstatymą dėl aplinkos apsaugos. Šiandien šilta."),
    ("cp1257", "Latvijas valdība pieņēma jaunu likumu par vides aizsardzību. Šodien Rīgā silts."),
    ("cp1254", "Türkiye'de hükümet yeni bir yasa kabul etti. İstanbul'da çocuklar şarkı söylüyor, "
               "ağaçlar yeşil."),
    ("iso8859-2", "Prezydent powiedział, że rząd będzie pracował nad ustawą. Łódź, środa."),
    ("iso8859-2", "Příliš žluťoučký kůň úpěl ďábelské ódy. Vláda schválila nový zákon."),
    ("cp1252", "He said “hello” — and left… It’s £5 now, at the café."),
]


@pytest.mark.parametrize(("charset", "text"), LATIN_TEXTS, ids=lambda v: v[:12])
def test_undeclared_latin_text_is_read_in_its_own_charset(charset: str, text: str) -> None:
    """Undeclared single-byte Latin-script text: charset_normalizer scores windows-1250,
    -1252, -1257, -1258 alike and took one at random (French read as windows-1250: "trčs",
    "ŕ Montréal"; Lithuanian and Turkish as windows-1250). The charset whose reading is one
    language's letters is taken; where they read alike (German), windows-1252."""
    for times in (1, 20):
        body = ("<html><body>" + f"<p>{text}</p>" * times + "</body></html>").encode(charset)
        decoded, codec = decode_html(body, "text/html")
        assert text in decoded
        assert codec == ("cp1252" if "Straße" in text else charset)  # German: any of them


def test_the_charset_guess_reads_the_high_bytes_wherever_they_lie() -> None:
    """An undeclared page whose first 64 KiB are ASCII and whose French text comes after:
    the guess read the ASCII only and said ASCII, every accented letter a U+FFFD. The guess
    reads a bounded sample of the runs of high bytes, at most GUESS_SAMPLE bytes."""
    text = LATIN_TEXTS[0][1]
    for size in (1 << 20, 20 << 20):
        body = b"<p>ascii</p>" * (size // 12) + f"<p>{text}</p>".encode("cp1252") * 3
        decoded, codec = decode_html(body, None)
        assert codec == "cp1252" and decoded.endswith(f"<p>{text}</p>")
        sample = encoding._guess_sample(body)
        assert len(sample) <= encoding.GUESS_SAMPLE and "très".encode("cp1252") in sample


@pytest.mark.parametrize("charset", ["cp1251", "koi8_r"])
def test_undeclared_cyrillic_is_no_latin_reading(charset: str) -> None:
    text, codec = decode_html(page().encode(charset), None)
    assert TEXT in text and codec == codecs.lookup(charset).name


def _cp1258(text: str) -> bytes:
    """Vietnamese in windows-1258 as written: a letter it lacks is a base letter it has and
    combining tone marks."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", char)
        for n, mark in enumerate(marks):
            try:
                out += (unicodedata.normalize("NFC", base + mark).encode("cp1258")
                        + "".join(marks[:n] + marks[n + 1:]).encode("cp1258"))
                break
            except UnicodeEncodeError:
                continue
    return out


@pytest.mark.parametrize(("body", "charset"), [
    (_cp1258("Chính phủ Việt Nam đã thông qua luật mới về bảo vệ môi trường. Hôm nay trời "
             "nóng, người dân vui vẻ."), "cp1258"),
    ("Η κυβέρνηση ενέκρινε νέο νόμο για την προστασία του περιβάλλοντος.".encode("cp1253"),
     "cp1253"),
])
def test_a_guess_no_latin_reading_reads_better_stands(body: bytes, charset: str) -> None:
    """Vietnamese in windows-1258 (its tone marks read in windows-1257 as Latvian letters)
    and Greek keep charset_normalizer's guess: no Latin reading is one language's."""
    text, codec = decode_html(b"<p>" + body + b"</p>", None)
    assert codec == charset
    assert unicodedata.normalize("NFC", text) == unicodedata.normalize(
        "NFC", "<p>" + body.decode(charset) + "</p>")


@pytest.mark.parametrize(("charset", "text"), [
    ("shift_jis_2004", "日本のニュース：政府は今日、新しい法律を可決した。"),
    ("shift_jisx0213", "東京の天気は晴れです。"),
    ("cp864", bytes(range(0xC1, 0xDB)).decode("cp864")),  # its Arabic presentation forms
])
def test_a_real_charset_python_knows_is_a_declaration(charset: str, text: str) -> None:
    """Rare charsets are charsets: only codecs no document is written in (undefined, idna,
    utf-7, the escape codecs) are no declaration; such pages were read as guesses."""
    assert encoding.normalise_charset("hz") == "hz"  # all ASCII: read as ASCII whatever said
    body = f"<html><body><p>{text}</p></body></html>".encode(charset)
    decoded, codec = decode_html(body, f"text/html; charset={charset}")
    assert text in decoded and codec == codecs.lookup(charset).name


@pytest.mark.parametrize(("charset", "text", "times"), [
    ("cp1250", "Wiadomości z kraju. ", 1),  # "ś" is French "œ" in windows-1252: a tie
    ("cp1250", "Wiadomości z kraju. ", 20),
    # "ư" and its tone mark are Czech "ýě" in windows-1250 (two bytes alone are no evidence)
    ("cp1258", "Tin t\u01b0\u0301c ", 20),
])
def test_a_guess_tied_with_another_reading_stands(charset: str, text: str, times: int) -> None:
    """Undeclared Latin-script text two charsets read as one language's letters each:
    charset_normalizer's guess stands (windows-1252 took the tie: "Wiadomoœci"; Vietnamese
    was read as Czech). windows-1252 takes a tie only where the readings are the same."""
    body = ("<html><body><p>" + text * times + "</p></body></html>").encode(charset)
    decoded, codec = decode_html(body, None)
    assert text * times in decoded and codec == charset


def test_a_short_cyrillic_title_over_an_english_page_is_read_in_its_charset() -> None:
    """The guess judges the first bytes of a page as it did (it read this title right), and
    later runs of high bytes besides: judged on its high bytes alone, the title was Big5."""
    title = "Як справы?"
    body = (f"<html><head><title>{title}</title></head><body><p>"
            + "Hello world, this is an English page. " * 30 + "</p></body></html>")
    decoded, codec = decode_html(body.encode("cp1251"), None)
    assert codec == "cp1251" and decoded == body


@pytest.mark.parametrize("label", ["us-ascii", "ascii"])
def test_a_page_declared_ascii_holding_high_bytes_is_read_as_undeclared(label: str) -> None:
    """``charset=us-ascii`` over windows-1252 French: every accented letter was U+FFFD. High
    bytes say the label is wrong: they are judged as undeclared."""
    french = LATIN_TEXTS[0][1]
    for content_type, meta in ((f"text/html; charset={label}", ""),
                               ("text/html", f'<meta charset="{label}">')):
        body = f"<html><head>{meta}</head><body><p>{french}</p></body></html>"
        text, codec = decode_html(body.encode("cp1252"), content_type)
        assert french in text and codec == "cp1252"

"""Date parsing for the forms the outlets print: ISO 8601, long dates (Russian, Belarusian,
Ukrainian, English, Polish, German month names, and those of a dozen more languages other
sites print), DD.MM.YYYY, with a time before or after; weekday names."""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Iterator
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from crawler.siteoutlets import first_known_zone

# Cyrillic month stems (genitive and nominative): a month word starts with one of these.
_MONTHS = {
    # Russian and Belarusian
    "январ": 1, "студзен": 1, "феврал": 2, "лют": 2, "март": 3, "сакавік": 3, "апрел": 4,
    "красавік": 4, "ма": 5, "травен": 5, "травн": 5, "траўн": 5, "июн": 6, "чэрвен": 6,
    "июл": 7, "ліпен": 7, "ліпн": 7, "август": 8, "жнівен": 8, "жніўн": 8, "жнівн": 8,
    "сентябр": 9, "верасн": 9, "верасен": 9, "октябр": 10, "кастрычнік": 10, "ноябр": 11,
    "лістапад": 11, "декабр": 12, "снежн": 12, "снежан": 12,
    # Belarusian in the classical spelling (Наша Ніва, Свабода): "верасьня", "сьнежня"
    "верась": 9, "сьнеж": 12,
    # Ukrainian (лютого, травня share the stems above)
    "січ": 1, "берез": 3, "квіт": 4, "черв": 6, "лип": 7, "серп": 8, "верес": 9, "жовт": 10,
    "листопад": 11, "груд": 12,
}
# Cyrillic abbreviations, whole words only ("1 дек. 2026", "3 ноя 2026", "2 снеж", "2 гру"):
# as stems they would take "декрет" or "маршрут" for months.
_ABBREVIATIONS = {
    "янв": 1, "фев": 2, "февр": 2, "мар": 3, "апр": 4, "июн": 6, "июл": 7, "авг": 8, "сен": 9,
    "сент": 9, "окт": 10, "ноя": 11, "нояб": 11, "дек": 12,
    "студз": 1, "студ": 1, "сак": 3, "крас": 4, "трав": 5, "чэрв": 6, "ліп": 7, "жнів": 8, "вер": 9,
    "кастр": 10, "каст": 10, "ліст": 11, "снеж": 12,
    "бер": 3, "лис": 11, "лист": 11, "гру": 12,  # (квіт, серп, жовт: stems above)
}
# Month names and abbreviations in Latin and Greek script, whole words: English, German,
# Polish; French, Spanish, Italian, Dutch, Portuguese, Czech (genitive), Greek (genitive, with
# and without accents: capitals drop them).
_LATIN_NAMES = (
    "january february march april may june july august september october november december",
    "jan feb mar apr may jun jul aug sep oct nov dec",
    "januar februar märz april mai juni juli august september oktober november dezember",
    "jänner feb mär apr mai jun jul aug sept okt nov dez",
    "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października "
    "listopada grudnia",
    "styczeń luty marzec kwiecień maj czerwiec lipiec sierpień wrzesień październik "
    "listopad grudzień",
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "janv févr mars avr mai juin juil août sept oct nov déc",
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre "
    "dicembre",
    "januari februari maart april mei juni juli augustus september oktober november december",
    "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    "ledna února března dubna května června července srpna září října listopadu prosince",
    "ιανουαρίου φεβρουαρίου μαρτίου απριλίου μαΐου ιουνίου ιουλίου αυγούστου σεπτεμβρίου "
    "οκτωβρίου νοεμβρίου δεκεμβρίου",
    "ιανουαριου φεβρουαριου μαρτιου απριλιου μαιου ιουνιου ιουλιου αυγουστου σεπτεμβριου "
    "οκτωβριου νοεμβριου δεκεμβριου",
    "ocak şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık",
)
_LATIN_MONTHS = {word: n for names in _LATIN_NAMES for n, word in enumerate(names.split(), 1)}
_LATIN = re.compile(r"[a-zà-öø-ÿąćęłńśźżčďěňřšťůžğış]+$|[α-ωάέήίόύώϊϋΐΰ]+$")
# Arabic month names, whole words: the Egyptian and Gulf forms (with and without hamza) and
# the one-word Levantine ones
_ARABIC_MONTHS = {
    word: n
    for names in ("يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر",
                  "يناير فبراير مارس ابريل مايو يونيه يوليه اغسطس سبتمبر اكتوبر نوفمبر ديسمبر",
                  "- شباط آذار نيسان أيار حزيران تموز - أيلول - - -")
    for n, word in enumerate(names.split(), 1) if word != "-"
}
# Weekday names, whole words, lower case (Greek also without accents): a date line's label
_WEEKDAY_NAMES = (
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs "
    "fri sat sun",
    "montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag",
    "lundi mardi mercredi jeudi vendredi samedi dimanche",
    "lunes martes miércoles jueves viernes sábado domingo",
    "lunedì martedì mercoledì giovedì venerdì sabato domenica lunedi martedi mercoledi giovedi "
    "venerdi",
    "segunda-feira terça-feira quarta-feira quinta-feira sexta-feira sábado domingo",
    "poniedziałek wtorek środa czwartek piątek sobota niedziela",
    "pondělí úterý středa čtvrtek pátek sobota neděle",
    "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag",
    "pazartesi salı çarşamba perşembe cuma cumartesi pazar",
    "понедельник вторник среда четверг пятница суббота воскресенье",
    "панядзелак аўторак серада чацвер пятніца субота нядзеля",
    "понеділок вівторок середа четвер п'ятниця п’ятниця субота неділя",
    "δευτέρα τρίτη τετάρτη πέμπτη παρασκευή σάββατο κυριακή",
    "δευτερα τριτη τεταρτη πεμπτη παρασκευη σαββατο κυριακη",
    "الاثنين الإثنين الثلاثاء الأربعاء الاربعاء الخميس الجمعة السبت الأحد الاحد",
)
_WEEKDAYS = frozenset(word for names in _WEEKDAY_NAMES for word in names.split())
_STEMS = sorted(_MONTHS, key=len, reverse=True)
_WORD = r"[^\W\d_]{3,}"  # a month name in any script (checked against the stems)
# A clock-shaped span followed by a unit of time is a duration ("05.12.2026 · 12:30 мин", a
# video's length; "1:20 min."), no clock: what follows a time is checked for one.
_NOT_A_DURATION = (r"(?!\s*(?:мин|минут\w*|мін|хв|хвілін\w*|хвилин\w*|min|mins|minutes?|minuten|"
                   r"сек|секунд\w*|sec|secs|seconds?)(?![^\W\d_]))")
# A time after the date: "14:05", ", 14:05", "г., 14:05", "года в 14:05", "р. о 14:05", "at 2:05 pm".
_TIME_AFTER = (r"(?:\s*(?:г\.|г(?![^\W\d_])|года|гады|р\.|р(?![^\W\d_])|року))?"
               r"(?:[,\s|/·•—–-]*(?:в|у|ў|о|а|at|um|o|à)\s+|[,\s|/·•—–-]*)"
               r"(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?!\.?\d)(?:\s*(?P<ap>[ap])\.?\s?m\b\.?)?"
               + _NOT_A_DURATION)
# ... and with a dash after a date with its year, as some Russian CMSs print it ("5 декабря
# 2026, 14-05": the day alone was read): not after a yearless one, where "5 мая 10-15
# человек" is prose, nor a dash run of more numbers (a phone's "17-23-45")
# (nor a number range before a lower-case word: "10-15 тысяч человек"; a rubric's name after
# the time, "14-05 Политика", starts with a capital)
_DASH_MINUTE = r"-(?P<dashmi>\d{2})(?![-.:]?\d)(?!\s*(?-i:[a-zа-яёіўєїґ]))"
_TIME_AFTER_YEAR = _TIME_AFTER.replace(r"[:.](?P<mi>\d{2})(?!\.?\d)",
                                       r"(?:[:.](?P<mi>\d{2})(?!\.?\d)|" + _DASH_MINUTE + ")")
# A sign then digits that open a numeric or ISO date ("- 12.03.2026", "-2026-03-12"): after a
# zone's word the dateline's dash and its date, no offset ("МСК-12", "UTC-12")
_SIGN_THEN_DATE = r"\s*[+\-−]\s*\d(?:\d?\.\d{1,2}\.\d|\d{3}-\d)"
# a zone's word ends here unless a sign follows it, one before a date excepted
_NO_SIGN_AFTER = r"(?!(?!" + _SIGN_THEN_DATE + r")\s*[+\-−])"
# A UTC offset after a time. Named ("Z", "UTC", "GMT+0300", "GMT+3"), at once or after blank
# space. Signed alone ("+0300", "+03:00"): at once, as ISO 8601 writes it, or after blank space
# when nothing but punctuation follows ("10:00:00 +0300"; "+1200 просмотров" is a count).
_NAMED_OFFSET = (r"(?:Z|(?:UTC|GMT)(?:(?!" + _SIGN_THEN_DATE + r")\s*[+-]\d{1,2}(?::?\d{2})?|"
                 + _NO_SIGN_AFTER + r"))(?![\w:])")
# ... and without "Z": a capital Z alone before a date is prose's as often ("14:05 Z, ...")
_NAMED_OFFSET_NO_Z = _NAMED_OFFSET.replace("(?:Z|", "(?:", 1)
_SIGNED_OFFSET = r"[+-]\d{2}:?\d{2}(?![\w:])"
_LAST = r"(?=\s*(?:$|[|,;)\]]))"

# Zone names RFC 822 dates carry that email.utils does not know (it knows UT, GMT, Z and US
# zones): without this "… 14:05:00 MSK" parses as a date without offset.
ZONE_OFFSETS = {
    "MSK": "+0300", "МСК": "+0300", "MSD": "+0400", "FET": "+0300", "KALT": "+0200",
    "SAMT": "+0400", "YEKT": "+0500", "OMST": "+0600", "NOVT": "+0700", "KRAT": "+0700",
    "IRKT": "+0800", "YAKT": "+0900", "VLAT": "+1000", "MAGT": "+1100", "PETT": "+1200",
    "EET": "+0200", "EEST": "+0300", "CET": "+0100", "CEST": "+0200", "WET": "+0000",
    "WEST": "+0100", "BST": "+0100", "GET": "+0400", "AZT": "+0400", "AMT": "+0400",
    "UZT": "+0500", "ALMT": "+0500", "TRT": "+0300",
    # North America's (email.utils knows them in RFC 822 dates, not after an ISO or a
    # written date: "2026-03-12 10:00:00 EDT" was read as the outlet's wall clock)
    "EDT": "-0400", "EST": "-0500", "CDT": "-0500", "CST": "-0600", "MDT": "-0600",
    "MST": "-0700", "PDT": "-0700", "PST": "-0800", "AKDT": "-0800", "AKST": "-0900",
    "HST": "-1000",
}
# Moscow's abbreviation with Latin letters that look like its Cyrillic ones, in any mix and
# case (BBC Russian's "06:14 MCK", "Mск", "MСK"): tzdata names no zone "MCK"
_MOSCOW_LOOKALIKE = r"(?i:[мm][сc][кk])"
# the names a zone's words may give: ZONE_OFFSETS' Latin ones in capitals ("EDT" is a zone
# there, "est" a word), Moscow's in any case and letters
_ZONE_NAME_WORD = ("|".join(sorted((n for n in ZONE_OFFSETS if n.isascii()), key=len, reverse=True))
                   + "|" + _MOSCOW_LOOKALIKE)
# the city's forms after "по"/"па"/"за" only: a bare "14:05 Москва" or "(Минск)" is a lead's
# place, no zone ("по Минской области" is a place too)
_CITY = (r"(?:москв[аеуы]|московскому|московським|маскв[аеы]|маскоўскім|минск[уа]?|"
         r"минскому|мінск[уа]?|мінскім|мінськ(?:ом|у)?|мінським|киев[уа]?|киевскому|кіев[уа]?|"
         r"кіеве|кіеўскім|київ|києв[уіа]|києвом|київським)(?:\s{1,4}(?:времени|часе|часом))?")
# ... after Ukrainian "за" its instrumental ones only ("за Києвом", "за київським часом"):
# "за Москву" is "for Moscow", no zone
_ZA_CITY = r"(?:києвом|київським|мінськом|мінським|московським)(?![^\W\d_])"


def _zone_words(prefix: str, bare_offset: bool = False, lone_z: bool = True) -> str:
    """The source of a zone's words beside a clock, its groups' names after ``prefix`` (one
    pattern may hold them twice): an offset named (UTC+3, GMT+03:00, Z), four digits in
    brackets ("(+0300)"), and with ``bare_offset`` a signed one last after blank space
    ("10:00 +0300", a machine value's; in a dateline "10:00 -12:00" is a range); a zone's
    name (:data:`_ZONE_NAME_WORD`) not followed by a sign and a number ("МСК+4" is
    Novosibirsk's time, no name's; a dash before a date, "14:05 МСК - 12.03.2026", is the
    dateline's); a city's time. Without ``lone_z`` the offset "Z" alone is none (before a
    date, "14:05 Z, 12.03.2026", a capital Z is prose's as often). Case as written here, whatever flags the pattern holding it
    has. Blank space is bounded: no backtracking over a long run; a first character no
    zone's words start with fails at once (a page of clocks costs little more to read)."""
    bare = (r"|(?<=\s)" + _SIGNED_OFFSET + _LAST) if bare_offset else ""
    first = r"A-ZПпЗзМмmk+-"  # what a zone's words start with, after a bracket or not
    return (r"(?-i:(?=[(" + first + r"])(?:(?P<" + prefix + r"open>\()\s{0,4})?(?=[" + first
            + r"])(?:"
            r"(?P<" + prefix + "offset>" + (_NAMED_OFFSET if lone_z else _NAMED_OFFSET_NO_Z)
            + r"|(?(" + prefix
            + r"open)[+-]\d{4}(?![\w:])|(?!))" + bare + ")"
            r"|(?:(?i:по|па)\s{1,4})?(?P<" + prefix + "name>" + _ZONE_NAME_WORD + r")"
            r"(?![^\W\d_])(?!(?!" + _SIGN_THEN_DATE + r")\s*[+\-−]\s*\d)"
            r"|(?i:(?:(?:по|па)\s{1,4}|за\s{1,4}(?=" + _ZA_CITY + "))(?P<" + prefix + "city>"
            + _CITY + ")"
            r"|(?P<" + prefix + r"latin>moscow|minsk|kyiv|kiev)\s{1,4}time)(?!-?[^\W\d_]))"
            r"(?(" + prefix + r"open)\s{0,4}\)))")


# A time before the date: "14:05, 12 марта 2026", "14:05 | 12.03.2026", "2:05 PM, 12.03.2026"
# (its half of the day read: without it the time was lost, the day read as midnight).
# ("14:05 Uhr, 30.11.2026": German's word for the clock after it, which left the day alone)
# A zone's words between the clock and the date ("14:05 МСК, 12.03.2026", "14:05 (мск)
# 12.03.2026", "14:05 UTC+3 | 12 марта 2026"): the clock is the date's still, read in that
# zone by :func:`printed_zone` (they broke the pair: the day alone was read, at midnight).
_ZONE_BEFORE = r"(?:\s{0,4}" + _zone_words("bz", lone_z=False) + ")?"
_TIME_BEFORE = (r"(?:(?<![\d:])(?P<bh>\d{1,2}):(?P<bmi>\d{2})(?!\d)"
                r"(?:\s*(?P<bap>[ap])\.?\s?m\b\.?|\s*Uhr(?![^\W\d_]))?" + _ZONE_BEFORE
                + r"[,\s|/·•—–-]{1,5})?")
# ... and with a dot, before a date with its year only ("14.05 05.12.2026", "14.05, 5 декабря
# 2026": the day was read as midnight): "14.05" alone is as often a day and a month, and a
# full date beside it is what makes it a clock. An hour of the day and minutes, no digit or
# dot around them ("1.14.05", "14.05.2026" are no clocks), and no dash after them: "12.05 –
# 14.05.2026" is a range of days.
_DOTTED_BEFORE = (r"(?<![\d:.])(?P<bdh>[1-9]|[01]\d|2[0-3])\.(?P<bdmi>[0-5]\d)(?!\.?\d)"
                  r"(?:\s*Uhr(?![^\W\d_]))?[,\s|/·•]{1,5}(?![—–-])")
_TIME_BEFORE_DATED = _TIME_BEFORE[:-2] + "|" + _DOTTED_BEFORE + ")?"
_DMY = re.compile(_TIME_BEFORE_DATED + r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th)?\.?\s+(?:de\s+)?(?P<mon>"
                  + _WORD + r")\.?,?\s+(?:de\s+)?"  # Spanish, Portuguese: "12 de marzo de 2026"
                  r"(?P<y>\d{4})(?!\d)(?:" + _TIME_AFTER_YEAR + ")?", re.IGNORECASE)
_MDY = re.compile(_TIME_BEFORE_DATED + r"(?<![^\W\d_])(?P<mon>" + _WORD + r")\.?\s+(?P<d>\d{1,2})"
                  r"(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})(?!\d)(?:" + _TIME_AFTER_YEAR + ")?",
                  re.IGNORECASE)
# a time after a numeric date: "14:20", "в 14:20", after the year's word ("05.01.2026 г. в
# 14:20"), and with a dot or a dash ("05.01.2026 в 14.20", "05.01.2026 14.20", "05.01.2026
# 14-20"), read as a time only here, beside a date, and not as the start of another date or
# number ("12.03.2026 15.03.2026", "14.20.5", "12.03.2026 15-03-2026")
_NUMERIC_TIME = (r"(?:(?:\s*(?:г\.|г(?![^\W\d_])|года|р\.|р(?![^\W\d_])|року))?"
                 r"[,\s|/·•—–-]*(?:в|у|о|а|at|um|o)?\s*(?P<h>\d{1,2})(?::"
                 r"(?P<mi>\d{2})(?!\d)|\.(?P<dmi>\d{2})(?!\.?\d)|" + _DASH_MINUTE + ")"
                 r"(?:\s*(?P<ap>[ap])\.?\s?m\b\.?)?" + _NOT_A_DURATION + ")?")
_NUMERIC = re.compile(_TIME_BEFORE_DATED + r"(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4}|\d{2})"
                      r"(?![\d]|\.\d)" + _NUMERIC_TIME, re.IGNORECASE)
# DataLife Engine's "15-11-2026, 10:20": day first, the year in four digits (a phone number's
# or a range's dashes give no such run)
_DASHED = re.compile(_TIME_BEFORE_DATED + r"(?<![\d-])(?P<d>\d{1,2})-(?P<m>\d{1,2})-(?P<y>\d{4})(?![\d-])"
                     + _NUMERIC_TIME, re.IGNORECASE)
# "02/12/2026 22:10": day first, as Belarusian and Russian sites write it (a US page's
# month-first 12/25/2026 is no date here); the year in four digits and no slash or digit
# beside it (a URL's /2026/12/02/ is no such run)
_SLASHED = re.compile(_TIME_BEFORE_DATED + r"(?<![\d/])(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})(?![\d/])"
                      + _NUMERIC_TIME, re.IGNORECASE)
# Year first, as some CMSs print it: "2026.01.12 14:20", "2026/01/12", "2026-01-12, 14:20"
# (ISO's day, printed with a time of its own after a comma or "в"); the year of this century
# or the last, month and day in two digits and one separator, nothing word-like beside it, so
# a version of other widths ("2019.3.1") or glued to a letter ("v2019.10.15"), a URL's
# "/2026/01/12/slug" or an ISO moment's "T14:20" (parse_iso's) is no such run ("версия
# 2019.10.15" is read as a date: the digits alone cannot tell)
_YMD = re.compile(_TIME_BEFORE_DATED + r"(?<![\w./-])(?P<y>(?:19|20)\d\d)(?P<sep>[./-])(?P<m>\d{2})"
                  r"(?P=sep)(?P<d>\d{2})(?![\dT]|[./-]\w)" + _NUMERIC_TIME, re.IGNORECASE)
# A date of year 1 or 9999 is a CMS's "no date" (0001-01-01, 9999-12-31), and no zone
# conversion of it is safe (9999-12-31T23:00Z is past datetime.max in Minsk): no date at all.
FIRST_YEAR, LAST_YEAR = 2, 9998


# Where a dotted pair before a date is that date line's clock: at the line's start, after a
# date's label, or after a separator ("|", "·", ",") with no number, sign or currency before
# it. Elsewhere it is a rate, a version or a sum ("курс 3.25 05.12.2026", "v1.14",
# "-3.05", "USD 3.25"), and read as a clock it gave a false time.
_DATE_LABEL_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:опубликован\w*|обновлен\w*|добавлен\w*|размещен\w*|дата|апублікаван\w*|"
    r"абноўлен\w*|опублікован\w*|оновлен\w*|published|updated|posted|date|veröffentlicht|"
    r"aktualisiert|stand)\s*:?\s*$", re.IGNORECASE)
_SEPARATOR_BEFORE = re.compile(r"(?P<before>[^\n|·•,]*?)\s*[|·•,/]\s*$")
_NUMBER_OR_SUM = re.compile(r"(?:\d|[+\-−$€£₽¤]|(?<![^\W\d_])(?:usd|eur|byn|rub|руб|бел|долл|евро)"
                            r"\w*\.?)\s*$", re.IGNORECASE)


def _dotted_clock_placed(value: str, start: int) -> bool:
    """Whether a dotted pair starting at ``start`` stands where a date line prints its
    clock (:data:`_DATE_LABEL_BEFORE`, :data:`_SEPARATOR_BEFORE`). Its line is read back
    within :data:`_PLACE_REACH` of its last words, not from the line's start: a long line
    of such pairs was read in time growing with its length squared."""
    words_end = start
    while words_end > 0 and value[words_end - 1] != "\n" and value[words_end - 1].isspace():
        words_end -= 1
    if words_end == 0 or value[words_end - 1] == "\n":
        return True  # the line's start
    reach = max(0, words_end - _PLACE_REACH)
    line_start = value.rfind("\n", reach, words_end) + 1 or reach
    if _DATE_LABEL_BEFORE.search(value, line_start, start):
        return True
    separated = _SEPARATOR_BEFORE.search(value, line_start, start)
    return bool(separated) and not _NUMBER_OR_SUM.search(value, separated.start("before"),
                                                          separated.end("before"))


# How far back from a dotted pair's blank space its line is read: a label or a separator
# and the word or number before it ("Опубликовано:", "USD 3.25 |") with room to spare
_PLACE_REACH = 64


# A currency beside a number: before it a sign, a code or a word of price ("Цена: ", "$",
# "BYN "), after it a sign, a code or a currency's word in its own forms ("руб.", "рублей",
# "BYN", "€"); "р." and "г." after a date are its year's, no currency, and words that merely
# begin as one does ("Рубрика", "Копыльский", "Евро-2020") are none
_CURRENCY_BEFORE = re.compile(
    r"(?:[$€£₽¤]|(?<![^\W\d_])(?:usd|eur|byn|rub|uah|цена|стоимость|цана|кошт\w*|ціна|вартість|"
    r"price|cost)\.?\s*:?)\s*$", re.IGNORECASE)
_CURRENCY = (r"(?:[$€£₽¤]|(?:usd|eur|byn|rub|uah|грн|руб(?:\.|л[ьяейю]\w*)?|долл(?:\.|ар\w*)?|"
             r"коп(?:\.|ейк\w*|еек)?|евро(?!-))(?![^\W\d_]))")
_CURRENCY_AFTER = re.compile(r"\s*" + _CURRENCY, re.IGNORECASE)
_CURRENCY_AT = re.compile(_CURRENCY, re.IGNORECASE)
_SPACE = re.compile(r"\s*")


def _a_sum(value: str, match: re.Match, after: int | None = None) -> bool:
    """Whether a numeric date of a two-digit year and no time ("12.05.20") is a sum: a
    currency written just before or after it ("Цена: 12.05.20 руб."; ``after``: where the
    text after it goes on past blank space, when the caller knows better). A four-digit
    year's is a date whatever stands beside it."""
    if not _maybe_a_sum(match):
        return False
    if after is not None:
        return bool(_currency_before(value, match.start("d"))
                    or _CURRENCY_AT.match(value, after))
    return bool(_currency_before(value, match.start("d"))
                or _CURRENCY_AFTER.match(value, match.end("y")))


def _maybe_a_sum(match: re.Match) -> bool:
    """A numeric date of a two-digit year and no time: what a currency beside makes a sum."""
    return len(match["y"]) == 2 and not (match["h"] or match["bh"] or _group(match, "bdh"))


# How far before a number's blank space a currency's sign or word is looked for: the
# longest of them with its colon and spaces ("стоимость :") and room to spare
_CURRENCY_REACH = 64


def _currency_before(value: str, end: int) -> bool:
    """Whether a currency (:data:`_CURRENCY_BEFORE`) ends ``value[:end]``, blank space after
    it skipped. Read within :data:`_CURRENCY_REACH` of it, not from the text's start: a page
    of such dates was read in time growing with its length squared."""
    words_end = end
    while words_end > 0 and value[words_end - 1].isspace():
        words_end -= 1
    return bool(_CURRENCY_BEFORE.search(value, max(0, words_end - _CURRENCY_REACH), end))


def without_sums(value: str) -> str:
    """``value`` with its numeric dates that are sums (:func:`_a_sum`) blanked, for a reader
    of dates that does not tell them apart (htmldate read "Цена: 12.05.20 руб." as a day)."""
    if "." not in value or not _NUMERIC.search(value):
        return value
    # Read from the last date back, as if each sum found were blanked before the one before it
    # is judged: a sum blanked is blank space a currency after it is read across ("12.05.20
    # 12.05.20 руб."). Where blank space after a blanked sum ends is kept by its start, so the
    # text is never rebuilt per sum (a text of 77k sums took 26 s).
    resumes: dict[int, int] = {}
    blanks: list[tuple[int, int]] = []
    for match in reversed(list(_NUMERIC.finditer(value))):
        if not _maybe_a_sum(match):
            continue
        after = _SPACE.match(value, match.end("y")).end()
        while after in resumes:
            after = resumes[after]
        if _a_sum(value, match, after):
            resumes[match.start("d")] = after
            blanks.append((match.start("d"), match.end("y")))
    if not blanks:
        return value
    pieces, at = [], 0
    for start, end in reversed(blanks):
        pieces += [value[at:start], " " * (end - start)]
        at = end
    return "".join(pieces) + value[at:]


def _a_list_of_days(value: str, match: re.Match) -> bool:
    """Whether a dotted pair and the numeric date after it are a list of days ("12.05,
    14.05.2026"), not a clock and its date: a comma between ("Uhr" makes it a clock) and the
    day and month in dots."""
    between = value[match.end("bdmi"):match.start("d")]
    return "," in between and "Uhr" not in between and value[match.start("d"):match.end("m")].count(".") == 1


def _dated_matches(pattern: re.Pattern, value: str) -> Iterator[re.Match]:
    """``pattern``'s matches in ``value``, a dotted pair before a date kept as its clock only
    where :func:`_dotted_clock_placed` puts it and no list of days is written; else the date
    alone."""
    for match in pattern.finditer(value):
        if match["bdh"] is not None and (
                not _dotted_clock_placed(value, match.start())
                or (pattern is _NUMERIC and _a_list_of_days(value, match))):
            match = pattern.search(value, match.end("bdmi"))
            if match is None:
                continue
        yield match


ISO_PATTERN = re.compile(r"(?P<day>\d{4}-\d{2}-\d{2})(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}"
                         r"(?:\.\d+)?)?)(?:(?P<zone>" + _NAMED_OFFSET + "|" + _SIGNED_OFFSET
                         + r")|\s+(?P<spaced>" + _NAMED_OFFSET + "|" + _SIGNED_OFFSET + _LAST
                         + "))?)?")


def month_number(word: str) -> int | None:
    """The month a month name or its abbreviation stands for; Latin-script words must be one of
    the known names (stems would take "marketing" for March), Cyrillic ones start with a stem."""
    word = word.lower().rstrip(".")
    if word.isascii() or _LATIN.match(word):
        return _LATIN_MONTHS.get(word)
    if word in _ARABIC_MONTHS:
        return _ARABIC_MONTHS[word]
    if word in _ABBREVIATIONS:
        return _ABBREVIATIONS[word]
    for stem in _STEMS:
        if word.startswith(stem) and (stem != "ма" or word in ("мая", "май", "маю")):
            return _MONTHS[stem]
    return None


def is_weekday(word: str) -> bool:
    """Whether ``word`` names a day of the week ("Mardi", "Friday", "Пятница", "Τρίτη")."""
    return word.lower().rstrip(".") in _WEEKDAYS


def parse_iso(value: str) -> datetime | None:
    """ISO 8601 (with or without offset; 'Z'; '+0300'); None when the value is not ISO."""
    match = ISO_PATTERN.search(value.strip())
    if not match:
        return None
    text = match["day"] + (f"T{match['time']}" if match["time"] else "")
    try:
        return representable(datetime.fromisoformat(text + _iso_offset(_zone(match))))
    except ValueError:  # no such day, or an offset past ±24 h (no instant to guess)
        return None


def _zone(match: re.Match[str]) -> str | None:
    """The offset a date pattern matched, at once or after blank space."""
    return match["zone"] or match["spaced"]


def _iso_offset(zone: str | None) -> str:
    """An offset a date pattern matched, as ``fromisoformat`` reads it (``+03:00``); '' for none."""
    if not zone:
        return ""
    sign = re.search(r"([+-])(\d{1,2}):?(\d{2})?$", zone)
    return f"{sign[1]}{int(sign[2]):02d}:{sign[3] or '00'}" if sign else "+00:00"


def representable(moment: datetime | None) -> datetime | None:
    """``moment``, or None when it lies so near the calendar's ends (year 1, year 9999) that
    converting it to another zone would overflow (an OverflowError that ended a feed)."""
    return moment if moment is not None and FIRST_YEAR <= moment.year <= LAST_YEAR else None


# A CMS's "no date": the Unix epoch (on either side of midnight UTC by the zone written), or
# a zero before 1900 (.NET's 0001-01-01, Excel's 1899-12-30, SQL Server's 1753-01-01)
_EPOCH_DAYS = (date(1969, 12, 31), date(1970, 1, 1))
NULL_BEFORE_YEAR = 1900
# A date this far after the fetch (or the machine's clock) is no day an article was published:
# a template's year typo, an event's date (wall clocks compared: the zones' gap fits in it)
FUTURE_SLACK = timedelta(days=2)


def no_publication_date(moment: datetime, now: datetime | None = None) -> bool:
    """Whether a date a page, feed or sitemap gives is none an article was published on: a
    CMS's null (the epoch, a year before 1900) or a date after ``now`` (the wall clock at
    the fetch; the machine's clock without it) by more than FUTURE_SLACK. Taken as a date,
    it sent an article out of every window and voted the site's zone UTC."""
    wall = moment.replace(tzinfo=None)
    if wall.year < NULL_BEFORE_YEAR or wall.date() in _EPOCH_DAYS:
        return True
    clock = (now or datetime.now(UTC)).replace(tzinfo=None)
    return wall - clock > FUTURE_SLACK


def publication_date(moment: datetime | None, now: datetime | None = None) -> datetime | None:
    """``moment``, or None when it is no day an article was published on
    (:func:`no_publication_date`)."""
    return None if moment is None or no_publication_date(moment, now) else moment


# A machine date this many article pages of one site give while printing different days is
# the template's (its build date, "yesterday"), not when each was published
MIN_TEMPLATE_PAGES = 3


def template_date(printed_days: Collection[date]) -> bool:
    """Whether a machine date several article pages of one site share is their template's:
    MIN_TEMPLATE_PAGES pages or more give it (``printed_days``: the day each prints) and they
    print different days. Articles of one day of a daily paper print that same day: their
    shared date stays theirs."""
    return len(printed_days) >= MIN_TEMPLATE_PAGES and len(set(printed_days)) > 1


def _group(match: re.Match[str], name: str) -> str | None:
    """A group of ``match``, None when its pattern has no such group."""
    return match.groupdict().get(name)


def _moment(match: re.Match[str], month: int, year: int | None = None) -> datetime | None:
    """The date of a match with its time (after the date, else before it); a time that cannot
    be one (25:70) is dropped rather than the date. ``year`` for a match that has none."""
    if year is None:
        year = int(match["y"])
        year += 2000 if len(match["y"]) == 2 else 0  # "0001" is year 1, not 2001
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        day = date(year, month, int(match["d"]))
    except ValueError:
        return None
    if match["h"]:
        hour, half = match["h"], match["ap"]
        minute = match["mi"] or _group(match, "dmi") or _group(match, "dashmi")
    elif match["bh"]:
        hour, minute, half = match["bh"], match["bmi"], _group(match, "bap")
    else:  # (a dotted clock before a dated day; None for a date without a time)
        hour, minute, half = _group(match, "bdh"), _group(match, "bdmi"), None
    if hour is None:
        return datetime(day.year, day.month, day.day)
    h, m = int(hour), int(minute)
    if half and 1 <= h <= 12:
        h = h % 12 + (12 if half.lower() == "p" else 0)
    if h > 23 or m > 59:
        h = m = 0
    return datetime(day.year, day.month, day.day, h, m)


# A day named by its distance from today, with its time before or after it: "Сегодня, 07:20",
# "вчера в 17.45", "Учора ў 09:10", "Сьогодні о 12:00", "Yesterday at 5:45 pm", "17:45 |
# Вчера", "17:45 МСК | Вчера" (a zone between: :data:`_ZONE_BEFORE`) (without a time the
# word opens prose as often: "Сегодня в Минске…"). Days back by the word.
_DAYS_BACK = {"сегодня": 0, "сёння": 0, "сёньня": 0, "сьогодні": 0, "today": 0,
              "вчера": 1, "учора": 1, "ўчора": 1, "вчора": 1, "yesterday": 1,
              "позавчера": 2, "пазаўчора": 2, "позавчора": 2}
_RELATIVE = re.compile(
    r"(?:(?<![\d:.])(?P<bh>\d{1,2}):(?P<bmi>\d{2})(?!\d)" + _ZONE_BEFORE + r"[,\s|/·•—–-]{1,5})?"
    r"(?<![^\W\d_])(?P<word>" + "|".join(_DAYS_BACK) + r")(?![^\W\d_])"
    r"(?:[,\s|/·•—–-]*(?:(?:в|ў|у|о|об|а|at)\s+)?(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?!\.?\d)"
    r"(?:\s*(?P<ap>[ap])\.?\s?m\b\.?)?)?", re.IGNORECASE)
# A day named from today is the publication's only when its time is not later than the
# fetch (beyond the slack of a site's clock): "Сегодня в 19:00 — концерт" is an event.
RELATIVE_SLACK = timedelta(hours=1)


def relative_dates(value: str, now: datetime) -> list[tuple[int, int, datetime, bool]]:
    """The days ``value`` names by their distance from ``now`` (naive: the wall clock where
    the site is, when the page was fetched; a crawl's and its replay's alike), each with its
    time, as :func:`human_dates` gives dates."""
    found = []
    for match in _RELATIVE.finditer(value):
        hour, minute = (match["h"], match["mi"]) if match["h"] else (match["bh"], match["bmi"])
        if hour is None:
            continue
        h, m = int(hour), int(minute)
        if match["ap"] and 1 <= h <= 12:
            h = h % 12 + (12 if match["ap"].lower() == "p" else 0)
        if h > 23 or m > 59:
            continue
        day = now.date() - timedelta(days=_DAYS_BACK[match["word"].lower()])
        moment = datetime(day.year, day.month, day.day, h, m)
        if moment <= now + RELATIVE_SLACK:
            found.append((match.start(), match.end(), moment, True))
    return found


# A time alone under German's "as of" ("Stand: 14:05 Uhr"): a page stamps so what it
# published or last changed today, printing the day only on older pages. Read against the
# fetch (the wall clock where the site is): today's time, or yesterday's when it is later
# than the fetch (a page served before midnight and fetched after it: an "as of" is past).
# German's label, as German writes it, at a line's or a label's start ("Grand stand: 14:05"
# is no such line), and a clock with a colon, or a dot only with "Uhr" after it: "Stand:
# 03.11." is a day and a month, read as 03:11 today.
_AS_OF_CLOCK = re.compile(r"(?:^|(?<=[\n(\[|·•,;])|(?<=[.!?]\s))[ \t]*Stand\s*:\s*"
                          r"(?P<h>[01]?\d|2[0-3])(?::(?P<mi>[0-5]\d)(?!\.?\d)(?:\s*Uhr(?![^\W\d_]))?"
                          r"|\.(?P<dmi>[0-5]\d)\s*Uhr(?![^\W\d_]))", re.MULTILINE)


def as_of_clocks(value: str, now: datetime) -> list[tuple[int, int, datetime, bool]]:
    """The moments ``value`` stamps with a time alone after "Stand:" (:data:`_AS_OF_CLOCK`),
    as :func:`human_dates` gives dates."""
    found = []
    for match in _AS_OF_CLOCK.finditer(value):
        moment = now.replace(hour=int(match["h"]), minute=int(match["mi"] or match["dmi"]),
                             second=0, microsecond=0, tzinfo=None)
        if moment > now.replace(tzinfo=None) + RELATIVE_SLACK:
            moment -= timedelta(days=1)
        found.append((match.start(), match.end(), moment, True))
    return found


# What may stand between an "as of" clock and the date it is the time of ("Stand: 14:05 Uhr,
# 30.11.2026", "… | 30. November 2026", "… · am 30.11.2026")
_CLOCK_TO_DATE = re.compile(r"[,\s|/·•—–-]*(?:(?:am|vom)\s+)?")


def _with_as_of_dates(clocks: list[tuple[int, int, datetime, bool]],
                      dated: list[tuple[int, int, datetime, bool]], value: str
                      ) -> list[tuple[int, int, datetime, bool]]:
    """``clocks`` and ``dated`` with a clock that a full date starts inside or right after
    given up to that date (its time, when the date has none), and any other clock dropped
    where a full date is printed: the clock alone is read as today's for a page printing no
    day, and so it beat the day printed beside it ("Stand: 14:05 Uhr, Di 12.05.2026",
    "12.05.2026 · Stand: 14:05 Uhr")."""
    dated = list(dated)
    kept = []
    for start, end, moment, words in clocks:
        reach = _CLOCK_TO_DATE.match(value, end).end()
        index = next((i for i, d in enumerate(dated) if start <= d[0] <= reach), None)
        if index is None:
            if not dated:
                kept.append((start, end, moment, words))
            continue
        d_start, d_end, day, d_words = dated[index]
        if d_start >= end and (day.hour, day.minute) == (0, 0):
            day = day.replace(hour=moment.hour, minute=moment.minute)
        dated[index] = (d_start, d_end, day, d_words)
    return kept + dated


# A moment named by how long ago it was: "2 часа назад", "15 минут назад", "час назад", "5
# хвілін таму", "3 години тому", "10 minutes ago" (minutes or hours: a day's count names no
# time). A number left out is one ("минуту назад").
# ... hours and minutes both ("1 ч 20 мин назад", "2 часа 15 минут назад": the minutes alone
# were read), and the hour's abbreviation after a count ("2 ч назад"; Ukrainian's "год." is
# left out: Russian's "год назад" is a year ago).
_HOUR_WORD = r"(?:час(?:а|ов)?|гадзін[уы]?|годин[уи]?|hours?|hrs?)"
_MINUTE_WORD = r"(?:минут[уы]?|мин\.?|хвілін[уы]?|хвіліну|хвилин[уи]?|minutes?|mins?)"
_HOUR_COUNTED = r"(?:" + _HOUR_WORD + r"|ч\.?|гадз\.?)"
_MINUTE_COUNTED = r"(?:" + _MINUTE_WORD + r"|хв\.?)"
_AGO = re.compile(
    r"(?<![^\W\d_])(?:(?P<hn>\d{1,3})\s*" + _HOUR_COUNTED + r"(?![^\W\d_])\s*,?\s*"
    r"(?P<mn>[0-5]?\d)\s*" + _MINUTE_COUNTED + r"|(?P<n>\d{1,3})\s*(?P<counted>" + _MINUTE_COUNTED
    + "|" + _HOUR_COUNTED + r")|(?P<unit>" + _MINUTE_WORD + "|" + _HOUR_WORD + r"))"
    r"(?![^\W\d_])\s*(?P<ago>назад|таму|тому|ago)(?![^\W\d_])", re.IGNORECASE)
_MINUTE_UNITS = ("мин", "хвіл", "хвил", "хв", "min")


def ago_dates(value: str, now: datetime) -> list[tuple[int, int, datetime, bool]]:
    """The moments ``value`` names by their distance back from ``now`` (the site's wall
    clock at the fetch), to the minute, as :func:`human_dates` gives dates."""
    found = []
    for match in _AGO.finditer(value):
        if match["hn"]:
            back = timedelta(hours=int(match["hn"]), minutes=int(match["mn"]))
        else:
            count = int(match["n"]) if match["n"] else 1
            minutes = (match["counted"] or match["unit"]).lower().startswith(_MINUTE_UNITS)
            back = timedelta(minutes=count) if minutes else timedelta(hours=count)
        moment = (now - back).replace(second=0, microsecond=0, tzinfo=None)
        found.append((match.start(), match.end(), moment, True))
    return found


# A day and a month in words with a time and no year ("11 января, 14:45", "14:45, 11
# января", "11 студзеня ў 14:45"): a site prints this year's dates so. Only with a time: "11
# января" alone opens prose as often ("11 января состоится…").
_DM_TIMED = re.compile(_TIME_BEFORE + r"(?<!\d)(?P<d>\d{1,2})\s+(?P<mon>" + _WORD + r")"
                       r"(?!\.?,?\s*(?:\d{4}|\d\d?\s))(?:" + _TIME_AFTER + ")?", re.IGNORECASE)
# A yearless date after the fetch is last year's when this far ahead (a December date read
# in January); nearer, it is an event the text announces, no publication date.
LAST_YEAR_AHEAD = timedelta(days=60)


def yearless_dates(value: str, now: datetime) -> list[tuple[int, int, datetime, bool]]:
    """The dates ``value`` prints with a time and no year, in the year of ``now`` (the
    site's wall clock at the fetch) or the one before, as :func:`human_dates` gives dates."""
    found = []
    for match in _DM_TIMED.finditer(value):
        month = month_number(match["mon"])
        if month is None or not (match["h"] or match["bh"]):
            continue
        for year in (now.year, now.year - 1):
            moment = _moment(match, month, year)
            if moment is None:
                break
            if moment <= now + RELATIVE_SLACK:
                found.append((match.start(), match.end(), moment, True))
                break
            if moment - now < LAST_YEAR_AHEAD:
                break  # soon after the fetch: an event, not this page's date
    return found


# A time written in words' abbreviations, as Russian, Belarusian and Ukrainian pages print it:
# "14 ч. 05 мин.", "14 ч 05 мин", "14 час. 05 мин.", "14 часов 05 минут", "14 гадз. 05 хв.",
# "14 год. 05 хв." (hours of a day and two-digit minutes, both words: "14 ч." alone is as often
# a duration), and German's full hour ("30.11.2026, 14 Uhr"). Read as "14:05", "14:00" beside
# a date; the day alone was read as midnight.
_WORDED_CLOCK = re.compile(
    r"(?<![\d.:])(?P<h>[01]?\d|2[0-3])\s*(?:ч|час|часа|часов|гадз|гадзін[аы]?|год|годин[аи]?)"
    r"\.?\s*(?P<mi>[0-5]\d)\s*(?:мин|минут[аы]?|мін|хв|хвілін[аы]?|хвилин[аи]?)"
    r"(?![^\W\d_])\.?|(?<![\d.:])(?P<uhr>[01]?\d|2[0-3])\s*Uhr(?![^\W\d_])", re.IGNORECASE)


# Words that make "1 ч 20 мин" a span of time, not a clock: "назад", "чтения", "Длительность:"
_SPAN_AFTER = re.compile(r"\s*(?:назад|таму|тому|чтения|читання|чытання|на чтение|эфира)(?![^\W\d_])",
                         re.IGNORECASE)
_SPAN_BEFORE = re.compile(r"(?<![^\W\d_])(?:длительность|продолжительность|хронометраж|время чтения|"
                          r"читать за|за|на|через|даўжыня|тривалість)\W{0,3}$", re.IGNORECASE)


def _a_span_of_time(value: str, match: re.Match) -> bool:
    """Whether the words around a worded time make it a duration ("1 ч 20 мин назад",
    "Длительность: 1 ч 20 мин"), which beside a date was read as its clock."""
    return bool(_SPAN_AFTER.match(value, match.end())
                or _SPAN_BEFORE.search(value, max(0, match.start() - 30), match.start()))


# What marks a worded time whose hour has one digit as a clock: a preposition of the hour
# ("в 9 ч. 05 мин.", "о 9 год. 05 хв.") or a day named from today ("вчера, 9 ч. 40 мин.").
# Unmarked, "1 ч 20 мин" beside a date is a video's length or a reading time as a rule (a
# clock's hour in two digits, "14 ч. 05 мин.", is one), and a time of 1:20 was invented.
_CLOCK_MARK = re.compile(r"(?<![^\W\d_])(?:в|у|ў|о|об|at|um|" + "|".join(_DAYS_BACK)
                         + r")\W{0,3}$", re.IGNORECASE)


def _a_clock(value: str, match: re.Match) -> bool:
    """Whether a worded time (:data:`_WORDED_CLOCK`) is a time of day: German's "Uhr", an
    hour in two digits, or one a preposition or a day's word marks (:data:`_CLOCK_MARK`)."""
    return bool(match["uhr"] or len(match["h"]) == 2
                or _CLOCK_MARK.search(value, max(0, match.start() - 16), match.start()))


def _with_plain_clocks(value: str) -> tuple[str, list[tuple[int, int, int]]]:
    """``value`` with each worded time (:data:`_WORDED_CLOCK`) written "HH:MM", and where each
    stands: (its start, its "HH:MM" end in the new text, its end in ``value``)."""
    parts: list[str] = []
    spans: list[tuple[int, int, int]] = []
    last = shift = 0
    for match in _WORDED_CLOCK.finditer(value):
        if _a_span_of_time(value, match) or not _a_clock(value, match):
            continue
        clock = f"{int(match['h'] or match['uhr']):02d}:{match['mi'] or '00'}"
        start = match.start() + shift
        parts += [value[last:match.start()], clock]
        spans.append((start, start + len(clock), match.end()))
        shift += len(clock) - (match.end() - match.start())
        last = match.end()
    return "".join(parts) + value[last:], spans


def _in_value(position: int, spans: list[tuple[int, int, int]]) -> int:
    """A position in the text :func:`_with_plain_clocks` gave, as the one in its ``value``:
    a clock's end is the worded time's end."""
    shift = 0
    for start, end, original_end in spans:
        if position < end:
            return position + shift if position <= start else original_end
        shift = original_end - end
    return position + shift


def human_dates(value: str, now: datetime | None = None
                ) -> Iterator[tuple[int, int, datetime, bool]]:
    """Every date written for people in ``value`` (:func:`_human_dates`), a time written in
    words' abbreviations ("5 декабря 2026, 14 ч. 05 мин.") read as "14:05"; the spans are in
    ``value``."""
    plain, spans = _with_plain_clocks(value)
    if not spans:
        return _human_dates(value, now)
    return iter([(_in_value(start, spans), _in_value(end, spans), moment, words)
                 for start, end, moment, words in _human_dates(plain, now)])


def _human_dates(value: str, now: datetime | None = None
                 ) -> Iterator[tuple[int, int, datetime, bool]]:
    """Every date written for people in ``value``, in order: (start, end, naive datetime,
    whether the month is a word). Long forms ("12 марта 2026, 14:05", "12 сакавіка 2026",
    "12 березня 2026 р.", "March 12, 2026 at 2:05 pm"), DD.MM.YYYY, DD/MM/YYYY and year first
    (YYYY.MM.DD, YYYY/MM/DD), a time before or after the date kept; with ``now``, also
    "Сегодня, 07:20", "Вчера в 17:45" (:func:`relative_dates`) and "2 часа назад"
    (:func:`ago_dates`) and "Stand: 14:05 Uhr" (:func:`as_of_clocks`)."""
    found = ([*relative_dates(value, now), *ago_dates(value, now), *yearless_dates(value, now)]
             if now is not None else [])
    dated: list[tuple[int, int, datetime, bool]] = []
    for pattern in (_DMY, _MDY):
        for match in _dated_matches(pattern, value):
            month = month_number(match["mon"])
            moment = _moment(match, month) if month else None
            if moment:
                dated.append((match.start(), match.end(), moment, True))
    for match in itertools.chain(*(_dated_matches(pattern, value)
                                   for pattern in (_NUMERIC, _DASHED, _SLASHED, _YMD))):
        if match.re is _NUMERIC and _a_sum(value, match):
            continue
        moment = _moment(match, int(match["m"])) if 1 <= int(match["m"]) <= 12 else None
        if moment:
            dated.append((match.start(), match.end(), moment, False))
    clocks = as_of_clocks(value, now) if now is not None else []
    found += _with_as_of_dates(clocks, dated, value)
    return iter(sorted(found, key=lambda f: f[0]))


def parse_human(value: str, now: datetime | None = None) -> datetime | None:
    """'08 января 2026, 19:51', '14 сентября 2025', '14.09.2025 10:00' → naive datetime: the
    first date with its month in words, else the first numeric one; aware when a UTC offset
    follows its time ('05.01.2026 10:00 +0300')."""
    found = list(human_dates(value, now))
    first = next((f for f in found if f[3]), found[0] if found else None)
    if first is None:
        return None
    start, end, moment, _words = first
    return with_printed_zone(value, start, end, moment, bare_offset=True)[0]


# The zone names a page prints beside its clock (":func:`printed_zone`"): those of
# ZONE_OFFSETS that name one zone only. Refused: CST (US Central, China, Cuba) and CDT (US
# Central, Cuba), AMT (Armenia, Amazon), BST (British summer time, Bangladesh), MST (US
# Mountain, Malaysia); IST (India, Ireland, Israel) and GST (Gulf, South Georgia) are not in
# the table for the same reason. A refused name leaves the outlet's zone.
PRINTED_ZONE_NAMES = frozenset(ZONE_OFFSETS) - {"CST", "CDT", "AMT", "BST", "MST"}
_KYIV_ZONE = first_known_zone("Europe/Kyiv", "Europe/Kiev")
# The zone a Russian, Belarusian or Ukrainian page names in words after its clock ("18:30 по
# Москве", "по московскому времени", "па Мінску", "за київським часом"), each the city's zone
# with its own rules (Kyiv's summer time), built once
_CITY_ZONES = {stem: ZoneInfo(name) for stem, name in {
    "моск": "Europe/Moscow", "маск": "Europe/Moscow", "moscow": "Europe/Moscow",
    "минск": "Europe/Minsk", "мінск": "Europe/Minsk", "мінськ": "Europe/Minsk",
    "minsk": "Europe/Minsk", "киев": _KYIV_ZONE, "кіеў": _KYIV_ZONE, "кіев": _KYIV_ZONE,
    "київ": _KYIV_ZONE, "києв": _KYIV_ZONE, "kyiv": _KYIV_ZONE, "kiev": _KYIV_ZONE}.items()}


def _zone_name_key(name: str) -> str:
    """``name`` as ZONE_OFFSETS spells it: in capitals, Moscow's in Cyrillic whatever Latin
    look-alikes it is written with ("MCK", "Mск": :data:`_MOSCOW_LOOKALIKE`)."""
    return "МСК" if re.fullmatch(_MOSCOW_LOOKALIKE, name) else name.upper()


_PRINTED_ZONE = re.compile(r"(?::\d{2}(?:\.\d+)?)?\s{0,4}" + _zone_words(""))
_PRINTED_ZONE_OR_BARE = re.compile(r"(?::\d{2}(?:\.\d+)?)?\s{0,4}"
                                   + _zone_words("", bare_offset=True))
# A span that ends in its clock, hours and minutes ("…, 14:05", "… 2:05 pm"): a zone after
# it is its. Not "12.03.26" or "2026-03-12", a date's own digits.
_CLOCK_END = re.compile(r"\d:\d{2}(?:\s*[ap]\.?\s?m\.?)?$", re.IGNORECASE)
# A span that opens with its clock ("14:05 МСК, 12.03.2026", _TIME_BEFORE's): the zone's
# words after it are in the span
_CLOCK_START = re.compile(r"\d{1,2}:\d{2}(?!\d)(?:\s*[ap]\.?\s?m\b\.?|\s*Uhr(?![^\W\d_]))?",
                          re.IGNORECASE)


def printed_zone(value: str, start: int, end: int, bare_offset: bool = False
                 ) -> tuple[tzinfo, int] | None:
    """The zone ``value`` prints beside the clock of the date at ``start``:``end``, and where
    the date's words end with it: right after that date when it ends in its clock (H:MM),
    or between the clock and the date when the clock opens it and is its time ("14:05 МСК,
    12.03.2026": the span holds them). A zone is an offset ("UTC+3", "GMT+03:00", "(+0300)",
    "GMT"; a bare "+0300" last only with ``bare_offset``, as parse_human read a machine
    value), a name of PRINTED_ZONE_NAMES in capitals or Moscow's in any case and letters
    ("14:05 (мск)", "06:14 MCK"), a city's time in words ("по Москве", "по минскому
    времени", "па Мінску"). An offset counts, as it did, after any date with a clock in it
    ("14:05, 12.03.2026 +0300"). A place named alone ("(Минск)"), a zone word with no clock
    before it, a name with a sign after it ("МСК+4"): no zone. A name of more than one zone
    (CST: US Central, China or Cuba; CDT; AMT; BST; MST; IST and GST, not in the table at
    all) and an offset no zone keeps ("UTC+23", :func:`_fixed_zone`) are refused: a guess an
    hour or more off is worse than the outlet's zone."""
    span = value[start:end]
    if not _CLOCK_END.search(span) and (leading := _leading_zone(value, start, end)):
        zone = _zone_of(leading)
        return (zone, end) if zone else None
    pattern = _PRINTED_ZONE_OR_BARE if bare_offset else _PRINTED_ZONE
    match = pattern.match(value, end)
    if match is None or not (_CLOCK_END.search(span) or (match["offset"] and ":" in span)):
        return None
    zone = _zone_of(match)
    return (zone, match.end()) if zone else None


def _leading_zone(value: str, start: int, end: int) -> re.Match[str] | None:
    """The zone's words between the clock opening the span ``start``:``end`` and its date
    ("14:05 (мск) 12.03.2026"), when that clock is the date's time: no other clock after
    them in the span."""
    clock = _CLOCK_START.match(value, start, end)
    words = _PRINTED_ZONE.match(value, clock.end(), end) if clock else None
    return words if words and ":" not in value[words.end():end] else None


def _zone_of(match: re.Match[str]) -> tzinfo | None:
    """The zone the words :data:`_PRINTED_ZONE` matched name; None for a name of several
    zones or an offset no zone keeps."""
    if match["offset"]:
        return _fixed_zone(_iso_offset(match["offset"]))
    if match["name"]:
        name = _zone_name_key(match["name"])
        return _fixed_zone(ZONE_OFFSETS[name]) if name in PRINTED_ZONE_NAMES else None
    city = (match["city"] or match["latin"]).lower()
    return next(z for stem, z in _CITY_ZONES.items() if city.startswith(stem))


# The offsets zones keep: from -12:00 (Baker Island) to +14:00 (Line Islands), in whole
# hours or with 30 or 45 minutes (India's +05:30, Nepal's +05:45)
_EARLIEST_OFFSET, _LATEST_OFFSET = timedelta(hours=-12), timedelta(hours=14)
_OFFSET_MINUTES = (0, 30, 45)


def _fixed_zone(offset: str) -> timezone | None:
    """An offset as ZONE_OFFSETS ("+0300") or ISO ("+03:00") writes it, as a zone; None for
    one no zone keeps ("UTC+23", "GMT-15", "+05:15": :data:`_EARLIEST_OFFSET` to
    :data:`_LATEST_OFFSET`, :data:`_OFFSET_MINUTES`): read, it moved the time a day."""
    hours, minutes = int(offset[1:3]), int(offset[-2:])
    shift = timedelta(hours=hours, minutes=minutes) * (-1 if offset[0] == "-" else 1)
    if minutes not in _OFFSET_MINUTES or not _EARLIEST_OFFSET <= shift <= _LATEST_OFFSET:
        return None
    return timezone(shift)


def with_printed_zone(value: str, start: int, end: int, moment: datetime,
                      bare_offset: bool = False) -> tuple[datetime, int]:
    """``moment`` (naive, read from ``value[start:end]``) in the zone the page prints after
    it (:func:`printed_zone`), and the end of what was read; unchanged, naive (the outlet's
    wall clock), without one. "10:00 GMT" on a Minsk site was read as 10:00 in Minsk."""
    found = printed_zone(value, start, end, bare_offset)
    if found is None:
        return moment, end
    zone, zone_end = found
    return representable(moment.replace(tzinfo=zone)) or moment, zone_end


_ZONE_NAME = re.compile(r"\s([^\W\d_]{2,5})\s*$")
# a clock (10:30, 10:30:00.000, 10:30am, 10:30 p.m.) then a zone's name closing the value,
# a Latin one in capitals ("EDT" is a zone there, "est" or "get" a word), "мск" in any case
# and in Latin look-alikes ("MCK", "Mск")
_CLOCK_THEN_ZONE = re.compile(r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*(?i:[ap]\.?\s?m\b\.?))?"
                              r"(?:\s*,)?\s+(?P<zone>[A-Z]{2,5}|(?i:[а-яё]{3})|"
                              + _MOSCOW_LOOKALIKE + r")\s*$")
_RFC_822 = re.compile(r"^\s*(?:[a-z]{3},?\s+)?\d{1,2}\s+[a-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}",
                      re.IGNORECASE)


# the year of an RFC 822 date: after the day and the month's name
_RFC_822_YEAR = re.compile(r"(?i)\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
                           r"[a-z]*\.?\s+(\d+)\b")


_CLOCK_12H = re.compile(r"\d\s*[ap]\.?\s?m\b", re.IGNORECASE)


# an offset as feeds write it beside RFC 822's "+0300": "+03:00", "-5", "GMT+3", "UTC+03:00"
_LOOSE_OFFSET = re.compile(r"\s+(?:(?:GMT|UTC|UT)\s*)?([+-])(\d{1,2})(?::?(\d{2}))?\s*$",
                           re.IGNORECASE)


def parse_rfc822(value: str) -> datetime | None:
    """'Thu, 12 Mar 2026 10:00:00 +0300' (RSS, and JSON-LD some CMSs fill from it); a known
    zone name is its offset; without a zone, or with an offset no zone keeps ("GMT+23",
    "+2500"), the result is naive (a wall-clock time)."""
    value = value.strip()
    if (year := _RFC_822_YEAR.search(value)) and len(year[1]) > 2 and int(year[1]) < 1000:
        return None  # "01 Jan 0001": .NET's "no date", which the parser took for 2001
    if _CLOCK_12H.search(value):
        return None  # "Jan 8, 2026 7:51 PM": no RFC 822 date; the parser read 07:51
    if offset_match := _LOOSE_OFFSET.search(value):  # "+03:00", "GMT+3": as RFC 822's "+0300"
        sign, hours, minutes = offset_match[1], int(offset_match[2]), offset_match[3] or "00"
        offset = f"{sign}{hours:02d}{minutes}"
        # one no zone keeps ("GMT+23", :func:`_fixed_zone`) is none: the wall clock, as printed
        value = value[:offset_match.start()] + (f" {offset}" if _fixed_zone(offset) else "")
    elif ((match := _ZONE_NAME.search(value))
          and (offset := ZONE_OFFSETS.get(_zone_name_key(match[1])))):
        value = f"{value[:match.start()]} {offset}"
    try:
        return representable(parsedate_to_datetime(value))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def parse_any(value: str, now: datetime | None = None) -> datetime | None:
    """ISO 8601, an RFC 822 date, or a date written for people (with ``now``, the site's
    wall clock at the fetch, one named from today: "Сегодня, 07:20")."""
    return (_with_zone_name(value, now) or parse_iso(value)
            or (parse_rfc822(value) if _RFC_822.match(value) else None)
            or parse_human(value, now))


def _with_zone_name(value: str, now: datetime | None) -> datetime | None:
    """A date and time followed by a zone's name (:data:`ZONE_OFFSETS`, "… 10:00:00 EDT"):
    the rest read as ISO or for people, at that zone's offset. The name counts only in
    capitals right after a clock (:data:`_CLOCK_THEN_ZONE`): a day alone gains no made-up
    midnight ("Updated: May 10, 2024 EST"), a closing word is no zone ("… 10:00 est")."""
    match = _CLOCK_THEN_ZONE.search(value)
    offset = ZONE_OFFSETS.get(_zone_name_key(match["zone"])) if match else None
    if match is None or offset is None:
        return None
    rest = value[:match.start("zone")].rstrip(" ,")
    moment = parse_iso(rest) or parse_human(rest, now)
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=_fixed_zone(offset))


def localise(moment: datetime, tz: tzinfo) -> datetime:
    """Aware datetimes are converted to the outlet's zone; naive ones are taken as its wall clock."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=tz)
    return moment.astimezone(tz)


def utc_without_offset(machine: datetime, printed: datetime | None, tz: ZoneInfo) -> bool:
    """Whether a machine date written without an offset is UTC, not the outlet's wall clock:
    read as UTC it is, to the minute, the time the page prints (a time, not a day alone), and
    read as the wall clock it is not (a CMS writing ``published_time`` "…T05:00:00" for an
    article it shows at 08:00 in Minsk)."""
    if machine.tzinfo is not None or printed is None or day_only(printed):
        return False
    shown = localise(printed, tz).replace(tzinfo=None, second=0, microsecond=0)  # (its zone)
    as_utc = machine.replace(tzinfo=UTC).astimezone(tz).replace(tzinfo=None)
    return (as_utc.replace(second=0, microsecond=0) == shown
            and machine.replace(second=0, microsecond=0) != shown)


def labelled_wall_clock(machine: datetime, visible: datetime, tz: ZoneInfo) -> bool:
    """Whether ``machine`` is the outlet's wall clock under another offset (BELTA's
    ``mediator_published_time``: Minsk time labelled +00:00): its clock reading is, to the
    minute the page prints (or the second), the ``visible`` one, while the instant it names
    is half an hour or more away from it."""
    wall = machine.replace(tzinfo=None)
    printed = wall.replace(second=0, microsecond=0) if not (visible.second or visible.microsecond) \
        else wall
    return (abs(localise(machine, tz) - localise(visible, tz)) >= timedelta(minutes=30)
            and printed == localise(visible, tz).replace(tzinfo=None))  # (a zone it printed)


def reconcile(machine: datetime | None, visible: datetime | None, tz: ZoneInfo) -> datetime | None:
    """Pick the publication time when a machine-readable and a visible date may disagree.

    Some CMSs label local wall-clock time as UTC (BELTA's ``mediator_published_time``): the
    machine value then differs from the visible one by whole hours while its clock reading is
    the same, to the minute the page prints (the machine value has seconds). That reading is
    then the outlet's wall clock; otherwise the machine value (more precise) wins. One
    written without an offset that is the printed time read as UTC is UTC
    (:func:`utc_without_offset`).
    """
    if machine is None:
        return localise(visible, tz) if visible else None
    if utc_without_offset(machine, visible, tz):
        return machine.replace(tzinfo=UTC).astimezone(tz)
    local = localise(machine, tz)
    if visible is None:
        return local
    shown = localise(visible, tz)
    if labelled_wall_clock(machine, visible, tz):
        return machine.replace(microsecond=0, tzinfo=tz)  # its seconds kept
    if day_only(visible) and local.date() == shown.date():
        return local  # the visible date carries no time: nothing to cross-check but the day
    gap = abs(local - shown)
    if gap >= timedelta(hours=1) and local.date() != shown.date():
        return shown
    return local


def day_only(moment: datetime) -> bool:
    """Whether a printed date carried no time of day (read as midnight)."""
    return moment.hour == 0 and moment.minute == 0


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def day_in_window(day: date, since: date | None, until: date | None) -> bool:
    return (since is None or day >= since) and (until is None or day <= until)


# A day in an article's URL: /2025/09/04/, /2025-09-04/, /2025.09.04/, /20250904/ or
# /20250904-slug (a path segment, or its start before - or _), day first as Belarusian and
# Russian CMSs write it (/04.09.2025/, /04-09-2025-slug, /04/09/2025/), or a date query
# parameter (?date=04.09.2025).
_PATH_DAY = re.compile(r"(?:^|/)(?:((?:19|20)\d\d)(?:/(\d\d)/(\d\d)|([-.])(\d\d)\4(\d\d)|(\d\d)(\d\d))"
                       r"|(\d\d)([-./])(\d\d)\10((?:19|20)\d\d))(?=/|[-_.]|$)")
_QUERY_DAY = re.compile(r"^(?:(\d\d)\.(\d\d)\.((?:19|20)\d\d)|((?:19|20)\d\d)-(\d\d)-(\d\d))$")
_DATE_PARAMS = frozenset({"date", "day", "pubdate", "published", "d"})


# The year news sites began putting their articles on the web: a day before it in a URL is
# one of history its slug names ("/09-05-1945-den-pobedy", "/1941/06/22/…"), not the day the
# page went out, which ruled a new article out of every window unread
FIRST_WEB_YEAR = 1995


def plausible_url_day(day: date | None) -> date | None:
    """``day``, when a page on the web can have been published on it (:data:`FIRST_WEB_YEAR`
    or later); None otherwise."""
    return day if day is not None and day.year >= FIRST_WEB_YEAR else None


def published_by_now(day: date | None, now: datetime | None = None) -> bool:
    """Whether an article can have gone out on ``day``: not after the day of ``now`` (a
    day's slack for a zone ahead of UTC). ``now`` is when the page naming the URL was
    fetched (``crawler.items.fetch_time``: a replay's capture time), the clock without one:
    judged by the clock, a replay long after the crawl took a day then ahead (now past) for
    a publication day, and its items were not the crawl's. A later one in a URL is an event
    its slug names ("/20270509/parad") or an id in a date's shape, no publication day:
    taken as one, it ruled the article out of every window unread."""
    today = (now or datetime.now(UTC)).astimezone(UTC).date()
    return day is not None and day <= today + timedelta(days=1)


def publication_url_day(day: date | None, now: datetime | None = None) -> date | None:
    """``day`` read from a URL when it can be the page's publication day, by the web's
    years (:func:`plausible_url_day`) and by ``now`` (:func:`published_by_now`); else None.
    The generic URL forms and an outlet's own ``url_date`` are both judged so."""
    day = plausible_url_day(day)
    return day if published_by_now(day, now) else None


def day_in_url(url: str) -> date | None:
    """The publication day an article URL carries, in the forms CMSs write it (path or a
    ``date`` parameter); None for numbers that are no day (ids, month 13) and for days
    before any page was on the web (:func:`plausible_url_day`)."""
    parts = urlsplit(url)
    for match in _PATH_DAY.finditer(parts.path):
        y, m1, d1, _, m2, d2, m3, d3, d4, _, m4, y4 = match.groups()
        if found := _day(y or y4, m1 or m2 or m3 or m4, d1 or d2 or d3 or d4):
            return found
    for name, value in parse_qsl(parts.query):
        if name.lower() in _DATE_PARAMS and (match := _QUERY_DAY.match(value.strip())):
            d, m, y, y2, m2, d2 = match.groups()
            if found := _day(y or y2, m or m2, d or d2):
                return found
    return None


def _day(year: str, month: str, day: str) -> date | None:
    try:
        return plausible_url_day(date(int(year), int(month), int(day)))
    except ValueError:
        return None

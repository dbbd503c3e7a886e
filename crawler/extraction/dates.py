"""Date parsing for the forms the outlets print: ISO 8601, Russian/Belarusian long dates, DD.MM.YYYY."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

# Genitive and nominative month stems, Russian and Belarusian.
_MONTHS = {
    "январ": 1, "студзен": 1, "феврал": 2, "лют": 2, "март": 3, "сакавік": 3, "апрел": 4,
    "красавік": 4, "ма": 5, "травен": 5, "травн": 5, "июн": 6, "чэрвен": 6,
    "июл": 7, "ліпен": 7, "ліпн": 7, "август": 8, "жнівен": 8, "жніўн": 8, "жнівн": 8,
    "сентябр": 9, "верасн": 9, "верасен": 9, "октябр": 10, "кастрычнік": 10, "ноябр": 11,
    "лістапад": 11, "декабр": 12, "снежн": 12, "снежан": 12,
}
_STEMS = sorted(_MONTHS, key=len, reverse=True)
_LONG = re.compile(r"(\d{1,2})\s+([а-яёіў]+)\.?,?\s+(\d{4})(?:\s*(?:г\.?|года)?[,\s]*(?:в\s*)?"
                   r"(\d{1,2})[:.](\d{2}))?", re.IGNORECASE)
_NUMERIC = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?:[,\s]+(\d{1,2}):(\d{2}))?")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
                  r"(?:Z|[+-]\d{2}:?\d{2})?")


def month_number(word: str) -> int | None:
    word = word.lower()
    for stem in _STEMS:
        if word.startswith(stem) and (stem != "ма" or word in ("мая", "май", "маю")):
            return _MONTHS[stem]
    return None


def parse_iso(value: str) -> datetime | None:
    """ISO 8601 (with or without offset; 'Z'; '+0300'); None when the value is not ISO."""
    match = _ISO.search(value.strip())
    if not match:
        return None
    text = match.group(0).replace(" ", "T").replace("Z", "+00:00")
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def parse_human(value: str) -> datetime | None:
    """'08 января 2026, 19:51', '14 сентября 2025', '14.09.2025 10:00' → naive datetime."""
    match = _LONG.search(value)
    if match and (month := month_number(match.group(2))):
        day, year = int(match.group(1)), int(match.group(3))
        hour, minute = (int(match.group(4)), int(match.group(5))) if match.group(4) else (0, 0)
        try:
            return datetime(year, month, day, hour, minute)
        except ValueError:
            return None
    match = _NUMERIC.search(value)
    if match:
        day, month, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
        year += 2000 if year < 100 else 0
        hour, minute = (int(match.group(4)), int(match.group(5))) if match.group(4) else (0, 0)
        try:
            return datetime(year, month, day, hour, minute)
        except ValueError:
            return None
    return None


def parse_any(value: str) -> datetime | None:
    return parse_iso(value) or parse_human(value)


def localise(moment: datetime, tz: ZoneInfo) -> datetime:
    """Aware datetimes are converted to the outlet's zone; naive ones are taken as its wall clock."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=tz)
    return moment.astimezone(tz)


def reconcile(machine: datetime | None, visible: datetime | None, tz: ZoneInfo) -> datetime | None:
    """Pick the publication time when a machine-readable and a visible date may disagree.

    Some CMSs label local wall-clock time as UTC (BELTA's ``mediator_published_time``): the
    machine value then differs from the visible one by whole hours while its clock reading is
    the same. The visible date wins in that case; otherwise the machine value (more precise).
    """
    if machine is None:
        return localise(visible, tz) if visible else None
    local = localise(machine, tz)
    if visible is None:
        return local
    shown = localise(visible, tz)
    if visible.hour == 0 and visible.minute == 0 and local.date() == shown.date():
        return local  # the visible date carries no time: nothing to cross-check but the day
    gap = abs(local - shown)
    if gap >= timedelta(minutes=30) and machine.replace(tzinfo=None) == visible.replace(tzinfo=None):
        return shown
    if gap >= timedelta(hours=1) and local.date() != shown.date():
        return shown
    return local


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def day_in_window(day: date, since: date | None, until: date | None) -> bool:
    return (since is None or day >= since) and (until is None or day <= until)

"""Payment dates in clean text, chats and speech-recognition output, resolved to calendar days.

A promise-to-pay date is said relative to the call: "the 15th", "next friday", "fri",
"tomorrow", "the first of next month", "end of the month", "right now". Every expression is
resolved against the call's LOCAL date, with the conventions a collections floor uses:

- a day of the month already past this month means next month ("the 3rd" on the 20th);
- a bare weekday means the next such day after today ("friday" on a Friday is a week away);
  "this friday" is the coming one, "next friday" is the one in next calendar week when the
  coming one still falls in this week, and "friday next week" / "next week's friday" adds 7;
- a month and day without a year is this year, or next year when that day is long past;
- a weekday with a day of the month ("friday the 15th") picks the month where they agree.

Dates of birth and other past dates come out too (``find_dates`` finds dates; deciding which one
is a promise is the caller's job), with their explicit year when one was said.
"""

from __future__ import annotations

import calendar
import contextlib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from qa_pipeline.text.numbers import MONTHS, ORDINAL_WORDS, TEENS, TENS, UNITS

__all__ = ["DateKind", "DateMention", "find_dates", "resolve_day_of_month", "resolve_weekday"]

DateKind = Literal[
    "today",
    "tomorrow",
    "relative",
    "weekday",
    "day_of_month",
    "month_day",
    "numeric",
    "end_of_month",
]

WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1, "wednesday": 2, "wed": 2,
    "weds": 2, "thursday": 3, "thurs": 3, "thur": 3, "thu": 3, "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip
# short forms that are also ordinary words: only a weekday after "on", "this", "next", ...
_RISKY_WEEKDAYS = {"wed", "sat", "sun", "mon", "thur"}


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression found in a text, resolved to a calendar day.

    Attributes:
        date: the day it means, resolved against the call's local date.
        start: index of the first character in the text.
        end: index one past the last character.
        text: the words as written.
        kind: the form it took (``today`` for "today", "right now", "tonight"; ``weekday`` for
            "friday"; ``day_of_month`` for "the 15th"; ``month_day`` for "march 3rd";
            ``numeric`` for "3/20"; ...).
        explicit_year: a year was written or said ("3/20/2026", "May 5th, 1985").
        weekday_agrees: for a weekday said with a date ("Friday, January 23rd"), whether the two
            agree; ``None`` when no weekday came with it.
    """

    date: date
    start: int
    end: int
    text: str
    kind: DateKind
    explicit_year: bool = False
    weekday_agrees: bool | None = None


# ------------------------------------------------------------------ vocab as regex

_MONTH_RE = (
    r"(?P<month>january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
_WD_NAMES = "monday|tuesday|wednesday|thursday|friday|saturday|sunday|tues|weds|thurs|thur|mon|tue|wed|thu|fri|sat|sun"
_WD_RE = rf"(?P<wd>{_WD_NAMES})"
_UNIT_W = "one|two|three|four|five|six|seven|eight|nine"
_ORD_UNIT_W = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth"
_ORD_WORD = (
    rf"(?:twenty|thirty)[\s-](?:{_ORD_UNIT_W})|tenth|eleventh|twelfth|thirteenth|fourteenth|"
    rf"fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth|{_ORD_UNIT_W}"
)
_DAY_ORD = rf"(?P<day>\d{{1,2}}(?:st|nd|rd|th)|{_ORD_WORD})"
# after a month name a plain number is a day too: "march 3", "march twenty"
_DAY_ANY = (
    rf"(?P<day>\d{{1,2}}(?:st|nd|rd|th)?|{_ORD_WORD}|(?:twenty|thirty)(?:[\s-](?:{_UNIT_W}))?|"
    rf"ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|{_UNIT_W})"
)
_TENS_W = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_TEENS_W = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_YEAR = (
    rf"(?P<year>\d{{4}}|'\d{{2}}|\d{{2}}(?![\d/])|(?:nineteen|twenty)[\s-](?:(?:{_TENS_W})(?:[\s-](?:{_UNIT_W}))?|{_TEENS_W}|oh[\s-](?:{_UNIT_W}))|"
    rf"two thousand(?:[\s-]and)?(?:[\s-](?:(?:{_TENS_W})(?:[\s-](?:{_UNIT_W}))?|{_TEENS_W}|{_UNIT_W}))?|"
    rf"(?:{_TENS_W})(?:[\s-](?:{_UNIT_W}))?)"
)
# what may follow an ordinal that makes it a rank, not a day ("the first one", "3rd time")
_NOT_A_DAY_AFTER = re.compile(
    r"\s*(?:one|ones|payment|payments|installment|time|times|thing|things|check|paycheck|"
    r"letter|notice|call|month|week|year|half|part|piece|step|option|person|step|place|of all|"
    r"off|and foremost|name|initial|bill|card|account|loan|bank|quarter|shift|floor|grade|"
    r"street|st\b|avenue|ave\b|amount|deposit|try)\b"
)

_NOT_A_DAY_AFTER_NUMBER = re.compile(
    r"\s*(?:days?|weeks?|months?|years?|dollars?|bucks|hours?|minutes?|percent|payments?|times?)\b",
    re.I,
)
_RANK_AFTER_FIRST = re.compile(
    r"\s*(?:\$|\d|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|hundred|few|couple)",
    re.I,
)
_UNITS_NUM = {w: v for w, v in UNITS.items() if w not in ("oh", "o", "zero")}
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "a": 1, "an": 1, "couple": 2, "few": 3}


def _day_value(raw: str) -> int | None:
    raw = raw.strip().lower()
    m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?", raw)
    if m:
        return int(m.group(1))
    words = re.split(r"[\s-]+", raw)
    if len(words) == 1:
        w = words[0]
        if w in ORDINAL_WORDS:
            return ORDINAL_WORDS[w]
        if w in _UNITS_NUM:
            return _UNITS_NUM[w]
        if w in TEENS:
            return TEENS[w]
        if w in TENS:
            return TENS[w]
        return None
    if len(words) == 2 and words[0] in TENS:
        second = ORDINAL_WORDS.get(words[1]) or _UNITS_NUM.get(words[1])
        if second is not None and second < 10:
            return TENS[words[0]] + second
    return None


def _year_value(raw: str, today: date) -> int | None:
    raw = raw.strip().lower().lstrip("'")
    if re.fullmatch(r"\d{4}", raw):
        return int(raw)
    if re.fullmatch(r"\d{2}", raw):
        return _pivot(int(raw), today)
    words = [w for w in re.split(r"[\s-]+", raw) if w and w != "and"]
    if words[:2] == ["two", "thousand"]:
        rest = _small_number(words[2:]) if len(words) > 2 else 0
        return None if rest is None else 2000 + rest
    if words[0] in ("nineteen", "twenty") and len(words) > 1:
        rest = _small_number(words[2:]) if words[1] == "oh" else _small_number(words[1:])
        if rest is None:
            return None
        return (1900 if words[0] == "nineteen" else 2000) + rest
    two = _small_number(words)
    return None if two is None else _pivot(two, today)


def _small_number(words: list[str]) -> int | None:
    if len(words) == 1:
        w = words[0]
        return TEENS.get(w, TENS.get(w, _UNITS_NUM.get(w)))
    if len(words) == 2 and words[0] in TENS and words[1] in _UNITS_NUM:
        return TENS[words[0]] + _UNITS_NUM[words[1]]
    return None


def _pivot(two_digits: int, today: date) -> int:
    """A two-digit year: this century unless that would be in the future."""
    century = today.year // 100 * 100
    return (
        century + two_digits
        if century + two_digits <= today.year + 1
        else century - 100 + two_digits
    )


# ------------------------------------------------------------------ resolution rules


def resolve_day_of_month(day: int, today: date) -> date | None:
    """The next date with this day of the month, today included.

    A day already past this month means next month; a day the month does not have (the 31st
    in April) moves on to the next month that has it.

    Args:
        day: 1..31.
        today: the call's local date.

    Returns:
        The date, or ``None`` for a day outside 1..31.
    """
    if not 1 <= day <= 31:
        return None
    year, month = today.year, today.month
    for _ in range(13):
        if day <= calendar.monthrange(year, month)[1]:
            candidate = date(year, month, day)
            if candidate >= today:
                return candidate
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return None


def resolve_weekday(weekday: int, today: date, *, modifier: str = "") -> date:
    """The date a weekday name means, said on ``today``.

    Args:
        weekday: 0 = Monday .. 6 = Sunday.
        today: the call's local date.
        modifier: ``""`` (bare "friday": the next such day after today), ``"this"`` (the
            coming one, today when today is that day), ``"next"`` ("next friday": the one in
            next calendar week when the coming one is still in this week), ``"next_week"``
            ("friday next week": a week after the coming one).

    Returns:
        The resolved date.
    """
    ahead = (weekday - today.weekday()) % 7
    if modifier == "this":
        return today + timedelta(days=ahead)
    if ahead == 0:
        ahead = 7
    if modifier == "next" and weekday > today.weekday():
        ahead += 7
    if modifier == "next_week":
        ahead += 7
    return today + timedelta(days=ahead)


def _month_day(month: int, day: int, today: date, year: int | None) -> date | None:
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            return None
    for y in (today.year, today.year + 1):
        try:
            candidate = date(y, month, day)
        except ValueError:
            continue
        # a month-day long gone this year is next year's ("january 5th" said in december);
        # one a few weeks back is a past reference ("i paid on march 3rd")
        if candidate >= today - timedelta(days=45) or y == today.year + 1:
            return candidate
    return None


def _weekday_with_day(weekday: int, day: int, today: date) -> date | None:
    """The first date from today on with this day of the month that falls on ``weekday``."""
    year, month = today.year, today.month
    for _ in range(14):
        if day <= calendar.monthrange(year, month)[1]:
            candidate = date(year, month, day)
            if candidate >= today and candidate.weekday() == weekday:
                return candidate
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return None


def _add_months(d: date, months: int, day: int | None = None) -> date | None:
    month_index = d.month - 1 + months
    year, month = d.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    target = last if day is None else day
    if target > last:
        return None
    return date(year, month, target)


# ------------------------------------------------------------------ patterns

_F = re.IGNORECASE
_P_ISO = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")
_P_NUMERIC_FULL = re.compile(
    rf"(?:\b{_WD_RE},?\s+)?\b(?P<m>\d{{1,2}})[/.-](?P<d>\d{{1,2}})[/.-](?P<y>\d{{4}}|\d{{2}})\b(?![/.-]\d)",
    _F,
)
_P_NUMERIC_MD = re.compile(
    rf"(?:\b{_WD_RE},?\s+)?(?<![\d/$.-])\b(?P<m>\d{{1,2}})/(?P<d>\d{{1,2}})\b(?![/\d])", _F
)
_P_MONTH_DAY = re.compile(
    rf"(?:\b{_WD_RE},?\s+(?:the\s+)?)?\b{_MONTH_RE}\s+(?:the\s+)?{_DAY_ANY}\b(?:,?\s+{_YEAR}\b)?",
    _F,
)
_P_DAY_OF_MONTH_NAME = re.compile(
    rf"(?:\b{_WD_RE},?\s+)?\b(?:the\s+)?{_DAY_ORD}\s+of\s+{_MONTH_RE}(?:,?\s+{_YEAR}\b)?", _F
)
_P_DAY_OF_REL_MONTH = re.compile(
    rf"\b(?:the\s+)?{_DAY_ORD}\s+of\s+(?P<which>next|this|the|the\s+next|the\s+coming|every|each)\s+month\b",
    _F,
)
_P_WEEKDAY_DAY = re.compile(rf"\b{_WD_RE},?\s+(?:the\s+)?{_DAY_ORD}\b", _F)
_P_DAY_ORD = re.compile(
    rf"(?:\b(?P<lead>the|on|by|before|until|til|till|thru|through|for)\s+(?:the\s+)?{_DAY_ORD}\b|"
    r"(?<![\w$])(?P<digitday>\d{1,2}(?:st|nd|rd|th))\b)",
    _F,
)
_P_TODAY = re.compile(
    r"\b(?:today|tonight|right now|right away|this (?:morning|afternoon|evening)|"
    r"(?:later )?today|same day)\b",
    _F,
)
_P_NOW = re.compile(r"\bnow\b", _F)
_P_TOMORROW = re.compile(
    r"\b(?P<after>day after )?(?:tomorrow|tmrw|tmrow|tmr|tomorow|tommorow|tommorrow|2morrow|2moro)\b",
    _F,
)
_P_IN_N = re.compile(
    r"\b(?:in|within)\s+(?P<n>a|an|one|two|three|four|a couple of|a couple|\d{1,2})\s+(?P<unit>days?|weeks?)\b",
    _F,
)
_P_FROM = re.compile(
    rf"\b(?P<n>a|an|one|two|three|four|\d{{1,2}})\s+(?P<unit>days?|weeks?)\s+from\s+(?P<base>today|now|tomorrow|{_WD_NAMES})\b",
    _F,
)
_P_END_OF_MONTH = re.compile(
    r"\b(?:(?:the\s+)?end\s+of\s+(?P<which>the|this|next|the\s+next)\s+month|end\s+of\s+month|month[\s-]end|(?P<last>the\s+last\s+day\s+of\s+the\s+month))\b",
    _F,
)
_P_WEEKDAY = re.compile(
    rf"\b(?P<mod>this\s+coming|this|next|coming|on|by|before|until|til|this\s+next)?\s*\b{_WD_RE}\b(?P<nextweek>\s+(?:of\s+)?next\s+week|\s+after\s+next)?",
    _F,
)
_P_NEXT_WEEKS_WEEKDAY = re.compile(rf"\bnext\s+week'?s\s+{_WD_RE}\b", _F)


def find_dates(text: str, call_date: date) -> list[DateMention]:
    """Find date expressions in a text and resolve each against the call's local date.

    Args:
        text: clean, chat or speech-recognition text.
        call_date: the call's date in the customer's local time (`Conversation.call_date`).

    Returns:
        The mentions in text order, never overlapping. Past dates (a date of birth, "I paid on
        March 3rd") are included with their resolved past date.
    """
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    d: date | None

    def free(s: int, e: int) -> bool:
        return all(e <= ts or s >= te for ts, te in taken)

    def add(m: re.Match[str], d: date | None, kind: DateKind, **kw: object) -> None:
        if d is None or not free(m.start(), m.end()):
            return
        taken.append((m.start(), m.end()))
        found.append(DateMention(d, m.start(), m.end(), text[m.start() : m.end()], kind, **kw))  # type: ignore[arg-type]

    def wd_agrees(m: re.Match[str], d: date | None) -> bool | None:
        wd = m.groupdict().get("wd")
        if not wd or d is None:
            return None
        return WEEKDAYS[wd.lower()] == d.weekday()

    for m in _P_ISO.finditer(text):
        with contextlib.suppress(ValueError):
            add(m, date(int(m["y"]), int(m["m"]), int(m["d"])), "numeric", explicit_year=True)
    for m in _P_NUMERIC_FULL.finditer(text):
        y = int(m["y"])
        y = _pivot(y, call_date) if y < 100 else y
        try:
            d = date(y, int(m["m"]), int(m["d"]))
        except ValueError:
            continue
        add(m, d, "numeric", explicit_year=True, weekday_agrees=wd_agrees(m, d))
    for m in _P_MONTH_DAY.finditer(text):
        month = MONTHS[m["month"].lower()]
        day = _day_value(m["day"])
        if day is None or (
            m["month"].lower() == "may" and not re.search(r"^\d|(?:st|nd|rd|th)$", m["day"], _F)
        ):
            continue  # "may one" is a modal verb more often than May 1st
        cardinal_day = not re.search(r"(?:st|nd|rd|th)$", m["day"], _F)
        if cardinal_day and not m["year"] and _NOT_A_DAY_AFTER_NUMBER.match(text, m.end()):
            continue  # "may 1 day", "march 3 payments"
        year = _year_value(m["year"], call_date) if m["year"] else None
        d = _month_day(month, day, call_date, year)
        add(m, d, "month_day", explicit_year=year is not None, weekday_agrees=wd_agrees(m, d))
    for m in _P_DAY_OF_MONTH_NAME.finditer(text):
        day = _day_value(m["day"])
        year = _year_value(m["year"], call_date) if m["year"] else None
        d = _month_day(MONTHS[m["month"].lower()], day, call_date, year) if day else None
        add(m, d, "month_day", explicit_year=year is not None, weekday_agrees=wd_agrees(m, d))
    for m in _P_NUMERIC_MD.finditer(text):
        before = text[max(0, m.start() - 12) : m.start()].lower()
        if re.search(r"(exp\w*|valid thru|good thru)[\s.:]*$", before):
            continue  # a card expiry "10/28"
        month, day = int(m["m"]), int(m["d"])
        if not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        d = _month_day(month, day, call_date, None)
        add(m, d, "numeric", weekday_agrees=wd_agrees(m, d))
    for m in _P_DAY_OF_REL_MONTH.finditer(text):
        day = _day_value(m["day"])
        which = re.sub(r"\s+", " ", m["which"].lower())
        if day is None:
            continue
        if which in ("next", "the next", "the coming"):
            d = _add_months(call_date.replace(day=1), 1, day)
        elif which == "this":
            d = _add_months(call_date.replace(day=1), 0, day)
        else:
            d = resolve_day_of_month(day, call_date)
        add(m, d, "day_of_month")
    for m in _P_END_OF_MONTH.finditer(text):
        which = (m["which"] or "").lower()
        d = _add_months(call_date.replace(day=1), 1 if "next" in which else 0)
        add(m, d, "end_of_month")
    for m in _P_NEXT_WEEKS_WEEKDAY.finditer(text):
        add(
            m,
            resolve_weekday(WEEKDAYS[m["wd"].lower()], call_date, modifier="next_week"),
            "weekday",
        )
    for m in _P_WEEKDAY_DAY.finditer(text):
        day = _day_value(m["day"])
        if day is None or _NOT_A_DAY_AFTER.match(text, m.end()):
            continue
        wd = WEEKDAYS[m["wd"].lower()]
        d = _weekday_with_day(wd, day, call_date)
        agrees = d is not None
        add(m, d or resolve_day_of_month(day, call_date), "day_of_month", weekday_agrees=agrees)
    for m in _P_FROM.finditer(text):
        n = _count(m["n"])
        base_word = m["base"].lower()
        if base_word in ("today", "now"):
            base = call_date
        elif base_word == "tomorrow":
            base = call_date + timedelta(days=1)
        else:
            base = resolve_weekday(WEEKDAYS[base_word], call_date)
        step = 7 if m["unit"].lower().startswith("week") else 1
        add(m, base + timedelta(days=n * step), "relative")
    for m in _P_IN_N.finditer(text):
        n = _count(m["n"])
        step = 7 if m["unit"].lower().startswith("week") else 1
        add(m, call_date + timedelta(days=n * step), "relative")
    for m in _P_TOMORROW.finditer(text):
        add(m, call_date + timedelta(days=2 if m["after"] else 1), "tomorrow")
    for m in _P_TODAY.finditer(text):
        add(m, call_date, "today")
    for m in _P_DAY_ORD.finditer(text):
        raw = m["day"] or m["digitday"]
        day = _day_value(raw)
        if day is None or _NOT_A_DAY_AFTER.match(text, m.end()):
            continue
        if (
            day == 1
            and (m["lead"] or "the").lower() == "the"
            and _RANK_AFTER_FIRST.match(text, m.end())
        ):
            continue  # "the first $75", "the first two payments": a rank, not the 1st
        if m["lead"] and m["lead"].lower() == "for" and not re.search(r"\d", raw):
            continue  # "for the first time"
        d = resolve_day_of_month(day, call_date)
        add(m, d, "day_of_month")
    for m in _P_WEEKDAY.finditer(text):
        wd_raw = m["wd"].lower()
        mod = re.sub(r"\s+", " ", (m["mod"] or "").lower())
        if wd_raw in _RISKY_WEEKDAYS and not mod:
            continue
        if wd_raw in ("sun", "sat") and mod not in (
            "this",
            "next",
            "this coming",
            "coming",
            "on",
            "by",
        ):
            continue  # "the sun", "i sat": only with a clear lead
        if text[m.end("wd") : m.end("wd") + 1] in ("'",) or re.match(r"s\b", text[m.end("wd") :]):
            continue  # "fridays": a habit, not a date
        if m["nextweek"]:
            modifier = "next_week"
        elif mod in ("this", "this coming", "coming"):
            modifier = "this"
        elif mod in ("next", "this next"):
            modifier = "next"
        else:
            modifier = ""
        s = (
            m.start("mod")
            if mod in ("this", "next", "this coming", "coming", "this next")
            else m.start("wd")
        )
        e = m.end()
        if not free(s, e):
            continue
        taken.append((s, e))
        found.append(
            DateMention(
                resolve_weekday(WEEKDAYS[wd_raw], call_date, modifier=modifier),
                s,
                e,
                text[s:e],
                "weekday",
            )
        )
    for m in _P_NOW.finditer(text):
        if free(m.start(), m.end()) and _now_means_payment_time(text, m.start()):
            taken.append((m.start(), m.end()))
            found.append(DateMention(call_date, m.start(), m.end(), m.group(), "today"))
    found.sort(key=lambda x: x.start)
    return found


def _count(word: str) -> int:
    w = word.lower()
    if w.isdigit():
        return int(w)
    if w.startswith("a couple"):
        return 2
    return _NUMBER_WORDS.get(w, UNITS.get(w, 1))


_NOW_CONTEXT = re.compile(
    r"(?:\b(?:pay|paying|do|take|put|send|make|run|process|charge|half|it|that|something|"
    r"payment|\d+|dollars|bucks|hundred|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|"
    r"fifty|twenty|thirty|forty|sixty|seventy|eighty|ninety|paid|paying|it off|it all|in full|"
    r"balance|deal|online|card|link)\s+(?:right\s+)?now\b|\bjust now\b|"
    r"\bnow\b\s*(?:and|,)\s+(?:the\s+)?(?:rest|other|another|half|then))",
    _F,
)


def _now_means_payment_time(text: str, pos: int) -> bool:
    """Whether "now" names the moment of payment ("half now", "pay it now") rather than "now i'm"."""
    window = text[max(0, pos - 40) : pos + 30]
    offset = pos - max(0, pos - 40)
    return any(m.start() <= offset < m.end() for m in _NOW_CONTEXT.finditer(window))

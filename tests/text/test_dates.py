"""Date expressions resolved against the call's local date (qa_pipeline.text.dates)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_pipeline.text.dates import find_dates, resolve_day_of_month, resolve_weekday

WEDNESDAY = date(2026, 1, 14)
_ORDINALS = [
    "", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth", "twentieth", "twenty first", "twenty second",
    "twenty third", "twenty fourth", "twenty fifth", "twenty sixth", "twenty seventh",
    "twenty eighth", "twenty ninth", "thirtieth", "thirty first",
]  # fmt: skip
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

call_dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


def dates_in(text: str, today: date = WEDNESDAY) -> list[date]:
    return [d.date for d in find_dates(text, today)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the 15th", date(2026, 1, 15)),
        ("the fifteenth", date(2026, 1, 15)),
        ("on the 3rd", date(2026, 2, 3)),  # already past this month: next month
        ("march 3rd", date(2026, 3, 3)),
        ("3/20", date(2026, 3, 20)),
        ("3/20/2026", date(2026, 3, 20)),
        ("fri", date(2026, 1, 16)),
        ("this friday", date(2026, 1, 16)),
        ("next friday", date(2026, 1, 23)),  # the coming one is still this week
        ("next monday", date(2026, 1, 19)),
        ("friday next week", date(2026, 1, 23)),
        ("next week's friday", date(2026, 1, 23)),
        ("wednesday", date(2026, 1, 21)),  # a bare weekday is the next one AFTER today
        ("tomorrow", date(2026, 1, 15)),
        ("tmrw", date(2026, 1, 15)),
        ("today", WEDNESDAY),
        ("right now", WEDNESDAY),
        ("half now and the rest later", WEDNESDAY),
        ("a week from today", date(2026, 1, 21)),
        ("two weeks from friday", date(2026, 1, 30)),
        ("in two weeks", date(2026, 1, 28)),
        ("the first of next month", date(2026, 2, 1)),
        ("end of the month", date(2026, 1, 31)),
        ("payday on the 28th", date(2026, 1, 28)),
        ("friday the 16th", date(2026, 1, 16)),
        ("friday the 13th", date(2026, 2, 13)),  # the next 13th that is a Friday
        ("Friday, January 23rd, 2026", date(2026, 1, 23)),
        ("friday january thirtieth", date(2026, 1, 30)),
        ("monday april sixth", date(2026, 4, 6)),
        ("january 3rd", date(2026, 1, 3)),  # a few days back: a past reference, not next year
        ("September 15, 2026", date(2026, 9, 15)),
        ("$100 on Friday 11/13", date(2026, 11, 13)),
    ],
)
def test_resolves_against_the_call_date(text: str, expected: date) -> None:
    assert dates_in(text) == [expected]


def test_month_day_long_past_means_next_year() -> None:
    assert dates_in("could i start on the third of january", date(2026, 12, 8)) == [
        date(2027, 1, 3)
    ]


def test_two_dates_in_one_sentence() -> None:
    assert dates_in("on the first and the fifteenth") == [date(2026, 2, 1), date(2026, 1, 15)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("March 3rd, 1986.", date(1986, 3, 3)),
        ("april ninth nineteen ninety", date(1990, 4, 9)),
        ("july twenty second eighty five", date(1985, 7, 22)),
        ("11/04/1995", date(1995, 11, 4)),
        ("3-15-83", date(1983, 3, 15)),
    ],
)
def test_dates_of_birth_keep_their_year(text: str, expected: date) -> None:
    (mention,) = find_dates(text, WEDNESDAY)
    assert mention.date == expected
    assert mention.explicit_year


@pytest.mark.parametrize(
    "text",
    [
        "It's a Visa, ending in 3309, expires 10/28.",
        "the first one",
        "would you like the first $75 to come out",
        "the first two payments",
        "for the first time",
        "i sat on it",
        "you may 1 day",
        "now i'm getting like twenty two a week",
        "24/7",
        "next week",
    ],
)
def test_not_dates(text: str) -> None:
    assert find_dates(text, WEDNESDAY) == []


def test_weekday_with_date_records_agreement() -> None:
    (agrees,) = find_dates("Friday, January 23rd", WEDNESDAY)
    assert agrees.weekday_agrees is True
    (disagrees,) = find_dates("Monday, January 23rd", WEDNESDAY)
    assert disagrees.date == date(2026, 1, 23)
    assert disagrees.weekday_agrees is False


def test_mention_span_matches_text() -> None:
    text = "I can do two hundred next Friday."
    (mention,) = find_dates(text, WEDNESDAY)
    assert text[mention.start : mention.end] == mention.text == "next Friday"
    assert mention.kind == "weekday"


@settings(max_examples=300, deadline=None)
@given(
    today=call_dates,
    weekday=st.integers(0, 6),
    modifier=st.sampled_from(["", "this ", "next ", "on "]),
)
def test_weekday_names_are_never_in_the_past(today: date, weekday: int, modifier: str) -> None:
    (resolved,) = dates_in(f"i can pay {modifier}{_WEEKDAYS[weekday]}", today)
    assert resolved.weekday() == weekday
    assert today <= resolved <= today + timedelta(days=13)
    if modifier in ("", "on "):
        assert today < resolved <= today + timedelta(days=7)


@settings(max_examples=300, deadline=None)
@given(today=call_dates, day=st.integers(1, 31), spelled=st.booleans())
def test_day_of_month_is_the_next_such_day(today: date, day: int, spelled: bool) -> None:
    words = (
        _ORDINALS[day]
        if spelled
        else f"{day}{'th' if 11 <= day <= 13 else {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th')}"
    )
    (resolved,) = dates_in(f"i can do it on the {words}", today)
    assert resolved.day == day
    assert today <= resolved <= today + timedelta(days=62 + 31)
    # no earlier date from today on has that day of the month
    probe = today
    while probe < resolved:
        assert probe.day != day
        probe += timedelta(days=1)


@settings(max_examples=300, deadline=None)
@given(today=call_dates, target=st.integers(0, 300))
def test_written_and_spoken_month_days_round_trip(today: date, target: int) -> None:
    day = today + timedelta(days=target)
    month = calendar.month_name[day.month]
    assert dates_in(f"{month} {_ORDINALS[day.day]}, {day.year}", today) == [day]
    assert dates_in(f"on {day.month}/{day.day}/{day.year}", today) == [day]
    assert dates_in(f"{month.lower()} {day.day}", today) == [day]


@settings(max_examples=300, deadline=None)
@given(
    today=call_dates,
    phrase=st.sampled_from(
        [
            "tomorrow",
            "today",
            "right now",
            "a week from today",
            "in three days",
            "in two weeks",
            "end of the month",
            "the first of next month",
            "two weeks from friday",
            "next friday",
        ]
    ),
)
def test_future_expressions_never_resolve_before_the_call(today: date, phrase: str) -> None:
    (resolved,) = dates_in(f"i'll pay it {phrase}", today)
    assert resolved >= today


def test_resolution_helpers() -> None:
    assert resolve_day_of_month(31, date(2026, 4, 10)) == date(2026, 5, 31)
    assert resolve_day_of_month(14, WEDNESDAY) == WEDNESDAY
    assert resolve_day_of_month(0, WEDNESDAY) is None
    assert resolve_weekday(2, WEDNESDAY) == date(2026, 1, 21)
    assert resolve_weekday(2, WEDNESDAY, modifier="this") == WEDNESDAY


@settings(max_examples=500, deadline=None)
@given(text=st.text(max_size=200), today=call_dates)
def test_arbitrary_text_never_crashes(text: str, today: date) -> None:
    for mention in find_dates(text, today):
        assert text[mention.start : mention.end] == mention.text

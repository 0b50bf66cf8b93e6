"""Money amounts in clean, chat and speech-recognition text (qa_pipeline.text.numbers)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_pipeline.text.numbers import find_amounts, format_amount, words_to_digits

_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = [
    "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
]  # fmt: skip
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def spoken_below_100(n: int) -> str:
    if n < 10:
        return _UNITS[n]
    if n < 20:
        return _TEENS[n - 10]
    tens, unit = divmod(n, 10)
    return _TENS[tens] + ("" if unit == 0 else f" {_UNITS[unit]}")


def spoken(n: int, *, with_and: bool = False) -> str:
    """English words for 1..999,999 ("two hundred and twenty five")."""
    parts: list[str] = []
    thousands, rest = divmod(n, 1000)
    if thousands:
        parts.append(f"{spoken(thousands, with_and=with_and)} thousand")
    hundreds, below = divmod(rest, 100)
    if hundreds:
        parts.append(f"{_UNITS[hundreds]} hundred")
    if below:
        if parts and with_and:
            parts.append("and")
        parts.append(spoken_below_100(below))
    return " ".join(parts)


def values(text: str) -> list[float]:
    return [a.value for a in find_amounts(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$150", 150.0),
        ("150 dollars", 150.0),
        ("150.00", 150.0),
        ("$1,850", 1850.0),
        ("one fifty", 150.0),
        ("a hundred and fifty", 150.0),
        ("two hundred and twenty five", 225.0),
        ("six twelve forty", 612.40),
        ("ninety five forty", 95.40),
        ("two fifty a month", 250.0),
        ("1.2k", 1200.0),
        ("twelve hundred", 1200.0),
        ("fifteen hundred", 1500.0),
        ("four eighty two", 482.0),
        ("six oh three", 603.0),
        ("three eighteen sixty", 318.60),
        ("four hundred eighty two dollars and fifteen cents", 482.15),
        ("one thousand two hundred and six dollars", 1206.0),
        ("one thousand and thirty dollars", 1030.0),
        ("a hundred bucks", 100.0),
        ("two grand", 2000.0),
        ("Seventy-five I can probably do", 75.0),
        ("about $162/mo", 162.0),
        ("a balance of $612.40.", 612.40),
    ],
)
def test_reads_the_amount(text: str, expected: float) -> None:
    assert values(text) == [pytest.approx(expected)]


@pytest.mark.parametrize(
    "text",
    [
        "march second eighty four",  # a date of birth
        "april ninth nineteen ninety",
        "july twenty second eighty five",
        "eight five two one nine",  # a ZIP read digit by digit
        "the checking ending in um eight eight one oh",
        "the last four are two two eight one",
        "It's a Visa, ending in 3309, expires 10/28.",
        "May 5th, 1985. 31763.",
        "call 888-555-0193, extension 4",
        "eight hundred five five five zero one four two",  # a phone number
        "it's like seven in the morning",
        "call me back at three thirty",
        "3 payments works. first one on the 13th",
        "ninety days past due",
        "settle at seventy percent",
        "twenty twenty six",
        "Ray Olsen. 4471.",  # the last four of a Social
        "the code on the back is 402",
        "twenty two eleven pecan street apartment four",
        "the twenty third",
    ],
)
def test_leaves_dates_times_and_identifiers_alone(text: str) -> None:
    assert find_amounts(text) == []


def test_mentions_carry_span_text_and_currency_cue() -> None:
    text = "i can do two hundred next friday, or $150 on the 15th"
    first, second = find_amounts(text)
    assert (first.value, first.text, first.has_currency) == (200.0, "two hundred", False)
    assert text[first.start : first.end] == "two hundred"
    assert (second.value, second.text, second.has_currency) == (150.0, "$150", True)
    assert text[second.start : second.end] == "$150"


def test_recurring_amounts_are_marked() -> None:
    (amount,) = find_amounts("forty a month starting on the sixth")
    assert amount.value == 40.0
    assert amount.per_period


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("one hundred fifty dollars", "$150"),
        ("i can do one fifty on the fifteenth", "i can do 150 on the 15th"),
        ("the zip is eight five two one nine", "the zip is 85219"),
        ("six hundred twelve dollars and forty cents", "$612.40"),
        ("the first one", "the 1st one"),
        ("nothing to change here", "nothing to change here"),
    ],
)
def test_words_to_digits(text: str, expected: str) -> None:
    assert words_to_digits(text) == expected


def test_format_amount() -> None:
    assert format_amount(150.0) == "$150"
    assert format_amount(612.4) == "$612.40"
    assert format_amount(1850) == "$1,850"


@settings(max_examples=300, deadline=None)
@given(n=st.integers(min_value=10, max_value=999_999), with_and=st.booleans())
def test_spoken_dollars_round_trip(n: int, with_and: bool) -> None:
    assert values(f"that's {spoken(n, with_and=with_and)} dollars") == [float(n)]


@settings(max_examples=300, deadline=None)
@given(
    dollars=st.integers(min_value=1, max_value=99_999), cents=st.integers(min_value=1, max_value=99)
)
def test_spoken_dollars_and_cents_round_trip(dollars: int, cents: int) -> None:
    text = f"{spoken(dollars)} dollars and {spoken_below_100(cents)} cents"
    assert values(text) == [pytest.approx(dollars + cents / 100)]


@settings(max_examples=300, deadline=None)
@given(hundreds=st.integers(min_value=1, max_value=9), rest=st.integers(min_value=10, max_value=99))
def test_colloquial_hundreds_round_trip(hundreds: int, rest: int) -> None:
    # "one fifty", "four eighty two": collections-floor speech drops "hundred"
    text = f"i can do {_UNITS[hundreds]} {spoken_below_100(rest)} on friday"
    assert values(text) == [float(hundreds * 100 + rest)]


@settings(max_examples=300, deadline=None)
@given(cents_total=st.integers(min_value=1000, max_value=99_999_999))
def test_written_amounts_round_trip(cents_total: int) -> None:
    value = cents_total / 100
    assert values(f"a payment of {format_amount(value)} today") == [pytest.approx(value)]
    assert values(f"a payment of ${value:.2f} today") == [pytest.approx(value)]


@settings(max_examples=300, deadline=None)
@given(n=st.integers(min_value=10, max_value=999_999))
def test_words_to_digits_then_find_amounts_agree(n: int) -> None:
    rewritten = words_to_digits(f"{spoken(n)} dollars")
    assert rewritten == format_amount(n)
    assert values(rewritten) == [float(n)]


@settings(max_examples=500, deadline=None)
@given(text=st.text(max_size=200))
def test_arbitrary_text_never_crashes(text: str) -> None:
    amounts = find_amounts(text)
    assert all(0 <= a.start < a.end <= len(text) for a in amounts)
    assert isinstance(words_to_digits(text), str)


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(
        st.sampled_from(
            [
                *_UNITS,
                *_TEENS,
                *_TENS[2:],
                "hundred",
                "thousand",
                "and",
                "a",
                "oh",
                "dollars",
                "cents",
                "the",
                "fifteenth",
                "march",
                "$",
                "5",
                "1,200",
                ".",
                "grand",
                "k",
            ]
        ),
        max_size=12,
    )
)
def test_number_word_soup_never_crashes(words: list[str]) -> None:
    text = " ".join(words)
    for a in find_amounts(text):
        assert a.value >= 0
        assert text[a.start : a.end] == a.text
    words_to_digits(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("i can pay 1 hundred dollars friday", 100.0),
        ("2 hundred and fifty on the first", 250.0),
        ("15 hundred bucks", 1500.0),
    ],
)
def test_digits_before_scale_words_read_as_one_amount(text: str, value: float) -> None:
    # speech recognition writes "1 hundred" as often as "one hundred"
    assert [a.value for a in find_amounts(text)] == [value]

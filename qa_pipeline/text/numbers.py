"""Money amounts in clean text, chats and speech-recognition output.

People say an amount many ways: "$1,850", "150.00", "150 dollars", "1.2k", "a hundred and
fifty", "two hundred and twenty five", and, in collections, the colloquial grouping that
drops "hundred" and "dollars": "one fifty" ($150), "four eighty two" ($482), "six twelve
forty" ($612.40), "ninety five forty" ($95.40). The same words also spell dates ("march
second eighty four"), ZIP codes and the last four of a Social ("eight five two one nine"),
phone numbers, times and years, which must NOT come out as money. Spoken numbers are read as
runs of number words split into plain English cardinals ("segments"); the shape of the segment
list decides between an amount, a digit string, a year or nothing.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "AmountMention",
    "NumberRun",
    "find_amounts",
    "find_number_runs",
    "format_amount",
    "words_to_digits",
]

UNITS = {
    "zero": 0, "oh": 0, "o": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9,
}  # fmt: skip
TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1000, "grand": 1000, "k": 1000}
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip

_CURRENCY_AFTER = {"dollars", "dollar", "bucks", "buck", "usd"}
# words after a number that make it a count, a duration or a time, not money
_COUNT_NOUNS = {
    "months", "month", "weeks", "week", "days", "day", "years", "year", "yrs", "hours", "hour",
    "hrs", "minutes", "minute", "mins", "seconds", "payments", "payment", "installments",
    "installment", "times", "people", "kids", "children", "percent", "pct", "am", "pm",
    "o'clock", "oclock", "digits", "digit", "calls", "letters", "cards", "accounts", "things",
    "pieces", "checks", "paychecks", "jobs", "shifts", "miles", "mph", "points", "pounds",
    "feet", "ft", "inches", "%", "x", "th", "st", "nd", "rd", "weekends", "nights",
}  # fmt: skip
# words before a number that make it an identifier, not money
_ID_CUES = {
    "ending", "last", "zip", "zipcode", "extension", "ext", "ssn", "social", "acct",
    "account", "number", "no", "#", "code", "confirmation", "reference", "ref", "apt",
    "apartment", "suite", "unit", "room", "route", "highway", "box", "pin", "id", "expires",
    "exp", "version", "option", "press", "line", "floor", "lot", "check", "policy", "case",
    "ticket", "claim", "card",
}  # fmt: skip
# words before a bare 4-digit number that make it money ("pay 1200", "a balance of 1850")
_MONEY_BEFORE = {
    "pay", "paying", "do", "send", "put", "of", "owe", "owed", "for", "about", "around", "like",
    "balance", "total", "is", "was", "down", "only", "just",
}  # fmt: skip
# identifier words that make a bare number a few words later an identifier too
_STRONG_ID_CUES = {
    "code", "cvv", "cvc", "ending", "zip", "extension", "ext", "confirmation", "reference",
    "pin", "ssn", "social", "expiration", "routing", "acct", "apartment", "apt", "unit", "suite",
}  # fmt: skip
_TIME_BEFORE = {"at", "around", "til", "till", "until", "by", "about"}
_TIME_AFTER = {"am", "pm", "a.m", "p.m", "o'clock", "oclock", "tonight", "sharp"}
_STREET_WORDS = {
    "street", "st", "avenue", "ave", "court", "ct", "road", "rd", "drive", "dr", "lane", "ln",
    "boulevard", "blvd", "way", "place", "pl", "circle", "cir", "terrace", "highway", "hwy",
    "parkway", "pkwy", "trail", "apartment", "apt",
}  # fmt: skip

_TOKEN = re.compile(
    r"\$?\d[\d,]*(?:\.\d+)?(?:[kK]\b)?(?:st|nd|rd|th)?|[A-Za-z]+(?:['’][A-Za-z]+)?|[$%#/:.\-]"
)


@dataclass(frozen=True, slots=True)
class AmountMention:
    """A money amount found in a text.

    Attributes:
        value: the amount in currency units (dollars), e.g. ``612.4``.
        start: index of the first character of the mention in the text.
        end: index one past the last character.
        text: the matched text as written (``"$1,850"``, ``"six twelve forty"``).
        has_currency: whether a currency cue came with it (``$``, "dollars", "bucks", "cents",
            "grand"): bare numbers ("can do 200 fri") carry none and need context.
        per_period: "a month", "a week", "/mo" and the like followed: a recurring amount.
    """

    value: float
    start: int
    end: int
    text: str
    has_currency: bool
    per_period: bool = False


RunKind = Literal["amount", "digits", "year", "time", "ordinal", "other"]


@dataclass(frozen=True, slots=True)
class NumberRun:
    """A run of spoken number words and what it most likely spells.

    Attributes:
        kind: ``amount`` (a number that can be money), ``digits`` (ZIP, SSN, phone digits read
            one by one), ``year``, ``time``, ``ordinal`` (part of "twenty third") or ``other``
            (a number shape that is none of these, e.g. "three seventeen nineteen ninety six").
        value: the number for ``amount`` and ``year``; ``None`` otherwise.
        digits: the digit string for ``digits`` runs.
        start, end: character span of the run (including a trailing "dollars"/"cents" phrase).
        has_currency: a currency word came with it.
    """

    kind: RunKind
    value: float | None
    digits: str
    start: int
    end: int
    has_currency: bool
    per_period: bool = False


@dataclass(slots=True)
class _Tok:
    text: str  # lower case
    start: int
    end: int


def _tokens(text: str) -> list[_Tok]:
    toks = [
        _Tok(m.group().lower().replace("’", "'"), m.start(), m.end()) for m in _TOKEN.finditer(text)
    ]
    # speech recognition mixes digits and scale words ("1 hundred dollars", "2 hundred and
    # fifty"): read such a digit as its word, keeping its span, so the spoken parser sees one run
    for tok, nxt in itertools.pairwise(toks):
        if nxt.text in ("hundred", "thousand") and tok.text.isdigit() and len(tok.text) <= 2:
            tok.text = _number_word(int(tok.text)) or tok.text
    return toks


def _number_word(n: int) -> str | None:
    """A number the spoken parser reads as one word ("1" -> "one", "40" -> "forty")."""
    for table in (UNITS, TEENS, TENS):
        for word, value in table.items():
            if value == n:
                return word
    return None


def _is_number_word(word: str) -> bool:
    return word in UNITS or word in TEENS or word in TENS or word in ("hundred", "thousand")


# ---------------------------------------------------------------- spoken segments


@dataclass(slots=True)
class _Segment:
    """One plain English cardinal inside a run ("two hundred and six", "eighty two", "oh")."""

    value: int
    words: int
    single_digit: bool  # one unit word (0-9), the shape of digit-by-digit reading
    zero_led: bool  # "oh three": a two-digit group written with a leading zero
    scaled: bool  # contains hundred/thousand


def _segments(words: list[str]) -> list[_Segment] | None:
    """Split number words into plain cardinals; ``None`` when the words make no number."""
    segs: list[_Segment] = []
    i = 0
    n = len(words)
    while i < n:
        w = words[i]
        if w == "and":
            i += 1
            continue
        total = 0
        current = 0
        count = 0
        scaled = False
        zero_led = False
        single_digit = False
        # "a hundred", "a thousand"
        if w == "a" and i + 1 < n and words[i + 1] in ("hundred", "thousand"):
            current = 1
            i += 1
            count += 1
            w = words[i]
        if (
            w in ("oh", "o", "zero")
            and i + 1 < n
            and words[i + 1] in UNITS
            and words[i + 1] not in ("oh", "o", "zero")
            and segs
        ):
            # "six oh three": the "oh three" group is 3 with a written leading zero
            segs.append(_Segment(UNITS[words[i + 1]], 2, False, True, False))
            i += 2
            continue
        last = ""  # the kind of the last word consumed in this segment
        while i < n:
            w = words[i]
            if w in UNITS and w not in ("oh", "o"):
                if last in ("", "hundred_and", "thousand_and") or (
                    last == "tens" and current % 10 == 0
                ):
                    current += UNITS[w]
                    last = "unit" if last != "tens" else "tens_unit"
                else:
                    break
            elif w in ("oh", "o"):
                if last == "":
                    current = 0
                    last = "unit"
                else:
                    break
            elif w in TEENS:
                if last in ("", "hundred_and", "thousand_and"):
                    current += TEENS[w]
                    last = "teen"
                else:
                    break
            elif w in TENS:
                if last in ("", "hundred_and", "thousand_and"):
                    current += TENS[w]
                    last = "tens"
                else:
                    break
            elif w == "hundred":
                if last in ("unit", "teen", "tens_unit", "tens") and current < 100:
                    current *= 100
                    last = "hundred_and"
                    scaled = True
                elif last == "" and current == 1:  # "a hundred"
                    current = 100
                    last = "hundred_and"
                    scaled = True
                else:
                    break
            elif w == "thousand":
                if last in ("unit", "teen", "tens", "tens_unit", "hundred_and") or (
                    last == "" and current == 1
                ):
                    if total:
                        break
                    total = (current or 1) * 1000
                    current = 0
                    last = "thousand_and"
                    scaled = True
                else:
                    break
            elif w == "and":
                if (
                    last in ("hundred_and", "thousand_and")
                    and i + 1 < n
                    and words[i + 1] not in ("and",)
                ):
                    i += 1
                    count += 1
                    continue
                break
            else:
                break
            i += 1
            count += 1
        if count == 0:
            return None
        value = total + current
        single_digit = count == 1 and last == "unit"
        segs.append(_Segment(value, count, single_digit, zero_led, scaled))
    return segs


def _interpret(segs: list[_Segment], currency: bool) -> tuple[RunKind, float | None, str]:
    """Decide what a list of segments spells: amount, digits, year or other."""
    digit_words = sum(1 for s in segs if s.single_digit) + sum(2 for s in segs if s.zero_led)
    longest_digit_streak = 0
    streak = 0
    for s in segs:
        streak = streak + 1 if s.single_digit else 0
        longest_digit_streak = max(longest_digit_streak, streak)
    if longest_digit_streak >= 3 or digit_words >= 4:
        # ZIP, SSN, phone, account: digits read one by one
        return (
            "digits",
            None,
            "".join(f"{s.value:02d}" if s.zero_led else str(s.value) for s in segs),
        )
    if len(segs) == 1:
        return "amount", float(segs[0].value), ""
    if len(segs) == 2:
        a, b = segs
        if a.value == b.value and a.words == b.words and not a.single_digit:
            return "amount", float(a.value), ""  # "fifty fifty dollars": said twice, not $50.50
        if a.scaled or b.scaled:
            if a.scaled and not b.scaled and 10 <= b.value <= 99 and not b.single_digit:
                # "two hundred forty two fifteen" split as [242, 15]: dollars and cents
                return "amount", a.value + b.value / 100, ""
            return "other", None, ""
        if a.single_digit and b.single_digit:
            return (
                ("amount", float(a.value * 100 + b.value), "")
                if currency
                else ("digits", None, f"{a.value}{b.value}")
            )
        if a.single_digit and a.value >= 1 and (b.value >= 10 or b.zero_led):
            return "amount", float(a.value * 100 + b.value), ""  # "one fifty", "six oh three"
        if 10 <= a.value <= 19 and not a.scaled and (b.value >= 10 or b.zero_led):
            if a.value in (19,) and not currency:
                return "year", float(a.value * 100 + b.value), ""
            return "amount", float(a.value * 100 + b.value), ""  # "twelve fifty"
        if 20 <= a.value <= 99 and (b.value >= 10 or b.zero_led):
            if a.value == 20 and not currency:
                return "year", float(2000 + b.value), ""  # "twenty twenty six"
            return "amount", a.value + b.value / 100, ""  # "ninety five forty"
        return "other", None, ""
    if len(segs) == 3:
        a, b, c = segs
        if (
            not a.scaled
            and not b.scaled
            and not c.scaled
            and 1 <= a.value <= 19
            and (b.value >= 10 or b.zero_led)
            and (c.value >= 10 or c.zero_led)
        ):
            return "amount", a.value * 100 + b.value + c.value / 100, ""  # "six twelve forty"
        return "other", None, ""
    return "other", None, ""


def find_number_runs(text: str) -> list[NumberRun]:
    """Find runs of spoken number words and classify each one.

    Args:
        text: any text; number words are matched case-insensitively.

    Returns:
        One `NumberRun` per maximal run of number words, in text order.
    """
    toks = _tokens(text)
    runs: list[NumberRun] = []
    i = 0
    n = len(toks)
    while i < n:
        w = toks[i].text
        starts = _is_number_word(w) and w not in ("hundred", "thousand")
        if w == "a" and i + 1 < n and toks[i + 1].text in ("hundred", "thousand"):
            starts = True
        if not starts:
            i += 1
            continue
        j = i
        words: list[str] = []
        while j < n:
            t = toks[j].text
            if (
                _is_number_word(t)
                or (t == "a" and j + 1 < n and toks[j + 1].text in ("hundred", "thousand"))
                or (
                    t == "and"
                    and words
                    and words[-1] in ("hundred", "thousand")
                    and j + 1 < n
                    and _is_number_word(toks[j + 1].text)
                )
            ):
                words.append(t)
                j += 1
            elif t == "-" and j + 1 < n and _is_number_word(toks[j + 1].text) and words:
                j += 1  # "seventy-five"
            else:
                break
        # drop a trailing "oh"/"o" that is an interjection, not a zero ("five oh")
        while words and words[-1] in ("oh", "o") and len(words) == 1:
            words.pop()
        if not words:
            i = j if j > i else i + 1
            continue
        # only "oh"/"o" at the start of a run is an interjection ("oh that's a joke")
        if words[0] in ("oh", "o"):
            i += 1
            continue
        run_start = toks[i].start
        run_end = toks[j - 1].end
        nxt = toks[j].text if j < n else ""
        prev = toks[i - 1].text if i > 0 else ""
        prev2 = toks[i - 2].text if i > 1 else ""
        currency = False
        value_extra = 0.0
        end_idx = j
        per_period = False
        if nxt in _CURRENCY_AFTER or nxt == "grand":
            currency = True
            run_end = toks[j].end
            end_idx = j + 1
            # "... dollars and fifteen cents"
            k = end_idx
            if k < n and toks[k].text == "and":
                k += 1
            m = k
            cent_words: list[str] = []
            while m < n and _is_number_word(toks[m].text):
                cent_words.append(toks[m].text)
                m += 1
            if cent_words and m < n and toks[m].text in ("cents", "cent"):
                cs = _segments(cent_words)
                if cs and len(cs) == 1 and cs[0].value < 100:
                    value_extra = cs[0].value / 100
                    run_end = toks[m].end
                    end_idx = m + 1
        elif nxt in ("cents", "cent"):
            currency = True
        if nxt == "grand":
            words = [*words, "thousand"]
        if (
            end_idx < n
            and toks[end_idx].text in ("a", "per", "each", "every", "/")
            and end_idx + 1 < n
            and toks[end_idx + 1].text in ("month", "week", "mo", "wk", "paycheck", "check")
        ):
            per_period = True
        segs = _segments(words)
        kind: RunKind
        if segs is None:
            kind, value, digits = "other", None, ""
        else:
            kind, value, digits = _interpret(segs, currency)
            if value is not None and nxt in ("cents", "cent") and kind == "amount":
                value = value / 100
        if kind == "amount" and value is not None:
            value += value_extra
        after_word = toks[end_idx].text if end_idx < n else ""
        # context that makes a number something other than money
        if not currency and kind in ("amount", "year"):
            if nxt in ORDINAL_WORDS or (
                nxt.endswith(("th", "st", "nd", "rd")) and _ordinal_word_value(nxt) is not None
            ):
                kind = "ordinal"  # "twenty third"
            elif nxt in _TIME_AFTER or (
                nxt == "in"
                and j + 2 < n
                and toks[j + 1].text == "the"
                and toks[j + 2].text in ("morning", "afternoon", "evening")
            ):
                kind = "time"
            elif (
                prev in _TIME_BEFORE
                and kind == "amount"
                and value is not None
                and value < 1300
                and segs is not None
                and len(segs) == 2
                and segs[0].value <= 12
            ):
                kind = "time"  # "at three thirty"
            elif _preceded_by_date(toks, i):
                kind = (
                    "year" if value is not None and (value >= 1900 or len(words) <= 3) else "other"
                )
            elif prev in _ID_CUES or prev2 in ("last", "ending"):
                kind = "digits"
            elif (
                after_word in _COUNT_NOUNS
                or nxt in _COUNT_NOUNS
                or nxt in _STREET_WORDS
                or (j + 1 < n and toks[j + 1].text in _STREET_WORDS)
            ):
                kind = "other"
        runs.append(NumberRun(kind, value, digits, run_start, run_end, currency, per_period))
        i = max(j, end_idx)
    return runs


def _ordinal_word_value(word: str) -> int | None:
    if word in ORDINAL_WORDS:
        return ORDINAL_WORDS[word]
    m = re.fullmatch(r"(\d{1,2})(st|nd|rd|th)", word)
    return int(m.group(1)) if m else None


def _preceded_by_date(toks: list[_Tok], i: int) -> bool:
    """Whether the tokens just before index ``i`` end a date ("march second", "4/19,")."""
    k = i - 1
    while k >= 0 and toks[k].text in (",", "."):
        k -= 1
    if k < 0:
        return False
    w = toks[k].text
    if _ordinal_word_value(w) is not None:
        # "the first two hundred" is rare; a month or "born" before the ordinal settles it
        k2 = k - 1
        if k2 >= 0 and toks[k2].text in TENS:
            k2 -= 1
        return k2 >= 0 and (
            toks[k2].text in MONTHS
            or (toks[k2].text == "the" and k2 >= 1 and toks[k2 - 1].text in MONTHS)
        )
    # "march twenty" is a day, "april nineteen ninety" a year
    return w in MONTHS


# ---------------------------------------------------------------- digits

_DIGIT_AMOUNT = re.compile(
    r"(?P<cur>\$|\busd ?)?\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)"
    r"(?P<k>\s?[kK]\b)?(?![\d,]*\.\d)"
)
_DIGIT_AFTER_BLOCK = re.compile(
    r"^(?:[/:\-]\d|\.\d{3}|(?:st|nd|rd|th)\b|\s?%|\s?(?:a\.?m\.?|p\.?m\.?)\b)", re.I
)
_DIGIT_BEFORE_BLOCK = re.compile(r"(?:\d[/:\-]|\d\.|[#x])\s?$", re.I)
_WORD_RE = re.compile(r"[A-Za-z#]+(?:'[a-z]+)?")


def _digit_mentions(text: str) -> list[AmountMention]:
    out: list[AmountMention] = []
    for m in _DIGIT_AMOUNT.finditer(text):
        cur = m.group("cur") is not None
        num = m.group("num")
        s, e = m.start(), m.end()
        if not cur:
            s = m.start("num")
        # numbers glued to letters ("A-17", "N-55102", "W3") are identifiers
        if s > 0 and (text[s - 1].isalnum() or text[s - 1] in "-_"):
            continue
        if (
            e < len(text)
            and (text[e].isalpha() and not m.group("k"))
            and not re.match(r"(?:st|nd|rd|th)\b", text[e:], re.I)
        ):
            continue
        after = text[e : e + 8]
        before = text[max(0, s - 4) : s]
        if _DIGIT_AFTER_BLOCK.match(after) or _DIGIT_BEFORE_BLOCK.search(before):
            continue
        value = float(num.replace(",", ""))
        if m.group("k"):
            value *= 1000
            cur = True
        words_after = [w.lower() for w in _WORD_RE.findall(text[e : e + 30])]
        words_before = [w.lower() for w in _WORD_RE.findall(text[max(0, s - 40) : s])]
        nxt = words_after[0] if words_after else ""
        unit_end = e
        if nxt in _CURRENCY_AFTER and re.match(r"\s*(dollars?|bucks?|usd)\b", text[e:], re.I):
            cur = True
            unit_end = e + re.match(r"\s*(dollars?|bucks?|usd)\b", text[e:], re.I).end()  # type: ignore[union-attr]
        if not cur:
            plain = num.replace(",", "")
            if "," in num:
                pass  # "1,850" is written like money
            elif "." in num:
                pass  # "150.00"
            elif (
                len(plain) >= 5
                or (len(plain) == 4 and plain.startswith(("19", "20")))
                or plain.startswith("0")
            ):
                continue  # ZIP, account digits, years, "0918"
            elif len(plain) == 4 and not (words_before and words_before[-1] in _MONEY_BEFORE):
                continue  # a bare 4-digit number is the last four of a Social or a card
            if words_before and (
                words_before[-1] in _ID_CUES
                or (len(words_before) > 1 and words_before[-2] in ("last", "ending"))
            ):
                continue
            if len(plain) >= 3 and _STRONG_ID_CUES.intersection(words_before[-6:]):
                continue  # "the code on the back is 402"
            if words_before and words_before[-1] in _TIME_BEFORE and nxt in _TIME_AFTER:
                continue
            if nxt in _COUNT_NOUNS or nxt in _STREET_WORDS:
                continue
            if words_before and words_before[-1] in MONTHS:
                continue  # "March 3"
        per = bool(
            re.match(r"\s*(?:a|per|each|every|/)\s*(?:month|mo|week|wk)\b", text[unit_end:], re.I)
        )
        out.append(
            AmountMention(
                value,
                m.start() if cur and m.group("cur") else s,
                unit_end,
                text[m.start() if m.group("cur") else s : unit_end].strip(),
                cur,
                per,
            )
        )
    return out


def find_amounts(text: str) -> list[AmountMention]:
    """Find money amounts in a text.

    Reads digits ("$1,850", "150.00", "150 dollars", "1.2k") and spoken forms ("a hundred and
    fifty", "one fifty", "six twelve forty", "twelve hundred", "four hundred eighty two dollars
    and fifteen cents"). Dates, times, years, ZIP codes, account and "last four" digits,
    counts ("3 payments", "forty hours") are left out. A bare number ("can do 200 fri") is
    returned with ``has_currency=False``; numbers below 10 are returned only with a currency cue.

    Args:
        text: clean, chat or speech-recognition text.

    Returns:
        The amounts in text order.
    """
    runs = find_number_runs(text)
    # a digit inside a spoken run ("15 hundred") belongs to the run, not to a mention of its own
    found = [
        d for d in _digit_mentions(text) if not any(r.start <= d.start < r.end for r in runs)
    ]
    for run in runs:
        if run.kind == "amount" and run.value is not None:
            found.append(
                AmountMention(
                    run.value,
                    run.start,
                    run.end,
                    text[run.start : run.end],
                    run.has_currency,
                    run.per_period,
                )
            )
    found = [a for a in found if a.has_currency or a.value >= 10]
    found.sort(key=lambda a: a.start)
    return found


def format_amount(value: float) -> str:
    """``150.0`` -> ``"$150"``, ``612.4`` -> ``"$612.40"``, ``1850`` -> ``"$1,850"``."""
    cents = round(value * 100) % 100
    return f"${value:,.2f}" if cents else f"${round(value):,}"


def words_to_digits(text: str) -> str:
    """Rewrite spoken numbers in a text as digits.

    Amounts with a currency word become ``$N`` ("one hundred fifty dollars" -> "$150"), other
    amounts plain digits ("fifty" -> "50"), digit-by-digit readings a digit string ("eight five
    two one nine" -> "85219"), spoken ordinals "15th" ("the fifteenth" -> "the 15th"). Times
    and shapes that spell nothing certain stay as they were, and so does a lone "one" (mostly
    a pronoun: "the first one").

    Args:
        text: any text.

    Returns:
        The text with those spans replaced; everything else untouched.
    """
    pieces: list[tuple[int, int, str]] = []
    for run in find_number_runs(text):
        original = text[run.start : run.end]
        if run.kind == "amount" and run.value is not None:
            if original.strip().lower() in ("one", "a", "o", "oh"):
                continue
            if run.has_currency:
                pieces.append((run.start, run.end, format_amount(run.value)))
            else:
                v = run.value
                pieces.append(
                    (run.start, run.end, f"{v:.2f}" if round(v * 100) % 100 else str(round(v)))
                )
        elif run.kind == "digits" and run.digits:
            pieces.append((run.start, run.end, run.digits))
        elif run.kind == "year" and run.value is not None:
            pieces.append((run.start, run.end, str(round(run.value))))
    # spoken ordinals: "the fifteenth", "twenty third"
    for m in _ORDINAL_PHRASE.finditer(text):
        if any(s < m.end() and m.start() < e for s, e, _ in pieces):
            continue
        day = ordinal_phrase_value(m.group())
        if day is not None:
            pieces.append((m.start(), m.end(), f"{day}{_suffix(day)}"))
    pieces.sort()
    out: list[str] = []
    pos = 0
    for s, e, rep in pieces:
        if s < pos:
            continue
        out.append(text[pos:s])
        out.append(rep)
        pos = e
    out.append(text[pos:])
    return "".join(out)


_ORD_UNIT = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth"
_ORDINAL_PHRASE = re.compile(
    rf"\b(?:(?:twenty|thirty)[\s-](?:{_ORD_UNIT})|"
    r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
    r"thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth)\b",
    re.I,
)


def ordinal_phrase_value(phrase: str) -> int | None:
    """The number of a spoken ordinal: "fifteenth" -> 15, "twenty-third" -> 23, "3rd" -> 3."""
    words = re.split(r"[\s-]+", phrase.strip().lower())
    if len(words) == 1:
        return _ordinal_word_value(words[0])
    if (
        len(words) == 2
        and words[0] in TENS
        and words[1] in ORDINAL_WORDS
        and ORDINAL_WORDS[words[1]] < 10
    ):
        return TENS[words[0]] + ORDINAL_WORDS[words[1]]
    return None


def _suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")

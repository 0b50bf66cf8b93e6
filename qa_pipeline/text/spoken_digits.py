"""Digit strings as people type and read them: card numbers, SSNs, phone numbers, codes.

`qa_pipeline.text.numbers` reads spoken numbers as *cardinals* (is "forty one eleven" $41.11?).
Identifiers are read differently: digit by digit ("four one one one"), in pairs ("forty one
eleven" = 4111), with "oh" for zero, "double five", and typed in groups ("4111 1111", "123-45").
This module turns every such stretch of a text into a `DigitGroup`: its character span, the
digits it spells and the pieces it was read in, so the redactor can check a card number with
Luhn or tell a date of birth ("five twenty eight ninety four") from the last four of a Social.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from qa_pipeline.text.numbers import TEENS, TENS, UNITS

__all__ = [
    "DigitGroup",
    "aba_routing_valid",
    "find_digit_groups",
    "luhn_valid",
    "spoken_date_parts",
]

_TOKEN = re.compile(r"\d+|[A-Za-z]+(?:['’][A-Za-z]+)?|\S")
# words that may sit between the pieces of one reading without ending it
_GLUE_WORDS = {"uh", "um", "umm", "uhh", "er", "erm", "ah", "dash", "hyphen"}
_GLUE_PUNCT = {"-", ",", ".", "/", "–", "—"}
_ZERO_WORDS = {"oh", "o", "zero"}
_REPEATERS = {"double": 2, "triple": 3}


@dataclass(frozen=True, slots=True)
class DigitGroup:
    """One stretch of a text that spells digits.

    Attributes:
        start: index of the first character of the stretch.
        end: index one past its last character.
        digits: the digits it spells, in order (``"4111"`` for "forty one eleven").
        pieces: the units it was read or typed in (``("41", "11")``; ``("4111", "1111")``).
        spoken: whether any piece was a word rather than typed digits.
        piece_spans: the character span of each piece.
    """

    start: int
    end: int
    digits: str
    pieces: tuple[str, ...]
    spoken: bool
    piece_spans: tuple[tuple[int, int], ...] = ()

    @property
    def digit_by_digit(self) -> bool:
        """Every piece a single digit: the way a ZIP, an SSN or a card is read one by one."""
        return self.spoken and all(len(p) == 1 for p in self.pieces)

    def head(self, count: int) -> DigitGroup:
        """The group made of its first ``count`` pieces."""
        return _subgroup(self, 0, count)

    def tail(self, count: int) -> DigitGroup:
        """The group made of its pieces after the first ``count``."""
        return _subgroup(self, count, len(self.pieces))


def _subgroup(g: DigitGroup, lo: int, hi: int) -> DigitGroup:
    pieces = g.pieces[lo:hi]
    spans = g.piece_spans[lo:hi]
    return DigitGroup(spans[0][0], spans[-1][1], "".join(pieces), pieces, g.spoken, spans)


def luhn_valid(digits: str) -> bool:
    """Whether a digit string passes the Luhn check every payment card number carries."""
    if not digits.isdigit() or len(digits) < 2:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def aba_routing_valid(digits: str) -> bool:
    """Whether nine digits pass the ABA routing-number checksum (3-7-1 weights, mod 10)."""
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    d = [int(c) for c in digits]
    return (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])) % 10 == 0


@dataclass(slots=True)
class _Tok:
    text: str  # lower case
    start: int
    end: int


def _is_number_token(word: str) -> bool:
    return word.isdigit() or word in UNITS or word in TEENS or word in TENS or word in _REPEATERS


def find_digit_groups(text: str, *, skip: Sequence[tuple[int, int]] = ()) -> list[DigitGroup]:
    """Find every stretch of typed or spoken digits in a text.

    Pieces join into one group across spaces, dashes, slashes, commas, periods and fillers ("uh",
    "dash"); any other word ends the group ("and" does too: "five five and nine one" is two
    answers). "oh"/"o" counts as zero only next to another number word, so the interjection
    "oh" is never a digit.

    Args:
        text: any text.
        skip: character spans that must not be read as digits (dates, money amounts already
            recognised); a group never crosses one.

    Returns:
        The groups in text order.
    """
    toks = [
        _Tok(m.group().lower().replace("’", "'"), m.start(), m.end()) for m in _TOKEN.finditer(text)
    ]
    blocked = [not _outside(t.start, t.end, skip) or _glued_to_letters(text, t) for t in toks]
    groups: list[DigitGroup] = []
    pieces: list[str] = []
    spans: list[tuple[int, int]] = []
    spoken = False
    g_start = g_end = -1

    def close() -> None:
        nonlocal pieces, spans, spoken, g_start, g_end
        if pieces:
            groups.append(
                DigitGroup(g_start, g_end, "".join(pieces), tuple(pieces), spoken, tuple(spans))
            )
        pieces, spans, spoken, g_start, g_end = [], [], False, -1, -1

    i = 0
    n = len(toks)
    while i < n:
        t = toks[i]
        if blocked[i]:
            close()
            i += 1
            continue
        piece, used, is_word = _read_piece(toks, blocked, i)
        if piece is None:
            if (
                pieces
                and (t.text in _GLUE_WORDS or t.text in _GLUE_PUNCT)
                and _next_is_number(toks, blocked, i + 1)
            ):
                i += 1
                continue
            close()
            i += 1
            continue
        if not pieces:
            g_start = t.start
        pieces.append(piece)
        spoken = spoken or is_word
        g_end = toks[i + used - 1].end
        spans.append((t.start, g_end))
        i += used
    close()
    return groups


def _glued_to_letters(text: str, t: _Tok) -> bool:
    """Digits stuck to letters ("A-17", "N55102", "4B") are a code, not digits read out."""
    if not t.text.isdigit():
        return False
    before = text[t.start - 1] if t.start > 0 else ""
    before2 = text[t.start - 2] if t.start > 1 else ""
    after = text[t.end] if t.end < len(text) else ""
    return before.isalpha() or (before in "-_" and before2.isalpha()) or after.isalpha()


def _outside(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return all(end <= s or start >= e for s, e in spans)


def _next_is_number(toks: list[_Tok], blocked: list[bool], i: int) -> bool:
    while i < len(toks) and (toks[i].text in _GLUE_WORDS or toks[i].text in _GLUE_PUNCT):
        i += 1
    return i < len(toks) and not blocked[i] and _is_number_token(toks[i].text)


def _read_piece(toks: list[_Tok], blocked: list[bool], i: int) -> tuple[str | None, int, bool]:
    """The digits spelled by the token(s) at ``i``: (digits, tokens used, spoken)."""
    n = len(toks)

    def word(k: int) -> str:
        return toks[k].text if k < n and not blocked[k] else ""

    w = word(i)
    if w.isdigit():
        return w, 1, False
    if w in _REPEATERS and word(i + 1) in UNITS:
        return str(UNITS[word(i + 1)]) * _REPEATERS[w], 2, True
    if w in _ZERO_WORDS and w != "zero":
        # "oh" is a zero only inside a reading: a number word on either side
        prev = word(i - 1) if i > 0 else ""
        if not (_is_number_token(word(i + 1)) or (prev and _is_number_token(prev))):
            return None, 1, False
        return "0", 1, True
    if w in UNITS:
        value = UNITS[w]
        if word(i + 1) == "hundred":  # "four hundred eleven" reads 411
            rest, used = _below_hundred(word(i + 2), word(i + 3))
            if rest is not None:
                return f"{value}{rest:02d}", 2 + used, True
            return f"{value}00", 2, True
        return str(value), 1, True
    if w in TEENS:
        if word(i + 1) == "hundred":  # "nineteen hundred"
            rest, used = _below_hundred(word(i + 2), word(i + 3))
            return f"{TEENS[w]}{(rest or 0):02d}", 2 + used, True
        return str(TEENS[w]), 1, True
    if w in TENS:
        nxt = word(i + 1)
        if nxt in UNITS and nxt not in _ZERO_WORDS:
            return str(TENS[w] + UNITS[nxt]), 2, True
        return str(TENS[w]), 1, True
    return None, 1, False


def _below_hundred(w1: str, w2: str) -> tuple[int | None, int]:
    """A cardinal below 100 spelled by the next one or two words, and how many it used."""
    if w1 in TENS:
        if w2 in UNITS and w2 not in _ZERO_WORDS:
            return TENS[w1] + UNITS[w2], 2
        return TENS[w1], 1
    if w1 in TEENS:
        return TEENS[w1], 1
    if w1 in UNITS and w1 not in _ZERO_WORDS:
        return UNITS[w1], 1
    return None, 0


def spoken_date_parts(group: DigitGroup) -> tuple[int, int, int] | None:
    """Month, day and year when a group reads like a date said as numbers.

    "five twenty eight ninety four" (5, 28, 94), "one fourteen eighty one", "seven four
    nineteen sixty eight" (7, 4, 1968), "ten ten ninety". Typed groups and digit-by-digit
    readings ("four four zero six") are not dates: those are codes and ZIPs.

    Returns:
        ``(month, day, year)`` with the year as said (two or four digits), or ``None``.
    """
    if not group.spoken or group.digit_by_digit:
        return None
    p = [int(x) for x in group.pieces if x.isdigit()]
    if len(group.pieces) == 4 and group.pieces[2] in ("19", "20") and len(group.pieces[3]) == 2:
        p = [p[0], p[1], int(group.pieces[2] + group.pieces[3])]
    if len(p) != 3:
        return None
    month, day, year = p
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    if not (0 <= year <= 99 or 1900 <= year <= 2099):
        return None
    return month, day, year

"""Redaction of card data, bank details, SSNs, dates of birth, e-mail and phone numbers.

Collections calls carry exactly the data PCI-DSS and privacy law forbid keeping where analysts
and coaches can read it. `redact_conversation` returns a copy of a conversation with every such
value replaced by a token that keeps its kind visible (``[CARD]``, ``[SSN_LAST4]``, ``[DOB]``...)
and a list of `Redaction` records (kind, character span, audio time span) so that a finding's
evidence still points at the right words and the recording can be silenced at the same places.

Three kinds of evidence decide what is sensitive, because speech gives values no shape of their own:

1. **Shape alone** where the shape is unmistakable: a 13-19 digit Luhn-valid number, an SSN
   written 123-45-6789, an e-mail address, a phone number written with separators, a full date
   whose year lies 16 or more years before the call (a date of birth in a collections call).
2. **A cue in the same utterance**: "my date of birth is ...", "last four of my social is ...",
   "CVV 123", "routing number 021000021".
3. **The dialogue**: the agent asks for a date of birth, the last four of a Social, a card
   number, its expiry or security code, a routing or account number; the other party's next
   turns are read as the answer, and each candidate in them (a date, a digit group) goes to the
   requested kind its shape fits best ("five twenty eight ninety four and nine five eight two
   three" answering "date of birth and ZIP" is a DOB and a ZIP). A card read out in groups of
   four over several turns is found by joining each speaker's digit groups and checking Luhn;
   the agent repeating a group back is redacted as well.

Money amounts with a currency cue and dates without a year (promise dates, call dates) are never
read as digits, so balances and promises survive for the judge. ZIP codes and street numbers
are recognised (so they are not mistaken for anything else) but kept: verification needs them
and they identify no one on their own.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from qa_pipeline.text.dates import DateMention, find_dates
from qa_pipeline.text.numbers import MONTHS, TEENS, TENS, UNITS, find_amounts
from qa_pipeline.text.spoken_digits import (
    DigitGroup,
    aba_routing_valid,
    find_digit_groups,
    luhn_valid,
    spoken_date_parts,
)
from qa_pipeline.types import ROLE_AGENT, Conversation, Utterance, Word

__all__ = [
    "REDACTION_KINDS",
    "REDACTION_TOKEN",
    "Redaction",
    "RedactionKind",
    "RedactionResult",
    "redact_conversation",
    "redact_quote",
    "redact_text",
    "requested_kinds",
]

RedactionKind = Literal[
    "CARD", "CVV", "EXPIRY", "BANK_ACCOUNT", "ROUTING", "SSN", "SSN_LAST4", "DOB", "EMAIL", "PHONE"
]
REDACTION_KINDS: tuple[RedactionKind, ...] = (
    "CARD", "CVV", "EXPIRY", "BANK_ACCOUNT", "ROUTING", "SSN", "SSN_LAST4", "DOB", "EMAIL", "PHONE",
)  # fmt: skip
#: a replacement token in redacted text; the judge can treat it as the identifier it hides
REDACTION_TOKEN = re.compile(r"\[(?:" + "|".join(REDACTION_KINDS) + r")\]")
#: recognised so they are not mistaken for a redactable value, but kept in the text
_KEPT_KINDS = ("ZIP", "ADDRESS", "TRUNCATED")
#: a full date this many years or more before the call is a date of birth
_DOB_MIN_AGE_YEARS = 16
#: how many utterances after a request are read as its answer
_ANSWER_WINDOW = 6
#: how many utterances after a card is first asked for or named its digits may still come
_CARD_WINDOW = 14


@dataclass(frozen=True, slots=True)
class Redaction:
    """One value taken out of a conversation. It never holds the value itself.

    Attributes:
        utterance: 0-based index of the utterance (``None`` for `redact_text`).
        start_char: index in the ORIGINAL utterance text of the first redacted character.
        end_char: index one past the last redacted character in the original text.
        kind: what was redacted (``CARD``, ``SSN_LAST4``, ``DOB``...).
        replacement: the token that stands in the redacted text (``[CARD]``).
        start_s: start of the redacted words in the recording (seconds), from word timings
            (or the whole utterance when the utterance has times but no word timings).
        end_s: end of the redacted words in the recording (seconds).
        redacted_start: index of the token in the REDACTED utterance text.
        redacted_end: index one past the token in the redacted text.
    """

    utterance: int | None
    start_char: int
    end_char: int
    kind: RedactionKind
    replacement: str
    start_s: float | None = None
    end_s: float | None = None
    redacted_start: int = 0
    redacted_end: int = 0

    def to_dict(self) -> dict[str, object]:
        return {
            "utterance": self.utterance,
            "start_char": self.start_char,
            "end_char": self.end_char,
            "kind": self.kind,
            "replacement": self.replacement,
            "start_s": self.start_s,
            "end_s": self.end_s,
        }


@dataclass(slots=True)
class RedactionResult:
    """A redacted copy of a conversation and what was taken out of it.

    Attributes:
        conversation: the copy; utterance texts (and word texts) hold tokens in place of values.
        redactions: every redaction in utterance and text order.
    """

    conversation: Conversation
    redactions: list[Redaction] = field(default_factory=list)

    def for_utterance(self, index: int) -> list[Redaction]:
        """The redactions of one utterance, in text order."""
        return [r for r in self.redactions if r.utterance == index]

    def kinds(self) -> set[str]:
        """The kinds of value found anywhere in the conversation."""
        return {r.kind for r in self.redactions}

    def redact_quote(self, quote: str, utterance: int, original_text: str) -> str:
        """A quote from the ORIGINAL utterance ``utterance``, with the same spans redacted.

        Args:
            quote: words a finding quotes from the raw conversation.
            utterance: the index of the utterance it quotes.
            original_text: the raw utterance text the quote was taken from.
        """
        return redact_quote(quote, original_text, self.for_utterance(utterance))


def token(kind: str) -> str:
    """The replacement token of a kind: ``CARD`` -> ``[CARD]``."""
    return f"[{kind}]"


# ---------------------------------------------------------------- cues

_NUM_WORD = "|".join(sorted({*UNITS, *TEENS, *TENS}, key=len, reverse=True))
_MONTH_WORD = "|".join(sorted(MONTHS, key=len, reverse=True))

#: what the agent asks for; group "at" marks where in the turn (asked order decides ties)
_REQUESTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "SSN_LAST4",
        re.compile(
            r"\blast (?:four|4)\b(?: digits| numbers)?(?: of| on| from)?(?: (?:your|the|his|her|my))? ?(?:social|ssn|ss\b|s s n)|\b(?:social|ssn)\b[^.?!]{0,25}\blast (?:four|4)\b"
        ),
    ),
    (
        "SSN",
        re.compile(
            r"\b(?:(?:full |whole |entire )?(?:social security (?:number|#|no)|ssn|s s n|ss number)|(?:full|whole|entire) social|your social\b(?! security (?:income|benefits?|checks?|payments?|disability|deposits?)))(?![^.?!]{0,12}\blast (?:four|4))"
        ),
    ),
    (
        "DOB",
        re.compile(
            r"\b(?:date of birth|birth ?date|birthday|dob|d o b|when were you born|year (?:of birth|you were born))\b"
        ),
    ),
    (
        "CARD",
        re.compile(
            r"\b(?:(?:card|visa|mastercard|master card|amex|discover|debit|credit)(?: card)? (?:number|#|no)|numbers? on (?:the )?(?:front of )?(?:the|your|that) card|long number|full card|(?:sixteen|16|fifteen|15)[- ]digits?|read (?:me )?(?:the|your) card)\b"
        ),
    ),
    (
        "CVV",
        re.compile(
            r"\b(?:cvv|cvc|cv2|csc|security code|(?:three|3)[- ]digit (?:code|number)|(?:code|digits|numbers) on the back)\b"
        ),
    ),
    ("EXPIRY", re.compile(r"\b(?:expiration|expiry|exp date|expires?|valid (?:thru|through))\b")),
    ("ROUTING", re.compile(r"\b(?:routing|aba|transit)(?: number| #| no)?\b")),
    (
        "BANK_ACCOUNT",
        re.compile(
            r"\b(?:checking|savings|bank)(?: account)? (?:number|#|no)\b|\b(?:checking|savings|bank) account\b|\baccount number\b(?=[^.?!]{0,40}\b(?:bank|checking|savings|routing)\b)"
        ),
    ),
    (
        "PHONE",
        re.compile(
            r"\b(?:phone|cell|mobile|telephone|callback|call back|home|work) (?:number|#|no)\b|\bbest number\b|\bnumber (?:to|where|i can) (?:reach|call)"
        ),
    ),
    ("EMAIL", re.compile(r"\be-?mail\b")),
    ("ZIP", re.compile(r"\b(?:zip|zipcode|postal code)\b")),
    ("ADDRESS", re.compile(r"\b(?:address|street)\b")),
)
_BARE_LAST_FOUR = re.compile(r"\blast (?:four|4)\b")
_YEAR_FOLLOW_UP = re.compile(r"\b(?:and )?(?:the|what) year\b|\bwhat year\b")

#: a cue in the same utterance, and how far after it (characters) the value may start
_INLINE_CUES: tuple[tuple[RedactionKind, re.Pattern[str]], ...] = (
    (
        "SSN_LAST4",
        re.compile(
            r"\blast (?:four|4)\b(?: digits| numbers)?(?: of| on)?(?: (?:my|the|your|his|her))? ?(?:social|ssn|ss)\b(?: security)?(?: number)?(?: is| are|:)?|\b(?:social|ssn)(?: number)? end(?:s|ing)(?: in| with)?"
        ),
    ),
    (
        "DOB",
        re.compile(
            r"\b(?:date of birth|birth ?date|birthday|dob|d\.?o\.?b\.?|born(?: on| in)?)\b(?: is|:)?"
        ),
    ),
    (
        "SSN",
        re.compile(r"\b(?:social security(?: number)?|ssn|ss ?#|social)\b(?: number)?(?: is|:)?"),
    ),
    (
        "CVV",
        re.compile(
            r"\b(?:cvv|cvc|cv2|csc|security code)\b(?: is|:)?|\bcode\b(?: on the back)?(?: is|:)?"
        ),
    ),
    (
        "EXPIRY",
        re.compile(
            r"\b(?:expiration(?: date)?|expiry(?: date)?|exp(?: date)?|expires|valid (?:thru|through))\b(?: is|:| on| in)?"
        ),
    ),
    ("ROUTING", re.compile(r"\b(?:routing|aba)(?: number| #| no)?\b(?: is|:)?")),
    (
        "BANK_ACCOUNT",
        re.compile(
            r"\b(?:(?:checking|savings)(?: account)?|bank account)(?: number| #| no)?\b(?: is|:)?"
        ),
    ),
    (
        "CARD",
        re.compile(r"\b(?:card|visa|mastercard|amex|discover)(?: number| #| no)?\b(?: is|:)?"),
    ),
    (
        "PHONE",
        re.compile(r"\b(?:phone|cell|mobile|number|call me|reach me|text me)\b(?: is|:| at)?"),
    ),
)
_INLINE_REACH = 40
_PAYMENT_CONTEXT = re.compile(r"\b(?:card|visa|mastercard|amex|discover|expir\w*|exp)\b")
#: kinds whose last four digits may be kept (PCI-DSS allows showing a card's last four)
_TRUNCATABLE = ("CARD", "BANK_ACCOUNT", "ROUTING", "PHONE")
_TRUNCATION_CUE = re.compile(
    r"(?:\bending|\bends|\blast (?:four|4)(?: digits)?)(?: in| with| is| are| of)?(?:[\s:,]+(?:uh|um))*[\s:,]*$"
)
_CARD_CUE = re.compile(r"\b(?:card|visa|mastercard|amex|discover)\b")

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"
)
_SPOKEN_EMAIL = re.compile(
    r"\b[a-z0-9]+(?:\s+(?:dot|underscore|dash|period)\s+[a-z0-9]+)*\s+at\s+[a-z0-9]+"
    r"(?:\s+dot\s+[a-z0-9]+)*\s+dot\s+(?:com|net|org|edu|gov|io|us|co|info|biz|me)\b",
    re.I,
)
_NOT_A_MAILBOX = {
    "it",
    "this",
    "that",
    "them",
    "us",
    "me",
    "him",
    "her",
    "online",
    "here",
    "there",
    "pay",
    "go",
    "look",
}
_SSN_TYPED = re.compile(r"(?<![\d\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\d-])")
_PHONE_TYPED = re.compile(
    r"(?<![\w\d])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\d-])"
)
_MONTH_YEAR = re.compile(
    rf"\b(?:{_MONTH_WORD})\.?,?\s+(?:of\s+)?(?:(?:20)?\d{{2}}\b|(?:twenty[\s-])?(?:{_NUM_WORD})(?:[\s-](?:{_NUM_WORD}))?\b)",
    re.I,
)
_ORDINAL_DAY = r"(?:twenty|thirty)[\s-](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|first|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth|\d{1,2}(?:st|nd|rd|th)"
#: pieces of a date of birth said in fragments
_FULL_MONTHS = "january|february|march|april|june|july|august|september|october|november|december"
_DOB_PART = re.compile(
    rf"\b(?:{_FULL_MONTHS}|{_ORDINAL_DAY}|(?:19|20)\d\d)\b(?! (?:one|thing|time|payment))"
)


# ---------------------------------------------------------------- per-utterance state


@dataclass(slots=True)
class _Cand:
    """A value candidate: a date mention, a digit group or a month-year phrase."""

    start: int
    end: int
    date: DateMention | None = None
    group: DigitGroup | None = None
    month_year: bool = False

    @property
    def digits(self) -> str:
        return self.group.digits if self.group is not None else ""


@dataclass(slots=True)
class _Utt:
    index: int
    speaker: str
    text: str
    low: str
    call_date: date
    dates: list[DateMention]
    groups: list[DigitGroup]
    month_years: list[tuple[int, int]]
    claims: list[tuple[int, int, str]] = field(default_factory=list)

    def free(self, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _ in self.claims)

    def claim(self, start: int, end: int, kind: str) -> bool:
        if start >= end or not self.free(start, end):
            return False
        self.claims.append((start, end, kind))
        return True

    def candidates(self, after: int = 0) -> list[_Cand]:
        out = [_Cand(d.start, d.end, date=d) for d in self.dates]
        out += [_Cand(s, e, month_year=True) for s, e in self.month_years]
        taken = [(c.start, c.end) for c in out]
        out += [
            _Cand(g.start, g.end, group=g)
            for g in self.groups
            if all(g.end <= s or g.start >= e for s, e in taken)
        ]
        return sorted(
            (c for c in out if c.start >= after and self.free(c.start, c.end)),
            key=lambda c: c.start,
        )


def _prepare(index: int, speaker: str, text: str, call_date: date) -> _Utt:
    dates = [
        d for d in find_dates(text, call_date) if d.kind in ("month_day", "numeric", "day_of_month")
    ]
    # a currency amount is money, never digits to redact
    money = [(a.start, a.end) for a in find_amounts(text) if a.has_currency]
    date_spans = [(d.start, d.end) for d in dates]
    groups = find_digit_groups(text, skip=[*money, *date_spans])
    month_years = [
        (m.start(), m.end())
        for m in _MONTH_YEAR.finditer(text)
        if all(m.end() <= s or m.start() >= e for s, e in date_spans)
    ]
    return _Utt(index, speaker, text, text.lower(), call_date, dates, groups, month_years)


# ---------------------------------------------------------------- shape fits


def _date_is_old(d: DateMention, call_date: date) -> bool:
    return d.explicit_year and d.date.year <= call_date.year - _DOB_MIN_AGE_YEARS


def _truncated(u: _Utt, c: _Cand) -> bool:
    """A card or account given by its last four only ("ending in 3309"): truncated, kept."""
    return len(c.digits) == 4 and bool(
        _TRUNCATION_CUE.search(u.low[max(0, c.start - 30) : c.start])
    )


def _fit(kind: str, c: _Cand, call_date: date) -> int:
    """How well a candidate's shape fits a requested kind: 0 no, 1 possible, 2 strong."""
    g, d = c.group, c.date
    n = len(g.digits) if g is not None else 0
    date_shaped = g is not None and spoken_date_parts(g) is not None
    if kind == "DOB":
        if d is not None:
            return 2 if d.kind in ("month_day", "numeric") else 1
        if c.month_year:
            return 1
        if g is not None:
            if date_shaped:
                return 2
            if g.pieces[:1] in (("19",), ("20",)) and n == 4:
                return 1  # the year said on its own ("nineteen fifty five")
            if not g.spoken and (
                n in (6, 8)
                or (n == 4 and 1900 <= int(g.digits) <= call_date.year - _DOB_MIN_AGE_YEARS)
            ):
                return 1
        return 0
    if kind == "EXPIRY":
        if d is not None:
            # a card expires in a month ("04/27"), never on a named day ("may fourth")
            return 2 if d.kind == "numeric" and not _date_is_old(d, call_date) else 0
        if c.month_year:
            return 2
        if g is not None and n in (3, 4, 6) and 1 <= int(g.digits[: n - 2 if n != 6 else 2]) <= 12:
            return 2
        return 0
    if g is None:
        return 0
    if kind == "SSN_LAST4":
        return (1 if date_shaped else 2) if n == 4 else 0
    if kind == "ZIP":
        return (1 if date_shaped else 2) if n in (5, 9) else 0
    if kind == "ADDRESS":
        return 1 if n <= 6 and not date_shaped else 0
    if kind == "CVV":
        return 2 if n in (3, 4) else 0
    if kind == "SSN":
        return 2 if n == 9 else 0
    if kind == "ROUTING":
        return (2 if aba_routing_valid(g.digits) else 1) if n == 9 else 0
    if kind == "BANK_ACCOUNT":
        # shorter is a last four ("checking ending 4470") or a year, not an account number
        return 1 if 6 <= n <= 17 else 0
    if kind == "PHONE":
        if n == 10 or (n == 11 and g.digits.startswith("1")):
            return 2
        # seven digits are a local number only when read or typed as one (555-0182)
        return 1 if n == 7 and (g.spoken or tuple(map(len, g.pieces)) == (3, 4)) else 0
    if kind == "CARD":
        return 2 if 13 <= n <= 19 and luhn_valid(g.digits) else (1 if n >= 3 else 0)
    return 0


# ---------------------------------------------------------------- detection passes


def _shape_pass(u: _Utt) -> None:
    """Values recognisable from their shape alone."""
    for m in _EMAIL.finditer(u.text):
        u.claim(m.start(), m.end(), "EMAIL")
    for m in _SPOKEN_EMAIL.finditer(u.text):
        local = m.group().split()[0].lower()
        if local not in _NOT_A_MAILBOX:  # "upload it at example dot com" is a web address
            u.claim(m.start(), m.end(), "EMAIL")
    for g in u.groups:
        if 13 <= len(g.digits) <= 19 and luhn_valid(g.digits):
            u.claim(g.start, g.end, "CARD")
    for m in _SSN_TYPED.finditer(u.text):
        area, grp, serial = m.group(1), m.group(3), m.group(4)
        if (
            area not in ("000", "666")
            and not area.startswith("9")
            and grp != "00"
            and serial != "0000"
        ):
            u.claim(m.start(), m.end(), "SSN")


def _inline_pass(u: _Utt) -> None:
    """Values announced by a cue in the same utterance ("my date of birth is ...")."""
    for kind, cue in _INLINE_CUES:
        for m in cue.finditer(u.low):
            for c in u.candidates(after=m.end()):
                if c.start - m.end() > _INLINE_REACH:
                    break
                fit = _fit(kind, c, u.call_date)
                if kind == "CARD":
                    fit = 2 if 13 <= len(c.digits) <= 19 else 0
                if kind == "PHONE" and fit < 2:
                    fit = 0  # seven bare digits after "number" are too often something else
                if (
                    kind == "CVV"
                    and m.group().startswith("code")
                    and not _PAYMENT_CONTEXT.search(u.low)
                ):
                    fit = 0  # "code" alone is a CVV only while a card is being given
                if kind in _TRUNCATABLE and _truncated(u, c):
                    u.claim(c.start, c.end, "TRUNCATED")
                    break
                if kind == "SSN" and "last" in u.low[max(0, m.start() - 20) : m.start()]:
                    fit = 0
                if fit == 2 or (fit == 1 and kind in ("DOB", "BANK_ACCOUNT")):
                    u.claim(c.start, c.end, kind)
                    break
    for m in _PHONE_TYPED.finditer(u.text):
        u.claim(m.start(), m.end(), "PHONE")


def _requested(u: _Utt, previous: list[str]) -> list[str]:
    """The kinds a turn asks for, in the order it asks."""
    found: list[tuple[int, str]] = []
    for kind, pattern in _REQUESTS:
        m = pattern.search(u.low)
        if m:
            found.append((m.start(), kind))
    kinds = {k for _, k in found}
    if "SSN_LAST4" not in kinds and not kinds & {"CARD", "BANK_ACCOUNT", "ROUTING", "PHONE"}:
        # "date of birth and last four": in a verification turn a bare last four is the Social's
        bare = _BARE_LAST_FOUR.search(u.low)
        if bare and (kinds & {"DOB", "ZIP", "ADDRESS"} or "SSN_LAST4" in previous):
            found.append((bare.start(), "SSN_LAST4"))
            kinds.add("SSN_LAST4")
    if "SSN_LAST4" in kinds:
        found = [(p, k) for p, k in found if k != "SSN"]
    if not found and previous and "DOB" in previous and _YEAR_FOLLOW_UP.search(u.low):
        found.append((0, "DOB"))
    return [k for _, k in sorted(found)]


def requested_kinds(text: str, previous: Sequence[str] = ()) -> list[str]:
    """The identifiers a turn asks for, in the order it asks for them.

    Besides the redaction kinds this can name ``ZIP`` and ``ADDRESS`` (asked for, never
    redacted). The judge's sensitive-data detector uses it to find an agent asking for a card
    number, a CVV or a full SSN.

    Args:
        text: one turn.
        previous: what the turn before asked for ("and the year?" after a date of birth).
    """
    u = _Utt(0, "", text, text.lower(), date.today(), [], [], [])
    return _requested(u, list(previous))


def _dialogue_pass(utts: list[_Utt], asker: str | None) -> list[tuple[int, int]]:
    """Answers to requests for identifiers; returns the windows of card requests.

    Args:
        utts: the prepared utterances.
        asker: the speaker whose turns are requests (``agent``); ``None`` when roles are not
            known yet and any speaker's question counts.
    """
    card_windows: list[tuple[int, int]] = []
    previous: list[str] = []
    for i, u in enumerate(utts):
        if asker is not None and u.speaker != asker:
            continue
        expected = _requested(u, previous)
        if not expected:
            continue
        previous = expected
        reach = _CARD_WINDOW if "CARD" in expected else _ANSWER_WINDOW
        last = min(len(utts) - 1, i + reach)
        answers: list[_Utt] = []
        for v in utts[i + 1 : last + 1]:
            if v.speaker == u.speaker:
                if _requested(v, expected):
                    break
                continue
            answers.append(v)
        if "CARD" in expected:
            card_windows.append((i, min(len(utts) - 1, i + _CARD_WINDOW)))
        _assign(expected, answers)
    return card_windows


#: how many digits a kind has when it is read digit by digit
_FIXED_LENGTH = {"SSN_LAST4": 4, "ZIP": 5, "CVV": 3}


def _split(c: _Cand, remaining: list[str]) -> list[_Cand]:
    """Cut a group that runs two answers together.

    "three three eighty seven three zero zero four four" answers "date of birth and ZIP" with
    a spoken date and a ZIP in one breath; "six six two one five three three one nine" answers
    "last four and ZIP" with nine digits.
    """
    g = c.group
    if g is None or len(g.pieces) < 2:
        return [c]
    if "DOB" in remaining and spoken_date_parts(g) is None:
        for count in (4, 3):
            if len(g.pieces) > count and spoken_date_parts(g.head(count)) is not None:
                head, tail = g.head(count), g.tail(count)
                return [
                    _Cand(head.start, head.end, group=head),
                    _Cand(tail.start, tail.end, group=tail),
                ]
    if g.digit_by_digit:
        lengths = [_FIXED_LENGTH[k] for k in remaining if k in _FIXED_LENGTH]
        for a in lengths:
            for b in lengths:
                if a + b == len(g.pieces) and a != b:
                    head, tail = g.head(a), g.tail(a)
                    return [
                        _Cand(head.start, head.end, group=head),
                        _Cand(tail.start, tail.end, group=tail),
                    ]
    return [c]


def _assign(expected: list[str], answers: list[_Utt]) -> None:
    """Give each candidate in the answers to the requested kind its shape fits best."""
    remaining = list(expected)
    for v in answers:
        if not remaining:
            return
        cands = [part for c in v.candidates() for part in _split(c, remaining)]
        dob_asked = "DOB" in remaining
        dob_found = False
        for c in cands:
            best_kind, best_fit = "", 0
            for kind in remaining:
                fit = _fit(kind, c, v.call_date)
                if fit > best_fit:
                    best_kind, best_fit = kind, fit
            if best_fit == 0:
                if dob_found and _fit("DOB", c, v.call_date):
                    v.claim(c.start, c.end, "DOB")  # the year said after the day
                continue
            if best_kind in _TRUNCATABLE and _truncated(v, c):
                v.claim(c.start, c.end, "TRUNCATED")
                continue
            v.claim(c.start, c.end, best_kind)
            dob_found = dob_found or best_kind == "DOB"
            if best_kind != "CARD":
                remaining.remove(best_kind)
        if dob_asked and dob_found:
            # a date of birth said in fragments: "November... the 19th. 1952." leaves the month
            for m in _DOB_PART.finditer(v.low):
                v.claim(m.start(), m.end(), "DOB")


def _card_pass(utts: list[_Utt], windows: list[tuple[int, int]]) -> None:
    """Card numbers read in groups over several turns: join each speaker's groups, check Luhn."""
    for i, u in enumerate(utts):
        if any(lo <= i <= hi for lo, hi in windows):
            continue
        if _CARD_CUE.search(u.low) and any(len(g.digits) >= 3 for g in u.groups):
            windows.append((i, min(len(utts) - 1, i + _CARD_WINDOW)))
    for lo, hi in windows:
        span = utts[lo : hi + 1]
        cards: set[str] = set()
        for speaker in {v.speaker for v in span}:
            # groups not already taken as something else (a CARD claim from the dialogue is fine)
            seq = [
                (v, g)
                for v in span
                if v.speaker == speaker
                for g in v.groups
                if v.free(g.start, g.end) or _claimed_as(v, g, "CARD")
            ]
            for a in range(len(seq)):
                digits = ""
                longest = -1
                for b in range(a, len(seq)):
                    digits += seq[b][1].digits
                    if len(digits) > 19:
                        break
                    # the longest valid run: a 19-digit card holds a Luhn-valid 16-digit prefix
                    if len(digits) >= 13 and luhn_valid(digits) and b > a:
                        longest = b
                if longest >= 0:
                    cards.add("".join(g.digits for _, g in seq[a : longest + 1]))
                    for v, g in seq[a : longest + 1]:
                        v.claim(g.start, g.end, "CARD")
        # a group read back from a card found in this window ("so that's four one one one")
        for v in span:
            for g in v.groups:
                if len(g.digits) >= 4 and any(g.digits in c for c in cards):
                    v.claim(g.start, g.end, "CARD")


def _claimed_as(u: _Utt, g: DigitGroup, kind: str) -> bool:
    return any(s == g.start and e == g.end and k == kind for s, e, k in u.claims)


def _old_date_pass(u: _Utt) -> None:
    """A full date 16+ years before the call: in a collections call, a date of birth."""
    for d in u.dates:
        if d.kind in ("month_day", "numeric") and _date_is_old(d, u.call_date):
            u.claim(d.start, d.end, "DOB")


# ---------------------------------------------------------------- building the copy


def _apply(u: _Utt) -> tuple[str, list[tuple[int, int, RedactionKind, int, int]]]:
    """The redacted text and, per redaction, (start, end, kind, redacted_start, redacted_end)."""
    spans = sorted((s, e, k) for s, e, k in u.claims if k not in _KEPT_KINDS)
    out: list[str] = []
    done: list[tuple[int, int, RedactionKind, int, int]] = []
    pos = 0
    length = 0
    for s, e, k in spans:
        piece = u.text[pos:s]
        out.append(piece)
        length += len(piece)
        rep = token(k)
        out.append(rep)
        done.append((s, e, k, length, length + len(rep)))  # type: ignore[arg-type]
        length += len(rep)
        pos = e
    out.append(u.text[pos:])
    return "".join(out), done


def _word_spans(text: str, words: Sequence[Word]) -> list[tuple[int, int] | None]:
    """Character span of each timed word inside the utterance text (``None`` when not found)."""
    low = text.lower()
    spans: list[tuple[int, int] | None] = []
    cursor = 0
    for w in words:
        needle = w.text.strip().lower()
        if not needle:
            spans.append(None)
            continue
        at = low.find(needle, cursor)
        if at < 0:
            spans.append(None)
            continue
        spans.append((at, at + len(needle)))
        cursor = at + len(needle)
    return spans


def _time_span(
    utt: Utterance, spans: list[tuple[int, int] | None], start: int, end: int
) -> tuple[float | None, float | None]:
    hit = [
        w
        for w, sp in zip(utt.words, spans, strict=True)
        if sp is not None and sp[0] < end and start < sp[1]
    ]
    if hit:
        return min(w.start for w in hit), max(w.end for w in hit)
    # no word timing covers it: the whole utterance is the only span sure to hold the value
    return utt.start, utt.end


def _redact_words(
    utt: Utterance,
    spans: list[tuple[int, int] | None],
    done: list[tuple[int, int, RedactionKind, int, int]],
) -> list[Word]:
    out: list[Word] = []
    used: set[int] = set()
    for w, sp in zip(utt.words, spans, strict=True):
        if sp is None:
            # a word that cannot be placed in the text may hold a value: keep its timing only
            out.append(Word("" if done else w.text, w.start, w.end, w.probability))
            continue
        hit = next((i for i, r in enumerate(done) if r[0] < sp[1] and sp[0] < r[1]), None)
        if hit is None:
            out.append(dataclasses.replace(w))
        elif hit in used:
            # later words of one redacted value fold into the first word's token
            out[-1] = dataclasses.replace(out[-1], end=max(out[-1].end, w.end))
        else:
            used.add(hit)
            out.append(Word(token(done[hit][2]), w.start, w.end, w.probability))
    return out


def redact_conversation(conv: Conversation) -> RedactionResult:
    """Redact card data, bank details, SSNs, dates of birth, e-mail and phone numbers.

    Works on agent/customer roles and on raw diarization labels alike: an answer is any turn by
    a speaker other than the one who asked.

    Args:
        conv: the conversation as received or transcribed; it is not modified.

    Returns:
        A redacted deep copy of ``conv`` and the redactions, in utterance and text order.
    """
    utts = [_prepare(i, u.speaker, u.text, conv.call_date) for i, u in enumerate(conv.utterances)]
    for u in utts:
        _shape_pass(u)
        _inline_pass(u)
    card_windows = _dialogue_pass(utts, None if conv.has_raw_speakers else ROLE_AGENT)
    _card_pass(utts, card_windows)
    for u in utts:
        _old_date_pass(u)

    redactions: list[Redaction] = []
    new_utts: list[Utterance] = []
    for u, original in zip(utts, conv.utterances, strict=True):
        text, done = _apply(u)
        spans = _word_spans(original.text, original.words) if original.words else []
        for s, e, kind, rs, re_ in done:
            t0, t1 = (
                _time_span(original, spans, s, e)
                if original.words
                else (original.start, original.end)
            )
            redactions.append(Redaction(u.index, s, e, kind, token(kind), t0, t1, rs, re_))
        words = _redact_words(original, spans, done) if original.words else []
        new_utts.append(Utterance(original.speaker, text, original.start, original.end, words))
    copy = dataclasses.replace(conv, utterances=new_utts, extra=dict(conv.extra))
    return RedactionResult(copy, redactions)


def redact_text(text: str, *, call_date: date | None = None) -> tuple[str, list[Redaction]]:
    """Redact one free text (a note, a quote, a chat message) without dialogue context.

    Only values recognisable from their shape or from a cue in the same text are found; a bare
    "four four zero six" needs the question before it, which only `redact_conversation` sees.

    Args:
        text: any text.
        call_date: the day the text was written (decides which full dates are dates of birth);
            today when not given.

    Returns:
        The redacted text and its redactions (``utterance`` is ``None``).
    """
    u = _prepare(0, "", text, call_date or date.today())
    _shape_pass(u)
    _inline_pass(u)
    _card_pass([u], [])
    _old_date_pass(u)
    redacted, done = _apply(u)
    return redacted, [
        Redaction(None, s, e, k, token(k), None, None, rs, re_) for s, e, k, rs, re_ in done
    ]


def redact_quote(quote: str, original_text: str, redactions: Sequence[Redaction]) -> str:
    """Redact a finding's quote with the spans its utterance was redacted with.

    The quote is located in the original utterance text, and every redaction that overlaps it
    replaces the overlapping words (a quote that cuts a value in half still loses the half).
    A quote that cannot be located (reworded, normalised) is redacted with `redact_text`, and
    any original value text it still contains is replaced as well.

    Args:
        quote: the quoted words, from the raw utterance.
        original_text: the raw utterance text.
        redactions: that utterance's redactions.
    """
    at = original_text.find(quote) if quote else -1
    if at >= 0:
        end = at + len(quote)
        out: list[str] = []
        pos = at
        for r in sorted(redactions, key=lambda r: r.start_char):
            if r.end_char <= at or r.start_char >= end:
                continue
            out.append(original_text[pos : max(pos, r.start_char)])
            out.append(r.replacement)
            pos = max(pos, r.end_char)
        out.append(original_text[pos:end] if pos < end else "")
        return "".join(out)
    redacted, _ = redact_text(quote)
    for r in redactions:
        value = original_text[r.start_char : r.end_char]
        if value.strip():
            redacted = redacted.replace(value, r.replacement)
    return redacted

"""Normalise utterance text for matching, keeping the way back to the original words.

Clean transcripts, chats and speech-recognition output say the same things in different
surface forms: "This call is recorded." vs "um this call is uh recorded". Matching runs over a
normalised form (lower case, no punctuation, no fillers, no stutters, common ASR mishearings of
the key compliance phrases repaired), and every character of it remembers which character of the
original text it came from, so findings quote the ORIGINAL words.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "ASR_FIXES",
    "Clause",
    "NormalizedText",
    "normalize",
    "normalized_text",
    "split_clauses",
]

#: speech-recognition mishearings of the phrases the judge looks for, as (pattern, fix)
ASR_FIXES: tuple[tuple[str, str], ...] = (
    (r"\bcollect (a|the) (net|dead|dent|det|death|debts?)\b", r"collect \1 debt"),
    (r"\bcollect in (a )?debt\b", "collect a debt"),
    (r"\b(a )?tempt to collect\b", "attempt to collect"),
    (r"\battempt (a|of) collect\b", "attempt to collect"),
    (r"\b(dead|death|dept|debit|dad) collector(s)?\b", r"debt collector\2"),
    (r"\bdebt collecter\b", "debt collector"),
    (r"\bdept\b", "debt"),
    (r"\brecorded (lie|lying|lion|lane|lime|line)\b", "recorded line"),
    (r"\brecord it line\b", "recorded line"),
    (r"\bmini mirand(a|er)\b", "mini miranda"),
    (r"\binformation (a|ob)tained\b", "information obtained"),
    (r"\bquality (insurance|a sure ants)\b", "quality assurance"),
    (r"\b(date|day) (a|of|off|on|o) birth\b", "date of birth"),
    (r"\blast (for|fore)\b", "last four"),
    (r"\bsocial security (number )?(for|fore)\b", "social security number four"),
    (r"\bzip coat\b", "zip code"),
    (r"\bgarnish(ed|ing|ment)?\b", r"garnish\1"),
    (r"\b(a rest|arrested)\b", "arrested"),
    (r"\bpast do\b", "past due"),
    (r"\bpayment plan(e|s)?\b", "payment plan"),
)

_FILLER_WORDS = r"(?:u+m+|u+h+m*|e+r+m+|h+m+|m+h*m+|a+h+|e+h+|u+h+ huh)"
_FILLER = re.compile(rf"\b{_FILLER_WORDS}\b")
# "you know" and "i mean" are fillers unless they carry the sentence ("do you know", "you know what")
_YOU_KNOW = re.compile(
    r"(?<!\bdo )(?<!\bdid )(?<!\bif )(?<!\bdon't )(?<!\blet )\byou know\b(?! (what|how|where|when|why|if|that|about|him|her|them|it\b))"
)
# "like" as a filler, but not the verb ("i'd like", "would you like") or comparisons ("feels like")
_LIKE = re.compile(
    r"(?<!\bi )(?<!\bi'd )(?<!\bwe'd )(?<!\byou )(?<!\bwe )(?<!\bthey )(?<!\bwould )(?<!\bfeel )"
    r"(?<!\bfeels )(?<!\bfelt )(?<!\blook )(?<!\blooks )(?<!\bsound )(?<!\bsounds )(?<!\bseem )"
    r"(?<!\bseems )(?<!\bjust )(?<!\bnot )(?<!\bdon't )(?<!\bdidn't )(?<!\bsomething )"
    r"(?<!\banything )(?<!\bthings )(?<!\bmore )(?<!\bbe )(?<!\bwhat's it )(?<!\bis it )"
    r"\blike\b(?= (\d|a |an |the |two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|hundred|i |we |it |really|totally|so |super|literally))"
)
_REPEAT = re.compile(r"\b(\w+(?:'\w+)?(?: \w+(?:'\w+)?)?)(?: \1\b)+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u201c": '"', "\u201d": '"'})
# punctuation becomes a space, except inside numbers ($1,850.40, 3/20, 10:30) and words (don't)
_PUNCT = re.compile(
    r"(?<!\d)[.,](?!\d)|(?<=\d)[.,](?!\d)|(?<!\d)[.,](?=\d)|[^\w\s'$%.,/:-]|(?<!\w)'|'(?!\w)|(?<!\d)[/:-]|[/:-](?!\d)"
)
# whitespace runs other than a lone " ": replacing a lone " " by " " changes neither the text nor
# its offsets, so only these need substituting (and most texts have none)
_EXTRA_SPACES = re.compile(r"[^\S ]\s*| \s+")
_COMPILED_FIXES = tuple((re.compile(p), r) for p, r in ASR_FIXES)


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """Normalised text with, for each of its characters, the index of the original character.

    Attributes:
        text: the normalised text (lower case, single spaces).
        offsets: ``offsets[i]`` is the index in ``original`` that ``text[i]`` came from.
        original: the text as received.
    """

    text: str
    offsets: tuple[int, ...]
    original: str

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of ``original`` that produced ``text[start:end]``."""
        if not self.offsets or start >= end:
            return (0, 0)
        start = max(0, min(start, len(self.offsets) - 1))
        end = max(start + 1, min(end, len(self.offsets)))
        lo = self.offsets[start]
        hi = self.offsets[end - 1] + 1
        # extend to the end of the original word, so a quote never stops mid-word
        while hi < len(self.original) and (
            self.original[hi].isalnum() or self.original[hi] in "'’"
        ):
            hi += 1
        return (lo, hi)

    def quote(self, start: int, end: int) -> str:
        """The original words behind ``text[start:end]``."""
        lo, hi = self.original_span(start, end)
        return self.original[lo:hi].strip()


def _substitute(
    pattern: re.Pattern[str],
    repl: str | Callable[[re.Match[str]], str],
    text: str,
    offsets: list[int],
) -> tuple[str, list[int]]:
    """``pattern.sub`` that keeps the per-character offsets aligned with the new text."""
    # most patterns match nothing in most utterances: skip the copy of the offsets then
    if pattern.search(text) is None:
        return text, offsets
    out: list[str] = []
    out_offsets: list[int] = []
    pos = 0
    for m in pattern.finditer(text):
        out.append(text[pos : m.start()])
        out_offsets.extend(offsets[pos : m.start()])
        new = repl(m) if callable(repl) else (m.expand(repl) if "\\" in repl else repl)
        span = max(1, m.end() - m.start())
        for i in range(len(new)):
            # a replaced phrase maps proportionally onto the words it replaced
            src = m.start() + min(span - 1, i * span // max(1, len(new)))
            out_offsets.append(offsets[src] if src < len(offsets) else offsets[-1])
        out.append(new)
        pos = m.end()
    out.append(text[pos:])
    out_offsets.extend(offsets[pos:])
    return "".join(out), out_offsets


def normalize(text: str) -> NormalizedText:
    """Normalise one utterance for pattern and embedding matching.

    Lower-cases, turns punctuation into spaces (keeping it inside numbers and contractions),
    drops fillers ("um", "uh", filler "like", "you know"), collapses stutters ("i i i"), and
    repairs common ASR mishearings of compliance phrases ("collect a net" -> "collect a debt").

    Args:
        text: the utterance as received.

    Returns:
        The normalised text with its map back to ``text``.
    """
    t = text.translate(_APOSTROPHES).lower()
    offsets = list(range(len(t)))
    t, offsets = _substitute(_PUNCT, " ", t, offsets)
    t, offsets = _substitute(_EXTRA_SPACES, " ", t, offsets)
    for pattern in (_FILLER, _YOU_KNOW, _LIKE):
        t, offsets = _substitute(pattern, "", t, offsets)
        t, offsets = _substitute(_EXTRA_SPACES, " ", t, offsets)
    t, offsets = _substitute(_REPEAT, r"\1", t, offsets)
    for pattern, fix in _COMPILED_FIXES:
        t, offsets = _substitute(pattern, fix, t, offsets)
    # trim
    lead = len(t) - len(t.lstrip())
    t_stripped = t.strip()
    offsets = offsets[lead : lead + len(t_stripped)]
    return NormalizedText(text=t_stripped, offsets=tuple(offsets), original=text)


@functools.lru_cache(maxsize=16384)
def normalized_text(text: str) -> str:
    """``normalize(text).text`` without the map back to the original (much cheaper).

    The same substitutions in the same order, run by ``re.sub`` instead of `_substitute`: the
    text comes out identical, only the offsets are not tracked. Cached, because agents repeat
    the same script sentences call after call.
    """
    t = text.translate(_APOSTROPHES).lower()
    t = _PUNCT.sub(" ", t)
    t = _EXTRA_SPACES.sub(" ", t)
    for pattern in (_FILLER, _YOU_KNOW, _LIKE):
        t = pattern.sub("", t)
        t = _EXTRA_SPACES.sub(" ", t)
    t = _REPEAT.sub(r"\1", t)
    for pattern, fix in _COMPILED_FIXES:
        t = pattern.sub(fix, t)
    return t.strip()


@dataclass(frozen=True, slots=True)
class Clause:
    """A sentence or clause of one utterance, normalised, with its span in the original text."""

    text: str
    start: int
    end: int


_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|(?<=[.!?])(?=[A-Z])|\s+-\s+|\n+")
#: an unpunctuated turn longer than this many words is cut into overlapping windows
MAX_CLAUSE_WORDS = 16
WINDOW_WORDS = 14
WINDOW_STRIDE = 10


def split_clauses(text: str) -> list[Clause]:
    """Cut an utterance into sentences, and long unpunctuated stretches into word windows.

    Sentence punctuation splits first; a stretch still longer than ``MAX_CLAUSE_WORDS`` words
    (typical of speech recognition) is covered by overlapping windows of ``WINDOW_WORDS``, so a
    key phrase is never diluted by 60 words of surrounding talk when it is embedded.
    """
    clauses: list[Clause] = []
    pos = 0
    pieces: list[tuple[int, int]] = []
    for m in _SENTENCE_END.finditer(text):
        pieces.append((pos, m.start()))
        pos = m.end()
    pieces.append((pos, len(text)))
    for lo, hi in pieces:
        raw = text[lo:hi]
        if not raw.strip():
            continue
        words = [(m.start() + lo, m.end() + lo) for m in re.finditer(r"\S+", raw)]
        if len(words) <= MAX_CLAUSE_WORDS:
            norm = normalized_text(raw)
            if norm:
                clauses.append(Clause(norm, lo, hi))
            continue
        starts = list(range(0, max(1, len(words) - WINDOW_WORDS + WINDOW_STRIDE), WINDOW_STRIDE))
        for s in starts:
            e = min(len(words), s + WINDOW_WORDS)
            a, b = words[s][0], words[e - 1][1]
            norm = normalized_text(text[a:b])
            if norm:
                clauses.append(Clause(norm, a, b))
            if e == len(words):
                break
    return clauses

"""The fast paths of normalisation give exactly what the plain substitution loop gave."""

from __future__ import annotations

import re
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from qa_pipeline.text import normalize as norm

# words that exercise every rule: fillers, "like"/"you know", stutters, ASR fixes, punctuation
_WORDS = [
    "um",
    "uh",
    "hmm",
    "like",
    "you",
    "know",
    "i",
    "mean",
    "do",
    "the",
    "a",
    "collect",
    "net",
    "dead",
    "collector",
    "recorded",
    "lie",
    "dept",
    "date",
    "of",
    "birth",
    "last",
    "for",
    "$1,850.40",
    "3/20",
    "10:30",
    "don't",
    "'quoted'",
    "call",
    "is",
    "this",
    "attempt",
    "tempt",
    "to",
    "garnish",
    "payment",
    "plans",
    "-",
    ",",
    ".",
    "?",
    "\u2019",
    "\t",
    "\n",
    "  ",
    "I'd",
    "Zip",
    "coat",
]
_TEXT = st.lists(st.sampled_from(_WORDS), max_size=30).map(" ".join) | st.text(max_size=60)


def _reference_substitute(
    pattern: re.Pattern[str],
    repl: str | Callable[[re.Match[str]], str],
    text: str,
    offsets: list[int],
) -> tuple[str, list[int]]:
    # the substitution loop as it was before the fast paths, kept here as the oracle
    out: list[str] = []
    out_offsets: list[int] = []
    pos = 0
    for m in pattern.finditer(text):
        out.append(text[pos : m.start()])
        out_offsets.extend(offsets[pos : m.start()])
        new = repl(m) if callable(repl) else (m.expand(repl) if "\\" in repl else repl)
        span = max(1, m.end() - m.start())
        for i in range(len(new)):
            src = m.start() + min(span - 1, i * span // max(1, len(new)))
            out_offsets.append(offsets[src] if src < len(offsets) else offsets[-1])
        out.append(new)
        pos = m.end()
    out.append(text[pos:])
    out_offsets.extend(offsets[pos:])
    return "".join(out), out_offsets


def _reference_normalize(text: str) -> tuple[str, tuple[int, ...]]:
    spaces = re.compile(r"\s+")
    t = text.translate(norm._APOSTROPHES).lower()
    offsets = list(range(len(t)))
    t, offsets = _reference_substitute(norm._PUNCT, " ", t, offsets)
    t, offsets = _reference_substitute(spaces, " ", t, offsets)
    for pattern in (norm._FILLER, norm._YOU_KNOW, norm._LIKE):
        t, offsets = _reference_substitute(pattern, "", t, offsets)
        t, offsets = _reference_substitute(spaces, " ", t, offsets)
    t, offsets = _reference_substitute(norm._REPEAT, r"\1", t, offsets)
    for pattern, fix in norm._COMPILED_FIXES:
        t, offsets = _reference_substitute(pattern, fix, t, offsets)
    lead = len(t) - len(t.lstrip())
    stripped = t.strip()
    return stripped, tuple(offsets[lead : lead + len(stripped)])


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_normalize_matches_the_plain_substitution_loop(text: str) -> None:
    got = norm.normalize(text)
    assert (got.text, got.offsets) == _reference_normalize(text)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_normalized_text_equals_normalize_text(text: str) -> None:
    assert norm.normalized_text(text) == norm.normalize(text).text


def test_substitute_without_a_match_returns_its_input_unchanged() -> None:
    offsets = [0, 2, 4]
    text, out = norm._substitute(re.compile("zzz"), "y", "abc", offsets)
    assert (text, out) == ("abc", offsets)


def test_split_clauses_uses_the_same_normal_form() -> None:
    raw = "Um, this is an attempt to collect a net. You know, the the balance is due!"
    clauses = norm.split_clauses(raw)
    assert [c.text for c in clauses] == [norm.normalize(raw[c.start : c.end]).text for c in clauses]
    assert clauses[0].text == "this is an attempt to collect a debt"

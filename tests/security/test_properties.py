"""Property tests and a bounded fuzzing pass (hypothesis) for the loaders and the redactor.

- Any JSON document, and any mutation of a valid conversation file, gives a `Conversation` or an
  `InputError` (the batch-safe error; `ConversationError` except for an ``audio`` path outside
  the folder, see test_hostile_inputs), never another exception.
- A random Luhn-valid card number rendered as digits, spaced or dashed groups, digit words, or
  read in groups of four over several turns is always removed.
- A random money amount is never redacted.

Example counts are fixed and small so the default run stays fast; ``derandomize`` keeps the
run reproducible (a failure prints the example).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa_pipeline.errors import InputError
from qa_pipeline.loading import conversation_from_dict, load_conversation
from qa_pipeline.text.redact import redact_conversation, redact_text
from qa_pipeline.text.spoken_digits import luhn_valid
from qa_pipeline.types import Conversation, Utterance

CALL_START = datetime(2026, 3, 2, 14, 5, tzinfo=timezone(timedelta(hours=-5)))
FIELDS = ["call_id", "agent_id", "channel", "started_at", "utterances", "audio", "days_past_due", "speaker", "text", "start", "end"]  # fmt: skip
VALID = {
    "call_id": "C-1",
    "agent_id": "A-1",
    "channel": "chat",
    "started_at": "2026-03-02T14:05:00-05:00",
    "utterances": [
        {
            "speaker": "agent",
            "text": "hi, can you confirm your date of birth?",
            "start": 0.0,
            "end": 2.0,
        },
        {"speaker": "customer", "text": "3/3/1986", "start": 2.5, "end": 3.0},
    ],
}

json_scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), inner, max_size=6)
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.fixed_dictionaries({}, optional={k: json_values for k in FIELDS[:7]})
    | json_values
    | st.builds(
        lambda d, k, v: {**VALID, k: v}, st.just(VALID), st.sampled_from(FIELDS[:7]), json_values
    )
)
def test_any_json_document_gives_a_conversation_or_an_input_error(doc: object) -> None:
    try:
        conv = conversation_from_dict(doc, source=Path("/tmp/calls/x.json"))
    except InputError as exc:
        assert str(exc)  # one sentence, never empty
    else:
        assert conv.call_id and conv.started_at.utcoffset() is not None


def _mutate(data: bytes, ops: list[tuple[int, int, int]]) -> bytes:
    out = bytearray(data)
    for kind, pos, value in ops:
        if not out:
            break
        i = pos % len(out)
        if kind == 0:
            out[i] = value  # flip a byte
        elif kind == 1:
            del out[i:]  # truncate
        elif kind == 2:
            out[i:i] = bytes([value]) * (1 + value % 7)  # insert a run
        else:
            del out[i]
    return bytes(out)


@settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 10_000), st.integers(0, 255)),
        min_size=1,
        max_size=6,
    )
)
def test_fuzzed_conversation_files_never_crash_the_loader(
    tmp_path: Path, ops: list[tuple[int, int, int]]
) -> None:
    path = tmp_path / "fuzzed.json"
    path.write_bytes(_mutate(json.dumps(VALID).encode(), ops))
    try:
        load_conversation(path)
    except InputError as exc:
        assert str(path) in str(exc)


# ---------------------------------------------------------------- redaction properties

DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


@st.composite
def luhn_cards(draw: st.DrawFn) -> str:
    length = draw(st.sampled_from([15, 16, 16, 16, 19]))
    first = draw(st.sampled_from(["3", "4", "5", "6"]))
    body = first + "".join(str(draw(st.integers(0, 9))) for _ in range(length - 2))
    for check in "0123456789":
        if luhn_valid(body + check):
            return body + check
    raise AssertionError("a Luhn check digit always exists")


def _groups(card: str) -> list[str]:
    return [card[i : i + 4] for i in range(0, len(card), 4)]


def _spoken(digits: str) -> str:
    return " ".join(DIGIT_WORDS[int(d)] for d in digits)


RENDERINGS = {
    "digits": lambda c: c,
    "spaced": lambda c: " ".join(_groups(c)),
    "dashed": lambda c: "-".join(_groups(c)),
    "words": _spoken,
    "word-groups": lambda c: ", ".join(_spoken(g) for g in _groups(c)),
}


def _left_over(text: str, card: str) -> list[str]:
    """Pieces of the card still visible: any 4-digit group or its spoken form."""
    low = text.lower()
    return [g for g in _groups(card) if len(g) >= 3 and (g in low or _spoken(g) in low)]


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    luhn_cards(),
    st.sampled_from(sorted(RENDERINGS)),
    st.sampled_from(["my card number is {}", "it's {} thanks", "{}"]),
)
def test_a_card_in_one_message_is_always_removed(card: str, rendering: str, frame: str) -> None:
    text = frame.format(RENDERINGS[rendering](card))
    redacted, found = redact_text(text)
    assert "CARD" in {r.kind for r in found}
    assert _left_over(redacted, card) == [], redacted


@settings(max_examples=100, deadline=None, derandomize=True)
@given(luhn_cards(), st.booleans(), st.booleans())
def test_a_card_read_in_groups_across_turns_is_always_removed(
    card: str, spoken: bool, echo: bool
) -> None:
    turns = [("agent", "okay, go ahead with the card number when you're ready")]
    for group in _groups(card):
        said = _spoken(group) if spoken else group
        turns.append(("customer", said))
        turns.append(("agent", f"{said}, okay" if echo else "mm-hmm"))
    conv = Conversation(
        "P-1",
        "A-1",
        "voice",
        CALL_START,
        [Utterance(s, t, float(i), i + 0.9) for i, (s, t) in enumerate(turns)],
    )
    redacted = "\n".join(u.text for u in redact_conversation(conv).conversation.utterances)
    assert _left_over(redacted, card) == [], redacted


@st.composite
def money(draw: st.DrawFn) -> str:
    dollars = draw(st.integers(1, 99_999))
    cents = draw(st.integers(0, 99))
    style = draw(st.sampled_from(["symbol", "symbol-cents", "comma", "dollars", "bucks"]))
    if style == "symbol":
        return f"${dollars}"
    if style == "symbol-cents":
        return f"${dollars}.{cents:02d}"
    if style == "comma":
        return f"${dollars:,}.{cents:02d}"
    if style == "dollars":
        return f"{dollars} dollars"
    return f"{dollars} bucks"


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    money(),
    st.sampled_from([
        "your balance is {} as of today",
        "i can pay {} on the 15th",
        "the past due amount is {}",
        "so that's {} today, March 2nd, on the card",
        "the account number on our side is A-17 and you owe {}",
    ]),
)  # fmt: skip
def test_money_amounts_are_never_redacted(amount: str, frame: str) -> None:
    text = frame.format(amount)
    redacted, found = redact_text(text, call_date=CALL_START.date())
    assert redacted == text and found == []
    conv = Conversation(
        "P-2", "A-1", "voice", CALL_START,
        [Utterance("agent", "what card number would you like to use?"), Utterance("customer", text)],
    )  # fmt: skip
    assert redact_conversation(conv).conversation.utterances[1].text == text

"""Issue 7's acceptance: a call with a card read out in groups of four, a date of birth and an
SSN keeps none of them after redaction, and its script items score the same on the redacted text.

The customer is verified by date of birth alone, the case the judge must recognise masked
("It's [DOB]."); "[SSN_LAST4]" already passes by accident (the judge's answer pattern takes any
digit, and the token holds a 4).

Uses the real judge (`Judge.from_settings()`: spaCy and the sentence embedder, loaded once per
module) on a scripted call.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from qa_pipeline.judge import Judge
from qa_pipeline.judge import script as judge_script
from qa_pipeline.text.redact import REDACTION_TOKEN, redact_conversation
from qa_pipeline.types import Conversation, Scorecard, Utterance

TURNS = [
    ("agent", "Good afternoon, this is Dana with Summit Recovery. This call is recorded. Am I speaking with Carla Mendez?"),
    ("customer", "Yes, this is Carla."),
    ("agent", "Thanks, Carla. Can you verify your date of birth for me?"),
    ("customer", "It's March 3rd, 1986."),
    ("agent", "Thank you, that matches. Summit Recovery is a debt collector, this is an attempt to collect a debt, and any information obtained will be used for that purpose. Your balance with Northwind Bank is $612.40 and it's 45 days past due."),
    ("customer", "I lost my job in January. I can pay something today though."),
    ("agent", "I'm sorry to hear that, that sounds really stressful. Can I ask what's been happening since then?"),
    ("customer", "Just looking for work. I can do one fifty today."),
    ("agent", "We can take $150 today and set up a payment plan for the rest. I can send you a payment link, or take the card now."),
    ("customer", "Just take it now. It's a Visa. Four five three nine."),
    ("agent", "Four five three nine, go ahead."),
    ("customer", "One four eight eight."),
    ("agent", "One four eight eight."),
    ("customer", "Zero three four three. And six four six seven."),
    ("agent", "And the expiration date?"),
    ("customer", "Oh four twenty seven."),
    ("agent", "Thank you. So that's $150 today, March 2nd, 2026, on the Visa ending in six four six seven."),
    ("customer", "Do you need my whole social too? It's five one two, four four, six seven eight nine."),
    ("agent", "No, I don't need that, thank you. Thanks for your payment, Carla. Have a good day."),
]  # fmt: skip

CARD = "4539148803436467"
# every way the sensitive values were written or said in the call
SENSITIVE_RENDERINGS = [
    "4539", "1488", "0343", "four five three nine", "one four eight eight", "zero three four three",
    "March 3rd", "1986",
    "five one two", "six seven eight nine", "512", "6789",
    "oh four twenty seven",
]  # fmt: skip


@pytest.fixture(scope="module")
def call() -> Conversation:
    start = datetime(2026, 3, 2, 14, 5, tzinfo=timezone(timedelta(hours=-5)))
    return Conversation(
        "ISSUE-7",
        "A-17",
        "voice",
        start,
        [Utterance(s, t, i * 6.0, i * 6.0 + 5.0) for i, (s, t) in enumerate(TURNS)],
    )


@pytest.fixture(scope="module")
def judge() -> Judge:
    return Judge.from_settings()


def test_no_card_dob_or_ssn_rendering_remains(call: Conversation) -> None:
    result = redact_conversation(call)
    text = "\n".join(u.text for u in result.conversation.utterances)
    for rendering in SENSITIVE_RENDERINGS:
        assert rendering.lower() not in text.lower(), rendering
    assert CARD not in re.sub(r"\D", "", text)
    # what the judge needs is still there: balance, amounts, the promise date, the call date
    assert "$612.40" in text and "$150 today, March 2nd, 2026" in text
    # a card's last four may be shown (PCI-DSS): kept only where it is said as the last four
    assert text.count("six four six seven") == 1 and "ending in six four six seven" in text
    assert {r.kind for r in result.redactions} == {"CARD", "DOB", "SSN", "EXPIRY"}


def _script(card: Scorecard) -> dict[str, bool]:
    return {k: v.passed for k, v in card.script.items()}


def test_script_items_score_the_same_on_the_redacted_call(call: Conversation, judge: Judge) -> None:
    raw, redacted = judge.score_many([call, redact_conversation(call).conversation])
    assert raw.script["right_party_verification"].passed
    assert raw.script["balance_disclosure"].passed
    assert _script(redacted) == _script(raw)


def test_with_the_reported_judge_fix_script_items_score_the_same(
    call: Conversation, judge: Judge, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fix reported for judge/script.py, applied here only: a masked identifier token
    counts as identifier content in the customer's answer."""
    tokens = "|".join(t.strip("[]").lower() for t in ("[DOB]", "[SSN_LAST4]", "[SSN]"))
    patched = re.compile(rf"{judge_script._IDENTIFIER_ANSWER.pattern}|\b(?:{tokens})\b")
    monkeypatch.setattr(judge_script, "_IDENTIFIER_ANSWER", patched)
    redacted_call = redact_conversation(call).conversation
    assert REDACTION_TOKEN.search(redacted_call.utterances[3].text)
    raw, redacted = judge.score_many([call, redacted_call])
    assert raw.script["right_party_verification"].passed
    assert raw.script["balance_disclosure"].passed
    assert _script(redacted) == _script(raw)
    assert raw.ptp is not None and redacted.ptp is not None
    assert (redacted.ptp.amount, redacted.ptp.date) == (raw.ptp.amount, raw.ptp.date)
    assert sorted(v.id for v in redacted.violations) == sorted(v.id for v in raw.violations)

"""``sensitive_data_request``: an agent asking for or reading back card data or a full SSN."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from qa_pipeline.judge.sensitive import ITEM_ID, detect_sensitive_data_request
from qa_pipeline.text.redact import redact_conversation
from qa_pipeline.types import Conversation, Utterance

START = datetime(2026, 3, 2, 14, 5, tzinfo=timezone(timedelta(hours=-5)))


def conv(*turns: tuple[str, str]) -> Conversation:
    return Conversation(
        "S-1",
        "A-1",
        "voice",
        START,
        [Utterance(s, t, float(i * 5), float(i * 5 + 4)) for i, (s, t) in enumerate(turns)],
    )


@pytest.mark.parametrize(
    ("agent_turn", "kind"),
    [
        ("Go ahead and read me the card number when you're ready.", "card_number"),
        ("What's the sixteen digit number on the front of the card?", "card_number"),
        ("And the three digit security code on the back?", "cvv"),
        ("Can I get your CVV please?", "cvv"),
        ("I'll need your full social security number to continue.", "ssn"),
        ("What's your social?", "ssn"),
    ],
)
def test_agent_asking_for_card_data_or_full_ssn_is_found(agent_turn: str, kind: str) -> None:
    c = conv(("agent", "Thanks for confirming."), ("agent", agent_turn), ("customer", "okay"))
    result = detect_sensitive_data_request(c)
    assert result.item.passed
    assert result.item.evidence == [1]
    (finding,) = result.findings
    assert (finding.utterance, finding.kind, finding.action) == (1, kind, "asked")
    assert finding.start == 5.0 and finding.end == 9.0


@pytest.mark.parametrize(
    "agent_turn",
    [
        "Can you confirm the last four of your social?",
        "And the last four numbers of your Social Security?",
        "Which card would you like to use, the Visa ending in 3309?",
        "Can you confirm the last four digits of the card number?",
        "I'll transfer you to our secure line where you can key in your card number on the keypad.",
        "I'll text you a payment link so you can enter the card number yourself.",
        "Please don't read your card number to me, use the link instead.",
        "Is your income mostly Social Security?",
        "If this stays unpaid your SSN gets flagged with the bureaus.",
        "What's the expiration date on the card?",
    ],
)
def test_ordinary_verification_and_secure_channels_are_not_it(agent_turn: str) -> None:
    c = conv(("agent", agent_turn), ("customer", "sure"))
    result = detect_sensitive_data_request(c)
    assert not result.item.passed, result.findings
    assert result.item.evidence == []


def test_agent_reading_the_card_back_group_by_group_is_a_repeat_with_a_redacted_quote() -> None:
    c = conv(
        ("agent", "You can pay by the link I sent, or by card."),
        ("customer", "card. it's four one one one"),
        ("agent", "four one one one"),
        ("customer", "one one one one, one one one one"),
        ("agent", "one one one one one one one one"),
        ("customer", "and one one one one"),
        ("agent", "one one one one, got it"),
    )
    result = detect_sensitive_data_request(c)
    assert result.item.passed
    repeats = [f for f in result.findings if f.action == "repeated"]
    assert [f.utterance for f in repeats] == [2, 4, 6]
    assert all(f.kind == "card_number" for f in repeats)
    assert repeats[0].quote == "[CARD]"
    assert all("one" not in f.quote and "four" not in f.quote for f in result.findings)
    assert "one one" not in result.item.rationale


def test_a_customer_reading_the_card_unasked_is_not_the_agents_act() -> None:
    c = conv(
        ("agent", "How would you like to pay today?"),
        ("customer", "my card number is 4111 1111 1111 1111"),
        ("agent", "Thank you, that's processed."),
    )
    assert not detect_sensitive_data_request(c).item.passed


def test_agent_repeating_cvv_or_ssn_is_found() -> None:
    c = conv(
        ("customer", "the code is 123"),
        ("agent", "security code 123, thanks"),
        ("customer", "my ssn is 123-45-6789"),
        ("agent", "so that's 123-45-6789"),
    )
    result = detect_sensitive_data_request(c)
    assert {(f.utterance, f.kind, f.action) for f in result.findings} == {
        (1, "cvv", "repeated"),
        (3, "ssn", "repeated"),
    }
    assert "123" not in " ".join(f.quote for f in result.findings)


def test_works_on_an_already_redacted_conversation() -> None:
    raw = conv(
        ("agent", "go ahead with the card number"),
        ("customer", "4111 1111 1111 1111"),
        ("agent", "that's 4111 1111 1111 1111, correct?"),
    )
    redacted = redact_conversation(raw).conversation
    on_raw = detect_sensitive_data_request(raw)
    on_redacted = detect_sensitive_data_request(redacted)
    assert on_raw.item.evidence == on_redacted.item.evidence == [0, 2]
    assert [f.quote for f in on_redacted.findings] == [f.quote for f in on_raw.findings]


def test_findings_convert_to_violation_records() -> None:
    c = conv(("agent", "Can I get your CVV please?"))
    (violation,) = detect_sensitive_data_request(c).to_violations()
    assert violation.id == ITEM_ID and violation.utterance == 0
    assert violation.quote == "Can I get your CVV please?"
    assert "PCI" in violation.statute

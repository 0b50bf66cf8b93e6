"""Promise to pay and its confirmation (qa_pipeline.judge.ptp), on the rules of labels.md."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from qa_pipeline.judge.ptp import extract_ptp, ptp_confirmation
from qa_pipeline.loading import conversation_from_dict
from qa_pipeline.text.numbers import words_to_digits
from qa_pipeline.types import Conversation

TUNE = Path(__file__).resolve().parents[1] / "data" / "corpus" / "tune"

# a Wednesday
STARTED = "2026-01-14T10:40:00-05:00"
OPENING = [
    (
        "agent",
        "Hi, this is Dana with Copperline Collections, this call is recorded. Is this Kevin Marsh?",
    ),
    ("customer", "Yes, speaking."),
    ("agent", "Can you verify your date of birth and ZIP code?"),
    ("customer", "April 9th, 1990. 30318."),
    (
        "agent",
        "Thanks, that matches. Copperline is a debt collector, this is an attempt to collect a "
        "debt and any information obtained will be used for that purpose. Your Tidewater Visa "
        "has a past-due balance of $482.00.",
    ),
]


def conversation(
    lines: list[tuple[str, str]], started_at: str = STARTED, channel: str = "voice"
) -> Conversation:
    return conversation_from_dict(
        {
            "call_id": "T-1",
            "agent_id": "A-01",
            "channel": channel,
            "started_at": started_at,
            "utterances": [{"speaker": s, "text": t} for s, t in lines],
        }
    )


def promise(lines: list[tuple[str, str]], **kw: str) -> tuple[float, date] | None:
    ptp = extract_ptp(conversation(OPENING + lines, **kw))
    return None if ptp is None else (ptp.amount, ptp.date)


def asr(text: str) -> str:
    """What speech recognition makes of a clean line: lower case, no punctuation, number words."""
    text = text.lower().replace("$", "")
    text = re.sub(r"(\d),(\d)", r"\1\2", text)
    text = re.sub(r"[^\w\s']", " ", text)
    return re.sub(r"\s+", " ", text).strip()


# ------------------------------------------------------------------ the spec's decided cases


def test_customer_offer_restated_by_agent() -> None:
    lines = [
        ("customer", "I can do two hundred next Friday. I get paid Thursday night."),
        (
            "agent",
            "So to confirm, you're scheduling $200.00 on Friday, January 23rd. Your remaining balance will be $282.00.",
        ),
        ("customer", "Yes."),
    ]
    conv = conversation(OPENING + lines)
    ptp = extract_ptp(conv)
    assert ptp is not None
    assert (ptp.amount, ptp.date) == (200.0, date(2026, 1, 23))
    assert ptp.evidence == [5, 6, 7]
    confirmation = ptp_confirmation(conv, ptp)
    assert confirmation.passed
    assert confirmation.evidence == [6]


def test_chat_weekday_abbreviation_and_ok_noted() -> None:
    lines = [
        (
            "agent",
            "You can pay in full, do a 3-month plan (about $162/mo), or schedule a one-time payment.",
        ),
        ("customer", "can do 200 fri when i get paid, rest next check"),
        ("agent", "ok noted, you'll get an email confirmation shortly with the details."),
    ]
    conv = conversation(OPENING + lines, channel="chat")
    ptp = extract_ptp(conv)
    assert ptp is not None
    assert (ptp.amount, ptp.date) == (200.0, date(2026, 1, 16))
    assert not ptp_confirmation(conv, ptp).passed


def test_payment_taken_during_the_call_is_dated_today() -> None:
    lines = [
        ("customer", "I just want to make a payment, $120 on the account. Today."),
        ("agent", "Okay, I've processed $120 today, January 14th, on the Mastercard ending 0918."),
        ("customer", "Thanks."),
    ]
    conv = conversation(OPENING + lines)
    ptp = extract_ptp(conv)
    assert ptp is not None
    assert (ptp.amount, ptp.date) == (120.0, date(2026, 1, 14))
    assert ptp_confirmation(conv, ptp).passed


def test_half_now_is_today_and_the_first_payment() -> None:
    lines = [
        ("customer", "Could I do half now and the rest on the 28th?"),
        ("agent", "Sure, I'll take $241 today and $241 on the 28th."),
    ]
    assert promise(lines) == (241.0, date(2026, 1, 14))


def test_split_promise_is_the_first_payment() -> None:
    lines = [
        ("customer", "um could i do like two forty on the thirtieth and then the rest the next one")
    ]
    assert promise(lines) == (240.0, date(2026, 1, 30))


def test_agent_restatement_fills_in_a_vague_customer() -> None:
    lines = [
        ("agent", "So $150 on Friday the 16th, does that work?"),
        ("customer", "yes that works"),
    ]
    assert promise(lines) == (150.0, date(2026, 1, 16))


def test_whole_balance_on_a_date() -> None:
    lines = [("customer", "Can we do the whole thing on the 30th? That's my payday.")]
    assert promise(lines) == (482.0, date(2026, 1, 30))


@pytest.mark.parametrize(
    "lines",
    [
        [
            ("agent", "Can you do $200 by Friday?"),
            ("customer", "I'll try, I can't promise anything."),
        ],
        [("customer", "I could do two hundred once the insurance check comes.")],
        [("customer", "Maybe next month I can pay something.")],
        [("customer", "I can pay a hundred."), ("agent", "Okay, I'll note that.")],
        [("customer", "I can pay on Friday."), ("agent", "Okay.")],
        [("customer", "If I get the job I could pay $300 on the 15th.")],
        [
            ("customer", "What would happen if I paid $100 on Friday?"),
            ("agent", "Then the balance drops to $382."),
        ],
        [("agent", "Could you do $150 on the 15th?"), ("customer", "No, I can't do that.")],
        [("agent", "Could you do $150 on the 15th?"), ("agent", "Hello? Are you there?")],
        [("customer", "I already paid $150 on the 2nd."), ("agent", "I don't see it yet.")],
        [("customer", "i'll send everything tonight")],
    ],
    ids=[
        "ill-try",
        "insurance-check",
        "maybe-next-month",
        "amount-no-date",
        "date-no-amount",
        "conditional",
        "hypothetical",
        "declined-proposal",
        "unanswered-proposal",
        "past-payment",
        "documents-not-money",
    ],
)
def test_not_a_promise(lines: list[tuple[str, str]]) -> None:
    assert promise(lines) is None


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([("customer", "Go ahead and charge my card $75 now.")], (75.0, date(2026, 1, 14))),
        (
            [("agent", "What can you do?"), ("customer", "Probably 200 on the 15th.")],
            (200.0, date(2026, 1, 15)),
        ),
        (
            [
                ("agent", "Give me a date and an amount."),
                ("customer", "Fifty. Fifty dollars. Friday."),
            ],
            (50.0, date(2026, 1, 16)),
        ),
        ([("customer", "I'll pay it off Friday.")], (482.0, date(2026, 1, 16))),
        (
            [("agent", "I'll put you down for $100 on Friday."), ("customer", "Okay.")],
            (100.0, date(2026, 1, 16)),
        ),
    ],
)
def test_other_ways_to_promise(lines: list[tuple[str, str]], expected: tuple[float, date]) -> None:
    assert promise(lines) == expected


def test_acknowledging_what_is_due_is_not_a_promise() -> None:
    lines = [
        ("agent", "Your next payment of $100 is due on the 15th, okay?"),
        ("customer", "Okay."),
    ]
    assert promise(lines) is None


def test_third_party_cannot_promise() -> None:
    lines = [
        ("agent", "Hi, this is Janelle with Crestpoint. Is Devon Whitaker available?"),
        ("customer", "He's not home, I'm his roommate. I can pay $100 for him on Friday."),
        ("agent", "Okay, $100 on Friday, January 16th."),
        ("customer", "Yep."),
    ]
    assert extract_ptp(conversation(lines)) is None


def test_debtor_taking_the_phone_from_a_third_party_can_promise() -> None:
    lines = [
        ("agent", "Hi, this is Keisha with Tri-County. Is Angela Ruiz available?"),
        ("customer", "This is her husband. Hold on. Angie!"),
        ("customer", "Hello, this is Angela."),
        ("agent", "Hi Angela, can you verify your date of birth?"),
        ("customer", "October 8th, 1990."),
        ("agent", "Thank you, you're verified. The past due on your loan is $742.00."),
        ("customer", "I can do one-forty on the 3rd."),
        ("agent", "Okay, so $140 on Tuesday, February 3rd."),
    ]
    ptp = extract_ptp(conversation(lines))
    assert ptp is not None
    assert (ptp.amount, ptp.date) == (140.0, date(2026, 2, 3))


def test_agent_refusing_the_offer_leaves_no_promise() -> None:
    lines = [
        ("customer", "I can do fifty on Friday."),
        ("agent", "No, that's not enough, I need the full amount."),
        ("customer", "Then I can't do anything."),
    ]
    assert promise(lines) is None


def test_revised_promise_wins() -> None:
    lines = [
        ("customer", "I can do $100 on Friday."),
        ("agent", "Could you make it $150 on Friday?"),
        ("customer", "Okay, yes, $150."),
        ("agent", "Great, $150 on Friday, January 16th."),
    ]
    assert promise(lines) == (150.0, date(2026, 1, 16))


# ------------------------------------------------------------------ ptp_confirmation


@pytest.mark.parametrize(
    ("agent_line", "passed"),
    [
        ("Noted: $90 on 1/20/2026.", True),
        ("Okay so ninety dollars on tuesday january twentieth.", True),
        ("Okay, I'll note that.", False),
        ("Perfect, I'll set that up for you.", False),
        ("Ninety dollars, got it.", False),  # the amount alone
        ("The 20th, got it.", False),  # the date alone
    ],
)
def test_confirmation_needs_amount_and_date(agent_line: str, passed: bool) -> None:
    conv = conversation(
        [*OPENING, ("customer", "I can pay $90 on the 20th."), ("agent", agent_line)]
    )
    ptp = extract_ptp(conv)
    assert ptp is not None
    assert (ptp.amount, ptp.date) == (90.0, date(2026, 1, 20))
    result = ptp_confirmation(conv, ptp)
    assert result.passed is passed
    assert result.evidence == ([6] if passed else [])
    assert result.rationale


def test_no_promise_no_confirmation() -> None:
    conv = conversation(OPENING)
    result = ptp_confirmation(conv, extract_ptp(conv))
    assert not result.passed
    assert result.evidence == []


def test_agent_proposal_before_agreement_is_not_a_confirmation() -> None:
    conv = conversation([*OPENING, ("agent", "Can you do $150 on the 16th?"), ("customer", "Yes.")])
    ptp = extract_ptp(conv)
    assert ptp is not None
    assert (ptp.amount, ptp.date) == (150.0, date(2026, 1, 16))
    assert not ptp_confirmation(conv, ptp).passed


# ------------------------------------------------------------------ speech-recognition text


ASR_CASES = [
    (
        [
            ("customer", "I can do $150 on the 15th, and the same each month after."),
            ("agent", "So to confirm, you're authorizing $150 on Thursday, January 15th."),
            ("customer", "Yes, that's right."),
        ],
        (150.0, date(2026, 1, 15)),
    ),
    (
        [
            (
                "customer",
                "fifty i could probably do fifty um on the first when the unemployment comes in",
            ),
            ("agent", "okay the first"),
            ("customer", "yeah the first"),
            ("agent", "perfect i'll get that set up for you"),
        ],
        (50.0, date(2026, 2, 1)),
    ),
    (
        [
            (
                "customer",
                "i can't do a settlement right now i could do two hundred on the fifteenth",
            ),
            ("agent", "okay i'll note that"),
        ],
        (200.0, date(2026, 1, 15)),
    ),
    (
        [
            ("customer", "okay just put it all on my visa"),
            (
                "agent",
                "got it so i'm processing four eighty two today january fourteenth on the visa ending in two six six one",
            ),
            ("customer", "great thanks"),
        ],
        (482.0, date(2026, 1, 14)),
    ),
]


@pytest.mark.parametrize(("lines", "expected"), ASR_CASES)
def test_asr_style_text(lines: list[tuple[str, str]], expected: tuple[float, date]) -> None:
    clean = promise(lines)
    spoken = promise([(s, asr(t)) for s, t in lines])
    assert clean == expected
    assert spoken == expected


def test_words_to_digits_normalised_text_gives_the_same_promise() -> None:
    lines = [
        ("customer", "i could do two hundred and twenty five on friday the sixteenth"),
        ("agent", "okay two hundred twenty five dollars on friday january sixteenth"),
    ]
    normalised = [(s, words_to_digits(t)) for s, t in lines]
    assert promise(lines) == promise(normalised) == (225.0, date(2026, 1, 16))


# ------------------------------------------------------------------ the labelled tune corpus


@pytest.mark.skipif(
    not TUNE.is_dir() or not any(TUNE.glob("*.json")), reason="tune corpus not present"
)
def test_tune_corpus_meets_the_targets() -> None:
    """Regression guard on the labelled tune split (the held-out test split is never read)."""
    with_ptp = exact = without = invented = confirmation_ok = 0
    paths = sorted(TUNE.glob("*.json"))
    for path in paths:
        data = json.loads(path.read_text())
        conv = conversation_from_dict(data, source=path)
        want = data["labels"]["ptp"]
        got = extract_ptp(conv)
        if want is None:
            without += 1
            invented += got is not None
        else:
            with_ptp += 1
            exact += (
                got is not None
                and abs(got.amount - want["amount"]) < 0.006
                and got.date.isoformat() == want["date"]
            )
        confirmation_ok += (
            ptp_confirmation(conv, got).passed == data["labels"]["script"]["ptp_confirmation"]
        )
    assert with_ptp and without
    assert exact / with_ptp >= 0.9
    assert invented / without <= 0.05
    assert confirmation_ok / len(paths) >= 0.9

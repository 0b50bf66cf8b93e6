"""Redaction of card data, bank details, SSNs, dates of birth, e-mail and phone numbers."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from qa_pipeline.text.redact import (
    REDACTION_TOKEN,
    redact_conversation,
    redact_quote,
    redact_text,
)
from qa_pipeline.text.spoken_digits import aba_routing_valid, find_digit_groups, luhn_valid
from qa_pipeline.types import Conversation, Utterance, Word

CALL_START = datetime(2026, 3, 2, 14, 5, tzinfo=timezone(timedelta(hours=-5)))


def conv(*turns: tuple[str, str], channel: str = "voice") -> Conversation:
    return Conversation(
        call_id="R-1",
        agent_id="A-1",
        channel=channel,  # type: ignore[arg-type]
        started_at=CALL_START,
        utterances=[
            Utterance(s, t, float(i * 4), float(i * 4 + 3)) for i, (s, t) in enumerate(turns)
        ],
    )


def texts(c: Conversation) -> list[str]:
    return [u.text for u in redact_conversation(c).conversation.utterances]


# ---------------------------------------------------------------- checksums and digit reading


def test_luhn_and_routing_checksums() -> None:
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")
    assert aba_routing_valid("021000021")
    assert not aba_routing_valid("021000022")


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("four one one one", "4111"),
        ("forty one eleven", "4111"),
        ("oh four twenty seven", "0427"),
        ("double five three", "553"),
        ("4111-1111 1111", "411111111111"),
        ("four hundred eleven", "411"),
    ],
)
def test_spoken_and_typed_digit_groups(text: str, digits: str) -> None:
    groups = find_digit_groups(text)
    assert [g.digits for g in groups] == [digits]


def test_oh_alone_is_an_interjection_not_a_zero() -> None:
    assert find_digit_groups("oh okay sure") == []


# ---------------------------------------------------------------- cards


def test_card_read_in_groups_of_four_across_turns_with_the_agent_repeating() -> None:
    c = conv(
        ("agent", "Go ahead with the card number when you're ready."),
        ("customer", "okay it's four one one one"),
        ("agent", "four one one one, yes"),
        ("customer", "one one one one"),
        ("agent", "mm-hmm"),
        ("customer", "one one one one and the last group one one one one"),
        ("agent", "so that's four one one one one one one one one one one one one one one one"),
    )
    out = texts(c)
    joined = " ".join(out)
    assert "four" not in joined and "one one" not in joined
    assert out[1] == "okay it's [CARD]"
    assert out[2] == "[CARD], yes"
    assert out[5] == "[CARD] and the last group [CARD]"
    assert out[6] == "so that's [CARD]"


def test_card_read_as_pairs_of_numbers() -> None:
    c = conv(
        ("agent", "what's the card number"),
        ("customer", "forty one eleven, eleven eleven"),
        ("customer", "eleven eleven eleven eleven"),
    )
    out = texts(c)
    assert out[1] == "[CARD]" and out[2] == "[CARD]"


@pytest.mark.parametrize(
    "number", ["4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111", "378282246310005"]
)
def test_typed_card_numbers_are_found_by_shape(number: str) -> None:
    redacted, found = redact_text(f"sure, it's {number} thanks")
    assert redacted == "sure, it's [CARD] thanks"
    assert [r.kind for r in found] == ["CARD"]
    assert (found[0].start_char, found[0].end_char) == (11, 11 + len(number))


def test_sixteen_digits_failing_luhn_without_context_are_left() -> None:
    redacted, _ = redact_text("order 4111111111111112 shipped")
    assert "4111111111111112" in redacted


def test_card_last_four_alone_is_kept_as_pci_allows() -> None:
    c = conv(
        ("agent", "debit card or checking account?"),
        ("customer", "It's a Visa, ending in 3309, expires 10/28."),
    )
    out = texts(c)
    assert out[1] == "It's a Visa, ending in 3309, expires [EXPIRY]."


def test_expiry_and_security_code_when_asked() -> None:
    c = conv(
        ("agent", "And the expiration and security code?"),
        ("customer", "09/29. 4412."),
        ("agent", "what's the expiration date"),
        ("customer", "oh four twenty seven"),
        ("agent", "and the three digit code on the back"),
        ("customer", "it's one two three"),
    )
    assert texts(c)[1::2] == ["[EXPIRY]. [CVV].", "[EXPIRY]", "it's [CVV]"]


def test_expiry_and_code_given_unasked_in_one_message() -> None:
    redacted, _ = redact_text("Mastercard, ending 6604. Exp 0328. Code 119.")
    assert redacted == "Mastercard, ending 6604. Exp [EXPIRY]. Code [CVV]."


# ---------------------------------------------------------------- bank, SSN, DOB, contact


def test_routing_and_account_numbers() -> None:
    c = conv(
        ("agent", "I'll need the routing number and the checking account number"),
        ("customer", "routing is 021000021 and the account is 123456789012"),
    )
    assert texts(c)[1] == "routing is [ROUTING] and the account is [BANK_ACCOUNT]"


def test_full_ssn_typed_and_spoken() -> None:
    redacted, found = redact_text("my ssn is 123-45-6789")
    assert redacted == "my ssn is [SSN]" and found[0].kind == "SSN"
    c = conv(
        ("agent", "can you give me your social security number"),
        ("customer", "one two three four five six seven eight nine"),
    )
    assert texts(c)[1] == "[SSN]"


def test_last_four_of_social_is_redacted_only_as_the_answer() -> None:
    c = conv(
        ("agent", "can you confirm the last four of your social"),
        ("customer", "uh four four zero six"),
        ("agent", "thank you, your balance is $612.40"),
    )
    out = texts(c)
    assert out == [
        "can you confirm the last four of your social",
        "uh [SSN_LAST4]",
        "thank you, your balance is $612.40",
    ]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("March 30th, 1972.", "[DOB]."),
        ("12/12/1986, and 3381.", "[DOB], and [SSN_LAST4]."),
        ("one fourteen eighty one and uh three three nine oh", "[DOB] and uh [SSN_LAST4]"),
        ("five zero five zero and may ninth eighty one", "[SSN_LAST4] and [DOB]"),
        ("three three eighty seven three zero zero four four", "[DOB] three zero zero four four"),
    ],
)
def test_date_of_birth_and_last_four_answers(answer: str, expected: str) -> None:
    c = conv(
        ("agent", "can you verify your date of birth and the last four of your social"),
        ("customer", answer),
    )
    assert texts(c)[1] == expected


def test_zip_and_street_number_are_kept() -> None:
    c = conv(
        ("agent", "can you verify your date of birth and your zip code"),
        ("customer", "five twenty eight ninety four and nine five eight two three"),
        ("agent", "and the street address?"),
        ("customer", "it's four eighteen alder court"),
    )
    out = texts(c)
    assert out[1] == "[DOB] and nine five eight two three"
    assert out[3] == "it's four eighteen alder court"


def test_date_of_birth_said_in_fragments_loses_every_fragment() -> None:
    c = conv(
        ("agent", "could you tell me your date of birth?"),
        ("customer", "It's... hold on. November... November 19th. 1952. And the ZIP is... 73107."),
    )
    out = texts(c)[1]
    assert "November" not in out and "19th" not in out and "1952" not in out
    assert "73107" in out


def test_dob_given_with_a_cue_and_an_old_date_repeated_by_the_agent() -> None:
    c = conv(
        ("customer", "Yes this is Harold. DOB 8/21/1949. Zip is 92021."),
        ("agent", "Hmm, I have May 17th, 1958 on file."),
    )
    assert texts(c) == [
        "Yes this is Harold. DOB [DOB]. Zip is 92021.",
        "Hmm, I have [DOB] on file.",
    ]


def test_email_and_phone_typed_and_spoken() -> None:
    c = conv(
        ("customer", "email me at jane.doe@example.com or jdoe at gmail dot com"),
        ("customer", "my cell is (555) 123-4567"),
        ("agent", "what's the best number to reach you"),
        ("customer", "five five five one two three four five six seven"),
    )
    out = texts(c)
    assert out[0] == "email me at [EMAIL] or [EMAIL]"
    assert out[1] == "my cell is [PHONE]"
    assert out[3] == "[PHONE]"


# ---------------------------------------------------------------- what must survive


@pytest.mark.parametrize(
    "text",
    [
        "your balance is $1,850.40 and it's 45 days past due",
        "the past due amount is six hundred twelve dollars and forty cents",
        "i can do one fifty on the fifteenth",
        "so $90 on 3/20/2026, and $75 on the 15th of each month",
        "we spoke on March 2nd, 2026 about the 4,111 dollars",
        "I can pay 1200 next friday",
    ],
)
def test_money_promise_and_call_dates_survive(text: str) -> None:
    redacted, found = redact_text(text, call_date=CALL_START.date())
    assert redacted == text
    assert found == []


def test_amounts_and_promise_survive_inside_a_card_payment() -> None:
    c = conv(
        (
            "agent",
            "I can take $150 today and schedule $150 for the 28th. What card would you like to use?",
        ),
        ("customer", "Visa. The card number is 4111 1111 1111 1111."),
        ("agent", "Got it. So I've got $150.00 set for today, March 2nd, and $150 on March 28th."),
    )
    out = texts(c)
    assert out[0] == c.utterances[0].text
    assert out[1] == "Visa. The card number is [CARD]."
    assert out[2] == c.utterances[2].text


# ---------------------------------------------------------------- records, quotes, timings


def test_records_point_at_the_original_and_the_redacted_text() -> None:
    c = conv(("agent", "date of birth please"), ("customer", "sure it's March 30th, 1972 ok"))
    result = redact_conversation(c)
    (r,) = result.redactions
    assert (r.utterance, r.kind, r.replacement) == (1, "DOB", "[DOB]")
    assert c.utterances[1].text[r.start_char : r.end_char] == "March 30th, 1972"
    assert result.conversation.utterances[1].text[r.redacted_start : r.redacted_end] == "[DOB]"
    assert "1972" not in repr(r) and "March" not in repr(r)  # a record never carries the value


def test_the_input_conversation_is_not_modified() -> None:
    c = conv(("customer", "card is 4111 1111 1111 1111"))
    redact_conversation(c)
    assert c.utterances[0].text == "card is 4111 1111 1111 1111"


def test_raw_speaker_labels_answer_each_other() -> None:
    c = conv(
        ("SPEAKER_00", "can you verify your date of birth"),
        ("SPEAKER_01", "four twelve ninety two"),
    )
    assert texts(c)[1] == "[DOB]"


def test_word_timings_give_the_audio_span_and_redacted_words() -> None:
    words = [Word("my", 10.0, 10.2), Word("birthday", 10.2, 10.7), Word("is", 10.7, 10.8),
             Word("march", 10.9, 11.2), Word("third", 11.2, 11.5), Word("eighty", 11.6, 11.9),
             Word("six", 11.9, 12.3), Word("thanks", 12.5, 12.9)]  # fmt: skip
    c = Conversation(
        "R-2", "A-1", "voice", CALL_START,
        [Utterance("customer", "my birthday is march third eighty six thanks", 10.0, 12.9, words)],
    )  # fmt: skip
    result = redact_conversation(c)
    (r,) = result.redactions
    assert r.kind == "DOB" and (r.start_s, r.end_s) == (10.9, 12.3)
    new_words = result.conversation.utterances[0].words
    assert [w.text for w in new_words] == ["my", "birthday", "is", "[DOB]", "thanks"]
    assert (new_words[3].start, new_words[3].end) == (10.9, 12.3)


def test_without_word_timings_the_whole_utterance_is_the_audio_span() -> None:
    c = conv(("agent", "date of birth?"), ("customer", "march third eighty six"))
    (r,) = redact_conversation(c).redactions
    assert (r.start_s, r.end_s) == (4.0, 7.0)


def test_redact_quote_uses_the_same_spans() -> None:
    original = "sure it's March 30th, 1972 and my zip is 30318"
    c = conv(("agent", "date of birth and zip please"), ("customer", original))
    result = redact_conversation(c)
    assert result.redact_quote("it's March 30th, 1972 and", 1, original) == "it's [DOB] and"
    # a quote that cuts the value in half still loses the half it holds
    assert redact_quote("30th, 1972 and my", original, result.for_utterance(1)) == "[DOB] and my"
    # a reworded quote falls back to shape detection plus the known values
    assert "1972" not in redact_quote("born March 30th, 1972", original, result.for_utterance(1))


def test_every_token_names_its_kind() -> None:
    redacted, found = redact_text("ssn 123-45-6789, card 4111111111111111, mail a@b.co")
    assert set(REDACTION_TOKEN.findall(redacted)) == {"[SSN]", "[CARD]", "[EMAIL]"}
    assert {r.kind for r in found} == {"SSN", "CARD", "EMAIL"}
    assert not re.search(r"\d", redacted)

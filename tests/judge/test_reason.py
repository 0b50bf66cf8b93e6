"""Non-payment reason: paraphrases in speech-recognition style, precedence, third parties.

The phrasings here are written fresh (not copied from the tune corpus) so they check that the
rubric patterns generalise rather than memorise.
"""

from __future__ import annotations

import pytest
from judge_helpers import VERIFIED_OPENING, make_conv

from qa_pipeline.judge import Judge

PROBE = ("agent", "Can I ask what's been keeping you from making payments?")


def _reason(judge: Judge, *customer_turns: str) -> str:
    turns = [*VERIFIED_OPENING, PROBE]
    for text in customer_turns:
        turns += [("customer", text), ("agent", "Okay, thank you for telling me.")]
    return judge.score(make_conv(*turns)).non_payment_reason.label


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("um my husband passed in the spring and i'm still sorting out his accounts", "bereavement"),
        ("yeah so they cut everybody's hours at the warehouse i'm at like twenty a week", "reduced_income"),
        ("uh my wife went down to part time after the twins so it's basically one income", "reduced_income"),
        ("honestly construction's been dead all winter i'm making maybe a third of what i was", "reduced_income"),
        ("i got a car loan and student loans and my credit card minimums went up so this one waited", "other_debts_hardship"),
        ("i get paid on the twentieth and the autopay hits on the eighteenth so it bounced", "payday_timing"),
        ("i settled that account with the original lender last year i have the letter", "already_paid"),
        ("the heat's been out since november and the landlord never sent anybody so i'm holding the rent", "service_issue"),
        ("i ain't paying you people nothing just stop calling", "refuses_to_pay"),
    ],
)
def test_asr_style_paraphrases_name_the_reason(judge: Judge, text: str, want: str) -> None:
    assert _reason(judge, text) == want


def test_medical_bill_in_a_list_of_debts_is_other_debts(judge: Judge) -> None:
    text = "it's too much at once two credit cards a personal loan and a hospital bill from the spring"
    assert _reason(judge, text) == "other_debts_hardship"


def test_working_at_a_hospital_is_not_a_medical_reason(judge: Judge) -> None:
    assert _reason(judge, "they laid me off from the hospital cafeteria in may") == "job_loss"


def test_service_complaint_beats_i_dont_owe_it(judge: Judge) -> None:
    text = "i don't owe that the gym shut down for repairs for three months and billed me anyway"
    assert _reason(judge, text) == "service_issue"


def test_conditional_refusal_is_no_refusal(judge: Judge) -> None:
    # a refusal to pay over the phone is about the channel, not a reason for not paying
    assert _reason(judge, "i'm not paying anything over the phone send it to me in writing") == "none_given"


def test_payday_in_an_offer_is_no_reason(judge: Judge) -> None:
    assert _reason(judge, "i can do fifty on monday i get paid sunday night") == "none_given"


def test_receptionist_words_set_no_reason(judge: Judge) -> None:
    conv = make_conv(
        ("customer", "thank you for calling doctor lee's office this is pam"),
        ("agent", "Hi, this is Sam with Apex Recovery. May I speak with Kim Lee?"),
        ("customer", "she's with a patient right now can i ask what it's regarding is it about a bill"),
        ("agent", "It's a personal business matter. Could you ask her to call Sam at 555-0100?"),
        ("customer", "sure she's been so sick lately i'll tell her bye"),
    )
    assert judge.score(conv).non_payment_reason.label == "none_given"


def test_debtor_greeting_by_name_after_a_relative_answered_is_the_debtor(judge: Judge) -> None:
    conv = make_conv(
        ("agent", "Hi, this is Sam with Apex Recovery. May I speak with Kim Lee?"),
        ("customer", "this is her son hang on"),
        ("customer", "hi it's kim what's this about"),
        ("agent", "Kim, can you confirm your date of birth?"),
        ("customer", "march third nineteen seventy"),
        PROBE,
        ("customer", "i lost my job at the plant in january"),
    )
    assert judge.score(conv).non_payment_reason.label == "job_loss"

"""Violation wording beyond the spec's examples: how agents insult, demean or misrepresent
themselves in clean text and in speech-recognition text, and the calm or reassuring
statements that must stay clean. Runs the real judge (real rubric, spaCy parse, embeddings)."""

from __future__ import annotations

import pytest
from judge_helpers import VERIFIED_OPENING, make_conv

from qa_pipeline.judge import Judge


def _ids(judge: Judge, agent_turn: str) -> list[str]:
    conv = make_conv(*VERIFIED_OPENING, ("customer", "I can't pay that right now."), ("agent", agent_turn))
    return [v.id for v in judge.score(conv).violations]


@pytest.mark.parametrize(
    "agent_turn",
    [
        "Don't play dumb with me, you know exactly what this bill is.",
        "dont act stupid with me sir you got the letters",
        "are you deaf or just slow i said the balance is due",
        "Honestly, no wonder you're broke.",
        "quit your whining and pay the damn bill",
        "you're a joke you know that",
        "get it through your thick head this is not going away",
        "What a sorry excuse for a grown man.",
    ],
)
def test_insults_and_demeaning_wording_are_abusive_language(judge: Judge, agent_turn: str) -> None:
    assert _ids(judge, agent_turn) == ["abusive_language"]


@pytest.mark.parametrize(
    "agent_turn",
    [
        "this is investigator daniels with the state attorney general's office",
        "I'm calling from the law office that's handling your file.",
        "When a husband passes, everything he owed becomes your responsibility.",
        "your drivers license will be suspended if this stays unpaid",
        "if this stays unpaid your social security number gets flagged with the federal government",
        "The judge has already signed off on the paperwork.",
    ],
)
def test_posing_and_lies_about_consequences_are_false_representation(judge: Judge, agent_turn: str) -> None:
    assert _ids(judge, agent_turn) == ["false_representation"]


@pytest.mark.parametrize(
    "agent_turn",
    [
        "If you meet with the lawyer and decide not to file, we have hardship options.",
        "Per federal law, this communication is from a debt collector.",
        "I do want to be upfront: if it stays unpaid the bank may report it to the credit bureaus.",
        "Please don't feel embarrassed, this happens to a lot of people.",
        "Nobody's accusing you of lying, payments get misapplied sometimes.",
        "I'm not calling you stupid, I'm just explaining the fees.",
    ],
)
def test_calm_true_or_reassuring_statements_stay_clean(judge: Judge, agent_turn: str) -> None:
    assert _ids(judge, agent_turn) == []

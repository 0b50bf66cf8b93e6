"""The Judge end to end with the real models: the spec examples, ASR variants, the rules."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from judge_helpers import VERIFIED_OPENING, load_example, make_conv

from qa_pipeline.judge import Judge
from qa_pipeline.types import Conversation, Utterance

EXAMPLES = [f"ex-00{i}.json" for i in range(1, 7)]


def _assert_matches_labels(card_dict: dict, labels: dict) -> None:
    script = {k: v["passed"] for k, v in card_dict["script"].items()}
    assert script == labels["script"]
    assert {k: v["passed"] for k, v in card_dict["empathy"].items()} == labels["empathy"]
    assert sorted(v["id"] for v in card_dict["violations"]) == sorted(labels["violations"])
    assert sorted(card_dict["flags"]) == sorted(labels["flags"])
    assert card_dict["non_payment_reason"]["label"] == labels["non_payment_reason"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_spec_example_scores_exactly_as_labelled(judge: Judge, name: str) -> None:
    conv, labels = load_example(name)
    card = judge.score(conv).to_dict()
    _assert_matches_labels(card, labels)
    assert card["rubric"] == {"id": "collections-us", "version": "1"}
    assert card["ptp"] is None if labels["ptp"] is None else card["ptp"]["date"] == labels["ptp"]["date"]


_FILLERS = ("um", "uh", "you know")


def _asr(text: str, seed: int) -> str:
    """What speech recognition makes of a clean turn: lower case, no sentence punctuation,
    fillers. Punctuation inside numbers stays ($612.40), as recognisers print digits."""
    t = text.lower().replace("’", "'")
    t = re.sub(r"(?<!\d)[.,!?;:](?!\d)|[.,!?;:](?=\s|$)", " ", t)
    words = t.split()
    if len(words) > 4:
        words.insert(2 + seed % 3, _FILLERS[seed % len(_FILLERS)])
    return " ".join(words)


@pytest.mark.parametrize("name", EXAMPLES)
def test_asr_style_variant_scores_the_same(judge: Judge, name: str) -> None:
    conv, labels = load_example(name)
    asr = replace(conv, utterances=[replace(u, text=_asr(u.text, i)) for i, u in enumerate(conv.utterances)])
    _assert_matches_labels(judge.score(asr).to_dict(), labels)


def test_score_many_keeps_order_and_matches_single(judge: Judge) -> None:
    convs = [load_example(n)[0] for n in EXAMPLES]
    cards = judge.score_many(convs)
    assert [c.call_id for c in cards] == [c.call_id for c in convs]
    assert cards[3].to_dict()["violations"] == judge.score(convs[3]).to_dict()["violations"]


def test_every_finding_has_evidence_and_models(judge: Judge) -> None:
    conv, _ = load_example("ex-004.json")
    card = judge.score(conv)
    tpd = next(v for v in card.violations if v.id == "third_party_disclosure")
    assert tpd.utterance == 0
    assert "$1,850" in tpd.quote  # quoted from the original text
    assert tpd.statute == "15 USC 1692c(b)"
    assert card.script["greeting"].evidence == [0]
    assert all(r.rationale for r in card.script.values())
    assert set(card.models) >= {"spacy", "embedder", "judge"}
    assert card.scores["compliance"] == 0.0  # third-party disclosure is auto-fail


@pytest.mark.parametrize(
    "agent_turn",
    [
        "Nobody is going to sue you over this, I promise.",
        "We would never call your employer about this.",
        "I'm not threatening you, and no one is going to arrest you.",
        "You can't go to jail for a credit card debt.",
        "There's no lawsuit and we have no plans to take you to court.",
    ],
)
def test_negated_or_reassuring_statements_are_not_violations(judge: Judge, agent_turn: str) -> None:
    conv = make_conv(*VERIFIED_OPENING, ("customer", "Are you going to sue me?"), ("agent", agent_turn))
    assert judge.score(conv).violations == []


@pytest.mark.parametrize(
    ("agent_turn", "violation"),
    [
        ("If you don't pay by Friday we will have you arrested.", "threat_arrest_or_jail"),
        ("we're gonna sue you and garnish your wages", "threat_unintended_legal_action"),
        ("You're a deadbeat and an idiot.", "abusive_language"),
        ("What kind of person doesn't pay their bills? I can't hold the account past this call.", "pressure_tactics"),
        ("This is the county court calling about your case.", "false_representation"),
    ],
)
def test_agent_conduct_is_found_with_its_most_specific_id(judge: Judge, agent_turn: str, violation: str) -> None:
    conv = make_conv(*VERIFIED_OPENING, ("customer", "I can't pay right now."), ("agent", agent_turn))
    ids = [v.id for v in judge.score(conv).violations]
    assert ids == [violation]


def test_arrest_threat_is_not_also_false_representation(judge: Judge) -> None:
    conv = make_conv(*VERIFIED_OPENING, ("agent", "The police will arrest you and you'll go to jail."))
    assert [v.id for v in judge.score(conv).violations] == ["threat_arrest_or_jail"]


def test_customer_conduct_is_never_a_violation(judge: Judge) -> None:
    conv = make_conv(
        *VERIFIED_OPENING,
        ("customer", "You people are idiots. Go ahead and sue me, call the police, I don't give a damn."),
        ("agent", "I understand you're upset. We can set up a payment plan when you're ready. Thanks, goodbye."),
    )
    assert judge.score(conv).violations == []


def test_debt_before_verification_is_disclosure_and_fails_verification(judge: Judge) -> None:
    conv = make_conv(
        ("agent", "Hi, this is Sam with Apex Recovery calling about your past due balance of $300. Is this Kim?"),
        ("customer", "No, this is her roommate, she's not home."),
        ("agent", "Okay, tell her to call us back."),
    )
    card = judge.score(conv)
    assert not card.script["right_party_verification"].passed
    assert [(v.id, v.utterance) for v in card.violations] == [("third_party_disclosure", 0)]


def test_third_party_words_set_no_reason_and_no_dispute(judge: Judge) -> None:
    conv = make_conv(
        ("agent", "Hi, this is Sam with Apex Recovery. May I speak with Kim Lee?"),
        ("customer", "This is her husband, she's not home. She lost her job and she doesn't owe you anything."),
        ("agent", "Thank you, I'll try again later. Have a good day."),
    )
    card = judge.score(conv)
    assert card.non_payment_reason.label == "none_given"
    assert "dispute" not in card.flag_ids


@pytest.mark.parametrize(("channel", "hour", "flagged"), [("voice", 7, True), ("voice", 21, True), ("voice", 20, False), ("chat", 23, False)])
def test_calling_hours_from_the_calls_own_offset(judge: Judge, channel: str, hour: int, flagged: bool) -> None:
    conv = make_conv(*VERIFIED_OPENING, channel=channel, hour=hour)
    ids = [v.id for v in judge.score(conv).violations]
    assert ("outside_calling_hours" in ids) is flagged


def test_rubric_switch_changes_mini_miranda_weight(judge: Judge, first_party_judge: Judge) -> None:
    turns = [*list(VERIFIED_OPENING[:4]), ("agent", "Thanks. Your balance with us is $420.00. Thanks for your time, goodbye.")]
    conv = make_conv(*turns)
    us, first_party = judge.score(conv), first_party_judge.score(conv)
    assert not us.script["mini_miranda"].passed and not first_party.script["mini_miranda"].passed
    assert first_party.rubric_id == "first-party-creditor"
    assert first_party.scores["script_adherence"] > us.scores["script_adherence"]
    assert first_party.scores["compliance"] > us.scores["compliance"]


def test_raw_speaker_labels_are_assigned_before_judging(judge: Judge) -> None:
    conv, labels = load_example("ex-001.json")
    raw = {"agent": "SPEAKER_01", "customer": "SPEAKER_00"}
    diarized: Conversation = replace(conv, utterances=[Utterance(raw[u.speaker], u.text) for u in conv.utterances])
    card = judge.score(diarized)
    assert card.roles is not None and card.roles.agent_label == "SPEAKER_01"
    assert {k: v.passed for k, v in card.script.items()} == labels["script"]

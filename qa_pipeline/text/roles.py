"""Decide which diarized speaker is the agent, from what each speaker says.

A diarized transcript carries raw labels (``SPEAKER_00``, ``ch0``, ``spk1``); the judge needs
``agent`` and ``customer``. Agents say recognisable things (they introduce themselves and the
company, announce the recording, ask "am I speaking with", ask for identifiers, give the
mini-Miranda, state balances, offer plans); customers answer them. Each raw label gets a score
from cue phrases, and the label with the highest agent score becomes the agent.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

from qa_pipeline.types import (
    ROLE_AGENT,
    ROLE_CUSTOMER,
    ROLES,
    Conversation,
    RoleAssignment,
    Utterance,
)

__all__ = ["agent_cue_score", "assign_roles"]

#: phrases agents say, with a weight (how specific to an agent they are)
_AGENT_CUES: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(p), w)
    for p, w in (
        (r"\b(this is|my name is|name's) \w+ (with|from|at|calling from|over at)\b", 3.0),
        (r"\bcalling (from|on behalf of|about|regarding)\b", 2.5),
        (r"\bthank(s| you) for (calling|contacting|reaching out|starting a chat|holding)\b", 2.5),
        (
            r"\b(recorded|monitored|recording) (line|for|call)|\bcalls? (is|are|may be) (being )?(recorded|monitored)",
            3.0,
        ),
        (r"\b(am i|i'm|i am) (speaking|talking) (with|to)\b|\bmay i (speak|talk) (with|to)\b", 3.0),
        (
            r"\b(date of birth|dob|last four|last 4|social security|zip code|verify|confirm your)\b",
            2.0,
        ),
        (
            r"\b(debt collector|attempt to collect|effort to collect|collect (a|the|this) debt)\b",
            3.0,
        ),
        (r"\binformation (obtained|we obtain|you provide)\b", 2.0),
        (r"\b(your|the) (account|balance)\b", 1.0),
        (r"\b(payment plan|installments?|settlement|set up a payment|payment arrangement)\b", 1.0),
        (r"\bwhat (works|would work) (best )?for you\b", 1.0),
        (r"\bis there anything else i can help\b", 2.0),
    )
)

#: phrases customers say to agents
_CUSTOMER_CUES: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(p), w)
    for p, w in (
        (r"\bwho is this\b|\bwhat is this (about|regarding)\b|\bwho are you\b", 2.5),
        (r"^\s*(yes|yeah|yep|speaking|this is (she|he|him|her))\W*$", 1.0),
        (r"\bi (lost|got laid off|can't afford|cannot afford|don't owe|already paid)\b", 2.0),
        (r"\b(my|our) (paycheck|payday|husband|wife|job|kids?)\b", 0.7),
        (r"\bstop calling\b|\bcall me back\b", 1.5),
    )
)

_WORD = re.compile(r"\s+")


def agent_cue_score(text: str) -> float:
    """How agent-like one utterance is: agent cue weights minus customer cue weights."""
    t = _WORD.sub(" ", text.lower())
    score = sum(w for p, w in _AGENT_CUES if p.search(t))
    score -= sum(w for p, w in _CUSTOMER_CUES if p.search(t))
    return score


def _is_given(conversation: Conversation) -> bool:
    return all(u.speaker in ROLES for u in conversation.utterances)


def assign_roles(conversation: Conversation) -> tuple[Conversation, RoleAssignment]:
    """Map raw speaker labels to ``agent``/``customer``.

    Conversations already labelled ``agent``/``customer`` pass through unchanged with method
    ``given``. Otherwise every raw label is scored from agent and customer cue phrases in what
    it says; the best-scoring label becomes the agent and all others customers.

    Args:
        conversation: the conversation, with raw or role labels.

    Returns:
        A copy of the conversation with ``agent``/``customer`` speakers, and the assignment
        (which raw label is the agent, a confidence 0..1, the method, the full label map).
    """
    if _is_given(conversation):
        return conversation, RoleAssignment(
            agent_label=ROLE_AGENT,
            confidence=1.0,
            method="given",
            labels={s: s for s in conversation.speakers},
        )

    labels = conversation.speakers
    scores: dict[str, float] = {label: 0.0 for label in labels}
    words: dict[str, int] = {label: 0 for label in labels}
    for u in conversation.utterances:
        scores[u.speaker] += agent_cue_score(u.text)
        words[u.speaker] += len(u.text.split())
    # a label already called "agent"/"customer" keeps its meaning
    if ROLE_AGENT in scores:
        scores[ROLE_AGENT] += 100.0
    if ROLE_CUSTOMER in scores:
        scores[ROLE_CUSTOMER] -= 100.0
    # the first speaker is usually the agent (outbound greeting or inbound "thank you for
    # calling"); a weak prior that only decides when the cues say nothing
    first = conversation.utterances[0].speaker if conversation.utterances else labels[0]
    scores[first] = scores.get(first, 0.0) + 0.5

    if len(labels) == 1:
        agent = labels[0]
        confidence = 0.5
        method = "single-speaker"
    else:
        # ties break towards the label that talks more (agents run the conversation)
        ranked = sorted(labels, key=lambda s: (scores[s], words[s]), reverse=True)
        agent = ranked[0]
        margin = scores[ranked[0]] - scores[ranked[1]]
        confidence = 1.0 / (1.0 + math.exp(-margin / 2.0))
        method = "cues"

    mapping = {label: (ROLE_AGENT if label == agent else ROLE_CUSTOMER) for label in labels}
    utterances = [replace_speaker(u, mapping[u.speaker]) for u in conversation.utterances]
    relabelled = replace(conversation, utterances=utterances)
    return relabelled, RoleAssignment(
        agent_label=agent, confidence=round(confidence, 4), method=method, labels=mapping
    )


def replace_speaker(utterance: Utterance, speaker: str) -> Utterance:
    """A copy of ``utterance`` with another speaker label (words and timings kept)."""
    return Utterance(
        speaker=speaker,
        text=utterance.text,
        start=utterance.start,
        end=utterance.end,
        words=list(utterance.words),
    )

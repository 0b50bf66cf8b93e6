"""Role assignment on raw diarization labels."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from qa_pipeline.text.roles import assign_roles
from qa_pipeline.types import Conversation, Utterance

_LINES = [
    (
        "agent",
        "hi this is sofia with keystone recovery group this call is recorded is this john peterson",
    ),
    ("customer", "yeah who is this"),
    ("agent", "i need to verify your date of birth before we go any further"),
    ("customer", "march third eighty six"),
    ("agent", "thanks keystone is a debt collector this is an attempt to collect a debt"),
    ("customer", "ok"),
]


def _conv(labels: dict[str, str], first_customer: bool = False) -> Conversation:
    lines = _LINES[1:] if first_customer else _LINES
    return Conversation(
        call_id="R-1",
        agent_id="A-1",
        channel="voice",
        started_at=datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=-5))),
        utterances=[
            Utterance(labels[role], text, float(i), float(i) + 1)
            for i, (role, text) in enumerate(lines)
        ],
    )


@pytest.mark.parametrize(
    ("agent_label", "customer_label"),
    [("SPEAKER_00", "SPEAKER_01"), ("SPEAKER_01", "SPEAKER_00"), ("ch1", "ch0"), ("spk1", "spk2")],
)
def test_raw_labels_are_mapped_from_what_is_said(agent_label: str, customer_label: str) -> None:
    conv = _conv({"agent": agent_label, "customer": customer_label})
    out, roles = assign_roles(conv)
    assert roles.agent_label == agent_label
    assert roles.method == "cues"
    assert roles.confidence > 0.8
    assert [u.speaker for u in out.utterances] == [role for role, _ in _LINES]
    assert out.utterances[0].start == 0.0  # timings travel with the copy
    assert conv.utterances[0].speaker == agent_label  # the input is not modified


def test_agent_found_even_when_the_customer_speaks_first() -> None:
    out, roles = assign_roles(
        _conv({"agent": "SPEAKER_01", "customer": "SPEAKER_00"}, first_customer=True)
    )
    assert roles.agent_label == "SPEAKER_01"
    assert out.utterances[0].speaker == "customer"


def test_given_roles_pass_through() -> None:
    conv = _conv({"agent": "agent", "customer": "customer"})
    out, roles = assign_roles(conv)
    assert out is conv
    assert roles.method == "given"
    assert roles.confidence == 1.0

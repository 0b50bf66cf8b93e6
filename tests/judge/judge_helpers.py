"""Helpers shared by the judge tests: the spec examples and small conversations."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from qa_pipeline.loading import conversation_from_dict
from qa_pipeline.types import Conversation, Utterance

SPEC_EXAMPLES = Path(__file__).resolve().parent.parent / "data" / "spec_examples"


def load_example(name: str) -> tuple[Conversation, dict[str, Any]]:
    data = json.loads((SPEC_EXAMPLES / name).read_text(encoding="utf-8"))
    return conversation_from_dict(data), data["labels"]


def make_conv(*turns: tuple[str, str], channel: str = "voice", hour: int = 14) -> Conversation:
    """A conversation from (speaker, text) turns, started at ``hour`` local time (UTC-5)."""
    return Conversation(
        call_id="T-1",
        agent_id="A-1",
        channel=channel,  # type: ignore[arg-type]
        started_at=datetime(2026, 3, 2, hour, 5, tzinfo=timezone(timedelta(hours=-5))),
        utterances=[Utterance(s, t) for s, t in turns],
    )


#: a verified opening: greeting, recording notice, name + date of birth, mini-Miranda, balance
VERIFIED_OPENING: tuple[tuple[str, str], ...] = (
    ("agent", "Good morning, this is Dana with Apex Recovery. This call is recorded. Am I speaking with Lee Park?"),
    ("customer", "Yes, this is Lee."),
    ("agent", "Thanks. Can you verify your date of birth?"),
    ("customer", "June 4th, 1980."),
    (
        "agent",
        "Thank you, that matches. Apex Recovery is a debt collector, this is an attempt to collect a "
        "debt and any information obtained will be used for that purpose. Your balance is $420.00.",
    ),
)

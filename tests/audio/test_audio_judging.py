"""End to end: scoring the transcribed recording agrees with scoring the script's text (slow:
the judge's models and four transcriptions take minutes on 2 cores).

The same Judge scores (a) the conversation the audio pipeline made from the rendered call and
(b) the script itself as a clean transcript; they must agree on at least 90% of script items
and violation ids (union of both sides).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import make_test_audio
import pytest

from qa_pipeline.types import Conversation, Scorecard, Utterance

judge_module = pytest.importorskip("qa_pipeline.judge", reason="the judge is not installed")

Transcribed = Callable[..., tuple[make_test_audio.RenderedCall, Conversation]]
STARTED = datetime.fromisoformat("2026-03-02T14:05:00-05:00")


@pytest.fixture(scope="module")
def judge() -> Any:
    return judge_module.Judge.from_settings()


def _script_conversation(call: make_test_audio.RenderedCall) -> Conversation:
    return Conversation(
        call_id="script",
        agent_id="A-1",
        channel="voice",
        started_at=STARTED,
        utterances=[
            Utterance(speaker=u["speaker"], text=u["text"], start=u["start"], end=u["end"])
            for u in call.utterances
        ],
    )


def _agreement(a: Scorecard, b: Scorecard) -> tuple[int, list[str]]:
    """(decisions compared, the ones that differ)."""
    decisions: list[tuple[str, bool]] = []
    for item in sorted(set(a.script) | set(b.script)):
        left, right = a.script.get(item), b.script.get(item)
        same = left is not None and right is not None and left.passed == right.passed
        decisions.append((f"script.{item}", same))
    va, vb = {v.id for v in a.violations}, {v.id for v in b.violations}
    for vid in sorted(va | vb):
        decisions.append((f"violation.{vid}", vid in va and vid in vb))
    return len(decisions), [name for name, same in decisions if not same]


def _pooled(judge: Any, transcribed: Transcribed, calls: list[tuple[str, bool]]) -> tuple[float, list[str]]:
    """Agreement pooled over calls: every script item and violation id of every call counts once."""
    total = 0
    disagreements: list[str] = []
    for name, stereo in calls:
        call, conv = transcribed(name, stereo=stereo, rate=16_000)
        from_audio = judge.score(
            Conversation(call_id="audio", agent_id="A-1", channel="voice", started_at=STARTED,
                         utterances=conv.utterances)
        )
        from_script = judge.score(_script_conversation(call))
        compared, missed = _agreement(from_audio, from_script)
        total += compared
        disagreements += [f"{name}/{'stereo' if stereo else 'mono'}: {m}" for m in missed]
        if name == "pressure":
            assert from_script.violations, "the pressure script holds violations to agree on"
    return 1 - len(disagreements) / total, disagreements


@pytest.mark.slow
def test_scorecards_from_audio_agree_with_the_script(judge: Any, transcribed: Transcribed) -> None:
    """Pooled over both scripts, stereo and mono (16 kHz): the done-when target of issue 4."""
    calls = [("compliant", True), ("pressure", True), ("compliant", False), ("pressure", False)]
    share, disagreements = _pooled(judge, transcribed, calls)
    print(f"agreement {share:.3f}; disagreements: {disagreements}")
    assert share >= 0.90, disagreements

"""Measures shared by the audio tests (WER normalisation, speaker attribution)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import make_test_audio

from qa_pipeline.types import Utterance


def normalise_for_wer(text: str) -> str:
    """Lower case, numbers as digits, no punctuation: WER counts words, not formatting."""
    try:
        from qa_pipeline.text.numbers import words_to_digits

        text = words_to_digits(text)
    except ImportError:
        pass
    text = text.lower().replace("$", " ").replace(",", "")
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text).split())


def attribution(conv_utterances: Sequence[Utterance], truth: make_test_audio.RenderedCall) -> float:
    """Share of recognised words whose speaker is the role speaking at that time."""
    total = right = 0
    for u in conv_utterances:
        for w in u.words:
            role = truth.role_at((w.start + w.end) / 2)
            if role is None:
                continue
            total += 1
            right += role == u.speaker
    assert total > 0, "no recognised word falls in any scripted turn"
    return right / total

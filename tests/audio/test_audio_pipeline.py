"""The audio pipeline on real synthesized speech: WER, speaker attribution, roles, metadata.

Calls are rendered with espeak-ng (two different voices) from the scripts in
scripts/make_test_audio.py and transcribed with the real embedded Whisper tiny.en.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import jiwer
import make_test_audio
import numpy as np
import pytest
from audio_helpers import attribution, normalise_for_wer

from qa_pipeline.audio import AudioPipeline, SilentAudioError
from qa_pipeline.config import Settings
from qa_pipeline.types import Conversation

Render = Callable[..., make_test_audio.RenderedCall]


Transcribed = Callable[..., tuple[make_test_audio.RenderedCall, Conversation]]

SLOW = pytest.mark.slow


def _plain_whisper_text(ap: AudioPipeline, path: Path) -> str:
    """What plain faster-whisper writes for the file: the same model and beam size, its own
    defaults otherwise (file path in, no VAD, conditioning on previous text)."""
    segments, _ = ap.transcriber.model.transcribe(
        str(path), language="en", beam_size=ap.settings.asr.beam_size
    )
    return " ".join(s.text for s in segments)


@pytest.mark.parametrize(
    ("name", "rate"),
    [
        ("compliant", 16_000),
        ("compliant", 8_000),
        pytest.param("pressure", 16_000, marks=SLOW),
        pytest.param("pressure", 8_000, marks=SLOW),
    ],
)
def test_stereo_words_go_to_the_right_role(transcribed: Transcribed, name: str, rate: int) -> None:
    call, conv = transcribed(name, stereo=True, rate=rate)
    assert {u.speaker for u in conv.utterances} == {"agent", "customer"}
    assert attribution(conv.utterances, call) >= 0.97
    assert conv.extra["audio"]["diarization_method"] == "stereo"
    # turns come out in time order, each with start <= end
    starts = [u.start for u in conv.utterances]
    assert starts == sorted(starts)
    assert all(u.start is not None and u.end is not None and u.start <= u.end for u in conv.utterances)


@pytest.mark.parametrize(
    ("name", "rate"),
    [
        ("compliant", 16_000),
        pytest.param("compliant", 8_000, marks=SLOW),
        pytest.param("pressure", 16_000, marks=SLOW),
        pytest.param("pressure", 8_000, marks=SLOW),
    ],
)
def test_mono_embedded_diarization_attributes_words(
    transcribed: Transcribed, name: str, rate: int
) -> None:
    call, conv = transcribed(name, stereo=False, rate=rate)
    assert conv.extra["audio"]["diarization_method"] == "embedded"
    assert conv.extra["audio"]["speakers_found"] == 2
    assert conv.extra["audio"]["roles"]["method"] == "cues"
    assert attribution(conv.utterances, call) >= 0.85


@pytest.mark.parametrize(
    ("name", "stereo", "rate"),
    [
        ("compliant", True, 16_000),
        ("compliant", False, 16_000),
        pytest.param("pressure", True, 16_000, marks=SLOW),
        pytest.param("pressure", False, 16_000, marks=SLOW),
        pytest.param("compliant", False, 8_000, marks=SLOW),
    ],
)
def test_wer_no_worse_than_plain_faster_whisper(
    audio_pipeline: AudioPipeline, transcribed: Transcribed, name: str, stereo: bool, rate: int
) -> None:
    call, ours = transcribed(name, stereo=stereo, rate=rate)
    reference = normalise_for_wer(call.script_text)
    ours_text = normalise_for_wer(" ".join(u.text for u in ours.utterances))
    plain_text = normalise_for_wer(_plain_whisper_text(audio_pipeline, call.path))
    ours_wer = jiwer.wer(reference, ours_text)
    plain_wer = jiwer.wer(reference, plain_text)
    assert ours_wer < 0.35, ours_wer
    # three words in a hundred: the noise between two decodings of a one-minute call
    assert ours_wer <= plain_wer + 0.03, (ours_wer, plain_wer)


def test_roles_and_metadata_without_template(transcribed: Transcribed) -> None:
    call, conv = transcribed("compliant", stereo=True)
    assert conv.call_id == call.path.stem
    assert conv.agent_id == "unknown"
    assert conv.channel == "voice"
    assert conv.started_at.utcoffset() is not None
    assert "modification time" in conv.extra["started_at_source"]
    info = conv.extra["audio"]
    assert info["silent"] is False
    assert info["duration_s"] == pytest.approx(call.duration, abs=0.2)
    assert info["roles"]["agent"] == "ch0"  # the agent is on the left channel
    assert 0.5 < info["role_confidence"] <= 1.0
    assert "asr" in info["models"] and "tiny" in info["models"]["asr"]
    assert conv.utterances[0].speaker == "agent"
    assert conv.utterances[0].words, "word timings are kept"
    doc = conv.to_dict()
    assert doc["utterances"][0]["start"] >= 0 and "end" in doc["utterances"][0]


def test_template_fields_are_kept(audio_pipeline: AudioPipeline, render: Render) -> None:
    call = render("pressure", stereo=True)
    template = Conversation(
        call_id="C-777",
        agent_id="A-9",
        channel="voice",
        started_at=datetime(2026, 3, 2, 14, 5, tzinfo=UTC),
        utterances=[],
        account_id="ACC-1",
        audio=call.path,
        extra={"queue": "early"},
    )
    conv = audio_pipeline.transcribe(call.path, template=template)
    assert (conv.call_id, conv.agent_id, conv.account_id) == ("C-777", "A-9", "ACC-1")
    assert conv.started_at == template.started_at
    assert conv.extra["queue"] == "early"
    assert conv.utterances and conv.extra["audio"]["duration_s"] > 0


def test_agent_channel_from_config(render: Render, audio_pipeline: AudioPipeline) -> None:
    settings = Settings.model_validate({"diarization": {"agent_channel": 1}})
    ap = AudioPipeline(settings)
    ap._transcriber = audio_pipeline.transcriber  # same model, loaded once per session
    call = render("compliant", stereo=True)
    conv = ap.transcribe(call.path)
    # told (wrongly) that the right channel is the agent: the config wins over the cues
    assert conv.extra["audio"]["roles"]["method"] == "config"
    assert conv.utterances[0].speaker == "customer"


def test_silent_recording(tmp_path: Path, audio_pipeline: AudioPipeline) -> None:
    path = tmp_path / "silent.wav"
    make_test_audio.write_audio(np.zeros((2, 8_000 * 4), dtype=np.float32), 8_000, path)
    with pytest.raises(SilentAudioError):
        audio_pipeline.transcribe(path)
    conv = audio_pipeline.transcribe(path, allow_silent=True)
    assert conv.utterances == []
    assert conv.extra["audio"]["silent"] is True


def test_hold_music_and_noise_produce_no_hallucinated_words(
    tmp_path: Path, audio_pipeline: AudioPipeline
) -> None:
    rate = 16_000
    t = np.arange(rate * 20) / rate
    # a "hold music" of slow chords under line noise: no speech anywhere
    chords = sum(0.08 * np.sin(2 * np.pi * f * t) * (1 + np.sin(2 * np.pi * 0.5 * t)) for f in (262, 330, 392))
    noise = np.random.default_rng(1).normal(0, 0.01, t.size)
    path = tmp_path / "hold.wav"
    make_test_audio.write_audio(np.asarray(chords + noise, dtype=np.float32)[None, :], rate, path)
    conv = audio_pipeline.transcribe(path, allow_silent=True)
    words = [w.text for u in conv.utterances for w in u.words]
    assert len(words) <= 2, words
    with pytest.raises(SilentAudioError, match="no recognisable speech"):
        audio_pipeline.transcribe(path)

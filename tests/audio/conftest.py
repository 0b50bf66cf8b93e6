"""Fixtures for the audio tests: models loaded once, calls rendered once per session.

Calls are rendered with espeak-ng at test time (scripts/make_test_audio.py) into a session tmp
folder; nothing big is committed. Tests that need espeak-ng skip with a clear reason when it is
missing (it is a Debian package that `.ci/run` installs).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from qa_pipeline.config import Settings
from qa_pipeline.types import Conversation

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import make_test_audio  # noqa: E402  (a script, not a package: found through sys.path)

from qa_pipeline.audio import AudioPipeline  # noqa: E402
from qa_pipeline.audio.asr import Transcriber  # noqa: E402

needs_espeak = pytest.mark.skipif(
    not make_test_audio.espeak_available(), reason="espeak-ng is not installed (apt-get install espeak-ng)"
)


@pytest.fixture(scope="session")
def audio_pipeline() -> AudioPipeline:
    """The default pipeline (embedded tiny.en, embedded diarizer), loaded once."""
    return AudioPipeline.from_settings(Settings())


@pytest.fixture(scope="session")
def transcriber(audio_pipeline: AudioPipeline) -> Transcriber:
    return audio_pipeline.transcriber


@pytest.fixture(scope="session")
def render(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., make_test_audio.RenderedCall]:
    """Render a scripted call once per session: ``render(name, stereo=..., rate=..., fmt=...)``."""
    if not make_test_audio.espeak_available():
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    folder = tmp_path_factory.mktemp("calls")
    cache: dict[tuple[str, bool, int, str], make_test_audio.RenderedCall] = {}

    def _render(
        name: str, *, stereo: bool, rate: int = 16_000, fmt: str = "wav"
    ) -> make_test_audio.RenderedCall:
        key = (name, stereo, rate, fmt)
        if key not in cache:
            kind = "stereo" if stereo else "mono"
            cache[key] = make_test_audio.render_call(
                make_test_audio.SCRIPTED_CALLS[name],
                folder / f"{name}-{kind}-{rate}.{fmt}",
                stereo=stereo,
                sample_rate=rate,
                seed=len(cache),
            )
        return cache[key]

    return _render


@pytest.fixture(scope="session")
def transcribed(
    audio_pipeline: AudioPipeline, render: Callable[..., make_test_audio.RenderedCall]
) -> Callable[..., tuple[make_test_audio.RenderedCall, Conversation]]:
    """Render and transcribe a scripted call once per session: ``transcribed(name, stereo=...,
    rate=...)`` -> (ground truth, conversation)."""
    cache: dict[tuple[str, bool, int], tuple[make_test_audio.RenderedCall, Conversation]] = {}

    def _transcribed(
        name: str, *, stereo: bool, rate: int = 16_000
    ) -> tuple[make_test_audio.RenderedCall, Conversation]:
        key = (name, stereo, rate)
        if key not in cache:
            call = render(name, stereo=stereo, rate=rate)
            cache[key] = (call, audio_pipeline.transcribe(call.path))
        return cache[key]

    return _transcribed

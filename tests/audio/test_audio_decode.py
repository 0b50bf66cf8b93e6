"""Decoding: every container and rate a contact centre exports, and every way a file is bad."""

from __future__ import annotations

from pathlib import Path

import make_test_audio
import numpy as np
import pytest

from qa_pipeline.audio.decode import SAMPLE_RATE, SilentAudioError, decode_audio
from qa_pipeline.errors import AudioError


def _tone_pair(rate: int, seconds: float = 2.0) -> np.ndarray:
    """Left 440 Hz, right 660 Hz: lets a test check the channels were kept apart and in order."""
    t = np.arange(int(rate * seconds)) / rate
    return np.stack([0.4 * np.sin(2 * np.pi * 440 * t), 0.4 * np.sin(2 * np.pi * 660 * t)]).astype(
        np.float32
    )


def _dominant_hz(x: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(x))
    return float(np.argmax(spectrum) * SAMPLE_RATE / x.size)


CASES = [
    ("wav", 8_000),
    ("wav", 16_000),
    ("wav", 44_100),
    ("wav", 48_000),
    ("flac", 8_000),
    ("flac", 44_100),
    ("mp3", 8_000),
    ("mp3", 16_000),
    ("mp3", 44_100),
    ("mp3", 48_000),
    ("ogg", 8_000),  # OGG/Opus
    ("ogg", 16_000),
    ("ogg", 48_000),
    ("m4a", 16_000),
    ("m4a", 44_100),
    ("m4a", 48_000),
]


@pytest.mark.parametrize(("fmt", "rate"), CASES)
@pytest.mark.parametrize("stereo", [True, False])
def test_decodes_format_rate_and_channels(tmp_path: Path, fmt: str, rate: int, stereo: bool) -> None:
    signal = _tone_pair(rate)
    data = signal if stereo else signal[:1]
    path = tmp_path / f"tone.{fmt}"
    make_test_audio.write_audio(data, rate, path)

    audio = decode_audio(path)

    assert audio.sample_rate == SAMPLE_RATE
    assert audio.samples.dtype == np.float32
    assert audio.channels == (2 if stereo else 1)
    assert audio.source_channels == (2 if stereo else 1)
    # lossy codecs pad a few frames (AAC primes with 1024 samples); within 0.15 s of the signal
    assert abs(audio.duration - 2.0) < 0.15
    middle = audio.samples[:, SAMPLE_RATE // 2 : SAMPLE_RATE // 2 + SAMPLE_RATE]
    assert abs(_dominant_hz(middle[0]) - 440) < 15
    if stereo:
        assert abs(_dominant_hz(middle[1]) - 660) < 15
    assert audio.duration == pytest.approx(audio.samples.shape[1] / SAMPLE_RATE)


def test_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    with pytest.raises(AudioError, match="empty"):
        decode_audio(path)


def test_random_bytes_are_not_audio(tmp_path: Path) -> None:
    path = tmp_path / "noise.mp3"
    path.write_bytes(np.random.default_rng(0).bytes(20_000))
    with pytest.raises(AudioError) as err:
        decode_audio(path)
    assert "noise.mp3" in str(err.value)


def test_text_file_named_wav_is_not_audio(tmp_path: Path) -> None:
    path = tmp_path / "call.wav"
    path.write_text("call_id,agent\nC-1,A-1\n", encoding="utf-8")
    with pytest.raises(AudioError, match=r"not a recording|no audio|cannot be decoded|no decodable"):
        decode_audio(path)


def test_truncated_wav_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "cut.wav"
    make_test_audio.write_audio(_tone_pair(16_000, 10.0), 16_000, path)
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 3])  # the header still declares 10 s
    with pytest.raises(AudioError, match="truncated"):
        decode_audio(path)


def test_header_only_wav_has_no_samples(tmp_path: Path) -> None:
    path = tmp_path / "header.wav"
    make_test_audio.write_audio(_tone_pair(16_000, 1.0), 16_000, path)
    path.write_bytes(path.read_bytes()[:44])
    with pytest.raises(AudioError):
        decode_audio(path)


def test_silent_file_raises_silent_error_or_returns_when_allowed(tmp_path: Path) -> None:
    path = tmp_path / "silent.flac"
    make_test_audio.write_audio(np.zeros((1, 8_000 * 3), dtype=np.float32), 8_000, path)
    with pytest.raises(SilentAudioError, match="silence"):
        decode_audio(path)
    audio = decode_audio(path, reject_silent=False)
    assert audio.duration == pytest.approx(3.0, abs=0.01)


def test_too_long_recording_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.wav"
    make_test_audio.write_audio(_tone_pair(8_000, 5.0), 8_000, path)
    with pytest.raises(AudioError, match="limit"):
        decode_audio(path, max_duration_s=2.0)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="does not exist"):
        decode_audio(tmp_path / "nope.wav")


def test_more_than_two_channels_mix_down_to_mono(tmp_path: Path) -> None:
    import soundfile as sf

    t = np.arange(16_000) / 16_000
    four = np.stack([0.2 * np.sin(2 * np.pi * f * t) for f in (300, 400, 500, 600)]).T
    path = tmp_path / "quad.wav"
    sf.write(str(path), four, 16_000)
    audio = decode_audio(path)
    assert audio.channels == 1
    assert audio.source_channels == 4

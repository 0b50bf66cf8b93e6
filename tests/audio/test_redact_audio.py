"""The redacted copy of a recording: spans silenced or beeped, everything else kept."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from qa_pipeline.audio.decode import SAMPLE_RATE, decode_audio
from qa_pipeline.audio.redact_audio import BEEP_HZ, redact_recording, redaction_spans
from qa_pipeline.errors import AudioError
from qa_pipeline.text.redact import Redaction


def _tone_file(path: Path, *, seconds: float = 4.0, rate: int = 8000, channels: int = 2) -> Path:
    """A 440 Hz tone on every channel: loud everywhere, so a blanked span is unmistakable."""
    t = np.arange(int(seconds * rate)) / rate
    wave = 0.5 * np.sin(2 * np.pi * 440.0 * t)
    soundfile.write(path, np.stack([wave] * channels, axis=1), rate, subtype="PCM_16")
    return path


def _red(start_s: float | None, end_s: float | None, kind: str = "CARD") -> Redaction:
    return Redaction(3, 0, 4, kind, f"[{kind}]", start_s, end_s)  # type: ignore[arg-type]


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


def test_spans_are_padded_clipped_and_merged() -> None:
    spans = redaction_spans(
        [_red(1.0, 1.5), _red(1.6, 2.0), _red(0.1, 0.2), _red(3.9, 4.5)], pad_s=0.1, duration=4.2
    )
    assert spans == [(0.0, 0.30000000000000004), (0.9, 2.1), (3.8, 4.2)]


def test_silence_blanks_the_span_on_both_channels_and_keeps_the_rest(tmp_path: Path) -> None:
    src = _tone_file(tmp_path / "call.wav")
    out = redact_recording(
        src, [_red(1.0, 2.0)], tmp_path / "call.redacted.wav", mode="silence", pad_s=0.1
    )
    copy = decode_audio(out.path, reject_silent=False)
    original = decode_audio(src)
    assert copy.channels == 2 and abs(copy.duration - original.duration) < 0.01
    a, b = int(0.9 * SAMPLE_RATE), int(2.1 * SAMPLE_RATE)
    assert _rms(copy.samples[:, a:b]) < 1e-4
    # outside the padded span the tone is intact
    keep = np.r_[0 : a - 200, b + 200 : copy.samples.shape[1] - 200]
    assert np.allclose(copy.samples[:, keep], original.samples[:, keep], atol=2e-3)
    assert out.spans == ((0.9, 2.1),)


def test_beep_replaces_the_span_with_a_1khz_tone(tmp_path: Path) -> None:
    src = _tone_file(tmp_path / "call.wav", channels=1)
    out = redact_recording(src, [_red(1.0, 2.0)], tmp_path / "beeped.wav", mode="beep", pad_s=0.0)
    copy = decode_audio(out.path).samples[0]
    span = copy[int(1.1 * SAMPLE_RATE) : int(1.9 * SAMPLE_RATE)]
    spectrum = np.abs(np.fft.rfft(span))
    peak_hz = np.argmax(spectrum) * SAMPLE_RATE / len(span)
    assert abs(peak_hz - BEEP_HZ) < 5
    before = copy[: int(0.9 * SAMPLE_RATE)]
    peak_before = np.argmax(np.abs(np.fft.rfft(before))) * SAMPLE_RATE / len(before)
    assert abs(peak_before - 440.0) < 5


def test_a_redaction_without_timings_refuses_the_copy(tmp_path: Path) -> None:
    src = _tone_file(tmp_path / "call.wav")
    dest = tmp_path / "copy.wav"
    with pytest.raises(AudioError, match="no time span"):
        redact_recording(src, [_red(1.0, 2.0), _red(None, None, "DOB")], dest)
    assert not dest.exists()


def test_the_copy_never_overwrites_the_original(tmp_path: Path) -> None:
    src = _tone_file(tmp_path / "call.wav")
    with pytest.raises(AudioError, match="must not overwrite"):
        redact_recording(src, [_red(1.0, 2.0)], src)


def test_a_broken_source_gives_an_audio_error_and_no_copy(tmp_path: Path) -> None:
    src = tmp_path / "junk.wav"
    src.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunkjunk")
    dest = tmp_path / "copy.wav"
    with pytest.raises(AudioError):
        redact_recording(src, [_red(1.0, 2.0)], dest)
    assert not dest.exists()
    assert not list(tmp_path.glob(".redacting-*"))

"""A redacted copy of a recording: the redacted words' time spans silenced or beeped.

The transcript's redactions (`qa_pipeline.text.redact`) carry the time span of the words they
replaced, from the recogniser's word timings. This module writes a copy of the recording with
those spans (padded a little, because word boundaries from speech recognition are approximate)
replaced by silence or a tone. The app plays only that copy; the original stays where the
deployment keeps raw recordings, if it keeps them at all.

A redaction with no time span (a transcript with no timings) cannot be placed in the audio: the
copy is refused rather than written with the value still audible.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from qa_pipeline.audio.decode import DEFAULT_MAX_DURATION_S, decode_audio
from qa_pipeline.errors import AudioError
from qa_pipeline.text.redact import Redaction

__all__ = ["BEEP_HZ", "DEFAULT_PAD_S", "RedactedRecording", "redact_recording", "redaction_spans"]

#: seconds added before and after each redacted span: recogniser word boundaries drift by
#: a few tens of milliseconds, and a clipped first or last digit still gives a value away
DEFAULT_PAD_S = 0.25
BEEP_HZ = 1000.0
#: the tone's peak level (about -14 dBFS): clearly a censor tone, not painful
_BEEP_LEVEL = 0.2


@dataclass(frozen=True, slots=True)
class RedactedRecording:
    """A written redacted copy.

    Attributes:
        path: the copy (16 kHz 16-bit PCM WAV, channels as in the source, up to two).
        spans: the (start, end) seconds that were silenced or beeped, merged and padded.
        duration: the copy's length in seconds (the source's, decoded).
        mode: ``silence`` or ``beep``.
    """

    path: Path
    spans: tuple[tuple[float, float], ...]
    duration: float
    mode: str


def redaction_spans(
    redactions: Sequence[Redaction], *, pad_s: float = DEFAULT_PAD_S, duration: float | None = None
) -> list[tuple[float, float]]:
    """The time spans to blank: each redaction's span padded, clipped and merged.

    Raises:
        AudioError: a redaction has no time span, so its words cannot be found in the audio.
    """
    spans: list[tuple[float, float]] = []
    for r in redactions:
        if r.start_s is None or r.end_s is None:
            raise AudioError(
                f"redaction {r.kind} in utterance {r.utterance} has no time span (the transcript "
                "has no timings); the recording cannot be redacted, so it must not be played"
            )
        lo = max(0.0, r.start_s - pad_s)
        hi = r.end_s + pad_s
        if duration is not None:
            hi = min(hi, duration)
        if hi > lo:
            spans.append((lo, hi))
    spans.sort()
    merged: list[tuple[float, float]] = []
    for lo, hi in spans:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def redact_recording(
    source: str | Path,
    redactions: Sequence[Redaction],
    destination: str | Path,
    *,
    mode: Literal["silence", "beep"] = "beep",
    pad_s: float = DEFAULT_PAD_S,
    max_duration_s: float = DEFAULT_MAX_DURATION_S,
) -> RedactedRecording:
    """Write a copy of ``source`` with every redaction's time span silenced or beeped.

    The copy is written to a temporary file beside ``destination`` and renamed into place, so a
    reader never sees a half-written (and half-redacted) file.

    Args:
        source: the original recording (any format `decode_audio` reads).
        redactions: the conversation's redactions (`RedactionResult.redactions`).
        destination: where to write the WAV copy; must not be ``source``.
        mode: ``silence`` (zeros) or ``beep`` (a 1 kHz tone, so a listener knows something was
            cut rather than thinking the line dropped).
        pad_s: seconds added on each side of each span.
        max_duration_s: refuse recordings longer than this.

    Returns:
        What was written.

    Raises:
        AudioError: the source cannot be decoded, a redaction has no time span, or the
            destination is the source or cannot be written.
    """
    src = Path(source)
    dest = Path(destination)
    if mode not in ("silence", "beep"):
        raise AudioError(f"unknown redaction mode {mode!r}; use 'silence' or 'beep'", path=dest)
    if dest.exists() and src.exists() and dest.resolve() == src.resolve():
        raise AudioError("the redacted copy must not overwrite the original recording", path=dest)
    # timings are checked before decoding: no work is done for a copy that cannot be made
    redaction_spans(redactions, pad_s=pad_s)
    audio = decode_audio(src, max_duration_s=max_duration_s, reject_silent=False)
    samples = audio.samples.copy()
    rate = audio.sample_rate
    spans = redaction_spans(redactions, pad_s=pad_s, duration=audio.duration)
    for lo, hi in spans:
        a, b = int(lo * rate), min(samples.shape[1], int(np.ceil(hi * rate)))
        if b <= a:
            continue
        if mode == "silence":
            samples[:, a:b] = 0.0
        else:
            t = np.arange(b - a, dtype=np.float32) / rate
            samples[:, a:b] = (_BEEP_LEVEL * np.sin(2 * np.pi * BEEP_HZ * t)).astype(np.float32)
    _write_wav_atomically(dest, samples, rate)
    return RedactedRecording(dest, tuple(spans), audio.duration, mode)


def _write_wav_atomically(dest: Path, samples: np.ndarray, rate: int) -> None:
    import soundfile  # imported here: only this function writes audio

    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".redacting-", suffix=".wav", dir=dest.parent)
    except OSError as exc:
        raise AudioError(f"cannot be written ({exc.strerror})", path=dest) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        soundfile.write(tmp, samples.T, rate, subtype="PCM_16", format="WAV")
        os.replace(tmp, dest)
    except (OSError, RuntimeError) as exc:
        tmp.unlink(missing_ok=True)
        raise AudioError(f"cannot be written ({exc})", path=dest) from None

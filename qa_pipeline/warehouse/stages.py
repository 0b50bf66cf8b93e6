"""The model stages of a run, wrapped so that one bad call becomes a `CallFailure`.

Models are loaded once per process (the flow's process, or each Dask worker) and used by one
thread at a time: the default task runner runs tasks in threads, and two threads sharing
2 cores and one model only slow each other down.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa_pipeline.config import Settings
from qa_pipeline.errors import QAPipelineError
from qa_pipeline.warehouse.intake import CallInput, PreparedCall
from qa_pipeline.warehouse.rows import CallFailure, JudgedCall

_JUDGE_LOCK = threading.Lock()
_AUDIO_LOCK = threading.Lock()


@dataclass(slots=True)
class StageOutput:
    """What a model task hands back: results in input order and the seconds spent in models."""

    results: list[Any] = field(default_factory=list)
    model_seconds: float = 0.0
    model_versions: dict[str, str] = field(default_factory=dict)
    #: seconds spent redacting text and writing redacted recording copies
    redact_seconds: float = 0.0


@functools.lru_cache(maxsize=4)
def _judge(settings_json: str, rubric: str) -> Any:
    from qa_pipeline.judge import Judge

    return Judge.from_settings(Settings.model_validate_json(settings_json), rubric=rubric)


@functools.lru_cache(maxsize=2)
def _audio_pipeline(settings_json: str) -> Any:
    from qa_pipeline.audio import AudioPipeline

    return AudioPipeline.from_settings(Settings.model_validate_json(settings_json))


def judge_for(settings: Settings, rubric: str | Path) -> Any:
    """The process's `Judge` for these settings and rubric (loaded on first use)."""
    return _judge(settings.model_dump_json(), str(rubric))


def _failure(p: PreparedCall, stage: str, exc: BaseException) -> CallFailure:
    message = str(exc) if isinstance(exc, QAPipelineError) else f"{type(exc).__name__}: {exc}"
    stage = getattr(exc, "stage", stage) if isinstance(exc, QAPipelineError) else stage
    return CallFailure(p.identity, stage, type(exc).__name__, message, p.conversation)


def transcribe(p: PreparedCall, settings: Settings) -> tuple[PreparedCall | CallFailure, float]:
    """Decode, transcribe, diarize and assign roles for one recording.

    Returns the call with its utterances (or the failure, with the stage it happened in) and
    the seconds spent in the audio models.
    """
    t0 = time.perf_counter()
    try:
        with _AUDIO_LOCK:
            pipeline = _audio_pipeline(settings.model_dump_json())
        audio = p.conversation.audio
        if audio is None:
            raise ValueError("the call has no recording to transcribe")
        with _AUDIO_LOCK:
            t0 = time.perf_counter()
            conv = pipeline.transcribe(audio, template=p.conversation)
        if not conv.utterances:
            from qa_pipeline.errors import AudioError

            raise AudioError("holds no speech (nothing was transcribed)", path=audio)
    except ImportError as exc:
        return _failure(p, "transcribe", exc), time.perf_counter() - t0
    except Exception as exc:
        return _failure(p, "transcribe", exc), time.perf_counter() - t0
    return PreparedCall(p.identity, conv, needs_audio=False), time.perf_counter() - t0


def judge(
    calls: Sequence[PreparedCall | CallFailure], settings: Settings, rubric: str | Path
) -> StageOutput:
    """Judge a batch (failures pass through untouched, in place).

    The batch is scored with one ``score_many`` call; if that raises, each call is scored on
    its own so that only the call that breaks the judge fails.
    """
    out = StageOutput(results=list(calls))
    todo = [(i, c) for i, c in enumerate(calls) if isinstance(c, PreparedCall)]
    if not todo:
        return out
    try:
        judge_ = judge_for(settings, rubric)
    except Exception as exc:
        for i, c in todo:
            out.results[i] = _failure(c, "judge", exc)
        return out
    out.model_versions = dict(getattr(judge_, "model_versions", {}) or {})
    t0 = time.perf_counter()
    with _JUDGE_LOCK:
        t0 = time.perf_counter()
        try:
            cards = judge_.score_many([c.conversation for _, c in todo])
            for (i, c), card in zip(todo, cards, strict=True):
                out.results[i] = JudgedCall(c.identity, c.conversation, card)
        except Exception:
            for i, c in todo:
                try:
                    out.results[i] = JudgedCall(
                        c.identity, c.conversation, judge_.score(c.conversation)
                    )
                except Exception as exc:
                    out.results[i] = _failure(c, "judge", exc)
        out.model_seconds = time.perf_counter() - t0
    return out


def protect_all(out: StageOutput, settings: Settings, audio_dir: str | Path | None) -> StageOutput:
    """Redact every judged call of a batch in place (`protect_call`); failures pass through."""
    t0 = time.perf_counter()
    for i, r in enumerate(out.results):
        if isinstance(r, JudgedCall) and not r.redacted:
            out.results[i] = protect_call(r, settings, audio_dir)
    out.redact_seconds += time.perf_counter() - t0
    return out


def protect_call(
    judged: JudgedCall, settings: Settings, audio_dir: str | Path | None
) -> JudgedCall | CallFailure:
    """Make a call judged on its raw text fit for storage.

    The text is redacted (`qa_pipeline.warehouse.privacy.protect`); the raw conversation rides
    along only when ``settings.privacy.keep_raw_text`` (for the raw store); with
    ``settings.privacy.redact_audio`` the redacted copy of its recording is written into
    ``audio_dir``. A call whose text cannot be redacted fails (stage ``redact``) rather than
    be stored raw; a recording that cannot be redacted leaves the call judged, with no copy
    to play and the reason as an error row (stage ``redact_audio``).
    """
    from qa_pipeline.warehouse.privacy import protect, redacted_audio_path

    try:
        safe = protect(judged.conversation, judged.scorecard)
    except Exception as exc:
        message = str(exc) if isinstance(exc, QAPipelineError) else f"{type(exc).__name__}: {exc}"
        return CallFailure(judged.identity, "redact", type(exc).__name__, message)
    copy: str | None = None
    audio_error: str | None = None
    source = judged.conversation.audio
    if settings.privacy.redact_audio and source is not None and audio_dir is not None:
        from qa_pipeline.audio.redact_audio import redact_recording

        dest = redacted_audio_path(audio_dir, judged.identity.call_key)
        try:
            copy = str(redact_recording(source, safe.redactions, dest).path)
        except QAPipelineError as exc:
            audio_error = str(exc)
        except Exception as exc:
            audio_error = f"{type(exc).__name__}: {exc}"
    return JudgedCall(
        judged.identity,
        safe.conversation,
        safe.scorecard,
        redacted=True,
        redactions=safe.redactions,
        raw_conversation=judged.conversation if settings.privacy.keep_raw_text else None,
        audio_redacted_path=copy,
        audio_redaction_error=audio_error,
    )


def failure_for_input(item: CallInput, stage: str, exc: BaseException) -> CallFailure:
    """A failure for an input that could not even be read (after the read task's retries)."""
    from qa_pipeline.warehouse.rows import CallIdentity, content_hash

    ident = CallIdentity(
        Path(item.path).stem
        if item.row_number is None
        else f"{Path(item.path).name}#row{item.row_number}",
        content_hash([b"unreadable", item.label.encode()]),
        item.label,
    )
    return CallFailure(ident, stage, type(exc).__name__, f"{type(exc).__name__}: {exc}")

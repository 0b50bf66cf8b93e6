"""From a recording to a `Conversation`: decode, transcribe, diarize, decide who is the agent.

    ap = AudioPipeline.from_settings(settings)   # models load once, on first use
    conv = ap.transcribe("calls/C-1.wav")         # -> Conversation with agent/customer turns

Stereo recordings (agent and customer on separate channels) are transcribed channel by channel
and merged by word timestamps; mono recordings are diarized by a local pyannote pipeline when
one is configured, else by the embedded Silero VAD + resemblyzer diarizer. Which speaker is the
agent comes from the configuration (stereo ``agent_channel``) or from what each one says
(`qa_pipeline.text.roles.assign_roles`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from qa_pipeline.audio.asr import RecognizedSegment, Transcriber
from qa_pipeline.audio.decode import (
    DEFAULT_MAX_DURATION_S,
    DecodedAudio,
    SilentAudioError,
    decode_audio,
    is_silent,
)
from qa_pipeline.audio.diarize import (
    EmbeddedDiarizer,
    PyannoteDiarizer,
    Turn,
    assign_words_to_turns,
    merge_channel_words,
    words_to_utterances,
)
from qa_pipeline.config import Settings
from qa_pipeline.types import (
    ROLE_AGENT,
    ROLE_CUSTOMER,
    Conversation,
    RoleAssignment,
    Utterance,
    Word,
)

__all__ = ["AudioPipeline", "StageHook"]

log = logging.getLogger(__name__)

#: called after each stage with (stage name, wall seconds, audio seconds); stages are
#: ``decode``, ``asr``, ``diarization``, ``roles``. Progress bars and `bench_audio` plug in here.
StageHook = Callable[[str, float, float], None]


class _Diarizer(Protocol):
    @property
    def version(self) -> str: ...

    def diarize(self, samples: np.ndarray) -> list[Turn]: ...


class AudioPipeline:
    """Turns recordings into conversations; loads each model once, on first use.

    Args:
        settings: the pipeline settings (``asr`` and ``diarization`` sections are used).
        max_duration_s: recordings longer than this are refused with an `AudioError`.
    """

    def __init__(self, settings: Settings, *, max_duration_s: float | None = None) -> None:
        self.settings = settings
        self.max_duration_s = float(
            max_duration_s
            or settings.asr.max_duration_s
            or DEFAULT_MAX_DURATION_S
        )
        self._transcriber: Transcriber | None = None
        self._mono_diarizer: _Diarizer | None = None

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> AudioPipeline:
        """Build the pipeline from settings (defaults when None); models load lazily."""
        return cls(settings or Settings())

    # -- models -------------------------------------------------------------------------------

    @property
    def transcriber(self) -> Transcriber:
        if self._transcriber is None:
            self._transcriber = Transcriber(self.settings.asr)
        return self._transcriber

    @property
    def mono_diarizer(self) -> _Diarizer:
        if self._mono_diarizer is None:
            d = self.settings.diarization
            use_pyannote = d.method == "pyannote" or (d.method == "auto" and d.pyannote_pipeline)
            if use_pyannote:
                if not d.pyannote_pipeline:
                    from qa_pipeline.errors import ConfigError

                    raise ConfigError(
                        "diarization.method is 'pyannote' but diarization.pyannote_pipeline is "
                        "empty; set it to a local pipeline folder, or use method 'embedded'"
                    )
                self._mono_diarizer = PyannoteDiarizer(
                    d.pyannote_pipeline,
                    num_speakers=d.num_speakers,
                    min_speakers=d.min_speakers,
                    max_speakers=d.max_speakers,
                    device=self._torch_device(),
                )
            else:
                self._mono_diarizer = EmbeddedDiarizer(
                    num_speakers=d.num_speakers,
                    min_speakers=d.min_speakers,
                    max_speakers=d.max_speakers,
                    device=self._torch_device() or "cpu",
                )
        return self._mono_diarizer

    def _torch_device(self) -> str | None:
        if self.settings.asr.device == "cpu":
            return "cpu"
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"

    @property
    def model_versions(self) -> dict[str, str]:
        """Name -> version of every model this pipeline has loaded (or will load)."""
        versions = {"asr": self.transcriber.version}
        d = self.settings.diarization
        if d.method in ("auto", "pyannote", "embedded") and (
            self._mono_diarizer is not None or d.method != "auto" or d.pyannote_pipeline
        ):
            versions["diarization"] = self.mono_diarizer.version
        else:
            versions["diarization"] = "stereo-channels (+ embedded for mono files)"
        versions["roles"] = _roles_version()
        return versions

    # -- the job ------------------------------------------------------------------------------

    def transcribe(
        self,
        path: str | Path,
        template: Conversation | None = None,
        *,
        hook: StageHook | None = None,
        allow_silent: bool = False,
    ) -> Conversation:
        """Transcribe and diarize one recording into a conversation.

        Args:
            path: the recording (any format FFmpeg reads).
            template: a conversation loaded from JSON that names ``audio`` and has no
                utterances; its call_id, agent_id, started_at, channel and other fields are
                kept. Without one: call_id is the file name's stem, agent_id ``unknown``,
                channel ``voice``, started_at the file's modification time in local time.
            hook: called after each stage with (stage, wall seconds, audio seconds).
            allow_silent: return an empty conversation marked ``silent`` for a recording with
                no speech, instead of raising.

        Returns:
            The conversation, utterances labelled ``agent``/``customer`` (raw labels if the
            role helper is not installed), with ``start``/``end`` and word timings; model
            versions, role confidence, duration and silence in ``extra["audio"]``.

        Raises:
            AudioError: the recording cannot be decoded, is too long, or (unless
                ``allow_silent``) holds no speech.
            ModelNotFoundError: a configured model is not where the settings say.
        """
        p = Path(path)
        tick = time.perf_counter()

        def stage(name: str, audio_s: float) -> None:
            nonlocal tick
            now = time.perf_counter()
            if hook is not None:
                hook(name, now - tick, audio_s)
            tick = now

        audio = decode_audio(p, max_duration_s=self.max_duration_s, reject_silent=False)
        stage("decode", audio.duration)
        info: dict[str, Any] = {
            "duration_s": round(audio.duration, 3),
            "source_sample_rate": audio.source_rate,
            "source_channels": audio.source_channels,
            "codec": audio.codec,
            "silent": False,
        }

        if is_silent(audio.samples):
            if not allow_silent:
                raise SilentAudioError(
                    f"holds {audio.duration:.1f} s of silence and no speech; check the "
                    "recorder's input", path=p
                )
            info["silent"] = True
            return self._conversation(p, template, [], info)

        stereo = self._is_two_party_stereo(audio)
        method = self._method(stereo)
        info["diarization_method"] = method
        if stereo and method == "stereo":
            words = self._stereo_words(audio)
            stage("asr", audio.duration)
            labelled = merge_channel_words(words)
            stage("diarization", audio.duration)
        else:
            mono = audio.mono()
            segments = self.transcriber.transcribe(mono)
            stage("asr", audio.duration)
            all_words = [w for s in segments for w in s.words]
            turns = self.mono_diarizer.diarize(mono) if all_words else []
            labelled = assign_words_to_turns(all_words, turns)
            info["speakers_found"] = len({t.speaker for t in turns})
            stage("diarization", audio.duration)
        utterances = words_to_utterances(labelled)
        if not utterances:
            if not allow_silent:
                raise SilentAudioError(
                    f"holds {audio.duration:.1f} s of sound but no recognisable speech (hold "
                    "music, tones or noise only)", path=p
                )
            info["silent"] = True
            return self._conversation(p, template, [], info)

        conv = self._conversation(p, template, utterances, info)
        conv, roles = self._assign_roles(conv, stereo and method == "stereo")
        conv = _normalise_numbers(conv, info)
        info["roles"] = roles.to_dict()
        info["role_confidence"] = roles.confidence
        info["models"] = self.model_versions
        stage("roles", audio.duration)
        return conv

    # -- stages -------------------------------------------------------------------------------

    def _method(self, stereo: bool) -> str:
        d = self.settings.diarization
        if d.method == "stereo" and not stereo:
            log.warning("diarization.method is 'stereo' but the recording is mono; diarizing it")
            return "pyannote" if d.pyannote_pipeline else "embedded"
        if d.method != "auto":
            return d.method if (d.method != "stereo" or stereo) else "embedded"
        if stereo:
            return "stereo"
        return "pyannote" if d.pyannote_pipeline else "embedded"

    @staticmethod
    def _is_two_party_stereo(audio: DecodedAudio) -> bool:
        """Stereo with different content per channel (dual-mono files are treated as mono)."""
        if audio.channels != 2:
            return False
        left, right = audio.samples
        return not np.allclose(left, right, atol=2e-3)

    def _stereo_words(self, audio: DecodedAudio) -> list[tuple[str, list[Word]]]:
        channels: list[tuple[str, list[Word]]] = []
        for index in range(2):
            segments: list[RecognizedSegment] = self.transcriber.transcribe(audio.samples[index])
            channels.append((f"ch{index}", [w for s in segments for w in s.words]))
        return channels

    def _assign_roles(self, conv: Conversation, stereo: bool) -> tuple[Conversation, RoleAssignment]:
        agent_channel = self.settings.diarization.agent_channel
        if stereo and agent_channel != "auto":
            agent = f"ch{agent_channel}"
            mapping = {s: (ROLE_AGENT if s == agent else ROLE_CUSTOMER) for s in ("ch0", "ch1")}
            utterances = [replace(u, speaker=mapping.get(u.speaker, u.speaker)) for u in conv.utterances]
            return replace(conv, utterances=utterances), RoleAssignment(
                agent_label=agent, confidence=1.0, method="config", labels=mapping
            )
        try:
            from qa_pipeline.text.roles import assign_roles
        except ImportError:
            labels = {s: s for s in conv.speakers}
            return conv, RoleAssignment(
                agent_label="", confidence=0.0, method="not-assigned", labels=labels
            )
        return assign_roles(conv)

    def _conversation(
        self,
        path: Path,
        template: Conversation | None,
        utterances: list[Utterance],
        info: dict[str, Any],
    ) -> Conversation:
        if template is not None:
            extra = dict(template.extra)
            extra["audio"] = info
            return replace(template, utterances=utterances, audio=template.audio or path, extra=extra)
        mtime = datetime.fromtimestamp(path.stat().st_mtime).astimezone()
        return Conversation(
            call_id=path.stem,
            agent_id="unknown",
            channel="voice",
            started_at=mtime,
            utterances=utterances,
            audio=path,
            extra={"audio": info, "started_at_source": "file modification time (local time zone)"},
        )


def _normalise_numbers(conv: Conversation, info: dict[str, Any]) -> Conversation:
    """Spoken numbers to digits ("one hundred fifty dollars" -> "$150"), so that Whisper's
    inconsistent writing of numbers does not change what the judge finds. Word timings keep the
    words as recognised."""
    try:
        from qa_pipeline.text.numbers import words_to_digits
    except ImportError:
        info["numbers"] = "as recognised (qa_pipeline.text.numbers not installed)"
        return conv
    info["numbers"] = "words_to_digits"
    utterances = [replace(u, text=words_to_digits(u.text)) for u in conv.utterances]
    return replace(conv, utterances=utterances)


def _roles_version() -> str:
    try:
        import qa_pipeline.text.roles  # noqa: F401
    except ImportError:
        return "not installed"
    return "qa_pipeline.text.roles (cue phrases)"

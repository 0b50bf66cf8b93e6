"""The audio stage: recordings in, conversations with agent/customer turns out.

    from qa_pipeline.audio import AudioPipeline
    ap = AudioPipeline.from_settings(settings)
    conv = ap.transcribe("calls/C-1.wav")

One module per concern: `decode` (FFmpeg via PyAV), `asr` (faster-whisper), `diarize` (stereo
channels, pyannote, embedded), `pipeline` (the public entry).
"""

from __future__ import annotations

from qa_pipeline.audio.decode import DecodedAudio, SilentAudioError, decode_audio
from qa_pipeline.audio.pipeline import AudioPipeline, StageHook

__all__ = ["AudioPipeline", "DecodedAudio", "SilentAudioError", "StageHook", "decode_audio"]

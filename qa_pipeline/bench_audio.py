"""Speed and memory of the audio stage, side by side with plain faster-whisper.

`bench_audio(paths, settings)` transcribes each recording with `AudioPipeline` (timing decode,
ASR, diarization and roles through its stage hook) and then with plain faster-whisper
(``WhisperModel.transcribe(path)`` on the same file with the same model, its own defaults, words
off), and reports audio seconds per wall second for each, peak RSS, and CUDA peak allocation
when on a GPU. ``qa-pipeline bench`` prints the result.
"""

from __future__ import annotations

import platform
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qa_pipeline.config import Settings

__all__ = ["bench_audio", "peak_rss_mb"]

STAGES = ("decode", "asr", "diarization", "roles")


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports KiB, macOS bytes)."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if platform.system() == "Darwin" else peak / 1024


def bench_audio(
    paths: Sequence[str | Path], settings: Settings | None = None, *, plain: bool = True
) -> dict[str, Any]:
    """Measure the audio stage on ``paths``.

    Args:
        paths: recordings.
        settings: pipeline settings (defaults when None).
        plain: also run plain faster-whisper on each file for comparison.

    Returns:
        ``{"files", "audio_s", "stages": {stage: {"wall_s", "x_realtime"}}, "pipeline":
        {"wall_s", "x_realtime"}, "plain_faster_whisper": {...}, "peak_rss_mb",
        "cuda_max_allocated_mb", "device", "models", "errors"}``. ``x_realtime`` is audio seconds
        per wall second (higher is faster). Model loading is timed apart (``load_s``).
    """
    from qa_pipeline.audio import AudioPipeline
    from qa_pipeline.errors import InputError

    settings = settings or Settings()
    pipeline = AudioPipeline.from_settings(settings)
    t0 = time.perf_counter()
    versions = pipeline.model_versions  # loads the models
    load_s = time.perf_counter() - t0
    cuda = pipeline.transcriber.device == "cuda"
    if cuda:
        import torch

        torch.cuda.reset_peak_memory_stats()

    stage_wall = dict.fromkeys(STAGES, 0.0)
    audio_s = 0.0
    pipeline_wall = 0.0
    plain_wall = 0.0
    errors: list[str] = []
    per_file: list[dict[str, Any]] = []

    def hook(stage: str, wall: float, _audio: float) -> None:
        stage_wall[stage] = stage_wall.get(stage, 0.0) + wall

    for raw in paths:
        path = Path(raw)
        start = time.perf_counter()
        try:
            conv = pipeline.transcribe(path, hook=hook)
        except InputError as exc:
            errors.append(str(exc))
            continue
        took = time.perf_counter() - start
        pipeline_wall += took
        duration = float(conv.extra["audio"]["duration_s"])
        audio_s += duration
        row: dict[str, Any] = {"file": str(path), "audio_s": duration, "pipeline_s": round(took, 3)}
        if plain:
            start = time.perf_counter()
            segments, _ = pipeline.transcriber.model.transcribe(
                str(path), language=pipeline.transcriber.language
            )
            for _ in segments:  # the generator does the work
                pass
            row["plain_s"] = round(time.perf_counter() - start, 3)
            plain_wall += row["plain_s"]
        per_file.append(row)

    def rate(wall: float) -> dict[str, float]:
        return {"wall_s": round(wall, 3), "x_realtime": round(audio_s / wall, 2) if wall > 0 else 0.0}

    result: dict[str, Any] = {
        "files": len(per_file),
        "audio_s": round(audio_s, 2),
        "load_s": round(load_s, 2),
        "stages": {stage: rate(stage_wall.get(stage, 0.0)) for stage in STAGES},
        "pipeline": rate(pipeline_wall),
        "plain_faster_whisper": rate(plain_wall) if plain else None,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "cuda_max_allocated_mb": None,
        "device": f"{pipeline.transcriber.device}/{pipeline.transcriber.compute_type}",
        "models": versions,
        "per_file": per_file,
        "errors": errors,
    }
    if cuda:
        import torch

        result["cuda_max_allocated_mb"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
    return result


def main() -> None:  # pragma: no cover - a developer entry: python -m qa_pipeline.bench_audio F...
    import json
    import sys

    print(json.dumps(bench_audio(sys.argv[1:]), indent=1))


if __name__ == "__main__":  # pragma: no cover
    main()

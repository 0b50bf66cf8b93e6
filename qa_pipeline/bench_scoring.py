"""Benchmark of the judge: conversations per second once models are loaded, and peak memory."""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path
from typing import Any

from qa_pipeline.loading import conversation_from_dict, iter_conversation_paths, read_json_file
from qa_pipeline.types import Conversation


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024 if sys.platform != "darwin" else kib / (1024 * 1024)


def _load(folder: Path) -> list[Conversation]:
    out = []
    for path in iter_conversation_paths([folder]):
        data = read_json_file(path)
        if isinstance(data, dict):
            data.pop("labels", None)
            data.pop("notes", None)
            conv = conversation_from_dict(data, source=path)
            if conv.utterances:
                out.append(conv)
    return out


def bench_scoring(folder: Path, settings: Any, *, n: int = 200, batch: int = 64) -> dict[str, Any]:
    """Score ``n`` conversations (the inputs repeated as needed) and report the rate.

    Conversations of 15 to 25 utterances are preferred, the size the speed target names.
    """
    from qa_pipeline.judge import Judge

    convs = _load(folder)
    if not convs:
        raise SystemExit(f"bench: no conversations under {folder}")
    sized = [c for c in convs if 15 <= len(c.utterances) <= 25] or convs
    work = [sized[i % len(sized)] for i in range(n)]

    rss_before = peak_rss_mb()
    t0 = time.perf_counter()
    judge = Judge.from_settings(settings, rubric=getattr(settings, "rubric", None))
    judge.score_many(work[:2])  # first call pays lazy initialisation; not part of the rate
    load_s = time.perf_counter() - t0

    t1 = time.perf_counter()
    for start in range(0, len(work), batch):
        judge.score_many(work[start : start + batch])
    score_s = time.perf_counter() - t1
    utterances = sum(len(c.utterances) for c in work)
    return {
        "conversations": len(work),
        "distinct_conversations": len(sized),
        "mean_utterances": round(utterances / len(work), 1),
        "batch_size": batch,
        "model_load_seconds": round(load_s, 2),
        "scoring_seconds": round(score_s, 2),
        "conversations_per_second": round(len(work) / score_s, 2),
        "utterances_per_second": round(utterances / score_s, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "peak_rss_mb_before_models": round(rss_before, 1),
        "models": judge.model_versions,
    }

"""End-to-end figure for `qa-pipeline bench --stage pipeline`: the whole flow on a folder.

The flow runs twice into fresh warehouses in one process: the first (cold) run pays for the
Prefect server's start and the model loads; the second (warm) run is the steady state a
long batch lives in, and it gives the headline figures: calls per hour, audio hours per hour,
and the share of wall time spent outside the models (orchestration plus storage), whose
target is under 10%.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from qa_pipeline.config import Settings


def bench_end_to_end(
    input_path: Path, settings: Settings, *, batch_size: int = 16, rubric: str | None = None
) -> dict[str, Any]:
    """Run the flow on ``input_path`` (cold, then warm) and report its throughput.

    Returns:
        ``calls``, ``failed``, ``audio_hours`` (recordings only; transcripts and chats
        count as calls, not audio), ``wall_seconds``, ``model_seconds``,
        ``store_seconds``, ``calls_per_hour``, ``audio_hours_per_hour``,
        ``share_outside_models`` (warm run), and the cold run's ``cold_wall_seconds``.
        The model seconds are summed per call; with several workers they can overlap, so the
        share is a lower bound there (it is exact on the default single-process runner).
    """
    from qa_pipeline.commands.run import quiet_prefect

    quiet_prefect(verbose=False)
    from flows.process_calls import run_process_calls
    from qa_pipeline.warehouse import connect_reader

    with tempfile.TemporaryDirectory(prefix="qa-bench-") as tmp:
        t0 = time.perf_counter()
        cold = run_process_calls(
            input_path,
            Path(tmp) / "cold.duckdb",
            settings=settings,
            rubric=rubric,
            batch_size=batch_size,
        )
        cold_wall = time.perf_counter() - t0
        warm_db = Path(tmp) / "warm.duckdb"
        warm = run_process_calls(
            input_path, warm_db, settings=settings, rubric=rubric, batch_size=batch_size
        )
        with connect_reader(warm_db) as con:
            row = con.execute(
                "SELECT coalesce(sum(duration_seconds), 0) FROM calls "
                "WHERE status = 'judged' AND audio_path IS NOT NULL"
            ).fetchone()
        audio_seconds = float(row[0]) if row else 0.0
    wall = float(warm["wall_seconds"])
    model = float(warm["model_seconds"])
    hours = wall / 3600 if wall else 0.0
    outside = max(0.0, 1.0 - model / wall) if wall else 0.0
    return {
        "input": str(input_path),
        "task_runner": warm["task_runner"],
        "calls": warm["received"],
        "judged": warm["judged"],
        "failed": warm["failed"],
        "audio_hours": round(audio_seconds / 3600, 4),
        "wall_seconds": round(wall, 2),
        "model_seconds": round(model, 2),
        "store_seconds": warm.get("store_seconds"),
        "calls_per_hour": round(warm["received"] / hours, 1) if hours else 0.0,
        "audio_hours_per_hour": round(audio_seconds / 3600 / hours, 2) if hours else 0.0,
        "share_outside_models": round(outside, 4),
        "share_outside_models_target": 0.10,
        "cold_wall_seconds": round(cold_wall, 2),
        "cold_model_seconds": cold["model_seconds"],
    }

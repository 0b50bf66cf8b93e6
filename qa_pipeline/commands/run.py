"""`qa-pipeline run`: the main job: judge a folder or manifest of calls into the DuckDB warehouse."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser(
        "run",
        help="the main job: judge a folder or manifest of calls into the DuckDB warehouse",
        description=(
            "Judge every call of INPUT (a folder of conversation JSON and recordings, or a CSV/"
            "JSONL manifest) into a DuckDB warehouse, each call exactly once. Calls that fail "
            "become error rows; the exit status is 0 when the run completed, even with failed "
            "calls, and non-zero only when the run itself broke."
        ),
    )
    p.add_argument("input", help="folder of calls, or a manifest (.csv / .jsonl)")
    p.add_argument("--warehouse", help="DuckDB file (default: settings warehouse.path)")
    p.add_argument("--rubric", help="rubric id or YAML file (default: settings rubric)")
    p.add_argument(
        "--dask",
        metavar="ADDRESS|local:N",
        help="run per-call tasks on Dask: a scheduler address (tcp://host:8786) or local:N for "
        "a temporary local cluster of N workers (default: settings warehouse.dask_address)",
    )
    p.add_argument("--batch-size", type=int, default=16, help="calls per judge/load batch")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=_run)


def quiet_prefect(verbose: bool) -> None:
    """Keep Prefect's per-task logs off the console unless asked for (set before import)."""
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        if not os.environ.get("PREFECT_API_URL"):
            # the temporary server logs its own shutdown as errors; they are not the run's
            os.environ.setdefault("PREFECT_LOGGING_SERVER_LEVEL", "CRITICAL")
    # a busy 2-core machine can take longer than Prefect's default 20 s to start it
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def _run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from qa_pipeline.errors import InputError

    # refuse a wrong path before Prefect starts (and before it logs the failure as a traceback)
    if not Path(args.input).exists():
        raise InputError("does not exist; give a folder of calls or a manifest", path=args.input)
    quiet_prefect(args.verbose)
    from tqdm import tqdm

    from flows.process_calls import run_process_calls
    from qa_pipeline.config import load_settings

    settings = load_settings(args.config)
    bar: tqdm[Any] | None = None

    def progress(event: str, data: dict[str, Any]) -> None:
        nonlocal bar
        if args.no_progress:
            return
        if event == "discovered":
            bar = tqdm(total=data["total"], unit="call", file=sys.stderr, desc="calls")
        elif event == "batch" and bar is not None:
            bar.update(data["judged"] + data["failed"] + data["skipped"])
            bar.set_postfix(failed=data["failed"], refresh=False)

    try:
        summary = run_process_calls(
            args.input,
            args.warehouse,
            rubric=args.rubric,
            settings=settings,
            dask=args.dask,
            batch_size=args.batch_size,
            progress=progress,
        )
    finally:
        if bar is not None:
            bar.close()
    print(format_summary(summary))
    return 0


def format_summary(s: dict[str, Any]) -> str:
    """The closing lines of a run, for people."""
    wall = float(s["wall_seconds"])
    lines = [
        f"warehouse   {s['warehouse']}   rubric {s['rubric']}   run {s['run_id'][:12]}",
        f"calls       {s['received']} received, {s['judged']} judged, {s['failed']} failed, "
        f"{s['skipped']} already stored (skipped)",
        f"violations  {s['violations']} found",
        f"time        {wall:.1f} s wall, {s['model_seconds']:.1f} s in models, "
        f"{s.get('store_seconds', 0.0):.1f} s storing, "
        f"{s['calls_per_hour']:.0f} calls per hour",
    ]
    raw, audio = s.get("raw_store"), s.get("redacted_audio_dir")
    lines.append(
        "privacy     stored text is redacted; raw text "
        + (f"kept apart in {raw}" if raw else "not kept")
        + (f"; redacted recordings in {audio}" if audio else "")
    )
    if s["failed"]:
        lines.append(
            "failed calls are error rows: SELECT * FROM v_failed_calls (stage and reason for each)"
        )
    return "\n".join(lines)

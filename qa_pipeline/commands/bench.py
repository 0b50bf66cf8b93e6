"""`qa-pipeline bench`: measure speed and memory on this machine and write the figures to a file.

Stages:
  scoring   conversations per second for judging (models loaded once, batched), peak memory
  audio     audio seconds per wall second for decode, ASR, diarization and roles, side by side
            with plain faster-whisper on the same audio, peak memory
  pipeline  the end-to-end run into a warehouse: calls per hour, audio hours per hour, and the
            share of time spent outside the models
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

STAGES = ("scoring", "audio", "pipeline")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "bench",
        help="measure speed and memory and write the figures to a JSON file",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--stage", choices=(*STAGES, "all"), default="scoring")
    p.add_argument(
        "--conversations",
        default="tests/data/corpus/tune",
        help="labelled or plain conversation JSON for the scoring stage",
    )
    p.add_argument("--n", type=int, default=200, help="conversations to score (repeats inputs)")
    p.add_argument("--audio", nargs="*", default=None, help="recordings for the audio stage")
    p.add_argument("--input", default="samples", help="input folder for the pipeline stage")
    p.add_argument("--out", default=None, help="JSON file for the figures (default bench-results/)")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from qa_pipeline.config import load_settings

    settings = load_settings(args.config)
    stages = STAGES if args.stage == "all" else (args.stage,)
    results: dict[str, Any] = {
        "machine": machine_facts(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    for stage in stages:
        print(f"bench: {stage} ...", file=sys.stderr)
        if stage == "scoring":
            from qa_pipeline.bench_scoring import bench_scoring

            results["scoring"] = bench_scoring(Path(args.conversations), settings, n=args.n)
        elif stage == "audio":
            from qa_pipeline.bench_audio import bench_audio

            paths = [Path(p) for p in args.audio] if args.audio else _sample_audio(Path(args.input))
            results["audio"] = bench_audio(paths, settings)
        else:
            from qa_pipeline.bench_pipeline import bench_end_to_end

            results["pipeline"] = bench_end_to_end(Path(args.input), settings)
    out = Path(args.out) if args.out else _default_out()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in results.items() if k != "machine"}, indent=2))
    print(f"figures written to {out}", file=sys.stderr)
    return 0


def machine_facts() -> dict[str, Any]:
    import os

    facts: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
    }
    try:
        import torch

        facts["torch"] = torch.__version__
        facts["cuda"] = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    except ImportError:  # pragma: no cover - torch is a dependency
        facts["torch"] = None
    return facts


def _default_out() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path("bench-results") / f"bench-{platform.node() or 'host'}-{stamp}.json"


def _sample_audio(folder: Path) -> list[Path]:
    exts = {".wav", ".flac", ".mp3", ".ogg", ".opus", ".m4a"}
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in exts)[:6]

"""`qa-pipeline eval PATH...`: measure the judge on labelled conversations.

Prints accuracy and precision/recall/F1 per label, and writes the full report, with every
mistake, as JSON (``--report``).
"""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser(
        "eval",
        help="measure the judge on labelled conversations (JSON with a 'labels' object)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="labelled conversation files/folders")
    p.add_argument("--rubric", help="rubric id or YAML file (default: the configured rubric)")
    p.add_argument("--report", default="eval-report.json", help="where to write the JSON report")
    p.add_argument(
        "--raw-speakers",
        action="store_true",
        help="replace agent/customer with SPEAKER_00/SPEAKER_01 first, so that role "
        "assignment is measured too",
    )
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from qa_pipeline.config import load_settings
    from qa_pipeline.evaluation import evaluate, format_report, load_labelled
    from qa_pipeline.judge import Judge

    settings = load_settings(args.config)
    items = load_labelled(args.paths)
    if not items:
        print("qa-pipeline eval: no labelled conversations found", file=sys.stderr)
        return 2
    if args.raw_speakers:
        for item in items:
            _hide_roles(item.conversation)
    judge = Judge.from_settings(settings, rubric=args.rubric or settings.rubric)
    result = evaluate(items, judge.score_many)
    result["rubric"] = {"id": judge.rubric.id, "version": judge.rubric.version}
    result["models"] = judge.model_versions
    result["inputs"] = [str(p) for p in args.paths]
    Path(args.report).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(format_report(result))
    print(
        f"\nreport written to {args.report} ({len(result['errors'])} conversations with mistakes)"
    )
    return 0


def _hide_roles(conv: Any) -> None:
    # the agent is not always the first speaker in real diarized output: alternate which raw
    # label the agent gets so that "first speaker is the agent" cannot pass for role assignment
    agent_label, customer_label = (
        ("SPEAKER_00", "SPEAKER_01")
        if zlib.crc32(conv.call_id.encode()) % 2
        else ("SPEAKER_01", "SPEAKER_00")
    )
    for u in conv.utterances:
        u.speaker = agent_label if u.speaker == "agent" else customer_label

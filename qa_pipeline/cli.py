"""The `qa-pipeline` command line.

Each subcommand lives in its own module under `qa_pipeline.commands` and registers itself;
heavy libraries (torch, spaCy, faster-whisper, Prefect) are imported inside the command that
needs them, so `qa-pipeline --help` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from qa_pipeline import __version__
from qa_pipeline.errors import QAPipelineError

#: subcommand modules, in the order `--help` lists them
COMMAND_MODULES = (
    "run",
    "score",
    "transcribe",
    "eval",
    "bench",
    "app",
    "payments",
    "users",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qa-pipeline",
        description="Judge every debt-collection call and chat against a versioned rubric.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--config", help="settings YAML (default: qa-pipeline.yaml if present)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"qa_pipeline.commands.{name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args) or 0)
    except QAPipelineError as exc:
        print(f"qa-pipeline: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("qa-pipeline: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""`qa-pipeline app`: open the Streamlit app over a warehouse."""

from __future__ import annotations

import argparse
from typing import Any

from qa_pipeline.errors import ConfigError


def register(sub: Any) -> None:
    p = sub.add_parser("app", help="open the Streamlit app over a warehouse")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    raise ConfigError("'app' is not built yet in this checkout")

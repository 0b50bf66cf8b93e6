"""`qa-pipeline load-payments`: load a payments file (account, date, amount) to match promises to pay."""

from __future__ import annotations

import argparse
from typing import Any

from qa_pipeline.errors import ConfigError


def register(sub: Any) -> None:
    p = sub.add_parser("load-payments", help="load a payments file (account, date, amount) to match promises to pay")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    raise ConfigError("'load-payments' is not built yet in this checkout")

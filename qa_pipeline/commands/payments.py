"""`qa-pipeline load-payments FILE`: load a payments file (CSV: account_id,date,amount).

Payments go to the review side store beside the warehouse (``<warehouse>.reviews.sqlite``),
never into the warehouse itself, so loading them never waits on a pipeline run. The app
matches them to promises to pay for the promise-kept rate. Loading the same file twice adds
nothing; a bad row is reported by line and skipped, and the command then exits 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser(
        "load-payments",
        help="load a payments file (account, date, amount) to match promises to pay",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE", help="CSV with columns account_id,date,amount")
    p.add_argument(
        "--warehouse",
        help="the warehouse the payments belong to (default: settings' warehouse.path)",
    )
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from qa_pipeline.config import load_settings
    from qa_pipeline.review_store import ReviewStore, read_payments_csv

    settings = load_settings(args.config)
    warehouse = Path(args.warehouse or settings.warehouse.path).expanduser().resolve()
    rows, errors = read_payments_csv(args.file)
    for message in errors:
        print(f"qa-pipeline: {args.file}: {message}", file=sys.stderr)
    store = ReviewStore.beside(warehouse)
    loaded = store.add_payments(rows, source_file=str(Path(args.file).resolve()))
    print(
        f"payments: {loaded.added} added, {loaded.already_present} already loaded, "
        f"{len(errors)} rejected -> {store.path}"
    )
    return 1 if errors else 0

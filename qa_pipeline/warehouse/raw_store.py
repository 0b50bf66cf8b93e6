"""The raw-text store: unredacted utterances, only where a deployment keeps them.

With ``privacy.keep_raw_text: true`` the flow writes each judged call's raw utterances to a
separate DuckDB file beside the warehouse (``<warehouse stem>.raw.duckdb``,
`qa_pipeline.warehouse.privacy.raw_store_path`). It is a different file so that it can carry
its own access grants and retention (it may hold card data: PCI-DSS scope) while the warehouse
that analysts, the app and exports read holds redacted text only. Rows are keyed like the
warehouse's utterances (``call_key``, ``idx``): join on them to see what a token hid.

Written by the same single writer as the warehouse, before the warehouse's own transaction for
the batch, so that a call in the warehouse always has its raw text here; a rerun adds nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from qa_pipeline.warehouse import rows as R
from qa_pipeline.warehouse.sql import statement

_SQL = "raw_store.sql"


class RawTextStore:
    """The raw store's writer (one transaction per batch, the file held only meanwhile)."""

    def __init__(self, path: str | Path, *, lock_timeout_s: float = 60.0) -> None:
        self.path = Path(path)
        self.lock_timeout_s = lock_timeout_s

    def store(self, rows: Sequence[dict[str, Any]]) -> int:
        """Store raw utterance rows (`rows.raw_utterance_rows`); returns how many were new."""
        if not rows:
            return 0
        from qa_pipeline.warehouse.store import _connect

        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = _connect(self.path, read_only=False, timeout_s=self.lock_timeout_s)
        try:
            con.execute(statement("create_raw_utterances", _SQL))
            con.begin()
            try:
                con.register("batch_raw", pa.Table.from_pylist(list(rows), schema=R.RAW_UTTERANCES))
                added = con.execute(statement("count_new_raw", _SQL)).fetchone()
                con.execute(statement("insert_raw_utterances", _SQL))
                con.commit()
            except BaseException:
                con.rollback()
                raise
        finally:
            con.close()
        return int(added[0]) if added else 0

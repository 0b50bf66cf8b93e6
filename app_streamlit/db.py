"""Read-only, short-lived DuckDB connections to the warehouse, with the side store joined in.

DuckDB lets one process hold a database file for writing, and a reader process cannot open it
while the writer has it open. The pipeline's writer opens the file only for short load
transactions, so the app opens a read-only connection per query, retries while the writer
holds the lock, and closes at once so that the writer is never kept waiting either.
Every connection has external access off and its configuration locked: nothing run on it,
not even the analysts' SQL box, can read or write a file, attach a database or load an
extension.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from qa_pipeline.errors import WarehouseError
from qa_pipeline.review_store import ReviewStore

#: the same configuration for every connection: DuckDB refuses two connections to one file in
#: one process with different configurations
LOCKED_CONFIG: dict[str, Any] = {"enable_external_access": False, "lock_configuration": True}
#: how long a reader waits for the pipeline's writer before telling the user
LOCK_WAIT_S = 20.0

_SQL_DIR = Path(__file__).resolve().parent / "sql"
_NAME_LINE = re.compile(r"^--\s*name:\s*([a-z0-9_]+)\s*$", re.MULTILINE)
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


class WarehouseUnavailable(WarehouseError):
    """The warehouse file is missing, empty, or held by a writer for too long."""


@dataclass(frozen=True, slots=True)
class Filters:
    """What the sidebar's filters select, shared by every page."""

    date_from: date
    date_to: date
    agents: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    #: "rubric_id@version", or None for whichever rubric each call's current scorecard used
    rubric: str | None = None

    def params(self) -> dict[str, Any]:
        return {
            "date_from": self.date_from,
            "date_to": self.date_to,
            "agents": list(self.agents) or None,
            "channels": list(self.channels) or None,
            "rubric": self.rubric,
        }


@functools.cache
def statements(file: str) -> dict[str, str]:
    """The named statements (``-- name: x``) of ``app_streamlit/sql/<file>``."""
    text = (_SQL_DIR / file).read_text(encoding="utf-8")
    names = list(_NAME_LINE.finditer(text))
    out: dict[str, str] = {}
    for i, m in enumerate(names):
        end = names[i + 1].start() if i + 1 < len(names) else len(text)
        out[m.group(1)] = text[m.end() : end].strip()
    return out


def bind(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters a statement names (DuckDB refuses unused named parameters)."""
    wanted = set(_PARAM.findall(sql))
    missing = wanted - params.keys()
    if missing:
        raise WarehouseError(f"query needs parameters {sorted(missing)}")
    return {k: params[k] for k in wanted}


def warehouse_version(path: Path) -> tuple[int, int]:
    """Changes when the writer commits (file and WAL modification times): a cache key."""
    out = []
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            out.append(p.stat().st_mtime_ns)
        except OSError:
            out.append(0)
    return out[0], out[1]


def connect_read_only(path: Path, *, wait_s: float = LOCK_WAIT_S) -> duckdb.DuckDBPyConnection:
    """A read-only, locked-down connection; waits while the pipeline's writer holds the file.

    Raises:
        WarehouseUnavailable: no such file, or still locked after ``wait_s`` seconds.
    """
    if not path.is_file():
        raise WarehouseUnavailable(
            f"there is no warehouse at {path}; fill one with "
            f"'qa-pipeline run INPUT --warehouse {path}' or start the app with --warehouse PATH"
        )
    deadline = time.monotonic() + wait_s
    delay = 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=True, config=dict(LOCKED_CONFIG))
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                raise WarehouseUnavailable(
                    f"the warehouse {path} could not be opened for reading ({exc}); "
                    "a pipeline run may be loading: try again in a moment"
                ) from None
        time.sleep(delay)
        delay = min(delay * 2, 0.5)


def side_frames(store: ReviewStore) -> dict[str, pd.DataFrame]:
    """The side store's tables, registered on each connection under ``side_*`` names."""
    return {
        "side_reviews": store.reviews(),
        "side_coaching_notes": store.coaching_notes(),
        "side_payments": store.payments(),
    }


@contextmanager
def session(
    warehouse: Path,
    store: ReviewStore,
    filters: Filters,
    *,
    grace_days: int = 3,
    tolerance: float = 0.05,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection with the filter applied: the ``f_*`` views of ``sql/session.sql``.

    Raises:
        WarehouseUnavailable: see `connect_read_only`; or the file holds no warehouse tables.
    """
    frames = side_frames(store)
    con = connect_read_only(warehouse)
    try:
        for name, frame in frames.items():
            con.register(name, frame)
        stmts = statements("session.sql")
        con.execute(stmts["create_filter"])
        params = {**filters.params(), "grace_days": grace_days, "tolerance": tolerance}
        con.execute(stmts["fill_filter"], bind(stmts["fill_filter"], params))
        try:
            con.execute(stmts["views"])
        except duckdb.CatalogException as exc:
            raise WarehouseUnavailable(
                f"{warehouse} does not hold the warehouse's tables and views yet ({exc}); "
                "run 'qa-pipeline run' on it first"
            ) from None
        yield con
    finally:
        con.close()


def run_query(
    con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None
) -> pd.DataFrame:
    """Run one named statement of ``sql/queries.sql`` on a session."""
    sql = statements("queries.sql")[name]
    return to_frame(con.sql(sql, params=bind(sql, params or {})).to_arrow_table())


def to_frame(table: pa.Table) -> pd.DataFrame:
    """Arrow to pandas with money as floats and days as ISO text (tables show 2026-03-02,
    charts read it as a date).

    Goes through Arrow rather than DuckDB's ``.df()``, which trips a pandas deprecation
    warning inside DuckDB that the tests (warnings are errors) would blame on this module.
    """
    fields = []
    for f in table.schema:
        if pa.types.is_decimal(f.type):
            f = pa.field(f.name, pa.float64())
        elif pa.types.is_date(f.type):
            f = pa.field(f.name, pa.string())
        fields.append(f)
    return table.cast(pa.schema(fields)).to_pandas()

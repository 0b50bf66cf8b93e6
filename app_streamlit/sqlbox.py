"""The analysts' read-only SQL box.

Two locks, so that either alone would hold: the statement is checked first (one SELECT, no
file-reading functions, no raw-text tables) to give a clear message, and it then runs on a
connection that is read-only with external access off and its configuration locked
(`app_streamlit.db.LOCKED_CONFIG`), so COPY, ATTACH, INSTALL/LOAD, file reads and writes fail
in DuckDB itself even if a check here were fooled.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from app_streamlit.db import Filters, session
from app_streamlit.settings import AppSettings
from qa_pipeline.errors import QAPipelineError
from qa_pipeline.review_store import ReviewStore

MAX_ROWS = 5000
TIMEOUT_S = 20.0
MAX_SQL_CHARS = 20_000

#: table functions that read files or other databases, or run SQL given as text
_FILE_FUNCTIONS = re.compile(
    r"\b(read_\w+|\w+_scan|scan_\w+|glob|sniff_csv|parquet_\w+|iceberg_\w+|delta_\w+"
    r"|query|query_table|sqlite_attach|duckdb_secrets|load_extension|from_json_file)\s*\(",
    re.IGNORECASE,
)
#: a string literal in FROM is a file path to DuckDB (replacement scan)
_FROM_LITERAL = re.compile(r"\b(FROM|JOIN)\s+'", re.IGNORECASE)
#: unredacted text is kept apart where a deployment keeps it at all; the box never shows it
_RAW_TABLES = re.compile(r"\b\w*raw\w*\b", re.IGNORECASE)
_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
_STRINGS = re.compile(r"'(?:[^']|'')*'")


class SqlRefused(QAPipelineError):
    """A statement the SQL box will not run."""

    stage = "sql_box"


@dataclass(slots=True)
class SqlResult:
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)
    truncated: bool = False
    error: str | None = None


def check_sql(sql: str) -> str:
    """The one SELECT statement in ``sql``, or SqlRefused with a message a person can act on."""
    text = (sql or "").strip()
    if not text:
        raise SqlRefused("write a SELECT statement first")
    if len(text) > MAX_SQL_CHARS:
        raise SqlRefused(f"the query is longer than {MAX_SQL_CHARS} characters")
    try:
        statements = duckdb.extract_statements(text)
    except duckdb.Error as exc:
        raise SqlRefused(f"the query does not parse: {exc}") from None
    if len(statements) != 1:
        raise SqlRefused(f"run one statement at a time (found {len(statements)})")
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        # the statement's own first word: DuckDB files INSTALL under LOAD, for one
        name = _COMMENTS.sub(" ", text).split()[0].upper()
        raise SqlRefused(
            f"{name} statements are refused: the SQL box only reads (SELECT, WITH ... SELECT, "
            "DESCRIBE, SHOW); it cannot write, copy, attach, install or load anything"
        )
    code = _STRINGS.sub("''", _COMMENTS.sub(" ", text))
    m = _FILE_FUNCTIONS.search(code)
    if m:
        raise SqlRefused(
            f"{m.group(1)}() is refused: the SQL box cannot read files or other databases; "
            "query the warehouse's tables and views"
        )
    if _FROM_LITERAL.search(_COMMENTS.sub(" ", text)):
        raise SqlRefused("reading a file named in quotes is refused; query tables and views")
    m = _RAW_TABLES.search(code)
    if m:
        raise SqlRefused(f"'{m.group(0)}' is refused: unredacted text is not available here")
    return text


def run_sql(settings: AppSettings, filters: Filters, sql: str) -> SqlResult:
    """Check and run an analyst's query on a locked-down read-only session.

    Never raises for a bad query: the message comes back in ``SqlResult.error``.
    """
    try:
        text = check_sql(sql)
    except SqlRefused as exc:
        return SqlResult(error=str(exc))
    try:
        with session(settings.warehouse, ReviewStore(settings.reviews), filters) as con:
            timer = threading.Timer(TIMEOUT_S, con.interrupt)
            timer.start()
            try:
                cur = con.execute(text)
                rows = cur.fetchmany(MAX_ROWS + 1)
                columns = [d[0] for d in (cur.description or [])]
            finally:
                timer.cancel()
    except duckdb.PermissionException as exc:
        return SqlResult(error=f"refused by the database: {exc}")
    except duckdb.InterruptException:
        return SqlResult(error=f"the query ran longer than {TIMEOUT_S:.0f} s and was stopped")
    except duckdb.Error as exc:
        return SqlResult(error=f"the query failed: {exc}")
    except QAPipelineError as exc:
        return SqlResult(error=str(exc))
    truncated = len(rows) > MAX_ROWS
    frame = pd.DataFrame(rows[:MAX_ROWS], columns=columns)
    return SqlResult(frame=frame, truncated=truncated)

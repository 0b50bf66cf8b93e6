"""The analysts' SQL box reads and nothing else: refused before running, and refused by DuckDB
itself on the locked-down connection even when a statement slips past the check."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pytest

from app_streamlit.db import Filters, session
from app_streamlit.settings import AppSettings
from app_streamlit.sqlbox import SqlRefused, check_sql, run_sql
from qa_pipeline.review_store import ReviewStore

MARCH = Filters(date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def settings(sample_warehouse: Path, tmp_path: Path) -> AppSettings:
    return AppSettings(
        warehouse=sample_warehouse, users=tmp_path / "none.yaml", reviews=tmp_path / "r.sqlite"
    )


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("COPY calls TO '/tmp/out.csv'", "COPY statements are refused"),
        ("ATTACH '/tmp/other.duckdb' AS o", "ATTACH statements are refused"),
        ("INSTALL httpfs", "INSTALL statements are refused"),
        ("LOAD httpfs", "LOAD statements are refused"),
        ("INSERT INTO calls (call_key) VALUES ('x')", "INSERT statements are refused"),
        ("UPDATE scorecards SET compliance = 1", "UPDATE statements are refused"),
        ("DELETE FROM findings", "DELETE statements are refused"),
        ("CREATE TABLE t AS SELECT 1", "CREATE statements are refused"),
        ("DROP VIEW v_coverage", "DROP statements are refused"),
        ("SET enable_external_access = true", "SET statements are refused"),
        ("SELECT * FROM read_csv('/etc/passwd')", "read_csv() is refused"),
        ("SELECT * FROM read_csv_auto('/etc/passwd')", "read_csv_auto() is refused"),
        ("SELECT * FROM read_parquet('x.parquet')", "read_parquet() is refused"),
        ("SELECT * FROM read_json('x.json')", "read_json() is refused"),
        ("SELECT * FROM READ_TEXT('/etc/hostname')", "READ_TEXT() is refused"),
        ("SELECT * FROM glob('/*')", "glob() is refused"),
        ("SELECT * FROM '/etc/passwd'", "reading a file named in quotes is refused"),
        ("SELECT * FROM query('SELECT 1')", "query() is refused"),
        ("SELECT 1; SELECT 2", "one statement at a time"),
        ("SELECT * FROM utterances_raw", "unredacted text"),
        ("", "write a SELECT statement first"),
    ],
)
def test_refused_with_a_clear_message(settings: AppSettings, sql: str, message: str) -> None:
    with pytest.raises(SqlRefused, match=re.escape(message)):
        check_sql(sql)
    result = run_sql(settings, MARCH, sql)
    assert result.error is not None and message in result.error
    assert result.frame.empty


def test_a_file_name_inside_a_string_is_not_a_function_call(settings: AppSettings) -> None:
    result = run_sql(settings, MARCH, "SELECT 'read_csv(x)' AS s, count(*) AS n FROM calls")
    assert result.error is None
    assert result.frame.to_dict("list") == {"s": ["read_csv(x)"], "n": [18]}


def test_reads_the_warehouse_and_the_filtered_views(settings: AppSettings) -> None:
    result = run_sql(
        settings,
        MARCH,
        "SELECT violation_id, statute FROM v_violations_evidence ORDER BY 1",
    )
    assert result.error is None
    assert "threat_arrest_or_jail" in result.frame["violation_id"].tolist()
    judged = run_sql(settings, MARCH, "SELECT count(*) AS n FROM f_judged")
    assert judged.frame["n"].tolist() == [17]


@pytest.mark.parametrize(
    "sql",
    [
        "COPY calls TO '{tmp}/leak.csv'",
        "ATTACH '{tmp}/other.duckdb' AS other",
        "INSTALL httpfs",
        "SELECT * FROM read_csv('{tmp}/x.csv')",
        "SELECT * FROM '{tmp}/x.csv'",
        "INSERT INTO runs (run_id) VALUES ('x')",
        "SET enable_external_access = true",
    ],
)
def test_the_connection_itself_refuses_what_the_check_would_stop(
    sample_warehouse: Path, tmp_path: Path, sql: str
) -> None:
    """The second lock: straight on the app's connection, no check in front."""
    (tmp_path / "x.csv").write_text("a\n1\n")
    with (
        session(sample_warehouse, ReviewStore(tmp_path / "r.sqlite"), MARCH) as con,
        pytest.raises(duckdb.Error),
    ):
        con.execute(sql.format(tmp=tmp_path))
    assert not (tmp_path / "leak.csv").exists()
    assert not (tmp_path / "other.duckdb").exists()

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from qa_pipeline.errors import WarehouseError
from qa_pipeline.warehouse import Warehouse, apply_migrations, list_migrations
from qa_pipeline.warehouse.sql import SQL_DIR_ENV, sql_dir


def test_migrations_apply_in_order_and_are_recorded(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "new.duckdb")
    applied = wh.migrate()
    files = list_migrations()
    assert [m.path.name for m in files] == applied[: len(files)]
    recorded = wh.query("SELECT version, name, sha256 FROM schema_migrations ORDER BY version")
    assert [(v, n, s) for v, n, s in recorded] == [(m.version, m.name, m.sha256) for m in files]
    tables = {r[0] for r in wh.query("SELECT table_name FROM information_schema.tables")}
    for t in (
        "calls",
        "utterances",
        "findings",
        "scorecards",
        "rubric_versions",
        "model_versions",
        "runs",
        "errors",
        "v_reg_f_7in7",
        "v_coverage",
        "v_agent_compliance_daily",
        "v_coaching_moments",
        "v_violations_evidence",
        "v_nonpayment_reasons",
        "v_calling_hours",
    ):
        assert t in tables, t
    # a second open applies nothing
    assert wh.migrate() == []


def test_edited_migration_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    copy = tmp_path / "sql"
    shutil.copytree(sql_dir(), copy)
    monkeypatch.setenv(SQL_DIR_ENV, str(copy))
    db = tmp_path / "w.duckdb"
    Warehouse(db).migrate()
    first = sorted((copy / "migrations").glob("*.sql"))[0]
    first.write_text(first.read_text() + "\n-- edited\n")
    with pytest.raises(WarehouseError, match="edited after it was applied"):
        Warehouse(db).migrate()


def test_failing_migration_rolls_back_and_stops(tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "sql"
    shutil.copytree(sql_dir(), copy)
    (copy / "migrations" / "900_broken.sql").write_text(
        "CREATE TABLE half_done (x INTEGER);\nSELECT * FROM no_such_table;\n"
    )
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        with pytest.raises(WarehouseError, match=r"900_broken\.sql"):
            apply_migrations(con, copy)
        names = {
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        assert "half_done" not in names
        assert "calls" in names
        assert 900 not in {
            r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()
        }
    finally:
        con.close()

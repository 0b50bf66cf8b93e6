"""The review side store: append-only, payments loaded once, CSV problems reported by line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from qa_pipeline.cli import main
from qa_pipeline.review_store import FindingRef, ReviewInputError, ReviewStore, read_payments_csv

FINDING = FindingRef(
    "f1",
    "C-1",
    "C-1@ab",
    "collections-us",
    "1",
    "violation",
    "pressure_tactics",
    "violation raised",
    "A-1",
)


def test_reviews_are_append_only(tmp_path: Path) -> None:
    store = ReviewStore(tmp_path / "r.sqlite")
    store.add_review(FINDING, decision="confirm", reason="clear", reviewer="qa", reviewer_role="qa")
    store.add_review(
        FINDING, decision="overturn", reason="second look", reviewer="lead", reviewer_role="admin"
    )
    assert store.reviews()["decision"].tolist() == ["confirm", "overturn"]
    with (
        sqlite3.connect(store.path) as con,
        pytest.raises(sqlite3.IntegrityError, match="append-only"),
    ):
        con.execute("UPDATE finding_reviews SET decision = 'confirm'")
    with (
        sqlite3.connect(store.path) as con,
        pytest.raises(sqlite3.IntegrityError, match="append-only"),
    ):
        con.execute("DELETE FROM finding_reviews")
    assert len(store.reviews()) == 2


@pytest.mark.parametrize(
    ("decision", "reason", "message"),
    [("maybe", "x", "decision must be one of"), ("confirm", "   ", "reason is required")],
)
def test_a_bad_review_is_refused(tmp_path: Path, decision: str, reason: str, message: str) -> None:
    store = ReviewStore(tmp_path / "r.sqlite")
    with pytest.raises(ReviewInputError, match=message):
        store.add_review(
            FINDING, decision=decision, reason=reason, reviewer="qa", reviewer_role="qa"
        )
    assert store.reviews().empty


def test_payments_csv_rows_and_errors(tmp_path: Path) -> None:
    p = tmp_path / "payments.csv"
    p.write_text(
        "Account_ID,date,amount,memo\n"
        "ACC-1,2026-03-10,150.00,x\n"
        "ACC-1,2026-03-10,150.00,same day and amount: a second payment\n"
        "ACC-2,10/03/2026,20,\n"
        "ACC-3,2026-03-11,-5,\n"
        ",2026-03-11,5,\n"
        'ACC-4,2026-03-12,"$1,234.50",\n'
    )
    rows, errors = read_payments_csv(p)
    assert [(r.account_id, r.amount_cents) for r in rows] == [
        ("ACC-1", 15000),
        ("ACC-1", 15000),
        ("ACC-4", 123450),
    ]
    assert errors == [
        "line 4: date '10/03/2026' is not YYYY-MM-DD",
        "line 5: amount '-5' is negative (refunds are not payments)",
        "line 6: account_id is empty",
    ]


def test_load_payments_command_loads_each_payment_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    warehouse = tmp_path / "w.duckdb"
    p = tmp_path / "payments.csv"
    p.write_text(
        "account_id,date,amount\nACC-1,2026-03-10,150\nACC-1,2026-03-10,150\nACC-2,2026-03-11,abc\n"
    )
    assert main(["load-payments", str(p), "--warehouse", str(warehouse)]) == 1
    out = capsys.readouterr()
    assert "2 added, 0 already loaded, 1 rejected" in out.out
    assert "line 4: amount 'abc' is not a number" in out.err
    assert main(["load-payments", str(p), "--warehouse", str(warehouse)]) == 1
    assert "0 added, 2 already loaded" in capsys.readouterr().out
    assert len(ReviewStore.beside(warehouse).payments()) == 2


def test_load_payments_refuses_a_file_without_the_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = tmp_path / "payments.csv"
    p.write_text("acct,when,amt\nA,2026-01-01,1\n")
    assert main(["load-payments", str(p), "--warehouse", str(tmp_path / "w.duckdb")]) == 2
    assert "missing account_id, date, amount" in capsys.readouterr().err


def test_app_command_refuses_a_missing_warehouse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["app", "--warehouse", str(tmp_path / "nowhere.duckdb")]) == 2
    assert "there is no warehouse at" in capsys.readouterr().err


def test_app_command_runs_streamlit_headless_on_the_entry_script(
    sample_warehouse: Path, tmp_path: Path
) -> None:
    from qa_pipeline.cli import build_parser
    from qa_pipeline.commands.app import streamlit_command

    args = build_parser().parse_args(
        [
            "app",
            "--warehouse",
            str(sample_warehouse),
            "--port",
            "8599",
            "--reviews",
            str(tmp_path / "r.sqlite"),
        ]
    )
    cmd, env = streamlit_command(args)
    assert cmd[2:4] == ["streamlit", "run"] and cmd[4].endswith("app_streamlit/main.py")
    assert "--server.headless=true" in cmd and "--server.port=8599" in cmd
    assert env["QA_APP_WAREHOUSE"] == str(sample_warehouse.resolve())
    assert env["QA_APP_REVIEWS"] == str((tmp_path / "r.sqlite").resolve())

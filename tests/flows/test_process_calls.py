"""The flow end to end under `prefect_test_harness()`, with the real judge and a real DuckDB."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from conftest import GOOD_CALLS, table_counts, write_calls

from flows.process_calls import run_process_calls
from qa_pipeline.cli import main

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_n_good_two_corrupt_then_second_run_adds_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], frozen_rubric: str
) -> None:
    calls = write_calls(tmp_path / "in")
    db = tmp_path / "wh.duckdb"
    args = ["run", str(calls), "--warehouse", str(db), "--rubric", frozen_rubric]
    assert main([*args, "--batch-size", "4", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert re.search(rf"{len(GOOD_CALLS) + 2} received, {len(GOOD_CALLS)} judged, 2 failed", out)
    first = table_counts(db)
    assert first["scorecards"] == len(GOOD_CALLS)
    assert first["errors"] == 2
    con = duckdb.connect(str(db), read_only=True)
    try:
        errors = dict(con.execute("SELECT call_id, message FROM errors").fetchall())
        runs = con.execute("SELECT status, calls_judged, calls_failed FROM runs").fetchall()
    finally:
        con.close()
    # a truncated file still names its call near the top: the error row keeps that id
    assert "not valid JSON" in errors["ZZ-1"]
    assert "started_at" in errors["ZZ-2"]
    assert runs == [("completed", len(GOOD_CALLS), 2)]

    summary = run_process_calls(calls, db, rubric=frozen_rubric, batch_size=4)
    assert summary["skipped"] == len(GOOD_CALLS) and summary["judged"] == 0
    assert table_counts(db) == first


def test_new_rubric_version_keeps_old_scorecards(tmp_path: Path, frozen_rubric: str) -> None:
    calls = write_calls(tmp_path / "in", GOOD_CALLS[:3], corrupt=False)
    db = tmp_path / "wh.duckdb"
    v2 = tmp_path / "collections-us-v2.yaml"
    text = Path(frozen_rubric).read_text(encoding="utf-8")
    v2.write_text(re.sub(r"(?m)^version:.*$", 'version: "2"', text, count=1), encoding="utf-8")

    run_process_calls(calls, db, rubric=frozen_rubric)
    run_process_calls(calls, db, rubric=str(v2))
    q = "SELECT rubric_version, is_current, count(*) FROM scorecards GROUP BY ALL ORDER BY 1"
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute(q).fetchall() == [("1", False, 3), ("2", True, 3)]
        assert con.execute("SELECT count(*) FROM rubric_versions").fetchone() == (2,)
    finally:
        con.close()
    again = run_process_calls(calls, db, rubric=frozen_rubric)
    assert again["judged"] == 0 and again["skipped"] == 3
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute(q).fetchall() == [("1", True, 3), ("2", False, 3)]
    finally:
        con.close()


def test_manifest_rows_and_paths_outside_the_root(tmp_path: Path) -> None:
    root = tmp_path / "drop"
    write_calls(root / "transcripts", GOOD_CALLS[:2], corrupt=False)
    (tmp_path / "secret.json").write_text("{}")
    manifest = root / "manifest.csv"
    manifest.write_text(
        "call_id,agent_id,segment,days_past_due,transcript\n"
        f"{GOOD_CALLS[0]},A-9,late,95,transcripts/{GOOD_CALLS[0]}.json\n"
        f"{GOOD_CALLS[1]},,,,transcripts/{GOOD_CALLS[1]}.json\n"
        "M-3,A-9,,,../secret.json\n"
        "M-4,A-9,,,\n",
        encoding="utf-8",
    )
    db = tmp_path / "wh.duckdb"
    summary = run_process_calls(manifest, db)
    assert (summary["judged"], summary["failed"]) == (2, 2)
    con = duckdb.connect(str(db), read_only=True)
    try:
        errors = dict(
            con.execute("SELECT call_id, stage || ': ' || message FROM errors").fetchall()
        )
        meta = con.execute(
            "SELECT agent_id, segment, days_past_due FROM calls WHERE call_id = ?", [GOOD_CALLS[0]]
        ).fetchone()
    finally:
        con.close()
    assert errors["M-3"].startswith("manifest: ") and "outside the input folder" in errors["M-3"]
    assert "neither" in errors["M-4"]
    # the manifest row is the system of record: its metadata wins over the transcript's
    assert meta == ("A-9", "late", 95)

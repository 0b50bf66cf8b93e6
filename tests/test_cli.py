"""The `qa-pipeline` command as a user runs it: a real subprocess, the real judge and models."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "spec" / "examples"
CLI = [sys.executable, "-m", "qa_pipeline.cli"]


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd, timeout=600)


def test_help_lists_every_command() -> None:
    out = _run("--help")
    assert out.returncode == 0
    for name in ("run", "score", "transcribe", "eval", "bench", "app", "load-payments"):
        assert name in out.stdout


@pytest.fixture(scope="module")
def mixed_inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two good conversations around a malformed one and one that misses a field."""
    d = tmp_path_factory.mktemp("mixed")
    shutil.copy(EXAMPLES / "ex-001.json", d / "1.json")
    (d / "2.json").write_text('{"call_id": "BROKEN", "agent_id": ', encoding="utf-8")
    data = json.loads((EXAMPLES / "ex-003.json").read_text())
    del data["agent_id"]
    (d / "3.json").write_text(json.dumps(data), encoding="utf-8")
    shutil.copy(EXAMPLES / "ex-004.json", d / "4.json")
    return [d / f"{i}.json" for i in (1, 2, 3, 4)]


def test_score_keeps_order_reports_errors_and_exits_1(mixed_inputs: list[Path]) -> None:
    out = _run("score", *map(str, mixed_inputs), "--format", "jsonl")
    assert out.returncode == 1, out.stderr
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    assert [x["call_id"] for x in lines] == ["EX-001", "BROKEN", "EX-003", "EX-004"]
    assert "error" not in lines[0] and "error" not in lines[3]
    assert "not valid JSON" in lines[1]["error"]
    assert "field 'agent_id' is missing" in lines[2]["error"]
    card = lines[0]
    assert card["rubric"] == {"id": "collections-us", "version": card["rubric"]["version"]}
    assert set(card["script"]) >= {
        "greeting",
        "recording_disclosure",
        "right_party_verification",
        "mini_miranda",
        "balance_disclosure",
        "reason_probe",
        "payment_options",
        "ptp_confirmation",
        "closing",
    }
    assert "ptp" in card["flags"]
    # EX-004 discloses the balance before verification: a finding with its evidence
    found = [v for v in lines[3]["violations"] if v["id"] == "third_party_disclosure"]
    assert found and found[0]["utterance"] == 0 and "1,850" in found[0]["quote"]


def test_score_table_format(mixed_inputs: list[Path]) -> None:
    out = _run("score", str(mixed_inputs[0]), str(mixed_inputs[3]), "--format", "table")
    assert out.returncode == 0, out.stderr
    assert "EX-001" in out.stdout and "EX-004" in out.stdout
    assert "third_party_disclosure" in out.stdout
    assert "2 judged, 0 failed" in out.stdout


def test_eval_writes_a_report(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    out = _run("eval", str(EXAMPLES), "--report", str(report))
    assert out.returncode == 0, out.stderr
    data = json.loads(report.read_text())
    assert data["conversations"] == 6
    assert 0.0 <= data["headline"]["script_accuracy"] <= 1.0
    assert "script_missed_step_f1" in out.stdout

"""A run in another process: readers query while it loads; killed with SIGKILL halfway and run
again, it leaves every call exactly once."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import REPO, table_counts, write_calls

from flows.process_calls import run_process_calls
from qa_pipeline.warehouse import connect_reader

CALLS = ("CB-064", "CF-001", "CF-011", "CA-050", "CF-040", "CC-007", "CC-065", "CA-044")


@dataclass
class KilledRun:
    input: Path
    db: Path
    rubric: str
    batches_seen: int = 0
    killed: bool = False
    #: scorecard counts read by this process while the run was going
    reads_during_run: list[int] = field(default_factory=list)
    lock_waits: int = 0


@pytest.fixture(scope="module")
def killed_run(
    tmp_path_factory: pytest.TempPathFactory, frozen_rubric: str, prefect_harness: str
) -> KilledRun:
    tmp = tmp_path_factory.mktemp("killed")
    run = KilledRun(write_calls(tmp / "in", CALLS, corrupt=False), tmp / "wh.duckdb", frozen_rubric)
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp / "prefect"),
        "PREFECT_LOGGING_LEVEL": "WARNING",
        # the session's test server: a subprocess that started its own would spend seconds on it
        "PREFECT_API_URL": prefect_harness,
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("run_in_subprocess.py")),
            str(run.input),
            str(run.db),
            frozen_rubric,
            "1.0",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout or []], daemon=True).start()
    deadline = time.monotonic() + 600
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                line = lines.get(timeout=0.2)
            except queue.Empty:
                line = ""
            if line.startswith("batch"):
                run.batches_seen += 1
            if run.batches_seen >= 1 and run.db.exists():
                t0 = time.monotonic()
                with connect_reader(run.db, timeout_s=30) as con:
                    run.reads_during_run.append(
                        con.execute("SELECT count(*) FROM scorecards").fetchone()[0]
                    )
                if time.monotonic() - t0 > 0.05:
                    run.lock_waits += 1
            if run.batches_seen >= 2:  # half of the 4 batches are in: kill it, no goodbye
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=30)
                run.killed = True
                break
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return run


def test_reader_queries_while_the_run_loads(killed_run: KilledRun) -> None:
    assert killed_run.reads_during_run, "no read happened while the run was going"
    assert any(0 < n < len(CALLS) for n in killed_run.reads_during_run)


@pytest.mark.usefixtures("prefect_harness")
def test_killed_run_then_rerun_stores_each_call_once(killed_run: KilledRun) -> None:
    assert killed_run.killed
    half = table_counts(killed_run.db)
    assert 0 < half["scorecards"] < len(CALLS)
    summary = run_process_calls(
        killed_run.input, killed_run.db, rubric=killed_run.rubric, batch_size=2
    )
    assert summary["skipped"] == half["scorecards"]
    after = table_counts(killed_run.db)
    assert after["scorecards"] == after["calls"] == len(CALLS)
    with connect_reader(killed_run.db) as con:
        dup_utts = con.execute(
            "SELECT count(*) - count(DISTINCT (call_key, idx)) FROM utterances"
        ).fetchone()
        dup_findings = con.execute(
            "SELECT count(*) - count(DISTINCT finding_id) FROM findings"
        ).fetchone()
        per_call = con.execute(
            "SELECT max(n) FROM (SELECT count(*) AS n FROM scorecards GROUP BY call_id)"
        ).fetchone()
        runs = con.execute("SELECT status FROM runs ORDER BY started_at").fetchall()
    assert dup_utts == (0,) and dup_findings == (0,) and per_call == (1,)
    # the killed run never said goodbye; the rerun did
    assert runs == [("running",), ("completed",)]

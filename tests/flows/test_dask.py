"""The Dask task runner (a real LocalCluster of 2 workers: threads by default, processes in the
slow test) stores the same warehouse contents as Prefect's default runner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import write_calls

from flows.process_calls import process_calls, run_process_calls
from qa_pipeline.warehouse import connect_reader

pytestmark = pytest.mark.usefixtures("prefect_harness")

#: everything a reader sees, without what differs by nature between two runs (ids, clocks)
CONTENT_QUERIES = {
    "calls": "SELECT call_key, call_id, content_hash, agent_id, channel, started_at, status, "
    "is_current, n_utterances FROM calls ORDER BY call_key",
    "utterances": "SELECT call_key, idx, speaker, text, start_s, end_s FROM utterances "
    "ORDER BY call_key, idx",
    "scorecards": "SELECT scorecard_id, rubric_id, rubric_version, script_adherence, compliance, "
    "non_payment_reason, round(reason_confidence, 6), ptp_amount, ptp_date, flags, n_violations, "
    "is_current FROM scorecards ORDER BY scorecard_id",
    "findings": "SELECT finding_id, passed, present, evidence, quote, start_s, end_s, "
    "round(confidence, 6), statute FROM findings ORDER BY finding_id",
    "errors": "SELECT error_id, call_id, stage, message FROM errors ORDER BY error_id",
}


def _contents(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    with connect_reader(db) as con:
        return {name: con.execute(q).fetchall() for name, q in CONTENT_QUERIES.items()}


def _same_contents_on_dask(tmp_path: Path, rubric: str, *, processes: bool) -> None:
    calls = write_calls(tmp_path / "in", ("CB-064", "CC-007", "CD-043", "CF-011"))
    default_db, dask_db = tmp_path / "default.duckdb", tmp_path / "dask.duckdb"
    plain = run_process_calls(calls, default_db, rubric=rubric, batch_size=2)
    if processes:
        on_dask = run_process_calls(calls, dask_db, rubric=rubric, batch_size=2, dask="local:2")
    else:
        from prefect_dask import DaskTaskRunner

        runner = DaskTaskRunner(
            cluster_kwargs={"n_workers": 2, "threads_per_worker": 1, "processes": False}
        )
        on_dask = process_calls.with_options(task_runner=runner)(
            input=str(calls), warehouse=str(dask_db), rubric=rubric, batch_size=2
        )
    assert plain["task_runner"] == "ThreadPoolTaskRunner"
    assert on_dask["task_runner"] == "DaskTaskRunner"
    assert (on_dask["judged"], on_dask["failed"]) == (plain["judged"], plain["failed"]) == (4, 2)
    a, b = _contents(default_db), _contents(dask_db)
    for table in CONTENT_QUERIES:
        assert a[table] == b[table], table


def test_dask_cluster_in_process_matches_the_default_runner(
    tmp_path: Path, frozen_rubric: str
) -> None:
    """A 2-worker Dask cluster whose workers are threads of this process: the flow goes through
    the Dask scheduler and `DaskTaskRunner` while sharing the judge this process has loaded."""
    _same_contents_on_dask(tmp_path, frozen_rubric, processes=False)


@pytest.mark.slow
def test_dask_local_cluster_matches_the_default_runner(tmp_path: Path, frozen_rubric: str) -> None:
    """2 worker PROCESSES (as on separate machines): each loads its own models, hence slow."""
    _same_contents_on_dask(tmp_path, frozen_rubric, processes=True)

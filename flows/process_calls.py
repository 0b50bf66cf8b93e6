"""The main job as a Prefect 3 flow: every call of a folder or manifest, exactly once.

Stages per call: read (I/O, retried) -> decode, transcribe, diarize, roles (recordings only,
one task per call) -> judge, then redact (one task per batch) -> load (the flow's own process,
the one writer, one transaction per batch). A call that fails at any stage becomes an error row
and the run goes on; only a broken run (no rubric, no warehouse) raises.

Privacy: the judge reads the raw text in memory; what leaves the judge task for storage is the
redacted conversation and scorecard (`qa_pipeline.warehouse.privacy`). Raw text is kept only
with ``privacy.keep_raw_text``, in ``<warehouse stem>.raw.duckdb`` beside the warehouse; with
``privacy.redact_audio`` each recording's redacted copy is written to
``<warehouse stem>.redacted-audio/`` and named in ``calls.audio_redacted_path``.

Task runner: Prefect's default thread pool, or Dask (`task_runner_for("tcp://host:8786")`,
``"local:2"`` for a local cluster of 2 worker processes). With ``PREFECT_API_URL`` set the run
reports to that Prefect server; otherwise Prefect starts a temporary local one.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from qa_pipeline.config import Settings, load_settings
from qa_pipeline.errors import ConfigError
from qa_pipeline.rubric import load_rubric, rubrics_dir
from qa_pipeline.warehouse import CallFailure, JudgedCall, RubricRef, RunCounts, Warehouse
from qa_pipeline.warehouse import stages as S
from qa_pipeline.warehouse.intake import CallInput, PreparedCall, discover_inputs, read_call
from qa_pipeline.warehouse.privacy import raw_store_path, redacted_audio_dir
from qa_pipeline.warehouse.store import StoreResult

T = TypeVar("T")
#: batches read or judged ahead of the one being loaded (bounds memory on big inputs)
WINDOW = 3
DASK_ADDRESS_ENV = "QA_PIPELINE_DASK_ADDRESS"

ProgressHook = Callable[[str, dict[str, Any]], None]
#: callbacks that see the run's progress ("discovered", "batch"); the CLI's progress bar is one
PROGRESS_HOOKS: list[ProgressHook] = []


def _emit(event: str, **data: Any) -> None:
    for hook in list(PROGRESS_HOOKS):
        hook(event, data)


# -- tasks: thin wrappers around the pure core ----------------------------------------------


@task(name="read-calls", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def read_calls(items: Sequence[CallInput]) -> list[PreparedCall | CallFailure]:
    """Read and hash a batch of inputs (I/O: retried on OSError)."""
    return [read_call(item) for item in items]


@task(name="transcribe-call", cache_policy=NO_CACHE)
def transcribe_call(
    call: PreparedCall, settings: Settings
) -> tuple[PreparedCall | CallFailure, float]:
    """Decode -> transcribe -> diarize -> roles for one recording (a model stage: no retries)."""
    return S.transcribe(call, settings)


@task(name="judge-batch", cache_policy=NO_CACHE)
def judge_batch(
    calls: list[Any], settings: Settings, rubric: str, audio_dir: str | None = None
) -> tuple[S.StageOutput, float]:
    """Judge a batch on the raw text, then redact it for storage (and write redacted recording
    copies into ``audio_dir`` when audio redaction is on); ``calls`` holds prepared calls,
    failures and (audio) transcribe results. Raw text never leaves this task unless the
    deployment keeps it."""
    prepared: list[PreparedCall | CallFailure] = []
    audio_seconds = 0.0
    for c in calls:
        if isinstance(c, tuple):
            prepared.append(c[0])
            audio_seconds += c[1]
        else:
            prepared.append(c)
    return S.protect_all(S.judge(prepared, settings, rubric), settings, audio_dir), audio_seconds


@task(name="load-batch", retries=3, retry_delay_seconds=2, cache_policy=NO_CACHE)
def load_batch(
    warehouse: str,
    judged: list[JudgedCall],
    failed: list[CallFailure],
    rubric: RubricRef,
    run_id: str,
) -> StoreResult:
    """Store a batch in one transaction (I/O: retried, e.g. while a reader holds the file)."""
    return Warehouse(warehouse).store_batch(judged, failed, rubric=rubric, run_id=run_id)


# -- the flow -------------------------------------------------------------------------------


def _chunks(items: Sequence[T], size: int) -> Iterator[list[T]]:
    for i in range(0, len(items), size):
        yield list(items[i : i + size])


def _rubric_file(ref: str) -> Path | None:
    p = Path(ref)
    if p.is_file():
        return p.resolve()
    candidate = rubrics_dir() / f"{ref}.yaml"
    return candidate if candidate.is_file() else None


@flow(name="process-calls", log_prints=False)
def process_calls(
    input: str,
    warehouse: str | None = None,
    rubric: str | None = None,
    settings: Settings | None = None,
    batch_size: int = 16,
) -> dict[str, Any]:
    """Judge every call of ``input`` into the DuckDB ``warehouse``; each call exactly once.

    Args:
        input: a folder (conversation JSON, recordings with or without metadata JSON) or a
            manifest (CSV or JSONL rows with an ``audio`` or ``transcript`` path).
        warehouse: the DuckDB file (default ``settings.warehouse.path``).
        rubric: a rubric id or YAML file (default ``settings.rubric``).
        settings: model and path settings (default: ``load_settings()``).
        batch_size: calls per read, judge and load batch.

    Returns:
        The run's figures: run_id, received, skipped (already stored), judged, failed,
        violations, wall_seconds, model_seconds, audio_seconds, calls_per_hour.
    """
    t_start = time.perf_counter()
    settings = settings or load_settings()
    if batch_size < 1:
        raise ConfigError(f"batch_size must be at least 1, got {batch_size}")
    rubric_ref = rubric or settings.rubric
    rubric_model = load_rubric(rubric_ref)
    rubric_path = _rubric_file(rubric_ref)
    rubric_spec = str(rubric_path) if rubric_path else rubric_ref
    rref = RubricRef.from_rubric(rubric_model, source=rubric_path)
    wh_path = str(Path(warehouse or settings.warehouse.path))
    wh = Warehouse.open(wh_path)
    audio_dir = (
        str(redacted_audio_dir(Path(wh_path).resolve())) if settings.privacy.redact_audio else None
    )

    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    runner_name = type(ctx.task_runner).__name__ if ctx else ""
    flow_run_id = str(ctx.flow_run.id) if ctx and ctx.flow_run else None
    run_id = wh.start_run(
        input=str(input), rubric=rref, task_runner=runner_name, flow_run_id=flow_run_id
    )
    counts = RunCounts()
    audio_seconds = 0.0
    store_seconds = 0.0
    redact_seconds = 0.0
    try:
        items = discover_inputs(input)
        counts.received = len(items)
        _emit("discovered", total=len(items), run_id=run_id)

        batches = list(_chunks(items, batch_size))
        reads: deque[PrefectFuture[Any]] = deque()
        judging: deque[tuple[PrefectFuture[Any] | None, list[CallFailure], int]] = deque()
        next_read = 0

        def top_up_reads() -> None:
            nonlocal next_read
            while next_read < len(batches) and len(reads) < WINDOW:
                reads.append(read_calls.submit(batches[next_read]))
                next_read += 1

        def load_next() -> None:
            nonlocal audio_seconds, store_seconds, redact_seconds
            future, failures, skipped = judging.popleft()
            judged: list[JudgedCall] = []
            failed = list(failures)
            if future is not None:
                out, seconds_audio = future.result()
                audio_seconds += seconds_audio
                redact_seconds += out.redact_seconds
                # redaction is rule-based text processing, counted with the models' work
                counts.model_seconds += out.model_seconds + seconds_audio + out.redact_seconds
                for r in out.results:
                    (judged if isinstance(r, JudgedCall) else failed).append(r)
            stored = _load(wh_path, judged, failed, rref, run_id)
            store_seconds += stored.seconds
            counts.judged += stored.scorecards_added
            counts.failed += len(failed)
            counts.violations += stored.violations_added
            _emit(
                "batch",
                judged=len(judged),
                failed=len(failed),
                skipped=skipped,
                violations=stored.violations_added,
            )

        top_up_reads()
        batch_no = 0
        while reads:
            read_future = reads.popleft()
            top_up_reads()
            batch = batches[batch_no]
            batch_no += 1
            try:
                results = read_future.result()
            except Exception as exc:
                results = [S.failure_for_input(item, "read", exc) for item in batch]
            prepared = [r for r in results if isinstance(r, PreparedCall)]
            failures = [r for r in results if isinstance(r, CallFailure)]
            done = wh.confirm_judged([p.identity for p in prepared], rref)
            counts.skipped += len(done)
            todo = [p for p in prepared if p.identity.call_key not in done]
            future = None
            if todo:
                staged: list[Any] = [
                    transcribe_call.submit(p, settings) if p.needs_audio else p for p in todo
                ]
                future = judge_batch.submit(staged, settings, rubric_spec, audio_dir)
            judging.append((future, failures, len(done)))
            while len(judging) > WINDOW:
                load_next()
        while judging:
            load_next()
    except BaseException as exc:
        counts.wall_seconds = time.perf_counter() - t_start
        wh.finish_run(run_id, counts, status="failed", message=f"{type(exc).__name__}: {exc}")
        raise
    counts.wall_seconds = time.perf_counter() - t_start
    wh.finish_run(run_id, counts, status="completed")
    hours = counts.wall_seconds / 3600
    return {
        "run_id": run_id,
        "warehouse": wh_path,
        "rubric": f"{rref.id}@{rref.version}",
        "task_runner": runner_name,
        "received": counts.received,
        "skipped": counts.skipped,
        "judged": counts.judged,
        "failed": counts.failed,
        "violations": counts.violations,
        "wall_seconds": round(counts.wall_seconds, 3),
        "model_seconds": round(counts.model_seconds, 3),
        "audio_model_seconds": round(audio_seconds, 3),
        "store_seconds": round(store_seconds, 3),
        "redact_seconds": round(redact_seconds, 3),
        "raw_store": str(raw_store_path(wh_path)) if settings.privacy.keep_raw_text else None,
        "redacted_audio_dir": audio_dir,
        "calls_per_hour": round((counts.judged + counts.failed) / hours, 1) if hours else 0.0,
    }


def _load(
    wh_path: str, judged: list[JudgedCall], failed: list[CallFailure], rref: RubricRef, run_id: str
) -> StoreResult:
    """Load a batch; if the batch cannot be stored, store its calls one by one so that only the
    call that breaks the loader becomes an error row (stage ``load_warehouse``)."""
    try:
        return load_batch(wh_path, judged, failed, rref, run_id)
    except Exception:
        total = StoreResult()
        singles: list[tuple[list[JudgedCall], list[CallFailure]]] = [([j], []) for j in judged]
        singles += [([], [f]) for f in failed]
        for one_judged, one_failed in singles:
            try:
                r = load_batch.fn(wh_path, one_judged, one_failed, rref, run_id)
            except Exception as exc:
                one = one_judged[0] if one_judged else one_failed[0]
                bad = CallFailure(
                    one.identity,
                    "load_warehouse",
                    type(exc).__name__,
                    f"{type(exc).__name__}: {exc}",
                    one.conversation,
                )
                r = load_batch.fn(wh_path, [], [bad], rref, run_id)
            total.calls_added += r.calls_added
            total.scorecards_added += r.scorecards_added
            total.findings_added += r.findings_added
            total.errors_added += r.errors_added
            total.violations_added += r.violations_added
        return total


def task_runner_for(dask: str | None) -> TaskRunner[Any]:
    """The task runner for a ``--dask`` value: None -> Prefect's thread pool; ``local:N`` -> a
    temporary local Dask cluster of N worker processes; anything else -> a scheduler address."""
    if not dask:
        return ThreadPoolTaskRunner()
    from prefect_dask import DaskTaskRunner

    if dask.startswith("local:"):
        try:
            n = int(dask.split(":", 1)[1])
        except ValueError:
            raise ConfigError(
                f"--dask {dask!r}: write local:N with N workers, e.g. local:2"
            ) from None
        if n < 1:
            raise ConfigError(f"--dask {dask!r}: a local cluster needs at least 1 worker")
        return DaskTaskRunner(
            cluster_kwargs={"n_workers": n, "threads_per_worker": 1, "processes": True}
        )
    return DaskTaskRunner(address=dask)


def run_process_calls(
    input: str | Path,
    warehouse: str | Path | None = None,
    *,
    rubric: str | None = None,
    settings: Settings | None = None,
    dask: str | None = None,
    batch_size: int = 16,
    progress: ProgressHook | None = None,
) -> dict[str, Any]:
    """Run `process_calls` with the task runner chosen at call time (what the CLI uses).

    ``dask`` defaults to ``settings.warehouse.dask_address``.
    """
    settings = settings or load_settings()
    runner = task_runner_for(dask or settings.warehouse.dask_address)
    if progress is not None:
        PROGRESS_HOOKS.append(progress)
    try:
        return process_calls.with_options(task_runner=runner)(
            input=str(input),
            warehouse=None if warehouse is None else str(warehouse),
            rubric=rubric,
            settings=settings,
            batch_size=batch_size,
        )
    finally:
        if progress is not None:
            PROGRESS_HOOKS.remove(progress)


def _deployment_task_runner() -> TaskRunner[Any]:
    return task_runner_for(os.environ.get(DASK_ADDRESS_ENV) or "local:2")


#: the same flow on Dask, for deployments (prefect.yaml): the scheduler address comes from
#: $QA_PIPELINE_DASK_ADDRESS, else a local cluster of 2 workers
process_calls_dask = process_calls.with_options(
    name="process-calls-dask", task_runner=_deployment_task_runner()
)

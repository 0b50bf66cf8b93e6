"""The DuckDB warehouse: one writer that appends Arrow batches in short transactions, and
readers that connect read-only for as long as a query takes.

How DuckDB behaves across processes (measured with duckdb 2.0 on Linux, see
tests/warehouse/test_concurrency.py): a read-write connection takes an exclusive lock on the
file, so while any process holds one, no other process can open the file at all, not even
read-only ("Could not set lock on file"); read-only connections share the lock with each other
but keep the writer out. So neither side may hold a connection for long:

* the writer (the flow's process) opens the file for one batch (one transaction that stores
  a few dozen calls), commits and closes it, typically tens of milliseconds;
* readers (the app, analysts) open ``read_only=True`` per query or page and close it; a reader
  that finds the file locked retries with a short back-off (``connect_reader``), and so does
  the writer.

A reader never sees half a call: each batch is one transaction, and a process killed in the
middle of one leaves nothing of it after DuckDB replays its write-ahead log on the next open.
"""

from __future__ import annotations

import logging
import socket
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from qa_pipeline.errors import WarehouseError
from qa_pipeline.warehouse import rows as R
from qa_pipeline.warehouse.migrate import apply_migrations
from qa_pipeline.warehouse.privacy import protect, raw_store_path, scrub_message
from qa_pipeline.warehouse.sql import statement

log = logging.getLogger(__name__)

#: how long a connection attempt waits for another process to let go of the file
DEFAULT_LOCK_TIMEOUT_S = 60.0


def _is_lock_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("could not set" in text or "conflicting" in text)


def _connect(path: Path, *, read_only: bool, timeout_s: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + timeout_s
    delay = 0.01
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if not _is_lock_error(exc):
                raise WarehouseError(f"cannot open the warehouse ({exc})", path=path) from None
            if time.monotonic() >= deadline:
                raise WarehouseError(
                    f"the warehouse stayed locked by another process for {timeout_s:.0f} s; "
                    "a reader or writer holds it open (close long-lived connections)",
                    path=path,
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.25)
        except duckdb.Error as exc:
            raise WarehouseError(f"cannot open the warehouse ({exc})", path=path) from None


@contextmanager
def connect_reader(
    path: str | Path, *, timeout_s: float = 30.0
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection for one query or page; closed on exit.

    Waits (with back-off) while a writer holds the file, which is at most one batch's
    transaction. Hold it only as long as the query: while it is open, the writer waits.

    Raises:
        WarehouseError: the file does not exist, or stayed locked for ``timeout_s``.
    """
    p = Path(path)
    if not p.is_file():
        raise WarehouseError("no warehouse here; run `qa-pipeline run` first", path=p)
    con = _connect(p, read_only=True, timeout_s=timeout_s)
    try:
        yield con
    finally:
        con.close()


@dataclass(slots=True)
class StoreResult:
    """What one batch added (zero everywhere when it had all been stored before)."""

    calls_added: int = 0
    scorecards_added: int = 0
    findings_added: int = 0
    utterances_added: int = 0
    errors_added: int = 0
    violations_added: int = 0
    seconds: float = 0.0


@dataclass(slots=True)
class RunCounts:
    """The figures a run reports and records in ``runs``."""

    received: int = 0
    skipped: int = 0
    judged: int = 0
    failed: int = 0
    violations: int = 0
    wall_seconds: float = 0.0
    model_seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


class Warehouse:
    """The single writer of a DuckDB warehouse file.

    Example:
        >>> wh = Warehouse.open("warehouse.duckdb")          # creates and migrates
        >>> run_id = wh.start_run(input="calls/", rubric=rubric_ref)
        >>> wh.store_batch(judged_calls, failures, rubric=rubric_ref, run_id=run_id)
        >>> wh.finish_run(run_id, counts, status="completed")

    Each method opens the file, does its work in one transaction and closes it again, so
    readers in other processes get in between batches.
    """

    def __init__(self, path: str | Path, *, lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S):
        self.path = Path(path)
        self.lock_timeout_s = lock_timeout_s

    @classmethod
    def open(cls, path: str | Path, *, lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S) -> Warehouse:
        """Open (creating it if needed) and migrate a warehouse file."""
        wh = cls(path, lock_timeout_s=lock_timeout_s)
        wh.migrate()
        return wh

    @contextmanager
    def writer(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection, held only for the ``with`` block."""
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        con = _connect(self.path, read_only=False, timeout_s=self.lock_timeout_s)
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.writer() as con:
            con.begin()
            try:
                yield con
                con.commit()
            except BaseException:
                con.rollback()
                raise

    def migrate(self) -> list[str]:
        """Apply pending migrations and changed views; returns what was applied."""
        with self.writer() as con:
            return apply_migrations(con)

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        """Run a read query on a short read-only connection (for tools and tests)."""
        with connect_reader(self.path, timeout_s=self.lock_timeout_s) as con:
            return con.execute(sql, params or []).fetchall()

    # -- runs -------------------------------------------------------------------------------

    def start_run(
        self,
        *,
        input: str,
        rubric: R.RubricRef | None,
        task_runner: str = "",
        flow_run_id: str | None = None,
    ) -> str:
        """Record a run as started (and the rubric version it uses); returns its run_id."""
        run_id = uuid.uuid4().hex
        now = datetime.now(UTC)
        run = {
            "run_id": run_id,
            "flow_run_id": flow_run_id,
            "input": input,
            "rubric_id": None if rubric is None else rubric.id,
            "rubric_version": None if rubric is None else rubric.version,
            "task_runner": task_runner,
            "host": socket.gethostname(),
            "started_at": now,
            "status": "running",
        }
        with self._transaction() as con:
            con.register("batch_run", pa.Table.from_pylist([run]))
            con.execute(statement("start_run"))
            if rubric is not None:
                self._record_rubric(con, rubric, run_id, now)
        return run_id

    def finish_run(self, run_id: str, counts: RunCounts, *, status: str, message: str = "") -> None:
        """Record a run's end and its figures."""
        run = {
            "run_id": run_id,
            "finished_at": datetime.now(UTC),
            "status": status,
            "calls_received": counts.received,
            "calls_skipped": counts.skipped,
            "calls_judged": counts.judged,
            "calls_failed": counts.failed,
            "violations_found": counts.violations,
            "wall_seconds": counts.wall_seconds,
            "model_seconds": counts.model_seconds,
            "message": scrub_message(message) or None,
        }
        with self._transaction() as con:
            con.register("batch_run", pa.Table.from_pylist([run]))
            con.execute(statement("finish_run"))

    def _record_rubric(
        self, con: duckdb.DuckDBPyConnection, rubric: R.RubricRef, run_id: str, now: datetime
    ) -> None:
        con.register(
            "batch_rubric",
            pa.Table.from_pylist(
                [
                    {
                        "rubric_id": rubric.id,
                        "version": rubric.version,
                        "source_sha256": rubric.source_sha256,
                        "description": rubric.description,
                        "yaml_text": rubric.yaml_text,
                        "first_seen_at": now,
                        "first_run_id": run_id,
                    }
                ]
            ),
        )
        row = con.execute(statement("same_version_other_sha")).fetchone()
        if row and row[0]:
            log.warning(
                "rubric %s version %s was edited without a new version number; its scorecards "
                "are kept apart by the file's SHA-256, but give edited rubrics a new version",
                rubric.id,
                rubric.version,
            )
        con.execute(statement("insert_rubric_version"))
        items = [
            {
                "rubric_id": rubric.id,
                "version": rubric.version,
                "source_sha256": rubric.source_sha256,
                **meta,
            }
            for meta in rubric.items.values()
        ]
        if items:
            con.register("batch_rubric_items", pa.Table.from_pylist(items))
            con.execute(statement("insert_rubric_items"))

    # -- idempotency ------------------------------------------------------------------------

    def confirm_judged(self, identities: Sequence[R.CallIdentity], rubric: R.RubricRef) -> set[str]:
        """Which of these calls already hold a scorecard under this rubric version.

        Those are skipped by a rerun; their stored call and scorecard are marked current again
        (this run's rubric decides what is current). Returns their call_keys.
        """
        if not identities:
            return set()
        candidates = pa.Table.from_pylist(
            [
                {
                    "call_key": i.call_key,
                    "call_id": i.call_id,
                    "scorecard_id": rubric.scorecard_id(i),
                }
                for i in identities
            ]
        )
        with self._transaction() as con:
            con.register("batch_candidates", candidates)
            found = con.execute(statement("judged_scorecards")).fetchall()
            if not found:
                return set()
            keys = {k for k, _ in found}
            mask = pc.is_in(candidates["call_key"], value_set=pa.array(sorted(keys)))
            self._set_current(con, candidates.filter(mask))
        return keys

    def _set_current(self, con: duckdb.DuckDBPyConnection, current: pa.Table) -> None:
        """Make these (call_id, call_key, scorecard_id) the current ones of their call_ids."""
        con.register("batch_current_calls", current.select(["call_id", "call_key"]))
        con.execute(statement("retire_calls"))
        con.execute(statement("confirm_calls"))
        if "scorecard_id" in current.column_names:
            con.register("batch_current_scorecards", current.select(["call_id", "scorecard_id"]))
            con.execute(statement("retire_scorecards"))
            con.execute(statement("confirm_scorecards"))

    # -- loading ----------------------------------------------------------------------------

    def store_batch(
        self,
        judged: Sequence[R.JudgedCall],
        failed: Sequence[R.CallFailure],
        *,
        rubric: R.RubricRef,
        run_id: str,
    ) -> StoreResult:
        """Store a batch of judged calls and failures in ONE transaction.

        Idempotent: a call (call_id + content hash) already stored is not stored again, a
        scorecard already stored under this rubric version is not added again, the same
        failure is one error row. Either everything of the batch is stored or nothing.
        """
        t0 = time.perf_counter()
        now = datetime.now(UTC)
        result = StoreResult()
        # nothing raw reaches the warehouse: a caller that did not redact is redacted here
        judged, unredactable = _redacted(judged)
        failed = [*failed, *unredactable]
        calls = R.table(R.call_rows_for(judged, failed, run_id=run_id, now=now), R.CALLS)
        if calls.num_rows == 0:
            return result
        sc_rows: list[dict[str, Any]] = []
        finding_rows: list[dict[str, Any]] = []
        utt_rows: list[dict[str, Any]] = []
        redaction_rows: list[dict[str, Any]] = []
        raw_rows: list[dict[str, Any]] = []
        for j in judged:
            sc, fs = R.scorecard_rows(j, rubric, run_id=run_id, now=now)
            sc_rows.append(sc)
            finding_rows.extend(fs)
            utt_rows.extend(R.utterance_rows(j.identity, j.conversation))
            redaction_rows.extend(R.redaction_rows(j))
            raw_rows.extend(R.raw_utterance_rows(j, now=now))
        scorecards = R.table(sc_rows, R.SCORECARDS)
        findings = R.table(finding_rows, R.FINDINGS)
        utterances = R.table(utt_rows, R.UTTERANCES)
        redactions = R.table(redaction_rows, R.REDACTIONS)
        audio_failures = [
            R.CallFailure(j.identity, "redact_audio", "AudioError", j.audio_redaction_error)
            for j in judged
            if j.audio_redaction_error
        ]
        errors = R.table(R.error_rows([*failed, *audio_failures], run_id=run_id, now=now), R.ERRORS)
        if raw_rows:
            # before the warehouse's transaction: a call stored there always has its raw text
            from qa_pipeline.warehouse.raw_store import RawTextStore

            RawTextStore(raw_store_path(self.path), lock_timeout_s=self.lock_timeout_s).store(
                raw_rows
            )
        model_rows = [
            {"name": k, "version": v, "first_seen_at": now, "first_run_id": run_id}
            for k, v in sorted(
                {
                    (name, version)
                    for row in sc_rows
                    for name, version in _models(row["models"]).items()
                }
            )
        ]

        with self._transaction() as con:
            con.register("batch_calls", calls)
            con.register("batch_scorecards", scorecards)
            existing = dict(con.execute(statement("existing_calls")).fetchall())
            existing_sc = {r[0] for r in con.execute(statement("existing_scorecards")).fetchall()}

            # a call key appears once per batch even if the input named the same file twice
            calls = _first_per_key(calls, "call_key")
            new_calls = calls.filter(_not_in(calls["call_key"], existing))
            con.register("batch_calls_new", new_calls)
            con.execute(statement("insert_calls"))
            result.calls_added = new_calls.num_rows

            judged_keys = {j.identity.call_key for j in judged}
            # utterances come with the first successful judgement of a call content
            needs_utts = {k for k in judged_keys if existing.get(k) != "judged"}
            con.register(
                "batch_calls_judged",
                calls.filter(pc.equal(calls["status"], "judged")).select(
                    [
                        "call_key",
                        "n_utterances",
                        "duration_seconds",
                        "metadata",
                        "text_redacted",
                        "n_redactions",
                        "audio_redacted_path",
                    ]
                ),
            )
            con.execute(statement("mark_calls_judged"))
            new_utts = _first_per_key(
                utterances.filter(_in(utterances["call_key"], needs_utts)), ("call_key", "idx")
            )
            con.register("batch_utterances_new", new_utts)
            con.execute(statement("insert_utterances"))
            result.utterances_added = new_utts.num_rows
            con.register(
                "batch_redactions",
                _first_per_key(
                    redactions.filter(_in(redactions["call_key"], needs_utts)),
                    ("call_key", "utterance_idx", "ordinal"),
                ),
            )
            con.execute(statement("insert_redactions"))

            scorecards = _first_per_key(scorecards, "scorecard_id")
            new_sc = scorecards.filter(_not_in(scorecards["scorecard_id"], existing_sc))
            new_sc_ids = set(new_sc["scorecard_id"].to_pylist())
            new_findings = _first_per_key(
                findings.filter(_in(findings["scorecard_id"], new_sc_ids)), "finding_id"
            )
            con.register("batch_scorecards_new", new_sc)
            con.register("batch_findings_new", new_findings)
            con.execute(statement("insert_scorecards"))
            con.execute(statement("insert_findings"))
            result.scorecards_added = new_sc.num_rows
            result.findings_added = new_findings.num_rows
            result.violations_added = (
                int(pc.sum(new_sc["n_violations"]).as_py() or 0) if new_sc.num_rows else 0
            )

            if errors.num_rows:
                errors = _first_per_key(errors, "error_id")
                con.register("batch_errors", errors)
                seen = {r[0] for r in con.execute(statement("existing_errors")).fetchall()}
                new_errors = errors.filter(_not_in(errors["error_id"], seen))
                con.register("batch_errors_new", new_errors)
                con.execute(statement("insert_errors"))
                result.errors_added = new_errors.num_rows

            if model_rows:
                con.register("batch_models", pa.Table.from_pylist(model_rows))
                con.execute(statement("insert_model_versions"))

            # the batch's calls become current; a later row of the same call_id wins
            current = _last_per_key(calls.select(["call_id", "call_key"]), "call_id")
            con.register("batch_current_calls", current)
            con.execute(statement("retire_calls"))
            con.execute(statement("confirm_calls"))
            if scorecards.num_rows:
                sc_current = _last_per_key(
                    scorecards.select(["call_id", "scorecard_id"]), "call_id"
                )
                con.register("batch_current_scorecards", sc_current)
                con.execute(statement("retire_scorecards"))
                con.execute(statement("confirm_scorecards"))
        result.seconds = time.perf_counter() - t0
        return result

    def store_scorecards(
        self, judged: Sequence[R.JudgedCall], *, rubric: R.RubricRef, run_id: str
    ) -> StoreResult:
        """Store judged calls (see `store_batch`)."""
        return self.store_batch(judged, (), rubric=rubric, run_id=run_id)

    def store_error(
        self, failure: R.CallFailure, *, rubric: R.RubricRef, run_id: str
    ) -> StoreResult:
        """Store one failed call: its call row (status ``failed``) and its error row."""
        return self.store_batch((), (failure,), rubric=rubric, run_id=run_id)


def _redacted(
    judged: Sequence[R.JudgedCall],
) -> tuple[list[R.JudgedCall], list[R.CallFailure]]:
    """Every judged call in its redacted form; one that cannot be redacted is not stored but
    becomes a failure (stage ``redact``): failing closed keeps raw text out."""
    out: list[R.JudgedCall] = []
    failed: list[R.CallFailure] = []
    for j in judged:
        if j.redacted:
            out.append(j)
            continue
        try:
            safe = protect(j.conversation, j.scorecard)
        except Exception as exc:
            failed.append(
                R.CallFailure(
                    j.identity, "redact", type(exc).__name__, f"{type(exc).__name__}: {exc}"
                )
            )
            continue
        out.append(
            R.JudgedCall(
                j.identity,
                safe.conversation,
                safe.scorecard,
                redacted=True,
                redactions=safe.redactions,
                raw_conversation=j.raw_conversation,
                audio_redacted_path=j.audio_redacted_path,
                audio_redaction_error=j.audio_redaction_error,
            )
        )
    return out, failed


def _models(text: str) -> dict[str, str]:
    import json

    data = json.loads(text) if text else {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _in(column: pa.ChunkedArray, keys: set[str] | dict[str, Any]) -> pa.ChunkedArray:
    return pc.is_in(column, value_set=pa.array(sorted(keys), pa.string()))


def _not_in(column: pa.ChunkedArray, keys: set[str] | dict[str, Any]) -> pa.ChunkedArray:
    return pc.invert(_in(column, keys))


def _first_per_key(t: pa.Table, key: str | tuple[str, ...]) -> pa.Table:
    cols = (key,) if isinstance(key, str) else key
    seen: set[tuple[Any, ...]] = set()
    keep = []
    for k in zip(*(t[c].to_pylist() for c in cols), strict=True):
        keep.append(k not in seen)
        seen.add(k)
    return t.filter(pa.array(keep, pa.bool_())) if t.num_rows else t


def _last_per_key(t: pa.Table, key: str) -> pa.Table:
    values = t[key].to_pylist()
    last = {v: i for i, v in enumerate(values)}
    keep = [last[v] == i for i, v in enumerate(values)]
    return t.filter(pa.array(keep, pa.bool_())) if t.num_rows else t

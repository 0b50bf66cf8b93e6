"""Append-only storage of reviewer decisions, coaching notes and payments (SQLite, WAL).

Each call opens its own short connection: Streamlit serves every browser session from its own
thread, and ``qa-pipeline load-payments`` may write from another process at the same time;
SQLite's busy timeout makes a second writer wait its turn instead of failing.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from qa_pipeline.errors import InputError
from qa_pipeline.review_store.payments import PaymentRow

#: what a reviewer can decide about a machine finding
DECISIONS = ("confirm", "overturn")
#: longest reason or note kept; longer text is refused rather than cut silently
MAX_TEXT = 4000
#: seconds a writer waits for another writer before giving up
BUSY_TIMEOUT_S = 30.0

_HERE = Path(__file__).resolve().parent
_NAME_LINE = re.compile(r"^--\s*name:\s*([a-z0-9_]+)\s*$", re.MULTILINE)


class ReviewInputError(InputError):
    """A review, note or payment that cannot be stored as given."""

    stage = "review"


@dataclass(frozen=True, slots=True)
class FindingRef:
    """The machine finding a review or coaching note is about (copied into the row, so the
    review keeps its meaning whatever happens to the warehouse later)."""

    finding_id: str
    call_id: str
    call_key: str
    rubric_id: str
    rubric_version: str
    kind: str
    item_id: str
    ai_verdict: str
    agent_id: str | None = None


@dataclass(frozen=True, slots=True)
class PaymentsLoaded:
    """What ``add_payments`` did."""

    added: int
    already_present: int


def review_store_path(warehouse: str | Path) -> Path:
    """The side store that belongs to a warehouse file: ``<warehouse>.reviews.sqlite``."""
    w = Path(warehouse)
    return w.with_name(w.name + ".reviews.sqlite")


@functools.cache
def _statements() -> dict[str, str]:
    text = (_HERE / "queries.sql").read_text(encoding="utf-8")
    names = list(_NAME_LINE.finditer(text))
    return {
        m.group(1): text[m.end() : (names[i + 1].start() if i + 1 < len(names) else len(text))]
        .strip()
        .rstrip(";")
        for i, m in enumerate(names)
    }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _clean_text(value: str, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ReviewInputError(f"a {what} is required")
    if len(text) > MAX_TEXT:
        raise ReviewInputError(f"the {what} is {len(text)} characters; keep it under {MAX_TEXT}")
    return text


class ReviewStore:
    """Reviewer decisions, coaching notes and payments for one warehouse.

    Args:
        path: the SQLite file; created with its schema on first use.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    @classmethod
    def beside(cls, warehouse: str | Path) -> ReviewStore:
        """The store that belongs to ``warehouse`` (see `review_store_path`)."""
        return cls(review_store_path(warehouse))

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
        except (OSError, sqlite3.Error) as exc:
            raise ReviewInputError(
                f"cannot open the review store ({exc})", path=self.path
            ) from None
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript((_HERE / "schema.sql").read_text(encoding="utf-8"))
            yield con
        finally:
            con.close()

    # ------------------------------------------------------------------ writes
    def add_review(
        self, finding: FindingRef, *, decision: str, reason: str, reviewer: str, reviewer_role: str
    ) -> int:
        """Append a reviewer's decision on one finding; the machine's finding is never touched.

        Returns:
            The new review's id.

        Raises:
            ReviewInputError: unknown decision, empty or overlong reason, no reviewer.
        """
        if decision not in DECISIONS:
            raise ReviewInputError(
                f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}"
            )
        row = {
            "finding_id": finding.finding_id,
            "call_id": finding.call_id,
            "call_key": finding.call_key,
            "rubric_id": finding.rubric_id,
            "rubric_version": finding.rubric_version,
            "kind": finding.kind,
            "item_id": finding.item_id,
            "ai_verdict": finding.ai_verdict,
            "decision": decision,
            "reason": _clean_text(reason, "reason"),
            "reviewer": _clean_text(reviewer, "reviewer name"),
            "reviewer_role": _clean_text(reviewer_role, "reviewer role"),
            "reviewed_at": _now(),
        }
        with self._connect() as con, con:
            cur = con.execute(_statements()["insert_review"], row)
            return int(cur.lastrowid or 0)

    def add_coaching_note(
        self, finding: FindingRef, *, note: str, coach: str, coach_role: str
    ) -> int:
        """Append a note that a coaching moment was coached.

        Returns:
            The new note's id.
        """
        row = {
            "finding_id": finding.finding_id,
            "call_id": finding.call_id,
            "call_key": finding.call_key,
            "agent_id": finding.agent_id,
            "item_id": finding.item_id,
            "note": _clean_text(note, "coaching note"),
            "coach": _clean_text(coach, "coach name"),
            "coach_role": _clean_text(coach_role, "coach role"),
            "coached_at": _now(),
        }
        with self._connect() as con, con:
            cur = con.execute(_statements()["insert_coaching_note"], row)
            return int(cur.lastrowid or 0)

    def add_payments(self, rows: Iterable[PaymentRow], *, source_file: str) -> PaymentsLoaded:
        """Append payments in one transaction; a payment already stored is not added again.

        Identical (account, day, amount) rows in one file are distinct payments, numbered by
        occurrence, so two real payments of the same amount on one day both count.
        """
        seen: Counter[tuple[str, str, int]] = Counter()
        params = []
        loaded_at = _now()
        for r in rows:
            key = (r.account_id, r.paid_on.isoformat(), r.amount_cents)
            seen[key] += 1
            params.append(
                {
                    "account_id": r.account_id,
                    "paid_on": r.paid_on.isoformat(),
                    "amount_cents": r.amount_cents,
                    "occurrence": seen[key],
                    "source_file": source_file,
                    "source_line": r.line,
                    "loaded_at": loaded_at,
                }
            )
        with self._connect() as con, con:
            before = con.execute("SELECT count(*) FROM payments").fetchone()[0]
            con.executemany(_statements()["insert_payment"], params)
            after = con.execute("SELECT count(*) FROM payments").fetchone()[0]
        added = int(after - before)
        return PaymentsLoaded(added=added, already_present=len(params) - added)

    # ------------------------------------------------------------------ reads
    def _frame(self, name: str) -> pd.DataFrame:
        with self._connect() as con:
            return pd.read_sql_query(_statements()[name], con)

    def reviews(self) -> pd.DataFrame:
        """Every review, oldest first (the latest per finding is the one in force)."""
        return self._frame("all_reviews")

    def coaching_notes(self) -> pd.DataFrame:
        """Every coaching note, oldest first."""
        return self._frame("all_coaching_notes")

    def payments(self) -> pd.DataFrame:
        """Every payment loaded: account_id, paid_on (ISO date text), amount, source_file."""
        return self._frame("all_payments")

    def version(self) -> tuple[float, float]:
        """Changes whenever something is written (modification times of the file and its WAL),
        so a reader can cache on it."""
        out = []
        for p in (self.path, self.path.with_name(self.path.name + "-wal")):
            try:
                out.append(p.stat().st_mtime_ns / 1e9)
            except OSError:
                out.append(0.0)
        return out[0], out[1]

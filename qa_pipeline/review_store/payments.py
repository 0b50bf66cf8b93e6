"""Read a payments file (CSV: account_id, date, amount) from the collections system."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from qa_pipeline.errors import InputError

REQUIRED_COLUMNS = ("account_id", "date", "amount")


@dataclass(frozen=True, slots=True)
class PaymentRow:
    """One payment received: whole cents, so sums and tolerances are exact."""

    account_id: str
    paid_on: date
    amount_cents: int
    line: int


def _amount_cents(raw: str) -> int:
    text = raw.strip().replace(",", "").removeprefix("$").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"amount {raw!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"amount {raw!r} is not a number")
    if value < 0:
        raise ValueError(f"amount {raw!r} is negative (refunds are not payments)")
    return int((value * 100).quantize(Decimal(1)))


def read_payments_csv(path: str | Path) -> tuple[list[PaymentRow], list[str]]:
    """Parse a payments CSV.

    The header must name ``account_id``, ``date`` (YYYY-MM-DD) and ``amount`` (other columns
    are ignored). A bad row is reported and skipped; the good rows still load.

    Returns:
        The good rows, and one message per bad row ("line 7: ...").

    Raises:
        InputError: the file cannot be read, is not CSV text, or misses a required column.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read the payments file ({exc.strerror})", path=p) from None
    except UnicodeDecodeError:
        raise InputError("is not a UTF-8 text CSV file", path=p) from None
    reader = csv.DictReader(text.splitlines())
    header = {(h or "").strip().lower(): h for h in (reader.fieldnames or [])}
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InputError(
            f"the header must name {', '.join(REQUIRED_COLUMNS)}; missing {', '.join(missing)}",
            path=p,
        )
    rows: list[PaymentRow] = []
    errors: list[str] = []
    for line, record in enumerate(reader, start=2):
        try:
            account = (record.get(header["account_id"]) or "").strip()
            if not account:
                raise ValueError("account_id is empty")
            raw_date = (record.get(header["date"]) or "").strip()
            try:
                paid_on = date.fromisoformat(raw_date)
            except ValueError:
                raise ValueError(f"date {raw_date!r} is not YYYY-MM-DD") from None
            cents = _amount_cents(record.get(header["amount"]) or "")
        except ValueError as exc:
            errors.append(f"line {line}: {exc}")
            continue
        rows.append(PaymentRow(account, paid_on, cents, line))
    return rows, errors

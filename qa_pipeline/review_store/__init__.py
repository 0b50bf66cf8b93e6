"""The review side store: reviewer decisions, coaching notes and payments, append-only.

Kept in a SQLite file beside the warehouse (``<warehouse>.reviews.sqlite``) so that people's
work never waits on, or collides with, the pipeline's DuckDB writer.
"""

from qa_pipeline.review_store.payments import PaymentRow, read_payments_csv
from qa_pipeline.review_store.store import (
    DECISIONS,
    FindingRef,
    PaymentsLoaded,
    ReviewInputError,
    ReviewStore,
    review_store_path,
)

__all__ = [
    "DECISIONS",
    "FindingRef",
    "PaymentRow",
    "PaymentsLoaded",
    "ReviewInputError",
    "ReviewStore",
    "read_payments_csv",
    "review_store_path",
]

"""Where the app finds the warehouse, the users file and the review side store.

``qa-pipeline app`` passes them in environment variables, so ``streamlit run`` and Streamlit's
``AppTest`` start the same script the same way.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from qa_pipeline.review_store import review_store_path

WAREHOUSE_ENV = "QA_APP_WAREHOUSE"
USERS_ENV = "QA_APP_USERS"
REVIEWS_ENV = "QA_APP_REVIEWS"
#: a payment counts toward a promise when it arrives at most this many days after the promised date
GRACE_DAYS_ENV = "QA_APP_PROMISE_GRACE_DAYS"
#: ... and the payments in the window cover the promised amount within this share
TOLERANCE_ENV = "QA_APP_PROMISE_TOLERANCE"

DEMO_USERS = Path(__file__).resolve().parent / "demo_users.yaml"


@dataclass(frozen=True, slots=True)
class AppSettings:
    warehouse: Path
    users: Path
    reviews: Path
    promise_grace_days: int = 3
    promise_tolerance: float = 0.05


def app_settings() -> AppSettings:
    """The settings of this app process, from the environment (defaults: ``warehouse.duckdb``
    in the working directory and the demo users file)."""
    warehouse = Path(os.environ.get(WAREHOUSE_ENV) or "warehouse.duckdb").expanduser()
    users = Path(os.environ.get(USERS_ENV) or DEMO_USERS).expanduser()
    reviews_raw = os.environ.get(REVIEWS_ENV)
    reviews = Path(reviews_raw).expanduser() if reviews_raw else review_store_path(warehouse)
    return AppSettings(
        warehouse=warehouse,
        users=users,
        reviews=reviews,
        promise_grace_days=int(os.environ.get(GRACE_DAYS_ENV) or 3),
        promise_tolerance=float(os.environ.get(TOLERANCE_ENV) or 0.05),
    )

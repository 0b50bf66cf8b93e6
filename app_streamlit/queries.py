"""The app's questions to the warehouse: `frame` runs a named statement of ``sql/queries.sql``.

Results are cached per (warehouse version, side store version, filter, parameters): a commit by
the pipeline or a new review changes the version, so nobody sees a stale page, and a page that
is redrawn without changes does not open the warehouse again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from app_streamlit.db import Filters, run_query, session, warehouse_version
from app_streamlit.settings import AppSettings
from qa_pipeline.review_store import ReviewStore

#: a filter wide enough for the questions that do not depend on it
EVERYTHING = Filters(date_from=date(1900, 1, 1), date_to=date(2999, 12, 31))


@dataclass(frozen=True, slots=True)
class FilterChoices:
    first_day: date | None
    last_day: date | None
    agents: list[str]
    channels: list[str]
    rubrics: list[str]


@st.cache_data(ttl=900, max_entries=2000, show_spinner=False)
def _cached_frame(
    warehouse: str,
    reviews: str,
    versions: tuple[Any, ...],
    filters_json: str,
    specs_json: str,
    grace_days: int,
    tolerance: float,
) -> list[pd.DataFrame]:
    del versions  # only part of the cache key
    f = json.loads(filters_json)
    filters = Filters(
        date_from=date.fromisoformat(f["date_from"]),
        date_to=date.fromisoformat(f["date_to"]),
        agents=tuple(f["agents"]),
        channels=tuple(f["channels"]),
        rubric=f["rubric"],
    )
    with session(
        Path(warehouse),
        ReviewStore(reviews),
        filters,
        grace_days=grace_days,
        tolerance=tolerance,
    ) as con:
        return [run_query(con, name, params) for name, params in json.loads(specs_json)]


def frame(settings: AppSettings, filters: Filters, name: str, **params: Any) -> pd.DataFrame:
    """Run the named query under the filter and return its rows.

    Raises:
        WarehouseUnavailable: the warehouse is missing, not migrated, or locked too long.
    """
    return frames(settings, filters, [(name, params)])[0]


def frames(
    settings: AppSettings, filters: Filters, specs: list[tuple[str, dict[str, Any]]]
) -> list[pd.DataFrame]:
    """Run several named queries on one connection (opening one costs about 0.1 s).

    Raises:
        WarehouseUnavailable: the warehouse is missing, not migrated, or locked too long.
    """
    store = ReviewStore(settings.reviews)
    filters_json = json.dumps(
        {
            "date_from": filters.date_from.isoformat(),
            "date_to": filters.date_to.isoformat(),
            "agents": list(filters.agents),
            "channels": list(filters.channels),
            "rubric": filters.rubric,
        }
    )
    return _cached_frame(
        str(settings.warehouse),
        str(settings.reviews),
        (warehouse_version(settings.warehouse), store.version()),
        filters_json,
        json.dumps([[n, p] for n, p in specs], sort_keys=True, default=str),
        settings.promise_grace_days,
        settings.promise_tolerance,
    )


def filter_choices(settings: AppSettings) -> FilterChoices:
    """The dates, agents, channels and rubric versions the warehouse holds."""
    row = frame(settings, EVERYTHING, "filter_choices").iloc[0]

    def _list(value: Any) -> list[str]:
        return [str(v) for v in value] if value is not None and len(value) else []

    def _day(value: Any) -> date | None:
        return None if value is None or pd.isna(value) else pd.Timestamp(value).date()

    return FilterChoices(
        first_day=_day(row["first_day"]),
        last_day=_day(row["last_day"]),
        agents=_list(row["agents"]),
        channels=_list(row["channels"]),
        rubrics=_list(row["rubrics"]),
    )

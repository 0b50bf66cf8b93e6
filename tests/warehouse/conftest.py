"""Fixtures for the warehouse tests: a real DuckDB file in a tmp folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from wh_builders import open_warehouse

from qa_pipeline.warehouse import Warehouse


@pytest.fixture()
def warehouse(tmp_path: Path) -> Warehouse:
    return open_warehouse(tmp_path)

"""Judge fixtures: the real models and rubrics, loaded once per test session."""

from __future__ import annotations

import pytest

from qa_pipeline.judge import Judge


@pytest.fixture(scope="session")
def judge() -> Judge:
    return Judge.from_settings(rubric="collections-us")


@pytest.fixture(scope="session")
def first_party_judge() -> Judge:
    return Judge.from_settings(rubric="first-party-creditor")

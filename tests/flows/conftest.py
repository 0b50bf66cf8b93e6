"""Fixtures for the flow tests: a Prefect test harness (temporary API and database, PREFECT_HOME
under tmp) for the whole session, and input folders of real conversations from the corpus."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "data" / "corpus" / "tune"
#: the shortest voice calls and chats of the corpus keep the default run fast: the judge's
#: sentence embedder is the cost, and it grows with the words of a call
GOOD_CALLS = ("CB-064", "CF-001", "CC-007", "CC-065", "CA-050", "CD-043")


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """ONE temporary Prefect API server (and database) for the whole session; yields its URL.

    Starting a Prefect server costs seconds of CPU (its database migrations, uvicorn), so every
    flow test shares this one, and so does the kill test's subprocess (through
    ``PREFECT_API_URL``) instead of starting a server of its own.
    """
    home = tmp_path_factory.mktemp("prefect-home")
    os.environ["PREFECT_HOME"] = str(home)
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield str(PREFECT_API_URL.value())


@pytest.fixture(scope="session")
def frozen_rubric(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A copy of the rubric taken once: the repository's file may be edited while tests run,
    and an edited rubric is rightly a different rubric (its scorecards are judged again)."""
    path = tmp_path_factory.mktemp("rubric") / "collections-us.yaml"
    path.write_bytes((REPO / "rubrics" / "collections-us.yaml").read_bytes())
    return str(path)


def write_calls(folder: Path, ids: tuple[str, ...] = GOOD_CALLS, *, corrupt: bool = True) -> Path:
    """Copy corpus conversations (without their labels) into ``folder``, plus two corrupt files."""
    folder.mkdir(parents=True, exist_ok=True)
    for call_id in ids:
        doc = json.loads((CORPUS / f"{call_id}.json").read_text(encoding="utf-8"))
        doc.pop("labels", None)
        (folder / f"{call_id}.json").write_text(json.dumps(doc, indent=1), encoding="utf-8")
    if corrupt:
        (folder / "zz-truncated.json").write_text('{"call_id": "ZZ-1", "agent_id": "A-1", "chan')
        (folder / "zz-no-date.json").write_text(
            json.dumps(
                {
                    "call_id": "ZZ-2",
                    "agent_id": "A-1",
                    "channel": "chat",
                    "utterances": [{"speaker": "agent", "text": "hi"}],
                }
            )
        )
    return folder


def table_counts(db: Path) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
            for t in ("calls", "utterances", "scorecards", "findings", "errors")
        }
    finally:
        con.close()

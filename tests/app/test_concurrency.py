"""A review made in the app survives a pipeline run loading the same warehouse at the same
time, and shows in the agreement panel; the run is not held up by the app either."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import open_page, sign_in

from qa_pipeline.review_store import ReviewStore

HERE = Path(__file__).resolve().parent

#: a pipeline run's loading: the real writer storing one call per transaction until told to stop
WRITER = """
import sys, time
from pathlib import Path
sys.path.insert(0, {here!r})
from app_sample_warehouse import store_more_calls
warehouse, stop, started = Path({warehouse!r}), Path({stop!r}), Path({started!r})
i = 0
while not stop.exists():
    store_more_calls(warehouse, f"RUN{{i:03d}}", 1)
    started.touch()
    i += 1
print(i)
"""


def test_a_review_survives_a_concurrent_run(
    sample_warehouse: Path,
    users_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    warehouse = tmp_path / "live.duckdb"
    shutil.copy(sample_warehouse, warehouse)
    store = ReviewStore(tmp_path / "live.reviews.sqlite")
    monkeypatch.setenv("QA_APP_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("QA_APP_USERS", str(users_file))
    monkeypatch.setenv("QA_APP_REVIEWS", str(store.path))
    stop, started = tmp_path / "stop", tmp_path / "started"
    script = WRITER.format(
        here=str(HERE), warehouse=str(warehouse), stop=str(stop), started=str(started)
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 120
        while not started.exists():
            assert writer.poll() is None, writer.communicate()
            assert time.monotonic() < deadline, "the writer never stored a call"
            time.sleep(0.1)

        at = open_page(sign_in("qa"), "flagged_review")
        key = next(
            b.key.removeprefix("fr_submit_")
            for b in at.button
            if (b.key or "").startswith("fr_submit_") and "threat_arrest_or_jail" in b.key
        )
        at.radio(key=f"fr_decision_{key}").set_value("confirm")
        at.text_input(key=f"fr_reason_{key}").input("arrest threat, confirmed during a run")
        at.button(key=f"fr_submit_{key}").click().run()
        assert not at.exception
        assert writer.poll() is None, "the run must still be loading while the review is saved"
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=300)
    assert writer.returncode == 0, err
    batches = int(out.strip())
    assert batches >= 1

    # the run's calls and the review are both there, and the panel shows the review
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        n_calls = con.execute("SELECT count(*) FROM calls").fetchone()
    finally:
        con.close()
    assert n_calls == (18 + batches,)
    reviews = store.reviews()
    assert reviews[["item_id", "decision", "reviewer"]].values.tolist() == [
        ["threat_arrest_or_jail", "confirm", "qa"]
    ]
    at.run()
    panel = next(d.value for d in at.dataframe if "agreement" in d.value.columns)
    row = panel.set_index("item_id").loc["threat_arrest_or_jail"]
    assert (row["reviewed"], row["confirmed"]) == (1, 1)

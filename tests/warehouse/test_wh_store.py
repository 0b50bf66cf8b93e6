from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from wh_builders import EST, counts, make_call, make_rubric

from qa_pipeline.warehouse import CallFailure, CallIdentity, Warehouse
from qa_pipeline.warehouse import store as store_module


def test_batch_is_stored_with_evidence(warehouse: Warehouse) -> None:
    rubric = make_rubric()
    run = warehouse.start_run(input="in/", rubric=rubric)
    calls = [make_call(i, violation=(i == 1)) for i in range(3)]
    res = warehouse.store_scorecards(calls, rubric=rubric, run_id=run)
    assert (res.calls_added, res.scorecards_added, res.utterances_added) == (3, 3, 12)
    # 9 script + 1 empathy + 1 flag per call, + 1 violation on call 1
    assert res.findings_added == 3 * 11 + 1
    v = warehouse.query(
        "SELECT call_id, violation_id, statute, evidence_utterance, quote, start_s, evidence_text "
        "FROM v_violations_evidence"
    )
    assert v == [
        (
            "C-0001",
            "pressure_tactics",
            "15 USC 1692d, 1692f",
            2,
            "Pay today or else",
            3.2,
            "Pay today or else, I can't hold this account.",
        )
    ]
    local = warehouse.query(
        "SELECT started_at_local, utc_offset_minutes, call_date FROM calls WHERE call_id = 'C-0000'"
    )[0]
    assert local[0] == datetime(2026, 3, 2, 10, 0) and local[1] == -300
    assert warehouse.query("SELECT rubric_id, version FROM rubric_versions") == [
        ("test-rubric", "1")
    ]
    assert warehouse.query("SELECT name, version FROM model_versions") == [("judge", "test-0")]


def test_same_batch_twice_adds_nothing(warehouse: Warehouse) -> None:
    rubric = make_rubric()
    run = warehouse.start_run(input="in/", rubric=rubric)
    calls = [make_call(i) for i in range(4)]
    warehouse.store_scorecards(calls, rubric=rubric, run_id=run)
    before = counts(warehouse)
    again = warehouse.store_scorecards(calls, rubric=rubric, run_id=run)
    assert (again.calls_added, again.scorecards_added, again.findings_added) == (0, 0, 0)
    assert counts(warehouse) == before
    assert warehouse.confirm_judged([c.identity for c in calls], rubric) == {
        c.identity.call_key for c in calls
    }


def test_new_rubric_version_keeps_old_scorecards_and_marks_current(warehouse: Warehouse) -> None:
    v1, v2 = make_rubric("1"), make_rubric("2")
    calls = [make_call(i) for i in range(2)]
    warehouse.store_scorecards(calls, rubric=v1, run_id=warehouse.start_run(input="x", rubric=v1))
    warehouse.store_scorecards(calls, rubric=v2, run_id=warehouse.start_run(input="x", rubric=v2))
    rows = warehouse.query(
        "SELECT rubric_version, is_current, count(*) FROM scorecards GROUP BY ALL ORDER BY 1"
    )
    assert rows == [("1", False, 2), ("2", True, 2)]
    # utterances are stored once per call content, whatever the rubric
    assert counts(warehouse)["utterances"] == 8
    # going back to v1 makes v1 current again without adding rows
    assert warehouse.confirm_judged([c.identity for c in calls], v1) == {
        c.identity.call_key for c in calls
    }
    rows = warehouse.query(
        "SELECT rubric_version, is_current, count(*) FROM scorecards GROUP BY ALL ORDER BY 1"
    )
    assert rows == [("1", True, 2), ("2", False, 2)]
    assert warehouse.query("SELECT count(*) FROM v_current_calls WHERE rubric_version = '1'") == [
        (2,)
    ]


def test_new_content_of_a_call_becomes_current(warehouse: Warehouse) -> None:
    rubric = make_rubric()
    run = warehouse.start_run(input="x", rubric=rubric)
    old, new = make_call(7), make_call(7, text_suffix=" (corrected)")
    assert old.identity.call_key != new.identity.call_key
    warehouse.store_scorecards([old], rubric=rubric, run_id=run)
    warehouse.store_scorecards([new], rubric=rubric, run_id=run)
    assert warehouse.query("SELECT call_key, is_current FROM calls ORDER BY loaded_at") == [
        (old.identity.call_key, False),
        (new.identity.call_key, True),
    ]
    assert warehouse.query("SELECT count(*) FROM scorecards WHERE is_current") == [(1,)]
    assert warehouse.query("SELECT count(*) FROM v_current_calls") == [(1,)]


def test_failures_are_rows_once_and_a_later_success_replaces_them(warehouse: Warehouse) -> None:
    rubric = make_rubric()
    run = warehouse.start_run(input="x", rubric=rubric)
    good = make_call(1)
    bad = CallFailure(
        CallIdentity("C-bad", "ab" * 32, "/in/bad.json"),
        "load",
        "ConversationError",
        "/in/bad.json: is not valid JSON (line 1, column 2: Expecting value)",
    )
    transient = CallFailure(
        good.identity, "judge", "RuntimeError", "out of memory", good.conversation
    )
    r1 = warehouse.store_batch([], [bad, transient], rubric=rubric, run_id=run)
    assert (r1.calls_added, r1.errors_added) == (2, 2)
    r2 = warehouse.store_batch([], [bad, transient], rubric=rubric, run_id=run)
    assert (r2.calls_added, r2.errors_added) == (0, 0)
    assert warehouse.query("SELECT status, count(*) FROM calls GROUP BY 1") == [("failed", 2)]
    warehouse.store_scorecards([good], rubric=rubric, run_id=run)
    assert warehouse.query("SELECT call_id, status FROM calls ORDER BY 1") == [
        ("C-0001", "judged"),
        ("C-bad", "failed"),
    ]
    cov = warehouse.query("SELECT sum(received), sum(judged), sum(failed) FROM v_coverage")
    assert cov == [(2, 1, 1)]
    assert warehouse.query("SELECT call_id, stage FROM v_failed_calls") == [("C-bad", "load")]


def test_a_batch_that_fails_midway_leaves_nothing(
    warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    rubric = make_rubric()
    run = warehouse.start_run(input="x", rubric=rubric)
    real = store_module.statement

    def failing(name: str, file: str = "store.sql") -> str:
        if name == "insert_findings":  # after calls, utterances and scorecards went in
            raise RuntimeError("simulated crash in the middle of the transaction")
        return real(name, file)

    monkeypatch.setattr(store_module, "statement", failing)
    with pytest.raises(RuntimeError, match="simulated"):
        warehouse.store_scorecards([make_call(i) for i in range(3)], rubric=rubric, run_id=run)
    monkeypatch.setattr(store_module, "statement", real)
    c = counts(warehouse)
    assert (c["calls"], c["utterances"], c["scorecards"], c["findings"]) == (0, 0, 0, 0)


def test_reg_f_seven_in_seven(warehouse: Warehouse) -> None:
    rubric = make_rubric()
    run = warehouse.start_run(input="x", rubric=rubric)
    day0 = datetime(2026, 3, 2, 9, 0, tzinfo=EST)
    # ACC-X: 8 voice calls over 7 consecutive days (breach on the 8th)
    x = [
        make_call(
            100 + i, account="ACC-X", started_at=day0 + timedelta(days=i * 6 / 7, hours=i % 2)
        )
        for i in range(8)
    ]
    # ACC-Y: 8 calls spread over 8 days -> never more than 7 in 7 days
    y = [make_call(200 + i, account="ACC-Y", started_at=day0 + timedelta(days=i)) for i in range(8)]
    # ACC-Z: 9 chats in one day -> chat is exempt
    z = [
        make_call(300 + i, account="ACC-Z", channel="chat", started_at=day0 + timedelta(hours=i))
        for i in range(9)
    ]
    warehouse.store_scorecards(x + y + z, rubric=rubric, run_id=run)
    rows = warehouse.query("SELECT account_id, call_id, attempts_in_7_days FROM v_reg_f_7in7")
    assert rows == [("ACC-X", "C-0107", 8)]
    peak_y = warehouse.query(
        "SELECT max(attempts_in_7_days) FROM v_reg_f_attempts WHERE account_id='ACC-Y'"
    )
    assert peak_y == [(7,)]


def test_calling_hours_and_reporting_views(warehouse: Warehouse) -> None:
    rubric = make_rubric()
    run = warehouse.start_run(input="x", rubric=rubric)
    late = make_call(1, started_at=datetime(2026, 3, 2, 21, 0, tzinfo=EST), violation=True)
    early = make_call(2, started_at=datetime(2026, 3, 2, 7, 59, tzinfo=EST))
    fine = make_call(3, started_at=datetime(2026, 3, 2, 20, 59, tzinfo=EST))
    warehouse.store_scorecards([late, early, fine], rubric=rubric, run_id=run)
    assert [r[0] for r in warehouse.query("SELECT call_id FROM v_calling_hours ORDER BY 1")] == [
        "C-0001",
        "C-0002",
    ]
    daily = warehouse.query(
        "SELECT agent_id, calls, violations FROM v_agent_compliance_daily ORDER BY 1"
    )
    assert daily == [("A-0", 1, 0), ("A-1", 1, 1), ("A-2", 1, 0)]
    reasons = warehouse.query(
        "SELECT non_payment_reason, dpd_bucket, sum(calls) FROM v_nonpayment_reasons GROUP BY ALL"
    )
    assert reasons == [("job_loss", "31-60", 3)]
    coaching = warehouse.query(
        "SELECT call_id, item_id, priority FROM v_coaching_moments ORDER BY priority, call_id, item_id"
    )
    # the pressure tactic first, then missed empathy after a job loss (a hardship)
    assert coaching[0] == ("C-0001", "pressure_tactics", 1)
    assert ("C-0002", "acknowledgment", 2) in coaching

"""Every page in Streamlit's AppTest on the sample warehouse: real numbers and names on it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
from app_sample_warehouse import (
    LATE_CALL,
    REG_F_ACCOUNT,
    SENSITIVE_CALL,
    SENSITIVE_QUOTE,
    THREAT_QUOTE,
    VIOLATING_CALL,
)
from conftest import open_page
from streamlit.testing.v1 import AppTest

from qa_pipeline.review_store import ReviewStore

SignIn = Callable[[str], AppTest]


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _frames(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe]


def _df(at: AppTest, *columns: str) -> pd.DataFrame:
    """The first table on the page with all these columns (AppTest keeps no table keys)."""
    for df in _frames(at):
        if all(c in df.columns for c in columns):
            return df
    raise AssertionError(f"no table with columns {columns} on the page")


def _all_text(at: AppTest) -> str:
    return "\n".join(str(t.value) for t in at.text)


def test_agent_compliance_ranks_agents_and_drills_down(signed_in: SignIn) -> None:
    at = open_page(signed_in("qa"), "agent_compliance")
    assert at.title[0].value == "Agent compliance"
    m = _metrics(at)
    assert m["Judged calls"] == "17"
    assert m["Calls with violations"] == "3"
    ranking = _df(at, "rank")
    assert ranking["agent_id"].tolist() == ["A-101", "A-103", "A-102"]
    assert ranking.set_index("agent_id").loc["A-102", "calls"] == 4

    at.selectbox(key="ac_agent").select("A-102").run()
    calls = _df(at, "failed_items")
    assert VIOLATING_CALL in calls["call_id"].tolist()
    at.selectbox(key="ac_call").select(VIOLATING_CALL).run()
    failed = _df(at, "evidence_text", "ai_verdict")
    assert "threat_arrest_or_jail" in failed["item_id"].tolist()
    assert THREAT_QUOTE in failed["evidence_text"].tolist()


def test_filters_carry_across_pages(signed_in: SignIn) -> None:
    at = open_page(signed_in("admin"), "agent_compliance")
    at.sidebar.multiselect(key="flt_agents").select("A-101").run()
    assert _metrics(at)["Judged calls"] == "3"
    open_page(at, "operations_kpis")
    assert at.sidebar.multiselect(key="flt_agents").value == ["A-101"]
    agents = _df(at, "promises_due")
    assert agents["agent_id"].tolist() == ["A-101"]


def test_coaching_queue_marks_a_moment_coached_with_a_note(
    signed_in: SignIn, review_store: ReviewStore
) -> None:
    at = open_page(signed_in("coach"), "coaching_queue")
    queue = _df(at, "why", "priority")
    assert queue["priority"].min() == 1
    assert "skipped identity verification before discussing the debt" in queue["why"].tolist()
    # pick the threat: its transcript shows the words and the recording is not a chat
    threat = next(o for o in at.selectbox(key="cq_moment").options if "threat_arrest" in o)
    at.selectbox(key="cq_moment").select(threat).run()
    assert THREAT_QUOTE in _all_text(at)
    assert "◀ evidence" in _all_text(at)

    note = "<b>Talked</b> through the FDCPA threat rules"
    at.text_area(key="cq_note").input(note)
    at.button(key="cq_submit").click().run()
    assert not at.exception
    notes = review_store.coaching_notes()
    assert notes["note"].tolist() == [note]
    assert notes["coach"].tolist() == ["coach"]
    assert any("Marked C-2002 coached" in s.value for s in at.success)
    # a coached moment leaves the open queue, and comes back with its note when asked for
    assert not any("threat_arrest" in o for o in at.selectbox(key="cq_moment").options)
    at.toggle(key="cq_show_coached").set_value(True).run()
    threat = next(o for o in at.selectbox(key="cq_moment").options if "threat_arrest" in o)
    at.selectbox(key="cq_moment").select(threat).run()
    shown = _df(at, "coach", "note")
    assert shown["note"].tolist() == [note]
    # drawn as text in a table, never as Markdown or HTML
    assert all("Talked" not in str(md.value) for md in at.markdown)


def test_coaching_queue_plays_the_recording_from_the_evidence_second(signed_in: SignIn) -> None:
    at = open_page(signed_in("coach"), "coaching_queue")
    audio_moment = next(o for o in at.selectbox(key="cq_moment").options if "C-1001" in o)
    at.selectbox(key="cq_moment").select(audio_moment).run()
    audio = at.get("audio")
    assert len(audio) == 1
    assert audio[0].proto.start_time >= 0


def test_only_the_redacted_copy_of_a_recording_is_played(tmp_path: Path) -> None:
    from app_streamlit.ui import _audio_file

    original, copy = tmp_path / "c.wav", tmp_path / "c.redacted.wav"
    original.write_bytes(b"x")
    copy.write_bytes(b"y")

    class _Ctx:
        class settings:  # a stand-in for the page context's settings
            warehouse = tmp_path / "w.duckdb"

    def header(**kw: object) -> pd.Series:
        return pd.Series({"audio_path": str(original), "source_path": None, **kw})

    ctx = _Ctx()
    assert _audio_file(ctx, header(audio_redacted_path=str(copy), n_redactions=2)) == copy  # type: ignore[arg-type]
    assert _audio_file(ctx, header(audio_redacted_path=None, n_redactions=2)) is None  # type: ignore[arg-type]
    assert _audio_file(ctx, header(audio_redacted_path=None, n_redactions=0)) == original  # type: ignore[arg-type]


def test_flagged_review_confirms_and_overturns_and_shows_agreement(
    signed_in: SignIn, review_store: ReviewStore
) -> None:
    at = open_page(signed_in("qa"), "flagged_review")
    worklist = _df(at, "findings", "reviewed")
    assert worklist["call_id"].iloc[0] == VIOLATING_CALL
    assert SENSITIVE_CALL in worklist["call_id"].tolist()
    assert THREAT_QUOTE in _all_text(at)

    threat = next(k for k in _form_keys(at) if "violation|threat_arrest_or_jail" in k)
    pressure = next(k for k in _form_keys(at) if "violation|pressure_tactics" in k)
    at.radio(key=f"fr_decision_{threat}").set_value("confirm")
    at.text_input(key=f"fr_reason_{threat}").input("clear arrest threat at 0:03")
    at.button(key=f"fr_submit_{threat}").click().run()
    at.radio(key=f"fr_decision_{pressure}").set_value("overturn")
    at.text_input(key=f"fr_reason_{pressure}").input("a calm deadline, not coercion")
    at.button(key=f"fr_submit_{pressure}").click().run()
    assert not at.exception

    reviews = review_store.reviews()
    assert reviews["decision"].tolist() == ["confirm", "overturn"]
    assert set(reviews["reviewer"]) == {"qa"}
    agreement = _df(at, "agreement").set_index("item_id")
    assert agreement.loc["threat_arrest_or_jail", "agreement"] == 1.0
    assert agreement.loc["pressure_tactics", "overturned"] == 1
    worklist = _df(at, "findings", "reviewed").set_index("call_id")
    assert worklist.loc[VIOLATING_CALL, "reviewed"] == 2


def test_a_review_needs_a_reason(signed_in: SignIn, review_store: ReviewStore) -> None:
    at = open_page(signed_in("qa"), "flagged_review")
    key = next(iter(_form_keys(at)))
    at.button(key=f"fr_submit_{key}").click().run()
    assert any("reason is required" in e.value for e in at.error)
    assert review_store.reviews().empty


def _form_keys(at: AppTest) -> list[str]:
    return [
        b.key.removeprefix("fr_submit_")
        for b in at.button
        if (b.key or "").startswith("fr_submit_")
    ]


def test_compliance_audit_shows_coverage_statutes_and_timing_rules(signed_in: SignIn) -> None:
    at = open_page(signed_in("compliance"), "compliance_audit")
    m = _metrics(at)
    assert (m["Calls received"], m["Judged"], m["Failed"]) == ("18", "17", "1")
    assert m["Judged share (target 100%)"] == "94.4%"
    by_type = _df(at, "violation_id", "statute", "confirmed").set_index("violation_id")
    assert by_type.loc["threat_arrest_or_jail", "statute"] == "15 USC 1692e(4)"
    assert _df(at, "error_type")["call_id"].tolist() == ["C-9999"]
    assert _df(at, "utc_offset_minutes")["call_id"].tolist() == [LATE_CALL]
    assert set(_df(at, "attempts_in_7_days")["account_id"]) == {REG_F_ACCOUNT}
    sensitive = _df(at, "kind", "utterance")
    assert sensitive["call_id"].tolist() == [SENSITIVE_CALL]
    assert sensitive["quote"].tolist() == [SENSITIVE_QUOTE]
    download = at.get("download_button")
    assert len(download) == 1


def test_nonpayment_reasons_and_the_sql_box(signed_in: SignIn) -> None:
    at = open_page(signed_in("analyst"), "nonpayment_reasons")
    m = _metrics(at)
    assert m["Promise-to-pay rate"] == "23.5%"
    assert m["Promised in total"] == "$720.00"
    table = _df(at, "agent", "dispute").set_index("agent")
    assert table.loc["A-102", "dispute"] == 1
    at.radio(key="np_dim").set_value("dpd_bucket").run()
    assert "180+" in _df(at, "days past due", "dispute")["days past due"].tolist()

    at.text_area(key="np_sql").input(
        "SELECT agent_id, count(*) AS n FROM f_judged GROUP BY 1 ORDER BY 1"
    )
    at.button(key="np_sql_run").click().run()
    result = _df(at, "n")
    assert result.to_dict("list") == {"agent_id": ["A-101", "A-102", "A-103"], "n": [3, 4, 10]}

    at.text_area(key="np_sql").input("COPY calls TO '/tmp/leak.csv'")
    at.button(key="np_sql_run").click().run()
    assert any("COPY statements are refused" in e.value for e in at.error)


def test_operations_kpis_with_payments_loaded(signed_in: SignIn) -> None:
    at = open_page(signed_in("admin"), "operations_kpis")
    m = _metrics(at)
    assert m["Right-party contact rate"] == "47.1%"  # 8 of 17 verified
    assert m["Promise-to-pay rate"] == "23.5%"  # 4 of 17
    assert m["Compliance rate"] == "82.4%"  # 14 of 17 without a violation
    assert m["Dispute rate"] == "11.8%"
    assert m["Vulnerable-customer share"] == "5.9%"
    assert m["Promise-kept rate"] == "25.0%"  # C-1003 kept; C-1001, C-2003, C-3001 broken
    promises = _df(at, "outcome").set_index("call_id")
    assert promises.loc["C-1003", "outcome"] == "kept"
    assert promises.loc["C-1001", "outcome"] == "broken"

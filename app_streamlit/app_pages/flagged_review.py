"""Flagged call review: the QA worklist of calls with violations or low scores; each finding
with its evidence in context and audio, confirmed or overturned with a reason (append-only),
and the AI-vs-reviewer agreement per rubric item."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_streamlit import ui
from qa_pipeline.errors import QAPipelineError

ctx = ui.page("flagged_review", "Flagged call review")

worklist_tab, agreement_tab = st.tabs(["Worklist", "AI vs reviewer agreement"])

with worklist_tab:
    c1, c2 = st.columns(2)
    max_compliance = c1.slider(
        "Also list calls with compliance below", 0.0, 1.0, 0.7, 0.05, key="fr_max_compliance"
    )
    max_script = c2.slider(
        "... or script adherence below", 0.0, 1.0, 0.5, 0.05, key="fr_max_script"
    )
    worklist = ctx.frame("review_worklist", max_compliance=max_compliance, max_script=max_script)
    if ui.empty(worklist, "No flagged calls match the filter."):
        st.stop()
    open_calls = int((worklist["reviewed"] < worklist["findings"]).sum())
    st.caption(f"{len(worklist)} flagged calls, {open_calls} with findings not yet reviewed.")
    st.dataframe(worklist.drop(columns=["call_key"]), hide_index=True, key="fr_worklist")

    call_id = st.selectbox("Call to review", worklist["call_id"].tolist(), key="fr_call")
    call_key = worklist.loc[worklist["call_id"] == call_id, "call_key"].iloc[0]
    findings, call_reviews = ctx.frames(
        ("call_findings", {"call_key": call_key}), ("reviews_for_call", {"call_key": call_key})
    )
    show_all = st.toggle("Also show items the agent passed", key="fr_show_all")
    if not show_all:
        findings = findings[findings["adverse"]]
    may_review = ui.allowed(ctx, "review_finding")

    for n, f in enumerate(ui.records(findings)):
        decided = (
            f"reviewer: {f['review_decision']} by {f['reviewed_by']}"
            if f["review_decision"]
            else "not reviewed"
        )
        with st.expander(
            f"{f['kind']} · {f['item_id']} · {f['ai_verdict']} · {decided}", expanded=n == 0
        ):
            facts = {
                "AI verdict": f["ai_verdict"],
                "confidence": f["confidence"],
                "statute": f["statute"] or "",
                "rubric": f"{f['rubric_id']} v{f['rubric_version']}",
                "judge's rationale": f["rationale"] or "",
                "quote": f["quote"] or "",
            }
            st.dataframe(
                pd.DataFrame({"": list(facts), "value": [str(v) for v in facts.values()]}),
                hide_index=True,
                key=f"fr_facts_{f['finding_id']}",
            )
            left, right = st.columns([3, 2])
            with left:
                ui.transcript(ctx, call_key, f["evidence_utterance"])
            with right:
                ui.audio_at(ctx, call_key, f["start_s"])
                history = call_reviews[call_reviews["finding_id"] == f["finding_id"]].drop(
                    columns=["finding_id"]
                )
                if not history.empty:
                    st.text("Review history (latest first)")
                    st.dataframe(history, hide_index=True, key=f"fr_hist_{f['finding_id']}")
            if may_review:
                with st.form(f"fr_form_{f['finding_id']}", clear_on_submit=True):
                    decision = st.radio(
                        "Decision",
                        ["confirm", "overturn"],
                        horizontal=True,
                        key=f"fr_decision_{f['finding_id']}",
                    )
                    reason = st.text_input(
                        "Reason (required)", key=f"fr_reason_{f['finding_id']}", max_chars=4000
                    )
                    submitted = st.form_submit_button(
                        "Save review", key=f"fr_submit_{f['finding_id']}"
                    )
                if submitted:
                    if not ui.allowed(ctx, "review_finding"):  # checked again when acting
                        st.error("Your role may not review findings.")
                    else:
                        try:
                            ctx.store.add_review(
                                ui.finding_ref(f),
                                decision=decision,
                                reason=reason,
                                reviewer=ctx.user.name,
                                reviewer_role=ctx.user.role,
                            )
                        except QAPipelineError as exc:
                            st.error(str(exc))
                        else:
                            ui.flash(f"Saved: {decision} {f['item_id']} on {f['call_id']}.")
                            st.rerun()

with agreement_tab:
    st.caption(
        "Latest review of each finding against what the judge said. Low agreement marks "
        "rubric items to tune (phrasings, negatives, thresholds)."
    )
    agreement = ctx.frame("agreement_by_item")
    if not ui.empty(agreement, "No reviews yet in this filter."):
        total = int(agreement["reviewed"].sum())
        confirmed = int(agreement["confirmed"].sum())
        st.metric(
            "Overall agreement",
            ui.pct(ui.share(confirmed, total)),
            help=f"{total} reviewed findings",
        )
        st.dataframe(
            agreement,
            hide_index=True,
            column_config={
                "agreement": st.column_config.ProgressColumn(
                    "agreement", min_value=0, max_value=1, format="%.2f"
                )
            },
            key="fr_agreement",
        )

"""Compliance audit: coverage against the 100% target, violations by type, agent and period with
statute citations, calling-hours and 7-in-7 findings, sensitive-data requests, and the
evidence export for an auditor."""

from __future__ import annotations

import altair as alt
import streamlit as st

from app_streamlit import ui

ctx = ui.page("compliance_audit", "Compliance audit")
grain = st.session_state.get("ca_grain", "week")
(
    coverage,
    by_day,
    failed_calls,
    by_type,
    by_agent,
    by_period,
    hours,
    seven,
    sensitive,
    export,
) = ctx.frames(
    ("coverage_totals", {}),
    ("coverage_by_day", {}),
    ("failed_calls", {}),
    ("violations_by_type", {}),
    ("violations_by_agent", {}),
    ("violations_by_period", {"grain": grain}),
    ("calling_hours", {}),
    ("reg_f_7in7", {}),
    ("sensitive_requests", {}),
    ("evidence_export", {}),
)

# ---------------------------------------------------------------- coverage
st.subheader("Coverage")
cov = coverage.iloc[0]
received, judged, failed = int(cov["received"]), int(cov["judged"]), int(cov["failed"])
c1, c2, c3, c4 = st.columns(4)
c1.metric("Calls received", received)
c2.metric("Judged", judged)
c3.metric("Failed", failed)
judged_share = ui.share(judged, received)
c4.metric(
    "Judged share (target 100%)",
    ui.pct(judged_share),
    delta=None if judged_share is None else f"{(judged_share - 1) * 100:.1f} pts vs target",
    delta_color="normal",
)
if int(cov["undated"]):
    st.warning(
        f"{int(cov['undated'])} call(s) failed before their date could be read; they are "
        "listed below whatever the date filter."
    )
if not by_day.empty:
    long = by_day.melt("call_date", ["judged", "failed"], var_name="status", value_name="calls")
    st.altair_chart(
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("call_date:O", title="day"),
            y="calls:Q",
            color="status:N",
            tooltip=["call_date", "status", "calls"],
        ),
        width="stretch",
    )
if not failed_calls.empty:
    st.text("Calls that could not be judged, and why")
    st.dataframe(failed_calls, hide_index=True, key="ca_failed")

# ---------------------------------------------------------------- violations
st.subheader("Violations")
if not ui.empty(by_type, "No violations in this filter."):
    st.dataframe(by_type, hide_index=True, key="ca_by_type")
    st.radio("Period", ["week", "month"], horizontal=True, key="ca_grain")
    left, right = st.columns(2)
    with left:
        st.text("By agent")
        st.dataframe(
            by_agent.pivot_table(
                index="agent_id",
                columns="violation_id",
                values="findings",
                fill_value=0,
                aggfunc="sum",
            ).reset_index(),
            hide_index=True,
            key="ca_by_agent",
        )
    with right:
        st.text(f"By {grain}")
        st.altair_chart(
            alt.Chart(by_period)
            .mark_bar()
            .encode(
                x=alt.X("period:O", title=grain),
                y="findings:Q",
                color="violation_id:N",
                tooltip=["period", "violation_id", "findings"],
            ),
            width="stretch",
        )

# ---------------------------------------------------------------- Reg F timing rules
st.subheader("Calling hours (12 CFR 1006.6(b)(1)(i))")
if not ui.empty(hours, "No voice call started before 08:00 or after 21:00 local time."):
    st.dataframe(hours, hide_index=True, key="ca_hours")

st.subheader("Call frequency: more than 7 attempts in 7 days (12 CFR 1006.14(b)(2))")
if not ui.empty(seven, "No account received more than 7 call attempts within 7 days."):
    st.dataframe(seven, hide_index=True, key="ca_7in7")

st.subheader("Sensitive data asked for in the open")
st.caption(
    "An agent asking for or repeating a full card number, CVV or SSN instead of using the secure payment link or IVR (PCI-DSS)."
)
if not ui.empty(sensitive, "No sensitive-data requests found in this filter."):
    st.dataframe(sensitive, hide_index=True, key="ca_sensitive")

# ---------------------------------------------------------------- export
st.subheader("Evidence export")
st.caption(
    f"{len(export)} findings (violations and sensitive-data requests) with evidence text, "
    "statute, rubric and model versions and the reviewer's decision; redacted text only."
)
if ui.allowed(ctx, "export_evidence"):
    st.download_button(
        "Download evidence (CSV)",
        export.to_csv(index=False).encode("utf-8"),
        file_name=f"evidence_{ctx.filters.date_from}_{ctx.filters.date_to}.csv",
        mime="text/csv",
        key="ca_export",
        disabled=export.empty,
    )
else:
    st.text("Only compliance and admin roles may export evidence.")

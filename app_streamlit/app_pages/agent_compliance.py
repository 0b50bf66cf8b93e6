"""Agent compliance: scores per agent over time, a ranking with the calls behind each score,
and a drill-down to an agent's calls and their failed items."""

from __future__ import annotations

import altair as alt
import streamlit as st

from app_streamlit import ui

ctx = ui.page("agent_compliance", "Agent compliance")

overview = ctx.frame("compliance_overview").iloc[0]
if ui.empty(ctx.frame("agent_ranking"), "No judged calls match the filter."):
    st.stop()
c1, c2, c3, c4 = st.columns(4)
c1.metric("Judged calls", int(overview["calls"]))
c2.metric("Average compliance", ui.pct(overview["avg_compliance"]))
c3.metric("Average script adherence", ui.pct(overview["avg_script_adherence"]))
c4.metric("Calls with violations", int(overview["calls_with_violations"]))

st.subheader("Scores by week")
trend = ctx.frame("agent_trend")
measure = st.radio(
    "Score",
    ["compliance", "script_adherence"],
    horizontal=True,
    key="ac_measure",
    format_func=lambda m: m.replace("_", " "),
)
chart = (
    alt.Chart(trend)
    .mark_line(point=True)
    .encode(
        x=alt.X("week:O", title="week"),
        y=alt.Y(f"{measure}:Q", title=measure.replace("_", " "), scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("agent_id:N", title="agent"),
        tooltip=["agent_id", "week", alt.Tooltip(f"{measure}:Q", format=".2f"), "calls"],
    )
)
st.altair_chart(chart, width="stretch")

st.subheader("Ranking")
st.caption(
    "Ranked by average compliance, then script adherence; 'calls' is how many judged calls each score rests on."
)
ranking = ctx.frame("agent_ranking")
st.dataframe(
    ranking,
    hide_index=True,
    column_config={
        "compliance": st.column_config.ProgressColumn(
            "compliance", min_value=0, max_value=1, format="%.2f"
        ),
        "script_adherence": st.column_config.ProgressColumn(
            "script adherence", min_value=0, max_value=1, format="%.2f"
        ),
    },
    key="ac_ranking",
)

st.subheader("Drill down")
agent = st.selectbox("Agent", ranking["agent_id"].tolist(), key="ac_agent")
calls = ctx.frame("agent_calls", agent=agent)
st.dataframe(calls.drop(columns=["call_key"]), hide_index=True, key="ac_calls")
if not calls.empty:
    call_id = st.selectbox("Call", calls["call_id"].tolist(), key="ac_call")
    call_key = calls.loc[calls["call_id"] == call_id, "call_key"].iloc[0]
    failed = ctx.frame("call_failed_items", call_key=call_key)
    if not ui.empty(failed, "Nothing failed on this call."):
        st.dataframe(failed, hide_index=True, key="ac_failed")

"""Operations KPIs that collections managers already track: right-party contact rate,
promise-to-pay rate, compliance rate, dispute rate, vulnerable-customer share and, once a
payments file is loaded, the promise-kept rate."""

from __future__ import annotations

import altair as alt
import streamlit as st

from app_streamlit import ui

ctx = ui.page("operations_kpis", "Operations KPIs")

grain = st.session_state.get("ok_grain", "week")
kpis, trend, by_agent, promises = ctx.frames(
    ("kpis", {}), ("kpis_by_period", {"grain": grain}), ("kpis_by_agent", {}), ("promises", {})
)
k = kpis.iloc[0]
judged = int(k["judged_calls"])
if judged == 0:
    st.info("No judged calls match the filter.")
    st.stop()

rpc = int(k["right_party_contacts"])
kept, broken, pending = (
    int(k["promises_kept"]),
    int(k["promises_broken"]),
    int(k["promises_pending"]),
)
c = st.columns(6)
c[0].metric(
    "Right-party contact rate",
    ui.pct(ui.share(rpc, judged)),
    help=f"{rpc} of {judged} judged calls verified the debtor",
)
c[1].metric(
    "Promise-to-pay rate",
    ui.pct(ui.share(k["promises"], judged)),
    help=f"{int(k['promises'])} promises; {ui.pct(ui.share(k['promises'], rpc))} of right-party contacts",
)
c[2].metric(
    "Compliance rate",
    ui.pct(ui.share(k["compliant_calls"], judged)),
    help="judged calls with no violation",
)
c[3].metric(
    "Dispute rate",
    ui.pct(ui.share(k["disputes"], judged)),
    help=f"{int(k['disputes'])} calls with a dispute flag",
)
c[4].metric(
    "Vulnerable-customer share",
    ui.pct(ui.share(k["vulnerable_calls"], judged)),
    help=f"{int(k['vulnerable_calls'])} calls",
)
if int(k["payments_loaded"]) == 0:
    c[5].metric("Promise-kept rate", "n/a", help="load payments: qa-pipeline load-payments FILE")
else:
    c[5].metric(
        "Promise-kept rate",
        ui.pct(ui.share(kept, kept + broken)),
        help=f"{kept} kept, {broken} broken, {pending} not yet due (payments up to {k['payments_as_of']})",
    )

st.subheader("Trend")
st.radio("Period", ["week", "month"], horizontal=True, key="ok_grain")
long = trend.melt(["period", "judged_calls"], var_name="kpi", value_name="rate")
st.altair_chart(
    alt.Chart(long)
    .mark_line(point=True)
    .encode(
        x=alt.X("period:O", title=grain),
        y=alt.Y("rate:Q", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("kpi:N", title="KPI"),
        tooltip=["period", "kpi", alt.Tooltip("rate:Q", format=".1%"), "judged_calls"],
    ),
    width="stretch",
)

st.subheader("By agent")
st.dataframe(by_agent, hide_index=True, key="ok_agents")

st.subheader("Promises and payments")
if int(k["payments_loaded"]) == 0:
    st.text(
        "No payments loaded yet: run 'qa-pipeline load-payments FILE' (CSV: account_id,date,amount)."
    )
st.caption(
    f"A promise is kept when payments to its account from the call's day to the promised day "
    f"plus {ctx.settings.promise_grace_days} days cover the amount within "
    f"{ctx.settings.promise_tolerance:.0%}."
)
if not ui.empty(promises, "No promises to pay in this filter."):
    st.dataframe(promises, hide_index=True, key="ok_promises")

"""Non-payment reasons: distribution and trend by period, agent, segment, days-past-due bucket
and channel; promise-to-pay rate and amounts; a read-only SQL box for analysts."""

from __future__ import annotations

import altair as alt
import streamlit as st

from app_streamlit import sqlbox, ui

ctx = ui.page("nonpayment_reasons", "Non-payment reasons")

DIMENSIONS = {
    "agent": "agent",
    "segment": "segment",
    "dpd_bucket": "days past due",
    "channel": "channel",
}

dimension = st.radio(
    "Break down by", list(DIMENSIONS), format_func=DIMENSIONS.get, horizontal=True, key="np_dim"
)
by_dim = ctx.frame("reasons_by_dimension", dimension=dimension)
if ui.empty(by_dim, "No judged calls match the filter."):
    st.stop()

left, right = st.columns(2)
with left:
    st.subheader("Distribution")
    st.altair_chart(
        alt.Chart(by_dim)
        .mark_bar()
        .encode(
            y=alt.Y("dimension_value:N", title=DIMENSIONS[dimension]),
            x=alt.X("calls:Q", stack="normalize", title="share of calls"),
            color=alt.Color("reason:N"),
            tooltip=["dimension_value", "reason", "calls"],
        ),
        width="stretch",
    )
with right:
    st.subheader("Trend")
    grain = st.radio("Period", ["week", "month"], horizontal=True, key="np_grain")
    trend = ctx.frame("reasons_trend", grain=grain)
    st.altair_chart(
        alt.Chart(trend)
        .mark_area()
        .encode(
            x=alt.X("period:O", title=grain),
            y=alt.Y("calls:Q", stack="zero"),
            color="reason:N",
            tooltip=["period", "reason", "calls"],
        ),
        width="stretch",
    )
st.dataframe(
    by_dim.pivot_table(
        index="dimension_value", columns="reason", values="calls", fill_value=0, aggfunc="sum"
    )
    .reset_index()
    .rename(columns={"dimension_value": DIMENSIONS[dimension]}),
    hide_index=True,
    key="np_table",
)

st.subheader("Promises to pay")
ptp = ctx.frame("ptp_by_dimension", dimension=dimension)
calls, promises = int(ptp["calls"].sum()), int(ptp["promises"].sum())
c1, c2, c3 = st.columns(3)
c1.metric(
    "Promise-to-pay rate",
    ui.pct(ui.share(promises, calls)),
    help=f"{promises} of {calls} judged calls",
)
c2.metric("Promised in total", f"${float(ptp['promised_total'].sum()):,.2f}")
c3.metric(
    "Average promise",
    "n/a" if promises == 0 else f"${float(ptp['promised_total'].sum()) / promises:,.2f}",
)
st.dataframe(
    ptp.rename(columns={"dimension_value": DIMENSIONS[dimension]}), hide_index=True, key="np_ptp"
)

st.subheader("SQL (read-only)")
if not ui.allowed(ctx, "run_sql"):
    st.text("Only analyst and admin roles may run SQL.")
else:
    st.caption(
        "One SELECT over the warehouse (calls, utterances, scorecards, findings, v_* views) "
        "and the filtered views f_calls, f_judged, f_findings, f_promises, app_reviews. "
        f"No files, no writes; at most {sqlbox.MAX_ROWS} rows, {sqlbox.TIMEOUT_S:.0f} s."
    )
    with st.form("np_sql_form"):
        sql = st.text_area(
            "Query",
            value="SELECT non_payment_reason, count(*) AS calls\nFROM f_judged\nGROUP BY ALL\nORDER BY calls DESC",
            height=140,
            key="np_sql",
        )
        run = st.form_submit_button("Run", key="np_sql_run")
    if run:
        if not ui.allowed(ctx, "run_sql"):  # checked again when acting
            st.error("Your role may not run SQL.")
        else:
            result = sqlbox.run_sql(ctx.settings, ctx.filters, sql)
            if result.error:
                st.error(result.error)
            else:
                st.dataframe(result.frame, hide_index=True, key="np_sql_result")
                st.caption(
                    f"{len(result.frame)} rows" + (" (first rows only)" if result.truncated else "")
                )

"""Coaching queue: moments worth coaching, ranked, each with why it was picked, the transcript
around it and the recording from that second; a coach marks a moment coached with a note."""

from __future__ import annotations

import streamlit as st

from app_streamlit import ui
from qa_pipeline.errors import QAPipelineError

ctx = ui.page("coaching_queue", "Coaching queue")

show_coached = st.toggle("Show moments already coached", key="cq_show_coached")
queue = ctx.frame("coaching_queue", include_coached=show_coached)
if ui.empty(queue, "No coaching moments match the filter."):
    st.stop()

open_count = int((queue["status"] == "open").sum())
st.caption(
    f"{open_count} open moments; priority 1 is conduct that harms a customer, 3 a habit to polish."
)
st.dataframe(
    queue[
        [
            "priority",
            "status",
            "agent_id",
            "call_id",
            "call_date",
            "channel",
            "why",
            "quote",
            "confidence",
        ]
    ],
    hide_index=True,
    key="cq_table",
)

labels = {
    row.finding_id: f"P{row.priority} · {row.agent_id} · {row.call_id} · {row.why}"
    for row in queue.itertuples()
}
finding_id = st.selectbox("Moment", list(labels), format_func=lambda k: labels[k], key="cq_moment")
moment = ui.records(queue.loc[queue["finding_id"] == finding_id])[0]

left, right = st.columns([3, 2])
with left:
    st.subheader("Why it was picked")
    st.text(str(moment["why"]))
    if moment["rationale"]:
        st.text(f"Judge: {moment['rationale']} (confidence {moment['confidence']})")
    st.subheader("Transcript around it")
    ui.transcript(ctx, moment["call_key"], moment["evidence_utterance"])
with right:
    st.subheader("Recording")
    ui.audio_at(ctx, moment["call_key"], moment["start_s"])
    st.subheader("Coaching notes")
    notes = ctx.frame("coaching_notes_for", finding_id=finding_id)
    if notes.empty:
        st.text("Not coached yet.")
    else:
        st.dataframe(notes, hide_index=True, key="cq_notes")
    if ui.allowed(ctx, "mark_coached"):
        with st.form("cq_form", clear_on_submit=True):
            note = st.text_area("Note for the record", key="cq_note", max_chars=4000)
            submitted = st.form_submit_button("Mark coached", type="primary", key="cq_submit")
        if submitted:
            if not ui.allowed(ctx, "mark_coached"):  # checked again at the moment of acting
                st.error("Your role may not mark moments coached.")
            else:
                try:
                    ctx.store.add_coaching_note(
                        ui.finding_ref({**moment, "ai_verdict": moment["why"]}),
                        note=note,
                        coach=ctx.user.name,
                        coach_role=ctx.user.role,
                    )
                except QAPipelineError as exc:
                    st.error(str(exc))
                else:
                    ui.flash(f"Marked {moment['call_id']} coached.")
                    st.rerun()
    else:
        st.text(f"The {ctx.user.role} role can read the queue; coaches mark moments coached.")

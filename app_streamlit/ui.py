"""What every page shares: sign-in, the role check, the sidebar filters, the transcript around
a finding and the recording played from its second.

User-supplied text (transcripts, reasons, notes) is drawn with ``st.text`` or in tables, never
as Markdown or HTML.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from app_streamlit import auth, queries
from app_streamlit.db import Filters
from app_streamlit.settings import AppSettings, app_settings
from qa_pipeline.errors import QAPipelineError
from qa_pipeline.review_store import FindingRef, ReviewStore

USER_KEY = "signed_in_user"
_FAILED_KEY = "sign_in_failures"
#: after this many wrong passwords in one browser session, sign-in pauses
MAX_FAILURES = 5
PAUSE_S = 30.0

AUDIO_MIME = {
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".flac": "audio/flac",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".m4a": "audio/mp4",
    ".webm": "audio/webm",
}


@dataclass(frozen=True, slots=True)
class PageContext:
    """What a page needs: who is signed in, where the data is, and the current filter."""

    user: auth.User
    settings: AppSettings
    filters: Filters

    @property
    def store(self) -> ReviewStore:
        return ReviewStore(self.settings.reviews)

    def frame(self, name: str, **params: Any) -> pd.DataFrame:
        """Rows of a named query under the filter; a warehouse problem stops the page with
        one clear message instead of a traceback."""
        return self.frames((name, params))[0]

    def frames(self, *specs: tuple[str, dict[str, Any]]) -> list[pd.DataFrame]:
        """Rows of several named queries, fetched over one connection."""
        try:
            return queries.frames(self.settings, self.filters, list(specs))
        except QAPipelineError as exc:
            st.error(str(exc))
            st.stop()


def current_user() -> auth.User | None:
    value = st.session_state.get(USER_KEY)
    return value if isinstance(value, auth.User) else None


def sign_in_page() -> None:
    """The sign-in form (the only page until someone signs in)."""
    settings = app_settings()
    st.title("Collections QA")
    st.caption("Sign in to see calls, findings and reviews.")
    try:
        users = auth.load_users(settings.users)
    except QAPipelineError as exc:
        st.error(str(exc))
        return
    failures: list[float] = st.session_state.setdefault(_FAILED_KEY, [])
    recent = [t for t in failures if time.time() - t < PAUSE_S]
    with st.form("sign_in"):
        name = st.text_input("User name", key="sign_in_name")
        password = st.text_input("Password", type="password", key="sign_in_password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if not submitted:
        return
    if len(recent) >= MAX_FAILURES:
        st.error(f"Too many wrong passwords; wait {PAUSE_S:.0f} seconds and try again.")
        return
    user = auth.authenticate(users, name, password)
    if user is None:
        failures.append(time.time())
        st.error("Wrong user name or password.")
        return
    st.session_state[USER_KEY] = user
    st.session_state.pop(_FAILED_KEY, None)
    st.rerun()


def sidebar(user: auth.User, settings: AppSettings) -> None:
    """The signed-in user, sign-out and the filters every page shares (kept in session state)."""
    with st.sidebar:
        st.text(f"Signed in: {user.label}")
        if st.button("Sign out", key="sign_out"):
            for key in list(st.session_state.keys()):
                del st.session_state[key]
            st.rerun()
        try:
            choices = queries.filter_choices(settings)
        except QAPipelineError as exc:
            st.error(str(exc))
            return
        st.header("Filters")
        last = choices.last_day or date.today()
        first = choices.first_day or last - timedelta(days=30)
        st.date_input(
            "Dates (customer's local day)",
            value=(first, last),
            min_value=first,
            max_value=last,
            key="flt_dates",
        )
        st.multiselect("Agents", choices.agents, key="flt_agents", placeholder="all agents")
        st.multiselect("Channels", choices.channels, key="flt_channels", placeholder="all channels")
        st.selectbox(
            "Rubric version",
            [None, *choices.rubrics],
            format_func=lambda v: "current scorecards" if v is None else v,
            key="flt_rubric",
        )
        st.session_state["flt_bounds"] = (first, last)


def current_filters() -> Filters:
    """The filter the sidebar holds (everything while the sidebar has not been drawn)."""
    dates = st.session_state.get("flt_dates")
    bounds = st.session_state.get("flt_bounds") or (date(1900, 1, 1), date(2999, 12, 31))
    if isinstance(dates, (tuple, list)) and len(dates) == 2:
        start, end = dates
    elif isinstance(dates, (tuple, list)) and len(dates) == 1:
        start, end = dates[0], bounds[1]  # the second day is still being picked
    else:
        start, end = bounds
    return Filters(
        date_from=start,
        date_to=end,
        agents=tuple(st.session_state.get("flt_agents") or ()),
        channels=tuple(st.session_state.get("flt_channels") or ()),
        rubric=st.session_state.get("flt_rubric"),
    )


def page(key: str, title: str) -> PageContext:
    """Start a page: check that the signed-in role may open it, then draw its title.

    Stops the page (with a message) for a visitor who is not signed in or whose role may not
    open it; the menu hides such pages too, but the check here is what protects them.
    """
    user = current_user()
    if user is None:
        st.error("Sign in first.")
        st.stop()
    if not auth.may_open(user.role, key):
        st.error(f"The {user.role} role may not open {title}.")
        st.stop()
    st.title(title)
    show_flash()
    return PageContext(user=user, settings=app_settings(), filters=current_filters())


def allowed(ctx: PageContext, action: str) -> bool:
    return auth.can(ctx.user.role, action)


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a frame as plain dicts (NaN and NaT become None)."""
    clean = df.astype(object).where(df.notna(), None)
    return [{str(k): v for k, v in row.items()} for row in clean.to_dict("records")]


def empty(df: pd.DataFrame, message: str) -> bool:
    """Say so when a query has no rows (True), so a page never shows a bare empty table."""
    if df.empty:
        st.info(message)
        return True
    return False


def fmt_seconds(value: Any) -> str:
    if value is None or pd.isna(value):
        return ""
    s = int(value)
    return f"{s // 60}:{s % 60:02d}"


def transcript(ctx: PageContext, call_key: str, center: int | None, radius: int = 3) -> None:
    """The utterances around ``center`` (the evidence), the evidence one marked."""
    whole = ctx.frame("call_utterances", call_key=call_key, first=0, last=1_000_000)
    if center is None or pd.isna(center):
        # a missed step or a metadata finding has no utterance to point at: show the opening,
        # where greeting, disclosure and verification belong
        st.text("No single utterance shows this finding; the conversation's opening:")
        c = -1
        rows = whole[whole["idx"] <= 2 * radius]
    else:
        c = int(center)
        rows = whole[(whole["idx"] >= c - radius) & (whole["idx"] <= c + radius)]
    if empty(rows, "The transcript of this call is not in the warehouse."):
        return
    for r in records(rows):
        is_agent = r["speaker"] == "agent"
        with st.chat_message(
            "assistant" if is_agent else "user",
            avatar=":material/support_agent:" if is_agent else ":material/person:",
        ):
            when = f" {fmt_seconds(r['start_s'])}"
            marker = "  ◀ evidence" if int(r["idx"]) == c else ""
            st.text(f"#{r['idx']} {r['speaker']}{when.rstrip()}{marker}")
            st.text(str(r["text"]))


def _audio_file(ctx: PageContext, header: pd.Series) -> Path | None:
    """The recording to play: only ever the redacted copy when the call had anything redacted.

    The original is played only for a call whose transcript needed no redaction; a call with a
    card number, SSN or date of birth in it is played from the copy the pipeline beeped
    (``privacy.redact_audio``), or not at all.
    """
    candidates: list[str] = []
    if _present(header.get("audio_redacted_path")):
        candidates.append(str(header["audio_redacted_path"]))
    elif _present(header.get("audio_path")) and _no_redactions(header):
        candidates.append(str(header["audio_path"]))
    bases = [Path(".")]
    if _present(header.get("source_path")):
        bases.insert(0, Path(str(header["source_path"])).parent)
    bases.append(ctx.settings.warehouse.parent)
    for raw in candidates:
        p = Path(raw)
        for found in [p] if p.is_absolute() else [b / p for b in bases]:
            if found.is_file():
                return found
    return None


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and value != ""


def _no_redactions(header: pd.Series) -> bool:
    n = header.get("n_redactions")
    return n is not None and _present(n) and int(n) == 0


def audio_at(ctx: PageContext, call_key: str, start_s: Any) -> None:
    """The call's recording, played from ``start_s`` (whole seconds)."""
    header = ctx.frame("call_header", call_key=call_key)
    if header.empty:
        return
    row = header.iloc[0]
    if row["channel"] != "voice":
        st.text("Chat conversation: no recording.")
        return
    path = _audio_file(ctx, row)
    if path is None:
        if _present(row.get("audio_path")) and not _no_redactions(row):
            st.text(
                "This recording holds redacted data and has no redacted copy: set "
                "privacy.redact_audio and rerun the pipeline to play it here."
            )
        else:
            st.text("The recording is not reachable from this app.")
        return
    start = 0 if start_s is None or pd.isna(start_s) else max(0, int(float(start_s)))
    st.audio(
        path.read_bytes(),
        format=AUDIO_MIME.get(path.suffix.lower(), "audio/wav"),
        start_time=start,
    )
    st.caption(f"Plays from {fmt_seconds(start)}")


def finding_ref(row: Mapping[str, Any]) -> FindingRef:
    """What a review or coaching note records about the finding it is about."""

    def text(key: str) -> str:
        value = row.get(key)
        return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)

    return FindingRef(
        finding_id=text("finding_id"),
        call_id=text("call_id"),
        call_key=text("call_key"),
        rubric_id=text("rubric_id"),
        rubric_version=text("rubric_version"),
        kind=text("kind"),
        item_id=text("item_id"),
        ai_verdict=text("ai_verdict"),
        agent_id=text("agent_id") or None,
    )


def pct(value: Any) -> str:
    if value is None or pd.isna(value):
        return "n/a"
    return f"{float(value) * 100:.1f}%"


def share(part: Any, whole: Any) -> float | None:
    try:
        p, w = float(part), float(whole)
    except (TypeError, ValueError):
        return None
    return None if w == 0 else p / w


_FLASH_KEY = "flash_message"


def flash(message: str) -> None:
    """Keep a confirmation to show after the rerun that redraws the page with the new data."""
    st.session_state[_FLASH_KEY] = message


def show_flash() -> None:
    message = st.session_state.pop(_FLASH_KEY, None)
    if message:
        st.success(message)

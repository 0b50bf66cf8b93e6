"""Entry script of the app: sign-in, then the pages the signed-in role may open.

Run by ``qa-pipeline app`` (``streamlit run app_streamlit/main.py``); settings come from the
environment (see `app_streamlit.settings`).
"""

from __future__ import annotations

import streamlit as st

from app_streamlit import auth, ui
from app_streamlit.settings import app_settings

st.set_page_config(page_title="Collections QA", page_icon="🎧", layout="wide")

#: page key -> (title, icon); the key is the page file's name (app_pages/<key>.py) and its URL.
#: The folder is not called pages/: Streamlit treats a pages/ folder as the older multipage
#: layout in places (AppTest runs such pages without this script, so without the sidebar).
PAGES: dict[str, tuple[str, str]] = {
    "agent_compliance": ("Agent compliance", ":material/leaderboard:"),
    "coaching_queue": ("Coaching queue", ":material/school:"),
    "flagged_review": ("Flagged call review", ":material/flag:"),
    "compliance_audit": ("Compliance audit", ":material/gavel:"),
    "nonpayment_reasons": ("Non-payment reasons", ":material/query_stats:"),
    "operations_kpis": ("Operations KPIs", ":material/monitoring:"),
}

user = ui.current_user()
if user is None:
    navigation = st.navigation([st.Page(ui.sign_in_page, title="Sign in", url_path="sign-in")])
else:
    navigation = st.navigation(
        [
            st.Page(f"app_pages/{key}.py", title=title, icon=icon, url_path=key)
            for key, (title, icon) in PAGES.items()
            if auth.may_open(user.role, key)
        ]
    )
    ui.sidebar(user, app_settings())
navigation.run()

"""Entry script of the moderation portal; Streamlit runs it on every interaction.

`aianimals portal` (the portal role) starts `streamlit run` on this file; the settings come
from `AIANIMALS_*` variables like every other role's. Nothing runs when it is imported.
"""

from __future__ import annotations

import streamlit as st

from aianimals.portal.audit_view import render_audit
from aianimals.portal.charts_view import render_charts
from aianimals.portal.login import log_out, render_login, session_admin
from aianimals.portal.markup import plain
from aianimals.portal.pipelines_view import render_pipelines
from aianimals.portal.queue_view import render_queue
from aianimals.portal.search_view import render_search
from aianimals.roles.portal_backend import portal_backend
from aianimals.settings import Settings


def main() -> None:
    """One run of the portal: the login form, or the moderation screens for an admin."""
    st.set_page_config(page_title="AIAnimals moderation", page_icon="🐾", layout="wide")
    backend = portal_backend(Settings())
    admin = session_admin(backend)
    if admin is None:
        render_login(backend)
        return
    with st.sidebar:
        st.markdown(f"Logged in as **{plain(admin.handle_name)}**")
        st.button("Log out", key="log-out", on_click=log_out, args=(backend,))
    st.title("AIAnimals moderation")
    queue, audit, charts, pipelines, search = st.tabs(
        ["Violation queue", "Audit log", "Charts", "Pipelines", "Search"]
    )
    with queue:
        render_queue(backend)
    with audit:
        render_audit(backend)
    with charts:
        render_charts(backend)
    with pipelines:
        render_pipelines(backend)
    with search:
        render_search(backend)


if __name__ == "__main__":
    main()

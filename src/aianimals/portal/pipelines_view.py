"""The "Pipelines" tab: the scheduled pipelines, their next runs and the run history."""

from __future__ import annotations

import streamlit as st

from aianimals.ml.schedule_status import run_history, schedule_status
from aianimals.portal.backend import PortalBackend


def render_pipelines(backend: PortalBackend) -> None:
    """Schedules with next and last run; then every recorded run, newest first."""
    settings = backend.container.settings
    state = "on" if settings.schedules.enabled else "off"
    st.caption(f"Embedded scheduler: {state}. Times are UTC.")
    st.dataframe(
        [
            {
                "pipeline": item.name,
                "cron": item.cron,
                "next run": item.next_run.strftime("%Y-%m-%d %H:%M"),
                "last run": "—" if item.last is None else item.last.started[:16],
                "last result": "—" if item.last is None else ("ok" if item.last.ok else "failed"),
                "command": item.command,
            }
            for item in schedule_status(settings)
        ],
        hide_index=True,
        use_container_width=True,
    )
    history = run_history(settings)
    st.subheader("Run history")
    if not history:
        st.info("No scheduled run has been recorded yet.")
        return
    st.dataframe(
        [
            {
                "pipeline": record.name,
                "started": record.started[:19],
                "finished": record.finished[:19],
                "result": "ok" if record.ok else "failed",
                "error": record.error,
            }
            for record in history
        ],
        hide_index=True,
        use_container_width=True,
    )

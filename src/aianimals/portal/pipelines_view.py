"""The "Pipelines" tab: the scheduled pipelines, their next runs, "Run now", the run history."""

from __future__ import annotations

import streamlit as st

from aianimals.core.errors import DomainError
from aianimals.portal.backend import PortalBackend
from aianimals.portal.login import TOKEN
from aianimals.portal.markup import sentence
from aianimals.schedules.scheduler import configured_schedules, request_run, requested_runs
from aianimals.schedules.status import run_history, schedule_status, state_path

_FLASH = "pipelines_flash"


def _run_now(backend: PortalBackend, name: str) -> None:
    """Button callback: re-check the administrator, then leave a run-now request."""
    settings = backend.ports.settings
    try:
        backend.resume(str(st.session_state.get(TOKEN, "")))
    except DomainError as error:
        st.session_state[_FLASH] = ("error", sentence(error.message))
        return
    known = [item.name for item in configured_schedules(settings.schedules)]
    request_run(state_path(settings), name, known)
    st.session_state[_FLASH] = (
        "success",
        f"Run of {name} requested: the scheduler starts it within a few seconds; "
        "its result appears in the run history.",
    )


def _run_buttons(backend: PortalBackend) -> None:
    settings = backend.ports.settings
    if not settings.schedules.enabled:
        st.info(
            "The embedded scheduler is off, so nothing would pick up a run request: run "
            "the pipeline's command (below) on the platform instead."
        )
    waiting = requested_runs(state_path(settings))
    columns = st.columns(4)
    for index, item in enumerate(configured_schedules(settings.schedules)):
        label = f"Run {item.name} now"
        if item.name in waiting:
            label = f"{item.name}: requested"
        columns[index % len(columns)].button(
            label,
            key=f"run-now-{item.name}",
            on_click=_run_now,
            args=(backend, item.name),
            disabled=item.name in waiting or not settings.schedules.enabled,
            help=" ".join(item.command),
        )


def render_pipelines(backend: PortalBackend) -> None:
    """Schedules with next and last run and a "Run now" button each; then every recorded
    run, newest first."""
    settings = backend.ports.settings
    state = "on" if settings.schedules.enabled else "off"
    st.caption(f"Embedded scheduler: {state}. Times are UTC.")
    flash = st.session_state.pop(_FLASH, None)
    if flash:
        kind, message = flash
        (st.success if kind == "success" else st.error)(message)
    _run_buttons(backend)
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

"""Composition root of the portal role: the Streamlit moderation portal as a child process.

Streamlit runs the entry script (`aianimals/portal/app.py`, served by `portal/serve.py`
behind a `Host` check and a Content-Security-Policy) itself; the script builds its
settings from `AIANIMALS_*` variables like every other role, so the settings given here
travel to it through the child's environment (each top-level field as one variable, nested
ones as JSON). No usage statistics are sent, no browser is opened, no files are watched.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from types import FrameType

from aianimals.settings import Settings

ENV_PREFIX = "AIANIMALS_"


def settings_environment(settings: Settings, base: Mapping[str, str]) -> dict[str, str]:
    """`base` without its `AIANIMALS_*` variables, plus variables that rebuild `settings`."""
    environment = {key: value for key, value in base.items() if not key.startswith(ENV_PREFIX)}
    for name, value in settings.model_dump(mode="json").items():
        text = value if isinstance(value, str) else json.dumps(value)
        environment[f"{ENV_PREFIX}{name.upper()}"] = text
    return environment


def portal_command(host: str, port: int) -> list[str]:
    """`python -m aianimals.portal.serve HOST PORT`: Streamlit behind the portal's guards."""
    return [sys.executable, "-m", "aianimals.portal.serve", host, str(port)]


def portal_environment(settings: Settings) -> dict[str, str]:
    """The portal process's environment: these settings, no usage statistics."""
    environment = settings_environment(settings, os.environ)
    environment["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    return environment


def start_portal(settings: Settings, host: str, port: int) -> subprocess.Popen[bytes]:
    """Start the portal in a child process and return it."""
    environment = portal_environment(settings)
    return subprocess.Popen(portal_command(host, port), env=environment)  # noqa: S603 - ours


def run_portal(settings: Settings, host: str, port: int) -> int:
    """The portal role: serve until the child exits or SIGTERM/SIGINT stops it; its exit code.

    A signal to this process is passed on to Streamlit, which then shuts down cleanly.
    """
    child = start_portal(settings, host, port)

    def forward(signum: int, _frame: FrameType | None) -> None:
        if child.poll() is None:
            child.send_signal(signum)

    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, forward)
    try:
        return child.wait()
    finally:
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()

"""The portal process's backend: one per settings, a Streamlit resource over a container."""

from __future__ import annotations

import streamlit as st

from aianimals.portal.backend import PortalBackend
from aianimals.roles.container import build_container
from aianimals.settings import Settings


def _release(backend: PortalBackend) -> None:
    backend.close()


@st.cache_resource(show_spinner=False, on_release=_release)
def _backend_for(settings_json: str) -> PortalBackend:
    return PortalBackend(build_container(Settings.model_validate_json(settings_json)))


def portal_backend(settings: Settings) -> PortalBackend:
    """The process's backend for these settings, built on first use and then shared."""
    return _backend_for(settings.model_dump_json())

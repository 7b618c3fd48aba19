"""The portal's door: an e-mail and password form, open to administrators only.

The session token lives in Streamlit's per-browser-tab session state and is checked again
on every script run and before every verdict, so a demoted or deactivated administrator,
or an expired token, is sent back to this form at once.
"""

from __future__ import annotations

import streamlit as st

from aianimals.core.errors import DomainError
from aianimals.moderation.admins import AdminSession
from aianimals.portal.backend import PortalBackend
from aianimals.portal.markup import sentence

# Session-state keys (names, not secrets).
TOKEN = "portal_token"  # noqa: S105
_MESSAGE = "portal_login_message"
_EMAIL = "login_email"
_PASSWORD = "login_password"  # noqa: S105


def session_admin(backend: PortalBackend) -> AdminSession | None:
    """The administrator of this browser session, or None (with the reason kept for the
    login form) when there is none or their token no longer admits them."""
    token = st.session_state.get(TOKEN)
    if not token:
        return None
    try:
        return backend.resume(str(token))
    except DomainError as error:
        del st.session_state[TOKEN]
        st.session_state[_MESSAGE] = error.message
        return None


def _log_in(backend: PortalBackend) -> None:
    email = str(st.session_state.get(_EMAIL, ""))
    password = str(st.session_state.get(_PASSWORD, ""))
    st.session_state[_PASSWORD] = ""
    try:
        admin = backend.log_in(email, password, client=_client_address())
    except DomainError as error:
        st.session_state[_MESSAGE] = error.message
        return
    st.session_state.pop(_MESSAGE, None)
    st.session_state[TOKEN] = admin.token


def render_login(backend: PortalBackend) -> None:
    """The login form, and why the last attempt (or the last session) was refused."""
    st.title("AIAnimals moderation")
    st.write("Log in with an administrator account to review violations.")
    with st.form("login", clear_on_submit=False, width=420):
        st.text_input("E-mail address", key=_EMAIL, autocomplete="username")
        st.text_input("Password", type="password", key=_PASSWORD, autocomplete="current-password")
        st.form_submit_button("Log in", type="primary", on_click=_log_in, args=(backend,))
    message = st.session_state.get(_MESSAGE)
    if message:
        st.error(sentence(str(message)))


def log_out(backend: PortalBackend) -> None:
    """End this browser session's portal session."""
    token = st.session_state.pop(TOKEN, None)
    if token:
        backend.log_out(str(token))
    st.session_state.pop(_MESSAGE, None)


def _client_address() -> str | None:
    """The browser's address, when Streamlit knows it (not in AppTest, nor behind some proxies)."""
    address = st.context.ip_address
    return address if isinstance(address, str) and address else None

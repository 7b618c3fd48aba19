"""The portal's server: Streamlit's own ASGI app with our guards in front of it.

`aianimals portal` runs `python -m aianimals.portal.serve HOST PORT`, which serves the entry
script (`app.py`) through `streamlit.starlette.App`, behind:

- a `Host` check (`portal.allowed_hosts`, loopback names by default), for HTTP and for the
  WebSocket the screens talk over (Streamlit's `server.allowedHosts`), so a DNS-rebinding
  page cannot drive the portal from an administrator's browser;
- a Content-Security-Policy that lets only this origin load scripts, connect and frame the
  portal (`frame-ancestors 'none'`: no clickjacking), with the other headers the web app sends.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from aianimals.security.headers import SecurityHeaders
from aianimals.settings import PortalSettings, Settings

APP = Path(__file__).resolve().with_name("app.py")
"""The portal's entry script."""

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' blob: data:",
        "font-src 'self' data:",
        # Streamlit's bundle styles its widgets inline, and its chart library compiles
        # chart specifications into functions.
        "style-src 'self' 'unsafe-inline'",
        "script-src 'self' 'unsafe-eval'",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
PORTAL_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


def portal_middleware(settings: PortalSettings) -> list[Middleware]:
    """The guards in front of Streamlit, outermost first."""
    return [
        Middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts),
        Middleware(SecurityHeaders, headers=PORTAL_HEADERS),
    ]


def server_options(settings: PortalSettings, host: str, port: int) -> dict[str, Any]:
    """Streamlit's options: where to listen, whom to let in, and nothing sent home."""
    return {
        "server.headless": True,
        "server.address": host,
        "server.port": port,
        "server.fileWatcherType": "none",
        "server.runOnSave": False,
        "server.allowedHosts": list(settings.allowed_hosts),
        "browser.gatherUsageStats": False,
        "client.toolbarMode": "viewer",
    }


def main(arguments: list[str]) -> None:
    """Serve the portal on `HOST PORT` until stopped."""
    from streamlit.starlette import App

    host, port = arguments[0], int(arguments[1])
    portal = Settings().portal
    app = App(APP, middleware=portal_middleware(portal))
    app.run(config=server_options(portal, host, port))


if __name__ == "__main__":
    main(sys.argv[1:])

"""The portal's server: Streamlit's own ASGI app with our guards in front of it.

`aianimals portal` runs `python -m aianimals.portal.serve HOST PORT`, which serves the entry
script (`app.py`) through `streamlit.starlette.App`, behind:

- a `Host` check (`portal.allowed_hosts`, loopback names by default), for HTTP and for the
  WebSocket the screens talk over (Streamlit's `server.allowedHosts`), so a DNS-rebinding
  page cannot drive the portal from an administrator's browser;
- a Content-Security-Policy that lets only this origin load scripts (and the page's own
  inline scripts, by hash) and connect, and nobody frame the portal (`frame-ancestors
  'none'`: no clickjacking), with the other headers the web app sends.
"""

from __future__ import annotations

import base64
import hashlib
import re
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Any

from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from aianimals.security.headers import SecurityHeaders
from aianimals.settings import PortalSettings, Settings

APP = Path(__file__).resolve().with_name("app.py")
"""The portal's entry script."""

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL)


def inline_script_hashes(page: str) -> list[str]:
    """CSP sources (`'sha256-…'`) for the inline scripts of `page`, so exactly those run."""
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
        for body in INLINE_SCRIPT.findall(page)
    ]


def streamlit_page() -> str:
    """The HTML page of the installed Streamlit, which every portal visit loads first."""
    from streamlit.file_util import get_static_dir

    return (Path(get_static_dir()) / "index.html").read_text(encoding="utf-8")


def content_security_policy(script_hashes: list[str]) -> str:
    """Only this origin loads scripts (and the page's own inline ones), connects and frames."""
    return "; ".join(
        (
            "default-src 'self'",
            "img-src 'self' blob: data:",
            "font-src 'self' data:",
            # Streamlit's bundle styles its widgets inline, and its chart library compiles
            # chart specifications into functions.
            "style-src 'self' 'unsafe-inline'",
            " ".join(("script-src 'self' 'unsafe-eval'", *script_hashes)),
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def portal_headers(page: str) -> dict[str, str]:
    """The headers of every portal answer, for Streamlit's `page`."""
    return {
        "Content-Security-Policy": content_security_policy(inline_script_hashes(page)),
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "X-Content-Type-Options": "nosniff",
    }


def portal_middleware(settings: PortalSettings, page: str) -> list[Middleware]:
    """The guards in front of Streamlit, outermost first."""
    return [
        Middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts),
        Middleware(SecurityHeaders, headers=portal_headers(page)),
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
    app = App(APP, middleware=portal_middleware(portal, streamlit_page()))
    # uvicorn shuts down gracefully on SIGTERM, then raises the signal again for the
    # handler it found: exit 0 then, as `streamlit run` did.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    app.run(config=server_options(portal, host, port))


def _exit_cleanly(_signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


if __name__ == "__main__":
    main(sys.argv[1:])

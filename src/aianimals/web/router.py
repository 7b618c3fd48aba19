"""The web app: one HTML page and its static modules, served by the API process at `/`.

The app is a client of the public `/v0` API like any other (no private routes). The page
is sent with a strict Content-Security-Policy: scripts, styles and API calls only from this
origin, so nothing comes from a CDN and injected markup cannot run.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Response
from fastapi.staticfiles import StaticFiles

STATIC_PREFIX = "/app"
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' blob: data: http: https:",  # imported photos may live elsewhere
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Cache-Control": "no-cache",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


def static_directory() -> Path:
    """Where the app's files are inside the installed package."""
    return Path(str(resources.files("aianimals.web").joinpath("static")))


def install_web_app(app: FastAPI) -> None:
    """Serve the app's page at `/` and its files under `/app/`."""
    directory = static_directory()
    page = (directory / "index.html").read_bytes()

    def web_app() -> Response:
        """The single page of the web app; its screens are client-side routes."""
        return Response(page, media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)

    app.add_api_route("/", web_app, include_in_schema=False)
    app.mount(STATIC_PREFIX, StaticFiles(directory=directory), name="web-app")

"""The web app: one HTML page and its static modules, served by the API process at `/`.

The app is a client of the public `/v0` API like any other (no private routes). The page
is sent with a strict Content-Security-Policy: scripts, styles and API calls only from this
origin, so nothing comes from a CDN and injected markup cannot run.

Static files live under `/app/<build>/`, where `<build>` is a digest of their contents: a
browser keeps them for a year without asking again, and a new release has new URLs. The
page itself is never cached, and lists every module for preloading, so the browser fetches
them in parallel instead of discovering one import at a time.
"""

from __future__ import annotations

import hashlib
import os
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import Scope

APP_PREFIX = "/app"
PRELOAD_MARKER = "<!-- modules -->"
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
IMMUTABLE = "public, max-age=31536000, immutable"


def static_directory() -> Path:
    """Where the app's files are inside the installed package."""
    return Path(str(resources.files("aianimals.web").joinpath("static")))


def build_id(directory: Path) -> str:
    """A digest of every static file's path and contents: changes with any of them."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(path.relative_to(directory).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def assets_prefix(directory: Path | None = None) -> str:
    """The URL prefix the app's files are served under: `/app/<build>`."""
    return f"{APP_PREFIX}/{build_id(directory or static_directory())}"


def render_page(directory: Path, prefix: str) -> bytes:
    """index.html with its asset URLs under `prefix` and every module listed for preloading.

    A classic script of the page (`<script src>`, run before the first paint) is not a
    module: preloading it as one would fetch it twice.
    """
    page = (directory / "index.html").read_text(encoding="utf-8")
    scripts = sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*.js"))
    modules = [m for m in scripts if f'<script src="{APP_PREFIX}/{m}">' not in page]
    preload = "\n  ".join(f'<link rel="modulepreload" href="{prefix}/{m}">' for m in modules)
    page = page.replace(f'"{APP_PREFIX}/', f'"{prefix}/').replace(PRELOAD_MARKER, preload)
    return page.encode()


class _ImmutableFiles(StaticFiles):
    """Static files whose URLs change with their contents, so they may be kept for good."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = IMMUTABLE
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def install_web_app(app: FastAPI) -> None:
    """Serve the app's page at `/` and its files under `/app/<build>/`."""
    directory = static_directory()
    prefix = assets_prefix(directory)
    page = render_page(directory, prefix)

    def web_app() -> Response:
        """The single page of the web app; its screens are client-side routes."""
        return Response(page, media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)

    app.add_api_route("/", web_app, include_in_schema=False)
    app.mount(prefix, _ImmutableFiles(directory=directory), name="web-app")

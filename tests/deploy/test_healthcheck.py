"""deploy/healthcheck.py: healthy only on a 2xx answer, in time."""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import ModuleType

import pytest

from tests.deploy.manifests import DEPLOY


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("healthcheck", DEPLOY / "healthcheck.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status = {"/ok": 200, "/ready": 200, "/down": 503, "/slow": 200}.get(self.path, 404)
        if self.path == "/slow":
            threading.Event().wait(1.0)
        body = b'{"status": "x"}'
        self.send_response(status)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        return


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_2xx_answer_is_healthy(server: str) -> None:
    assert _module().main([f"{server}/ok"]) == 0


@pytest.mark.parametrize("path", ["/down", "/missing"])
def test_an_error_status_is_unhealthy(server: str, path: str) -> None:
    ok, reason = _module().check(f"{server}{path}")
    assert not ok
    assert reason.endswith(("503", "404"))
    assert _module().main([f"{server}{path}"]) == 1


def test_no_answer_in_time_is_unhealthy(server: str) -> None:
    ok, reason = _module().check(f"{server}/slow", timeout=0.2)
    assert not ok
    assert "unreachable" in reason


def test_a_closed_port_is_unhealthy() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert _module().main([f"http://127.0.0.1:{port}/ready"]) == 1


def test_only_http_urls_are_fetched() -> None:
    ok, reason = _module().check("file:///etc/passwd")
    assert not ok
    assert "not an http" in reason


def test_the_default_url_follows_the_api_port_setting() -> None:
    module = _module()
    assert module.default_url({"AIANIMALS_API__PORT": "9000"}) == (
        "http://127.0.0.1:9000/v0/health-check/ready"
    )

"""The stand-alone `/metrics` server of roles without an HTTP app (the worker).

Where it listens is the settings' `metrics` section: `AIANIMALS_METRICS__HOST` (default
127.0.0.1; 0.0.0.0 in a container, for the scraper), `AIANIMALS_METRICS__PORT` (default
9108) and `AIANIMALS_METRICS__ENABLED` (default true).
Like the API's `/metrics`, it has no authentication: keep it off public networks.
"""

from __future__ import annotations

import threading
from wsgiref.simple_server import WSGIServer

from prometheus_client import start_http_server

from aianimals.observability.metrics import REGISTRY

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 9108


class MetricsServer:
    """`GET /metrics` (any path, in fact) over `REGISTRY`, on a daemon thread."""

    def __init__(self, server: WSGIServer, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread

    @property
    def port(self) -> int:
        """The port it listens on (the one picked, when asked for port 0)."""
        return int(self._server.server_port)

    def close(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def start_metrics_server(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> MetricsServer:
    """Serve the metrics on `host:port` (port 0: any free port); raises OSError when taken."""
    server, thread = start_http_server(port, addr=host, registry=REGISTRY)
    return MetricsServer(server, thread)

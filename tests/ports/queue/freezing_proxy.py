"""A TCP proxy for tests that can stop passing bytes: a server that stops answering.

Both directions are forwarded by threads; `freeze()` holds every byte from then on (the
connection stays open, as with a server that is up but stuck), `thaw()` lets them through.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress


class FreezingProxy:
    """Listens on 127.0.0.1:<port> and forwards each connection to `target`."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._flowing = threading.Event()
        self._flowing.set()
        self._closed = threading.Event()
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def freeze(self) -> None:
        self._flowing.clear()

    def thaw(self) -> None:
        self._flowing.set()

    def close(self) -> None:
        self._closed.set()
        self._flowing.set()
        for sock in [self._listener, *self._sockets]:
            sock.close()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self._sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                self._flowing.wait()
                if self._closed.is_set():
                    return
                sink.sendall(data)
        except OSError:
            return
        finally:
            for sock in (source, sink):
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


@contextmanager
def freezing_proxy(target: tuple[str, int]) -> Iterator[FreezingProxy]:
    """A proxy to `target` for the `with` block."""
    proxy = FreezingProxy(target)
    try:
        yield proxy
    finally:
        proxy.close()

"""Child processes `aianimals up` runs beside itself (portal, MLflow UI), restarted if they die."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)


@dataclass
class Child:
    """One supervised command."""

    name: str
    argv: Sequence[str]
    env: Mapping[str, str] | None = None
    process: subprocess.Popen[bytes] | None = None
    restarts: list[float] = field(default_factory=list)
    given_up: bool = False


class Supervisor:
    """Starts children, restarts one that exits (at most `max_restarts` a minute, then it is
    left down and logged), and stops them all: SIGTERM, then SIGKILL after `grace` s."""

    def __init__(self, max_restarts: int = 3, check_every: float = 1.0, grace: float = 20.0):
        self.max_restarts = max_restarts
        self.check_every = check_every
        self.grace = grace
        self.children: list[Child] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._watch, name="supervisor", daemon=True)

    def start(self, name: str, argv: Sequence[str], env: Mapping[str, str] | None = None) -> Child:
        """Start `argv` now and keep it running."""
        child = Child(name, list(argv), env)
        self._spawn(child)
        with self._lock:
            self.children.append(child)
        if not self._thread.is_alive():
            self._thread.start()
        return child

    def _spawn(self, child: Child) -> None:
        env = dict(child.env) if child.env is not None else None
        guarded = [sys.executable, "-m", "aianimals.roles.orphan_guard", *child.argv]
        child.process = subprocess.Popen(guarded, env=env)  # noqa: S603 - our own commands

    def _watch(self) -> None:
        while not self._stop.wait(self.check_every):
            with self._lock:
                for child in self.children:
                    self._revive(child)

    def _revive(self, child: Child) -> None:
        process = child.process
        if process is None or process.poll() is None or child.given_up or self._stop.is_set():
            return
        now = time.monotonic()
        child.restarts = [at for at in child.restarts if now - at < 60]
        if len(child.restarts) >= self.max_restarts:
            logger.error("%s keeps exiting (code %s): left down", child.name, process.returncode)
            child.given_up = True
            return
        logger.warning("%s exited with %s; restarting", child.name, process.returncode)
        child.restarts.append(now)
        self._spawn(child)

    def stop(self) -> None:
        """Stop watching, then stop every child."""
        self._stop.set()
        with self._lock:
            children = list(self.children)
        for child in children:
            if child.process is not None and child.process.poll() is None:
                child.process.terminate()
        deadline = time.monotonic() + self.grace
        for child in children:
            if child.process is None:
                continue
            try:
                child.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait()

"""`up`'s children: kept running, restarted when they die, given up on when they keep dying."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from aianimals.roles.supervisor import Supervisor

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]
CRASHER = [sys.executable, "-c", "raise SystemExit(3)"]


def _wait(check: object, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_a_child_that_dies_is_started_again() -> None:
    supervisor = Supervisor(check_every=0.05)
    child = supervisor.start("sleeper", SLEEPER)
    try:
        first = child.process
        assert first is not None
        first.kill()
        assert _wait(lambda: child.process is not first and child.process.poll() is None)
        assert len(child.restarts) == 1
    finally:
        supervisor.stop()
    assert child.process is not None
    assert child.process.poll() is not None


def test_a_child_that_keeps_dying_is_left_down() -> None:
    supervisor = Supervisor(max_restarts=2, check_every=0.05)
    child = supervisor.start("crasher", CRASHER)
    try:
        assert _wait(lambda: child.given_up)
        assert len(child.restarts) == 2
    finally:
        supervisor.stop()


def test_stop_ends_every_child() -> None:
    supervisor = Supervisor(check_every=0.05, grace=5)
    children = [supervisor.start(f"sleeper-{n}", SLEEPER) for n in range(2)]
    supervisor.stop()
    assert all(child.process is not None and child.process.poll() is not None for child in children)


def test_children_die_when_up_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(
        "import sys, time\n"
        "from aianimals.roles.supervisor import Supervisor\n"
        f"child = Supervisor().start('sleeper', {SLEEPER!r})\n"
        "print(child.process.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child_pid = int(parent.stdout.readline())
    parent.kill()  # SIGKILL: the parent gets no chance to stop its children
    parent.wait()
    assert _wait(lambda: not _alive(child_pid))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().split()[2] != "Z"

"""`python -m aianimals.roles.orphan_guard COMMAND…`: run COMMAND, dying with our parent.

Asks Linux for SIGTERM when the parent process dies (the setting survives `exec`), then
becomes COMMAND. `up` starts its children this way, so none outlives an `up` that was
killed outright; elsewhere it simply runs COMMAND.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def main(argv: list[str]) -> None:
    """Set the parent-death signal, then exec `argv`."""
    if not argv:
        raise SystemExit("usage: python -m aianimals.roles.orphan_guard COMMAND [ARG…]")
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() == 1:  # the parent died before the request took effect
            raise SystemExit(1)
    os.execvp(argv[0], argv)  # noqa: S606 - our own commands


if __name__ == "__main__":
    main(sys.argv[1:])

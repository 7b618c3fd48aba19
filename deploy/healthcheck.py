"""Container health check: exit 0 when a URL answers 2xx within the timeout, else 1.

    python /opt/aianimals/healthcheck.py [URL]

Without a URL it asks the API role's readiness route,
`http://127.0.0.1:$AIANIMALS_API__PORT/v0/health-check/ready` (port 8000 by default), which
answers 503 while the SQL store is unreachable or not migrated. The image's HEALTHCHECK runs
it; compose gives the portal its own URL (`/_stcore/health`) and turns it off for the roles
that serve no HTTP (worker, scheduler, one-shot jobs). Only the standard library is used, so
the check works in any image that has Python.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

TIMEOUT_SECONDS = 4.0
READY_PATH = "/v0/health-check/ready"


def default_url(environment: dict[str, str] | None = None) -> str:
    """The API's readiness URL on this container's loopback."""
    env = os.environ if environment is None else environment
    port = env.get("AIANIMALS_API__PORT", "8000")
    return f"http://127.0.0.1:{port}{READY_PATH}"


def check(url: str, timeout: float = TIMEOUT_SECONDS) -> tuple[bool, str]:
    """Whether `url` answered 2xx, and a one-line reason."""
    if not url.startswith(("http://", "https://")):
        return False, f"not an http(s) URL: {url}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - scheme checked
            status = int(response.status)
    except urllib.error.HTTPError as error:
        return False, f"{url} answered {error.code}"
    except (urllib.error.URLError, OSError) as error:
        return False, f"{url} unreachable: {error}"
    if 200 <= status < 300:
        return True, f"{url} answered {status}"
    return False, f"{url} answered {status}"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    url = args[0] if args else default_url()
    ok, reason = check(url)
    (sys.stdout if ok else sys.stderr).write(reason + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""`/metrics` over several API processes: prometheus_client's multiprocess mode.

`roles.api.serve` with `api.processes` > 1 gives its processes a fresh directory
(`<var_dir>/metrics-<pid of serve>`) in `PROMETHEUS_MULTIPROC_DIR` before uvicorn spawns
them; prometheus_client, imported afterwards in each of them, keeps every counter, histogram
and gauge value in a file of that directory. A scrape, whichever process answers it, sums
the files of all of them (`exposed_registry`), so a request counts wherever it was served.

What a scrape shows then:

* the catalogue's counters and histograms: summed over every process, those that exited
  included (a count never goes back); gauges by their `multiprocess_mode` (in-flight
  requests: `livesum`, the live processes only);
* the live collectors (`metrics.LIVE_COLLECTORS`: models in service, queue depths,
  `python_info`): read in the answering process, which serves what the others do;
* no `process_*` nor `python_gc_*` series: prometheus_client cannot sum them across
  processes, and one process's memory or CPU would pass for the whole API's.

One process (`api.processes` = 1, Kubernetes, tests) sets nothing: the registry is served
as it is, collectors included.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from prometheus_client import CollectorRegistry, multiprocess

from aianimals.observability.metrics import LIVE_COLLECTORS, REGISTRY, in_multiprocess_mode

DIRECTORY_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def prepare_directory(var_dir: Path) -> Path:
    """A fresh, empty directory for the values of the processes this process is about to
    start, named in their environment (set here, before they import prometheus_client)."""
    directory = var_dir / f"metrics-{os.getpid()}"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    os.environ[DIRECTORY_VARIABLE] = str(directory)
    return directory


def remove_directory(directory: Path) -> None:
    """Forget the directory once its processes have exited."""
    if os.environ.get(DIRECTORY_VARIABLE) == str(directory):
        del os.environ[DIRECTORY_VARIABLE]
    shutil.rmtree(directory, ignore_errors=True)


def exposed_registry() -> CollectorRegistry:
    """What `/metrics` serves: every process's values when in multiprocess mode (a fresh
    registry per scrape), else this process's registry."""
    if not in_multiprocess_mode():
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    for collector in LIVE_COLLECTORS:
        registry.register(collector)
    return registry


def process_exiting() -> None:
    """Drop this process's live gauges (in-flight requests) from the sums, on a clean exit."""
    if in_multiprocess_mode():
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]

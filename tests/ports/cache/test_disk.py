"""The disk cache is shared by the processes that open its directory, and keeps counters
apart from values."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from aianimals.ports.cache.disk import DiskCache
from aianimals.ports.cache.factory import create_cache
from aianimals.settings import CacheSettings

_OTHER_PROCESS = """
import sys
from pathlib import Path
from aianimals.ports.cache.disk import DiskCache
cache = DiskCache(Path(sys.argv[1]), 2**24)
cache.set("page", b"from the other process", 30)
print(cache.incr("generation"))
"""


def test_another_process_sees_values_and_counters(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path, 2**24)
    assert cache.incr("generation") == 1
    done = subprocess.run(
        [sys.executable, "-c", _OTHER_PROCESS, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "2"
    assert cache.get("page") == b"from the other process"
    assert cache.get("generation") == b"2"


def test_counters_survive_values_culled_for_size(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path, 2**20)
    cache.incr("generation")
    for index in range(40):
        cache.set(f"value:{index}", bytes(64 * 1024), 30)
    assert cache.get("value:0") is None  # the oldest stored went first
    assert cache.get("value:39") is not None
    assert cache.incr("generation") == 2


def test_the_default_cache_is_the_disk_cache_in_its_directory(tmp_path: Path) -> None:
    cache = create_cache(CacheSettings(path=tmp_path / "cache"))
    assert isinstance(cache, DiskCache)
    cache.set("k", b"v", 30)
    assert (tmp_path / "cache").is_dir()

"""Large allocations go back to the operating system when they are freed.

A decoded photo is one large allocation (Pillow asks for its pixels in 16 MiB blocks). glibc
serves such requests by mmap at first, but raises its mmap threshold each time one is freed,
so later photos come from the heap and their memory stays with the process after use: the
API held 2-3 GB after a burst of large uploads. A fixed threshold (as the environment
variable `MALLOC_MMAP_THRESHOLD_` would set before start) keeps every large block mapped on
its own, and unmapped when freed. Elsewhere than glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util

M_MMAP_THRESHOLD = -3
"""glibc's `mallopt` parameter number for the mmap threshold."""
LARGE_BLOCK = 4 * 1024 * 1024
"""Allocations of this size and more are mapped on their own."""


def return_large_blocks(threshold: int = LARGE_BLOCK) -> bool:
    """Fix the allocator's mmap threshold at `threshold` bytes; whether it could."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return False
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is None:
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, threshold))

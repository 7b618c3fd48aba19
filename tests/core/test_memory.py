"""Freed photo memory goes back to the system."""

from __future__ import annotations

import subprocess
import sys

_PROBE = r"""
import sys
from PIL import Image
from aianimals.core.memory import return_large_blocks

def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024

if sys.argv[1] == "fixed":
    assert return_large_blocks()
# A first large image raises glibc's dynamic threshold when it is freed; the next ones then
# come from the heap, and stay with the process unless the threshold is fixed.
Image.new("RGBA", (4000, 4000)).close()
before = rss()
images, kept = [], []
for _ in range(3):  # a small long-lived object after each: the heap cannot shrink past it
    images.append(Image.new("RGBA", (4000, 4000), (1, 2, 3, 4)))
    kept.append(bytearray(64 * 1024))
del images
print(rss() - before)
"""


def _retained(mode: str) -> int:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, mode], capture_output=True, text=True, check=True
    )
    return int(result.stdout)


def test_large_blocks_are_returned_when_freed() -> None:
    three_images = 3 * 4000 * 4000 * 4
    assert _retained("fixed") < 0.1 * three_images
    assert _retained("dynamic") > 0.5 * three_images  # what happens without it

"""Writing the dataset folder: json files, reference copies and photo credits."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from aianimals.dataset.generator.photos import Assignment
from aianimals.dataset.generator.reference import (
    COPIED_FILES,
    VIOLATION_FILE,
    bundled_photos_dir,
    filter_violations,
    read_reference_text,
)

CREDITS_FILE = "PHOTO_CREDITS.csv"
SOURCES_FILE = "photo_sources.csv"
PHOTOS_README = "PHOTOS_README.md"

_README = """# Photos of this generated dataset

Every `images/<animal_id>.jpg` is a modified version of one source photo: a deterministic
random crop, horizontal flip, slight rotation and colour / brightness / contrast jitter,
resized to at most 480 px and re-encoded as JPEG (quality 82). User-supplied photos used
by a single animal are only resized and re-encoded.

- `photo_sources.csv`: animal_id → source file, author and licence of that source.
- `PHOTO_CREDITS.csv`: the bundled photos' manifest rows (author, licence, origin) for
  every bundled source used here.

Credit the author and licence wherever a photo is shown. Modified versions of CC-BY-SA,
GPL or LGPL photos stay under the same licence.
"""


def write_json(path: Path, data: Any, *, indent: int | None = None) -> None:
    """Write ``data`` as UTF-8 json (stable key order, so output is byte-reproducible)."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    path.write_text(text + "\n", encoding="utf-8")


def copy_reference_files(out_dir: Path, animal_ids: set[str]) -> dict[str, int]:
    """Copy the small reference files; violation.json keeps the generated animals only."""
    counts: dict[str, int] = {}
    for name in COPIED_FILES:
        text = read_reference_text(name)
        (out_dir / name).write_text(text, encoding="utf-8")
        counts[name] = len(json.loads(text))
    violations = filter_violations(animal_ids)
    write_json(out_dir / VIOLATION_FILE, violations, indent=4)
    counts[VIOLATION_FILE] = len(violations)
    return counts


def _manifest() -> dict[str, dict[str, str]]:
    text = (bundled_photos_dir() / "manifest.csv").read_text(encoding="utf-8")
    return {row["file"]: row for row in csv.DictReader(text.splitlines())}


def write_photo_credits(out_dir: Path, assignments: list[Assignment]) -> None:
    """photo_sources.csv, PHOTO_CREDITS.csv and PHOTOS_README.md."""
    manifest = _manifest()
    used: dict[str, None] = {}
    with (out_dir / SOURCES_FILE).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["animal_id", "source", "author", "licence", "modified"])
        for item in assignments:
            row = manifest.get(item.source.label, {}) if item.source.bundled else {}
            if item.source.bundled:
                used[item.source.label] = None
            writer.writerow(
                [
                    item.animal_id,
                    item.source.label,
                    row.get("author", ""),
                    row.get("licence", ""),
                    "yes" if item.varied else "resized",
                ]
            )
    fields = next(iter(manifest.values())).keys() if manifest else ["file"]
    with (out_dir / CREDITS_FILE).open("w", encoding="utf-8", newline="") as handle:
        credits = csv.DictWriter(handle, fieldnames=list(fields))
        credits.writeheader()
        for label in sorted(used):
            if label in manifest:
                credits.writerow(manifest[label])
    (out_dir / PHOTOS_README).write_text(_README, encoding="utf-8")

"""Small generated datasets shared by the generator tests (built once per session)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aianimals.dataset.generator import GenerationOptions, generate_dataset

SMALL = 300
LARGE = 2_000


def load(folder: Path, name: str) -> Any:
    """One json file of a generated dataset."""
    return json.loads((folder / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def small_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 animals, json only."""
    out = tmp_path_factory.mktemp("small")
    generate_dataset(out, GenerationOptions(animals=SMALL, photos=False))
    return out


@pytest.fixture(scope="session")
def large_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000 animals, json only: enough rows for the statistical checks."""
    out = tmp_path_factory.mktemp("large")
    generate_dataset(out, GenerationOptions(animals=LARGE, photos=False))
    return out


@pytest.fixture(scope="session")
def photo_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """120 animals with their photos, rendered on two processes."""
    out = tmp_path_factory.mktemp("photos")
    generate_dataset(out, GenerationOptions(animals=120, workers=2))
    return out

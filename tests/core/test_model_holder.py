"""The model holder: one reload policy for every served model (rankers, the no-animal head,
the similar-word file)."""

from __future__ import annotations

import os
from pathlib import Path

from aianimals.core.model_holder import Fetched, FileSource, ModelHolder


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Alias:
    """A source whose version the test moves; counts the loads and can fail."""

    def __init__(self) -> None:
        self.version: str | None = None
        self.loads = 0
        self.down = False

    @property
    def description(self) -> str:
        return "test@champion"

    def fetch(self, known: str | None) -> Fetched[str]:
        if self.down:
            raise ConnectionError("source down")
        if self.version is None or self.version == known:
            return Fetched(self.version)
        self.loads += 1
        return Fetched(self.version, f"model {self.version}")


def test_the_source_is_asked_at_most_every_poll_seconds_and_loaded_once_per_version() -> None:
    source, clock = Alias(), Clock()
    holder = ModelHolder(source, poll_seconds=30.0, clock=clock)
    assert holder.current() is None
    source.version = "1"
    clock.now = 10.0
    assert holder.current() is None  # not yet time to ask again
    clock.now = 31.0
    assert holder.current() == "model 1"
    clock.now = 62.0
    assert holder.current() == "model 1"
    assert source.loads == 1


def test_a_source_that_holds_nothing_any_more_serves_nothing() -> None:
    source = Alias()
    source.version = "1"
    holder = ModelHolder(source, poll_seconds=1.0)
    assert holder.refresh()
    source.version = None
    assert holder.refresh()
    assert holder.loaded is None


def test_an_unreachable_source_keeps_what_is_loaded() -> None:
    source, clock = Alias(), Clock()
    source.version = "1"
    holder = ModelHolder(source, poll_seconds=1.0, clock=clock)
    assert holder.current() == "model 1"
    source.down, source.version, clock.now = True, "2", 5.0
    assert holder.current() == "model 1"


def test_a_refused_version_is_not_served_nor_loaded_again() -> None:
    source = Alias()
    source.version = "old"
    holder = ModelHolder(source, poll_seconds=1.0, accept=lambda model: "old" not in model)
    assert holder.refresh()
    assert holder.current() is None
    assert not holder.refresh()
    assert source.loads == 1
    source.version = "new"
    assert holder.refresh()
    assert holder.loaded == "model new"


def _read(path: Path) -> str | None:
    text = path.read_text("utf-8")
    return text or None  # an empty file is unreadable here


def test_a_file_is_reloaded_when_it_changes_and_unloaded_when_removed(tmp_path: Path) -> None:
    path = tmp_path / "words.json"
    holder = ModelHolder(FileSource(path, _read), poll_seconds=0.0)
    assert holder.current() is None
    path.write_text("first", "utf-8")
    assert holder.current() == "first"
    path.write_text("second!", "utf-8")
    os.utime(path, ns=(1, 1))
    assert holder.current() == "second!"
    path.write_text("", "utf-8")
    assert holder.current() is None
    path.unlink()
    assert not holder.refresh()
    assert holder.current() is None

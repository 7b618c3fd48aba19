"""The pipeline runner: steps run in order, are timed, logged, summarised and named on failure."""

from __future__ import annotations

import io
import logging
import time

import pytest
from rich.console import Console

from aianimals.core.pipeline import Pipeline, PipelineError, Step


def _console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=120, force_terminal=False, color_system=None), buffer


def test_each_step_receives_the_previous_steps_output() -> None:
    seen: list[object] = []

    def record(label: str, value: object) -> None:
        seen.append((label, value))

    def load(path: str) -> list[int]:
        record("load", path)
        return [3, 1, 2]

    def features(rows: list[int]) -> list[int]:
        record("features", rows)
        return sorted(rows)

    def train(rows: list[int]) -> dict[str, int]:
        record("train", rows)
        return {"total": sum(rows)}

    pipeline = Pipeline(
        "demo", [Step("load", load), Step("features", features), Step("train", train)]
    )
    result = pipeline.run("data.csv")

    assert seen == [("load", "data.csv"), ("features", [3, 1, 2]), ("train", [1, 2, 3])]
    assert result.output == {"total": 6}
    assert result.name == "demo"
    assert [step.name for step in result.steps] == ["load", "features", "train"]
    assert pipeline.names() == ["load", "features", "train"]


def test_durations_are_recorded_per_step_and_in_total() -> None:
    def slow(value: int) -> int:
        time.sleep(0.05)
        return value + 1

    result = Pipeline("timed", [Step("fast", lambda v: v), Step("slow", slow)]).run(0)

    fast, slow_step = result.steps
    assert slow_step.seconds >= 0.05
    assert fast.seconds < slow_step.seconds
    assert result.seconds >= fast.seconds + slow_step.seconds
    assert result.output == 1


def test_summary_comes_from_describe_or_is_empty() -> None:
    steps: list[Step[int, int]] = [
        Step("double", lambda v: v * 2, describe=lambda out: f"value {out}"),
        Step("plain", lambda v: v + 1),
    ]
    result = Pipeline("described", steps).run(5)
    assert [(step.name, step.summary) for step in result.steps] == [
        ("double", "value 10"),
        ("plain", ""),
    ]


def test_a_failing_step_raises_an_error_naming_it_and_later_steps_do_not_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    ran: list[str] = []

    def broken(_value: int) -> int:
        raise KeyError("missing column")

    def never(value: int) -> int:
        ran.append("never")
        return value

    pipeline = Pipeline(
        "fragile", [Step("load", lambda v: v), Step("train", broken), Step("register", never)]
    )
    with (
        caplog.at_level(logging.INFO, logger="aianimals.pipeline"),
        pytest.raises(PipelineError) as raised,
    ):
        pipeline.run(1)

    error = raised.value
    assert (error.pipeline, error.step) == ("fragile", "train")
    assert isinstance(error.cause, KeyError)
    assert error.__cause__ is error.cause
    assert "train" in str(error)
    assert [step.name for step in error.completed] == ["load"]
    assert ran == []
    failure = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(failure) == 1
    assert "train" in failure[0].getMessage()
    assert "completed steps: load" in failure[0].getMessage()


def test_every_step_is_logged_with_its_duration(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="aianimals.pipeline"):
        Pipeline("logged", [Step("a", lambda v: v), Step("b", lambda v: v)]).run(None)
    messages = [record.getMessage() for record in caplog.records]
    assert any("step a done in" in message and " s" in message for message in messages)
    assert any("step b done in" in message for message in messages)
    assert all(record.name == "aianimals.pipeline" for record in caplog.records)


def test_with_a_console_a_line_per_step_and_a_summary_table_are_printed() -> None:
    console, buffer = _console()
    steps: list[Step[int, int]] = [
        Step("features", lambda v: v + 1, description="build features"),
        Step("evaluate", lambda v: v, describe=lambda out: f"ndcg {out / 10:.2f}"),
    ]
    Pipeline("ltr", steps).run(3, console=console)

    text = buffer.getvalue()
    assert "[1/2] ltr: features — build features" in text
    assert "[2/2] ltr: evaluate" in text
    assert "pipeline ltr" in text  # the table's title
    table = text[text.index("pipeline ltr") :]
    for cell in ("step", "seconds", "summary", "features", "evaluate", "ndcg 0.40", "total"):
        assert cell in table


def test_with_a_console_a_failure_prints_the_table_of_completed_steps() -> None:
    console, buffer = _console()

    def broken(_value: int) -> int:
        raise RuntimeError("disk full")

    pipeline = Pipeline("oops", [Step("load", lambda v: v), Step("save", broken)])
    with pytest.raises(PipelineError, match="'save'"):
        pipeline.run(0, console=console)
    text = buffer.getvalue()
    assert "save failed" in text
    assert "disk full" in text
    table = text[text.index("pipeline oops") :]
    assert "load" in table
    assert "total" not in table


def test_a_pipeline_needs_steps_with_distinct_names() -> None:
    with pytest.raises(ValueError, match="no steps"):
        Pipeline("empty", [])
    with pytest.raises(ValueError, match="duplicate step names: a"):
        Pipeline("dupes", [Step("a", lambda v: v), Step("a", lambda v: v)])

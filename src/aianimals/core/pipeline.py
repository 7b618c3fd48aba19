"""Trainers as chains of typed steps: load → features → train → evaluate → register → promote.

A `Pipeline` passes each step's output to the next step as its input, times every step,
logs it (logger `aianimals.pipeline`) and, given a rich console, shows a status line while a
step runs and a summary table at the end. A failing step ends the run with a
`PipelineError` that names the pipeline and the step; the log says which steps completed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from rich.console import Console
from rich.table import Table

logger = logging.getLogger("aianimals.pipeline")

In = TypeVar("In")
Out = TypeVar("Out")


@dataclass(frozen=True)
class Step(Generic[In, Out]):
    """One stage of a pipeline: `run` turns the previous step's output into this one's.

    `describe`, when given, summarises the output in a few words for the log and the table
    (say "12,345 rows" or "ndcg@10 0.41").
    """

    name: str
    run: Callable[[In], Out]
    description: str = ""
    describe: Callable[[Out], str] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class StepResult:
    """How one step went: its name, how long it took and its output's summary ("" if none)."""

    name: str
    seconds: float
    summary: str


@dataclass(frozen=True)
class PipelineResult(Generic[Out]):
    """A completed run: the last step's output and every step's result, in order."""

    name: str
    output: Out
    steps: list[StepResult]
    seconds: float


class PipelineError(Exception):
    """A step failed; `cause` is what it raised and `completed` the steps done before it."""

    def __init__(
        self,
        pipeline: str,
        step: str,
        cause: BaseException,
        completed: Sequence[StepResult] = (),
    ) -> None:
        super().__init__(f"pipeline {pipeline!r} failed at step {step!r}: {cause!r}")
        self.pipeline = pipeline
        self.step = step
        self.cause = cause
        self.completed = list(completed)


class Pipeline:
    """A named chain of steps, run in order; the first step receives `initial`."""

    def __init__(self, name: str, steps: Sequence[Step[Any, Any]]) -> None:
        if not steps:
            msg = f"pipeline {name!r} has no steps"
            raise ValueError(msg)
        names = [step.name for step in steps]
        duplicates = sorted({step for step in names if names.count(step) > 1})
        if duplicates:
            msg = f"pipeline {name!r} has duplicate step names: {', '.join(duplicates)}"
            raise ValueError(msg)
        self.name = name
        self.steps = list(steps)

    def names(self) -> list[str]:
        """The steps' names, in the order they run."""
        return [step.name for step in self.steps]

    def run(self, initial: Any, *, console: Console | None = None) -> PipelineResult[Any]:
        """Run every step; raises `PipelineError` naming the step that failed."""
        started = time.perf_counter()
        results: list[StepResult] = []
        value: Any = initial
        total = len(self.steps)
        logger.info("pipeline %s: %d steps (%s)", self.name, total, " → ".join(self.names()))
        for number, step in enumerate(self.steps, start=1):
            label = f"[{number}/{total}] {self.name}: {step.name}"
            if step.description:
                label += f" — {step.description}"
            step_started = time.perf_counter()
            try:
                if console is None:
                    value = step.run(value)
                else:
                    with console.status(label):
                        value = step.run(value)
            except Exception as error:
                seconds = time.perf_counter() - step_started
                done = ", ".join(result.name for result in results) or "none"
                logger.error(
                    "pipeline %s: step %s failed after %.2f s; completed steps: %s",
                    self.name,
                    step.name,
                    seconds,
                    done,
                )
                if console is not None:
                    console.print(f"[red]✗[/red] {label} failed after {seconds:.2f} s: {error!r}")
                    console.print(self.table(results))
                raise PipelineError(self.name, step.name, error, results) from error
            seconds = time.perf_counter() - step_started
            summary = step.describe(value) if step.describe is not None else ""
            results.append(StepResult(name=step.name, seconds=seconds, summary=summary))
            logger.info(
                "pipeline %s: step %s done in %.2f s%s",
                self.name,
                step.name,
                seconds,
                f" ({summary})" if summary else "",
            )
            if console is not None:
                console.print(f"[green]✓[/green] {label} ({seconds:.2f} s) {summary}".rstrip())
        elapsed = time.perf_counter() - started
        logger.info("pipeline %s: done in %.2f s", self.name, elapsed)
        if console is not None:
            console.print(self.table(results, elapsed))
        return PipelineResult(name=self.name, output=value, steps=results, seconds=elapsed)

    def table(self, results: Sequence[StepResult], seconds: float | None = None) -> Table:
        """The summary table of a run: step, seconds, summary (and the total when known)."""
        table = Table(title=f"pipeline {self.name}")
        table.add_column("step")
        table.add_column("seconds", justify="right")
        table.add_column("summary")
        for result in results:
            table.add_row(result.name, f"{result.seconds:.2f}", result.summary)
        if seconds is not None:
            table.add_row("total", f"{seconds:.2f}", "", style="bold")
        return table

"""Where `aianimals train ltr-report` puts what it made: the markdown blocks of the docs and
the README, and the figures the docs show (`docs/figures/ltr-*.png`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from aianimals.ml.ltr.evaluation import headline_bars_png, ndcg_by_cutoff_png
from aianimals.ml.ltr.online_report import lift_png, online_markdown, power_png
from aianimals.ml.ltr.report import (
    OFFLINE,
    ONLINE,
    SUMMARY,
    LtrReport,
    markdown,
    replace_block,
    summary_markdown,
)

FIGURES = "figures"
"""The folder beside the doc that holds its figures."""


def figures(report: LtrReport) -> dict[str, bytes]:
    """Every figure of the report, by file name."""
    made = {
        "ltr-ndcg-by-cutoff.png": ndcg_by_cutoff_png(report.comparison),
        "ltr-ips-ndcg10.png": headline_bars_png(report.comparison),
    }
    if report.online is not None:
        made["ltr-ab-lift.png"] = lift_png(report.online)
        made["ltr-searches-needed.png"] = power_png(report.online)
    return made


def blocks(report: LtrReport, command: str) -> dict[str, str]:
    """The markdown of each doc block, by block name."""
    made = {OFFLINE: markdown(report, command), SUMMARY: summary_markdown(report, command)}
    if report.online is not None:
        made[ONLINE] = f"Made by `{command}`.\n\n" + online_markdown(report.online)
    return made


def write_outputs(
    report: LtrReport, command: str, *, docs: Path | None, readme: Path | None
) -> Iterator[str]:
    """Print every block; rewrite the doc's blocks and figures and the README's summary when
    asked. Yields the lines to show."""
    made = blocks(report, command)
    for name in (OFFLINE, ONLINE, SUMMARY):
        if name in made:
            yield f"<!-- {name} -->\n{made[name]}\n"
    if docs is not None:
        text = docs.read_text(encoding="utf-8")
        for name in (OFFLINE, ONLINE):
            if name in made:
                text = replace_block(text, made[name], name)
        docs.write_text(text, encoding="utf-8")
        folder = docs.parent / FIGURES
        folder.mkdir(parents=True, exist_ok=True)
        for file_name, png in figures(report).items():
            (folder / file_name).write_bytes(png)
        yield f"rewrote the report blocks of {docs} and the figures in {folder}"
    if readme is not None:
        text = readme.read_text(encoding="utf-8")
        readme.write_text(replace_block(text, made[SUMMARY], SUMMARY), encoding="utf-8")
        yield f"rewrote the summary block of {readme}"

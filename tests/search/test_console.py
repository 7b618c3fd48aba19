"""The search console: `aianimals search explain` says how a query was read and why results
matched."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from typer.testing import CliRunner

from aianimals.cli import app
from aianimals.roles.container import Container
from aianimals.roles.portal import ENV_PREFIX, settings_environment
from aianimals.search.console import explain
from aianimals.search.engine import TextQuery
from tests.factories import Factory


@pytest.fixture
def indexed(factory: Factory, reindex: Callable[[], int]) -> str:
    animal = factory.animal(factory.user("owner"), name="ポチ", description="散歩が大好きです")
    reindex()
    return animal.id


def test_explain_gives_forms_readings_clauses_and_matches(
    container: Container, indexed: str
) -> None:
    explained = explain(container.text_search, TextQuery(("しばいぬ", "散歩")))
    assert [r.meaning for r in explained.readings] == ["breed: shiba_inu", "concept: walk"]
    assert explained.query.min_cover == 2
    assert explained.hits == 1
    (result,) = explained.results
    assert result.animal_id == indexed
    assert result.covered == 2
    assert {(m.field, m.token) for m in result.matches} >= {
        ("breed", "#b:shiba_inu"),
        ("description", "散歩"),
    }


def test_the_cli_prints_the_explanation(
    container: Container, indexed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in list(os.environ):
        if key.startswith(ENV_PREFIX):
            monkeypatch.delenv(key)
    environment = settings_environment(container.settings, {})
    result = CliRunner().invoke(app, ["search", "explain", "chihuaua 散歩"], env=environment)
    assert result.exit_code == 0, result.output
    assert "'chihuaua' → breed: chihuahua (typo corrected)" in result.output
    assert "did you mean: chihuahua 散歩" in result.output
    assert "0 hits" in result.output

"""scripts/import_graph.py finds cycles (function-level imports included) and imports from
ports/ into features; the package has neither."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "import_graph.py"


@pytest.fixture(scope="module")
def graph() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_graph", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["import_graph"] = module
    spec.loader.exec_module(module)
    return module


def _module(graph: ModuleType, name: str, *imports: str) -> object:
    module = graph.Module(name, Path(name), False, 1)
    module.imports = set(imports)
    return module


def test_a_cycle_through_a_function_level_import_is_found(
    graph: ModuleType, tmp_path: Path
) -> None:
    source = tmp_path / "aianimals"
    source.mkdir()
    (source / "__init__.py").write_text("")
    (source / "a.py").write_text("from aianimals.b import thing\n")
    (source / "b.py").write_text("def thing():\n    from aianimals import a\n    return a\n")
    (source / "c.py").write_text("from aianimals.a import thing\n")
    graph.SOURCE = source
    try:
        modules = graph.load()
    finally:
        graph.SOURCE = SCRIPT.parent.parent / "src" / "aianimals"
    assert graph.cycles(modules) == [["aianimals.a", "aianimals.b"]]
    assert modules["aianimals.b"].function_level == [(2, "from aianimals import a")]


def test_a_port_importing_a_feature_is_reported(graph: ModuleType) -> None:
    modules = {
        "aianimals.ports.sql.x": _module(
            graph, "aianimals.ports.sql.x", "aianimals.animals.models"
        ),
        "aianimals.ports.sql.y": _module(graph, "aianimals.ports.sql.y", "aianimals.core.ids"),
    }
    assert graph.ports_into_features(modules) == [
        ("aianimals.ports.sql.x", "aianimals.animals.models")
    ]


def test_the_package_has_no_cycle_and_no_port_importing_a_feature(graph: ModuleType) -> None:
    modules = graph.load()
    assert graph.cycles(modules) == []
    assert graph.ports_into_features(modules) == []


def test_only_the_registry_of_tables_imports_the_animals_table_from_outside(
    graph: ModuleType,
) -> None:
    assert graph.animal_table_outside(graph.load()) == ["aianimals.schema"]

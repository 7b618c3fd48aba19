"""The package's import graph read from the source (no module is executed): prints the import
cycles (every import counts, module-level or inside a function), the imports from `ports/` into
feature folders, the modules outside `animals/` that import its table, the function-level
imports and the source size.

    python scripts/import_graph.py            # the figures; exit 1 on a cycle or ports→feature
    python scripts/import_graph.py --list     # also every function-level import
"""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "aianimals"
SOURCE = Path(__file__).resolve().parent.parent / "src" / PACKAGE
# Infrastructure and shared code: everything else under the package is a feature or a role.
# observability (the metrics registry) is platform code every layer reports to, not a feature.
INFRASTRUCTURE = {"ports", "core", "settings", "logs", "observability"}


@dataclass
class Module:
    name: str
    path: Path
    is_package: bool
    lines: int
    imports: set[str] = field(default_factory=set)
    function_level: list[tuple[int, str]] = field(default_factory=list)


def _module_name(path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(SOURCE.parent).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def _resolve(module: Module, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.name.split(".")
    if not module.is_package:
        base.pop()
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _targets(module: Module, node: ast.Import | ast.ImportFrom, known: set[str]) -> set[str]:
    """The package modules an import statement loads (the deepest known module of each name)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = _resolve(module, node)
        names = [f"{base}.{alias.name}" for alias in node.names] or [base]
        names = [name if name in known else base for name in names]
    found = set()
    for imported in names:
        name = imported
        while name and name not in known:
            name = name.rpartition(".")[0]
        if name.startswith(PACKAGE + ".") and name != module.name:
            found.add(name)
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(module: Module, body: list[ast.stmt], known: set[str], in_function: bool) -> None:
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            targets = _targets(module, node, known)
            module.imports |= targets
            if in_function:
                module.function_level.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.If) and _is_type_checking(node):
            continue  # annotations only: never executed
        for child_body in _bodies(node):
            nested = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            _walk(module, child_body, known, nested)


def _bodies(node: ast.stmt) -> list[list[ast.stmt]]:
    bodies = []
    for name in ("body", "orelse", "finalbody"):
        value = getattr(node, name, None)
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            bodies.append(value)
    bodies.extend(handler.body for handler in getattr(node, "handlers", []))
    bodies.extend(case.body for case in getattr(node, "cases", []))
    return bodies


def load() -> dict[str, Module]:
    modules: dict[str, Module] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        name, is_package = _module_name(path)
        lines = len(path.read_text(encoding="utf-8").splitlines())
        modules[name] = Module(name, path, is_package, lines)
    known = set(modules)
    for module in modules.values():
        tree = ast.parse(module.path.read_text(encoding="utf-8"))
        _walk(module, tree.body, known, in_function=False)
    return modules


def cycles(modules: dict[str, Module]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root, root_module in modules.items():
        if root in index:
            continue
        work = [(root, iter(sorted(root_module.imports)))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(modules[child].imports))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _top(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def ports_into_features(modules: dict[str, Module]) -> list[tuple[str, str]]:
    return sorted(
        (module.name, target)
        for module in modules.values()
        if _top(module.name) == "ports"
        for target in module.imports
        if _top(target) not in INFRASTRUCTURE
    )


def animal_table_outside(modules: dict[str, Module]) -> list[str]:
    """Modules outside `animals/` that import its table (the registry of tables is one)."""
    return sorted(
        module.name
        for module in modules.values()
        if "aianimals.animals.models" in module.imports and _top(module.name) != "animals"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="print every function-level import")
    args = parser.parse_args()
    modules = load()
    found = cycles(modules)
    upward = ports_into_features(modules)
    function_level = [
        (module.name, line, text)
        for module in modules.values()
        for line, text in module.function_level
    ]
    print(f"files: {len(modules)}  source lines: {sum(m.lines for m in modules.values())}")
    print(f"import cycles: {len(found)}")
    for component in found:
        print("  " + " ↔ ".join(component))
    print(f"imports from ports/ into features: {len(upward)}")
    for source, target in upward:
        print(f"  {source} → {target}")
    animal_table = animal_table_outside(modules)
    print(f"modules outside animals/ importing its table: {len(animal_table)}")
    for name in animal_table:
        print(f"  {name}")
    print(f"function-level imports: {len(function_level)}")
    if args.list:
        for name, line, text in sorted(function_level):
            print(f"  {name}:{line}  {text}")
    return 1 if found or upward else 0


if __name__ == "__main__":
    sys.exit(main())

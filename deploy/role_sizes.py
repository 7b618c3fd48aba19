"""The installed size of each role's environment, measured on this one.

    .venv/bin/python deploy/role_sizes.py [--pyproject FILE] [--extras a,b]

Each role installs `aianimals[extras]`; this walks that requirement's dependency closure
through the installed distributions' metadata (as deploy/pin_constraints.py does) and adds
up the bytes of every file those distributions installed here (the project itself left out).
`--pyproject` measures the extras another version of pyproject.toml declares; `--extras`
measures one set of extras instead of every role's.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from importlib import metadata
from pathlib import Path
from types import ModuleType

ROLES: dict[str, tuple[str, ...]] = {
    "api (OpenSearch, Redis, RabbitMQ)": ("serve", "redis", "rabbitmq"),
    "api on embedded stores": ("serve", "search"),
    "worker": ("serve", "redis", "rabbitmq"),
    "portal": ("portal",),
    "training jobs": ("train",),
    "aianimals up": ("train", "serve", "search", "portal"),
}
"""Role → the extras it installs (roles that need none of an extra leave it out)."""


def _pins() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "pin_constraints", Path(__file__).resolve().parent / "pin_constraints.py"
    )
    if spec is None or spec.loader is None:
        raise SystemExit("deploy/pin_constraints.py not found")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def installed_bytes(name: str) -> int:
    """Bytes on disk of the files distribution `name` installed."""
    total = 0
    for file in metadata.distribution(name).files or []:
        path = Path(str(file.locate()))
        if path.is_file():
            total += path.stat().st_size
    return total


def role_size(pins: ModuleType, extras: tuple[str, ...]) -> tuple[int, int]:
    """(distributions, bytes) of the closure of `aianimals[extras]`."""
    project = pins.tomllib.loads(pins.PYPROJECT.read_text("utf-8"))["project"]
    unknown = set(extras) - set(project.get("optional-dependencies", {}))
    if unknown:
        raise SystemExit(f"{pins.PYPROJECT} declares no extra {sorted(unknown)}")
    names = pins.closure(extras)
    return len(names), sum(installed_bytes(name) for name in names)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pyproject", type=Path, help="Another pyproject.toml to measure.")
    parser.add_argument("--extras", help="Measure these extras (comma-separated) only.")
    args = parser.parse_args(argv)
    pins = _pins()
    if args.pyproject is not None:
        pins.PYPROJECT = args.pyproject
    roles = ROLES if args.extras is None else {"given": tuple(args.extras.split(","))}
    sys.stdout.write("| role | extras | distributions | installed |\n|---|---|---:|---:|\n")
    for role, extras in roles.items():
        count, size = role_size(pins, extras)
        listed = ",".join(extras)
        sys.stdout.write(f"| {role} | `[{listed}]` | {count} | {size / 2**20:,.0f} MiB |\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

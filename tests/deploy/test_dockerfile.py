"""deploy/Dockerfile: multi-stage, pinned, non-root, health-checked, the CLI as entrypoint;
its build context keeps state and secrets out; its pins cover what the package needs."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path, PurePosixPath

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.deploy.manifests import CONSTRAINTS, DEPLOY, DOCKERFILE, ROOT

IGNORE_FILE = DEPLOY / "Dockerfile.dockerignore"


def _instructions(text: str | None = None) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    source = DOCKERFILE.read_text("utf-8") if text is None else text
    lines = [line for line in source.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    found = []
    for line in joined.splitlines():
        if line.strip():
            instruction, _, arguments = line.strip().partition(" ")
            found.append((instruction.upper(), arguments.strip()))
    return found


def _stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for instruction, arguments in _instructions():
        if instruction == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((instruction, arguments))
    return stages


def _args() -> dict[str, str]:
    """Global ARG defaults (before the first FROM)."""
    found = {}
    for instruction, arguments in _instructions():
        if instruction == "FROM":
            break
        if instruction == "ARG" and "=" in arguments:
            name, _, value = arguments.partition("=")
            found[name] = value
    return found


def _ignored(path: str, patterns: list[str]) -> bool:
    """Whether Docker's ignore rules leave `path` out (the last matching rule wins; a rule
    that matches a directory matches everything inside it)."""

    def regex(pattern: str) -> re.Pattern[str]:
        out = ""
        index = 0
        while index < len(pattern):
            if pattern.startswith("**/", index):
                out += "(?:.*/)?"
                index += 3
            elif pattern.startswith("**", index):
                out += ".*"
                index += 2
            elif pattern[index] == "*":
                out += "[^/]*"
                index += 1
            elif pattern[index] == "?":
                out += "[^/]"
                index += 1
            elif pattern[index] == "[":
                end = pattern.index("]", index)
                out += pattern[index : end + 1]
                index = end + 1
            else:
                out += re.escape(pattern[index])
                index += 1
        return re.compile(out)

    parts = PurePosixPath(path).parts
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    ignored = False
    for raw in patterns:
        negate = raw.startswith("!")
        pattern = raw.removeprefix("!").strip("/")
        if any(regex(pattern).fullmatch(candidate) for candidate in candidates):
            ignored = not negate
    return ignored


def _ignore_patterns() -> list[str]:
    lines = IGNORE_FILE.read_text("utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_the_build_has_a_builder_stage_and_a_runtime_stage_that_copies_its_venv() -> None:
    stages = _stages()
    assert len(stages) >= 2
    names = [stage[0][1].split(" AS ")[-1].strip() for stage in stages]
    assert names[0] == "builder"
    runtime = stages[-1]
    copies = [arguments for instruction, arguments in runtime if instruction == "COPY"]
    assert any(args.startswith("--from=builder /opt/venv /opt/venv") for args in copies)
    # No compiler or build tool reaches the runtime stage.
    runs = " ".join(arguments for instruction, arguments in runtime if instruction == "RUN")
    assert not re.search(r"build-essential|\bgcc\b|pip install", runs)


def test_every_stage_starts_from_a_pinned_python_3_11_slim_image() -> None:
    base = _args()["PYTHON_IMAGE"]
    assert re.fullmatch(r"python:3\.11\.\d+-slim(-[a-z]+)?", base), base
    for stage in _stages():
        assert stage[0][1].split()[0] == "${PYTHON_IMAGE}"


def test_the_image_runs_as_a_non_root_user() -> None:
    runtime = _stages()[-1]
    users = [arguments for instruction, arguments in runtime if instruction == "USER"]
    assert users, "no USER in the runtime stage"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}
    assert "useradd" in " ".join(a for i, a in runtime if i == "RUN")
    assert f"--uid {user}" in " ".join(a for i, a in runtime if i == "RUN")


def test_the_healthcheck_asks_the_api_readiness_route() -> None:
    import importlib.util

    checks = [
        arguments for instruction, arguments in _instructions() if instruction == "HEALTHCHECK"
    ]
    (check,) = checks
    command = json.loads(check.split("CMD", 1)[1])
    assert command == ["python", "/opt/aianimals/healthcheck.py"]
    copies = [a for i, a in _stages()[-1] if i == "COPY"]
    assert "deploy/healthcheck.py /opt/aianimals/healthcheck.py" in copies
    spec = importlib.util.spec_from_file_location("healthcheck", DEPLOY / "healthcheck.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.default_url({}) == "http://127.0.0.1:8000/v0/health-check/ready"


def test_the_entrypoint_is_the_cli_and_the_default_command_the_api() -> None:
    instructions = dict(_instructions())
    assert json.loads(instructions["ENTRYPOINT"]) == ["aianimals"]
    assert json.loads(instructions["CMD"]) == ["api"]


def test_python_runs_non_interactively_from_the_venv() -> None:
    runtime = " ".join(a for i, a in _stages()[-1] if i == "ENV")
    for setting in (
        "PYTHONUNBUFFERED=1",
        "PYTHONDONTWRITEBYTECODE=1",
        "PATH=/opt/venv/bin:$PATH",
        "AIANIMALS_API__HOST=0.0.0.0",
    ):
        assert setting in runtime, setting


def test_the_package_is_installed_with_the_extras_the_pins_cover() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("pin", DEPLOY / "pin_constraints.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    runs = " ".join(a for i, a in _stages()[0] if i == "RUN")
    extras = ",".join(module.EXTRAS)
    assert f'".[{extras}]"' in runs
    assert "--constraint constraints.txt" in runs


def test_the_pins_cover_every_runtime_requirement_within_its_range() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    wanted = [Requirement(line) for line in project["dependencies"]]
    for extra in ("train", "serve", "search", "portal", "rabbitmq", "redis"):
        wanted += [Requirement(line) for line in project["optional-dependencies"][extra]]
    pins = {}
    for line in CONSTRAINTS.read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not pinned (run deploy/pin_constraints.py)"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{requirement.name}=={pins[name]} is outside {requirement.specifier}"
        )


def test_the_context_lets_in_what_the_dockerfile_copies() -> None:
    patterns = _ignore_patterns()
    sources = []
    for instruction, arguments in _instructions():
        if instruction == "COPY" and not arguments.startswith("--from"):
            sources += arguments.split()[:-1]
    assert sources
    for source in sources:
        assert (ROOT / source).exists(), source
        assert not _ignored(source, patterns), source
    model = "src/aianimals/ml/images/assets/efficientnet_lite0.onnx"
    assert (ROOT / model).exists()
    assert not _ignored(model, patterns)
    assert not _ignored(model + ".sha256", patterns)


def test_the_context_keeps_state_secrets_and_caches_out() -> None:
    patterns = _ignore_patterns()
    for path in (
        ".git/config",
        ".venv/bin/python",
        "var/aianimals.db",
        "var/blobs/photo.jpg",
        "deploy/.env",
        ".env",
        "src/aianimals/.env",
        "src/aianimals/__pycache__/cli.cpython-311.pyc",
        "src/aianimals.egg-info/PKG-INFO",
        "tests/conftest.py",
        "build/lib/aianimals/cli.py",
    ):
        assert _ignored(path, patterns), path


def test_the_ignore_rules_are_read_as_docker_reads_them() -> None:
    patterns = ["*", "!src", "**/__pycache__"]
    assert _ignored("var/x", patterns)
    assert not _ignored("src/a/b.py", patterns)
    assert _ignored("src/a/__pycache__/b.pyc", patterns)
    assert not _ignored("src/a/b.py", ["*", "!src", "src/a/c.py"])


def test_the_package_ships_the_model_as_package_data() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    data = project["tool"]["setuptools"]["package-data"]["aianimals"]
    assert "**/*.onnx" in data
    assert "**/*.sha256" in data
    assert (
        Path(ROOT / "src/aianimals/ml/images/assets/efficientnet_lite0.onnx").stat().st_size > 1e6
    )

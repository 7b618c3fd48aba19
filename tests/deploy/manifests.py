"""Reading the deployment files under deploy/: YAML documents, Kubernetes objects, tools."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
ARGO = DEPLOY / "argo"
COMPOSE = DEPLOY / "compose.yaml"
DOCKERFILE = DEPLOY / "Dockerfile"
CONSTRAINTS = DEPLOY / "constraints.txt"
SECRET_TEMPLATE = K8S / "secret.example.yaml"

APP_NAMESPACE = "aianimals"
DATA_NAMESPACE = "aianimals-data"
APP_IMAGE = "aianimals"
KUBERNETES_VERSIONS = ("1.31", "1.37")
"""Validated against: an older release still in wide use, and the newest the schemas know."""

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "Job")
CLUSTER_SCOPED_KINDS = ("Namespace", "ClusterRole", "ClusterRoleBinding")


def documents(path: Path) -> list[dict[str, Any]]:
    """The non-empty YAML documents of a file."""
    with path.open(encoding="utf-8") as stream:
        return [item for item in yaml.safe_load_all(stream) if item]


def k8s_files() -> list[Path]:
    """Every YAML file under deploy/k8s, the kustomization included."""
    return sorted(K8S.rglob("*.yaml"))


def manifest_files() -> list[Path]:
    """The Kubernetes manifests under deploy/k8s (not the kustomization itself)."""
    return [path for path in k8s_files() if path.name != "kustomization.yaml"]


def applied_objects() -> list[dict[str, Any]]:
    """The objects `kubectl apply -k deploy/k8s` creates: every listed file's documents."""
    kustomization = documents(K8S / "kustomization.yaml")[0]
    found: list[dict[str, Any]] = []
    for entry in kustomization["resources"]:
        found.extend(documents(K8S / entry))
    return found


def of_kind(objects: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [item for item in objects if item.get("kind") == kind]


def pod_spec(workload: dict[str, Any]) -> dict[str, Any]:
    """The pod spec of a Deployment, StatefulSet or Job."""
    spec: dict[str, Any] = workload["spec"]["template"]["spec"]
    return spec


def containers(pod: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from pod.get("initContainers", [])
    yield from pod.get("containers", [])


def workload_name(item: dict[str, Any]) -> str:
    return f"{item['kind']}/{item['metadata'].get('namespace', '-')}/{item['metadata']['name']}"


@cache
def cli_commands() -> frozenset[tuple[str, ...]]:
    """Every command path of the `aianimals` CLI: ("api",), ("train", "ltr"), ..."""
    import typer.main

    from aianimals.cli import app

    paths: set[tuple[str, ...]] = set()

    def walk(command: Any, prefix: tuple[str, ...]) -> None:
        children = getattr(command, "commands", None)  # a group (typer's own click types)
        if children:
            for name, child in children.items():
                walk(child, (*prefix, name))
        else:
            paths.add(prefix)

    walk(typer.main.get_command(app), ())
    assert len(paths) > 10, paths  # the walk found the commands, not just the root
    return frozenset(paths)


def runs_a_cli_command(argv: list[str]) -> bool:
    """Whether `aianimals <argv...>` names a real command (options may follow)."""
    words = tuple(word for word in argv if not word.startswith("-"))
    return any(words[: len(path)] == path for path in cli_commands())


@cache
def _quantity_units() -> dict[str, float]:
    binary = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}
    decimal = {"m": 1e-3, "": 1.0, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}
    return {**binary, **decimal}


def quantity(value: str | int | float) -> float:
    """A Kubernetes resource quantity as a number (cores or bytes)."""
    match = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", str(value))
    if match is None or match.group(2) not in _quantity_units():
        msg = f"not a quantity: {value!r}"
        raise ValueError(msg)
    return float(match.group(1)) * _quantity_units()[match.group(2)]


def kubectl_or_skip() -> str:
    """kubectl (its built-in kustomize): a skip outside CI when missing, a failure under CI."""
    found = shutil.which("kubectl")
    if found is None:
        message = "not run: no kubectl (apt-get install kubectl) for `kubectl kustomize`"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must provide it", pytrace=False)
        pytest.skip(message)
    return found


def kustomize(directory: Path) -> list[dict[str, Any]]:
    """`kubectl kustomize DIR`, parsed."""
    result = subprocess.run(
        [kubectl_or_skip(), "kustomize", str(directory)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return [item for item in yaml.safe_load_all(result.stdout) if item]


def kubernetes_validate() -> Any:
    """The kubernetes-validate package: a skip outside CI when missing, a failure under CI."""
    try:
        import kubernetes_validate.utils as utils
    except ImportError:
        message = "not run: kubernetes-validate is not installed (pip install kubernetes-validate)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must provide it", pytrace=False)
        pytest.skip(message)
    return utils


def schema_errors(item: dict[str, Any], version: str) -> str | None:
    """None when the object is valid for that Kubernetes version (strict), else why not."""
    utils = kubernetes_validate()
    try:
        utils.validate(item, version, strict=True)
    except utils.ValidationError as error:
        path = ".".join(str(part) for part in error.path)
        return f"{workload_name(item)}: {path}: {error.message}"
    except utils.SchemaNotFoundError as error:
        return f"{workload_name(item)}: {error.message}"
    return None


def json_patch(document: dict[str, Any], operations: list[dict[str, Any]]) -> dict[str, Any]:
    """A copy of `document` with RFC 6902 `add` / `replace` operations applied (what
    kustomize does with deploy/argo's patches); a path that does not exist raises."""
    import copy

    result = copy.deepcopy(document)
    for operation in operations:
        parts = [
            part.replace("~1", "/").replace("~0", "~")
            for part in operation["path"].lstrip("/").split("/")
        ]
        parent: Any = result
        for part in parts[:-1]:
            parent = parent[int(part)] if isinstance(parent, list) else parent[part]
        last = parts[-1]
        if operation["op"] == "add":
            if isinstance(parent, list):
                parent.insert(len(parent) if last == "-" else int(last), operation["value"])
            else:
                parent[last] = operation["value"]
        elif operation["op"] == "replace":
            if isinstance(parent, list):
                parent[int(last)] = operation["value"]
            else:
                if last not in parent:
                    msg = f"replace of a missing member: {operation['path']}"
                    raise KeyError(msg)
                parent[last] = operation["value"]
        else:
            msg = f"unsupported operation {operation['op']!r}"
            raise ValueError(msg)
    return result


def cli_calls(script: str) -> list[list[str]]:
    """The arguments of every `aianimals ...` call in a shell script (quotes dropped)."""
    calls = []
    for match in re.finditer(
        r"(?:^|[;&|]|\bthen|\bdo|\belse)\s*aianimals\s+([^;&|\n]*)", script, re.MULTILINE
    ):
        calls.append([word.strip("\"'") for word in match.group(1).split()])
    return calls

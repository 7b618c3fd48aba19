"""deploy/compose.yaml: every service runnable, data layers healthy and persistent, start-up
ordered by conditions, secrets only from deploy/.env."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.deploy.manifests import (
    APP_IMAGE,
    COMPOSE,
    CONSTRAINTS,
    DEPLOY,
    cli_calls,
    documents,
    runs_a_cli_command,
)
from tests.deploy.secret_scan import acceptable

DATA_SERVICES = ("postgres", "redis", "rabbitmq", "opensearch", "mlflow")
APP_ROLES = {
    "migrate": ["migrate"],
    "api": ["api"],
    "worker": ["worker"],
    "portal": ["portal"],
    "scheduler": ["schedule", "run"],
}
CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}
VARIABLE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<modifier>:?[?\-+])?[^}]*\}")


def _compose() -> dict[str, Any]:
    return documents(COMPOSE)[0]


def _services() -> dict[str, dict[str, Any]]:
    services: dict[str, dict[str, Any]] = _compose()["services"]
    return services


def _environment(service: dict[str, Any]) -> dict[str, str]:
    environment = service.get("environment", {})
    if isinstance(environment, list):
        return dict(item.split("=", 1) for item in environment)
    return {key: str(value) for key, value in environment.items()}


def _healthcheck_enabled(service: dict[str, Any]) -> bool:
    check = service.get("healthcheck")
    return bool(check) and not check.get("disable") and bool(check.get("test"))


def _env_example() -> dict[str, str]:
    variables = {}
    for line in (DEPLOY / "env.example").read_text("utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            variables[key.strip()] = value.strip()
    return variables


def test_every_service_has_an_image_or_a_build() -> None:
    for name, service in _services().items():
        assert service.get("image") or service.get("build"), name


def test_images_are_pinned_to_a_version() -> None:
    for name, service in _services().items():
        image = service["image"]
        _, _, tag = image.rpartition(":")
        assert tag, f"{name}: {image} has no tag"
        assert tag != "latest", name
        assert "/" not in tag, name


def test_app_services_build_the_one_image_and_run_their_role() -> None:
    services = _services()
    for name, argv in APP_ROLES.items():
        service = services[name]
        assert service["image"].split(":")[0] == APP_IMAGE
        assert service["build"]["dockerfile"] == "deploy/Dockerfile"
        assert (COMPOSE.parent / service["build"]["context"] / "deploy/Dockerfile").exists()
        assert service["command"] == argv, name
        assert runs_a_cli_command(service["command"]), name


def test_the_import_job_runs_cli_commands_only_with_its_profile() -> None:
    job = _services()["import"]
    assert job["profiles"] == ["demo"]
    assert job["restart"] == "no"
    called = cli_calls(job["command"][0])
    assert ["dataset", "generate", "$$dir"] in called
    assert ["import", "$$dir"] in called
    assert len(called) == 7
    for argv in called:
        assert runs_a_cli_command(argv), argv


def test_every_data_service_has_a_healthcheck_and_a_named_volume() -> None:
    services = _services()
    declared = set(_compose()["volumes"])
    for name in DATA_SERVICES:
        service = services[name]
        assert _healthcheck_enabled(service), name
        sources = {volume.split(":")[0] for volume in service["volumes"]}
        assert sources & declared, f"{name} keeps its data in no named volume"


def test_every_named_volume_used_is_declared_and_every_declared_one_used() -> None:
    declared = set(_compose()["volumes"])
    used = set()
    for name, service in _services().items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0] if isinstance(volume, str) else volume["source"]
            if not source.startswith((".", "/", "~")):
                assert source in declared, f"{name}: volume {source} is not declared"
                used.add(source)
    assert used == declared


def test_long_running_app_services_are_checked_or_opt_out_explicitly() -> None:
    services = _services()
    assert _healthcheck_enabled(services["api"])
    assert "/v0/health-check/ready" in " ".join(services["api"]["healthcheck"]["test"])
    assert _healthcheck_enabled(services["portal"])
    assert _healthcheck_enabled(services["worker"])
    assert "127.0.0.1:9108/metrics" in " ".join(services["worker"]["healthcheck"]["test"])
    for name in ("scheduler", "migrate", "import"):
        # The image's HEALTHCHECK asks the API; these serve no HTTP.
        assert services[name]["healthcheck"] == {"disable": True}, name


def test_start_up_waits_on_conditions_that_can_be_met() -> None:
    services = _services()
    for name, service in services.items():
        depends = service.get("depends_on", {})
        assert isinstance(depends, dict), f"{name}: depends_on without conditions"
        for target, rule in depends.items():
            assert target in services, f"{name} depends on unknown {target}"
            condition = rule["condition"]
            assert condition in CONDITIONS
            if condition == "service_healthy":
                assert _healthcheck_enabled(services[target]), f"{target} has no healthcheck"
            if condition == "service_completed_successfully":
                assert services[target].get("restart") == "no", target
    for name in ("api", "worker", "portal", "scheduler"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        for data in DATA_SERVICES:
            assert depends[data]["condition"] == "service_healthy", (name, data)
    assert set(services["migrate"]["depends_on"]) == {"postgres"}


def test_secret_settings_are_references_to_the_env_file_never_literals() -> None:
    secretish = re.compile(r"PASS|SECRET|TOKEN|KEY|AUTH", re.IGNORECASE)
    userinfo = re.compile(r"://[^/@\s]*:(?P<password>\$\{[^}]*\}|[^@\s]*)@")
    for name, service in _services().items():
        for key, value in _environment(service).items():
            if secretish.search(key):
                assert acceptable(value), f"{name}: {key} is a literal"
                assert "change-me" not in value, f"{name}: {key} holds the placeholder"
            for match in userinfo.finditer(value):
                assert VARIABLE.fullmatch(match.group("password")), f"{name}: {key}"
        command = " ".join(service.get("command", []))
        for match in re.finditer(r"--requirepass\s+(\S+)", command):
            assert acceptable(match.group(1)), name


def test_the_env_file_is_required_and_the_example_defines_every_variable() -> None:
    text = COMPOSE.read_text("utf-8")
    required = {m["name"] for m in VARIABLE.finditer(text) if m["modifier"] in {"?", ":?"}}
    mentioned = {m["name"] for m in VARIABLE.finditer(text)}
    example = _env_example()
    assert required, "compose requires its secrets"
    assert required <= set(example)
    assert mentioned <= set(example)
    for name in APP_ROLES:
        (env_file,) = _services()[name]["env_file"]
        assert env_file == {"path": ".env", "required": True}
    assert (DEPLOY / ".gitignore").read_text("utf-8").splitlines().count(".env") == 1


def test_the_env_example_holds_placeholders_not_secrets() -> None:
    example = _env_example()
    secrets = {key: value for key, value in example.items() if "PASSWORD" in key}
    assert secrets
    assert set(secrets.values()) == {"change-me"}


def test_published_ports_listen_on_loopback_only() -> None:
    for name, service in _services().items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name}: {port}"
    assert "ports" not in _services()["opensearch"]  # its security plugin is off


@pytest.mark.parametrize("path", ["compose.yaml", "k8s/data/mlflow.yaml"])
def test_the_mlflow_server_matches_the_client_pinned_in_the_image(path: str) -> None:
    (pin,) = [
        line.split("==")[1]
        for line in CONSTRAINTS.read_text("utf-8").splitlines()
        if line.startswith("mlflow==")
    ]
    text = (DEPLOY / path).read_text("utf-8")
    images = re.findall(r"image:\s*(ghcr\.io/mlflow/mlflow:\S+)", text)
    assert images == [f"ghcr.io/mlflow/mlflow:v{pin}"]
    assert "--serve-artifacts" in text

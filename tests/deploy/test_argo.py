"""deploy/argo: the rendered CronWorkflows are what `aianimals schedule render` writes today,
well formed, and the patches give each pipeline what it needs to run in the cluster."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from aianimals.cli import app
from aianimals.schedules.cron import Cron, validate
from aianimals.schedules.scheduler import SCHEDULES
from aianimals.settings import ScheduleSettings, Settings
from tests.deploy.manifests import (
    APP_IMAGE,
    APP_NAMESPACE,
    ARGO,
    KUBERNETES_VERSIONS,
    applied_objects,
    documents,
    json_patch,
    kustomize,
    of_kind,
    runs_a_cli_command,
    schema_errors,
)

RENDER_ARGS = [
    "schedule",
    "render",
    "--image",
    f"{APP_IMAGE}:0.1.0",
    "--namespace",
    APP_NAMESPACE,
    "--env-from",
    "aianimals",
]
"""The arguments the committed files were rendered with (as deploy/argo/kustomization.yaml
says), less `--out`."""


def _rendered_files() -> list[Path]:
    return sorted(ARGO.glob("aianimals-*.yaml"))


def _cron_workflows() -> list[dict[str, Any]]:
    return [item for path in _rendered_files() for item in documents(path)]


def _render(out: Path) -> None:
    settings = Settings(schedules=ScheduleSettings())  # the defaults, whatever the environment
    result = CliRunner().invoke(app, [*RENDER_ARGS, "--out", str(out)], obj=settings)
    assert result.exit_code == 0, result.output


def _patched() -> list[dict[str, Any]]:
    """The CronWorkflows as deploy/argo/kustomization.yaml patches them."""
    kustomization = documents(ARGO / "kustomization.yaml")[0]
    result = []
    for rendered in _cron_workflows():
        workflow = rendered
        name = rendered["metadata"]["name"]
        for patch in kustomization["patches"]:
            target = patch["target"]
            if target["kind"] != rendered["kind"] or target.get("name", name) != name:
                continue
            operations: list[dict[str, Any]] = documents(ARGO / patch["path"])[0]  # type: ignore[assignment]
            workflow = json_patch(workflow, operations)
        result.append(workflow)
    return result


def test_the_committed_cron_workflows_equal_a_fresh_render(tmp_path: Path) -> None:
    _render(tmp_path)
    fresh = {path.name: path.read_text("utf-8") for path in sorted(tmp_path.glob("*.yaml"))}
    committed = {path.name: path.read_text("utf-8") for path in _rendered_files()}
    assert set(committed) == set(fresh), "render deploy/argo again (kustomization.yaml says how)"
    for name, text in fresh.items():
        assert committed[name] == text, f"{name} drifted from the render"


def test_every_schedule_has_one_cron_workflow_listed_in_the_kustomization() -> None:
    names = {item["metadata"]["name"] for item in _cron_workflows()}
    assert names == {f"aianimals-{schedule.name}" for schedule in SCHEDULES}
    listed = set(documents(ARGO / "kustomization.yaml")[0]["resources"])
    assert {path.name for path in _rendered_files()} <= listed
    assert all((ARGO / entry).exists() for entry in listed)


@pytest.mark.parametrize("workflow", _cron_workflows(), ids=lambda item: item["metadata"]["name"])
def test_each_cron_workflow_is_a_forbid_concurrency_schedule_of_an_aianimals_command(
    workflow: dict[str, Any],
) -> None:
    assert workflow["apiVersion"] == "argoproj.io/v1alpha1"
    assert workflow["kind"] == "CronWorkflow"
    assert workflow["metadata"]["namespace"] == APP_NAMESPACE
    spec = workflow["spec"]
    assert spec["concurrencyPolicy"] == "Forbid"
    assert validate(spec["schedule"]) == spec["schedule"]
    Cron.parse(spec["schedule"])  # raises on an invalid expression
    assert spec["timezone"] == "UTC"
    workflow_spec = spec["workflowSpec"]
    templates = {template["name"]: template for template in workflow_spec["templates"]}
    assert workflow_spec["entrypoint"] in templates
    for template in templates.values():
        command = template["container"]["command"]
        assert command[0] == "aianimals", command
        assert runs_a_cli_command(command[1:]), command
        assert template["container"]["image"].split(":")[0] == APP_IMAGE


def test_the_patches_give_each_pipeline_config_files_identity_and_limits() -> None:
    objects = applied_objects()
    config_maps = {item["metadata"]["name"] for item in of_kind(objects, "ConfigMap")}
    claims = {item["metadata"]["name"] for item in of_kind(objects, "PersistentVolumeClaim")}
    accounts = {
        item["metadata"]["name"]
        for item in documents(ARGO / "rbac.yaml")
        if item["kind"] == "ServiceAccount"
    }
    patched = _patched()
    assert len(patched) == len(SCHEDULES)
    for workflow in patched:
        spec = workflow["spec"]["workflowSpec"]
        (template,) = spec["templates"]
        container = template["container"]
        sources = container["envFrom"]
        assert sources[0]["configMapRef"]["name"] in config_maps
        assert sources[-1] == {"secretRef": {"name": "aianimals"}}  # the Secret wins
        volumes = {volume["name"]: volume for volume in spec["volumes"]}
        mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
        var = volumes[mounts["/srv/aianimals/var"]]
        assert var["persistentVolumeClaim"]["claimName"] in claims
        assert spec["serviceAccountName"] in accounts
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert 0 < spec["activeDeadlineSeconds"] <= 3 * 3600
        if workflow["spec"]["schedule"].startswith("0 * "):  # hourly: done before the next
            assert spec["activeDeadlineSeconds"] < 3600


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_each_patched_pipeline_pod_is_valid_for_kubernetes(version: str) -> None:
    for workflow in _patched():
        spec = workflow["spec"]["workflowSpec"]
        (template,) = spec["templates"]
        pod = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": workflow["metadata"]["name"], "namespace": APP_NAMESPACE},
            "spec": {
                "serviceAccountName": spec["serviceAccountName"],
                "securityContext": spec["securityContext"],
                "activeDeadlineSeconds": spec["activeDeadlineSeconds"],
                "volumes": spec["volumes"],
                "containers": [{"name": "main", **template["container"]}],
            },
        }
        assert schema_errors(pod, version) is None


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_the_executor_rbac_is_valid_for_kubernetes(version: str) -> None:
    errors = [schema_errors(item, version) for item in documents(ARGO / "rbac.yaml")]
    assert [error for error in errors if error] == []


def test_kustomize_applies_the_patches_and_rewrites_the_image(tmp_path: Path) -> None:
    built = kustomize(ARGO)
    workflows = [item for item in built if item["kind"] == "CronWorkflow"]
    expected = {item["metadata"]["name"]: item for item in _patched()}
    assert {item["metadata"]["name"] for item in workflows} == set(expected)
    for workflow in workflows:
        ours = expected[workflow["metadata"]["name"]]["spec"]["workflowSpec"]
        assert workflow["spec"]["workflowSpec"]["templates"] == ours["templates"]
        assert workflow["spec"]["workflowSpec"]["volumes"] == ours["volumes"]
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\n"
        "kind: Kustomization\n"
        f"resources: [{os.path.relpath(ARGO, overlay)}]\n"
        "images:\n"
        "  - name: aianimals\n"
        "    newName: registry.example.com/team/aianimals\n"
        '    newTag: "9.9.9"\n'
    )
    images = {
        template["container"]["image"]
        for item in kustomize(overlay)
        if item["kind"] == "CronWorkflow"
        for template in item["spec"]["workflowSpec"]["templates"]
    }
    assert images == {"registry.example.com/team/aianimals:9.9.9"}

"""Argo CronWorkflows rendered from the schedules, checked against the essential schema."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
import yaml

from aianimals.schedules.argo import render_cron_workflow, render_cron_workflows, to_yaml
from aianimals.schedules.cron import CronError, validate
from aianimals.schedules.scheduler import SCHEDULES, Schedule

DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
TEMPLATE_NAME = re.compile(r"^[a-zA-Z0-9][-a-zA-Z0-9]*$")
CRON_WORKFLOW_NAME_MAX = 52
"""Argo appends a timestamp to a CronWorkflow's name for each workflow it starts."""
QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$")


def _expect(problems: list[str], condition: bool, problem: str) -> None:
    if not condition:
        problems.append(problem)


def _check_container(container: Any, problems: list[str]) -> None:
    if not isinstance(container, dict):
        problems.append("template.container must be an object")
        return
    _expect(problems, isinstance(container.get("image"), str), "container.image: string")
    command = container.get("command")
    _expect(
        problems,
        isinstance(command, list) and bool(command) and all(isinstance(c, str) for c in command),
        "container.command: non-empty list of strings",
    )
    env_from = container.get("envFrom")
    secret_refs = [
        source["secretRef"].get("name")
        for source in env_from or []
        if isinstance(source, dict) and isinstance(source.get("secretRef"), dict)
    ]
    _expect(
        problems,
        bool(secret_refs) and all(isinstance(name, str) and name for name in secret_refs),
        "container.envFrom: a secretRef with a name",
    )
    requests = (container.get("resources") or {}).get("requests")
    _expect(
        problems,
        isinstance(requests, dict)
        and {"cpu", "memory"} <= set(requests)
        and all(isinstance(v, str) and QUANTITY.match(v) for v in requests.values()),
        "container.resources.requests: cpu and memory quantities",
    )


def cron_workflow_problems(manifest: Any) -> list[str]:
    """What makes `manifest` an invalid CronWorkflow, by the fields Argo requires."""
    problems: list[str] = []
    if not isinstance(manifest, dict):
        return ["a manifest must be an object"]
    _expect(problems, manifest.get("apiVersion") == "argoproj.io/v1alpha1", "apiVersion")
    _expect(problems, manifest.get("kind") == "CronWorkflow", "kind")
    metadata = manifest.get("metadata") or {}
    name = metadata.get("name")
    _expect(
        problems,
        isinstance(name, str)
        and DNS_SUBDOMAIN.match(name) is not None
        and len(name) <= CRON_WORKFLOW_NAME_MAX,
        "metadata.name: a DNS subdomain of at most 52 characters",
    )
    _expect(problems, isinstance(metadata.get("namespace"), str), "metadata.namespace: string")
    spec = manifest.get("spec")
    if not isinstance(spec, dict):
        return [*problems, "spec must be an object"]
    schedule = spec.get("schedule")
    try:
        validate(schedule if isinstance(schedule, str) else "")
    except CronError as error:
        problems.append(f"spec.schedule: {error}")
    _expect(problems, spec.get("concurrencyPolicy") == "Forbid", "spec.concurrencyPolicy: Forbid")
    deadline = spec.get("startingDeadlineSeconds")
    _expect(
        problems,
        isinstance(deadline, int) and not isinstance(deadline, bool) and deadline > 0,
        "spec.startingDeadlineSeconds: positive integer",
    )
    workflow = spec.get("workflowSpec")
    if not isinstance(workflow, dict):
        return [*problems, "spec.workflowSpec must be an object"]
    templates = workflow.get("templates")
    if not isinstance(templates, list) or not templates:
        return [*problems, "workflowSpec.templates: non-empty list"]
    names = [template.get("name") for template in templates if isinstance(template, dict)]
    _expect(
        problems,
        all(isinstance(n, str) and TEMPLATE_NAME.match(n) for n in names),
        "template names: alphanumerics and hyphens",
    )
    _expect(problems, workflow.get("entrypoint") in names, "workflowSpec.entrypoint: a template")
    for template in templates:
        _check_container(
            template.get("container") if isinstance(template, dict) else None, problems
        )
    return problems


@pytest.fixture
def manifests() -> list[dict[str, Any]]:
    return render_cron_workflows(SCHEDULES, "registry.example/aianimals:1.2.3", "ml")


def test_every_schedule_renders_a_valid_cron_workflow(manifests: list[dict[str, Any]]) -> None:
    assert len(manifests) == len(SCHEDULES)
    for manifest in manifests:
        assert cron_workflow_problems(manifest) == []


def test_rendered_workflows_carry_each_schedules_cron_command_and_settings(
    manifests: list[dict[str, Any]],
) -> None:
    for schedule, manifest in zip(SCHEDULES, manifests, strict=True):
        spec = manifest["spec"]
        assert manifest["metadata"]["name"] == f"aianimals-{schedule.name}"
        assert manifest["metadata"]["namespace"] == "ml"
        assert spec["schedule"] == schedule.cron
        assert spec["timezone"] == "UTC"
        [template] = spec["workflowSpec"]["templates"]
        container = template["container"]
        assert container["image"] == "registry.example/aianimals:1.2.3"
        assert container["command"] == list(schedule.command)
        assert container["envFrom"] == [{"secretRef": {"name": "aianimals"}}]


def test_the_secret_and_deadline_can_be_chosen() -> None:
    schedule = Schedule("nightly", "0 1 * * *", ("aianimals", "train", "x"), "nightly job")
    manifest = render_cron_workflow(
        schedule, "img", "ns", env_from="ml-env", starting_deadline_seconds=60
    )
    assert manifest["spec"]["startingDeadlineSeconds"] == 60
    container = manifest["spec"]["workflowSpec"]["templates"][0]["container"]
    assert container["envFrom"] == [{"secretRef": {"name": "ml-env"}}]


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        (("spec", "concurrencyPolicy"), "Allow", "Forbid"),
        (("spec", "schedule"), "every hour", "spec.schedule"),
        (("spec", "startingDeadlineSeconds"), "900", "startingDeadlineSeconds"),
        (("metadata", "name"), "Bad_Name", "metadata.name"),
        (("spec", "workflowSpec", "entrypoint"), "missing", "entrypoint"),
        (("kind", None), "Workflow", "kind"),
    ],
)
def test_the_schema_check_catches_broken_manifests(
    manifests: list[dict[str, Any]], path: tuple[str, str | None], value: object, problem: str
) -> None:
    broken = copy.deepcopy(manifests[0])
    target: dict[str, Any] = broken
    keys = [key for key in path if key is not None]
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value
    assert any(problem in found for found in cron_workflow_problems(broken))


def test_the_yaml_text_reads_back_as_the_same_objects(manifests: list[dict[str, Any]]) -> None:
    text = to_yaml(manifests)
    assert "&id" not in text  # no YAML anchors: kubectl users read these files
    assert list(yaml.safe_load_all(text)) == manifests

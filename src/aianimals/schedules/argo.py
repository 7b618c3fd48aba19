"""The schedules as Argo Workflows `CronWorkflow` objects, for running them on Kubernetes.

Each schedule becomes one CronWorkflow whose single container template runs the schedule's
command in the platform image, with its environment (the `AIANIMALS_*` settings, database
URL and so on) taken from a Secret. Overlapping runs are forbidden, as in the embedded
scheduler; times are UTC.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aianimals.schedules.scheduler import Schedule

API_VERSION = "argoproj.io/v1alpha1"
KIND = "CronWorkflow"
DEFAULT_REQUESTS: Mapping[str, str] = {"cpu": "1", "memory": "2Gi"}


def workflow_name(schedule: Schedule) -> str:
    """The Kubernetes name of a schedule's CronWorkflow (and its template)."""
    return f"aianimals-{schedule.name}"


def render_cron_workflow(
    schedule: Schedule,
    image: str,
    namespace: str,
    *,
    env_from: str = "aianimals",
    starting_deadline_seconds: int = 900,
    requests: Mapping[str, str] = DEFAULT_REQUESTS,
    history_limit: int = 3,
) -> dict[str, Any]:
    """One schedule's CronWorkflow, as a plain mapping ready for YAML.

    `env_from` names the Secret whose keys become the container's environment; a run that
    cannot start within `starting_deadline_seconds` of its slot is skipped.
    """
    name = workflow_name(schedule)
    labels = {"app.kubernetes.io/part-of": "aianimals", "aianimals/schedule": schedule.name}
    container: dict[str, Any] = {
        "image": image,
        "command": list(schedule.command),
        "envFrom": [{"secretRef": {"name": env_from}}],
        "resources": {"requests": dict(requests)},
    }
    return {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": labels,
            "annotations": {"workflows.argoproj.io/description": schedule.description},
        },
        "spec": {
            "schedule": schedule.cron,
            "timezone": "UTC",
            "concurrencyPolicy": "Forbid",
            "startingDeadlineSeconds": starting_deadline_seconds,
            "successfulJobsHistoryLimit": history_limit,
            "failedJobsHistoryLimit": history_limit,
            "workflowMetadata": {"labels": dict(labels)},
            "workflowSpec": {
                "entrypoint": schedule.name,
                "templates": [{"name": schedule.name, "container": container}],
            },
        },
    }


def render_cron_workflows(
    schedules: Sequence[Schedule],
    image: str,
    namespace: str,
    *,
    env_from: str = "aianimals",
    starting_deadline_seconds: int = 900,
) -> list[dict[str, Any]]:
    """Every schedule's CronWorkflow, in the schedules' order."""
    return [
        render_cron_workflow(
            schedule,
            image,
            namespace,
            env_from=env_from,
            starting_deadline_seconds=starting_deadline_seconds,
        )
        for schedule in schedules
    ]


def to_yaml(objects: Sequence[Mapping[str, Any]]) -> str:
    """The objects as one multi-document YAML text (keys in the order given)."""
    import yaml  # type: ignore[import-untyped]

    documents = [dict(item) for item in objects]
    text: str = yaml.safe_dump_all(documents, sort_keys=False, allow_unicode=True)
    return text

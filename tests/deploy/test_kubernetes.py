"""deploy/k8s: valid objects, wired to each other, sized, probed, persistent, non-root."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.manifests import (
    APP_IMAGE,
    APP_NAMESPACE,
    CLUSTER_SCOPED_KINDS,
    DATA_NAMESPACE,
    K8S,
    KUBERNETES_VERSIONS,
    SECRET_TEMPLATE,
    WORKLOAD_KINDS,
    applied_objects,
    cli_calls,
    containers,
    documents,
    kustomize,
    manifest_files,
    of_kind,
    pod_spec,
    quantity,
    runs_a_cli_command,
    schema_errors,
    workload_name,
)

DATA_LAYERS = ("postgres", "redis", "rabbitmq", "opensearch", "mlflow")
APP_ROLES = {"aianimals-api": "api", "aianimals-worker": "worker", "aianimals-portal": "portal"}


def _workloads() -> list[dict[str, Any]]:
    return [item for item in applied_objects() if item["kind"] in WORKLOAD_KINDS]


def _selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return bool(selector) and all(labels.get(key) == value for key, value in selector.items())


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("path", manifest_files(), ids=lambda path: str(path.relative_to(K8S)))
def test_every_manifest_is_valid_for_kubernetes_strictly(path: Path, version: str) -> None:
    errors = [schema_errors(item, version) for item in documents(path)]
    assert [error for error in errors if error] == []


def test_the_kustomization_applies_every_manifest_but_the_secret_template() -> None:
    listed = {K8S / entry for entry in documents(K8S / "kustomization.yaml")[0]["resources"]}
    assert all(path.exists() for path in listed), sorted(map(str, listed))
    assert set(manifest_files()) - listed == {SECRET_TEMPLATE}
    assert not any(item["kind"] == "Secret" for item in applied_objects())


def test_the_secret_template_holds_only_placeholders() -> None:
    secrets = documents(SECRET_TEMPLATE)
    assert {item["kind"] for item in secrets} == {"Secret"}
    for secret in secrets:
        assert "data" not in secret  # base64 would hide what is in it
        for key, value in secret["stringData"].items():
            password = re.search(r"://[^:/@]*:([^@]*)@", value)
            assert (password.group(1) if password else value) == "change-me", key


def test_every_namespaced_object_names_one_of_our_namespaces() -> None:
    for item in applied_objects():
        namespace = item["metadata"].get("namespace")
        if item["kind"] in CLUSTER_SCOPED_KINDS:
            assert namespace is None, workload_name(item)
        else:
            assert namespace in {APP_NAMESPACE, DATA_NAMESPACE}, workload_name(item)
    names = {item["metadata"]["name"] for item in of_kind(applied_objects(), "Namespace")}
    assert names == {APP_NAMESPACE, DATA_NAMESPACE}


def test_every_container_requests_and_limits_cpu_and_memory_within_bounds() -> None:
    for workload in _workloads():
        for container in containers(pod_spec(workload)):
            resources = container.get("resources", {})
            where = f"{workload_name(workload)} {container['name']}"
            for resource in ("cpu", "memory"):
                request = quantity(resources["requests"][resource])
                limit = quantity(resources["limits"][resource])
                assert 0 < request <= limit, f"{where}: {resource} {request} > {limit}"


def test_the_api_is_probed_on_its_readiness_and_liveness_routes() -> None:
    api = next(i for i in _workloads() if i["metadata"]["name"] == "aianimals-api")
    (container,) = pod_spec(api)["containers"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/v0/health-check/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/v0/health-check"
    port = container["readinessProbe"]["httpGet"]["port"]
    assert port in {p["name"] for p in container["ports"]}


def test_the_probed_routes_exist_in_the_api() -> None:
    from aianimals.roles.api import API_PREFIX, create_app
    from aianimals.settings import Settings

    paths = set(create_app(Settings()).openapi()["paths"])
    assert {f"{API_PREFIX}/health-check", f"{API_PREFIX}/health-check/ready"} <= paths


def test_app_deployments_run_their_role_of_the_one_image() -> None:
    for workload in _workloads():
        if workload["metadata"]["namespace"] != APP_NAMESPACE:
            continue
        for container in containers(pod_spec(workload)):
            assert container["image"].split(":")[0] == APP_IMAGE, workload_name(workload)
            if "command" in container:  # a shell script of CLI commands (the import Job)
                calls = cli_calls(container["args"][0])
                assert ["import", "$dir"] in calls
                for argv in calls:
                    assert runs_a_cli_command(argv), argv
            else:
                assert runs_a_cli_command(container["args"]), container["args"]
    for name, role in APP_ROLES.items():
        deployment = next(i for i in _workloads() if i["metadata"]["name"] == name)
        assert deployment["kind"] == "Deployment"
        assert pod_spec(deployment)["containers"][0]["args"] == [role]


def test_services_budgets_and_the_autoscaler_point_at_existing_workloads() -> None:
    objects = applied_objects()
    pods = [
        (item["metadata"]["namespace"], item["spec"]["template"]["metadata"]["labels"])
        for item in _workloads()
    ]
    for service in of_kind(objects, "Service"):
        namespace = service["metadata"]["namespace"]
        selector = service["spec"]["selector"]
        assert any(ns == namespace and _selects(selector, labels) for ns, labels in pods), (
            workload_name(service)
        )
    budgets = of_kind(objects, "PodDisruptionBudget")
    assert {b["metadata"]["name"] for b in budgets} >= {"aianimals-api", "aianimals-worker"}
    for budget in budgets:
        selector = budget["spec"]["selector"]["matchLabels"]
        assert any(_selects(selector, labels) for _, labels in pods), workload_name(budget)
    deployments = {d["metadata"]["name"]: d for d in of_kind(objects, "Deployment")}
    for autoscaler in of_kind(objects, "HorizontalPodAutoscaler"):
        target = autoscaler["spec"]["scaleTargetRef"]
        assert target["kind"] == "Deployment"
        assert target["name"] in deployments, workload_name(autoscaler)


def test_the_api_scales_on_70_percent_cpu_above_its_disruption_budget() -> None:
    objects = applied_objects()
    (autoscaler,) = of_kind(objects, "HorizontalPodAutoscaler")
    spec = autoscaler["spec"]
    assert spec["scaleTargetRef"]["name"] == "aianimals-api"
    (metric,) = spec["metrics"]
    assert metric["resource"]["name"] == "cpu"
    assert metric["resource"]["target"] == {"type": "Utilization", "averageUtilization": 70}
    budget = next(
        b
        for b in of_kind(objects, "PodDisruptionBudget")
        if b["metadata"]["name"] == "aianimals-api"
    )
    assert spec["minReplicas"] > budget["spec"]["minAvailable"]
    assert spec["maxReplicas"] > spec["minReplicas"]


def test_every_data_layer_is_a_stateful_set_with_a_persistent_claim() -> None:
    stateful = {s["metadata"]["name"]: s for s in of_kind(applied_objects(), "StatefulSet")}
    assert set(DATA_LAYERS) <= set(stateful)
    for name in DATA_LAYERS:
        item = stateful[name]
        assert item["metadata"]["namespace"] == DATA_NAMESPACE
        claims = {claim["metadata"]["name"] for claim in item["spec"]["volumeClaimTemplates"]}
        mounted = {
            mount["name"]
            for container in containers(pod_spec(item))
            for mount in container.get("volumeMounts", [])
        }
        assert claims, name
        assert claims <= mounted, name
        ephemeral = {volume["name"] for volume in pod_spec(item).get("volumes", [])}
        assert not claims & ephemeral, name
        governing = {s["metadata"]["name"] for s in of_kind(applied_objects(), "Service")}
        assert item["spec"]["serviceName"] in governing


def test_the_shared_files_live_on_a_claim_every_app_role_mounts() -> None:
    objects = applied_objects()
    claims = {c["metadata"]["name"] for c in of_kind(objects, "PersistentVolumeClaim")}
    for workload in _workloads():
        if workload["metadata"]["name"] == "aianimals-migrate":
            continue  # schema only: no files
        if workload["metadata"]["namespace"] != APP_NAMESPACE:
            continue
        volumes = {v["name"]: v for v in pod_spec(workload)["volumes"]}
        (container,) = pod_spec(workload)["containers"]
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        var = volumes[mounts["/srv/aianimals/var"]]
        assert var["persistentVolumeClaim"]["claimName"] in claims, workload_name(workload)


def test_app_pods_run_as_non_root_on_a_read_only_root_filesystem() -> None:
    for workload in _workloads():
        pod = pod_spec(workload)
        context = pod["securityContext"]
        assert context["runAsNonRoot"] is True, workload_name(workload)
        assert context["runAsUser"] != 0
        assert context["seccompProfile"]["type"] == "RuntimeDefault"
        for container in containers(pod):
            security = container["securityContext"]
            assert security["allowPrivilegeEscalation"] is False
            assert security["capabilities"]["drop"] == ["ALL"]
            if workload["metadata"]["namespace"] == APP_NAMESPACE:
                assert security["readOnlyRootFilesystem"] is True
                mounts = {m["mountPath"] for m in container["volumeMounts"]}
                assert "/tmp" in mounts, workload_name(workload)


def test_secret_and_config_references_resolve_to_the_template_and_config_map() -> None:
    secrets = {
        (s["metadata"]["namespace"], s["metadata"]["name"]): set(s["stringData"])
        for s in documents(SECRET_TEMPLATE)
    }
    config_maps = {
        (c["metadata"]["namespace"], c["metadata"]["name"]): set(c["data"])
        for c in of_kind(applied_objects(), "ConfigMap")
    }
    used: dict[tuple[str, str], set[str]] = {key: set() for key in secrets}
    for workload in _workloads():
        namespace = workload["metadata"]["namespace"]
        for container in containers(pod_spec(workload)):
            for source in container.get("envFrom", []):
                if "secretRef" in source:
                    key = (namespace, source["secretRef"]["name"])
                    assert key in secrets, key
                    used[key] |= secrets[key]
                if "configMapRef" in source:
                    assert (namespace, source["configMapRef"]["name"]) in config_maps
            for variable in container.get("env", []):
                reference = variable.get("valueFrom", {}).get("secretKeyRef")
                if reference:
                    key = (namespace, reference["name"])
                    assert reference["key"] in secrets.get(key, set()), (key, reference)
                    used[key].add(reference["key"])
    assert used == secrets, "the template lists keys that nothing reads"


def test_the_config_map_holds_no_secret() -> None:
    (config,) = [
        c
        for c in of_kind(applied_objects(), "ConfigMap")
        if c["metadata"]["name"] == "aianimals-config"
    ]
    for key, value in config["data"].items():
        assert not re.search(r"PASSWORD|SECRET|TOKEN|CREDENTIAL", key), key
        assert not re.search(r"://[^/@\s]+@", value), key  # no user info in URLs


def test_the_config_map_selects_servers_through_real_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from aianimals.settings import Settings

    (config,) = [
        c
        for c in of_kind(applied_objects(), "ConfigMap")
        if c["metadata"]["name"] == "aianimals-config"
    ]
    settings_keys = {key for key in config["data"] if key.startswith("AIANIMALS_")}
    top_level = {name.upper() for name in Settings.model_fields}
    for key in settings_keys:
        section = key.removeprefix("AIANIMALS_").split("__")[0]
        assert section in top_level, f"{key} is no setting"
    for key in list(os.environ):
        if key.startswith("AIANIMALS_"):
            monkeypatch.delenv(key)
    for key in settings_keys:
        monkeypatch.setenv(key, str(config["data"][key]))
    # What the Secret adds (passwords made up here, as the real Secret's are).
    password = secrets.token_hex(16)
    host = "aianimals-data.svc"
    monkeypatch.setenv(
        "AIANIMALS_DATABASE__URL",
        f"postgresql+psycopg://aianimals:{password}@postgres.{host}/aianimals",
    )
    monkeypatch.setenv(
        "AIANIMALS_QUEUE__URL", f"amqp://aianimals:{password}@rabbitmq.{host}:5672/%2F"
    )
    monkeypatch.setenv("AIANIMALS_CACHE__URL", f"redis://:{password}@redis.{host}:6379/0")
    monkeypatch.setenv("AIANIMALS_FEATURES__URL", f"redis://:{password}@redis.{host}:6379/0")
    settings = Settings()
    assert settings.environment == "production"
    assert settings.queue.kind == "rabbitmq"
    assert settings.cache.kind == "redis"
    assert settings.features.kind == "redis"
    assert settings.search.kind == "opensearch"
    assert settings.vectors.kind == "opensearch"
    assert settings.registry.tracking_uri == "http://mlflow.aianimals-data.svc:5000"
    assert settings.schedules.enabled is False
    assert str(settings.var_dir) == "/srv/aianimals/var"


def test_images_are_pinned_to_a_version() -> None:
    for workload in _workloads():
        for container in containers(pod_spec(workload)):
            image = container["image"]
            name, _, tag = image.rpartition(":")
            assert name, image
            assert tag, image
            assert tag != "latest", image
            assert "/" not in tag, image


def test_kustomize_builds_objects_that_are_valid_for_kubernetes() -> None:
    built = kustomize(K8S)
    assert len(built) == len(applied_objects())
    errors = [schema_errors(item, KUBERNETES_VERSIONS[-1]) for item in built]
    assert [error for error in errors if error] == []
    for item in built:
        assert item["metadata"]["labels"]["app.kubernetes.io/part-of"] == "aianimals"

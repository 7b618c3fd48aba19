"""Registry settings and the factory: the embedded store lives under var_dir unless told."""

from __future__ import annotations

from pathlib import Path

import pytest

from aianimals.ports.registry.factory import create_registry, embedded_location
from aianimals.ports.registry.mlflow_registry import MlflowRegistry
from aianimals.settings import RegistrySettings, Settings


def test_empty_tracking_uri_builds_the_embedded_store_under_var_dir(tmp_path: Path) -> None:
    registry = create_registry(RegistrySettings(), tmp_path / "var")
    try:
        assert isinstance(registry, MlflowRegistry)
        folder = (tmp_path / "var" / "mlflow").resolve()
        assert registry.tracking_uri == f"sqlite:///{folder / 'mlflow.db'}"
        assert registry.artifact_root == folder / "artifacts"
        assert (folder / "artifacts").is_dir()
    finally:
        registry.close()


def test_embedded_artifacts_go_where_artifact_root_says(tmp_path: Path) -> None:
    uri, artifacts = embedded_location(tmp_path, tmp_path / "elsewhere")
    assert uri == f"sqlite:///{(tmp_path / 'mlflow' / 'mlflow.db').resolve()}"
    assert artifacts == (tmp_path / "elsewhere").resolve()


def test_a_server_uri_is_used_as_is_and_creates_no_local_store(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, registry={"tracking_uri": "http://mlflow:5000"})
    registry = create_registry(settings.registry, settings.var_dir)
    try:
        assert isinstance(registry, MlflowRegistry)
        assert registry.tracking_uri == "http://mlflow:5000"
        assert registry.artifact_root is None
        assert not (tmp_path / "mlflow").exists()
    finally:
        registry.close()


def test_registry_settings_come_from_nested_environment_variables(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AIANIMALS_REGISTRY__TRACKING_URI", "http://registry.internal:5000")
    monkeypatch.setenv("AIANIMALS_REGISTRY__ARTIFACT_ROOT", str(tmp_path / "art"))
    settings = Settings()
    assert settings.registry.tracking_uri == "http://registry.internal:5000"
    assert settings.registry.artifact_root == tmp_path / "art"

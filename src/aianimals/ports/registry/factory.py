"""Build the configured model registry; mlflow is imported only when one is built."""

from __future__ import annotations

from pathlib import Path

from aianimals.ports.registry.base import ModelRegistry
from aianimals.settings import RegistrySettings


def embedded_location(var_dir: Path, artifact_root: Path | None = None) -> tuple[str, Path]:
    """The embedded store's tracking URI and artifact folder under `var_dir`.

    `sqlite:///<var_dir>/mlflow/mlflow.db` (absolute) and `<var_dir>/mlflow/artifacts`
    unless `artifact_root` names another folder.
    """
    folder = (var_dir / "mlflow").resolve()
    artifacts = (artifact_root or folder / "artifacts").resolve()
    return f"sqlite:///{folder / 'mlflow.db'}", artifacts


def create_registry(settings: RegistrySettings, var_dir: Path) -> ModelRegistry:
    """The registry `settings` names: a server at `tracking_uri`, or (when it is empty, the
    default) the embedded store under `var_dir`.

    The embedded store's folders are created here; its database on first use.
    """
    from aianimals.ports.registry.mlflow_registry import MlflowRegistry

    if not settings.tracking_uri:
        uri, artifacts = embedded_location(var_dir, settings.artifact_root)
        (var_dir / "mlflow").mkdir(parents=True, exist_ok=True)
        artifacts.mkdir(parents=True, exist_ok=True)
        return MlflowRegistry(uri, artifacts)
    if settings.artifact_root is not None:
        settings.artifact_root.mkdir(parents=True, exist_ok=True)
    return MlflowRegistry(settings.tracking_uri, settings.artifact_root)

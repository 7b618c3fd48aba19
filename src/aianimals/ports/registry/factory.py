"""Build the configured model registry; mlflow is imported only when one is built."""

from __future__ import annotations

from pathlib import Path

from aianimals.ports.registry.base import ModelRegistry
from aianimals.settings import Settings


def embedded_location(var_dir: Path, artifact_root: Path | None = None) -> tuple[str, Path]:
    """The embedded store's tracking URI and artifact folder under `var_dir`.

    `sqlite:///<var_dir>/mlflow/mlflow.db` (absolute) and `<var_dir>/mlflow/artifacts`
    unless `artifact_root` names another folder.
    """
    folder = (var_dir / "mlflow").resolve()
    artifacts = (artifact_root or folder / "artifacts").resolve()
    return f"sqlite:///{folder / 'mlflow.db'}", artifacts


def create_registry(settings: Settings) -> ModelRegistry:
    """The registry `settings.registry` names: embedded under `var_dir` (default) or a server.

    The embedded store's folders are created here; its database on first use.
    """
    from aianimals.ports.registry.mlflow_registry import MlflowRegistry

    configured = settings.registry
    if not configured.tracking_uri:
        uri, artifacts = embedded_location(settings.var_dir, configured.artifact_root)
        (settings.var_dir / "mlflow").mkdir(parents=True, exist_ok=True)
        artifacts.mkdir(parents=True, exist_ok=True)
        return MlflowRegistry(uri, artifacts)
    if configured.artifact_root is not None:
        configured.artifact_root.mkdir(parents=True, exist_ok=True)
    return MlflowRegistry(configured.tracking_uri, configured.artifact_root)

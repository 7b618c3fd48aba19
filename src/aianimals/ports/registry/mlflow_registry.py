"""The model registry on MLflow, through `mlflow.MlflowClient` (imported with this module only).

One adapter serves both deployments:

* **embedded**: a SQLite tracking/registry store (`sqlite:///…/mlflow.db`) with artifacts in
  a local folder; nothing to run, works offline;
* **server**: an `mlflow server` URL (`http://mlflow:5000`); the server stores the runs and
  proxies the artifacts.

Models are plain artifacts (the trainer's own files under the run's `model` folder), not
MLflow model flavors: a registered version's source is that folder.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path, PurePosixPath

import mlflow.artifacts
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunStatus, RunTag
from mlflow.exceptions import MlflowException
from mlflow.protos.databricks_pb2 import (
    RESOURCE_ALREADY_EXISTS,
    RESOURCE_DOES_NOT_EXIST,
    ErrorCode,
)

from aianimals.ports.registry.base import ModelVersion, ParamValue, RunLog

MODEL_ARTIFACT = "model"
"""The run artifact folder a registered version's files live in."""
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_NOT_FOUND = ErrorCode.Name(RESOURCE_DOES_NOT_EXIST)
_ALREADY_EXISTS = ErrorCode.Name(RESOURCE_ALREADY_EXISTS)


def _now_ms() -> int:
    return int(time.time() * 1000)


class MlflowRun:
    """An open MLflow run; `MlflowRegistry.run` hands one out."""

    def __init__(self, client: MlflowClient, run_id: str) -> None:
        self.client = client
        self.run_id = run_id

    def log_params(self, params: Mapping[str, ParamValue]) -> None:
        """Record parameters (MLflow keeps them as text; a parameter cannot change)."""
        batch = [Param(key, str(value)) for key, value in params.items()]
        self.client.log_batch(self.run_id, params=batch)

    def log_metrics(self, metrics: Mapping[str, float], step: int | None = None) -> None:
        """Record metric values at `step` (0 when not given)."""
        stamp = _now_ms()
        batch = [Metric(key, float(value), stamp, step or 0) for key, value in metrics.items()]
        self.client.log_batch(self.run_id, metrics=batch)

    def log_text(self, text: str, artifact_path: str) -> None:
        """Store `text` as the artifact file `artifact_path`."""
        self.client.log_text(self.run_id, text, _artifact_file(artifact_path))

    def log_figure_png(self, png: bytes, artifact_path: str) -> None:
        """Store PNG bytes as the artifact file `artifact_path`; refuses anything but PNG."""
        if not png.startswith(_PNG_SIGNATURE):
            msg = f"not a PNG image: {artifact_path}"
            raise ValueError(msg)
        path = PurePosixPath(_artifact_file(artifact_path))
        folder = str(path.parent) if str(path.parent) != "." else None
        with tempfile.TemporaryDirectory(prefix="aianimals-figure-") as scratch:
            local = Path(scratch) / path.name
            local.write_bytes(png)
            self.client.log_artifact(self.run_id, str(local), artifact_path=folder)

    def set_tags(self, tags: Mapping[str, str]) -> None:
        """Set tags on the run."""
        batch = [RunTag(key, str(value)) for key, value in tags.items()]
        self.client.log_batch(self.run_id, tags=batch)


class MlflowRegistry:
    """The registry port over one MLflow tracking/registry URI.

    `artifact_root`, when given, is where experiments this adapter creates keep their
    artifacts (the embedded store needs one); a server assigns its own otherwise.
    """

    def __init__(self, tracking_uri: str, artifact_root: Path | None = None) -> None:
        self.tracking_uri = tracking_uri
        self.artifact_root = artifact_root
        self._client: MlflowClient | None = MlflowClient(
            tracking_uri=tracking_uri, registry_uri=tracking_uri
        )

    @property
    def client(self) -> MlflowClient:
        """The MLflow client; refused after `close`."""
        if self._client is None:
            msg = "the model registry is closed"
            raise RuntimeError(msg)
        return self._client

    def _experiment_id(self, name: str) -> str:
        client = self.client
        experiment = client.get_experiment_by_name(name)
        if experiment is not None:
            if experiment.lifecycle_stage == "deleted":
                client.restore_experiment(experiment.experiment_id)
            return str(experiment.experiment_id)
        location = self.artifact_root.resolve().as_uri() if self.artifact_root else None
        try:
            return str(client.create_experiment(name, artifact_location=location))
        except MlflowException as error:  # another process created it meanwhile
            if error.error_code != _ALREADY_EXISTS:
                raise
            existing = client.get_experiment_by_name(name)
            if existing is None:
                raise
            return str(existing.experiment_id)

    def run(self, experiment: str, run_name: str) -> AbstractContextManager[RunLog]:
        """Open a run; it ends FINISHED, or FAILED when the block raises (and re-raises)."""
        return self._run(experiment, run_name)

    @contextmanager
    def _run(self, experiment: str, run_name: str) -> Iterator[RunLog]:
        client = self.client
        run = client.create_run(self._experiment_id(experiment), run_name=run_name)
        run_id = run.info.run_id
        try:
            yield MlflowRun(client, run_id)
        except BaseException:
            client.set_terminated(run_id, RunStatus.to_string(RunStatus.FAILED))
            raise
        client.set_terminated(run_id, RunStatus.to_string(RunStatus.FINISHED))

    def register(self, name: str, run_id: str, model_dir: Path) -> ModelVersion:
        """Upload `model_dir` as the run's `model/<name>` artifact and register it as a new
        version (one run may register several models: each keeps its own files)."""
        if not model_dir.is_dir() or not any(model_dir.iterdir()):
            msg = f"no model files in {model_dir}"
            raise ValueError(msg)
        client = self.client
        artifact = f"{MODEL_ARTIFACT}/{name}"
        client.log_artifacts(run_id, str(model_dir), artifact_path=artifact)
        try:
            client.create_registered_model(name)
        except MlflowException as error:
            if error.error_code != _ALREADY_EXISTS:
                raise
        source = f"{client.get_run(run_id).info.artifact_uri}/{artifact}"
        created = client.create_model_version(name, source=source, run_id=run_id)
        return self._version(name, int(created.version))

    def _version(self, name: str, version: int) -> ModelVersion:
        found = self.client.get_model_version(name, str(version))
        run_id = found.run_id or ""
        return ModelVersion(
            name=name,
            version=int(found.version),
            run_id=run_id,
            metrics=self.run_metrics(run_id) if run_id else {},
            tags={str(key): str(value) for key, value in (found.tags or {}).items()},
        )

    def alias(self, name: str, alias: str) -> ModelVersion | None:
        """The version `alias` points to; None for an unknown model or alias."""
        try:
            model = self.client.get_registered_model(name)
        except MlflowException as error:
            if error.error_code == _NOT_FOUND:
                return None
            raise
        version = model.aliases.get(alias)
        return None if version is None else self._version(name, int(version))

    def set_alias(self, name: str, alias: str, version: int) -> None:
        """Point `alias` at `version`."""
        self.client.set_registered_model_alias(name, alias, str(version))

    def download(self, name: str, version: int, target: Path) -> Path:
        """Download the version's model files into `target`; the folder holding them."""
        target.mkdir(parents=True, exist_ok=True)
        source = self.client.get_model_version_download_uri(name, str(version))
        local = mlflow.artifacts.download_artifacts(
            artifact_uri=source,
            dst_path=str(target),
            tracking_uri=self.tracking_uri,
            registry_uri=self.tracking_uri,
        )
        return Path(local)

    def run_metrics(self, run_id: str) -> dict[str, float]:
        """The latest value of each metric of the run."""
        metrics = self.client.get_run(run_id).data.metrics
        return {str(key): float(value) for key, value in metrics.items()}

    def close(self) -> None:
        """Drop the client; later calls raise RuntimeError."""
        self._client = None


def _artifact_file(artifact_path: str) -> str:
    """A relative artifact path, refusing ones that would leave the run's folder."""
    path = PurePosixPath(artifact_path)
    if not artifact_path or path.is_absolute() or ".." in path.parts:
        msg = f"artifact paths are relative and stay inside the run: {artifact_path!r}"
        raise ValueError(msg)
    return str(path)

"""The model registry port's contract, run against every adapter (see conftest.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from mlflow import MlflowClient
from PIL import Image

from aianimals.ports.registry.base import ModelRegistry
from aianimals.ports.registry.mlflow_registry import MlflowRegistry
from tests.ports.registry.conftest import unique


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def _client(registry: ModelRegistry) -> MlflowClient:
    """A client over the same store, to look at what the port does not read back."""
    assert isinstance(registry, MlflowRegistry)
    return MlflowClient(tracking_uri=registry.tracking_uri, registry_uri=registry.tracking_uri)


def _model_dir(root: Path, weights: bytes) -> Path:
    model = root / "model"
    (model / "extra").mkdir(parents=True)
    (model / "weights.bin").write_bytes(weights)
    (model / "extra" / "features.json").write_text('{"features": ["likes", "age"]}')
    return model


def _trained_run(registry: ModelRegistry, experiment: str, auc: float) -> str:
    with registry.run(experiment, "train") as run:
        run.log_metrics({"auc": auc})
        return run.run_id


def test_logged_metrics_are_read_back_with_params_text_figure_and_tags_stored(
    registry: ModelRegistry, tmp_path: Path
) -> None:
    png = _png()
    with registry.run(unique("exp"), "first") as run:
        run.log_params({"learning_rate": 0.1, "trees": 100, "objective": "lambdarank"})
        run.log_params({"early_stopping": True})
        run.log_metrics({"loss": 0.9}, step=0)
        run.log_metrics({"loss": 0.4, "ndcg_at_10": 0.41}, step=1)
        run.log_text("# Model card\n\nranks animals", "model_card.md")
        run.log_figure_png(png, "figures/importance.png")
        run.set_tags({"trainer": "ltr", "dataset": "v3"})
        run_id = run.run_id

    assert registry.run_metrics(run_id) == {"loss": 0.4, "ndcg_at_10": pytest.approx(0.41)}
    client = _client(registry)
    stored = client.get_run(run_id)
    assert stored.info.status == "FINISHED"
    assert stored.info.run_name == "first"
    assert stored.data.params == {
        "learning_rate": "0.1",
        "trees": "100",
        "objective": "lambdarank",
        "early_stopping": "True",
    }
    assert {"trainer": "ltr", "dataset": "v3"}.items() <= stored.data.tags.items()
    text = Path(client.download_artifacts(run_id, "model_card.md", str(tmp_path)))
    assert text.read_text() == "# Model card\n\nranks animals"
    figure = Path(client.download_artifacts(run_id, "figures/importance.png", str(tmp_path)))
    assert figure.read_bytes() == png


def test_registering_twice_creates_versions_one_and_two(
    registry: ModelRegistry, tmp_path: Path
) -> None:
    experiment, name = unique("exp"), unique("model")
    first_run = _trained_run(registry, experiment, 0.7)
    second_run = _trained_run(registry, experiment, 0.8)

    first = registry.register(name, first_run, _model_dir(tmp_path / "a", b"one"))
    second = registry.register(name, second_run, _model_dir(tmp_path / "b", b"two"))

    assert (first.name, first.version, first.run_id) == (name, 1, first_run)
    assert (second.name, second.version, second.run_id) == (name, 2, second_run)
    assert first.metrics == {"auc": pytest.approx(0.7)}
    assert second.metrics == {"auc": pytest.approx(0.8)}


def test_alias_is_none_for_an_unknown_model_or_an_unset_alias(
    registry: ModelRegistry, tmp_path: Path
) -> None:
    name = unique("model")
    assert registry.alias(name, "champion") is None

    run_id = _trained_run(registry, unique("exp"), 0.5)
    registry.register(name, run_id, _model_dir(tmp_path, b"w"))
    assert registry.alias(name, "champion") is None


def test_set_alias_points_at_a_version_and_moves_it(
    registry: ModelRegistry, tmp_path: Path
) -> None:
    experiment, name = unique("exp"), unique("model")
    registry.register(
        name, _trained_run(registry, experiment, 0.6), _model_dir(tmp_path / "a", b"1")
    )
    registry.register(
        name, _trained_run(registry, experiment, 0.9), _model_dir(tmp_path / "b", b"2")
    )

    registry.set_alias(name, "champion", 1)
    champion = registry.alias(name, "champion")
    assert champion is not None
    assert (champion.version, champion.metrics) == (1, {"auc": pytest.approx(0.6)})

    registry.set_alias(name, "champion", 2)
    moved = registry.alias(name, "champion")
    assert moved is not None
    assert moved.version == 2
    assert moved.metrics == {"auc": pytest.approx(0.9)}
    assert registry.alias(name, "challenger") is None


def test_download_returns_exactly_the_registered_files(
    registry: ModelRegistry, tmp_path: Path
) -> None:
    name = unique("model")
    weights = bytes(range(256)) * 64
    source = _model_dir(tmp_path / "src", weights)
    version = registry.register(name, _trained_run(registry, unique("exp"), 0.5), source)

    local = registry.download(name, version.version, tmp_path / "fetched")

    assert local.is_dir()
    assert (local / "weights.bin").read_bytes() == weights
    assert (local / "extra" / "features.json").read_bytes() == (
        source / "extra" / "features.json"
    ).read_bytes()
    files = sorted(
        path.relative_to(local).as_posix() for path in local.rglob("*") if path.is_file()
    )
    assert files == ["extra/features.json", "weights.bin"]


def test_two_models_registered_from_one_run_keep_their_own_files(
    registry: ModelRegistry, tmp_path: Path
) -> None:
    run_id = _trained_run(registry, unique("exp"), 0.5)
    first, second = unique("ranker"), unique("regressor")
    registry.register(first, run_id, _model_dir(tmp_path / "a", b"first"))
    registry.register(second, run_id, _model_dir(tmp_path / "b", b"second"))

    for name, weights in ((first, b"first"), (second, b"second")):
        local = registry.download(name, 1, tmp_path / f"fetched-{name}")
        assert (local / "weights.bin").read_bytes() == weights


def test_a_failing_run_is_marked_failed_and_the_error_propagates(
    registry: ModelRegistry,
) -> None:
    captured: list[str] = []

    def train_and_crash() -> None:
        with registry.run(unique("exp"), "broken") as run:
            captured.append(run.run_id)
            run.log_metrics({"partial": 1.0})
            _ = 1 / 0

    with pytest.raises(ZeroDivisionError):
        train_and_crash()

    [run_id] = captured
    assert _client(registry).get_run(run_id).info.status == "FAILED"
    assert registry.run_metrics(run_id) == {"partial": 1.0}


def test_runs_of_one_experiment_share_it(registry: ModelRegistry) -> None:
    experiment = unique("exp")
    first = _trained_run(registry, experiment, 0.1)
    second = _trained_run(registry, experiment, 0.2)
    client = _client(registry)
    assert client.get_run(first).info.experiment_id == client.get_run(second).info.experiment_id


def test_bad_artifacts_and_empty_models_are_refused(
    registry: ModelRegistry, tmp_path: Path
) -> None:
    with registry.run(unique("exp"), "refusals") as run:
        with pytest.raises(ValueError, match="not a PNG"):
            run.log_figure_png(b"GIF89a...", "figure.png")
        with pytest.raises(ValueError, match="relative"):
            run.log_text("x", "../escape.txt")
        run_id = run.run_id
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="no model files"):
        registry.register(unique("model"), run_id, empty)


def test_a_closed_registry_refuses_calls(registry: ModelRegistry) -> None:
    registry.close()
    with pytest.raises(RuntimeError, match="closed"):
        registry.run_metrics("anything")

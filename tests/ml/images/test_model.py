from __future__ import annotations

import asyncio
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from aianimals.ml.images.evalset import EvalSet
from aianimals.ml.images.model import (
    MODEL_FILE,
    ImageModel,
    ImageModelError,
    InferencePool,
    InferencePoolBusy,
    Predictions,
    load_model,
    locate,
    predictions_from_outputs,
    sha256_hex,
)
from aianimals.ml.images.runtime import EMBEDDING_DIM, NUM_CLASSES, FloatArray, ImageRuntimeError

CAT_CLASSES = range(281, 286)


def _photo(eval_set: EvalSet, file: str) -> Image.Image:
    return eval_set.open(next(photo for photo in eval_set.photos if photo.file == file))


def _copy_of_bundled_model(directory: Path) -> Path:
    location = locate()
    target = directory / MODEL_FILE
    target.write_bytes(location.model.read_bytes())
    (directory / f"{MODEL_FILE}.sha256").write_bytes(location.checksum.read_bytes())
    return target


class _FakeRuntime:
    """An `ImageRuntime` whose logits put all mass on class `n` for the n-th image."""

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.gate = gate
        self.batches: list[int] = []

    def run(self, batch: FloatArray) -> tuple[FloatArray, FloatArray]:
        if self.gate is not None:
            self.gate.wait(timeout=10)
        self.batches.append(batch.shape[0])
        logits = np.zeros((batch.shape[0], NUM_CLASSES), dtype=np.float32)
        logits[:, 500] = 50.0
        features = np.ones((batch.shape[0], EMBEDDING_DIM), dtype=np.float32)
        return logits, features


def test_the_bundled_model_loads_with_a_version_named_by_its_checksum(
    image_model: ImageModel,
) -> None:
    digest = sha256_hex(locate().model.read_bytes())
    assert image_model.version == f"efficientnet-lite0-{digest[:12]}"


def test_predictions_are_unit_norm_1280_d_embeddings_and_probabilities(
    image_model: ImageModel, eval_set: EvalSet
) -> None:
    predictions = image_model.predict([eval_set.open(photo) for photo in eval_set.photos[:4]])
    assert len(predictions) == 4
    assert predictions.embeddings.shape == (4, 1280)
    assert predictions.embeddings.dtype == np.float32
    assert np.allclose(np.linalg.norm(predictions.embeddings, axis=1), 1.0, atol=1e-5)
    assert ((predictions.animal_probability >= 0) & (predictions.animal_probability <= 1)).all()
    assert predictions.top_classes.shape == (4, 5)
    assert (np.diff(predictions.top_probabilities, axis=1) <= 0).all()


def test_a_batch_gives_the_same_outputs_as_single_images(
    image_model: ImageModel, eval_set: EvalSet
) -> None:
    images = [eval_set.open(photo) for photo in eval_set.photos[::40]]
    together = image_model.predict(images)
    for row, image in enumerate(images):
        alone = image_model.predict([image])
        assert np.allclose(alone.embeddings[0], together.embeddings[row], atol=1e-5)
        assert np.isclose(alone.animal_probability[0], together.animal_probability[row], atol=1e-5)
        assert alone.top_classes[0, 0] == together.top_classes[row, 0]


def test_inputs_larger_than_the_batch_size_run_in_chunks_with_the_same_result(
    image_model: ImageModel, eval_set: EvalSet
) -> None:
    images = [eval_set.open(photo) for photo in eval_set.photos[:5]]
    small_batches = ImageModel(image_model.runtime, image_model.version, batch_size=2)
    chunked, whole = small_batches.predict(images), image_model.predict(images)
    assert np.allclose(chunked.embeddings, whole.embeddings, atol=1e-5)
    assert np.array_equal(chunked.top_classes[:, 0], whole.top_classes[:, 0])


def test_no_images_give_empty_predictions(image_model: ImageModel) -> None:
    predictions = image_model.predict([])
    assert len(predictions) == 0
    assert predictions.embeddings.shape == (0, 1280)


def test_a_cat_photo_is_an_animal_and_a_scene_without_animals_is_not(
    image_model: ImageModel, eval_set: EvalSet
) -> None:
    cat = _photo(eval_set, "cat/chelsea_tabby.jpg")
    scene = _photo(eval_set, "no_animal/solar_panel_field.jpg")
    predictions = image_model.predict([cat, scene])
    assert predictions.animal_probability[0] > 0.9
    assert predictions.top_classes[0, 0] in CAT_CLASSES
    assert predictions.animal_probability[1] < 0.05


def test_every_cat_and_dog_photo_scores_as_an_animal(
    eval_set: EvalSet, eval_predictions: Predictions
) -> None:
    pets = np.isin(eval_set.labels(), ["cat", "dog"])
    assert pets.sum() == 6
    assert (eval_predictions.animal_probability[pets] > 0.6).all()


def test_a_checksum_mismatch_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    model = _copy_of_bundled_model(tmp_path)
    (tmp_path / f"{MODEL_FILE}.sha256").write_text(f"{'0' * 64}  {MODEL_FILE}\n")
    with pytest.raises(ImageModelError, match=r"corrupt: its SHA-256 is [0-9a-f]{64}, expected 0+"):
        load_model(model)


def test_a_truncated_model_file_is_refused(tmp_path: Path) -> None:
    model = _copy_of_bundled_model(tmp_path)
    model.write_bytes(model.read_bytes()[:1000])
    with pytest.raises(ImageModelError, match="corrupt"):
        load_model(model)


def test_an_explicit_checksum_overrides_the_checksum_file(tmp_path: Path) -> None:
    model = _copy_of_bundled_model(tmp_path)
    with pytest.raises(ImageModelError, match=r"expected f{64};"):
        load_model(model, sha256="f" * 64)
    digest = sha256_hex(model.read_bytes())
    (tmp_path / f"{MODEL_FILE}.sha256").unlink()
    assert load_model(model, sha256=digest.upper()).version.endswith(digest[:12])


def test_a_missing_model_or_checksum_file_says_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(ImageModelError, match=r"checksum file not found at .*nowhere\.onnx"):
        load_model(tmp_path / "nowhere.onnx")
    with pytest.raises(ImageModelError, match=r"image model file not found at .*nowhere\.onnx"):
        load_model(tmp_path / "nowhere.onnx", sha256="0" * 64)


def test_a_malformed_checksum_file_is_refused(tmp_path: Path) -> None:
    model = _copy_of_bundled_model(tmp_path)
    (tmp_path / f"{MODEL_FILE}.sha256").write_text("not a digest\n")
    with pytest.raises(ImageModelError, match="malformed checksum file"):
        load_model(model)


def test_bytes_that_are_not_an_onnx_graph_fail_to_open(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.onnx"
    garbage.write_bytes(b"not an onnx graph" * 10)
    with pytest.raises(ImageRuntimeError, match="cannot open"):
        load_model(garbage, sha256=sha256_hex(garbage.read_bytes()))


def test_the_model_file_can_live_outside_the_package(tmp_path: Path) -> None:
    shutil.copytree(Path(str(locate().model)).parent, tmp_path / "assets")
    model = load_model(tmp_path / "assets" / MODEL_FILE)
    assert model.version.startswith("efficientnet-lite0-")


def test_animal_probability_is_the_softmax_mass_on_classes_0_to_397() -> None:
    logits = np.full((3, NUM_CLASSES), -50.0, dtype=np.float32)
    logits[0, 281] = 50.0  # a cat
    logits[1, 398] = 50.0  # an abacus
    logits[2, [0, 999]] = 50.0  # half and half
    features = np.zeros((3, EMBEDDING_DIM), dtype=np.float32)
    features[:, 0] = 3.0
    predictions = predictions_from_outputs(logits, features)
    assert np.allclose(predictions.animal_probability, [1.0, 0.0, 0.5], atol=1e-6)
    assert predictions.top_classes[0, 0] == 281
    assert np.allclose(predictions.embeddings[:, 0], 1.0)


def test_an_all_zero_feature_vector_gives_a_zero_embedding_not_nan() -> None:
    logits = np.zeros((1, NUM_CLASSES), dtype=np.float32)
    features = np.zeros((1, EMBEDDING_DIM), dtype=np.float32)
    assert not np.isnan(predictions_from_outputs(logits, features).embeddings).any()


def test_the_pool_resolves_futures_with_predictions_and_frees_its_slots() -> None:
    runtime = _FakeRuntime()
    image = Image.new("RGB", (32, 32))
    with InferencePool(ImageModel(runtime, "fake"), max_pending=1) as pool:
        for _ in range(3):  # one slot, reused after each prediction
            predictions = pool.submit([image, image]).result(timeout=10)
            assert predictions.top_classes[:, 0].tolist() == [500, 500]
    assert runtime.batches == [2, 2, 2]


def test_a_full_pool_refuses_work_instead_of_queueing_without_bound() -> None:
    gate = threading.Event()
    image = Image.new("RGB", (32, 32))
    with InferencePool(ImageModel(_FakeRuntime(gate), "fake"), max_pending=2) as pool:
        first, second = pool.submit([image]), pool.submit([image])
        with pytest.raises(InferencePoolBusy, match="2 image predictions already pending"):
            pool.submit([image])
        gate.set()
        assert len(first.result(timeout=10)) == len(second.result(timeout=10)) == 1
        assert len(pool.submit([image]).result(timeout=10)) == 1


def test_async_callers_await_predictions_off_the_event_loop() -> None:
    image = Image.new("RGB", (32, 32))
    loop_thread: list[int] = []

    class _Recording(_FakeRuntime):
        def run(self, batch: FloatArray) -> tuple[FloatArray, FloatArray]:
            loop_thread.append(threading.get_ident())
            return super().run(batch)

    async def main(pool: InferencePool) -> Predictions:
        return await pool.predict([image, image, image])

    with InferencePool(ImageModel(_Recording(), "fake")) as pool:
        predictions = asyncio.run(main(pool))
    assert len(predictions) == 3
    assert loop_thread
    assert loop_thread[0] != threading.get_ident()


def test_pool_and_model_settings_are_validated() -> None:
    model = ImageModel(_FakeRuntime(), "fake")
    with pytest.raises(ValueError, match="max_pending"):
        InferencePool(model, workers=2, max_pending=1)
    with pytest.raises(ValueError, match="batch_size"):
        ImageModel(_FakeRuntime(), "fake", batch_size=0)

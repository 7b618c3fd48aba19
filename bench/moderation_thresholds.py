"""Choose the no-animal detector's hide threshold and review band from measured scores.

    .venv/bin/python bench/moderation_thresholds.py [--animals 7349] [--workers 2]

Scores P(no animal) (the zero-shot rule, as the detector worker publishes it) on the 236
labelled photos and on the demo's pet photos exactly as `aianimals dataset generate`
renders them (the same skeleton animals, sources and seeded variations), then prints the
chosen operating point (target: no photo with an animal hidden, at most 1 % of the demo's
pet photos queued for review) beside a sweep of hide thresholds.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from time import perf_counter

import numpy as np
from PIL import Image

from aianimals.dataset.generator.photos import assign_photos, render_photos
from aianimals.dataset.generator.pipeline import DEFAULT_SEED
from aianimals.dataset.generator.reference import load_skeleton, select_subset
from aianimals.ml.images.evalset import load_eval_set
from aianimals.ml.images.model import ImageModel, load_model
from aianimals.ml.images.runtime import RuntimeOptions
from aianimals.ml.no_animal.operating_point import Scores, Target, choose, markdown_table, sweep

CHUNK = 256


def no_animal_scores(model: ImageModel, paths: list[Path]) -> np.ndarray:
    """P(no animal) of each photo, read in chunks so memory stays small."""
    parts = []
    for start in range(0, len(paths), CHUNK):
        images = []
        for path in paths[start : start + CHUNK]:
            with Image.open(path) as opened:
                images.append(opened.convert("RGB"))
        parts.append(1.0 - model.predict(images).animal_probability.astype(np.float64))
    return np.concatenate(parts) if parts else np.zeros(0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--animals", type=int, default=None, help="demo animals (default all)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None, help="also write the scores here")
    args = parser.parse_args()
    started = perf_counter()
    model = load_model(options=RuntimeOptions(intra_op_threads=args.threads))
    eval_set = load_eval_set()
    labelled = 1.0 - model.predict(eval_set.images()).animal_probability.astype(np.float64)
    shows_animal = ~eval_set.no_animal()
    animals = select_subset(load_skeleton(), args.animals, DEFAULT_SEED)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        assignments = assign_photos(animals, DEFAULT_SEED)
        render_photos(assignments, out, DEFAULT_SEED, args.workers)
        paths = [out / f"{a.animal_id}.jpg" for a in assignments]
        pets = no_animal_scores(model, paths)
        sources = [a.source.label for a in assignments]
    scores = Scores(labelled=labelled, shows_animal=shows_animal, demo_pets=pets)
    chosen = choose(scores, Target())
    hides = sorted({0.6, 0.7, 0.8, 0.9, 0.95, chosen.hide_threshold})
    points = [
        chosen if h == chosen.hide_threshold else p
        for h, p in zip(hides, sweep(scores, hides, chosen.review_threshold), strict=True)
    ]
    print(f"model {model.version}; {len(eval_set)} labelled photos, {pets.size} demo pet photos")
    print(f"highest score of a photo with an animal: {chosen.highest_animal_score:.4f}")
    top = np.argsort(-pets)[:5]
    for index in top:
        print(f"  demo pet {paths[index].stem} from {sources[index]}: {pets[index]:.4f}")
    labelled_top = np.argsort(-np.where(shows_animal, labelled, -1.0))[:3]
    for index in labelled_top:
        print(f"  labelled {eval_set.photos[index].file}: {labelled[index]:.4f}")
    print()
    print(markdown_table(points, chosen))
    print()
    print(json.dumps(chosen.as_metadata(), indent=2))
    print(f"\n{perf_counter() - started:.0f} s")
    if args.json is not None:
        args.json.write_text(
            json.dumps({"labelled": labelled.tolist(), "demo_pets": pets.tolist()}),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()

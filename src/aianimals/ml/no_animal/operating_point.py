"""The no-animal detector's operating point: the hide threshold and the review band.

Both thresholds are chosen from scores, never assumed:

- **hide**: the lowest grid value strictly above every photo with an animal in it (the
  labelled animals and the demo's pet photos) plus a safety margin, so no pet is hidden;
- **review**: the lowest grid value, at most the hide threshold, at which no more than
  `max_pet_queue_share` of the demo's pet photos would be queued for a human.

A detection at or above `hide` hides the photo and queues it; one in [review, hide) leaves it
visible and queues it; below `review` it is stored for metrics only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

GRID_STEP = 0.01
MAX_PET_QUEUE_SHARE = 0.01
"""At most 1 % of the demo's pet photos may land in the review queue."""
HIDE_MARGIN = 0.005
"""How far above the highest-scoring photo with an animal the hide threshold stays (the
demo's photos are rendered deterministically, so only numeric noise needs room)."""


@dataclass(frozen=True)
class Target:
    """What the chosen thresholds must achieve."""

    max_pet_queue_share: float = MAX_PET_QUEUE_SHARE
    hide_margin: float = HIDE_MARGIN

    def __post_init__(self) -> None:
        if not 0.0 <= self.max_pet_queue_share <= 1.0 or not 0.0 <= self.hide_margin < 1.0:
            raise ValueError("the queue share must lie in 0..1 and the margin in 0..1")


@dataclass(frozen=True)
class Scores:
    """P(no animal) of the labelled photos (with whether each shows an animal) and of the
    demo's pet photos."""

    labelled: NDArray[np.floating]
    shows_animal: NDArray[np.bool_]
    demo_pets: NDArray[np.floating]

    def __post_init__(self) -> None:
        if self.labelled.shape != self.shows_animal.shape:
            raise ValueError("one label per labelled score is needed")
        if not self.shows_animal.any() or self.shows_animal.all():
            raise ValueError("the labelled photos need some with and some without an animal")


@dataclass(frozen=True)
class OperatingPoint:
    """Thresholds and what they do on the measured photos."""

    hide_threshold: float
    review_threshold: float
    no_animal_photos: int
    no_animal_hidden: int
    no_animal_queued: int
    """Queued in the review band (visible); hidden ones are queued too but counted above."""
    labelled_animals: int
    labelled_animals_hidden: int
    labelled_animals_queued: int
    demo_pets: int
    demo_pets_hidden: int
    demo_pets_queued: int
    highest_animal_score: float

    @property
    def no_animal_hide_rate(self) -> float:
        """Share of labelled no-animal photos hidden at once."""
        return self.no_animal_hidden / self.no_animal_photos

    @property
    def no_animal_catch_rate(self) -> float:
        """Share of labelled no-animal photos hidden or queued for review."""
        return (self.no_animal_hidden + self.no_animal_queued) / self.no_animal_photos

    @property
    def demo_pet_queue_share(self) -> float:
        """Share of the demo's pet photos queued (visible) for review."""
        return self.demo_pets_queued / self.demo_pets if self.demo_pets else 0.0

    def as_metadata(self) -> dict[str, float | int]:
        """Flat key → value pairs for registry tags and the model card."""
        return {
            "hide_threshold": self.hide_threshold,
            "review_threshold": self.review_threshold,
            "no_animal_photos": self.no_animal_photos,
            "no_animal_hide_rate": round(self.no_animal_hide_rate, 4),
            "no_animal_catch_rate": round(self.no_animal_catch_rate, 4),
            "labelled_animals_hidden": self.labelled_animals_hidden,
            "labelled_animals_queued": self.labelled_animals_queued,
            "demo_pets": self.demo_pets,
            "demo_pets_hidden": self.demo_pets_hidden,
            "demo_pets_queued": self.demo_pets_queued,
            "demo_pet_queue_share": round(self.demo_pet_queue_share, 4),
        }


def labelled_metadata(point: OperatingPoint) -> dict[str, float | int]:
    """The operating point's figures on the labelled photos only (a training run's card)."""
    return {
        "hide_threshold": point.hide_threshold,
        "review_threshold": point.review_threshold,
        "no_animal_photos": point.no_animal_photos,
        "no_animal_hide_rate": round(point.no_animal_hide_rate, 4),
        "no_animal_catch_rate": round(point.no_animal_catch_rate, 4),
        "labelled_animals": point.labelled_animals,
        "labelled_animals_hidden": point.labelled_animals_hidden,
        "labelled_animals_queued": point.labelled_animals_queued,
    }


def _grid_ceil(value: float) -> float:
    """The smallest grid value strictly above `value`."""
    step = math.floor(value / GRID_STEP + 1e-9) + 1
    return round(step * GRID_STEP, 2)


def evaluate(scores: Scores, hide: float, review: float) -> OperatingPoint:
    """What `hide` and `review` do to the measured photos."""
    if not 0.0 <= review <= hide <= 1.0:
        raise ValueError(f"need 0 <= review <= hide <= 1, got {review}..{hide}")
    labelled = np.asarray(scores.labelled, dtype=np.float64)
    pets = np.asarray(scores.demo_pets, dtype=np.float64)
    animals = scores.shows_animal
    hidden = labelled >= hide
    queued = (labelled >= review) & ~hidden
    animal_scores = np.concatenate([labelled[animals], pets])
    return OperatingPoint(
        hide_threshold=hide,
        review_threshold=review,
        no_animal_photos=int((~animals).sum()),
        no_animal_hidden=int((hidden & ~animals).sum()),
        no_animal_queued=int((queued & ~animals).sum()),
        labelled_animals=int(animals.sum()),
        labelled_animals_hidden=int((hidden & animals).sum()),
        labelled_animals_queued=int((queued & animals).sum()),
        demo_pets=int(pets.size),
        demo_pets_hidden=int((pets >= hide).sum()),
        demo_pets_queued=int(((pets >= review) & (pets < hide)).sum()),
        highest_animal_score=float(animal_scores.max()),
    )


def choose(scores: Scores, target: Target | None = None) -> OperatingPoint:
    """The operating point that meets `target` and catches the most no-animal photos."""
    target = target or Target()
    labelled = np.asarray(scores.labelled, dtype=np.float64)
    pets = np.asarray(scores.demo_pets, dtype=np.float64)
    highest = float(np.concatenate([labelled[scores.shows_animal], pets]).max())
    hide = min(1.0, _grid_ceil(highest + target.hide_margin))
    review = hide
    steps = round(hide / GRID_STEP)
    for step in range(steps, -1, -1):
        candidate = round(step * GRID_STEP, 2)
        share = float(((pets >= candidate) & (pets < hide)).mean()) if pets.size else 0.0
        if share > target.max_pet_queue_share:
            break
        review = candidate
    return evaluate(scores, hide, review)


def sweep(scores: Scores, hides: list[float], review: float) -> list[OperatingPoint]:
    """The same review threshold against several hide thresholds (for the printed table)."""
    return [evaluate(scores, hide, min(review, hide)) for hide in hides]


def markdown_table(points: list[OperatingPoint], chosen: OperatingPoint) -> str:
    """The operating points as a markdown table, the chosen one marked."""
    lines = [
        "| hide ≥ | review ≥ | no-animal hidden | no-animal hidden or queued "
        "| labelled animals hidden / queued | demo pets hidden | demo pets queued |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for point in points:
        mark = " **(chosen)**" if point == chosen else ""
        lines.append(
            f"| {point.hide_threshold:.2f}{mark} | {point.review_threshold:.2f} "
            f"| {point.no_animal_hidden}/{point.no_animal_photos} "
            f"({point.no_animal_hide_rate:.1%}) "
            f"| {point.no_animal_hidden + point.no_animal_queued}/{point.no_animal_photos} "
            f"({point.no_animal_catch_rate:.1%}) "
            f"| {point.labelled_animals_hidden} / {point.labelled_animals_queued} "
            f"of {point.labelled_animals} "
            f"| {point.demo_pets_hidden}/{point.demo_pets} "
            f"| {point.demo_pets_queued}/{point.demo_pets} ({point.demo_pet_queue_share:.2%}) |"
        )
    return "\n".join(lines)

"""A/B tests of rankers: arms with weights, sticky assignment, the name every log carries.

A user's arm is a pure function of (salt, experiment id, user id), so it is the same on
every request, on every API process, and after restarts; the weights decide the shares.
The arm travels in `model_name` (`<experiment>:<arm>:<model>`), which the search response
returns and every access log echoes, so engagement can be counted per arm from the logs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from aianimals.settings import RankingSettings

CONTROL_MODEL = "bm25"
"""What the control arm serves: the text index's own order."""


@dataclass(frozen=True)
class Arm:
    """One arm: a registered model (None = the index order) and its share of users."""

    name: str
    model: str | None
    weight: float


@dataclass(frozen=True)
class Experiment:
    """An experiment over the users of `sort_by=learn_to_rank`."""

    id: str
    arms: tuple[Arm, ...]
    salt: str = "aianimals"

    def __post_init__(self) -> None:
        if not self.arms:
            raise ValueError(f"experiment {self.id} has no arms")
        if any(arm.weight < 0 for arm in self.arms) or sum(a.weight for a in self.arms) <= 0:
            raise ValueError(f"experiment {self.id} needs non-negative weights with a positive sum")
        names = [arm.name for arm in self.arms]
        if len(set(names)) != len(names) or any(":" in name for name in names):
            raise ValueError(f"experiment {self.id}: arm names must be unique and without ':'")

    def arm_for(self, user_id: str) -> Arm:
        """The user's arm, the same every time."""
        digest = hashlib.sha256(f"{self.salt}:{self.id}:{user_id}".encode()).digest()
        point = int.from_bytes(digest[:8], "big") / 2**64 * sum(a.weight for a in self.arms)
        for arm in self.arms:
            point -= arm.weight
            if point < 0:
                return arm
        return self.arms[-1]


def arm_label(experiment: Experiment, arm: Arm, served: str) -> str:
    """`model_name` of a response: experiment, arm, and what was actually served."""
    return f"{experiment.id}:{arm.name}:{served}"


@dataclass(frozen=True)
class ParsedLabel:
    """A `model_name` read back from a log."""

    experiment: str
    arm: str
    served: str


def parse_label(model_name: str | None) -> ParsedLabel | None:
    """The experiment and arm in a logged `model_name`, or None when it has none."""
    if not model_name or model_name.count(":") < 2:
        return None
    experiment, arm, served = model_name.split(":", 2)
    return ParsedLabel(experiment, arm, served)


def default_arms() -> Sequence[Arm]:
    """The arms `ranking.arms` holds unless set: the debiased and the plain lambdarank
    champions, and the index order as control."""
    return tuple(Arm(arm.name, arm.model, arm.weight) for arm in RankingSettings().arms)

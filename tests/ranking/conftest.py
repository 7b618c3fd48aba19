"""The learn-to-rank dataset fixtures, shared with the training tests (tests/ml/ltr)."""

from tests.ml.ltr.conftest import registry_settings, simulated, trained

__all__ = ["registry_settings", "simulated", "trained"]

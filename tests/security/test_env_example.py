""".env.example documents every setting, and production refuses it until its placeholders go."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from aianimals.settings import Settings

EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def _variables(model: type[BaseModel], prefix: str) -> set[str]:
    names: set[str] = set()
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names |= _variables(annotation, f"{prefix}{name.upper()}__")
        else:
            names.add(f"{prefix}{name.upper()}")
    return names


def test_every_setting_is_documented() -> None:
    documented = set(re.findall(r"^#? ?(AIANIMALS_[A-Z0-9_]+)=", EXAMPLE.read_text(), re.M))
    assert _variables(Settings, "AIANIMALS_") - documented == set()
    assert documented - _variables(Settings, "AIANIMALS_") == set()


def test_production_refuses_the_placeholders(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=EXAMPLE)  # type: ignore[call-arg]
    message = str(refused.value)
    for variable in ("DATABASE__URL", "QUEUE__URL", "CACHE__URL", "FEATURES__URL"):
        assert f"AIANIMALS_{variable} has a password that is a placeholder" in message
    assert "change-me" not in message


def test_with_real_passwords_it_loads(tmp_path: Path) -> None:
    filled = tmp_path / ".env"
    filled.write_text(EXAMPLE.read_text().replace("change-me", "f3a9c1d27be84e6a90d1c5"))
    settings = Settings(_env_file=filled)  # type: ignore[call-arg]
    assert settings.environment == "production"
    assert settings.cache.kind == "redis"
    assert settings.auth.login_max_failures_per_client_account == 5
    assert settings.ranking.arms[0].name == "debiased"

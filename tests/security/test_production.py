"""Production refuses placeholder and weak credentials; development and test do not."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from aianimals.security.production import production_problems
from aianimals.security.secrets_check import is_placeholder, url_credential_problem
from aianimals.settings import Settings

STRONG = "Zq8-vN3r-Lp5x-Tw2k"
PG = f"postgresql+psycopg://aianimals:{STRONG}@db.internal:5432/aianimals"


def _production(**sections: Any) -> Settings:
    values: dict[str, Any] = {"database": {"url": PG}, **sections}
    return Settings(environment="production", **values)


def test_development_and_test_keep_the_embedded_defaults() -> None:
    for environment in ("development", "test"):
        settings = Settings(
            environment=environment,
            queue={"kind": "rabbitmq"},
            cache={"kind": "redis"},
            database={"url": "postgresql+psycopg://postgres@db:5432/test"},
        )
        assert settings.queue.url == "amqp://guest:guest@127.0.0.1:5672/%2F"


def test_production_with_strong_credentials_starts() -> None:
    settings = _production(
        queue={"kind": "rabbitmq", "url": f"amqp://aianimals:{STRONG}@mq:5672/%2F"},
        cache={"kind": "redis", "url": f"redis://:{STRONG}@redis:6379/0"},
        registry={"tracking_uri": "http://mlflow:5000"},
    )
    assert production_problems(settings) == []


def test_production_with_the_embedded_defaults_starts() -> None:
    """SQLite, the embedded queue and cache: no credentials, nothing to refuse."""
    assert Settings(environment="production").database.url.startswith("sqlite")


@pytest.mark.parametrize(
    ("sections", "variable", "reason"),
    [
        (
            {"database": {"url": "postgresql+psycopg://app:change-me@db:5432/app"}},
            "AIANIMALS_DATABASE__URL",
            "placeholder",
        ),
        (
            {"database": {"url": "postgresql+psycopg://postgres@db.internal:5432/app"}},
            "AIANIMALS_DATABASE__URL",
            "no password for the non-local host db.internal",
        ),
        ({"queue": {"kind": "rabbitmq"}}, "AIANIMALS_QUEUE__URL", "placeholder"),
        (
            {"queue": {"kind": "rabbitmq", "url": "amqp://mq-user:mq-user@mq:5672/%2F"}},
            "AIANIMALS_QUEUE__URL",
            "equals the user name",
        ),
        (
            {"cache": {"kind": "redis", "url": "redis://redis:6379/0"}},
            "AIANIMALS_CACHE__URL",
            "no password",
        ),
        (
            {"features": {"kind": "redis", "url": "redis://:short@redis:6379/0"}},
            "AIANIMALS_FEATURES__URL",
            "shorter than 12",
        ),
        (
            {"registry": {"tracking_uri": "http://admin:password@mlflow:5000"}},
            "AIANIMALS_REGISTRY__TRACKING_URI",
            "placeholder",
        ),
        (
            {"search": {"kind": "opensearch", "url": "https://admin:admin@search:9200"}},
            "AIANIMALS_SEARCH__URL",
            "placeholder",
        ),
        (
            {"auth": {"argon2_memory_kib": 64, "argon2_time_cost": 1, "allow_weak_hashing": True}},
            "AIANIMALS_AUTH__ALLOW_WEAK_HASHING",
            "test suites only",
        ),
        ({"api": {"cors_origins": ["*"]}}, "AIANIMALS_API__CORS_ORIGINS", "every origin"),
    ],
)
def test_production_refuses_to_start_naming_the_variable(
    sections: dict[str, Any], variable: str, reason: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        _production(**sections)
    message = str(refused.value)
    assert "refusing to start with environment=production" in message
    assert variable in message
    assert reason in message


def test_the_refusal_never_quotes_the_secret() -> None:
    secret = "iloveyou1234"
    with pytest.raises(ValidationError) as refused:
        _production(cache={"kind": "redis", "url": f"redis://:{secret}@redis:6379/0"})
    assert "AIANIMALS_CACHE__URL has a password that is a common password" in str(refused.value)
    assert secret not in str(refused.value)


def test_other_invalid_settings_do_not_echo_their_input_either() -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(database={"url": "postgresql://app:S3cr3t-Value-99@db/app", "pool_size": 0})
    assert "S3cr3t-Value-99" not in str(refused.value)


def test_the_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIANIMALS_ENVIRONMENT", "production")
    monkeypatch.setenv("AIANIMALS_DATABASE__URL", "postgresql+psycopg://app:guest@db:5432/app")
    with pytest.raises(ValidationError, match="AIANIMALS_DATABASE__URL has a password"):
        Settings()


def test_a_local_host_may_go_without_a_password() -> None:
    local = "postgresql+psycopg://app@127.0.0.1:5432/app"
    assert url_credential_problem(local, password_required=True) is None
    socket = "postgresql+psycopg://app@/app?host=/var/run/postgresql"
    assert url_credential_problem(socket, password_required=True) is None


@pytest.mark.parametrize(
    "secret", ["change-me", "CHANGEME", "<password>", "${DB_PASSWORD}", "xxxxxxxx", "guest"]
)
def test_placeholders_are_recognised(secret: str) -> None:
    assert is_placeholder(secret)


def test_percent_encoded_passwords_are_decoded_first() -> None:
    assert url_credential_problem("redis://:change%2Dme@r:6379/0", password_required=True)

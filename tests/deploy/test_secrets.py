"""No file under deploy/ holds a secret: only references and the `change-me` placeholder."""

from __future__ import annotations

import pytest

from tests.deploy.manifests import DEPLOY
from tests.deploy.secret_scan import findings, scan


def test_no_file_under_deploy_holds_a_secret_looking_literal() -> None:
    assert scan(DEPLOY) == {}


def test_the_scan_covers_every_kind_of_deployment_file() -> None:
    scanned = {path.suffix or path.name for path in DEPLOY.rglob("*") if path.is_file()}
    assert {".yaml", ".example", "Dockerfile", ".py", ".txt", ".dockerignore"} <= scanned


@pytest.mark.parametrize(
    "line",
    [
        "AIANIMALS_DATABASE__URL: postgresql+psycopg://aianimals:hunter2@postgres/aianimals",
        "  AIANIMALS_CACHE__URL: redis://:s3cr3t@redis:6379/0",
        "POSTGRES_PASSWORD=hunter2",
        '    RABBITMQ_DEFAULT_PASS: "guest"',
        "REDISCLI_AUTH: abc123",
        "exec redis-server --requirepass hunter2",
        "ENV API_TOKEN=0123456789abcdef",
        "-----BEGIN OPENSSH PRIVATE KEY-----",
        "aws: AKIAIOSFODNN7EXAMPLE",
        "token: ghp_0123456789abcdefghijklmnopqrstuvwxyzAB",
    ],
)
def test_the_scan_reports_a_literal_secret(line: str) -> None:
    assert findings(line)


@pytest.mark.parametrize(
    "line",
    [
        "AIANIMALS_DATABASE__URL: postgresql+psycopg://aianimals:change-me@postgres/aianimals",
        'URL: "amqp://aianimals:${RABBITMQ_PASSWORD:?set it in deploy/.env}@rabbitmq:5672/%2F"',
        "POSTGRES_PASSWORD=change-me",
        'POSTGRES_PASSWORD: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"',
        '- exec redis-server --requirepass "$$REDIS_PASSWORD"',
        '- exec redis-server --requirepass "$REDIS_PASSWORD"',
        "value: postgresql://app:$(POSTGRES_PASSWORD)@postgres/db",
        "secretKeyRef:",
        "automountServiceAccountToken: false",
        "AIANIMALS_AUTH__TOKEN_TTL_SECONDS=604800",
        "google-auth==2.41.1",
        "# POSTGRES_PASSWORD=hunter2 (a comment)",
    ],
)
def test_the_scan_accepts_references_and_placeholders(line: str) -> None:
    assert findings(line) == []

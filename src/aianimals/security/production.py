"""What production refuses to start with: placeholder or weak credentials, test-only options.

`Settings` runs `production_problems` when `environment` is `production`; every problem
names the environment variable to fix and never quotes a secret.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aianimals.security.secrets_check import url_credential_problem

if TYPE_CHECKING:
    from aianimals.settings import Settings

PREFIX = "AIANIMALS_"


def production_problems(settings: Settings) -> list[str]:
    """Every reason these settings are unfit for production (empty when they are fit)."""
    problems = [
        f"{name} {problem}"
        for name, url, required in _urls_in_use(settings)
        if (problem := url_credential_problem(url, password_required=required))
    ]
    if settings.auth.allow_weak_hashing:
        problems.append(f"{PREFIX}AUTH__ALLOW_WEAK_HASHING is for test suites only")
    if "*" in settings.api.cors_origins:
        problems.append(f"{PREFIX}API__CORS_ORIGINS allows every origin ('*'): list them")
    return problems


def _urls_in_use(settings: Settings) -> list[tuple[str, str, bool]]:
    """(variable, URL, whether a password is required) of every connection in use."""
    database = settings.database.url
    urls = [(f"{PREFIX}DATABASE__URL", database, not database.startswith("sqlite"))]
    if settings.queue.kind == "rabbitmq":
        urls.append((f"{PREFIX}QUEUE__URL", settings.queue.url, True))
    if settings.cache.kind == "redis":
        urls.append((f"{PREFIX}CACHE__URL", settings.cache.url, True))
    if settings.features.kind == "redis":
        urls.append((f"{PREFIX}FEATURES__URL", settings.features.url, True))
    if settings.registry.tracking_uri:
        urls.append((f"{PREFIX}REGISTRY__TRACKING_URI", settings.registry.tracking_uri, False))
    if settings.search.kind == "opensearch":
        urls.append((f"{PREFIX}SEARCH__URL", settings.search.url, False))
    if settings.vectors.kind == "opensearch":
        urls.append((f"{PREFIX}VECTORS__URL", settings.vectors.url, False))
    return urls

"""Our additions to detect-secrets, which scans the repository against `.secrets.baseline`.

detect-secrets finds private keys, token shapes (AWS, GitHub, Slack, Stripe…), keyword
assignments, credentials in URLs and high-entropy strings. This file, named in the
baseline, adds what our deployment files need and what we accept:

- `DeploymentSecretDetector` reports a literal password in a URL (also with an empty user,
  `redis://:pw@host`), the argument of a password flag (`--requirepass pw`), and a literal
  value given to a password/secret/token/key/auth setting (`REDISCLI_AUTH: abc123`);
- `is_reference_or_placeholder` accepts a reference to a secret kept elsewhere (`${VAR}`,
  `${VAR:?msg}`, `$(VAR)`, `$VAR`, `$$VAR`), the documented placeholder `change-me`, and
  settings that are not secrets (numbers, booleans, empty values);
- `is_comment` accepts a line that is a `#` comment.

A line can be allowed with a `pragma: allowlist secret` comment (detect-secrets' own).
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Any

from detect_secrets.core.potential_secret import PotentialSecret
from detect_secrets.plugins.base import RegexBasedDetector

CONFIGURATION_SUFFIXES = {
    ".env",
    ".example",
    ".yaml",
    ".yml",
    ".toml",
    ".ini",
    ".cfg",
    ".conf",
    ".json",
    ".properties",
}
"""Files the detector reads, with any file under `deploy/` and any Dockerfile."""

_SECRET_WORD = (
    r"(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key"  # noqa: S105
    r"|credential|(?<![a-z])pass(?![a-z])|(?<![a-z])auth(?![a-z]))"
)
URL_PASSWORD = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s/:@'\"]*:(\$\{[^}]*\}|[^@\s'\"/]+)@")
PASSWORD_FLAG = re.compile(
    r"--?(?:requirepass|password|pass|passwd)(?:[=\s]+)(\"[^\"]*\"|'[^']*'|\S+)", re.IGNORECASE
)
ASSIGNMENT = re.compile(
    r"^\s*(?:-\s+)?(?:export\s+|ENV\s+)?[\"']?[A-Za-z0-9_.\-]*"
    + _SECRET_WORD
    + r"[A-Za-z0-9_.\-]*[\"']?\s*(?:=(?!=)|:)\s*((?:(?!\s#).)*?)\s*$",
    re.IGNORECASE,
)
PLACEHOLDER = re.compile(r"change-me(-[a-z0-9-]+)?")
REFERENCE = re.compile(
    r"""\$\{[A-Za-z_][A-Za-z0-9_]*(?:[:?\-+][^}]*)?\}   # ${VAR}, ${VAR:?msg}, ${VAR:-x}
      | \$\([A-Za-z_][A-Za-z0-9_]*\)                     # $(VAR), Kubernetes
      | \$\$?[A-Za-z_][A-Za-z0-9_]*                       # $VAR, $$VAR (compose-escaped)
    """,
    re.VERBOSE,
)
HARMLESS = re.compile(r"(true|false|null|~|\d+|\{\}|\[\]|[|>][-+]?)?", re.IGNORECASE)


class DeploymentSecretDetector(RegexBasedDetector):  # type: ignore[misc]
    """Literal passwords in URLs and flags, literal values of secret settings."""

    secret_type = "Deployment secret"  # noqa: S105 (a name)
    denylist = (URL_PASSWORD, PASSWORD_FLAG, ASSIGNMENT)

    def analyze_line(
        self,
        filename: str,
        line: str,
        line_number: int = 0,
        context: Any = None,
        **kwargs: Any,
    ) -> set[PotentialSecret]:
        """Configuration and deployment files only: in code, `token: str` is no secret."""
        if not is_configuration(filename):
            return set()
        found: set[PotentialSecret] = super().analyze_line(
            filename, line, line_number, context, **kwargs
        )
        return found


def is_configuration(filename: str) -> bool:
    """A deployment file, a configuration file or a Dockerfile."""
    path = PurePath(filename)
    return (
        ("deploy" in path.parts and "tests" not in path.parts)
        or path.suffix in CONFIGURATION_SUFFIXES
        or path.name.startswith((".env", "Dockerfile"))
    )


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def acceptable(value: str) -> bool:
    """A reference to a secret kept elsewhere, or the documented placeholder."""
    value = _unquote(value)
    return bool(PLACEHOLDER.fullmatch(value) or REFERENCE.fullmatch(value))


def is_reference_or_placeholder(secret: str) -> bool:
    """A detect-secrets filter: true for what is not a secret (see the module docstring)."""
    value = _unquote(secret)
    return bool(acceptable(value) or HARMLESS.fullmatch(value) or URL_PASSWORD.search(value))


def is_comment(line: str) -> bool:
    """A detect-secrets filter: true for a line that is a `#` comment."""
    return line.lstrip().startswith("#")

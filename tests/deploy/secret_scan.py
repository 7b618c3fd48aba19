"""A scan for secret-looking literals in deployment files.

Deployment files may name secrets (Secret references, `${VAR}` for compose, `$(VAR)` for
Kubernetes, `$VAR` in a shell) and hold the documented placeholder `change-me`, which the
app refuses outside development. Anything else that sits where a secret goes is reported:
the password of a URL, the value of a password/secret/token/key setting, the argument of a
password flag, a private key block, a token with a well-known shape.
"""

from __future__ import annotations

import re
from pathlib import Path

PLACEHOLDER = re.compile(r"change-me(-[a-z0-9-]+)?")
REFERENCE = re.compile(
    r"""\$\{[A-Za-z_][A-Za-z0-9_]*(?:[:?\-+][^}]*)?\}   # ${VAR}, ${VAR:?msg}, ${VAR:-x}
      | \$\([A-Za-z_][A-Za-z0-9_]*\)                     # $(VAR), Kubernetes
      | \$\$?[A-Za-z_][A-Za-z0-9_]*                       # $VAR, $$VAR (compose-escaped)
    """,
    re.VERBOSE,
)
SECRET_KEY = re.compile(
    r"(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential"
    r"|(?<![a-z])pass(?![a-z])|(?<![a-z])auth(?![a-z]))",
    re.IGNORECASE,
)
# key: value or KEY=value (YAML, env files, Dockerfile ENV, shell), the value up to the end.
ASSIGNMENT = re.compile(
    r"""^\s*(?:-\s+)?(?:export\s+|ENV\s+)?["']?(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)["']?\s*(?:=(?!=)|:)\s*(?P<value>.*?)\s*$"""
)
URL_PASSWORD = re.compile(
    r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s/:@'\"]*:(?P<password>\$\{[^}]*\}|[^@\s'\"/]+)@"
)
PASSWORD_FLAG = re.compile(
    r"--?(?:requirepass|password|pass|passwd)(?:[=\s]+)(?P<value>\"[^\"]*\"|'[^']*'|\S+)",
    re.IGNORECASE,
)
SHAPES = {
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b"),
    "JWT": re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
}
HARMLESS_VALUES = re.compile(r"(true|false|null|~|\d+|\{\}|\[\]|\||>|[|>][-+]?)?", re.IGNORECASE)


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def acceptable(value: str) -> bool:
    """A reference to a secret kept elsewhere, or the documented placeholder."""
    value = _unquote(value)
    return bool(PLACEHOLDER.fullmatch(value) or REFERENCE.fullmatch(value))


def findings(text: str) -> list[str]:
    """`line N: why` for every secret-looking literal of `text`."""
    found: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("#"):
            continue
        for match in URL_PASSWORD.finditer(line):
            if not acceptable(match.group("password")):
                found.append(f"line {number}: a literal password in a URL")
        for match in PASSWORD_FLAG.finditer(line):
            if not acceptable(match.group("value")):
                found.append(f"line {number}: a literal password argument")
        assignment = ASSIGNMENT.match(line)
        if assignment and SECRET_KEY.search(assignment.group("key")):
            value = assignment.group("value").split(" #")[0].strip()
            harmless = HARMLESS_VALUES.fullmatch(value) or acceptable(value)
            if not harmless and not URL_PASSWORD.search(value):  # a URL: its password
                found.append(f"line {number}: {assignment.group('key')} has a literal value")
        for name, shape in SHAPES.items():
            if shape.search(line):
                found.append(f"line {number}: looks like a {name}")
    return found


def scan(root: Path) -> dict[str, list[str]]:
    """Findings per text file under `root` (relative path → findings), files with none left out."""
    report: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        try:
            text = path.read_text("utf-8")
        except UnicodeDecodeError:
            continue
        found = findings(text)
        if found:
            report[str(path.relative_to(root))] = found
    return report

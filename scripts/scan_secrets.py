#!/usr/bin/env python3
"""Scan the repository's tracked files for secrets; exit 1 when any is found.

    python scripts/scan_secrets.py            # the files `git ls-files` lists
    python scripts/scan_secrets.py --root DIR # DIR's tracked files, or every file when
                                              # DIR is not a git work tree

What is looked for:

- private keys (a PEM / OpenSSH / PGP header followed by a key body) and well-known token
  shapes (AWS access key ids and secret keys, GitHub, Slack, Stripe, Google API keys);
- credentials inside URLs (`scheme://user:password@host`) whose password is not a
  placeholder;
- `password = …`, `DB_SECRET: …`, `api_key=…`-style assignments (the key ends in one of
  those words) of a literal value of 6+ characters in configuration files (.env, YAML,
  TOML, INI, JSON, properties, Dockerfiles);
- high-entropy tokens (20+ characters) in .env and YAML files.

Placeholders (`change-me`, `guest`, `<password>`, `${VAR}`, `xxxx`, …) are allowed, and so
are made-up token values (AWS's documented `…EXAMPLE` keys, values holding a straight run
such as `0123456789` or `abcdefgh`). Test fixtures (`tests/`) are only checked for keys and
token shapes; a line holding a `scan-secrets: allow` comment is skipped; and the path globs
listed in scripts/scan_secrets.allow (one per line, `#` comments) are not scanned.

Only reads git (`git ls-files`), never changes it. Findings print with the secret redacted.
Needs only the standard library.
"""

from __future__ import annotations

import argparse
import fnmatch
import math
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 2 * 1024 * 1024
ALLOW_MARKER = "scan-secrets: allow"
FIXTURE_GLOBS = ("tests/*",)
"""Paths where only keys and token shapes count (fake passwords are the point there)."""
IGNORED_GLOBS = ("*.lock", "*.sha256", "*.svg", "*.min.js")
CONFIG_SUFFIXES = {
    ".env",
    ".yaml",
    ".yml",
    ".toml",
    ".ini",
    ".cfg",
    ".conf",
    ".json",
    ".properties",
}
ENTROPY_SUFFIXES = {".env", ".yaml", ".yml"}
PLACEHOLDERS = {
    "",
    "change-me",
    "changeme",
    "change_me",
    "replace-me",
    "placeholder",
    "password",
    "guest",
    "secret",
    "example",
    "test",
    "none",
    "null",
    "true",
    "false",
    "user",
    "pass",
    "redacted",
}

PRIVATE_KEY = "private key"
KEY_BODY = re.compile(r"^\s*(?:[A-Za-z0-9+/=]{20,}|Proc-Type:|Version:|Comment:)")
"""What follows a real key's header line: base64, or the headers of PEM / PGP blocks."""
STRAIGHT_RUNS = ("0123456789", "abcdefgh", "ABCDEFGH", "qwertyui")
ALLOW_FILE = Path(__file__).with_name("scan_secrets.allow")
TOKEN_RULES = [
    (PRIVATE_KEY, re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----")),
    ("AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    (
        "AWS secret access key",
        re.compile(r"(?i)aws_secret_access_key\s*[=:]\s*['\"]?([A-Za-z0-9/+=]{40})\b"),
    ),
    ("GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")),
    ("Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("Stripe secret key", re.compile(r"\b[sr]k_live_[A-Za-z0-9]{20,}\b")),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
]
URL_CREDENTIALS = re.compile(r"\b[a-z][a-z0-9+.-]*://([^\s:/@'\"]+):([^\s@/'\"]+)@[\w.-]")
ASSIGNMENT = re.compile(
    # A key at the start of a line or after a quote, space or separator (not `${KEY:-…}`).
    r"(?i)(?:^|(?<=[\s'\",;(]))[\w.-]*"
    r"(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key)"  # the key ends so
    r"['\"]?\s*[=:]\s*['\"]?([^\s'\"#,}]+)"
)
MIN_ASSIGNED_SECRET = 6
"""Shorter assigned values (`3`, `the`, `yes`) are settings or prose, not secrets."""
TOKEN = re.compile(r"[A-Za-z0-9+/_-]{20,}={0,2}")


@dataclass(frozen=True)
class Finding:
    """A secret-looking literal: where, what kind, and a redacted excerpt."""

    path: str
    line: int
    rule: str
    excerpt: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.excerpt}"


def is_placeholder(value: str) -> bool:
    """`change-me`, `<password>`, `${VAR}`, `$VAR`, `{{ var }}`, `xxxx`, `****`…"""
    lowered = value.strip().strip("'\"").casefold()
    return (
        lowered in PLACEHOLDERS
        or lowered.startswith(("change", "replace", "your-", "your_", "<", "$", "{{", "%("))
        or set(lowered) <= set("x*.-_")
    )


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def looks_random(token: str) -> bool:
    """A token that is probably a generated secret, not a word, path or digest name."""
    if token.isdigit() or ("/" in token.strip("/+=") and token.count("/") > 1):
        return False
    hexadecimal = all(c in "0123456789abcdefABCDEF" for c in token)
    threshold = 3.0 if hexadecimal else 4.0
    has_mix = sum(any(test(c) for c in token) for test in (str.isdigit, str.isupper, str.islower))
    return entropy(token) >= threshold and (hexadecimal or has_mix >= 2)


def redact(value: str) -> str:
    """The first characters of a secret, then stars."""
    return value[:4] + "****" if len(value) > 8 else "****"


def scan_text(path: str, text: str) -> Iterator[Finding]:
    """The findings in one file's text."""
    name = Path(path).name.lower()
    suffix = Path(path).suffix.lower() or name
    checks = []
    if not any(fnmatch.fnmatch(path, glob) for glob in FIXTURE_GLOBS):
        checks.append(_url_credentials)
        if suffix in CONFIG_SUFFIXES or name.startswith((".env", "dockerfile", "compose")):
            checks.append(_assignments)
        if suffix in ENTROPY_SUFFIXES or name.startswith(".env"):
            checks.append(_random_tokens)
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if ALLOW_MARKER in line:
            continue
        following = lines[number] if number < len(lines) else ""
        shapes = _token_shapes(line, following)
        for rule, value in (*shapes, *(f for check in checks for f in check(line))):
            yield Finding(path, number, rule, redact(value))


def _token_shapes(line: str, following: str) -> Iterator[tuple[str, str]]:
    for rule, pattern in TOKEN_RULES:
        match = pattern.search(line)
        if not match or looks_made_up(match.group(0)):
            continue
        if rule == PRIVATE_KEY and not KEY_BODY.match(following):
            continue  # a header alone (in prose or a test) is no key
        yield rule, match.group(0)


def looks_made_up(value: str) -> bool:
    """AWS's documented example keys, and values holding a straight run of characters."""
    return "EXAMPLE" in value or any(run in value for run in STRAIGHT_RUNS)


def _url_credentials(line: str) -> Iterator[tuple[str, str]]:
    for match in URL_CREDENTIALS.finditer(line):
        if not is_placeholder(match.group(2)):
            yield "credentials in a URL", match.group(2)


def _assignments(line: str) -> Iterator[tuple[str, str]]:
    for match in ASSIGNMENT.finditer(line):
        value = match.group(1)
        if len(value) < MIN_ASSIGNED_SECRET or value.isdigit() or "://" in value:
            continue
        if not is_placeholder(value):
            yield "literal secret assignment", value


def _random_tokens(line: str) -> Iterator[tuple[str, str]]:
    for token in TOKEN.findall(line):
        if looks_random(token) and not is_placeholder(token):
            yield "high-entropy token", token


def read_text(path: Path) -> str | None:
    """The file's text; None for binaries, large or unreadable files."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    if b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace")


def tracked_files(root: Path) -> list[str] | None:
    """`git ls-files` under `root` (read-only); None when `root` is not a git work tree."""
    try:
        listing = subprocess.run(  # noqa: S603 - a fixed, read-only git command
            ["git", "-C", str(root), "ls-files", "-z"],  # noqa: S607 - git from PATH
            capture_output=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return [name for name in listing.stdout.decode("utf-8").split("\0") if name]


def every_file(root: Path) -> list[str]:
    """Every file under `root` but version-control, virtual-env and cache folders."""
    skipped = {".git", ".venv", "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache"}
    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and not skipped & set(path.relative_to(root).parts)
    )


def allowed_globs() -> tuple[str, ...]:
    """The path globs of scripts/scan_secrets.allow (none when it is absent)."""
    try:
        text = ALLOW_FILE.read_text(encoding="utf-8")
    except OSError:
        return ()
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return tuple(line for line in lines if line)


def scan(root: Path, files: Iterable[str]) -> list[Finding]:
    """The findings in `files` (paths relative to `root`)."""
    skipped = IGNORED_GLOBS + allowed_globs()
    findings: list[Finding] = []
    for name in files:
        if any(fnmatch.fnmatch(name, glob) for glob in skipped):
            continue
        text = read_text(root / name)
        if text is not None:
            findings.extend(scan_text(name, text))
    return findings


def main(argv: list[str] | None = None) -> int:
    """Scan; print findings; 0 when clean, 1 with findings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    files = tracked_files(root)
    source = "tracked files"
    if files is None:
        files, source = every_file(root), "files (not a git work tree)"
    findings = scan(root, files)
    for finding in findings:
        print(finding)
    verdict = f"{len(findings)} possible secret(s)" if findings else "no secrets found"
    print(f"scan_secrets: {len(files)} {source} under {root}: {verdict}", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())

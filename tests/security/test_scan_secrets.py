"""scripts/scan_secrets.py catches planted secrets, allows placeholders, passes on the repo."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "scan_secrets.py"

# Assembled here so that this file holds no secret-shaped literal itself.
BODY = "MIIEowIBAAKCAQEAv3Jq9Lr2Xw5Tn8Kp4Zs7Qd1Hm6Yc0Bf"
PRIVATE_KEY = "-----BEGIN " + f"RSA PRIVATE KEY-----\n{BODY}\n-----END RSA PRIVATE KEY-----"
AWS_KEY_ID = "AKIA" + "Q3EGRTV5HX7N2KLM"
TOKEN = "tT9x" + "Qm2vLr8ZpW4yKs7NbE3c"


@pytest.fixture(scope="module")
def scanner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("scan_secrets", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["scan_secrets"] = module
    spec.loader.exec_module(module)
    return module


def _plant(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_planted_secrets_are_found_and_redacted(
    scanner: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _plant(
        tmp_path,
        {
            "keys/deploy.pem": PRIVATE_KEY,
            "src/settings.py": f'AWS_ID = "{AWS_KEY_ID}"\n',
            "deploy/app.yaml": "db:\n  password: Kitten-Mittens-1987\n",
            "deploy/.env": f"API_TOKEN_VALUE={TOKEN}\n",
            "src/connect.py": 'URL = "postgresql://app:Tr0ub4dor-3@db.internal/app"\n',
            "photo.jpg": "\0binary",
        },
    )
    assert scanner.main(["--root", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    for expected in (
        "keys/deploy.pem:1: private key",
        "src/settings.py:1: AWS access key id",
        "deploy/app.yaml:2: literal secret assignment",
        "deploy/.env:1: high-entropy token",
        "src/connect.py:1: credentials in a URL",
    ):
        assert expected in out
    for secret in ("Kitten-Mittens-1987", TOKEN, "Tr0ub4dor-3", AWS_KEY_ID):
        assert secret not in out


def test_placeholders_fixtures_and_allowed_lines_pass(
    scanner: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _plant(
        tmp_path,
        {
            ".env.example": (
                "AIANIMALS_DATABASE__URL=postgresql+psycopg://aianimals:change-me@db/aianimals\n"
                "REDIS_PASSWORD=change-me\n"
                "AIANIMALS_QUEUE__URL=amqp://guest:guest@127.0.0.1:5672/%2F\n"
            ),
            "deploy/compose.yaml": (
                'URL: "redis://:${REDIS_PASSWORD:?set it}@redis:6379/0"\n'
                "password: <your password>\n"
                "token: ${API_TOKEN}\n"
                "checksum: 3f786850e387550fdab836ed7e6dc881de23001b  # scan-secrets: allow\n"
            ),
            "tests/test_login.py": 'PASSWORD = "password"\nURL = "redis://:Zq8-vN3r@r/0"\n',
            "tests/test_shapes.py": (
                '"-----BEGIN ' + 'OPENSSH PRIVATE KEY-----",\n'
                '"aws: AKIA' + 'IOSFODNN7EXAMPLE",\n'
                '"token: ghp_' + '0123456789abcdefghijklmnopqrstuvwxyzAB",\n'
            ),
            "docs/keys.md": "Keys start with `-----BEGIN " + "PRIVATE KEY-----`.\n",
            "src/app.py": "import os\npassword = os.environ['PASSWORD']\n",
        },
    )
    assert scanner.main(["--root", str(tmp_path)]) == 0
    assert capsys.readouterr().out == ""


def test_keys_in_test_fixtures_are_still_found(scanner: ModuleType, tmp_path: Path) -> None:
    _plant(tmp_path, {"tests/fixture.py": f'KEY = """{PRIVATE_KEY}"""\n'})
    assert scanner.main(["--root", str(tmp_path)]) == 1


def test_allowlisted_paths_are_skipped(
    scanner: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    allow = tmp_path / "allow"
    allow.write_text("# fixtures of another scanner\nfixtures/*.pem  # made-up keys\n")
    monkeypatch.setattr(scanner, "ALLOW_FILE", allow)
    _plant(tmp_path / "tree", {"fixtures/fake.pem": PRIVATE_KEY})
    assert scanner.main(["--root", str(tmp_path / "tree")]) == 0
    _plant(tmp_path / "tree", {"src/real.pem": PRIVATE_KEY})
    assert scanner.main(["--root", str(tmp_path / "tree")]) == 1


def test_the_repository_is_clean(scanner: ModuleType) -> None:
    files = scanner.tracked_files(REPO)
    if files is None:
        pytest.skip("not a git work tree: nothing is tracked here")
    assert scanner.scan(REPO, files) == []

"""The MLflow UI that `up` starts answers loopback names only, and only its own origin."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from aianimals.roles.up import mlflow_ui_command
from aianimals.settings import Settings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def mlflow_url(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    settings = Settings(environment="test", var_dir=tmp_path, registry={"ui_port": port})
    (tmp_path / "mlflow").mkdir()
    environment = {**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}
    log = (tmp_path / "mlflow.log").open("wb")
    process = subprocess.Popen(
        mlflow_ui_command(settings), env=environment, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert process.poll() is None, (tmp_path / "mlflow.log").read_text()
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.mark.slow
def test_foreign_hosts_and_origins_cannot_drive_the_registry(mlflow_url: str) -> None:
    search = f"{mlflow_url}/ajax-api/2.0/mlflow/registered-models/search"
    assert httpx.get(search, timeout=10).status_code == 200
    # MLflow's own default admits private addresses as hosts; ours does not. (It always
    # admits loopback origins, whatever it is told.)
    for host in ("rebind.example", "10.0.0.5", "192.168.1.20:5000"):
        rebound = httpx.get(search, headers={"Host": host}, timeout=10)
        assert rebound.status_code in (400, 403), host
    create = f"{mlflow_url}/ajax-api/2.0/mlflow/registered-models/create"
    for origin in ("http://evil.example", "http://127.0.0.1.rebind.example:5000"):
        cross_site = httpx.post(
            create, json={"name": "forged"}, headers={"Origin": origin}, timeout=10
        )
        assert cross_site.status_code in (400, 403), origin
    assert "forged" not in httpx.get(search, timeout=10).text


def test_the_ui_listens_on_loopback_whatever_the_apis_address(tmp_path: Path) -> None:
    settings = Settings(environment="test", var_dir=tmp_path, api={"host": "0.0.0.0"})
    command = mlflow_ui_command(settings)
    assert command[command.index("--host") + 1] == "127.0.0.1"

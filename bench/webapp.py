"""Benchmark the web app in Debian's Chromium: first load of the search grid, and bytes moved.

    .venv/bin/python bench/webapp.py [--dataset DIR] [--runs N] [--chromium PATH]

The demo dataset with its photos (--dataset, else generated into a temporary directory:
about 30 s) is imported into a scratch SQLite store with weak argon2 parameters, and
`aianimals up --no-demo` serves it on a free port. Then, at the phone size (393x851, DPR 2):

- cold first load: a new browser context (empty HTTP cache) already holding a session,
  from navigation to the first grid thumbnail decoded, and to the first 12; warm: the same
  after a reload; each on a fast connection (loopback) and on a throttled one (Chromium's
  network emulation through CDP: 600 ms round trip, 1.6 Mbit/s down, 750 kbit/s up);
- the baseline in the same run: `POST /v0/animal/search` alone through HTTP (the floor the
  grid cannot beat), so the table shows what the page adds on top of it;
- bytes: everything the first load transferred, by kind (page, scripts, styles, API,
  images), and one more page of 24 results as the grid's infinite scroll fetches it,
  against the same 24 animals shown with their full-size photos (what thumbnails save).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter, sleep
from typing import Any

import httpx
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright
from rich.console import Console
from rich.table import Table

AIANIMALS = str(Path(sys.executable).with_name("aianimals"))
PHONE: ViewportSize = {"width": 393, "height": 851}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FIRST_TILES = 12
PAGE_SIZE = 24
GRID_READY = """(first) => {
    const images = Array.from(document.querySelectorAll('.grid .tile img')).slice(0, first);
    return images.length === first && images.every((i) => i.complete && i.naturalWidth > 0);
}"""
# Chromium's network emulation: the "slow phone network" (600 ms RTT, 1.6 Mbit/s).
THROTTLED = {
    "offline": False,
    "latency": 600,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}
CONNECTIONS = {"fast": None, "throttled (600 ms, 1.6 Mbit/s)": THROTTLED}
TRANSFERS = """() => {
    const entries = [performance.getEntriesByType('navigation')[0],
                     ...performance.getEntriesByType('resource')];
    return entries.map((e) => ({url: e.name, type: e.initiatorType, bytes: e.transferSize,
                                body: e.encodedBodySize}));
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, help="a generated demo dataset with photos")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--throttled-runs", type=int, default=3, help="runs on the throttled connection"
    )
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    console = Console()
    with tempfile.TemporaryDirectory(prefix="aianimals-webapp-") as scratch:
        work = Path(scratch)
        env = _environment(work)
        dataset = args.dataset or _generate(work, env, console)
        console.print("importing the demo dataset…")
        _run(env, "migrate")
        _run(env, "import", str(dataset))
        url = f"http://127.0.0.1:{env['AIANIMALS_API__PORT']}"
        with (work / "up.log").open("wb") as log:
            server = subprocess.Popen(
                [AIANIMALS, "up", "--no-demo"], env=env, stdout=log, stderr=log
            )
        try:
            _wait_ready(url, server)
            _measure(url, args, console)
        finally:
            server.terminate()
            server.wait(30)


def _environment(work: Path) -> dict[str, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return dict(
        os.environ,
        AIANIMALS_DATABASE__URL=f"sqlite:///{work / 'aianimals.db'}",
        AIANIMALS_VAR_DIR=str(work),
        AIANIMALS_BLOBS__ROOT=str(work / "blobs"),
        AIANIMALS_QUEUE__PATH=str(work / "queue.db"),
        AIANIMALS_SEARCH__PATH=str(work / "search"),
        AIANIMALS_SEARCH__SIMILAR_WORDS_PATH=str(work / "similar_words.json"),
        AIANIMALS_AUTH__ARGON2_MEMORY_KIB="64",
        AIANIMALS_AUTH__ARGON2_TIME_COST="1",
        AIANIMALS_AUTH__ALLOW_WEAK_HASHING="true",
        AIANIMALS_API__PORT=str(port),
        AIANIMALS_PORTAL__ENABLED="false",
        AIANIMALS_IMAGES__ENABLED="false",
    )


def _generate(work: Path, env: dict[str, str], console: Console) -> Path:
    console.print("generating the demo dataset with photos…")
    _run(env, "dataset", "generate", str(work / "dataset"))
    return work / "dataset"


def _run(env: dict[str, str], *args: str) -> None:
    done = subprocess.run([AIANIMALS, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"aianimals {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def _wait_ready(url: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(1500):  # up to 5 minutes: a loaded, shared machine starts slowly
        if server.poll() is not None:
            raise SystemExit(f"aianimals up exited with {server.returncode}")
        try:
            if httpx.get(f"{url}/v0/health-check/ready").status_code == 200:
                return
        except httpx.TransportError:
            pass
        sleep(0.2)
    raise SystemExit("aianimals up did not become ready")


def _measure(url: str, args: argparse.Namespace, console: Console) -> None:
    login = httpx.post(
        f"{url}/v0/user/login", json={"handle_name": "dog_leigh", "password": "password"}
    )
    login.raise_for_status()
    session = {**login.json(), "handle_name": "dog_leigh"}
    api = _api_floor(url, session["token"], args.runs)
    loads: dict[str, Loads] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        for name, conditions in CONNECTIONS.items():
            runs = args.runs if conditions is None else args.throttled_runs
            loads[name] = _loads(browser, url, session, runs, conditions)
        browser.close()
    fast = loads["fast"]
    transfers, next_page = fast.transfers, fast.next_page
    photos = _photo_bytes(url, session["token"], next_page["ids"])

    timing = Table(title="Search grid first load, phone size (393x851, DPR 2), median ms")
    for column in ("connection", "runs", "measure", "median", "min", "max"):
        timing.add_column(
            column, justify="left" if column in ("connection", "measure") else "right"
        )
    timing.add_row("fast", str(len(api)), "API search alone (floor)", *_spread(api))
    for name, load in loads.items():
        for measure, samples in (
            ("cold: first thumbnail", load.cold_first),
            (f"cold: {FIRST_TILES} thumbnails", load.cold),
            ("warm: first thumbnail", load.warm_first),
            (f"warm: {FIRST_TILES} thumbnails", load.warm),
        ):
            timing.add_row(name, str(len(samples)), measure, *_spread(samples))
    console.print(timing)

    size = Table(title="Bytes transferred by the cold first load (KiB)")
    size.add_column("kind")
    size.add_column("requests", justify="right")
    size.add_column("KiB", justify="right")
    for kind, (count, total) in sorted(transfers.items()):
        size.add_row(kind, str(count), f"{total / 1024:.1f}")
    size.add_row(
        "all",
        str(sum(c for c, _ in transfers.values())),
        f"{sum(t for _, t in transfers.values()) / 1024:.1f}",
    )
    console.print(size)

    scroll = Table(title=f"One more grid page ({PAGE_SIZE} results) as infinite scroll fetches it")
    scroll.add_column("what")
    scroll.add_column("KiB", justify="right")
    scroll.add_column("ratio", justify="right")
    with_thumbnails = next_page["json"] + next_page["thumbnails"]
    with_photos = next_page["json"] + photos
    scroll.add_row("search JSON", f"{next_page['json'] / 1024:.1f}", "")
    scroll.add_row("JSON + 24 thumbnails (the app)", f"{with_thumbnails / 1024:.1f}", "1.00")
    scroll.add_row(
        "JSON + 24 full photos (baseline)",
        f"{with_photos / 1024:.1f}",
        f"{with_photos / with_thumbnails:.2f}",
    )
    console.print(scroll)


def _api_floor(url: str, token: str, runs: int) -> list[float]:
    samples = []
    with httpx.Client(base_url=url, headers={"token": token}) as client:
        for _ in range(runs + 1):
            started = perf_counter()
            client.post(
                "/v0/animal/search",
                params={"limit": PAGE_SIZE},
                json={"phrases": [], "sort_by": "score"},
            ).raise_for_status()
            samples.append((perf_counter() - started) * 1000)
    return samples[1:]


@dataclass
class Loads:
    """One connection's timings (ms) and, from its first run, the bytes moved."""

    cold_first: list[float] = field(default_factory=list)
    cold: list[float] = field(default_factory=list)
    warm_first: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    transfers: dict[str, tuple[int, int]] = field(default_factory=dict)
    next_page: dict[str, Any] = field(default_factory=dict)


def _spread(samples: list[float]) -> tuple[str, str, str]:
    return (
        f"{statistics.median(samples):.0f}",
        f"{min(samples):.0f}",
        f"{max(samples):.0f}",
    )


def _timed_load(page: Page, started: float) -> tuple[float, float]:
    """(ms to the first thumbnail decoded, ms to the first 12), from `started`."""
    page.wait_for_function(GRID_READY, arg=1, timeout=60_000, polling=10)
    first = (perf_counter() - started) * 1000
    page.wait_for_function(GRID_READY, arg=FIRST_TILES, timeout=60_000, polling=10)
    return first, (perf_counter() - started) * 1000


def _loads(
    browser: Browser,
    url: str,
    session: dict[str, Any],
    runs: int,
    conditions: dict[str, Any] | None,
) -> Loads:
    loads = Loads()
    for run in range(runs):
        context = browser.new_context(viewport=PHONE, device_scale_factor=2)
        context.add_init_script(
            f"localStorage.setItem('aianimals.session', {json.dumps(json.dumps(session))})"
        )
        page = context.new_page()
        if conditions is not None:
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", conditions)
        started = perf_counter()
        page.goto(f"{url}/#/search", timeout=60_000)
        first, twelve = _timed_load(page, started)
        loads.cold_first.append(first)
        loads.cold.append(twelve)
        if run == 0 and conditions is None:
            loads.transfers = _by_kind(page.evaluate(TRANSFERS))
            loads.next_page = _scroll_one_page(page)
        started = perf_counter()
        page.reload(timeout=60_000)
        first, twelve = _timed_load(page, started)
        loads.warm_first.append(first)
        loads.warm.append(twelve)
        context.close()
    return loads


def _by_kind(entries: list[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    kinds: dict[str, tuple[int, int]] = {}
    for entry in entries:
        path = httpx.URL(entry["url"]).path
        kind = (
            "API"
            if path.startswith("/v0/")
            else "images"
            if path.startswith("/media/")
            else "page"
            if entry["type"] == "navigation"
            else f"app ({Path(path).suffix or '?'})"
        )
        count, total = kinds.get(kind, (0, 0))
        kinds[kind] = (count + 1, total + int(entry["bytes"]))
    return kinds


def _scroll_one_page(page: Any) -> dict[str, Any]:
    page.evaluate("performance.clearResourceTimings()")
    before = page.locator(".grid > li").count()
    page.locator(".grid-footer").scroll_into_view_if_needed()
    page.wait_for_function(
        "(before) => document.querySelectorAll('.grid > li').length > before", arg=before
    )
    ids = page.locator(".grid > li").evaluate_all("(items) => items.map((i) => i.dataset.animalId)")
    added = ids[before : before + PAGE_SIZE]
    for index in range(before, before + len(added)):
        page.locator(".grid > li").nth(index).scroll_into_view_if_needed()
    page.wait_for_function(
        """([from, count]) => Array.from(document.querySelectorAll('.grid .tile img'))
            .slice(from, from + count).every((i) => i.complete && i.naturalWidth > 0)""",
        arg=[before, len(added)],
    )
    entries = page.evaluate(TRANSFERS)[1:]
    search = [e for e in entries if "/v0/animal/search" in e["url"]]
    thumbs = [
        e
        for e in entries
        if "/media/thumbnails/" in e["url"] and any(animal_id in e["url"] for animal_id in added)
    ]
    return {
        "ids": added,
        "json": sum(e["bytes"] for e in search[:1]),
        "thumbnails": sum(e["bytes"] for e in thumbs),
    }


def _photo_bytes(url: str, token: str, ids: list[str]) -> int:
    total = 0
    with httpx.Client(base_url=url, headers={"token": token}) as client:
        for animal_id in ids:
            animal = client.get("/v0/animal", params={"id": animal_id}).json()[0]
            total += len(client.get(animal["photo_url"]).content)
    return total


if __name__ == "__main__":
    main()

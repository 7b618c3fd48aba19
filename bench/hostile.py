"""What hostile uploads cost a running server: memory under worst-case photos, and how a
health check fares while huge bodies are refused.

    make run   # in another terminal: `aianimals up` on the demo store
    .venv/bin/python bench/hostile.py [--url http://127.0.0.1:8000] [--pid PID] [--clients 8]

1. Memory: --clients clients post at once, each the worst photo the limits admit, in turn:
   an RGBA PNG and a WebP just under the pixel cap for formats decoded whole (24 Mpx,
   about 100 KB each: one colour compresses to nothing), and a 6300x6300 PNG (40 Mpx, over
   that cap: refused from its header). The server's resident memory (VmRSS of --pid, by
   default the `aianimals up` process) is sampled every 20 ms: before, peak, and 5 s after.
2. Big bodies: while one client sends 200 MB to `POST /v0/like` without a token (declared
   by Content-Length, then streamed chunked with a valid token), another asks
   `GET /v0/health-check` in a loop; its latency is compared with the same loop alone,
   measured just before in the same run.

Logs in as the demo user dog_leigh (password `password`) and posts as them: the photos
become animals of the demo store named `hostile bench`, and are hidden again at the end.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from PIL import Image
from rich.console import Console
from rich.table import Table

MB = 1024 * 1024
WHOLE_DECODE_SIDE = 4890  # 23.9 Mpx: just under uploads.max_whole_decode_pixels
OVER_CAP_SIDE = 6300  # 39.7 Mpx: under max_pixels, over the whole-decode cap
HUGE = 200 * MB


def worst_photos() -> dict[str, tuple[str, bytes]]:
    """name → (content type, bytes) of the worst photos the limits admit (and one beyond)."""
    photos = {}
    for name, mode, fmt, side in (
        ("PNG RGBA 23.9 Mpx", "RGBA", "PNG", WHOLE_DECODE_SIDE),
        ("WebP 23.9 Mpx", "RGB", "WEBP", WHOLE_DECODE_SIDE),
        ("PNG 39.7 Mpx (refused)", "RGB", "PNG", OVER_CAP_SIDE),
    ):
        image = Image.new(mode, (side, side), (200, 120, 40, 255)[: len(mode)])
        buffer = io.BytesIO()
        image.save(buffer, format=fmt)
        photos[name] = (f"image/{fmt.lower()}", buffer.getvalue())
    return photos


def rss_bytes(pid: int) -> int:
    """Resident memory of `pid` now."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for {pid}")


@dataclass
class MemoryWatch:
    """Samples a process's resident memory in a thread until stopped."""

    pid: int
    peak: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_bytes(self.pid))
            time.sleep(0.02)

    def __enter__(self) -> MemoryWatch:
        self._thread = threading.Thread(target=self.run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def log_in(client: httpx.Client) -> str:
    body = {"handle_name": "dog_leigh", "password": "password"}
    response = client.post("/v0/user/login", json=body)
    response.raise_for_status()
    return str(response.json()["token"])


def post(url: str, token: str, name: str, photo: tuple[str, bytes]) -> tuple[int, float]:
    """(status, seconds) of one post of `photo`."""
    fields = {"animal_category_id": 1, "animal_subcategory_id": 1, "name": "hostile bench"}
    started = time.perf_counter()
    response = httpx.post(
        f"{url}/v0/animal",
        headers={"token": token},
        data={"request": json.dumps(fields)},
        files={"file": (f"{name}.img", photo[1], photo[0])},
        timeout=120,
    )
    return response.status_code, time.perf_counter() - started


def memory_phase(url: str, pid: int, token: str, clients: int, console: Console) -> Table:
    table = Table(title=f"{clients} clients posting the worst photos at once")
    for column in ("photo", "bytes", "answers", "p50 s", "RSS before MB", "peak MB", "+peak MB"):
        table.add_column(column, justify="right")
    table.add_column("5 s after MB", justify="right")
    for name, photo in worst_photos().items():
        before = rss_bytes(pid)
        with MemoryWatch(pid) as watch, ThreadPoolExecutor(clients) as pool:
            futures = [pool.submit(post, url, token, name, photo) for _ in range(clients)]
            results = [future.result() for future in futures]
        time.sleep(5)
        statuses = ", ".join(f"{s}×{n}" for s, n in _counts(r[0] for r in results).items())
        table.add_row(
            name,
            f"{len(photo[1]):,}",
            statuses,
            f"{statistics.median(r[1] for r in results):.2f}",
            f"{before / MB:.0f}",
            f"{watch.peak / MB:.0f}",
            f"{(watch.peak - before) / MB:.0f}",
            f"{rss_bytes(pid) / MB:.0f}",
        )
        console.print(f"  {name}: {statuses}")
    return table


def _counts(values: Iterator[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def health_latencies(url: str, seconds: float) -> list[float]:
    """Latencies of `GET /v0/health-check` asked in a loop for `seconds`."""
    latencies = []
    with httpx.Client(base_url=url, timeout=30) as client:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            started = time.perf_counter()
            client.get("/v0/health-check").raise_for_status()
            latencies.append(time.perf_counter() - started)
            time.sleep(0.01)
    return latencies


def _zeros(total: int) -> Iterator[bytes]:
    chunk = b"0" * MB
    for _ in range(total // MB):
        yield chunk


def send_huge(url: str, token: str | None) -> tuple[int, float, str]:
    """(status, seconds, how) of one 200 MB body: declared without a token, or chunked."""
    started = time.perf_counter()
    if token is None:
        headers = {"content-type": "application/json", "content-length": str(HUGE)}
        how = "Content-Length, no token"
    else:
        headers = {"content-type": "application/json", "token": token}
        how = "chunked, valid token"
    try:
        response = httpx.post(f"{url}/v0/like", headers=headers, content=_zeros(HUGE), timeout=60)
        status = response.status_code
    except httpx.HTTPError:
        status = 0  # the server closed the connection after its answer, mid-upload
    return status, time.perf_counter() - started, how


def body_phase(url: str, token: str) -> Table:
    alone = health_latencies(url, 3)
    table = Table(title="GET /v0/health-check while a 200 MB body is refused")
    for column in ("body", "answer", "refused after s", "health p50 ms", "health max ms"):
        table.add_column(column, justify="right")
    table.add_column("p50 / alone", justify="right")
    table.add_row(
        "none (baseline)",
        "",
        "",
        f"{statistics.median(alone) * 1000:.1f}",
        f"{max(alone) * 1000:.1f}",
        "1.00",
    )
    for offered in (None, token):
        with ThreadPoolExecutor(1) as pool:
            checks = pool.submit(health_latencies, url, 3)
            status, seconds, how = send_huge(url, offered)
            during = checks.result()
        table.add_row(
            how,
            str(status or "closed"),
            f"{seconds:.2f}",
            f"{statistics.median(during) * 1000:.1f}",
            f"{max(during) * 1000:.1f}",
            f"{statistics.median(during) / statistics.median(alone):.2f}",
        )
    return table


def hide_posts(url: str, token: str) -> None:
    with httpx.Client(base_url=url, headers={"token": token}, timeout=30) as client:
        me = client.get("/v0/user/me").json()["id"]
        mine = client.get("/v0/animal", params={"user_id": me, "name": "hostile bench"}).json()
        for animal in mine:
            client.delete("/v0/animal", params={"id": animal["id"]})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--pid", type=int, help="the server process (default: aianimals up)")
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    pid = args.pid or int(
        subprocess.run(
            ["pgrep", "-f", "-o", "aianimals up"], capture_output=True, text=True, check=True
        ).stdout.split()[0]
    )
    console = Console(width=150)
    with httpx.Client(base_url=args.url, timeout=30) as client:
        token = log_in(client)
    console.print(f"server pid {pid}, {rss_bytes(pid) / MB:.0f} MB resident")
    try:
        console.print(memory_phase(args.url, pid, token, args.clients, console))
        console.print(body_phase(args.url, token))
    finally:
        hide_posts(args.url, token)


if __name__ == "__main__":
    main()

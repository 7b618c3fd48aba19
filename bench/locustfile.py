"""The load mix of bench/load.py: demo users who search, browse, open, like and post.

Each simulated user logs in as a random demo user (password `password`) and then, at an
average rate per user (exponential pauses of mean 1 / rate), picks a task by weight:
search in Japanese or English with a sort key, browse the newest animals, open an animal
with its similar animals, like and unlike it, or post a real cat photo. Every request is
named by route (not by id), so the statistics are per route.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

from locust import HttpUser, task

PHOTO = (
    Path(__file__).resolve().parent.parent / "src/aianimals/dataset/photos/cat/ginger_kitten.jpg"
).read_bytes()
PHRASES = ("ねこ", "犬", "子猫", "柴犬", "ふわふわ", "cat", "散歩", "寝顔", "white", "元気")
SORTS = ("score", "like", "created_at", "random", "learn_to_rank")
HANDLES = json.loads(os.environ.get("AIANIMALS_LOAD_HANDLES", '["dog_leigh"]'))
RATE = float(os.environ.get("AIANIMALS_LOAD_RATE_PER_USER", "1.0"))


class DemoUser(HttpUser):
    """One logged-in demo user acting at an average rate."""

    def wait_time(self) -> float:
        """An exponential pause of mean 1 / RATE: independent users, as people are.

        A fixed rate (`constant_throughput`) keeps every user in step after the first
        requests that overlap, so all of them send at the same instant; the server then
        answers a burst of --users requests at once, and every request in it waits for
        the whole burst (measured: browse p50 48 ms that way, 8 ms with these pauses).
        """
        return random.expovariate(RATE)

    def on_start(self) -> None:
        """Log in; keep the token and a few animal ids to act on."""
        handle = random.choice(HANDLES)
        answer = self.client.post(
            "/v0/user/login", json={"handle_name": handle, "password": "password"}
        )
        answer.raise_for_status()
        self.client.headers["token"] = answer.json()["token"]
        self.seen: list[str] = []

    def _remember(self, body: dict[str, Any]) -> None:
        ids = [result["id"] for result in body.get("results", [])]
        self.seen = (ids + self.seen)[:50]

    @task(6)
    def search(self) -> None:
        """A phrase and a sort key, the first page."""
        body = {"phrases": [random.choice(PHRASES)], "sort_by": random.choice(SORTS)}
        with self.client.post(
            "/v0/animal/search?limit=24",
            json=body,
            name="POST /v0/animal/search",
            catch_response=True,
        ) as answer:
            if answer.status_code == 200:
                self._remember(answer.json())

    @task(3)
    def browse(self) -> None:
        """The newest animals."""
        self.client.get("/v0/animal?limit=24", name="GET /v0/animal")

    @task(3)
    def open_animal(self) -> None:
        """An animal's page: the animal, who liked it, similar animals."""
        if not self.seen:
            return
        animal_id = random.choice(self.seen)
        self.client.get(f"/v0/animal?id={animal_id}", name="GET /v0/animal?id=")
        self.client.get(f"/v0/like?animal_id={animal_id}", name="GET /v0/like")
        self.client.post(
            "/v0/animal/search/similar",
            json={"id": animal_id},
            name="POST /v0/animal/search/similar",
        )

    @task(1)
    def like(self) -> None:
        """Like an animal, then take it back (409 when already liked is fine)."""
        if not self.seen:
            return
        animal_id = random.choice(self.seen)
        with self.client.post(
            "/v0/like", json={"animal_id": animal_id}, name="POST /v0/like", catch_response=True
        ) as answer:
            if answer.status_code in (200, 201, 204, 409):
                answer.success()
        with self.client.delete(
            f"/v0/like?animal_id={animal_id}", name="DELETE /v0/like", catch_response=True
        ) as answer:
            if answer.status_code in (200, 204, 404):
                answer.success()

    @task(1)
    def post(self) -> None:
        """Post a real cat photo."""
        request = {
            "animal_category_id": 1,
            "animal_subcategory_id": 1,
            "name": "load test",
            "description": "a kitten on a step",
        }
        self.client.post(
            "/v0/animal",
            data={"request": json.dumps(request)},
            files={"file": ("cat.jpg", PHOTO, "image/jpeg")},
            name="POST /v0/animal",
        )

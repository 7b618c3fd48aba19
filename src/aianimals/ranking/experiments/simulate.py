"""The demo dataset's simulated users, replayed against a running API over real HTTP.

The generator's world is rebuilt from the seed (the same skeleton subset, texts with their
concepts, user profiles and latent appeal as `generate_dataset`), keyed by the store's ids.
Each worker thread plays sessions: an active user (weighted by activity) logs in, makes
searches chosen as `simulation.py` chooses them, and chooses among the API's results as the
run's user model does (`users.py`: by default the generator's own cascade over the hidden
click model, or a user model of another form); a chosen animal is read at length and liked
with the hidden model's probabilities, and each action is logged with `POST /v0/access_log`.
HTTP errors are counted, never raised; only an API that is unusable at start fails the run.
"""

from __future__ import annotations

import random
import secrets
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import numpy as np

from aianimals.dataset.generator.behaviour import (
    Match,
    UserProfile,
    like_probability,
    see_long_probability,
)
from aianimals.dataset.generator.pipeline import DEFAULT_SEED
from aianimals.dataset.generator.queries import Intent, first_intent, next_intent
from aianimals.ranking.experiments.users import GENERATOR, USER_MODELS, Hidden
from aianimals.ranking.experiments.world import (
    Json,
    ReplayWorld,
    build_world,
    match_for,
    search_body,
)

DEFAULT_URL = "http://127.0.0.1:8000"
PASSWORD = "password"  # noqa: S105 - every demo user's, public
PAGE = 50
SEARCHES_PER_SESSION = ((1, 2, 3, 4, 5), (30, 28, 20, 13, 9))  # as simulation.py
UNVERIFIED_RETRY_S = 0.3
"""An action refused as `unverified_action` is sent once more after this pause: with several
API processes, it may reach one before another has stored its search's impressions (0.1 s)."""
Progress = Callable[[int, int, int], None]
"""Called after each search with (searches, actions, errors) so far."""


class SimulationError(Exception):
    """The API cannot be simulated against: unreachable, failing, or refusing the sort."""


@dataclass(frozen=True)
class SimulationConfig:
    """Where to send the users, how many, for how long, and which world they come from."""

    url: str = DEFAULT_URL
    users: int = 8
    minutes: float = 2.0
    searches: int | None = None  # stop after this many searches (whichever comes first)
    sort_by: str = "learn_to_rank"
    seed: int = DEFAULT_SEED
    animals: int | None = None  # the subset size the dataset was generated with
    run_seed: int | None = None  # the users' own draws; None: different every run
    timeout_s: float = 10.0
    user_model: str = GENERATOR.name  # how the users choose among results (`USER_MODELS`)


@dataclass
class SimulationSummary:
    """What a run did: successful searches, logged actions by kind, errors by call and cause."""

    searches: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    users: set[str] = field(default_factory=set)
    elapsed_s: float = 0.0
    interrupted: bool = False


def search_sort_keys(client: httpx.Client) -> list[str] | None:
    """The sort keys the search route accepts, from the API's OpenAPI schema (None: unknown)."""
    try:
        schemas = client.get("/v0/openapi.json").json()["components"]["schemas"]
        sort_by = schemas["AnimalSearchRequest"]["properties"]["sort_by"]
        ref = sort_by.get("$ref") or sort_by["allOf"][0]["$ref"]
        return [str(key) for key in schemas[ref.rsplit("/", 1)[-1]]["enum"]]
    except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError, AttributeError):
        return None


def check_api(client: httpx.Client, sort_by: str) -> None:
    """Fail clearly unless the API answers, is ready, and accepts the sort key."""
    try:
        response = client.get("/v0/health-check/ready")
    except httpx.HTTPError as error:
        raise SimulationError(f"cannot reach the API at {client.base_url}: {error}") from error
    if response.status_code != 200:
        status, detail = response.status_code, response.text[:300]
        raise SimulationError(f"the API is not ready ({status}): {detail}")
    accepted = search_sort_keys(client)
    if accepted is not None and sort_by not in accepted:
        raise SimulationError(f"the API refuses sort_by={sort_by} (accepts {', '.join(accepted)})")


def simulate(
    config: SimulationConfig, progress: Progress | None = None, world: ReplayWorld | None = None
) -> SimulationSummary:
    """Run `config.users` simulated users at once until time or the search cap runs out."""
    world = world or build_world(config.seed, config.animals)
    if not world.active:
        raise SimulationError("the dataset has no active users")
    with httpx.Client(base_url=config.url, timeout=config.timeout_s) as client:
        check_api(client, config.sort_by)
    run = _Run(config, world, progress)
    threads = [
        threading.Thread(target=_worker, args=(run, index), name=f"ab-user-{index}", daemon=True)
        for index in range(config.users)
    ]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(0.2)
    except KeyboardInterrupt:
        run.summary.interrupted = True
        run.stop.set()
        for thread in threads:
            thread.join()
    run.summary.elapsed_s = time.monotonic() - run.started
    return run.summary


class _Run:
    """State shared by the worker threads: budget, tokens and the summary."""

    def __init__(self, config: SimulationConfig, world: ReplayWorld, progress: Progress | None):
        self.config, self.world, self.progress = config, world, progress
        self.seed = config.run_seed if config.run_seed is not None else secrets.randbits(64)
        self.summary = SimulationSummary()
        self.stop = threading.Event()
        self.started = time.monotonic()
        self._deadline = self.started + config.minutes * 60
        self._claimed = 0
        self._tokens: dict[str, str] = {}
        self._lock = threading.Lock()

    def open(self) -> bool:
        """Whether time and searches are left."""
        cap = self.config.searches
        over = cap is not None and self._claimed >= cap
        return not (over or self.stop.is_set() or time.monotonic() >= self._deadline)

    def claim(self) -> bool:
        """Take one search from the budget; False when none is left."""
        with self._lock:
            if not self.open():
                return False
            self._claimed += 1
            return True

    def token(self, client: httpx.Client, user_id: str) -> str | None:
        """The user's token, logging in once; None (error counted) when login fails."""
        with self._lock:
            if user_id in self._tokens:
                return self._tokens[user_id]
        body = {"handle_name": self.world.handles.get(user_id, user_id), "password": PASSWORD}
        response = self.call(client, "POST", "/v0/user/login", "login", json=body)
        if response is None:
            return None
        token = str(response.json()["token"])
        with self._lock:
            self._tokens[user_id] = token
        return token

    def call(
        self, client: httpx.Client, method: str, path: str, what: str, **kwargs: Any
    ) -> httpx.Response | None:
        """One request; a transport error or non-2xx answer is counted and gives None."""
        user_id: str | None = kwargs.pop("user_id", None)
        try:
            response = client.request(method, path, **kwargs)
            if _unverified(response):
                time.sleep(UNVERIFIED_RETRY_S)
                response = client.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            self.count(error=f"{what}: {type(error).__name__}")
            return None
        if response.is_success:
            return response
        if response.status_code == 401 and user_id is not None:
            with self._lock:
                self._tokens.pop(user_id, None)  # expired: log in again next session
        self.count(error=f"{what}: HTTP {response.status_code}")
        return None

    def count(self, searches: int = 0, action: str = "", user: str = "", error: str = "") -> None:
        """Count a search, an action or an error; report progress after a search."""
        with self._lock:
            summary = self.summary
            summary.searches += searches
            summary.actions.update([action] if action else [])
            summary.users.update([user] if user else [])
            summary.errors.update([error] if error else [])
            done = (summary.searches, summary.actions.total(), summary.errors.total())
        if searches and self.progress is not None:
            self.progress(*done)


def _unverified(response: httpx.Response) -> bool:
    """Whether the API refused an action as not shown (yet) to the user."""
    if response.status_code != 422:
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("code") == "unverified_action"


def age_days(result: Json) -> float:
    """Days since the result was posted (0 when the API does not say)."""
    try:
        posted = datetime.fromisoformat(str(result["created_at"]))
    except (KeyError, ValueError):
        return 0.0
    if posted.tzinfo is None:
        posted = posted.replace(tzinfo=UTC)
    return max(0.0, (datetime.now(UTC) - posted).total_seconds() / 86_400)


def _worker(run: _Run, index: int) -> None:
    """Play sessions until the run's budget is spent; nothing it meets stops it."""
    rng = random.Random(f"{run.seed}:{index}")  # noqa: S311 - a simulation, not secrets
    world = run.world
    with httpx.Client(base_url=run.config.url, timeout=run.config.timeout_s) as client:
        while run.open():
            profile = world.profiles[rng.choices(world.active, cum_weights=world.cum_weights)[0]]
            try:
                _session(run, client, profile, rng)
            except Exception as error:  # counted, the run goes on
                run.count(error=f"session: {type(error).__name__}")


def _session(run: _Run, client: httpx.Client, profile: UserProfile, rng: random.Random) -> None:
    token = run.token(client, profile.user_id)
    if token is None:
        return
    user = _User(run, client, profile, token, rng)
    for number in range(rng.choices(*SEARCHES_PER_SESSION, k=1)[0]):
        if not run.claim():
            return
        if number == 0 and rng.random() < 0.75:
            user.search(first_intent())
        else:
            user.search(next_intent(rng, profile, run.world.breeds))


@dataclass(frozen=True)
class _User:
    """A logged-in simulated user of one worker thread."""

    run: _Run
    client: httpx.Client
    profile: UserProfile
    token: str
    rng: random.Random

    def call(self, method: str, path: str, what: str, **kwargs: Any) -> httpx.Response | None:
        """A request as this user (see `_Run.call`)."""
        headers = {"token": self.token}
        user_id = self.profile.user_id
        return self.run.call(
            self.client, method, path, what, headers=headers, user_id=user_id, **kwargs
        )

    def search(self, intent: Intent) -> None:
        """One search, then the user model's choices among the results in the API's order."""
        run = self.run
        body = search_body(run.world, intent.query, run.config.sort_by)
        response = self.call(
            "POST", "/v0/animal/search", "search", params={"limit": PAGE}, json=body
        )
        if response is None:
            return
        answer: Json = response.json()
        run.count(searches=1, user=self.profile.user_id)
        results = answer["results"]
        matches = [match_for(run.world, self.profile, intent, result) for result in results]
        chosen = self.chosen(results, matches)
        for result, match in zip(results, matches, strict=True):
            if str(result["id"]) in chosen:
                log = {
                    "search_id": answer["search_id"],
                    "phrases": list(intent.query.phrases),
                    "animal_category_id": intent.query.category,
                    "animal_subcategory_id": intent.query.subcategory,
                    "sort_by": answer.get("sort_by") or run.config.sort_by,
                    "model_name": answer.get("model_name"),
                    "animal_id": result["id"],
                }
                self.engage(log, match)

    def chosen(self, results: list[Json], matches: list[Match]) -> set[str]:
        """The ids of the results this user selects, as the run's user model chooses."""
        if not results:
            return set()
        users = USER_MODELS[self.run.config.user_model]
        hidden = Hidden.of(matches, [age_days(result) for result in results])
        chances = users.attraction(hidden)[None, :]
        draws = np.random.default_rng(self.rng.getrandbits(64))
        picked = users.browse(chances, np.ones_like(chances, dtype=np.bool_), draws)[0]
        return {str(result["id"]) for result, chose in zip(results, picked, strict=True) if chose}

    def engage(self, log: Json, match: Match) -> None:
        """select → maybe see_long → maybe like (unless liked before), each one logged."""
        model = self.run.world.model
        self.record(log, "select")
        if self.rng.random() >= see_long_probability(model, match):
            return
        self.record(log, "see_long")
        if self.rng.random() >= like_probability(model, match):
            return
        params = {"animal_id": log["animal_id"], "user_id": self.profile.user_id}
        found = self.call("GET", "/v0/like", "like lookup", params=params)
        if found is None or found.json():
            return  # liked before (or unknown): as in the simulation, no second like
        liked = self.call("POST", "/v0/like", "like", json={"animal_id": log["animal_id"]})
        if liked is not None:
            self.record(log, "like")

    def record(self, log: Json, action: str) -> None:
        """Log one action on a result (with a fresh event id, so a retry stores it once)."""
        body = {**log, "id": uuid.uuid4().hex, "action": action}
        if self.call("POST", "/v0/access_log", "access_log", json=body) is not None:
            self.run.count(action=action)

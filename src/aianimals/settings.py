"""The one typed settings root. Only entrypoints build it; everything else receives it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# OWASP Password Storage Cheat Sheet, argon2id: m=19 MiB, t=2, p=1 is the minimum.
OWASP_ARGON2_MEMORY_KIB = 19_456
OWASP_ARGON2_TIME_COST = 2

LogFormat = Literal["text", "json"]


class DatabaseSettings(BaseModel):
    """SQL store: a SQLite file by default, PostgreSQL for scale."""

    url: str = "sqlite:///var/aianimals.db"
    echo: bool = False
    pool_size: int = Field(default=5, ge=1)


class BlobSettings(BaseModel):
    """Where uploaded and imported photos live."""

    kind: Literal["local"] = "local"
    root: Path = Path("var/blobs")
    public_prefix: str = "/media"


class AuthSettings(BaseModel):
    """Password hashing and access tokens."""

    token_ttl_seconds: int = Field(default=7 * 24 * 3600, gt=0)
    token_cache_seconds: float = Field(default=5.0, ge=0)
    """How long an API process trusts a token it verified without reading the store again:
    a logout elsewhere, or a deactivation, takes effect within this time (0: every request
    reads the store)."""
    argon2_memory_kib: int = OWASP_ARGON2_MEMORY_KIB
    argon2_time_cost: int = OWASP_ARGON2_TIME_COST
    argon2_parallelism: int = Field(default=1, ge=1)
    allow_weak_hashing: bool = False
    """Only test suites set this, to hash quickly; refused otherwise (and in production)."""
    password_min_length: int = Field(default=12, ge=12, le=1024)
    """Sign-up refuses shorter passwords (12 is the floor)."""
    login_limits_enabled: bool = True
    """Answer 429 to logins after too many failures (the counters live in the cache)."""
    login_window_seconds: int = Field(default=15 * 60, gt=0)
    """The sliding window over which failed logins are counted."""
    login_lockout_seconds: int = Field(default=15 * 60, gt=0)
    """How long a limit, once reached, answers 429 (the `Retry-After`)."""
    login_max_failures_per_client_account: int = Field(default=5, ge=1)
    """Failures for one account (as typed: handle name or e-mail) from one client address."""
    login_max_failures_per_account: int = Field(default=20, ge=1)
    """Failures for one account from every client together (distributed guessing)."""
    login_max_failures_per_client: int = Field(default=20, ge=1)
    """Failures from one client address over every account (password spraying)."""
    signup_limits_enabled: bool = True
    """Answer 429 to sign-ups from an address past `signup_max_per_client` in the window."""
    signup_window_seconds: int = Field(default=3600, gt=0)
    """The sliding window over which sign-ups are counted, and how long a limit then holds."""
    signup_max_per_client: int = Field(default=5, ge=1)
    """Sign-ups from one client address within the window, whatever their answer."""

    @model_validator(mode="after")
    def _refuse_weak_hashing(self) -> AuthSettings:
        weak = (
            self.argon2_memory_kib < OWASP_ARGON2_MEMORY_KIB
            or self.argon2_time_cost < OWASP_ARGON2_TIME_COST
        )
        if weak and not self.allow_weak_hashing:
            msg = (
                "argon2 parameters below the OWASP minimum "
                f"(m={OWASP_ARGON2_MEMORY_KIB} KiB, t={OWASP_ARGON2_TIME_COST})"
            )
            raise ValueError(msg)
        return self


class UploadSettings(BaseModel):
    """Limits on posted photos."""

    max_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    max_pixels: int = Field(default=40_000_000, gt=0)
    """The most pixels of a JPEG, which is decoded at a reduced scale."""
    max_whole_decode_pixels: int = Field(default=24_000_000, gt=0)
    """The most pixels of a PNG or WebP, which must be decoded at full size."""
    max_concurrent_decodes: int = Field(default=2, ge=1)
    """Photos one API process decodes at once; further posts wait for a slot."""


class MetricsSettings(BaseModel):
    """Prometheus metrics of the worker role (the API serves them at `/metrics`)."""

    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = Field(default=9108, ge=0, le=65535)
    """0: any free port."""


LOOPBACK_HOSTS = ("127.0.0.1", "localhost")
"""The host names a service bound to loopback is reached by."""


class PortalSettings(BaseModel):
    """The administrators' moderation portal (Streamlit)."""

    enabled: bool = True  # whether `up` starts it (`aianimals portal` serves it on its own)
    host: str = "127.0.0.1"
    port: int = Field(default=8501, ge=1, le=65535)
    allowed_hosts: list[str] = Field(default_factory=lambda: list(LOOPBACK_HOSTS))
    """`Host` header names the portal answers (ports ignored); others get a 400."""


class ApiSettings(BaseModel):
    """The HTTP role."""

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    max_page_size: int = Field(default=200, ge=1, le=200)
    allowed_hosts: list[str] = Field(default_factory=lambda: list(LOOPBACK_HOSTS))
    """`Host` header names the API answers (ports ignored; `*.example.com` for
    subdomains, `*` for any): others get a 400, so a DNS-rebinding page cannot drive it."""
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    """The largest JSON request body; the photo upload has `uploads.max_bytes`."""
    cors_origins: list[str] = Field(default_factory=list)
    processes: int = Field(default=0, ge=0)
    """API processes on the port; 0 means one per core this process may run on. Use 1
    where an orchestrator scales by replicas (each pod's `/metrics` is then its own)."""
    request_log: Literal["all", "problems", "off"] = "problems"
    """Log lines about HTTP requests, each with its request id: `problems` for a request
    answered with a 4xx or 5xx or slower than `slow_request_seconds`; `all` for every one
    (a line costs about a fifth of a small request's CPU); `off` for none. Every request
    is counted by route and status in `/metrics` whichever is chosen."""
    slow_request_seconds: float = Field(default=1.0, gt=0)

    def process_count(self) -> int:
        """How many API processes to run."""
        return self.processes or len(os.sched_getaffinity(0))


class DatasetSettings(BaseModel):
    """Where the demo dataset is generated and imported from."""

    directory: Path = Path("var/dataset")
    seed: int = 20210521
    password_workers: int = Field(default=0, ge=0)
    """Processes that hash passwords on import; 0 means one per core."""


class QueueSettings(BaseModel):
    """Events between roles: an embedded SQLite queue by default, RabbitMQ for scale."""

    kind: Literal["sqlite", "rabbitmq"] = "sqlite"
    path: Path = Path("var/queue.db")
    url: str = "amqp://guest:guest@127.0.0.1:5672/%2F"
    exchange: str = "aianimals.events"
    prefetch: int = Field(default=16, ge=1)
    max_attempts: int = Field(default=5, ge=1)
    retry_base_seconds: float = Field(default=0.5, gt=0)
    retry_max_seconds: float = Field(default=30.0, gt=0)
    operation_timeout_seconds: float = Field(default=10.0, gt=0)
    """RabbitMQ: a broker operation not answered in this time drops the connection."""


class CacheSettings(BaseModel):
    """Search results, metadata and login limits: SQLite files shared by the processes of
    one machine by default, Redis for scale (`memory` holds them in one process only)."""

    kind: Literal["disk", "memory", "redis"] = "disk"
    url: str = "redis://127.0.0.1:6379/0"
    prefix: str = "aianimals:"
    path: Path | None = None
    """The `disk` cache's directory; `<var_dir>/cache` when not given."""
    disk_bytes: int = Field(default=256 * 1024 * 1024, ge=1024 * 1024)
    """The `disk` cache's size, past which the oldest stored values are dropped."""
    max_entries: int = Field(default=10_000, ge=1)
    """The `memory` cache's size, past which the least recently used values are dropped."""
    ttl_seconds: float = Field(default=60.0, gt=0)


class FeatureSettings(BaseModel):
    """The online feature store of learn-to-rank: the SQL store by default, Redis for scale."""

    kind: Literal["sql", "redis"] = "sql"
    url: str = "redis://127.0.0.1:6379/0"
    prefix: str = "aianimals:"


class SearchSettings(BaseModel):
    """The full-text index: embedded (in-process, over local files) or OpenSearch."""

    kind: Literal["embedded", "opensearch"] = "embedded"
    path: Path = Path("var/search")
    url: str = "http://127.0.0.1:9200"
    index: str = "aianimals-animals"
    expansion_weight: float = Field(default=0.5, gt=0, lt=1)
    expansion_words: int = Field(default=3, ge=0)
    similar_words_path: Path = Path("var/models/similar_words.json")
    """The dictionary `aianimals train similar-words` writes; search expands phrases with it."""


REFERENCE_HIDE_THRESHOLD = 0.9
"""The reference's hide threshold, for a violation type the settings do not name."""
HIDE_THRESHOLD = 0.93
"""no_animal_violation's hide threshold, chosen by bench/moderation_thresholds.py."""
REVIEW_THRESHOLD = 0.52
"""no_animal_violation's review band floor, chosen by bench/moderation_thresholds.py."""


class ImageSettings(BaseModel):
    """The image model (embeddings and the zero-shot no-animal score) and the detector."""

    enabled: bool = True
    model_path: Path | None = None
    """An exported ONNX file with its `.sha256` beside it; empty: the bundled EfficientNet-Lite0."""
    threads: int = Field(default=2, ge=1, le=64)
    batch_size: int = Field(default=16, ge=1, le=256)
    pending: int = Field(default=8, ge=1)
    """Predictions queued in the API's bounded inference pool before it answers 503."""
    thresholds: dict[str, float] = Field(
        default_factory=lambda: {"no_animal_violation": HIDE_THRESHOLD}
    )
    """Per violation type: a detection at or above it hides the animal and queues it for
    review (no_animal_violation: measured, see docs/images.md "Operating point")."""
    review_thresholds: dict[str, float] = Field(
        default_factory=lambda: {"no_animal_violation": REVIEW_THRESHOLD}
    )
    """Per violation type: the review band's floor. A detection in [review, hide) is queued
    while the photo stays visible; below it, it is kept for metrics only. A type not named
    here queues every detection."""

    @model_validator(mode="after")
    def _bands_in_order(self) -> ImageSettings:
        for name, value in [*self.thresholds.items(), *self.review_thresholds.items()]:
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"the thresholds of {name} must lie within 0..1, got {value}")
        for name, review in self.review_thresholds.items():
            hide = self.thresholds.get(name, REFERENCE_HIDE_THRESHOLD)
            if review > hide:
                msg = f"review threshold {review} of {name} is above its hide threshold {hide}"
                raise ValueError(msg)
        return self


class VectorSettings(BaseModel):
    """The similar-image ANN index: embedded FAISS files, or k-NN in OpenSearch."""

    kind: Literal["embedded", "opensearch"] = "embedded"
    path: Path = Path("var/vectors")
    url: str = "http://127.0.0.1:9200"
    index: str = "aianimals-images"
    similar_limit: int = Field(default=12, ge=1, le=100)
    """Results of `POST /v0/animal/search/similar`."""


class RegistrySettings(BaseModel):
    """Experiment tracking and the model registry (MLflow): an embedded store by default.

    An empty `tracking_uri` means the embedded store, `sqlite:///<var_dir>/mlflow/mlflow.db`
    with artifacts under `<var_dir>/mlflow/artifacts` (or `artifact_root`); set it to an
    MLflow server's URL (`http://mlflow:5000`) for scale.
    """

    tracking_uri: str = ""
    artifact_root: Path | None = None
    """Where the embedded store keeps artifacts; a server keeps its own."""
    ui_enabled: bool = True
    """Whether `up` serves the MLflow UI over the embedded store (not with a server)."""
    ui_port: int = Field(default=5000, ge=1, le=65535)


class ScheduleSettings(BaseModel):
    """The scheduled pipelines (`aianimals schedule …`): cron overrides by schedule name."""

    crons: dict[str, str] = Field(default_factory=dict)
    """Five-field cron expressions replacing the defaults, e.g. `{"ltr": "0 3 * * 1"}`."""
    enabled: bool = True


class ArmSettings(BaseModel):
    """One arm of the learn-to-rank experiment: a registered model (none = index order)."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    model: str | None = None
    weight: float = Field(default=1.0, ge=0)


def _default_arms() -> list[ArmSettings]:
    return [
        ArmSettings(name="debiased", model="ltr-debiased", weight=0.5),
        ArmSettings(name="lambdarank", model="ltr-lambdarank", weight=0.25),
        ArmSettings(name="control", model=None, weight=0.25),
    ]


class RankingSettings(BaseModel):
    """`sort_by=learn_to_rank`: candidates re-ranked, time budget, the A/B experiment.

    Users are assigned to arms sticky by hash(salt, experiment, user id); each arm serves
    the `champion` alias of its registered model, reloaded when the alias moves.
    """

    candidates: int = Field(default=100, ge=10, le=1000)
    budget_ms: float = Field(default=50.0, gt=0)
    reload_seconds: float = Field(default=30.0, gt=0)
    preload_texts: int = Field(default=10_000, ge=0)
    """At start, the API analyses this many of the newest animals' texts in the background
    (at most what its text cache keeps), so first re-rankings find them ready; 0: none."""
    experiment: str = Field(default="ltr-1", pattern=r"^[A-Za-z0-9_.-]+$")
    salt: str = "aianimals"
    arms: list[ArmSettings] = Field(default_factory=_default_arms, min_length=1)


class Settings(BaseSettings):
    """Every setting of every role, read from `AIANIMALS_*` variables (nested with `__`)."""

    model_config = SettingsConfigDict(
        env_prefix="AIANIMALS_",
        env_nested_delimiter="__",
        extra="ignore",
        hide_input_in_errors=True,  # a refused setting's value may be a secret
    )

    environment: Literal["development", "test", "production"] = "development"
    log_format: LogFormat = "text"
    """`json`: one JSON object per log line (time, level, logger, message, request id)."""
    var_dir: Path = Path("var")
    database: DatabaseSettings = DatabaseSettings()
    blobs: BlobSettings = BlobSettings()
    auth: AuthSettings = AuthSettings()
    uploads: UploadSettings = UploadSettings()
    api: ApiSettings = ApiSettings()
    portal: PortalSettings = PortalSettings()
    metrics: MetricsSettings = MetricsSettings()
    dataset: DatasetSettings = DatasetSettings()
    queue: QueueSettings = QueueSettings()
    cache: CacheSettings = CacheSettings()
    features: FeatureSettings = FeatureSettings()
    search: SearchSettings = SearchSettings()
    images: ImageSettings = ImageSettings()
    vectors: VectorSettings = VectorSettings()
    registry: RegistrySettings = RegistrySettings()
    schedules: ScheduleSettings = ScheduleSettings()
    ranking: RankingSettings = RankingSettings()

    @model_validator(mode="after")
    def _place_files_under_var_dir(self) -> Settings:
        """Files whose place was not given go under `var_dir`."""
        if self.cache.path is None:
            self.cache.path = self.var_dir / "cache"
        return self

    @model_validator(mode="after")
    def _refuse_weak_secrets_in_production(self) -> Settings:
        """In production, placeholder or weak credentials in the URLs in use stop the start."""
        if self.environment != "production":
            return self
        from aianimals.security.production import production_problems

        problems = production_problems(self)
        if problems:
            msg = "refusing to start with environment=production: " + "; ".join(problems)
            raise ValueError(msg)
        return self

"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from aianimals.api.deps import ContainerDep
from aianimals.ports.sql import migrate

router = APIRouter(prefix="/health-check", tags=["health"])


class Health(BaseModel):
    """Liveness answer."""

    health: str


class Readiness(BaseModel):
    """Each dependency's state; `ready` only when all are ok."""

    status: str
    checks: dict[str, str]


@router.get("", response_model=Health)
async def health_check() -> Health:
    """The process is up (answered on the event loop: no thread hand-off)."""
    return Health(health="ok")


@router.get("/ready", response_model=Readiness, responses={503: {"model": Readiness}})
def ready(container: ContainerDep) -> JSONResponse:
    """Whether every dependency answers: SQL store reachable and migrated, photo store present."""
    checks: dict[str, str] = {}
    try:
        container.database.ping()
        checks["database"] = "migrations pending" if migrate.pending(container.database) else "ok"
    except SQLAlchemyError as error:
        checks["database"] = f"unreachable: {type(error).__name__}"
    try:
        container.blobs.exists("health-check")
        checks["blobs"] = "ok"
    except OSError as error:
        checks["blobs"] = f"unreachable: {type(error).__name__}"
    ok = all(value == "ok" for value in checks.values())
    body = Readiness(status="ready" if ok else "not ready", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)

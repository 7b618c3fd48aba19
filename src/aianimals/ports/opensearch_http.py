"""Requests to an OpenSearch / Elasticsearch server, shared by the text and vector adapters.

Every failure becomes the adapter's own error type (built as `error(message, status)`),
carrying the server's reason; a `_bulk` with failed items is a failure too.
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self

import httpx

from aianimals.ports.search.opensearch_mapping import bulk_failures

NDJSON = {"Content-Type": "application/x-ndjson"}
BackendError = type[Exception]
"""The adapter's error class, built as `error(message, status)`."""


def error_reason(status: int, text: str) -> str:
    """The server's own reason for a failed request (`error.root_cause[0]`, else `error`)."""
    try:
        body = jsonlib.loads(text)
    except ValueError:
        return text[:500] or f"HTTP {status}"
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        causes = error.get("root_cause") or [error]
        cause = causes[0] if isinstance(causes[0], dict) else error
        return f"{cause.get('type', 'error')}: {cause.get('reason', '')}".rstrip(": ")
    if isinstance(error, str):
        return error
    return text[:500] or f"HTTP {status}"


class OpenSearchHttp:
    """JSON and NDJSON requests over one client; `what` names the server in messages."""

    def __init__(self, client: httpx.Client, error: BackendError, what: str) -> None:
        self.client = client
        self.error = error
        self.what = what

    def bulk(self, target: str, body: bytes, *, live: bool) -> None:
        """Send one `_bulk` request; `live` writes go through the alias (never creating an
        index by accident) and wait until they are searchable."""
        params = {"refresh": "wait_for", "require_alias": "true"} if live else {}
        response = self.json("POST", f"/{target}/_bulk", content=body, params=params)
        failures = bulk_failures(response)
        if failures:
            raise self.error(
                f"bulk request to {target} failed for {len(failures)} item(s): "
                + "; ".join(failures[:5]),
                None,
            )

    def aliased_indices(self, alias: str) -> list[str]:
        """The concrete indices behind `alias`, sorted (none when it does not exist)."""
        response = self.request("GET", f"/_alias/{alias}", missing_ok=True)
        return [] if response.status_code == 404 else sorted(response.json())

    def delete_index_quietly(self, index: str) -> None:
        """Delete `index`, best effort: the caller's error, if any, is the one to see."""
        try:
            self.request("DELETE", f"/{index}", missing_ok=True)
        except Exception:
            return

    def json(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        """The JSON object a request answers."""
        body = self.request(method, path, **kwargs).json()
        if not isinstance(body, dict):
            raise self.error(f"{method} {path}: unexpected response {body!r:.200}", None)
        return body

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        content: bytes | None = None,
        params: Mapping[str, str] | None = None,
        missing_ok: bool = False,
    ) -> httpx.Response:
        """The response; an unreachable server or an HTTP error (but a 404 when
        `missing_ok`) raises the adapter's error."""
        headers = NDJSON if content is not None else None
        try:
            response = self.client.request(
                method, path, json=json, content=content, params=params, headers=headers
            )
        except httpx.HTTPError as error:
            raise self.error(
                f"{method} {path}: {self.what} {self.client.base_url} unreachable: {error}", None
            ) from error
        if response.status_code >= 400 and not (missing_ok and response.status_code == 404):
            raise self.error(
                f"{method} {path} failed with HTTP {response.status_code}: "
                + error_reason(response.status_code, response.text),
                response.status_code,
            )
        return response


class AliasedIndex:
    """What the text and vector adapters share: an alias over their indices, a client to
    close (also as a context manager), and `drop` (tests and decommissioning)."""

    _client: httpx.Client
    _http: OpenSearchHttp
    _alias: str
    _ready: bool

    def drop(self) -> None:
        """Delete the alias and every index behind it."""
        for index in self._http.aliased_indices(self._alias):
            self._http.delete_index_quietly(index)
        self._ready = False

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

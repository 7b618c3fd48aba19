"""Domain errors. Each carries the HTTP status the API answers with."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a client can cause; the API maps it to a JSON 4xx."""

    status_code = 400
    code = "bad_request"

    def __init__(
        self, message: str, *, field: str | None = None, reason: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        """The body field at fault (`handle_name`, `file`), when there is one."""
        self.reason = reason
        """A machine-readable word for what is wrong with `field` (`taken`, `too_large`)."""

    @property
    def headers(self) -> dict[str, str] | None:
        """HTTP headers the answer carries (`Retry-After`, say); None for most errors."""
        return None


class InvalidInput(DomainError):
    """The request is well-formed but its values are not acceptable."""

    status_code = 422
    code = "invalid_input"


class Unauthorized(DomainError):
    """Missing, unknown or expired credentials."""

    status_code = 401
    code = "unauthorized"


class Forbidden(DomainError):
    """Authenticated, but not allowed to do this."""

    status_code = 403
    code = "forbidden"


class NotFound(DomainError):
    """The thing asked for does not exist (or is hidden from this user)."""

    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    """The request collides with existing state (a taken handle, say)."""

    status_code = 409
    code = "conflict"


class PayloadTooLarge(DomainError):
    """An upload over the configured size or pixel limits."""

    status_code = 413
    code = "payload_too_large"


class UnsupportedMediaType(DomainError):
    """An upload that is not an image type we accept."""

    status_code = 415
    code = "unsupported_media_type"


class TooManyRequests(DomainError):
    """Too many attempts (failed logins, say) in a while; retry after `retry_after` seconds."""

    status_code = 429
    code = "too_many_requests"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after)

    @property
    def headers(self) -> dict[str, str] | None:
        """`Retry-After` in whole seconds."""
        return {"Retry-After": str(self.retry_after)}

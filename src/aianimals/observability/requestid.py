"""The request id of the code running now: set by the HTTP middleware, read by logging.

An id a client sends in `X-Request-ID` is kept when it is short and plain (letters, digits
and `._:+/=-`, at most 128 characters); anything else is replaced by a fresh one, so a
header can neither forge log structure nor grow the logs without bound.
"""

from __future__ import annotations

import logging
import os
import re
from contextvars import ContextVar

HEADER = "X-Request-ID"
MAX_LENGTH = 128
_ACCEPTED = re.compile(rf"[A-Za-z0-9._:+/=-]{{1,{MAX_LENGTH}}}")

REQUEST_ID: ContextVar[str | None] = ContextVar("aianimals_request_id", default=None)


def new_request_id() -> str:
    """A fresh id: 32 random hex digits (what a uuid4 would give, without building one)."""
    return os.urandom(16).hex()


def accept_request_id(offered: str | None) -> str:
    """`offered` when it is an acceptable id, else a fresh one."""
    if offered is not None and _ACCEPTED.fullmatch(offered):
        return offered
    return new_request_id()


def current_request_id() -> str | None:
    """The id of the request being handled in this context, if any."""
    return REQUEST_ID.get()


class RequestIdFilter(logging.Filter):
    """Stamps every record with `request_id` (None outside a request); never drops one.

    Attach it to handlers: a logger's filters do not see records from its children.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id()
        return True

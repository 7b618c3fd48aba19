"""Logging setup, called by entrypoints only.

Two formats: readable lines on the terminal (the default, what `make run` shows), or one
JSON object per line on stdout for log collectors (`AIANIMALS_LOG_FORMAT=json`). Either
way every record carries the id of the HTTP request it was logged under, if any.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Literal

from rich.logging import RichHandler

from aianimals.observability.jsonlogs import JsonFormatter
from aianimals.observability.requestid import RequestIdFilter

LogFormat = Literal["text", "json"]
LOG_FORMAT_ENV = "AIANIMALS_LOG_FORMAT"
"""`text` (default) or `json`; to become the settings field `log_format`."""


def log_format(value: str | None = None) -> LogFormat:
    """The format asked for by `value`, else by the environment; `text` unless `json`."""
    chosen = (value if value is not None else os.environ.get(LOG_FORMAT_ENV, "")).strip()
    return "json" if chosen.lower() == "json" else "text"


def configure_logging(level: str = "INFO", fmt: str | None = None) -> None:
    """Readable logs on the terminal, or JSON lines when `fmt` (or the environment) says so."""
    handler: logging.Handler
    if log_format(fmt) == "json":
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(JsonFormatter())
    else:
        handler = RichHandler(rich_tracebacks=True, show_path=False)
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s", datefmt="[%X]"))
    handler.addFilter(RequestIdFilter())
    logging.basicConfig(level=level, handlers=[handler], force=True)
    if level.upper() != "DEBUG":
        # pika logs every refused reconnect as an error with a traceback; the queue
        # adapter reports lost connections in one line of its own.
        logging.getLogger("pika").setLevel(logging.CRITICAL)

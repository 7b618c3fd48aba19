"""Logging setup, called by entrypoints only.

Two formats: readable lines on the terminal (the default, what `make run` shows), or one
JSON object per line on stdout for log collectors (the setting `log_format`, from
`AIANIMALS_LOG_FORMAT=json`). Either
way every record carries the id of the HTTP request it was logged under, if any.
"""

from __future__ import annotations

import logging
import sys

from rich.logging import RichHandler

from aianimals.observability.jsonlogs import JsonFormatter
from aianimals.observability.requestid import RequestIdFilter
from aianimals.settings import LogFormat, Settings


def configure_logging(level: str = "INFO", fmt: LogFormat | None = None) -> None:
    """Readable logs on the terminal, or JSON lines when `fmt` (by default the settings'
    `log_format`) says so."""
    handler: logging.Handler
    if (fmt if fmt is not None else Settings().log_format) == "json":
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

"""One JSON object per log line, for log collectors: time, level, logger, message,
request_id (null outside a request), thread, and the formatted exception when there is one."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from aianimals.observability.requestid import current_request_id


class JsonFormatter(logging.Formatter):
    """Formats a record as a single-line JSON object (non-ASCII text kept as it is)."""

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None) or current_request_id()
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id,
            "thread": record.threadName,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)

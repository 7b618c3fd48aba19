"""A worker process for the SIGKILL drill (test_drill.py); run as `python drill_worker.py JSON`.

It consumes the drill queue; its handler claims each event's dedupe key with `once()` and
inserts one effect row in the same transaction, then sleeps a little (so a kill lands
between commit and ack now and then). Every handler call is appended to a log file.
SIGTERM drains and exits 0.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from sqlalchemy import Column, MetaData, String, Table

from aianimals.core.events import Event
from aianimals.ports.queue.consumer import Consumer, Handler
from aianimals.ports.queue.sqlite import SqliteQueue
from aianimals.ports.sql.database import Database
from aianimals.ports.sql.dedupe import once
from aianimals.schema import load_schema
from aianimals.settings import DatabaseSettings, QueueSettings

if TYPE_CHECKING:
    from aianimals.ports.queue.rabbitmq import RabbitQueue

EFFECTS = Table("drill_effects", MetaData(), Column("dedupe_key", String(200), nullable=False))
EVENT_TYPE = "drill.event"
CONSUMER = "drill"


def open_queue(config: dict[str, Any]) -> SqliteQueue | RabbitQueue:
    settings = QueueSettings.model_validate(config["queue"])
    if settings.kind == "rabbitmq":
        from aianimals.ports.queue.rabbitmq import RabbitQueue

        return RabbitQueue(settings)
    return SqliteQueue(settings.path, lease_seconds=config["lease_seconds"])


def handler(config: dict[str, Any], database: Database, calls: TextIO) -> Handler:
    """Log the call, then claim the key and write the effect in one transaction."""

    def handle(event: Event) -> None:
        calls.write(f"{event.dedupe_key}\n")
        calls.flush()
        with database.session() as session:
            if once(session, CONSUMER, event.dedupe_key):
                session.execute(EFFECTS.insert().values(dedupe_key=event.dedupe_key))
            session.commit()
        time.sleep(config["handler_sleep"])

    return handle


def main(config: dict[str, Any]) -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda _signal, _frame: stop.set())
    settings = QueueSettings.model_validate(config["queue"])
    database = Database(DatabaseSettings(url=config["database_url"]), load_schema())
    queue = open_queue(config)
    with Path(config["calls_log"]).open("a", encoding="utf-8") as calls:
        handlers = {EVENT_TYPE: handler(config, database, calls)}
        Consumer(queue, config["queue_name"], handlers, settings, wait_seconds=0.2).run(stop)
    queue.close()
    database.dispose()


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))

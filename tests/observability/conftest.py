"""Fixtures shared with the queue suites: `harness` opens each queue adapter (SQLite always,
RabbitMQ when reachable) and cleans up after the test."""

from __future__ import annotations

from tests.ports.queue.conftest import harness

__all__ = ["harness"]

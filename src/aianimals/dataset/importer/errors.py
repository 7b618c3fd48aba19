"""The one error an import raises: which file, which record, which field, and why."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aianimals.core.errors import InvalidInput

if TYPE_CHECKING:
    from aianimals.dataset.importer.report import ImportReport


class ImportFailed(InvalidInput):
    """A file of the seed dataset could not be imported; nothing of that file was kept.

    `report` holds what was imported before the failure (earlier files stay committed).
    """

    code = "import_failed"

    def __init__(
        self,
        message: str,
        *,
        filename: str | None = None,
        record_id: str | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.filename = filename
        self.record_id = record_id
        self.field = field
        self.report: ImportReport | None = None

    @classmethod
    def at(
        cls, filename: str, record_id: str | None, field: str | None, problem: str
    ) -> ImportFailed:
        """`likes.json: record 3f2a…: field created_at: not a timestamp: '2021-13-01'`."""
        parts = [filename]
        if record_id is not None:
            parts.append(f"record {record_id}")
        if field is not None:
            parts.append(f"field {field}")
        parts.append(problem)
        return cls(": ".join(parts), filename=filename, record_id=record_id, field=field)

"""Import of the reference seed format (`aianimals import DIR`, SYSTEM.md §3.1).

Files are imported in dependency order (categories, subcategories, users, animals,
violation types, violations, likes, access logs, impressions), each in its own
transaction; an absent file is skipped and reported. Records already in the store (by
key) are skipped, so a second run inserts nothing. The first malformed file raises
ImportFailed naming the file, the record and the field; nothing of that file is kept and
the files before it stay committed. References are checked before inserting: an unknown
user, animal or breed is an error, except that violations of unknown animals are skipped
and counted (the reference's violation.json covers animals no published file holds).
An effective violation deactivates its animal. Passwords are hashed (argon2id) only for
users not yet stored; relative photo paths are copied into the blob store.

On SQLite a file loads with a larger page cache, and a large load into a small table builds
its plain indexes once after the rows, in the file's transaction (`sqlite_bulk`).
"""

from __future__ import annotations

from aianimals.dataset.importer.errors import ImportFailed
from aianimals.dataset.importer.report import FileReport, HashingReport, ImportReport
from aianimals.dataset.importer.service import import_directory

__all__ = ["FileReport", "HashingReport", "ImportFailed", "ImportReport", "import_directory"]

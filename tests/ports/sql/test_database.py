"""A Database built with the schema registry knows the whole schema, whichever feature modules
the process imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from sqlalchemy import inspect

from aianimals.roles.container import Container

# A fresh interpreter that imports the Database and the schema registry, nothing else of any
# feature.
_PROBE = r"""
import json
import sys

from aianimals.ports.sql.base import Base
from aianimals.ports.sql.database import Database
from aianimals.schema import load_schema
from aianimals.settings import DatabaseSettings

database = Database(DatabaseSettings(url=sys.argv[1]), load_schema())
mapped = sorted(mapper.local_table.name for mapper in Base.registry.mappers)
print(json.dumps({"mapped": mapped, "tables": [table.name for table in database.tables]}))
database.dispose()
"""


def test_a_database_alone_maps_every_migrated_table(migrated: Container) -> None:
    url = migrated.database.url.render_as_string(hide_password=False)
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE, url],
        env={key: value for key, value in os.environ.items() if not key.startswith("AIANIMALS_")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    found = json.loads(completed.stdout.strip().splitlines()[-1])
    stored = set(inspect(migrated.database.engine).get_table_names()) - {"alembic_version"}
    assert stored
    assert set(found["mapped"]) == stored
    assert set(found["tables"]) == stored

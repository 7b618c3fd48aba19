"""The real reference files import as they are."""

from __future__ import annotations

from importlib.resources import as_file, files

from sqlalchemy import func, select

from aianimals.dataset.importer import import_directory
from aianimals.roles.container import Container
from aianimals.users.models import User


def test_reference_files_import_as_they_are(container: Container) -> None:
    with as_file(files("aianimals.dataset") / "reference") as directory:
        report = import_directory(container, directory)

    new = {row.filename: row.new for row in report.files}
    assert new == {
        "animal_category.json": 3,
        "animal_subcategory.json": 40,
        "user.json": 2_848,
        "animal.json": 0,
        "violation_type.json": 5,
        "violation.json": 0,
        "likes.json": 0,
        "access_logs.json": 0,
        "impressions.json": 0,
    }
    assert report.file("animal.json").status == "absent"
    # The reference's violations name animals of a catalogue no file here holds: skipped, counted.
    violations = report.file("violation.json")
    assert (violations.rows, violations.unknown_skipped) == (72, 72)
    assert report.hashing.passwords == 2_848


def test_the_reference_users_are_distinct_once_folded(container: Container) -> None:
    """The 2,848 demo users: no two share a handle or an e-mail address up to case."""
    with as_file(files("aianimals.dataset") / "reference") as directory:
        import_directory(container, directory)
    with container.database.session() as session:
        counts = session.execute(
            select(
                func.count(),
                func.count(func.distinct(User.handle_name_folded)),
                func.count(func.distinct(User.email_address_folded)),
            )
        ).one()
    assert tuple(counts) == (2_848, 2_848, 2_848)

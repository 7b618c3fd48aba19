"""import_directory: the seed format into the store, idempotently, file by file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, inspect, select

from aianimals.access_logs.models import AccessLog, Impression
from aianimals.animals.models import Animal
from aianimals.categories.models import AnimalCategory
from aianimals.core.ids import new_id
from aianimals.dataset.importer import ImportFailed, import_directory, sqlite_bulk
from aianimals.likes.models import Like
from aianimals.moderation.models import Violation
from aianimals.ports.sql.base import Base
from aianimals.roles.container import Container
from aianimals.users.identities import fold_identifier
from aianimals.users.models import User
from aianimals.users.schemas import UserLogin
from aianimals.users.service import UserService

from .seed import Seed, tiny_seed


def count(container: Container, model: type[Base]) -> int:
    with container.database.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_tiny_dataset_imports_every_file(container: Container, tmp_path: Path) -> None:
    directory = tiny_seed().write(tmp_path / "seed")

    report = import_directory(container, directory)

    new = {row.filename: row.new for row in report.files}
    assert new == {
        "animal_category.json": 3,
        "animal_subcategory.json": 4,
        "user.json": 3,
        "animal.json": 4,
        "violation_type.json": 5,
        "violation.json": 1,
        "likes.json": 3,
        "access_logs.json": 3,
        "impressions.json": 4,
    }
    assert count(container, Impression) == 4
    assert report.hashing.passwords == 3


@pytest.mark.committed  # reads the schema from another connection: it must be committed
def test_an_import_that_builds_indexes_after_its_rows_leaves_the_schema_as_migrated(
    container: Container, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_bulk, "DEFER_FROM_ROWS", 1)
    before = indexes(container)

    import_directory(container, tiny_seed().write(tmp_path / "seed"))

    assert indexes(container) == before


def indexes(container: Container) -> dict[str, list[dict[str, object]]]:
    inspector = inspect(container.database.engine)
    return {name: inspector.get_indexes(name) for name in inspector.get_table_names()}


@pytest.mark.committed  # another connection writes during the import, on purpose
def test_other_writers_are_not_locked_out_while_passwords_are_hashed(
    container: Container, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_bulk, "DEFER_FROM_ROWS", 1)  # every load takes the write lock
    hash_many = container.hasher.hash_many

    def hash_while_another_writes(passwords: list[str], workers: int, on_done: object) -> object:
        write_a_category_at_once(container)
        return hash_many(passwords, workers)

    monkeypatch.setattr(container.hasher, "hash_many", hash_while_another_writes)

    import_directory(container, tiny_seed().write(tmp_path / "seed"))

    with container.database.session() as session:
        assert session.get(AnimalCategory, 99) is not None


def write_a_category_at_once(container: Container) -> None:
    """A write from another connection that gives up after 0.2 s on a locked SQLite file."""
    with container.database.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA busy_timeout = 200")
        try:
            values = {"id": 99, "name_en": "elsewhere", "name_ja": "よそ"}
            connection.execute(insert(AnimalCategory).values(values))
            connection.commit()
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA busy_timeout = 30000")


def test_second_import_reports_zero_new(container: Container, tmp_path: Path) -> None:
    directory = tiny_seed().write(tmp_path / "seed")
    first = import_directory(container, directory)

    second = import_directory(container, directory)

    assert all(row.new == 0 for row in second.files)
    assert [row.existing for row in second.files] == [row.rows for row in first.files]
    assert second.hashing.passwords == 0
    assert count(container, Like) == 3


def test_passwords_are_hashed_with_argon2id(container: Container, tmp_path: Path) -> None:
    import_directory(container, tiny_seed().write(tmp_path / "seed"))

    with container.database.session() as session:
        hashes = session.scalars(select(User.password_hash)).all()
    assert len(hashes) == 3
    assert all(value.startswith("$argon2id$") for value in hashes)
    assert all(container.hasher.verify(value, "password") for value in hashes)


def test_photos_and_their_thumbnails_land_in_the_blob_store(
    container: Container, tmp_path: Path
) -> None:
    seed = tiny_seed()
    import_directory(container, seed.write(tmp_path / "seed"))

    with container.database.session() as session:
        animals = session.scalars(select(Animal)).all()
    for animal in animals:
        key = f"animals/{animal.id}.jpg"
        assert animal.photo_url == container.blobs.url_for(key)
        assert container.blobs.get(key) == seed.photos[f"images/{animal.id}.jpg"]
        thumbnail = f"thumbnails/{animal.id}.jpg"
        assert animal.thumbnail_url == container.blobs.url_for(thumbnail)
        assert container.blobs.get(thumbnail).startswith(b"\xff\xd8")  # a JPEG
        double = f"thumbnails/640/{animal.id}.jpg"  # the 2x thumbnail, made at import too
        assert container.blobs.get(double).startswith(b"\xff\xd8")


def test_http_photo_urls_are_kept_as_given(container: Container, tmp_path: Path) -> None:
    seed = tiny_seed()
    animal_id = next(iter(seed.animals))
    url = f"https://storage.example.com/aianimals/images/{animal_id}.jpg"
    seed.animals[animal_id]["photo_url"] = url
    import_directory(container, seed.write(tmp_path / "seed"))

    with container.database.session() as session:
        animal = session.get(Animal, animal_id)
    assert animal is not None
    assert (animal.photo_url, animal.thumbnail_url) == (url, None)
    assert not container.blobs.exists(f"animals/{animal_id}.jpg")


def test_missing_photo_file_names_file_record_and_field(
    container: Container, tmp_path: Path
) -> None:
    seed = tiny_seed()
    animal_id = next(iter(seed.animals))
    del seed.photos[f"images/{animal_id}.jpg"]

    with pytest.raises(ImportFailed) as raised:
        import_directory(container, seed.write(tmp_path / "seed"))

    assert raised.value.message.startswith(f"animal.json: record {animal_id}: field photo_url: ")
    assert "photo file not found" in raised.value.message
    assert count(container, Animal) == 0
    assert count(container, User) == 3


def test_malformed_timestamp_names_file_record_and_field_and_imports_nothing_from_that_file(
    container: Container, tmp_path: Path
) -> None:
    seed = tiny_seed()
    seed.likes[1]["created_at"] = "2021-13-01"
    like_id = seed.likes[1]["id"]

    with pytest.raises(ImportFailed) as raised:
        import_directory(container, seed.write(tmp_path / "seed"))

    assert raised.value.message == (
        f"likes.json: record {like_id}: field created_at: not a timestamp: '2021-13-01'"
    )
    assert (raised.value.filename, raised.value.record_id, raised.value.field) == (
        "likes.json",
        like_id,
        "created_at",
    )
    assert count(container, Like) == 0
    assert count(container, Violation) == 1
    report = raised.value.report
    assert report is not None
    assert report.file("likes.json").status == "failed"
    assert report.file("access_logs.json").status == "not attempted"


def test_malformed_json_names_the_file(container: Container, tmp_path: Path) -> None:
    directory = tiny_seed().write(tmp_path / "seed")
    (directory / "user.json").write_text('{"broken": ', "utf-8")

    with pytest.raises(ImportFailed, match=r"^user\.json: not valid JSON"):
        import_directory(container, directory)
    assert count(container, AnimalCategory) == 3


def test_missing_optional_files_are_skipped_and_reported_absent(
    container: Container, tmp_path: Path
) -> None:
    directory = tiny_seed().write(tmp_path / "seed")
    (directory / "impressions.json").unlink()
    (directory / "violation.json").unlink()

    report = import_directory(container, directory)

    assert report.file("impressions.json").status == "absent"
    assert report.file("violation.json").status == "absent"
    assert report.file("access_logs.json").new == 3


def test_duplicate_records_within_a_file_are_inserted_once(
    container: Container, tmp_path: Path
) -> None:
    seed = tiny_seed()
    seed.likes.append(dict(seed.likes[0]))
    seed.likes.append({**seed.likes[1], "id": new_id()})  # same animal and user, new id
    seed.access_logs.append(dict(seed.access_logs[0]))

    report = import_directory(container, seed.write(tmp_path / "seed"))

    assert (report.file("likes.json").new, report.file("likes.json").duplicates) == (3, 2)
    assert report.file("access_logs.json").duplicates == 1
    assert count(container, AccessLog) == 3


def test_like_of_a_pair_already_stored_under_another_id_is_skipped(
    container: Container, tmp_path: Path
) -> None:
    seed = tiny_seed()
    directory = seed.write(tmp_path / "seed")
    import_directory(container, directory)
    seed.likes[0]["id"] = new_id()
    seed.write(directory)

    report = import_directory(container, directory)

    assert (report.file("likes.json").new, report.file("likes.json").existing) == (0, 3)


def test_unknown_subcategory_of_an_animal_is_an_error_naming_it(
    container: Container, tmp_path: Path
) -> None:
    seed = tiny_seed()
    animal_id = next(iter(seed.animals))
    seed.animals[animal_id]["subcategory"] = 99

    with pytest.raises(ImportFailed) as raised:
        import_directory(container, seed.write(tmp_path / "seed"))

    assert raised.value.message == (
        f"animal.json: record {animal_id}: field subcategory_id: "
        "unknown animal_subcategories id: 99"
    )
    assert count(container, Animal) == 0


def test_like_of_an_unknown_user_is_an_error_naming_it(
    container: Container, tmp_path: Path
) -> None:
    seed = tiny_seed()
    stranger = new_id()
    seed.likes[2]["user_id"] = stranger

    with pytest.raises(ImportFailed, match=f"field user_id: unknown users id: '{stranger}'"):
        import_directory(container, seed.write(tmp_path / "seed"))


def test_taken_handle_name_is_an_error_naming_the_record(
    container: Container, tmp_path: Path
) -> None:
    seed = tiny_seed()
    first, second = list(seed.users)[:2]
    seed.users[second]["handle_name"] = seed.users[first]["handle_name"]

    with pytest.raises(ImportFailed, match=f"user.json: record {second}: field handle_name: "):
        import_directory(container, seed.write(tmp_path / "seed"))
    assert count(container, User) == 0


@pytest.mark.parametrize(
    ("field", "variant"),
    [
        ("handle_name", str.upper),
        ("email_address", str.upper),
        ("email_address", lambda email: email.replace("user", "ｕｓｅｒ")),
    ],
)
def test_a_case_variant_of_a_taken_name_is_an_error_naming_the_record(
    container: Container, tmp_path: Path, field: str, variant: Callable[[str], str]
) -> None:
    seed = tiny_seed()
    first, second = list(seed.users)[:2]
    seed.users[second][field] = variant(seed.users[first][field])
    assert seed.users[second][field] != seed.users[first][field]

    with pytest.raises(ImportFailed, match=f"user.json: record {second}: field {field}: "):
        import_directory(container, seed.write(tmp_path / "seed"))
    assert count(container, User) == 0


def test_imported_users_log_in_whatever_the_case(container: Container, tmp_path: Path) -> None:
    seed = tiny_seed()
    import_directory(container, seed.write(tmp_path / "seed"))
    user_id, record = next(iter(seed.users.items()))
    with container.database.session() as session:
        user = session.get(User, user_id)
        assert user is not None
        assert user.handle_name_folded == fold_identifier(record["handle_name"])
        assert user.email_address_folded == fold_identifier(record["email_address"])
        users = UserService(session, container.hasher, timedelta(hours=1))
        login = UserLogin(handle_name=record["handle_name"].upper(), password=record["password"])
        assert users.log_in(login).user_id == user_id


def test_effective_violation_deactivates_its_animal(container: Container, tmp_path: Path) -> None:
    seed = tiny_seed()
    violating = next(iter(seed.violations.values()))["animal_id"]

    report = import_directory(container, seed.write(tmp_path / "seed"))

    with container.database.session() as session:
        deactivated = session.scalars(select(Animal.id).where(Animal.deactivated)).all()
        violation = session.scalars(select(Violation)).one()
    assert deactivated == [violating]
    assert (violation.judge, violation.model_version, violation.is_effective) == (
        "administrator",
        "",
        True,
    )
    assert "1 animals deactivated (effective violations)" in report.file("violation.json").notes


def test_violations_of_unknown_animals_are_skipped_and_counted(
    container: Container, tmp_path: Path
) -> None:
    seed = tiny_seed()
    violation = next(iter(seed.violations.values()))
    seed.violations[new_id()] = {**violation, "animal_id": new_id()}

    report = import_directory(container, seed.write(tmp_path / "seed"))

    assert (report.file("violation.json").new, report.file("violation.json").skipped) == (1, 1)
    assert report.file("violation.json").unknown_skipped == 1


def test_access_logs_accept_both_timestamp_forms_and_null_category_ids(
    container: Container, tmp_path: Path
) -> None:
    seed = tiny_seed()
    import_directory(container, seed.write(tmp_path / "seed"))

    with container.database.session() as session:
        logs = session.scalars(select(AccessLog).order_by(AccessLog.created_at)).all()
    assert [log.action for log in logs] == ["select", "see_long", "like"]
    assert [log.created_at.microsecond for log in logs] == [0, 500_000, 0]
    assert (logs[0].animal_category_id, logs[0].model_name, logs[0].phrases) == (None, None, [])
    assert logs[1].phrases == ["柴犬", "かわいい"]


def test_unknown_action_is_an_error_naming_the_field(container: Container, tmp_path: Path) -> None:
    seed = tiny_seed()
    seed.access_logs[0]["action"] = "scroll"
    log_id = seed.access_logs[0]["id"]

    with pytest.raises(ImportFailed, match=f"access_logs.json: record {log_id}: field action: "):
        import_directory(container, seed.write(tmp_path / "seed"))
    assert count(container, AccessLog) == 0
    assert count(container, Like) == 3


def test_missing_directory_is_an_import_error(container: Container, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="not a directory"):
        import_directory(container, tmp_path / "nowhere")


def test_empty_seed_imports_nothing(container: Container, tmp_path: Path) -> None:
    report = import_directory(container, Seed().write(tmp_path / "seed"))

    assert report.new == 0


def test_phrases_must_be_a_list_of_strings(container: Container, tmp_path: Path) -> None:
    seed = tiny_seed()
    seed.access_logs[1]["phrases"] = ["柴犬", 3]

    with pytest.raises(ImportFailed, match="field phrases: not a list of strings"):
        import_directory(container, seed.write(tmp_path / "seed"))

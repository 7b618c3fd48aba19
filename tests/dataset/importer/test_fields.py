"""Fields.identifier: exactly 32 lowercase hex digits, else an error naming the field."""

from __future__ import annotations

import pytest

from aianimals.dataset.importer import ImportFailed
from aianimals.dataset.importer.fields import Fields

GOOD = "0123456789abcdef" * 2  # pragma: allowlist secret


def test_an_id_of_32_lowercase_hex_digits_is_read_as_it_is() -> None:
    assert Fields("likes.json", "#0", {"id": GOOD}).identifier("id") == GOOD


@pytest.mark.parametrize(
    "value",
    [
        GOOD.upper(),
        GOOD[:-1],
        GOOD + "0",
        GOOD[:15] + "g" + GOOD[16:],
        GOOD[:-1] + "\n",
        " " + GOOD[1:],
        "",
        32,
        None,
    ],
)
def test_anything_else_is_an_error_naming_file_record_and_field(value: object) -> None:
    with pytest.raises(ImportFailed) as caught:
        Fields("likes.json", "#0", {"id": value}).identifier("id")

    assert caught.value.message == f"likes.json: record #0: field id: not an id: {value!r}"

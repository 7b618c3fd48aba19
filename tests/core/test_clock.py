"""The reference's two timestamp forms."""

from __future__ import annotations

from datetime import datetime

import pytest

from aianimals.core.clock import parse_timestamp


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-05-21T18:46:20.208762", datetime(2021, 5, 21, 18, 46, 20, 208762)),
        ("2021-05-21 18:46:20.208762", datetime(2021, 5, 21, 18, 46, 20, 208762)),
        ("2021-05-21T18:46:20", datetime(2021, 5, 21, 18, 46, 20)),
        ("2021-05-21 18:46:20", datetime(2021, 5, 21, 18, 46, 20)),
    ],
)
def test_both_timestamp_forms_parse_with_or_without_microseconds(
    text: str, expected: datetime
) -> None:
    assert parse_timestamp(text) == expected


@pytest.mark.parametrize("text", ["2021-13-01 00:00:00", "yesterday", "", "2021-05-21"])
def test_other_text_is_refused_with_the_text_in_the_message(text: str) -> None:
    with pytest.raises(ValueError, match="not a timestamp"):
        parse_timestamp(text)

"""Handles and e-mail addresses compare as people read them: NFKC, then case folding."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aianimals.core.errors import InvalidInput
from aianimals.users.identities import (
    EMAIL_FOLDED_LENGTH,
    fold_identifier,
    folded_identity,
)


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("DOG_LEIGH", "dog_leigh"),
        ("Dog_Leigh", "dog_leigh"),
        ("ｄｏｇ＿ｌｅｉｇｈ", "dog_leigh"),  # fullwidth forms
        ("DOG_LEIGH@EXAMPLE.COM", "dog_leigh@example.com"),
        ("Straße@example.com", "strasse@example.com"),  # full case folding, not lower()
        ("ﬁdo", "fido"),  # compatibility ligature
        ("Ⅻ_cats", "xii_cats"),  # roman numeral
        ("ΣΊΣΥΦΟΣ", "σίσυφοσ"),  # final sigma folds like any sigma
        ("  dog_leigh\u3000", "dog_leigh"),  # surrounding spaces, the ideographic one too
    ],
)
def test_variants_fold_to_one_value(typed: str, folded: str) -> None:
    assert fold_identifier(typed) == folded


def test_different_names_stay_different() -> None:
    names = ["dog_leigh", "dog.leigh", "dog-leigh", "dogleigh", "dog_leigh2", "dog_léigh"]
    assert len({fold_identifier(name) for name in names}) == len(names)


@given(st.text(max_size=40))
def test_folding_is_idempotent(value: str) -> None:
    once = fold_identifier(value)
    assert fold_identifier(once) == once


def test_an_address_too_long_once_folded_is_refused() -> None:
    # U+FDFA is one character that NFKC spells out in 18.
    local = "\ufdfa" * 60
    with pytest.raises(InvalidInput, match="e-mail address is too long"):
        folded_identity("dog_leigh", f"{local}@example.com")
    assert len(fold_identifier(local)) > EMAIL_FOLDED_LENGTH


def test_folded_identity_folds_both() -> None:
    assert folded_identity("Dog_Leigh", "Dog_Leigh@Example.com") == (
        "dog_leigh",
        "dog_leigh@example.com",
    )

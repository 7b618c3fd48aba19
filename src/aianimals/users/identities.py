"""Handles and e-mail addresses compared as people read them: `Dog_Leigh` is `dog_leigh`.

`fold_identifier` applies Unicode compatibility normalisation (NFKC: fullwidth `ｄｏｇ` is
`dog`, the ligature `ﬁ` is `fi`), full case folding (`DOG` is `dog`, `ß` is `ss`), NFKC again
so that folding a folded value changes nothing, and drops surrounding white space. An account
is unique by its folded handle and by its folded e-mail address (unique indexes on
`users.handle_name_folded` and `users.email_address_folded`), and a login finds its account
by them.

Not covered: look-alike letters of other scripts (a Cyrillic `а` for a Latin `a`). Sign-up
handles are ASCII only, so that matters for e-mail addresses alone.
"""

from __future__ import annotations

import unicodedata

from aianimals.core.errors import InvalidInput

HANDLE_FOLDED_LENGTH = 192
"""Room for a folded handle: three times the handle's 64, as NFKC can lengthen a value."""
EMAIL_FOLDED_LENGTH = 762
"""Room for a folded e-mail address: three times its 254. A longer fold is refused; it keeps
an index entry well under PostgreSQL's limit of about 2,700 bytes."""


def fold_identifier(value: str) -> str:
    """`value` as it is compared: NFKC, case-folded, NFKC again, without surrounding spaces."""
    folded = unicodedata.normalize("NFKC", value).casefold()
    return unicodedata.normalize("NFKC", folded).strip()


def folded_identity(handle_name: str, email_address: str) -> tuple[str, str]:
    """The folded handle and e-mail address of a new account; InvalidInput (422) when one
    does not fit its column once folded (only values full of compatibility characters)."""
    handle, email = fold_identifier(handle_name), fold_identifier(email_address)
    if len(handle) > HANDLE_FOLDED_LENGTH:
        msg = "the handle name is too long once normalised: use plain letters and digits"
        raise InvalidInput(msg)
    if len(email) > EMAIL_FOLDED_LENGTH:
        msg = "the e-mail address is too long once normalised: use plain letters and digits"
        raise InvalidInput(msg)
    return handle, email

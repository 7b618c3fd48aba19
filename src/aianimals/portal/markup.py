"""Safe Markdown for the portal: user-written text is shown as text, never as markup."""

from __future__ import annotations

import string
from datetime import datetime

_PUNCTUATION = frozenset(string.punctuation)
_STATE_COLOURS = {"pending": "orange", "confirmed": "red", "rejected": "green"}


def plain(text: str) -> str:
    """`text` with every Markdown-active character escaped (links, images, directives such
    as `:red[...]`, LaTeX), and line breaks flattened, so a name cannot inject markup."""
    flat = " ".join(text.split())
    return "".join(f"\\{char}" if char in _PUNCTUATION else char for char in flat)


def sentence(message: str) -> str:
    """A message as a sentence: its first letter in upper case, the rest untouched."""
    return message[:1].upper() + message[1:]


def state_badge(state: str) -> str:
    """A coloured Markdown badge for a violation state."""
    colour = _STATE_COLOURS.get(state, "gray")
    return f":{colour}-badge[{plain(state)}]"


def timestamp(value: datetime) -> str:
    """A stored (naive UTC) time as people read it."""
    return value.strftime("%Y-%m-%d %H:%M UTC")

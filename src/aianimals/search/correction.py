""" "Did you mean" for words the vocabulary does not know, from what the search found.

A word read as a typo of a vocabulary form is suggested by the query's understanding
(`Understood.suggestion`). Any other word (a pet's name, a word of a description) can only
be corrected by the texts it matched: when the typo-forgiving pass is what found the
results, each typed word that none of the first results spells, and that one of their words
comes within its typo distance of, is replaced by that word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA

from aianimals.ports.search.analyzer import normalize_text
from aianimals.search.lexicon import typo_distance
from aianimals.search.understanding import Understood

_WORD = re.compile(r"[0-9a-zA-Z\u00c0-\u024f]+|[\u30a0-\u30ff]+|[\u3040-\u309f]+")
"""Words of a text a typo can be made in: Latin runs, katakana runs, hiragana runs."""
TEXT_READING = "text: "
"""How `Understood.readings` marks a word the vocabulary does not know."""


def correction(understood: Understood, texts: Iterable[str]) -> str | None:
    """The query with its unknown words spelt as `texts` spell them, if any word changed."""
    spellings: dict[str, str] = {}
    for text in texts:
        for word in _WORD.findall(unicodedata.normalize("NFKC", text)):
            spellings.setdefault(normalize_text(word).casefold(), word)
    said: list[str] = []
    changed = False
    for reading in understood.readings:
        typed = reading.text
        distance = typo_distance(len(typed))
        key = normalize_text(typed).casefold()
        if reading.meaning.startswith(TEXT_READING) and distance and key not in spellings:
            best = process.extractOne(
                key, list(spellings), scorer=OSA.distance, score_cutoff=distance
            )
            if best is not None:
                said.append(spellings[best[0]])
                changed = True
                continue
        said.append(typed)
    if not changed:
        return None
    return " ".join(([f"@{understood.owner}"] if understood.owner else []) + said)

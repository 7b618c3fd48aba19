"""The pet vocabulary search understands, kept as data: breeds.toml and concepts.toml here.

breeds.toml: every reference breed (id = its subcategory id, the reference's name_en and
name_ja) with `aliases`, the other names people write for it: nicknames, abbreviations,
variant katakana, kanji, English spellings and plurals. Kana and romaji transliterations of
a name are not listed (the search analyzer derives those). An alias names one breed only; a
word that may mean several sits under `[ambiguous]` with the breeds it may mean.

concepts.toml: bilingual pet concepts (young animals, colours, sizes, fur, actions, places,
moods…), each with its surface `forms`, and optionally the `category` it implies, the
`breeds` it stands for, and the other concepts it `implies`.

No surface form belongs to two entries of either file (compared by `surface_key`).
"""

from aianimals.search.vocabulary.loader import load_vocabulary, read_vocabulary
from aianimals.search.vocabulary.model import (
    CATEGORIES,
    Breed,
    Category,
    Concept,
    Vocabulary,
    surface_key,
)

__all__ = [
    "CATEGORIES",
    "Breed",
    "Category",
    "Concept",
    "Vocabulary",
    "load_vocabulary",
    "read_vocabulary",
    "surface_key",
]

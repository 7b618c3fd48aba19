"""Sound keys: one spelling for the ways a Japanese word is written in kana or romaji.

「しばいぬ」, 「シバイヌ」, `shiba inu` and `shibainu` share the key `sibainu`; `chiwawa` and
「チワワ」 share `tiwawa`. Kana become Hepburn romaji (jaconv), then both romaji systems and
the usual sloppiness fold together: shi/si, chi/ti, tsu/tu, fu/hu, ji/zi; long vowels written
or not (ー, ou, oo, ei); doubled consonants (っ); l/r, v/b, c/k; m before b or p.
"""

from __future__ import annotations

import re
from functools import lru_cache

import jaconv

_KANA = re.compile(r"^[\u3041-\u3096\u30a1-\u30faー]+$")
_FOLDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"[^a-z]", ""),
        (r"(sh|ch|j)ie", r"\1e"),  # シェ, チェ, ジェ as jaconv spells them
        (r"tch", "ch"),
        (r"sh", "s"),
        (r"ch", "t"),
        (r"ts", "t"),
        (r"j", "z"),
        (r"ph|f", "h"),
        (r"v", "b"),
        (r"l", "r"),
        (r"[cq]", "k"),
        (r"wo", "o"),
        (r"ou|oo", "o"),
        (r"ei", "e"),
        (r"([aiue])\1+", r"\1"),
        (r"([b-df-hj-np-tv-z])\1+", r"\1"),
        (r"m(?=[bp])", "n"),
    )
)


def is_kana(text: str) -> bool:
    """True when `text` is only hiragana, katakana and ー."""
    return bool(_KANA.match(text))


@lru_cache(maxsize=65_536)
def latin_key(word: str) -> str:
    """The sound key of a word written in Latin letters (romaji or not)."""
    key = word.lower()
    for pattern, replacement in _FOLDS:
        key = pattern.sub(replacement, key)
    return key


@lru_cache(maxsize=65_536)
def kana_key(kana: str) -> str:
    """The sound key of a word written in kana ("" when it holds anything else)."""
    if not is_kana(kana):
        return ""
    return latin_key(jaconv.kana2alphabet(jaconv.kata2hira(kana)))

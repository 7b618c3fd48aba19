"""The pet vocabulary loader: bad data is refused, naming the file and the entry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aianimals.search.vocabulary import load_vocabulary

# --- Refused data ----------------------------------------------------------------------

GOOD_BREEDS = """\
[ambiguous]
"terrier" = ["scottish_terrier", "yorkshire_terrier"]

[[breeds]]
id = 26
name_en = "pug"
name_ja = "パグ"
aliases = ["pugs"]

[[breeds]]
id = 31
name_en = "scottish_terrier"
name_ja = "スコティッシュテリア"
aliases = ["scottie"]

[[breeds]]
id = 37
name_en = "yorkshire_terrier"
name_ja = "ヨークシャーテリア"
aliases = ["yorkie", "ヨーキー"]
"""

GOOD_CONCEPTS = """\
[[concepts]]
name = "dog"
category = "dog"
forms = ["犬", "dog"]

[[concepts]]
name = "small_dog"
category = "dog"
implies = ["dog"]
breeds = ["pug", "yorkshire_terrier"]
forms = ["小型犬", "small dog"]
"""


def write(directory: Path, breeds: str = GOOD_BREEDS, concepts: str = GOOD_CONCEPTS) -> Path:
    (directory / "breeds.toml").write_text(breeds, "utf-8")
    (directory / "concepts.toml").write_text(concepts, "utf-8")
    return directory


def test_good_data_in_a_directory_loads(tmp_path: Path) -> None:
    vocabulary = load_vocabulary(write(tmp_path))
    assert [b.name_en for b in vocabulary.breeds] == [
        "pug",
        "scottish_terrier",
        "yorkshire_terrier",
    ]
    assert vocabulary.breed("yorkshire_terrier").aliases == ("yorkie", "ヨーキー")
    assert vocabulary.concept("small_dog").breeds == ("pug", "yorkshire_terrier")
    assert vocabulary.ambiguous == {"terrier": ("scottish_terrier", "yorkshire_terrier")}


BAD_BREEDS = {
    "unknown key": (
        'aliases = ["pugs"]',
        'aliases = ["pugs"]\ncolour = "fawn"',
        "breed 'pug': unknown key(s) colour",
    ),
    "unknown top-level key": (
        "[ambiguous]",
        "version = 1\n[ambiguous]",
        "top level: unknown key(s) version",
    ),
    "missing key": ('name_ja = "パグ"\n', "", "breed 'pug': missing key(s) name_ja"),
    "id not an integer": ("id = 26", 'id = "26"', "breed 'pug': id must be an integer"),
    "duplicate id": ("id = 31", "id = 26", "breed 'scottish_terrier': id 26 is already"),
    "duplicate name_en": (
        '"scottish_terrier"\nname_ja',
        '"pug"\nname_ja',
        "breed 'pug': another breed has this name_en",
    ),
    "alias of two breeds": (
        '["scottie"]',
        '["scottie", "Yorkie"]',
        "breed 'yorkshire_terrier': 'yorkie' already names breed 'scottish_terrier'",
    ),
    "alias naming another breed": (
        '["pugs"]',
        '["pugs", "ヨークシャーテリア"]',
        "breed 'yorkshire_terrier': 'ヨークシャーテリア' already names breed 'pug'",
    ),
    "alias listed twice": ('["pugs"]', '["pugs", "PUGS"]', "breed 'pug': 'PUGS' is listed twice"),
    "blank alias": (
        '["pugs"]',
        '["pugs", " "]',
        "breed 'pug': aliases must be a list of non-empty strings",
    ),
    "ambiguous unknown breed": (
        '"yorkshire_terrier"]\n',
        '"wheaten_terrier"]\n',
        "ambiguous: 'terrier' names unknown breed(s) wheaten_terrier",
    ),
    "ambiguous of one breed": (
        '["scottish_terrier", "yorkshire_terrier"]',
        '["scottish_terrier"]',
        "ambiguous: 'terrier' must name at least two",
    ),
    "ambiguous word is an alias": (
        '"terrier" =',
        '"yorkie" =',
        "ambiguous: 'yorkie' already names breed 'yorkshire_terrier'",
    ),
    "not TOML": ("[ambiguous]", "[ambiguous", "not valid TOML"),
}

BAD_CONCEPTS = {
    "unknown key": (
        'name = "dog"',
        'name = "dog"\nform = ["ワンコ"]',
        "concept 'dog': unknown key(s) form",
    ),
    "empty forms": ('["犬", "dog"]', "[]", "concept 'dog': forms is empty"),
    "missing forms": ('forms = ["犬", "dog"]', "", "concept 'dog': missing key(s) forms"),
    "unknown implied concept": (
        'implies = ["dog"]',
        'implies = ["dogs"]',
        "concept 'small_dog': implies names unknown concept(s) dogs",
    ),
    "implies itself": (
        'implies = ["dog"]',
        'implies = ["small_dog"]',
        "concept 'small_dog': a concept does not imply itself",
    ),
    "unknown breed": (
        '"pug", "yorkshire_terrier"',
        '"pug", "Yorkie"',
        "concept 'small_dog': breeds names unknown breed(s) Yorkie",
    ),
    "bad category": (
        'category = "dog"\nimplies',
        'category = "small"\nimplies',
        "concept 'small_dog': category must be one of cat, dog",
    ),
    "form of two concepts": (
        '"small dog"]',
        '"small dog", "Dog"]',
        "concept 'small_dog': 'Dog' already names concept 'dog'",
    ),
    "form that is a breed alias": (
        '"small dog"]',
        '"small dog", "yorkie"]',
        "concept 'small_dog': 'yorkie' already names breed 'yorkshire_terrier'",
    ),
    "form that is an ambiguous word": (
        '"small dog"]',
        '"small dog", "terrier"]',
        "concept 'small_dog': 'terrier' already names an ambiguous word",
    ),
    "duplicate name": (
        'name = "small_dog"',
        'name = "dog"',
        "concept 'dog': another concept has this name",
    ),
    "name not an id": (
        'name = "small_dog"',
        'name = "Small dog"',
        "concept 'Small dog': a name is lower-case",
    ),
}


@pytest.mark.parametrize(("old", "new", "message"), BAD_BREEDS.values(), ids=BAD_BREEDS.keys())
def test_bad_breeds_are_refused_naming_file_and_entry(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in GOOD_BREEDS
    write(tmp_path, breeds=GOOD_BREEDS.replace(old, new, 1))
    with pytest.raises(ValueError, match=re.escape(str(tmp_path / "breeds.toml"))) as error:
        load_vocabulary(tmp_path)
    assert message in str(error.value)


@pytest.mark.parametrize(("old", "new", "message"), BAD_CONCEPTS.values(), ids=BAD_CONCEPTS.keys())
def test_bad_concepts_are_refused_naming_file_and_entry(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in GOOD_CONCEPTS
    write(tmp_path, concepts=GOOD_CONCEPTS.replace(old, new, 1))
    with pytest.raises(ValueError, match=re.escape(str(tmp_path / "concepts.toml"))) as error:
        load_vocabulary(tmp_path)
    assert message in str(error.value)

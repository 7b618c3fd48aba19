"""The pet vocabulary: the packaged data is complete and unambiguous; bad data is refused."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path
from typing import TypedDict

import pytest

from aianimals.ports.search.analyzer import to_hiragana, to_katakana
from aianimals.search.vocabulary import (
    CATEGORIES,
    Vocabulary,
    load_vocabulary,
    surface_key,
)

REFERENCE_CATEGORIES = {1: "cat", 2: "dog"}


class ReferenceBreed(TypedDict):
    category: int
    subcategory: int
    name_en: str
    name_ja: str


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return load_vocabulary()


@pytest.fixture(scope="module")
def reference() -> dict[str, ReferenceBreed]:
    """The reference breeds (animal_subcategory.json), by name_en."""
    text = (files("aianimals.dataset") / "reference" / "animal_subcategory.json").read_text("utf-8")
    return {entry["name_en"]: entry for entry in json.loads(text).values()}


def breeds_by_surface(vocabulary: Vocabulary) -> dict[str, set[str]]:
    named: dict[str, set[str]] = {}
    for breed in vocabulary.breeds:
        for surface in breed.surfaces:
            named.setdefault(surface_key(surface), set()).add(breed.name_en)
    return named


# --- The packaged vocabulary -----------------------------------------------------------


def test_every_reference_breed_is_present_with_its_reference_names(
    vocabulary: Vocabulary, reference: dict[str, ReferenceBreed]
) -> None:
    expected = {(e["subcategory"], e["name_en"], e["name_ja"]) for e in reference.values()}
    assert {(b.id, b.name_en, b.name_ja) for b in vocabulary.breeds} == expected
    assert len(vocabulary.breeds) == 40


def test_no_alias_names_two_breeds(vocabulary: Vocabulary) -> None:
    shared = {s: names for s, names in breeds_by_surface(vocabulary).items() if len(names) > 1}
    assert shared == {}


def test_an_ambiguous_word_names_several_known_breeds_and_is_no_alias(
    vocabulary: Vocabulary,
) -> None:
    names = {breed.name_en for breed in vocabulary.breeds}
    surfaces = breeds_by_surface(vocabulary)
    assert vocabulary.ambiguous, "terrier / テリア at least"
    for word, breeds in vocabulary.ambiguous.items():
        assert len(set(breeds)) >= 2, word
        assert set(breeds) <= names, word
        assert surface_key(word) not in surfaces, word


def test_no_alias_is_a_kana_spelling_of_the_japanese_name(vocabulary: Vocabulary) -> None:
    """The analyzer folds kana itself: ちわわ beside チワワ would only repeat it."""
    for breed in vocabulary.breeds:
        for alias in breed.aliases:
            assert to_katakana(alias) != breed.name_ja, alias
            assert to_hiragana(alias) != to_hiragana(breed.name_ja), alias


@pytest.mark.parametrize(
    ("surface", "breed"),
    [
        ("ヨーキー", "yorkshire_terrier"),
        ("yorkie", "yorkshire_terrier"),
        ("ヨークシャー・テリア", "yorkshire_terrier"),
        ("pitbull", "american_pit_bull_terrier"),
        ("ピットブル", "american_pit_bull_terrier"),
        ("ブリショー", "british_shorthair"),
        ("pom", "pomeranian"),
        ("ポメ", "pomeranian"),
        ("ペルシア", "persian"),
        ("ペルシャ", "persian"),
        ("ミニチュア・ピンシャー", "miniature_pinscher"),
        ("ミニチュアピンシャー", "miniature_pinscher"),
        ("メイン・クーン", "maine_coon"),
        ("Maine Coon", "maine_coon"),
        ("柴犬", "shiba_inu"),
        ("shiba inu", "shiba_inu"),
        ("Shiba", "shiba_inu"),
        ("狆", "japanese_chin"),
        ("pug", "pug"),
        ("St. Bernard", "saint_bernard"),
    ],
)
def test_the_names_people_write_find_their_breed(
    vocabulary: Vocabulary, surface: str, breed: str
) -> None:
    assert breeds_by_surface(vocabulary)[surface_key(surface)] == {breed}


def test_terrier_alone_is_ambiguous(vocabulary: Vocabulary) -> None:
    assert "yorkshire_terrier" in vocabulary.ambiguous["terrier"]
    assert "scottish_terrier" in vocabulary.ambiguous["テリア"]


def test_each_concept_category_is_cat_or_dog(vocabulary: Vocabulary) -> None:
    categories = {c.category for c in vocabulary.concepts}
    assert categories <= {None, *CATEGORIES}
    assert {"cat", "dog"} <= categories


def test_a_concept_of_a_category_names_only_breeds_of_that_category(
    vocabulary: Vocabulary, reference: dict[str, ReferenceBreed]
) -> None:
    for concept in vocabulary.concepts:
        if concept.category is not None:
            categories = {REFERENCE_CATEGORIES[reference[b]["category"]] for b in concept.breeds}
            assert categories <= {concept.category}, concept.name


def test_a_concept_has_the_category_of_what_it_implies(vocabulary: Vocabulary) -> None:
    for concept in vocabulary.concepts:
        implied = {vocabulary.concept(name).category for name in vocabulary.implied(concept.name)}
        assert implied - {None} <= {concept.category} - {None}, concept.name


def test_concepts_are_bilingual(vocabulary: Vocabulary) -> None:
    assert 100 <= len(vocabulary.concepts) <= 130
    for concept in vocabulary.concepts:
        assert any(form.isascii() for form in concept.forms), concept.name
        assert any(not form.isascii() for form in concept.forms), concept.name


@pytest.mark.parametrize(
    ("form", "concept", "category"),
    [
        ("子猫", "kitten", "cat"),
        ("仔猫", "kitten", "cat"),
        ("baby cat", "kitten", "cat"),
        ("子犬", "puppy", "dog"),
        ("黒猫", "black_cat", "cat"),
        ("大型犬", "large_dog", "dog"),
        ("お昼寝", "sleeping", None),
        ("寝顔", "sleeping", None),
        ("おさんぽ", "walk", None),
        ("ごはん", "eating", None),
        ("couch", "sofa", None),
        ("日向ぼっこ", "sunbathing", None),
        ("甘えん坊", "affectionate", None),
        ("ぬこ", "cat", "cat"),
        ("わんちゃん", "dog", "dog"),
        ("ゴールデン", "golden_retriever", "dog"),
        ("シーズー", "shih_tzu", "dog"),
    ],
)
def test_a_form_finds_its_concept(
    vocabulary: Vocabulary, form: str, concept: str, category: str | None
) -> None:
    found = [c for c in vocabulary.concepts if surface_key(form) in map(surface_key, c.forms)]
    assert [(c.name, c.category) for c in found] == [(concept, category)]


def test_implications_are_followed_through_other_concepts(vocabulary: Vocabulary) -> None:
    assert set(vocabulary.implied("black_cat")) == {"black", "cat"}
    assert set(vocabulary.implied("brown_tabby")) == {"tabby", "brown", "cat"}
    assert "saint_bernard" in vocabulary.concept("large_dog").breeds


def test_the_packaged_vocabulary_is_read_once() -> None:
    assert load_vocabulary() is load_vocabulary()


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

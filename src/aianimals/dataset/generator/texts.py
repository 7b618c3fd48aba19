"""Pet names and descriptions, built from breed traits and varied sentence templates."""

from __future__ import annotations

import random
from dataclasses import dataclass

from aianimals.dataset.generator.names import ENGLISH_NAMES, JAPANESE_NAMES
from aianimals.dataset.generator.reference import Breed, SkeletonAnimal
from aianimals.dataset.generator.rng import bernoulli, substream
from aianimals.dataset.generator.vocabulary import (
    BREED_TRAITS,
    CAT,
    CLOSERS,
    COLOUR_WORDS,
    DOG,
    ENGLISH_SENTENCES,
    FUR_SENTENCES,
    KIND_WORDS,
    OPENERS,
    SCENES_CAT,
    SCENES_COMMON,
    SCENES_DOG,
    SEX_WORDS,
    SIZE_SENTENCES,
    TEMPER_SENTENCES,
    BreedTraits,
)

EMPTY_SHARE = 0.40
ENGLISH_SHARE = 0.05
_DEFAULT_TRAITS = BreedTraits("medium", "short", ("brown",), ("sweet",))

Sentence = tuple[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class AnimalText:
    """The generated name and description of one animal, and the concepts they mention."""

    name: str
    description: str
    concepts: frozenset[str]


def breed_names(breed: Breed) -> tuple[str, ...]:
    """Every spelling of a breed a user might type: Japanese, alternatives, English."""
    traits = BREED_TRAITS.get(breed.slug, _DEFAULT_TRAITS)
    english = breed.name_en.replace("_", " ")
    return (breed.name_ja, *traits.alt_names, english)


def searchable_text(text: AnimalText, breed: Breed) -> str:
    """What the demo search engine matches phrases against (lower-cased)."""
    parts = [text.name, text.description, *breed_names(breed)]
    return " ".join(parts).lower()


def generate_texts(
    animals: list[SkeletonAnimal], breeds: dict[str, Breed], seed: int
) -> list[AnimalText]:
    """One text per animal, each drawn from its own sub-stream (order independent)."""
    return [_animal_text(animal, breeds[animal.breed], seed) for animal in animals]


def _animal_text(animal: SkeletonAnimal, breed: Breed, seed: int) -> AnimalText:
    rng = substream(seed, "text", animal.animal_id)
    english = bernoulli(rng, ENGLISH_SHARE)
    name = rng.choice(ENGLISH_NAMES if english or bernoulli(rng, 0.06) else JAPANESE_NAMES)
    concepts = {f"breed:{breed.slug}", "cat" if breed.category == CAT else "dog"}
    if bernoulli(rng, EMPTY_SHARE):
        description = ""
    elif english:
        description = _english_description(rng, name, breed, concepts)
    else:
        description = _japanese_description(rng, name, breed, concepts)
    return AnimalText(name=name, description=description, concepts=frozenset(concepts))


def _english_description(rng: random.Random, name: str, breed: Breed, concepts: set[str]) -> str:
    pool = ENGLISH_SENTENCES.get(breed.category, ENGLISH_SENTENCES[DOG])
    chosen = rng.sample(pool, rng.randint(1, 2))
    breed_en = breed.name_en.replace("_", " ").title()
    parts = []
    for template, sentence_concepts in chosen:
        concepts.update(sentence_concepts)
        parts.append(template.format(name=name, breed_en=breed_en))
    return " ".join(parts)


def _japanese_description(rng: random.Random, name: str, breed: Breed, concepts: set[str]) -> str:
    traits = BREED_TRAITS.get(breed.slug, _DEFAULT_TRAITS)
    colour = rng.choice(traits.colours)
    kind, kind_concept = rng.choice(KIND_WORDS.get(breed.category, KIND_WORDS[DOG]))
    slots = {
        "name": name,
        "breed": rng.choice((breed.name_ja, breed.name_ja, *traits.alt_names)),
        "kind": kind,
        "colour": rng.choice(COLOUR_WORDS.get(colour, ("",))),
        "age": str(rng.randint(1, 12)),
        "sex": rng.choice(SEX_WORDS),
    }
    sentences: list[Sentence] = []
    if bernoulli(rng, 0.7):
        opener = rng.choice(OPENERS)
        sentences.append(opener)
        if "{kind}" in opener[0]:
            concepts.add(kind_concept)
        if "{colour}" in opener[0]:
            concepts.add(colour)
    body = _body_pool(breed.category, traits)
    sentences.extend(rng.sample(body, min(len(body), rng.randint(1, 3))))
    text = "".join(template.format(**slots) for template, _ in sentences)
    for _, sentence_concepts in sentences:
        concepts.update(sentence_concepts)
    if bernoulli(rng, 0.35):
        text += rng.choice(CLOSERS)
    return text


def _body_pool(category: int, traits: BreedTraits) -> list[Sentence]:
    scenes = SCENES_CAT if category == CAT else SCENES_DOG
    pool: list[Sentence] = [*SCENES_COMMON, *scenes, *scenes]
    pool.extend(FUR_SENTENCES.get(traits.fur, ()))
    pool.extend(SIZE_SENTENCES.get(traits.size, ()))
    for temper in traits.tempers:
        pool.extend(TEMPER_SENTENCES.get(temper, ()))
    return pool

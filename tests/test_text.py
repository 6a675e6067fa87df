"""The text catalogs: every language says the same things with the same blanks, and numbers as it writes them."""

from __future__ import annotations

import string

import pytest

from mockmic import text
from mockmic.measure import NO_VOICE_NEAR_WORDS, NO_VOICED_SPEECH, NO_WORDS, QUIET_WINDOW, TOO_LITTLE_VOICE
from mockmic.text import en, es


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


CATALOGS = {lang: text._catalog(lang).TEXT for lang in text.languages()}


def test_every_language_has_the_same_keys_as_english() -> None:
    """Every key but the English-only ones (shown in English whatever the language), which no other
    catalog copies: a copy would go stale the day the English changes."""
    assert set(CATALOGS) >= {"en", "es"} and en.ENGLISH_ONLY <= set(en.TEXT)
    for lang, catalog in CATALOGS.items():
        assert set(catalog) == set(en.TEXT) - (set() if lang == "en" else en.ENGLISH_ONLY), lang
    assert text.say("step.reading", "es") == "Reading the audio"  # from English, as every view asks for it


def test_every_key_has_the_same_placeholders_in_every_language() -> None:
    for lang, catalog in CATALOGS.items():
        differ = {
            key: (placeholders(en.TEXT[key]), placeholders(catalog[key]))
            for key in catalog
            if placeholders(en.TEXT[key]) != placeholders(catalog[key])
        }
        assert not differ, lang
        assert all(name.isidentifier() for key in catalog for name in placeholders(catalog[key])), lang  # no "{}"


def test_keys_are_dotted_snake_case() -> None:
    assert all(all(part.isidentifier() and part == part.lower() for part in key.split(".")) for key in en.TEXT)


def test_say_fills_in_values_and_writes_spanish_decimals_with_a_comma() -> None:
    values = {"count": 3, "rate": 2.5, "text": "um", "at": "0:03"}
    said = text.say("tip.fillers", "en", **values)
    assert said.startswith("You said 3 fillers (2.5 per 100 words), the first “um” at 0:03.")
    assert text.say("tip.fillers", "es", **values).startswith("Dijiste 3 muletillas (2,5 por cada 100 palabras)")
    assert text.say("note.loudness", "es", db=4.25) == "el volumen varía 4,2 dB"
    assert text.say("report.clipping", "es", share=0.024).startswith("El 2,4% de las muestras")
    hedged = es.TEXT["tip.hedges"].format(at="0:12", text="o sea.")
    assert text.say("tip.hedges", "es", at="0:12", text="o sea.") == hedged  # quoted words keep their full stops
    assert text.say("report.stored", "es", take=12) == "Guardada como toma 12"  # whole numbers keep no comma


def test_an_unknown_language_falls_back_to_english_and_an_unknown_key_says_which() -> None:
    assert text.say("praise.no_fillers", "fr") == text.say("praise.no_fillers", None) == "No fillers."
    assert text.localised("{:.1f}", "fr", 2.5) == "2.5"
    with pytest.raises(KeyError, match="tip.no_such_tip"):
        text.say("tip.no_such_tip", "en")


def test_every_reason_code_is_said_and_stored_english_reasons_read_as_before() -> None:
    for code in (NO_WORDS, TOO_LITTLE_VOICE, NO_VOICE_NEAR_WORDS, NO_VOICED_SPEECH, QUIET_WINDOW):
        assert text.has(f"reason.{code}"), code
    assert text.reason(TOO_LITTLE_VOICE, "es").startswith("muy poca voz para medir el tono")
    for sentence, code in text.OLD_REASONS.items():  # a take stored before the codes
        assert text.reason(sentence, "en") == sentence and text.reason(sentence, "es") == es.TEXT[f"reason.{code}"]
    assert text.reason("something else", "es") == "something else" and text.reason(None, "en") == ""


def test_every_tip_has_a_name_in_every_language() -> None:
    tips = {key.split(".")[1] for key in en.TEXT if key.startswith("tip.")}
    assert tips and all(f"tip_name.{tip}" in catalog for tip in tips for catalog in CATALOGS.values())


def test_numbers_are_never_rounded_across_the_limit_they_are_judged_against() -> None:
    judged, clock, length_clock = text.judged, text.clock, text.length_clock
    assert judged(2.462, 1, 2.5) == "2.46" and judged(2.44, 1, 2.5) == "2.4" and judged(3.04, 1, 2.5) == "3.0"
    assert judged(0.97, 1, 0.25, 1.0, 1.2) == "0.97" and judged(1.16, 1, 1.2) == "1.16"
    assert judged(0.25, 1, 0.25) == "0.25"
    assert judged(129.6, 0, 130, 160) == "129.6" and judged(145.4, 0, 130, 160) == "145"
    assert judged(2.462, 1, 2.5, lang="es") == "2,46"
    assert judged(1.2000000000000002, 1, 1.2) == "1.2" and judged(90.00000000000001, 0, 60, 90) == "90"  # float noise
    assert clock(6.84) == "0:06" and length_clock(85.87, 60, 90) == "1:26" and length_clock(51.6, 60, 90) == "0:52"
    assert length_clock(59.6, 60, 90) == "0:59" and length_clock(90.2, 60, 90) == "1:31"  # not onto the target
    assert text.number(None, ".1f", "es") == "—" and text.number(12.5, ".1f", "es") == "12,5"

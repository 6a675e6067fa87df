"""Everything mockmic says, in each language it speaks, and the numbers and clocks inside it.

Each language is one module here (`en.py`, `es.py`) holding one flat dict, TEXT, of dotted keys
(`tip.fillers`, `reason.no_words`) to `str.format` templates with named placeholders, and DECIMAL, the
mark it writes a decimal number with. `say(key, lang, **values)` fills a template in; a third language
is one new file. tests/test_text.py checks that every language has the same keys (those en.ENGLISH_ONLY
names aside: shown in English in every language) and placeholders.
"""

from __future__ import annotations

import importlib
import math
import numbers
import pkgutil
import string
from functools import cache
from types import ModuleType

DEFAULT = "en"  # the language of anything not (yet) said in the asked one

# Reasons measure.py stored as English sentences before they became codes: takes saved then still hold
# them, and must read as they always did.
OLD_REASONS = {
    "no speech was recognised": "no_words",
    "too little voiced speech for pitch (whispered, hoarse, or buried in noise?)": "too_little_voice",
    "no voice was found around the words": "no_voice_near_words",
    "too little voiced speech found to measure loudness on (as for pitch)": "no_voiced_speech",
    "too little voiced speech in this window": "quiet_window",
    "no voiced speech to measure loudness on": "no_voiced_speech_old",  # in takes stored before b7aa67f
}


@cache
def _catalogs() -> dict[str, ModuleType]:
    """Every language module in this package, by its code: found by file so that a new language needs
    nothing but its file."""
    names = [m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")]
    return {name: importlib.import_module(f"{__name__}.{name}") for name in names}


def languages() -> tuple[str, ...]:
    return tuple(sorted(_catalogs()))


def _catalog(lang: str | None) -> ModuleType:
    catalogs = _catalogs()
    return catalogs.get(lang or DEFAULT) or catalogs[DEFAULT]


def template(key: str, lang: str | None) -> str:
    """The template of a key in the language, or in English when the language lacks it; an unknown key
    is a bug, and says which key it was."""
    text = _catalog(lang).TEXT.get(key)
    if text is None:
        text = _catalog(DEFAULT).TEXT.get(key)
    if text is None:
        raise KeyError(f"no text {key!r} in mockmic.text's catalogs ({', '.join(languages())})")
    return text


def has(key: str) -> bool:
    """Whether the catalogs have the key (English has every key)."""
    return key in _catalog(DEFAULT).TEXT


def say(key: str, lang: str | None, **values) -> str:
    """The text of a key in the language, filled in with the values, numbers written as it writes them."""
    return localised(template(key, lang), lang, **values)


def reason(code: str | None, lang: str | None) -> str:
    """Why a measure is missing (measure.py's reason codes), in words. Takes stored before the codes hold
    English sentences, which are read as their codes; anything else unknown is shown as it is."""
    code = OLD_REASONS.get(code or "", code or "")
    return say(f"reason.{code}", lang) if code and has(f"reason.{code}") else code


# --- numbers -------------------------------------------------------------------------------------


class _DecimalMark(string.Formatter):
    """Writes a language's decimal mark where Python writes ".": only in the numbers, never in the
    template's words or in quoted text."""

    def __init__(self, mark: str) -> None:
        super().__init__()
        self.mark = mark

    def format_field(self, value, format_spec: str) -> str:
        text = super().format_field(value, format_spec)
        fractional = isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral)  # numpy's too
        return text.replace(".", self.mark) if fractional else text


@cache
def _formatter(mark: str) -> _DecimalMark:
    return _DecimalMark(mark)


def localised(template: str, lang: str | None, *args, **values) -> str:
    """A template filled in with numbers written as the language writes them (2.5, or 2,5 in Spanish)."""
    mark = getattr(_catalog(lang), "DECIMAL", ".")
    return template.format(*args, **values) if mark == "." else _formatter(mark).format(template, *args, **values)


def number(value: float | None, spec: str, lang: str | None = DEFAULT) -> str:
    """A number as the language writes it; a dash when there is none."""
    return "—" if value is None else localised(f"{{:{spec}}}", lang, value)


def clock(seconds: float) -> str:
    """A moment in the answer as m:ss, as a player shows it (6.8 s is 0:06)."""
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def length_clock(seconds: float, low: float, high: float) -> str:
    """A length as m:ss, rounded as the seconds beside it are (85.9 s is 1:26), but never onto the
    target it missed (59.6 s against 60-90 s is 0:59, not 1:00)."""
    whole = round(seconds)
    if seconds < low <= whole:
        whole = math.floor(seconds)
    elif seconds > high >= whole:
        whole = math.ceil(seconds)
    return clock(whole)


def judged(value: float, decimals: int, *limits: float, lang: str | None = DEFAULT) -> str:
    """The value to `decimals` places, or to as many more as it takes to stay on its side of each limit
    it is judged against: a pitch variation of 2.46 semitones misses a norm of 2.5, and "2.5" would
    say it met it; a 0.97 s pause is not a pause of 1 s or more."""
    places = decimals
    while places < decimals + 3 and any(_side(value, limit) != _side(round(value, places), limit) for limit in limits):
        places += 1
    return localised(f"{{:.{places}f}}", lang, value)


def _side(value: float, limit: float) -> int:
    """Above (1), on (0) or below (-1) the limit, float noise aside (90.00000000000001 is on 90)."""
    return (value > limit + 1e-9) - (value < limit - 1e-9)

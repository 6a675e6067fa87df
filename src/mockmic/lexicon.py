"""Words that carry delivery: fillers, hedges, sentence ends and syllables, for English and Spanish.

Whisper's words arrive with their punctuation attached ("Um,", "know."), and that punctuation is the
best evidence a text-only rule has of how a word was used: "like," set off by commas is a filler,
"I like Python" is not. Rules here read tokens, never audio.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Hesitation sounds, spelled however Whisper spells them ("um", "umm", "uhh", "hmm", "erm", "mmm").
HESITATION = {
    "en": re.compile(r"^(u+m+|u+h+|e+r+m*|a+h+|h+m+|m+|m+h+m+|e+h+|e+m+)$"),
    "es": re.compile(r"^(e+h+|e+m+|m+|h+m+|a+h+|u+m+|u+h+|e+e+)$"),
}

# Words and phrases that are fillers wherever they occur.
ALWAYS_FILLERS = {
    "en": ("you know", "i mean", "basically", "literally", "you see"),
    "es": ("o sea", "osea", "digamos", "¿sabes?", "¿me entiendes?", "¿vale?"),
}

# Words that are fillers only when set off from the sentence: at its start, or next to a comma
# ("So, like, I was..."); elsewhere they are ordinary words ("I like Python", "este proyecto").
MARKED_FILLERS = {
    "en": ("like", "actually", "well", "right", "okay", "so"),
    "es": ("este", "pues", "bueno", "tipo", "como", "entonces", "vale", "nada"),
}

# Quotative "like" ("I was like, ...") is a filler even without a comma.
QUOTATIVE_BEFORE_LIKE = frozenset({"was", "were", "is", "i'm", "it's", "he's", "she's", "they're", "we're"})

# Phrases that soften a claim. Sources: Lakoff (1973) "Hedges"; the interviewer's advice behind this
# project ("it is fine not to know; ask instead of hedging"); Spanish equivalents by a native speaker.
HEDGES = {
    "en": (
        "i think",
        "i guess",
        "i suppose",
        "i believe",
        "i feel like",
        "i'm not sure",
        "i am not sure",
        "maybe",
        "perhaps",
        "probably",
        "possibly",
        "kind of",
        "sort of",
        "kinda",
        "sorta",
        "somewhat",
        "more or less",
        "i would say",
        "i'd say",
        "not really sure",
        "it seems",
        "might be",
    ),
    "es": (
        "creo que",
        "tal vez",
        "quizás",
        "quizá",
        "a lo mejor",
        "puede que",
        "no sé",
        "no estoy seguro",
        "no estoy segura",
        "supongo",
        "me parece que",
        "probablemente",
        "más o menos",
        "como que",
        "de alguna manera",
        "yo diría",
    ),
}

# Frequent function words, left out when looking for repeated content words.
STOPWORDS = {
    "en": frozenset(
        "a an the and or but so if then than that this these those it its it's i i'm i've i'd me my we "
        "our you your he she they them their is are was were be been being am do did does done have has "
        "had to of in on at by for with from as about into over after before up out not no yes just also "
        "very really there here what which who when where how all some any can could would should will "
        "one two lot lots like um uh know mean actually basically".split()
    ),
    "es": frozenset(
        "a al ante con de del desde en entre hacia hasta para por sin sobre el la los las lo un una unos "
        "unas y e o u pero que porque como si no sí ya muy más menos mi mis me yo tu tú te se su sus nos "
        "es son era fue ser estar está estoy estaba he ha han hay había tengo tiene este esta esto ese esa "
        "eso le les también cuando donde qué cuál bueno pues o sea entonces eh".split()
    ),
}

SENTENCE_END = re.compile(r"[.?!…]+[\"')\]]*$")
_EDGE_PUNCTUATION = re.compile(r"^[^\w']+|[^\w']+$")


@dataclass(frozen=True)
class Token:
    """One word reduced to what the rules read."""

    norm: str  # lower case, without surrounding punctuation ("Um," -> "um")
    comma_before: bool  # the previous word ended in a comma or dash
    comma_after: bool  # this word ends in a comma or dash
    sentence_start: bool  # first word, or the previous word ended a sentence
    sentence_end: bool  # this word ends in . ? ! or …
    question: bool  # this word ends in ?


@dataclass(frozen=True)
class Match:
    """A filler or hedge found in the words: which words, and what it says."""

    text: str  # the phrase as spoken, normalised ("you know")
    first: int  # index of its first word
    last: int  # index of its last word


def as_written(phrase: str) -> str:
    """A normalised phrase as it is written: "I guess", not "i guess"."""
    return re.sub(r"\bi\b", "I", phrase)


def normalise(text: str) -> str:
    """Lower case without surrounding punctuation, apostrophes kept ("¿Sabes?" -> "sabes")."""
    text = unicodedata.normalize("NFC", text.strip().lower().replace("’", "'"))
    return _EDGE_PUNCTUATION.sub("", text)


def tokens(texts: list[str]) -> list[Token]:
    """The rule-readable form of a run of Whisper words."""
    result = []
    for i, text in enumerate(texts):
        previous = texts[i - 1].strip() if i else ""
        stripped = text.strip()
        result.append(
            Token(
                norm=normalise(stripped),
                comma_before=previous.endswith((",", "-", "—", ";")),
                comma_after=stripped.endswith((",", "-", "—", ";")),
                sentence_start=i == 0 or bool(SENTENCE_END.search(previous)),
                sentence_end=bool(SENTENCE_END.search(stripped)),
                question=stripped.rstrip("\"')]").endswith("?"),
            )
        )
    return result


def language_of(language: str | None) -> str:
    """The lexicon to use: Spanish for "es", English for anything else (our two first-class languages)."""
    return "es" if language == "es" else "en"


def is_hesitation(norm: str, language: str) -> bool:
    return bool(norm) and bool(HESITATION[language].match(norm.replace("-", "")))


def hesitations(texts: list[str], language: str) -> set[int]:
    """Indices of the hesitation sounds ("Uh,", "umm"): fillers that are not words."""
    return {i for i, text in enumerate(texts) if is_hesitation(normalise(text), language)}


def find_fillers(texts: list[str], language: str | None) -> list[Match]:
    """Fillers in a run of words: hesitations, filler phrases, and set-off discourse markers."""
    lang = language_of(language)
    toks = tokens(texts)
    found = [Match(t.norm, i, i) for i, t in enumerate(toks) if is_hesitation(t.norm, lang)]
    found += _phrases(toks, texts, ALWAYS_FILLERS[lang])
    found += [Match(t.norm, i, i) for i, t in enumerate(toks) if _is_marked_filler(toks, i, lang)]
    if lang == "es":
        found += [Match("¿no?", i, i) for i, t in enumerate(toks) if t.norm == "no" and t.question and i > 0]
    return _without_overlaps(found)


def find_hedges(texts: list[str], language: str | None) -> list[Match]:
    """Hedging phrases ("I think", "maybe", "creo que") in a run of words."""
    return _without_overlaps(_phrases(tokens(texts), texts, HEDGES[language_of(language)]))


def _is_marked_filler(toks: list[Token], i: int, lang: str) -> bool:
    token = toks[i]
    if token.norm not in MARKED_FILLERS[lang]:
        return False
    set_off = token.comma_before or token.comma_after or (token.sentence_start and token.comma_after)
    if lang == "en" and token.norm == "like":
        quotative = i > 0 and toks[i - 1].norm in QUOTATIVE_BEFORE_LIKE and not toks[i - 1].comma_after
        return set_off or quotative or (token.sentence_start and not token.sentence_end)
    if lang == "en" and token.norm in ("so", "well", "right", "okay"):
        return token.sentence_start and token.comma_after  # "So, ..." opening a sentence
    return set_off


def _phrases(toks: list[Token], texts: list[str], phrases: tuple[str, ...]) -> list[Match]:
    """Every occurrence of the given phrases; "¿sabes?" style phrases must be asked as a question."""
    found = []
    for phrase in phrases:
        needs_question = phrase.startswith("¿")
        words = normalise(phrase).split()
        for i in range(len(toks) - len(words) + 1):
            window = toks[i : i + len(words)]
            if [t.norm for t in window] != words:
                continue
            if needs_question and not window[-1].question:
                continue
            if any(t.sentence_end for t in window[:-1]):
                continue  # a phrase never spans a sentence boundary
            found.append(Match(normalise(phrase) if not needs_question else phrase, i, i + len(words) - 1))
    return found


def _without_overlaps(matches: list[Match]) -> list[Match]:
    """Longest matches first; a word belongs to at most one match. Returned in word order."""
    taken: set[int] = set()
    kept = []
    for match in sorted(matches, key=lambda m: (m.first - m.last, m.first)):
        span = set(range(match.first, match.last + 1))
        if span & taken:
            continue
        taken |= span
        kept.append(match)
    return sorted(kept, key=lambda m: m.first)


def is_word(text: str) -> bool:
    """True for a spoken word; False for a token of bare punctuation."""
    return any(ch.isalnum() for ch in text)


# One word that may be written as two. A speaking rate must not depend on the spelling: for the same
# "alright" in an MFA monologue, tiny.en wrote "All right" decoding greedily and "Alright" with beam search.
ONE_WORD_SPELLED_AS_TWO = {"en": ("all right",), "es": ()}


def second_halves(texts: list[str], language: str | None) -> set[int]:
    """Indices of words that only finish a word spelled as two ("right" of "all right"): not counted apart."""
    toks = tokens(texts)
    found = _phrases(toks, texts, ONE_WORD_SPELLED_AS_TWO[language_of(language)])
    return {m.last for m in found if not toks[m.first].comma_after}  # "all, right" is two words


# --- numbers --------------------------------------------------------------------------------------

# A number said in an answer: Whisper writes most as digits ("40%", "$200,000"), some as words. "one"
# and "uno/una" are left out: they are as often a pronoun or an article as a quantity.
_NUMBER_SIGNS = re.compile(r"[\d%$€£¥]")
NUMBER_WORDS = {
    "en": re.compile(
        r"\b(zero|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|(thir|four|fif|six|seven|eigh|nine)teen"
        r"|(twen|thir|for|fif|six|seven|eigh|nine)ty|hundreds?|thousands?|(m|b|tr)illions?|dozens?|twice|thrice"
        r"|half|halved|doubled?|tripled?|quadrupled?|percent|per cent)\b"
    ),
    "es": re.compile(
        r"\b(cero|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|trece|catorce|quince|dieci\w+|veinte"
        r"|veinti\w+|treinta|cuarenta|cincuenta|sesenta|setenta|ochenta|noventa|cien|cientos?|(dos|tres|cuatro|seis"
        r"|sete|ocho|nove)cient[oa]s|quinient[oa]s|mil|miles|millón|millon|millones|billón|billones|docenas?|doble"
        r"|triple|mitad|por ciento)\b"
    ),
}


def has_number(texts: list[str], language: str | None) -> bool:
    """True when the words hold a number: a digit, a percent or currency sign, or a number word of the
    language ("forty", "twice", "half", "million"; "cuarenta", "millones", "mitad")."""
    text = " ".join(texts).lower()
    return bool(_NUMBER_SIGNS.search(text) or NUMBER_WORDS[language_of(language)].search(text))


# --- syllables ------------------------------------------------------------------------------------

_EN_VOWELS = re.compile(r"[aeiouy]+")
_ES_STRONG = set("aeoáéíóú")
_ES_VOWELS = set("aeiouáéíóúü")
_DIGIT_SYLLABLES = {"en": 1.3, "es": 1.6}  # mean syllables per spoken digit-group character, estimated


def syllables(text: str, language: str | None) -> int:
    """Syllables in one word: vowel groups for English, vowel nuclei with diphthongs for Spanish."""
    lang = language_of(language)
    word = normalise(text)
    if not is_word(word):
        return 0
    if any(ch.isdigit() for ch in word):
        return max(1, round(sum(ch.isdigit() for ch in word) * _DIGIT_SYLLABLES[lang]))
    parts = [p for p in re.split(r"[-\s]+", word) if p]
    count = sum(_english_syllables(p) if lang == "en" else _spanish_syllables(p) for p in parts)
    return max(1, count)


def _english_syllables(word: str) -> int:
    word = re.sub(r"[^a-z]", "", word.replace("'", ""))
    if not word:
        return 1
    if len(word) <= 3:
        return 1
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and len(_EN_VOWELS.findall(word)) > 1:
        word = word[:-1]  # silent final e: "make", "style"
    elif word.endswith(("ed", "es")) and not word.endswith(
        ("ted", "ded", "ses", "zes", "ces", "ges", "xes", "shes", "ches")
    ):
        word = word[:-2]  # "worked", "makes": no extra syllable
    groups = _EN_VOWELS.findall(word)
    count = len(groups)
    count += len(re.findall(r"(ia|io|eo|ua|uo|iu)", word)) - len(
        re.findall(r"(tio|cia|cio|sio|gio|qua|quo|gua|guo)", word)
    )
    return max(1, count)


def _spanish_syllables(word: str) -> int:
    word = re.sub(r"(?<=[qg])u(?=[eéií])", "", word)  # "que", "guitarra": the u is silent
    word = re.sub(r"y$", "i", word)  # "hoy", "muy": final y is a vowel
    count = 0
    previous = ""
    for ch in word:
        if ch not in _ES_VOWELS:
            previous = ""
            continue
        if not previous or (previous in _ES_STRONG and ch in _ES_STRONG):
            count += 1  # a new nucleus: after a consonant, or a hiatus of two strong vowels
        previous = ch
    return max(1, count)

"""The rules of coaching: each judges one measure of an answer once, into the evidence that takes points
off a score, the tips that would win them back, and the praise it earns where it takes none.

Every threshold and cost a rule uses is in `norms.NORMS`; every word it says is in the text catalogs.
`feedback.assess` sums the judgements into scores.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import lexicon
from .measure import Metrics
from .norms import (
    BASELINE_PITCH_SHARE,
    LENGTH_MARGIN_S,
    MIN_TIP_POINTS,
    NORMS,
    above,
    against,
    band,
    below,
    fading_statements,
    flat_windows,
    hedges_per_100_words,
    hesitant_pauses,
    long_sentences,
    over_under,
    rising_statements,
    statements,
)
from .questions import Question
from .text import clock, judged, length_clock, reason, say
from .transcribe import Word


@dataclass(frozen=True)
class Evidence:
    """One measure judged for one score: what the report's "what moved it" lists."""

    score: str  # which score it moved
    id: str  # what was measured (compare names its measures by these ids)
    value: float | None  # the measure; None when it could not be measured
    norm: str  # the band it was judged against, or the personal baseline
    points: float  # points taken off (0 when within the norm)
    note: str  # one line for the report


@dataclass(frozen=True)
class Tip:
    """What to change, in the answer's language."""

    id: str  # which kind of tip (TIP_ORDER); compare tells resolved and new tips apart by it
    message: str  # one sentence or two: the moment, the measure, what to do
    at_s: float | None  # where in the answer; None for the answer as a whole
    points: float  # how much fixing it is worth, for ordering


@dataclass(frozen=True)
class Baseline:
    """The speaker's own earlier takes, once there are enough of them."""

    takes: int  # how many earlier takes in the answer's language
    pitch_sd: float  # their median pitch variation, semitones
    wpm: float  # their median pace, words per minute


def judge(
    metrics: Metrics, question: Question, words: tuple[Word, ...] = (), baseline: Baseline | None = None
) -> list[Judgement]:
    """What every rule found in this answer, tips not yet filtered by their worth."""
    answer = _Answer(metrics, question, words, metrics.language, baseline)
    return [rule(answer) for rule in RULES]


@dataclass(frozen=True)
class _Answer:
    """What every rule reads."""

    m: Metrics  # the answer's measures
    q: Question  # what it answered: its target length
    words: tuple[Word, ...]  # the transcript, to quote the words before a moment
    lang: str  # the answer's language: the tips' and notes'
    baseline: Baseline | None  # the speaker's earlier takes, once there are enough

    def tip(self, id: str, key: str, points: float, at_s: float | None = None, **values) -> Tip:
        return Tip(id, say(f"tip.{key}", self.lang, **values), at_s, points)

    def praise(self, key: str, **values) -> tuple[str, str]:
        return key, say(f"praise.{key}", self.lang, **values)


@dataclass(frozen=True)
class Judgement:
    """What one rule found: the evidence it took points with, the tips that win them back (worth those
    points between them), and the praise it earned where it took none."""

    evidence: tuple[Evidence, ...]
    tips: tuple[Tip, ...] = ()
    praise: tuple[tuple[str, str], ...] = ()  # (praise key, text)


# Equal tips are listed in this order, praise always in this one.
TIP_ORDER = (
    "mid_pause",
    "too_long",
    "too_short",
    "fillers",
    "hedges",
    "monotone",
    "flat",
    "uptalk",
    "trail_off",
    "fast",
    "slow",
    "long_sentence",
    "repetition",
)
PRAISE_ORDER = ("length", "pace", "fillers", "no_fillers", "pitch", "pauses", "hedges")


def _length(a: _Answer) -> Judgement:
    low, high = a.q.target_s
    length = a.m.speaking_span_s or 0.0
    over, under = over_under(length, a.q)
    capped = a.q.hard_cap_s is not None and length > a.q.hard_cap_s + LENGTH_MARGIN_S
    points = (
        NORMS["length_over"].cost(over) + NORMS["length_cap"].cost(float(capped)) + NORMS["length_under"].cost(under)
    )
    evidence = Evidence(
        "conciseness",
        "duration",
        length,
        say("norm.duration", a.lang, low=low, high=high),
        points,
        say("note.duration", a.lang, length=judged(length, 0, low, high, lang=a.lang), low=low, high=high),
    )
    shown = {"length": length_clock(length, low, high), "low": clock(low), "high": clock(high)}
    if over:
        at = (a.m.speech_start or 0.0) + high
        return Judgement((evidence,), (a.tip("too_long", "too_long", points, at, at=clock(at), **shown),))
    if under:  # an example with a number only for an answer that has none ("40 %" and "$200,000" are numbers)
        spoken = [w.text for w in a.words if not w.doubtful]
        key = "too_short" if a.words and not lexicon.has_number(spoken, a.lang) else "too_short.example"
        return Judgement((evidence,), (a.tip("too_short", key, points, **shown),))
    return Judgement((evidence,), praise=(a.praise("length", **shown),) if low <= length <= high else ())


def _fillers(a: _Answer) -> Judgement:
    f, norm = a.m.fillers, NORMS["fillers_per_100"]
    rate = f.per_100_words or 0.0
    points = norm.cost(rate)
    evidence = Evidence(
        "conciseness",
        "fillers_per_100_words",
        rate,
        band(norm, a.lang),
        points,
        say("note.fillers", a.lang, count=f.count, rate=against(norm, rate, 1, a.lang)),
    )
    if not points:
        return Judgement(
            (evidence,), praise=(a.praise("fillers", count=f.count) if f.count else a.praise("no_fillers"),)
        )
    first = f.items[0] if f.items else None
    tips = (
        ()
        if first is None
        else (
            a.tip(
                "fillers",
                "fillers.one" if f.count == 1 else "fillers",
                points,
                first.start,
                count=f.count,
                rate=against(norm, rate, 1, a.lang, norm.free),
                text=first.text,
                at=clock(first.start),
            ),
        )
    )
    return Judgement((evidence,), tips)


def _long_sentences(a: _Answer) -> Judgement:
    long, norm = long_sentences(a.m), NORMS["sentence_words"]
    points = norm.cost(len(long))
    evidence = Evidence(
        "conciseness",
        "long_sentences",
        len(long),
        band(norm, a.lang),
        points,
        say("note.long_sentences", a.lang, count=len(long), limit=norm.high),
    )
    tips = (
        (
            a.tip(
                "long_sentence",
                "long_sentence",
                points,
                long[0].start,
                at=clock(long[0].start),
                count=long[0].word_count,
            ),
        )
        if long
        else ()
    )
    return Judgement((evidence,), tips)


def _restarts(a: _Answer) -> Judgement:
    restarts = sum(s.restarts for s in a.m.sentences)
    return Judgement(
        (
            Evidence(
                "conciseness",
                "restarts",
                restarts,
                say("norm.restarts", a.lang),
                NORMS["restarts"].cost(restarts),
                say("note.restarts", a.lang, count=restarts),
            ),
        )
    )


def _repetition(a: _Answer) -> Judgement:
    repeats = [*a.m.repeated_words, *a.m.repeated_phrases]
    points = NORMS["repetition"].cost(len(repeats))
    evidence = Evidence(
        "conciseness",
        "repetition",
        len(repeats),
        say("norm.repetition", a.lang),
        points,
        say("note.repetition", a.lang, count=len(repeats)),
    )
    if not points:
        return Judgement((evidence,))
    top = max(repeats, key=lambda r: r.count)
    return Judgement((evidence,), (a.tip("repetition", "repetition", points, text=top.text, count=top.count),))


def _pitch(a: _Answer) -> Judgement:
    """Pitch variation against the norm, or against the speaker's own usual variation once there are
    enough earlier takes (the tip says which, as the score judged it); flat 10 s stretches beside it."""
    sd, norm, lang = a.m.pitch.sd_semitones, NORMS["pitch_sd"], a.lang
    usual = a.baseline.pitch_sd if a.baseline else None
    target = max(norm.low, usual * BASELINE_PITCH_SHARE) if usual is not None else norm.low
    points = 0.0 if sd is None else norm.cost(target - sd)
    evidence = Evidence(
        "enthusiasm",
        "pitch_variation",
        sd,
        say("norm.usual_pitch_sd", lang, sd=usual) if usual is not None else band(norm, lang),
        points,
        say("note.no_pitch", lang, reason=reason(a.m.pitch.reason, lang))
        if sd is None
        else say("note.pitch", lang, sd=judged(sd, 1, target, lang=lang)),
    )
    flat, flat_norm = flat_windows(a.m), NORMS["flat_window"]
    flat_points = flat_norm.cost(len(flat))
    flat_evidence = Evidence(
        "enthusiasm",
        "flat_stretches",
        len(flat),
        band(flat_norm, lang),
        flat_points,
        say("note.flat", lang, count=len(flat)),
    )
    both = (evidence, flat_evidence)
    if sd is not None and points >= MIN_TIP_POINTS:
        if target == norm.low:
            tip = a.tip("monotone", "monotone", points, sd=against(norm, sd, 1, lang), target=norm.low)
        else:  # the score judged it against the speaker's own takes: so does the tip
            tip = a.tip(
                "monotone",
                "monotone.usual",
                points,
                sd=judged(sd, 1, usual, target, lang=lang),
                usual=judged(usual, 1, sd, lang=lang),
            )
        return Judgement(both, (tip,))
    praise = (a.praise("pitch", sd=against(norm, sd, 1, lang)),) if sd is not None and not points else ()
    if flat and flat_points:
        w = flat[0]
        tip = a.tip(
            "flat",
            "flat",
            flat_points,
            w.start,
            at=clock(w.start),
            end=clock(w.end),
            sd=against(flat_norm, w.sd_semitones, 1, lang),
        )
        return Judgement(both, (tip,), praise)
    return Judgement(both, praise=praise)


def _loudness(a: _Answer) -> Judgement:
    loud, norm = a.m.loudness.sd_db, NORMS["loudness_sd"]
    return Judgement(
        (
            Evidence(
                "enthusiasm",
                "loudness_variation",
                loud,
                band(norm, a.lang),
                0.0 if loud is None else norm.cost(norm.low - loud),
                say("note.no_loudness", a.lang, reason=reason(a.m.loudness.reason, a.lang))
                if loud is None
                else say("note.loudness", a.lang, db=loud),
            ),
        )
    )


def _pace(a: _Answer) -> Judgement:
    """Pace against the sweet spot (clarity), and slow pace against the outer band (enthusiasm): one
    tip, fast or slow, worth both."""
    wpm, pace, outer, lang = a.m.words_per_minute or 0.0, NORMS["wpm"], NORMS["wpm_outer"], a.lang
    fast, slow = (above(pace, wpm), below(pace, wpm)) if wpm else (0.0, 0.0)
    usual = say("norm.usual_wpm", lang, wpm=a.baseline.wpm) if a.baseline else ""
    evidence = (
        Evidence(
            "enthusiasm",
            "pace",
            wpm,
            band(outer, lang),
            outer.cost(below(outer, wpm) if wpm else 0.0),
            say("note.pace", lang, wpm=against(outer, wpm, 0, lang)),
        ),
        Evidence(
            "clarity",
            "pace",
            wpm,
            band(pace, lang) + usual,
            pace.cost(fast + slow),
            say("note.pace", lang, wpm=against(pace, wpm, 0, lang)),
        ),
    )
    points = sum(e.points for e in evidence)
    shown = {"wpm": against(pace, wpm, 0, lang), "low": f"{pace.low:g}", "high": f"{pace.high:g}"}
    tips = tuple(a.tip(key, key, points, **shown) for key, off in (("fast", fast), ("slow", slow)) if off)
    praise = (a.praise("pace", wpm=shown["wpm"], low=pace.low, high=pace.high),) if pace.low <= wpm <= pace.high else ()
    return Judgement(evidence, tips, praise)


def _hedges(a: _Answer) -> Judgement:
    rate, norm = hedges_per_100_words(a.m), NORMS["hedges_per_100"]
    points = norm.cost(above(norm, rate))
    evidence = Evidence(
        "assertiveness",
        "hedges_per_100_words",
        rate,
        band(norm, a.lang),
        points,
        say("note.hedges", a.lang, count=a.m.hedges.count, rate=against(norm, rate, 1, a.lang)),
    )
    h = a.m.hedges.items[0] if a.m.hedges.items else None
    tips = (a.tip("hedges", "hedges", points, h.start, at=clock(h.start), text=h.text),) if h and points else ()
    return Judgement((evidence,), tips, () if a.m.hedges.count else (a.praise("hedges"),))


def _uptalk(a: _Answer) -> Judgement:
    rising, norm = rising_statements(a.m), NORMS["uptalk"]
    points = norm.cost(len(rising))
    evidence = Evidence(
        "assertiveness",
        "uptalk",
        len(rising),
        say("norm.uptalk", a.lang, band=band(norm, a.lang)),
        points,
        say("note.uptalk", a.lang, count=len(rising), total=len(statements(a.m))),
    )
    if not (rising and a.words):
        return Judgement((evidence,))
    s = rising[0]
    return Judgement(
        (evidence,),
        (a.tip("uptalk", "uptalk", points, s.end, at=clock(s.end), words=_words_before(a.words, s.last_word, 3)),),
    )


def _trailing_off(a: _Answer) -> Judgement:
    fading, norm = fading_statements(a.m), NORMS["trail_off"]
    points = norm.cost(len(fading))
    evidence = Evidence(
        "assertiveness",
        "trailing_off",
        len(fading),
        say("norm.trailing_off", a.lang, db=-norm.low),
        points,
        say("note.trailing_off", a.lang, count=len(fading)),
    )
    if not (fading and a.words):
        return Judgement((evidence,))
    s = fading[0]
    return Judgement(
        (evidence,),
        (
            a.tip(
                "trail_off", "trail_off", points, s.end, at=clock(s.end), words=_words_before(a.words, s.last_word, 2)
            ),
        ),
    )


def _mid_pauses(a: _Answer) -> Judgement:
    """Long pauses inside sentences."""
    hesitant, norm = hesitant_pauses(a.m), NORMS["mid_pause"]
    points = norm.cost(len(hesitant))
    evidence = Evidence(
        "clarity",
        "long_mid_sentence_pauses",
        len(hesitant),
        say("norm.mid_pause", a.lang, band=band(norm, a.lang)),
        points,
        say("note.mid_pauses", a.lang, count=len(hesitant), limit=norm.high),
    )
    tips = tuple(  # the first two, each winning back its share of what they cost together
        a.tip(
            "mid_pause",
            "mid_pause",
            points / len(hesitant),
            p.start,
            at=clock(p.start),
            seconds=against(norm, p.duration_s, 1, a.lang),
            before=_words_before(a.words, p.after_word) if a.words else "…",
        )
        for p in hesitant[:2]
    )
    return Judgement((evidence,), tips, () if hesitant else (a.praise("pauses"),))


def _articulation(a: _Answer) -> Judgement:
    rate, norm = a.m.syllables_per_second, NORMS["articulation"]
    off = 0.0 if rate is None else max(0.0, norm.low - rate, rate - norm.high)
    return Judgement(
        (
            Evidence(
                "clarity",
                "articulation_rate",
                rate,
                band(norm, a.lang),
                norm.cost(off),
                say("note.no_articulation", a.lang) if rate is None else say("note.articulation", a.lang, rate=rate),
            ),
        )
    )


# Every rule, in the order their evidence is listed within a score.
RULES = (
    _length,
    _fillers,
    _long_sentences,
    _restarts,
    _repetition,
    _pitch,
    _loudness,
    _pace,
    _hedges,
    _uptalk,
    _trailing_off,
    _mid_pauses,
    _articulation,
)


def _words_before(words: tuple[Word, ...], index: int, count: int = 4) -> str:
    return " ".join(w.text.strip(",.;") for w in words[max(0, index - count + 1) : index + 1])

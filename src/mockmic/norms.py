"""Norms: every band a delivery measure is judged against, what breaking it costs, and where both come
from; and which parts of an answer break one (a hesitant pause, a flat stretch, a rising statement).

`feedback.assess` scores with them; the report shows their bands and `compare` judges changes by them.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import constants
from .measure import Metrics, Pause, PitchWindow, Sentence
from .questions import Question
from .text import judged, say


@dataclass(frozen=True)
class Norm:
    """A band a measure is judged against, what breaking it costs, and where both come from."""

    low: float | None  # None: no lower bound
    high: float | None  # None: no upper bound
    unit: str  # said by the text catalogs as `unit.<unit>`
    source: str  # where the band and its cost come from, or why there is none
    validated: bool  # False where no validated norm exists and the band is our guide
    # A value this share of a bound past it is neither scored nor tipped: the measure's own error could
    # have put it there. Its source is in `source`.
    margin: float = 0.0
    points: float = 0.0  # points every `per` units past the bound take off its score (for counts: each item)
    per: float = 1.0  # units the points are for (2 points a second over: points=2; 1 point per 3 s: per=3)
    cap: float = 0.0  # the most this rule takes off its score
    free: float = 0.0  # units past the bound that cost nothing (fillers: up to 2 per 100 words)

    def cost(self, excess: float) -> float:
        """The points `excess` units past the bound take off: `points` each beyond `free`, at most `cap`."""
        return min(self.cap, max(0.0, excess - self.free) * self.points / self.per)


# words/min is within about 5% on long answers (bench/accuracy.py: -5.6% to +2.4% on the MFA monologues,
# -1.2% and -1.0% on jfk and the sonnet), so 129 or 161 words/min is not told it is off the band.
WPM_MARGIN = 0.05
WPM_MARGIN_SOURCE = "; nothing within 5% of an edge, the accuracy of words/min (bench/accuracy.py)"
OUR_COSTS = "; the points are ours"

# Every norm the scores use, with its source and its cost: the one place a rule's threshold and cost live.
NORMS = {
    # conciseness
    "length_over": Norm(
        None,
        None,
        "s",
        "the question's target (questions.py); a second over it costs 2/3 of a point, up to 40" + OUR_COSTS,
        False,
        points=1.0,
        per=1.5,
        cap=40.0,
    ),
    "length_cap": Norm(
        None, None, "s", "past the question's hard cap: 10 points more" + OUR_COSTS, False, points=10.0, cap=10.0
    ),
    "length_under": Norm(
        None,
        None,
        "s",
        "under the question's target: a third of a point a second, up to 15" + OUR_COSTS,
        False,
        points=1.0,
        per=3.0,
        cap=15.0,
    ),
    "fillers_per_100": Norm(
        None,
        5,
        "per_100_words",
        "fewer than 5 fillers per 100 words (Speaker Coach and Yoodli "
        "guidance; no validated norm); each one per 100 words above 2 costs 4 points, our guide "
        "below the 5 quoted",
        False,
        points=4.0,
        cap=30.0,
        free=2.0,
    ),
    "sentence_words": Norm(
        None,
        40,
        "words",
        "sentences over 40 words read as rambling (plain-language "
        "guidance keeps them near 15-20); the threshold is ours",
        False,
        points=5.0,
        cap=15.0,
    ),
    # counted items without a band of their own: their evidence says the norm in words (norm.restarts...)
    "restarts": Norm(None, None, "count", "none: a word repeated or cut off; our guide", False, points=2.0, cap=10.0),
    "repetition": Norm(
        None, None, "count", "few repeated words: the first is free; our guide", False, points=3.0, cap=10.0, free=1.0
    ),
    # enthusiasm
    "pitch_sd": Norm(
        2.5,
        None,
        "semitones",
        "Hincks 2005: listeners rate speech lively from a pitch variation "
        "quotient of 0.15-0.2, about 2.4-3.2 semitones" + OUR_COSTS,
        True,
        points=20.0,
        cap=50.0,
    ),
    "flat_window": Norm(
        1.5,
        None,
        "semitones_every_10s",
        "a 10 s stretch under 1.5 st sounds monotone to us; no validated norm",
        False,
        points=5.0,
        cap=15.0,
    ),
    "loudness_sd": Norm(
        3.0,
        None,
        "db",
        "no validated norm for loudness variation; below 3 dB is our guide",
        False,
        points=5.0,
        cap=10.0,
    ),
    "wpm_outer": Norm(
        100,
        165,
        "words_per_min",
        "PowerPoint Speaker Coach flags pace outside 100-165 wpm" + WPM_MARGIN_SOURCE + "; only slow costs enthusiasm",
        True,
        WPM_MARGIN,
        points=0.5,
        cap=15.0,
    ),
    # assertiveness
    "hedges_per_100": Norm(
        None,
        1.0,
        "per_100_words",
        "no validated norm; the interviewer's advice: say it, or say you do not know and ask",
        False,
        points=8.0,
        cap=50.0,
    ),
    "uptalk": Norm(
        None,
        2.0,
        "semitones",
        "a statement whose last 0.2 s rises > 2 st sounds like a question "
        "(high rising terminal); the threshold is ours",
        False,
        points=10.0,
        cap=30.0,
    ),
    "trail_off": Norm(
        -6.0,
        None,
        "db",
        "a last word 6 dB under its sentence fades out; the threshold is ours",
        False,
        points=5.0,
        cap=20.0,
    ),
    # clarity
    "wpm": Norm(
        130,
        160,
        "words_per_min",
        "130-160 wpm is the common presentation sweet spot (NCVS; Toastmasters), "
        "inside PowerPoint Speaker Coach's 100-165 band" + WPM_MARGIN_SOURCE,
        True,
        WPM_MARGIN,
        points=0.5,
        cap=25.0,
    ),
    "mid_pause": Norm(
        None,
        constants.HESITANT_PAUSE_S,
        "s",
        "pauses of 0.25-0.5 s are normal; mid-clause pauses over 1.2 s read as hesitant (Campione & Véronis 2002)",
        True,
        points=8.0,
        cap=40.0,
    ),
    "articulation": Norm(
        3.0,
        6.5,
        "syllables_per_s",
        "typical English and Spanish articulation is 4-6 syllables/s (Jacewicz et al. 2009; Pellegrino et al. 2011)",
        True,
        points=10.0,
        cap=15.0,
    ),
}

BASELINE_MIN_TAKES = 3
# With enough earlier takes, pitch variation is judged against 90% of the speaker's own median (never
# under the norm): our choice, so that an answer flatter than usual is told so.
BASELINE_PITCH_SHARE = 0.9

# A tip is listed only when fixing it wins back at least this many points (summed over the scores its
# evidence moved): our choice, not a published norm. Below it a tip is noise: 0:59 against a 1:00-1:30
# target cost 0.1 point and still drew "add an example" on an answer scored 100 across the board.
MIN_TIP_POINTS = 2.0

# A length this close outside the question's target (or past its cap) is neither scored nor tipped: our
# margin. The speaking span itself is measured within 2.3% (2 s of a 90 s answer, bench/accuracy.py),
# and 5 s either side of a target is not what an interviewer notices.
LENGTH_MARGIN_S = 5.0


def band(norm: Norm, lang: str = "en") -> str:
    """The band in words, saying so when it is our guide rather than a validated norm. A norm without
    bounds (the length norms, counted restarts and repeats) has no band: its evidence says it in words."""
    if norm.low is None and norm.high is None:
        raise ValueError(f"a norm without bounds has no band to say ({norm.source})")
    unit = say(f"unit.{norm.unit}", lang)
    if norm.low is not None and norm.high is not None:
        text = say("norm.between", lang, low=norm.low, high=norm.high, unit=unit)
    elif norm.high is not None:
        text = say("norm.under", lang, high=norm.high, unit=unit)
    else:
        text = say("norm.at_least", lang, low=norm.low, unit=unit)
    return text if norm.validated else text + say("norm.not_validated", lang)


def below(norm: Norm, value: float) -> float:
    """How far the value lies under the norm's low bound; 0 when it does not, or lies within the norm's
    margin of it, where the measure's own error could have put it."""
    return norm.low - value if norm.low is not None and value < norm.low * (1 - norm.margin) else 0.0


def above(norm: Norm, value: float) -> float:
    """How far the value lies over the norm's high bound; 0 when it does not, or lies within its margin."""
    return value - norm.high if norm.high is not None and value > norm.high * (1 + norm.margin) else 0.0


def over_under(length: float, q: Question) -> tuple[float, float]:
    """Seconds over and under the question's target; 0 within LENGTH_MARGIN_S of it."""
    low, high = q.target_s
    return (
        length - high if length > high + LENGTH_MARGIN_S else 0.0,
        low - length if length < low - LENGTH_MARGIN_S else 0.0,
    )


def against(norm: Norm, value: float, decimals: int, lang: str, *more_limits: float) -> str:
    """`judged` against the bounds the norm has (one or both), and any further limit its text names."""
    return judged(
        value, decimals, *(bound for bound in (norm.low, norm.high) if bound is not None), *more_limits, lang=lang
    )


def is_hesitant(kind: str, duration_s: float) -> bool:
    """A mid-sentence pause longer than the hesitation norm."""
    return kind == "mid_sentence" and duration_s > NORMS["mid_pause"].high


def hesitant_pauses(m: Metrics) -> list[Pause]:
    return [p for p in m.pauses.items if is_hesitant(p.kind, p.duration_s)]


def flat_windows(m: Metrics) -> list[PitchWindow]:
    """10 s stretches whose pitch varied less than the flat-window norm."""
    return [w for w in m.pitch.windows if w.sd_semitones is not None and w.sd_semitones < NORMS["flat_window"].low]


def long_sentences(m: Metrics) -> list[Sentence]:
    """Sentences over the norm's words; a silent pause of measure.SENTENCE_PAUSE_S or more ends a sentence
    where Whisper wrote no full stop (measure._sentences)."""
    return [s for s in m.sentences if s.word_count > NORMS["sentence_words"].high]


def hedges_per_100_words(m: Metrics) -> float:
    return m.hedges.count / m.word_count * 100 if m.word_count else 0.0


def statements(m: Metrics) -> list[Sentence]:
    """Sentences that are not questions and long enough to have an ending worth hearing. One ended by a
    pause where Whisper wrote no full stop is left out: it may be a clause that rises to go on."""
    return [s for s in m.sentences if not s.question and not s.ended_by_pause and s.word_count >= 3]


def rising_statements(m: Metrics) -> list[Sentence]:
    return [
        s for s in statements(m) if s.end_rise_semitones is not None and s.end_rise_semitones > NORMS["uptalk"].high
    ]


def fading_statements(m: Metrics) -> list[Sentence]:
    return [s for s in statements(m) if s.end_drop_db is not None and s.end_drop_db < NORMS["trail_off"].low]

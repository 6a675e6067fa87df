"""Coaching: `assess(metrics, question)` turns measures into four scores, their evidence, and tips.

Each score starts at 100 and loses the points its evidence costs, so every score can be explained
line by line. Tips point at moments ("At 0:42 you paused 2.3 s mid-sentence after 'and then I'"),
most costly first, and what went well is said too; tips, evidence and norms are in the answer's language,
their words in the text catalogs (`mockmic.text`).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field, replace

from . import constants, lexicon
from .measure import Metrics, Pause, PitchWindow, Sentence
from .questions import DIMENSIONS, Question
from .text import clock, judged, length_clock, reason, say
from .transcribe import Word


@dataclass(frozen=True)
class Norm:
    low: float | None  # None: no lower bound
    high: float | None  # None: no upper bound
    unit: str  # said by the text catalogs as `unit.<unit>`
    source: str  # where the band comes from, or why there is none
    validated: bool  # False where no validated norm exists and the band is our guide
    # A value this share of a bound past it is neither scored nor tipped: the measure's own error could
    # have put it there. Its source is in `source`.
    margin: float = 0.0


# words/min is within about 5% on long answers (bench/accuracy.py: -5.6% to +3.8% on the MFA monologues,
# -1.2% and +0.9% on jfk and the sonnet), so 129 or 161 words/min is not told it is off the band.
WPM_MARGIN = 0.05
WPM_MARGIN_SOURCE = "; nothing within 5% of an edge, the accuracy of words/min (bench/accuracy.py)"

# Every norm the scores use, with its source.
NORMS = {
    "wpm": Norm(130, 160, "words_per_min", "130-160 wpm is the common presentation sweet spot (NCVS; Toastmasters), "
                "inside PowerPoint Speaker Coach's 100-165 band" + WPM_MARGIN_SOURCE, True, WPM_MARGIN),
    "wpm_outer": Norm(100, 165, "words_per_min", "PowerPoint Speaker Coach flags pace outside 100-165 wpm"
                      + WPM_MARGIN_SOURCE, True, WPM_MARGIN),
    "fillers_per_100": Norm(None, 5, "per_100_words", "fewer than 5 fillers per 100 words (Speaker Coach and Yoodli "
                            "guidance; no validated norm)", False),
    "pitch_sd": Norm(2.5, None, "semitones", "Hincks 2005: listeners rate speech lively from a pitch variation "
                     "quotient of 0.15-0.2, about 2.4-3.2 semitones", True),
    "flat_window": Norm(1.5, None, "semitones", "a 10 s stretch under 1.5 st sounds monotone to us; no validated "
                        "norm", False),
    "loudness_sd": Norm(3.0, None, "db", "no validated norm for loudness variation; below 3 dB is our guide", False),
    "mid_pause": Norm(None, constants.HESITANT_PAUSE_S, "s", "pauses of 0.25-0.5 s are normal; mid-clause pauses over "
                      "1.2 s read as hesitant (Campione & Véronis 2002)", True),
    "hedges_per_100": Norm(None, 1.0, "per_100_words", "no validated norm; the interviewer's advice: say it, or "
                           "say you do not know and ask", False),
    "uptalk": Norm(None, 2.0, "semitones", "a statement whose last 0.2 s rises > 2 st sounds like a question "
                   "(high rising terminal); the threshold is ours", False),
    "trail_off": Norm(-6.0, None, "db", "a last word 6 dB under its sentence fades out; the threshold is ours", False),
    "sentence_words": Norm(None, 40, "words", "sentences over 40 words read as rambling (plain-language "
                           "guidance keeps them near 15-20); the threshold is ours", False),
    "articulation": Norm(3.0, 6.5, "syllables_per_s", "typical English and Spanish articulation is 4-6 syllables/s "
                         "(Jacewicz et al. 2009; Pellegrino et al. 2011)", True),
}  # fmt: skip

BASELINE_MIN_TAKES = 3

# A tip is listed only when fixing it wins back at least this many points (summed over the scores its
# evidence moved): our choice, not a published norm. Below it a tip is noise: 0:59 against a 1:00-1:30
# target cost 0.1 point and still drew "add an example" on an answer scored 100 across the board.
MIN_TIP_POINTS = 2.0

# A length this close outside the question's target (or past its cap) is neither scored nor tipped: our
# margin. The speaking span itself is measured within 2.3% (2 s of a 90 s answer, bench/accuracy.py),
# and 5 s either side of a target is not what an interviewer notices.
LENGTH_MARGIN_S = 5.0

# Fillers per 100 words that cost nothing ("hardly any", praised instead); each filler per 100 words
# above it costs 4 points. Our guide, below the 5 per 100 words of the norm the report quotes.
FILLERS_FREE_PER_100 = 2.0


@dataclass(frozen=True)
class Evidence:
    score: str  # which score it moved
    id: str  # what was measured
    value: float | None
    norm: str  # the band it was judged against, or the personal baseline
    points: float  # points taken off (0 when within the norm)
    note: str  # one line for the report


@dataclass(frozen=True)
class Tip:
    id: str
    message: str
    at_s: float | None  # where in the answer; None for the answer as a whole
    points: float  # how much fixing it is worth, for ordering


@dataclass(frozen=True)
class Baseline:
    """The speaker's own earlier takes, once there are enough of them."""

    takes: int
    pitch_sd: float
    wpm: float


@dataclass(frozen=True)
class Feedback:
    scores: dict[str, int | None]  # conciseness, enthusiasm, assertiveness, clarity: 0-100; None: not judged
    evidence: tuple[Evidence, ...]
    tips: tuple[Tip, ...]  # 3-5, most valuable first
    went_well: tuple[str, ...]
    language: str
    question_id: str
    comparisons: dict[str, str] = field(default_factory=dict)  # score -> "norms" or "your N earlier takes", in its language

    def as_dict(self) -> dict:
        return {
            "question": self.question_id,
            "scores": self.scores,
            "evidence": {
                name: [
                    {"id": e.id, "value": None if e.value is None else round(e.value, 3), "norm": e.norm,
                     "points": round(e.points, 1), "note": e.note}
                    for e in self.evidence if e.score == name
                ]
                for name in self.scores
            },
            "tips": [{"id": t.id, "message": t.message, "at_s": t.at_s} for t in self.tips],
            "went_well": list(self.went_well),
            "compared_with": self.comparisons,
            "language": self.language,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict) -> "Feedback":
        evidence = tuple(
            Evidence(score, e["id"], e["value"], e["norm"], e["points"], e["note"])
            for score, items in data["evidence"].items() for e in items
        )  # fmt: skip
        tips = tuple(Tip(t["id"], t["message"], t["at_s"], 0.0) for t in data["tips"])
        return cls(
            scores=data["scores"], evidence=evidence, tips=tips, went_well=tuple(data["went_well"]),
            language=data.get("language", "en"), question_id=data["question"], comparisons=data.get("compared_with", {}),
        )  # fmt: skip


def baseline_from(previous: list[Metrics], language: str) -> Baseline | None:
    """The median pitch variation and pace of earlier takes in the same language (Spanish and English
    are spoken at different rates), from BASELINE_MIN_TAKES takes on."""
    usable = [m for m in previous if m.language == language and m.pitch.sd_semitones is not None and m.words_per_minute]
    if len(usable) < BASELINE_MIN_TAKES:
        return None
    return Baseline(
        takes=len(usable),
        pitch_sd=statistics.median(m.pitch.sd_semitones for m in usable),
        wpm=statistics.median(m.words_per_minute for m in usable),
    )


def assess(
    metrics: Metrics, question: Question, words: tuple[Word, ...] = (), baseline: Baseline | None = None
) -> Feedback:
    """Scores, the evidence behind each, and tips for this answer to this question."""
    lang = metrics.language
    norms = say("norm.norms", lang)
    if not metrics.word_count:  # nothing was said: nothing to score, and no zeros to drag a progress chart down
        return Feedback(
            scores=dict.fromkeys(DIMENSIONS, None), evidence=(), tips=(), went_well=(), language=lang,
            question_id=question.id, comparisons=dict.fromkeys(DIMENSIONS, norms),
        )  # fmt: skip
    evidence = [
        *_conciseness(metrics, question, lang),
        *_enthusiasm(metrics, baseline, lang),
        *_assertiveness(metrics, lang),
        *_clarity(metrics, baseline, lang),
    ]
    scores = {
        name: int(round(max(0.0, 100 - sum(e.points for e in evidence if e.score == name))))
        for name in DIMENSIONS
    }
    if metrics.pitch.sd_semitones is None:
        scores["enthusiasm"] = None  # pitch and loudness carry 75 of its points: pace alone gave a hoarse take 100
    # A tip is worth the points its evidence took off (every score it moved), the same judgement as the
    # score's, and is listed only from MIN_TIP_POINTS on.
    worth: dict[str, float] = {}
    for e in evidence:
        worth[e.id] = worth.get(e.id, 0.0) + e.points
    tips = sorted(
        (t for t in _tips(metrics, question, words, lang, worth, baseline) if t.points >= MIN_TIP_POINTS),
        key=lambda t: -t.points,
    )
    comparison = say("norm.baseline_takes", lang, takes=baseline.takes) if baseline else norms
    return Feedback(
        scores=scores,
        evidence=tuple(evidence),
        tips=tuple(tips[:5]) if len(tips) >= 3 else tuple(tips),
        went_well=tuple(_went_well(metrics, question, lang, worth)),
        language=lang,
        question_id=question.id,
        # clarity's pace is scored on the norm alone; the speaker's usual pace is only shown beside it
        comparisons={"conciseness": norms, "enthusiasm": comparison, "assertiveness": norms, "clarity": norms},
    )


# --- scores --------------------------------------------------------------------------------------


def band(norm: Norm, lang: str = "en") -> str:
    """The band in words, saying so when it is our guide rather than a validated norm."""
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
    return (length - high if length > high + LENGTH_MARGIN_S else 0.0,
            low - length if length < low - LENGTH_MARGIN_S else 0.0)  # fmt: skip


def _conciseness(m: Metrics, q: Question, lang: str) -> list[Evidence]:
    low, high = q.target_s
    length = m.speaking_span_s or 0.0
    over, under = over_under(length, q)
    capped = q.hard_cap_s is not None and length > q.hard_cap_s + LENGTH_MARGIN_S
    points = min(40.0, over / 1.5) + (10.0 if capped else 0.0) + min(15.0, under / 3)
    fillers = m.fillers.per_100_words or 0.0
    long = long_sentences(m)
    restarts = sum(s.restarts for s in m.sentences)
    repeats = len(m.repeated_words) + len(m.repeated_phrases)
    return [
        Evidence("conciseness", "duration", length, say("norm.duration", lang, low=low, high=high), points,
                 say("note.duration", lang, length=judged(length, 0, low, high, lang=lang), low=low, high=high)),
        Evidence("conciseness", "fillers_per_100_words", fillers, band(NORMS["fillers_per_100"], lang),
                 min(30.0, max(0.0, fillers - FILLERS_FREE_PER_100) * 4), say("note.fillers", lang, count=m.fillers.count, rate=against(NORMS["fillers_per_100"], fillers, 1, lang))),
        Evidence("conciseness", "long_sentences", len(long), band(NORMS["sentence_words"], lang),
                 min(15.0, 5.0 * len(long)), say("note.long_sentences", lang, count=len(long), limit=NORMS["sentence_words"].high)),
        Evidence("conciseness", "restarts", restarts, say("norm.restarts", lang), min(10.0, 2.0 * restarts),
                 say("note.restarts", lang, count=restarts)),
        Evidence("conciseness", "repetition", repeats, say("norm.repetition", lang),
                 min(10.0, 3.0 * max(0, repeats - 1)), say("note.repetition", lang, count=repeats)),
    ]  # fmt: skip


def _enthusiasm(m: Metrics, baseline: Baseline | None, lang: str) -> list[Evidence]:
    sd = m.pitch.sd_semitones
    target = max(NORMS["pitch_sd"].low, baseline.pitch_sd * 0.9) if baseline else NORMS["pitch_sd"].low
    norm = say("norm.usual_pitch_sd", lang, sd=baseline.pitch_sd) if baseline else band(NORMS["pitch_sd"], lang)
    flat = flat_windows(m)
    loud = m.loudness.sd_db
    wpm = m.words_per_minute or 0.0
    slow = below(NORMS["wpm_outer"], wpm) if wpm else 0.0
    return [
        Evidence("enthusiasm", "pitch_variation", sd, norm,
                 0.0 if sd is None else min(50.0, max(0.0, target - sd) * 20),
                 say("note.no_pitch", lang, reason=reason(m.pitch.reason, lang)) if sd is None else say("note.pitch", lang, sd=judged(sd, 1, target, lang=lang))),
        Evidence("enthusiasm", "flat_stretches", len(flat), band(replace(NORMS["flat_window"], unit="semitones_every_10s"), lang),
                 min(15.0, 5.0 * len(flat)), say("note.flat", lang, count=len(flat))),
        Evidence("enthusiasm", "loudness_variation", loud, band(NORMS["loudness_sd"], lang),
                 0.0 if loud is None else min(10.0, max(0.0, NORMS["loudness_sd"].low - loud) * 5),
                 say("note.no_loudness", lang, reason=reason(m.loudness.reason, lang)) if loud is None else say("note.loudness", lang, db=loud)),
        Evidence("enthusiasm", "pace", wpm, band(NORMS["wpm_outer"], lang), min(15.0, slow / 2), say("note.pace", lang, wpm=against(NORMS["wpm_outer"], wpm, 0, lang))),
    ]  # fmt: skip


def _assertiveness(m: Metrics, lang: str) -> list[Evidence]:
    hedges = hedges_per_100_words(m)
    rising, fading = rising_statements(m), fading_statements(m)
    return [
        Evidence("assertiveness", "hedges_per_100_words", hedges, band(NORMS["hedges_per_100"], lang),
                 min(50.0, above(NORMS["hedges_per_100"], hedges) * 8),
                 say("note.hedges", lang, count=m.hedges.count,
                     rate=against(NORMS["hedges_per_100"], hedges, 1, lang))),
        Evidence("assertiveness", "uptalk", len(rising), say("norm.uptalk", lang, band=band(NORMS["uptalk"], lang)),
                 min(30.0, 10.0 * len(rising)), say("note.uptalk", lang, count=len(rising), total=len(_statements(m)))),
        Evidence("assertiveness", "trailing_off", len(fading),
                 say("norm.trailing_off", lang, db=-NORMS["trail_off"].low),
                 min(20.0, 5.0 * len(fading)), say("note.trailing_off", lang, count=len(fading))),
    ]  # fmt: skip


def _clarity(m: Metrics, baseline: Baseline | None, lang: str) -> list[Evidence]:
    wpm = m.words_per_minute or 0.0
    pace = NORMS["wpm"]
    off = below(pace, wpm) + above(pace, wpm) if wpm else 0.0
    hesitant = hesitant_pauses(m)
    rate = m.syllables_per_second
    art = NORMS["articulation"]
    art_off = 0.0 if rate is None else max(0.0, art.low - rate, rate - art.high)
    norm = band(pace, lang) + (say("norm.usual_wpm", lang, wpm=baseline.wpm) if baseline else "")
    limit = NORMS["mid_pause"].high
    return [
        Evidence("clarity", "pace", wpm, norm, min(25.0, off / 2), say("note.pace", lang, wpm=against(NORMS["wpm"], wpm, 0, lang))),
        Evidence("clarity", "long_mid_sentence_pauses", len(hesitant), say("norm.mid_pause", lang, band=band(NORMS["mid_pause"], lang)),
                 min(40.0, 8.0 * len(hesitant)), say("note.mid_pauses", lang, count=len(hesitant), limit=limit)),
        Evidence("clarity", "articulation_rate", rate, band(art, lang), min(15.0, art_off * 10),
                 say("note.no_articulation", lang) if rate is None else say("note.articulation", lang, rate=rate)),
    ]  # fmt: skip


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


def _statements(m: Metrics) -> list[Sentence]:
    """Sentences that are not questions and long enough to have an ending worth hearing. One ended by a
    pause where Whisper wrote no full stop is left out: it may be a clause that rises to go on."""
    return [s for s in m.sentences if not s.question and not s.ended_by_pause and s.word_count >= 3]


def rising_statements(m: Metrics) -> list[Sentence]:
    return [s for s in _statements(m) if s.end_rise_semitones is not None and s.end_rise_semitones > NORMS["uptalk"].high]


def fading_statements(m: Metrics) -> list[Sentence]:
    return [s for s in _statements(m) if s.end_drop_db is not None and s.end_drop_db < NORMS["trail_off"].low]


# --- tips ----------------------------------------------------------------------------------------

def against(norm: Norm, value: float, decimals: int, lang: str, *more_limits: float) -> str:
    """`judged` against the bounds the norm has (one or both), and any further limit its text names."""
    return judged(value, decimals, *(bound for bound in (norm.low, norm.high) if bound is not None), *more_limits, lang=lang)


def _words_before(words: tuple[Word, ...], index: int, count: int = 4) -> str:
    return " ".join(w.text.strip(",.;") for w in words[max(0, index - count + 1) : index + 1])


def _tips(
    m: Metrics, q: Question, words: tuple[Word, ...], lang: str, worth: dict[str, float], baseline: Baseline | None
) -> list[Tip]:
    """Each tip is worth what its evidence took off (`worth`, by evidence id), so a tip is given exactly
    when its score lost points, and its points order the tips."""
    tip = lambda key, **kw: say(f"tip.{key}", lang, **kw)  # noqa: E731
    tips: list[Tip] = []
    hesitant = hesitant_pauses(m)
    for p in hesitant[:2]:  # each pause wins back its share of what they cost together
        before = _words_before(words, p.after_word) if words else "…"
        tips.append(Tip("mid_pause", tip("mid_pause", at=clock(p.start), seconds=against(NORMS["mid_pause"], p.duration_s, 1, lang), before=before), p.start, worth["long_mid_sentence_pauses"] / len(hesitant)))
    low, high = q.target_s
    length = m.speaking_span_s or 0.0
    over, under = over_under(length, q)
    if over:
        at = (m.speech_start or 0.0) + high
        tips.append(Tip("too_long", tip("too_long", length=length_clock(length, low, high), low=clock(low), high=clock(high), at=clock(at)), at, worth["duration"]))
    elif under:
        # an example with a number only for an answer that has none ("40 %" and "$200,000" are numbers)
        spoken = [w.text for w in words if not w.doubtful]
        key = "too_short" if words and not lexicon.has_number(spoken, lang) else "too_short.example"
        tips.append(Tip("too_short", tip(key, length=length_clock(length, low, high), low=clock(low), high=clock(high)), None, worth["duration"]))
    rate = m.fillers.per_100_words or 0.0
    if m.fillers.items and worth["fillers_per_100_words"]:
        first = m.fillers.items[0]
        tips.append(Tip("fillers", tip("fillers.one" if m.fillers.count == 1 else "fillers", count=m.fillers.count, rate=against(NORMS["fillers_per_100"], rate, 1, lang, FILLERS_FREE_PER_100), text=first.text, at=clock(first.start)), first.start, worth["fillers_per_100_words"]))
    if m.hedges.items and worth["hedges_per_100_words"]:
        h = m.hedges.items[0]
        tips.append(Tip("hedges", tip("hedges", at=clock(h.start), text=h.text), h.start,
                        worth["hedges_per_100_words"]))
    sd = m.pitch.sd_semitones
    flat = flat_windows(m)
    if sd is not None and worth["pitch_variation"] >= MIN_TIP_POINTS:
        norm = NORMS["pitch_sd"]
        if sd < norm.low or baseline is None:
            tips.append(Tip("monotone", tip("monotone", sd=against(norm, sd, 1, lang), target=norm.low), None, worth["pitch_variation"]))
        else:  # within the norm, but flatter than the speaker's own takes, as the score judged it
            usual = judged(baseline.pitch_sd, 1, sd, lang=lang)
            tips.append(Tip("monotone", tip("monotone.usual", sd=judged(sd, 1, baseline.pitch_sd, lang=lang), usual=usual), None, worth["pitch_variation"]))
    elif flat and worth["flat_stretches"]:
        w = flat[0]
        tips.append(Tip("flat", tip("flat", at=clock(w.start), end=clock(w.end), sd=against(NORMS["flat_window"], w.sd_semitones, 1, lang)), w.start, worth["flat_stretches"]))
    rising = rising_statements(m)
    if rising and words:
        s = rising[0]
        tips.append(Tip("uptalk", tip("uptalk", at=clock(s.end), words=_words_before(words, s.last_word, 3)), s.end, worth["uptalk"]))
    fading = fading_statements(m)
    if fading and words:
        s = fading[0]
        tips.append(Tip("trail_off", tip("trail_off", at=clock(s.end), words=_words_before(words, s.last_word, 2)), s.end, worth["trailing_off"]))
    wpm = m.words_per_minute or 0.0
    pace = NORMS["wpm"]
    for key, off in (("fast", above(pace, wpm)), ("slow", below(pace, wpm))):
        if wpm and off:  # worth the pace's cost in clarity, and in enthusiasm when slow
            tips.append(Tip(key, tip(key, wpm=against(pace, wpm, 0, lang), low=f"{pace.low:g}", high=f"{pace.high:g}"), None, worth["pace"]))
    long = long_sentences(m)
    if long:
        tips.append(Tip("long_sentence", tip("long_sentence", at=clock(long[0].start), count=long[0].word_count), long[0].start, worth["long_sentences"]))
    repeats = [*m.repeated_words, *m.repeated_phrases]
    if repeats and worth["repetition"]:
        top = max(repeats, key=lambda r: r.count)
        tips.append(Tip("repetition", tip("repetition", text=top.text, count=top.count), None, worth["repetition"]))
    return tips


def _went_well(m: Metrics, q: Question, lang: str, worth: dict[str, float]) -> list[str]:
    """Praise only where the score lost nothing for it."""
    praise = lambda key, **kw: say(f"praise.{key}", lang, **kw)  # noqa: E731
    good = []
    low, high = q.target_s
    length = m.speaking_span_s or 0.0
    if low <= length <= high:
        good.append(praise("length", length=length_clock(length, low, high), low=clock(low), high=clock(high)))
    wpm = m.words_per_minute or 0.0
    if NORMS["wpm"].low <= wpm <= NORMS["wpm"].high:
        pace = NORMS["wpm"]
        good.append(praise("pace", wpm=against(pace, wpm, 0, lang), low=pace.low, high=pace.high))
    if not worth["fillers_per_100_words"]:
        good.append(praise("fillers", count=m.fillers.count) if m.fillers.count else praise("no_fillers"))
    if m.pitch.sd_semitones is not None and not worth["pitch_variation"]:
        good.append(praise("pitch", sd=against(NORMS["pitch_sd"], m.pitch.sd_semitones, 1, lang)))
    if not hesitant_pauses(m):
        good.append(praise("pauses"))
    if not m.hedges.count:
        good.append(praise("hedges"))
    return good

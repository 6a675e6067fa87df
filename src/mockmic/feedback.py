"""Coaching: `assess(metrics, question)` turns measures into four scores, their evidence, and tips,
summing what each rule of `rules.py` judged.

Each score starts at 100 and loses the points its evidence costs, so every score can be explained
line by line. Tips point at moments ("At 0:42 you paused 2.3 s mid-sentence after 'and then I'"),
most costly first, and what went well is said too; tips, evidence and norms are in the answer's language,
their words in the text catalogs (`mockmic.text`).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from .measure import Metrics, noisy_room
from .norms import BASELINE_MIN_TAKES, MIN_TIP_POINTS
from .questions import DIMENSIONS, Question
from .rules import PRAISE_ORDER, TIP_ORDER, Baseline, Evidence, Tip, judge
from .text import say
from .transcribe import Word


@dataclass(frozen=True)
class Feedback:
    scores: dict[str, int | None]  # conciseness, enthusiasm, assertiveness, clarity: 0-100; None: not judged
    evidence: tuple[Evidence, ...]
    tips: tuple[Tip, ...]  # 3-5, most valuable first
    went_well: tuple[str, ...]
    language: str
    question_id: str
    # score -> "norms" or "your N earlier takes", in its language
    comparisons: dict[str, str] = field(default_factory=dict)


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
    """Scores, the evidence behind each, and tips for this answer to this question: the sum of what
    every rule judged (`RULES`), each rule judging its own measure once."""
    lang = metrics.language
    norms = say("norm.norms", lang)
    loud_room = noisy_room(metrics.loudness)  # words, pauses and pitch come out wrong there (constants)
    if not metrics.word_count or loud_room:  # nothing to score, and no zeros to drag a progress chart down
        why = say("note.noisy_room", lang) if loud_room else None  # nothing said: nothing more to say
        return Feedback(
            scores=dict.fromkeys(DIMENSIONS, None),
            evidence=tuple(Evidence(name, "room", None, norms, 0.0, why) for name in DIMENSIONS if why),
            tips=(),
            went_well=(),
            language=lang,
            question_id=question.id,
            comparisons=dict.fromkeys(DIMENSIONS, norms),
        )
    judgements = judge(metrics, question, words, baseline)
    evidence = sorted((e for j in judgements for e in j.evidence), key=lambda e: DIMENSIONS.index(e.score))
    scores = {
        name: int(round(max(0.0, 100 - sum(e.points for e in evidence if e.score == name)))) for name in DIMENSIONS
    }
    if metrics.pitch.sd_semitones is None:
        scores["enthusiasm"] = None  # pitch and loudness carry 75 of its points: pace alone gave a hoarse take 100
    # a tip is worth the points its rule's evidence took off (every score it moved), listed from
    # MIN_TIP_POINTS on; equal ones keep TIP_ORDER
    tips = sorted(
        (t for j in judgements for t in j.tips if t.points >= MIN_TIP_POINTS),
        key=lambda t: (-t.points, TIP_ORDER.index(t.id)),
    )
    praise = sorted((p for j in judgements for p in j.praise), key=lambda p: PRAISE_ORDER.index(p[0]))
    comparison = say("norm.baseline_takes", lang, takes=baseline.takes) if baseline else norms
    return Feedback(
        scores=scores,
        evidence=tuple(evidence),
        tips=tuple(tips[:5]) if len(tips) >= 3 else tuple(tips),
        went_well=tuple(text for _, text in praise),
        language=lang,
        question_id=question.id,
        # clarity's pace is scored on the norm alone; the speaker's usual pace is only shown beside it
        comparisons={"conciseness": norms, "enthusiasm": comparison, "assertiveness": norms, "clarity": norms},
    )

"""Keyword-built measures for tests that need an answer without a model: a clean answer to start from
(`metrics()`), and one builder per part, each filling what follows from its items (counts, totals) so a
test names only what it is about. Positional construction breaks, or silently means something else,
whenever a dataclass gains or reorders a field; these builders change in one place instead."""

from __future__ import annotations

from dataclasses import replace

from mockmic import measure as m
from mockmic.transcribe import Word


def word(text: str, start: float, end: float, probability: float = 0.9, *, doubtful: bool = False) -> Word:
    return Word(text, start, end, probability, doubtful)


def words(
    text: str, *, start: float = 0.5, end: float = 0.8, step: float = 0.4, probability: float = 0.9
) -> tuple[Word, ...]:
    """One word per space-separated piece of `text`, the first from `start` to `end`, each next `step` later."""
    return tuple(Word(piece, start + i * step, end + i * step, probability) for i, piece in enumerate(text.split()))


# The clean answer `metrics()` describes: 14 words, as assess's tips quote them.
ANSWER_WORDS = words("So I lead a team and then I shipped the checkout service to production.")


def pause(
    start: float, duration_s: float, *, kind: str = "mid_sentence", after_word: int = 0, end: float | None = None
) -> m.Pause:
    """A silent pause; `end` defaults to `start + duration_s`."""
    return m.Pause(start, start + duration_s if end is None else end, duration_s, kind, after_word)


def pauses(
    *items: m.Pause, per_minute: float = 0.0, min_pause_s: float = 0.25, long_pause_s: float = 1.0, **changes: object
) -> m.Pauses:
    """The pauses of an answer: count, total, longest and long count follow from `items`."""
    built = m.Pauses(
        min_pause_s=min_pause_s,
        long_pause_s=long_pause_s,
        count=len(items),
        total_s=sum(p.duration_s for p in items) if items else 0.0,
        longest_s=max((p.duration_s for p in items), default=None),
        per_minute=per_minute,
        long_count=sum(p.duration_s >= long_pause_s for p in items),
        items=items,
    )
    return replace(built, **changes)


def marked(text: str, start: float, end: float, first_word: int, last_word: int | None = None) -> m.Marked:
    """A filler or hedge: its words, times and word indices (one word unless `last_word` says otherwise)."""
    return m.Marked(text, start, end, first_word, first_word if last_word is None else last_word)


def fillers(
    *items: m.Marked,
    count: int | None = None,
    per_100_words: float = 0.0,
    per_minute: float = 0.0,
    probable_untranscribed: tuple[m.Span, ...] = (),
) -> m.Fillers:
    """Fillers; `count` defaults to the items'."""
    return m.Fillers(len(items) if count is None else count, per_100_words, per_minute, items, probable_untranscribed)


def hedges(*items: m.Marked, count: int | None = None) -> m.Hedges:
    return m.Hedges(len(items) if count is None else count, items)


def pitch(
    *,
    median_hz: float | None = 120.0,
    sd_semitones: float | None = 3.2,
    range_semitones: float | None = 8.0,
    voiced_fraction: float | None = 0.6,
    windows: tuple[m.PitchWindow, ...] | None = None,
    reason: str | None = None,
) -> m.Pitch:
    """Lively pitch by default: 3.2 st overall, every 10 s window of the 75 s answer at 3.0 st."""
    if windows is None:
        windows = tuple(m.PitchWindow(t, t + 10, 3.0) for t in range(0, 70, 10))
    return m.Pitch(median_hz, sd_semitones, range_semitones, voiced_fraction, windows, reason)


def no_pitch(reason: str = m.TOO_LITTLE_VOICE) -> m.Pitch:
    """No pitch measured, with its reason (whispered, hoarse, no voice)."""
    return m.Pitch(None, None, None, None, (), reason)


def sentence(
    *,
    start: float,
    end: float,
    first_word: int,
    last_word: int,
    word_count: int | None = None,
    question: bool = False,
    end_rise_semitones: float | None = -3.0,
    end_drop_db: float | None = -1.0,
    restarts: int = 0,
    ended_by_pause: bool = False,
) -> m.Sentence:
    """A sentence; a calm statement by default (falls 3 st, fades 1 dB). `word_count` defaults to its span."""
    count = last_word - first_word + 1 if word_count is None else word_count
    return m.Sentence(
        start, end, first_word, last_word, count, question, end_rise_semitones, end_drop_db, restarts, ended_by_pause
    )


def metrics(**changes: object) -> m.Metrics:
    """A clean 75 s answer at 145 wpm with lively pitch, one calm sentence over `ANSWER_WORDS`: nothing to
    criticise. `changes` replace whole fields."""
    base = m.Metrics(
        language="en",
        duration_s=76.0,
        speaking_span_s=75.0,
        speaking_time_s=70.0,
        speech_start=0.5,
        speech_end=75.5,
        word_count=181,
        words_per_minute=145.0,
        articulation_rate_wpm=155.0,
        syllables_per_second=4.5,
        pauses=pauses(),
        pitch=pitch(),
        loudness=m.Loudness(7.0),
        fillers=fillers(),
        hedges=hedges(),
        repeated_words=(),
        repeated_phrases=(),
        sentences=(sentence(start=0.5, end=5.6, first_word=0, last_word=len(ANSWER_WORDS) - 1),),
    )
    return replace(base, **changes)


def short_answer() -> tuple[tuple[Word, ...], m.Metrics]:
    """A 4 s answer with a filler, a hedge, a hesitant pause, a repeated phrase and no pitch."""
    words = (
        word("Um,", 0.1, 0.3),
        word("I", 0.4, 0.5),
        word("think", 0.5, 0.8),
        word("we", 0.8, 1.0),
        word("shipped", 2.8, 3.2),
        word("it.", 3.2, 3.5),
    )
    answer = metrics(
        duration_s=4.0,
        speaking_span_s=3.4,
        speaking_time_s=1.6,
        speech_start=0.1,
        speech_end=3.5,
        word_count=5,
        words_per_minute=88.2,
        articulation_rate_wpm=187.5,
        syllables_per_second=3.1,
        pauses=pauses(pause(1.0, 1.8, after_word=3), per_minute=17.6),
        pitch=no_pitch(m.TOO_LITTLE_VOICE),
        loudness=m.Loudness(6.5),
        fillers=fillers(
            marked("um", 0.1, 0.3, 0), per_100_words=20.0, per_minute=17.6, probable_untranscribed=(m.Span(3.6, 3.9),)
        ),
        hedges=hedges(marked("i think", 0.4, 0.8, 1, 2)),
        repeated_phrases=(m.Repeat("shipped it", 2),),
        sentences=(),
    )
    return words, answer

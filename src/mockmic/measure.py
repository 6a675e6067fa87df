"""Measuring how an answer was said: a pure function of (audio, transcript) into `Metrics`.

Timing comes from the audio (the VAD and the pitch track), never from Whisper's word gaps, which absorb
silence; the words say what was said and where sentences end.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from . import constants, lexicon, vad
from .audio import Audio, high_passed, without_rumble
from .pitch import PitchOptions, PitchTrack, semitones, steady, track_pitch, without_octave_jumps
from .transcribe import Transcript, Word
from .vad import VoiceMap, VoiceOptions, frame_db

# Why a measure is missing: codes kept in `reason`, said in words by the text catalogs (`reason.<code>`,
# mockmic.text.reason, which also reads the English sentences that takes stored before the codes hold).
NO_WORDS = "no_words"
TOO_LITTLE_VOICE = "too_little_voice"  # for pitch: whispered, hoarse, or buried in noise?
NOISY_ROOM = "noisy_room"  # for pitch: the voice is too little above the room (constants.NOISY_ROOM_SNR_DB)
NO_VOICE_NEAR_WORDS = "no_voice_near_words"
NO_VOICED_SPEECH = "no_voiced_speech"  # for loudness, as for pitch
QUIET_WINDOW = "quiet_window"  # too little voiced speech in a pitch window


@dataclass(frozen=True, kw_only=True)
class MeasureOptions:
    """What counts as a pause, a long pause, an untranscribed filler, a pitch window."""

    min_pause_s: float = constants.MIN_PAUSE_S  # shorter silences are part of articulation
    long_pause_s: float = constants.LONG_PAUSE_S  # pauses at least this long are marked as long
    edge_tolerance_s: float = 0.25  # voice this close to the first/last word still opens/closes the span
    probable_filler_min_s: float = constants.PROBABLE_FILLER_MIN_S  # voice without words this long...
    probable_filler_voiced_s: float = 0.1  # ...and with this much pitch in it is a probable filler
    pitch_window_s: float = 10.0  # pitch variation is also given per window of this length (the last up to 1.5x)
    min_voiced_s: float = 1.0  # less voiced speech than this gives no pitch figures
    min_voiced_share: float = 0.35  # nor does a voice voiced in less of its speech than this (hoarse: see below)
    repeated_min_count: int = 3  # a content word is "repeated" from this many uses
    # Between two words, a run this long of frames this far under the candidate's voice is another voice
    # or the room, even where Silero hears a voice (vad.without_quieter_voices). Chosen on bench/room.py:
    # 10 dB and 0.2 s took pause recall with a voice 20 / 15 dB under the candidate from 0.80 / 0.65 to
    # 0.91 / 0.84 and kept clean, laptop, noise and echo recall within 0.01 (pauses up to 20 ms longer);
    # 12 dB found fewer, 0.1 s cut more soft word ends.
    quieter_voice_db: float = 10.0
    quieter_voice_min_s: float = 0.2
    # When those runs take this share of the speaking span, another voice is talking (bench/room.py: at
    # most 1.7% clean, in noise, echo, the laptop band and at every level; 7.6-16.6% with a voice 10-20 dB
    # under a studio answer) and a run this long is cut inside a word's stamps too: voice15 recall 0.84 ->
    # 0.93. Runs of 0.3 s without the share's condition became 9 invented pauses in the clean answers and
    # 31 in the laptop band; with it, 0.3 s still cut 3 more of the candidate's own quiet stretches under
    # the other voice ("forces": 0.32 s) than 0.35 s, which finds the same pauses; 0.4 s lost one.
    quieter_voice_heard_share: float = 0.04
    quieter_voice_in_word_min_s: float = 0.35
    # A cut's edges are where the level comes this close to the run's median (the other voice's or the
    # room's level): the clean pauses' median error 40 -> 20 ms, as the candidate's fading ends stay theirs.
    quieter_voice_edge_db: float = 3.0
    # Once another voice is heard, a stretch between two words that stays this far under the candidate is
    # that voice's loud syllables, and each voice region's edges grow this far over the candidate's
    # fricatives (vad.candidate_voice): frames whose level in the fricative band (sibilants carry their
    # energy above ~4 kHz, vowels little: Jongman, Wayland & Wong 2000, JASA 108:1252) comes this close to
    # the candidate's there. Chosen on bench/room.py (island 4-6 dB, fricative 5-12 dB, 3.5-5 kHz and
    # 0.12-0.3 s all within 10 ms of each other) and checked on its held-out mixes of other seeds and
    # voices: voice15's median pause error 95 -> 80 ms (held out 65 -> 65), precision 0.84 -> 0.93 (0.93 ->
    # 0.99); voice10's 190 -> 95 ms (230 -> 100). bench/README.md, "Session 8".
    quieter_voice_island_db: float = 5.0
    fricative_band_hz: float = 4000.0
    fricative_db: float = 10.0
    fricative_reach_s: float = 0.2
    voice: VoiceOptions = field(default_factory=VoiceOptions)  # how voice is told from silence, breath and noise
    pitch: PitchOptions = field(default_factory=PitchOptions)  # how pitch is tracked


@dataclass(frozen=True)
class Span:
    start: float  # seconds
    end: float  # seconds


@dataclass(frozen=True)
class Pause:
    start: float  # seconds, where the voice stopped
    end: float  # seconds, where it started again
    duration_s: float
    kind: str  # "between_sentences" or "mid_sentence"
    after_word: int  # index in the transcript of the last word before the pause


@dataclass(frozen=True)
class Pauses:
    min_pause_s: float  # the definition used: silences at least this long inside the speaking span
    long_pause_s: float  # pauses at least this long count as long
    count: int
    total_s: float
    longest_s: float | None  # None when there is no pause
    per_minute: float | None  # per minute of speaking span; None without a span
    long_count: int
    items: tuple[Pause, ...]


@dataclass(frozen=True)
class PitchWindow:
    start: float
    end: float
    sd_semitones: float | None  # None when the window holds too little voiced speech
    reason: str | None = None  # why sd_semitones is None


@dataclass(frozen=True)
class Pitch:
    median_hz: float | None
    sd_semitones: float | None  # spread around the speaker's own median (steady frames): comparable across voices
    range_semitones: float | None  # 10th to 90th percentile, of the same frames
    voiced_fraction: float | None  # share of the speech frames that are voiced
    windows: tuple[PitchWindow, ...]
    reason: str | None = None  # why the figures are None


@dataclass(frozen=True)
class Loudness:
    sd_db: float | None  # spread of the level over voiced frames
    reason: str | None = None
    speech_dbfs: float | None = None  # the median level of voiced frames (above the rumble), dB full scale
    snr_db: float | None = None  # speech_dbfs over the room's median level where nothing is said


@dataclass(frozen=True)
class Marked:
    """A filler or hedge: what was said, and when."""

    text: str
    start: float
    end: float
    first_word: int  # index of its first word in the transcript
    last_word: int


@dataclass(frozen=True)
class Fillers:
    count: int
    per_100_words: float | None
    per_minute: float | None
    items: tuple[Marked, ...]
    probable_untranscribed: tuple[Span, ...]  # voiced stretches no word covers: fillers Whisper dropped?


@dataclass(frozen=True)
class Hedges:
    count: int
    items: tuple[Marked, ...]


@dataclass(frozen=True)
class Repeat:
    text: str
    count: int


@dataclass(frozen=True)
class Sentence:
    """One sentence as punctuated by Whisper, or ended by a long silent pause where Whisper wrote no full
    stop (`SENTENCE_PAUSE_S`), with how its ending sounded."""

    start: float
    end: float
    first_word: int
    last_word: int
    word_count: int  # counted as the answer's word_count is
    question: bool  # ends with "?"
    end_rise_semitones: float | None  # last 0.2 s of voiced pitch against the sentence's median; > 0 rises
    end_drop_db: float | None  # level of the last word against the sentence's median level; < 0 fades
    restarts: int  # a word said twice in a row ("I I") or cut off ("wh-")
    ended_by_pause: bool = False  # ended at a silent pause of SENTENCE_PAUSE_S or more, not at a full stop


@dataclass(frozen=True)
class Metrics:
    """Everything measured about one answer. None means "not measurable", with a reason beside it."""

    language: str  # lexicon used: "en" or "es"
    duration_s: float
    speaking_span_s: float | None  # first speech onset to last offset
    speaking_time_s: float | None  # the span minus its pauses
    speech_start: float | None
    speech_end: float | None
    word_count: int  # words without fillers
    words_per_minute: float | None  # word_count over the speaking span
    articulation_rate_wpm: float | None  # word_count over the speaking time
    syllables_per_second: float | None  # syllables of those words over the speaking time
    pauses: Pauses
    pitch: Pitch
    loudness: Loudness
    fillers: Fillers
    hedges: Hedges
    repeated_words: tuple[Repeat, ...]  # content words used repeated_min_count times or more
    repeated_phrases: tuple[Repeat, ...]  # two- and three-word phrases said more than once
    sentences: tuple[Sentence, ...] = ()  # in order
    reason: str | None = None  # why rates are None (no words)


def warm_up() -> None:
    """Load what measuring needs (scipy.signal for the rumble filter, SwiftF0's ONNX session and its
    first run) by measuring the pitch of a second of a 150 Hz tone: about 1.5 s of a cold `analyze` on a
    busy 2-core machine, nearly all of it importing scipy.signal (SwiftF0 itself: 0.04 s once that is
    loaded), that the pipeline spends on a second thread while the engine decodes."""
    rate = constants.SAMPLE_RATE
    tone = (0.1 * np.sin(2 * np.pi * 150 * np.arange(rate) / rate)).astype(np.float32)
    track_pitch(without_rumble(tone, rate), [(0.0, 1.0)])


def measure(
    audio: Audio,
    transcript: Transcript,
    options: MeasureOptions = MeasureOptions(),
    *,
    voice_map: VoiceMap | None = None,
) -> Metrics:
    """The delivery metrics of one answer; `voice_map` is `vad.voice_map` of the audio when the caller
    has it already (the pipeline makes it once for transcribing too), made again if its voice options
    are not `options.voice`."""
    words = transcript.words
    language = lexicon.language_of(transcript.language)
    texts = [w.text for w in words]
    trusted = tuple(w for w in words if not w.doubtful)  # words Whisper doubts are shown, never counted
    fillers = _trusted(words, _marked(words, lexicon.find_fillers(texts, language)))
    hedges = _trusted(words, _marked(words, lexicon.find_hedges(texts, language)))
    in_filler = _indices(fillers)

    if voice_map is None or voice_map.options != options.voice:
        voice_map = vad.voice_map(audio.samples, options=options.voice)
    regions = _speech_in_span(list(voice_map.voice), trusted, options)
    if trusted and not regions:  # whispered: Silero hears no voice, the energy gate still finds the speech
        regions = _speech_in_span(list(voice_map.loud), trusted, options)
    candidate = vad.candidate_voice(
        regions,
        voice_map.levels,
        [(w.start, w.end) for w in trusted],
        below_db=options.quieter_voice_db,
        min_s=options.quieter_voice_min_s,
        min_voice_s=options.voice.min_speech_ms / 1000,
        squeezed_s=constants.INSTANT_WORD_S,
        in_word_min_s=options.quieter_voice_in_word_min_s,
        heard_share=options.quieter_voice_heard_share,
        edge_db=options.quieter_voice_edge_db,
        island_db=options.quieter_voice_island_db,
        fricative_levels=lambda: vad.frame_levels(  # only once another voice is heard: a pass over the take
            high_passed(audio.samples, options.fricative_band_hz, audio.sample_rate), audio.sample_rate
        ),
        fricative_db=options.fricative_db,
        fricative_reach_s=options.fricative_reach_s,
    )
    regions = list(candidate.regions)
    span = (regions[0][0], regions[-1][1]) if regions else None
    span_s = span[1] - span[0] if span else None
    heard = {
        i
        for i, w in enumerate(words)
        if not w.doubtful
        and lexicon.is_word(w.text)
        and _voiced_around(w, span, options)
        and _said_by_candidate(w, candidate.others)
    }
    spoken = [words[i] for i in sorted(heard - in_filler)]
    counted = heard - in_filler - lexicon.second_halves(texts, language)  # the words of word_count
    content = [words[i] for i in sorted(counted)]
    plain_at = sorted(heard - in_filler - _indices(hedges))  # where each word the repeats count was said
    plain = [words[i] for i in plain_at]
    pauses = _pauses(regions, words, lexicon.hesitations(texts, language), span_s, options)
    speaking_s = span_s - pauses.total_s if span_s else None
    samples = without_rumble(audio.samples, audio.sample_rate)  # Silero reads the full signal: see RUMBLE_CUTOFF_HZ
    track = _pitch_of_candidate(track_pitch(samples, regions, options=options.pitch), candidate.others)
    levels = _levels_on_track(samples, audio.sample_rate, track)
    syllables = sum(lexicon.syllables(w.text, language) for w in spoken)
    loudness = _loudness(levels, track, voice_map.speech)
    return Metrics(
        language=language,
        duration_s=audio.duration_s,
        speaking_span_s=span_s,
        speaking_time_s=speaking_s,
        speech_start=span[0] if span else None,
        speech_end=span[1] if span else None,
        word_count=len(content),
        words_per_minute=_rate(len(content), span_s, 60),
        articulation_rate_wpm=_rate(len(content), speaking_s, 60),
        syllables_per_second=_rate(syllables, speaking_s, 1),
        pauses=pauses,
        pitch=Pitch(None, None, None, None, (), NOISY_ROOM) if noisy_room(loudness) else _pitch(track, span, options),
        loudness=loudness,
        fillers=Fillers(
            count=len(fillers),
            per_100_words=_rate(len(fillers), len(content), 100),
            per_minute=_rate(len(fillers), span_s, 60),
            items=tuple(fillers),
            probable_untranscribed=_voice_without_words(regions, words, track, options),
        ),
        hedges=Hedges(count=len(hedges), items=tuple(hedges)),
        repeated_words=_repeated_words(plain, language, options.repeated_min_count),  # hedges are counted apart
        repeated_phrases=_repeated_phrases(plain, plain_at, language),
        sentences=_sentences(words, counted, track, levels, pauses.items),
        reason=NO_WORDS if not words else None if span else NO_VOICE_NEAR_WORDS,
    )


def _trusted(words: tuple[Word, ...], marked: list[Marked]) -> list[Marked]:
    """The fillers or hedges none of whose words Whisper doubts."""
    return [m for m in marked if not any(w.doubtful for w in words[m.first_word : m.last_word + 1])]


def _indices(marked: list[Marked]) -> set[int]:
    return {i for m in marked for i in range(m.first_word, m.last_word + 1)}


def _rate(count: float, per: float | None, scale: float) -> float | None:
    return count / per * scale if per else None


def _marked(words: tuple[Word, ...], matches: list[lexicon.Match]) -> list[Marked]:
    return [
        Marked(
            text=lexicon.as_written(m.text),
            start=words[m.first].start,
            end=words[m.last].end,
            first_word=m.first,
            last_word=m.last,
        )
        for m in matches
    ]


def _speech_in_span(
    regions: list[tuple[float, float]], words: tuple[Word, ...], options: MeasureOptions
) -> list[tuple[float, float]]:
    """The VAD's speech regions that belong to the answer: those near the transcribed words.

    A cough or a chair creak long before the first word is not where the answer starts.
    """
    if not words:
        return []
    first = words[0].start - options.edge_tolerance_s
    last = words[-1].end + options.edge_tolerance_s
    return [(s, e) for s, e in regions if e >= first and s <= last]


def _voiced_around(word: Word, span: tuple[float, float] | None, options: MeasureOptions) -> bool:
    """False for a word in the silence before or after the answer: Whisper's invented "Yeah." or
    "Thank you." at the end of a recording (tiny.en added "Yeah." 1.1 s after cold_corpus3's last word)."""
    if span is None:
        return True  # no voice found at all: the words are all there is to count
    return word.start <= span[1] + options.edge_tolerance_s and word.end >= span[0] - options.edge_tolerance_s


def _said_by_candidate(word: Word, others: np.ndarray | None) -> bool:
    """False for a word all of whose frames (20 ms either side of its stamps) are another voice's (`others`:
    once another voice is heard, `quieter_voice_db` under the candidate's level or its louder syllables
    between the words; vad.CandidateVoice): its words, not the candidate's (bench/room.py: with a voice
    15 dB under a studio answer, 17 of its words were counted and words per minute read +7.7%; -1.7%
    without them). In a room without another voice, a soft word is the candidate's and counts."""
    if others is None:
        return True
    first = max(0, round(word.start * 100) - 2)  # frame levels are 10 ms apart
    frames = others[first : max(first + 1, round(word.end * 100) + 2)]
    return len(frames) == 0 or not frames.all()


def _pitch_of_candidate(track: PitchTrack, others: np.ndarray | None) -> PitchTrack:
    """The track without another voice's frames (`others`, as in `_said_by_candidate`): the tracker followed
    that voice there (bench/room.py: pitch sd with a voice 20 / 15 dB under a studio answer +0.56 / +1.70 st
    off the clean answer's, +0.28 / +0.71 without those frames)."""
    if others is None:
        return track
    n = min(len(others), len(track.f0_hz))
    quiet = np.zeros(len(track.f0_hz), bool)
    quiet[:n] = others[:n]  # both on the 10 ms grid
    return PitchTrack(times=track.times, f0_hz=np.where(quiet, np.nan, track.f0_hz), speech=track.speech)


def _pauses(
    regions: list[tuple[float, float]],
    words: tuple[Word, ...],
    hesitations: set[int],
    span_s: float | None,
    options: MeasureOptions,
) -> Pauses:
    items = tuple(
        _pause(end, start, words, hesitations)
        for (_, end), (start, _) in zip(regions, regions[1:])
        if start - end >= options.min_pause_s
    )
    total = sum(p.duration_s for p in items)
    return Pauses(
        min_pause_s=options.min_pause_s,
        long_pause_s=options.long_pause_s,
        count=len(items),
        total_s=total,
        longest_s=max((p.duration_s for p in items), default=None),
        per_minute=_rate(len(items), span_s, 60),
        long_count=sum(p.duration_s >= options.long_pause_s for p in items),
        items=items,
    )


def _pause(start: float, end: float, words: tuple[Word, ...], hesitations: set[int]) -> Pause:
    """A silence, classified by whether the last word before it, hesitation sounds aside, ended a sentence:
    in "...the original one. Uh, [1.4 s] and here's..." the speaker is planning the next sentence. A
    filler that is a word ("I mean, [1.2 s] why this job?") has begun the sentence. The words before it
    are those that began before it did: Whisper may start the next word inside the silence, and the
    transcript shows the pause where it began."""
    before = max((i for i, w in enumerate(words) if w.start < start), default=0)
    said = next((i for i in range(before, -1, -1) if i not in hesitations), None)
    ends_sentence = said is None or bool(lexicon.SENTENCE_END.search(words[said].text))
    kind = "between_sentences" if ends_sentence else "mid_sentence"
    start, end = (
        round(start, 3),
        round(end, 3),
    )  # region edges lie on a 10 ms grid; 1.2 s must not be 1.2000000000000002
    return Pause(start=start, end=end, duration_s=round(end - start, 3), kind=kind, after_word=before)


def _pitch(track: PitchTrack, span: tuple[float, float] | None, options: MeasureOptions) -> Pitch:
    if span is None:
        return Pitch(None, None, None, None, (), reason=NO_WORDS)
    inside = (track.times >= span[0]) & (track.times <= span[1])
    f0 = track.f0_hz[inside]
    kept, median = without_octave_jumps(f0)
    hop = options.pitch.hop_s
    speech_frames = int(np.sum(track.speech & inside))
    # A hoarse voice is voiced in little of its speech, and its pitch there does not follow the speaker:
    # on the MFA speaker with a cold (voiced in 21% and 30% of it) SwiftF0 read 3.1, 2.3 and 3.1 st on
    # the original, a monotone and a x1.5 resynthesis (bench/pitch.py). Modal voices in the corpus are
    # voiced in 46-72% of their speech (jfk, the sonnet, MFA, LibriSpeech, fda, ptdb, the samples).
    enough = len(kept) * hop >= options.min_voiced_s and len(kept) >= options.min_voiced_share * speech_frames
    if median is None or not enough:
        return Pitch(None, None, None, None, (), reason=TOO_LITTLE_VOICE)
    held = steady(track.f0_hz, round(options.pitch.steady_edge_s / hop))
    tones = _variation(held[inside], median)
    tones = tones if len(tones) else semitones(kept, median)  # only runs too short to hold a steady frame
    p10, p90 = np.percentile(tones, [10, 90])
    return Pitch(
        median_hz=median,
        sd_semitones=float(np.std(tones)),
        range_semitones=float(p90 - p10),
        voiced_fraction=len(kept) / speech_frames if speech_frames else None,
        windows=_pitch_windows(track.times, held, span, median, options),
    )


def _variation(f0_hz: np.ndarray, median: float) -> np.ndarray:
    """Semitones around the speaker's median of the voiced values within PITCH_OUTLIER_SEMITONES of it."""
    tones = semitones(f0_hz[np.isfinite(f0_hz)], median)
    return tones[np.abs(tones) <= constants.PITCH_OUTLIER_SEMITONES]


def _pitch_windows(
    times: np.ndarray, held: np.ndarray, span: tuple[float, float], median: float, options: MeasureOptions
) -> tuple[PitchWindow, ...]:
    """Pitch variation per window of the span, on the `steady` frames `held` at `times`."""
    windows = []
    start = span[0]
    while start < span[1]:
        end = start + options.pitch_window_s
        end = span[1] if span[1] - end < options.pitch_window_s / 2 else end  # no 20 ms window at the end
        tones = _variation(held[(times >= start) & (times < end)], median)
        enough = len(tones) * options.pitch.hop_s >= options.min_voiced_s
        windows.append(
            PitchWindow(start, end, float(np.std(tones))) if enough else PitchWindow(start, end, None, QUIET_WINDOW)
        )
        start = end
    return tuple(windows)


def _levels_on_track(samples: np.ndarray, sample_rate: int, track: PitchTrack) -> np.ndarray:
    """The level in dB of a 20 ms frame centred on each pitch frame."""
    hop = int(round((track.times[1] - track.times[0]) * sample_rate)) if len(track.times) > 1 else 160
    levels = frame_db(samples, 2 * hop, hop, pad=hop)
    missing = len(track.times) - len(levels)  # the pitch grid can hold one frame more
    return np.pad(levels, (0, missing), mode="edge") if missing > 0 else levels[: len(track.times)]


MIN_ROOM_S = 0.5  # less silence than this says nothing of the room's level


def noisy_room(loudness: Loudness) -> bool:
    """The voice stands too little above the room for its words, pauses or pitch to come out right
    (constants.NOISY_ROOM_SNR_DB): pitch is not read, and nothing is scored (feedback.assess)."""
    return loudness.snr_db is not None and loudness.snr_db < constants.NOISY_ROOM_SNR_DB


def _loudness(levels: np.ndarray, track: PitchTrack, said: tuple[tuple[float, float], ...]) -> Loudness:
    """The spread and level of the voiced frames, and how far the voice stands above the room: the
    median level of the frames outside everything said (`VoiceMap.speech`)."""
    voiced = track.voiced
    if voiced.sum() < 2:
        return Loudness(None, reason=NO_VOICED_SPEECH)
    inside = np.zeros(len(track.times), dtype=bool)
    for start, end in said:
        inside |= (track.times >= start) & (track.times < end)
    speech = float(np.median(levels[voiced]))
    room = levels[~inside]
    step = float(track.times[1] - track.times[0]) if len(track.times) > 1 else 0.01
    snr = speech - float(np.median(room)) if len(room) * step >= MIN_ROOM_S else None
    return Loudness(sd_db=float(np.std(levels[voiced])), speech_dbfs=round(speech, 1), snr_db=snr and round(snr, 1))


# A silent pause this long ends a sentence even where Whisper wrote no full stop: it often leaves one
# out across a pause (issue 15: a "44-word sentence" was two, either side of a 0.8 s pause). Our
# threshold, between the 0.25 s shortest pause (MIN_PAUSE_S) and the 1.2 s a pause inside a sentence
# takes to sound hesitant (Campione & Véronis 2002).
SENTENCE_PAUSE_S = 0.7


def _sentences(
    words: tuple[Word, ...], counted: set[int], track: PitchTrack, levels: np.ndarray, pauses: tuple[Pause, ...] = ()
) -> tuple[Sentence, ...]:
    """Sentences as Whisper punctuated them, also ended at a silent pause of SENTENCE_PAUSE_S or more."""
    at_pause = {p.after_word for p in pauses if p.kind == "mid_sentence" and p.duration_s >= SENTENCE_PAUSE_S}
    sentences, first = [], 0
    for i, word in enumerate(words):
        full_stop = bool(lexicon.SENTENCE_END.search(word.text))
        if full_stop or i in at_pause or i == len(words) - 1:
            ended_by_pause = not full_stop and i in at_pause and i < len(words) - 1
            continued = bool(sentences) and sentences[-1].ended_by_pause
            sentences.append(_sentence(words, first, i, counted, track, levels, ended_by_pause, continued))
            first = i + 1
    return tuple(sentences)


def _sentence(
    words: tuple[Word, ...],
    first: int,
    last: int,
    counted: set[int],
    track: PitchTrack,
    levels: np.ndarray,
    ended_by_pause: bool = False,
    continued: bool = False,
) -> Sentence:
    """One sentence; `continued` when the one before it ended at a pause, not a full stop, so that a word
    said again across the pause ("I [0.8 s] I think") is still a restart."""
    start, end = words[first].start, words[last].end
    inside = (track.times >= start) & (track.times <= end + 0.1) & track.voiced
    f0, level = track.f0_hz[inside], levels[inside]
    last_word = (track.times >= words[last].start) & (track.times <= end + 0.1) & track.voiced
    rise = drop = None
    if len(f0) >= 30:  # 0.3 s of voice: enough to tell an ending from the body
        tones = semitones(f0, float(np.median(f0)))
        rise = float(np.median(tones[-20:]) - np.median(tones[:-20]))
    if len(level) >= 30 and last_word.sum() >= 5:
        drop = float(np.median(levels[last_word]) - np.median(level))
    norms = [lexicon.normalise(w.text) for w in words[first - continued : last + 1]]
    restarts = sum(a == b and a != "" for a, b in zip(norms, norms[1:]))
    restarts += sum(w.text.rstrip(",.").endswith("-") for w in words[first : last + 1])
    return Sentence(
        start=start,
        end=end,
        first_word=first,
        last_word=last,
        word_count=sum(1 for i in range(first, last + 1) if i in counted),
        question=words[last].text.rstrip("\"')").endswith("?"),
        end_rise_semitones=rise,
        end_drop_db=drop,
        restarts=restarts,
        ended_by_pause=ended_by_pause,
    )


def _voice_without_words(
    regions: list[tuple[float, float]], words: tuple[Word, ...], track: PitchTrack, options: MeasureOptions
) -> tuple[Span, ...]:
    """Stretches of voice of at least probable_filler_min_s that no transcribed word overlaps.

    Voice comes from the VAD rather than the pitch track alone: hesitations are often creaky, and pYIN
    (the tracker then) found voicing in only part of the "um"s of the MFA monologues; but some voicing is
    required, which tells a hesitation from a cough or a sniff the VAD let through.
    """
    found = []
    for start, end in regions:
        pieces = [(start, end)]
        for word in words:
            pieces = [part for a, b in pieces for part in _minus((a, b), (word.start, word.end))]
        found += [
            Span(a, b)
            for a, b in pieces
            if b - a >= options.probable_filler_min_s
            and _voiced_seconds(track, a, b) >= options.probable_filler_voiced_s
        ]
    return tuple(found)


def _voiced_seconds(track: PitchTrack, start: float, end: float) -> float:
    inside = (track.times >= start) & (track.times < end)
    return float(np.sum(track.voiced[inside])) * (track.times[1] - track.times[0])


def _minus(span: tuple[float, float], cut: tuple[float, float]) -> list[tuple[float, float]]:
    """What is left of span after removing cut."""
    (a, b), (c, d) = span, cut
    if d <= a or c >= b:
        return [span]
    return [part for part in ((a, c), (d, b)) if part[1] > part[0]]


def _repeated_words(content: list[Word], language: str, min_count: int) -> tuple[Repeat, ...]:
    stop = lexicon.STOPWORDS[language]
    counts = Counter(n for w in content if (n := lexicon.normalise(w.text)) not in stop and len(n) > 2)
    return tuple(Repeat(text, n) for text, n in counts.most_common(5) if n >= min_count)


def _repeated_phrases(content: list[Word], said_at: list[int], language: str) -> tuple[Repeat, ...]:
    """Phrases of 2-3 words said more than once; only words said one after another make a phrase, so
    "so, yeah, I guess I'm" with its filler and hedge taken out is not "so yeah I'm"."""
    stop = lexicon.STOPWORDS[language]
    norms = [lexicon.normalise(w.text) for w in content]
    counts: Counter[str] = Counter()
    for size in (3, 2):
        for i in range(len(norms) - size + 1):
            gram = norms[i : i + size]
            if all(g in stop for g in gram) or said_at[i + size - 1] - said_at[i] != size - 1:
                continue
            counts[lexicon.as_written(" ".join(gram))] += 1
    repeated = [(text, n) for text, n in counts.most_common() if n >= 2]
    longest_first = [r for r in repeated if not any(r[0] != o[0] and r[0] in o[0] and o[1] >= r[1] for o in repeated)]
    return tuple(Repeat(text, n) for text, n in longest_first[:5])

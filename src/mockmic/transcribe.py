"""Transcription that invents nothing: verbatim words with timestamps, fillers kept, loops refused.

Whisper was trained on text with "um" and "uh" removed, so it drops them unless a prompt full of them
is shown first; but that prompt also sends it into loops ("I mean, I mean, ...") and invents fillers
on longer answers. So each stretch of the answer is decoded twice:

1. without the prompt, for the words; a decoding that repeats a phrase back to back is decoded again
   in two halves, and repeats that survive are dropped; voice the decoding left (nearly) without
   words is decoded again on its own;
2. with the filler prompt, for the hesitations only: an "um" or "uh" of the prompted decoding is kept
   when it sits between the same two words in both decodings and on audio with a voice in it; voice
   alone in a pause is decoded on its own with the prompt.

The audio is cut into stretches that fit Whisper's 30 s window, in the widest pauses, never in a word;
no long silence is decoded (Whisper invents words on silence): inside a stretch a long pause is
shortened, and the silence between stretches is left out.

On an engine that decodes two at once (faster-whisper on two cores), the prompted decodings and the
lone-voice probes run on a second thread beside the plain ones; the words are the same either way.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

import numpy as np

from . import constants, lexicon, memo, vad
from .audio import Audio
from .engine import DecodeOptions, Engine, Segment, Word
from .models import ENGINE
from .vad import VoiceMap

# Told how far a long step has come: (the step's name, done, total), in the step's own units.
Progress = Callable[[str, float, float], None]

__all__ = ["Word", "Transcript", "TranscribeOptions", "transcribe", "language_probabilities"]

# Whisper's training normaliser removed "um" and "uh", so it drops them unless a short prompt shows
# them. These prompts are the ones measured best in bench/fillers.py (numbers in models/README.md).
VERBATIM_PROMPTS = {
    "en": "Um, uh, so, uh, I mean, like, hmm.",
    "es": "Eh, este, o sea, eh, mmm, pues, bueno.",
}


@dataclass(frozen=True)
class Transcript:
    """What was said, word by word."""

    words: tuple[Word, ...]  # in time order
    language: str | None  # ISO 639-1 code, detected or given; None when nothing was said to detect
    model: str  # the Whisper model's name
    engine: str = ENGINE  # what produced the words
    heard_language: str | None = None  # what language detection heard, when it ran

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


@dataclass(frozen=True, kw_only=True)
class TranscribeOptions:
    """How an answer is transcribed; the defaults keep fillers and refuse to invent text."""

    language: str = "en"  # "en" or "es": found by `pipeline` before transcribing
    verbatim: bool = True  # take the hesitations ("um", "uh") from a second, prompted decoding
    prompt: str | None = None  # a prompt of your own for that decoding instead of the verbatim one
    beam_size: int = constants.BEAM_SIZE  # 1 decodes greedily


def transcribe(
    audio: Audio,
    engine: Engine,
    options: TranscribeOptions = TranscribeOptions(),
    *,
    heard_language: str | None = None,
    progress: Progress | None = None,
    voice_map: VoiceMap | None = None,
    beside: Callable[[], None] | None = None,
    still_recording: bool = False,
) -> Transcript:
    """Words with timestamps for the audio, or an empty transcript when nothing was said; `progress`
    is told how many seconds of speech are decoded, of how many; `voice_map` is `vad.voice_map` of the
    audio when the caller has it already; `beside` is work of the caller's for the second thread once
    the prompted decodings are done (done before this returns). All that was said is decoded; Silero's
    voice alone is where skipped sentences and lone hesitations are sought.

    Each stretch's words are remembered by its audio, voice and options (`STRETCHES`): the same
    stretch again is not decoded again. `still_recording` says the audio is a take's beginning (live.py):
    its last stretch may still grow, so it is left out unless the voice has been quiet at its end for
    SETTLED_AFTER_S (then it is what an analysis of the finished take decodes, if nothing more is said)."""
    language = options.language if engine.multilingual else "en"
    voice_map = vad.voice_map(audio.samples) if voice_map is None else voice_map
    voice, speech = voice_map.voice, voice_map.speech
    empty = Transcript(
        words=(), language=language, model=engine.model, engine=engine.name, heard_language=heard_language
    )
    if sum(end - start for start, end in speech) < constants.MIN_SPEECH_S:  # Whisper invents words on noise
        if beside:
            beside()
        return empty
    prompt = options.prompt or (VERBATIM_PROMPTS.get(language) if options.verbatim else None)
    pieces = stretches(audio.samples, speech, levels=voice_map.levels)
    if still_recording and audio.duration_s - speech[-1][1] < constants.SETTLED_AFTER_S:
        pieces = pieces[:-1]
    decode = DecodeOptions(language=language, beam_size=options.beam_size)
    # the prompted decoding is greedy at temperature 0 only: what Whisper hears only by sampling is no
    # evidence of a filler, sampling from a seed the other decoding thread also sets is not repeatable,
    # and on bench/speed.py's answer its checks failed on all three stretches, each failure costing
    # two sampled decodings whose best was the greedy one anyway (1.1 s a stretch against 0.65 s)
    prompted_options = replace(decode, prompt=prompt, beam_size=constants.PROMPTED_BEAM_SIZE, temperatures=(0.0,))
    keys = [
        memo.digest(
            engine.name,
            engine.model,
            id(engine),
            decode,
            prompted_options,
            *piece.parts(audio.samples, audio.sample_rate),  # the clip's pieces, not a copy of them all
            piece.speech(speech),
            piece.speech(voice),
        )
        for piece in pieces
    ]
    found_in = {n: words for n, key in enumerate(keys) if (words := STRETCHES.get(key)) is not None}
    todo = [n for n in range(len(pieces)) if n not in found_in]
    clips = {n: pieces[n].clip(audio.samples, audio.sample_rate) for n in todo}
    total = round(sum(pieces[n].duration for n in todo), 1)
    decoding_beside = bool(prompt) and engine.workers > 1  # the second thread's prompted decodings come first
    ahead = PROMPTED_AHEAD if decoding_beside else 1 if prompt else 0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mockmic-beside") as second:
        prompted: dict[int, Future] = {}
        heard: dict[int, Future] = {}  # each stretch's words
        queued: dict[Future, tuple[Callable, tuple]] = {}  # work on the second thread, and what it is
        for i, n in enumerate(todo):
            piece, clip = pieces[n], clips[n]
            if progress:
                progress("transcribing", round(sum(pieces[m].duration for m in todo[:i]), 1), total)
            for later in todo[i : i + ahead]:
                if later not in prompted:
                    prompted[later] = _soon(engine, second, engine.decode, clips[later], prompted_options)
            if beside and (not decoding_beside or i + ahead >= len(todo)):
                queued[second.submit(beside)] = (beside, ())  # queued after the last prompted decoding
                beside = None
            found = _unlooped(engine, clip, decode, piece.speech(speech))
            found = [doubted(w) for w in with_skipped_voice(engine, clip, found, piece.speech(voice), decode)]
            if prompt:  # voice alone is probed only where Silero hears a voice: elsewhere it was a click
                found = with_hesitations(found, _words(prompted.pop(n).result()), piece.speech(speech), language)
                probe = (engine, clip, found, piece.speech(voice), prompted_options)
                heard[n] = _soon(engine, second, with_lone_hesitations, *probe)
                queued[heard[n]] = (with_lone_hesitations, probe)
            else:
                heard[n] = _soon(engine, None, list, found)
        if beside:
            queued[second.submit(beside)] = (beside, ())
        # the second thread is behind the first: what it has not started, this one does, in the order
        # queued (the last stretch's probes, the caller's `beside`; cold analyze of 79 s: 0.5 s sooner)
        here = {
            waiting: _soon(engine, None, work, *args) for waiting, (work, args) in queued.items() if waiting.cancel()
        }
        for n, found_in_piece in ((n, here.get(f, f)) for n, f in heard.items()):
            found_in[n] = tuple(found_in_piece.result())
            STRETCHES.put(keys[n], found_in[n])
    words = [pieces[n].placed(w) for n in range(len(pieces)) for w in found_in[n]]
    return replace(empty, words=tuple(words))


# The words of the last stretches decoded, by the engine that decoded them (one loaded engine: its
# threads set its int8 sums), their audio, voice and options (memo.py): a take analysed while it is
# recorded decodes each stretch once, and the analysis of its file finds them. 64 stretches hold the
# longest practice answer (10 min) twice over.
STRETCHES = memo.Remembered(64)


# The prompted decodings run on a second thread this many stretches ahead (the current one and the
# next): it is quicker than the plain decoding and its probes, and stays near enough that the
# encoding both share is still kept (engine.ENCODINGS_KEPT). The probes for lone hesitations follow
# them there, as nothing after a stretch depends on them.
PROMPTED_AHEAD = 2


def _soon(engine: Engine, second: ThreadPoolExecutor | None, work: Callable, *args) -> Future:
    """`work(*args)` under way on the `second` thread while the caller decodes too when the engine can
    run two decodings at once (faster-whisper with two cores); otherwise done now."""
    if second is not None and engine.workers > 1:
        return second.submit(work, *args)
    done: Future = Future()
    done.set_result(work(*args))
    return done


def language_probabilities(audio: Audio, engine: Engine, voice_map: VoiceMap | None = None) -> dict[str, float]:
    """How likely each language is, from the first 30 s after anything is said (multilingual engine);
    `voice_map` is `vad.voice_map` of the audio when the caller has it already."""
    said = (vad.voice_map(audio.samples) if voice_map is None else voice_map).speech
    first = int(said[0][0] * audio.sample_rate) if said else 0
    window = audio.samples[first : first + 30 * audio.sample_rate]
    key = memo.digest(engine.name, engine.model, id(engine), window)
    if (probabilities := DETECTED.get(key)) is None:
        probabilities = engine.language_probabilities(window)
        DETECTED.put(key, probabilities)
    return dict(probabilities)


DETECTED = memo.Remembered(4)  # language_probabilities by its 30 s window (memo.py), as STRETCHES


# --- stretches of at most one window --------------------------------------------------------------


@dataclass(frozen=True)
class Stretch:
    """Part of the answer decoded in one go: pieces of the audio played back to back. A pause longer
    than PAUSE_KEPT_S inside it is shortened to that, as Whisper invents text in long silence; cutting
    the stretch there instead made Whisper end a sentence in the middle of one."""

    pieces: tuple[tuple[float, float], ...]  # (start, end) seconds of the audio, in order

    @property
    def duration(self) -> float:
        return sum(end - start for start, end in self.pieces)

    def clip(self, samples: np.ndarray, sample_rate: int) -> np.ndarray:
        return np.concatenate(self.parts(samples, sample_rate))

    def parts(self, samples: np.ndarray, sample_rate: int) -> list[np.ndarray]:
        """The samples of each piece (views: nothing copied)."""
        return [samples[int(a * sample_rate) : int(b * sample_rate)] for a, b in self.pieces]

    def placed(self, word: Word) -> Word:
        """A word of the clip timed in the original audio."""
        return replace(word, start=self.original(word.start), end=self.original(word.end))

    def original(self, t: float) -> float:
        """The time in the audio of a time in the clip."""
        offset = 0.0
        for start, end in self.pieces:
            if t <= offset + end - start:
                return round(start + max(0.0, t - offset), 3)
            offset += end - start
        return round(self.pieces[-1][1], 3)

    def speech(self, speech: list[tuple[float, float]]) -> list[tuple[float, float]]:
        """The speech regions inside the stretch, in clip time."""
        inside, offset = [], 0.0
        for start, end in self.pieces:
            inside += [
                (round(offset + max(a, start) - start, 3), round(offset + min(b, end) - start, 3))
                for a, b in speech
                if a < end and b > start
            ]
            offset += end - start
        return inside


def stretches(
    samples: np.ndarray,
    speech: Sequence[tuple[float, float]],
    sample_rate: int = constants.SAMPLE_RATE,
    *,
    levels: np.ndarray | None = None,
) -> list[Stretch]:
    """The stretches to decode: the speech in pieces of at most STRETCH_MAX_S once long pauses are
    shortened, each cut in the last pause that fits (or, in speech with no pause, at its quietest
    10 ms), with up to STRETCH_PAD_S of the pause kept on each side. `levels` is `vad.frame_levels` of
    the samples when the caller has them (`VoiceMap.levels`); they are read only to cut inside speech."""
    pad, longest, keep = constants.STRETCH_PAD_S, constants.STRETCH_MAX_S, constants.PAUSE_KEPT_S
    duration = len(samples) / sample_rate
    result: list[Stretch] = []
    regions = [(float(a), float(b)) for a, b in speech]
    previous_end = 0.0
    while regions:
        start = max(0.0, regions[0][0] - pad, previous_end)
        ends = [regions[0][1] + pad - start]  # decoded length up to the end of each region, padded
        for (_, last_end), (first, end) in zip(regions, regions[1:]):
            ends.append(ends[-1] + min(first - last_end, keep) + end - first)
            if ends[-1] > longest:
                break
        fitting = [i for i, length in enumerate(ends) if length <= longest]
        cut = fitting[-1] if fitting else None  # in the last pause that fits: the widest pause is often a
        if cut is not None:  # hesitation mid-sentence, and Whisper ends a stretch with a full stop
            after = regions[cut + 1][0] if cut + 1 < len(regions) else duration + pad
            end = round(min(duration, regions[cut][1] + pad, (regions[cut][1] + after) / 2), 3)
            result.append(Stretch(_squeezed(start, end, regions[: cut + 1], keep)))
            regions, previous_end = regions[cut + 1 :], end
            continue
        if levels is None:  # one region longer than a window: cut at its quietest moment near the end
            levels = vad.frame_levels(samples, sample_rate)
        low, high = int((start + longest / 2) * 100), int((start + longest) * 100)
        cut_s = (low + int(np.argmin(levels[low:high]))) / 100 if high > low else start + longest
        result.append(Stretch(((start, cut_s),)))
        regions, previous_end = [(max(cut_s, a), b) for a, b in regions if b > cut_s], cut_s
    return result


def _squeezed(
    start: float, end: float, regions: list[tuple[float, float]], keep: float
) -> tuple[tuple[float, float], ...]:
    """(start, end) as pieces that leave out the middle of every pause longer than `keep`."""
    pieces, piece_start = [], start
    for (_, last_end), (first, _) in zip(regions, regions[1:]):
        if first - last_end > keep:
            pieces.append((piece_start, round(last_end + keep / 2, 3)))
            piece_start = round(first - keep / 2, 3)
    return tuple(pieces + [(piece_start, end)])


# --- loops -----------------------------------------------------------------------------------------


def repeated_runs(words: list[Word]) -> list[tuple[int, int]]:
    """(first, last + 1) word indices of each phrase repeated back to back more often than real
    speech does (LOOP_REPEATS: "words words words" is said; a fourth time, or a phrase a third time,
    is Whisper looping). Each run keeps its first copy outside the span."""
    norms = [lexicon.normalise(w.text) for w in words]
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(norms):
        best = None
        for n in range(1, constants.LOOP_MAX_PHRASE + 1):
            copies = 1
            while norms[i : i + n] == norms[i + copies * n : i + (copies + 1) * n] and i + (copies + 1) * n <= len(
                norms
            ):
                copies += 1
            if copies >= constants.LOOP_REPEATS[min(n, 2) - 1] and norms[i]:
                best = (i + n, i + copies * n)
                break
        if best:
            runs.append(best)
            i = best[1]
        else:
            i += 1
    return runs


def _unlooped(
    engine: Engine, clip: np.ndarray, options: DecodeOptions, speech: list[tuple[float, float]]
) -> list[Word]:
    """The words of a clip decoded without a prompt. A decoding that loops is tried again in two halves,
    cut in the clip's longest pause (a loop feeds on its own context); repeats that survive are dropped:
    they are not what was said."""
    words = _words(engine.decode(clip, options))
    if repeated_runs(words) and len(speech) > 1:
        gap = max(range(len(speech) - 1), key=lambda i: speech[i + 1][0] - speech[i][1])
        cut = int((speech[gap][1] + speech[gap + 1][0]) / 2 * constants.SAMPLE_RATE)
        shift = cut / constants.SAMPLE_RATE
        again = _words(engine.decode(clip[:cut], options)) + [
            replace(w, start=round(w.start + shift, 3), end=round(w.end + shift, 3))
            for w in _words(engine.decode(clip[cut:], options))
        ]
        if _repeated_count(again) < _repeated_count(words):
            words = again
    drop = {i for first, last in repeated_runs(words) for i in range(first, last)}
    return [w for i, w in enumerate(words) if i not in drop]


def _repeated_count(words: list[Word]) -> int:
    return sum(last - first for first, last in repeated_runs(words))


# --- hesitations from the prompted decoding --------------------------------------------------------


def with_hesitations(
    plain: list[Word], prompted: list[Word], speech: list[tuple[float, float]], language: str
) -> list[Word]:
    """The plain decoding's words (punctuated as the prompted decoding writes them), with each
    hesitation of the prompted decoding that is anchored: the nearest words on either side that both
    decodings heard in the same place (a word heard differently there counts: "corpus"/"purpose") are
    next to each other in the plain decoding, its stamps lie between them, and there is voice between
    them or around its stamps. It is timed on voice alone in the gap when there is some: Whisper's
    stamps for a prompted "uh" ran up to 2 s late. None is taken from a loop of the prompted decoding,
    nor where the plain decoding heard a hesitation between the same words itself, and a second one
    between the same words needs voice of its own (a spliced "um" came out "Um, Um")."""
    lang = lexicon.language_of(language)
    hesitant = functools.partial(_hesitant, lang=lang)
    p_content = [i for i, w in enumerate(plain) if not hesitant(w)]
    q_content = [k for k, w in enumerate(prompted) if not hesitant(w)]
    same = _aligned(
        [lexicon.normalise(plain[i].text) for i in p_content], [lexicon.normalise(prompted[k].text) for k in q_content]
    )  # prompted content position -> plain content position
    looped = {k for first, last in repeated_runs(prompted) for k in range(first - 1, last)}
    anchors = sorted((q_content[q], p) for q, p in same.items())  # (prompted index, plain content position)
    added: dict[int, list[Word]] = {}  # position of the plain content word before -> hesitations after it
    taken: set[tuple[float, float]] = set()  # voice a hesitation was timed on
    for k, word in enumerate(prompted):
        if not hesitant(word) or k in looped:
            continue
        left = max((p for j, p in anchors if j < k), default=-1)
        right = min((p for j, p in anchors if j > k), default=len(p_content))
        if right != left + 1:
            continue  # not between the same words: the prompted decoding went its own way here
        first = p_content[left] + 1 if left >= 0 else 0
        last = p_content[right] if right < len(p_content) else len(plain)
        if any(hesitant(w) for w in plain[first:last]):
            continue  # the plain decoding heard one there itself
        lo = plain[p_content[left]].start if left >= 0 else -np.inf
        hi = plain[p_content[right]].end if right < len(p_content) else np.inf
        gap_start = plain[p_content[left]].end if left >= 0 else 0.0
        gap_end = plain[p_content[right]].start if right < len(p_content) else np.inf
        voice = _voice_between(gap_start, gap_end, [r for r in speech if r not in taken], near=word)
        if voice:
            taken.add(voice)
            word = replace(word, start=round(voice[0], 3), end=round(voice[1], 3))
        elif lo <= (word.start + word.end) / 2 <= hi and _voiced(word, speech) and not added.get(left):
            start = min(max(word.start, gap_start), gap_end)  # absorbed by its neighbours: kept in order
            word = replace(word, start=start, end=max(min(word.end, gap_end), start))
        else:
            continue
        added.setdefault(left, []).append(word)
    # each kept hesitation goes right after the plain word before it, whatever order its stamps suggest;
    # a word both decodings heard the same is written as the prompted one punctuates it: the prompt's
    # conversational commas ("like, a backend engineer") where the plain decoding ended sentences
    # mid-clause ("like. A backend engineer"), which made mid-sentence pauses read as sentence breaks
    rank = {i: position for position, i in enumerate(p_content)}
    written = {
        p: prompted[q_content[q]].text
        for q, p in same.items()
        if lexicon.normalise(prompted[q_content[q]].text) == lexicon.normalise(plain[p_content[p]].text)
    }
    merged = list(added.get(-1, []))
    for i, word in enumerate(plain):
        if i in rank:
            merged += [replace(word, text=written.get(rank[i], word.text)), *added.get(rank[i], [])]
        else:
            merged.append(word)
    return merged


def with_skipped_voice(
    engine: Engine, clip: np.ndarray, words: list[Word], voice: list[tuple[float, float]], options: DecodeOptions
) -> list[Word]:
    """The words, with every stretch of voice at least SKIPPED_VOICE_MIN_S long that holds fewer than
    SKIPPED_WORDS_PER_S words decoded again on its own: Whisper sometimes stops before the end of a
    window and stretches its last word over a sentence it skipped ("faced" over "How much are the seats
    in the circle?"); a word stamped longer than LONGEST_WORD_S counts only in the voice it starts in.
    The decoding with more words there wins; a word reaching into it (or into the words decoded there)
    from outside is cut at its edge."""
    found = list(words)
    for start, end in voice:
        touching = [
            w
            for w in found
            if w.start < end and start < w.end and (w.end - w.start <= constants.LONGEST_WORD_S or w.start >= start)
        ]
        if end - start < constants.SKIPPED_VOICE_MIN_S or len(touching) >= constants.SKIPPED_WORDS_PER_S * (
            end - start
        ):
            continue
        first = max(0.0, start - constants.STRETCH_PAD_S)
        piece = clip[int(first * constants.SAMPLE_RATE) : int((end + constants.STRETCH_PAD_S) * constants.SAMPLE_RATE)]
        again = [
            replace(w, start=round(w.start + first, 3), end=round(w.end + first, 3))
            for w in _unlooped(engine, piece, options, [(start - first, end - first)])
        ]
        inside = [w for w in touching if start <= (w.start + w.end) / 2 <= end]
        if len(again) <= len(inside):
            continue
        span = (min(start, again[0].start), max(end, again[-1].end))  # its words may reach into the padding
        kept = [_outside(w, *span) for w in found if w not in inside]
        found = sorted(kept + again, key=lambda w: w.start)
    return found


def _outside(word: Word, start: float, end: float) -> Word:
    """A word cut back to the edge of a stretch [start, end] it reaches into from one side."""
    if word.end > start and word.start < start:
        return replace(word, end=start)
    if word.start < end and word.end > end:
        return replace(word, start=end)
    return word


def with_lone_hesitations(
    engine: Engine, clip: np.ndarray, words: list[Word], speech: list[tuple[float, float]], options: DecodeOptions
) -> list[Word]:
    """The words, with a hesitation wherever voice stands alone between two words and the prompted
    decoding of that voice on its own hears only "uh" or "um". Both decodings of the whole stretch can
    miss a filler said in a pause; a listener never does.

    Voice stands alone when it is as short as a filler, no hesitation lies between its neighbouring
    words yet, and either no word is stamped near it or, as Whisper's stamps reach over a pause
    ("eye." stamped over the 0.4 s "um" after it), a pause lies on both sides of it in the voice and no
    word is centred on it. The probe decodes at temperature 0 only: voice beside a word made it fall
    back to sampling, and a sampled "Uh," (rambling_flat, probability 0.08) came and went with the other
    thread's decodings, which reseed the same generator.
    """
    lang = lexicon.language_of(options.language)
    hesitant = functools.partial(_hesitant, lang=lang)
    probe = replace(options, temperatures=(0.0,))  # what Whisper hears only by sampling is no evidence
    found = list(words)
    voice = vad.bridge(sorted(speech), constants.LONE_HESITATION_JOIN_S)
    for k, (start, end) in enumerate(voice):
        if not constants.LONE_HESITATION_MIN_S <= round(end - start, 3) <= constants.HESITATION_MAX_S:
            continue
        near = any(
            w.start - constants.HESITATION_SEARCH_S < end and start < w.end + constants.HESITATION_SEARCH_S
            for w in found
        )
        alone = (
            (k == 0 or start - voice[k - 1][1] >= constants.MIN_PAUSE_S)
            and (k + 1 == len(voice) or voice[k + 1][0] - end >= constants.MIN_PAUSE_S)
            and not any(start <= (w.start + w.end) / 2 <= end for w in found)
        )
        if near and not alone:
            continue  # a word is there already
        before = max((w.end for w in found if w.end <= start and not hesitant(w)), default=-np.inf)
        after = min((w.start for w in found if w.start >= end and not hesitant(w)), default=np.inf)
        if any(hesitant(w) and before <= w.start <= after for w in found):
            continue  # the prompted decoding put one between these words (a spliced "um" came out "Um, Um")
        first = max(0, int((start - constants.STRETCH_PAD_S) * constants.SAMPLE_RATE))
        heard = _words(engine.decode(clip[first : int((end + constants.STRETCH_PAD_S) * constants.SAMPLE_RATE)], probe))
        if len(heard) == 1 and hesitant(heard[0]):
            found = [_outside(w, start, end) for w in found]  # a stamp that reached over it ends at it
            found.append(replace(heard[0], start=round(start, 3), end=round(end, 3)))
    return sorted(found, key=lambda w: w.start)


def _hesitant(word: Word, lang: str) -> bool:
    """Whether the word is an "uh" or "um" (or the language's own), however Whisper wrote it."""
    return lexicon.is_hesitation(lexicon.normalise(word.text), lang)


def _aligned(plain: list[str], prompted: list[str]) -> dict[int, int]:
    """Prompted position -> plain position for the words both decodings put in the same place: equal
    words, and words substituted one for one between equal ones."""
    pairs: dict[int, int] = {}
    for tag, a1, a2, b1, b2 in SequenceMatcher(a=plain, b=prompted, autojunk=False).get_opcodes():
        if tag == "equal" or (tag == "replace" and a2 - a1 == b2 - b1):
            pairs.update({b1 + n: a1 + n for n in range(b2 - b1)})
    return pairs


def _voice_between(
    start: float,
    end: float,
    speech: list[tuple[float, float]],
    *,
    near: Word,
) -> tuple[float, float] | None:
    """The voice inside a gap between two words nearest to a hesitation's own stamps, if it lies
    wholly in the gap and is as long as a hesitation can be: a filler said in a pause stands there on
    its own (an "uh" lasts 0.3-0.6 s); voice running into a word is that word."""
    inside = [(float(a), float(b)) for a, b in speech if start <= a and b <= end]
    inside = [(a, b) for a, b in inside if constants.HESITATION_MIN_VOICE_S <= b - a <= constants.HESITATION_MAX_S]
    return min(inside, key=lambda r: max(0.0, r[0] - near.end, near.start - r[1]), default=None)


def _voiced(word: Word, speech: list[tuple[float, float]]) -> bool:
    """Some voice lies within HESITATION_SEARCH_S of the word (a filler's stamps are often an instant)."""
    lo, hi = word.start - constants.HESITATION_SEARCH_S, word.end + constants.HESITATION_SEARCH_S
    return sum(max(0.0, min(hi, b) - max(lo, a)) for a, b in speech) >= constants.HESITATION_MIN_VOICE_S


def doubted(word: Word) -> Word:
    """The word marked doubtful when Whisper itself doubts it: too unsure, or squeezed into an instant
    (thresholds in constants). A hesitation kept from the prompted decoding is not judged so: the
    prompt makes Whisper unsure of them, and they are kept only where both decodings and the audio agree."""
    instant = word.end - word.start < constants.INSTANT_WORD_S
    return replace(
        word,
        doubtful=word.probability < constants.DOUBTFUL_PROBABILITY
        or (instant and word.probability < constants.INSTANT_WORD_PROBABILITY),
    )


def _words(segments: list[Segment]) -> list[Word]:
    """The words of the segments that are speech (see `_is_speech`)."""
    return [word for segment in segments if _is_speech(segment) for word in segment.words]


def _is_speech(segment: Segment) -> bool:
    """False for a segment that is both probably not speech and badly decoded (see constants)."""
    return not (
        segment.no_speech_prob > constants.SILENT_SEGMENT_NO_SPEECH
        and segment.avg_logprob < constants.LOGPROB_THRESHOLD
    )


def language_name(code: str) -> str:
    """ "English" for "en": the coached languages by heart, the rest from Whisper's own table."""
    if code in KNOWN_NAMES:
        return KNOWN_NAMES[code]
    import whisper.tokenizer  # imports PyTorch: only for the rare other language

    return whisper.tokenizer.LANGUAGES.get(code, code).title()


KNOWN_NAMES = {"en": "English", "es": "Spanish"}

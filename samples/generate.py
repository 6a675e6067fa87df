"""Generate synthetic spoken answers to "Tell me about yourself" for mockmic.

Each sample is built with espeak-ng, one fragment at a time: every fragment is
synthesised to its own WAV, resampled to 16 kHz mono with sox, trimmed to its
audible span, and joined to the others with silences of exactly known length.
The result is written as 16-bit 16 kHz mono FLAC, and next to it a JSON file
holds the ground truth known by construction: the script, the start and end of
every spoken fragment and every inserted silence, the word count, the speaking
rate and the filler words used.

The samples are deliberately different deliveries of the same content:

* concise_lively   -- structured, about 140 wpm, short pauses, varied pitch,
                      no fillers;
* rambling_flat    -- unfocused, slow and uneven, many fillers and hedges,
                      long mid-sentence pauses, monotone pitch;
* spanish_concise  -- the concise answer in Spanish (espeak-ng voice "es").

So the coach's measurements (pace, pauses, fillers, pitch variation,
language) can be tested against files whose answers are known in advance.

Everything is fixed (texts, voices, rates, pitches, pause lengths) and nothing
is random, so every run writes the same audio.  Needs espeak-ng and sox on PATH
and numpy + soundfile in Python.  Run from the repository root:

    python samples/generate.py
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, replace
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


@dataclass(frozen=True)
class Fragment:
    """One stretch of speech, synthesised in a single espeak-ng call."""

    text: str
    pause_after: float  # seconds of silence inserted after it
    pause_kind: str  # "sentence_gap", "mid_sentence" or "end"
    speed: int  # espeak-ng -s, roughly words per minute
    pitch: int  # espeak-ng -p, 0..99
    pitch_range: str  # SSML <prosody range=...>


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


def concise_fragments(sentences: tuple[str, ...], speed: int) -> tuple[Fragment, ...]:
    """One fragment per sentence; pitch moves from sentence to sentence."""
    pitches = cycle((55, 70, 48, 64, 42, 76))
    pauses = cycle((0.45, 0.35, 0.55, 0.3, 0.6, 0.4))
    return _with_final_pause(
        tuple(Fragment(s, next(pauses), "sentence_gap", speed, next(pitches), "x-high") for s in sentences)
    )


def rambling_fragments(sentences: tuple[str, ...]) -> tuple[Fragment, ...]:
    """Split sentences at "|"; long silences inside, slow uneven rate, monotone."""
    speeds = cycle((132, 116, 148, 122, 140, 112))
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
            fragments.append(Fragment(part, pause, kind, next(speeds), 40, "x-low"))
    return _with_final_pause(tuple(fragments))


def _with_final_pause(fragments: tuple[Fragment, ...]) -> tuple[Fragment, ...]:
    """The last fragment is followed by the closing silence, not a sentence gap."""
    return fragments[:-1] + (replace(fragments[-1], pause_after=TAIL_S, pause_kind="end"),)


SAMPLES = (
    Sample(
        name="concise_lively",
        language="en",
        voice="en-us",
        style="concise, lively, structured, no fillers",
        fragments=concise_fragments(CONCISE_EN, speed=142),
    ),
    Sample(
        name="rambling_flat",
        language="en",
        voice="en-us",
        style="rambling, fillers, long pauses, monotone, slow",
        fragments=rambling_fragments(RAMBLING_EN),
    ),
    Sample(
        name="spanish_concise",
        language="es",
        voice="es",
        style="concise answer in Spanish",
        fragments=concise_fragments(CONCISE_ES, speed=154),
    ),
)


# --------------------------------------------------------------------------
# Audio
# --------------------------------------------------------------------------


def synthesize(fragment: Fragment, voice: str, workdir: Path, index: int) -> np.ndarray:
    """Speak one fragment with espeak-ng; return trimmed 16 kHz mono float audio."""
    raw = workdir / f"{index:03d}_raw.wav"
    resampled = workdir / f"{index:03d}_16k.wav"
    ssml = f'<speak><prosody range="{fragment.pitch_range}">{escape(fragment.text)}</prosody></speak>'
    espeak = ["espeak-ng", "-z", "-m", "-v", voice, "-s", str(fragment.speed), "-p", str(fragment.pitch)]
    subprocess.run([*espeak, "-w", str(raw), ssml], check=True)
    # Halved to leave headroom for resampling; float output means no dither,
    # so the result is bit-for-bit repeatable.
    as_float_mono = ["-e", "floating-point", "-b", "32", "-c", "1"]
    resample = ["rate", "-h", str(SAMPLE_RATE)]
    subprocess.run(["sox", "-v", "0.5", str(raw), *as_float_mono, str(resampled), *resample], check=True)
    audio, rate = sf.read(resampled, dtype="float64")
    assert rate == SAMPLE_RATE
    return trim(audio)


def trim(audio: np.ndarray) -> np.ndarray:
    """Cut the near-silent samples at both ends, so boundaries mark real speech."""
    loud = np.flatnonzero(np.abs(audio) > TRIM_THRESHOLD)
    return audio[loud[0] : loud[-1] + 1]


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
        segments.append(
            _segment(
                "speech",
                cursor,
                cursor + len(speech),
                text=fragment.text,
                espeak_speed=fragment.speed,
                espeak_pitch=fragment.pitch,
            )
        )
        cursor += len(speech)
        segments.append(_segment("silence", cursor, cursor + len(pause), kind=fragment.pause_kind))
        cursor += len(pause)
        pieces += [speech, pause]
    audio = np.concatenate(pieces)
    return audio * (PEAK / np.max(np.abs(audio))), segments


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
        "engine": f"espeak-ng {espeak_version()}",
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

"""Thresholds and norms in one place, each with where it comes from."""

# Whisper's models consume 16 kHz mono audio (openai/whisper, whisper/audio.py SAMPLE_RATE).
SAMPLE_RATE = 16_000

# Pitch and loudness are read above this frequency. The MFA monologues carry 10-20 dB more energy below
# 40 Hz (handling noise, wind, DC drift) than in their speech band, which swamps the YIN difference
# function and the frame levels: pYIN found voice in 41% of acoustic_corpus's speech frames with it, 63%
# without. The pitch search starts at 50 Hz, and pYIN finds pitch without the fundamental. (Pauses stay
# on the full signal: filtered, the MFA pause benchmark's precision fell from 0.88 to 0.73.)
RUMBLE_CUTOFF_HZ = 50.0

# A sample this close to full scale was clipped by the input stage. When more than CLIPPING_NOTICE_SHARE
# of the samples are, the report says so: the flattened peaks are audible as distortion and read as
# false loudness and pitch. Our threshold (no published norm); jfk.flac raised by 20 dB (`sox gain 20`) clips 24%.
CLIP_LEVEL = 0.999
CLIPPING_NOTICE_SHARE = 0.001

# Shorter than this there is no word to measure: Whisper's shortest reliable word is ~0.3 s and a
# delivery metric needs at least one word plus its onset (our choice, documented in the README).
MIN_DURATION_S = 0.5

# An interview answer is minutes long; two hours guards memory (16 kHz float32 = 460 MB per 2 h).
MAX_DURATION_S = 2 * 60 * 60

# Whisper's transcribe() defaults (openai/whisper, whisper/transcribe.py): a 30 s window is skipped as
# silence when no_speech_prob > 0.6 and the average log-probability < -1.0; a window is re-decoded at a
# higher temperature when its gzip compression ratio > 2.4 (a repetition loop).
NO_SPEECH_THRESHOLD = 0.6
# Whisper's default fallback goes on to temperatures 0.6-1.0, where a short filler clip (mfa_uh.flac)
# sampled long runs of invented tokens for 75 s; stopping at 0.4 took it to 4.5 s with the same words.
TEMPERATURES = (0.0, 0.2, 0.4)
LOGPROB_THRESHOLD = -1.0
COMPRESSION_RATIO_THRESHOLD = 2.4
# Temperatures above 0 sample; a fixed seed makes every analysis of the same audio repeatable.
SAMPLING_SEED = 0

# Silences longer than this around a suspected hallucination are skipped (openai/whisper PR #1838,
# which suggests 2 s in its help text for the `--hallucination_silence_threshold` option).
HALLUCINATION_SILENCE_S = 2.0


# Less voiced audio than this in a whole recording is not an answer (a short word such as "yes" lasts
# about 0.3 s): Whisper is not run, because on noise it invents words ("Yeah.", "Thank you.";
# tiny.en did so on tests/test_transcribe.py's room noise with the verbatim prompt).
MIN_SPEECH_S = 0.25

# An English-only model turns other languages into English-sounding words: on samples/spanish_concise
# tiny.en wrote 300 words (270 a minute, a phrase looping) and on Colombian Spanish prompts 8 words at
# a mean confidence of 0.23. A transcript faster or less sure than this has its language checked with the
# multilingual model. English answers sit at 120-170 words a minute and 0.80-0.94 mean confidence (the
# MFA monologues, the sonnet, jfk, the samples); a check costs about 1.5 s and, on all 58 English corpus
# clips, put English first with a probability of at least 0.75.
MISHEARD_WPM = 220
MISHEARD_CONFIDENCE = 0.5
NOT_ENGLISH_PROBABILITY = 0.2  # below this probability of English, the answer is in another language

# Whisper keeps a window when its no-speech probability is high but its log-probability is not low
# (its guard is an AND of both), and its no-speech threshold is a sharp edge: on 10 s of noise with
# keyboard-like clicks, base kept " seconds." at no_speech_prob 0.598 and avg_logprob -3.2. A segment
# that is both this unsure it holds speech and failed the log-probability check is dropped
# (measured in tests/test_transcribe.py::test_noise_gives_empty_transcript).
SILENT_SEGMENT_NO_SPEECH = 0.4

# Guarding the verbatim prompt (transcribe.suspect_spans). A phrase of speech at least GUARD_MIN_PHRASE_S
# long with fewer than GUARD_MIN_WORDS_PER_S words touching it lost words, and is decoded again without
# the prompt; so is a segment faster than GUARD_MAX_WORDS_PER_S. Read speech runs at 2-3 words/s and
# fast conversation peaks near 4-5 words/s (Jacewicz et al. 2009, "Articulation rate across dialect,
# age, and gender", Language Variation and Change 21), so both bounds are far outside real speech.
GUARD_MIN_PHRASE_S = 2.0
GUARD_MIN_WORDS_PER_S = 0.75
GUARD_MAX_WORDS_PER_S = 8.0
GUARD_PAD_S = 0.3
GUARD_BRIDGE_S = 0.3  # speech separated by less than this is one phrase, checked and redone whole

# Pitch more than an octave from the speaker's median is an octave error of the tracker, not speech
# (issue 3's definition; pitch trackers' octave errors are exactly ±12 semitones).
PITCH_OUTLIER_SEMITONES = 12.0

# A silent pause is silence of at least 250 ms: below it, silences are mostly stop closures and
# articulation (Goldman-Eisler 1968; de Jong & Bosker 2013, "Choosing a threshold for silent pauses
# to measure second language fluency", found 250 ms the best threshold).
MIN_PAUSE_S = 0.25
# Pauses of a second or more are "long" (Campione & Véronis 2002, "A large-scale multilingual study
# of silent pause duration": pause durations cluster as brief < 0.2 s, medium, long > 1 s).
LONG_PAUSE_S = 1.0
# A voiced stretch at least this long that no transcribed word covers is a probable filler Whisper
# dropped (issue 3's definition; an "uh" lasts 0.3-0.6 s in the MFA test recordings).
PROBABLE_FILLER_MIN_S = 0.3

# Pauses within a clause over ~1.2 s read as hesitant (Campione & Véronis 2002); the other norms the
# scores and the report use are in feedback.NORMS, each with its source.
HESITANT_PAUSE_S = 1.2

"""Thresholds and norms in one place, each with where it comes from."""

# Whisper's models consume 16 kHz mono audio (openai/whisper, whisper/audio.py SAMPLE_RATE).
SAMPLE_RATE = 16_000

# Pitch and loudness are read above this frequency. The MFA monologues carry 10-20 dB more energy below
# 40 Hz (handling noise, wind, DC drift) than in their speech band, which swamps the YIN difference
# function and the frame levels: pYIN (the tracker then) found voice in 41% of acoustic_corpus's speech
# frames with it, 63% without. The pitch search starts at 50 Hz. (Pauses stay
# on the full signal: filtered, the MFA pause benchmark's precision fell from 0.88 to 0.73.)
RUMBLE_CUTOFF_HZ = 50.0

# A sample this close to full scale was clipped by the input stage. When more than CLIPPING_NOTICE_SHARE
# of the samples are, the report says so: the flattened peaks are audible as distortion and read as
# false loudness and pitch. Our threshold (no published norm); jfk.flac raised by 20 dB (`sox gain 20`) clips 24%.
CLIP_LEVEL = 0.999
CLIPPING_NOTICE_SHARE = 0.001

# A voice this quiet (median level of its voiced frames, above the rumble) is said to be so: 17 dB under
# the quietest corpus recording (acoustic_corpus, -28 dBFS), and 30 dB under a headset's usual -15 to
# -20. Measures no longer depend on the level (vad.MODEL_SPEECH_DBFS), but a quiet microphone brings
# its own noise up with the voice. Our threshold.
QUIET_SPEECH_DBFS = -45.0

# A voice less than this far above the room (Loudness.snr_db: the median voiced level over the median
# level where nothing is said) is said to be in a noisy room. bench/room.py's answers with pink noise
# 10 dB under the voice read 7.0-9.2 dB this way and kept their pauses (recall 0.93-0.95, median error
# 80 ms); 5 dB under, 4.7-5.5 dB, and the pauses went (precision 0.78, error 105 ms). The MFA monologues,
# laptop recordings with a fan-like floor whose pauses are measured right, read 10.9. The words go too:
# 5 dB under, the MFA answer lost 13 of its 168 words (4-6 dB under, 3 of its 6 hedges); at 0 dB an fda answer lost
# 31 of 255 (bench/room.py pink5, pink0). Under this threshold nothing is scored (feedback.assess).
# Our threshold.
NOISY_ROOM_SNR_DB = 6.0

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

# Whisper invents text in long silences (openai/whisper PR #1838 skips silences over a threshold,
# 2 s in its help text). mockmic never shows it one: inside a stretch decoded in one go, a pause longer
# than PAUSE_KEPT_S is shortened to that (transcribe.Stretch); measures read the audio itself.
PAUSE_KEPT_S = 1.0

# Beam search, as whisper's command line and faster-whisper decode by default. Greedy decoding turned
# mfa_uhum's "forced aligner" into "Forest Deliner".
BEAM_SIZE = 5
# The decoding with the filler prompt is read only for hesitations and punctuation, and is greedy: half
# the time, and its commas kept 8 of samples/rambling_flat's 10 mid-sentence pauses inside their
# sentences, against 7 with beam search (a pause after a full stop counts as between sentences).
PROMPTED_BEAM_SIZE = 1


# Less voiced audio than this in a whole recording is not an answer (a short word such as "yes" lasts
# about 0.3 s): Whisper is not run, because on noise it invents words ("Yeah.", "Thank you.";
# tiny.en did so on tests/test_transcribe.py's room noise with the verbatim prompt).
MIN_SPEECH_S = 0.25

# A forced language is contradicted when language detection gives it less than this probability
# (detection by the bundled multilingual base model put English first with at least 0.75 on all 58
# English corpus clips, and Spanish first on the Spanish sample).
CONTRADICTED_LANGUAGE_PROBABILITY = 0.2

# Whisper keeps a window when its no-speech probability is high but its log-probability is not low
# (its guard is an AND of both), and its no-speech threshold is a sharp edge: on 10 s of noise with
# keyboard-like clicks, base kept " seconds." at no_speech_prob 0.598 and avg_logprob -3.2. A segment
# that is both this unsure it holds speech and failed the log-probability check is dropped
# (measured in tests/test_transcribe.py::test_noise_gives_empty_transcript).
SILENT_SEGMENT_NO_SPEECH = 0.4

# Stretches decoded in one go (transcribe.stretches): at most this long, so each fits Whisper's 30 s
# window (openai/whisper, whisper/audio.py CHUNK_LENGTH) with room for its last timestamp, and cut in
# the middle of a pause, keeping this much of the pause on each side of the speech.
STRETCH_MAX_S = 28.0
STRETCH_PAD_S = 0.3

# A take still being recorded (live.py) has its last stretch decoded once its voice has been quiet
# this long: the stretch cannot change unless the candidate speaks again, and a candidate who has
# finished stops the take after this (a long pause: LONG_PAUSE_S).
SETTLED_AFTER_S = 1.0

# Voice at least this long with fewer words than this is decoded again on its own: Whisper had
# stopped early in its window and skipped a sentence (bench/long_answers.py; the shortest sentence
# there, "Thank you.", lasts about 0.6 s, and fillers are looked for apart).
SKIPPED_VOICE_MIN_S = 0.6
SKIPPED_WORDS_PER_S = 0.75  # read speech runs at 2-3 words/s (Jacewicz et al. 2009, Language Variation and Change 21)
# A word stamped longer than this holds more than itself, and counts only for the voice it starts in:
# "were" stamped 6.3 s over the skipped "no prompts. Where's the letter box?" (bench/long_answers.py,
# answer12); Whisper stretches a sentence's last word over the pause after it by up to about 1 s.
LONGEST_WORD_S = 2.0

# A phrase repeated back to back this many times is Whisper looping, not the speaker: the first number
# for one word (the MFA acoustic corpus says "some more words words words words", four copies, and
# its reference text has all four), the second for phrases of 2..LOOP_MAX_PHRASE words. Our
# thresholds, measured in bench/long_answers.py.
LOOP_REPEATS = (5, 3)
LOOP_MAX_PHRASE = 8

# A hesitation of the prompted decoding is kept only with at least HESITATION_MIN_VOICE_S of voice
# (energy gate) within HESITATION_SEARCH_S of its stamps: an "uh" lasts 0.3-0.6 s in the MFA
# recordings, and Whisper often stamps a filler as an instant next to it.
HESITATION_SEARCH_S = 0.15
HESITATION_MIN_VOICE_S = 0.1
# Voice alone in the gap between two words, no longer than this, is where a kept hesitation is timed
# (the longest "uh" of the MFA recordings lasts about 1 s); longer voice there is not one filler.
HESITATION_MAX_S = 1.5
# Voice alone between two words is decoded on its own only when at least this long: shorter voice there
# was a click or a breath that the filler prompt turned into "Uh" (bench/long_answers.py).
LONE_HESITATION_MIN_S = 0.2
# Silero splits a breathy "uh" into pieces (0.13, 0.07 and 0.06 s with 0.12 s between them): voice that
# close together is one sound.
LONE_HESITATION_JOIN_S = 0.15

# Words Whisper itself doubts are shown but not counted (Word.doubtful): below DOUBTFUL_PROBABILITY,
# or squeezed into less than INSTANT_WORD_S (no word is said that fast) below INSTANT_WORD_PROBABILITY.
# Our thresholds: eight words at ~0.05 stamped at one instant raised a take's pace by 5.6%.
DOUBTFUL_PROBABILITY = 0.1
INSTANT_WORD_S = 0.02
INSTANT_WORD_PROBABILITY = 0.5

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
# scores and the report use are in norms.NORMS, each with its source.
HESITANT_PAUSE_S = 1.2

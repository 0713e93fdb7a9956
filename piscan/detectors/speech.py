"""Whether a recording holds a voice: a small voice-activity detector in numpy.

A recording is personal data when someone speaks in it; a notification chime, a beep or hiss is
not. Speech is told from other sound by three things together, measured on 32 ms frames:
* voicing: loud frames whose autocorrelation has a clear period in the range of the human
  voice (60-400 Hz fundamental); noise has no period, beeps and chimes ring above 400 Hz;
* syllables: the voiced frames come in bursts of a syllable's length (60-500 ms), several of
  them, at a speaking rate (1.5-10 per second of the voiced stretch); a chime rings for one long
  decay, a held tone is one burst;
* pitch and timbre: the voiced frames are rich in overtones and their pitch moves (at least
  half a semitone of spread); a buzzer or a beep holds one pitch;
* enough of it: at least MIN_VOICED_SECONDS of voiced frames.
The test suite checks it on espeak-ng speech against generated tones, chimes and noise.

Only what numpy and the standard library can decode is judged (PCM and float WAV); other
containers (MP3, Ogg, video...) and WAVs in compressed encodings return None, and the caller
keeps them as recordings: without decoding, a voice cannot be ruled out.
"""

from __future__ import annotations

import struct

import numpy as np

RATE = 8000  # speech lives below 4 kHz; analysing at 8 kHz keeps a long file cheap
FRAME = 256  # 32 ms at 8 kHz
MIN_F0, MAX_F0 = 60.0, 400.0
VOICING = 0.45  # normalized autocorrelation at the period: clearly periodic
MIN_VOICED_SECONDS = 0.4
MIN_OVERTONES = 0.2  # share of a voiced frame's power above its fundamental
MIN_PITCH_SPREAD = 0.5  # semitones (standard deviation over the voiced frames)
MIN_BURSTS = 3
BURST_FRAMES = (2, 16)  # a syllable: 64-512 ms
MAX_SECONDS = 120  # the first two minutes decide
_PCM, _FLOAT, _EXTENSIBLE = 1, 3, 0xFFFE


def holds_speech(data: bytes) -> bool | None:
    """True when the recording holds a voice, False when it holds none, None when it cannot be decoded."""
    samples = decode_wav(data)
    if samples is None:
        return None
    pitch = _pitch(samples)
    return bool(_intoned(pitch) and _voiced_bursts(pitch > 0))


def decode_wav(data: bytes) -> np.ndarray | None:
    """Mono float samples at RATE from a PCM or float WAV (a file cut short decodes as far as it
    goes), or None for anything else."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    fmt, body = _chunks(data)
    if fmt is None or len(fmt) < 16 or body is None:
        return None
    tag, channels, rate, _, align, bits = struct.unpack("<HHIIHH", fmt[:16])
    if tag == _EXTENSIBLE and len(fmt) >= 26:
        tag = struct.unpack("<H", fmt[24:26])[0]
    width = bits // 8
    if tag not in (_PCM, _FLOAT) or not channels or not rate or width not in (1, 2, 3, 4):
        return None
    if align != width * channels:
        return None
    body = body[: len(body) - len(body) % align][: MAX_SECONDS * rate * align]
    samples = _samples(body, tag, width)
    if samples is None or not samples.size:
        return None
    mono = samples.reshape(-1, channels).mean(axis=1)
    return _resample(mono, rate)


def _chunks(data: bytes) -> tuple[bytes | None, bytes | None]:
    """The ``fmt `` and ``data`` chunks; a data chunk longer than the file keeps what is there."""
    fmt = body = None
    pos = 12
    while pos + 8 <= len(data) and body is None:
        cid, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        chunk = data[pos + 8 : pos + 8 + size]
        if cid == b"fmt ":
            fmt = chunk
        elif cid == b"data":
            body = chunk
        pos += 8 + size + size % 2
    return fmt, body


def _samples(body: bytes, tag: int, width: int) -> np.ndarray | None:
    if tag == _FLOAT:
        if width not in (4,):
            return None
        return np.frombuffer(body, dtype="<f4").astype(np.float64)
    if width == 1:
        return (np.frombuffer(body, dtype=np.uint8).astype(np.float64) - 128.0) / 128.0
    if width == 3:
        raw = np.frombuffer(body, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        value = raw[:, 0] | (raw[:, 1] << 8) | (raw[:, 2] << 16)
        return np.where(value >= 1 << 23, value - (1 << 24), value) / float(1 << 23)
    dtype = "<i2" if width == 2 else "<i4"
    return np.frombuffer(body, dtype=dtype).astype(np.float64) / float(1 << (8 * width - 1))


def _resample(samples: np.ndarray, rate: int) -> np.ndarray:
    """Samples at RATE: averaged over each output sample's span (a crude low-pass), then picked."""
    if rate == RATE:
        return samples
    if rate > RATE:
        step = rate / RATE
        n = int(len(samples) / step)
        edges = (np.arange(n + 1) * step).astype(np.int64)
        sums = np.concatenate(([0.0], np.cumsum(samples)))
        return (sums[edges[1:]] - sums[edges[:-1]]) / np.maximum(edges[1:] - edges[:-1], 1)
    positions = np.arange(int(len(samples) * RATE / rate)) * rate / RATE
    return np.interp(positions, np.arange(len(samples)), samples)


def _pitch(samples: np.ndarray) -> np.ndarray:
    """Per frame: the fundamental (Hz) of a loud, periodic, harmonically rich frame whose period is
    a voice's, else 0."""
    n = len(samples) // FRAME
    if n == 0:
        return np.zeros(0)
    frames = samples[: n * FRAME].reshape(n, FRAME)
    frames = frames - frames.mean(axis=1, keepdims=True)
    energy = np.sqrt((frames**2).mean(axis=1))
    peak = float(energy.max())
    if peak < 1e-3:  # digital silence or near it
        return np.zeros(n)
    loud = energy > max(peak * 0.05, 10 ** (-50 / 20))
    return np.array([_voice_f0(f) if on else 0.0 for f, on in zip(frames, loud, strict=True)])


def _voice_f0(frame: np.ndarray) -> float:
    """The frame's own period (its first strong autocorrelation peak) as a frequency, when it is a
    voice's and the sound is rich in harmonics (a vocal tract shapes many; a beep has one)."""
    spectrum = np.abs(np.fft.rfft(frame * np.hanning(FRAME), 2 * FRAME)) ** 2
    corr = np.fft.irfft(spectrum)[:FRAME]
    if corr[0] <= 0:
        return 0.0
    corr = corr / corr[0]
    low = int(RATE / 1000)  # from 1 ms: periods of tones far above the voice are seen first
    window = corr[low : int(RATE / MIN_F0) + 1]
    best = float(window.max())
    if best < VOICING:
        return 0.0
    # the first peak nearly as high as the best is the period; its multiples come later
    peaks = (window[1:-1] >= 0.9 * best) & (window[1:-1] > window[:-2]) & (window[1:-1] >= window[2:])
    if not peaks.any():
        return 0.0
    f0 = RATE / (low + 1 + int(np.argmax(peaks)))
    if f0 > MAX_F0:
        return 0.0
    bins = np.fft.rfftfreq(2 * FRAME, 1 / RATE)
    overtones = spectrum[bins > 1.5 * f0].sum() / spectrum.sum()
    return f0 if overtones >= MIN_OVERTONES else 0.0


def _intoned(pitch: np.ndarray) -> bool:
    """A voice's pitch moves (intonation, stress); a tone or a buzzer holds it."""
    voiced = pitch[pitch > 0]
    if len(voiced) < 2:
        return False
    return float(np.std(12 * np.log2(voiced))) >= MIN_PITCH_SPREAD


def _voiced_bursts(voiced: np.ndarray) -> bool:
    """Enough voiced time, in syllable-long bursts at a speaking rate."""
    if voiced.sum() * FRAME / RATE < MIN_VOICED_SECONDS:
        return False
    # close one-frame gaps inside a syllable, then measure the runs of voiced frames
    filled = voiced.copy()
    filled[1:-1] |= voiced[:-2] & voiced[2:]
    edges = np.diff(np.concatenate(([0], filled.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    lengths = ends - starts
    syllables = lengths[(lengths >= BURST_FRAMES[0]) & (lengths <= BURST_FRAMES[1])]
    if len(syllables) < MIN_BURSTS:
        return False
    span = (ends[-1] - starts[0]) * FRAME / RATE
    return bool(span > 0 and 1.5 <= len(lengths) / span <= 10.0)

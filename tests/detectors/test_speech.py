"""A recording is personal when it holds a voice: espeak-ng speech is one, generated chimes,
beeps, tones, a melody, hum, noise and silence are not (MediaDetector drops them)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from piscan.detectors.media import MediaDetector
from piscan.detectors.speech import decode_wav, holds_speech
from piscan.model import Column, Location, Record, ValueKind

RATE = 16000


def _wav(signal: np.ndarray, rate: int = RATE, width: int = 2, channels: int = 1) -> bytes:
    scaled = np.clip(signal, -1, 1) * 0.8
    if width == 1:
        pcm = ((scaled * 127) + 128).astype(np.uint8).tobytes()
    else:
        pcm = (scaled * 32767).astype("<i2").tobytes()
    if channels == 2:
        frames = np.frombuffer(pcm, dtype="<i2")
        pcm = np.repeat(frames, 2).astype("<i2").tobytes()
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(pcm)
    return buf.getvalue()


def _t(seconds: float = 2.5) -> np.ndarray:
    return np.arange(int(seconds * RATE)) / RATE


def _bell(t: np.ndarray, f: float, start: float) -> np.ndarray:
    """A struck bell: inharmonic partials decaying together."""
    out = np.zeros_like(t)
    on = t >= start
    tt = t[on] - start
    for ratio, amp in ((1, 1), (2.76, 0.5), (5.4, 0.25), (8.93, 0.12)):
        out[on] += amp * np.sin(2 * np.pi * f * ratio * tt) * np.exp(-3 * tt)
    return out


def _not_speech() -> dict[str, np.ndarray]:
    t = _t()
    rng = np.random.default_rng(3)
    notes = [262, 294, 330, 349, 392, 349, 330, 294, 262, 220]
    return {
        "notification chime": _bell(t, 880, 0.1) + _bell(t, 660, 0.6),
        "low three-note chime": _bell(t, 330, 0.1) + _bell(t, 262, 0.5) + _bell(t, 196, 0.9),
        "1 kHz beeps": np.sin(2 * np.pi * 1000 * t) * ((t * 4) % 1 < 0.3),
        "250 Hz beeps": np.sin(2 * np.pi * 250 * t) * ((t * 4) % 1 < 0.3),
        "buzzer bursts": np.sign(np.sin(2 * np.pi * 180 * t)) * 0.5 * ((t * 5) % 1 < 0.3),
        "held 200 Hz tone": np.sin(2 * np.pi * 200 * t),
        "melody": sum(
            np.sign(np.sin(2 * np.pi * f * t)) * ((t >= i * 0.25) & (t < i * 0.25 + 0.2))
            for i, f in enumerate(notes)
        ),
        "mains hum": np.sin(2 * np.pi * 50 * t) + 0.5 * np.sin(2 * np.pi * 100 * t),
        "white noise": rng.normal(0, 0.3, len(t)),
        "silence": np.zeros_like(t),
    }


@pytest.mark.parametrize("name", sorted(_not_speech()))
def test_sounds_without_a_voice_are_not_speech(name):
    assert holds_speech(_wav(_not_speech()[name])) is False


def _espeak() -> str:
    found = shutil.which("espeak-ng")
    if not found:
        if os.environ.get("CI") == "true":
            pytest.fail("espeak-ng is missing (CI=true: install it, see .ci/run)")
        pytest.skip("espeak-ng is not installed")
    return found


SENTENCES = [
    ("en-us", "Please call me back about my order, I will be home after six."),
    ("en-gb", "Hello, this is Anna. The meeting moved to Thursday morning."),
    ("de", "Guten Tag, bitte rufen Sie mich morgen zurück."),
    ("fr", "Bonjour, je vous appelle au sujet de votre rendez-vous."),
]


@pytest.mark.parametrize(("voice", "text"), SENTENCES)
def test_espeak_speech_holds_a_voice(tmp_path: Path, voice: str, text: str):
    path = tmp_path / "message.wav"
    subprocess.run([_espeak(), "-v", voice, "-s", "150", "-w", str(path), text], check=True, timeout=60)
    assert holds_speech(path.read_bytes()) is True


def test_speech_mixed_with_noise_and_resampled_still_holds_a_voice(tmp_path: Path):
    path = tmp_path / "message.wav"
    subprocess.run([_espeak(), "-v", "en-us", "-w", str(path), SENTENCES[0][1]], check=True, timeout=60)
    speech = decode_wav(path.read_bytes())
    assert speech is not None
    noisy = speech / np.abs(speech).max() + np.random.default_rng(5).normal(0, 0.02, len(speech))
    assert holds_speech(_wav(noisy / np.abs(noisy).max(), rate=8000, channels=2)) is True


def _detect(data: bytes) -> set[str]:
    record = Record(Location("files", ("a.wav",)), Column("a.wav", "file", ValueKind.BINARY), (data,))
    return {d.entity for d in MediaDetector().detect(record, ())}


def test_media_detector_drops_a_chime_and_keeps_a_voice(tmp_path: Path):
    assert _detect(_wav(_not_speech()["notification chime"])) == set()
    path = tmp_path / "voicemail.wav"
    subprocess.run([_espeak(), "-v", "en-us", "-w", str(path), SENTENCES[1][1]], check=True, timeout=60)
    assert _detect(path.read_bytes()) == {"AUDIO_RECORDING"}


def test_recordings_that_cannot_be_decoded_stay_recordings():
    mp3 = b"ID3\x04\x00\x00" + bytes(64)
    assert holds_speech(mp3) is None and _detect(mp3) == {"AUDIO_RECORDING"}
    alaw = _wav(_not_speech()["notification chime"])
    alaw = alaw[:20] + (6).to_bytes(2, "little") + alaw[22:]  # format tag 6: A-law, not decoded here
    assert holds_speech(alaw) is None and _detect(alaw) == {"AUDIO_RECORDING"}


def test_a_wav_cut_short_decodes_as_far_as_it_goes():
    chime = _wav(_not_speech()["notification chime"])
    cut = chime[: len(chime) // 2]
    samples = decode_wav(cut)
    assert samples is not None and 0 < len(samples) < len(decode_wav(chime))
    assert holds_speech(cut) is False
    assert holds_speech(_wav(_not_speech()["250 Hz beeps"], width=1)) is False  # 8-bit PCM decodes

"""Build the example file corpus: a log folder and a share folder with planted personal data.

Seeded, so every run writes the same files (the speech recording depends on the installed
espeak-ng). Everything is synthetic except the face photo, NASA's public-domain portrait of
astronaut Eileen Collins that scikit-image ships inside its wheel (``skimage/data/astronaut.png``).

    python examples/make_file_corpus.py                  # writes examples/corpus/
    python examples/make_file_corpus.py /tmp/corpus      # anywhere else
    piscan scan examples/corpus/logs examples/corpus/share --policy xwms

The tests import ``build``, ``EXPECTED`` (entities each file must yield) and ``CLEAN`` (files
that must yield nothing).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import shutil
import struct
import subprocess
import sys
import wave
from importlib.resources import files
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

SEED = 20261125
DEFAULT_OUT = Path(__file__).with_name("corpus")
FACE_PHOTO = "share/photos/team/portrait-01.jpg"
SPEECH = "share/recordings/voicemail-0412.wav"
FINGERPRINT = "share/biometrics/enrol-0001.fmr"
GEOTAGGED = "share/photos/site/roof-survey.jpg"
EXPECTED: dict[str, set[str]] = {  # at least these entities, somewhere in the file
    FACE_PHOTO: {"IMAGE", "FACE_TEMPLATE"},
    SPEECH: {"AUDIO_RECORDING"},
    FINGERPRINT: {"FINGERPRINT_TEMPLATE"},
    GEOTAGGED: {"PRECISE_GEOLOCATION"},
    "share/hr/employees.csv": {"EMAIL_ADDRESS", "PHONE_NUMBER"},
    "share/hr/notes.txt": {"EMAIL_ADDRESS"},
    "logs/app/app.jsonl": {"EMAIL_ADDRESS", "IP_ADDRESS"},
    "logs/nginx/access.log": {"IP_ADDRESS"},
}
CLEAN = (
    "share/clean/chart.png",
    "share/clean/inventory.csv",
    "share/clean/README.txt",
    "logs/app/worker.log",
)

FIRST = ["Anna", "Liam", "Sofia", "Noah", "Emma", "Lucas", "Mia", "Oliver", "Hannah", "Elias", "Grace"]
LAST = ["Meyer", "Johnson", "Garcia", "Schmidt", "Brown", "Martin", "Fischer", "Wilson", "Taylor"]
DOMAINS = ["example.com", "example.org", "mail.example.net"]
AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
]
PAGES = ["/account/orders", "/cart", "/search?q=kettle", "/account/profile", "/checkout/payment"]
SPOKEN = (
    "Hi, this is Anna Meyer calling about order four one two. Please call me back this afternoon. Thanks."
)


def build(root: Path, seed: int = SEED) -> dict[str, str]:
    """Write the corpus below ``root``; returns each written path (relative, '/') and how it was made."""
    rng = random.Random(seed)
    people = [_person(rng) for _ in range(40)]
    made: dict[str, str] = {}
    writers = [
        (FACE_PHOTO, lambda: _face_photo(), "face photo from scikit-image (astronaut.png)"),
        (GEOTAGGED, lambda: _geotagged(rng), "no face, GPS EXIF"),
        (SPEECH, None, ""),
        (FINGERPRINT, lambda: _fmr(rng), "ISO/IEC 19794-2 'FMR' finger minutiae record"),
        ("share/hr/employees.csv", lambda: _employees(people, rng), "CSV export: names, emails, phones"),
        ("share/hr/notes.txt", lambda: _notes(people, rng), "call notes with emails"),
        ("logs/app/app.jsonl", lambda: _app_log(people, rng), "JSON-lines app log: emails, IPs, sessions"),
        ("logs/nginx/access.log", lambda: _access_log(people, rng), "nginx combined log: IPs, agents, URLs"),
        ("share/clean/chart.png", lambda: _chart(rng), "clean: a bar chart"),
        ("share/clean/inventory.csv", lambda: _inventory(rng), "clean: stock levels"),
        ("share/clean/README.txt", lambda: _readme(), "clean: a note without personal data"),
        ("logs/app/worker.log", lambda: _worker_log(rng), "clean: batch job log"),
    ]
    for rel, make, how in writers:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if make is None:
            how = write_speech(path, SPOKEN, rng)
        else:
            path.write_bytes(make())
        made[rel] = how
    return made


def write_speech(path: Path, text: str, rng: random.Random) -> str:
    """A spoken WAV from espeak-ng when it is installed, else a synthesized voice-like signal."""
    espeak = shutil.which("espeak-ng")
    if espeak:
        subprocess.run([espeak, "-v", "en-us", "-s", "150", "-w", str(path), text], check=True, timeout=60)
        return "speech recording: espeak-ng"
    path.write_bytes(_synthetic_voice(rng, seconds=3.0))
    return "speech recording: synthesized voice-like tones (espeak-ng not installed)"


def _person(rng: random.Random) -> dict[str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return {
        "name": f"{first} {last}",
        "email": f"{first.lower()}.{last.lower()}{rng.randrange(10, 99)}@{rng.choice(DOMAINS)}",
        "phone": f"+1 {rng.randrange(201, 989)}-555-{rng.randrange(1000, 9999)}",
        "ip": f"{rng.choice(['192.0.2', '198.51.100', '203.0.113'])}.{rng.randrange(1, 254)}",
        "user": f"{first.lower()}{rng.randrange(100, 999)}",
    }


def _face_photo() -> bytes:
    source = files("skimage.data") / "astronaut.png"
    if source.is_file():
        img = Image.open(io.BytesIO(source.read_bytes())).convert("RGB")
    else:  # a future wheel that moved the file: the same bundled image through the public API
        from skimage import data

        img = Image.fromarray(data.astronaut())
    return _jpeg(img)


def _geotagged(rng: random.Random) -> bytes:
    """A rooftop-survey picture: gray slabs, no person, with the camera's GPS position."""
    img = Image.new("RGB", (640, 480), (150, 150, 145))
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x, y = rng.randrange(0, 560), rng.randrange(0, 400)
        shade = rng.randrange(90, 200)
        draw.rectangle(
            (x, y, x + rng.randrange(40, 80), y + rng.randrange(40, 80)), fill=(shade, shade, shade - 5)
        )
    exif = Image.Exif()
    exif[0x010F] = "PiscanCam"  # Make
    exif.get_ifd(0x8825).update({1: "N", 2: (52.0, 31.0, 12.4), 3: "E", 4: (13.0, 24.0, 37.9)})
    return _jpeg(img, exif)


def _jpeg(img: Image.Image, exif: Image.Exif | None = None) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=88, **({"exif": exif} if exif is not None else {}))
    return buf.getvalue()


def _fmr(rng: random.Random) -> bytes:
    """An ISO/IEC 19794-2 finger minutiae record: 'FMR\\0', version ' 20\\0', length, 30 minutiae."""
    minutiae = bytes(rng.randrange(256) for _ in range(6 * 30))
    body = b" 20\x00" + struct.pack(">I", 28 + len(minutiae)) + b"\x00" * 18 + minutiae
    return b"FMR\x00" + body


def _synthetic_voice(rng: random.Random, seconds: float, rate: int = 16000) -> bytes:
    """Syllable-shaped bursts of a 120 Hz voice with two formants: sounds like mumbling, not a beep."""
    t = np.arange(int(seconds * rate)) / rate
    envelope = np.zeros_like(t)
    start = 0.1
    while start < seconds - 0.3:
        length = rng.uniform(0.12, 0.3)
        mask = (t >= start) & (t < start + length)
        envelope[mask] = np.sin(np.pi * (t[mask] - start) / length)
        start += length + rng.uniform(0.03, 0.15)
    # intonation: the pitch drifts around 120 Hz as a speaker's does (a held pitch is a buzzer)
    f0 = 120 * (1 + 0.08 * np.sin(2 * np.pi * 0.7 * t) + 0.04 * np.sin(2 * np.pi * 3.1 * t))
    phase = 2 * np.pi * np.cumsum(f0) / rate
    voice = sum(np.sin(k * phase) / k for k in range(1, 12))
    formants = np.sin(2 * np.pi * 700 * t) * 0.3 + np.sin(2 * np.pi * 1200 * t) * 0.2
    signal = envelope * (voice + formants)
    pcm = (signal / np.max(np.abs(signal)) * 0.6 * 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return buf.getvalue()


def _employees(people: list[dict[str, str]], rng: random.Random) -> bytes:
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["employee_id", "full_name", "email", "phone", "department"])
    for i, p in enumerate(people, start=1001):
        out.writerow([i, p["name"], p["email"], p["phone"], rng.choice(["Sales", "Support", "Logistics"])])
    return buf.getvalue().encode()


def _notes(people: list[dict[str, str]], rng: random.Random) -> bytes:
    lines = ["Call notes, week 14", ""]
    for p in rng.sample(people, 6):
        lines.append(
            f"- {p['name']} ({p['email']}) asked about a late delivery; promised an update by Friday."
        )
    return ("\n".join(lines) + "\n").encode()


def _times(rng: random.Random, n: int) -> list[dt.datetime]:
    at = dt.datetime(2026, 4, 1, 8, 0, tzinfo=dt.UTC)
    out = []
    for _ in range(n):
        at += dt.timedelta(seconds=rng.randrange(5, 600))
        out.append(at)
    return out


def _app_log(people: list[dict[str, str]], rng: random.Random) -> bytes:
    lines = []
    for at in _times(rng, 80):
        p = rng.choice(people)
        event = {
            "ts": at.isoformat(),
            "level": "INFO",
            "event": rng.choice(["login", "order.created", "password.reset", "logout"]),
            "user": {"id": rng.randrange(10_000, 99_999), "email": p["email"]},
            "ip": p["ip"],
            "session": f"s_{rng.getrandbits(64):016x}",
        }
        lines.append(json.dumps(event))
    return ("\n".join(lines) + "\n").encode()


def _access_log(people: list[dict[str, str]], rng: random.Random) -> bytes:
    lines = []
    for at in _times(rng, 120):
        p = rng.choice(people)
        when = at.strftime("%d/%b/%Y:%H:%M:%S +0000")
        page, status, size = (
            rng.choice(PAGES),
            rng.choice([200, 200, 200, 302, 404]),
            rng.randrange(200, 9000),
        )
        user = p["user"] if rng.random() < 0.3 else "-"
        agent = rng.choice(AGENTS)
        lines.append(f'{p["ip"]} - {user} [{when}] "GET {page} HTTP/1.1" {status} {size} "-" "{agent}"')
    return ("\n".join(lines) + "\n").encode()


def _chart(rng: random.Random) -> bytes:
    img = Image.new("RGB", (480, 320), "white")
    draw = ImageDraw.Draw(img)
    draw.line((40, 280, 460, 280), fill="black", width=2)
    draw.line((40, 20, 40, 280), fill="black", width=2)
    for i in range(8):
        height = rng.randrange(30, 240)
        draw.rectangle((60 + i * 50, 280 - height, 90 + i * 50, 279), fill=(60, 110, 180))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _inventory(rng: random.Random) -> bytes:
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["sku", "bin", "qty_on_hand", "reorder_level"])
    for i in range(60):
        out.writerow(
            [
                f"SKU-{10_000 + i * 7}",
                f"{rng.choice('ABCD')}-{rng.randrange(1, 20):02d}",
                rng.randrange(0, 500),
                25,
            ]
        )
    return buf.getvalue().encode()


def _readme() -> bytes:
    return (
        b"Warehouse exports\n\n"
        b"This folder holds the nightly stock exports and the weekly chart.\n"
        b"Files older than ninety days are archived automatically.\n"
    )


def _worker_log(rng: random.Random) -> bytes:
    lines = []
    for at in _times(rng, 50):
        job = rng.choice(["compact-index", "rebuild-cache", "export-stock"])
        took = rng.randrange(20, 900)
        lines.append(f"{at:%Y-%m-%dT%H:%M:%SZ} INFO {job}: shard {rng.randrange(8)} done in {took} ms")
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    """Write the corpus to the folder given as the only argument (default examples/corpus/)."""
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    for rel, how in build(root).items():
        size = (root / rel).stat().st_size
        print(f"wrote {root / rel} ({size} bytes): {how}")


if __name__ == "__main__":
    main()

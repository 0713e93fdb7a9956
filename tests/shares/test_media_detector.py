"""MediaDetector on real media: a real face photo, real face crops, images without faces, GPS EXIF,
a generated speech recording, container headers, and broken or hostile files."""

from __future__ import annotations

import io
import random
import re
import struct
import zlib
from importlib.resources import files

import numpy as np
import pytest
from PIL import Image, features

from piscan.detectors import media
from piscan.detectors.media import MediaDetector, sniff
from piscan.errors import ConfigError
from piscan.model import Column, Detection, Location, Record, ValueKind

# Masked descriptions only: a kind, a face count or "GPS position", a size. Never pixels or coordinates.
EXAMPLE = re.compile(r"^<[a-z0-9 ./-]+?( with \d+ faces?| with GPS position|, \d+ (KiB|bytes))>$")


def detect(*values: object) -> list[Detection]:
    record = Record(Location("files", ("f",)), Column("f", "file", ValueKind.BINARY), values)
    return MediaDetector().detect(record, ())


def entities(data: bytes) -> set[str]:
    return {d.entity for d in detect(data)}


def encode(img: Image.Image, fmt: str, **options: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **options)
    return buf.getvalue()


@pytest.fixture(scope="module")
def astronaut() -> Image.Image:
    """NASA's portrait of Eileen Collins, shipped inside scikit-image's wheel (not downloaded)."""
    resource = files("skimage.data") / "astronaut.png"
    assert resource.is_file(), "scikit-image no longer bundles astronaut.png"
    return Image.open(io.BytesIO(resource.read_bytes())).convert("RGB")


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_a_face_photo_is_visual_and_facial_biometric_data(astronaut, fmt):
    found = detect(encode(astronaut, fmt))
    label = fmt.lower()
    assert {(d.entity, d.recognizer, d.example) for d in found} == {
        ("IMAGE", "media:face-haar", f"<{label} with 1 face>"),
        ("FACE_TEMPLATE", "media:face-haar", f"<{label} with 1 face>"),
    }
    assert all(d.value_index == 0 and d.score >= 0.8 for d in found)


@pytest.mark.skipif(not features.check("avif"), reason="this Pillow has no AVIF codec")
def test_an_avif_face_photo_is_found_too(astronaut):
    data = encode(astronaut, "AVIF")
    assert sniff(data[:512]) == ("IMAGE", "avif")
    assert entities(data) == {"IMAGE", "FACE_TEMPLATE"}


def test_real_face_crops_are_found_and_non_faces_are_not():
    """scikit-image's bundled LFW subset: 100 real face crops and 100 crops without a face."""
    crops = np.load(str(files("skimage.data") / "lfw_subset.npy"))
    found = []
    for crop in crops:
        gray = (crop * 255).astype(np.uint8)
        gray = np.asarray(Image.fromarray(gray).resize((100, 100), Image.Resampling.BICUBIC))
        framed = np.pad(gray, 30, mode="edge")
        found.append(media.count_faces(framed) > 0)
    assert sum(found[:100]) >= 90  # recall on real faces
    assert sum(found[100:]) == 0  # no false positive on the non-face crops


NO_PERSON = ["coffee.png", "chelsea.png", "rocket.jpg", "coins.png", "hubble_deep_field.jpg"]


@pytest.mark.parametrize("name", NO_PERSON)
def test_real_photos_without_a_person_are_no_finding(name):
    assert entities((files("skimage.data") / name).read_bytes()) == set()


def test_generated_images_without_a_face_are_no_finding(corpus_bytes):
    rng = np.random.default_rng(7)
    noise = Image.fromarray(rng.integers(0, 256, (480, 640), dtype=np.uint8))
    ys, xs = np.mgrid[0:480, 0:640]
    gradient = Image.fromarray(((xs + ys) % 256).astype(np.uint8))
    assert entities(encode(noise, "PNG")) == set()
    assert entities(encode(gradient, "JPEG")) == set()
    assert entities(corpus_bytes["share/clean/chart.png"]) == set()


def _gps_exif(lat: tuple[float, ...], lon: tuple[float, ...]) -> Image.Exif:
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: lat, 3: "E", 4: lon})
    return exif


def test_gps_exif_written_by_pillow_is_precise_geolocation():
    plain = Image.new("RGB", (320, 240), (90, 120, 150))
    tagged = encode(plain, "JPEG", exif=_gps_exif((52.0, 31.0, 12.4), (13.0, 24.0, 37.9)))
    assert [(d.entity, d.recognizer, d.example) for d in detect(tagged)] == [
        ("PRECISE_GEOLOCATION", "media:exif-gps", "<jpeg with GPS position>")
    ]
    assert entities(encode(plain, "JPEG")) == set()  # no EXIF at all
    no_fix = encode(plain, "JPEG", exif=_gps_exif((0.0, 0.0, 0.0), (0.0, 0.0, 0.0)))
    assert entities(no_fix) == set()  # a GPS block without a fix is no position


def test_a_face_photo_with_gps_is_all_three(astronaut):
    data = encode(astronaut, "JPEG", exif=_gps_exif((40.0, 42.0, 46.0), (74.0, 0.0, 21.0)))
    assert entities(data) == {"IMAGE", "FACE_TEMPLATE", "PRECISE_GEOLOCATION"}


def test_a_generated_speech_recording_is_an_audio_recording(tmp_path, corpus_module, record_property):
    path = tmp_path / "voicemail.wav"
    how = corpus_module.write_speech(path, "Please call me back about my order.", random.Random(1))
    record_property("speech_source", how)  # espeak-ng when installed, else synthesized
    found = detect(path.read_bytes())
    assert [(d.entity, d.recognizer) for d in found] == [("AUDIO_RECORDING", "signature:wav")]
    assert re.fullmatch(r"<wav recording, \d+ KiB>", found[0].example)


def test_the_synthesized_fallback_voice_is_an_audio_recording(corpus_module):
    data = corpus_module._synthetic_voice(random.Random(1), seconds=1.0)
    assert entities(data) == {"AUDIO_RECORDING"}


VIDEO_AND_AUDIO = {
    "matroska": b"\x1aE\xdf\xa3\x9fB\x86\x81\x01webm" + bytes(20),
    "avi": b"RIFF\x00\x10\x00\x00AVI LIST" + bytes(20),
    "asf": bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c") + bytes(20),
    "flv": b"FLV\x01\x05\x00\x00\x00\x09" + bytes(20),
    "mpeg": b"\x00\x00\x01\xba\x44" + bytes(20),
    "mpeg-ts": (b"\x47" + bytes(187)) * 3,
    "quicktime": b"\x00\x00\x00\x08wide\x00\x00\x00\x00mdat",
    "mp4": b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00" + bytes(16),
    "3gp": b"\x00\x00\x00\x14ftyp3gp5" + bytes(16),
    "m4a": b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00" + bytes(16),
    "aiff": b"FORM\x00\x00\x10\x00AIFFCOMM" + bytes(20),
    "amr": b"#!AMR\n" + bytes(20),
    "ogg": b"OggS\x00\x02" + bytes(20),
    "flac": b"fLaC\x00\x00\x00\x22" + bytes(20),
    "mp3": b"ID3\x04\x00\x00" + bytes(20),
}


@pytest.mark.parametrize("label", sorted(VIDEO_AND_AUDIO))
def test_video_and_audio_containers_are_recordings(label):
    found = detect(VIDEO_AND_AUDIO[label])
    assert [(d.entity, d.recognizer) for d in found] == [("AUDIO_RECORDING", f"signature:{label}")]


def test_fingerprint_templates_and_wsq_images(corpus_bytes, corpus_module):
    fmr = corpus_bytes[corpus_module.FINGERPRINT]
    wsq = b"\xff\xa0\xff\xa8\x00\x02" + bytes(40)
    assert [(d.entity, d.example) for d in detect(fmr, wsq)] == [
        ("FINGERPRINT_TEMPLATE", "<iso-19794-2 fmr, 210 bytes>"),
        ("FINGERPRINT_TEMPLATE", "<wsq, 46 bytes>"),
    ]


def test_a_photo_cut_short_by_the_byte_budget_still_shows_its_face(astronaut):
    data = encode(astronaut, "JPEG", quality=90)
    assert entities(data[: len(data) // 2]) == {"IMAGE", "FACE_TEMPLATE"}


def _png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge size: a decompression bomb in miniature."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    crc = struct.pack(">I", zlib.crc32(chunk))
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + crc + bytes(64)


def test_broken_hostile_and_non_media_values_are_no_finding():
    assert entities(b"\xff\xd8\xff\xe0" + bytes(100)) == set()  # a JPEG signature and junk
    assert entities(_png_claiming(40_000, 40_000)) == set()  # not decoded, no crash
    assert entities(b"\x00\x00\x00\x18ftypheic" + bytes(32)) == set()  # HEIF that Pillow cannot read
    assert entities(b"plain text, not media\n") == set()
    assert detect("a string", 42, None) == []


def test_examples_describe_and_never_hold_content(astronaut, corpus_bytes, corpus_module):
    values = [
        encode(astronaut, "JPEG", exif=_gps_exif((1.0, 2.0, 3.0), (4.0, 5.0, 6.0))),
        corpus_bytes[corpus_module.SPEECH],
        corpus_bytes[corpus_module.FINGERPRINT],
        *VIDEO_AND_AUDIO.values(),
    ]
    examples = [d.example for d in detect(*values)]
    assert len(examples) == 3 + 1 + 1 + len(VIDEO_AND_AUDIO)
    assert all(EXAMPLE.match(e) for e in examples), examples


def test_missing_haar_cascades_are_a_config_error(monkeypatch, astronaut):
    monkeypatch.setattr(media, "_CASCADES", ("no_such_cascade.xml", "haarcascade_frontalface_default.xml"))
    media._cascades.cache_clear()
    try:
        with pytest.raises(ConfigError, match="opencv-python-headless<5"):
            detect(encode(astronaut, "PNG"))
    finally:
        media._cascades.cache_clear()

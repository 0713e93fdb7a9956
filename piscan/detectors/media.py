"""Media files judged by content: faces in photos, GPS tags, audio and video recordings, fingerprints.

A photo is personal data when it shows a person: an image with a human face is reported as
IMAGE (visual data) and FACE_TEMPLATE (facial biometric data), an image without one is not.
Faces are found with OpenCV's Haar cascades shipped inside opencv-python-headless 4.x (5.0
drops them; nothing is downloaded at run time); a face counts when two cascades agree, which
keeps textures, cats and coins out. GPS tags in EXIF are PRECISE_GEOLOCATION. Recordings and
fingerprint templates are found by signature; a recording piscan can decode (PCM WAV) counts only
when it holds a voice (``speech.py``), others (compressed audio, video) stay recordings because a
voice cannot be ruled out without decoding them. Examples only describe (``<jpeg with 1 face>``).
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
from PIL import Image, ImageFile

from piscan.detectors.signatures import SIGNATURE_BYTES, identify
from piscan.detectors.speech import holds_speech
from piscan.errors import ConfigError
from piscan.mask import describe_blob
from piscan.model import Detection, Record

log = logging.getLogger(__name__)

FACE_RECOGNIZER = "media:face-haar"
GPS_RECOGNIZER = "media:exif-gps"
SNIFF_BYTES = 512  # enough of a file to tell every container below (MPEG-TS needs 377)
MAX_SIDE = 1024  # images are shrunk to this before face detection: faces stay large, time stays short
MAX_PIXELS = 64_000_000  # larger images (after JPEG draft scaling) are not decoded: bombs stay out
_CASCADES = ("haarcascade_frontalface_alt2.xml", "haarcascade_frontalface_default.xml")
_GPS_IFD = 0x8825
_IMAGE_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis"}

# Containers that signatures.py does not know (video above all); all are AUDIO_RECORDING.
_RECORDINGS: tuple[tuple[str, Any], ...] = (
    ("matroska", lambda b: b[:4] == b"\x1aE\xdf\xa3"),
    ("avi", lambda b: b[:4] == b"RIFF" and b[8:12] == b"AVI "),
    ("asf", lambda b: b[:8] == b"\x30\x26\xb2\x75\x8e\x66\xcf\x11"),
    ("flv", lambda b: b[:4] == b"FLV\x01"),
    ("mpeg", lambda b: b[:4] in (b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3")),
    ("mpeg-ts", lambda b: len(b) > 376 and b[0] == b[188] == b[376] == 0x47),
    ("quicktime", lambda b: b[4:8] in (b"moov", b"mdat", b"wide", b"pnot")),
    ("aiff", lambda b: b[:4] == b"FORM" and b[8:12] in (b"AIFF", b"AIFC")),
    ("amr", lambda b: b[:5] == b"#!AMR"),
    ("au", lambda b: b[:4] == b".snd"),
)
_IMAGES: tuple[tuple[str, Any], ...] = (
    ("tiff", lambda b: b[:4] in (b"II*\x00", b"MM\x00*")),
    ("bmp", lambda b: b[:2] == b"BM" and len(b) > 18 and b[14] in (12, 40, 52, 56, 108, 124)),
)


def sniff(head: bytes) -> tuple[str, str] | None:
    """(entity, label) for a file's first SNIFF_BYTES bytes, or None when it is no known media."""
    if head[4:8] == b"ftyp":
        return _ftyp(head[8:12])
    for label, test in _RECORDINGS:
        if test(head):
            return "AUDIO_RECORDING", label
    for label, test in _IMAGES:
        if test(head):
            return "IMAGE", label
    return identify(head[:SIGNATURE_BYTES])


class MediaDetector:
    """Finds faces, GPS positions, recordings and fingerprint templates in binary file contents."""

    name = "media"

    def detect(self, record: Record, context: tuple[str, ...]) -> list[Detection]:
        """Detections for every binary value; text and numbers are left to the other detectors."""
        found: list[Detection] = []
        for i, value in enumerate(record.values):
            if isinstance(value, bytes | bytearray | memoryview):
                found += self._one(bytes(value), i)
        return found

    def _one(self, data: bytes, index: int) -> list[Detection]:
        kind = sniff(data[:SNIFF_BYTES])
        if kind is None:
            return []
        entity, label = kind
        if entity == "IMAGE":
            return _image(data, label, index)
        if entity == "AUDIO_RECORDING" and holds_speech(data) is False:
            return []  # decoded, and no voice in it: a chime or a beep is nobody's recording
        what = f"{label} recording" if entity == "AUDIO_RECORDING" else label
        return [Detection(entity, f"signature:{label}", 0.95, index, describe_blob(what, len(data)))]


def count_faces(gray: np.ndarray) -> int:
    """Faces in a grayscale image: boxes the alt2 cascade finds and the default cascade confirms."""
    if min(gray.shape[:2]) < 24:
        return 0
    import cv2

    gray = cv2.equalizeHist(gray)
    side = max(24, min(gray.shape[:2]) // 20)
    alt2, default = _cascades()
    found = alt2.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5, minSize=(side, side))
    if len(found) == 0:
        return 0
    confirm = default.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5, minSize=(side, side))
    return sum(1 for box in found if any(_overlap(box, other) > 0.4 for other in confirm))


@functools.cache
def _cascades() -> tuple[Any, Any]:
    """Both cascades, loaded once per process from the opencv wheel itself."""
    import cv2

    base = getattr(getattr(cv2, "data", None), "haarcascades", "")
    pair = tuple(cv2.CascadeClassifier(base + name) for name in _CASCADES)
    if not base or any(c.empty() for c in pair):
        problem = "Haar cascades missing: install opencv-python-headless<5"
        raise ConfigError("opencv-python-headless", "cv2.data.haarcascades", problem)
    return pair


def _image(data: bytes, label: str, index: int) -> list[Detection]:
    """IMAGE and FACE_TEMPLATE when a face shows, PRECISE_GEOLOCATION when GPS tags are present."""
    try:
        with _quiet_pillow(), Image.open(io.BytesIO(data)) as img:
            gps = _has_gps(img)
    except Exception as exc:  # not an image Pillow can read: no evidence either way
        log.debug("image not opened: %s", type(exc).__name__)
        return []
    faces = _faces(data)
    found = []
    if faces:
        example = f"<{label} with {faces} face{'s' if faces > 1 else ''}>"
        found += [
            Detection("IMAGE", FACE_RECOGNIZER, 0.85, index, example),
            Detection("FACE_TEMPLATE", FACE_RECOGNIZER, 0.8, index, example),
        ]
    if gps:
        example = f"<{label} with GPS position>"
        found.append(Detection("PRECISE_GEOLOCATION", GPS_RECOGNIZER, 0.95, index, example))
    return found


def _faces(data: bytes) -> int:
    """Faces in an image; a file cut short by the byte budget is decoded as far as it goes."""
    for truncated in (False, True):
        try:
            with _quiet_pillow(truncated), Image.open(io.BytesIO(data)) as img:
                gray = _gray(img)
        except OSError as exc:  # "image file is truncated": try again keeping the decoded part
            log.debug("image not decoded: %s", exc)
            continue
        except Exception as exc:  # a hostile or broken image counts no face
            log.debug("image not decoded: %s", type(exc).__name__)
            return 0
        return count_faces(gray)
    return 0


@contextlib.contextmanager
def _quiet_pillow(truncated: bool = False) -> Iterator[None]:
    """No warnings on odd EXIF or big images; optionally keep what a cut-short file decodes to.

    LOAD_TRUNCATED_IMAGES is a module global: files are scanned one at a time per worker process,
    so it is set and restored around one decode.
    """
    saved = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = truncated or saved
    try:
        with warnings.catch_warnings(action="ignore"):
            yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = saved


def _gray(img: Image.Image) -> np.ndarray:
    """The first frame in grayscale, at most MAX_SIDE pixels a side; JPEGs are decoded scaled down."""
    if img.format == "JPEG":
        img.draft("L", (MAX_SIDE, MAX_SIDE))
    if img.width * img.height > MAX_PIXELS:
        raise ValueError("image too large to decode")
    gray = img.convert("L")
    gray.thumbnail((MAX_SIDE, MAX_SIDE))
    return np.asarray(gray, dtype=np.uint8)


def _has_gps(img: Image.Image) -> bool:
    """Whether EXIF carries a GPS latitude and longitude that are not all zero (no fix)."""
    try:
        gps = img.getexif().get_ifd(_GPS_IFD)
        lat, lon = gps.get(2), gps.get(4)
        return bool(lat and lon and any(float(v) for v in (*lat, *lon)))
    except Exception:  # malformed EXIF is no position
        return False


def _ftyp(brand: bytes) -> tuple[str, str]:
    if brand in _IMAGE_BRANDS:
        return "IMAGE", "avif" if brand.startswith(b"avi") else "heif"
    if brand[:3] in (b"M4A", b"M4B", b"M4P"):
        return "AUDIO_RECORDING", "m4a"
    if brand == b"qt  ":
        return "AUDIO_RECORDING", "quicktime"
    return "AUDIO_RECORDING", "3gp" if brand.startswith(b"3g") else "mp4"


def _overlap(a: Any, b: Any) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    ax, ay, aw, ah = (int(v) for v in a)
    bx, by, bw, bh = (int(v) for v in b)
    w = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    h = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = w * h
    return inter / float(aw * ah + bw * bh - inter)

"""Binary values classified by content signature, not by column name or file extension."""

from __future__ import annotations

from piscan.mask import describe_blob
from piscan.model import Detection, Record

# (entity, label, test on the first bytes). ISO/IEC 19794-2 finger minutiae records start
# with "FMR\0"; ANSI/INCITS 378 uses the same magic; WSQ images start with the SOI marker FFA0.
_SIGNATURES: tuple[tuple[str, str, object], ...] = (
    ("IMAGE", "jpeg", lambda b: b[:3] == b"\xff\xd8\xff"),
    ("IMAGE", "png", lambda b: b[:8] == b"\x89PNG\r\n\x1a\n"),
    ("IMAGE", "gif", lambda b: b[:6] in (b"GIF87a", b"GIF89a")),
    ("IMAGE", "webp", lambda b: b[:4] == b"RIFF" and b[8:12] == b"WEBP"),
    ("AUDIO_RECORDING", "wav", lambda b: b[:4] == b"RIFF" and b[8:12] == b"WAVE"),
    (
        "AUDIO_RECORDING",
        "mp3",
        lambda b: b[:3] == b"ID3" or (len(b) > 1 and b[0] == 0xFF and b[1] & 0xE0 == 0xE0),
    ),
    ("AUDIO_RECORDING", "ogg", lambda b: b[:4] == b"OggS"),
    ("AUDIO_RECORDING", "flac", lambda b: b[:4] == b"fLaC"),
    ("AUDIO_RECORDING", "mp4", lambda b: b[4:8] == b"ftyp"),
    ("FINGERPRINT_TEMPLATE", "iso-19794-2 fmr", lambda b: b[:4] == b"FMR\x00"),
    ("FINGERPRINT_TEMPLATE", "wsq", lambda b: b[:2] == b"\xff\xa0"),
)

SIGNATURE_BYTES = 16  # enough of every value to recognize each signature above


def identify(head: bytes) -> tuple[str, str] | None:
    """(entity, label) for a value's first bytes, or None."""
    for entity, label, test in _SIGNATURES:
        if test(head):  # type: ignore[operator]
            return entity, label
    return None


class SignatureDetector:
    """Finds images, recordings and fingerprint templates in binary values."""

    name = "signature"

    def detect(self, record: Record, context: tuple[str, ...]) -> list[Detection]:
        """One detection per binary value whose signature is known."""
        found = []
        for i, value in enumerate(record.values):
            if not isinstance(value, bytes | bytearray | memoryview):
                continue
            head = bytes(value[:SIGNATURE_BYTES])
            hit = identify(head)
            if hit:
                entity, label = hit
                found.append(
                    Detection(entity, f"signature:{label}", 0.95, i, describe_blob(label, len(value)))
                )
        return found

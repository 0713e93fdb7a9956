"""Synthetic identifiers with valid check digits, credentials and binary payloads, from a seeded rng."""

from __future__ import annotations

import base64
import hashlib
import json
import random
import string
import struct

_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_BCRYPT = "./" + string.ascii_uppercase + string.ascii_lowercase + string.digits
_GEOHASH = "0123456789bcdefghjkmnpqrstuvwxyz"
_NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
_NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"


def digits(rng: random.Random, n: int) -> str:
    """n random digits."""
    return "".join(rng.choice(string.digits) for _ in range(n))


def luhn_complete(body: str) -> str:
    """``body`` plus its Luhn check digit."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


def imei(rng: random.Random) -> str:
    """A 15-digit IMEI (TAC + serial + Luhn)."""
    return luhn_complete(rng.choice(["35", "86", "01", "49"]) + digits(rng, 12))


def de_tax_id(rng: random.Random) -> str:
    """A German Steuer-IdNr: one digit twice among the first ten, ISO 7064 MOD 11,10 check digit."""
    while True:
        pool = rng.sample(string.digits, 9)
        body = pool + [rng.choice(pool)]
        rng.shuffle(body)
        if body[0] == "0":
            continue
        product = 10
        for d in body:
            total = (int(d) + product) % 10 or 10
            product = (total * 2) % 11
        return "".join(body) + str((11 - product) % 10)


def uk_nino(rng: random.Random, spaced: bool = False) -> str:
    """A UK National Insurance number with a valid prefix."""
    while True:
        prefix = rng.choice(_NINO_FIRST) + rng.choice(_NINO_SECOND)
        if prefix not in {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}:
            break
    nums = [digits(rng, 2) for _ in range(3)]
    suffix = rng.choice("ABCD")
    return f"{prefix} {' '.join(nums)} {suffix}" if spaced else prefix + "".join(nums) + suffix


def fr_nir(rng: random.Random) -> str:
    """A French social security number (NIR) with its mod-97 key."""
    body = (
        rng.choice("12")
        + digits(rng, 2)
        + f"{rng.randrange(1, 13):02d}"
        + f"{rng.randrange(1, 96):02d}"
        + digits(rng, 3)
        + digits(rng, 3)
    )
    return body + f"{97 - int(body) % 97:02d}"


def aba_routing(rng: random.Random) -> str:
    """A US ABA routing number with its 3-7-1 checksum."""
    body = f"{rng.choice([0, 1, 2, 3])}{rng.randrange(10)}" + digits(rng, 6)
    weights = (3, 7, 1, 3, 7, 1, 3, 7)
    total = sum(int(d) * w for d, w in zip(body, weights, strict=True))
    return body + str((10 - total % 10) % 10)


def us_driver_license(rng: random.Random) -> str:
    """A driver's license number in one of several US state formats."""
    fmt = rng.choice(["L7", "L12", "D9", "L8", "D8"])
    letters = rng.choice(string.ascii_uppercase)
    return {
        "L7": letters + digits(rng, 7),
        "L12": letters + digits(rng, 12),
        "D9": digits(rng, 9),
        "L8": letters + digits(rng, 8),
        "D8": digits(rng, 8),
    }[fmt]


def de_driver_license(rng: random.Random) -> str:
    """A German Führerscheinnummer: authority code, 6 alphanumerics, check digit, issue number."""
    alnum = string.ascii_uppercase + string.digits
    return (
        rng.choice("BFJKN") + digits(rng, 3) + "".join(rng.choice(alnum) for _ in range(6)) + digits(rng, 1)
    )


def fr_driver_license(rng: random.Random) -> str:
    """A French permis de conduire number (12 digits, old format) or the new 2-letter form."""
    if rng.random() < 0.5:
        return digits(rng, 12)
    return digits(rng, 2) + "".join(rng.choice(string.ascii_uppercase) for _ in range(2)) + digits(rng, 5)


def cn_driver_license(rng: random.Random, resident_id: str) -> str:
    """Chinese driving licences carry the holder's resident id number."""
    return resident_id


def bcrypt_hash(rng: random.Random) -> str:
    """A bcrypt modular-crypt string (syntactically valid, random digest)."""
    return f"$2b${rng.choice(['10', '12'])}$" + "".join(rng.choice(_BCRYPT) for _ in range(53))


def argon2_hash(rng: random.Random) -> str:
    """An argon2id PHC string."""
    salt = base64.b64encode(rng.randbytes(16)).decode().rstrip("=")
    digest = base64.b64encode(rng.randbytes(32)).decode().rstrip("=")
    return f"$argon2id$v=19$m=65536,t=3,p=4${salt}${digest}"


def pbkdf2_hash(rng: random.Random) -> str:
    """A Django pbkdf2_sha256 password hash."""
    salt = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(22))
    digest = base64.b64encode(rng.randbytes(32)).decode()
    return f"pbkdf2_sha256$600000${salt}${digest}"


def totp_secret(rng: random.Random) -> str:
    """A base32 TOTP seed as authenticator apps store it."""
    return "".join(rng.choice(_BASE32) for _ in range(32))


def api_key(rng: random.Random) -> str:
    """An API key in one of the common vendor formats."""
    alnum = string.ascii_letters + string.digits
    kind = rng.choice(["stripe", "aws", "github", "slack", "google"])
    if kind == "stripe":
        return "sk_live_" + "".join(rng.choice(alnum) for _ in range(24))
    if kind == "aws":
        return "AKIA" + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(16))
    if kind == "github":
        return "ghp_" + "".join(rng.choice(alnum) for _ in range(36))
    if kind == "slack":
        return f"xoxb-{digits(rng, 12)}-{digits(rng, 13)}-" + "".join(rng.choice(alnum) for _ in range(24))
    return "AIza" + "".join(rng.choice(alnum + "-_") for _ in range(35))


def hex_token(rng: random.Random, n: int = 32) -> str:
    """n random hex characters."""
    return rng.randbytes(n // 2).hex()


def urlsafe_token(rng: random.Random, n: int = 32) -> str:
    """A URL-safe base64 token of n bytes."""
    return base64.urlsafe_b64encode(rng.randbytes(n)).decode().rstrip("=")


def jwt(rng: random.Random, subject: str) -> str:
    """A signed-looking JWT carrying a subject."""

    def part(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    header = part({"alg": "HS256", "typ": "JWT"})
    body = part({"sub": subject, "iat": 1767225600 + rng.randrange(10**6)})
    return f"{header}.{body}.{urlsafe_token(rng, 32)}"


def geohash(lat: float, lon: float, precision: int = 9) -> str:
    """Standard geohash encoding."""
    lat_lo, lat_hi, lon_lo, lon_hi = -90.0, 90.0, -180.0, 180.0
    bits, even, out, ch = 0, True, [], 0
    while len(out) < precision:
        if even:
            mid = (lon_lo + lon_hi) / 2
            ch = (ch << 1) | (lon >= mid)
            lon_lo, lon_hi = (mid, lon_hi) if lon >= mid else (lon_lo, mid)
        else:
            mid = (lat_lo + lat_hi) / 2
            ch = (ch << 1) | (lat >= mid)
            lat_lo, lat_hi = (mid, lat_hi) if lat >= mid else (lat_lo, mid)
        even = not even
        bits += 1
        if bits == 5:
            out.append(_GEOHASH[ch])
            bits, ch = 0, 0
    return "".join(out)


def fmr_template(rng: random.Random) -> bytes:
    """An ISO/IEC 19794-2 finger minutiae record with synthetic minutiae."""
    minutiae = rng.randbytes(6 * rng.randrange(20, 40))
    return b"FMR\x00 20\x00" + struct.pack(">I", 28 + len(minutiae)) + b"\x00" * 18 + minutiae


def float_vector(rng: random.Random, dims: int) -> list[float]:
    """An embedding-like vector of small floats."""
    return [round(rng.uniform(-1, 1), 5) for _ in range(dims)]


def packed_floats(rng: random.Random, dims: int) -> bytes:
    """A float32 vector as numpy's tobytes() writes it."""
    return struct.pack(f"<{dims}f", *float_vector(rng, dims))


def jpeg(rng: random.Random) -> bytes:
    """JPEG/JFIF header plus noise."""
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + rng.randbytes(200)


def png(rng: random.Random) -> bytes:
    """PNG signature plus noise."""
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(200)


def wav(rng: random.Random) -> bytes:
    """RIFF/WAVE header plus noise."""
    return b"RIFF" + struct.pack("<I", 236) + b"WAVEfmt " + rng.randbytes(200)


def sha256(text: str) -> str:
    """Hex SHA-256 of a text."""
    return hashlib.sha256(text.encode()).hexdigest()

"""Hand-written hard cases: odd formats, foreign scripts, sparse and mixed columns, binary payloads."""

from __future__ import annotations

import json
import random
import uuid
from itertools import cycle, islice

from faker import Faker

from benchmarks.quality import formats as fm
from benchmarks.quality.cases import ROWS, Table, col

NAMES = (
    "Jean-Luc Picard",
    "José María García-López",
    "Nguyễn Thị Minh",
    "Siobhán O'Connor",
    "Hans-Jürgen Müller-Lüdenscheidt",
    "欧阳娜娜",
    "司马相如",
    "王伟",
    "李娜",
    "Zhang Wei",
    "Li Xiaoming",
    "Björn Ångström",
    "François-Xavier Dupont",
    "Ana de la Cruz",
    "Aiyana Redcloud",
    "Dr. Karin Weiß",
    "Mr. Oluwaseun Adeyemi",
    "Chen Jing",
    "诸葛明",
    "Ólafur Sigurðsson",
)
PHONES_INTL = (
    "+86 139 1234 5678",
    "+49 30 12345678",
    "0049 (0)89 1234567",
    "+33 6 12 34 56 78",
    "+44 20 7946 0958",
    "+1 (415) 555-0132",
    "+81 3-1234-5678",
    "+91 98765 43210",
    "+61 2 9876 5432",
    "+55 11 91234-5678",
    "+7 495 123-45-67",
    "+34 612 34 56 78",
    "+86-10-6552-9988",
    "+41 44 668 18 00",
)
PHONES_NATIONAL = (
    "030 12345678",
    "(089) 1234567",
    "0171 2345678",
    "06 12 34 56 78",
    "01 42 68 53 00",
    "13912345678",
    "010-65529988",
    "(212) 555-0187",
    "020 7946 0958",
    "07700 900123",
)
ADDRESSES = (
    "Flat 3, 12 High Street, Oxford OX1 4AP",
    "Hauptstraße 5a, 10115 Berlin",
    "Am Markt 12, 04109 Leipzig",
    "12 bis, rue de la Paix, 75002 Paris",
    "1600 Amphitheatre Pkwy, Mountain View, CA 94043",
    "北京市朝阳区建国路88号",
    "上海市浦东新区世纪大道100号 200120",
    "Postfach 10 12 34, 50452 Köln",
    "123 Main St. Apt 4B, Springfield, IL 62701",
    "Via Roma 10, 00184 Roma",
    "Calle Mayor 5, 28013 Madrid",
    "PO Box 4521, Austin, TX 78765",
)


def _fill(values: tuple[object, ...] | list[object], n: int = ROWS) -> list[object]:
    return list(islice(cycle(values), n))


def hard_tables(seed: int) -> list[Table]:
    """Every hand-written hard table."""
    rng = random.Random(seed)
    return [
        _people(rng, seed),
        _identifiers(rng),
        _sparse(rng),
        _attributes(rng),
        _biometrics(rng),
        _face_table(rng),
        _patients(rng),
        _geo(rng),
        _web(rng),
        _secrets(rng),
    ]


def _mixed_names(seed: int) -> list[str]:
    """Distinct full names from four locales, interleaved."""
    fakers = [Faker(loc) for loc in ("en_US", "de_DE", "fr_FR", "zh_CN")]
    for i, f in enumerate(fakers):
        f.seed_instance(seed + i)
    return [fakers[i % 4].name() for i in range(ROWS)]


def _mailbox(name: str, i: int) -> str:
    ascii_part = "".join(c for c in name.split()[-1].lower() if c.isascii() and c.isalpha())
    return f"{ascii_part or 'user'}{i}"


def _people(rng: random.Random, seed: int) -> Table:
    return Table(
        "hard_people",
        "hard",
        (
            col("customer_name", _fill(NAMES), "PERSON", why="names from many scripts and cultures"),
            col(
                "contact",
                [f"{n} <{_mailbox(n, i)}@example.org>" for i, n in enumerate(_mixed_names(seed))],
                "PERSON",
                "EMAIL_ADDRESS",
                why="name and email in one field",
            ),
            col("mobile", _fill(PHONES_INTL), "PHONE_NUMBER", why="international formats"),
            col("tel", _fill(PHONES_NATIONAL), "PHONE_NUMBER", why="national formats of several countries"),
            col(
                "address",
                _fill(ADDRESSES),
                "STREET_ADDRESS",
                also=["LOCATION"],
                why="weak name; addresses of several countries",
            ),
            col(
                "birth_date",
                [
                    int(f"{rng.randrange(1940, 2005)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}")
                    for _ in range(ROWS)
                ],
                "DATE_OF_BIRTH",
                sql_type="int",
                why="yyyymmdd integers",
            ),
            col(
                "age_text",
                _fill([f"{rng.randrange(18, 90)} years" for _ in range(ROWS)]),
                "AGE",
                why="age with a unit",
            ),
            col("sex", _fill(("F", "M", "F", "M", "X")), "GENDER", why="one-letter codes"),
        ),
    )


def _identifiers(rng: random.Random) -> Table:
    return Table(
        "hard_identifiers",
        "hard",
        (
            col(
                "nino",
                [fm.uk_nino(rng, spaced=rng.random() < 0.5) for _ in range(ROWS)],
                "UK_NINO",
                also=["NATIONAL_ID"],
                why="spaced and compact NINOs",
            ),
            col(
                "tax_identification",
                [" ".join((t[:2], t[2:5], t[5:8], t[8:])) for t in (fm.de_tax_id(rng) for _ in range(ROWS))],
                "NATIONAL_ID",
                why="Steuer-IdNr written in groups",
            ),
            col(
                "document_no",
                [_cn_id(rng).lower() for _ in range(ROWS)],
                "CN_RESIDENT_ID",
                also=["NATIONAL_ID"],
                why="resident ids with lower-case x under a vague name",
            ),
            col(
                "bank_iban",
                [
                    _spaced(_iban(rng)).lower() if rng.random() < 0.5 else _spaced(_iban(rng))
                    for _ in range(ROWS)
                ],
                "IBAN_CODE",
                also=["BANK_ACCOUNT"],
                why="printed IBANs",
            ),
            col(
                "pan",
                ["-".join(_groups(_card(rng), 4)) for _ in range(ROWS)],
                "CREDIT_CARD",
                why="dashed card numbers under the PAN abbreviation",
            ),
            col(
                "passport",
                _fill(
                    [
                        "E12345678",
                        "C01X00T47",
                        "563412987",
                        "K98765432",
                        "20AB12345",
                        "G39201847",
                        "P<CHNWANG<<WEI<<<<<<<<<<<<<<<<<<<<<<<<<<<<<",
                        "X51234987",
                    ]
                ),
                "PASSPORT_NUMBER",
                also=["US_PASSPORT"],
                why="passports of several countries, one MRZ line",
            ),
            col(
                "itin",
                [
                    f"9{fm.digits(rng, 2)}-{rng.choice([70, 78, 88, 92])}-{fm.digits(rng, 4)}"
                    for _ in range(ROWS)
                ],
                "US_ITIN",
                also=["US_SSN", "NATIONAL_ID"],
                why="ITINs",
            ),
        ),
    )


def _cn_id(rng: random.Random) -> str:
    from piscan.detectors.validators import _CN_CHECK, _CN_WEIGHTS  # the published GB 11643 tables

    body = f"{rng.choice(['110105', '310104', '440305', '510107'])}{rng.randrange(1950, 2005)}"
    body += f"{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}{fm.digits(rng, 3)}"
    return body + _CN_CHECK[sum(int(d) * w for d, w in zip(body, _CN_WEIGHTS, strict=True)) % 11]


def _card(rng: random.Random) -> str:
    prefix, length = rng.choice([("4", 16), ("51", 16), ("37", 15), ("6011", 16)])
    return fm.luhn_complete(prefix + fm.digits(rng, length - len(prefix) - 1))


def _iban(rng: random.Random) -> str:
    bban = fm.digits(rng, 18)
    check = 98 - int(bban + "131400") % 97
    return f"DE{check:02d}{bban}"


def _groups(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def _spaced(text: str) -> str:
    return " ".join(_groups(text, 4))


def _sparse(rng: random.Random) -> Table:
    none = [None] * ROWS
    licenses = [fm.us_driver_license(rng) if i % 13 == 0 else None for i in range(ROWS)]
    middle = [rng.choice(["Marie", "James", "Louise", "Ann"]) if i % 8 == 0 else None for i in range(ROWS)]
    return Table(
        "hard_sparse",
        "hard",
        (
            col("id", range(1, ROWS + 1), sql_type="int"),
            col("passport_no", none, "PASSPORT_NUMBER", why="all NULL: judged by name"),
            col(
                "drivers_license",
                licenses,
                "DRIVER_LICENSE",
                also=["US_DRIVER_LICENSE"],
                why="3 of 40 filled",
            ),
            col("middle_name", middle, "PERSON", why="5 of 40 filled"),
            col("fax", none, "PHONE_NUMBER", why="all NULL: judged by name"),
            col("comment", none, why="all NULL and not personal by name"),
        ),
    )


def _attributes(rng: random.Random) -> Table:
    keys = ("email", "phone", "newsletter", "theme")
    values = {
        "email": lambda: f"user{rng.randrange(10**4)}@example.com",
        "phone": lambda: (
            f"+1 {rng.randrange(201, 989)}-{rng.randrange(200, 999)}-{rng.randrange(1000, 9999)}"
        ),
        "newsletter": lambda: rng.choice(["yes", "no"]),
        "theme": lambda: rng.choice(["dark", "light"]),
    }
    pairs = [(k, values[k]()) for k in _fill(keys)]
    return Table(
        "hard_attributes",
        "hard",
        (
            col("attr_key", [k for k, _ in pairs]),
            col(
                "attr_value",
                [v for _, v in pairs],
                "EMAIL_ADDRESS",
                "PHONE_NUMBER",
                why="key-value table: each entity in a quarter of the rows",
            ),
        ),
    )


def _patients(rng: random.Random) -> Table:
    """Identifiers without a checksum and sensitive attributes, found by their names."""
    return Table(
        "hard_patients",
        "hard",
        (
            col("patient_id", range(1, ROWS + 1), sql_type="int"),
            col("mrn", [f"{rng.randrange(10**7, 10**8)}" for _ in range(ROWS)], "MEDICAL_RECORD_NUMBER"),
            col(
                "insurance_member_id",
                [f"{rng.choice('HMW')}{rng.randrange(10**8, 10**9)}" for _ in range(ROWS)],
                "HEALTH_INSURANCE_ID",
            ),
            col(
                "marital_status",
                [rng.choice(["MARRIED", "SINGLE", "DIVORCED", "WIDOWED"]) for _ in range(ROWS)],
                "MARITAL_STATUS",
            ),
            col(
                "sexual_orientation",
                [rng.choice(["heterosexual", "gay", "lesbian", "bisexual"]) for _ in range(ROWS)],
                "SEXUAL_ORIENTATION",
            ),
        ),
    )


def _face_table(rng: random.Random) -> Table:
    """A plain vector column that only its table names: JSON text longer than a sampled cell."""
    return Table(
        "hard_face_embeddings",
        "hard",
        (
            col("id", range(1, ROWS + 1), sql_type="int"),
            col(
                "embedding",
                [json.dumps(fm.float_vector(rng, 512)) for _ in range(ROWS)],
                "FACE_TEMPLATE",
                why="named by its table; 512 floats as JSON text, cut by the cell limit",
            ),
        ),
    )


def _biometrics(rng: random.Random) -> Table:
    return Table(
        "hard_biometrics",
        "hard",
        (
            col("id", range(1, ROWS + 1), sql_type="int"),
            col(
                "fingerprint_template",
                [fm.fmr_template(rng) for _ in range(ROWS)],
                "FINGERPRINT_TEMPLATE",
                sql_type="blob",
            ),
            col(
                "face_embedding",
                [json.dumps(fm.float_vector(rng, 128)) for _ in range(ROWS)],
                "FACE_TEMPLATE",
            ),
            col(
                "voiceprint",
                [fm.packed_floats(rng, 192) for _ in range(ROWS)],
                "VOICEPRINT",
                sql_type="blob",
                why="packed float32 blob",
            ),
            col(
                "speaker_embedding",
                ["[" + ",".join(f"{x:.4f}" for x in fm.float_vector(rng, 64)) + "]" for _ in range(ROWS)],
                "VOICEPRINT",
                why="pgvector text",
            ),
            col(
                "face_template",
                [fm.packed_floats(rng, 128) for _ in range(ROWS)],
                "FACE_TEMPLATE",
                sql_type="blob",
            ),
            col("photo", [fm.jpeg(rng) for _ in range(ROWS)], "IMAGE", sql_type="blob"),
            col("blob1", [fm.png(rng) for _ in range(ROWS)], "IMAGE", sql_type="blob", why="opaque name"),
            col("voice_message", [fm.wav(rng) for _ in range(ROWS)], "AUDIO_RECORDING", sql_type="blob"),
            col(
                "minutiae_count",
                [rng.randrange(20, 60) for _ in range(ROWS)],
                sql_type="int",
                why="a count about a template is not the template",
            ),
        ),
    )


def _geo(rng: random.Random) -> Table:
    lat = [rng.uniform(-60, 70) for _ in range(ROWS)]
    lon = [rng.uniform(-170, 170) for _ in range(ROWS)]
    pairs = list(zip(lat, lon, strict=True))
    return Table(
        "hard_geo",
        "hard",
        (
            col(
                "location_wkt",
                [f"POINT({b:.6f} {a:.6f})" for a, b in pairs],
                "PRECISE_GEOLOCATION",
                why="WKT",
            ),
            col(
                "coords", [f"{a:.6f};{b:.6f}" for a, b in pairs], "PRECISE_GEOLOCATION", why="semicolon pair"
            ),
            col(
                "geo",
                [json.dumps({"lat": round(a, 5), "lng": round(b, 5)}) for a, b in pairs],
                "PRECISE_GEOLOCATION",
                why="JSON object",
            ),
            col(
                "pos",
                [f"{a:.5f} {b:.5f}" for a, b in pairs],
                "PRECISE_GEOLOCATION",
                why="space-separated pair",
            ),
            col(
                "country_code",
                _fill(("DE", "FR", "CN", "US", "GB", "IT", "ES")),
                "LOCATION",
                why="ISO codes in a weakly named column",
            ),
        ),
    )


def _web(rng: random.Random) -> Table:
    return Table(
        "hard_web",
        "hard",
        (
            col(
                "last_page",
                [
                    f"https://shop.example.com/account?email=user{i}%40example.com&tab=orders"
                    for i in range(ROWS)
                ],
                "URL",
                also=["EMAIL_ADDRESS"],
                why="URLs with an email in them",
            ),
            col(
                "client_ip",
                _fill(
                    (
                        "::ffff:192.0.2.1",
                        "2001:db8::8a2e:370:7334",
                        "fe80::1ff:fe23:4567:890a",
                        "198.51.100.23",
                        "2a00:1450:4001:81c::200e",
                    )
                ),
                "IP_ADDRESS",
                why="compressed IPv6 and mapped IPv4",
            ),
            col(
                "mac",
                [
                    rng.choice(["{}-{}-{}-{}-{}-{}", "{}{}.{}{}.{}{}"]).format(
                        *(f"{rng.randrange(256):02X}" for _ in range(6))
                    )
                    for _ in range(ROWS)
                ],
                "MAC_ADDRESS",
                why="dashed and Cisco-dotted MACs",
            ),
            col(
                "idfa",
                [str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper() for _ in range(ROWS)],
                "DEVICE_ID",
            ),
            col("android_id", [fm.hex_token(rng, 16) for _ in range(ROWS)], "DEVICE_ID", why="16 hex digits"),
            col(
                "push_token",
                [fm.hex_token(rng, 64) for _ in range(ROWS)],
                "DEVICE_ID",
                also=["CREDENTIAL", "SESSION_TOKEN"],
            ),
            col(
                "platform",
                _fill(
                    (
                        "Android 14; SM-S918B",
                        "iOS 17.2; iPhone15,3",
                        "Windows NT 10.0; Win64",
                        "Mac OS X 14_2",
                        "Linux; Android 13; Pixel 7",
                    )
                ),
                "DEVICE_INFO",
            ),
            col("csrf_token", [fm.urlsafe_token(rng, 32) for _ in range(ROWS)], "SESSION_TOKEN"),
        ),
    )


def _secrets(rng: random.Random) -> Table:
    def otp_uri(i: int) -> str:
        return f"otpauth://totp/Acme:user{i}?secret={fm.totp_secret(rng)}&issuer=Acme"

    return Table(
        "hard_secrets",
        "hard",
        (
            col(
                "mfa_config",
                [otp_uri(i) for i in range(ROWS)],
                "CREDENTIAL",
                also=["URL"],
                why="otpauth URIs",
            ),
            col(
                "private_key",
                [
                    "-----BEGIN PRIVATE KEY-----\n"
                    + fm.urlsafe_token(rng, 48)
                    + "\n-----END PRIVATE KEY-----"
                    for _ in range(ROWS)
                ],
                "CREDENTIAL",
            ),
            col(
                "pwd",
                [fm.hex_token(rng, 64) for _ in range(ROWS)],
                "CREDENTIAL",
                why="bare SHA-256 hex under pwd",
            ),
            col("webhook_secret", ["whsec_" + fm.urlsafe_token(rng, 24) for _ in range(ROWS)], "CREDENTIAL"),
        ),
    )

"""Faker-generated tables, one set per locale: what real customer, payment and event tables hold."""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from collections.abc import Callable

from faker import Faker

from benchmarks.quality import formats as fm
from benchmarks.quality.cases import ROWS, Col, Table, col
from benchmarks.quality.vocab import BLOOD_TYPES, DEVICE_MODELS, ICD10, OS_STRINGS, WORDS, LocaleWords

LOCALES = ("en_US", "de_DE", "fr_FR", "zh_CN")
_DATE_FORMATS = {"en_US": "%m/%d/%Y", "de_DE": "%d.%m.%Y", "fr_FR": "%d/%m/%Y", "zh_CN": "%Y年%m月%d日"}


class Gen:
    """A seeded Faker plus rng for one locale, with the locale's words."""

    def __init__(self, locale: str, seed: int) -> None:
        self.locale = locale
        self.tag = locale.split("_")[0]
        self.fake = Faker(locale)
        self.fake.seed_instance(seed)
        self.rng = random.Random(seed)
        self.words: LocaleWords = WORDS[locale]
        self.fallback = Faker("de_DE")
        self.fallback.seed_instance(seed)

    def rows(self, make: Callable[[], object], n: int = ROWS) -> list[object]:
        """n values from ``make``."""
        return [make() for _ in range(n)]

    def pick(self, options: tuple[str, ...]) -> Callable[[], str]:
        """A maker that picks from a vocabulary."""
        return lambda: self.rng.choice(options)

    def name(self, key: str) -> str:
        """The locale's column name for a key."""
        return self.words.names[key]

    def iban(self) -> str:
        """An IBAN; China has none, so Chinese customers' are German (Faker's zh_CN ones are malformed)."""
        return self.fallback.iban() if self.locale == "zh_CN" else self.fake.iban()

    def single_line_address(self) -> str:
        """A full postal address on one line."""
        return self.fake.address().replace("\n", ", ")


def locale_tables(locale: str, seed: int) -> list[Table]:
    """Every generated table of one locale."""
    g = Gen(locale, seed)
    builders = (
        _customers,
        _payments,
        _sessions,
        _accounts,
        _health,
        _employment,
        _students,
        _marketing,
        _geo,
    )
    return [Table(f"{b.__name__.strip('_')}_{g.tag}", f"generated:{locale}", tuple(b(g))) for b in builders]


def _ids() -> Col:
    return col("id", range(1, ROWS + 1), sql_type="int")


def _created(g: Gen) -> Col:
    start = dt.datetime(2025, 1, 1)
    return col(
        "created_at",
        g.rows(lambda: start + dt.timedelta(minutes=g.rng.randrange(10**6))),
        sql_type="datetime",
    )


def _national_id(g: Gen) -> Col:
    f, rng = g.fake, g.rng
    name = g.name("national_id")
    if g.locale == "en_US":
        return col(name, g.rows(f.ssn), "US_SSN")
    if g.locale == "de_DE":
        return col(name, g.rows(lambda: fm.de_tax_id(rng)), "NATIONAL_ID")
    if g.locale == "fr_FR":
        return col(name, g.rows(lambda: fm.fr_nir(rng)), "NATIONAL_ID")
    return col(name, g.rows(f.ssn), "CN_RESIDENT_ID", also=["NATIONAL_ID"])


def _license(g: Gen) -> Col:
    rng = g.rng
    make = {
        "en_US": lambda: fm.us_driver_license(rng),
        "de_DE": lambda: fm.de_driver_license(rng),
        "fr_FR": lambda: fm.fr_driver_license(rng),
        "zh_CN": g.fake.ssn,
    }[g.locale]
    also = ["US_DRIVER_LICENSE"] + (["CN_RESIDENT_ID", "NATIONAL_ID"] if g.locale == "zh_CN" else [])
    return col(g.name("license"), g.rows(make), "DRIVER_LICENSE", also=also)


def _customers(g: Gen) -> list[Col]:
    f, w, rng = g.fake, g.words, g.rng
    dobs = g.rows(lambda: f.date_of_birth(minimum_age=18, maximum_age=90))
    return [
        _ids(),
        col(g.name("full_name"), g.rows(f.name), "PERSON"),
        col(g.name("first_name"), g.rows(f.first_name), "PERSON"),
        col(g.name("last_name"), g.rows(f.last_name), "PERSON"),
        col(g.name("email"), g.rows(f.email), "EMAIL_ADDRESS"),
        col(g.name("phone"), g.rows(f.phone_number), "PHONE_NUMBER"),
        col(g.name("street"), g.rows(f.street_address), "STREET_ADDRESS"),
        col("postal_address", g.rows(g.single_line_address), "STREET_ADDRESS", also=["LOCATION"]),
        col(g.name("city"), g.rows(f.city), "LOCATION"),
        col(g.name("country"), g.rows(f.country), "LOCATION"),
        col(g.name("dob"), dobs, "DATE_OF_BIRTH", sql_type="date"),
        col("birthday", [d.strftime(_DATE_FORMATS[g.locale]) for d in dobs], "DATE_OF_BIRTH"),
        col(g.name("age"), g.rows(lambda: rng.randrange(18, 91)), "AGE", sql_type="int"),
        col(g.name("gender"), g.rows(g.pick(w.genders)), "GENDER"),
        col(g.name("nationality"), g.rows(g.pick(w.nationalities)), "NRP", also=["LOCATION"]),
        _national_id(g),
        col(g.name("passport"), g.rows(f.passport_number), "PASSPORT_NUMBER", also=["US_PASSPORT"]),
        _license(g),
        col(g.name("ip"), g.rows(lambda: f.ipv4_public() if rng.random() < 0.7 else f.ipv6()), "IP_ADDRESS"),
        col("status", g.rows(g.pick(("active", "suspended", "closed")))),
        _created(g),
    ]


def _payments(g: Gen) -> list[Col]:
    f, rng = g.fake, g.rng
    cards = g.rows(f.credit_card_number)
    if g.locale == "zh_CN":
        cards = g.rows(lambda: fm.luhn_complete("62" + fm.digits(rng, 15)))
    currency = {"en_US": "USD", "de_DE": "EUR", "fr_FR": "EUR", "zh_CN": "CNY"}[g.locale]
    return [
        _ids(),
        col("customer_id", g.rows(lambda: rng.randrange(1, 5000)), sql_type="int"),
        col(g.name("card"), cards, "CREDIT_CARD"),
        col("card_expiry", g.rows(f.credit_card_expire)),
        col(g.name("iban"), g.rows(g.iban), "IBAN_CODE", also=["BANK_ACCOUNT"]),
        col(g.name("account"), g.rows(lambda: fm.digits(rng, rng.randrange(8, 13))), "BANK_ACCOUNT"),
        col("routing_number", g.rows(lambda: fm.aba_routing(rng)), "BANK_ACCOUNT"),
        col("bic", g.rows(f.swift), "BANK_ACCOUNT"),
        col(
            g.name("balance"),
            g.rows(lambda: round(rng.uniform(-500, 25000), 2)),
            "FINANCIAL_TRANSACTION",
            sql_type="real",
        ),
        col("amount", g.rows(lambda: f"{rng.uniform(1, 900):.2f} {currency}"), "FINANCIAL_TRANSACTION"),
        col("currency", g.rows(lambda: currency)),
        col(
            g.name("invoice"),
            g.rows(lambda: f"INV-{rng.randrange(2024, 2027)}-{rng.randrange(10**5):05d}"),
            "PAYMENT_REFERENCE",
        ),
        col(
            "payment_intent",
            g.rows(lambda: "pi_" + fm.urlsafe_token(rng, 18).replace("-", "x").replace("_", "y")),
            "PAYMENT_REFERENCE",
        ),
        col("subscription_id", g.rows(lambda: f"sub_{fm.hex_token(rng, 24)}"), "PAYMENT_REFERENCE"),
        col("quantity", g.rows(lambda: rng.randrange(1, 10)), sql_type="int"),
        _created(g),
    ]


def _sessions(g: Gen) -> list[Col]:
    f, rng = g.fake, g.rng
    return [
        _ids(),
        col("ip_address", g.rows(lambda: f.ipv4() if rng.random() < 0.6 else f.ipv6()), "IP_ADDRESS"),
        col("user_agent", g.rows(f.user_agent), "USER_AGENT", also=["DEVICE_INFO"]),
        col("session_id", g.rows(lambda: fm.hex_token(rng, 40)), "SESSION_TOKEN"),
        col(
            "cookie",
            g.rows(lambda: f"sessionid={fm.urlsafe_token(rng, 24)}; csrftoken={fm.hex_token(rng, 32)}"),
            "SESSION_TOKEN",
        ),
        col(
            "auth_token",
            g.rows(lambda: fm.jwt(rng, str(rng.randrange(10**6)))),
            "SESSION_TOKEN",
            also=["CREDENTIAL"],
        ),
        col("page_url", g.rows(f.uri), "URL"),
        col("referrer", g.rows(f.url), "URL"),
        col(
            "device_id",
            g.rows(lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper()),
            "DEVICE_ID",
        ),
        col(
            "advertising_id", g.rows(lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4))), "DEVICE_ID"
        ),
        col("device_model", g.rows(g.pick(DEVICE_MODELS)), "DEVICE_INFO"),
        col("os_version", g.rows(g.pick(OS_STRINGS)), "DEVICE_INFO"),
        col("mac_address", g.rows(f.mac_address), "MAC_ADDRESS"),
        col("imei", g.rows(lambda: fm.imei(rng)), "IMEI"),
        col("event_type", g.rows(g.pick(("login", "logout", "page_view", "purchase")))),
        col("duration_ms", g.rows(lambda: rng.randrange(5, 90000)), sql_type="int"),
        _created(g),
    ]


def _accounts(g: Gen) -> list[Col]:
    f, rng = g.fake, g.rng
    hashes = (lambda: fm.bcrypt_hash(rng), lambda: fm.argon2_hash(rng), lambda: fm.pbkdf2_hash(rng))
    return [
        _ids(),
        col(g.name("username"), g.rows(f.user_name), "USERNAME"),
        col(g.name("password"), g.rows(lambda: rng.choice(hashes)()), "CREDENTIAL"),
        col("api_key", g.rows(lambda: fm.api_key(rng)), "CREDENTIAL"),
        col("totp_secret", g.rows(lambda: fm.totp_secret(rng)), "CREDENTIAL"),
        col("plan", g.rows(g.pick(("free", "pro", "enterprise")))),
        _created(g),
    ]


def _health(g: Gen) -> list[Col]:
    w, rng = g.words, g.rng
    return [
        _ids(),
        col("patient_id", g.rows(lambda: rng.randrange(10**5)), sql_type="int"),
        col("icd10_code", g.rows(g.pick(ICD10)), "HEALTH_DATA"),
        col(g.name("diagnosis"), g.rows(g.pick(w.diagnoses)), "HEALTH_DATA"),
        col(g.name("medication"), g.rows(g.pick(w.medications)), "HEALTH_DATA"),
        col("blood_type", g.rows(g.pick(BLOOD_TYPES)), "HEALTH_DATA"),
        col(g.name("religion"), g.rows(g.pick(w.religions)), "NRP"),
        col(g.name("ethnicity"), g.rows(g.pick(w.ethnicities)), "RACE_ETHNICITY", also=["NRP"]),
        col(
            "visit_date",
            g.rows(lambda: dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(365))),
            sql_type="date",
        ),
    ]


def _employment(g: Gen) -> list[Col]:
    f, rng = g.fake, g.rng
    return [
        _ids(),
        col(g.name("employer"), g.rows(f.company), "ORGANIZATION"),
        col(g.name("job"), g.rows(f.job), "JOB_TITLE"),
        col("department_code", g.rows(lambda: f"D{rng.randrange(100, 999)}")),
        col("start_date", g.rows(lambda: f.date_between(start_date="-10y")), sql_type="date"),
    ]


def _students(g: Gen) -> list[Col]:
    f, w, rng = g.fake, g.words, g.rng

    def transcript() -> str:
        courses = rng.sample(w.majors, 3)
        return json.dumps(
            {
                "term": f"{rng.randrange(2019, 2026)}-{rng.choice('12')}",
                "courses": [{"course": c, "grade": rng.choice("ABCD")} for c in courses],
            },
            ensure_ascii=False,
        )

    return [
        _ids(),
        col("student_id", g.rows(lambda: f"S{rng.randrange(10**6, 10**7)}"), "EDUCATION_RECORD"),
        col(g.name("school"), g.rows(g.pick(w.schools)), "EDUCATION_RECORD", also=["ORGANIZATION"]),
        col(g.name("degree"), g.rows(g.pick(w.degrees)), "EDUCATION_RECORD"),
        col("major", g.rows(g.pick(w.majors)), "EDUCATION_RECORD"),
        col(
            g.name("gpa"),
            g.rows(lambda: round(rng.uniform(1.0, 4.0), 2)),
            "EDUCATION_RECORD",
            sql_type="real",
        ),
        col("graduation_year", g.rows(lambda: rng.randrange(1990, 2027)), "EDUCATION_RECORD", sql_type="int"),
        col("transcript", g.rows(transcript), "EDUCATION_RECORD"),
        col("campus_code", g.rows(lambda: f.bothify("C-##"))),
    ]


def _marketing(g: Gen) -> list[Col]:
    w, rng = g.words, g.rng
    return [
        _ids(),
        col("segment", g.rows(g.pick(w.segments)), "INFERENCE"),
        col("churn_score", g.rows(lambda: round(rng.random(), 3)), "INFERENCE", sql_type="real"),
        col("propensity_to_buy", g.rows(lambda: round(rng.random(), 2)), "INFERENCE", sql_type="real"),
        col("interests", g.rows(lambda: ", ".join(rng.sample(w.interests, 3))), "INFERENCE"),
        col("predicted_ltv", g.rows(lambda: round(rng.uniform(10, 5000), 2)), "INFERENCE", sql_type="real"),
        col("campaign", g.rows(lambda: f"CMP-{rng.randrange(100, 999)}")),
    ]


def _geo(g: Gen) -> list[Col]:
    f, rng = g.fake, g.rng
    country = g.locale.split("_")[1]
    points = [f.local_latlng(country_code=country) or f.location_on_land() for _ in range(ROWS)]
    lat = [float(p[0]) + rng.uniform(-0.01, 0.01) for p in points]
    lon = [float(p[1]) + rng.uniform(-0.01, 0.01) for p in points]
    return [
        _ids(),
        col("latitude", [round(x, 6) for x in lat], "PRECISE_GEOLOCATION", sql_type="real"),
        col("longitude", [round(x, 6) for x in lon], "PRECISE_GEOLOCATION", sql_type="real"),
        col(
            "last_position",
            [f"{a:.5f}, {b:.5f}" for a, b in zip(lat, lon, strict=True)],
            "PRECISE_GEOLOCATION",
        ),
        col("geohash", [fm.geohash(a, b) for a, b in zip(lat, lon, strict=True)], "PRECISE_GEOLOCATION"),
        col("home_city", [p[2] for p in points], "LOCATION"),
        col(
            "region",
            g.rows(lambda: f.administrative_unit() if hasattr(f, "administrative_unit") else f.city()),
            "LOCATION",
        ),
        _created(g),
    ]

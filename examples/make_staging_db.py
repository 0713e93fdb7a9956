"""Build the example staging database: ordinary customer data plus planted undeclared data.

Seeded, so every run writes the same rows. All values are synthetic.

    python examples/make_staging_db.py                 # writes examples/staging.sqlite
    python examples/make_staging_db.py postgresql://postgres@127.0.0.1/shop

The tests import ``build`` to seed PostgreSQL, MariaDB and SQLite with the same data, and
``PLANTED`` / ``CLEAN`` to know what a scan must and must not report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import struct
import sys
import uuid
from pathlib import Path

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    insert,
)

SEED = 20261125
ROWS = 120

FIRST = [
    "Anna",
    "Liam",
    "Sofia",
    "Noah",
    "Emma",
    "Lucas",
    "Mia",
    "Oliver",
    "Hannah",
    "Elias",
    "Chloe",
    "James",
    "Olivia",
    "Mateo",
    "Grace",
    "Jonas",
    "Isabella",
    "Henry",
    "Leonie",
    "Samuel",
    "Charlotte",
    "Daniel",
    "Amelia",
    "Benjamin",
    "Margaret",
    "Robert",
]
LAST = [
    "Meyer",
    "Johnson",
    "Garcia",
    "Schmidt",
    "Brown",
    "Martin",
    "Fischer",
    "Wilson",
    "Taylor",
    "Anderson",
    "Thomas",
    "Moore",
    "Jackson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Walker",
    "Young",
    "Allen",
    "Wright",
    "Scott",
    "Baker",
    "Nelson",
]
STREETS = [
    "Maple Street",
    "Oak Avenue",
    "Pine Road",
    "Cedar Lane",
    "Elm Drive",
    "Lake View Way",
    "Hill Court",
    "Sunset Boulevard",
    "River Road",
    "Park Place",
]
CITIES = [
    "Berlin",
    "Munich",
    "Hamburg",
    "Chicago",
    "Boston",
    "Seattle",
    "Paris",
    "Vienna",
    "London",
    "Denver",
    "Toronto",
    "Madrid",
]
PRODUCTS = [
    "Widget Pro 3000",
    "Gizmo Max",
    "Turbo Blender X2",
    "Quantum Lamp",
    "Ultra Mop",
    "Nimbus Kettle",
    "Aero Fan 12",
    "Stellar Mug",
    "Zen Pillow",
    "Hyper Charger 65W",
]
SCHOOLS = [
    "Riverside University",
    "Northgate College",
    "Lakeshore Institute of Technology",
    "Westfield High School",
    "Hillcrest University",
]
DEGREES = ["Bachelor of Science", "Master of Arts", "PhD", "MBA", "Bachelor of Arts"]
SEGMENTS = ["high_value", "likely_churn", "low_engagement", "medium_intent", "high_propensity"]
INTERESTS = ["fitness", "travel", "cooking", "gaming", "finance", "fashion", "parenting"]
AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
]

# What a scan must find: location (table.column) -> entity. Category per policy follows from
# the policy files; the undeclared ones for xwms are marked in UNDECLARED_XWMS.
PLANTED = {
    "customers.first_name": "PERSON",
    "customers.last_name": "PERSON",
    "customers.email": "EMAIL_ADDRESS",
    "customers.phone": "PHONE_NUMBER",
    "customers.street_address": "STREET_ADDRESS",
    "customers.city": "LOCATION",
    "customers.dob": "DATE_OF_BIRTH",
    "customers.gender": "GENDER",
    "customers.signup_ip": "IP_ADDRESS",
    "customers.passport_no": "PASSPORT_NUMBER",
    "payments.card_number": "CREDIT_CARD",
    "payments.iban": "IBAN_CODE",
    "payments.invoice_no": "PAYMENT_REFERENCE",
    "login_events.ip_address": "IP_ADDRESS",
    "login_events.user_agent": "USER_AGENT",
    "login_events.session_id": "SESSION_TOKEN",
    "support_tickets.body": "EMAIL_ADDRESS",
    "biometric_enrollments.fingerprint_template": "FINGERPRINT_TEMPLATE",
    "biometric_enrollments.face_embedding": "FACE_TEMPLATE",
    "student_records.school_name": "EDUCATION_RECORD",
    "student_records.degree": "EDUCATION_RECORD",
    "student_records.gpa": "EDUCATION_RECORD",
    "marketing_profiles.segment": "INFERENCE",
    "marketing_profiles.churn_score": "INFERENCE",
    "marketing_profiles.interests": "INFERENCE",
}
UNDECLARED_XWMS = {
    "FINGERPRINT_TEMPLATE": "E",
    "FACE_TEMPLATE": "E",
    "EDUCATION_RECORD": "J",
    "INFERENCE": "K",
}
# Non-personal columns that must not be reported at all.
CLEAN = [
    "products.product_name",
    "products.sku",
    "products.version",
    "products.checksum",
    "products.description",
    "orders.order_number",
    "orders.created_at",
    "orders.quantity",
    "orders.status",
    "orders.tracking_uuid",
]

metadata = MetaData()
customers = Table(
    "customers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("first_name", String(60)),
    Column("last_name", String(60)),
    Column("email", String(120)),
    Column("phone", String(40)),
    Column("street_address", String(200)),
    Column("city", String(80)),
    Column("dob", Date, comment="Customer date of birth"),
    Column("gender", String(12)),
    Column("signup_ip", String(45)),
    Column("passport_no", String(20)),  # always NULL: found by its name alone
)
products = Table(
    "products",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("product_name", String(80)),
    Column("sku", String(36)),
    Column("version", String(20)),
    Column("checksum", String(64)),
    Column("description", Text),
)
orders = Table(
    "orders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_number", String(20)),
    Column("customer_id", Integer, ForeignKey("customers.id")),
    Column("quantity", Integer),
    Column("status", String(20)),
    Column("tracking_uuid", String(36)),
    Column("created_at", DateTime),
)
payments = Table(
    "payments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("customer_id", Integer, ForeignKey("customers.id")),
    Column("invoice_no", String(20)),
    Column("card_number", String(25)),
    Column("iban", String(34)),
)
login_events = Table(
    "login_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("customer_id", Integer),
    Column("ip_address", String(45)),
    Column("user_agent", Text),
    Column("session_id", String(64)),
)
support_tickets = Table(
    "support_tickets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("body", Text),
)
biometric = Table(
    "biometric_enrollments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("customer_id", Integer),
    Column("fingerprint_template", LargeBinary),
    Column("face_embedding", Text, comment="JSON array of 128 floats"),
)
students = Table(
    "student_records",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("customer_id", Integer),
    Column("school_name", String(120)),
    Column("degree", String(60)),
    Column("gpa", Float),
)
marketing = Table(
    "marketing_profiles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("customer_id", Integer),
    Column("segment", String(40)),
    Column("churn_score", Float),
    Column("interests", String(200)),
)


def luhn_complete(prefix: str, rng: random.Random, length: int = 16) -> str:
    """A card number with a valid Luhn check digit (test ranges only)."""
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


def iban_de(rng: random.Random) -> str:
    """A German IBAN with valid mod-97 check digits."""
    bban = "".join(str(rng.randrange(10)) for _ in range(18))
    numeric = int(bban + "131400")  # D=13 E=14, then "00"
    check = 98 - numeric % 97
    return f"DE{check:02d}{bban}"


def fmr_template(rng: random.Random) -> bytes:
    """An ISO/IEC 19794-2 finger minutiae record: 'FMR\\0' + version + synthetic minutiae."""
    minutiae = bytes(rng.randrange(256) for _ in range(6 * 30))
    body = b" 20\x00" + struct.pack(">I", 28 + len(minutiae)) + b"\x00" * 18 + minutiae
    return b"FMR\x00" + body


def rows(rng: random.Random) -> dict[Table, list[dict]]:
    """All example rows, generated from the seed."""
    out: dict[Table, list[dict]] = {t: [] for t in metadata.sorted_tables}
    for i in range(1, ROWS + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        out[customers].append(
            {
                "id": i,
                "first_name": first,
                "last_name": last,
                "email": f"{first.lower()}.{last.lower()}{i}@example.com",
                "phone": f"+1 {rng.randrange(201, 989)}-{rng.randrange(200, 999)}-{rng.randrange(1000, 9999)}",
                "street_address": f"{rng.randrange(1, 9999)} {rng.choice(STREETS)}",
                "city": rng.choice(CITIES),
                "dob": dt.date(rng.randrange(1950, 2004), rng.randrange(1, 13), rng.randrange(1, 29)),
                "gender": rng.choice(["female", "male", "non-binary"]),
                "signup_ip": f"{rng.randrange(11, 223)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                "passport_no": None,
            }
        )
        name = rng.choice(PRODUCTS)
        out[products].append(
            {
                "id": i,
                "product_name": name,
                "sku": str(uuid.UUID(int=rng.getrandbits(128))),
                "version": f"{rng.randrange(1, 5)}.{rng.randrange(20)}.{rng.randrange(50)}",
                "checksum": hashlib.sha256(f"{name}{i}".encode()).hexdigest(),
                "description": f"The {name} ships in a recyclable box with a {rng.randrange(1, 5)}-year warranty.",
            }
        )
        out[orders].append(
            {
                "id": i,
                "order_number": f"ORD-{100000 + i}",
                "customer_id": i,
                "quantity": rng.randrange(1, 9),
                "status": rng.choice(["paid", "shipped", "returned"]),
                "tracking_uuid": str(uuid.UUID(int=rng.getrandbits(128))),
                "created_at": dt.datetime(2026, 1, 1) + dt.timedelta(minutes=rng.randrange(500_000)),
            }
        )
        out[payments].append(
            {
                "id": i,
                "customer_id": i,
                "invoice_no": f"INV-{2026000 + i}",
                "card_number": luhn_complete("4111", rng),
                "iban": iban_de(rng),
            }
        )
        out[login_events].append(
            {
                "id": i,
                "customer_id": i,
                "ip_address": f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                "user_agent": rng.choice(AGENTS),
                "session_id": "".join(rng.choice("abcdef0123456789") for _ in range(40)),
            }
        )
        body = f"Order {100000 + i} arrived damaged, please send a replacement."
        if i % 5 == 0:
            body = f"Please contact {first} {last} at {first.lower()}.{last.lower()}{i}@example.com about the refund."
        out[support_tickets].append({"id": i, "body": body})
        out[biometric].append(
            {
                "id": i,
                "customer_id": i,
                "fingerprint_template": fmr_template(rng),
                "face_embedding": json.dumps([round(rng.uniform(-1, 1), 5) for _ in range(128)]),
            }
        )
        out[students].append(
            {
                "id": i,
                "customer_id": i,
                "school_name": rng.choice(SCHOOLS),
                "degree": rng.choice(DEGREES),
                "gpa": round(rng.uniform(2.0, 4.0), 2),
            }
        )
        out[marketing].append(
            {
                "id": i,
                "customer_id": i,
                "segment": rng.choice(SEGMENTS),
                "churn_score": round(rng.random(), 3),
                "interests": ",".join(rng.sample(INTERESTS, 3)),
            }
        )
    return out


def build(url: str) -> None:
    """Create the example tables at ``url`` (dropping earlier copies) and fill them."""
    engine = create_engine(url)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    data = rows(random.Random(SEED))
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            conn.execute(insert(table), data[table])
    engine.dispose()


def main() -> None:
    """Write examples/staging.sqlite, or seed the database URL given as the only argument."""
    if len(sys.argv) > 1:
        build(sys.argv[1])
        return
    path = Path(__file__).with_name("staging.sqlite")
    path.unlink(missing_ok=True)
    build(f"sqlite:///{path}")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

"""The negative corpus: values that look like personal data to a careless detector, and are not."""

from __future__ import annotations

import base64
import datetime as dt
import random
import uuid
from itertools import cycle, islice

from faker import Faker

from benchmarks.quality import formats as fm
from benchmarks.quality.cases import ROWS, Table, col

PRODUCTS = (
    "Widget Pro 3000",
    "Gizmo Max",
    "Turbo Blender X2",
    "Quantum Lamp",
    "Nimbus Kettle",
    "Aero Fan 12",
    "Hyper Charger 65W",
    "Jackson Guitar Strap",
    "Morgan Office Chair",
    "Victoria Sponge Mix",
    "Galaxy Night Light",
    "Phoenix Backpack 30L",
    "Atlas Road Bike",
    "Everest Thermos 1L",
)
ZH_PRODUCTS = (
    "华为手机壳",
    "小米充电宝",
    "高速数据线",
    "黄金护手霜",
    "马克杯",
    "周末旅行包",
    "王牌洗衣液",
    "张力拉伸带",
)
SOURCE_CODE = (
    "def total(items):\n    return sum(i.price for i in items)",
    "for (let i = 0; i < n; i++) { sum += a[i]; }",
    "SELECT id, status FROM orders WHERE created_at > now() - interval '1 day';",
    'if err != nil {\n\treturn fmt.Errorf("open: %w", err)\n}',
    'public static void main(String[] args) { System.out.println("ok"); }',
    "#include <stdio.h>\nint main(void) { return 0; }",
)
LOG_LINES = (
    "ERROR db pool exhausted after 30s (max=20)",
    "WARN cache miss ratio 0.42 over 5m",
    "INFO deployed build 4.12.0-rc.1 to eu-west-1",
    "DEBUG retry 3/5 for job 7f3a9c",
    "INFO healthcheck ok in 12ms",
    "ERROR upstream returned 503, backing off 250ms",
)


def _fill(values: tuple[object, ...] | list[object], n: int = ROWS) -> list[object]:
    return list(islice(cycle(values), n))


def _isbn13(rng: random.Random) -> str:
    body = "978" + fm.digits(rng, 9)
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10) % 10
    return f"{body[:3]}-{body[3]}-{body[4:8]}-{body[8:12]}-{check}"


def _ean13(rng: random.Random) -> str:
    body = rng.choice(["400", "300", "690", "500"]) + fm.digits(rng, 9)
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10) % 10
    return body + str(check)


def negative_tables(seed: int) -> list[Table]:
    """Every negative table: nothing in it may be reported."""
    rng = random.Random(seed)
    fake = Faker("la")  # lorem ipsum
    fake.seed_instance(seed)
    return [_catalog(rng, fake), _systems(rng), _sensors(rng), _documents(rng, fake), _numbers(rng)]


def _catalog(rng: random.Random, fake: Faker) -> Table:
    return Table(
        "neg_catalog",
        "negative",
        (
            col("id", range(1, ROWS + 1), sql_type="int"),
            col("name", _fill(PRODUCTS), why="product names under a personal-sounding name"),
            col("product_title_zh", _fill(ZH_PRODUCTS), why="Chinese product names that start with surnames"),
            col("sku", [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(ROWS)]),
            col("checksum", [fm.sha256(str(i)) for i in range(ROWS)]),
            col(
                "version",
                [f"{rng.randrange(1, 9)}.{rng.randrange(30)}.{rng.randrange(100)}" for _ in range(ROWS)],
            ),
            col("isbn", [_isbn13(rng) for _ in range(ROWS)]),
            col("ean", [_ean13(rng) for _ in range(ROWS)]),
            col("order_number", [f"ORD-2026-{rng.randrange(10**6):06d}" for _ in range(ROWS)]),
            col("description", [fake.paragraph(nb_sentences=3) for _ in range(ROWS)], why="lorem ipsum"),
            col("price", [round(rng.uniform(1, 500), 2) for _ in range(ROWS)], sql_type="real"),
            col("color", [f"#{rng.randrange(16**6):06x}" for _ in range(ROWS)]),
        ),
    )


def _systems(rng: random.Random) -> Table:
    start = dt.datetime(2026, 1, 1)
    return Table(
        "neg_systems",
        "negative",
        (
            col("address", [f"0x{rng.randrange(16**12):012x}" for _ in range(ROWS)], why="memory addresses"),
            col("reg_addr", [f"0x{rng.randrange(16**4):04X}" for _ in range(ROWS)], why="register addresses"),
            col(
                "mac",
                [fm.hex_token(rng, 64) for _ in range(ROWS)],
                why="HMAC-SHA256 message authentication codes",
            ),
            col(
                "fingerprint",
                [":".join(f"{b:02X}" for b in rng.randbytes(20)) for _ in range(ROWS)],
                why="certificate SHA-1 fingerprints",
            ),
            col(
                "created_at",
                [(start + dt.timedelta(seconds=rng.randrange(10**7))).isoformat() + "Z" for _ in range(ROWS)],
            ),
            col("epoch_ms", [1767225600000 + rng.randrange(10**10) for _ in range(ROWS)], sql_type="int"),
            col(
                "epoch_s",
                [str(1767225600 + rng.randrange(10**7)) for _ in range(ROWS)],
                why="10-digit timestamps",
            ),
            col("build_id", [fm.hex_token(rng, 40) for _ in range(ROWS)]),
            col("snippet", _fill(SOURCE_CODE), why="source code"),
            col(
                "payload",
                [base64.b64encode(rng.randbytes(48)).decode() for _ in range(ROWS)],
                why="base64 blobs",
            ),
            col("message", _fill(LOG_LINES), why="log lines without personal data"),
            col("port", [rng.randrange(1024, 65535) for _ in range(ROWS)], sql_type="int"),
        ),
    )


def _sensors(rng: random.Random) -> Table:
    return Table(
        "neg_sensors",
        "negative",
        (
            col("sensor_serial", [f"SN-{rng.randrange(10**8):08d}" for _ in range(ROWS)]),
            col(
                "firmware",
                [f"fw {rng.randrange(1, 5)}.{rng.randrange(10)}.{rng.randrange(20)}" for _ in range(ROWS)],
            ),
            col("reading", [round(rng.uniform(-20, 45), 3) for _ in range(ROWS)], sql_type="real"),
            col("reading_text", [f"{rng.uniform(15, 30):.1f}°C" for _ in range(ROWS)]),
            col("humidity", [round(rng.uniform(20, 90), 4) for _ in range(ROWS)], sql_type="real"),
            col("pressure_hpa", [round(rng.uniform(980, 1040), 2) for _ in range(ROWS)], sql_type="real"),
            col(
                "vector",
                [f"{rng.uniform(-1, 1):.6f},{rng.uniform(-1, 1):.6f}" for _ in range(ROWS)],
                why="accelerometer pairs",
            ),
            col(
                "embedding",
                ["[" + ",".join(f"{x:.4f}" for x in fm.float_vector(rng, 32)) + "]" for _ in range(ROWS)],
                why="a product embedding: floats, but no biometric name",
            ),
        ),
    )


def _documents(rng: random.Random, fake: Faker) -> Table:
    return Table(
        "neg_documents",
        "negative",
        (
            col("title", [fake.sentence(nb_words=4) for _ in range(ROWS)]),
            col("body", [fake.text(max_nb_chars=300) for _ in range(ROWS)]),
            col(
                "template",
                _fill(
                    (
                        "Hello {{name}}, your order {{order_id}} has shipped.",
                        "Dear {{first_name}}, reset your password here: {{link}}",
                        "Your code is {{otp}}. It expires in 10 minutes.",
                    )
                ),
                why="templates, no values",
            ),
            col(
                "mime_type", _fill(("image/png", "application/json", "text/html", "audio/mpeg", "video/mp4"))
            ),
            col("locale", _fill(("en_US", "de_DE", "fr_FR", "zh_CN", "ja_JP"))),
            col("currency", _fill(("EUR", "USD", "CNY", "GBP"))),
        ),
    )


def _numbers(rng: random.Random) -> Table:
    return Table(
        "neg_numbers",
        "negative",
        (
            col("tracking_number", [f"1Z{fm.digits(rng, 3)}AA1{fm.digits(rng, 10)}" for _ in range(ROWS)]),
            col(
                "serial_no",
                [fm.digits(rng, 10) for _ in range(ROWS)],
                why="10-digit serials that parse as phones",
            ),
            col(
                "batch",
                [
                    f"{rng.randrange(100, 999)}-{rng.randrange(100, 999)}-{rng.randrange(1000, 9999)}"
                    for _ in range(ROWS)
                ],
                why="dashed 3-3-4 batch codes",
            ),
            col(
                "part_no",
                [
                    f"{rng.randrange(100, 999)}-{rng.randrange(10, 99)}-{rng.randrange(1000, 9999)}"
                    for _ in range(ROWS)
                ],
                why="3-2-4 part numbers shaped like SSNs",
            ),
            col("stock_qty", [rng.randrange(0, 5000) for _ in range(ROWS)], sql_type="int"),
            col("ratio", [round(rng.random(), 3) for _ in range(ROWS)], sql_type="real"),
            col("year", [rng.randrange(1990, 2027) for _ in range(ROWS)], sql_type="int"),
        ),
    )

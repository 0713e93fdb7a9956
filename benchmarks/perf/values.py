"""Seeded value makers: realistic personal and non-personal cells, fast enough for 1M rows in Python."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass


def words(text: str) -> tuple[str, ...]:
    """Word lists stay readable in the source as one string."""
    return tuple(text.split())


FIRST = words(
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard "
    "Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty "
    "Anthony Margaret Mark Sandra Donald Ashley Steven Kimberly Andrew Emily Paul Donna Joshua "
    "Michelle Kenneth Carol Kevin Amanda Brian Melissa George Deborah Timothy Stephanie Ronald "
    "Rebecca Edward Sharon Jason Laura Jeffrey Cynthia Ryan Amy Jacob Kathleen Gary Angela Nicholas "
    "Shirley Eric Anna Jonathan Brenda Stephen Pamela Larry Emma Justin Nicole Scott Helen Brandon "
    "Samantha Benjamin Katherine Samuel Christine Gregory Debra"
)
LAST = words(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips "
    "Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers "
    "Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson "
    "Watson Brooks Chavez Wood James"
)
STREETS = words(
    "Maple Oak Pine Cedar Elm Washington Lake Hill Park Main Church Sunset Highland River Forest "
    "Spring Meadow Ridge Valley Willow Franklin Jefferson Lincoln Madison Chestnut Walnut Cherry "
    "Birch Harbor"
)
SUFFIXES = ("Street", "Avenue", "Road", "Lane", "Drive", "Court", "Boulevard", "Way", "Place", "Terrace")
CITIES = (
    "Springfield",
    "Riverside",
    "Franklin",
    "Greenville",
    "Bristol",
    "Clinton",
    "Fairview",
    "Salem",
    "Madison",
    "Georgetown",
    "Arlington",
    "Ashland",
    "Dover",
    "Oxford",
    "Jackson",
    "Burlington",
)
DOMAINS = ("example.com", "mail.example.org", "corp.example.net", "inbox.example.com", "example.co.uk")
AREAS = ("212", "415", "312", "617", "646", "303", "503", "206", "702", "404", "512", "718")
PRODUCTS = (
    "Stainless Water Bottle",
    "Wireless Mouse",
    "USB-C Charger",
    "Espresso Beans 1kg",
    "Yoga Mat",
    "Noise Cancelling Headphones",
    "Desk Lamp",
    "Running Shoes",
    "Backpack 30L",
    "Cast Iron Skillet",
    "Bluetooth Speaker",
    "Paper Towels 6-pack",
    "Mechanical Keyboard",
    "Smart Thermostat",
    "Tea Sampler",
    "Phone Case",
    "Electric Kettle",
    "Office Chair",
    "LED Bulb 4-pack",
    "Hiking Socks",
)
STATUSES = ("active", "pending", "suspended", "closed", "trial")
ORDER_STATUSES = ("created", "paid", "shipped", "delivered", "returned", "cancelled")
CURRENCIES = ("USD", "EUR", "GBP", "CAD")
PLAIN_NOTES = (
    "Customer asked about delivery times for the {p}.",
    "Requested an invoice copy for order {n}.",
    "Upgraded plan after the trial period ended.",
    "Package arrived damaged; replacement {p} shipped.",
    "Asked to change the billing cycle to annual.",
    "No response to the satisfaction survey.",
    "Refund issued for order {n} after a late delivery.",
    "Prefers contact in the afternoon; ticket closed.",
)
PERSONAL_NOTES = (
    "Call back {name} on {phone} about order {n}.",
    "Spoke with {name}, new contact email {email}.",
    "Forwarded to {name} ({email}) for approval.",
    "{name} asked us to use {phone} instead of the old number.",
)
DESCRIPTIONS = (
    "{p}, available in three colours, ships in recyclable packaging.",
    "Best seller this quarter: the {p} with a two-year warranty.",
    "{p} restocked at warehouse {w}; lead time {k} days.",
    "Bundle discount applies when the {p} is bought with accessories.",
    "Discontinued variant of the {p}; remaining stock {k} units.",
)
EPOCH = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)


Maker = Callable[[random.Random, int], str | None]


@dataclass(frozen=True)
class ColumnSpec:
    """One generated column: its SQL type, whether it holds personal data (the truth) and its maker."""

    name: str
    sql_type: str
    personal: bool
    make: Maker


def _name(r: random.Random) -> str:
    return f"{r.choice(FIRST)} {r.choice(LAST)}"


def _email(r: random.Random, i: int) -> str:
    return f"{r.choice(FIRST).lower()}.{r.choice(LAST).lower()}{i % 9973}@{r.choice(DOMAINS)}"


def _phone(r: random.Random) -> str:
    area, mid, end = r.choice(AREAS), r.randint(201, 989), r.randint(0, 9999)
    style = r.random()
    if style < 0.4:
        return f"({area}) {mid}-{end:04d}"
    if style < 0.8:
        return f"+1 {area}-{mid}-{end:04d}"
    return f"+44 20 {r.randint(7000, 8999)} {end:04d}"


def _card(r: random.Random) -> str:
    """A Luhn-valid 16-digit Visa-like number, sometimes grouped."""
    digits = [4] + [r.randint(0, 9) for _ in range(14)]
    total = 0
    for pos, d in enumerate(reversed(digits)):
        if pos % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    digits.append((10 - total % 10) % 10)
    text = "".join(map(str, digits))
    if r.random() < 0.5:
        return " ".join(text[k : k + 4] for k in range(0, 16, 4))
    return text


def _uuid(r: random.Random) -> str:
    h = f"{r.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def _address(r: random.Random) -> str:
    return f"{r.randint(1, 9999)} {r.choice(STREETS)} {r.choice(SUFFIXES)}, {r.choice(CITIES)}"


def _ip(r: random.Random) -> str:
    if r.random() < 0.9:
        return f"{r.randint(11, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"
    return f"2001:db8:{r.getrandbits(16):x}:{r.getrandbits(16):x}::{r.getrandbits(16):x}"


def _dob(r: random.Random) -> str:
    return f"{r.randint(1940, 2006)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"


def _timestamp(r: random.Random) -> str:
    return (EPOCH + dt.timedelta(seconds=r.randint(0, 200_000_000))).isoformat()


def _note(r: random.Random, i: int) -> str | None:
    """Mostly business text; 12 % of rows carry a name with an email or phone; 8 % are NULL."""
    roll = r.random()
    if roll < 0.08:
        return None
    if roll < 0.20:
        template = r.choice(PERSONAL_NOTES)
        return template.format(name=_name(r), phone=_phone(r), email=_email(r, i), n=100_000 + i)
    return r.choice(PLAIN_NOTES).format(p=r.choice(PRODUCTS), n=100_000 + i)


def _description(r: random.Random) -> str:
    template = r.choice(DESCRIPTIONS)
    return template.format(p=r.choice(PRODUCTS), w=f"WH-{r.randint(1, 40):02d}", k=r.randint(2, 90))


MAKERS: dict[str, tuple[str, bool, Maker]] = {
    # name: (SQL type, personal?, maker)
    "full_name": ("text", True, lambda r, i: _name(r)),
    "email": ("text", True, _email),
    "phone": ("text", True, lambda r, i: _phone(r)),
    "client_ip": ("inet", True, lambda r, i: _ip(r)),
    "birth_date": ("date", True, lambda r, i: _dob(r)),
    "home_address": ("text", True, lambda r, i: _address(r)),
    "card_number": ("text", True, lambda r, i: _card(r)),
    "notes": ("text", True, _note),
    "public_id": ("uuid", False, lambda r, i: _uuid(r)),
    "amount": ("numeric(10,2)", False, lambda r, i: f"{r.randint(100, 9_999_999) / 100:.2f}"),
    "created_at": ("timestamptz", False, lambda r, i: _timestamp(r)),
    "status": ("text", False, lambda r, i: r.choice(STATUSES)),
    "product": ("text", False, lambda r, i: r.choice(PRODUCTS)),
    "content_hash": ("text", False, lambda r, i: f"{r.getrandbits(256):064x}"),
    "sku": (
        "text",
        False,
        lambda r, i: f"SKU-{r.randint(10000, 99999)}-{r.choice('ABCDEFGH')}{r.randint(0, 9)}",
    ),
    "quantity": ("integer", False, lambda r, i: str(r.randint(1, 500))),
    "currency": ("text", False, lambda r, i: r.choice(CURRENCIES)),
    "order_status": ("text", False, lambda r, i: r.choice(ORDER_STATUSES)),
    "warehouse": ("text", False, lambda r, i: f"WH-{r.randint(1, 40):02d}"),
    "checksum": ("text", False, lambda r, i: f"{r.getrandbits(128):032x}"),
    "description": ("text", False, lambda r, i: _description(r)),
    "score": ("double precision", False, lambda r, i: f"{r.random():.6f}"),
}


def spec(name: str) -> ColumnSpec:
    """The ColumnSpec of a named maker."""
    sql_type, personal, make = MAKERS[name]
    return ColumnSpec(name, sql_type, personal, make)


PLANTED = 20  # e-mail addresses and card numbers each, planted in the sparse table's free text
PLANTED_EMAIL = "Customer wrote from {email} about ticket {n}; closed."
PLANTED_CARD = "Customer read out the card {card} on the phone, ticket {n}."


def planted_rows(rows: int, count: int = PLANTED) -> tuple[frozenset[int], frozenset[int]]:
    """Row ids (1-based) of the planted e-mails and cards: evenly spread, never the same row."""
    step = max(1, rows // (2 * count))
    emails = frozenset(1 + (2 * k) * step for k in range(count) if 1 + (2 * k) * step <= rows)
    cards = frozenset(1 + (2 * k + 1) * step for k in range(count) if 1 + (2 * k + 1) * step <= rows)
    return emails, cards


def sparse_spec(rows: int) -> ColumnSpec:
    """Business free text with ``PLANTED`` e-mails and cards spread over ``rows`` rows."""
    emails, cards = planted_rows(rows)

    def make(r: random.Random, i: int) -> str | None:
        if i in emails:
            return PLANTED_EMAIL.format(email=_email(r, i), n=100_000 + i)
        if i in cards:
            return PLANTED_CARD.format(card=_card(r), n=100_000 + i)
        if r.random() < 0.08:
            return None
        return r.choice(PLAIN_NOTES).format(p=r.choice(PRODUCTS), n=100_000 + i)

    return ColumnSpec("body", "text", True, make)

"""Text formats stored in columns: free-text notes, JSON documents and log lines, each value labeled."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from benchmarks.quality import formats as fm
from benchmarks.quality.cases import ROWS, Field, Table, col, field_column
from benchmarks.quality.generated import Gen

# Note templates per language: (template, entities it embeds). Slots are filled from Faker.
_NOTES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "en": (
        (
            "Customer {name} called from {phone} about invoice {invoice}.",
            ("PERSON", "PHONE_NUMBER", "PAYMENT_REFERENCE"),
        ),
        ("Please send the replacement to {address}.", ("STREET_ADDRESS",)),
        ("Refund to IBAN {iban} requested by {email}.", ("IBAN_CODE", "EMAIL_ADDRESS")),
        ("Patient diagnosed with {diagnosis}, prescribed {medication}.", ("HEALTH_DATA",)),
        ("Order arrived damaged, box was crushed. Replacement shipped.", ()),
        ("Verified identity with SSN {ssn} and date of birth {dob}.", ("US_SSN", "DATE_OF_BIRTH")),
        ("Card {card} was declined twice, customer will retry tomorrow.", ("CREDIT_CARD",)),
        ("Login from new device {ip} flagged by fraud check.", ("IP_ADDRESS",)),
    ),
    "de": (
        ("Kunde {name} bittet um Rückruf unter {phone}.", ("PERSON", "PHONE_NUMBER")),
        ("Ersatzlieferung bitte an {address} senden.", ("STREET_ADDRESS",)),
        ("Rückerstattung auf IBAN {iban}, Bestätigung an {email}.", ("IBAN_CODE", "EMAIL_ADDRESS")),
        ("Diagnose: {diagnosis}. Verordnet: {medication}.", ("HEALTH_DATA",)),
        ("Paket kam beschädigt an, Ersatz wurde verschickt.", ()),
        ("Steuer-ID {taxid} für die Lohnabrechnung hinterlegt.", ("NATIONAL_ID",)),
        ("Zahlung mit Karte {card} fehlgeschlagen.", ("CREDIT_CARD",)),
        ("Anmeldung von neuer IP {ip} blockiert.", ("IP_ADDRESS",)),
    ),
    "fr": (
        ("Le client {name} a appelé depuis le {phone}.", ("PERSON", "PHONE_NUMBER")),
        ("Merci d'envoyer le remplacement au {address}.", ("STREET_ADDRESS",)),
        ("Remboursement sur l'IBAN {iban}, confirmation à {email}.", ("IBAN_CODE", "EMAIL_ADDRESS")),
        ("Diagnostic : {diagnosis}. Traitement : {medication}.", ("HEALTH_DATA",)),
        ("Colis arrivé abîmé, un nouveau colis est parti.", ()),
        ("Numéro de sécurité sociale {nir} vérifié.", ("NATIONAL_ID",)),
        ("Paiement refusé pour la carte {card}.", ("CREDIT_CARD",)),
        ("Connexion depuis une nouvelle adresse IP {ip} bloquée.", ("IP_ADDRESS",)),
    ),
    "zh": (
        ("客户{name}来电{phone}，咨询退款事宜。", ("PERSON", "PHONE_NUMBER")),
        ("请将换货寄到{address}。", ("STREET_ADDRESS",)),
        ("退款至IBAN {iban}，确认邮件发送至{email}。", ("IBAN_CODE", "EMAIL_ADDRESS")),
        ("诊断：{diagnosis}，用药：{medication}。", ("HEALTH_DATA",)),
        ("包裹破损，已补发。", ()),
        ("已核验身份证号{cnid}。", ("CN_RESIDENT_ID",)),
        ("银行卡{card}支付失败。", ("CREDIT_CARD",)),
        ("新设备IP {ip} 登录已拦截。", ("IP_ADDRESS",)),
    ),
}


def _slots(g: Gen) -> dict[str, Callable[[], str]]:
    f, w, rng = g.fake, g.words, g.rng
    return {
        "name": f.name,
        "phone": f.phone_number,
        "invoice": lambda: f"INV-2026-{rng.randrange(10**5):05d}",
        "address": g.single_line_address,
        "iban": g.iban,
        "email": f.email,
        "diagnosis": lambda: rng.choice(w.diagnoses),
        "medication": lambda: rng.choice(w.medications),
        "ssn": f.ssn,
        "dob": lambda: f.date_of_birth().strftime("%m/%d/%Y"),
        "card": f.credit_card_number,
        "ip": f.ipv4_public,
        "taxid": lambda: fm.de_tax_id(rng),
        "nir": lambda: fm.fr_nir(rng),
        "cnid": f.ssn,
    }


def _town(entities: object) -> frozenset[str]:
    """An address names a town too: a coarse location found in it is right, not required."""
    return frozenset({"LOCATION"}) if "STREET_ADDRESS" in entities else frozenset()  # type: ignore[operator]


def notes(g: Gen, n: int = ROWS) -> list[Field]:
    """Free-text notes in the locale's language, each with the entities its template embeds."""
    templates = _NOTES[g.tag]
    slots = _slots(g)
    out = []
    for i in range(n):
        template, entities = templates[i % len(templates)]
        values = {k: v() for k, v in slots.items() if "{" + k + "}" in template}
        out.append(Field(template.format(**values), frozenset(entities), _town(entities)))
    return out


def documents(g: Gen, n: int = ROWS) -> list[Field]:
    """JSON documents as APIs and event buses store them, with personal data under some keys."""
    f, rng = g.fake, g.rng
    out = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            doc = {"event": "signup", "user": {"name": f.name(), "email": f.email()}, "plan": "pro"}
            labels = {"PERSON", "EMAIL_ADDRESS"}
        elif kind == 1:
            doc = {"event": "login", "ip": f.ipv4_public(), "ua": f.user_agent(), "ok": True}
            labels = {"IP_ADDRESS", "USER_AGENT"}
        elif kind == 2:
            doc = {
                "event": "checkout",
                "order": f"ORD-{rng.randrange(10**6)}",
                "total": round(rng.uniform(5, 500), 2),
                "items": rng.randrange(1, 5),
            }
            labels = set()
        else:
            doc = {
                "event": "address_changed",
                "shipping": {"street": f.street_address(), "phone": f.phone_number()},
            }
            labels = {"STREET_ADDRESS", "PHONE_NUMBER"}
        out.append(Field(json.dumps(doc, ensure_ascii=False), frozenset(labels), _town(labels)))
    return out


def log_lines(g: Gen, n: int = ROWS) -> list[Field]:
    """Web-server and application log lines as shipped to a logging table."""
    f, rng = g.fake, g.rng
    start = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    out = []
    for i in range(n):
        when = start + dt.timedelta(seconds=rng.randrange(10**6))
        kind = i % 3
        if kind == 0:
            stamp = when.strftime("%d/%b/%Y:%H:%M:%S +0000")
            line = (
                f'{f.ipv4_public()} - - [{stamp}] "GET /account/orders?page={rng.randrange(9)} HTTP/1.1" '
                f'200 {rng.randrange(200, 9000)} "{f.url()}" "{f.user_agent()}"'
            )
            labels = {"IP_ADDRESS", "URL", "USER_AGENT"}
        elif kind == 1:
            line = f"{when.isoformat()} INFO auth: login ok user={f.user_name()} email={f.email()}"
            labels = {"EMAIL_ADDRESS"}
        else:
            line = (
                f"{when.isoformat()} WARN worker-{rng.randrange(9)}: job {fm.hex_token(rng, 12)} retried "
                f"after {rng.randrange(1, 60)}s (queue depth {rng.randrange(500)})"
            )
            labels = set()
        out.append(Field(line, frozenset(labels), frozenset({"USERNAME"}) if kind == 1 else frozenset()))
    return out


def text_tables(g: Gen) -> tuple[Table, dict[str, list[Field]]]:
    """The locale's table of text formats, and its labeled fields for the field-level figures."""
    fields = {g.name("notes"): notes(g), "payload": documents(g), "log_line": log_lines(g)}
    columns = [col("id", range(1, ROWS + 1), sql_type="int")]
    columns += [field_column(name, values) for name, values in fields.items()]
    return Table(f"texts_{g.tag}", f"generated:{g.locale}", tuple(columns)), fields

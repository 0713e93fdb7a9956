"""A generated corpus in every supported format: the expected categories per location (files,
fields, archive members), nothing on the clean files, the same CSV contract as databases."""

from __future__ import annotations

import csv
import io

from conftest import run_cli

from piscan.reporters.base import CSV_COLUMNS
from piscan.scan import _media_detector

from .filecorpus import PEOPLE
from .helpers import found

ACCESS_FIELDS = {
    "client_ip": {"IP_ADDRESS"},
    "username": {"USERNAME"},
    "user_agent": {"USER_AGENT"},
    "referrer": {"URL"},
    "visited_url": {"URL"},
    "session_id": {"SESSION_TOKEN"},
}
CONTACTS = {"email": {"EMAIL_ADDRESS"}, "full_name": {"PERSON"}, "phone": {"PHONE_NUMBER"}}
EXPECTED: dict[str, set[str]] = {
    **{f"logs/access.log#{k}": v for k, v in ACCESS_FIELDS.items()},
    **{f"logs/access.log.1.gz#{k}": v for k, v in ACCESS_FIELDS.items()},
    **{f"archives/logs.tar.gz!old/access.log#{k}": v for k, v in ACCESS_FIELDS.items()},
    "logs/auth.log#client_ip": {"IP_ADDRESS"},
    "logs/auth.log#username": {"USERNAME"},
    "logs/auth.log.3.xz#client_ip": {"IP_ADDRESS"},
    "logs/app.jsonl#user.email": {"EMAIL_ADDRESS"},
    "logs/app.jsonl#user.ip": {"IP_ADDRESS"},
    "logs/app.log.2.bz2#user.email": {"EMAIL_ADDRESS"},
    "logs/legacy-latin1.log": {"EMAIL_ADDRESS"},
    "logs/windows-utf16.log": {"EMAIL_ADDRESS"},
    **{f"exports/contacts.csv#{k}": v for k, v in CONTACTS.items()},
    **{f"exports/contacts.tsv#{k}": v for k, v in CONTACTS.items()},
    **{f"archives/bundle.zip!export/people.csv#{k}": v for k, v in CONTACTS.items()},
    **{f"archives/nested.zip!inner.tar!deep/contacts.csv#{k}": v for k, v in CONTACTS.items()},
    "exports/contacts.xlsx#email": {"EMAIL_ADDRESS"},
    "exports/users.json#profile.email": {"EMAIL_ADDRESS"},
    "exports/contacts.parquet#contact.email": {"EMAIL_ADDRESS"},
    "exports/contacts.parquet#contact.phone": {"PHONE_NUMBER"},
    "docs/letter.pdf": {"EMAIL_ADDRESS"},
    "docs/memo.docx": {"EMAIL_ADDRESS"},
    "mail/order.eml#from": {"EMAIL_ADDRESS", "PERSON"},
    "mail/order.eml#to": {"EMAIL_ADDRESS"},
    "mail/inbox.mbox#from": {"EMAIL_ADDRESS"},
    "mail/inbox.mbox#to": {"EMAIL_ADDRESS"},
    "media/voicemail.wav": {"AUDIO_RECORDING"},
    "media/finger.dat": {"FINGERPRINT_TEMPLATE"},
}
CLEAN = ("logs/build.log", "docs/readme.pdf", "exports/stats.csv", "archives/bundle.zip!notes.txt")


def test_every_format_yields_its_categories_per_location(corpus_scan):
    run, doc = corpus_scan
    got = found(doc)
    missing = {
        loc: want - got.get(loc, set()) for loc, want in EXPECTED.items() if want - got.get(loc, set())
    }
    assert not missing, missing
    assert not doc["skipped"], doc["skipped"]
    assert {r["source"] for r in doc["results"]} == set(doc["targets"])


def test_clean_files_are_scanned_and_have_no_finding(corpus_scan):
    _, doc = corpus_scan
    covered = {c["location"].split("#")[0] for c in doc["coverage"]}
    for clean in CLEAN:
        assert clean in covered, clean
        assert not [loc for loc in found(doc) if loc.split("#")[0] == clean], clean


def test_media_are_read_as_bytes_and_found_by_signature(corpus_scan):
    run, doc = corpus_scan
    assert run.code == 1, run
    undeclared = {(r["location"], r["entity"]) for r in doc["results"] if r["declared"] is False}
    assert {
        ("media/voicemail.wav", "AUDIO_RECORDING"),
        ("media/finger.dat", "FINGERPRINT_TEMPLATE"),
    } <= undeclared
    assert "media/portrait" in {c["location"] for c in doc["coverage"]}  # no extension: found by its bytes
    # A grey square shows no face: with the media detector installed it is no personal data;
    # with signatures alone, any image is reported.
    image = ("media/portrait", "IMAGE") in undeclared
    assert image == (_media_detector() is None)
    assert all(
        r["declared"] is True for r in doc["results"] if r["location"].startswith(("logs/", "exports/"))
    )


def test_csv_has_the_database_columns_and_no_raw_value(corpus):
    run = run_cli("scan", str(corpus / "exports"), "-f", "csv", "-q", "--fail-on", "never")
    assert run.code == 0, run
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert {r["source"] for r in rows} == {str(corpus / "exports")}
    assert ("contacts.csv#email", "EMAIL_ADDRESS") in {(r["location"], r["entity"]) for r in rows}
    for _, email, phone, _ in PEOPLE:
        assert email not in run.stdout and phone not in run.stdout


def test_single_file_target_is_located_by_its_name(corpus):
    run = run_cli("scan", str(corpus / "logs" / "app.jsonl"), "-f", "csv", "-q")
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert {r["location"] for r in rows} == {"app.jsonl#user.email", "app.jsonl#user.ip"}
    assert {r["source"] for r in rows} == {str(corpus / "logs" / "app.jsonl")}

"""Names the values contradict: a name alone stands for absent, NULL or fitting values, never
for values that are present and something else (0/1 flags named *_phone, counts, incomes,
durations, item conditions, transaction hashes, order amounts)."""

from __future__ import annotations

import datetime as dt
import random
import secrets

import pytest
from column_findings import column_findings as _findings

from piscan.detectors.presidio import PresidioDetector, build_engine
from piscan.model import Evidence


@pytest.fixture(scope="module")
def presidio() -> PresidioDetector:
    return PresidioDetector(build_engine())


RNG = random.Random(10)


def test_zero_one_flags_named_phone_are_no_phone_numbers(presidio):
    flags = [RNG.randint(0, 1) for _ in range(200)]
    assert "PHONE_NUMBER" not in _findings(presidio, "has_mobile_phone", flags)
    assert "PHONE_NUMBER" not in _findings(presidio, "verified_phone", [str(f) for f in flags])


def test_counts_named_credit_card_are_no_card_numbers(presidio):
    counts = [RNG.choice([0, 0, 1, 1, 2, 3, 5]) for _ in range(150)]
    assert "CREDIT_CARD" not in _findings(presidio, "num_credit_card", counts)


def test_income_figures_named_zipcode_are_no_postal_codes(presidio):
    incomes = [round(RNG.uniform(18_000, 160_000), 2) for _ in range(120)]
    assert "STREET_ADDRESS" not in _findings(presidio, "median_income_zipcode", incomes)


def test_durations_named_age_are_no_ages(presidio):
    seconds = [RNG.randint(600, 900_000) for _ in range(100)]
    clock = [f"{RNG.randint(0, 23):02d}:{RNG.randint(0, 59):02d}:{RNG.randint(0, 59):02d}" for _ in range(99)]
    assert "AGE" not in _findings(presidio, "session_age", seconds)
    assert "AGE" not in _findings(presidio, "cache_age", clock)


def test_item_conditions_are_no_health_data(presidio):
    grades = ["New", "Used - Like New", "Used - Good", "Refurbished", "For parts", "Used - Acceptable"]
    assert "HEALTH_DATA" not in _findings(presidio, "condition", [RNG.choice(grades) for _ in range(80)])


def test_transaction_hashes_are_no_credentials(presidio):
    hashes = [secrets.token_hex(32) for _ in range(60)]
    assert "CREDENTIAL" not in _findings(presidio, "tx_hash", hashes)
    assert "CREDENTIAL" not in _findings(presidio, "tx_hash", ["0x" + h for h in hashes])


def test_amounts_lifted_by_context_words_count_only_with_a_name_and_say_so(presidio):
    amounts = [f"{RNG.uniform(1, 900):.2f} EUR" for _ in range(100)]
    # `amount` is a (weak) name: the values have its shape, and the evidence names the name
    assert _findings(presidio, "amount", amounts) == {"FINANCIAL_TRANSACTION": Evidence.BOTH}
    # "paid" lifts the score as a context word, but no name rule says `total_paid_sum` holds
    # transactions: a context word alone makes no finding
    assert "FINANCIAL_TRANSACTION" not in _findings(presidio, "total_paid_sum", amounts)


def test_bare_numbers_are_no_money(presidio):
    # money is written with its currency; a bare number under a weak `amount` name is a price, a
    # dose or a count (issue 14: the benchmark's `amount` columns were false positives)
    numbers = [round(RNG.uniform(1, 900), 2) for _ in range(100)]
    assert "FINANCIAL_TRANSACTION" not in _findings(presidio, "amount", numbers)


def test_titles_are_no_coordinates(presidio):
    titles = [f"{w} of the {p}, unspecified" for w in ("Fracture", "Infection", "Neoplasm")
              for p in ("left femur", "upper arm", "lower leg", "skull", "pelvis")] * 4
    assert "PRECISE_GEOLOCATION" not in _findings(presidio, "long_title", titles)


# The names still stand where the values are absent, NULL, opaque or of the expected shape.


def test_null_columns_keep_their_names(presidio):
    assert _findings(presidio, "home_phone", [None] * 30) == {"PHONE_NUMBER": Evidence.NAME}
    assert _findings(presidio, "num_credit_card", [None] * 30) == {"CREDIT_CARD": Evidence.NAME}


def test_fitting_values_keep_their_names(presidio):
    phones = [f"+1 {RNG.randint(200, 999)} 555 {RNG.randint(1000, 9999)}" for _ in range(40)]
    assert "PHONE_NUMBER" in _findings(presidio, "home_phone", phones)
    zips = [f"{RNG.randint(10000, 99999)}" for _ in range(40)]
    assert "STREET_ADDRESS" in _findings(presidio, "zipcode", zips)
    ages = [RNG.randint(1, 95) for _ in range(40)]
    assert "AGE" in _findings(presidio, "age", ages)
    bands = [RNG.choice(["0-35", "35-55", "55<="]) for _ in range(40)]
    assert "AGE" in _findings(presidio, "age_band", bands)


def test_opaque_values_keep_the_name(presidio):
    hashed = [secrets.token_hex(32) for _ in range(40)]
    assert "CREDENTIAL" in _findings(presidio, "password_hash", hashed)


def test_shifted_birth_timestamps_stay_dates_of_birth(presidio):
    # de-identified clinical data shifts dates far into the future; they are births all the same
    births = [dt.datetime(2040 + RNG.randint(0, 90), RNG.randint(1, 12), 1 + n % 28) for n in range(60)]
    assert "DATE_OF_BIRTH" in _findings(presidio, "dob", births)


def test_health_conditions_still_count(presidio):
    assert "HEALTH_DATA" in _findings(presidio, "medical_condition", [None] * 20)
    assert "HEALTH_DATA" in _findings(presidio, "condition", ["asthma", "diabetes", "hypertension"] * 10)


def test_dates_in_a_column_whose_name_ends_in_ssn_are_no_ssns(presidio):
    # "date of death (social security records)": the token says ssn, the values are timestamps
    deaths = [dt.datetime(2100 + RNG.randint(0, 90), RNG.randint(1, 12), 1 + n % 28) for n in range(60)]
    # as an SQLite CSV import stores them: a quarter of the cells are empty strings, not NULLs
    cells = [d.isoformat(" ") for d in deaths] + [""] * 20
    assert "US_SSN" not in _findings(presidio, "dod_ssn", cells)
    assert "US_SSN" in _findings(presidio, "ssn", [None] * 20)
    assert "US_SSN" in _findings(presidio, "ssn", [""] * 20)  # blank cells are no contradiction


def test_pay_named_columns_are_financial_when_their_values_are_amounts(presidio):
    salaries = [RNG.randint(2_500, 24_000) for _ in range(40)]
    assert "FINANCIAL_TRANSACTION" in _findings(presidio, "salary", salaries)
    fares = [f"{RNG.uniform(5, 260):.4f}" for _ in range(40)]
    assert "FINANCIAL_TRANSACTION" in _findings(presidio, "fare", fares)
    grades = [RNG.choice(["junior", "senior", "lead"]) for _ in range(40)]
    assert "FINANCIAL_TRANSACTION" not in _findings(presidio, "salary_band_label", grades)

"""Every report shows whether the policy's words describe a declared entity ("declared, not described")."""

from __future__ import annotations

import csv
import io
import json

from piscan.model import ScanResult
from piscan.reporters import csv as csv_reporter
from piscan.reporters import html as html_reporter
from piscan.reporters import json as json_reporter
from piscan.reporters import sarif as sarif_reporter
from piscan.reporters import table as table_reporter
from piscan.reporters.base import CSV_COLUMNS, CSV_COLUMNS_V1, NOT_DESCRIBED

# xwms puts CREDIT_CARD in B ("Contact and billing details", declared) without describing it;
# EMAIL_ADDRESS in A is both declared and described.
CARD = ("a.zip!member/x.csv#L12:card", "CREDIT_CARD", "xwms")
EMAIL = ("logs/app.log#user.email", "EMAIL_ADDRESS", "xwms")


def _rows(result: ScanResult) -> dict[tuple[str, str, str], dict[str, str]]:
    reader = csv.DictReader(io.StringIO(csv_reporter.render(result)))
    return {(r["location"], r["entity"], r["policy"]): r for r in reader}


def test_csv_appends_described_after_every_existing_column(file_result: ScanResult) -> None:
    header = next(csv.reader(io.StringIO(csv_reporter.render(file_result))))
    assert tuple(header[: len(CSV_COLUMNS_V1)]) == CSV_COLUMNS_V1
    assert header[-1] == "described" and tuple(header) == CSV_COLUMNS
    rows = _rows(file_result)
    assert (rows[CARD]["declared"], rows[CARD]["described"]) == ("yes", "no")
    assert (rows[EMAIL]["declared"], rows[EMAIL]["described"]) == ("yes", "yes")


def test_json_results_carry_described(file_result: ScanResult) -> None:
    results = json.loads(json_reporter.render(file_result))["results"]
    by_key = {(r["location"], r["entity"], r["policy"]): r for r in results}
    assert by_key[CARD]["described"] is False  # JSON 2.0: booleans, as for declared
    assert by_key[EMAIL]["described"] is True
    # westmonth puts the card in "financial" and names "payment/bank details"
    assert by_key[(CARD[0], CARD[1], "westmonth")]["described"] is True


def test_sarif_results_carry_described(file_result: ScanResult) -> None:
    runs = json.loads(sarif_reporter.render(file_result))["runs"]
    props = {
        (r["properties"]["location"], r["properties"]["entity"], r["properties"]["policy"]): r["properties"]
        for r in runs[0]["results"]
    }
    assert props[CARD]["described"] is False
    assert props[EMAIL]["described"] is True


def test_table_marks_declared_not_described(file_result: ScanResult) -> None:
    text = table_reporter.render(file_result, width=400)
    card_lines = [line for line in text.splitlines() if "CREDIT_CARD" in line and " xwms " in line]
    assert card_lines and all(NOT_DESCRIBED in line for line in card_lines)
    email_lines = [line for line in text.splitlines() if "EMAIL_ADDRESS" in line and " xwms " in line]
    assert email_lines and not any(NOT_DESCRIBED in line for line in email_lines)


def test_html_marks_declared_not_described(file_result: ScanResult, parse_html) -> None:
    rows = parse_html(html_reporter.render(file_result)).tables["findings-table"]
    states = {(cells[4], cells[5], cells[1]): cells[0] for _, cells in rows}
    assert states[CARD] == NOT_DESCRIBED
    assert states[EMAIL] == "yes"

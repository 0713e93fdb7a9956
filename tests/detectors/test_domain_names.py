"""Generic column names read through their table's kind: in a table of students ``g1`` and
``failures`` are education records, in a table of a patient's stay ``route`` and
``curr_careunit`` are clinical facts; the same names elsewhere (a server's failures, a drug
dictionary) say nothing. Also the name rules added for issue 10's real-data misses."""

from __future__ import annotations

import pytest

from piscan.detectors.names import name_hits
from piscan.model import Column, ValueKind

STUDENTS = ("school", "sex", "age", "studytime", "g3")
STAY = ("row_id", "subject_id", "hadm_id", "startdate")


def _hits(name: str, table: str = "", siblings: tuple[str, ...] = (), kind=ValueKind.TEXT) -> dict[str, bool]:
    return {h.entity: h.strong for h in name_hits(Column(name, "X", kind), table, siblings)}


@pytest.mark.parametrize("column", ["g1", "g2", "failures", "absences", "studytime", "schoolsup", "famsup",
                                    "paid", "nursery", "higher", "reason", "medu", "fedu"])
def test_a_students_table_makes_schooling_columns_education_records(column):
    assert _hits(column, "student_mat", STUDENTS, ValueKind.NUMBER) == {"EDUCATION_RECORD": True}
    assert "EDUCATION_RECORD" not in _hits(column, "server_stats", ("host", "uptime"), ValueKind.NUMBER)


@pytest.mark.parametrize("column", ["code_module", "code_presentation", "studied_credits",
                                    "num_of_prev_attempts", "final_result", "id_student"])
def test_a_student_id_beside_a_course_column_says_it_is_a_students(column):
    siblings = ("id_student", "gender", "region") if column != "id_student" else ("gender",)
    assert _hits(column, "oulad_student_info", siblings).get("EDUCATION_RECORD") is True


@pytest.mark.parametrize("column", ["curr_careunit", "prev_service", "callout_service", "admission_type",
                                    "discharge_location", "request_mrsa", "icd9_code", "cpt_cd", "drg_code",
                                    "drg_severity", "drug", "drug_name_generic", "ndc", "gsn", "route",
                                    "prod_strength", "org_name", "ab_name", "interpretation", "dilution_text",
                                    "spec_type_desc", "ordercategoryname", "patientweight", "location"])
def test_a_patients_stay_makes_clinical_columns_health_data(column):
    assert _hits(column, "events", STAY) == {"HEALTH_DATA": True}


@pytest.mark.parametrize("column", ["drug_type", "drg_type", "cpt_suffix", "dose_unit_rx", "valueuom",
                                    "curr_wardid", "itemid", "charttime", "statusdescription"])
def test_ids_units_types_and_times_of_a_stay_are_not_clinical_facts(column):
    assert "HEALTH_DATA" not in _hits(column, "events", STAY)


def test_code_dictionaries_and_other_tables_keep_their_generic_meaning():
    assert "HEALTH_DATA" not in _hits("icd9_code", "d_icd_diagnoses", ("row_id", "short_title"))
    assert "HEALTH_DATA" not in _hits("route", "bus_routes", ("stop_id", "headsign"))
    assert "HEALTH_DATA" not in _hits("description", "caregivers", ("cgid", "label"))


def test_a_domain_rule_wins_over_the_generic_reading_of_a_name():
    hits = _hits("org_name", "microbiologyevents", STAY)
    assert hits == {"HEALTH_DATA": True}  # an organism, not a company
    assert _hits("org_name", "suppliers", ("contact_name",)).get("ORGANIZATION") is True


@pytest.mark.parametrize(
    ("name", "kind", "entity"),
    [
        ("dalc", ValueKind.NUMBER, "HEALTH_DATA"),
        ("walc", ValueKind.NUMBER, "HEALTH_DATA"),
        ("alcohol_use", ValueKind.TEXT, "HEALTH_DATA"),
        ("health", ValueKind.NUMBER, "HEALTH_DATA"),  # a health score: two rules, their kinds merged
        ("mjob", ValueKind.TEXT, "JOB_TITLE"),
        ("father_occupation", ValueKind.TEXT, "JOB_TITLE"),
        ("job_id", ValueKind.TEXT, "JOB_TITLE"),
        ("imd_band", ValueKind.TEXT, "INFERENCE"),
        ("region", ValueKind.TEXT, "LOCATION"),
        ("ship_region", ValueKind.TEXT, "LOCATION"),
        ("embarked", ValueKind.TEXT, "LOCATION"),
        ("extension", ValueKind.TEXT, "PHONE_NUMBER"),
        ("title_of_courtesy", ValueKind.TEXT, "GENDER"),
        ("ticket", ValueKind.TEXT, "PAYMENT_REFERENCE"),
        ("ship_name", ValueKind.TEXT, "ORGANIZATION"),
        ("photo", ValueKind.BINARY, "IMAGE"),
    ],
)
def test_names_added_for_real_data_misses(name, kind, entity):
    hits = {h.entity: h for h in name_hits(Column(name, "X", kind))}
    assert entity in hits and hits[entity].strong and kind in hits[entity].kinds


@pytest.mark.parametrize("name", ["region_id", "aws_region", "ticket_id_seq", "ticket_status", "picture"])
def test_names_that_stay_without_a_strong_reading(name):
    assert not any(_hits(name, kind=ValueKind.BINARY if name == "picture" else ValueKind.TEXT).values())

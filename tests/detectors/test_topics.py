"""Documents judged by what they are about: a sick note is health data; an offer letter, a
performance review and a payroll sheet are employment information (JOB_TITLE, the entity both
policies put where professional information goes); technical and business prose is neither."""

from __future__ import annotations

from pathlib import Path

import pytest

from piscan.detectors.topics import TopicTally, lexicon
from tests.files.filecorpus import docx_bytes, pdf_bytes
from tests.files.helpers import scan_result

SICK_NOTE = """Dr. Helen Carter, General Practice
12 March 2026

To whom it may concern,

I examined Mr. Daniel Novak today. He is suffering from an acute lower respiratory infection
with fever and a persistent cough, and has been prescribed antibiotics and rest.
In my medical opinion he is unfit for work until 26 March 2026 and should avoid strenuous
activity during his recovery. A follow-up appointment has been booked.

Yours faithfully,
Dr. Helen Carter"""

OFFER = """Dear Ms. Priya Raman,

We are pleased to offer you the position of Senior Data Analyst at Northwind Analytics Ltd.,
reporting to the Head of Insights. Your start date will be 4 May 2026.

Your annual salary will be 68,000 EUR, paid monthly through payroll, with a signing bonus of
3,000 EUR. The role is full-time, 40 hours per week, with a probationary period of six months
and a notice period of one month thereafter. You will receive 28 days of annual leave and
pension contributions as described in the enclosed contract of employment.

Please sign and return this offer letter by 20 April 2026.

Kind regards,
Human Resources"""

REVIEW = """Annual performance review 2025

Employee: Tomasz Wieczorek, Logistics Coordinator
Manager: Sarah Lindqvist

Objectives: reduce late deliveries; onboard two new colleagues.
Rating: exceeds expectations on delivery goals; meets expectations on documentation.
Feedback: Tomasz led the carrier tender and trained the team. Needs improvement in reporting
cadence. Recommended for promotion to Senior Coordinator; salary adjustment to be agreed with
human resources at the year-end review."""

PAYROLL = """Payroll - pay period March 2026 - pay date 31 March 2026

Employee ID | Name | Department | Gross pay | Income tax | Social security | Net pay
1042 | Maria Santos | Finance | 4,200.00 | 820.00 | 310.00 | 3,070.00
1043 | Kwame Mensah | Warehouse | 2,950.00 | 480.00 | 218.00 | 2,252.00
1044 | Ana Petrova | Sales | 3,600.00 | 650.00 | 266.00 | 2,684.00
Overtime hours are paid at the hourly rate times 1.5; deductions include pension contributions."""

TECHNICAL = """Installation

Run the installer and choose a data directory. The service listens on port 9200 by default.
To enable the health check endpoint, set health.enabled=true in the configuration file; the
check reports the cluster status every 30 seconds. Logs rotate daily and are kept for a week.
Upgrade by stopping the service, replacing the binaries and starting it again. The manager
process restarts workers that exit; a worker's job queue is persisted on disk."""

BUSINESS = """Team,

Attached is the agenda for the management conference. I have received valuable input from the
executive committee and the goals and objectives for the conference are on page two. Please
send your feedback on the slide template by Friday; the office of the chairman will circulate
the final agenda and the hotel details next week. Thanks for all your work on this."""


def _topics(text: str) -> set[str]:
    tally = TopicTally()
    for number, line in enumerate(text.splitlines(), 1):
        tally.add(line, number)
    return {topic.id for topic, _ in tally.topics()}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (SICK_NOTE, {"health"}),
        (OFFER, {"employment"}),
        (REVIEW, {"employment"}),
        (PAYROLL, {"employment"}),
        (TECHNICAL, set()),
        (BUSINESS, set()),
    ],
)
def test_what_a_document_is_about(text, expected):
    assert _topics(text) == expected


def test_a_term_in_passing_in_a_long_text_is_not_the_topic():
    long_text = "\n".join([TECHNICAL] * 20 + ["He was on sick leave after surgery, said the changelog."])
    assert _topics(long_text) == set()


def test_topics_map_to_entities_both_policies_place():
    from piscan.policy import load_policy

    entities = {t.id: t.entity for t in lexicon().topics}
    assert entities == {"health": "HEALTH_DATA", "employment": "JOB_TITLE"}
    for policy in ("xwms", "westmonth"):
        loaded = load_policy(policy)
        for entity in entities.values():
            assert loaded.category_of(entity) is not None or entity in loaded.outside


def test_prose_files_get_their_topics_as_findings(tmp_path: Path):
    (tmp_path / "sick_note.txt").write_text(SICK_NOTE)
    (tmp_path / "offer.md").write_text(OFFER)
    (tmp_path / "review.docx").write_bytes(docx_bytes(REVIEW.splitlines()))
    (tmp_path / "payroll.pdf").write_bytes(pdf_bytes(PAYROLL.splitlines()))
    (tmp_path / "letter.eml").write_text(
        "From: hr@northwind.example\nTo: priya@example.org\nSubject: Your offer\n\n" + OFFER
    )
    (tmp_path / "install.txt").write_text(TECHNICAL)
    result = scan_result(tmp_path, jobs=1)
    by_location: dict[str, set[str]] = {}
    for f in result.findings:
        by_location.setdefault(f.location.path, set()).add(f.entity)
    topic = {f.location.path: f for f in result.findings if f.recognizers[0].startswith("topic:")}
    assert "HEALTH_DATA" in by_location["sick_note.txt"]
    for doc in ("offer.md", "review.docx", "payroll.pdf", "letter.eml"):
        assert "JOB_TITLE" in by_location[doc], (doc, by_location.get(doc))
    assert "HEALTH_DATA" not in by_location.get("install.txt", set())
    assert "JOB_TITLE" not in by_location.get("install.txt", set())
    assert all(f.example.startswith("<document about ") for f in topic.values())


def test_log_fields_and_csv_columns_are_not_judged_as_documents(tmp_path: Path):
    (tmp_path / "notes.csv").write_text("id,note\n" + "".join(f"{i},{line}\n" for i, line in
                                                             enumerate(SICK_NOTE.splitlines()) if line))
    result = scan_result(tmp_path, jobs=1)
    assert not any(r.startswith("topic:") for f in result.findings for r in f.recognizers)

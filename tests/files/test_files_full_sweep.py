"""``--full`` on a log: each parsed field settles and then thins (piscan.settle), the lines thinning
skips are pattern-checked for the sparse entities (piscan.sweep), and what the sweep finds keeps
its first line. Late client addresses are still value evidence."""

from __future__ import annotations

import random
from pathlib import Path

from tests.files.helpers import notes, scan_json
from tests.files.test_files_logs_late import _access, _ip

AGENTS = ["Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0", "curl/8.0", "Wget/1.21", "Safari/605.1.15"]
PLANTED = (1500, 2200, 2900, 3600)  # crawlers that give a contact address, late and rare


def _line(i: int, agent: str) -> str:
    return (
        f'81.2.69.{i % 250 + 1} - - [10/Oct/2026:13:55:36 +0000] "GET /item/{i} HTTP/1.1" 200 2326'
        f' "-" "{agent}"\n'
    )


def _results(doc: dict) -> dict[str, dict[str, dict]]:
    out: dict[str, dict[str, dict]] = {}
    for r in doc["results"]:
        if r["policy"] == "xwms":
            out.setdefault(r["location"], {})[r["entity"]] = r
    return out


def test_full_scan_of_a_log_thins_fields_and_sweeps_rare_e_mails_with_their_first_line(
    tmp_path: Path,
) -> None:
    lines = [
        _line(i, f"ExampleBot/1.0 (+mailto:bot{i}@example.org)" if i in PLANTED else AGENTS[i % 4])
        for i in range(1, 4001)
    ]
    (tmp_path / "access.log").write_text("".join(lines))
    run, doc = scan_json(str(tmp_path), "--full", "--sample", "100", "--fail-on", "never")
    assert run.code == 0, run
    found = _results(doc)
    email = found["access.log#user_agent"]["EMAIL_ADDRESS"]
    assert email["matches"] == len(PLANTED)  # every planted address, examined or swept
    assert email["first_line"] == PLANTED[0]
    assert "bot1500@example.org" not in str(doc)  # examples stay masked
    note = notes(doc)["access.log#user_agent"]
    assert "verdict settled" in note and "pattern-checked for" in note  # thinned, and the sweep looked
    coverage = {c["location"]: c for c in doc["coverage"]}["access.log#user_agent"]
    assert coverage["rows"] == 4000 and coverage["sampled"] < 4000


def test_full_scan_still_gives_late_client_ips(tmp_path: Path) -> None:
    """Host names first, addresses from line 100 on 3 % of lines (as issue 10's sampled case)."""
    rng = random.Random(8)
    lines, ips = [], 0
    for i in range(1, 3001):
        late = i > 100 and rng.random() < 0.03
        ips += late
        lines.append(_access(_ip(rng) if late else f"crawler{i % 5}.example.net", i))
    (tmp_path / "access.log").write_text("".join(lines))
    run, doc = scan_json(str(tmp_path), "--full", "--fail-on", "never")
    assert run.code == 0, run
    ip = _results(doc)["access.log#client_ip"]["IP_ADDRESS"]
    assert ip["matches"] == ips > 0  # the field is not settled at this share: every line examined
    assert ip["first_line"] > 100

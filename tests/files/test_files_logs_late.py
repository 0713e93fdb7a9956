"""Sparse positives late in a file: log lines are parsed wherever they start, and client
addresses on a few percent of the lines are value evidence, not only a column name."""

from __future__ import annotations

import random
from pathlib import Path

from tests.files.helpers import scan_result


def _ip(rng: random.Random) -> str:
    first = rng.choice([23, 31, 45, 62, 81, 94, 109, 151, 176, 188])  # public unicast, never 127.x
    return f"{first}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def _access(client: str, i: int) -> str:
    return f'{client} - - [10/Oct/2026:13:55:36 +0000] "GET /item/{i} HTTP/1.1" 200 2326 "-" "curl/8.0"\n'


def _findings(root: Path) -> dict[str, dict[str, int]]:
    result = scan_result(root, jobs=1)
    out: dict[str, dict[str, int]] = {}
    for f in result.findings:
        out.setdefault(f.location.path, {})[f.entity] = f.matches
    return out


def test_access_lines_starting_late_in_an_application_log_give_client_ips(tmp_path: Path) -> None:
    rng = random.Random(7)
    lines = []
    for i in range(1, 3001):
        if i > 120 and rng.random() < 0.03:
            lines.append(_access(_ip(rng), i))
        else:
            stamp = f"2026-10-10 13:55:{i % 60:02d},123"
            lines.append(f"{stamp} INFO worker-{i % 7} job {i} done in {i % 900} ms\n")
    (tmp_path / "app.log").write_text("".join(lines))
    found = _findings(tmp_path)
    ips = sum(1 for line in lines if line[0].isdigit() and " - - [" in line)
    assert found["app.log#client_ip"]["IP_ADDRESS"] == ips


def test_client_ips_on_a_few_percent_of_access_lines_are_value_evidence(tmp_path: Path) -> None:
    """Most clients are host names (HostnameLookups on); addresses appear from line 100 on 3 % of lines."""
    rng = random.Random(8)
    lines, ips = [], 0
    for i in range(1, 3001):
        late = i > 100 and rng.random() < 0.03
        ips += late
        lines.append(_access(_ip(rng) if late else f"crawler{i % 5}.example.net", i))
    (tmp_path / "access.log").write_text("".join(lines))
    found = _findings(tmp_path)
    assert found["access.log#client_ip"]["IP_ADDRESS"] == ips > 0

"""What the README promises about its first example holds."""

from __future__ import annotations

import re

from tests.conftest import ROOT, run_cli


def test_the_first_example_exits_as_the_readme_says_and_for_the_reason_it_gives(monkeypatch) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    (command,) = re.findall(r"pip install \. && (piscan scan [^\n`]+)", text)
    code = int(re.search(r"It exits (\d) on purpose", text).group(1))
    summary = re.search(r"the last line names them \(`([^`]+)`\)", text.replace("\n", " ")).group(1)
    monkeypatch.chdir(ROOT)
    run = run_cli(*command.split()[1:], "-q")
    assert run.code == code == 1, run
    assert summary in run.stdout.replace("\n", " ")

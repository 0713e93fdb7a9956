"""What spaCy calls a person is a thing when every word is a common English word and none a known
name (rules/lexicon); users' rules add names that are also common words."""

from __future__ import annotations

from pathlib import Path

import pytest

from piscan.detectors.lexicon import common_words_only
from piscan.rules import use_user_rules


@pytest.mark.parametrize(
    ("span", "thing"),
    [
        ("Electric Kettle", True),
        ("Noise Cancelling Headphones", True),
        ("Keyboard", True),
        ("Mark Young", False),  # common words, but Mark is a given name
        ("Rose Baker", False),
        ("Smith", False),  # a frequent surname
        ("Jonathan Harris", False),
        ("Li Wei", False),  # not English words
        ("PENELOPE GUINESS", False),
        ("O'Brien", False),
        ("", False),
    ],
)
def test_common_words_and_names(span: str, thing: bool) -> None:
    assert common_words_only(span) is thing


def test_a_users_names_are_names(tmp_path: Path) -> None:
    (tmp_path / "lexicon").mkdir()
    (tmp_path / "lexicon" / "names.txt").write_text("# our staff\nLamp\n", encoding="utf-8")
    assert common_words_only("Desk Lamp")
    try:
        use_user_rules([tmp_path])
        assert not common_words_only("Desk Lamp")
    finally:
        use_user_rules([])
    assert common_words_only("Desk Lamp")

"""Word lists that tell a thing from a person: spaCy reads title-case product names at the head
of a sentence ("Electric Kettle, available in three colours") as people. A span is a thing when
every word of it is a common English word and none a known given name or surname.

The lists are data (``rules/lexicon/*.txt``, and the same folder of users' rules): a user whose
names are common words ("Hunter", "Bishop") adds them to a ``names.txt`` of their own.
"""

from __future__ import annotations

import re
from functools import cache

from piscan.rules import rules_dir, user_rules_dirs

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_POSSESSIVE = re.compile(r"['’]s$")


@cache
def _words(name: str, dirs: tuple[str, ...]) -> frozenset[str]:
    """One lexicon's lower-case entries, bundled and users' (``#`` starts a comment line)."""
    from pathlib import Path

    out: set[str] = set()
    for folder in dirs:
        path = Path(folder) / "lexicon" / name
        if path.is_file():
            lines = path.read_text(encoding="utf-8").splitlines()
            out.update(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))
    return frozenset(out)


def _lexicon(name: str) -> frozenset[str]:
    return _words(name, tuple(str(d) for d in (rules_dir(), *user_rules_dirs())))


def common_words_only(span: str) -> bool:
    """Whether a span is made of common English words alone, none of them a known name."""
    tokens = [_POSSESSIVE.sub("", t).lower() for t in _WORD.findall(span)]
    if not tokens:
        return False
    common, names = _lexicon("common-words.txt"), _lexicon("names.txt")
    return all(t in common and t not in names for t in tokens)

"""The only way a value leaves memory: a masked example that keeps shape, never content."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"^([^@\s]+)@([^@\s]+)$")


def mask(text: str) -> str:
    """Mask a matched value: ``john@example.com`` -> ``j***@e***.com``, ``Anna Meyer`` -> ``A*** M***``.

    At most the first character of each word and an email's top-level domain survive; digits
    never do, so a masked phone or card number reveals nothing but its length class.
    """
    text = " ".join(text.split())
    if not text:
        return ""
    email = _EMAIL.match(text)
    if email:
        local, domain = email.groups()
        labels = domain.split(".")
        tld = labels[-1] if len(labels) > 1 and labels[-1].isalpha() else "***"
        return f"{_word(local)}@{_word(labels[0])}.{tld}"
    words = text.split(" ")
    if len(words) > 6:
        words = words[:6]
    return " ".join(_word(w) for w in words)


def _word(word: str) -> str:
    if not word:
        return ""
    first = word[0]
    if not first.isalpha() or len(word) < 3:
        return "*" * min(max(len(word), 3), 8)
    return f"{first}***"


def describe_blob(kind: str, size: int) -> str:
    """A binary value is never shown; its kind and size are."""
    if size >= 1024:
        return f"<{kind}, {size // 1024} KiB>"
    return f"<{kind}, {size} bytes>"


# A random key per scan: digests of one scan can be compared (its units' distinct counts merge)
# but not across scans, and a digest cannot be reversed by hashing guesses without the key. The
# parent's key travels with the job (piscan.run.job.Job.digest_key) to every worker process and
# Spark executor, which would otherwise each draw their own and count one text several times.
_KEY = __import__("os").urandom(16)


def digest_key() -> bytes:
    """This process's digest key: what a job gives its workers."""
    return _KEY


def use_digest_key(key: bytes) -> None:
    """Digest with the scan's key (a worker of a job), so the scan's units agree on digests."""
    global _KEY
    if len(key) != 16:
        raise ValueError("a digest key has 16 bytes")
    _KEY = key


def digest(text: str) -> str:
    """A keyed hash to tell matched texts apart without keeping them."""
    import hashlib

    return hashlib.blake2b(text.encode("utf-8", "replace"), key=_KEY, digest_size=8).hexdigest()

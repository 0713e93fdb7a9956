"""Checksums and format checks for recognizers whose patterns alone would over-match."""

from __future__ import annotations

from collections.abc import Callable


def luhn(text: str) -> bool:
    """Luhn mod-10 check (IMEI, payment cards)."""
    digits = [int(c) for c in text if c.isdigit()]
    if len(digits) < 2:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


_CN_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CN_CHECK = "10X98765432"


def cn_resident_id(text: str) -> bool:
    """GB 11643-1999 check digit of an 18-character Chinese resident identity number."""
    value = text.strip().upper()
    if len(value) != 18 or not value[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _CN_WEIGHTS, strict=True))
    return _CN_CHECK[total % 11] == value[17]


def de_tax_id(text: str) -> bool:
    """German Steuer-IdNr: 11 digits, ISO 7064 MOD 11,10 check digit, one digit repeated 2-3 times."""
    digits = [c for c in text if c.isdigit()]
    if len(digits) != 11 or digits[0] == "0":
        return False
    counts = sorted((digits[:10].count(d) for d in set(digits[:10])), reverse=True)
    if counts[0] not in (2, 3) or (counts[0] == 3 and counts.count(3) > 1):
        return False
    product = 10
    for d in digits[:10]:
        total = (int(d) + product) % 10 or 10
        product = (total * 2) % 11
    check = (11 - product) % 10
    return check == int(digits[10])


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "luhn": luhn,
    "cn_resident_id": cn_resident_id,
    "de_tax_id": de_tax_id,
}
